"""Thresholds from relance.toml, talking-point wording rules, e-mail drafts and formal-notice letters."""

from __future__ import annotations

import email
import html
from email import policy
from pathlib import Path

import pandas as pd
import pytest

from relance_analytics.calllist import CallListParams, write_drafts
from relance_analytics.calllist.situation import Situation
from relance_analytics.config import Settings
from relance_analytics.text.talking_points import EXCUSE_ANSWERS, excuse_answer, talking_points
from relance_analytics.vocab import EXCUSE

from .helpers import AS_OF, NBSP, actions, contacts, customers, eur, items, run


def test_params_from_relance_toml(tmp_path: Path):
    toml = tmp_path / "relance.toml"
    toml.write_text('[collectors]\n"Claire Martin" = { capacity = 12, email = "c.martin@ateliers.fr" }\n'
                    '"Julien Petit" = { capacity = 30 }\n'
                    '[thresholds]\nsignificant_amount = 7500.5\ncadence_days = 8\nsmall_amount = 50\n',
                    encoding="utf-8")
    p = CallListParams.from_settings(Settings.load(toml))
    assert (p.significant_amount_cents, p.cadence_days, p.small_amount_cents) == (750050, 8, 5000)
    assert (p.capacity("Claire Martin"), p.capacity("Julien Petit"), p.capacity("Autre")) == (12, 30, 25)
    assert p.collector_emails == {"Claire Martin": "c.martin@ateliers.fr"}
    assert p.with_capacities({"Julien Petit": 5}).capacity("Julien Petit") == 5
    assert CallListParams().cadence_days == 10 and CallListParams().first_reminder_days == 7


@pytest.mark.parametrize("table, message", [
    ({"thresholds": {"cadense_days": 10}}, "clé inconnue 'cadense_days'"),
    ({"thresholds": {"significant_amount": 10.001}}, "à 2 décimales au plus"),
    ({"thresholds": {"cadence_days": 20}}, "cadence_max_days (15) doit être ≥ cadence_days (20)"),
    ({"collectors": {"Claire": {"capacity": -1}}}, "capacités : des nombres entiers ≥ 0 attendus"),
])
def test_params_reject_bad_settings(table, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        CallListParams.from_settings(table)


def test_talking_points_are_open_firm_and_end_with_a_dated_commitment():
    s = Situation(as_of=AS_OF, rules=frozenset({"R4"}),
                  overdue=(("FA1", 300000, pd.Timestamp("2026-10-01")), ("FA2", 150000, pd.Timestamp("2026-10-15"))),
                  unsuccessful=2, excuse="cash_flow", excuse_date=pd.Timestamp("2026-11-05"))
    first, second, third = talking_points(s)
    assert first == ("2 factures échues restent impayées, 4\u202f500,00\u00a0€ au total ; la plus ancienne, FA1, est "
                     "échue depuis le 01/10 (50 jours). Où en est leur règlement ?")
    assert "payables au 01/10" in second and "mise en demeure" in second     # 3rd reminder: consequence stated
    assert third.startswith("Je vous propose un règlement de 4\u202f500,00\u00a0€ par virement au plus tard le 27/11.")
    assert "Quelle date de règlement pouvez-vous me confirmer aujourd'hui" in third
    assert excuse_answer(s).startswith("Dernière excuse (trésorerie, le 05/11) : Je comprends")


def test_the_ten_excuses_have_an_answer_in_our_courteous_firm_style():
    assert set(EXCUSE_ANSWERS) == set(EXCUSE)
    for text in EXCUSE_ANSWERS.values():
        lowered = text.lower()
        assert "pourquoi" not in lowered
        assert "n'avez-vous pas" not in lowered and "ne vous a pas" not in lowered
        assert "?" in text                                      # at least one open question


def test_drafts_recaps_reminders_and_letters(tmp_path: Path):
    it = items(("P", "FA-P", "2026-11-10", 1500), ("S", "FA-S", "2026-11-10", 60),
               ("M", "FA-M", "2026-09-15", 5000))
    acts = actions(
        dict(date="2026-11-18", customer_id="P", document_ids="FA-P", outcome="promise", promise_amount=1500,
             promise_date="2026-12-04", payment_method="transfer", contact="Anne Achat", collector="Claire Martin"),
        dict(date="2026-10-01", customer_id="M", channel="email", outcome="reminder_sent"),
        dict(date="2026-10-10", customer_id="M", outcome="no_answer", contact="Marc Dirigeant"),
        dict(date="2026-10-20", customer_id="M", outcome="evasive"))
    cont = contacts(("P", "Anne Achat", "accounting", "01 22 22 22 22", "anne@p.fr"),
                    ("S", "Sam Small", "accounting", "01 22 22 22 23", "sam@s.fr"),
                    ("M", "Marc Dirigeant", "manager", "01 22 22 22 24", "marc@m.fr"))
    cust = customers(it)
    cl = run(it, acts, cust=cust, cont=cont)
    assert list(cl.formal_notices["customer_id"]) == ["M"]
    drafts = write_drafts(tmp_path, cl, acts, cont, cust, company="Ateliers Test SAS")

    assert [p.relative_to(tmp_path).as_posix() for p in drafts.recaps] == [
        "emails/Claire_Martin/recap_P_20261118_1.eml"]
    recap = email.message_from_bytes(drafts.recaps[0].read_bytes(), policy=policy.default)
    assert recap["To"] == "Anne Achat <anne@p.fr>" and recap["X-Unsent"] == "1"
    body = recap.get_content()
    assert "règlement de 1\u202f500,00\u00a0€ par virement au plus tard le 04/12 concernant FA-P" in body

    assert [p.name for p in drafts.reminders] == ["relance_S.eml"]          # 60 € < 100 €: e-mail, not a call
    reminder = email.message_from_bytes(drafts.reminders[0].read_bytes(), policy=policy.default)
    assert reminder["To"] == "Sam Small <sam@s.fr>"
    assert "FA-S : 60,00\u00a0€, échéance du 10/11" in reminder.get_content()

    letter = drafts.letters[0].read_text(encoding="utf-8")
    assert drafts.letters[0].name == "mise_en_demeure_M.html"
    assert "mise en demeure de payer" in letter and "au plus tard le <b>28/11/2026</b>" in letter
    assert "<li>appel du 10/10/2026, resté sans réponse</li>" in letter    # actions taken, without the contact's name
    assert "Marc Dirigeant" not in letter
    # FA-M 5 000 € due 15/09, 66 days late at 12,15 % (2026-H2 not in the table: the last rate, flagged)
    # 500 000 × 12.15 % × 66 / 365 = 10 984.93 → 109,85 €; one late invoice → 40,00 €
    shown = html.unescape(letter)
    assert f"les pénalités de retard dues s'élèvent à {eur('109,85 €')} (au taux de la BCE majoré de 10 points, " \
           f"soit 12,15{NBSP}% l'an" in shown
    assert f"soit {eur('40,00 €')} (article D441-5)" in shown and "[À vérifier : taux du semestre ouvert le " \
           "01/07/2026" in shown


def test_a_cut_row_gets_the_e_mail_its_documents_call_for(tmp_path: Path):
    """Capacity 1: the overdue row is called, the two others are cut and e-mailed. The pre-due
    row's e-mail announces the coming due date (nothing is 'impayé' yet); the mixed row reminds
    the overdue invoice only and mentions the coming one for memory."""
    it = items(("O", "FA-O", "2026-10-20", 9000),                              # 31 days late: called (rank 1)
               ("P", "FA-P", "2026-11-24", 6000),                              # due in 4 days, ≥ 5 000 €: R2
               ("M", "FA-M1", "2026-11-06", 300), ("M", "FA-M2", "2026-11-25", 5000))     # R3 and R2
    cont = contacts(*[(c, f"Compta {c}", "accounting", "01 00 00 00 00", f"compta@{c.lower()}.fr") for c in "OPM"])
    cl = run(it, cont=cont, params=CallListParams(default_capacity=1))
    assert list(cl.rows["customer_id"]) == ["O"]
    drafts = write_drafts(tmp_path, cl, actions(), cont, customers(it), company="Ateliers Test SAS")
    mails = {p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in drafts.reminders}
    assert sorted(mails) == ["relance_M.eml", "relance_P.eml"]

    pre_due = mails["relance_P.eml"]
    assert pre_due["Subject"].startswith("Échéances à venir")
    text = pre_due.get_content()
    assert ("FA-P : 6\u202f000,00\u00a0€, échéance du 24/11" in text
            and "Montant à échoir : 6\u202f000,00\u00a0€" in text)
    assert "impayé" not in text and "échue" not in text

    mixed = mails["relance_M.eml"].get_content().replace("\r\n", "\n")
    assert mails["relance_M.eml"]["Subject"].startswith("Relance : factures échues au 20/11/2026")
    assert "la facture suivante reste impayée à ce jour :\n  - FA-M1 : 300,00\u00a0€, échéance du 06/11" in mixed
    assert "Montant échu : 300,00\u00a0€" in mixed                          # the 5 000 € not yet due are not claimed
    assert "Pour mémoire, à échoir prochainement :\n  - FA-M2 : 5\u202f000,00\u00a0€, échéance du 25/11" in mixed
