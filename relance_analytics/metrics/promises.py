"""Promises to pay (promesses de règlement) checked against the weekly snapshots.

A promise is an action whose outcome is ``"promise"`` and that has a promise date. The money
received for it is read from the snapshots of open items (amounts in integer cents):

* the promised documents are its ``document_ids``; when it names none (or only ids that no
  snapshot ever held although one predates the promise), they are the customer's overdue
  items (invoices and credit notes due before the action date) of the baseline snapshot;
* baseline = the last snapshot on or before the action date. When the action predates every
  snapshot, the baseline is the first snapshot: payments made before it are invisible, so such
  a promise is kept only if its documents are closed by the first snapshot on or after its
  date, however long after that date it comes (the payment day cannot be seen);
* received = fall of the documents' open amount between the baseline and the checked
  snapshot (a document gone from a snapshot is closed: open amount 0; a document first seen
  after the baseline counts from its first appearance) + the rise of the customer's
  unapplied cash (``payment`` items, negative) over the same span, if any;
* a promise is fulfilled when received ≥ the promised amount (the documents' whole baseline
  amount when no amount was given) or when every promised document is closed.

Status at ``as_of`` (only snapshots dated on or before ``as_of`` are used):

* ``kept`` / ``broken``: the promise date is before ``as_of`` and a snapshot dated on or after
  it exists; the first such snapshot decides. Tolerance: since snapshots are weekly, money
  arriving up to the next snapshot after the promise date (at most 6 days late) counts as
  on time;
* ``pending``: the promise date is not past, or no snapshot since it is available yet —
  unless the latest snapshot already shows it fulfilled, which makes it ``kept`` early.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..dates import DateLike, as_date
from ..errors import SnapshotMissing
from ..keys import split_document_ids

STATUSES = ("kept", "broken", "pending")
COLUMNS = ("action_id", "action_date", "customer_id", "document_ids", "promise_date", "promise_amount_cents",
           "payment_method", "status", "received_cents", "open_cents", "baseline_at", "checked_at")


class _Snapshot:
    """One snapshot's open amounts by document and unapplied cash by customer; each customer's
    items found through positions grouped once (not by scanning the snapshot per promise)."""

    def __init__(self, items: pd.DataFrame) -> None:
        self.items = items
        amounts = items["amount_cents"].to_numpy(dtype="int64")
        self.customers = items["customer_id"].astype(str).to_numpy()
        self.documents = items["document_id"].astype(str).to_numpy(dtype=object)
        self.open_by_document: dict[str, int] = dict(zip(self.documents.tolist(), amounts.tolist()))
        payment = (items["document_type"] == "payment").to_numpy()
        cash = pd.Series(amounts[payment]).groupby(self.customers[payment]).sum()
        self.unapplied_by_customer: dict[str, int] = {str(k): int(v) for k, v in cash.items()}
        self.due = items["due_date"].to_numpy(dtype="datetime64[s]")
        self.not_payment = (items["document_type"] != "payment").to_numpy()

    @cached_property
    def positions(self) -> dict[object, np.ndarray]:
        """Each customer's item positions, in item order."""
        codes, uniques = pd.factorize(self.customers)
        known = codes >= 0
        order = np.flatnonzero(known)[np.argsort(codes[known], kind="stable")]
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes[known], minlength=len(uniques)))])
        return {u: order[a:b] for u, a, b in zip(uniques.tolist(), bounds[:-1].tolist(), bounds[1:].tolist())}

    def unapplied_cents(self, customer_id: str) -> int:
        """The customer's unapplied payments (≤ 0 cents)."""
        return self.unapplied_by_customer.get(customer_id, 0)

    def overdue_documents(self, customer_id: str, on: pd.Timestamp) -> tuple[str, ...]:
        """The customer's invoices and credit notes due before ``on``."""
        rows = self.positions.get(customer_id)
        if rows is None:
            return ()
        days = ((on.to_datetime64() - self.due[rows]) // np.timedelta64(1, "D")).astype("int64")
        keep = (days > 0) & self.not_payment[rows]
        return tuple(self.documents[rows[keep]].tolist())


@dataclass(frozen=True)
class _Outcome:
    status: str
    received_cents: int
    open_cents: int
    baseline_at: pd.Timestamp
    checked_at: pd.Timestamp


class _History:
    """The snapshots up to ``as_of`` and the evaluation of one promise against them."""

    def __init__(self, snapshots: Mapping[pd.Timestamp, pd.DataFrame], as_of: pd.Timestamp) -> None:
        frames = {as_date(d): f for d, f in snapshots.items() if as_date(d) <= as_of}
        if not frames:
            raise SnapshotMissing(f"aucune balance au {as_of:%Y-%m-%d} ou avant : intégrez d'abord les exports "
                                  "(relance weekly --data DOSSIER)", as_of)
        self.dates = sorted(frames)
        self.snaps = {d: _Snapshot(frames[d]) for d in self.dates}
        self.as_of = as_of
        self.known = set().union(*(s.open_by_document for s in self.snaps.values()))

    def baseline(self, action_date: pd.Timestamp) -> tuple[pd.Timestamp, bool]:
        """The last snapshot on or before the action date (else the first one); True if it predates it."""
        before = bisect.bisect_right(self.dates, action_date)
        return (self.dates[before - 1], True) if before else (self.dates[0], False)

    def opening(self, doc: str, base: pd.Timestamp, check: pd.Timestamp) -> int:
        """Open amount of ``doc`` at the baseline, or at its first appearance up to ``check``; 0 if unseen."""
        for d in self.dates[bisect.bisect_left(self.dates, base):bisect.bisect_right(self.dates, check)]:
            opened = self.snaps[d].open_by_document
            if doc in opened:
                return opened[doc]
        return 0

    def measure(self, customer: str, docs: tuple[str, ...], base: pd.Timestamp,
                check: pd.Timestamp) -> tuple[int, int, bool]:
        """(received cents, promised documents' baseline amount, all closed at ``check``)."""
        now = self.snaps[check].open_by_document
        opening = sum(self.opening(doc, base, check) for doc in docs)
        still_open = sum(now.get(doc, 0) for doc in docs)
        cash = max(0, self.snaps[base].unapplied_cents(customer) - self.snaps[check].unapplied_cents(customer))
        closed = bool(docs) and not any(doc in now for doc in docs)
        return opening - still_open + cash, opening, closed

    def evaluate(self, customer: str, document_ids: object, action_date: pd.Timestamp,
                 promise_date: pd.Timestamp, amount: int | None) -> _Outcome:
        base, before_action = self.baseline(action_date)
        docs = split_document_ids(document_ids)
        if before_action:
            docs = tuple(doc for doc in docs if doc in self.known)
        if not docs:
            docs = self.snaps[base].overdue_documents(customer, action_date)
        latest = self.dates[-1]
        due = self.dates[bisect.bisect_left(self.dates, promise_date):] if promise_date < self.as_of else []
        check = due[0] if due else latest
        base = min(base, check)
        received, opening, closed = self.measure(customer, docs, base, check)
        fulfilled = closed or received >= (opening if amount is None else amount)
        status = "kept" if fulfilled else ("broken" if due else "pending")
        open_now = sum(self.snaps[latest].open_by_document.get(doc, 0) for doc in docs)
        return _Outcome(status, received, open_now, base, check)


def evaluate_promises(actions: pd.DataFrame, snapshots: Mapping[pd.Timestamp, pd.DataFrame],
                      as_of: DateLike) -> pd.DataFrame:
    """One row per promise of ``actions`` (outcome ``promise`` with a promise date) and its status.

    ``actions``: the canonical actions frame (``Journal.actions()`` or ``read_actions``);
    ``action_id`` is its ``id`` column, else its index. ``snapshots``: canonical open items by
    as-of date (``SnapshotStore.up_to(as_of)``). Columns: ``action_id``, ``action_date``,
    ``customer_id``, ``document_ids``, ``promise_date``, ``promise_amount_cents`` (Int64, NA =
    the whole amount of the documents), ``payment_method``, ``status`` (kept / broken /
    pending), ``received_cents`` (int64, received between ``baseline_at`` and ``checked_at``),
    ``open_cents`` (int64, what the promised documents still owe at the latest snapshot, for
    following a broken promise up until paid), ``baseline_at``, ``checked_at``. Sorted by
    promise date then action id. See the module docstring for the rules and the tolerance.
    """
    as_of = as_date(as_of)
    history = _History(snapshots, as_of)
    is_promise = (actions["outcome"] == "promise").to_numpy(dtype=bool) & actions["promise_date"].notna().to_numpy()
    promises = actions[is_promise]
    ids = promises["id"] if "id" in promises.columns else pd.Series(promises.index, index=promises.index)
    outcomes = [
        history.evaluate(str(c), docs, a, p, None if pd.isna(m) else int(m))
        for c, docs, a, p, m in zip(promises["customer_id"], promises["document_ids"], _dates(promises["date"]),
                                    _dates(promises["promise_date"]), promises["promise_amount_cents"])
    ]
    out = pd.DataFrame({
        "action_id": ids.to_numpy(dtype="int64"),
        "action_date": promises["date"].to_numpy(dtype="datetime64[s]"),
        "customer_id": pd.array(promises["customer_id"].astype(str), dtype="string"),
        "document_ids": pd.array(promises["document_ids"].astype(object), dtype="string"),
        "promise_date": promises["promise_date"].to_numpy(dtype="datetime64[s]"),
        "promise_amount_cents": pd.array(promises["promise_amount_cents"].astype(object), dtype="Int64"),
        "payment_method": promises["payment_method"].to_numpy(),
        "status": pd.Categorical([o.status for o in outcomes], categories=list(STATUSES)),
        "received_cents": np.array([o.received_cents for o in outcomes], dtype="int64"),
        "open_cents": np.array([o.open_cents for o in outcomes], dtype="int64"),
        "baseline_at": np.array([o.baseline_at for o in outcomes], dtype="datetime64[s]"),
        "checked_at": np.array([o.checked_at for o in outcomes], dtype="datetime64[s]"),
    }, index=range(len(promises)))
    return out.sort_values(["promise_date", "action_id"], kind="stable", ignore_index=True)


def _dates(values: pd.Series) -> list[pd.Timestamp]:
    """:func:`~relance_analytics.dates.as_date` of each value, computed once per distinct value."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    table = [as_date(u) for u in uniques]
    return [table[c] for c in codes.tolist()]


def broken_promise_counts(evaluated: pd.DataFrame, as_of: DateLike, window_days: int | None = None) -> pd.DataFrame:
    """Broken promises per customer: ``customer_id``, ``broken`` (count), ``last_broken_date``.

    Counts the ``broken`` rows of :func:`evaluate_promises` whose promise date is before
    ``as_of`` and, with ``window_days``, no more than that many days before it. Only
    customers with at least one broken promise; most broken first.
    """
    as_of = as_date(as_of)
    keep = (evaluated["status"] == "broken") & (evaluated["promise_date"] < as_of)
    if window_days is not None:
        keep &= evaluated["promise_date"] >= as_of - pd.Timedelta(days=window_days)
    broken = evaluated[keep]
    out = (broken.groupby(broken["customer_id"].astype(str))
           .agg(broken=("promise_date", "size"), last_broken_date=("promise_date", "max"))
           .reset_index())
    out["customer_id"] = out["customer_id"].astype("string")
    out["broken"] = out["broken"].astype("int64")
    out["last_broken_date"] = out["last_broken_date"].to_numpy(dtype="datetime64[s]")
    return out.sort_values(["broken", "customer_id"], ascending=[False, True], ignore_index=True)
