"""Dates as the package handles them: naive midnight timestamps, typed day-first.

Every date a user types (the ``--as-of`` option, a notebook parameter, a ``relance.toml``
value, an argument of the API) goes through :func:`as_date`: ISO (``2026-11-20``) or French
day-first (``20/11/2026``, ``20.11.2026``, ``20-11-2026``) only. A text in any other form is
refused with :class:`~relance_analytics.errors.DateInputError` rather than guessed (pandas
would read ``10/02/2026`` as 2 October).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TypeAlias

import numpy as np
import pandas as pd

from .errors import DateInputError

DateLike: TypeAlias = "str | pd.Timestamp | np.datetime64 | dt.date"

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_FRENCH = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})$")


def parse_user_date(text: str, what: str = "date") -> pd.Timestamp:
    """A typed date: ``YYYY-MM-DD`` or ``dd/mm/yyyy`` (also ``dd.mm.yyyy``, ``dd-mm-yyyy``).

    Raises :class:`DateInputError` (French message with an example) for anything else or for a
    date that does not exist (``31/02/2026``).
    """
    s = str(text).strip()
    m = _ISO.match(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = _FRENCH.match(s)
        if not m:
            raise DateInputError(text, what)
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
    try:
        return pd.Timestamp(dt.date(y, mo, d))
    except ValueError:
        raise DateInputError(text, what) from None


def as_date(value: DateLike, what: str = "date") -> pd.Timestamp:
    """A date (midnight timestamp) from a typed text (see :func:`parse_user_date`), a
    Timestamp, a ``datetime64`` or a ``datetime.date``. A time of day is dropped; a time zone
    is refused."""
    if isinstance(value, str):
        return parse_user_date(value, what)
    ts = pd.Timestamp(value)
    if ts is pd.NaT:
        raise DateInputError(value, what)
    if ts.tz is not None:
        raise ValueError(f"les dates sont sans fuseau horaire : {value!r}")
    return ts.normalize()
