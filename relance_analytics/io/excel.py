"""Formatted Excel outputs (xlsxwriter): euro formats, frozen header, filters, widths, totals.

Every string is written as text, never as a formula or a link, unless the caller asks for a
link column: xlsxwriter runs with ``strings_to_formulas``/``strings_to_urls`` off.
Money columns hold integer cents in the frame and are written as euros. A text longer than
one cell holds is cut visibly (:func:`cell_text`), never silently.

Every sheet is print-ready (:func:`print_setup`): A4 landscape, one page wide and as many pages
tall as needed, the header row repeated on each page, the sheet name and page number in the
footer. A wrapped cell's row gets an explicit height (:func:`text_lines`, :func:`row_height`):
Excel and LibreOffice do not size rows of a generated file themselves, and LibreOffice prints
the extra lines of a too-short row over the next rows.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
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


#: Height of one line of 11-point text (points): Excel's default row height, a little above the
#: line height LibreOffice uses with Carlito or DejaVu Sans.
LINE_HEIGHT = 15.0
#: Excel's largest row height (points): 27 lines; a longer wrapped text is cut on screen and paper.
MAX_ROW_HEIGHT = 409.0
#: Bold text (headers) is up to 15 % wider.
BOLD = 1.15
#: Widths of characters in digit widths (a column of width ``w`` holds ``w`` digits), measured on
#: DejaVu Sans, the widest of the fonts a spreadsheet may print the default Calibri with
#: (LibreOffice substitutes it when neither Calibri nor Carlito is installed): a line estimated
#: to fit fits in Calibri and Carlito too. Other characters count 1, capitals 1.25, wide Asian
#: characters and emojis 2.
CHAR_WIDTHS: dict[str, float] = {
    **dict.fromkeys(" \u00a0.,'`", 0.5), "\u202f": 0.32, "\u2009": 0.32, **dict.fromkeys(":;", 0.55),
    **dict.fromkeys("iljìíîïIJ", 0.47), **dict.fromkeys("()[]{}-/|!ftr", 0.66), "\"": 0.75, "–": 0.8,
    **dict.fromkeys("sczçk?", 0.92), **dict.fromkeys("w+=×&~<>#", 1.32),
    **dict.fromkeys("mMW%@—…æœ", 1.6), **dict.fromkeys("ÆŒ", 1.75),
}


def _char_width(char: str) -> float:
    width = CHAR_WIDTHS.get(char)
    if width is not None:
        return width
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 2.0
    return 1.25 if char.isupper() else 1.0


@lru_cache(maxsize=65_536)
def _word_width(word: str) -> float:
    return sum(map(_char_width, word))


def _text_width(text: str) -> float:
    return _word_width(text) if len(text) < 200 else sum(map(_char_width, text))


def text_lines(text: str, width: float, bold: bool = False, limit: int = 1_000) -> int:
    """Lines a wrapped cell ``width`` characters wide (Excel's column width) takes to show
    ``text``, at most ``limit``: each paragraph (``\\n``) wrapped word by word, a word longer
    than a line cut across lines (after its hyphens, else anywhere). Errs on the side of one
    line too many (the widest font, breaks at spaces only in words that fit), never too few: a
    row sized from it shows all its text."""
    room = max(width - 0.6, 1.0) / (BOLD if bold else 1.0)   # in regular characters' widths
    space = CHAR_WIDTHS[" "]
    lines = 0
    for paragraph in text.split("\n"):
        if len(paragraph) * 2.0 <= room:                   # fits whatever its characters
            lines += 1
        else:
            lines += _paragraph_lines(paragraph.split(" "), room, space)
        if lines >= limit:
            return limit
    return max(lines, 1)


def _paragraph_lines(words: list[str], room: float, space: float, hyphens: bool = True) -> int:
    """Greedy wrap of ``words`` (separated by ``space``) in lines ``room`` wide."""
    # (words of 200 characters and more are not kept in the cache)
    widths = list(map(_word_width, words)) if max(map(len, words)) < 200 else [_text_width(w) for w in words]
    if sum(widths) + space * (len(widths) - 1) <= room:
        return 1
    lines, used = 1, -space                                # the first word takes no space before it
    for word, w in zip(words, widths):
        if used + space + w <= room:
            used += space + w
            continue
        if used > 0:
            lines += 1
        if w <= room:
            used = w
        elif hyphens and "-" in word:                      # a long word breaks after its hyphens
            lines += _paragraph_lines(word.replace("-", "- ").split(" "), room, 0.0, hyphens=False) - 1
            used = room                                    # (its last line taken as full)
        else:                                              # a word wider than the cell: cut anywhere
            extra = math.ceil(w / room) - 1
            lines += extra
            used = w - extra * room
    return lines


def text_width(text: str) -> float:
    """Width of one line of ``text`` in digit widths (Excel's column width unit), as
    :func:`text_lines` counts it: a column at least this wide (plus one) shows it whole."""
    return _text_width(text)


def row_height(lines: int) -> float:
    """Height in points of a row showing ``lines`` lines of text (Excel's limit at most)."""
    return min(max(lines, 1) * LINE_HEIGHT, MAX_ROW_HEIGHT)


def row_heights(texts: Sequence[Sequence[object]], widths: Sequence[float], bold: bool = False) -> list[float]:
    """Height of each row (points) from its wrapped cells: ``texts[j][i]`` is row ``i``'s text in
    the ``j``-th wrapped column (``None`` or blank: one line), ``widths[j]`` that column's width;
    a row's height is that of its tallest cell. ``LINE_HEIGHT`` for a one-line row."""
    limit = int(MAX_ROW_HEIGHT // LINE_HEIGHT)
    n = len(texts[0]) if texts else 0
    most = [1] * n
    for column, width in zip(texts, widths):
        for i, value in enumerate(column):
            if isinstance(value, str) and value:
                most[i] = max(most[i], text_lines(value, width, bold, limit))
    return [row_height(k) for k in most]


#: Widest column written (characters); a longer text wraps in it.
MAX_COLUMN_WIDTH = 60
#: Lines a header may wrap on before it widens its column.
HEADER_LINES = 3
#: The title's font (13 points) against the body's (11), and the height of one of its lines.
TITLE_SCALE = 13 / 11
TITLE_LINE = 18.0
#: Paper size A4 (xlsxwriter's code).
A4 = 9
#: Page footer: sheet name on the left, page number on the right (Excel's codes).
FOOTER = "&L&A&RPage &P / &N"


def print_setup(ws: Any, header_row: int | None = None, pages_tall: int = 0) -> None:
    """Make a sheet print-ready: A4 landscape, one page wide and as many pages tall as needed
    (at most ``pages_tall`` when not 0), ``header_row`` (0-based) repeated at the top of every
    page, narrow margins, gridlines printed, the sheet's name and the page number in the footer."""
    ws.set_paper(A4)
    ws.set_landscape()
    ws.fit_to_pages(1, pages_tall)
    if header_row is not None:
        ws.repeat_rows(header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer(FOOTER, {"margin": 0.25})
    ws.hide_gridlines(0)


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


@contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to: renamed to ``path`` when the block ends
    without error, removed otherwise, so that ``path`` is never left half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_workbook(path: str | Path, sheets: Sequence[Sheet]) -> Path:
    """Write ``sheets`` to ``path`` atomically (temporary file, then rename)."""
    path = Path(path)
    with atomic_file(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        add_sheets(wb, sheets)
        wb.close()
    return path


def add_sheets(wb: xlsxwriter.Workbook, sheets: Sequence[Sheet]) -> None:
    """Add ``sheets`` to an open workbook, formatted as :func:`write_workbook` does."""
    formats = _Formats(wb)
    for sheet in sheets:
        _write_sheet(wb, formats, sheet)


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.header = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.title_wrap = wb.add_format({"bold": True, "font_size": 13, "text_wrap": True, "valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
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


def _header_width(header: str) -> int:
    """Characters the header needs wrapped on up to three lines, no word cut (headers wrap: a
    long header over a column of short numbers does not widen the table, and the page)."""
    longest_word = max(map(len, header.split()), default=0)
    return max(longest_word, math.ceil(len(header) / HEADER_LINES)) + 2


def _shown_length(value: Any, kind: str) -> int:
    """Characters ``value`` takes as the sheet shows it (a date as dd/mm/yyyy, a share as 12.3 %)."""
    value = _cell(value)
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return len(DATE_FORMAT)
    if kind == "money":
        return len(f"{int(value) / 100:,.2f} €")
    if kind == "percent" and isinstance(value, (int, float)):
        return len(f"{value * 100:.1f} %")
    return len(str(value))


def _column_width(header: str, values: np.ndarray, kind: str) -> float:
    """Characters: the longest of the first 500 values as shown, or what the header needs
    wrapped (:func:`_header_width`), 8 to 60 (15 for money)."""
    width = max([_header_width(header)] + [_shown_length(v, kind) + 2 for v in values[:500]])
    if kind == "money":
        width = max(width, 15)
    return min(max(width, 8), MAX_COLUMN_WIDTH)


def _longest_text(values: np.ndarray) -> int:
    return max((len(v) for v in values if isinstance(v, str)), default=0)


def _write_title(ws: Any, fm: _Formats, title: str, span: float, columns: int) -> None:
    """The title on row 1; across the table's ``columns`` (``span`` characters wide when shown),
    wrapped, when longer than the table is wide (a printed page stops at the table's last column)."""
    lines = text_lines(title, span / TITLE_SCALE, bold=True, limit=int(MAX_ROW_HEIGHT // TITLE_LINE))
    if lines == 1:
        ws.write_string(0, 0, title, fm.title)
        return
    if columns > 1:
        ws.merge_range(0, 0, 0, columns - 1, "", fm.title_wrap)
    ws.write_string(0, 0, title, fm.title_wrap)
    ws.set_row(0, lines * TITLE_LINE)


def _write_sheet(wb: xlsxwriter.Workbook, fm: _Formats, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.name[:31])
    frame = sheet.frame.reset_index(drop=True)
    columns = list(frame.columns)
    money, percent, dates = set(sheet.money), set(sheet.percent), set(sheet.dates)
    headers = [str(sheet.headers.get(col, col)) for col in columns]
    values = {col: frame[col].to_numpy(dtype=object) for col in columns}
    kinds = ["money" if c in money else "percent" if c in percent else "" for c in columns]
    widths = [_column_width(h, values[col], kind) for h, col, kind in zip(headers, columns, kinds)]
    # a text column wraps when one of its texts is longer than the column is wide
    wrapped = [j for j, col in enumerate(columns)
               if col not in money | percent | dates and _longest_text(values[col]) > widths[j] - 2]
    top = 0
    if sheet.title:
        shown = sum(w for w, col in zip(widths, columns) if col not in sheet.hidden)
        _write_title(ws, fm, sheet.title, shown or MAX_COLUMN_WIDTH, len(columns))
        top = 2
    for j, col in enumerate(columns):
        ws.write_string(top, j, headers[j], fm.header)
        fmt = fm.money if col in money else fm.percent if col in percent else fm.date if col in dates else None
        text_fmt = fm.wrap if j in wrapped else None
        for i, v in enumerate(values[col]):
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
                ws.write_string(top + 1 + i, j, cell_text(str(v)), text_fmt)
        ws.set_column(j, j, widths[j], None, {"hidden": col in sheet.hidden})
    if columns:
        header_height = row_heights([[h] for h in headers], widths, bold=True)[0]
        if header_height > LINE_HEIGHT:
            ws.set_row(top, header_height)
    if wrapped:
        heights = row_heights([values[columns[j]] for j in wrapped], [widths[j] for j in wrapped])
        for i, height in enumerate(heights):
            if height > LINE_HEIGHT:
                ws.set_row(top + 1 + i, height)
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
    print_setup(ws, top)
