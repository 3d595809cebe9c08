"""French display helpers shared by every report section."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

import pandas as pd

from ..french import count, euros, percent, signed_euros

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["count", "days", "euros", "markdown_text", "percent", "screen", "signed_euros"]

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
#: A cell that reads as a number: amounts, counts, shares, days, dates (right-aligned on screen).
_NUMERIC_TEXT = re.compile(r"^[-+]?\d[\d\u202f]*(,\d+)?(\u00a0(€|%|j))?$|^\d\d/\d\d/\d{4}$")
TOTAL_LABELS = ("Total", "Total général")


def markdown_text(value: object) -> str:
    """Untrusted text (a customer or collector name) made inert for a Markdown cell: HTML
    escaped, Markdown punctuation backslashed, line breaks as spaces."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))


def days(value: float | None, digits: int = 1) -> str:
    """``76.714`` → ``76,7 j``; empty for a missing value."""
    if value is None or pd.isna(value):
        return ""
    return f"{value:.{digits}f}".replace(".", ",") + "\u00a0j"


def _is_row_number(index: pd.Index) -> bool:
    """An index that only numbers the rows (0, 1, 2… or any unnamed integer labels)."""
    return isinstance(index, pd.RangeIndex) or (index.nlevels == 1 and index.name is None
                                                and pd.api.types.is_integer_dtype(index))


def screen(table: pd.DataFrame | Styler) -> Styler:
    """A screen table as every page of the report shows it (a Styler, for JupyterLab and the HTML).

    One header row: an index that names the rows (collector, customer, rule…) becomes the first
    column(s) under its name, row numbers are never shown. Cells are text escaped for HTML (names
    come from the ERP), shown in full (no ``…``), integers with French thousands separators,
    blanks for missing values; text columns left-aligned, figures right-aligned; the total row in
    bold. A Styler (already laid out, e.g. the call lists) is returned unchanged."""
    if not isinstance(table, pd.DataFrame):
        return table
    frame = table if _is_row_number(table.index) else table.reset_index(
        names=[name if name is not None else "" for name in table.index.names])
    frame = frame.rename_axis(columns=None)
    styler = frame.style.hide(axis="index").format(
        {c: (lambda v: "" if pd.isna(v) else count(int(v))) for c in frame.columns
         if pd.api.types.is_integer_dtype(frame[c])}, escape="html", na_rep="")
    text_columns = [c for c in frame.columns if not _numeric_column(frame[c])]
    if text_columns:
        styler = styler.set_properties(subset=text_columns, **{"text-align": "left"}).set_table_styles(
            {c: [{"selector": "th", "props": "text-align: left"}] for c in text_columns}, overwrite=False)
    first = frame.columns[0] if len(frame.columns) else None
    if first is not None:
        styler = styler.apply(lambda row: ["font-weight: bold" if str(row[first]) in TOTAL_LABELS else ""] * len(row),
                              axis=1)
    return styler.set_properties(**{"white-space": "pre-line", "vertical-align": "top"})


def with_total(table: pd.DataFrame, values: dict[str, object]) -> pd.DataFrame:
    """``table`` (a screen table, perhaps only its first rows) and a last row « Total » in its
    first column, with ``values`` (what the whole list adds up to, as text) and blanks elsewhere:
    a shortened table still says how much it leaves out."""
    row: dict[object, object] = dict.fromkeys(table.columns, "")
    row.update({table.columns[0]: TOTAL_LABELS[0], **values})
    return pd.concat([table.astype(object), pd.DataFrame([row])], ignore_index=True)


def _numeric_column(values: pd.Series) -> bool:
    if pd.api.types.is_numeric_dtype(values):
        return True
    shown = [str(v) for v in values if not pd.isna(v) and str(v) != ""]
    return bool(shown) and all(_NUMERIC_TEXT.match(v) for v in shown)
