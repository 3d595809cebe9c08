"""The legal figures as the report shows them (« Chiffres légaux », and the provisions' tax file):
sentences, screen tables, the index's figures and the workbooks read back with openpyxl, on small
ledgers whose figures are worked out by hand in the comments."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest

from relance_analytics import frames
from relance_analytics.config import Settings
from relance_analytics.metrics.penalties import PenaltyParams, late_payment_penalties, paid_late_penalties
from relance_analytics.metrics.provision_evidence import EvidenceParams, provision_evidence
from relance_analytics.metrics.provisions import provisions
from relance_analytics.metrics.terms_compliance import terms_compliance, terms_vs_payments
from relance_analytics.report import legal as rl
from relance_analytics.report import provisions as rp
from relance_analytics.store import SnapshotStore
from relance_analytics.weekly import NOTEBOOKS_DIR
from tests.calllist import helpers

AS_OF = pd.Timestamp("2026-11-20")
NBSP = "\u00a0"
EURO = NBSP + "€"


def open_items(rows: list[tuple]) -> pd.DataFrame:
    """Open items from (customer, document, type, document date, due date, TTC cents) tuples."""
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build({
        "customer_id": [r[0] for r in rows], "customer_name": [f"Client {r[0]}" for r in rows],
        "document_id": [r[1] for r in rows], "document_type": [r[2] for r in rows],
        "document_date": [r[3] for r in rows], "due_date": [r[4] for r in rows],
        "amount_cents": [r[5] for r in rows]}))


#: The as-of ledger. At 12,15 % (ECB 2,15 % + 10 points; 2026-H2 is past the shipped table, so
#: estimated) and the floor 3 × 2,62 % = 7,86 % (legal interest rate of 2026-H1, estimated too):
#: F1  1 000,00 € 30 days late:  100 000 × 121 500 × 30 / 365 000 000 = 998,6 → 9,99 €
#: F2    500,00 € 153 days late (10 in 2026-H1, 143 in 2026-H2, both 12,15 %):
#:       50 000 × 121 500 × 153 / 365 000 000 = 2 546,5 → 25,47 €
#: F4  1 000,00 € 10 days late, C3's contract 5 % < floor 7,86 %: 100 000 × 78 600 × 10 / 365e6 → 2,15 €
#: plus 40 € per late invoice; AV1 (credit note) and F3 (not due) carry nothing.
#: F5 (C2) is agreed at 101 days (01/08 → 10/11): beyond the legal 60 days / 45 days end of month.
LEDGER = [
    ("C1", "F1", "invoice", "2026-09-21", "2026-10-21", 100_000),
    ("C1", "F2", "invoice", "2026-05-21", "2026-06-20", 50_000),
    ("C1", "AV1", "credit_note", "2026-10-01", "2026-10-01", -10_000),
    ("C2", "F3", "invoice", "2026-11-01", "2026-12-01", 20_000),
    ("C3", "F4", "invoice", "2026-10-11", "2026-11-10", 100_000),
]
PARAMS = PenaltyParams(customer_rates={"C3": 50_000})


@pytest.fixture(scope="module")
def penalties():
    return late_payment_penalties(open_items(LEDGER), AS_OF, PARAMS)


def rows_of(ws) -> tuple[list[str], list[dict[str, object]]]:
    """(headers, rows) of a sheet written by io.excel (title, blank row, header row, rows)."""
    values = list(ws.iter_rows(values_only=True))
    headers = list(values[2])
    return headers, [dict(zip(headers, r)) for r in values[3:]]


def test_rates_are_written_exactly_in_french():
    assert rl.rate_text(121_500) == "12,15" + NBSP + "%"
    assert rl.rate_text(21_500) == "2,15" + NBSP + "%"
    assert rl.rate_text(100_000) == "10,00" + NBSP + "%"
    assert rl.rate_text(121_234) == "12,1234" + NBSP + "%"
    assert rl.half_year_label(pd.Timestamp("2026-07-01")) == "2e semestre 2026"
    assert rl.half_year_label(pd.Timestamp("2026-01-01")) == "1er semestre 2026"


def test_penalties_due_hand_checked(penalties):
    by_doc = penalties.items.set_index("document_id")
    assert by_doc.loc["F1", "penalty_cents"] == 999 and by_doc.loc["F2", "penalty_cents"] == 2_547
    assert by_doc.loc["F4", "penalty_cents"] == 215 and bool(by_doc.loc["F4", "below_floor"])
    assert rl.penalty_totals(penalties) == {"penalty": 3_761, "indemnity": 12_000, "total": 15_761, "invoices": 3,
                                            "indemnified": 3, "customers": 2, "amount": 250_000}
    headline = rl.penalties_headline(penalties, AS_OF, PARAMS)
    assert headline.startswith("**Pénalités de retard et indemnités dues au 20/11/2026 : 157,61" + EURO + "**")
    assert "37,61" + EURO + " de pénalités" in headline and "120,00" + EURO + " d'indemnités" in headline
    assert "3 factures échues de 2 clients" in headline


def test_a_half_year_past_the_rate_table_is_warned_visibly(penalties):
    warning = rl.estimated_warning(penalties, PARAMS)
    assert warning.startswith("> ⚠ **Taux estimé**")
    assert "taux BCE du 2e semestre 2026 n'est pas dans la table" in warning
    assert "2,15" + NBSP + "%" in warning and "12,15" + NBSP + "%" in warning
    assert "taux d'intérêt légal du 2e semestre 2026" in warning        # C3 has a contract: its floor too
    assert "`[legal] ecb_rates`" in warning and "3 facture(s)" in warning
    known = late_payment_penalties(open_items([("C1", "F1", "invoice", "2026-04-01", "2026-05-01", 100_000)]),
                                   "2026-06-30", PARAMS)
    assert known.estimated == () and rl.estimated_warning(known, PARAMS) == ""


def test_rates_table_and_contract_floor(penalties):
    table = rl.rates_table(penalties, PARAMS)
    rows = table.to_dict("records")
    assert [(r["Semestre"], r["Taux appliqué"], r["Base"], r["Factures"], r["Taux du semestre"]) for r in rows] == [
        ("1er semestre 2026", "12,15" + NBSP + "%", "taux BCE + 10 points", 1, "connu"),
        ("2e semestre 2026", "7,86" + NBSP + "%", "plancher : 3 × taux d'intérêt légal", 1,
         "estimé : dernier taux connu"),
        ("2e semestre 2026", "12,15" + NBSP + "%", "taux BCE + 10 points", 2, "estimé : dernier taux connu"),
    ]
    text = rl.floor_text(penalties, PARAMS)
    assert "1 taux contractuel(s) par client" in text and "**1 facture(s) de 1 client(s)" in text
    below = rl.below_floor_table(penalties, PARAMS)
    assert below.to_dict("records") == [{"Code client": "C3", "Raison sociale": "Client C3",
                                         "Taux contractuel": "5,00" + NBSP + "%", "Factures": 1,
                                         "Pénalités (au plancher)": "2,15" + EURO}]
    legal_only = late_payment_penalties(open_items(LEDGER), AS_OF)
    assert "aucun taux contractuel" in rl.floor_text(legal_only, PenaltyParams())


def test_top_customers_then_the_total(penalties):
    shown = rl.customers_table(penalties.by_customer, top=1)
    assert list(shown.columns) == ["Code client", "Raison sociale", "Factures en retard", "Solde TTC en retard",
                                   "Pénalités", "Indemnités", "Total dû"]
    assert shown["Code client"].tolist() == ["C1", "Total"]                # C1 owes 115,46 €, C3 42,15 €
    assert shown.iloc[0]["Total dû"] == "115,46" + EURO and shown.iloc[1]["Total dû"] == "157,61" + EURO


def snapshot_store(tmp_path: Path) -> SnapshotStore:
    """F5 (C1, 1 000 €, due 01/10) paid 600 € between 06/11 and 13/11, the rest by 20/11; F6 (C2)
    paid before its due date; F7 (C2) agreed at 101 days, still open."""
    store = SnapshotStore(tmp_path / "ws")
    f6 = ("C2", "F6", "invoice", "2026-10-20", "2026-12-01", 30_000)
    f7 = ("C2", "F7", "invoice", "2026-08-01", "2026-11-10", 20_000)
    store.write("2026-11-06", open_items([("C1", "F5", "invoice", "2026-09-01", "2026-10-01", 100_000), f6, f7]))
    store.write("2026-11-13", open_items([("C1", "F5", "invoice", "2026-09-01", "2026-10-01", 40_000), f6, f7]))
    store.write("2026-11-20", open_items([f7]))
    return store


def test_penalties_on_payments_read_from_snapshots_take_the_day_after_the_earlier_one(tmp_path):
    period = rl.period_payments(snapshot_store(tmp_path), AS_OF)
    assert (period.start, period.end, period.weeks) == (pd.Timestamp("2026-08-22"), AS_OF, 13)
    assert period.snapshots == tuple(pd.Timestamp(d) for d in ("2026-11-06", "2026-11-13", "2026-11-20"))
    claims = paid_late_penalties(period.claims, period.start, period.end)
    # 600 € from 02/10 to 07/11 (37 days): 60 000 × 121 500 × 37 / 365e6 = 739,0 → 7,39 €
    # 400 € from 02/10 to 14/11 (44 days): 40 000 × 121 500 × 44 / 365e6 = 585,9 → 5,86 €; 40 € once
    items = claims.items.set_index("on")
    assert items.loc[pd.Timestamp("2026-11-07"), "penalty_cents"] == 739
    assert items.loc[pd.Timestamp("2026-11-14"), "penalty_cents"] == 586
    assert rl.penalty_totals(claims)["total"] == 739 + 586 + 4_000
    assert "F6" not in set(claims.items["document_id"])                    # paid before its due date
    assert "**le lendemain de la balance précédente**" in rl.payment_source_text(period)
    headline = rl.paid_late_headline(claims, period)
    assert headline.startswith("**Pénalités à facturer sur les règlements en retard du 22/08/2026 au 20/11/2026 : "
                               "53,25" + EURO + "**")
    assert "2 règlements en retard de 1 clients" in headline and "(1 factures)" in headline
    # the habits take the middle of each interval: 06/11 + 3,5 days → 09/11, 13/11 + 3,5 → 16/11
    assert sorted(period.habits["paid_on"].unique()) == [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-16")]


def test_the_workbook_reads_back_as_the_metrics(tmp_path, penalties):
    store = snapshot_store(tmp_path)
    period = rl.period_payments(store, AS_OF)
    claims = paid_late_penalties(period.claims, period.start, period.end, PARAMS)
    items = store.read(AS_OF)
    compliance = terms_compliance(items)
    vs = terms_vs_payments(period.invoices, period.habits)
    path = rl.write_legal(tmp_path / rl.WORKBOOK, AS_OF, penalties, claims, period, compliance, vs)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Pénalités par facture", "Pénalités par client", "Règlements en retard",
                             "À facturer par client", "Conformité des délais", "Factures hors délai"]
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]

    headers, rows = rows_of(wb["Pénalités par facture"])
    assert headers == ["Code client", "Raison sociale", "N° pièce", "Échéance", "Retard compté jusqu'au",
                       "Jours de retard", "Solde TTC", "Taux appliqué", "Pénalités", "Indemnité forfaitaire",
                       "Total dû", "Taux estimé", "Taux contractuel relevé au plancher"]
    f2 = next(r for r in rows if r["N° pièce"] == "F2")
    assert f2["Taux appliqué"] == ("12,15" + NBSP + "% (1er semestre 2026, 10 j) ; 12,15" + NBSP
                                   + "% (2e semestre 2026, 143 j)")
    assert (f2["Jours de retard"], f2["Pénalités"], f2["Indemnité forfaitaire"], f2["Total dû"]) == \
        (153, 25.47, 40, 65.47)
    assert f2["Échéance"].date().isoformat() == "2026-06-20" and f2["Taux estimé"] == "oui"
    assert next(r for r in rows if r["N° pièce"] == "F4")["Taux contractuel relevé au plancher"] == "oui"
    total = rows[-1]
    assert total["Code client"] == "Total" and round(total["Total dû"] * 100) == 15_761
    assert [r["N° pièce"] for r in rows[:-1]] == ["F2", "F1", "F4"]       # by customer, then due date

    _, rows = rows_of(wb["Pénalités par client"])
    assert [(r["Code client"], r["Factures en retard"], r["Pénalités"], r["Indemnités"], r["Total dû"])
            for r in rows] == [("C1", 2, 35.46, 80, 115.46), ("C3", 1, 2.15, 40, 42.15),
                               ("Total", 3, 37.61, 120, 157.61)]

    headers, rows = rows_of(wb["Règlements en retard"])
    assert "Date de règlement retenue" in headers and "Montant réglé" in headers
    assert [(r["N° pièce"], r["Date de règlement retenue"].date().isoformat(), r["Montant réglé"], r["Pénalités"],
             r["Indemnité forfaitaire"], r["Date de règlement"]) for r in rows[:-1]] == [
        ("F5", "2026-11-07", 600, 7.39, 40, "lendemain de la balance précédente"),
        ("F5", "2026-11-14", 400, 5.86, 0, "lendemain de la balance précédente")]  # 40 € once
    _, rows = rows_of(wb["À facturer par client"])
    assert [(r["Code client"], r["Règlements en retard"], r["Total à facturer"]) for r in rows] == [
        ("C1", 2, 53.25), ("Total", 2, 53.25)]

    _, rows = rows_of(wb["Conformité des délais"])
    c2 = next(r for r in rows if r["Code client"] == "C2")
    assert (c2["Factures ouvertes"], c2["Hors délai légal"], c2["Part hors délai (nombre)"],
            c2["Solde hors délai"], c2["Délai convenu max (j)"], c2["Dépassement max (j)"]) == (1, 1, 1, 200, 101, 26)
    c1 = next(r for r in rows if r["Code client"] == "C1")       # paid F5, has nothing open: listed for its payments
    assert (c1["Factures ouvertes"], c1["Factures réglées (période)"]) == (0, 1)
    assert rows[-1]["Code client"] == "Total" and rows[-1]["Factures réglées (période)"] == vs.total["paid"].iloc[0]
    _, rows = rows_of(wb["Factures hors délai"])
    assert [(r["N° pièce"], r["Délai convenu (j)"], r["Échéance au plus tard (légale)"].date().isoformat())
            for r in rows[:-1]] == [("F7", 101, "2026-10-15")]        # end of August + 45 days (> 01/08 + 60)


def test_terms_sentences(tmp_path):
    store = snapshot_store(tmp_path)
    period = rl.period_payments(store, AS_OF)
    compliance = terms_compliance(store.read(AS_OF))
    text = rl.terms_headline(compliance, AS_OF)
    assert text.startswith("**Factures ouvertes hors délai légal au 20/11/2026 : 100,0" + NBSP + "%** (1 sur 1)")
    assert "200,00" + EURO in text and "plafond légal : 60 jours" in text
    vs = terms_vs_payments(period.invoices, period.habits)
    assert "milieu de l'intervalle entre deux balances" in rl.habits_text(vs, period)
    assert rl.non_compliant_table(compliance)["Code client"].tolist() == ["C2"]


def test_key_figures_link_to_the_page_headings(tmp_path, penalties):
    store = snapshot_store(tmp_path)
    period = rl.period_payments(store, AS_OF)
    claims = paid_late_penalties(period.claims, period.start, period.end)
    compliance = terms_compliance(store.read(AS_OF))
    figures = {f.key: f for f in rl.key_figures(penalties, claims, compliance, period)}
    assert {k: (f.value, f.section, f.heading) for k, f in figures.items()} == {
        "penalties_due": (15_761, "legal", rl.PENALTIES_HEADING),
        "paid_late_claims": (5_325, "legal", rl.PAID_LATE_HEADING),
        "non_compliant_share": (1.0, "legal", rl.TERMS_HEADING)}
    assert figures["penalties_due"].text in rl.penalties_headline(penalties, AS_OF, PARAMS)
    assert figures["paid_late_claims"].text in rl.paid_late_headline(claims, period)
    assert figures["non_compliant_share"].text in rl.terms_headline(compliance, AS_OF)
    assert figures["paid_late_claims"].label == "À facturer sur les règlements en retard (13 semaines)"


def notebook_headings(name: str) -> list[str]:
    nb = nbformat.read(NOTEBOOKS_DIR / f"{name}.ipynb", as_version=4)
    return [line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("#")]


def test_the_notebooks_carry_the_headings_the_index_links_to():
    assert notebook_headings("legal") == [rl.TITLE, rl.PENALTIES_HEADING, rl.PAID_LATE_HEADING, rl.TERMS_HEADING,
                                          rl.D441_HEADING, "Classeur Excel"]
    assert rp.EVIDENCE_HEADING in notebook_headings("provisions")


# --- the D441-6 table's close ---------------------------------------------------------------------


def test_the_close_needs_a_fiscal_year_end(tmp_path):
    closing = rl.closing_items(Settings(), snapshot_store(tmp_path), AS_OF, tmp_path)
    assert closing.items is None and closing.close is None
    assert 'fiscal_year_end = \\"30/09\\"' not in closing.problem and 'fiscal_year_end = "30/09"' in closing.problem


def test_a_close_without_a_near_snapshot_says_so_and_gives_the_fec_command(tmp_path):
    settings = Settings(fiscal_year_end=(9, 30))
    closing = rl.closing_items(settings, snapshot_store(tmp_path), AS_OF, Path("/srv/donnees"))
    assert closing.close == pd.Timestamp("2026-09-30") and closing.items is None
    assert "**Tableau D441-6 non établi pour la clôture du 30/09/2026**" in closing.problem
    assert "la première balance intégrée est du 06/11/2026, après la clôture" in closing.problem
    assert "`relance delais-paiement --cloture 2026-09-30 --data /srv/donnees --fec FEC.txt`" in closing.problem


def test_a_snapshot_a_few_days_before_the_close_stands_for_it(tmp_path):
    store = snapshot_store(tmp_path)
    store.write("2026-09-25", open_items([("C1", "F5", "invoice", "2026-09-01", "2026-09-10", 100_000)]))
    closing = rl.closing_items(Settings(fiscal_year_end=(9, 30)), store, AS_OF, tmp_path)
    assert closing.close == pd.Timestamp("2026-09-30") and closing.problem == ""
    assert closing.items is not None and closing.items["document_id"].tolist() == ["F5"]
    assert closing.source.startswith("balance intégrée du 25/09/2026, la dernière avant la clôture (5 jours plus tôt)")


# --- relance.toml [legal] -------------------------------------------------------------------------


def test_penalty_keys_are_read_from_relance_toml_with_rate_tables_beside_it(tmp_path, monkeypatch):
    data = tmp_path / "donnees"
    data.mkdir()
    (data / "taux_bce.csv").write_text("start,ecb_rate\n2026-01-01,2.15\n2026-07-01,2.00\n", encoding="utf-8")
    (data / "relance.toml").write_text('[legal]\nfiscal_year_end = "31/12"\necb_rates = "taux_bce.csv"\n'
                                       'penalty_rate = "12.5"\n[legal.customer_penalty_rates]\nC3 = 9\n',
                                       encoding="utf-8")
    monkeypatch.chdir(tmp_path)                                 # not the data folder: the path is taken beside it
    settings = Settings.load(Path("donnees") / "relance.toml")
    params = PenaltyParams.from_settings(settings)
    assert settings.fiscal_year_end == (12, 31)
    assert params.contractual == 125_000 and params.customer_rates == {"C3": 90_000}
    assert params.ecb["rate"].tolist() == [21_500, 20_000]
    late = open_items([("C1", "F1", "invoice", "2026-06-01", "2026-07-01", 100_000)])
    assert late_payment_penalties(late, AS_OF, PenaltyParams(ecb=params.ecb)).estimated == ()   # in the user's table
    assert late_payment_penalties(late, AS_OF, params).estimated != ()     # the contract's floor: the shipped table
    (data / "relance.toml").write_text('[legal]\npenalty_rates = "12.5"\n', encoding="utf-8")
    with pytest.raises(Exception, match="clé inconnue penalty_rates"):
        Settings.load(data / "relance.toml")


# --- the provisions' tax file (CGI art. 39-1-5°) -------------------------------------------------------


def test_steps_are_written_in_french():
    steps = ((pd.Timestamp("2026-05-04"), "formal_notice", "formal_notice_sent"),
             (pd.Timestamp("2026-11-02"), "phone", "evasive"))
    assert rp.steps_text(steps) == "04/05/2026 mise en demeure ; 02/11/2026 appel : réponse évasive"
    assert rp.step_text((pd.Timestamp("2026-10-01"), "email", "reminder_sent")) == "01/10/2026 e-mail : relance envoyée"
    assert rp.steps_text(()) == ""


@pytest.fixture(scope="module")
def evidence():
    """Three invoices provisioned on age (C1: 150 days late, 25 %; C2: 400 days, 100 %) and one of a
    customer in liquidation (C3): C1's A1 has a formal notice and a recent call, A2 nothing but an
    account-level e-mail 90 days ago; C2 nothing; C3 nothing but is not flagged (a judgment)."""
    items = open_items([
        ("C1", "A1", "invoice", "2026-05-24", "2026-06-23", 120_000),
        ("C1", "A2", "invoice", "2026-05-24", "2026-06-23", 60_000),
        ("C2", "B1", "invoice", "2025-09-16", "2025-10-16", 24_000),
        ("C3", "L1", "invoice", "2026-10-01", "2026-10-31", 12_000),
    ])
    customers = frames.CUSTOMERS.validate(frames.CUSTOMERS.build({
        "customer_id": ["C1", "C2", "C3"], "customer_name": ["Client C1", "Client C2", "Client C3"],
        "collector": ["Claire"] * 3, "status": ["active", "active", "liquidation"], "provision_rate": [None] * 3}))
    schedule = provisions(items, AS_OF, customers=customers)
    actions = helpers.actions(
        {"date": "2026-08-22", "customer_id": "C1", "channel": "email", "outcome": "reminder_sent"},
        {"date": "2026-09-01", "customer_id": "C1", "document_ids": "A1", "channel": "formal_notice",
         "outcome": "formal_notice_sent"},
        {"date": "2026-11-02", "customer_id": "C1", "document_ids": "A1", "outcome": "evasive"},
        {"date": "2026-11-25", "customer_id": "C2", "outcome": "promise"},        # after the as-of date
    )
    return provision_evidence(schedule, actions, AS_OF, EvidenceParams())


def test_the_tax_file_flags_thin_evidence(evidence):
    # provisions (HT at 20 %): A1 1 000 € × 25 % = 250 €, A2 500 € × 25 % = 125 €, B1 200 € × 100 %, L1 100 € × 100 %
    by_doc = evidence.set_index("document_id")
    assert by_doc["provision_cents"].to_dict() == {"A1": 25_000, "A2": 12_500, "B1": 20_000, "L1": 10_000}
    assert by_doc["flagged"].to_dict() == {"A1": False, "A2": True, "B1": True, "L1": False}
    headline = rp.evidence_headline(evidence, AS_OF)
    assert headline.startswith("**Provisions à documenter : 325,00" + EURO + "** sur 2 pièces ; 4 pièces "
                               "provisionnées au 20/11/2026 pour 675,00" + EURO)
    assert "1 n'ont aucune démarche depuis l'échéance, 2 pas de mise en demeure, 2 aucune démarche depuis 60 jours" \
        in headline
    flags = rp.flag_table(evidence).set_index("Critère")
    assert flags.loc["Aucune démarche de recouvrement depuis l'échéance"].tolist() == [1, "200,00" + EURO]
    assert flags.loc["Total à documenter (au moins un critère)"].tolist() == [2, "325,00" + EURO]
    shown = rp.flagged_table(evidence)
    assert shown["N° pièce"].tolist() == ["B1", "A2"]                    # largest provision first
    assert shown.set_index("N° pièce").loc["A2", "Démarches (journal)"] == \
        "1 démarche : 22/08/2026 e-mail : relance envoyée"
    assert shown.set_index("N° pièce").loc["B1", "Démarches (journal)"] == "aucune"
    a1 = evidence.set_index("document_id").loc["A1", "steps"]
    assert rp.last_steps_text(a1) == ("3 démarches, dont les 2 dernières : 01/09/2026 mise en demeure ; "
                                      "02/11/2026 appel : réponse évasive")
    figures = {f.key: f for f in rp.key_figures(pd.DataFrame({"provision_cents": [67_500], "age_only": [True]}),
                                                None, None, evidence)}
    assert figures["provision_flagged"].value == 32_500 and figures["provision_flagged"].heading == rp.EVIDENCE_HEADING
    assert figures["provision_flagged"].text in headline


def test_the_tax_file_workbook_reads_back(tmp_path, evidence):
    path = rp.write_dossier(tmp_path / rp.DOSSIER_WORKBOOK, AS_OF, evidence)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Pièces provisionnées", "À documenter"]
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    _, synthesis = rows_of(wb["Synthèse"])
    assert {r["Poste"]: (r["Pièces"], r["Provision"]) for r in synthesis} == {
        "Provisions pour créances douteuses": (4, 675),
        "dont justifiées par une procédure ou un taux client": (1, 100),
        "dont sur le seul retard": (3, 575),
        "Provisions à documenter (au moins un critère)": (2, 325),
        "dont aucune démarche de recouvrement depuis l'échéance": (1, 200),
        "dont pas de mise en demeure depuis l'échéance": (2, 325),
        "dont aucune démarche depuis 60 jours": (2, 325)}
    headers, rows = rows_of(wb["Pièces provisionnées"])
    assert headers[:12] == ["Code client", "Raison sociale", "Recouvreur", "N° pièce", "Échéance", "Jours de retard",
                            "Solde TTC", "Base HT", "Taux", "Règle appliquée", "Provision", "Retard seul (à justifier)"]
    a1 = next(r for r in rows if r["N° pièce"] == "A1")
    assert a1["Démarches de recouvrement (journal)"] == \
        "22/08/2026 e-mail : relance envoyée ; 01/09/2026 mise en demeure ; 02/11/2026 appel : réponse évasive"
    assert (a1["Provision"], a1["Base HT"], a1["Taux"], a1["Règle appliquée"], a1["Démarches"]) == \
        (250, 1000, 0.25, "Retard de 91 à 180 j", 3)
    assert a1["Dernière mise en demeure"].date().isoformat() == "2026-09-01" and a1["À documenter"] == "non"
    b1 = next(r for r in rows if r["N° pièce"] == "B1")
    assert b1["Démarches de recouvrement (journal)"] is None and b1["Aucune démarche"] == "oui"
    l1 = next(r for r in rows if r["N° pièce"] == "L1")
    assert l1["Règle appliquée"] == "Liquidation judiciaire" and l1["À documenter"] == "non"
    assert rows[-1]["Code client"] == "Total" and rows[-1]["Provision"] == 675
    _, flagged = rows_of(wb["À documenter"])
    assert sorted(r["N° pièce"] for r in flagged[:-1]) == ["A2", "B1"]


def test_index_lists_the_new_workbooks(tmp_path):
    from relance_analytics.report.index import WORKBOOKS, write_index

    for name in (rl.WORKBOOK, rl.D441_WORKBOOK, rp.DOSSIER_WORKBOOK):
        (tmp_path / name).write_bytes(b"")
    page = write_index(tmp_path, AS_OF, []).read_text(encoding="utf-8")
    for name in (rl.WORKBOOK, rl.D441_WORKBOOK, rp.DOSSIER_WORKBOOK):
        assert f'href="{name}"' in page and WORKBOOKS[name].split(" :")[0] in page
    assert json.dumps(WORKBOOKS, ensure_ascii=False).count("classeur") == 0


# --- with a FEC: exact payment dates, open items at the exact close ----------------------------------------

FEC_HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\t"
              "PieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\t"
              "Idevise\tDateEcheance")


def fec_line(journal: str, num: int, day: str, piece: str, debit: str, credit: str, letter: str = "",
             letter_day: str = "", due: str = "") -> str:
    return "\t".join([journal, journal, str(num), day, "411000", "Clients", "C1", "Client C1", piece, day, piece,
                      debit, credit, letter, letter_day, day, "", "", due])


def test_with_a_fec_payments_take_the_lettering_date_and_the_close_is_rebuilt(tmp_path):
    """F1 (1 000 €, due 01/10) paid on 21/10, lettered A that day: 20 days late,
    100 000 × 121 500 × 20 / 365e6 = 665,8 → 6,66 €, plus 40 €; F2 (500 €, due 15/11) still open."""
    from relance_analytics.io.fec import load_fec

    path = tmp_path / "FEC.txt"
    path.write_text("\n".join([
        FEC_HEADER,
        fec_line("VT", 1, "20260901", "F1", "1000,00", "0,00", "A", "20261021", "20261001"),
        fec_line("BQ", 2, "20261021", "R1", "0,00", "1000,00", "A", "20261021"),
        fec_line("VT", 3, "20261016", "F2", "500,00", "0,00", "", "", "20261115"),
    ]) + "\n", encoding="utf-8")
    ledger = load_fec(path)
    period = rl.period_payments(SnapshotStore(tmp_path / "vide"), AS_OF, ledger=ledger)
    assert period.fec == "FEC.txt" and period.claims["bound"].tolist() == ["exact"]
    assert period.claims["paid_on"].tolist() == [pd.Timestamp("2026-10-21")]
    claims = paid_late_penalties(period.claims, period.start, period.end)
    assert rl.penalty_totals(claims)["total"] == 666 + 4_000
    assert "dates de lettrage du FEC « FEC\\.txt »" in rl.payment_source_text(period)     # Markdown-escaped
    vs = terms_vs_payments(period.invoices, period.habits)
    assert vs.total["paid"].iloc[0] == 1 and vs.total["actual_days_mean"].iloc[0] == 50.0     # 01/09 → 21/10

    closing = rl.closing_items(Settings(fiscal_year_end=(9, 30)), SnapshotStore(tmp_path / "vide"), AS_OF,
                               tmp_path, ledger)
    assert closing.close == pd.Timestamp("2026-09-30") and closing.problem == ""
    assert closing.items["document_id"].tolist() == ["F1"]          # F1 open at the close, F2 not yet issued
    assert closing.source == "pièces ouvertes reconstituées depuis le FEC FEC.txt à la date de clôture"
