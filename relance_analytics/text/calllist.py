"""The call list in French: the sentence of every reason, the lists' and rules' labels, the
R10 score and defer reasons, the lines describing actions and documents.

Everything here is rendered from the structured facts the engine gives (a reason's
``rule``/``kind``/``docs``/``date``/``cents``/``data``, an action record, a document tuple);
nothing is decided here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import pandas as pd

from .. import vocab
from ..french import euros, percent

#: Short French label of each rule (summary sheet, notebook counts).
RULE_LABELS = {
    "R1": "promesse non tenue", "R2": "appel avant échéance", "R3": "première relance",
    "R4": "cadence / rappel convenu",
    "R5": "suivi de document envoyé", "R6": "litige à résoudre", "R7": "mise en demeure", "R8": "contentieux",
    "R9": "procédure collective", "R10": "priorité et capacité", "R11": "interlocuteur", "R12": "réponse évasive",
    "R14": "déclaration à l'assureur-crédit",
}
#: Where a reason's row lives (``CallList.reasons["list"]``), by list code.
LIST_LABELS = {"calls": "appels", "deferred": "reportées", "disputes": "litiges", "formal_notices": "mises en demeure",
               "litigation": "contentieux", "claims": "créances à déclarer", "insurance": "déclarations à l'assureur"}
#: Where an insured invoice's threat-of-claim notice stands (R14).
INSURANCE_STATES = {"declared": "déclarée", "missed": "délai dépassé : garantie perdue",
                    "due_soon": "à déclarer sous peu", "ok": "dans les délais", "below_threshold": "sous le seuil",
                    "not_covered": "litige : non couvert"}
#: R10 tiers.
TIER_LABELS = {1: "promesse non tenue", 2: "relance", 3: "avant échéance"}
SCORE_FORMULA = "score = montant net en jeu (€) × (1 + âge moyen pondéré (j) / {scale} j)"
CLAIM_ACTION = ("Déclarer la créance au mandataire judiciaire dans les deux mois de la publication du jugement au "
                "BODACC ; provisionner ; ne plus appeler pour un paiement.")


def day(value: object, as_of: pd.Timestamp | None = None) -> str:
    """``12/11`` (with the year when it differs from ``as_of``'s, or when no ``as_of`` is given)."""
    return _day(value, None if as_of is None else as_of.year)


@lru_cache(maxsize=1 << 14)
def _day(value: object, year: int | None) -> str:
    ts = pd.Timestamp(value)
    return f"{ts:%d/%m}" if year is not None and ts.year == year else f"{ts:%d/%m/%Y}"


def docs_phrase(docs: Sequence[str], cents: int, noun: str = "pièce") -> str:
    """``FA-1 (2 400,00 €)`` for one document, ``3 pièces (7 200,00 €)`` for several."""
    if len(docs) == 1:
        return f"{docs[0]} ({euros(cents)})"
    return f"{len(docs)} {noun}s ({euros(cents)})"


def _late(days: int) -> str:
    return f" (retard de {days} j)" if int(days) > 0 else ""


def reason_text(rule: str, kind: str, docs: Sequence[str], date: object, cents: Any, data: Mapping[str, Any],
                as_of: pd.Timestamp) -> str:
    """The French sentence of one reason (a row of the engine's reasons), starting with its rule id."""
    def d(value: object) -> str:
        return day(value, as_of)

    amount = None if cents is None or pd.isna(cents) else int(cents)
    if rule == "R1":
        what = f"de {euros(amount)}" if amount is not None else f"(reste dû {euros(data['open_cents'])})"
        text = f"R1 promesse du {d(date)} {what} non tenue"
        received = int(data["received_cents"])
        return text + (f", reçu {euros(received)}" if received > 0 else "")
    if rule == "R2" and kind == "pre_due":
        last = data["last_due"]
        when = f"à échéance le {d(date)}" if last == date else f"à échéance du {d(date)} au {d(last)}"
        return (f"R2 {docs_phrase(docs, amount or 0, 'facture')} {when} : appel avant échéance "
                f"(seuil {euros(data['threshold_cents'])})")
    if rule == "R2":
        return (f"R2 {docs_phrase(docs, amount or 0, 'facture')} émise le {d(data['issued'])} : appel de satisfaction "
                "après livraison")
    if rule == "R3":
        verb = "échue le" if len(docs) == 1 else "échues depuis le"
        return (f"R3 {docs_phrase(docs, amount or 0)} {verb} {d(date)} sans relance : première relance au plus tard "
                f"le {d(data['deadline'])}{_late(data['late_days'])}")
    if rule == "R4" and kind == "callback":
        return f"R4 rappel convenu le {d(data['agreed_on'])} pour le {d(date)}"
    if rule == "R4":
        gap, most = int(data["gap_days"]), data["cadence_max_days"]
        limit = (f"maximum de {most} j dépassé" if gap > most else
                 f"cadence {data['cadence_days']} j, jamais plus de {most} j")
        return f"R4 dernière relance le {d(date)}, il y a {gap} j : {limit}"
    if rule == "R5":
        what = f"duplicata de {', '.join(docs)}" if docs else "document demandé"
        return (f"R5 {what} envoyé le {d(date)} : suivi au plus tard le {d(data['deadline'])}"
                f"{_late(data['late_days'])}")
    if rule == "R6" and kind == "dispute_logged":
        how = vocab.CHANNEL.get(str(data["channel"]), str(data["channel"]))
        return (f"R6 litige signalé le {d(date)} ({how}) sur {docs[0]} ({euros(amount or 0)}) : à enregistrer et à "
                "confier à un responsable")
    if rule == "R6":
        label = vocab.DISPUTE_TYPE.get(str(data["dispute_type"]), str(data["dispute_type"]))
        who = f"avec {data['owner']}" if data.get("owner") else "(responsable à désigner)"
        return f"R6 litige {label} ouvert le {d(date)} sur {docs[0]} ({euros(amount or 0)}) : à résoudre {who}"
    if rule == "R7":
        listed = ", ".join(f"{vocab.CHANNEL.get(c, c)} {d(when)}" for c, when in data["reminders"])
        return f"R7 {data['count']} relances sans résultat depuis le {d(date)} ({listed}) : mise en demeure à envoyer"
    if rule == "R8":
        tail = (f"transmettre au contentieux, annoncé pour le {d(date)}" if data.get("notice") is not None
                else f"contentieux à annoncer pour le {d(date)}")
        if kind == "reminders":
            return (f"R8 {data['count']} relances infructueuses en {data['window_days']} j (du {d(data['first'])} au "
                    f"{d(data['last'])}) sans motif légitime : {tail}")
        if kind == "broken_promises":
            dates = ", ".join(d(x) for x in data["dates"])
            return f"R8 {data['count']} promesses non tenues ({dates}) sans difficulté financière signalée : {tail}"
        return (f"R8 mise en demeure du {d(data['notice'])} restée sans effet, délai échu le {d(date)} : transmettre "
                "au contentieux")
    if rule == "R9":
        status = vocab.STATUS.get(str(data["status"]), str(data["status"]))
        return (f"R9 {status} : créance de {euros(amount or 0)} à déclarer au mandataire judiciaire, provision "
                f"{percent(data['provision_rate'], 0)}, plus d'appel de paiement")
    if rule == "R12":
        what = {"evasive": "réponse évasive", "promise": "promesse sans date"}.get(str(data["outcome"]), "excuse")
        if data.get("excuse"):
            what += f" ({vocab.EXCUSE.get(str(data['excuse']), str(data['excuse']))})"
        return f"R12 {what} le {d(date)}, sans date de paiement : la cadence continue"
    if rule == "R14":
        who = f"à {data['insurer']}" if data.get("insurer") else "à l'assureur-crédit"
        what = docs_phrase(docs, amount or 0, "facture")
        if kind == "missed":
            return (f"R14 menace de sinistre non déclarée {who} pour {what} : délai échu le {d(date)}, garantie "
                    "perdue sauf accord de l'assureur")
        return f"R14 {what} : déclarer la menace de sinistre {who} avant le {d(date)}"
    raise ValueError(f"unknown reason {rule}/{kind}")


def reason_texts(reasons: pd.DataFrame, as_of: pd.Timestamp) -> list[str]:
    """:func:`reason_text` of every row of an engine reasons frame."""
    return [reason_text(r, k, docs, date, cents, data, as_of) for r, k, docs, date, cents, data in zip(
        reasons["rule"], reasons["kind"], reasons["docs"], reasons["date"], reasons["cents"].astype(object),
        reasons["data"])]


def score_text(net_cents: int, weighted_days: float, value: float, age_scale_days: int) -> str:
    """``R10 score 12 345 = 9 876,00 € × (1 + 7,5 j / 30 j)``."""
    return (f"R10 score {value:,.0f}".replace(",", "\u202f") + f" = {euros(max(net_cents, 0))} × "
            f"(1 + {weighted_days:.1f}".replace(".", ",") + f" j / {age_scale_days} j)")


def defer_text(kind: str, capacity: int = 0, rank: int = 0, total: int = 0, small_amount_cents: int = 0) -> str:
    """Why a row is not on the phone list (R10): beyond the day's capacity, covered by credits,
    or below the small amount."""
    if kind == "capacity":
        return f"R10 au-delà de la capacité du jour ({capacity} appels) : rang {rank} sur {total}, relance par e-mail"
    if kind == "covered":
        return "avoirs et règlements non affectés couvrent l'échu : lettrage à faire, pas de relance"
    return f"montant net inférieur au seuil d'appel de {euros(small_amount_cents)} : relance par e-mail"


def documents_text(docs: Sequence[tuple[str, int, pd.Timestamp]], as_of: pd.Timestamp, limit: int = 12) -> str:
    """``FA-1 1 200,00 € éch. 01/10 ; FA-2 …`` (``limit`` documents, then how many more)."""
    shown = [f"{d} {euros(c)} éch. {day(due, as_of)}" for d, c, due in docs[:limit]]
    if len(docs) > limit:
        shown.append(f"et {len(docs) - limit} autres")
    return " ; ".join(shown)


def litigation_status(notice: object, announced: pd.Timestamp, as_of: pd.Timestamp) -> str:
    """Where an escalated file stands: notice to send, litigation to transmit on a date, or now."""
    if notice is None or pd.isna(notice):
        return f"mise en demeure à envoyer, contentieux annoncé pour le {day(announced, as_of)}"
    if as_of > announced:
        return "délai de la mise en demeure échu : transmettre le dossier au contentieux maintenant"
    return f"transmettre au contentieux le {day(announced, as_of)} à défaut de règlement"


def contact_alert(problems: Sequence[tuple[str, ...]]) -> str:
    """The R11 alert of a row's contact (empty when the contact is complete): ``problems`` are
    ``("none",)``, ``("role", wanted, circuit, found)``, ``("phone",)``, ``("email",)``."""
    if not problems:
        return ""
    if problems[0][0] == "none":
        return "R11 aucun interlocuteur connu : à rechercher avant l'appel"
    parts = []
    for p in problems:
        if p[0] == "role":
            _, wanted, circuit, found = p
            parts.append(f"pas d'interlocuteur « {vocab.CONTACT_ROLE[wanted]} » (circuit "
                         f"{vocab.CIRCUIT.get(circuit, circuit)}) : {vocab.CONTACT_ROLE.get(found, found)} à défaut")
        elif p[0] == "phone":
            parts.append("pas de téléphone direct")
        elif p[0] == "email":
            parts.append("pas d'e-mail")
    return "R11 " + " ; ".join(parts)


def second_contact(role: str, name: object, phone: object, email: object) -> str:
    """``comptabilité fournisseurs : M. Roux 01 23 … r@x.fr`` (the contact to mention second)."""
    return " ".join(str(x) for x in (vocab.CONTACT_ROLE[role] + " :", name, phone, email) if not pd.isna(x))


#: How a promise stood, in a letter (a kept promise is not listed: it was honoured).
LETTER_PROMISE_STATUS = {"broken": "non tenu", "pending": "en attente"}
_LETTER_REMINDER = {"phone": "relance téléphonique", "email": "relance par e-mail", "letter": "relance par courrier"}
_LETTER_EXCHANGE = {"phone": "entretien téléphonique", "email": "échange par e-mail", "letter": "courrier"}


def _full_day(value: object) -> str:
    return f"{pd.Timestamp(value):%d/%m/%Y}"


def letter_action(action: Mapping[str, Any], status: str = "") -> str:
    """One action of a formal-notice letter, as the customer reads it: what we did and what was
    said, with no internal code (no excuse category, no outcome code). ``status``: the
    promise's status (``broken`` / ``pending``)."""
    when, channel, outcome = _full_day(action["date"]), str(action["channel"]), str(action["outcome"])
    exchange = f"{_LETTER_EXCHANGE.get(channel, 'échange')} du {when}"
    if action.get("is_formal_notice"):
        return f"mise en demeure du {when}"
    if outcome == "reminder_sent":
        return f"{_LETTER_REMINDER.get(channel, 'relance')} du {when}"
    if outcome == "no_answer":
        return f"{'appel' if channel == 'phone' else _LETTER_REMINDER.get(channel, 'relance')} du {when}, " \
               "resté sans réponse"
    if outcome == "promise" and not pd.isna(action.get("promise_date")):
        cents = action.get("promise_amount_cents")
        what = "règlement" if cents is None or pd.isna(cents) else f"règlement de {euros(int(cents))}"
        state = LETTER_PROMISE_STATUS.get(status, "")
        return f"{exchange} : {what} promis pour le {_full_day(action['promise_date'])}" + \
            (f", {state}" if state else "")
    if outcome == "callback":
        callback = action.get("callback_date")
        return f"{exchange} : rappel convenu" + ("" if pd.isna(callback) else f" le {_full_day(callback)}")
    if outcome == "document_requested":
        return f"{exchange} : document demandé par vos services"
    if outcome == "document_sent":
        return f"envoi du document demandé le {when}"
    if outcome == "dispute":
        return f"{exchange} : contestation signalée"
    return f"{exchange}, sans engagement de paiement daté"


def earlier_notices_text(dates: Sequence[pd.Timestamp]) -> str:
    """``Nous vous avons déjà adressé une mise en demeure le 28/09/2026.`` (empty without one)."""
    if not dates:
        return ""
    listed = [_full_day(d) for d in sorted(dates)]
    when = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " et " + listed[-1]
    noun = "une mise en demeure le" if len(listed) == 1 else "des mises en demeure les"
    return f"Nous vous avons déjà adressé {noun} {when}."


def notice_subject(earlier: int) -> str:
    """The letter's subject noun: a first, second or new formal notice."""
    return "mise en demeure de payer" if earlier == 0 else \
        "seconde mise en demeure de payer" if earlier == 1 else "nouvelle mise en demeure de payer"


def rate_text(millionths: int) -> str:
    """121 500 millionths → ``12,15 %``."""
    whole, frac = divmod(int(millionths), 10_000)
    digits = f"{frac:04d}".rstrip("0")
    return f"{whole},{digits.ljust(2, '0')}\u00a0%"


def penalties_text(penalty_cents: int, indemnity_cents: int, rates: Sequence[int], contractual: bool,
                   estimated: Sequence[pd.Timestamp]) -> str:
    """The letter's sentence on the penalties and indemnities due at its date (L441-10, D441-5),
    with the rate(s) applied; a half-year whose rate was estimated is flagged for the analyst."""
    shown = sorted(set(rates), reverse=True)
    listed = rate_text(shown[0]) if len(shown) == 1 else ", ".join(rate_text(r) for r in shown[:-1]) + \
        " et " + rate_text(shown[-1])
    basis = ("au taux contractuel de " if contractual else "au taux de la BCE majoré de 10 points, soit ") \
        if len(shown) == 1 else ("aux taux contractuels de " if contractual else
                                 "aux taux semestriels de la BCE majorés de 10 points, soit ")
    text = (f"À ce jour, les pénalités de retard dues s'élèvent à {euros(penalty_cents)} ({basis}{listed} l'an, "
            f"article L441-10 du Code de commerce), auxquelles s'ajoute l'indemnité forfaitaire pour frais de "
            f"recouvrement de 40 € par facture en retard, soit {euros(indemnity_cents)} (article D441-5).")
    if estimated:
        text += (f" [À vérifier : taux du semestre ouvert le {_full_day(max(estimated))} absent de la table des "
                 "taux, dernier taux connu appliqué.]")
    return text
