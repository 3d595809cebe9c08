"""Assembly of the call list: rules → reasons → routing to the phone lists and the side
lists → rows that explain themselves (contact, amounts, history, talking points) → R10
ranking and capacity cut.

Routing (one place per customer, the most advanced stage wins):

* R9 insolvency → claims list (off every other list);
* R8 litigation → litigation list; R7 formal notice, or R8 without a formal notice sent yet,
  → formal-notice list (the letter announces the litigation date): off the phone lists;
* otherwise R1, R2, R3, R4, R5, R12 → the collector's phone list (or, below the small-amount
  threshold or beyond the capacity, the deferred rows that get an e-mail reminder);
* R6 disputed documents → dispute list (per document; the rest of the account goes on).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from .. import vocab
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..metrics.insurance import InsurancePolicy
from ..metrics.promises import evaluate_promises
from ..metrics.provisions import base_ht_cents
from ..text.behaviour import habit_text
from ..text.calllist import (
    CLAIM_ACTION,
    INSURANCE_STATES,
    LIST_LABELS,
    RULE_LABELS,
    SCORE_FORMULA,
    contact_alert,
    defer_text,
    documents_text,
    letter_action,
    litigation_status,
    reason_texts,
    score_text,
    second_contact,
)
from ..text.talking_points import describe_action, excuse_answer, next_step, notes, reminders_text, talking_points
from .contacts import choose_contacts
from .facts import DocumentLine, Facts, Record, groups, prepare, records
from .params import CallListParams
from .ranking import rank_and_cut, score, tier
from .rules import RULES, all_reasons, litigation_date
from .situation import Situation

CALL_RULES = ("R1", "R2", "R3", "R4", "R5", "R12")
CHUNK = 2048               # customers whose facts are converted to plain Python at once (memory bound)
KEY_VERSION = 1
LISTS = LIST_LABELS


class RowBase(TypedDict):
    """Who a row is about and whom to call (R11)."""

    customer_id: str
    customer_name: str
    collector: str
    circuit: str
    contact_name: str | None
    contact_role: str | None
    contact_phone: str | None
    contact_email: str | None
    second_contact: str
    contact_alert: str


class CallRow(RowBase):
    """A row of a collector's phone list (before its ``rank``); amounts in cents."""

    tier: int
    rules: str
    reasons: str
    next_step: str
    documents: tuple[str, ...]
    documents_text: str
    document_lines: tuple[DocumentLine, ...]
    at_stake_cents: int
    credits_cents: int
    net_cents: int
    not_due_cents: int
    disputed_cents: int
    max_days: int
    weighted_days: float
    score: float
    score_text: str
    last_actions: str
    reminders: str
    situation: str
    requirement: str
    proposal: str
    excuse: str
    excuse_answer: str
    notes: str
    habit: str
    habit_days: float
    key: str


class EscalationRow(RowBase):
    """A row of the formal-notice or the litigation list; amounts in cents."""

    documents: tuple[str, ...]
    documents_text: str
    document_lines: tuple[DocumentLine, ...]
    overdue_cents: int
    credits_cents: int
    net_cents: int
    max_days: int
    oldest_due: pd.Timestamp
    reasons: str
    formal_notice_date: pd.Timestamp | None
    deadline: pd.Timestamp
    litigation_status: str
    actions_taken: str
    agreed: str
    letter_actions: tuple[str, ...]
    letter_agreed: tuple[str, ...]
    earlier_notices: tuple[pd.Timestamp, ...]


class ClaimRow(RowBase):
    """A claim to declare (R9); amounts in cents."""

    status: str
    items: int
    invoices_cents: int
    credits_cents: int
    claim_cents: int
    base_ht_cents: int
    provision_rate: float
    provision_cents: int
    documents: tuple[str, ...]
    reasons: str
    action: str
INSURANCE_COLUMNS = ("collector", "customer_id", "customer_name", "insurer", "document_id", "amount_cents",
                     "document_date", "due_date", "dmc_end", "deadline", "days_left", "state", "reasons")


CONTACT_TEXT_COLUMNS = ("contact_name", "contact_role", "contact_phone", "contact_email", "second_contact",
                        "contact_alert")


def render_contacts(chosen: pd.DataFrame) -> pd.DataFrame:
    """The contacts of :func:`~relance_analytics.calllist.contacts.choose_contacts` with the
    second contact and the R11 alert in words (:data:`CONTACT_TEXT_COLUMNS`)."""
    out = chosen[["contact_name", "contact_role", "contact_phone", "contact_email"]].copy()
    out["second_contact"] = ["" if s is None else second_contact(*s) for s in chosen["second"]]
    out["contact_alert"] = [contact_alert(p) for p in chosen["problems"]]
    return out


@dataclass(frozen=True)
class CallList:
    """The call list of one as-of date.

    - ``rows``: the phone lists — one row per customer to call, by collector then rank (R10),
      each with its reasons, contact (R11), documents and amounts (cents), score and its parts,
      last actions, reminders made, the three-step talking points and the answer to the last
      excuse, and ``key`` (what the outcome import matches);
    - ``deferred``: rows beyond a collector's capacity or below the small-amount threshold
      (``defer_reason``): they get an automatic e-mail reminder, never silently lost;
    - side lists: ``disputes`` (R6), ``formal_notices`` (R7), ``litigation`` (R8), ``claims`` (R9),
      ``insurance`` (R14: invoices to declare to the credit insurer, by deadline);
    - ``reasons``: every reason of every rule with the list its row is on (``list``);
    - ``settled``: customers on no list because their open items net to zero or to a credit.
    """

    as_of: pd.Timestamp
    params: CallListParams
    rows: pd.DataFrame
    deferred: pd.DataFrame
    disputes: pd.DataFrame
    formal_notices: pd.DataFrame
    litigation: pd.DataFrame
    claims: pd.DataFrame
    reasons: pd.DataFrame
    settled: tuple[str, ...] = ()
    insurance: pd.DataFrame = field(default_factory=lambda: _frame([], INSURANCE_COLUMNS))

    @property
    def score_formula(self) -> str:
        """The R10 score's formula, in French."""
        return SCORE_FORMULA.format(scale=self.params.age_scale_days)

    @property
    def collectors(self) -> list[str]:
        """Collectors with a row on any list, sorted."""
        frames = (self.rows, self.deferred, self.disputes, self.formal_notices, self.litigation, self.claims,
                  self.insurance)
        return sorted({str(c) for frame in frames for c in frame["collector"].dropna()})

    @cached_property
    def by_collector(self) -> dict[str, pd.DataFrame]:
        """Each collector's phone list in rank order."""
        return {c: self.rows[self.rows["collector"] == c].reset_index(drop=True) for c in self.collectors}

    @property
    def cut_counts(self) -> pd.Series:
        """Rows cut by each collector's capacity (int, every collector listed)."""
        cut = self.deferred[self.deferred["rank"].notna().to_numpy()]
        return cut.groupby("collector")["cid"].size().reindex(self.collectors, fill_value=0).astype("int64")

    @property
    def reason_counts(self) -> pd.DataFrame:
        """Rows carrying each rule, per list (index rule id; columns label, then one per list)."""
        counts = (self.reasons.drop_duplicates(["cid", "rule", "list"]).groupby(["rule", "list"]).size()
                  .unstack("list", fill_value=0).reindex(columns=list(LISTS.values()), fill_value=0))
        order = [r for r in RULE_LABELS if r in counts.index]
        counts = counts.reindex(order).astype("int64")
        counts.insert(0, "label", [RULE_LABELS[r] for r in order])
        return counts

    def summary(self) -> pd.DataFrame:
        """Per collector: capacity, rows to call, rows cut, rows below the small amount, amounts
        (cents) on the list and deferred, side-list rows."""
        out = pd.DataFrame(index=pd.Index(self.collectors, name="collector"))
        out["capacity"] = [self.params.capacity(c) for c in out.index]
        out["calls"] = self.rows.groupby("collector").size().reindex(out.index, fill_value=0)
        out["cut"] = self.cut_counts.reindex(out.index, fill_value=0)
        out["small"] = (self.deferred[self.deferred["rank"].isna().to_numpy()].groupby("collector").size()
                        .reindex(out.index, fill_value=0))
        out["calls_cents"] = self.rows.groupby("collector")["net_cents"].sum().reindex(out.index, fill_value=0)
        out["deferred_cents"] = self.deferred.groupby("collector")["net_cents"].sum().reindex(out.index, fill_value=0)
        for name in ("disputes", "formal_notices", "litigation", "claims", "insurance"):
            frame = getattr(self, name)
            out[name] = frame.groupby("collector").size().reindex(out.index, fill_value=0) if len(frame) else 0
        return out.fillna(0).astype("int64")


def call_list(items: pd.DataFrame, customers: pd.DataFrame | None, journal_actions: pd.DataFrame,
              disputes: pd.DataFrame | None, as_of: DateLike, params: CallListParams | None = None,
              contacts: pd.DataFrame | None = None, promises: pd.DataFrame | None = None,
              behaviour: pd.DataFrame | None = None, insurance: InsurancePolicy | None = None) -> CallList:
    """The call list at ``as_of``.

    ``items``: the open items of that date (customers attached, or ``customers`` given);
    ``journal_actions``: the canonical actions frame (``Journal.actions()`` / ``read_actions``);
    ``disputes``: ``read_disputes`` (or ``None``); ``contacts``: ``read_contacts`` (R11);
    ``promises``: ``promises.evaluate_promises`` over the snapshot history — when ``None`` they
    are evaluated against the as-of snapshot alone (a past promise whose documents are still
    open is then broken); ``behaviour``: the customers' payment habits
    (:func:`~relance_analytics.metrics.behaviour.payment_behaviour`): the rows say them and R2's
    pre-due calls go first to the customers who usually pay late; ``insurance``: the credit-insurance
    policy (R14, default :class:`~relance_analytics.metrics.insurance.InsurancePolicy`). Amounts are
    integer cents TTC.
    """
    params = params or CallListParams()
    as_of = as_date(as_of)
    require_single_currency(items, "liste d'appels")
    if promises is None:
        promises = evaluate_promises(journal_actions, {as_of: items}, as_of)
    if disputes is None:
        disputes = pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c in ("opened", "resolved") else object)
                                 for c in ("dispute_id", "customer_id", "document_id", "dispute_type", "amount_cents",
                                           "opened", "resolved", "owner")})
    facts = prepare(items, customers, journal_actions, disputes, promises, as_of, params, behaviour, insurance)
    return assemble(facts, all_reasons(facts), contacts)


class _Rows:
    """Per-customer lookups shared by the row builders (plain Python, built once for the
    customers ``cids`` with a row); :meth:`build` builds the rows a chunk of customers at a time."""

    def __init__(self, f: Facts, reasons: pd.DataFrame, contacts: pd.DataFrame | None, cids: set[str]):
        self.f = f
        self.reasons: dict[str, list[Record]] = {}
        for record in records(reasons):
            self.reasons.setdefault(str(record["cid"]), []).append(record)
        self.resolved: dict[str, list[tuple[str, str, pd.Timestamp]]] = {}
        for cid, doc, kind, when in zip(f.resolved["cid"], f.resolved["document_id"], f.resolved["dispute_type"],
                                        f.resolved["resolved"]):
            self.resolved.setdefault(str(cid), []).append((str(doc), str(kind), pd.Timestamp(when)))
        self.disputed: dict[str, list[str]] = {}
        for cid, doc in zip(f.disputes["cid"], f.disputes["document_id"]):
            self.disputed.setdefault(str(cid), []).append(str(doc))
        circuits = f.accounts["invoice_circuit"]
        chosen = render_contacts(choose_contacts(circuits[circuits.index.isin(list(cids))], contacts))
        self.contacts = dict(zip(chosen.index.tolist(), records(chosen)))       # (= to_dict("index"))
        self.promise_status = dict(zip(f.promises["action_id"].tolist(), f.promises["status"].astype(str).tolist()))

    def build(self, cids: list[str], row: Callable[[str], Mapping[str, Any]]) -> list[Mapping[str, Any]]:
        """``row(cid)`` for each customer, converting their facts a chunk of customers at a time."""
        out: list[Mapping[str, Any]] = []
        for start in range(0, len(cids), CHUNK):
            chunk = cids[start:start + CHUNK]
            with self.f.loaded(chunk):
                out.extend(row(cid) for cid in chunk)
        return out

    def describe(self, actions: list[Record], contacts: bool = True, notes: bool = False) -> list[str]:
        """One line per action (``describe_action``); without the contact's name for a letter."""
        return [describe_action(a["date"], a["channel"], a["outcome"], self.f.as_of,
                                contact=a["contact"] if contacts else None, excuse=a["excuse"],
                                promise_cents=a["promise_amount_cents"], promise_date=a["promise_date"],
                                method=a["payment_method"], callback=a["callback_date"],
                                note=a["note"] if notes else None)
                for a in actions]

    def base(self, cid: str) -> RowBase:
        acc = self.f.account[cid]
        c = self.contacts[cid]
        return RowBase(customer_id=cid, customer_name=acc["customer_name"], collector=acc["collector"],
                       circuit=acc["invoice_circuit"], contact_name=c["contact_name"], contact_role=c["contact_role"],
                       contact_phone=c["contact_phone"], contact_email=c["contact_email"],
                       second_contact=c["second_contact"], contact_alert=c["contact_alert"])

    def of(self, cid: str, rule: str) -> list[Record]:
        """The customer's reasons of one rule."""
        return [x for x in self.reasons.get(cid, ()) if x["rule"] == rule]

    def reason_texts(self, cid: str, rules: tuple[str, ...]) -> str:
        return "\n".join(str(x["text"]) for x in self.reasons.get(cid, ()) if x["rule"] in rules)

    def agreed(self, cid: str) -> list[str]:
        """Promises and callbacks of the episode with each promise's status (what was agreed)."""
        labels = {"kept": "tenue", "broken": "non tenue", "pending": "en cours"}
        acts = [a for a in self.f.episode(cid) if a["outcome"] == "promise" or not pd.isna(a["callback_date"])]
        lines = []
        for line, action in zip(self.describe(acts), acts):
            state = self.promise_status.get(action["order"], "")
            lines.append(f"{line} ({labels[state]})" if state else line)
        return lines

    def letter(self, cid: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """A formal-notice letter's actions and what was agreed, both from the same actions: the
        episode's, less the promises kept (honoured, they concern invoices since paid)."""
        status = self.promise_status
        acts = [a for a in self.f.episode(cid) if status.get(a["order"], "") != "kept"]
        lines = tuple(letter_action(a, status.get(a["order"], "")) for a in acts)
        agreed = tuple(line for line, a in zip(lines, acts)
                       if (a["outcome"] == "promise" and not pd.isna(a["promise_date"]))
                       or not pd.isna(a["callback_date"]))
        return lines, agreed


@lru_cache(maxsize=1 << 14)
def _days_late(as_of: pd.Timestamp, due: pd.Timestamp) -> int:
    return max((as_of - due).days, 0)


def _key(as_of: pd.Timestamp, cid: str, collector: str, docs: list[str]) -> str:
    return json.dumps({"v": KEY_VERSION, "as_of": f"{as_of:%Y-%m-%d}", "customer": cid, "collector": collector,
                       "documents": docs}, ensure_ascii=False, separators=(",", ":"))


def _optional(value: Any) -> Any:
    return None if pd.isna(value) else value


def _call_row(r: _Rows, cid: str, rules: frozenset[str]) -> CallRow:
    f, p = r.f, r.f.params
    acc = f.account[cid]
    overdue = f.chased(cid)
    r2_docs = {d for x in r.of(cid, "R2") for d in x["docs"]}
    pre_due = [(d, c, due) for d, c, due, _ in f.open_items(cid) if d in r2_docs]
    seen = {d for d, _, _ in overdue}
    docs = overdue + [x for x in pre_due if x[0] not in seen]
    gross = sum(c for _, c, _ in docs)
    weighted = sum(c * _days_late(f.as_of, due) for _, c, due in docs) / gross if gross > 0 else 0.0
    net = max(gross + int(acc["credits_cents"]), 0)
    r1 = sorted(r.of(cid, "R1"), key=lambda x: x["date"])
    r5 = r.of(cid, "R5")
    callback = acc["callback_date"]
    excuse = f.current_excuse(cid)
    s = Situation(
        as_of=f.as_of, rules=rules, overdue=tuple(overdue), pre_due=tuple(pre_due),
        credits_cents=int(acc["credits_cents"]),
        broken=(r1[0]["date"], None if pd.isna(r1[0]["cents"]) else int(r1[0]["cents"])) if r1 else None,
        document_sent=r5[0]["date"] if r5 else None,
        callback=(acc["last_date"], callback) if not pd.isna(callback) and callback <= f.as_of else None,
        unsuccessful=int(acc["unsuccessful"]), notice_after=p.formal_notice_after_reminders,
        excuse=excuse[0] if excuse else None, excuse_date=excuse[1] if excuse else None,
        financial_difficulty=bool(acc["financial_difficulty"]), resolved=tuple(r.resolved.get(cid, ())),
        disputed=tuple(r.disputed.get(cid, ())), proposal_days=p.proposal_days,
        broken_proposal_days=p.broken_promise_proposal_days, pending=f.pending(cid), notices=f.notices(cid),
        documents_sent=f.documents_sent(cid), episode_actions=len(f.episode(cid)))
    first, second, third = talking_points(s)
    value = float(score(np.array([net]), np.array([weighted]), p)[0])
    doc_ids = [d for d, _, _ in docs]
    history = f.history.get(cid, [])
    reminders = f.episode(cid)
    return CallRow(
        **r.base(cid), tier=tier(set(rules)), rules=" ".join(x for x in RULES if x in rules),
        reasons=r.reason_texts(cid, (*CALL_RULES, "R14")), next_step=next_step(s),
        documents=tuple(doc_ids), documents_text=documents_text(docs, f.as_of), document_lines=tuple(docs),
        at_stake_cents=gross, credits_cents=int(acc["credits_cents"]), net_cents=net,
        not_due_cents=int(acc["not_due_cents"]), disputed_cents=int(acc["disputed_cents"]),
        max_days=int(acc["max_days"]), weighted_days=round(weighted, 1), score=value,
        score_text=score_text(net, weighted, value, p.age_scale_days),
        last_actions="\n".join(r.describe(history[::-1][:p.recent_actions], notes=True)),
        reminders=reminders_text(r.describe(reminders), _optional(acc["oldest_due"]), int(acc["unsuccessful"]),
                                 p.formal_notice_after_reminders, f.as_of, s.notices),
        situation=first, requirement=second, proposal=third, excuse=s.excuse or "",
        excuse_answer=excuse_answer(s), notes=notes(s),
        habit=habit_text(acc["habit_days"], acc["habit_source"]), habit_days=float(acc["habit_days"]),
        key=_key(f.as_of, cid, str(acc["collector"]), doc_ids),
    )


def _escalation_row(r: _Rows, cid: str, rules: tuple[str, ...]) -> EscalationRow:
    f = r.f
    acc = f.account[cid]
    docs = f.chased(cid)
    notice = acc["formal_notice_date"]
    announced = litigation_date(f, cid)
    state = litigation_status(notice, announced, f.as_of)
    episode = f.episode(cid)
    letter = r.letter(cid)
    return EscalationRow(
        **r.base(cid), documents=tuple(d for d, _, _ in docs), documents_text=documents_text(docs, f.as_of),
        document_lines=tuple(docs), overdue_cents=int(acc["overdue_cents"]),
        credits_cents=int(acc["credits_cents"]),
        net_cents=max(int(acc["overdue_cents"]) + int(acc["credits_cents"]), 0), max_days=int(acc["max_days"]),
        oldest_due=acc["oldest_due"], reasons=r.reason_texts(cid, rules), formal_notice_date=notice,
        deadline=announced, litigation_status=state, actions_taken="\n".join(r.describe(episode)),
        agreed="\n".join(r.agreed(cid)), letter_actions=letter[0], letter_agreed=letter[1],
        earlier_notices=f.earlier_notices(cid),
    )


def _claims(r: _Rows, cids: list[str]) -> pd.DataFrame:
    p = r.f.params
    items = r.f.items[r.f.items["cid"].isin(cids).to_numpy()]
    order, keys, bounds = groups(items["cid"])
    amounts = items["amount_cents"].to_numpy(dtype="int64")[order]
    bases = base_ht_cents(items, p.default_vat_rate)[0][order]
    statuses = items["status"].astype(str).to_numpy(dtype=object)[order]
    documents = items["document_id"].astype(str).to_numpy(dtype=object)[order]
    rows: list[ClaimRow] = []
    with r.f.loaded(cids, items=False, history=False):
        for cid, a, b in zip(keys.tolist(), bounds[:-1].tolist(), bounds[1:].tolist()):
            amount = amounts[a:b]
            ht = int(bases[a:b][amount > 0].sum())
            status = statuses[a]
            rows.append(ClaimRow(**r.base(cid), status=vocab.STATUS.get(status, status), items=b - a,
                                 invoices_cents=int(amount[amount > 0].sum()),
                                 credits_cents=int(amount[amount < 0].sum()), claim_cents=int(amount.sum()),
                                 base_ht_cents=ht, provision_rate=p.claim_provision_rate,
                                 provision_cents=int(round(ht * p.claim_provision_rate)),
                                 documents=tuple(documents[a:b].tolist()), reasons=r.reason_texts(cid, ("R9",)),
                                 action=CLAIM_ACTION))
    return _frame(rows, CLAIM_COLUMNS)


CALL_COLUMNS = ("collector", "rank", "customer_id", "customer_name", "tier", "rules", "reasons", "next_step",
                "contact_name", "contact_role", "contact_phone", "contact_email", "second_contact", "contact_alert",
                "circuit", "documents", "documents_text", "document_lines", "at_stake_cents", "credits_cents",
                "net_cents",
                "not_due_cents", "disputed_cents", "max_days", "weighted_days", "score", "score_text",
                "last_actions", "reminders", "situation", "requirement", "proposal", "excuse", "excuse_answer",
                "notes", "habit", "habit_days", "key")
ESCALATION_COLUMNS = ("collector", "customer_id", "customer_name", "contact_name", "contact_role", "contact_phone",
                      "contact_email", "second_contact", "contact_alert", "circuit", "documents", "documents_text",
                      "document_lines", "overdue_cents", "credits_cents", "net_cents", "max_days", "oldest_due",
                      "reasons", "formal_notice_date", "deadline", "litigation_status", "actions_taken", "agreed",
                      "letter_actions", "letter_agreed", "earlier_notices")
CLAIM_COLUMNS = ("collector", "customer_id", "customer_name", "contact_name", "contact_phone", "contact_email",
                 "status", "items", "invoices_cents", "credits_cents", "claim_cents", "base_ht_cents",
                 "provision_rate", "provision_cents", "documents", "reasons", "action")
DISPUTE_COLUMNS = ("collector", "customer_id", "customer_name", "dispute_id", "document_id", "dispute_type",
                   "opened", "days_open", "disputed_cents", "item_open_cents", "owner", "owner_phone", "owner_email",
                   "reason", "source", "reasons")


def _frame(rows: Sequence[Mapping[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns)) if rows else pd.DataFrame(
        {c: pd.Series(dtype=object) for c in columns})


def _dispute_rows(r: _Rows, excluded: set[str], reasons: pd.DataFrame) -> pd.DataFrame:
    d = r.f.disputes
    d = d[~d["cid"].isin(excluded)].reset_index(drop=True)
    texts = reasons[reasons["rule"] == "R6"]
    text = {(cid, docs[0]): t for cid, docs, t in zip(texts["cid"], texts["docs"], texts["text"])}
    acc = r.f.accounts
    out = d.rename(columns={"cid": "customer_id"})
    out["customer_name"] = d["cid"].map(acc["customer_name"]).to_numpy()
    out["collector"] = d["cid"].map(acc["collector"]).to_numpy()
    out["dispute_type"] = out["dispute_type"].map(lambda k: vocab.DISPUTE_TYPE.get(k, k) if k else "")
    out["source"] = out["source"].map({"file": "fichier des litiges", "journal": "journal des actions"})
    out["reasons"] = [text.get((c, doc), "") for c, doc in zip(d["cid"], d["document_id"])]
    return out[list(DISPUTE_COLUMNS)]


def _insurance_rows(f: Facts, reasons: pd.DataFrame) -> pd.DataFrame:
    """The invoices to declare to the credit insurer (R14), earliest deadline first."""
    ins = f.insurance
    if ins is None or ins.empty:
        return _frame([], INSURANCE_COLUMNS)
    hit = ins[ins["state"].isin(["due_soon", "missed"]).to_numpy()].reset_index(drop=True)
    texts = reasons[reasons["rule"] == "R14"].drop_duplicates(["cid", "kind"])
    text = {(c, k): t for c, k, t in zip(texts["cid"], texts["kind"], texts["text"])}
    out = hit.assign(collector=hit["cid"].map(f.accounts["collector"]).fillna(vocab.NO_COLLECTOR).to_numpy(),
                     state=hit["state"].map(INSURANCE_STATES).to_numpy(),
                     reasons=[text.get((c, k), "") for c, k in zip(hit["cid"], hit["state"])])
    return out[list(INSURANCE_COLUMNS)]


def _place_reasons(reasons: pd.DataFrame, callers: set[str], deferred: set[str], notices: set[str],
                   litigation: set[str], claims: set[str]) -> pd.DataFrame:
    """Each reason with the list its row is on (``list``, French); an R8 reason of a customer
    on both the formal-notice and the litigation list is counted on both."""
    def place(cid: str, rule: str) -> str:
        if rule == "R14":
            return LISTS["insurance"]
        if cid in claims:
            return LISTS["claims"]
        if rule == "R6":
            return LISTS["disputes"]
        if rule == "R7" or (cid in notices and cid not in litigation):
            return LISTS["formal_notices"]
        if cid in litigation:
            return LISTS["litigation"]
        return LISTS["deferred"] if cid in deferred else LISTS["calls"] if cid in callers else ""

    out = reasons.assign(list=[place(c, rule) for c, rule in zip(reasons["cid"], reasons["rule"])])
    both = out[(out["rule"] == "R8").to_numpy() & out["cid"].isin(notices & litigation).to_numpy()]
    out = pd.concat([out, both.assign(list=LISTS["formal_notices"])], ignore_index=True)
    return out[out["list"] != ""].reset_index(drop=True)


def assemble(f: Facts, reasons: pd.DataFrame, contacts: pd.DataFrame | None = None) -> CallList:
    """Route the customers of ``reasons`` to their list and build every row (see module docstring)."""
    p = f.params
    reasons = reasons.assign(text=reason_texts(reasons, f.as_of))
    found: dict[str, set[str]] = {}
    for cid, rule in zip(reasons["cid"].tolist(), reasons["rule"].tolist()):
        found.setdefault(cid, set()).add(rule)
    rules_of = {cid: frozenset(rules) for cid, rules in found.items()}
    has = {rule: {c for c, rs in rules_of.items() if rule in rs} for rule in RULES}
    claims = has["R9"]
    litigation = has["R8"] - claims
    no_notice = set(f.accounts.index[f.accounts["formal_notice_date"].isna().to_numpy()])
    notices = (has["R7"] | (litigation & no_notice)) - claims
    callers = {c for c, rs in rules_of.items() if rs & set(CALL_RULES)} - claims - litigation - notices
    r = _Rows(f, reasons, contacts, callers | notices | litigation | claims)

    calls = _frame(r.build(sorted(callers), lambda cid: _call_row(r, cid, rules_of[cid])), CALL_COLUMNS)
    calls["cid"] = calls["customer_id"]
    kept, deferred = rank_and_cut(calls, p)
    del calls                                         # (its texts are in kept and deferred now)
    deferred["defer_reason"] = [defer_text(k, cap, rank, n, p.small_amount_cents) for k, cap, rank, n in zip(
        deferred["defer_kind"], deferred["capacity"], deferred["rank"].fillna(0), deferred["phone_rows"])]
    kept = kept[["cid", *CALL_COLUMNS]]
    deferred = deferred[["cid", *CALL_COLUMNS, "defer_reason"]]

    def escalation(cids: set[str], rules: tuple[str, ...]) -> pd.DataFrame:
        rules = (*rules, "R14")
        rows = r.build(sorted(cids), lambda cid: _escalation_row(r, cid, rules))
        return _frame(rows, ESCALATION_COLUMNS).sort_values(["collector", "net_cents", "customer_id"],
                                                            ascending=[True, False, True], kind="stable",
                                                            ignore_index=True)

    reasons = _place_reasons(reasons, callers, set(deferred["cid"]), notices, litigation, claims)
    return CallList(
        as_of=f.as_of, params=p, rows=kept, deferred=deferred,
        disputes=_dispute_rows(r, claims, reasons),
        formal_notices=escalation(notices, ("R1", "R7", "R8")),
        litigation=escalation(litigation, ("R1", "R7", "R8")),
        claims=_claims(r, sorted(claims)), reasons=reasons, settled=f.settled,
        insurance=_insurance_rows(f, reasons))
