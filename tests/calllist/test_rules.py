"""One scenario per rule: a tiny history where it must fire (reason text and rank asserted) and
one where it must not. As-of date: Friday 20/11/2026; default thresholds (domain.md)."""

from __future__ import annotations

import pandas as pd

from relance_analytics.calllist import call_list
from relance_analytics.metrics.promises import evaluate_promises

from .helpers import AS_OF, NBSP, actions, customers, disputes, eur, items, rank, reasons, run

# R1 ---------------------------------------------------------------------------------------------

def test_r1_broken_promise_comes_first_and_every_working_day_until_paid():
    it = items(("C1", "FA1", "2026-11-01", 4500), ("C2", "FA2", "2026-10-01", 20000))
    acts = actions(dict(date="2026-11-05", customer_id="C1", document_ids="FA1", outcome="promise",
                        promise_amount=4500, promise_date="2026-11-12"),
                   dict(date="2026-11-02", customer_id="C2", outcome="no_answer"))
    cl = run(it, acts)
    assert reasons(cl, "C1", "R1") == [f"R1 promesse du 12/11 de {eur('4 500,00 €')} non tenue"]
    # C2 scores higher (20 000 € × (1 + 50/30) > 4 500 € × (1 + 19/30)) but a broken promise comes first
    assert (rank(cl, "C1"), rank(cl, "C2")) == (1, 2)
    monday = run(it, acts, as_of=pd.Timestamp("2026-11-23"))
    assert reasons(monday, "C1", "R1") == [f"R1 promesse du 12/11 de {eur('4 500,00 €')} non tenue"]
    assert rank(monday, "C1") == 1


def test_r1_not_before_the_promise_date_nor_once_the_promised_amount_is_received():
    it = items(("C1", "FA1", "2026-11-01", 4500))
    pending = actions(dict(date="2026-11-05", customer_id="C1", document_ids="FA1", outcome="promise",
                           promise_amount=4500, promise_date="2026-11-27"))
    cl = run(it, pending)
    assert reasons(cl, "C1") == [] and rank(cl, "C1") is None        # the promise removes the row until its date

    partial = actions(dict(date="2026-11-05", customer_id="C1", document_ids="FA1", outcome="promise",
                           promise_amount=1000, promise_date="2026-11-12"))
    before = items(("C1", "FA1", "2026-11-01", 4500))
    now = items(("C1", "FA1", "2026-11-01", 3500))                 # 1 000 € received: promise kept
    promises = evaluate_promises(partial, {pd.Timestamp("2026-11-06"): before, AS_OF: now}, AS_OF)
    cl = call_list(now, customers(now), partial, None, AS_OF, promises=promises)
    assert reasons(cl, "C1", "R1") == []


# R2 ---------------------------------------------------------------------------------------------

def test_r2_pre_due_call_for_a_significant_amount_in_the_week_before_due_ranks_after_overdue():
    it = items(("C3", "FA3", "2026-11-25", 9000), ("C4", "FA4", "2026-11-18", 200))
    cl = run(it)
    assert reasons(cl, "C3", "R2") == [
        f"R2 FA3 ({eur('9 000,00 €')}) à échéance le 25/11 : appel avant échéance (seuil {eur('5 000,00 €')})"]
    assert (rank(cl, "C4"), rank(cl, "C3")) == (1, 2)                 # 200 € overdue still comes first
    row = cl.rows[cl.rows["customer_id"] == "C3"].iloc[0]
    assert row["next_step"] == "Vérifier que le règlement est prévu à l'échéance"


def test_r2_not_below_the_threshold_nor_too_early_nor_once_called():
    it = items(("C5", "FA5", "2026-11-25", 4999.99), ("C6", "FA6", "2026-11-30", 9000),
               ("C7", "FA7", "2026-11-25", 9000))
    called = actions(dict(date="2026-11-19", customer_id="C7", outcome="callback", callback_date="2026-11-26"))
    cl = run(it, called)
    assert cl.reasons.empty and cl.rows.empty


# R3 ---------------------------------------------------------------------------------------------

def test_r3_first_reminder_no_later_than_seven_days_after_due():
    it = items(("C1", "FA1", "2026-11-15", 1000), ("C2", "FA2", "2026-11-05", 1000))
    cl = run(it)
    assert reasons(cl, "C1", "R3") == [
        f"R3 FA1 ({eur('1 000,00 €')}) échue le 15/11 sans relance : première relance au plus tard le 22/11"]
    assert reasons(cl, "C2", "R3") == [
        f"R3 FA2 ({eur('1 000,00 €')}) échue le 05/11 sans relance : première relance au plus tard le 12/11 "
        f"(retard de 8 j)"]
    # scores: 1 000 € × (1 + 15/30) = 1 500 > 1 000 € × (1 + 5/30) ≈ 1 167
    assert (rank(cl, "C2"), rank(cl, "C1")) == (1, 2)


def test_r3_not_once_a_reminder_was_made():
    it = items(("C1", "FA1", "2026-11-15", 1000))
    cl = run(it, actions(dict(date="2026-11-16", customer_id="C1", channel="email", outcome="reminder_sent")))
    assert cl.reasons.empty                                             # and R4 not yet: 4 days


# R4 ---------------------------------------------------------------------------------------------

def test_r4_cadence_of_ten_days_never_more_than_fifteen():
    it = items(("C1", "FA1", "2026-10-01", 3000), ("C2", "FA2", "2026-10-01", 3000))
    cl = run(it, actions(dict(date="2026-11-05", customer_id="C1", outcome="no_answer"),
                         dict(date="2026-10-20", customer_id="C2", outcome="no_answer")))
    assert reasons(cl, "C1", "R4") == ["R4 dernière relance le 05/11, il y a 15 j : cadence 10 j, jamais plus de 15 j"]
    assert reasons(cl, "C2", "R4") == ["R4 dernière relance le 20/10, il y a 31 j : maximum de 15 j dépassé"]
    assert {rank(cl, "C1"), rank(cl, "C2")} == {1, 2}


def test_r4_agreed_callback_date_overrides_the_cadence():
    it = items(("C1", "FA1", "2026-10-01", 3000), ("C2", "FA2", "2026-10-01", 3000), ("C3", "FA3", "2026-10-01", 3000))
    cl = run(it, actions(
        dict(date="2026-11-12", customer_id="C1", outcome="callback", callback_date="2026-11-19"),
        dict(date="2026-11-01", customer_id="C2", outcome="callback", callback_date="2026-11-27"),
        dict(date="2026-11-12", customer_id="C3", outcome="no_answer")))
    assert reasons(cl, "C1", "R4") == ["R4 rappel convenu le 12/11 pour le 19/11"]
    assert rank(cl, "C1") == 1
    assert reasons(cl, "C2") == []        # 19 days without a reminder, but the callback is for the 27/11
    assert reasons(cl, "C3") == []        # 8 days: the cadence is not due


# R5 ---------------------------------------------------------------------------------------------

def test_r5_document_sent_is_followed_up_within_seven_days():
    it = items(("C1", "FA5", "2026-11-01", 1200))
    cl = run(it, actions(dict(date="2026-11-16", customer_id="C1", document_ids="FA5", channel="email",
                              outcome="document_sent")))
    assert reasons(cl, "C1", "R5") == ["R5 duplicata de FA5 envoyé le 16/11 : suivi au plus tard le 23/11"]
    assert rank(cl, "C1") == 1
    row = cl.rows.iloc[0]
    assert row["next_step"] == "Vérifier la réception du document et obtenir une date de règlement"


def test_r5_not_once_followed_up():
    it = items(("C1", "FA5", "2026-11-01", 1200))
    cl = run(it, actions(dict(date="2026-11-16", customer_id="C1", document_ids="FA5", channel="email",
                              outcome="document_sent"),
                         dict(date="2026-11-18", customer_id="C1", outcome="evasive")))
    assert reasons(cl, "C1") == []


# R6 ---------------------------------------------------------------------------------------------

def test_r6_disputed_item_leaves_the_chase_for_the_dispute_list_with_its_resolver():
    it = items(("C6", "FA6", "2026-10-01", 2000))
    cl = run(it, disp=disputes(dict(customer_id="C6", document_id="FA6", amount=2000, opened="2026-10-01")))
    assert reasons(cl, "C6") == [
        f"R6 litige commercial ouvert le 01/10 sur FA6 ({eur('2 000,00 €')}) : à résoudre avec Paul Durand"]
    assert rank(cl, "C6") is None
    assert list(cl.disputes[["customer_id", "document_id", "owner", "days_open"]]
                .itertuples(index=False, name=None)) == [("C6", "FA6", "Paul Durand", 50)]


def test_r6_resolved_dispute_is_chased_again_and_never_raised():
    it = items(("C6", "FA6", "2026-10-01", 2000))
    cl = run(it, disp=disputes(dict(customer_id="C6", document_id="FA6", amount=2000, opened="2026-10-01",
                                    resolved="2026-11-10")))
    assert cl.disputes.empty
    assert rank(cl, "C6") == 1
    assert cl.rows.iloc[0]["notes"] == "Litige commercial sur FA6 résolu le 10/11 : ne pas le rouvrir."


def test_r6_dispute_raised_in_a_call_goes_to_the_dispute_list():
    it = items(("C6", "FA6", "2026-10-01", 2000), ("C6", "FA7", "2026-10-05", 500))
    cl = run(it, actions(dict(date="2026-11-18", customer_id="C6", document_ids="FA6", outcome="dispute")))
    assert reasons(cl, "C6", "R6") == [
        f"R6 litige signalé le 18/11 (téléphone) sur FA6 ({eur('2 000,00 €')}) : à enregistrer et à confier à un "
        f"responsable"]
    assert rank(cl, "C6") is None        # FA7 is still chased, but the call of 18/11 was 2 days ago


# R7 ---------------------------------------------------------------------------------------------

def test_r7_three_reminders_without_result_lead_to_a_formal_notice():
    it = items(("C7", "FA7", "2026-09-15", 5000))
    cl = run(it, actions(dict(date="2026-10-01", customer_id="C7", channel="email", outcome="reminder_sent"),
                         dict(date="2026-10-10", customer_id="C7", outcome="no_answer"),
                         dict(date="2026-10-20", customer_id="C7", outcome="evasive")))
    assert reasons(cl, "C7", "R7") == [
        "R7 3 relances sans résultat depuis le 01/10 (e-mail 01/10, téléphone 10/10, téléphone 20/10) : "
        "mise en demeure à envoyer"]
    assert reasons(cl, "C7", "R8") == []          # only one of them in the last 30 days
    assert rank(cl, "C7") is None
    notice = cl.formal_notices.iloc[0]
    assert notice["deadline"] == pd.Timestamp("2026-11-28")
    assert notice["actions_taken"].splitlines() == ["01/10 e-mail : relance envoyée",
                                                    "10/10 téléphone : pas de réponse",
                                                    "20/10 téléphone : réponse évasive"]


def test_r7_a_promise_resets_the_count():
    it = items(("C7", "FA7", "2026-09-15", 5000))
    cl = run(it, actions(dict(date="2026-10-01", customer_id="C7", channel="email", outcome="reminder_sent"),
                         dict(date="2026-10-05", customer_id="C7", document_ids="FA7", outcome="promise",
                              promise_amount=5000, promise_date="2026-10-09"),
                         dict(date="2026-10-10", customer_id="C7", outcome="no_answer"),
                         dict(date="2026-10-20", customer_id="C7", outcome="evasive")))
    assert reasons(cl, "C7", "R7") == []
    assert rank(cl, "C7") == 1 and "R1" in cl.rows.iloc[0]["rules"]


# R8 ---------------------------------------------------------------------------------------------

def test_r8_three_unsuccessful_reminders_within_a_month_go_to_litigation_with_the_announced_date():
    it = items(("C8", "FA8", "2026-10-01", 5000))
    cl = run(it, actions(dict(date="2026-10-25", customer_id="C8", outcome="no_answer"),
                         dict(date="2026-11-04", customer_id="C8", outcome="evasive"),
                         dict(date="2026-11-14", customer_id="C8", outcome="no_answer")))
    assert reasons(cl, "C8", "R8") == [
        "R8 3 relances infructueuses en 30 j (du 25/10 au 14/11) sans motif légitime : contentieux à annoncer pour "
        "le 28/11"]
    lit = cl.litigation.iloc[0]
    assert (lit["customer_id"], lit["deadline"]) == ("C8", pd.Timestamp("2026-11-28"))
    assert lit["litigation_status"] == "mise en demeure à envoyer, contentieux annoncé pour le 28/11"
    assert list(cl.formal_notices["customer_id"]) == ["C8"]       # the letter announces it
    assert rank(cl, "C8") is None


def test_r8_not_with_a_legitimate_reason():
    it = items(("C8", "FA8", "2026-10-01", 5000))
    cl = run(it, actions(dict(date="2026-10-25", customer_id="C8", outcome="no_answer"),
                         dict(date="2026-11-04", customer_id="C8", outcome="excuse", excuse="goods_returned"),
                         dict(date="2026-11-14", customer_id="C8", outcome="no_answer")))
    assert reasons(cl, "C8", "R8") == [] and reasons(cl, "C8", "R7") == []


def _two_broken_promises(*extra: dict) -> pd.DataFrame:
    return actions(dict(date="2026-10-05", customer_id="C9", document_ids="FA9", outcome="promise", promise_amount=6000,
                        promise_date="2026-10-20"),
                   dict(date="2026-10-25", customer_id="C9", document_ids="FA9", outcome="promise", promise_amount=6000,
                        promise_date="2026-11-06"), *extra)


def test_r8_two_broken_promises_go_to_litigation():
    cl = run(items(("C9", "FA9", "2026-10-01", 6000)), _two_broken_promises())
    assert reasons(cl, "C9", "R8") == [
        "R8 2 promesses non tenues (20/10, 06/11) sans difficulté financière signalée : contentieux à annoncer pour "
        "le 28/11"]
    assert rank(cl, "C9") is None and list(cl.litigation["customer_id"]) == ["C9"]


def test_r8_not_after_financial_difficulties_were_raised():
    cl = run(items(("C9", "FA9", "2026-10-01", 6000)),
             _two_broken_promises(dict(date="2026-11-08", customer_id="C9", outcome="excuse", excuse="cash_flow")))
    assert reasons(cl, "C9", "R8") == []
    assert rank(cl, "C9") == 1
    assert cl.rows.iloc[0]["notes"] == ("Difficultés financières signalées : proposer un échéancier daté plutôt qu'un "
                                        "passage au contentieux.")


def test_r8_formal_notice_without_effect_after_its_delay():
    notice = dict(date="2026-11-02", customer_id="C10", channel="formal_notice", outcome="formal_notice_sent")
    cl = run(items(("C10", "FA10", "2026-09-01", 8000)), actions(notice))
    assert reasons(cl, "C10", "R8") == [
        "R8 mise en demeure du 02/11 restée sans effet, délai échu le 10/11 : transmettre au contentieux"]
    assert cl.litigation.iloc[0]["litigation_status"] == ("délai de la mise en demeure échu : transmettre le dossier "
                                                          "au contentieux maintenant")
    recent = run(items(("C10", "FA10", "2026-09-01", 8000)), actions(notice | {"date": "2026-11-15"}))
    assert reasons(recent, "C10", "R8") == [] and recent.litigation.empty


# R9 ---------------------------------------------------------------------------------------------

def test_r9_insolvent_customer_leaves_the_call_list_for_the_claims_list():
    it = items(("C11", "FA11", "2026-09-01", 3000))
    it["amount_ht_cents"] = pd.array([250000], dtype="Int64")
    cl = run(it, cust=customers(it, status={"C11": "liquidation"}))
    assert reasons(cl, "C11") == [f"R9 liquidation judiciaire : créance de {eur('3 000,00 €')} à déclarer au "
                                  f"mandataire judiciaire, provision 100{NBSP}%, plus d'appel de paiement"]
    assert rank(cl, "C11") is None
    claim = cl.claims.iloc[0]
    assert (claim["claim_cents"], claim["base_ht_cents"], claim["provision_cents"]) == (300000, 250000, 250000)


def test_r9_not_for_an_active_customer():
    it = items(("C11", "FA11", "2026-09-01", 3000))
    cl = run(it)
    assert reasons(cl, "C11", "R9") == [] and cl.claims.empty and rank(cl, "C11") == 1


# R12 --------------------------------------------------------------------------------------------

def test_r12_evasive_answer_does_not_stop_the_cadence():
    it = items(("C12", "FA12", "2026-10-15", 2500), ("C13", "FA13", "2026-10-15", 2500))
    cl = run(it, actions(dict(date="2026-11-05", customer_id="C12", outcome="evasive", note="je m'en occupe"),
                         dict(date="2026-11-05", customer_id="C13", outcome="excuse", excuse="awaiting_approval")))
    assert reasons(cl, "C12") == ["R4 dernière relance le 05/11, il y a 15 j : cadence 10 j, jamais plus de 15 j",
                                  "R12 réponse évasive le 05/11, sans date de paiement : la cadence continue"]
    assert reasons(cl, "C13", "R12") == [
        "R12 excuse (validation direction) le 05/11, sans date de paiement : la cadence continue"]
    assert {rank(cl, "C12"), rank(cl, "C13")} == {1, 2}
    row = cl.rows[cl.rows["customer_id"] == "C12"].iloc[0]
    assert row["last_actions"] == "05/11 téléphone : réponse évasive : je m'en occupe"


def test_r12_a_dated_promise_stops_the_cadence():
    it = items(("C12", "FA12", "2026-10-15", 2500))
    cl = run(it, actions(dict(date="2026-11-05", customer_id="C12", document_ids="FA12", outcome="promise",
                              promise_amount=2500, promise_date="2026-11-30")))
    assert cl.reasons.empty
