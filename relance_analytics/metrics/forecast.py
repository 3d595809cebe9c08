"""When the open invoices will be paid, and the cash-in of the next weeks, backtested.

**Expected payment date** of an open invoice at ``as_of`` (days late ``L`` = as-of − due):
its customer's past delays (:class:`~relance_analytics.metrics.behaviour.Delays`: its own, else
its segment's, else the book's) that are longer than ``L`` — the invoice is still unpaid, so
only those habits remain possible — give the expected delay (their weighted median) and a
band (25th and 75th percentiles); without any such observation the invoice is expected in
``fallback_days`` (on its due date when not due yet). A pending promise covering the invoice
sets its date; an open dispute or a customer in insolvency proceedings puts it outside the
forecast (``basis`` says why).

**Cash-in forecast** over ``horizon_weeks``: week k is (as-of + 7(k−1), as-of + 7k]; an
invoice expected on or before as-of counts in week 1. Each week holds the open amounts of the
invoices expected in it (exact cents), with a low and a high figure from the early and late
scenarios (every invoice at its 25th, resp. 75th percentile date).

**Backtest** (:func:`backtest`): at each past as-of date, forecast from what was known then
(the payments before it), and compare with what those same invoices actually paid in each
following week (the fall of their open amounts between consecutive snapshots). The baseline of
the same run pays every invoice on its due date (overdue ones in week 1). The error is the
weighted absolute percentage error: Σ |forecast − actual| / Σ actual over the weeks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dates import DateLike, as_date
from ..keys import split_document_ids
from .behaviour import BehaviourParams, Delays, delays
from .disputes import disputed_documents
from .payments import open_invoices, payments_from_snapshots

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class ForecastParams:
    """``horizon_weeks``: weeks forecast; ``fallback_days``: the delay from as-of given to an
    invoice none of whose customer's habits is longer than its current lateness."""

    horizon_weeks: int = 13
    fallback_days: int = 7
    behaviour: BehaviourParams = BehaviourParams()


def _sorted(days: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observations by days (stable) and their cumulated weights from 0: what :func:`_conditional`
    searches, prepared once per set of observations."""
    order = np.argsort(days, kind="stable")
    return days[order], np.concatenate([[0.0], np.cumsum(weights[order])])


def _conditional(days: np.ndarray, weights: np.ndarray, late: np.ndarray,
                 qs: Sequence[float], prepared: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, ...]:
    """For each lateness in ``late``, the weighted ``qs`` quantiles of the observations longer
    than it (NaN where none); ``prepared``: :func:`_sorted` of the observations, if at hand."""
    d, cum = prepared if prepared is not None else _sorted(days, weights)
    first = np.searchsorted(d, late, side="right")               # observations > late start here
    before, total = cum[first], cum[-1]
    out = []
    for q in qs:
        target = before + q * (total - before)
        idx = np.clip(np.searchsorted(cum[1:], target, side="left"), 0, max(len(d) - 1, 0))
        value = d[idx] if len(d) else np.full(len(late), np.nan)
        out.append(np.where(first < len(d), value, np.nan))
    return tuple(out)


def expected_payments(items: pd.DataFrame, as_of: DateLike, known: Delays, promises: pd.DataFrame | None = None,
                      disputes: pd.DataFrame | None = None, params: ForecastParams | None = None) -> pd.DataFrame:
    """Every open invoice of ``items`` with its expected payment date (see the module docstring).

    Columns: ``customer_id``, ``customer_name``, ``document_id``, ``due_date``, ``amount_cents``,
    ``expected``, ``low``, ``high`` (dates; NaT outside the forecast), ``week`` (1…horizon, 0 =
    after the horizon, −1 = outside the forecast), ``basis`` (``customer``, ``segment``,
    ``book``, ``fallback``, ``promise``, ``dispute``, ``insolvency``)."""
    params = params or ForecastParams()
    day = as_date(as_of)
    inv = open_invoices(items)
    status = (items.loc[(items["document_type"].astype("string") == "invoice").to_numpy(dtype=bool)
                        & (items["amount_cents"].to_numpy(dtype="int64") > 0), "status"].astype("string").to_numpy()
              if "status" in items.columns else np.full(len(inv), "", dtype=object))
    due = inv["due_date"].to_numpy(dtype="datetime64[s]")
    late = ((day.to_datetime64() - due) // DAY).astype("float64")
    n = len(inv)
    mid, low, high = (np.full(n, np.nan) for _ in range(3))
    basis = np.empty(n, dtype=object)
    cids = inv["customer_id"].astype(str).to_numpy(dtype=object)
    book_sorted = _sorted(known.book[0].astype("float64"), known.book[1].astype("float64"))
    for cid, rows in _rows_by_customer(cids):
        days, weights, source = known.of(cid)
        q25, q50, q75 = _conditional(days.astype("float64"), weights.astype("float64"), late[rows], (0.25, 0.5, 0.75),
                                     book_sorted if source == "book" else None)
        if source != "book":           # nothing longer in its own or its segment's habits: the book's
            book = _conditional(known.book[0], known.book[1], late[rows], (0.25, 0.5, 0.75), book_sorted)
            missing = np.isnan(q50)
            q25, q50, q75 = (np.where(missing, b, q) for q, b in zip((q25, q50, q75), book))
            basis[rows] = np.where(missing, "book", source)
        else:
            basis[rows] = source
        mid[rows], low[rows], high[rows] = q50, q25, q75
    fallback = np.isnan(mid)
    basis[fallback] = "fallback"
    for arr in (mid, low, high):          # no habit at all: due date, or within fallback_days when overdue
        arr[fallback] = np.maximum(late[fallback] + params.fallback_days, 0)
    expected = due + mid.astype("int64") * DAY
    low_date, high_date = due + low.astype("int64") * DAY, due + high.astype("int64") * DAY
    promised = _promised(inv, promises, day)
    has_promise = ~np.isnat(promised)
    expected, low_date, high_date = (np.where(has_promise, promised, a) for a in (expected, low_date, high_date))
    basis[has_promise] = "promise"
    disputed = disputed_documents(inv, disputes, day)
    insolvent = pd.Series(status).isin(["receivership", "liquidation", "safeguard"]).to_numpy()
    outside = disputed | insolvent
    basis[disputed] = "dispute"
    basis[insolvent & ~disputed] = "insolvency"
    out = inv.assign(expected=expected, low=low_date, high=high_date, basis=basis)
    for col in ("expected", "low", "high"):
        out[col] = out[col].to_numpy(dtype="datetime64[s]")
        out.loc[outside, col] = pd.NaT
    out["week"] = np.where(outside, -1, _week(out["expected"].to_numpy(dtype="datetime64[s]"), day,
                                              params.horizon_weeks)).astype("int64")
    return out


def _rows_by_customer(cids: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Each distinct customer id (sorted) with its positions in ``cids`` (in order), grouped once."""
    if not len(cids):
        return []
    codes, uniques = pd.factorize(cids, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
    return [(str(u), order[a:b]) for u, a, b in zip(uniques.tolist(), bounds[:-1].tolist(), bounds[1:].tolist())]


def _week(dates: np.ndarray, as_of: pd.Timestamp, horizon: int) -> np.ndarray:
    """Week of each date: 1 for on or before as-of + 7 days (and any date before as-of), …,
    0 after the horizon, −1 for no date (NaT)."""
    nat = np.isnat(dates)
    days = (np.where(nat, as_of.to_datetime64(), dates) - as_of.to_datetime64()) // DAY
    week = np.maximum((days + 6) // 7, 1)
    return np.where(nat, -1, np.where(week > horizon, 0, week))


def _promised(inv: pd.DataFrame, promises: pd.DataFrame | None, as_of: pd.Timestamp) -> np.ndarray:
    """The latest date of the pending promises covering each invoice (NaT if none); a promise
    naming no document covers the whole account."""
    out = np.full(len(inv), np.datetime64("NaT"), dtype="datetime64[s]")
    if promises is None or promises.empty:
        return out
    running = promises[(promises["status"].astype(str) == "pending").to_numpy()
                       & (promises["promise_date"].to_numpy(dtype="datetime64[s]") >= as_of.to_datetime64())]
    by_doc: dict[str, np.datetime64] = {}
    by_customer: dict[str, np.datetime64] = {}
    for cid, docs, date in zip(running["customer_id"].astype(str), running["document_ids"].astype(object),
                               running["promise_date"].to_numpy(dtype="datetime64[s]")):
        ids = split_document_ids(docs)
        for key, table in ([(d, by_doc) for d in ids] if ids else [(cid, by_customer)]):
            table[key] = max(table.get(key, date), date)
    for i, (cid, doc) in enumerate(zip(inv["customer_id"].astype(str), inv["document_id"].astype(str))):
        found = [x for x in (by_doc.get(doc), by_customer.get(cid)) if x is not None]
        if found:
            out[i] = max(found)
    return out


@dataclass(frozen=True)
class CashForecast:
    """``weeks``: one row per week (index 1…horizon): ``start``, ``end`` (dates, the week is
    (start, end]), ``expected_cents``, ``low_cents``, ``high_cents``; ``totals``: one row,
    ``open_cents`` (the open invoices) = ``forecast_cents`` (the weeks) + ``later_cents``
    (expected after the horizon) + ``outside_cents`` (disputed or insolvent, not forecast).
    ``items``: the invoices behind each week (:func:`expected_payments`)."""

    as_of: pd.Timestamp
    weeks: pd.DataFrame
    items: pd.DataFrame
    totals: pd.DataFrame


def expected_by_week(expected: pd.DataFrame, as_of: DateLike, known: Delays, horizon_weeks: int = 13) -> np.ndarray:
    """The expected cash-in of each week 0…horizon (index 0 = after the horizon), in cents:
    each invoice's amount spread over the weeks by its customer's habits still possible (those
    longer than its lateness, weighted by amount) — the expectation of the weekly totals, which
    a single date per invoice lumps into one week. Invoices with a promise or no habit keep
    their date; those outside the forecast count nowhere. Rounded to the cent by largest
    remainder, so that the weeks add up to the amounts forecast exactly."""
    day = as_date(as_of)
    amount = expected["amount_cents"].to_numpy(dtype="int64")
    week = expected["week"].to_numpy(dtype="int64")
    due = expected["due_date"].to_numpy(dtype="datetime64[s]")
    late = (day.to_datetime64() - due) // DAY
    totals = np.zeros(horizon_weeks + 1)
    basis = expected["basis"].to_numpy(dtype=object)
    spread = np.isin(basis, ["customer", "segment", "book"])
    point = (week >= 0) & ~spread
    np.add.at(totals, week[point], amount[point].astype("float64"))
    offset = (due - day.to_datetime64()) // DAY                          # days from as-of to the due date
    book = np.flatnonzero(spread & (basis == "book"))
    _spread_over_weeks(totals, known.book, late[book], offset[book], amount[book], horizon_weeks)
    own = np.flatnonzero(spread & (basis != "book"))
    cids = expected["customer_id"].astype(str).to_numpy(dtype=object)[own]
    for cid, rows in _rows_by_customer(cids):
        days, weights, _ = known.of(cid)
        for kind in ("customer", "segment"):
            chosen = own[rows][basis[own[rows]] == kind]
            _spread_over_weeks(totals, (days, weights), late[chosen], offset[chosen], amount[chosen], horizon_weeks)
    return _largest_remainder(totals, int(amount[week >= 0].sum()))


def _spread_over_weeks(totals: np.ndarray, observations: tuple[np.ndarray, np.ndarray], late: np.ndarray,
                       offset: np.ndarray, amount: np.ndarray, horizon: int) -> None:
    """Add to ``totals`` (week 0 = after the horizon, then 1…horizon) each invoice's amount spread
    over the weeks by the observations (days late, weights) longer than its lateness ``late``:
    the part of week k is the weight of the observations ``d`` with ``offset + d`` (days from
    as-of) in week k, over the weight of all those longer than ``late`` — summed per week from
    the observations' cumulated weights (a search per week boundary), not per observation."""
    if not len(late):
        return
    d, cum = _sorted(observations[0].astype("float64"), observations[1].astype("float64"))
    start = np.searchsorted(d, late, side="right")                      # observations still possible
    limits = 7 * np.arange(1, horizon + 1)[None, :] - offset[:, None]    # d ≤ limit k: paid by week k's end
    ends = np.maximum(np.searchsorted(d, limits.ravel(), side="right").reshape(limits.shape), start[:, None])
    edges = np.concatenate([start[:, None], ends, np.full((len(late), 1), len(d))], axis=1)
    mass = cum[edges[:, 1:]] - cum[edges[:, :-1]]                       # weeks 1…horizon, then after it
    share = mass / (cum[-1] - cum[start])[:, None]
    parts = (share * amount[:, None]).sum(axis=0)
    totals[1:] += parts[:horizon]
    totals[0] += parts[horizon]


def _largest_remainder(values: np.ndarray, total: int) -> np.ndarray:
    """``values`` rounded to integers summing to ``total`` (largest remainders first)."""
    floor = np.floor(values).astype("int64")
    short = total - int(floor.sum())
    order = np.argsort(-(values - floor), kind="stable")
    floor[order[:short]] += 1
    return floor


def forecast_weeks(expected: pd.DataFrame, as_of: DateLike, horizon_weeks: int = 13,
                   known: Delays | None = None) -> CashForecast:
    """The weekly cash-in of :func:`expected_payments`, with its early/late band; with the
    habits ``known``, each week is the expected amount (:func:`expected_by_week`), else the
    amounts of the invoices whose expected date falls in it."""
    day = as_date(as_of)
    amount = expected["amount_cents"].to_numpy(dtype="int64")
    week = expected["week"].to_numpy(dtype="int64")
    index = pd.RangeIndex(1, horizon_weeks + 1, name="week")

    def by_week(weeks: np.ndarray) -> np.ndarray:
        inside = weeks >= 1
        return np.bincount(weeks[inside], weights=amount[inside], minlength=horizon_weeks + 1)[1:].astype("int64")

    early = _week(expected["low"].to_numpy(dtype="datetime64[s]"), day, horizon_weeks)
    late = _week(expected["high"].to_numpy(dtype="datetime64[s]"), day, horizon_weeks)
    early, late = np.where(week < 0, -1, early), np.where(week < 0, -1, late)
    spread = expected_by_week(expected, day, known, horizon_weeks) if known is not None else None
    central = spread[1:] if spread is not None else by_week(week)
    a, b = by_week(early), by_week(late)
    weeks = pd.DataFrame({"start": [day + pd.Timedelta(days=7 * (k - 1)) for k in index],
                          "end": [day + pd.Timedelta(days=7 * k) for k in index],
                          "expected_cents": central, "low_cents": np.minimum.reduce([central, a, b]),
                          "high_cents": np.maximum.reduce([central, a, b])}, index=index)
    later = int(spread[0]) if spread is not None else int(amount[week == 0].sum())
    totals = pd.DataFrame({"open_cents": [int(amount.sum())], "forecast_cents": [int(central.sum())],
                           "later_cents": [later], "outside_cents": [int(amount[week < 0].sum())]},
                          index=pd.Index(["total"]))
    return CashForecast(day, weeks, expected, totals)


def cash_forecast(snapshots: Mapping[pd.Timestamp, pd.DataFrame], as_of: DateLike, horizon_weeks: int = 13,
                  payments: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
                  promises: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
                  params: ForecastParams | None = None) -> CashForecast:
    """The cash-in forecast of the invoices open at ``as_of`` for the next ``horizon_weeks``.

    ``snapshots``: open items by date (``SnapshotStore.up_to(as_of)``); ``payments``: the
    payment history (FEC lettering dates), else read from the snapshots (midpoint bound)."""
    params = params or ForecastParams(horizon_weeks=horizon_weeks)
    day = as_date(as_of)
    history = payments if payments is not None else payments_from_snapshots(
        {d: f for d, f in snapshots.items() if d <= day}, bound="midpoint")
    known = delays(history, day, customers, params.behaviour)
    items = _with_status(snapshots[day] if day in snapshots else snapshots[max(d for d in snapshots if d <= day)],
                         customers)
    expected = expected_payments(items, day, known, promises, disputes, params)
    return forecast_weeks(expected, day, params.horizon_weeks, known)


def _with_status(items: pd.DataFrame, customers: pd.DataFrame | None) -> pd.DataFrame:
    """The items with their customer's status (insolvency takes them out of the forecast)."""
    if customers is None or "status" in items.columns or "status" not in customers.columns:
        return items
    status = customers.set_index(customers["customer_id"].astype(str))["status"].astype("string")
    return items.assign(status=items["customer_id"].astype(str).map(status).to_numpy())


def open_amounts(items: pd.DataFrame) -> pd.Series:
    """What each open invoice still owes (cents), indexed by customer and document id."""
    inv = open_invoices(items)
    key = inv["customer_id"].astype(str).to_numpy(dtype=object) + "\x1f" + inv["document_id"].astype(str).to_numpy(
        dtype=object)
    return pd.Series(inv["amount_cents"].to_numpy(dtype="int64"), index=pd.Index(key))


def actual_collections(amounts: Mapping[pd.Timestamp, pd.Series], as_of: pd.Timestamp,
                       weeks: int) -> np.ndarray | None:
    """What the invoices open at ``as_of`` actually paid in each of the next ``weeks`` weeks
    (cents; the fall of their open amounts between the weekly snapshots, :func:`open_amounts`
    of each), ``None`` when a weekly snapshot is missing."""
    dates = [as_of + pd.Timedelta(days=7 * k) for k in range(weeks + 1)]
    if any(d not in amounts for d in dates):
        return None
    base = amounts[as_of]
    remaining = base.to_numpy(dtype="int64")
    out = np.zeros(weeks, dtype="int64")
    for k, d in enumerate(dates[1:]):
        left = np.minimum(amounts[d].reindex(base.index, fill_value=0).to_numpy(dtype="int64"), remaining)
        out[k] = int((remaining - left).sum())
        remaining = left
    return out


def past_collections(snapshots: Mapping[pd.Timestamp, pd.DataFrame], as_of: DateLike,
                     weeks: int = 13) -> pd.DataFrame:
    """What was collected between consecutive snapshots up to ``as_of``, the last ``weeks``
    spans: one row per span (``start``, ``end``: the span is (start, end]), ``collected_cents``
    = the fall of the invoices open at ``start`` by ``end`` (:func:`open_amounts`; an invoice
    gone fell by its whole amount, one first seen after ``start`` does not count) — the same
    measure as the backtest's actual collections, so the chart's past and future compare."""
    day = as_date(as_of)
    dates = sorted(d for d in snapshots if d <= day)[-(int(weeks) + 1):]
    rows = []
    for start, end in zip(dates, dates[1:]):
        before, after = open_amounts(snapshots[start]), open_amounts(snapshots[end])
        left = np.minimum(after.reindex(before.index, fill_value=0).to_numpy(dtype="int64"),
                          before.to_numpy(dtype="int64"))
        rows.append((start, end, int((before.to_numpy(dtype="int64") - left).sum())))
    out = pd.DataFrame(rows, columns=["start", "end", "collected_cents"])
    return out.astype({"collected_cents": "int64"})


def baseline_weeks(items: pd.DataFrame, as_of: pd.Timestamp, weeks: int) -> np.ndarray:
    """The naive forecast: every open invoice paid on its due date, overdue ones in week 1."""
    inv = open_invoices(items)
    week = _week(inv["due_date"].to_numpy(dtype="datetime64[s]"), as_of, weeks)
    inside = week >= 1
    amount = inv["amount_cents"].to_numpy(dtype="int64")
    return np.bincount(week[inside], weights=amount[inside], minlength=weeks + 1)[1:].astype("int64")


def backtest(snapshots: Mapping[pd.Timestamp, pd.DataFrame], as_of_dates: Sequence[pd.Timestamp], weeks: int,
             payments: pd.DataFrame | None = None, customers: pd.DataFrame | None = None,
             params: ForecastParams | None = None) -> pd.DataFrame:
    """Forecast, baseline and actual collections per past as-of date and week (cents), for the
    as-of dates whose following ``weeks`` weekly snapshots exist. Payments are those known at
    each date only (the history before it)."""
    chosen = params or ForecastParams()
    params = ForecastParams(weeks, chosen.fallback_days, chosen.behaviour)
    history = payments if payments is not None else payments_from_snapshots(snapshots, bound="midpoint")
    paid_on = history["paid_on"].to_numpy(dtype="datetime64[s]")
    amounts = {d: open_amounts(f) for d, f in snapshots.items()}
    rows = []
    for as_of in as_of_dates:
        actual = actual_collections(amounts, as_of, weeks)
        if actual is None:
            continue
        known = delays(history[paid_on <= as_of.to_datetime64()], as_of, customers, params.behaviour)
        items = _with_status(snapshots[as_of], customers)
        fc = forecast_weeks(expected_payments(items, as_of, known, params=params), as_of, weeks, known)
        base = baseline_weeks(snapshots[as_of], as_of, weeks)
        for k in range(weeks):
            rows.append((as_of, k + 1, int(fc.weeks["expected_cents"].iloc[k]), int(base[k]), int(actual[k])))
    return pd.DataFrame(rows, columns=["as_of", "week", "forecast_cents", "baseline_cents", "actual_cents"])


def wape(frame: pd.DataFrame, column: str, weeks: int) -> float:
    """Σ |column − actual| / Σ actual over the weeks 1…``weeks`` of a :func:`backtest` frame
    (in cents, ``actual_cents``, or in euros, ``actual_eur``)."""
    part = frame[frame["week"] <= weeks]
    actual = part["actual_cents" if "actual_cents" in part else "actual_eur"].to_numpy(dtype="float64")
    return float(np.abs(part[column].to_numpy(dtype="float64") - actual).sum() / actual.sum())
