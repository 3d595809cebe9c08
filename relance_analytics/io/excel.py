"""Formatted Excel outputs (xlsxwriter): euro formats, frozen header, filters, widths, totals.

Every string is written as text, never as a formula or a link, unless the caller asks for a
link column: xlsxwriter runs with ``strings_to_formulas``/``strings_to_urls`` off.
Money columns hold integer cents in the frame and are written as euros. A text longer than
one cell holds is cut visibly (:func:`cell_text`), never silently.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

EURO_FORMAT = '#,##0.00 "€";-#,##0.00 "€";"-"'
PERCENT_FORMAT = "0.0 %"
DATE_FORMAT = "dd/mm/yyyy"
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "nan_inf_to_errors": True}
#: Excel's limit for the text of one cell, in UTF-16 code units (a character beyond U+FFFF,
#: such as an emoji, counts twice).
CELL_TEXT_LIMIT = 32_767
#: The end of a text cut to fit in a cell; ``n`` is the number of characters cut off.
TRUNCATION_MARKER = "… [texte tronqué : {n} caractères manquants]"


def cell_text(text: str) -> str:
    """``text`` as one Excel cell can hold it: unchanged when it fits in :data:`CELL_TEXT_LIMIT`
    UTF-16 units; else its beginning followed by :data:`TRUNCATION_MARKER` (the number of
    characters cut, French digit grouping), the whole within the limit. xlsxwriter would
    otherwise cut the text silently (``write_string`` returning -2)."""
    if len(text) <= CELL_TEXT_LIMIT // 2 or _utf16_len(text) <= CELL_TEXT_LIMIT:
        return text
    # The marker is longest when it counts every character of ``text``: leave room for that one.
    room = CELL_TEXT_LIMIT - _utf16_len(_marker(len(text)))
    kept = text[:room]
    while (excess := _utf16_len(kept) - room) > 0:     # wide characters: cut ⌈excess / 2⌉ more
        kept = kept[:len(kept) - (excess + 1) // 2]
    return kept + _marker(len(text) - len(kept))


def _marker(n: int) -> str:
    return TRUNCATION_MARKER.format(n=f"{n:,}".replace(",", "\u202f"))


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class Sheet:
    """One sheet: a frame (index ignored) and how to format its columns.

    ``headers`` renames columns for display (French); ``money`` columns are cents;
    ``total_label`` adds a totals row (exact sums of the money and ``sum_columns``).
    """

    name: str
    frame: pd.DataFrame
    headers: dict[str, str] = field(default_factory=dict)
    money: Sequence[str] = ()
    percent: Sequence[str] = ()
    dates: Sequence[str] = ()
    sum_columns: Sequence[str] = ()
    total_label: str | None = None
    title: str | None = None
    hidden: Sequence[str] = ()


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        formats = _Formats(wb)
        for sheet in sheets:
            _write_sheet(wb, formats, sheet)
        wb.close()
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.header = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.money = wb.add_format({"num_format": EURO_FORMAT})
        self.percent = wb.add_format({"num_format": PERCENT_FORMAT})
        self.date = wb.add_format({"num_format": DATE_FORMAT})
        self.total = wb.add_format({"bold": True, "top": 1})
        self.total_money = wb.add_format({"bold": True, "top": 1, "num_format": EURO_FORMAT})
        self.total_percent = wb.add_format({"bold": True, "top": 1, "num_format": PERCENT_FORMAT})


def _cell(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_sheet(wb: xlsxwriter.Workbook, fm: _Formats, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.name[:31])
    frame = sheet.frame.reset_index(drop=True)
    columns = list(frame.columns)
    top = 0
    if sheet.title:
        ws.write_string(0, 0, sheet.title, fm.title)
        top = 2
    money, percent, dates = set(sheet.money), set(sheet.percent), set(sheet.dates)
    for j, col in enumerate(columns):
        ws.write_string(top, j, str(sheet.headers.get(col, col)), fm.header)
        values = frame[col].to_numpy(dtype=object)
        fmt = fm.money if col in money else fm.percent if col in percent else fm.date if col in dates else None
        for i, v in enumerate(values):
            v = _cell(v)
            if v is None:
                continue
            if col in money:
                ws.write_number(top + 1 + i, j, int(v) / 100, fmt)
            elif isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(top + 1 + i, j, v, fm.date)
            elif isinstance(v, bool):
                ws.write_boolean(top + 1 + i, j, v)
            elif isinstance(v, (int, float)):
                ws.write_number(top + 1 + i, j, v, fmt)
            else:
                ws.write_string(top + 1 + i, j, cell_text(str(v)))
        width = max([len(str(sheet.headers.get(col, col)))] +
                    [len(str(_cell(v) or "")) for v in values[:500]]) + 2
        if col in money:
            width = max(width, 15)
        ws.set_column(j, j, min(max(width, 8), 60), None, {"hidden": col in sheet.hidden})
    n = len(frame)
    if sheet.total_label is not None and columns:
        r = top + 1 + n
        ws.write_string(r, 0, sheet.total_label, fm.total)
        for j, col in enumerate(columns[1:], start=1):
            if col in money:
                ws.write_number(r, j, int(frame[col].fillna(0).astype("int64").sum()) / 100, fm.total_money)
            elif col in sheet.sum_columns:
                ws.write_number(r, j, _cell(frame[col].sum()), fm.total)
            else:
                ws.write_blank(r, j, None, fm.total)
    ws.freeze_panes(top + 1, 0)
    if columns:
        ws.autofilter(top, 0, top + max(n, 1), len(columns) - 1)
