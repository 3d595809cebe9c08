"""Collector performance: per collector and per week, from the action journal and the snapshots.

Weeks
    The weeks are the spans between consecutive snapshots: with snapshot dates s0 < s1 < … < sn
    (those on or before ``until``), week k is (s(k−1), sk], labelled ``week_end`` = sk, with
    ``week_start`` = s(k−1) + 1 day. Weekly exports make them 7-day weeks ending on the export's
    weekday (Fridays in the sample); a missing export makes one longer week. The first snapshot
    only opens the history: an event dated on or before s0, or after sn, is in no week. Snapshot
    weeks are used rather than ISO weeks because a payment is only seen between two snapshots.

Whose action
    The collector of an action is its ``collector`` cell when filled, else the collector of its
    customer in the customers file, else :data:`~relance_analytics.vocab.NO_COLLECTOR`. Every
    collector of the customers file (and every collector met in the data) has a row every week.

Counts (by the week of the action's date)
    ``calls``: actions on channel ``phone``; ``contacts``: those whose outcome is not
    ``no_answer`` (:attr:`CollectorParams.no_contact_outcomes`); ``promises``: actions with
    outcome ``promise`` (any channel), ``promised_cents`` the sum of their amounts and
    ``promises_without_amount`` how many gave none: such a promise counts in ``promises`` but
    adds nothing to ``promised_cents`` (its amount is unknown, never guessed).

Promises kept / broken (by the week of the promise date)
    :func:`~relance_analytics.metrics.promises.evaluate_promises` of the journal at sn, each
    promise counted in the week holding its promise date, for the collector of the promise
    action: ``promises_kept``, ``promises_broken``, ``promises_pending`` (a promise dated sn is
    still pending unless already kept).

Collected within the window after a call (``collected_cents``, by the week of the call)
    Every call is measured on its customer's open items (integer cents):

    * baseline b = the last snapshot on or before the call date (a call before the first
      snapshot cannot be measured: it has no baseline and collects nothing);
    * window end e = the first snapshot on or after call date + ``window_days`` (14);
    * the money is attributed to the latest call before it: a call's span ends at e or at the
      baseline of the customer's next call, whichever comes first (two calls in one week: the
      later one takes the span, the earlier one collects 0). The spans of one customer's calls
      never overlap, so a payment is never counted for two calls;
    * collected over a span [b, f] = the fall of the invoices open at b (an invoice gone at f
      fell by its whole amount; an invoice first seen after b does not count), minus what the
      credit notes and unapplied payments already open at b were used up by from b to f (money
      that arrived before the call, now applied), floored at 0. It never exceeds the fall of the
      customer's open invoices between b and f. Unapplied cash received during the span is not
      counted until it is applied to an invoice (conservative);
    * when e is after the last snapshot and no later call cuts the span, the call is measured up
      to the last snapshot and counted in ``calls_window_open`` (its figure may still grow).

    :func:`call_collections` gives the detail, one row per call.

Days from first reminder to payment (by the week of the payment)
    An invoice is paid in week k when it is open at s(k−1) and gone at sk. The payment day is
    only known to lie in (s(k−1), sk]: the conservative bound sk is used throughout (the delay
    is never understated). The first reminder is the first action of the invoice's customer
    dated after the invoice's due date and on or before sk that names the invoice in its
    ``document_ids`` or names no document (an action on the whole account), on any channel.
    ``days_reminder_to_payment`` = mean of (sk − first reminder date) over the week's paid
    invoices that had a reminder, for the collector of that first reminder;
    ``paid_after_reminder`` is how many. Invoices paid without a reminder after their due date
    are left out. :func:`reminder_to_payment` gives the detail, one row per paid invoice.

DSO (at each week end)
    :func:`~relance_analytics.metrics.dso.dso` with ``by="collector"`` of snapshot sk (customers
    attached from the customers file) with the sales file, ``sales_through`` defaulting to sn as
    in :func:`~relance_analytics.metrics.dso.dso_trend`. A collector without open items that week
    has 0 days (as any scope whose receivables are ≤ 0); NaN for everyone without a sales file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import frames, vocab
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..errors import SettingsError, SnapshotMissing
from ..keys import split_document_ids
from .dso import DsoParams, Errors, dso
from .enrich import attach_customers
from .promises import evaluate_promises

COLUMNS = (
    "week_start", "calls", "contacts", "promises", "promised_cents", "promises_without_amount",
    "promises_kept", "promises_broken", "promises_pending", "collected_cents", "calls_window_open",
    "paid_after_reminder", "days_reminder_to_payment", "dso",
)
COUNT_COLUMNS = tuple(c for c in COLUMNS if c not in ("week_start", "days_reminder_to_payment", "dso"))
CALL_COLUMNS = (
    "action_id", "date", "customer_id", "collector", "week_end", "baseline_at", "window_end_at", "measured_to",
    "window_open", "collected_cents", "invoice_decrease_cents",
)
PAYMENT_COLUMNS = (
    "week_end", "customer_id", "document_id", "due_date", "amount_cents", "paid_after", "paid_by",
    "first_reminder", "collector", "days",
)
PHONE = "phone"
PROMISE = "promise"


@dataclass(frozen=True)
class CollectorParams:
    """Parameters of :func:`collector_performance`.

    ``window_days``: how long after a call a payment is credited to it (14 days: the window ends
    at the first snapshot on or after call date + 14 days). ``no_contact_outcomes``: the
    outcomes of a call that reached nobody. ``dso``: the DSO's parameters (method, VAT…).
    """

    window_days: int = 14
    no_contact_outcomes: tuple[str, ...] = ("no_answer",)
    dso: DsoParams = field(default_factory=DsoParams)

    def __post_init__(self) -> None:
        if isinstance(self.window_days, bool) or int(self.window_days) != self.window_days or self.window_days < 0:
            raise SettingsError(f"fenêtre d'encaissement après un appel : un nombre de jours entier positif "
                                f"attendu, lu {self.window_days!r}")
        object.__setattr__(self, "window_days", int(self.window_days))
        unknown = sorted(set(self.no_contact_outcomes) - set(vocab.OUTCOME))
        if unknown:
            raise SettingsError(f"résultats d'appel inconnus : {', '.join(unknown)} (codes connus : "
                                f"{', '.join(vocab.OUTCOME)})")


def _dates(values: Sequence[object]) -> np.ndarray:
    """Timestamps (NaT allowed) as a ``datetime64[s]`` array."""
    return pd.to_datetime(pd.Series(list(values), dtype=object)).to_numpy(dtype="datetime64[s]")


# --- the snapshots --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Item:
    amount: int
    kind: str
    due: pd.Timestamp


class _Ledger:
    """The snapshots up to ``until``: per snapshot, per customer, each open document."""

    def __init__(self, snapshots: Mapping[pd.Timestamp, pd.DataFrame], until: DateLike | None) -> None:
        limit = as_date(until) if until is not None else None
        chosen = {as_date(d): f for d, f in snapshots.items() if limit is None or as_date(d) <= limit}
        if not chosen:
            when = f" au {limit:%d/%m/%Y} ou avant" if limit is not None else ""
            raise SnapshotMissing(f"aucune balance{when} pour mesurer l'activité des recouvreurs : intégrez d'abord "
                                  "les exports (relance weekly --data DOSSIER)", limit)
        self.dates: list[pd.Timestamp] = sorted(chosen)
        self.frames = [chosen[d] for d in self.dates]
        self.open: list[dict[str, dict[str, _Item]]] = []
        for items in self.frames:
            require_single_currency(items, "performance des recouvreurs")
            by_customer: dict[str, dict[str, _Item]] = {}
            dues = pd.to_datetime(items["due_date"]).tolist()
            for c, doc, kind, amount, due in zip(items["customer_id"].astype(str), items["document_id"].astype(str),
                                                 items["document_type"].astype(str),
                                                 items["amount_cents"].to_numpy(dtype="int64").tolist(), dues):
                by_customer.setdefault(c, {})[doc] = _Item(int(amount), kind, due)
            self.open.append(by_customer)
        self.values = np.array(self.dates, dtype="datetime64[s]")

    @property
    def last(self) -> pd.Timestamp:
        return self.dates[-1]

    def week_of(self, dates: pd.Series | np.ndarray) -> np.ndarray:
        """Index k of the week (s(k−1), sk] holding each date: 0 (on or before s0) to n + 1 (after sn)."""
        values = pd.to_datetime(pd.Series(np.asarray(dates))).to_numpy(dtype="datetime64[s]")
        return np.searchsorted(self.values, values, side="left")

    def baseline(self, on: pd.Timestamp) -> int | None:
        """Index of the last snapshot on or before ``on``."""
        i = int(np.searchsorted(self.values, np.datetime64(on, "s"), side="right")) - 1
        return i if i >= 0 else None

    def first_on_or_after(self, on: pd.Timestamp) -> int | None:
        i = int(np.searchsorted(self.values, np.datetime64(on, "s"), side="left"))
        return i if i < len(self.dates) else None

    def items(self, i: int, customer: str) -> dict[str, _Item]:
        return self.open[i].get(customer, {})

    def invoice_fall(self, customer: str, b: int, f: int) -> int:
        """Fall of the invoices open at snapshot ``b`` by snapshot ``f`` (a gone invoice fell by its
        whole amount; a rise counts 0)."""
        end = self.items(f, customer)
        return sum(max(0, it.amount - (end[doc].amount if doc in end else 0))
                   for doc, it in self.items(b, customer).items() if it.kind == "invoice")

    def credits_used(self, customer: str, b: int, f: int) -> int:
        """How much of the credit notes and unapplied payments open at ``b`` was used by ``f``."""
        end = self.items(f, customer)
        return sum(max(0, (end[doc].amount if doc in end else 0) - it.amount)
                   for doc, it in self.items(b, customer).items() if it.kind != "invoice")

    def collected(self, customer: str, b: int, f: int) -> int:
        return max(0, self.invoice_fall(customer, b, f) - self.credits_used(customer, b, f))


# --- the actions ----------------------------------------------------------------------------

def action_collectors(actions: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """The collector of each action: its ``collector`` cell when filled, else its customer's in
    the customers file, else :data:`~relance_analytics.vocab.NO_COLLECTOR` (string Series, the
    actions' index)."""
    if "collector" in actions.columns:
        own = actions["collector"].astype("string")
        own = own.mask(own.str.strip() == "")
    else:
        own = pd.Series(pd.NA, index=actions.index, dtype="string")
    ref = customers["collector"].astype("string")
    ref = ref.mask(ref.str.strip() == "")
    ref.index = pd.Index(customers["customer_id"].astype(str))
    ref = ref[~ref.index.duplicated(keep="first")]
    fallback = actions["customer_id"].astype(str).map(ref).astype("string")
    fallback.index = actions.index
    return own.fillna(fallback).fillna(vocab.NO_COLLECTOR).astype("string")


def _prepared(actions: pd.DataFrame, customers: pd.DataFrame, until: pd.Timestamp) -> pd.DataFrame:
    """The actions dated on or before ``until``, positional index, with ``action_id`` and ``collector``."""
    frames.require(frames.ACTIONS, actions, ("date", "customer_id", "document_ids", "channel", "outcome",
                                             "promise_amount_cents", "promise_date", "payment_method"))
    ids = actions["id"] if "id" in actions.columns else pd.Series(actions.index, index=actions.index)
    work = actions.assign(action_id=ids.to_numpy(), collector=action_collectors(actions, customers))
    work = work[pd.to_datetime(work["date"]).to_numpy(dtype="datetime64[s]") <= np.datetime64(until, "s")]
    return work.reset_index(drop=True)


def _calls(work: pd.DataFrame) -> pd.DataFrame:
    return work[(work["channel"] == PHONE).to_numpy(dtype=bool)]


# --- collections after a call ---------------------------------------------------------------

def _collections(work: pd.DataFrame, ledger: _Ledger, params: CollectorParams) -> pd.DataFrame:
    calls = _calls(work)
    dates = pd.to_datetime(calls["date"]).to_numpy(dtype="datetime64[s]")
    calls = calls[dates >= np.datetime64(ledger.dates[0], "s")]          # before: no baseline
    order = calls.assign(_d=pd.to_datetime(calls["date"]).astype("datetime64[s]"), _p=np.arange(len(calls)))
    order = order.sort_values(["customer_id", "_d", "_p"], kind="stable")
    window = pd.Timedelta(days=params.window_days)
    last = len(ledger.dates) - 1
    customers = order["customer_id"].astype(str).tolist()
    call_dates = [as_date(d) for d in order["_d"]]
    baselines: list[int] = []
    window_ends: list[int | None] = []
    span_ends: list[int] = []
    still_open: list[bool] = []
    collected: list[int] = []
    decrease: list[int] = []
    for pos, (customer, date) in enumerate(zip(customers, call_dates)):
        b = ledger.baseline(date)
        assert b is not None                            # every call left is on or after the first snapshot
        e = ledger.first_on_or_after(date + window)
        following = pos + 1 < len(customers) and customers[pos + 1] == customer
        cut = ledger.baseline(call_dates[pos + 1]) if following else None
        ends = [i for i in (e, cut) if i is not None]
        f = min(ends) if ends else last
        baselines.append(b)
        window_ends.append(e)
        span_ends.append(f)
        still_open.append(not ends)
        collected.append(ledger.collected(customer, b, f))
        decrease.append(ledger.invoice_fall(customer, b, last if e is None else e))
    week = ledger.week_of(order["_d"].to_numpy())

    def at(positions: Sequence[int | None]) -> np.ndarray:
        return _dates([pd.NaT if i is None else ledger.dates[i] for i in positions])

    out = pd.DataFrame({
        "action_id": order["action_id"].to_numpy(),
        "date": order["_d"].to_numpy(dtype="datetime64[s]"),
        "customer_id": pd.array(customers, dtype="string"),
        "collector": pd.array(order["collector"], dtype="string"),
        "week_end": at([int(k) if 1 <= k <= last else None for k in week]),
        "baseline_at": at(baselines),
        "window_end_at": at(window_ends),
        "measured_to": at(span_ends),
        "window_open": np.array(still_open, dtype=bool),
        "collected_cents": np.array(collected, dtype="int64"),
        "invoice_decrease_cents": np.array(decrease, dtype="int64"),
    }, index=range(len(order)))
    return out.sort_values(["date", "action_id"], kind="stable", ignore_index=True)


def call_collections(actions: pd.DataFrame, snapshots: Mapping[pd.Timestamp, pd.DataFrame],
                     customers: pd.DataFrame, params: CollectorParams = CollectorParams(), *,
                     until: DateLike | None = None) -> pd.DataFrame:
    """One row per call (phone action) dated from the first snapshot to ``until`` (default: the
    last snapshot) and what was collected after it (see the module docstring).

    Columns: ``action_id`` (the actions' ``id``, else their index), ``date``, ``customer_id``,
    ``collector``, ``week_end`` (NaT for a call dated on the first snapshot: in no week),
    ``baseline_at``, ``window_end_at`` (NaT when after the last snapshot), ``measured_to`` (the
    end of the call's span: the window end, the next call's baseline or the last snapshot),
    ``window_open``, ``collected_cents`` (int64, over [baseline, measured_to]) and
    ``invoice_decrease_cents`` (int64: the fall of the invoices open at the baseline by the window
    end, or the last snapshot: what the call could at most have collected). Sorted by date.
    """
    ledger = _Ledger(snapshots, until)
    return _collections(_prepared(actions, customers, ledger.last), ledger, params)


# --- days from the first reminder to payment ------------------------------------------------

def _payments(work: pd.DataFrame, ledger: _Ledger) -> pd.DataFrame:
    by_customer: dict[str, list[tuple[pd.Timestamp, int, tuple[str, ...], str]]] = {}
    for pos, (c, d, docs, who) in enumerate(zip(work["customer_id"].astype(str), work["date"],
                                                work["document_ids"], work["collector"])):
        by_customer.setdefault(c, []).append((as_date(d), pos, split_document_ids(docs), str(who)))
    for acts in by_customer.values():
        acts.sort(key=lambda a: (a[0], a[1]))
    rows = []
    for k in range(1, len(ledger.dates)):
        paid_by = ledger.dates[k]
        now = ledger.open[k]
        for customer, items in ledger.open[k - 1].items():
            still = now.get(customer, {})
            for doc, it in items.items():
                if it.kind != "invoice" or doc in still:
                    continue
                reminder = next(((d, who) for d, _, docs, who in by_customer.get(customer, ())
                                 if it.due < d <= paid_by and (not docs or doc in docs)), None)
                rows.append((paid_by, customer, doc, it.due, it.amount, ledger.dates[k - 1],
                             reminder[0] if reminder else pd.NaT, reminder[1] if reminder else pd.NA))
    out = pd.DataFrame({
        "week_end": _dates([r[0] for r in rows]),
        "customer_id": pd.array([r[1] for r in rows], dtype="string"),
        "document_id": pd.array([r[2] for r in rows], dtype="string"),
        "due_date": _dates([r[3] for r in rows]),
        "amount_cents": np.array([r[4] for r in rows], dtype="int64"),
        "paid_after": _dates([r[5] for r in rows]),
        "paid_by": _dates([r[0] for r in rows]),
        "first_reminder": _dates([r[6] for r in rows]),
        "collector": pd.array([r[7] for r in rows], dtype="string"),
    }, index=range(len(rows)))
    out["days"] = (out["paid_by"] - out["first_reminder"]).dt.days.astype("float64")
    return out.sort_values(["week_end", "customer_id", "document_id"], kind="stable", ignore_index=True)


def reminder_to_payment(actions: pd.DataFrame, snapshots: Mapping[pd.Timestamp, pd.DataFrame],
                        customers: pd.DataFrame, *, until: DateLike | None = None) -> pd.DataFrame:
    """One row per invoice paid (open at a snapshot, gone at the next one) in a week up to
    ``until`` (default: the last snapshot), with its first reminder (see the module docstring).

    Columns: ``week_end``, ``customer_id``, ``document_id``, ``due_date``, ``amount_cents`` (open
    amount at ``paid_after``), ``paid_after`` and ``paid_by`` (the snapshots bounding the payment;
    ``paid_by`` is the bound used), ``first_reminder`` and its ``collector`` (NaT / NA when there
    was none), ``days`` (``paid_by`` − ``first_reminder``, float; NaN without reminder).
    """
    ledger = _Ledger(snapshots, until)
    return _payments(_prepared(actions, customers, ledger.last), ledger)


# --- the weekly table -----------------------------------------------------------------------

def _count(keys: pd.DataFrame, values: pd.Series | None = None) -> pd.Series:
    """Sum of ``values`` (count of rows when None) per (collector, week_end) of ``keys``."""
    data = pd.Series(1 if values is None else values.to_numpy(), index=keys.index)
    grouped = data.groupby([keys["collector"].astype(str).to_numpy(), keys["week_end"].to_numpy()]).sum()
    return grouped.astype("int64")


def collector_performance(actions: pd.DataFrame, snapshots: Mapping[pd.Timestamp, pd.DataFrame],
                          customers: pd.DataFrame, sales: pd.DataFrame | None = None,
                          params: CollectorParams = CollectorParams(), *, until: DateLike | None = None,
                          sales_through: DateLike | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """Per collector and per week: calls, contacts, promises, promises kept and broken, money
    collected after the calls, days from first reminder to payment and DSO.

    ``actions``: the canonical actions frame (``Journal.actions()``); ``snapshots``: canonical open
    items by as-of date (``SnapshotStore.up_to(until)``); ``customers``: the customers file
    (each customer's collector); ``sales``: the sales file, for the DSO (``None``: DSO NaN);
    ``until``: the last snapshot date used (default: the latest given); ``sales_through`` and
    ``errors``: as in :func:`~relance_analytics.metrics.dso.dso` (``sales_through`` defaults to
    the last snapshot used).

    Index (``collector``, ``week_end``): every collector, every week (weeks end on the snapshot
    dates; the first snapshot only opens the history). Columns (counts and cents ``int64``,
    averages ``float64``): ``week_start``, ``calls``, ``contacts``, ``promises``,
    ``promised_cents``, ``promises_without_amount``, ``promises_kept``, ``promises_broken``,
    ``promises_pending``, ``collected_cents``, ``calls_window_open``, ``paid_after_reminder``,
    ``days_reminder_to_payment``, ``dso``. The rules are in the module docstring.
    """
    ledger = _Ledger(snapshots, until)
    work = _prepared(actions, customers, ledger.last)
    weeks = ledger.dates[1:]
    n = len(ledger.dates)

    def in_weeks(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        k = ledger.week_of(dates.to_numpy())
        ok = (k >= 1) & (k < n)
        return ok, np.array([ledger.dates[i] for i in k[ok]], dtype="datetime64[s]")

    parts: dict[str, pd.Series] = {}
    ok, week_end = in_weeks(work["date"])
    dated = work[ok].assign(week_end=week_end)
    phone = (dated["channel"] == PHONE).to_numpy(dtype=bool)
    calls = dated[phone]
    parts["calls"] = _count(calls)
    reached = ~calls["outcome"].astype(str).isin(params.no_contact_outcomes).to_numpy()
    parts["contacts"] = _count(calls[reached])
    promises = dated[(dated["outcome"] == PROMISE).to_numpy(dtype=bool)]
    amounts = promises["promise_amount_cents"].astype("Int64")
    parts["promises"] = _count(promises)
    parts["promised_cents"] = _count(promises, amounts.fillna(0).astype("int64"))
    parts["promises_without_amount"] = _count(promises, amounts.isna().astype("int64"))

    evaluated = evaluate_promises(work.assign(id=np.arange(len(work))), dict(zip(ledger.dates, ledger.frames)),
                                  ledger.last)
    ok, week_end = in_weeks(evaluated["promise_date"])
    evaluated = evaluated[ok].assign(week_end=week_end,
                                     collector=work["collector"].to_numpy()[evaluated["action_id"].to_numpy()[ok]])
    for status in ("kept", "broken", "pending"):
        parts[f"promises_{status}"] = _count(evaluated, (evaluated["status"] == status).astype("int64"))

    collections = _collections(work, ledger, params)
    collections = collections[collections["week_end"].notna()]
    parts["collected_cents"] = _count(collections, collections["collected_cents"])
    parts["calls_window_open"] = _count(collections, collections["window_open"].astype("int64"))

    paid = _payments(work, ledger)
    paid = paid[paid["first_reminder"].notna()]
    parts["paid_after_reminder"] = _count(paid)
    days_total = (paid.groupby([paid["collector"].astype(str).to_numpy(), paid["week_end"].to_numpy()])["days"]
                  .sum())

    dso_values = _dso_by_week(ledger, customers, sales, params, sales_through, errors)

    names = set(customers["collector"].dropna().astype(str)) - {""}
    for series in (*parts.values(), days_total, dso_values):
        names |= set(series.index.get_level_values(0).astype(str))
    ordered = sorted(names - {vocab.NO_COLLECTOR}) + ([vocab.NO_COLLECTOR] if vocab.NO_COLLECTOR in names else [])
    index = pd.MultiIndex.from_product([pd.Index(ordered, dtype="string"),
                                        pd.DatetimeIndex(weeks).astype("datetime64[s]")],
                                       names=["collector", "week_end"])
    plain = pd.MultiIndex.from_arrays([index.get_level_values(0).astype(str),
                                       index.get_level_values(1)])
    out = pd.DataFrame(index=index)
    starts = {end: start + pd.Timedelta(days=1) for start, end in zip(ledger.dates, weeks)}
    out["week_start"] = np.array([starts[w] for w in index.get_level_values(1)], dtype="datetime64[s]")
    for name in COUNT_COLUMNS:
        out[name] = parts[name].reindex(plain, fill_value=0).to_numpy(dtype="int64")
    count = out["paid_after_reminder"].to_numpy(dtype="int64")
    total = days_total.reindex(plain, fill_value=0.0).to_numpy(dtype="float64")
    out["days_reminder_to_payment"] = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    absent = 0.0 if sales is not None else np.nan      # no open items that week: no receivables, 0 days
    out["dso"] = np.where(plain.isin(dso_values.index), dso_values.reindex(plain).to_numpy(dtype="float64"), absent)
    out = out[list(COLUMNS)]
    out.attrs.update({"window_days": params.window_days, "until": ledger.last, "first_snapshot": ledger.dates[0]})
    return out


def _dso_by_week(ledger: _Ledger, customers: pd.DataFrame, sales: pd.DataFrame | None, params: CollectorParams,
                 sales_through: DateLike | None, errors: Errors) -> pd.Series:
    """The DSO (days, float) per (collector, week end)."""
    if sales is None or len(ledger.dates) < 2:
        return pd.Series([], index=pd.MultiIndex.from_arrays([[], []]), dtype="float64")
    through = as_date(sales_through) if sales_through is not None else ledger.last
    values: dict[tuple[str, pd.Timestamp], float] = {}
    for d, items in zip(ledger.dates[1:], ledger.frames[1:]):
        result = dso(attach_customers(items, customers), sales, d, by="collector", params=params.dso,
                     customers=customers, sales_through=through, errors=errors)
        for who, days in zip(result.index.astype(str), result["dso"].to_numpy(dtype="float64")):
            values[(vocab.NO_COLLECTOR if who == vocab.UNASSIGNED else who, d)] = float(days)
    return pd.Series(values, dtype="float64")


def collector_trend(performance: pd.DataFrame, weeks: int = 4, kpi: str | None = None) -> pd.DataFrame:
    """The last ``weeks`` weeks of :func:`collector_performance` for every collector.

    Without ``kpi``: the same tidy rows (index ``collector``, ``week_end``), in the same order.
    With ``kpi`` (a column, e.g. ``"calls"`` or ``"dso"``): one row per collector, one column per
    week end, oldest first.
    """
    if isinstance(weeks, bool) or int(weeks) != weeks or weeks < 1:
        raise SettingsError(f"tendance des recouvreurs : un nombre de semaines entier positif attendu, lu {weeks!r}")
    ends = sorted(performance.index.get_level_values("week_end").unique())[-int(weeks):]
    recent = performance[performance.index.get_level_values("week_end").isin(ends)]
    if kpi is None:
        return recent
    if kpi not in performance.columns:
        raise KeyError(f"colonne inconnue {kpi!r} (colonnes : {', '.join(map(str, performance.columns))})")
    collectors = pd.unique(performance.index.get_level_values("collector"))
    return recent[kpi].unstack("week_end").reindex(index=collectors, columns=ends)


SUMMARY_COLUMNS = (
    "calls", "contacts", "contact_rate", "promises", "promised_cents", "promises_kept", "promises_broken",
    "kept_rate", "collected_cents", "paid_after_reminder", "days_reminder_to_payment", "dso",
)


def collector_summary(performance: pd.DataFrame, weeks: int = 4) -> pd.DataFrame:
    """Each collector over the last ``weeks`` weeks of :func:`collector_performance` (index
    ``collector``): the counts and cents summed; ``contact_rate`` = contacts / calls,
    ``kept_rate`` = kept / (kept + broken) (NaN without a call or a judged promise);
    ``days_reminder_to_payment`` the mean over every paid invoice of the weeks (each week's
    mean weighted by its ``paid_after_reminder``); ``dso`` that of the last week (days)."""
    recent = collector_trend(performance, weeks)
    sums = recent.groupby(level="collector", sort=False)[
        ["calls", "contacts", "promises", "promised_cents", "promises_kept", "promises_broken", "collected_cents",
         "paid_after_reminder"]].sum()
    weighted = (recent["days_reminder_to_payment"].fillna(0.0) * recent["paid_after_reminder"]).groupby(
        level="collector", sort=False).sum()
    last = recent.groupby(level="collector", sort=False)["dso"].last()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = sums.assign(
            contact_rate=sums["contacts"] / sums["calls"].where(sums["calls"] > 0),
            kept_rate=sums["promises_kept"] / (sums["promises_kept"] + sums["promises_broken"]).where(
                (sums["promises_kept"] + sums["promises_broken"]) > 0),
            days_reminder_to_payment=weighted / sums["paid_after_reminder"].where(sums["paid_after_reminder"] > 0),
            dso=last)
    shares = ("contact_rate", "kept_rate", "days_reminder_to_payment", "dso")
    return out[list(SUMMARY_COLUMNS)].astype(dict.fromkeys(shares, "float64"))
