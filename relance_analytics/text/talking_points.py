"""What the collector reads before dialling: the talking points in three steps, the reminders
already made, the answer prepared for the customer's last excuse, what to keep in mind.

Our own wording, courteous but firm: open questions, never "pourquoi", no question that
suggests the fault is ours, the consequences of non-payment stated plainly, and every call
ending on a dated commitment by the customer. The three steps:

1. **Situation** — what is open and since when (or the promise that was not kept);
2. **Requirement** — the agreed due date and what the creditor expects;
3. **Proposal** — a concrete payment date, asking the customer to commit to a date.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import vocab
from ..calllist.situation import Promise, Situation
from ..french import euros
from .calllist import day


def _open_docs(s: Situation) -> str:
    n = len(s.overdue)
    oldest = s.oldest
    assert oldest is not None
    days = (s.as_of - oldest[2]).days
    if n == 1:
        return (f"La facture {oldest[0]} de {euros(oldest[1])} est échue depuis le {day(oldest[2], s.as_of)} "
                f"({days} jours).")
    return (f"{n} factures échues restent impayées, {euros(s.overdue_cents)} au total ; la plus ancienne, "
            f"{oldest[0]}, est échue depuis le {day(oldest[2], s.as_of)} ({days} jours).")


def _ids(documents: tuple[str, ...], shown: int = 3) -> str:
    """``FA-1, FA-2, FA-3 et 2 autres``."""
    head = ", ".join(documents[:shown])
    more = len(documents) - shown
    return head + (f" et {more} autre{'s' if more > 1 else ''}" if more > 0 else "")


def _promised(p: Promise, as_of: pd.Timestamp) -> str:
    """``un règlement de 1 200,00 € (FA-1, FA-2) pour le 27/11``."""
    if p.cents is not None:
        what = f"un règlement de {euros(p.cents)}" + (f" ({_ids(p.documents)})" if p.documents else "")
    else:
        what = f"le règlement de {_ids(p.documents)}" if p.documents else "le règlement du solde"
    return f"{what} pour le {day(p.date, as_of)}"


def pending_text(s: Situation) -> str:
    """The promises still running, as the collector acknowledges them (empty without one)."""
    if not s.pending:
        return ""
    said = " ; ".join(f"le {day(p.agreed_on, s.as_of)}, vous nous avez promis {_promised(p, s.as_of)}"
                      for p in s.pending)
    them = "ces règlements" if len(s.pending) > 1 else "ce règlement"
    return f"{said[0].upper()}{said[1:]} : nous comptons sur {them}."


def _callback(s: Situation) -> str:
    assert s.callback is not None
    agreed, when = s.callback
    on = "aujourd'hui" if when == s.as_of else f"le {day(when, s.as_of)}"
    return f"Nous étions convenus le {day(agreed, s.as_of)} de faire le point {on}."


def situation(s: Situation) -> str:
    """Step 1: where things stand, ending with one open question."""
    parts = []
    if s.pending:
        parts.append(pending_text(s))
    if s.broken:
        date, promised = s.broken
        what = f"un règlement de {euros(promised)}" if promised is not None else "le règlement des factures concernées"
        parts.append(f"Vous nous aviez promis {what} pour le {day(date, s.as_of)} ; il ne nous est pas parvenu "
                     f"à ce jour.")
    if s.overdue and not s.broken:
        text = _open_docs(s)
        if s.pending:
            text = f"En dehors de {'ces engagements' if len(s.pending) > 1 else 'cet engagement'}, " \
                + text[0].lower() + text[1:]
        parts.append(text)
    if s.document_sent is not None:
        parts.append(f"Nous vous avons adressé le document demandé le {day(s.document_sent, s.as_of)}.")
    if s.callback:
        parts.append(_callback(s))
    if s.pre_due:
        due = min(p[2] for p in s.pre_due)
        cents = sum(p[1] for p in s.pre_due)
        if len(s.pre_due) == 1:
            parts.append(f"La facture {s.pre_due[0][0]} de {euros(cents)} arrive à échéance le {day(due, s.as_of)}.")
        else:
            parts.append(f"{len(s.pre_due)} factures à échoir, {euros(cents)} au total, arrivent à échéance à partir "
                         f"du {day(due, s.as_of)}.")
    if s.broken:
        question = "Où en est ce règlement ?"
    elif s.overdue:
        question = ("Comment le traitement de ces factures avance-t-il de votre côté ?" if s.document_sent is not None
                    else "Où en est leur règlement ?" if len(s.overdue) > 1 else "Où en est son règlement ?")
    elif s.pre_due:
        question = "Comment se présente sa mise en paiement ?" if len(s.pre_due) == 1 else \
            "Comment se présente leur mise en paiement ?"
    else:
        question = "Le règlement promis est-il bien programmé ?"
    return " ".join([*parts, question])


def escalation_text(s: Situation) -> str:
    """What comes next without payment, from what was already done: the formal notice sent
    (then litigation), or the one to send after this reminder; never litigation when the
    customer reported financial difficulties (a dated schedule is proposed instead)."""
    if not s.overdue:
        return ""
    if s.notices:
        sent = f"Une mise en demeure vous a été adressée le {day(s.last_notice, s.as_of)}"
        if s.financial_difficulty:
            return sent + " : il nous faut maintenant un règlement ou un échéancier daté."
        return sent + " : à défaut de règlement, le dossier sera transmis au contentieux."
    if s.unsuccessful + 1 < s.notice_after:
        return ""
    rank = f"C'est notre {s.unsuccessful + 1}e relance restée sans résultat"
    if s.financial_difficulty:
        return rank + " : sans règlement ni échéancier daté, nous vous adresserons une mise en demeure."
    return rank + (" : sans règlement, nous vous adresserons une mise en demeure, puis le dossier passera au "
                   "contentieux.")


def requirement(s: Situation) -> str:
    """Step 2: the creditor's requirement, with the agreed due date and, when the next step is
    a formal notice or litigation, the consequence stated plainly."""
    parts = []
    if s.broken:
        parts.append(f"Ce règlement était promis pour le {day(s.broken[0], s.as_of)} : ce délai est dépassé, et "
                     f"seule une nouvelle date ferme peut le remplacer.")
    if s.overdue:
        oldest = s.oldest
        assert oldest is not None
        parts.append(f"Ces montants étaient payables au {day(oldest[2], s.as_of)} selon nos conditions convenues ; "
                     f"nous en attendons le règlement sans délai." if len(s.overdue) > 1 else
                     f"Cette facture était payable au {day(oldest[2], s.as_of)} selon nos conditions convenues ; "
                     f"nous en attendons le règlement sans délai.")
        if s.credits_cents < 0:
            parts.append(f"Après imputation de vos avoirs et règlements en attente ({euros(s.credits_cents)}), "
                         f"le montant dû est de {euros(s.net_cents)}.")
    if s.pre_due and not s.overdue:
        parts.append("Nous comptons sur son règlement à l'échéance convenue du " if len(s.pre_due) == 1 else
                     "Nous comptons sur leur règlement aux échéances convenues, à partir du ")
        parts[-1] += f"{day(min(p[2] for p in s.pre_due), s.as_of)}."
    if s.pending and not s.overdue and not s.pre_due:
        parts.append(f"Nous comptons sur le règlement promis pour le {day(s.pending[0].date, s.as_of)}.")
    escalation = escalation_text(s)
    if escalation:
        parts.append(escalation)
    return " ".join(parts)


def proposal(s: Situation) -> str:
    """Step 3: a concrete proposal ending with a dated commitment asked of the customer."""
    when = day(s.proposal_date, s.as_of)
    if not s.overdue and not s.broken:
        due = day(min(p[2] for p in s.pre_due), s.as_of)
        return (f"Pouvez-vous me confirmer que le règlement partira pour le {due}, et par quel mode ? "
                f"Je vous en adresse un récapitulatif écrit.")
    text = f"Je vous propose un règlement de {euros(s.net_cents)} par virement au plus tard le {when}."
    if s.pre_due:
        text += (f" Les factures à échoir ({euros(sum(p[1] for p in s.pre_due))}) restent payables à leur échéance, "
                 f"à partir du {day(min(p[2] for p in s.pre_due), s.as_of)}.")
    if s.financial_difficulty:
        text += (f" Si ce montant est difficile à réunir d'un coup, quel montant pouvez-vous régler d'ici le "
                 f"{when}, et à quelles dates pour le solde ?")
    else:
        text += " Quelle date de règlement pouvez-vous me confirmer aujourd'hui, avec le montant et le mode ?"
    return text + " Je vous adresse ensuite un récapitulatif écrit de notre accord."


def talking_points(s: Situation) -> tuple[str, str, str]:
    """The three steps: situation, requirement, proposal."""
    return situation(s), requirement(s), proposal(s)


#: Prepared answer to each of the ten usual excuses ({due}, {proposal}: dates; {amount}: net due).
EXCUSE_ANSWERS = {
    "invoice_not_received": (
        "Je vous envoie le duplicata tout de suite par e-mail : à quelle adresse le transmettre ? Je vous rappelle "
        "demain pour m'assurer qu'il est bien arrivé. L'échéance reste celle du {due} : quelle date de règlement "
        "pouvez-vous m'indiquer dès maintenant ?"),
    "cash_flow": (
        "Je comprends que la période soit tendue. Quel montant pouvez-vous régler d'ici le {proposal}, et selon quel "
        "calendrier pour le solde ? Fixons ensemble des dates précises ; je vous les confirme par écrit et je suivrai "
        "chacune d'elles."),
    "awaiting_approval": (
        "Qui, à la direction, valide la facture, et à quelle date cette validation est-elle prévue ? Je note cette "
        "date et je vous rappelle le lendemain pour connaître la date de mise en paiement. L'échéance du {due} étant "
        "passée, je compte sur un règlement au plus tard le {proposal}."),
    "accounting_unavailable": (
        "Qui peut valider la mise en paiement en l'absence du service comptable ? À quel moment la personne chargée "
        "des règlements est-elle joignable ? Je vous propose de fixer dès maintenant ce rendez-vous téléphonique."),
    "commercial_dispute": (
        "Sur quelle facture porte précisément la difficulté, pour quel montant, et qui chez vous peut la traiter avec "
        "nous ? Je transmets aussitôt à notre responsable pour une réponse rapide. La partie non contestée reste due : "
        "quelle date de règlement retenez-vous pour elle ?"),
    "goods_returned": (
        "À quelle date la marchandise a-t-elle été retournée, et sous quelle référence de retour ? Je vérifie sa "
        "réception chez nous et l'avoir correspondant. Le reste de la facture demeure exigible : quelle date de "
        "règlement pouvez-vous me confirmer ?"),
    "insolvency": (
        "À quelle date le jugement d'ouverture a-t-il été rendu, par quel tribunal, et qui est le mandataire "
        "judiciaire désigné ? Nous déclarerons notre créance auprès de lui ; je vérifie la publication au BODACC et "
        "je mets votre dossier à jour."),
    "accounts_frozen": (
        "Je comprends. Quelle est l'origine du blocage, et à quelle date sa levée est-elle prévue ? Dès la levée, "
        "quel montant pouvez-vous nous régler en priorité ? Je note la date à laquelle je vous rappelle."),
    "customers_not_paid": (
        "Je comprends la difficulté ; notre facture a cependant sa propre échéance, le {due}, indépendante de vos "
        "encaissements. Quel montant pouvez-vous régler d'ici le {proposal}, et à quelle date pour le solde ?"),
    "cheque_sent": (
        "Merci de l'information. À quelle date le chèque a-t-il été posté, sous quel numéro et pour quel montant ? "
        "Je surveille sa réception ; s'il ne nous est pas parvenu le {proposal}, je vous rappelle pour convenir "
        "d'un virement."),
}


#: The answer to "invoice not received" once the duplicate has been sent ({sent}: its date).
DUPLICATE_SENT_ANSWER = (
    "Le duplicata vous a été envoyé le {sent}{documents}. Qui, chez vous, l'a reçu, et où en est sa validation ? "
    "L'échéance reste celle du {due} : quelle date de règlement pouvez-vous m'indiquer dès maintenant ?")


def excuse_answer(s: Situation) -> str:
    """The prepared answer to the customer's current excuse (empty without one); it builds on
    what was already done (a duplicate sent since the excuse is not offered again)."""
    if not s.excuse or s.excuse not in EXCUSE_ANSWERS:
        return ""
    oldest = s.oldest
    due = oldest[2] if oldest else (min(p[2] for p in s.pre_due) if s.pre_due else s.as_of)
    head = f"Dernière excuse ({vocab.EXCUSE[s.excuse]}"
    head += f", le {day(s.excuse_date, s.as_of)}) : " if s.excuse_date is not None else ") : "
    sent = s.document_sent_after_excuse
    if s.excuse == "invoice_not_received" and sent is not None:
        documents = f" ({_ids(sent[1])})" if sent[1] else ""
        return head + DUPLICATE_SENT_ANSWER.format(sent=day(sent[0], s.as_of), documents=documents,
                                                   due=day(due, s.as_of))
    return head + EXCUSE_ANSWERS[s.excuse].format(due=day(due, s.as_of), proposal=day(s.proposal_date, s.as_of),
                                                  amount=euros(s.net_cents))


def notes(s: Situation) -> str:
    """What to keep in mind: resolved disputes not to reopen, disputed items not to chase,
    financial difficulties, a customer mentioning insolvency proceedings."""
    out = [f"Litige {vocab.DISPUTE_TYPE.get(kind, kind)} sur {doc} résolu le {day(when, s.as_of)} : ne pas le rouvrir."
           for doc, kind, when in s.resolved]
    if s.disputed:
        out.append(f"En litige (voir la liste des litiges), ne pas en réclamer le paiement : {', '.join(s.disputed)}.")
    if s.financial_difficulty:
        out.append("Difficultés financières signalées : proposer un échéancier daté plutôt qu'un passage "
                   "au contentieux.")
    if s.excuse == "insolvency":
        out.append("Le client a évoqué une procédure collective : la vérifier au BODACC avant tout appel de paiement.")
    return " ".join(out)


def next_step(s: Situation) -> str:
    """The action expected from this call, in a few words."""
    if s.broken:
        step = ("Obtenir une nouvelle date ferme (montant, date, mode) et la confirmer par écrit ; "
                "rappeler chaque jour jusqu'au paiement")
    elif s.callback:
        step = "Rappel convenu : faire le point sur l'engagement pris et obtenir une date ferme"
    elif s.document_sent is not None:
        step = "Vérifier la réception du document et obtenir une date de règlement"
    elif "R3" in s.rules:
        step = ("Première relance : obtenir une date de règlement" if not s.episode_actions else
                "Relance, factures jamais relancées comprises : obtenir une date de règlement")
    elif s.overdue:
        step = "Relance : obtenir une promesse datée (montant, date, mode de règlement)"
    else:
        step = "Vérifier que le règlement est prévu à l'échéance"
    if s.overdue and s.notices:
        step += f" ; rappeler la mise en demeure du {day(s.last_notice, s.as_of)}"
        step += " et proposer un échéancier daté" if s.financial_difficulty else " et le contentieux à défaut"
    elif s.overdue and s.unsuccessful + 1 >= s.notice_after:
        step += " ; annoncer la mise en demeure à défaut"
    return step


_NEVER_NA = frozenset({str, int, bool, pd.Timestamp})


def _na(value: object) -> bool:
    """``pd.isna`` of a scalar, quicker for the usual types."""
    if value is None or value is pd.NaT:
        return True
    return type(value) not in _NEVER_NA and bool(pd.isna(value))


def describe_action(date: pd.Timestamp, channel: object, outcome: object, as_of: pd.Timestamp, *,
                    contact: object = None, excuse: object = None, promise_cents: Any = None,
                    promise_date: object = None, method: object = None, callback: object = None,
                    note: object = None) -> str:
    """``12/11 téléphone : promesse 4 500,00 € le 20/11 (virement) – J. Martin`` (+ ``: note``)."""
    text = (f"{day(date, as_of)} {vocab.CHANNEL.get(str(channel), str(channel))} : "
            f"{vocab.OUTCOME.get(str(outcome), str(outcome))}")
    if not _na(excuse) and excuse:
        text += f" ({vocab.EXCUSE.get(str(excuse), str(excuse))})"
    if not _na(promise_cents) or not _na(promise_date):
        bits = [euros(int(promise_cents)) if not _na(promise_cents) else "",
                f"le {day(promise_date, as_of)}" if not _na(promise_date) else "",
                f"({vocab.PAYMENT_METHOD.get(str(method), str(method))})" if not _na(method) and method else ""]
        text += " " + " ".join(b for b in bits if b)
    if not _na(callback):
        text += f", rappel le {day(callback, as_of)}"
    if not _na(contact) and str(contact).strip():
        text += f" – {contact}"
    if not _na(note) and str(note).strip():
        note = " ".join(str(note).split())
        text += f" : {note[:117] + '…' if len(note) > 120 else note}"
    return text


def reminders_text(actions: list[str], start: pd.Timestamp | None, unsuccessful: int, notice_after: int,
                   as_of: pd.Timestamp, notices: tuple[pd.Timestamp, ...] = ()) -> str:
    """The actions already taken since the oldest unpaid due date and where the file stands —
    the formal notice sent, or the reminders without result counted towards it — so the
    collector can tell the customer (``actions``: :func:`describe_action` lines)."""
    if start is None:
        return "Pas d'impayé : appel avant échéance."
    if not actions:
        return f"Aucune relance depuis l'échéance du {day(start, as_of)}."
    state = (f"mise en demeure envoyée le {day(max(notices), as_of)}" if notices else
             f"niveau {min(unsuccessful, notice_after)}/{notice_after} avant mise en demeure")
    n = len(actions)
    return (f"{n} action{'s' if n > 1 else ''} depuis l'échéance du {day(start, as_of)} ({state}) : "
            + " ; ".join(actions))
