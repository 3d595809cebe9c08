"""The collection rules of ``domain.md``, one function each.

Every rule takes the prepared :class:`~relance_analytics.calllist.facts.Facts` (which carry
the parameters) and returns its **reasons**, structured, without any wording: one row per
reason with ``cid`` (customer id), ``rule`` (``"R1"``…), ``kind`` (which case of the rule),
``docs`` (the documents it concerns, a tuple, empty when it is about the account), its key
figures ``date`` and ``cents`` (see each rule; NaT / NA when none) and ``data`` (a dict of
the other figures and dates the reason states). The French sentence of a reason is
:func:`relance_analytics.text.calllist.reason_text` of that row. R6 (disputes) returns one
reason per disputed document.

R10 (order and capacity) is :mod:`~relance_analytics.calllist.ranking`, R11 (contact) is
:mod:`~relance_analytics.calllist.contacts`: they do not put a row on a list, they order it
and complete it. R13 (record everything) is the action journal and the outcome import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from .facts import DAY, Facts, groups, map_dates

RuleFunction = Callable[[Facts], pd.DataFrame]


class Reason(NamedTuple):
    """One reason a rule gives: the customer, the rule and its case, the documents concerned,
    its key date and amount (cents), and the other figures its sentence states."""

    cid: str
    rule: str
    kind: str
    docs: tuple[str, ...]
    date: Any
    cents: int | None
    data: dict[str, Any]


REASON_COLUMNS = Reason._fields


def _reasons(rows: Iterable[Reason]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(REASON_COLUMNS), dtype=object)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    frame["cents"] = pd.array(frame["cents"], dtype="Int64")
    return frame


def _by_customer(frame: pd.DataFrame) -> tuple[list[str], list[list[str]], DataFrameGroupBy]:
    """The customers of ``frame`` (sorted, as ``groupby("cid", sort=True)``), each one's document
    ids in ``frame`` order, and ``frame`` grouped by customer."""
    order, cids, bounds = groups(frame["cid"])
    ids = frame["document_id"].astype(str).to_numpy(dtype=object)[order].tolist()
    return cids.tolist(), [ids[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())], \
        frame.groupby("cid", sort=True)


def _values(per_customer: pd.Series, cids: list[str]) -> list[Any]:
    """A per-customer aggregate in the order of ``cids`` (Timestamps for dates)."""
    return per_customer.reindex(cids).tolist()


def r1_broken_promises(f: Facts) -> pd.DataFrame:
    """R1: a promise whose date has passed without the money, followed up every day until paid.

    Fires while the promised documents (all the account when the promise named none) are
    still chased and the amount received is below the amount promised. ``date``: the promise
    date; ``cents``: the amount promised (NA when the promise gave none).
    """
    p = f.promises[(f.promises["status"] == "broken").to_numpy()]
    customers = set(p["cid"])
    with f.loaded(customers, account=False, history=False):
        chased = {cid: {d for d, _, _ in f.chased(cid)} for cid in customers}
    rows: list[Reason] = []
    for cid, docs, date, amount, received, open_cents in zip(
            p["cid"], p["docs"], p["promise_date"], p["promise_amount_cents"].astype(object),
            p["received_cents"], p["open_cents"]):
        still = chased[cid]
        concerned = tuple(d for d in docs if d in still) if docs else tuple(sorted(still))
        promised = None if pd.isna(amount) else int(amount)
        if not concerned or open_cents <= 0 or (promised is not None and received >= promised):
            continue
        rows.append(Reason(cid, "R1", "broken_promise", concerned, date, promised,
                     {"received_cents": int(received), "open_cents": int(open_cents)}))
    return _reasons(rows)


def r2_pre_due_calls(f: Facts) -> pd.DataFrame:
    """R2: invoices of at least the significant amount falling due within ``pre_due_days``,
    not called since that week began; optionally invoices just issued (satisfaction call).
    ``date``: the first due date; ``cents``: the invoices' open amount."""
    p = f.params
    it = f.items
    free = ~it["disputed"].to_numpy() & ~it["insolvent"].to_numpy() & ~it["promised"].to_numpy()
    big = (it["amount_cents"].to_numpy(dtype="int64") >= p.significant_amount_cents) & free \
        & (it["document_type"].astype("string") == "invoice").to_numpy()
    dpd = it["days_past_due"].to_numpy()
    last = map_dates(it["cid"], f.accounts["last_date"])
    due = it["due_date"].to_numpy(dtype="datetime64[s]")
    week_start = due - np.timedelta64(p.pre_due_days, "D")
    pre_due = big & (dpd <= 0) & (dpd >= -p.pre_due_days) & (np.isnat(last) | (last < week_start))
    rows: list[Reason] = []
    cids, docs, g = _by_customer(it[pre_due])
    cents, first, last_due = (g["amount_cents"].sum(), g["due_date"].min(), g["due_date"].max())
    for cid, ids, total, start, end in zip(cids, docs, _values(cents, cids), _values(first, cids),
                                           _values(last_due, cids)):
        rows.append(Reason(cid, "R2", "pre_due", tuple(ids), start, int(total),
                     {"last_due": end, "threshold_cents": p.significant_amount_cents}))
    if p.post_delivery_call:
        issued = it["document_date"].to_numpy(dtype="datetime64[s]")
        age = (f.as_of.to_datetime64() - issued) // DAY
        fresh = big & (dpd <= 0) & (age >= 0) & (age <= p.post_delivery_days) & ~pre_due \
            & (np.isnat(last) | (last < issued))
        cids, docs, g = _by_customer(it[fresh])
        cents, issued_on, first = g["amount_cents"].sum(), g["document_date"].min(), g["due_date"].min()
        for cid, ids, total, on, start in zip(cids, docs, _values(cents, cids), _values(issued_on, cids),
                                              _values(first, cids)):
            rows.append(Reason(cid, "R2", "post_delivery", tuple(ids), start, int(total), {"issued": on}))
    return _reasons(rows)


def r3_first_reminder(f: Facts) -> pd.DataFrame:
    """R3: chased items with no action since their due date; the first reminder is due at the
    latest ``first_reminder_days`` after the due date. ``date``: the oldest such due date;
    ``cents``: their amount."""
    chased = f.items[f.items["chased"].to_numpy()]
    last = map_dates(chased["cid"], f.accounts["last_date"])
    unreminded = np.isnat(last) | (last <= chased["due_date"].to_numpy(dtype="datetime64[s]"))
    rows: list[Reason] = []
    cids, docs, g = _by_customer(chased[unreminded])
    for cid, ids, cents, due in zip(cids, docs, _values(g["amount_cents"].sum(), cids),
                                    _values(g["due_date"].min(), cids)):
        deadline = due + pd.Timedelta(days=f.params.first_reminder_days)
        rows.append(Reason(cid, "R3", "first_reminder", tuple(ids), due, int(cents),
                     {"deadline": deadline, "late_days": max((f.as_of - deadline).days, 0)}))
    return _reasons(rows)


def r4_cadence(f: Facts) -> pd.DataFrame:
    """R4: at most ``cadence_days`` (never more than ``cadence_max_days``) between two
    reminders until a dated promise or a dispute; an agreed callback date replaces the cadence
    (the row waits for it, then comes back on that date). ``date``: the callback date, else the
    last reminder's date."""
    p = f.params
    acc = _cadence_due(f)
    rows: list[Reason] = []
    for cid, last, callback in zip(acc.index, acc["last_date"], acc["callback_date"]):
        if not pd.isna(callback):
            rows.append(Reason(cid, "R4", "callback", (), callback, None, {"agreed_on": last}))
            continue
        rows.append(Reason(cid, "R4", "cadence", (), last, None,
                     {"gap_days": (f.as_of - last).days, "cadence_days": p.cadence_days,
                      "cadence_max_days": p.cadence_max_days}))
    return _reasons(rows)


def _cadence_due(f: Facts) -> pd.DataFrame:
    """The accounts the cadence (R4) brings back: reminded customers whose agreed callback date
    has come, or, without one, whose last reminder is ``cadence_days`` old or more."""
    acc = f.accounts.loc[f.reminded]
    callback = acc["callback_date"].to_numpy(dtype="datetime64[s]")
    gap = (f.as_of.to_datetime64() - acc["last_date"].to_numpy(dtype="datetime64[s]")) // DAY
    return acc[np.where(np.isnat(callback), gap >= f.params.cadence_days, callback <= f.as_of.to_datetime64())]


def r5_document_followup(f: Facts) -> pd.DataFrame:
    """R5: a duplicate or document sent (the last action) is followed up within
    ``document_followup_days``; fires from the day after sending while items are chased.
    ``date``: the day the document was sent."""
    acc = f.accounts.loc[f.reminded]
    sent = acc[(acc["last_outcome"] == "document_sent").to_numpy() & acc["callback_date"].isna().to_numpy()
               & (acc["last_date"] < f.as_of).to_numpy()]
    rows: list[Reason] = []
    for cid, date, docs in zip(sent.index, sent["last_date"], sent["last_docs"]):
        deadline = date + pd.Timedelta(days=f.params.document_followup_days)
        rows.append(Reason(cid, "R5", "document_followup", tuple(docs), date, None,
                     {"deadline": deadline, "late_days": max((f.as_of - deadline).days, 0)}))
    return _reasons(rows)


def r6_disputes(f: Facts) -> pd.DataFrame:
    """R6: each disputed document leaves the payment chase for the dispute list, with the
    person who can resolve it (a dispute only logged in the journal must still be recorded
    in the disputes file and given an owner). Resolved disputes are not listed again.
    ``date``: opened (or raised) on; ``cents``: the disputed amount."""
    d = f.disputes
    rows: list[Reason] = []
    for cid, doc, kind, opened, cents, owner, source, channel in zip(
            d["cid"], d["document_id"], d["dispute_type"], d["opened"], d["disputed_cents"], d["owner"],
            d["source"], d["channel"]):
        if source == "journal":
            rows.append(Reason(cid, "R6", "dispute_logged", (doc,), opened, cents, {"channel": str(channel)}))
        else:
            rows.append(Reason(cid, "R6", "dispute", (doc,), opened, cents,
                         {"dispute_type": str(kind), "owner": None if pd.isna(owner) else str(owner)}))
    return _reasons(rows)


def _unsuccessful(f: Facts, cid: str) -> tuple[tuple[str, pd.Timestamp], ...]:
    """``(channel, date)`` of the customer's reminders without result since its last result."""
    result = f.account[cid]["result_date"]
    return tuple((str(a["channel"]), a["date"]) for a in f.episode(cid)
                 if a["is_unsuccessful"] and (pd.isna(result) or a["date"] > result))


def r7_formal_notice(f: Facts) -> pd.DataFrame:
    """R7: after ``formal_notice_after_reminders`` reminders without result (since the last
    result of the current episode) and no formal notice since, send a formal notice.
    ``date``: the first of those reminders."""
    p = f.params
    acc = f.accounts
    hit = acc[(acc["unsuccessful"] >= p.formal_notice_after_reminders).to_numpy()
              & acc["formal_notice_date"].isna().to_numpy()
              & (acc["overdue_cents"] > 0).to_numpy() & ~acc["status"].isin(list(p.insolvency_statuses)).to_numpy()]
    with f.loaded(hit.index, items=False):
        rows = [Reason(cid, "R7", "formal_notice", (), first, None,
                       {"count": int(n), "reminders": _unsuccessful(f, cid)})
                for cid, n, first in zip(hit.index, hit["unsuccessful"], hit["unsuccessful_first"])]
    return _reasons(rows)


def litigation_date(f: Facts, cid: str) -> pd.Timestamp:
    """The litigation date announced (formal notice date + its delay) or to announce (as-of + delay)."""
    notice = f.account[cid]["formal_notice_date"]
    base = f.as_of if pd.isna(notice) else notice
    return base + pd.Timedelta(days=f.params.formal_notice_deadline_days)


def r8_litigation(f: Facts) -> pd.DataFrame:
    """R8: the file goes to litigation after ``litigation_reminders_in_month`` unsuccessful
    reminders within ``litigation_window_days`` with no legitimate reason, or after
    ``litigation_broken_promises`` broken promises since the oldest unpaid due date unless
    financial difficulties were raised, or when a formal notice's delay has run out without
    result. Each reason gives the announced date (formal notice + delay, else as-of + delay),
    also its ``date``."""
    p = f.params
    acc = f.accounts
    eligible = (acc["overdue_cents"] > 0).to_numpy() & ~acc["status"].isin(list(p.insolvency_statuses)).to_numpy()
    noticed = acc["formal_notice_date"].to_numpy(dtype="datetime64[s]")          # (the loop's tests, at once)
    deadline = np.where(np.isnat(noticed), f.as_of.to_datetime64(), noticed) \
        + np.timedelta64(p.formal_notice_deadline_days, "D")
    reminders = (acc["unsuccessful_recent"] >= p.litigation_reminders_in_month).to_numpy() \
        & ~acc["legitimate_reason"].to_numpy(dtype=bool)
    promises = (acc["broken_promises"] >= p.litigation_broken_promises).to_numpy() \
        & ~acc["financial_difficulty"].to_numpy(dtype=bool)
    expired = ~np.isnat(noticed) & (deadline < f.as_of.to_datetime64())
    hit = acc.index[eligible & (reminders | promises | expired)].tolist()
    rows: list[Reason] = []
    with f.loaded(hit, items=False, history=False):
        for cid in hit:
            a = f.account[cid]
            announced = litigation_date(f, cid)
            notice = None if pd.isna(a["formal_notice_date"]) else a["formal_notice_date"]
            if a["unsuccessful_recent"] >= p.litigation_reminders_in_month and not a["legitimate_reason"]:
                rows.append(Reason(cid, "R8", "reminders", (), announced, None,
                             {"count": int(a["unsuccessful_recent"]), "window_days": p.litigation_window_days,
                              "first": a["unsuccessful_recent_first"], "last": a["unsuccessful_recent_last"],
                              "notice": notice}))
            if a["broken_promises"] >= p.litigation_broken_promises and not a["financial_difficulty"]:
                rows.append(Reason(cid, "R8", "broken_promises", (), announced, None,
                             {"count": int(a["broken_promises"]), "dates": tuple(a["broken_dates"]), "notice": notice}))
            if notice is not None and f.as_of > announced:
                rows.append(Reason(cid, "R8", "notice_expired", (), announced, None, {"notice": notice}))
    return _reasons(rows)


def r9_insolvency(f: Facts) -> pd.DataFrame:
    """R9: a customer in insolvency proceedings leaves the call list: declare the claim,
    provision it (``claim_provision_rate``, 100 % by default). ``cents``: the open amount (TTC)."""
    p = f.params
    insolvent = f.items[f.items["insolvent"].to_numpy()]
    order, cids, bounds = groups(insolvent["cid"])
    statuses = insolvent["status"].astype(str).to_numpy(dtype=object)[order][bounds[:-1]].tolist()
    claims = _values(insolvent.groupby("cid", sort=True)["amount_cents"].sum(), cids.tolist())
    rows: list[Reason] = []
    for cid, code, claim in zip(cids.tolist(), statuses, claims):
        rows.append(Reason(cid, "R9", "insolvency", (), None, int(claim),
                     {"status": code, "provision_rate": p.claim_provision_rate}))
    return _reasons(rows)


def r12_evasive_answers(f: Facts) -> pd.DataFrame:
    """R12: when the cadence (R4) brings a customer back and its last answer was evasive (an
    evasive answer, an excuse that is no legitimate reason, a promise without a date), say so:
    such an answer did not stop the cadence. ``date``: the day of that answer."""
    due = set(_cadence_due(f).index)
    acc = f.accounts
    hit = acc[acc.index.isin(due) & acc["last_evasive"].to_numpy()]
    rows: list[Reason] = []
    for cid, date, outcome, excuse in zip(hit.index, hit["last_date"], hit["last_outcome"], hit["last_excuse"]):
        rows.append(Reason(cid, "R12", "evasive", (), date, None,
                     {"outcome": str(outcome), "excuse": None if pd.isna(excuse) else str(excuse)}))
    return _reasons(rows)


def r14_insurance(f: Facts) -> pd.DataFrame:
    """R14: an insured customer's overdue invoices must be declared to the credit insurer before
    the policy's deadline (threat-of-claim notice), or the cover is lost. One reason per
    customer and state: ``due_soon`` (the deadline falls within the policy's warning days) or
    ``missed`` (passed). ``date``: the earliest deadline; ``cents``: the invoices' open amount."""
    ins = f.insurance
    if ins is None or ins.empty:
        return _reasons([])
    hit = ins[ins["state"].isin(["due_soon", "missed"]).to_numpy()]
    rows: list[Reason] = []
    for (cid, state), group in hit.groupby(["cid", "state"], sort=True):
        rows.append(Reason(str(cid), "R14", str(state), tuple(group["document_id"].astype(str)),
                           group["deadline"].min(), int(group["amount_cents"].sum()),
                           {"insurer": None if pd.isna(group["insurer"].iloc[0]) else str(group["insurer"].iloc[0]),
                            "last": group["deadline"].max()}))
    return _reasons(rows)


#: Every rule that puts a row on a list, in id order.
RULES: dict[str, RuleFunction] = {
    "R1": r1_broken_promises, "R2": r2_pre_due_calls, "R3": r3_first_reminder, "R4": r4_cadence,
    "R5": r5_document_followup, "R6": r6_disputes, "R7": r7_formal_notice, "R8": r8_litigation,
    "R9": r9_insolvency, "R12": r12_evasive_answers, "R14": r14_insurance,
}


def all_reasons(f: Facts) -> pd.DataFrame:
    """The reasons of every rule, in rule order."""
    parts = [rule(f) for rule in RULES.values()]
    return pd.concat([p for p in parts if len(p)] or [_reasons([])], ignore_index=True)
