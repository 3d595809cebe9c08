"""Plotly figures for the reports, one module per report section (French titles, euros)."""

from .aging import aged_balance_bars, bucket_totals_bar

__all__ = ["aged_balance_bars", "bucket_totals_bar"]
