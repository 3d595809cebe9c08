"""The FEC reader: open items at any date rebuilt from the lettering, the payment date of every
invoice, on hand-built files and on the FEC of the whole sample ledger (every sample week
rebuilt from it equals that week's export, to the cent)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics import sample
from relance_analytics.errors import ExportError
from relance_analytics.io.fec import fec_payments, load_fec, read_fec
from relance_analytics.io.terms import PaymentTerms, parse_terms
from relance_analytics.weekly import run_weekly

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
FIXTURES = Path(__file__).resolve().parents[1] / "data" / "notebooks"
HEADER = ("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\t"
          "PieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise\tDateEcheance")


def line(journal: str, num: int, date: str, account: str, aux: str, piece: str, piece_date: str, debit: str,
         credit: str, letter: str = "", letter_date: str = "", due: str = "") -> str:
    name = {"C1": "Alpha SARL", "C2": "Béta SA"}.get(aux, "")
    return "\t".join([journal, journal, f"{journal}{num:04d}", date, account, "lib", aux, name, piece, piece_date, "x",
                      debit, credit, letter, letter_date, date, "", "", due])


def hand_fec(path: Path, *, undated_letter: bool = False, without_due: bool = False) -> Path:
    """FA1 (C1, 1 200,00, due 31/10) paid 400 on 20/10 (partial lettering) and 800 on 10/11;
    AV1 (C1, -100,00) never lettered; FA2 (C2, 500,00) open; RG1 (C2, -50,00) unapplied."""
    rows = [
        line("VT", 1, "20261001", "411000", "C1", "FA1", "20261001", "1200,00", "0,00", "AA",
             "" if undated_letter else "20261110", "20261031"),
        line("VT", 1, "20261001", "706000", "", "FA1", "20261001", "0,00", "1000,00"),
        line("VT", 1, "20261001", "445710", "", "FA1", "20261001", "0,00", "200,00"),
        line("VT", 2, "20261005", "411000", "C1", "AV1", "20261005", "0,00", "100,00", due="20261005"),
        line("VT", 2, "20261005", "706000", "", "AV1", "20261005", "100,00", "0,00"),
        line("BQ", 1, "20261020", "512000", "", "BQ1", "20261020", "400,00", "0,00"),
        line("BQ", 1, "20261020", "411000", "C1", "BQ1", "20261020", "0,00", "400,00", "AA", "20261020"),
        line("VT", 3, "20261102", "411000", "C2", "FA2", "20261102", "500,00", "0,00", due="20261202"),
        line("VT", 3, "20261102", "706000", "", "FA2", "20261102", "0,00", "500,00"),
        line("BQ", 2, "20261105", "411000", "C2", "RG1", "20261105", "0,00", "50,00", due="20261105"),
        line("BQ", 2, "20261105", "512000", "", "RG1", "20261105", "50,00", "0,00"),
        line("BQ", 3, "20261110", "512000", "", "BQ3", "20261110", "800,00", "0,00"),
        line("BQ", 3, "20261110", "411000", "C1", "BQ3", "20261110", "0,00", "800,00", "AA", "20261110"),
    ]
    header = HEADER
    if without_due:
        header = header.rsplit("\t", 1)[0]
        rows = [r.rsplit("\t", 1)[0] for r in rows]
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def open_amounts(items: pd.DataFrame) -> dict[str, int]:
    return dict(zip(items["document_id"], items["amount_cents"].tolist()))


def test_partial_lettering_is_netted_into_its_invoice(tmp_path):
    ledger = load_fec(hand_fec(tmp_path / "FEC.txt"))
    assert open_amounts(ledger.open_items("2026-10-15")) == {"FA1": 120000, "AV1": -10000}
    assert open_amounts(ledger.open_items("2026-10-25")) == {"FA1": 80000, "AV1": -10000}       # 1 200 − 400
    items = ledger.open_items("2026-11-20")
    assert open_amounts(items) == {"AV1": -10000, "FA2": 50000, "RG1": -5000}                   # FA1 settled on 10/11
    assert list(items["document_type"]) == ["credit_note", "invoice", "payment"]
    assert items.attrs["control_total_cents"] == 35000 == ledger.balance_cents("2026-11-20")
    assert items.attrs["skipped_rows"]["lettered"] == 3
    fa1 = ledger.open_items("2026-10-25").set_index("document_id").loc["FA1"]
    assert fa1["due_date"] == pd.Timestamp("2026-10-31") and fa1["document_date"] == pd.Timestamp("2026-10-01")
    assert fa1["customer_name"] == "Alpha SARL" and fa1["source_row"] == 2


def test_payments_give_each_invoice_its_lettering_date(tmp_path):
    paid = fec_payments(hand_fec(tmp_path / "FEC.txt")).set_index("document_id")
    assert list(paid.index) == ["FA1", "FA2"]
    assert paid.loc["FA1", "paid_date"] == pd.Timestamp("2026-11-10") and paid.loc["FA1", "days_late"] == 10
    assert pd.isna(paid.loc["FA2", "paid_date"]) and pd.isna(paid.loc["FA2", "days_late"])
    assert paid.loc["FA1", "amount_cents"] == 120000


def test_a_lettered_line_without_its_lettering_date_is_refused(tmp_path):
    with pytest.raises(ExportError) as info:
        load_fec(hand_fec(tmp_path / "FEC.txt", undated_letter=True))
    text = str(info.value)
    assert text.startswith("FEC ") and info.value.code == "undated_lettering"
    assert "1 ligne lettrée sans date de lettrage (lignes 2) : impossible de savoir si la pièce était ouverte" in text


def test_invoices_without_due_date_take_the_customers_terms(tmp_path):
    path = hand_fec(tmp_path / "FEC.txt", without_due=True)
    with pytest.raises(ExportError) as info:
        read_fec(path, "2026-11-20")
    assert "facture « FA2 » sans date d'échéance (DateEcheance) et client C2 sans délai de paiement lisible" \
           in str(info.value)
    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "payment_terms": ["30 jours", "45 jours fin de mois"]})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        items = read_fec(path, "2026-11-20", customers).set_index("document_id")
    # FA2 of 02/11/2026 + 45 days = 17/12/2026, then the end of the month
    assert items.loc["FA2", "due_date"] == pd.Timestamp("2026-12-31")
    assert items.loc["AV1", "due_date"] == pd.Timestamp("2026-10-05")        # a credit is aged from its date
    assert "1 facture sans date d'échéance dans le FEC : échéance calculée avec le délai de paiement du client " \
           "(45 jours fin de mois (1))" in str(caught[0].message)


def test_montant_and_sens_replace_debit_and_credit(tmp_path):
    text = ("JournalCode|EcritureDate|CompteNum|CompAuxNum|CompAuxLib|PieceRef|PieceDate|Montant|Sens|EcritureLet|"
            "DateLet|DateEcheance\n"
            "VT|20261001|411000|C1|Alpha|FA1|20261001|120,00|D|||20261031\n"
            "VT|20261003|411000|C1|Alpha|AV1|20261003|20,00|C|||\n")
    path = tmp_path / "fec.txt"
    path.write_text(text, encoding="cp1252")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert open_amounts(read_fec(path, "2026-11-20")) == {"FA1": 12000, "AV1": -2000}


def test_a_missing_fec_column_names_the_closest_header(tmp_path):
    path = tmp_path / "fec.txt"
    path.write_text(HEADER.replace("EcritureLet", "EcritureLett") + "\n", encoding="utf-8")
    with pytest.raises(ExportError) as info:
        load_fec(path)
    assert "colonne « EcritureLet » absente de l'en-tête ; vouliez-vous dire « EcritureLett » ?" in str(info.value)


@pytest.mark.parametrize("text, invoice, due", [
    ("30 jours", "2026-01-31", "2026-03-02"), ("60 j nets", "2026-01-01", "2026-03-02"),
    ("comptant", "2026-05-05", "2026-05-05"), ("À réception", "2026-05-05", "2026-05-05"),
    ("30 jours fin de mois", "2026-01-31", "2026-03-31"), ("30 jours fin de mois", "2026-01-28", "2026-02-28"),
    ("45 jours fin de mois", "2024-01-15", "2024-02-29"), ("fin de mois 45 jours", "2026-01-15", "2026-03-17"),
    ("fin de mois + 10 j", "2026-02-10", "2026-03-10")])
def test_payment_terms_give_due_dates(text, invoice, due):
    terms = parse_terms(text)
    assert terms is not None
    assert terms.due_dates(np.array([invoice], dtype="datetime64[s]"))[0] == np.datetime64(due, "s")


@pytest.mark.parametrize("text", ["30 jours le 10", "net 30", "", None, "fin de mois"])
def test_other_payment_terms_are_not_guessed(text):
    assert parse_terms(text) is None


def test_terms_are_a_value():
    assert parse_terms("45 jours fin de mois") == PaymentTerms(45, "after")


@pytest.fixture(scope="module")
def sample_fec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The FEC of the whole sample ledger (every invoice, credit note and payment since 12/2024)."""
    path = tmp_path_factory.mktemp("fec") / "FEC.txt"
    sample.write_fec(path, sample.simulate())
    return path


COMPARED = ["customer_id", "customer_name", "document_type", "document_date", "due_date", "amount_cents"]


def test_every_sample_week_rebuilt_from_the_fec_equals_its_export(sample_fec):
    ledger = load_fec(sample_fec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for export in sorted((SAMPLE / "exports").glob("balance_*.xlsx")):
            as_of = export.stem.split("_")[1]
            rebuilt = ledger.open_items(as_of).set_index("document_id")[COMPARED].sort_index()
            read = rc.read_open_items(export)
            expected = read.set_index("document_id")[COMPARED].sort_index()
            for frame in (rebuilt, expected):
                frame["customer_id"] = frame["customer_id"].astype(str)
            pd.testing.assert_frame_equal(rebuilt, expected, obj=as_of)
            assert ledger.balance_cents(as_of) == read.attrs["control_total_cents"]


def test_fec_payments_are_the_ledgers_settlement_dates(sample_fec):
    led = sample.simulate()
    paid = fec_payments(sample_fec).set_index("document_id")
    settled = {d.doc_id: sample.ordinal_date(s) for d, s in zip(led.docs, led.settle)
               if d.kind == "FA" and s <= sample.END}
    assert len(paid) == sum(1 for d in led.docs if d.kind == "FA" and d.date <= sample.END)
    got = {k: v.date() for k, v in paid["paid_date"].dropna().items()}
    assert got == settled


def test_the_weekly_run_replays_a_fec_week_by_week(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    hand_fec(data / "FEC.txt")
    (data / "relance.toml").write_text('[exports]\nfec = "FEC.txt"\nfec_weeks = 3\n', encoding="utf-8")
    lines: list[str] = []
    result = run_weekly(data, tmp_path / "r", workspace=tmp_path / "ws", notebooks_dir=FIXTURES,
                        suite=("writes_marker",), preview=False, progress=lines.append)
    # last entry on Tuesday 10/11/2026: the weeks end on the Friday before, 06/11
    assert result.as_of == pd.Timestamp("2026-11-06")
    store = ra.SnapshotStore(tmp_path / "ws")
    assert store.dates() == [pd.Timestamp("2026-10-23"), pd.Timestamp("2026-10-30"), pd.Timestamp("2026-11-06")]
    assert open_amounts(store.read("2026-11-06")) == {"FA1": 80000, "AV1": -10000, "FA2": 50000, "RG1": -5000}
    assert "FEC FEC.txt au 06/11/2026 : 4 pièces" in lines
