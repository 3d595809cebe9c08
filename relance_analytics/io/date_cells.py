"""Date cells to ``datetime64[s]``, with the order of day and month decided per column.

Accepted cells: Excel dates, Excel serial numbers (1900 or 1904 system), ``YYYYMMDD`` numbers,
and texts in these forms:

* day and month in numbers, ``1/26/2013``, ``26/01/2013``, ``26.01.13``, ``26-01-2013``, and
  the six-digit ``DDMMYY``: the order of day and month is the column's (below);
* year first: ``2026-11-20``, ``2026/11/20``, ``2026.11.20``, ISO with a time
  (``2026-11-20T10:30:00Z``, ``2020-03-30 00:00:00.000000000``, the date part is kept as
  written), and ``YYYYMMDD`` (the FEC's legal format);
* a month name, French or English, full or abbreviated: ``20-nov.-2026``, ``20 Nov 2026``,
  ``20 novembre 2026``, ``Nov 20, 2026``.

**Order of day and month, per column.** A cell whose first field is above 12 proves the
column is day-first; one whose second field is above 12 proves it is month-first. The order
stated by the caller (a mapping's ``date_order``: ``"dmy"``, ``"mdy"`` or ``"ymd"``) is used
as is, a cell that does not fit it being unreadable. Otherwise the evidence decides; cells
proving both orders are a contradiction the caller reports (:attr:`DateCells.conflict`); a
column without evidence is read day-first (French default) and :attr:`DateCells.ambiguous`
marks the cells that would read otherwise month-first, so the caller can say so.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from .parse import DATE, NUMBER, TEXT, Kinds, cell_kinds

MIN_DATE = pd.Timestamp("1900-01-01")
MAX_DATE = pd.Timestamp("2100-12-31")
NaT = np.datetime64("NaT", "s")

DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[str, ...] = ("dmy", "mdy", "ymd")
ORDER_EXAMPLES = {"dmy": "31/12/2026 (jour, mois, année)", "mdy": "12/31/2026 (mois, jour, année)",
                  "ymd": "2026-12-31 (année, mois, jour)"}

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?"
_YEAR_FIRST = re.compile(rf"^(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}$")
_NUMERIC = re.compile(rf"^(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}$")
_COMPACT8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT6 = re.compile(r"^(\d{2})(\d{2})(\d{2})$")
_DAY_NAME = re.compile(r"^(\d{1,2})[\s.\-/]*([^\W\d_]+)\.?[\s.\-/]*(\d{4}|\d{2})$")
_NAME_DAY = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")

_MONTHS = {}
for _n, _names in enumerate((
        ("janvier", "janv", "jan", "january"), ("fevrier", "fevr", "fev", "feb", "february"),
        ("mars", "mar", "march"), ("avril", "avr", "apr", "april"), ("mai", "may"),
        ("juin", "jun", "june"), ("juillet", "juil", "jul", "july"), ("aout", "aug", "august"),
        ("septembre", "sept", "sep", "september"), ("octobre", "oct", "october"),
        ("novembre", "nov", "november"), ("decembre", "dec", "december")), start=1):
    for _name in _names:
        _MONTHS[_name] = _n


class DateCells(NamedTuple):
    """Parsed date cells of one column.

    ``dates`` (datetime64[s], NaT where blank or bad); masks ``bad`` (unreadable or out of
    range), ``blank``, ``out_of_range`` (a real date before :data:`MIN_DATE` or after
    :data:`MAX_DATE`, a subset of ``bad``) and ``ambiguous`` (texts whose day and month could
    be swapped, read in ``order``); ``order`` used for them; ``source``: ``"stated"``,
    ``"evidence"``, ``"default"`` or ``"unneeded"`` (no cell depends on it); ``conflict``: positions of a cell
    proving day-first and
    of one proving month-first, when the column holds both (``None`` otherwise).
    """

    dates: np.ndarray
    bad: np.ndarray
    blank: np.ndarray
    out_of_range: np.ndarray
    ambiguous: np.ndarray
    order: str
    source: str
    conflict: tuple[int, int] | None


class _Text(NamedTuple):
    """One distinct date text, analysed: a date that does not depend on the order (``fixed``),
    or the three numeric fields ``a``/``b``/``year`` whose order the column decides."""

    fixed: dt.date | None
    a: int = 0
    b: int = 0
    year: int = 0
    two_digit_year: bool = False
    valid: bool = True

    def proves(self) -> str | None:
        """``"dmy"`` / ``"mdy"`` when the fields can only be read one way, else ``None``."""
        if self.fixed is not None or not self.valid:
            return None
        if self.a > 12 >= self.b >= 1:
            return "dmy"
        if self.b > 12 >= self.a >= 1:
            return "mdy"
        return None

    def swappable(self) -> bool:
        """Both readings exist and differ (``05/04/2026``, not ``05/05/2026``)."""
        return self.fixed is None and self.valid and 1 <= self.a <= 12 and 1 <= self.b <= 12 and self.a != self.b


def _date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _year(text: str) -> int:
    """A 2- or 4-digit year; two digits follow ``strptime``'s ``%y`` (69–99 → 19xx)."""
    y = int(text)
    if len(text) == 2:
        y += 1900 if y >= 69 else 2000
    return y


def _month(name: str) -> int | None:
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower().rstrip(".")
    return _MONTHS.get(plain)


_INVALID = _Text(None, valid=False)


@lru_cache(maxsize=100_000)
def analyse_text(text: str) -> _Text:
    """What a date text says, before the column's order is known."""
    s = text.strip()
    m = _YEAR_FIRST.match(s)
    if m:
        d = _date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        return _Text(d) if d else _INVALID
    m = _NUMERIC.match(s)
    if m:
        return _Text(None, int(m.group(1)), int(m.group(3)), _year(m.group(4)), len(m.group(4)) == 2)
    m = _COMPACT8.match(s)
    if m:
        d = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _Text(d) if d else _INVALID
    m = _COMPACT6.match(s)
    if m:
        return _Text(None, int(m.group(1)), int(m.group(2)), _year(m.group(3)), True)
    m = _DAY_NAME.match(s)
    if m:
        month = _month(m.group(2))
        d = _date(_year(m.group(3)), month, int(m.group(1))) if month else None
        return _Text(d) if d else _INVALID
    m = _NAME_DAY.match(s)
    if m:
        month = _month(m.group(1))
        d = _date(int(m.group(3)), month, int(m.group(2))) if month else None
        return _Text(d) if d else _INVALID
    return _INVALID


def _read(t: _Text, order: str) -> dt.date | None:
    """The date of an analysed text in ``order``."""
    if t.fixed is not None or not t.valid:
        return t.fixed
    if order == "dmy":
        return _date(t.year, t.b, t.a)
    if order == "mdy":
        return _date(t.year, t.a, t.b)
    # year first, two digits each (``26/11/20``, ``261120``): the fields are yy, mm, dd
    return _date(_year(f"{t.a:02d}"), t.b, t.year % 100) if t.two_digit_year else None


def parse_date_text(text: str, order: str = "dmy") -> np.datetime64:
    """One date text (see the module) in ``order``; NaT when it is not a date."""
    d = _read(analyse_text(text), order)
    return NaT if d is None else np.datetime64(d, "s")


def parse_date_cells(values: pd.Series, date1904: bool = False, kinds: Kinds | None = None,
                     order: str | None = None) -> DateCells:
    """Cells to dates (``datetime64[s]`` at midnight), see :class:`DateCells` and the module.

    ``order``: the stated order of day and month (``"dmy"``, ``"mdy"``, ``"ymd"``) or ``None``
    to decide from the cells (day-first without evidence). Serials follow the workbook's date
    system: 1900 (serial 1 = 01/01/1900, serial 60 is Excel's non-existent 29/02/1900 and is
    bad, 61 = 01/03/1900) or 1904 (serial 0 = 01/01/1904); an 8-digit whole number
    ``YYYYMMDD`` is a date too. A time of day alone (what Excel shows for a negative serial)
    is bad. ``kinds``: the column's :func:`~relance_analytics.io.parse.cell_kinds`, when known.
    """
    if order is not None and order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {', '.join(DATE_ORDERS)}, not {order!r}")
    n = len(values)
    out = np.full(n, NaT, dtype="datetime64[s]")
    ambiguous = np.zeros(n, dtype=bool)
    kinds_, blank = cell_kinds(values) if kinds is None else kinds
    arr = values.to_numpy(dtype=object)
    used, source, conflict = order or "dmy", "stated" if order else "default", None
    d = kinds_ == DATE
    if d.any():
        idx = np.flatnonzero(d)
        codes, uniq = pd.factorize(arr[idx])            # each distinct date converted once
        try:
            conv = np.array(list(uniq), dtype="datetime64[s]")
        except (TypeError, ValueError, OverflowError):
            conv = np.array([_as_datetime64(v) for v in uniq], dtype="datetime64[s]")
        out[idx] = conv.astype("datetime64[D]").astype("datetime64[s]")[codes]
    num = kinds_ == NUMBER
    if num.any():
        out[np.flatnonzero(num)] = _serials(arr[num].astype("float64"), date1904)
    txt = kinds_ == TEXT
    if txt.any():
        idx = np.flatnonzero(txt)
        codes, uniq = pd.factorize(arr[txt])
        analysed = [analyse_text(str(v)) for v in uniq]
        if order is None and not any(t.fixed is None and t.valid for t in analysed):
            source = "unneeded"
        elif order is None:
            proofs = np.array([t.proves() or "" for t in analysed], dtype=object)[codes]
            first = {o: np.flatnonzero(proofs == o) for o in ("dmy", "mdy")}
            if len(first["dmy"]) and len(first["mdy"]):
                conflict = (int(idx[first["dmy"][0]]), int(idx[first["mdy"][0]]))
            elif len(first["mdy"]):
                used, source = "mdy", "evidence"
            elif len(first["dmy"]):
                used, source = "dmy", "evidence"
            if source == "default":
                ambiguous[idx] = np.array([t.swappable() for t in analysed], dtype=bool)[codes]
        dates = [_read(t, used) for t in analysed]
        out[idx] = np.array([NaT if x is None else np.datetime64(x, "s") for x in dates],
                            dtype="datetime64[s]")[codes]
    parsed = ~np.isnat(out)
    out_of_range = parsed & ((out < MIN_DATE.to_datetime64()) | (out > MAX_DATE.to_datetime64()))
    bad = ~blank & (~parsed | out_of_range)
    out[bad] = NaT
    return DateCells(out, bad, blank, out_of_range, ambiguous & ~bad, used, source, conflict)


def _serials(serial: np.ndarray, date1904: bool) -> np.ndarray:
    """Excel serial numbers (and ``YYYYMMDD`` whole numbers) to dates, NaT where neither."""
    serial = np.floor(serial)
    if date1904:
        ok = np.isfinite(serial) & (serial >= 0) & (serial < 2_957_004)
        base = np.full(len(serial), np.datetime64("1904-01-01", "s"))
    else:
        ok = np.isfinite(serial) & (serial >= 1) & (serial != 60) & (serial < 2_958_466)
        base = np.where(serial < 60, np.datetime64("1899-12-31", "s"), np.datetime64("1899-12-30", "s"))
    days = np.where(ok, serial, 0).astype("int64").astype("timedelta64[D]")
    dates = base + days
    dates[~ok] = NaT
    compact = np.flatnonzero(~ok & np.isfinite(serial) & (serial >= 10_000_101) & (serial <= 99_991_231))
    for k in compact:
        dates[k] = parse_date_text(str(int(serial[k])))
    return dates


def _as_datetime64(v: Any) -> np.datetime64:
    try:
        return np.datetime64(v, "s")
    except (TypeError, ValueError, OverflowError):
        return NaT

