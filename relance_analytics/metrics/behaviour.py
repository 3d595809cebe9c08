"""How each customer pays: the days late of its past payments, weighted by amount.

From the payments known at an as-of date (:mod:`relance_analytics.metrics.payments`: FEC
lettering dates, or snapshots with the ``midpoint`` bound), per customer:

* ``payments`` and ``paid_cents``: the payments observed (paid on or before as-of);
* ``mean_days``, ``median_days``, ``p25_days``, ``p75_days``: days late (paid − due; negative
  = early), weighted by the amount paid;
* ``on_time_share``: the share of the amount paid on or before its due date;
* ``trend_days``: the weighted mean of the last ``trend_months`` months minus that of the
  ``trend_months`` months before (positive = paying later), NaN when either is empty;
* ``promises_kept``, ``promises_broken`` (only when the promises are given,
  :func:`~relance_analytics.metrics.promises.evaluate_promises` at as-of): how many of the
  customer's promises were kept, resp. broken (pending ones are neither);
* ``source``: ``customer`` when it has at least ``min_payments`` payments, else ``segment``
  (the payments of its segment pooled) or ``book`` (every payment): too little history never
  passes for a habit; ``payer_class`` from the median: ``on_time`` (≤ 0), ``slightly_late``
  (≤ 15 days), ``late`` (≤ 45), ``very_late``.

The delays themselves (``delays``) serve the forecast: each customer's (or its fallback's)
observations, to draw its conditional delay from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dates import DateLike, as_date

CLASSES = ((0, "on_time"), (15, "slightly_late"), (45, "late"))
VERY_LATE = "very_late"


@dataclass(frozen=True)
class BehaviourParams:
    """``min_payments``: payments a customer needs for its own habit; ``trend_months``: the
    length of the two windows compared; ``history_days``: how far back payments count."""

    min_payments: int = 5
    trend_months: int = 3
    history_days: int = 730


@dataclass(frozen=True)
class Delays:
    """Weighted delay observations (days late, weights in cents) by key: customers with
    enough history, segments, and the whole book (key ``""``)."""

    customer: Mapping[str, tuple[np.ndarray, np.ndarray]]
    segment: Mapping[str, tuple[np.ndarray, np.ndarray]]
    book: tuple[np.ndarray, np.ndarray]
    segment_of: Mapping[str, str]

    def of(self, customer_id: str) -> tuple[np.ndarray, np.ndarray, str]:
        """The observations that stand for a customer's habit and where they come from."""
        if customer_id in self.customer:
            return (*self.customer[customer_id], "customer")
        seg = self.segment_of.get(customer_id, "")
        if seg in self.segment:
            return (*self.segment[seg], "segment")
        return (*self.book, "book")


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``values`` weighted by ``weights`` (the smallest value whose
    cumulated weight reaches ``q`` of the total); NaN when empty."""
    if len(values) == 0 or weights.sum() <= 0:
        return float("nan")
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, q * cum[-1], side="left")])


def _recent(payments: pd.DataFrame, as_of: pd.Timestamp, params: BehaviourParams) -> pd.DataFrame:
    paid = payments["paid_on"].to_numpy(dtype="datetime64[s]")
    keep = ~np.isnat(paid) & (paid <= as_of.to_datetime64()) \
        & (paid > (as_of - pd.Timedelta(days=params.history_days)).to_datetime64()) \
        & payments["due_date"].notna().to_numpy() & (payments["amount_cents"].to_numpy(dtype="int64") > 0)
    out = payments[keep]
    days = (out["paid_on"].to_numpy(dtype="datetime64[s]") - out["due_date"].to_numpy(dtype="datetime64[s]")) \
        // np.timedelta64(1, "D")
    return out.assign(days=days.astype("int64"), customer_id=out["customer_id"].astype(str))


def delays(payments: pd.DataFrame, as_of: DateLike, customers: pd.DataFrame | None = None,
           params: BehaviourParams | None = None) -> Delays:
    """The delay observations known at ``as_of`` (see :class:`Delays`)."""
    params = params or BehaviourParams()
    p = _recent(payments, as_of=as_date(as_of), params=params)
    segment_of = _segments(customers)
    days = p["days"].to_numpy(dtype="float64")
    weights = p["amount_cents"].to_numpy(dtype="float64")
    cids = p["customer_id"].to_numpy(dtype=object)
    segs = np.array([segment_of.get(c, "") for c in cids], dtype=object) if segment_of \
        else np.full(len(cids), "", dtype=object)
    return Delays(_grouped(cids, days, weights, params.min_payments),
                  {k: v for k, v in _grouped(segs, days, weights, params.min_payments).items() if k},
                  (days, weights), segment_of)


def _grouped(keys: np.ndarray, days: np.ndarray, weights: np.ndarray,
             least: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The observations of each key holding at least ``least`` of them."""
    if not len(keys):
        return {}
    codes, uniques = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
    return {str(k): (days[order[a:b]], weights[order[a:b]])
            for k, a, b in zip(uniques, bounds[:-1], bounds[1:]) if b - a >= least}


def _segments(customers: pd.DataFrame | None) -> dict[str, str]:
    if customers is None or "segment" not in customers.columns:
        return {}
    seg = customers["segment"].astype("string").fillna("")
    return dict(zip(customers["customer_id"].astype(str), seg.tolist()))


COLUMNS = ("payments", "paid_cents", "mean_days", "median_days", "p25_days", "p75_days", "on_time_share",
           "trend_days", "source", "payer_class")


def payment_behaviour(payments: pd.DataFrame, as_of: DateLike, customers: pd.DataFrame | None = None,
                      params: BehaviourParams | None = None, promises: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each customer's payment habit at ``as_of`` (index ``customer_id``; see the module
    docstring): every customer of ``customers`` (or with payments), those with too little
    history taking their segment's or the book's figures (``source``); with ``promises``, the
    promises kept and broken."""
    params = params or BehaviourParams()
    day = as_date(as_of)
    p = _recent(payments, day, params)
    known = delays(payments, day, customers, params)
    ids = sorted(set(p["customer_id"].to_numpy(dtype=object).tolist())
                 | (set(customers["customer_id"].astype(str)) if customers is not None else set()))
    split = (day - pd.DateOffset(months=params.trend_months)).to_datetime64()
    start = (day - pd.DateOffset(months=2 * params.trend_months)).to_datetime64()
    by_customer = dict(tuple(p.groupby("customer_id", sort=False)))
    rows = []
    figures: dict[int, tuple[float, float, float, float, float]] = {}     # by observation set (book, segments)
    for cid in ids:
        days, weights, source = known.of(cid)
        if id(days) not in figures or source == "customer":
            figures[id(days)] = _figures(days, weights)
        mean, median, p25, p75, on_time = figures[id(days)]
        own = by_customer.get(cid)
        paid = own["paid_on"].to_numpy(dtype="datetime64[s]") if own is not None else np.array([], "datetime64[s]")
        own_days = own["days"].to_numpy(dtype="float64") if own is not None else np.array([])
        own_w = own["amount_cents"].to_numpy(dtype="float64") if own is not None else np.array([])
        recent, before = paid > split, (paid > start) & (paid <= split)
        trend = (_mean(own_days[recent], own_w[recent]) - _mean(own_days[before], own_w[before])
                 if recent.any() and before.any() else float("nan"))
        rows.append((len(own_days), int(own_w.sum()), mean, median, p25, p75, on_time, trend, source,
                     payer_class(median)))
    out = pd.DataFrame(rows, columns=list(COLUMNS), index=pd.Index(ids, name="customer_id"))
    out = out.astype({"payments": "int64", "paid_cents": "int64"})
    if promises is None:
        return out
    status = promises["status"].astype(str).to_numpy()
    cids = promises["customer_id"].astype(str).to_numpy()
    for name, code in (("promises_kept", "kept"), ("promises_broken", "broken")):
        counts = pd.Series(cids[status == code]).value_counts()
        out[name] = counts.reindex(out.index, fill_value=0).astype("int64").to_numpy()
    return out


def _figures(days: np.ndarray, weights: np.ndarray) -> tuple[float, float, float, float, float]:
    """Mean, median, 25th and 75th percentiles of the days late (weighted) and on-time share of
    one set of observations (computed once for the book and for each segment, which many
    customers share)."""
    return (_mean(days, weights), weighted_quantile(days, weights, 0.5), weighted_quantile(days, weights, 0.25),
            weighted_quantile(days, weights, 0.75),
            float(weights[days <= 0].sum() / weights.sum()) if weights.sum() > 0 else float("nan"))


def _mean(days: np.ndarray, weights: np.ndarray) -> float:
    return float((days * weights).sum() / weights.sum()) if weights.sum() > 0 else float("nan")


def payer_class(median_days: float) -> str:
    """The class of a weighted median delay (``unknown`` without history)."""
    if median_days != median_days:
        return "unknown"
    for limit, name in CLASSES:
        if median_days <= limit:
            return name
    return VERY_LATE
