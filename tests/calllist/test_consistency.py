"""The call list never contradicts the journal: consistency properties over the sample week and
over randomized journals (hypothesis), and one test per case found on the sample week.

The checks (``consistency.py``) read the outputs a collector or a customer reads and compare
them with the journal as this test computes it, independently of the engine."""

from __future__ import annotations

import re
import tempfile
import warnings
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance_analytics import canonical as rc
from relance_analytics.calllist import CallListParams, call_list
from relance_analytics.calllist.drafts import write_drafts
from relance_analytics.calllist.situation import Situation
from relance_analytics.config import Settings
from relance_analytics.ingest import ingest_folder
from relance_analytics.journal import Journal
from relance_analytics.metrics.enrich import attach_customers
from relance_analytics.metrics.promises import evaluate_promises
from relance_analytics.store import SnapshotStore
from relance_analytics.text.talking_points import excuse_answer, talking_points

from .consistency import counts, letter_text, violations
from .helpers import AS_OF, actions, customers, eur, items

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory):
    """The sample week of 20/11/2026 as the weekly run builds it: every snapshot (for the
    promises), the journal, the call list and its drafts."""
    root = tmp_path_factory.mktemp("week")
    store = SnapshotStore(root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest_folder(SAMPLE / "exports", store)
        customers_ = rc.read_customers(SAMPLE / "customers.xlsx")
        contacts = rc.read_contacts(SAMPLE / "customers.xlsx")
        disputes = rc.read_disputes(SAMPLE / "disputes.xlsx")
    with Journal.open(root) as journal:
        journal.import_file(SAMPLE / "actions.xlsx")
        acts = journal.actions(until=AS_OF)
    promises = evaluate_promises(acts, store.up_to(AS_OF), AS_OF)
    params = CallListParams.from_settings(Settings.load(SAMPLE / "relance.toml"))
    cl = call_list(attach_customers(store.read(AS_OF), customers_), customers_, acts, disputes, AS_OF, params,
                   contacts=contacts, promises=promises)
    drafts = root / "brouillons"
    written = write_drafts(drafts, cl, acts, contacts, customers_, company="Ateliers Durand Industrie SAS")
    return cl, acts, promises, drafts, written


def test_the_sample_week_contradicts_nothing(week):
    cl, acts, promises, drafts, _ = week
    found = violations(cl, acts, promises, drafts)
    assert found == [], counts(found)
    assert len(cl.rows) > 50 and len(cl.formal_notices) > 10     # (the checks had rows and letters to read)


def _row(cl, cid: str) -> pd.Series:
    rows = pd.concat([cl.rows, cl.deferred], ignore_index=True)
    return rows[rows["customer_id"] == cid].iloc[0]


def _letter(drafts: Path, cid: str) -> str:
    return letter_text((drafts / "mises_en_demeure" / f"mise_en_demeure_{cid}.html").read_text(encoding="utf-8"))


# -- each case found on the sample week --------------------------------------------------------
def test_c0018_a_pending_promise_is_acknowledged(week):
    row = _row(week[0], "C0018")
    assert row["situation"].startswith(f"Le 10/11, vous nous avez promis un règlement de {eur('35 883,78 €')}")
    assert "pour le 27/11 : nous comptons sur ce règlement. En dehors de cet engagement, 5 factures échues" \
        in row["situation"]
    assert "FA2026-013400" not in row["documents"]               # promised: not chased again


def test_c0046_the_formal_notice_sent_is_known(week):
    row = _row(week[0], "C0046")
    assert "(mise en demeure envoyée le 26/10)" in row["reminders"] and "niveau" not in row["reminders"]
    assert "Une mise en demeure vous a été adressée le 26/10" in row["requirement"]
    assert "nous vous adresserons une mise en demeure" not in row["requirement"]


def test_sophie_bernards_first_row_does_not_threaten_what_it_advises_against(week):
    row = week[0].by_collector["Sophie Bernard"].iloc[0]
    assert row["customer_id"] == "C0102" and "Difficultés financières signalées" in row["notes"]
    for column in ("requirement", "next_step", "proposal"):
        assert "contentieux" not in row[column]
    assert "sans règlement ni échéancier daté, nous vous adresserons une mise en demeure" in row["requirement"]
    assert "de faire le point le 17/11" in row["situation"]      # the callback's own date, not « aujourd'hui »


def test_c0009_a_second_notice_says_so(week):
    text = _letter(week[3], "C0009")
    assert "Objet : nouvelle mise en demeure de payer" in text
    assert "Nous vous avons déjà adressé des mises en demeure les 29/06/2026 et 28/09/2026." in text
    assert "Nos références : compte client C0009" in text and "Vos références" not in text
    assert "(clients non payés)" not in text and "excuse" not in text


def test_letters_follow_their_own_list_of_actions(week):
    cl, _, _, drafts, _ = week
    for cid in cl.formal_notices["customer_id"]:
        text = _letter(drafts, cid)
        actions_part = text.split("Nos démarches à ce sujet :")[1].split("Par la présente")[0]
        if "promis pour le" in actions_part:
            assert "Aucun engagement de paiement daté n'a été obtenu" not in text, cid
        assert "vous vous étiez engagé" not in text


def test_counts_say_which_documents_they_count(week):
    for _, row in pd.concat([week[0].rows, week[0].deferred]).iterrows():
        text = " ".join(row[c] for c in ("situation", "requirement", "proposal"))
        assert not re.search(r"\b\d+ factures de \d", text), row["customer_id"]
        assert "engagé" not in text


def test_every_draft_has_a_sender_and_unaddressed_ones_are_named(week):
    written = week[4]
    assert written.no_sender == []
    assert written.recaps and written.reminders
    for path in written.recaps + written.reminders:
        msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert str(msg["From"]).endswith("@ateliers-durand.fr>"), path.name
        assert (msg["To"] is not None) != path.stem.endswith("_sans_adresse"), path.name
    assert set(written.unaddressed) <= set(written.recaps + written.reminders)


# -- hand-built cases -----------------------------------------------------------------------------
def test_a_duplicate_already_sent_is_not_offered_again():
    s = Situation(as_of=AS_OF, rules=frozenset({"R4"}), overdue=(("FA1", 120000, pd.Timestamp("2026-10-01")),),
                  excuse="invoice_not_received", excuse_date=pd.Timestamp("2026-11-04"),
                  documents_sent=((pd.Timestamp("2026-11-05"), ("FA1",)),))
    answer = excuse_answer(s)
    assert answer.startswith("Dernière excuse (facture non reçue, le 04/11) : Le duplicata vous a été envoyé le 05/11 "
                             "(FA1).")
    assert "Je vous envoie le duplicata" not in answer
    before = Situation(as_of=AS_OF, rules=frozenset({"R4"}), overdue=s.overdue, excuse="invoice_not_received",
                       excuse_date=pd.Timestamp("2026-11-04"))
    assert "Je vous envoie le duplicata" in excuse_answer(before)          # not sent yet: offered


def test_a_stale_excuse_is_not_answered_after_a_dated_promise():
    it = items(("A", "FA1", "2026-10-01", 1200), ("A", "FA2", "2026-11-10", 800))
    acts = actions(dict(date="2026-10-20", customer_id="A", outcome="excuse", excuse="invoice_not_received"),
                   dict(date="2026-10-22", customer_id="A", outcome="promise", promise_amount=800,
                        promise_date="2026-10-30", document_ids="FA9"))
    cl = call_list(it, customers(it), acts, None, AS_OF)
    assert _row(cl, "A")["excuse_answer"] == ""


def test_the_neutral_promise_wording():
    s = Situation(as_of=AS_OF, rules=frozenset({"R1"}), overdue=(("FA1", 120000, pd.Timestamp("2026-10-01")),),
                  broken=(pd.Timestamp("2026-11-12"), 120000))
    first = talking_points(s)[0]
    assert first.startswith(f"Vous nous aviez promis un règlement de {eur('1 200,00 €')} pour le 12/11 ; il ne nous "
                            "est pas parvenu à ce jour.")


# -- randomized journals ---------------------------------------------------------------------------
OUTCOMES = ("promise", "no_answer", "evasive", "excuse", "callback", "document_requested", "document_sent",
            "reminder_sent", "formal_notice_sent", "dispute")
DOCS = {"A": ("FA-A1", "FA-A2", "FA-A3", "FA-A4"), "B": ("FA-B1", "FA-B2", "FA-B3")}
ITEMS = items(("A", "FA-A1", "2026-09-10", 4200), ("A", "FA-A2", "2026-10-05", 1800), ("A", "FA-A3", "2026-11-12", 950),
              ("A", "FA-A4", "2026-11-24", 7300), ("B", "FA-B1", "2026-08-30", 2600), ("B", "FA-B2", "2026-10-28", 640),
              ("B", "FA-B3", "2026-11-21", 5200), ("B", "AV-B1", "2026-11-01", -300))


@st.composite
def journals(draw: st.DrawFn) -> pd.DataFrame:
    """Up to ten actions on two customers, recent enough to fall in their unpaid episodes: every
    outcome, promises dated around the as-of date (kept, broken or still running), excuses, and
    duplicates sent after a "not received" excuse."""
    rows: list[dict[str, object]] = []
    for _ in range(draw(st.integers(0, 10))):
        cid = draw(st.sampled_from(sorted(DOCS)))
        outcome = draw(st.sampled_from(OUTCOMES))
        date = AS_OF - pd.Timedelta(days=draw(st.integers(0, 60)))
        docs = ",".join(draw(st.lists(st.sampled_from(DOCS[cid]), min_size=1, max_size=3, unique=True)))
        row: dict[str, object] = {"date": date, "customer_id": cid, "outcome": outcome, "document_ids": docs}
        if outcome == "formal_notice_sent":
            row["channel"] = "formal_notice"
        elif outcome in ("reminder_sent", "document_sent"):
            row["channel"] = draw(st.sampled_from(("email", "letter")))
        if outcome == "promise" and draw(st.integers(0, 3)):
            around = AS_OF + pd.Timedelta(days=draw(st.integers(-20, 15)))
            row["promise_date"] = max(date + pd.Timedelta(days=1), around)
            if draw(st.booleans()):
                row["promise_amount"] = draw(st.sampled_from((640.0, 1800.0, 2600.0, 4200.0)))
            row["payment_method"] = "transfer"
        if outcome == "excuse" or (outcome in ("promise", "evasive") and draw(st.booleans())):
            row["excuse"] = draw(st.sampled_from(("invoice_not_received", "cash_flow", "customers_not_paid",
                                                  "awaiting_approval", "commercial_dispute")))
        if outcome == "callback":
            row["callback_date"] = date + pd.Timedelta(days=draw(st.integers(1, 10)))
        rows.append(row)
        if row.get("excuse") == "invoice_not_received" and date < AS_OF and draw(st.booleans()):
            rows.append({"date": date + pd.Timedelta(days=1), "customer_id": cid, "outcome": "document_sent",
                         "channel": "email", "document_ids": docs})
    return actions(*sorted(rows, key=lambda r: r["date"]))  # type: ignore[arg-type, return-value]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journals())
def test_randomized_journals_are_never_contradicted(acts: pd.DataFrame):
    acts = acts.assign(id=range(1, len(acts) + 1))
    promises = evaluate_promises(acts, {AS_OF: ITEMS}, AS_OF)
    params = CallListParams(significant_amount_cents=500_000, small_amount_cents=0)
    cl = call_list(ITEMS, customers(ITEMS), acts, None, AS_OF, params, promises=promises)
    with tempfile.TemporaryDirectory() as tmp:
        write_drafts(Path(tmp), cl, acts, company="Test SAS")
        found = violations(cl, acts, promises, Path(tmp))
    assert found == [], found
