"""When invoices were paid: from the FEC's lettering dates (exact) or from consecutive snapshots.

Between two snapshots the day of a payment is unknown: an invoice whose open amount fell
between snapshots ``s1`` and ``s2`` was paid that difference on a day of ``(s1, s2]``. Each
use picks its bound and says so (``bound``):

* ``earliest``: the day after ``s1`` — the fewest days late, the conservative bound for a
  penalty claim;
* ``midpoint``: the middle of the interval — the unbiased guess for payment habits.

One row per payment: ``customer_id``, ``customer_name``, ``document_id``, ``due_date``,
``paid_on``, ``amount_cents`` (paid, > 0), ``bound`` (``exact``, ``earliest``, ``midpoint``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

Bound = Literal["earliest", "midpoint"]
COLUMNS = ("customer_id", "customer_name", "document_id", "due_date", "paid_on", "amount_cents", "bound")


def empty_payments() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype="string"), "customer_name": pd.Series(dtype="string"),
                         "document_id": pd.Series(dtype="string"), "due_date": pd.Series(dtype="datetime64[s]"),
                         "paid_on": pd.Series(dtype="datetime64[s]"), "amount_cents": pd.Series(dtype="int64"),
                         "bound": pd.Series(dtype="string")})


def payments_from_fec(payments: pd.DataFrame) -> pd.DataFrame:
    """The paid invoices of :func:`relance_analytics.io.fec.fec_payments` (exact lettering dates)."""
    out = payments[payments["paid_date"].notna().to_numpy()].rename(columns={"paid_date": "paid_on"})
    out = out.assign(bound="exact")[list(COLUMNS)].reset_index(drop=True)
    return out.astype({"bound": "string", "paid_on": "datetime64[s]", "due_date": "datetime64[s]"})


_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def _text(values: pd.Series) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """A column as ``str`` — what a frame makes of its values as ``string`` objects — converted
    in Arrow when pyarrow is there (no Python string per value)."""
    try:
        if isinstance(values.dtype, pd.CategoricalDtype):      # the categories converted, then taken
            categories = values.cat.categories.astype(_TEXT).array
            return categories.take(values.cat.codes.to_numpy(), allow_fill=True)
        return values.astype(_TEXT).array
    except ImportError:                                   # (pyarrow missing: the objects, inferred)
        return values.astype("string").to_numpy()


def open_invoices(items: pd.DataFrame) -> pd.DataFrame:
    """The invoices of an open-items frame with what they still owe (``amount_cents`` > 0)."""
    kind = items["document_type"]
    invoice = (kind == "invoice").to_numpy(dtype=bool) if isinstance(kind.dtype, pd.CategoricalDtype) \
        and not kind.hasnans else (kind.astype("string") == "invoice").to_numpy(dtype=bool)
    inv = items[invoice & (items["amount_cents"].to_numpy(dtype="int64") > 0)]
    return pd.DataFrame({"customer_id": _text(inv["customer_id"]),
                         "customer_name": (_text(inv["customer_name"]) if "customer_name" in inv
                                           else pd.array([pd.NA] * len(inv), dtype="string")),
                         "document_id": _text(inv["document_id"]),
                         "due_date": inv["due_date"].to_numpy(dtype="datetime64[s]"),
                         "amount_cents": inv["amount_cents"].to_numpy(dtype="int64")})


def payments_from_snapshots(snapshots: Mapping[pd.Timestamp, pd.DataFrame],
                            bound: Bound = "earliest") -> pd.DataFrame:
    """Payments read from consecutive snapshots (see the module docstring for ``bound``)."""
    dates = sorted(snapshots)
    rows = []
    following = open_invoices(snapshots[dates[0]]) if len(dates) > 1 else pd.DataFrame()
    for before, after in zip(dates, dates[1:]):
        prev, following = following, open_invoices(snapshots[after])        # (each snapshot converted once)
        now = following[["customer_id", "document_id", "amount_cents"]]
        merged = prev.merge(now, on=["customer_id", "document_id"], how="left", suffixes=("", "_after"))
        fell = (merged["amount_cents"] - merged["amount_cents_after"].fillna(0)).astype("int64")
        day = before + pd.Timedelta(days=1) if bound == "earliest" else before + (after - before) / 2
        paid = merged[(fell > 0).to_numpy()].assign(amount_cents=fell[fell > 0].to_numpy(dtype="int64"),
                                                    paid_on=pd.Timestamp(day).normalize(), bound=bound)
        rows.append(paid[list(COLUMNS)])
    if not rows:
        return empty_payments()
    out = pd.concat(rows, ignore_index=True)
    return out.astype({"paid_on": "datetime64[s]", "due_date": "datetime64[s]", "bound": "string"})
