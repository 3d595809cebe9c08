"""R10: the order of a collector's calls and the cut to its daily capacity.

Order: tier first — 1 broken promise (R1), 2 overdue reminders (R3, R4, R5, R12),
3 pre-due calls only (R2) — then, within a tier, the score, highest first (the pre-due calls
first go to the customers who usually pay latest: their habit's median days late, highest
first, unknown counted as on time)::

    score = net amount at stake (€) × (1 + weighted age (days) / age_scale_days)

* amount at stake: the row's documents (chased overdue items and pre-due invoices), in cents;
* net amount: amount at stake + the customer's open credit notes and unapplied payments
  (negative), floored at 0;
* weighted age: days past due of the documents weighted by their amount (not-due = 0 days).

With the default scale of 30 days, 10 000 € on average 30 days late scores 20 000, the same
amount 90 days late 40 000. Rows with a net amount below ``small_amount_cents`` (except
broken promises) go to the e-mail reminders instead of the phone list — or, when credits cover
the whole amount (net 0), to lettering, without any reminder; the others beyond the collector's
capacity are cut (and get an e-mail reminder): all are kept in the call list's ``deferred``
frame with their reason, and counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .params import CallListParams

CHASE_RULES = ("R3", "R4", "R5", "R12")
DEFER_COLUMNS = ("defer_kind", "capacity", "phone_rows")


def tier(rules: set[str]) -> int:
    """1 with a broken promise, 2 with an overdue reminder, 3 for a pre-due call only."""
    if "R1" in rules:
        return 1
    return 2 if rules & set(CHASE_RULES) else 3


def score(net_cents: np.ndarray, weighted_days: np.ndarray, params: CallListParams) -> np.ndarray:
    """R10 score (float, € × age factor) of each row; see the module docstring."""
    return np.maximum(net_cents, 0) / 100 * (1 + np.maximum(weighted_days, 0) / params.age_scale_days)


def rank_and_cut(rows: pd.DataFrame, params: CallListParams) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rank each collector's rows and cut them to capacity.

    ``rows`` needs ``collector``, ``tier``, ``score``, ``net_cents``, ``cid``. Returns
    ``(kept, deferred)``: both with ``rank`` (1-based within the collector, over the rows that
    passed the small-amount test) and ``deferred`` holding why (:data:`DEFER_COLUMNS`):
    ``defer_kind`` (``capacity``, ``covered`` by credits, ``small`` amount), and for a row cut by
    the capacity the collector's ``capacity`` and its number of ``phone_rows`` (0 otherwise).
    """
    keys = rows[["collector", "tier", "score", "cid", "net_cents"]].assign(position=np.arange(len(rows)))
    habit = rows["habit_days"].to_numpy(dtype="float64") if "habit_days" in rows else np.zeros(len(rows))
    keys["habit"] = np.where(keys["tier"].to_numpy() == 3, np.nan_to_num(habit, nan=0.0), 0.0)
    ordered = keys.sort_values(["collector", "tier", "habit", "score", "cid"],
                               ascending=[True, True, False, False, True], kind="stable").reset_index(drop=True)
    small = (ordered["net_cents"] < params.small_amount_cents).to_numpy() & (ordered["tier"] != 1).to_numpy()
    covered = (ordered["net_cents"] <= 0).to_numpy()
    phone = ordered[~small].copy()
    phone["rank"] = phone.groupby("collector").cumcount() + 1
    capacity = phone["collector"].map(params.capacity).astype("int64")
    totals = phone.groupby("collector")["cid"].transform("size")
    over = (phone["rank"] > capacity).to_numpy()
    position = phone["position"].to_numpy()
    cut = rows.iloc[position[over]].copy()      # (the rows, long texts included, are copied once)
    cut["rank"] = phone["rank"].to_numpy()[over]
    cut["defer_kind"] = "capacity"
    cut["capacity"] = capacity[over].to_numpy()
    cut["phone_rows"] = totals[over].to_numpy()
    below = rows.iloc[ordered["position"].to_numpy()[small]].copy()
    below["rank"] = pd.NA
    below["defer_kind"] = np.where(covered[small], "covered", "small")
    below["capacity"] = 0
    below["phone_rows"] = 0
    kept = rows.iloc[position[~over]].reset_index(drop=True)
    kept["rank"] = phone["rank"].to_numpy()[~over]
    deferred = pd.concat([cut, below], ignore_index=True)
    deferred["rank"] = deferred["rank"].astype("Int64")
    kept["rank"] = kept["rank"].astype("int64")
    return kept, deferred
