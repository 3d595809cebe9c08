"""Exact money at the public edge: integer cents inside, ``decimal128(18, 2)`` euros outside.

Inside the package every amount is an integer number of cents in a ``*_cents`` column
(``int64``, ``Int64`` when a cell may be blank), so sums are exact and fast. What an analyst
gets from ``relance_analytics`` (``ra.read_open_items``, ``ra.aged_balance``…) is in euros:
``pd.ArrowDtype(pa.decimal128(18, 2))`` columns named ``*_eur``, or named after an aging
bucket in the bucket grids (``not_due``, ``1-30``…, ``total``, ``overdue``). Decimal euros
sum exactly (``frame["amount_eur"].sum()`` is a :class:`~decimal.Decimal`) and print as
euros; 18 digits hold up to 10^16 euros.

The conversions are exact both ways and refuse what they cannot carry exactly: an amount
with a fraction of a cent, a float that is not a whole number of cents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import MoneyError

#: The dtype of every public money column: exact euros, two decimals.
EURO = pd.ArrowDtype(pa.decimal128(18, 2))
_SCALE = pa.scalar(Decimal("0.01"), pa.decimal128(3, 2))
_HUNDRED = pa.scalar(Decimal(100), pa.decimal128(3, 0))
_FLOAT_TOLERANCE = 1e-6      # of a cent: a float euro amount must be a whole number of cents


def euros(cents: pd.Series | np.ndarray | Iterable[int]) -> pd.Series:
    """Integer cents (missing values allowed) as exact euros (:data:`EURO`), 12345 → 123.45."""
    series = cents if isinstance(cents, pd.Series) else pd.Series(cents)
    exact = pc.multiply(pa.array(series, type=pa.int64()).cast(pa.decimal128(19, 0)), _SCALE)
    return pd.Series(exact.cast(pa.decimal128(18, 2)), index=series.index, name=series.name, dtype=EURO)


def cents(amounts: pd.Series, column: str = "") -> pd.Series:
    """Euros as integer cents (``int64``, ``Int64`` when some are missing), exactly.

    ``amounts``: decimals (any scale), integers (whole euros) or floats that are whole numbers
    of cents; anything else raises :class:`~relance_analytics.errors.MoneyError` naming
    ``column``."""
    name = column or str(amounts.name)
    dtype = amounts.dtype
    if isinstance(dtype, pd.ArrowDtype) and pa.types.is_decimal(dtype.pyarrow_dtype):
        array = pa.array(amounts.array)
        stored = _stored_cents(array)
        if stored is not None:
            return pd.Series(stored, index=amounts.index)
        try:
            scaled = pc.multiply(array.cast(pa.decimal128(max(dtype.pyarrow_dtype.precision, 18), 2)), _HUNDRED)
        except pa.ArrowInvalid:
            raise _sub_cent(amounts, name) from None
        out = pd.Series(scaled.cast(pa.int64()), index=amounts.index, dtype=pd.ArrowDtype(pa.int64()))
    elif pd.api.types.is_integer_dtype(dtype):
        out = amounts.astype("Int64") * 100
    elif pd.api.types.is_float_dtype(dtype):
        scaled = amounts.to_numpy(dtype="float64", na_value=np.nan) * 100
        whole = np.round(scaled)
        if (np.abs(scaled - whole) > _FLOAT_TOLERANCE).any():
            raise _sub_cent(amounts, name)
        out = pd.Series(whole, index=amounts.index).astype("Int64")
    else:
        raise MoneyError(name, None, f"type {dtype}")
    result = out.astype("Int64")
    return result.astype("int64") if not result.isna().any() else result


def _stored_cents(array: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """The cents of a ``decimal128(p, 2)`` array (``p`` ≤ 18) without missing values, read from
    its storage (a decimal stores its unscaled integer: the cents themselves, in 128 bits, low
    word first); ``None`` for another type (the computed conversion and its errors then apply)
    or missing values."""
    if not pa.types.is_decimal128(array.type) or array.type.scale != 2 or array.type.precision > 18 \
            or array.null_count:
        return None
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not len(array):
        return np.zeros(0, dtype=np.int64)
    words = np.frombuffer(array.buffers()[1], dtype="<i8").reshape(-1, 2)[array.offset:array.offset + len(array)]
    low, high = words[:, 0], words[:, 1]
    if not np.array_equal(high, low >> 63):           # (the high word only extends the sign: fits in int64)
        return None
    return low.astype(np.int64, copy=True)


def _sub_cent(amounts: pd.Series, name: str) -> MoneyError:
    values = amounts.dropna()
    as_float = values.astype("float64").to_numpy()
    off = values[np.abs(as_float * 100 - np.round(as_float * 100)) > _FLOAT_TOLERANCE]
    first = str(off.tolist()[0]).replace(".", ",") if len(off) else None
    return MoneyError(name, first, "plus de deux décimales")


def is_euro(series: pd.Series) -> bool:
    """Whether ``series`` holds exact euros (a decimal Arrow column)."""
    return isinstance(series.dtype, pd.ArrowDtype) and pa.types.is_decimal(series.dtype.pyarrow_dtype)


def to_euros(frame: pd.DataFrame, money: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` with its money in exact euros: every ``*_cents`` column becomes ``*_eur``
    (a bare ``cents`` column ``eur``); the ``money`` columns (bucket grids, named after
    their bucket) are converted under their own name. Everything else is kept as is."""
    grid = set(money)
    out = {}
    for col in frame.columns:
        name = str(col)
        if name == "cents" or name.endswith("_cents"):
            out[name[:-5] + "eur"] = euros(frame[col])
        elif col in grid:
            out[col] = euros(frame[col])
        else:
            out[col] = frame[col]
    result = pd.DataFrame(out, index=frame.index)
    result.columns.name = frame.columns.name
    result.attrs.update(_attrs(frame.attrs, "_cents", "_eur", _decimal_euros))
    return result


def _decimal_euros(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _int_cents(amount: Decimal) -> int:
    return int(Decimal(amount).scaleb(2))


def _attrs(attrs: dict[str, object], old: str, new: str, convert: Callable[[Any], Any]) -> dict[str, object]:
    """Frame metadata with its amounts (``control_total_cents``…) in the other unit."""
    out: dict[str, object] = {}
    for key, value in attrs.items():
        if not key.endswith(old):
            out[key] = value
        elif isinstance(value, dict):
            out[key[:-len(old)] + new] = {k: None if v is None else convert(v) for k, v in value.items()}
        else:
            out[key[:-len(old)] + new] = None if value is None else convert(value)
    return out


def to_cents(frame: pd.DataFrame) -> pd.DataFrame:
    """The inverse of :func:`to_euros`: every ``*_eur`` column becomes ``*_cents`` and every
    other euro column (a bucket grid's) integer cents under its own name. A frame already in
    cents is returned as is; one holding both ``x_eur`` and ``x_cents`` is refused."""
    if not any(str(c).endswith("eur") or is_euro(frame[c]) for c in frame.columns):
        return frame
    out = {}
    for col in frame.columns:
        name = str(col)
        if name == "eur" or name.endswith("_eur"):
            target = name[:-3] + "cents"
            if target in frame.columns:
                raise MoneyError(name, None, f"la colonne {target} existe aussi")
            out[target] = cents(frame[col], name)
        elif is_euro(frame[col]):
            out[col] = cents(frame[col], name)
        else:
            out[col] = frame[col]
    result = pd.DataFrame(out, index=frame.index)
    result.columns.name = frame.columns.name
    result.attrs.update(_attrs(frame.attrs, "_eur", "_cents", _int_cents))
    return result
