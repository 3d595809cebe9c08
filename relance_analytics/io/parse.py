"""Vectorised parsing of cell values: French money to integer cents, dates to datetime64.

Every parser returns the parsed array plus a boolean mask of the cells it could not read,
so a reader can report each bad cell instead of stopping at the first one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2100-12-31")
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
DATE_DTYPE = "datetime64[s]"

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_CURRENCY = re.compile(r"(€|eur|euros?)$|^(€|eur)", re.IGNORECASE)
_FR = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$")
_EN = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?$")
_NUMERO = re.compile(r"\b[nN]\s*[°º˚]\s*")
NaT = np.datetime64("NaT", "s")

# cell kinds (see :func:`cell_kinds`)
BLANK, NUMBER, TEXT, DATE, OTHER = 0, 1, 2, 3, 4


def normalize_label(text: object) -> str:
    """Header/label key: no accents, lower case, single spaces, ``N°``/``Nº``/``No``/``№`` unified
    (with or without a space after them), ``’`` → ``'``, ``:`` and ``.`` ignored."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = str(text)
    if s.isascii():     # same result, without the Unicode steps (nothing for them to change)
        return " ".join(s.replace("`", "'").replace(":", " ").replace(".", " ").lower().split())
    s = s.replace("’", "'").replace("`", "'").replace("´", "'")
    s = _NUMERO.sub("no ", s).replace("°", "o").replace("º", "o")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace(":", " ").replace(".", " ")
    return " ".join(s.lower().split())


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
    codes, types = pd.factorize(np.fromiter(map(type, arr), dtype=object, count=n))
    for k, t in enumerate(types):
        idx = np.flatnonzero(codes == k) if len(types) > 1 else np.arange(n)
        if t is str:
            sub = arr[idx]
            blank = (sub == "") | np.fromiter(map(str.isspace, sub), dtype=bool, count=len(sub))
            kinds[idx] = np.where(blank, BLANK, TEXT)
        elif t is float:
            kinds[idx] = np.where(np.isnan(arr[idx].astype("float64")), BLANK, NUMBER)
        elif t is int:
            kinds[idx] = NUMBER
        elif t is dt.date or t is dt.datetime or t is pd.Timestamp:
            kinds[idx] = DATE
        elif t is not type(None):
            kinds[idx] = _odd_kinds(arr[idx])
    return kinds, kinds == BLANK


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


def normalize_labels(values: pd.Series | np.ndarray) -> np.ndarray:
    """:func:`normalize_label` of many cells, computed once per distinct value."""
    arr = np.asarray(values, dtype=object)
    out = np.full(len(arr), "", dtype=object)
    na = pd.isna(arr).astype(bool)
    codes, uniq = pd.factorize(arr[~na])
    out[~na] = np.array([normalize_label(u) for u in uniq] + [""], dtype=object)[codes]
    if na.any():
        keys = pd.Series(arr[na], dtype=object)
        table = {u: normalize_label(u) for u in pd.unique(keys) if not (isinstance(u, float) and np.isnan(u))}
        out[na] = keys.map(table).fillna("").to_numpy(dtype=object)
    return out


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


def parse_money(values: pd.Series, kinds: Kinds | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells to integer cents.

    Returns ``(cents int64, bad bool, blank bool)``; blank cells give 0 and are not bad.
    Numbers with more than two decimals (beyond float noise) are bad: money is never rounded
    silently. Text cells follow the column's convention: French (``1.234,56``, the default) or
    English (``1,234.56``) when more of its cells show a decimal point than a decimal comma;
    a cell that only reads the other way (``1,234`` in a French column) is bad.
    ``kinds``: the column's :func:`cell_kinds`, when the caller has them already.
    """
    n = len(values)
    cents = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    kinds, blank = cell_kinds(values) if kinds is None else kinds
    arr = values.to_numpy(dtype=object)
    num = kinds == NUMBER
    if num.any():
        x = arr[num].astype("float64") * 100.0
        r = np.round(x)
        finite = np.isfinite(x) & (np.abs(x) < 9e15)
        exact = finite & (np.abs(x - r) <= 1e-3)
        idx = np.flatnonzero(num)
        cents[idx[exact]] = r[exact].astype(np.int64)
        bad[idx[~exact]] = True
    txt = kinds == TEXT
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
    bad |= (kinds == OTHER) | (kinds == DATE)
    return cents, bad, blank


_TEXT_FORMATS = (
    (re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}( \d{1,2}:\d{2}(:\d{2})?)?$"), "%d/%m/%Y"),
    (re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$"), "%d/%m/%y"),
    (re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?$"), "ISO"),
    (re.compile(r"^\d{6}$"), "%d%m%y"),
)


@lru_cache(maxsize=100_000)
def parse_date_text(text: str) -> np.datetime64:
    """``dd/mm/yyyy``, ``dd.mm.yyyy``, ``dd-mm-yyyy``, ``dd/mm/yy``, ISO, ``DDMMYY``; NaT if not."""
    s = text.strip()
    for pattern, fmt in _TEXT_FORMATS:
        if pattern.match(s):
            try:
                if fmt == "ISO":
                    d = dt.datetime.fromisoformat(s[:10])
                else:
                    d = dt.datetime.strptime(re.sub(r"[.\-]", "/", s.split(" ")[0]) if "/" in fmt else s, fmt)
            except ValueError:
                return NaT
            return np.datetime64(d.date(), "s")
    return NaT


class DateCells(NamedTuple):
    """Parsed date cells: ``dates`` (datetime64[s], NaT where blank or bad), masks ``bad``
    (unreadable or out of range), ``blank`` and ``out_of_range`` (a real date before
    :data:`MIN_DATE` or after :data:`MAX_DATE`, a subset of ``bad``)."""

    dates: np.ndarray
    bad: np.ndarray
    blank: np.ndarray
    out_of_range: np.ndarray


def parse_date_cells(values: pd.Series, date1904: bool = False, kinds: Kinds | None = None) -> DateCells:
    """Cells to dates (``datetime64[s]`` at midnight), see :class:`DateCells`.

    Accepts Excel dates, Excel serial numbers and the text formats of :func:`parse_date_text`.
    Serials follow the workbook's date system: 1900 (serial 1 = 01/01/1900, serial 60 is
    Excel's non-existent 29/02/1900 and is bad, 61 = 01/03/1900) or 1904 (serial 0 =
    01/01/1904). A time of day alone (what Excel shows for a negative serial) is bad.
    ``kinds``: the column's :func:`cell_kinds`, when the caller has them already.
    """
    n = len(values)
    out = np.full(n, NaT, dtype="datetime64[s]")
    kinds, blank = cell_kinds(values) if kinds is None else kinds
    arr = values.to_numpy(dtype=object)
    d = kinds == DATE
    if d.any():
        idx = np.flatnonzero(d)
        codes, uniq = pd.factorize(arr[idx])            # each distinct date converted once
        try:
            conv = np.array(list(uniq), dtype="datetime64[s]")
        except (TypeError, ValueError, OverflowError):
            conv = np.array([_as_datetime64(v) for v in uniq], dtype="datetime64[s]")
        out[idx] = conv.astype("datetime64[D]").astype("datetime64[s]")[codes]
    num = kinds == NUMBER
    if num.any():
        serial = np.floor(arr[num].astype("float64"))
        if date1904:
            ok = np.isfinite(serial) & (serial >= 0) & (serial < 2_957_004)
            base = np.full(len(serial), np.datetime64("1904-01-01", "s"))
        else:
            ok = np.isfinite(serial) & (serial >= 1) & (serial != 60) & (serial < 2_958_466)
            base = np.where(serial < 60, np.datetime64("1899-12-31", "s"), np.datetime64("1899-12-30", "s"))
        days = np.where(ok, serial, 0).astype("int64").astype("timedelta64[D]")
        dates = base + days
        dates[~ok] = NaT
        out[np.flatnonzero(num)] = dates
    txt = kinds == TEXT
    if txt.any():
        codes, uniq = pd.factorize(arr[txt])
        out[np.flatnonzero(txt)] = np.array([parse_date_text(v) for v in uniq], dtype="datetime64[s]")[codes]
    parsed = ~np.isnat(out)
    out_of_range = parsed & ((out < MIN_DATE.to_datetime64()) | (out > MAX_DATE.to_datetime64()))
    bad = ~blank & (~parsed | out_of_range)
    out[bad] = NaT
    return DateCells(out, bad, blank, out_of_range)


def parse_dates(values: pd.Series, date1904: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells to dates; returns ``(dates, bad, blank)`` (see :func:`parse_date_cells`).
    Dates before 1900 or after 2100 are bad."""
    cells = parse_date_cells(values, date1904)
    return cells.dates, cells.bad, cells.blank


def _as_datetime64(v: object) -> np.datetime64:
    try:
        return np.datetime64(v, "s")
    except (TypeError, ValueError, OverflowError):
        return NaT


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
