"""Outputs reduced to JSON for the fingerprint tests (the reader's and the metrics'): every value
as text or a JSON scalar, floats at full precision, so that a digest changes with any bit of a
result."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd


def plain_value(v: object, lists: bool = True) -> object:
    """One cell: ``None`` for any missing value, ISO dates, ints, ``repr`` of floats, bools; lists
    and tuples element by element (as their ``str`` with ``lists=False``); anything else its ``str``."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (pd.Timestamp, dt.date, np.datetime64)):
        return None if pd.isna(v) else pd.Timestamp(v).isoformat()
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        return repr(float(v))
    if lists and isinstance(v, (tuple, list)):
        return [plain_value(x) for x in v]
    return str(v)


def columns_dump(frame: pd.DataFrame, lists: bool = True) -> list[dict]:
    """The columns in order: name, dtype (a categorical's categories included) and values."""
    columns = []
    for name in frame.columns:
        s = frame[name]
        dtype = str(s.dtype)
        if isinstance(s.dtype, pd.CategoricalDtype):
            dtype += f"[{s.dtype.categories.dtype}:{','.join(map(str, s.dtype.categories))}]"
        columns.append({"name": str(name), "dtype": dtype,
                        "values": [plain_value(v, lists) for v in s.astype(object).tolist()]})
    return columns
