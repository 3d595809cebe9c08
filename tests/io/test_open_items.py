"""read_open_items against files written by the tests, in each supported layout."""

from __future__ import annotations

import pandas as pd
import pytest

from relance_analytics import canonical as rc
from relance_analytics.errors import ExportError, ReconciliationError
from tests.builders import ODOO_HEADER, d, sage_export, write_rows

ITEMS = [
    ["C001", "Alpha SARL", "FA", "FA-1", d("2026-09-01"), d("2026-10-01"), 1000.00, 1200.00],
    ["C001", "Alpha SARL", "AV", "AV-1", d("2026-10-05"), None, -100.00, -120.00],
    ["C002", "Béta SA", "RG", "RG-1", d("2026-11-02"), d("2026-11-02"), -50.10, -50.10],
    ["C002", "Béta SA", "FA", "FA-2", d("2026-11-10"), d("2026-12-10"), 0.1, 0.12],
]


def test_sage_layout_reads_items_exactly(tmp_path):
    items = rc.read_open_items(sage_export(tmp_path / "b.xlsx", ITEMS, subtotals=True), mapping="sage")
    assert list(items["document_id"]) == ["FA-1", "AV-1", "RG-1", "FA-2"]
    assert list(items["amount_cents"]) == [120000, -12000, -5010, 12]
    assert list(items["amount_ht_cents"]) == [100000, -10000, -5010, 10]
    assert list(items["document_type"]) == ["invoice", "credit_note", "payment", "invoice"]
    # the credit note has no due date: it is aged from its document date, counted and warned
    assert items.loc[1, "due_date"] == pd.Timestamp("2026-10-05")
    assert items.attrs["tolerated"] == {"due_date_from_document_date": 1}
    assert ("1 pièce sans date d'échéance : échéance prise égale à la date de pièce (lignes 8)"
            in items.attrs["warnings"][0])
    assert items.attrs["control_total_cents"] == 120000 - 12000 - 5010 + 12
    assert items.attrs["skipped_rows"]["subtotal"] == 1
    assert items.attrs["skipped_rows"]["grand_total"] == 1
    # Excel rows: title block of 5 rows + header on row 6
    assert list(items["source_row"]) == [7, 8, 9, 10]


def test_auto_mapping_detects_the_preset(tmp_path):
    items = rc.read_open_items(sage_export(tmp_path / "b.xlsx", ITEMS))
    assert items.attrs["mapping"] == "sage"


def test_odoo_layout_text_numbers_and_dates(tmp_path):
    nbsp, narrow = "\u00a0", "\u202f"
    rows = [
        ["Balance âgée auxiliaire - Test"], ["Date au : 11/09/2026"], [],
        ["411100 - Clients"],
        ["[C001] Alpha SARL"], ODOO_HEADER,
        ["01/08/2026", "FA-1", "Factures clients", "411100", "[C001] Alpha SARL", "x", "31/08/2026",
         f"1{narrow}234,56"],
        ["02/08/2026", "AV-1", "Factures clients", "411100", "[C001] Alpha SARL", "x", "", "-34,56"],
        ["Balance âgée cumulée du partenaire", None, None, None, None, None, None, f"1{nbsp}200,00"],
        ["[C002] Béta SA"], ODOO_HEADER,
        ["03/09/2026", "RG-9", "Banque", "411100", "[C002] Béta SA", "x", "03/09/2026", "(10,00)"],
        ["Balance âgée cumulée du partenaire", None, None, None, None, None, None, "-10,00"],
        [], ["Total général", None, None, None, None, None, None, f"1{narrow}190,00"],
        ["Pourcentages", None, None, None, None, None, None, "100 %"],
    ]
    items = rc.read_open_items(write_rows(tmp_path / "o.xlsx", rows), mapping="auto")
    assert items.attrs["mapping"] == "odoo"
    assert list(items["customer_id"]) == ["C001", "C001", "C002"]
    assert list(items["customer_name"]) == ["Alpha SARL", "Alpha SARL", "Béta SA"]
    assert list(items["amount_cents"]) == [123456, -3456, -1000]
    assert list(items["document_type"]) == ["invoice", "credit_note", "payment"]
    assert list(items["due_date"]) == [pd.Timestamp("2026-08-31"), pd.Timestamp("2026-08-02"),
                                       pd.Timestamp("2026-09-03")]
    assert items.attrs["control_total_cents"] == 119000
    assert items.attrs["skipped_rows"]["repeated_header"] == 1


def test_dict_mapping_and_csv_cp1252(tmp_path):
    text = ("Compte;Nom;Pièce;Echéance;Débit;Crédit\r\n"
            "C9;Gamma;F1;31/10/2026;1 000,50;\r\n"
            "C9;Gamma;A1;05/11/2026;;200,25\r\n"
            "Total;;;;1 000,50;200,25\r\n")
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode("cp1252"))
    mapping = {"customer_id": "compte", "customer_name": "NOM", "document_id": "piece",
               "due_date": "Échéance", "debit": "Debit", "credit": "Credit"}
    items = rc.read_open_items(path, mapping=mapping)
    assert list(items["amount_cents"]) == [100050, -20025]
    assert list(items["document_type"]) == ["invoice", "credit_note"]
    assert items.attrs["control_total_cents"] == 80025


def test_mapping_toml_file(tmp_path):
    toml = tmp_path / "mon_erp.toml"
    toml.write_text('[columns]\ncustomer_id = "Code client"\ndocument_id = "N° pièce"\n'
                    'due_date = "Échéance"\namount = "Solde TTC"\n', encoding="utf-8")
    items = rc.read_open_items(sage_export(tmp_path / "b.xlsx", ITEMS[:1]), mapping=toml)
    assert list(items["amount_cents"]) == [120000]
    assert items.attrs["mapping"] == "mon_erp"


def test_totals_mismatch_says_by_how_much(tmp_path):
    path = sage_export(tmp_path / "b.xlsx", ITEMS, total=1030.12)
    with pytest.raises(ReconciliationError) as info:
        rc.read_open_items(path, mapping="sage")
    # items sum to 1200 - 120 - 50.10 + 0.12 = 1030.02, the total row says 1030.12
    assert info.value.difference_cents == -10
    text = str(info.value)
    assert ("les pièces totalisent 1\u202f030,02\u00a0€ mais la ligne de total général indique "
            "1\u202f030,12\u00a0€" in text)
    assert "(écart -0,10\u00a0€)" in text
    assert "lignes filtrées, supprimées ou ajoutées à la main" in text


def test_every_problem_of_a_file_is_reported(tmp_path):
    bad = [
        ["C001", "Alpha", "FA", "FA-1", d("2026-09-01"), d("2026-10-01"), 10, "douze euros"],
        ["C001", "Alpha", "XX", "FA-2", d("2026-09-01"), "32/13/2026", 10, 12],
        ["C001", "Alpha", "FA", "FA-1", d("2026-09-01"), d("2026-10-01"), 10, 12],
        [None, "Alpha", "FA", "FA-3", d("2026-09-01"), d("2026-10-01"), 10, 12.345],
    ]
    path = sage_export(tmp_path / "b.xlsx", bad, total=0)
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping="sage")
    err = info.value
    text = str(err)
    assert err.sheet == "Balance âgée" and err.path == path
    rows = sorted({p.row for p in err.problems})
    assert rows == [7, 8, 9, 10]
    assert "ligne 7, colonne « Solde TTC (H) » : montant illisible : lu « douze euros »" in text
    assert "ligne 8, colonne « Type (C) » : type de pièce inconnu : lu « XX »" in text
    assert "ligne 8, colonne « Échéance (F) » : date illisible : lu « 32/13/2026 »" in text
    assert "ligne 9, colonne « N° pièce (D) » : numéro de pièce en double (aussi ligne 7)" in text
    assert "ligne 10, colonne « Code client (A) » : compte client manquant" in text
    assert "ligne 10, colonne « Solde TTC (H) » : montant à plus de 2 décimales : lu 12,345" in text
    assert "attendu : un montant en EUR arrondi au centime" in text
