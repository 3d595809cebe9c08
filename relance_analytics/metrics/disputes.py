"""Disputes (litiges): open disputed amounts by type and age, share of overdue, oldest first,
and the dispute cycle time.

A dispute is open at the as-of date when opened ≤ as-of and it is not resolved on or before
that date (``resolved`` NaT or later). Amounts are integer cents (TTC).

Disputed amount: the dispute's amount capped to the open amount of its document in the
as-of snapshot; several disputes on one document share that open amount, oldest dispute first,
so the disputed total of a document never exceeds what is still open on it. A dispute whose
document is no longer open (paid, credited, or unknown in the snapshot) stays in the dispute
list with ``item_open`` False and a disputed amount of 0: nothing is outstanding any more, but
the dispute should be closed in the disputes file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Buckets
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from .aging import aged_balance, assign_buckets, days_past_due

DISPUTE_TYPES = list(vocab.DISPUTE_TYPE)
LONG_DISPUTE_DAYS = 90

OPEN_COLUMNS = (
    "dispute_id", "customer_id", "customer_name", "collector", "document_id", "dispute_type", "opened",
    "days_open", "long_open", "amount_cents", "item_open_cents", "disputed_cents", "item_open",
    "due_date", "days_past_due", "bucket", "owner", "owner_phone", "owner_email", "reason",
)


@dataclass(frozen=True)
class DisputeSummary:
    """Disputes at an as-of date (every money column int64 cents).

    - ``open``: open disputes, oldest first (:data:`OPEN_COLUMNS`): ``days_open`` = as-of − opened,
      ``long_open`` when over ``long_days`` days, ``disputed_cents`` the capped amount, the disputed
      item's ``due_date``, ``days_past_due`` and ``bucket`` (NA when the item is no longer open).
    - ``by_type``: index dispute type (every type); ``disputes``, ``disputed_cents``, ``long_open``.
    - ``by_type_and_bucket``: disputed cents, one row per type, one column per bucket, ``total``.
    - ``overdue``: one row: ``overdue_cents`` (aged-balance overdue), ``disputed_overdue_cents``
      (disputed amount on overdue items), ``disputed_share`` (their ratio, NaN when no overdue),
      ``disputed_cents`` (all open disputed amount), ``open_disputes``, ``long_open``.
    - ``resolved``: disputes resolved on or before as-of, with ``cycle_days`` (resolved − opened).
    - ``cycle_time``: one row: ``resolved`` count, ``mean_days``, ``median_days``.
    - ``cycle_trend``: per month of resolution (index ``month``, first day): same columns.
    """

    as_of: pd.Timestamp
    long_days: int
    open: pd.DataFrame
    by_type: pd.DataFrame
    by_type_and_bucket: pd.DataFrame
    overdue: pd.DataFrame
    resolved: pd.DataFrame
    cycle_time: pd.DataFrame
    cycle_trend: pd.DataFrame


def open_at(disputes: pd.DataFrame, as_of: DateLike) -> np.ndarray:
    """True for disputes open at ``as_of``: opened on or before, not resolved on or before."""
    date = as_date(as_of).to_datetime64()
    opened = disputes["opened"].to_numpy(dtype="datetime64[s]")
    resolved = disputes["resolved"].to_numpy(dtype="datetime64[s]")
    return (opened <= date) & (np.isnat(resolved) | (resolved > date))


def disputed_documents(frame: pd.DataFrame, disputes: pd.DataFrame | None, as_of: DateLike) -> np.ndarray:
    """Whether each row of ``frame`` (``document_id``) has a dispute open at ``as_of``."""
    if disputes is None or disputes.empty:
        return np.zeros(len(frame), dtype=bool)
    live = open_at(disputes, as_of)
    return frame["document_id"].astype(str).isin(set(disputes.loc[live, "document_id"].astype(str))).to_numpy()


def capped_amounts(disputes: pd.DataFrame, open_cents: np.ndarray) -> np.ndarray:
    """Disputed cents capped to the document's open amount (``open_cents`` per dispute, 0 when the
    document is not open), shared between the disputes of one document oldest first."""
    docs = disputes["document_id"].astype("string").to_numpy(dtype=object)
    order = np.lexsort((disputes["dispute_id"].astype("string").to_numpy(dtype=object),
                        disputes["opened"].to_numpy(dtype="datetime64[s]"), docs))
    amount = np.maximum(disputes["amount_cents"].to_numpy(dtype="int64")[order], 0)
    room = np.maximum(np.asarray(open_cents, dtype="int64")[order], 0)
    cum = pd.Series(amount).groupby(docs[order], sort=False).cumsum().to_numpy(dtype="int64")
    capped = np.clip(np.minimum(cum, room) - (cum - amount), 0, None)
    out = np.empty(len(order), dtype="int64")
    out[order] = capped
    return out


def _cycle_stats(days: pd.Series, key: pd.Series) -> pd.DataFrame:
    grouped = days.astype("float64").groupby(key, sort=True)
    return pd.DataFrame({"resolved": grouped.size().astype("int64"), "mean_days": grouped.mean(),
                         "median_days": grouped.median()})


def dispute_summary(items: pd.DataFrame, disputes: pd.DataFrame, as_of: DateLike, buckets: Buckets | None = None,
                    long_days: int = LONG_DISPUTE_DAYS) -> DisputeSummary:
    """Open disputes at ``as_of`` against the open ``items`` of that date, and cycle times of the
    disputes resolved on or before it (canonical disputes frame of ``read_disputes``)."""
    buckets = buckets or Buckets()
    date = as_date(as_of)
    require_single_currency(items, "synthèse des litiges")
    disputes = disputes.reset_index(drop=True)
    is_open = open_at(disputes, date)
    current = disputes[is_open].reset_index(drop=True)

    snapshot = pd.DataFrame({
        "document_id": items["document_id"].astype("string").to_numpy(),
        "item_open_cents": pd.array(items["amount_cents"].to_numpy(dtype="int64"), dtype="Int64"),
        "due_date": items["due_date"].to_numpy(dtype="datetime64[s]"),
        "days_past_due": pd.array(days_past_due(items, date), dtype="Int64"),
        "bucket": assign_buckets(items, date, buckets),
    })
    customer = items.drop_duplicates("customer_id")
    customer = customer.set_index(customer["customer_id"].astype("string"))
    out = (current.assign(document_id=current["document_id"].astype("string"))
           .merge(snapshot, on="document_id", how="left", validate="many_to_one"))
    cust = out["customer_id"].astype("string")
    for col in ("customer_name", "collector"):
        out[col] = (cust.map(customer[col].astype("string")) if col in customer.columns
                    else pd.Series(pd.NA, index=out.index, dtype="string"))
    for col in ("owner_phone", "owner_email", "reason"):
        if col not in out.columns:
            out[col] = pd.Series(pd.NA, index=out.index, dtype="string")
    out["item_open"] = out["item_open_cents"].notna().to_numpy()
    out["disputed_cents"] = capped_amounts(out, out["item_open_cents"].fillna(0).to_numpy(dtype="int64"))
    out["days_open"] = ((date.to_datetime64() - out["opened"].to_numpy(dtype="datetime64[s]"))
                        // np.timedelta64(1, "D")).astype("int64")
    out["long_open"] = out["days_open"] > long_days
    out = out.sort_values(["opened", "dispute_id"], kind="stable").reset_index(drop=True)[list(OPEN_COLUMNS)]

    types = pd.Categorical(out["dispute_type"].astype("string"), categories=DISPUTE_TYPES)
    grouped = out.assign(dispute_type=types).groupby("dispute_type", observed=False)
    by_type = pd.DataFrame({"disputes": grouped.size(), "disputed_cents": grouped["disputed_cents"].sum(),
                            "long_open": grouped["long_open"].sum()}).astype("int64")
    by_type.index = pd.Index(DISPUTE_TYPES, name="dispute_type")

    matrix = (out.assign(dispute_type=types).groupby(["dispute_type", "bucket"], observed=False)["disputed_cents"]
              .sum().unstack("bucket", fill_value=0).reindex(index=DISPUTE_TYPES, columns=buckets.labels, fill_value=0)
              .astype("int64"))
    matrix.columns = pd.Index(buckets.labels)
    matrix.index.name = "dispute_type"
    matrix["total"] = matrix[buckets.labels].sum(axis=1)

    overdue_cents = int(aged_balance(items, date, buckets=buckets)["overdue"].iloc[0])
    disputed_overdue = int(matrix[buckets.overdue_labels].to_numpy().sum())
    overdue = pd.DataFrame([{
        "overdue_cents": overdue_cents, "disputed_overdue_cents": disputed_overdue,
        "disputed_share": disputed_overdue / overdue_cents if overdue_cents else np.nan,
        "disputed_cents": int(out["disputed_cents"].sum()), "open_disputes": len(out),
        "long_open": int(out["long_open"].sum()),
    }], index=pd.Index(["total"], name="group"))

    resolved_on = disputes["resolved"].to_numpy(dtype="datetime64[s]")
    resolved = disputes[~np.isnat(resolved_on) & (resolved_on <= date.to_datetime64())].copy()
    resolved["cycle_days"] = ((resolved["resolved"].to_numpy(dtype="datetime64[s]")
                               - resolved["opened"].to_numpy(dtype="datetime64[s]")) // np.timedelta64(1, "D"))
    resolved = resolved.sort_values(["resolved", "dispute_id"], kind="stable").reset_index(drop=True)
    everything = pd.Series("total", index=resolved.index, name="group")
    cycle_time = _cycle_stats(resolved["cycle_days"], everything).reindex(["total"])
    cycle_time["resolved"] = cycle_time["resolved"].fillna(0).astype("int64")
    month = resolved["resolved"].astype("datetime64[s]").dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
    trend = _cycle_stats(resolved["cycle_days"], month.rename("month"))
    return DisputeSummary(date, int(long_days), out, by_type, matrix, overdue, resolved, cycle_time, trend)
