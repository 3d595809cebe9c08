"""The collection rules of ``domain.md``, one function each.

Every rule takes the prepared :class:`~relance_analytics.calllist.facts.Facts` (which carry
the parameters) and returns its **reasons**: one row per reason with ``cid`` (customer id),
``rule`` (``"R1"``…), ``text`` (a short French sentence with the figures, starting with the
rule id), ``docs`` (the documents it concerns, a tuple, empty when it is about the
account), and its key figures ``date`` and ``cents`` (see each rule; NaT / NA when none).
R6 (disputes) returns one reason per disputed document.

R10 (order and capacity) is :mod:`~relance_analytics.calllist.ranking`, R11 (contact) is
:mod:`~relance_analytics.calllist.contacts`: they do not put a row on a list, they order it
and complete it. R13 (record everything) is the action journal and the outcome import.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

import numpy as np
import pandas as pd
from pandas.api.typing import DataFrameGroupBy

from .. import vocab
from ..report.common import euros, percent
from .facts import DAY, Facts, groups, map_dates

REASON_COLUMNS = ("cid", "rule", "text", "docs", "date", "cents")
RuleFunction = Callable[[Facts], pd.DataFrame]


def day(value: object, as_of: pd.Timestamp | None = None) -> str:
    """``12/11`` (with the year when it differs from ``as_of``'s, or when no ``as_of`` is given)."""
    return _day(value, None if as_of is None else as_of.year)


@lru_cache(maxsize=1 << 14)
def _day(value: object, year: int | None) -> str:
    ts = pd.Timestamp(value)
    return f"{ts:%d/%m}" if year is not None and ts.year == year else f"{ts:%d/%m/%Y}"


Reason = tuple[str, str, str, tuple[str, ...], object, object]


def _reasons(rows: Iterable[Reason]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(REASON_COLUMNS), dtype=object)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[s]")
    frame["cents"] = pd.array(frame["cents"], dtype="Int64")
    return frame


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def docs_phrase(docs: list[str], cents: int, noun: str = "pièce") -> str:
    """``FA-1 (2 400,00 €)`` for one document, ``3 pièces (7 200,00 €)`` for several."""
    if len(docs) == 1:
        return f"{docs[0]} ({euros(cents)})"
    return f"{len(docs)} {noun}s ({euros(cents)})"


def _by_customer(frame: pd.DataFrame) -> tuple[list[str], list[list[str]], DataFrameGroupBy]:
    """The customers of ``frame`` (sorted, as ``groupby("cid", sort=True)``), each one's document
    ids in ``frame`` order, and ``frame`` grouped by customer."""
    order, cids, bounds = groups(frame["cid"])
    ids = frame["document_id"].astype(str).to_numpy(dtype=object)[order].tolist()
    return cids.tolist(), [ids[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist())], \
        frame.groupby("cid", sort=True)


def _values(per_customer: pd.Series, cids: list[str]) -> list[object]:
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
    rows = []
    for cid, docs, date, amount, received, open_cents in zip(
            p["cid"], p["docs"], p["promise_date"], p["promise_amount_cents"].astype(object),
            p["received_cents"], p["open_cents"]):
        still = chased[cid]
        concerned = tuple(d for d in docs if d in still) if docs else tuple(sorted(still))
        promised = None if pd.isna(amount) else int(amount)
        if not concerned or open_cents <= 0 or (promised is not None and received >= promised):
            continue
        what = f"de {euros(promised)}" if promised is not None else f"(reste dû {euros(open_cents)})"
        text = f"R1 promesse du {day(date, f.as_of)} {what} non tenue"
        if received > 0:
            text += f", reçu {euros(received)}"
        rows.append((cid, "R1", text, concerned, date, promised))
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
    rows = []
    cids, docs, g = _by_customer(it[pre_due])
    cents, first, last_due = (g["amount_cents"].sum(), g["due_date"].min(), g["due_date"].max())
    for cid, ids, total, start, end in zip(cids, docs, _values(cents, cids), _values(first, cids),
                                           _values(last_due, cids)):
        total = int(total)
        when = f"à échéance le {day(start, f.as_of)}" if start == end else \
            f"à échéance du {day(start, f.as_of)} au {day(end, f.as_of)}"
        rows.append((cid, "R2", f"R2 {docs_phrase(ids, total, 'facture')} {when} : appel avant échéance "
                                f"(seuil {euros(p.significant_amount_cents)})", tuple(ids), start, total))
    if p.post_delivery_call:
        issued = it["document_date"].to_numpy(dtype="datetime64[s]")
        age = (f.as_of.to_datetime64() - issued) // DAY
        fresh = big & (dpd <= 0) & (age >= 0) & (age <= p.post_delivery_days) & ~pre_due \
            & (np.isnat(last) | (last < issued))
        cids, docs, g = _by_customer(it[fresh])
        cents, issued_on, first = g["amount_cents"].sum(), g["document_date"].min(), g["due_date"].min()
        for cid, ids, total, on, start in zip(cids, docs, _values(cents, cids), _values(issued_on, cids),
                                              _values(first, cids)):
            total = int(total)
            rows.append((cid, "R2", f"R2 {docs_phrase(ids, total, 'facture')} émise le "
                                    f"{day(on, f.as_of)} : appel de satisfaction après livraison",
                         tuple(ids), start, total))
    return _reasons(rows)


def r3_first_reminder(f: Facts) -> pd.DataFrame:
    """R3: chased items with no action since their due date; the first reminder is due at the
    latest ``first_reminder_days`` after the due date. ``date``: the oldest such due date;
    ``cents``: their amount."""
    chased = f.items[f.items["chased"].to_numpy()]
    last = map_dates(chased["cid"], f.accounts["last_date"])
    unreminded = np.isnat(last) | (last <= chased["due_date"].to_numpy(dtype="datetime64[s]"))
    rows = []
    cids, docs, g = _by_customer(chased[unreminded])
    for cid, ids, cents, due in zip(cids, docs, _values(g["amount_cents"].sum(), cids),
                                    _values(g["due_date"].min(), cids)):
        cents = int(cents)
        deadline = due + pd.Timedelta(days=f.params.first_reminder_days)
        late = (f.as_of - deadline).days
        verb = "échue le" if len(ids) == 1 else "échues depuis le"
        text = (f"R3 {docs_phrase(ids, cents)} {verb} {day(due, f.as_of)} sans relance : "
                f"première relance au plus tard le {day(deadline, f.as_of)}")
        if late > 0:
            text += f" (retard de {late} j)"
        rows.append((cid, "R3", text, tuple(ids), due, cents))
    return _reasons(rows)


def r4_cadence(f: Facts) -> pd.DataFrame:
    """R4: at most ``cadence_days`` (never more than ``cadence_max_days``) between two
    reminders until a dated promise or a dispute; an agreed callback date replaces the cadence
    (the row waits for it, then comes back on that date). ``date``: the callback date, else the
    last reminder's date."""
    p = f.params
    acc = _cadence_due(f)
    rows = []
    for cid, last, callback in zip(acc.index, acc["last_date"], acc["callback_date"]):
        if not pd.isna(callback):
            rows.append((cid, "R4", f"R4 rappel convenu le {day(last, f.as_of)} pour le {day(callback, f.as_of)}",
                         (), callback, None))
            continue
        gap = (f.as_of - last).days
        limit = (f"maximum de {p.cadence_max_days} j dépassé" if gap > p.cadence_max_days else
                 f"cadence {p.cadence_days} j, jamais plus de {p.cadence_max_days} j")
        rows.append((cid, "R4", f"R4 dernière relance le {day(last, f.as_of)}, il y a {gap} j : {limit}", (), last, None))
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
    rows = []
    for cid, date, docs in zip(sent.index, sent["last_date"], sent["last_docs"]):
        deadline = date + pd.Timedelta(days=f.params.document_followup_days)
        what = f"duplicata de {', '.join(docs)}" if docs else "document demandé"
        text = f"R5 {what} envoyé le {day(date, f.as_of)} : suivi au plus tard le {day(deadline, f.as_of)}"
        if f.as_of > deadline:
            text += f" (retard de {(f.as_of - deadline).days} j)"
        rows.append((cid, "R5", text, tuple(docs), date, None))
    return _reasons(rows)


def r6_disputes(f: Facts) -> pd.DataFrame:
    """R6: each disputed document leaves the payment chase for the dispute list, with the
    person who can resolve it (a dispute only logged in the journal must still be recorded
    in the disputes file and given an owner). Resolved disputes are not listed again.
    ``date``: opened (or raised) on; ``cents``: the disputed amount."""
    d = f.disputes
    rows = []
    for cid, doc, kind, opened, cents, owner, source, channel in zip(
            d["cid"], d["document_id"], d["dispute_type"], d["opened"], d["disputed_cents"], d["owner"],
            d["source"], d["channel"]):
        if source == "journal":
            how = vocab.CHANNEL.get(channel, channel)
            text = (f"R6 litige signalé le {day(opened, f.as_of)} ({how}) sur {doc} ({euros(cents)}) : "
                    f"à enregistrer et à confier à un responsable")
        else:
            label = vocab.DISPUTE_TYPE.get(kind, kind)
            who = f"avec {owner}" if not pd.isna(owner) else "(responsable à désigner)"
            text = (f"R6 litige {label} ouvert le {day(opened, f.as_of)} sur {doc} ({euros(cents)}) : "
                    f"à résoudre {who}")
        rows.append((cid, "R6", text, (doc,), opened, cents))
    return _reasons(rows)


def _unsuccessful_list(f: Facts, cid: str) -> str:
    """``e-mail 02/10, téléphone 12/10``: the customer's reminders without result since its last result."""
    result = f.account[cid]["result_date"]
    actions = [a for a in f.episode(cid) if a["is_unsuccessful"] and (pd.isna(result) or a["date"] > result)]
    return ", ".join(f"{vocab.CHANNEL.get(str(a['channel']), str(a['channel']))} {day(a['date'], f.as_of)}"
                     for a in actions)


def r7_formal_notice(f: Facts) -> pd.DataFrame:
    """R7: after ``formal_notice_after_reminders`` reminders without result (since the last
    result of the current episode) and no formal notice since, send a formal notice.
    ``date``: the first of those reminders."""
    p = f.params
    acc = f.accounts
    hit = acc[(acc["unsuccessful"] >= p.formal_notice_after_reminders).to_numpy() & acc["formal_notice_date"].isna().to_numpy()
              & (acc["overdue_cents"] > 0).to_numpy() & ~acc["status"].isin(list(p.insolvency_statuses)).to_numpy()]
    with f.loaded(hit.index, items=False):
        rows = [(cid, "R7", f"R7 {n} relances sans résultat depuis le {day(first, f.as_of)} "
                            f"({_unsuccessful_list(f, cid)}) : mise en demeure à envoyer", (), first, None)
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
    rows = []
    with f.loaded(hit, items=False, history=False):
        for cid in hit:
            a = f.account[cid]
            announced = litigation_date(f, cid)
            notice = a["formal_notice_date"]
            tail = (f"transmettre au contentieux, annoncé pour le {day(announced, f.as_of)}" if not pd.isna(notice)
                    else f"contentieux à annoncer pour le {day(announced, f.as_of)}")
            if a["unsuccessful_recent"] >= p.litigation_reminders_in_month and not a["legitimate_reason"]:
                rows.append((cid, "R8", f"R8 {a['unsuccessful_recent']} relances infructueuses en "
                                        f"{p.litigation_window_days} j "
                                        f"(du {day(a['unsuccessful_recent_first'], f.as_of)} au "
                                        f"{day(a['unsuccessful_recent_last'], f.as_of)}) sans motif légitime : {tail}",
                             (), announced, None))
            if a["broken_promises"] >= p.litigation_broken_promises and not a["financial_difficulty"]:
                dates = ", ".join(day(d, f.as_of) for d in a["broken_dates"])
                rows.append((cid, "R8", f"R8 {a['broken_promises']} promesses non tenues ({dates}) sans difficulté "
                                        f"financière signalée : {tail}", (), announced, None))
            if not pd.isna(notice) and f.as_of > announced:
                rows.append((cid, "R8", f"R8 mise en demeure du {day(notice, f.as_of)} restée sans effet, "
                                        f"délai échu le {day(announced, f.as_of)} : transmettre au contentieux",
                             (), announced, None))
    return _reasons(rows)


def r9_insolvency(f: Facts) -> pd.DataFrame:
    """R9: a customer in insolvency proceedings leaves the call list: declare the claim,
    provision it (``claim_provision_rate``, 100 % by default). ``cents``: the open amount (TTC)."""
    p = f.params
    insolvent = f.items[f.items["insolvent"].to_numpy()]
    order, cids, bounds = groups(insolvent["cid"])
    statuses = insolvent["status"].astype(str).to_numpy(dtype=object)[order][bounds[:-1]].tolist()
    claims = _values(insolvent.groupby("cid", sort=True)["amount_cents"].sum(), cids.tolist())
    rows = []
    for cid, code, claim in zip(cids.tolist(), statuses, claims):
        status = vocab.STATUS.get(code, code)
        claim = int(claim)
        rows.append((cid, "R9", f"R9 {status} : créance de {euros(claim)} à déclarer au mandataire judiciaire, "
                                f"provision {percent(p.claim_provision_rate, 0)}, plus d'appel de paiement",
                     (), None, claim))
    return _reasons(rows)


def r12_evasive_answers(f: Facts) -> pd.DataFrame:
    """R12: when the cadence (R4) brings a customer back and its last answer was evasive (an
    evasive answer, an excuse that is no legitimate reason, a promise without a date), say so:
    such an answer did not stop the cadence. ``date``: the day of that answer."""
    due = set(_cadence_due(f).index)
    acc = f.accounts
    hit = acc[acc.index.isin(due) & acc["last_evasive"].to_numpy()]
    rows = []
    for cid, date, outcome, excuse in zip(hit.index, hit["last_date"], hit["last_outcome"], hit["last_excuse"]):
        what = {"evasive": "réponse évasive", "promise": "promesse sans date"}.get(str(outcome), "excuse")
        if not pd.isna(excuse):
            what += f" ({vocab.EXCUSE.get(str(excuse), str(excuse))})"
        rows.append((cid, "R12", f"R12 {what} le {day(date, f.as_of)}, sans date de paiement : la cadence continue",
                     (), date, None))
    return _reasons(rows)


#: Every rule that puts a row on a list, in id order.
RULES: dict[str, RuleFunction] = {
    "R1": r1_broken_promises, "R2": r2_pre_due_calls, "R3": r3_first_reminder, "R4": r4_cadence,
    "R5": r5_document_followup, "R6": r6_disputes, "R7": r7_formal_notice, "R8": r8_litigation,
    "R9": r9_insolvency, "R12": r12_evasive_answers,
}
#: Short French label of each rule (summary sheet, notebook counts).
RULE_LABELS = {
    "R1": "promesse non tenue", "R2": "appel avant échéance", "R3": "première relance", "R4": "cadence / rappel convenu",
    "R5": "suivi de document envoyé", "R6": "litige à résoudre", "R7": "mise en demeure", "R8": "contentieux",
    "R9": "procédure collective", "R10": "priorité et capacité", "R11": "interlocuteur", "R12": "réponse évasive",
}


def all_reasons(f: Facts) -> pd.DataFrame:
    """The reasons of every rule, in rule order."""
    parts = [rule(f) for rule in RULES.values()]
    return pd.concat([p for p in parts if len(p)] or [_reasons([])], ignore_index=True)
