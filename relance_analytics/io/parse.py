"""Vectorised parsing of cell values: kinds of cells, French money to integer cents, texts,
rates and header labels (dates: :mod:`relance_analytics.io.date_cells`).

Every parser returns the parsed array plus a boolean mask of the cells it could not read,
so a reader can report each bad cell instead of stopping at the first one.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_CURRENCY = re.compile(r"(€|eur|euros?)$|^(€|eur)", re.IGNORECASE)
_FR = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")
_EN = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")

# cell kinds (see :func:`cell_kinds`)
BLANK, NUMBER, TEXT, DATE, OTHER = 0, 1, 2, 3, 4


def cell_kinds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per cell, its kind (:data:`NUMBER`, :data:`TEXT`, :data:`DATE`, :data:`OTHER` or
    :data:`BLANK`) and a blank mask (None/NaN/NaT or a string of spaces).

    Vectorised: cells are grouped by their exact type (a few distinct types per column) and
    each group is classified at once; only cells of unusual types (numpy scalars, booleans,
    times…) are looked at one by one.
    """
    arr = values.to_numpy(dtype=object)
    n = len(arr)
    kinds = np.full(n, BLANK, dtype=np.int8)
    if n == 0:
        return kinds, np.zeros(0, bool)
    inferred = pd.api.types.infer_dtype(arr, skipna=False)     # one C pass: a column of one type?
    if inferred == "string":
        blank = (arr == "") | np.fromiter(map(str.isspace, arr), dtype=bool, count=n)
        kinds[~blank] = TEXT
        return kinds, blank
    if inferred in ("floating", "integer"):
        blank = pd.isna(arr).astype(bool)
        kinds[~blank] = NUMBER
        return kinds, blank
    if inferred in ("date", "datetime"):
        blank = pd.isna(arr).astype(bool)
        kinds[~blank] = DATE
        return kinds, blank
    types = np.fromiter(map(type, arr), dtype=object, count=n)
    pending = np.ones(n, dtype=bool)
    for t, boxed in _USUAL_TYPES:   # compared by identity (cheap), most frequent first; the rest one by one
        sel = types == boxed
        if not sel.any():
            continue
        pending &= ~sel
        idx = np.flatnonzero(sel)
        if t is str:
            sub = arr[idx]
            blank = (sub == "") | np.fromiter(map(str.isspace, sub), dtype=bool, count=len(sub))
            kinds[idx] = np.where(blank, BLANK, TEXT)
        elif t is float:
            kinds[idx] = np.where(np.isnan(arr[idx].astype("float64")), BLANK, NUMBER)
        elif t is int:
            kinds[idx] = NUMBER
        elif t is not type(None):
            kinds[idx] = DATE
        if not pending.any():
            break
    else:
        idx = np.flatnonzero(pending)
        if len(idx):
            kinds[idx] = _odd_kinds(arr[idx])
    return kinds, kinds == BLANK


def _boxed(t: type) -> np.ndarray:
    """``t`` in a 0-d object array: ``types == t`` itself would let a class with an
    ``__array_priority__`` (``pd.Timestamp``) answer one ``False`` for the whole array."""
    box = np.empty((), dtype=object)
    box[()] = t
    return box


_USUAL_TYPES: tuple[tuple[type, np.ndarray], ...] = tuple(
    (t, _boxed(t)) for t in (str, float, dt.date, dt.datetime, int, type(None), pd.Timestamp))
"""Types of cells classified as a group (``str``, ``float``: blank or not; dates; ``int``;
``None``): any other type (numpy scalars, booleans, times…) goes through :func:`_odd_kinds`."""


def _odd_kinds(arr: np.ndarray) -> np.ndarray:
    """Kinds of cells of unusual types: blank when NA or ``""``, else :func:`_kind_code`."""
    kinds = np.full(len(arr), BLANK, dtype=np.int8)
    rest = ~pd.isna(arr).astype(bool)
    rest[rest] = arr[rest] != ""
    kinds[rest] = [_kind_code(v) for v in arr[rest]]
    return kinds


def _kind_code(v: object) -> int:
    if isinstance(v, bool):
        return OTHER
    if isinstance(v, (int, float, np.integer, np.floating)):
        return NUMBER
    if isinstance(v, str):
        return TEXT if v.strip() else BLANK
    if isinstance(v, (dt.date, np.datetime64)):
        return DATE
    return OTHER


def is_blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: None/NaN or a string of spaces only."""
    return cell_kinds(values)[1]


Kinds = tuple[np.ndarray, np.ndarray]
"""What :func:`cell_kinds` returns for a column, passed to the parsers when already known."""


@lru_cache(maxsize=200_000)
def _money_variants(text: str) -> tuple[int | None, int | None, str | None]:
    """Cents read the French way, the English way, and which decimal mark the text shows."""
    s = _SPACES.sub("", text)
    s = _CURRENCY.sub("", s)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith(("-", "−")):
        negative, s = not negative, s[:-1]
    if s.startswith(("-", "+", "−")):
        negative, s = (not negative) if s[0] != "+" else negative, s[1:]
    s = _CURRENCY.sub("", s)
    hint = "fr" if re.search(r",\d{1,2}$", s) else "en" if re.search(r"\.\d{1,2}$", s) else None

    def cents(m: re.Match[str] | None) -> int | None:
        if m is None:
            return None
        value = int(re.sub(r"[.,]", "", m.group(1))) * 100 + int((m.group(2) or "0").ljust(2, "0"))
        return -value if negative else value

    return cents(_FR.match(s)), cents(_EN.match(s)), hint


def parse_money_text(text: str) -> int | None:
    """French (or English) money text to cents; ``None`` if it is not an amount.

    Accepts ``1 234,56``, ``-1 234,56``, ``1 234,56 €``, ``(1 234,56)``, ``1.234,56-`` (SAP),
    ``1,234.56``, with normal, non-breaking or narrow spaces as thousands separators. A text
    readable both ways (``1.234``) is read the French way; :func:`parse_money` decides per column.
    """
    fr, en, _ = _money_variants(text)
    return fr if fr is not None else en


class MoneyCells(NamedTuple):
    """Parsed money cells: ``cents`` (int64, 0 where blank or bad), masks ``bad``, ``blank`` and
    ``too_precise`` (a number with more than two decimals: a subset of ``bad``)."""

    cents: np.ndarray
    bad: np.ndarray
    blank: np.ndarray
    too_precise: np.ndarray


_TOO_PRECISE = re.compile(r"^[-+−(]?\d*[.,]\d{3,}[)-]?$")


def parse_money(values: pd.Series, kinds: Kinds | None = None) -> MoneyCells:
    """Cells to integer cents (see :class:`MoneyCells`); blank cells give 0 and are not bad.

    Numbers with more than two decimals (beyond float noise) are bad, ``too_precise``: money is
    never rounded silently (``2309.7899999999995`` written as text by another tool included). Text cells follow
    the column's convention: French (``1.234,56``, the default) or
    English (``1,234.56``) when more of its cells show a decimal point than a decimal comma;
    a cell that only reads the other way (``1,234`` in a French column) is bad.
    ``kinds``: the column's :func:`cell_kinds`, when the caller has them already.
    """
    n = len(values)
    cents = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    too_precise = np.zeros(n, dtype=bool)
    kind, blank = cell_kinds(values) if kinds is None else kinds
    arr = values.to_numpy(dtype=object)
    num = kind == NUMBER
    if num.any():
        x = arr[num].astype("float64") * 100.0
        r = np.round(x)
        finite = np.isfinite(x) & (np.abs(x) < 9e15)
        exact = finite & (np.abs(x - r) <= 1e-3)
        idx = np.flatnonzero(num)
        cents[idx[exact]] = r[exact].astype(np.int64)
        bad[idx[~exact]] = True
        too_precise[idx[~exact & finite]] = True
    txt = kind == TEXT
    if txt.any():
        codes, uniq = pd.factorize(arr[txt])           # each distinct text parsed once
        variants = [_money_variants(v) for v in uniq]
        counts = np.bincount(codes, minlength=len(uniq))
        hints = np.array([h or "" for _, _, h in variants], dtype=object)
        english = counts[hints == "en"].sum() > counts[hints == "fr"].sum()
        parsed = np.array([en if english else fr for fr, en, _ in variants], dtype=object)[codes]
        idx = np.flatnonzero(txt)
        ok = parsed != None  # noqa: E711 (element-wise)
        cents[idx[ok]] = parsed[ok].astype(np.int64)
        bad[idx[~ok]] = True
        noisy = np.array([_TOO_PRECISE.match(_SPACES.sub("", v)) is not None for v in uniq], dtype=bool)[codes]
        too_precise[idx[~ok & noisy]] = True
    bad |= (kind == OTHER) | (kind == DATE)
    return MoneyCells(cents, bad, blank, too_precise)


def parse_text(values: pd.Series, kinds: Kinds | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Cells to stripped strings (numbers without a spurious ``.0``); returns ``(text, blank)``.
    ``kinds``: the column's :func:`cell_kinds`, when the caller has them already."""
    blank = (cell_kinds(values) if kinds is None else kinds)[1]
    arr = values.to_numpy(dtype=object)
    text = np.full(len(arr), None, dtype=object)
    idx = np.flatnonzero(~blank)
    sub = arr[idx] if len(idx) < len(arr) else arr
    try:        # text cells only (the usual case): strip them, what _to_text does, in one C loop
        stripped = np.fromiter(map(str.strip, sub), dtype=object, count=len(sub))
    except TypeError:
        stripped = np.fromiter(map(_to_text, sub), dtype=object, count=len(sub))
    if len(idx) < len(arr):
        text[idx] = stripped
    else:
        text = stripped
    return text, blank


#: the characters ``str.isspace`` and ``str.strip`` take for whitespace (``tests/io/test_parse_arrow.py`` checks it)
PY_SPACES = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
             "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_BLANK_TEXT = "\\A[" + "".join(f"\\x{{{ord(c):x}}}" for c in PY_SPACES) + "]*\\z"     # RE2: only spaces, or nothing


class TextCells(NamedTuple):
    """A column of texts read once into Arrow: ``text`` (``large_string``, each cell stripped as
    ``str.strip`` does, null where blank) and the ``blank`` mask, as :func:`parse_text` and
    :func:`cell_kinds` give them."""

    text: pa.Array
    blank: np.ndarray

    def kinds(self) -> Kinds:
        return np.where(self.blank, BLANK, TEXT).astype(np.int8), self.blank

    def take(self, mask: np.ndarray) -> TextCells:
        return TextCells(self.text.filter(pa.array(mask)), self.blank[mask])

    def objects(self) -> np.ndarray:
        """``parse_text``'s first result: the texts as objects, ``None`` where blank."""
        return np.asarray(self.text.to_numpy(zero_copy_only=False), dtype=object)


def text_cells(values: pd.Series) -> TextCells | None:
    """:class:`TextCells` of a column whose cells are all texts (``str``, or ``None``); ``None``
    for any other column. One pass over the Python objects (their conversion to Arrow), then
    Arrow compute: what :func:`cell_kinds` and :func:`parse_text` do, without a pass each."""
    arr = values.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(arr, skipna=True) != "string":
        return None
    try:
        raw = pa.array(arr, type=pa.large_string())
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        return None
    blank = pc.fill_null(pc.match_substring_regex(raw, _BLANK_TEXT), True)
    text = pc.if_else(blank, pa.scalar(None, pa.large_string()), pc.utf8_trim(raw, characters=PY_SPACES))
    return TextCells(text, blank.to_numpy(zero_copy_only=False))


def _to_text(v: object) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dt.datetime, dt.date)):
        return v.strftime("%d/%m/%Y")
    return str(v).strip()


def parse_rate(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells to a rate in [0, 1]: ``0.2``, ``20``, ``"20 %"``, ``"5,5%"``. Returns ``(rate, bad, blank)``."""
    blank = is_blank(values)
    out = np.full(len(values), np.nan)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values.to_numpy(dtype=object)):
        if blank[i]:
            continue
        r = _rate(v)
        if r is None:
            bad[i] = True
        else:
            out[i] = r
    return out, bad, blank


def _rate(v: object) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
    elif isinstance(v, str):
        s = _SPACES.sub("", v).rstrip("%").replace(",", ".")
        try:
            x = float(s)
        except ValueError:
            return None
        if v.strip().endswith("%"):
            x /= 100
    else:
        return None
    if x > 1:
        x /= 100
    return x if 0 <= x <= 1 else None
