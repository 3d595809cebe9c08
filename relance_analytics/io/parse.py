"""Vectorised parsing of cell values: French money to integer cents, dates to datetime64.

Every parser returns the parsed array plus a boolean mask of the cells it could not read,
so a reader can report each bad cell instead of stopping at the first one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

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
NaT = np.datetime64("NaT", "s")


def normalize_label(text: object) -> str:
    """Header/label key: no accents, lower case, single spaces, N°/Nº unified, ’ → '."""
    s = "" if text is None else str(text)
    s = s.replace("°", "o").replace("º", "o").replace("’", "'").replace("`", "'")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


def is_blank(values: pd.Series) -> np.ndarray:
    """True where a cell is empty: None/NaN or a string of spaces only."""
    blank = values.isna().to_numpy().copy()
    strs = values.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    if strs.any():
        blank[strs] = values[strs].str.strip().eq("").to_numpy()
    return blank


@lru_cache(maxsize=200_000)
def parse_money_text(text: str) -> int | None:
    """French (or English) money text to cents; ``None`` if it is not an amount.

    Accepts ``1 234,56``, ``-1 234,56``, ``1 234,56 €``, ``(1 234,56)``, ``1.234,56-`` (SAP),
    ``1,234.56``, with normal, non-breaking or narrow spaces as thousands separators.
    """
    s = _SPACES.sub("", text)
    s = _CURRENCY.sub("", s)
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    if s.endswith("-"):
        negative, s = not negative, s[:-1]
    if s.startswith(("-", "+", "−")):
        negative, s = (not negative) if s[0] != "+" else negative, s[1:]
    s = _CURRENCY.sub("", s)
    m = _FR.match(s) or _EN.match(s)
    if m is None:
        return None
    whole = int(re.sub(r"[.,]", "", m.group(1)))
    cents = whole * 100 + int((m.group(2) or "0").ljust(2, "0"))
    return -cents if negative else cents


def parse_money(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells to integer cents.

    Returns ``(cents int64, bad bool, blank bool)``; blank cells give 0 and are not bad.
    Numbers with more than two decimals (beyond float noise) are bad: money is never rounded
    silently.
    """
    n = len(values)
    cents = np.zeros(n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    blank = is_blank(values)
    kinds = values.map(_kind).to_numpy()
    num = (kinds == "n") & ~blank
    if num.any():
        x = values[num].astype("float64").to_numpy() * 100.0
        r = np.round(x)
        finite = np.isfinite(x) & (np.abs(x) < 9e15)
        exact = finite & (np.abs(x - r) <= 1e-3)
        idx = np.flatnonzero(num)
        cents[idx[exact]] = r[exact].astype(np.int64)
        bad[idx[~exact]] = True
    txt = (kinds == "s") & ~blank
    if txt.any():
        parsed = values[txt].map(parse_money_text)
        idx = np.flatnonzero(txt)
        ok = parsed.notna().to_numpy()
        cents[idx[ok]] = parsed[ok].astype("int64").to_numpy()
        bad[idx[~ok]] = True
    other = ~blank & (kinds == "o")
    bad |= other
    return cents, bad, blank


def _kind(v: object) -> str:
    if isinstance(v, bool):
        return "o"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return "n"
    if isinstance(v, str):
        return "s"
    if v is None:
        return "n"
    return "o"


def _date_kind(v: object) -> str:
    if isinstance(v, (dt.date, pd.Timestamp, np.datetime64)):
        return "d"
    return _kind(v)


_TEXT_FORMATS = (
    (re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}$"), "%d/%m/%Y"),
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
                    d = dt.datetime.strptime(re.sub(r"[.\-]", "/", s) if "/" in fmt else s, fmt)
            except ValueError:
                return NaT
            return np.datetime64(d.date(), "s")
    return NaT


def parse_dates(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cells to dates (``datetime64[s]`` at midnight).

    Accepts Excel dates, Excel serial numbers (1900 system) and the text formats of
    :func:`parse_date_text`. Dates before 1900 or after 2100 are bad.
    Returns ``(dates, bad, blank)``.
    """
    n = len(values)
    out = np.full(n, NaT, dtype="datetime64[s]")
    blank = is_blank(values)
    kinds = values.map(_date_kind).to_numpy()
    d = (kinds == "d") & ~blank
    if d.any():
        conv = pd.to_datetime(values[d].map(_as_timestamp), errors="coerce")
        out[np.flatnonzero(d)] = conv.dt.normalize().to_numpy().astype("datetime64[s]")
    num = (kinds == "n") & ~blank
    if num.any():
        serial = values[num].astype("float64").to_numpy()
        okserial = np.isfinite(serial) & (serial >= 1) & (serial < 2_958_466)
        days = np.where(okserial, np.floor(serial), 0).astype("int64")
        dates = np.datetime64("1899-12-30", "s") + days.astype("timedelta64[D]")
        dates[~okserial] = NaT
        out[np.flatnonzero(num)] = dates
    txt = (kinds == "s") & ~blank
    if txt.any():
        out[np.flatnonzero(txt)] = values[txt].map(parse_date_text).to_numpy(dtype="datetime64[s]")
    bad = ~blank & (np.isnat(out) | (out < MIN_DATE.to_datetime64()) | (out > MAX_DATE.to_datetime64()))
    out[bad] = NaT
    return out, bad, blank


def _as_timestamp(v: object) -> pd.Timestamp:
    try:
        return pd.Timestamp(v)
    except (ValueError, OverflowError, pd.errors.OutOfBoundsDatetime):
        return pd.NaT


def parse_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells to stripped strings (numbers without a spurious ``.0``); returns ``(text, blank)``."""
    blank = is_blank(values)
    text = values.map(_to_text).to_numpy(dtype=object)
    text[blank] = None
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
