"""What the rules look at: the open items, disputes, promises and action history of each
customer at the as-of date, prepared once (pure functions of the canonical frames).

Vocabulary used by the rules (all dates are days, amounts integer cents TTC):

* **chased** item: open amount > 0, overdue (days past due ≥ 1), not disputed, not covered by a
  pending promise (promise date ≥ as-of), customer not in insolvency proceedings;
* **episode start**: the oldest due date among the customer's chased items — actions dated
  after it are the reminders of the current unpaid episode;
* **result**: a dated promise, a dispute raised, or an excuse that is a legitimate reason
  (``params.legitimate_excuses``); every other action (no answer, evasive answer, excuse,
  callback agreed, document requested or sent, reminder sent) is a reminder *without result*;
* **formal notice**: an action on the formal-notice channel or with outcome
  ``formal_notice_sent``;
* the customer's **last action** decides the pending callback (its callback date) and the
  document follow-up (its outcome ``document_sent``): any later action supersedes them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

import numpy as np
import pandas as pd

from .. import vocab
from ..dates import as_date
from ..keys import split_document_ids
from ..metrics.aging import days_past_due
from ..metrics.disputes import dispute_summary, open_at
from ..metrics.enrich import attach_customers
from ..metrics.insurance import InsurancePolicy, insurance_status
from .params import CallListParams
from .situation import Promise

DAY = np.timedelta64(1, "D")
#: One row of a frame as plain Python values (:func:`records`): an account, an action.
Record = dict[str, Any]
#: An open item of a customer: ``(document_id, cents, due_date, chased)``.
OpenItem = tuple[str, int, pd.Timestamp, bool]
#: A document of a row: ``(document_id, cents, due_date)``.
DocumentLine = tuple[str, int, pd.Timestamp]
V = TypeVar("V")


@dataclass(frozen=True)
class Facts:
    """Prepared inputs of the rules (see the module docstring for the vocabulary).

    - ``items``: open items with ``cid`` (customer id as string), ``days_past_due``, flags
      ``disputed``, ``promised`` (covered by a pending promise), ``insolvent``, ``chased``.
    - ``accounts``: one row per customer with open items (index ``cid``): name, collector,
      status, circuit, ``overdue_cents`` (chased), ``credits_cents`` (≤ 0), ``not_due_cents``,
      ``open_cents``, ``oldest_due``, ``max_days``, ``weighted_days`` (float), history figures.
    - ``actions``: actions dated on or before as-of, sorted, with ``cid``, ``order`` and flags
      ``is_result``, ``is_formal_notice``, ``is_unsuccessful``, ``is_evasive``.
    - ``promises``: evaluated promises (``relance_analytics.promises``) with ``cid`` and ``docs``.
    - ``disputes``: disputes open at as-of (file and journal), ``resolved``: disputes resolved
      on or before as-of whose item is still open.
    - ``settled``: customers left out because their open items net to zero or to a credit
      (nothing is owed: their items are for the accountant to letter).
    - ``insurance``: the overdue invoices of insured customers with their threat-of-claim
      deadline and state (:func:`relance_analytics.metrics.insurance.insurance_status`), ``None``
      when no customer is insured.
    - ``accounts`` also holds each customer's payment habit: ``habit_days`` (the amount-weighted
      median days late of its payments, NaN when unknown) and ``habit_source`` (``customer``,
      ``segment``, ``book``).

    Per customer, :attr:`account`, :meth:`open_items` and :attr:`history` give plain Python
    values for the row builders, converted on first use — or for a batch of customers with
    :meth:`preload` / :meth:`loaded`, a chunk of customers at a time (at 1M items, converting
    every customer at once is slow and holds gigabytes).
    """

    as_of: pd.Timestamp
    params: CallListParams
    items: pd.DataFrame
    accounts: pd.DataFrame
    actions: pd.DataFrame
    promises: pd.DataFrame
    disputes: pd.DataFrame
    resolved: pd.DataFrame
    settled: tuple[str, ...] = ()
    insurance: pd.DataFrame | None = None

    @cached_property
    def account(self) -> _Lazy[Record]:
        """``accounts`` as one plain dict per customer (fast access while building rows)."""
        return _Lazy(self.accounts, {k: (i, i + 1) for i, k in enumerate(self.accounts.index.tolist())}, single=True)

    @cached_property
    def history(self) -> _Lazy[list[Record]]:
        """Each customer's actions as plain dicts (:data:`ACTION_FIELDS`), oldest first — those
        the rows and reasons describe: the actions of the episode (:meth:`episode`) and the last
        ``params.recent_actions``."""
        acts = self.actions
        shown = (acts["date"].to_numpy() > map_dates(acts["cid"], self.accounts["oldest_due"])) \
            | (acts.groupby("cid", sort=False).cumcount(ascending=False) < self.params.recent_actions).to_numpy()
        acts = acts[shown]
        return _Lazy(acts[[c for c in ACTION_FIELDS if c in acts.columns]], _runs(acts["cid"]))

    @cached_property
    def items_by_customer(self) -> _Lazy[list[OpenItem]]:
        """Each customer's open items ``(document_id, cents, due_date, chased)`` by due date, then id."""
        order, cids, bounds = groups(self.items["cid"])
        frame = self.items[["due_date", "document_id", "amount_cents", "chased"]].iloc[order]
        frame = frame.assign(group=np.repeat(np.arange(len(cids)), np.diff(bounds)))
        return _Lazy(frame, dict(zip(cids.tolist(), zip(bounds[:-1].tolist(), bounds[1:].tolist()))),
                     convert=_item_tuples)

    def preload(self, cids: Iterable[str], account: bool = True, items: bool = True, history: bool = True) -> None:
        """Convert the accounts, open items and actions of ``cids`` in one pass (else each
        customer's are converted on first use)."""
        cids = list(cids)
        lazies: tuple[tuple[bool, _Lazy[Any]], ...] = (
            (account, self.account), (items, self.items_by_customer), (history, self.history))
        for wanted, lazy in lazies:
            if wanted:
                lazy.load(cids)

    def release(self) -> None:
        """Drop the converted accounts, open items and actions."""
        lazies: tuple[_Lazy[Any], ...] = (self.account, self.items_by_customer, self.history)
        for lazy in lazies:
            lazy.cache.clear()

    @contextmanager
    def loaded(self, cids: Iterable[str], account: bool = True, items: bool = True,
               history: bool = True) -> Iterator[None]:
        """Within the block, the facts of ``cids`` are converted (:meth:`preload`); released after."""
        self.preload(cids, account, items, history)
        try:
            yield
        finally:
            self.release()

    def open_items(self, cid: str) -> list[OpenItem]:
        """The customer's open items ``(document_id, cents, due_date, chased)`` by due date, then id."""
        return self.items_by_customer.get(cid, [])

    def chased(self, cid: str) -> list[DocumentLine]:
        """The customer's chased items ``(document_id, cents, due_date)``, oldest due first."""
        return [(d, c, due) for d, c, due, chased in self.open_items(cid) if chased]

    @cached_property
    def reminded(self) -> list[str]:
        """Customers with a chased item due before their last action (the cadence applies), sorted."""
        last = map_dates(self.items["cid"], self.accounts["last_date"])
        due = self.items["due_date"].to_numpy(dtype="datetime64[s]")
        hit = self.items["chased"].to_numpy(dtype=bool) & ~np.isnat(last) & (due < last)
        return sorted(set(self.items["cid"][hit].tolist()))

    def episode(self, cid: str) -> list[Record]:
        """The customer's actions since its oldest unpaid due date (formal notices included)."""
        start = self.account[cid]["oldest_due"] if cid in self.account else pd.NaT
        if pd.isna(start):
            return []
        return [a for a in self.history.get(cid, ()) if a["date"] > start]

    @cached_property
    def _pending(self) -> dict[str, tuple[Promise, ...]]:
        p = self.promises
        running = p[(p["status"] == "pending").to_numpy()
                    & (p["promise_date"].to_numpy(dtype="datetime64[s]") >= self.as_of.to_datetime64())]
        out: dict[str, list[Promise]] = {}
        for cid, agreed, date, cents, docs in zip(running["cid"], running["action_date"], running["promise_date"],
                                                  running["promise_amount_cents"].astype(object), running["docs"]):
            out.setdefault(str(cid), []).append(Promise(pd.Timestamp(agreed), pd.Timestamp(date),
                                                        None if pd.isna(cents) else int(cents), tuple(docs)))
        return {cid: tuple(sorted(ps, key=lambda x: (x.date, x.agreed_on))) for cid, ps in out.items()}

    def pending(self, cid: str) -> tuple[Promise, ...]:
        """The customer's promises still running at as-of (pending, promise date on or after it), by date."""
        return self._pending.get(cid, ())

    def notices(self, cid: str) -> tuple[pd.Timestamp, ...]:
        """Dates of the formal notices sent since the customer's oldest unpaid due date."""
        return tuple(a["date"] for a in self.episode(cid) if a["is_formal_notice"])

    def earlier_notices(self, cid: str) -> tuple[pd.Timestamp, ...]:
        """Dates of every formal notice the customer was sent on or before as-of."""
        return self._notices_by_customer.get(cid, ())

    @cached_property
    def _notices_by_customer(self) -> dict[str, tuple[pd.Timestamp, ...]]:
        """:meth:`earlier_notices` of every customer, grouped once (in the actions' order)."""
        acts = self.actions
        sent = acts[acts["is_formal_notice"].to_numpy(dtype=bool)]
        dates = timestamps(sent["date"].to_numpy(dtype="datetime64[s]"))
        out: dict[str, list[pd.Timestamp]] = {}
        for cid, date in zip(_ids(sent["cid"]).tolist() if len(sent) else [], dates):
            out.setdefault(str(cid), []).append(date)
        return {cid: tuple(found) for cid, found in out.items()}

    def documents_sent(self, cid: str) -> tuple[tuple[pd.Timestamp, tuple[str, ...]], ...]:
        """``(date, document ids)`` of the documents sent since the oldest unpaid due date."""
        return tuple((a["date"], split_document_ids(a["document_ids"])) for a in self.episode(cid)
                     if a["outcome"] == "document_sent")

    def current_excuse(self, cid: str) -> tuple[str, pd.Timestamp] | None:
        """The last excuse since the oldest unpaid due date, when no result (a dated promise, a
        dispute, a legitimate reason) came after it, nor with it (an excuse given with a dated
        promise is answered by the promise): ``(code, date)``."""
        acts = self.episode(cid)
        excuses = [a for a in acts if isinstance(a["excuse"], str) and a["excuse"]]
        if not excuses:
            return None
        last = excuses[-1]
        dated_promise = last["outcome"] == "promise" and not pd.isna(last["promise_date"])
        if dated_promise or any(a["is_result"] and a["date"] > last["date"] for a in acts):
            return None
        return str(last["excuse"]), last["date"]


#: Fields of the action records of :attr:`Facts.history` (what the rows and reasons describe).
ACTION_FIELDS = ("date", "order", "channel", "outcome", "contact", "excuse", "promise_amount_cents", "promise_date",
                 "payment_method", "callback_date", "note", "document_ids", "is_formal_notice", "is_unsuccessful",
                 "is_result")


def _runs(keys: pd.Series) -> dict[str, tuple[int, int]]:
    """Each key's ``(start, stop)`` positions in ``keys`` (equal keys adjacent)."""
    codes, uniques = pd.factorize(keys)
    starts = np.flatnonzero(np.diff(codes, prepend=-1) != 0)
    stops = np.append(starts[1:], len(codes))
    return dict(zip(np.asarray(uniques, dtype=object)[codes[starts]].tolist(), zip(starts.tolist(), stops.tolist())))


def groups(keys: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group ``keys`` as ``groupby(sort=True)`` does: ``(order, uniques, bounds)`` — positions
    sorted by key (given order within a key), the sorted distinct keys, and where each key's
    positions start in ``order`` (``len(uniques) + 1`` bounds)."""
    codes, uniques = pd.factorize(keys, sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
    return order, np.asarray(uniques, dtype=object), bounds


def records(frame: pd.DataFrame) -> list[Record]:
    """``frame.to_dict("records")`` built column by column (same values, much faster)."""
    columns = [_column(frame[c]) for c in frame.columns]
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def _column(values: pd.Series) -> list[object]:
    """A column's values as ``DataFrame.to_dict`` gives them."""
    dtype = values.dtype
    if isinstance(dtype, pd.StringDtype):          # str, or the dtype's NA value (pd.NA given as None)
        return cast(list[object], values.to_numpy(
            dtype=object, na_value=None if dtype.na_value is pd.NA else dtype.na_value).tolist())
    if dtype == np.dtype(object) or isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return [v if type(v) in _NATIVE else _native(v) for v in values.tolist()]
    if dtype.kind == "M":
        return list(timestamps(values.to_numpy()))
    return cast(list[object], values.tolist())


def timestamps(values: np.ndarray) -> list[pd.Timestamp]:
    """``datetime64`` values as Timestamps (NaT), one Timestamp object per distinct value."""
    distinct, where = np.unique(values, return_inverse=True)
    boxed = pd.DatetimeIndex(distinct).tolist()
    return [boxed[i] for i in where.ravel().tolist()]


_NATIVE = {str, int, float, bool, tuple, type(None), pd.Timestamp}     # types _native returns unchanged


def _native(value: object) -> object:
    """What ``DataFrame.to_dict`` makes of a value of an object or extension column: numpy
    scalars as Python scalars, datetime64 as Timestamp, NA as None."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value)
    if isinstance(value, np.timedelta64):
        return pd.Timedelta(value)
    return None if value is pd.NA else value


def _item_tuples(items: pd.DataFrame) -> list[OpenItem]:
    """``(document_id, cents, due_date, chased)`` of ``items`` (whole customers, ``group``: their
    number) by customer, due date, then id."""
    it = items.sort_values(["group", "due_date", "document_id"], kind="stable")
    return list(zip(_ids(it["document_id"]).tolist(), it["amount_cents"].tolist(),
                    timestamps(it["due_date"].to_numpy(dtype="datetime64[s]")), it["chased"].tolist()))


class _Lazy(Mapping[str, V], Generic[V]):
    """The rows of ``frame`` by key as ``convert`` makes them — plain dicts by default
    (:func:`records`) —, a list per key or, with ``single``, the key's only row; converted on
    first use, in batches with :meth:`load`. ``bounds``: each key's rows ``(start, stop)``,
    keys in row order; ``convert`` returns one value per row of a slice of whole keys in order."""

    def __init__(self, frame: pd.DataFrame, bounds: dict[str, tuple[int, int]], single: bool = False,
                 convert: Callable[[pd.DataFrame], list[Any]] | None = None):
        self.frame, self.bounds, self.single = frame, bounds, single
        self.convert: Callable[[pd.DataFrame], list[Any]] = convert or records
        self.cache: dict[str, V] = {}

    def load(self, keys: Iterable[str]) -> None:
        todo = sorted((self.bounds[k], k) for k in set(keys) if k in self.bounds and k not in self.cache)
        if not todo:
            return
        rows = self.convert(self.frame.iloc[np.concatenate([np.arange(a, b) for (a, b), _ in todo])])
        at = 0
        for (a, b), key in todo:
            self.cache[key] = cast(V, rows[at] if self.single else rows[at:at + b - a])
            at += b - a

    def __getitem__(self, key: str) -> V:
        if key not in self.cache:
            if key not in self.bounds:
                raise KeyError(key)
            self.load([key])
        return self.cache[key]

    def __contains__(self, key: object) -> bool:
        return key in self.bounds

    def __iter__(self) -> Iterator[str]:
        return iter(self.bounds)

    def __len__(self) -> int:
        return len(self.bounds)


def map_dates(keys: pd.Series, dates: pd.Series) -> np.ndarray:
    """``dates[key]`` for each key as ``datetime64[s]`` (NaT when absent, also for empty inputs)."""
    table = dates.astype("datetime64[s]") if len(dates) else pd.Series(dtype="datetime64[s]")
    codes, uniques = pd.factorize(keys, use_na_sentinel=False)     # (each distinct key looked up once)
    found = table.reindex(pd.Index(np.asarray(uniques, dtype=object))).to_numpy(dtype="datetime64[s]")
    return found[codes]


def _ids(values: pd.Series) -> np.ndarray:
    return values.astype("string").fillna("").to_numpy(dtype=object)


def _present(values: pd.Series, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` are among ``values`` (as :func:`_ids` gives them), without converting
    the (long) ``values`` to Python strings."""
    codes = _codes(values)
    return set(codes[codes.isin(list(set(ids))).to_numpy(dtype=bool)].tolist())


def _codes(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("")


def _among(codes: pd.Series, options: Iterable[str]) -> np.ndarray:
    return codes.isin(list(options)).to_numpy(dtype=bool)


def prepare_actions(actions: pd.DataFrame, as_of: pd.Timestamp, params: CallListParams) -> pd.DataFrame:
    """Actions dated on or before ``as_of``, sorted by customer, date and id, with rule flags."""
    acts = actions[actions["date"].to_numpy(dtype="datetime64[s]") <= as_of.to_datetime64()]
    acts.attrs = {}
    acts["order"] = acts["id"].to_numpy() if "id" in acts.columns else acts.index.to_numpy()
    acts["cid"] = _ids(acts["customer_id"])
    outcome, excuse, channel = _codes(acts["outcome"]), _codes(acts["excuse"]), _codes(acts["channel"])
    dated = acts["promise_date"].notna().to_numpy()
    legit = _among(excuse, params.legitimate_excuses)
    acts["is_formal_notice"] = _among(channel, ("formal_notice",)) | _among(outcome, ("formal_notice_sent",))
    acts["is_result"] = (_among(outcome, ("promise",)) & dated) | _among(outcome, ("dispute",)) \
        | (_among(outcome, ("excuse",)) & legit)
    acts["is_unsuccessful"] = ~acts["is_formal_notice"] & ~acts["is_result"]
    acts["is_evasive"] = _among(outcome, ("evasive",)) | (_among(outcome, ("excuse",)) & ~legit) \
        | (_among(outcome, ("promise",)) & ~dated)
    acts["is_legitimate"] = legit
    acts["is_financial"] = _among(excuse, params.financial_difficulty_excuses)
    return acts.sort_values(["cid", "date", "order"], kind="stable", ignore_index=True)


def _pending_cover(items: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Latest promise date of the pending promises covering each item (NaT if none).

    A promise names its documents; one naming none covers all of the customer's items.
    """
    pending = promises[(promises["status"] == "pending").to_numpy()
                       & (promises["promise_date"].to_numpy(dtype="datetime64[s]") >= as_of.to_datetime64())]
    if pending.empty:
        return np.full(len(items), np.datetime64("NaT"), dtype="datetime64[s]")
    by_doc: dict[str, np.datetime64] = {}
    by_customer: dict[str, np.datetime64] = {}
    for cid, docs, date in zip(pending["cid"], pending["docs"],
                               pending["promise_date"].to_numpy(dtype="datetime64[s]")):
        for key, table in ([(d, by_doc) for d in docs] if docs else [(cid, by_customer)]):
            table[key] = max(table.get(key, date), date)

    def latest(keys: pd.Series, table: dict[str, np.datetime64]) -> np.ndarray:
        dates = np.full(len(keys), np.datetime64("NaT"), dtype="datetime64[s]")
        named = keys.isin(list(table)).to_numpy(dtype=bool)
        dates[named] = [table[k] for k in keys[named].tolist()]
        return dates

    doc, customer = latest(_codes(items["document_id"]), by_doc), latest(_codes(items["cid"]), by_customer)
    return np.where(np.isnat(doc), customer, np.where(np.isnat(customer), doc, np.maximum(doc, customer)))


def _journal_disputes(acts: pd.DataFrame, file_disputes: pd.DataFrame, items: pd.DataFrame,
                      as_of: pd.Timestamp) -> pd.DataFrame:
    """Disputes raised in the journal (outcome ``dispute``) on items still open that the disputes
    file does not hold open, and that no dispute of the file resolved after they were raised."""
    raised = acts[_among(_codes(acts["outcome"]), ("dispute",))]
    rows = [(cid, doc, date, channel, note)
            for cid, ids, date, channel, note in zip(raised["cid"], raised["document_ids"].astype(object),
                                                     raised["date"], _codes(raised["channel"]),
                                                     raised["note"].astype(object))
            for doc in split_document_ids(ids)]
    out = pd.DataFrame(rows, columns=["cid", "document_id", "raised", "channel", "note"])
    if out.empty:
        return out
    out = out.sort_values("raised", kind="stable").drop_duplicates("document_id", keep="last")
    open_docs = _present(items["document_id"], out["document_id"])
    file_open = set(_ids(file_disputes.loc[_open_mask(file_disputes, as_of), "document_id"]))
    resolved = file_disputes[file_disputes["resolved"].notna().to_numpy()]
    settled = {(d, r) for d, r in zip(_ids(resolved["document_id"]),
                                      resolved["resolved"].to_numpy(dtype="datetime64[s]"))
               if r <= as_of.to_datetime64()}
    last_resolution: dict[str, np.datetime64] = {}
    for doc, when in settled:
        last_resolution[doc] = max(last_resolution.get(doc, when), when)
    keep = [doc in open_docs and doc not in file_open
            and not (doc in last_resolution and last_resolution[doc] >= np.datetime64(raised_on, "s"))
            for doc, raised_on in zip(out["document_id"], out["raised"].to_numpy(dtype="datetime64[s]"))]
    return out[keep].reset_index(drop=True)


def _open_mask(disputes: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    return open_at(disputes, as_of) if len(disputes) else np.zeros(0, dtype=bool)


def prepare(items: pd.DataFrame, customers: pd.DataFrame | None, actions: pd.DataFrame,
            disputes: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
            params: CallListParams, behaviour: pd.DataFrame | None = None,
            insurance: InsurancePolicy | None = None) -> Facts:
    """Build the :class:`Facts` of ``as_of`` (see :func:`relance_analytics.calllist.call_list`);
    ``behaviour``: the customers' payment habits
    (:func:`relance_analytics.metrics.behaviour.payment_behaviour`), for R2's order and the rows;
    ``insurance``: the credit-insurance policy (R14), when the customers file has insured limits."""
    as_of = as_date(as_of)
    if customers is not None and not {"status", "collector"} <= set(items.columns):
        items = attach_customers(items, customers)
    items = items.reset_index(drop=True)  # (copy-on-write: the columns added below stay ours)
    items.attrs = {}                      # (pandas deep-copies attrs on every operation)
    items["cid"] = _ids(items["customer_id"])
    # an account that nets to zero or to a credit owes nothing: it never reaches a list (its
    # invoices and credits are for the accountant to letter), but it is counted
    balance = items.groupby("cid", sort=False)["amount_cents"].transform("sum").to_numpy(dtype="int64")
    settled = tuple(sorted(set(items["cid"][balance <= 0].tolist())))
    items = items[balance > 0].reset_index(drop=True)
    for col, default in (("collector", vocab.NO_COLLECTOR), ("status", "active"), ("invoice_circuit", "")):
        values = items[col].astype("string") if col in items.columns \
            else pd.Series(pd.NA, index=items.index, dtype="string")
        items[col] = values.fillna(default)
    items["days_past_due"] = days_past_due(items, as_of)
    acts = prepare_actions(actions, as_of, params)
    promises = promises.copy()
    promises["cid"] = _ids(promises["customer_id"])
    promises["docs"] = [split_document_ids(v) for v in promises["document_ids"].astype(object)]

    summary = dispute_summary(items, disputes, as_of).open if len(disputes) else None
    file_open = summary[summary["item_open"].to_numpy()] if summary is not None else pd.DataFrame()
    journal = _journal_disputes(acts, disputes, items, as_of)
    disputed_docs = set(_ids(file_open["document_id"])) if len(file_open) else set()
    disputed_docs |= set(journal["document_id"]) if len(journal) else set()

    amount = items["amount_cents"].to_numpy(dtype="int64")
    dpd = items["days_past_due"].to_numpy()
    items["disputed"] = _codes(items["document_id"]).isin(list(disputed_docs)).to_numpy(dtype=bool)
    items["promised_until"] = _pending_cover(items, promises, as_of)
    items["promised"] = ~np.isnat(items["promised_until"].to_numpy(dtype="datetime64[s]"))
    items["insolvent"] = items["status"].isin(list(params.insolvency_statuses)).to_numpy()
    free = ~items["disputed"].to_numpy() & ~items["insolvent"].to_numpy()
    items["chased"] = free & ~items["promised"].to_numpy() & (amount > 0) & (dpd >= 1)

    accounts = _accounts(items, acts, promises, as_of, params)
    habits = behaviour if behaviour is not None else pd.DataFrame(
        {c: pd.Series(dtype="float64" if c.endswith("days") else object)
         for c in ("median_days", "mean_days", "source", "payer_class")})
    accounts["habit_days"] = habits["median_days"].reindex(accounts.index).astype("float64").to_numpy()
    accounts["habit_source"] = habits["source"].reindex(accounts.index).astype("string").to_numpy()
    resolved = _resolved(disputes, items, as_of)
    all_disputes = _dispute_frame(file_open, journal, items, as_of)
    insured = None
    if customers is not None and "insured_limit_cents" in customers.columns \
            and customers["insured_limit_cents"].notna().any():
        insured = insurance_status(items, customers, as_of, insurance, disputes).invoices
        insured["cid"] = _ids(insured["customer_id"])
    return Facts(as_of, params, items, accounts, acts, promises, all_disputes, resolved, settled, insured)


def _accounts(items: pd.DataFrame, acts: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
              params: CallListParams) -> pd.DataFrame:
    """Per-customer amounts (cents) and history figures used by the rules."""
    amount = items["amount_cents"].to_numpy(dtype="int64")
    chased = items["chased"].to_numpy()
    free = ~items["disputed"].to_numpy() & ~items["insolvent"].to_numpy()
    dpd = items["days_past_due"].to_numpy()
    frame = pd.DataFrame({
        "cid": items["cid"],
        "overdue_cents": np.where(chased, amount, 0),
        "overdue_items": chased.astype("int64"),
        "weighted": np.where(chased, amount * np.maximum(dpd, 0), 0),
        "credits_cents": np.where(free & (amount < 0), amount, 0),
        "not_due_cents": np.where(free & (amount > 0) & (dpd <= 0), amount, 0),
        "disputed_cents": np.where(items["disputed"].to_numpy(), amount, 0),
        "open_cents": amount,
        "oldest_due": np.where(chased, items["due_date"].to_numpy(dtype="datetime64[s]"), np.datetime64("NaT")),
        "max_days": np.where(chased, dpd, -(1 << 40)),
    })
    g = frame.groupby("cid", sort=True)
    acc = g[["overdue_cents", "overdue_items", "weighted", "credits_cents", "not_due_cents", "disputed_cents",
             "open_cents"]].sum()
    acc["oldest_due"] = g["oldest_due"].min().astype("datetime64[s]")
    acc["max_days"] = g["max_days"].max().where(acc["overdue_items"] > 0, 0).astype("int64")
    acc["weighted_days"] = np.where(acc["overdue_cents"] > 0, acc["weighted"] / acc["overdue_cents"].where(
        acc["overdue_cents"] > 0, 1), 0.0)
    first = items.drop_duplicates("cid").set_index("cid")
    for col in ("customer_name", "collector", "status", "invoice_circuit"):
        acc[col] = first[col].astype("string").reindex(acc.index)
    acc = acc.drop(columns="weighted")
    return _history(acc, acts, promises, as_of, params)


def _history(acc: pd.DataFrame, acts: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
             params: CallListParams) -> pd.DataFrame:
    """Add the figures of each customer's action history to the accounts frame."""
    start = map_dates(acts["cid"], acc["oldest_due"])
    date = acts["date"].to_numpy(dtype="datetime64[s]")
    in_episode = ~np.isnat(start) & (date > start)
    result_date = acts[acts["is_result"].to_numpy()].groupby("cid")["date"].max()
    reset = map_dates(acts["cid"], result_date)
    since_reset = in_episode & (np.isnat(reset) | (date > reset))
    window = date > (as_of - pd.Timedelta(days=params.litigation_window_days)).to_datetime64()

    def per_customer(mask: np.ndarray, how: str, column: str = "date") -> pd.Series:
        return getattr(acts[mask].groupby("cid")[column], how)()

    unsuccessful = acts["is_unsuccessful"].to_numpy() & since_reset
    acc["result_date"] = result_date.reindex(acc.index).astype("datetime64[s]")
    acc["unsuccessful"] = per_customer(unsuccessful, "size").reindex(acc.index, fill_value=0).astype("int64")
    acc["unsuccessful_first"] = per_customer(unsuccessful, "min").reindex(acc.index).astype("datetime64[s]")
    recent = unsuccessful & window
    acc["unsuccessful_recent"] = per_customer(recent, "size").reindex(acc.index, fill_value=0).astype("int64")
    acc["unsuccessful_recent_first"] = per_customer(recent, "min").reindex(acc.index).astype("datetime64[s]")
    acc["unsuccessful_recent_last"] = per_customer(recent, "max").reindex(acc.index).astype("datetime64[s]")
    notice = acts["is_formal_notice"].to_numpy() & since_reset
    acc["formal_notice_date"] = per_customer(notice, "max").reindex(acc.index).astype("datetime64[s]")
    legit = acts["is_legitimate"].to_numpy() & in_episode & window
    acc["legitimate_reason"] = acc.index.isin(acts.loc[legit, "cid"])
    financial = acts["is_financial"].to_numpy() & in_episode
    acc["financial_difficulty"] = acc.index.isin(acts.loc[financial, "cid"])
    reminders = in_episode & ~acts["is_formal_notice"].to_numpy()
    acc["reminders"] = per_customer(reminders, "size").reindex(acc.index, fill_value=0).astype("int64")

    last = acts.groupby("cid").tail(1).set_index("cid")
    acc["last_date"] = last["date"].reindex(acc.index).astype("datetime64[s]")
    acc["last_outcome"] = last["outcome"].astype("string").reindex(acc.index)
    acc["last_channel"] = last["channel"].astype("string").reindex(acc.index)
    acc["last_excuse"] = last["excuse"].astype("string").reindex(acc.index)
    acc["last_docs"] = pd.Series([split_document_ids(v) for v in last["document_ids"].astype(object)],
                                 index=last.index, dtype=object).reindex(acc.index)
    acc["last_evasive"] = last["is_evasive"].reindex(acc.index).fillna(False).astype(bool)
    acc["callback_date"] = last["callback_date"].reindex(acc.index).astype("datetime64[s]")
    excuses = acts[acts["excuse"].notna().to_numpy()].groupby("cid").tail(1).set_index("cid")
    acc["excuse"] = excuses["excuse"].astype("string").reindex(acc.index)
    acc["excuse_date"] = excuses["date"].reindex(acc.index).astype("datetime64[s]")

    p_start = map_dates(promises["cid"], acc["oldest_due"])
    p_date = promises["promise_date"].to_numpy(dtype="datetime64[s]")
    broken = ((promises["status"] == "broken").to_numpy() & ~np.isnat(p_start) & (p_date >= p_start)
              & (p_date < as_of.to_datetime64()))
    counted = promises[broken]
    acc["broken_promises"] = counted.groupby("cid").size().reindex(acc.index, fill_value=0).astype("int64")
    order, cids, bounds = groups(counted["cid"])
    dates = timestamps(counted["promise_date"].to_numpy(dtype="datetime64[s]")[order])
    by_customer = {cid: tuple(dates[a:b])
                   for cid, a, b in zip(cids.tolist(), bounds[:-1].tolist(), bounds[1:].tolist())}
    acc["broken_dates"] = [by_customer.get(cid, ()) for cid in acc.index]
    return acc


def _resolved(disputes: pd.DataFrame, items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Disputes resolved on or before ``as_of`` whose item is still open (never to be re-raised)."""
    if disputes.empty:
        return pd.DataFrame(columns=["cid", "document_id", "dispute_type", "resolved"])
    resolved_on = disputes["resolved"].to_numpy(dtype="datetime64[s]")
    done = disputes[~np.isnat(resolved_on) & (resolved_on <= as_of.to_datetime64())]
    ids = _ids(done["document_id"])
    present = _present(items["document_id"], ids)
    done = done[np.array([d in present for d in ids], dtype=bool)]
    out = pd.DataFrame({"cid": _ids(done["customer_id"]), "document_id": _ids(done["document_id"]),
                        "dispute_type": done["dispute_type"].astype("string").to_numpy(),
                        "resolved": done["resolved"].to_numpy(dtype="datetime64[s]")})
    return out.sort_values(["cid", "resolved"], kind="stable", ignore_index=True)


DISPUTE_COLUMNS = ("cid", "dispute_id", "document_id", "dispute_type", "opened", "days_open", "disputed_cents",
                   "item_open_cents", "owner", "owner_phone", "owner_email", "reason", "source", "channel")


def _dispute_frame(file_open: pd.DataFrame, journal: pd.DataFrame, items: pd.DataFrame,
                   as_of: pd.Timestamp) -> pd.DataFrame:
    """Open disputes on open items: those of the disputes file, then those only in the journal."""
    parts = []
    if len(file_open):
        f = pd.DataFrame({
            "cid": _ids(file_open["customer_id"]), "dispute_id": file_open["dispute_id"].astype("string").to_numpy(),
            "document_id": _ids(file_open["document_id"]),
            "dispute_type": file_open["dispute_type"].astype("string").to_numpy(),
            "opened": file_open["opened"].to_numpy(dtype="datetime64[s]"),
            "disputed_cents": file_open["disputed_cents"].to_numpy(dtype="int64"),
            "item_open_cents": file_open["item_open_cents"].to_numpy(dtype="int64", na_value=0),
            "owner": file_open["owner"].astype("string").to_numpy(),
            "owner_phone": file_open["owner_phone"].astype("string").to_numpy(),
            "owner_email": file_open["owner_email"].astype("string").to_numpy(),
            "reason": file_open["reason"].astype("string").to_numpy(),
            "source": "file", "channel": "",
        })
        parts.append(f)
    if len(journal):
        ids = _codes(items["document_id"])
        named = ids.isin(list(set(journal["document_id"]))).to_numpy(dtype=bool)
        open_amount = dict(zip(ids[named].tolist(), items["amount_cents"].to_numpy(dtype="int64")[named]))
        amounts = np.array([open_amount[d] for d in journal["document_id"]], dtype="int64")
        j = pd.DataFrame({
            "cid": journal["cid"].to_numpy(dtype=object), "dispute_id": "",
            "document_id": journal["document_id"].to_numpy(dtype=object), "dispute_type": "",
            "opened": journal["raised"].to_numpy(dtype="datetime64[s]"),
            "disputed_cents": amounts, "item_open_cents": amounts,
            "owner": pd.NA, "owner_phone": pd.NA, "owner_email": pd.NA,
            "reason": journal["note"].astype("string").to_numpy(), "source": "journal",
            "channel": journal["channel"].to_numpy(dtype=object),
        })
        parts.append(j)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c == "opened" else object) for c in DISPUTE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    for col in ("owner", "owner_phone", "owner_email", "reason", "dispute_id", "dispute_type", "channel", "source"):
        out[col] = out[col].astype("string")
    out["days_open"] = ((as_of.to_datetime64() - out["opened"].to_numpy(dtype="datetime64[s]")) // DAY).astype("int64")
    return out.sort_values(["opened", "cid", "document_id"], kind="stable", ignore_index=True)[list(DISPUTE_COLUMNS)]
