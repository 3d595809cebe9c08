"""French presentation of the metric frames, one module per report section."""

from .aging import balance_headers, balance_sheet, balance_summary, display_balance, items_detail, write_aged_balance
from .common import count, euros, percent

__all__ = ["balance_headers", "balance_summary", "count", "balance_sheet", "display_balance", "euros", "items_detail",
           "percent",
           "write_aged_balance"]
