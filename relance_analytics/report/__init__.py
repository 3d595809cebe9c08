"""French presentation of the metric frames, one module per report section."""

from .aging import balance_headers, balance_sheet, balance_summary, display_balance, items_detail, write_aged_balance
from .common import count, euros, percent, screen
from .index import KeyFigure, save_key_figures

__all__ = ["KeyFigure", "balance_headers", "balance_summary", "count", "balance_sheet", "display_balance", "euros",
           "items_detail", "percent", "save_key_figures", "screen", "write_aged_balance"]
