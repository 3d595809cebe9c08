"""The collectors' actions over six months: calls, e-mails, letters, promises kept and broken,
excuses, disputes raised, callbacks, formal notices — as a collection team would log them."""

from __future__ import annotations

import numpy as np

from .ledger import Action, Customer, Ledger
from .world import (
    ACTIONS_START,
    BROKEN_PROMISE,
    BROKEN_PROMISE_BREAKER,
    END,
    EVASIVE_NOTES,
    EXCUSE_NOTES,
    EXCUSES_BY_PROFILE,
    FAR,
    KEPT_PROMISE,
    NO_ANSWER_NOTES,
    OTHER_OUTCOMES,
    OTHER_WEIGHTS,
    PAY_METHODS,
    bday,
    fr_amount,
    fr_date,
    ordinal_date,
    pick,
)


# ---------------------------------------------------------------------------------------------
# Simulation: collection actions
# ---------------------------------------------------------------------------------------------
def _main_contact(c: Customer) -> str:
    """Name of the person to call given the invoice circuit ("" when no contact is known)."""
    order = {"dirigeant": ("dirigeant", "comptabilité fournisseurs"),
             "comptabilité fournisseurs": ("comptabilité fournisseurs", "direction financière"),
             "validation achats": ("comptabilité fournisseurs", "achats")}[c.circuit]
    for role in order:
        for p in c.contacts:
            if p.role == role:
                return p.name
    return c.contacts[0].name if c.contacts else ""


def _in_dispute(led: Ledger, i: int, t: int) -> bool:
    """Whether invoice ``i`` is under an open dispute on day ``t``."""
    k = led.docs[i].dispute
    if k < 0:
        return False
    d = led.disputes[k]
    return d.opened <= t and (d.resolved is None or t < d.resolved)


def _chaseable(led: Ledger, i: int, t: int, grace: int) -> bool:
    """Open, overdue by at least ``grace`` days and not disputed on day ``t``."""
    doc = led.docs[i]
    return doc.date <= t < led.cash[i] and doc.due + grace <= t and not _in_dispute(led, i, t)


def _next_chase(led: Ledger, invs: list[int], t: int, grace: int) -> int | None:
    """First day after ``t`` on which one of ``invs`` becomes chaseable."""
    best: int | None = None
    for i in invs:
        s = max(led.docs[i].due + grace, t + 1)
        k = led.docs[i].dispute
        if k >= 0:
            d = led.disputes[k]
            if d.opened <= s and (d.resolved is None or s < d.resolved):
                s = FAR if d.resolved is None else d.resolved + 2
        if s < led.cash[i] and s <= END and (best is None or s < best):
            best = s
    return best


class _Chase:
    """Collection of one customer over the action window: reminders, calls, promises, notices."""

    def __init__(self, rng: np.random.Generator, led: Ledger, c: Customer, stonewall: bool):
        self.rng, self.led, self.c, self.stonewall = rng, led, c, stonewall
        self.contact = _main_contact(c)
        self.streak = 0
        self.episode = 0
        self.last_notice = -10**6
        self.promise: Action | None = None
        self.out: list[Action] = []

    def act(self, t: int, docs: list[int], channel: str, outcome: str, **kw: object) -> Action:
        """Record one action."""
        a = Action(t, self.c.idx, docs, channel, self.contact, outcome, **kw)  # type: ignore[arg-type]
        self.out.append(a)
        return a

    def run(self) -> list[Action]:
        """Simulate day by day (jumping between actions) until the window or the customer ends."""
        c, led, rng = self.c, self.led, self.rng
        if c.judgement is not None and c.judgement <= ACTIONS_START:
            return self.out
        stop = END if c.judgement is None else c.judgement - 1
        invs = [i for i in led.by_cust[c.idx] if led.docs[i].kind == "FA" and led.cash[i] > ACTIONS_START
                and led.docs[i].date <= END]
        t = bday(ACTIONS_START + int(rng.integers(0, 4)))
        while t <= stop:
            od = sorted((i for i in invs if _chaseable(led, i, t, c.grace)), key=lambda i: (led.docs[i].due, i))
            if not od:
                nxt = _next_chase(led, invs, t, c.grace)
                if nxt is None:
                    break
                t = bday(nxt + int(rng.integers(0, 3)))
                self.streak, self.episode, self.promise = 0, 0, None
                continue
            t = self.step(t, od)
        return [a for a in self.out if a.date <= stop]

    def step(self, t: int, od: list[int]) -> int:
        """One collection step on day ``t`` for the chaseable invoices ``od``; returns the next day."""
        c, led, rng = self.c, self.led, self.rng
        amount = sum(led.docs[i].open_at(t) for i in od)
        p_next = min(led.settle[i] for i in od)
        prof = c.profile if c.judgement is None or t < c.judgement - 120 else "distress"
        prefix = self.broken_prefix(t)
        self.episode += 1
        total = fr_amount(amount) + " €"
        if self.stonewall and t >= END - 35:
            return self.fruitless(t, od, total, prefix)
        written = self.written_reminder(t, od, amount, prof, total)
        if written is not None:
            return written
        if p_next - t <= 3 or (p_next - t <= 10 and prof in ("on_time", "slightly_late") and rng.random() < 0.6):
            return bday(p_next + 1)
        if (self.streak >= 3 and prof in ("chronic_late", "bad", "distress") and not self.stonewall
                and t - self.last_notice > 60 and rng.random() < 0.6):
            return self.formal_notice(t, od, total, prefix)
        if c.pay_method == "chèque" and p_next - t <= 6 and rng.random() < 0.7:
            self.act(t, od, "téléphone", "excuse", excuse="chèque envoyé",
                     note=prefix + EXCUSE_NOTES["chèque envoyé"])
            return bday(p_next + 2)
        r = rng.random()
        if p_next - t <= 20 and r < KEPT_PROMISE[prof]:
            return self.promise_kept(t, od, p_next, prefix)
        broken = BROKEN_PROMISE_BREAKER if c.promise_breaker else BROKEN_PROMISE[prof]
        if rng.random() < broken and p_next - t > 6:
            return self.promise_broken(t, od, p_next, prefix)
        return self.other(t, od, prof, total, prefix)

    def broken_prefix(self, t: int) -> str:
        """Note prefix when the last promise's date has passed without payment (counts as no result)."""
        p, self.promise = self.promise, None
        if p is None or p.promise_date is None or p.promise_date >= t:
            return ""
        if not any(self.led.settle[i] > p.promise_date for i in p.docs):
            return ""
        self.streak += 1
        return f"Promesse du {fr_date(p.promise_date)} non tenue. "

    def written_reminder(self, t: int, od: list[int], amount: int, prof: str, total: str) -> int | None:
        """Automatic e-mail reminder (first of an episode, or any reminder of a small balance)."""
        rng = self.rng
        if self.episode == 1 and rng.random() < (0.65 if prof in ("on_time", "slightly_late") else 0.45):
            self.act(t, od, "e-mail", "relance envoyée",
                     note=f"Relance automatique : {len(od)} pièce(s) échue(s), {total} TTC.")
            self.streak += 1
            return bday(t + int(rng.integers(5, 9)))
        if amount < 30_000:
            self.act(t, od, "e-mail", "relance envoyée",
                     note=f"Relance automatique (petit solde) : {len(od)} pièce(s), {total} TTC.")
            self.streak += 1
            return bday(t + int(rng.integers(12, 16)))
        return None

    def formal_notice(self, t: int, od: list[int], total: str, prefix: str) -> int:
        """Registered formal notice after repeated reminders without result."""
        self.last_notice = t
        self.act(t, od, "mise en demeure", "mise en demeure envoyée",
                 note=f"{prefix}Mise en demeure en recommandé AR après {self.streak} relances sans suite : "
                      f"{total} à régler sous 8 jours, à défaut transmission au contentieux.")
        return bday(t + int(self.rng.integers(8, 16)))

    def promise_kept(self, t: int, od: list[int], p_next: int, prefix: str) -> int:
        """A dated promise that the ledger honours (paid on or before the promised date)."""
        rng, led = self.rng, self.led
        date = bday(max(p_next, t + 1) + int(rng.integers(0, 3)))
        docs = [i for i in od if led.settle[i] <= date]
        cents = sum(led.docs[i].open_at(t) for i in docs)
        method = self.c.pay_method if rng.random() < 0.9 else pick(rng, PAY_METHODS)
        excuse = ""
        if rng.random() < 0.2:
            excuse = pick(rng, *EXCUSES_BY_PROFILE[self.c.profile if self.c.judgement is None else "distress"])
            if excuse in ("chèque envoyé", "litige commercial", "facture non reçue", "marchandise retournée"):
                excuse = "validation direction"
        self.promise = self.act(t, docs, "téléphone", "promesse", excuse=excuse, promise_cents=cents,
                                promise_date=date, method=method,
                                note=f"{prefix}Règlement de {fr_amount(cents)} € promis par {method} "
                                     f"pour le {fr_date(date)}.")
        self.streak = 0
        return bday(date + int(rng.integers(1, 3)))

    def promise_broken(self, t: int, od: list[int], p_next: int, prefix: str) -> int:
        """A dated promise the customer will not keep (the money comes later or never)."""
        rng, led = self.rng, self.led
        date = bday(t + int(rng.integers(3, 11)))
        if date >= p_next - 1:
            return self.promise_kept(t, od, p_next, prefix)
        docs = od[: int(rng.integers(1, len(od) + 1))]
        cents = sum(led.docs[i].open_at(t) for i in docs)
        method = self.c.pay_method if rng.random() < 0.8 else pick(rng, PAY_METHODS)
        excuse = ""
        if rng.random() < 0.3:
            excuse = pick(rng, ("trésorerie", "clients non payés", "validation direction"))
        self.promise = self.act(t, docs, "téléphone", "promesse", excuse=excuse, promise_cents=cents,
                                promise_date=date, method=method,
                                note=f"{prefix}Règlement de {fr_amount(cents)} € promis par {method} "
                                     f"pour le {fr_date(date)}.")
        return bday(date + int(rng.integers(1, 3)))

    def other(self, t: int, od: list[int], prof: str, total: str, prefix: str) -> int:
        """Outcomes without a dated promise: evasive answer, no answer, callback, excuse, document request."""
        rng = self.rng
        if self.streak >= 2 and rng.random() < 0.25:
            self.act(t, od, "courrier", "relance envoyée",
                     note=f"{prefix}Lettre de relance n°2 : {total} TTC échus.")
            self.streak += 1
            return self.cadence(t)
        outcome = pick(rng, OTHER_OUTCOMES, OTHER_WEIGHTS[prof])
        if outcome == "réponse évasive":
            self.act(t, od, "téléphone", outcome, note=prefix + pick(rng, EVASIVE_NOTES))
            self.streak += 1
            return self.cadence(t)
        if outcome == "pas de réponse":
            self.act(t, od, "téléphone", outcome, note=prefix + pick(rng, NO_ANSWER_NOTES[:2]))
            self.streak += 1
            return self.cadence(t)
        if outcome == "rappel convenu":
            back = bday(t + int(rng.integers(2, 8)))
            self.act(t, od, "téléphone", outcome, callback=back,
                     note=f"{prefix}Interlocuteur indisponible, rappel convenu le {fr_date(back)}.")
            return back
        if outcome == "document demandé":
            self.act(t, od[:1], "téléphone", outcome,
                     note=prefix + "Demande la copie du bon de livraison signé et du bon de commande.")
            sent = bday(t + 1)
            self.act(sent, od[:1], "e-mail", "duplicata envoyé",
                     note="Bon de livraison signé et duplicata de facture envoyés par e-mail.")
            return bday(sent + int(rng.integers(4, 8)))
        excuse = self.excuse_code(t, od, prof)
        self.act(t, od, "téléphone", "excuse", excuse=excuse, note=prefix + EXCUSE_NOTES[excuse])
        self.streak += 1
        if excuse == "facture non reçue":
            sent = bday(t + 1)
            self.act(sent, od, "e-mail", "duplicata envoyé", note="Duplicata des factures envoyé par e-mail.")
            return bday(sent + int(rng.integers(4, 8)))
        return self.cadence(t)

    def excuse_code(self, t: int, od: list[int], prof: str) -> str:
        """The reason given, coherent with the ledger (returns pending, August holidays, chèque)."""
        rng, led = self.rng, self.led
        odset = dict.fromkeys(od)
        returns = any(d.kind == "AV" and d.link in odset and t < d.date <= t + 30 and d.dispute < 0
                      for d in (led.docs[j] for j in led.by_cust[self.c.idx]))
        if returns and rng.random() < 0.8:
            return "marchandise retournée"
        if ordinal_date(t).month == 8 and rng.random() < 0.3:
            return "comptabilité indisponible"
        code = pick(rng, *EXCUSES_BY_PROFILE[prof])
        if code == "chèque envoyé" and self.c.pay_method != "chèque" and rng.random() < 0.7:
            code = "validation direction"
        return code

    def fruitless(self, t: int, od: list[int], total: str, prefix: str) -> int:
        """Last month of a customer who never answers usefully (reminders without result)."""
        rng = self.rng
        k = len(self.out) % 3
        if k == 0:
            self.act(t, od, "téléphone", "pas de réponse", note=prefix + NO_ANSWER_NOTES[0])
        elif k == 1:
            self.act(t, od, "téléphone", "réponse évasive", note=prefix + pick(rng, EVASIVE_NOTES))
        else:
            self.act(t, od, "e-mail", "relance envoyée", note=f"{prefix}Relance écrite : {total} TTC échus.")
        self.streak += 1
        return bday(t + int(rng.integers(6, 9)))

    def cadence(self, t: int) -> int:
        """Next reminder: 7–10 days, sometimes late (11–16 days)."""
        rng = self.rng
        return bday(t + (int(rng.integers(7, 11)) if rng.random() < 0.88 else int(rng.integers(11, 17))))


def _pick_stonewall(rng: np.random.Generator, led: Ledger) -> list[int]:
    """Two active customers with old overdue, undisputed items unpaid through the last month."""
    cands = []
    for c in led.customers:
        if c.status != "actif" or c.profile not in ("bad", "chronic_late") or not c.contacts:
            continue
        if any(led.docs[i].kind == "FA" and led.docs[i].due < END - 60 and led.settle[i] > END
               and led.docs[i].dispute < 0 and led.docs[i].date <= END for i in led.by_cust[c.idx]):
            cands.append(c.idx)
    return [cands[int(k)] for k in rng.choice(len(cands), size=min(2, len(cands)), replace=False)]


def _pre_due_calls(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """Calls in the week before the due date of significant invoices (≥ 5 000 € TTC)."""
    out: list[Action] = []
    for i, doc in enumerate(led.docs):
        c = led.customers[doc.cust]
        if (doc.kind != "FA" or doc.amount < 500_000 or c.status != "actif"
                or c.profile not in ("on_time", "slightly_late", "dispute_prone")
                or not ACTIONS_START + 7 <= doc.due <= END + 6 or rng.random() >= 0.07):
            continue
        day = bday(doc.due - int(rng.integers(3, 8)))
        if day > END or day < doc.date + 3 or _in_dispute(led, i, day) or led.settle[i] <= day:
            continue
        contact = _main_contact(c)
        if led.settle[i] <= doc.due + 3:
            date = max(doc.due, led.settle[i])
            cents = doc.open_at(day)
            out.append(Action(day, c.idx, [i], "téléphone", contact, "promesse", promise_cents=cents,
                              promise_date=date, method=c.pay_method,
                              note=f"Appel avant échéance : facture bien reçue et validée, règlement de "
                                   f"{fr_amount(cents)} € prévu le {fr_date(date)}."))
        else:
            back = bday(doc.due + 1)
            out.append(Action(day, c.idx, [i], "téléphone", contact, "rappel convenu", callback=back,
                              note=f"Appel avant échéance : facture en circuit de validation, "
                                   f"rappel convenu le {fr_date(back)}."))
    return out


def _dispute_actions(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """The call in which each dispute of the window was raised (sometimes announced earlier)."""
    out: list[Action] = []
    for d in led.disputes:
        if not ACTIONS_START <= d.opened <= END:
            continue
        c = led.customers[d.cust]
        contact = _main_contact(c)
        excuse = {"commercial": "litige commercial", "technique": "marchandise retournée"}.get(d.kind, "")
        if excuse and rng.random() < 0.4:
            before = bday(d.opened - int(rng.integers(2, 9)))
            if ACTIONS_START <= before < d.opened:
                out.append(Action(before, c.idx, [d.doc], "téléphone", contact, "excuse",
                                  excuse=excuse, note=EXCUSE_NOTES[excuse]))
        out.append(Action(d.opened, c.idx, [d.doc], "téléphone", contact, "litige",
                          note=f"Litige {d.kind} ({d.did}) : {d.reason}. Transmis à {d.owner[0]}."))
    return out


def _insolvency_actions(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """The call announcing insolvency proceedings for judgements within the window."""
    out: list[Action] = []
    for c in led.customers:
        if c.judgement is None or not ACTIONS_START <= c.judgement <= END:
            continue
        day = bday(c.judgement + int(rng.integers(1, 5)))
        docs = [i for i in led.by_cust[c.idx] if led.docs[i].kind == "FA" and led.docs[i].open_at(day) > 0
                and led.docs[i].due < day]
        out.append(Action(day, c.idx, docs, "téléphone", _main_contact(c), "excuse", excuse="procédure collective",
                          note=f"Jugement d'ouverture ({c.status}) du {fr_date(c.judgement)} : arrêt des "
                               f"relances, créance à déclarer au mandataire judiciaire."))
    return out


def simulate_actions(rng: np.random.Generator, led: Ledger) -> None:
    """All collection actions from June 2026 to the last as-of date, sorted by date."""
    stonewall = _pick_stonewall(rng, led)
    acts: list[Action] = []
    for c in led.customers:
        acts += _Chase(rng, led, c, c.idx in stonewall).run()
    acts += _pre_due_calls(rng, led)
    acts += _dispute_actions(rng, led)
    acts += _insolvency_actions(rng, led)
    acts = [a for a in acts if ACTIONS_START <= a.date <= END]
    acts.sort(key=lambda a: (a.date, a.cust))
    led.actions = acts
