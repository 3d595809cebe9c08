"""Inputs people really have (issue: never silently wrong): renamed columns, month-first dates,
two currencies, debit/credit indicators, lines that are not receivables, noisy amounts, and
messages an analyst can act on. Each case was read wrongly, or refused unclearly, before."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics.currency import CurrencyRates, convert
from relance_analytics.dates import as_date, parse_user_date
from relance_analytics.errors import CurrencyError, DateInputError, ExportError, InputWarning, SnapshotMissing
from tests.builders import d, sage_export

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
NB, NNB = "\u00a0", "\u202f"


def csv(path: Path, *lines: str, encoding: str = "utf-8") -> Path:
    path.write_bytes("".join(line + "\r\n" for line in lines).encode(encoding))
    return path


def quiet(read, *args, **kwargs):
    """Call a reader, returning (frame, texts of its InputWarnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = read(*args, **kwargs)
    return frame, [str(w.message) for w in caught if isinstance(w.message, InputWarning)]


# ---------------------------------------------------------------------------------------------
# a mapped column that is missing is an error, never a fallback
# ---------------------------------------------------------------------------------------------
def renamed_sample(tmp_path: Path) -> Path:
    wb = openpyxl.load_workbook(SAMPLE / "exports" / "balance_2026-11-20.xlsx")
    ws = wb.active
    for cell in ws[6]:
        if cell.value == "Échéance":
            cell.value = "Echéance le"
    target = tmp_path / "exports" / "balance_2026-11-20.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def test_a_renamed_due_date_header_is_refused_with_the_closest_header(tmp_path):
    path = renamed_sample(tmp_path)
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path)
    err = info.value
    assert err.code == "missing_column" and err.problems[0].row == 6
    text = str(err)
    assert ("colonne « Échéance » / « Date d'échéance » / « Date échéance » (date d'échéance) absente de l'en-tête"
            in text)
    assert "vouliez-vous dire « Echéance le » ?" in text
    assert "en-têtes lus : « Code client », « Raison sociale »" in text
    assert "Le fichier de correspondance de votre ERP" in text


def test_the_weekly_run_on_a_renamed_header_exits_non_zero(tmp_path):
    renamed_sample(tmp_path / "data")
    proc = subprocess.run([sys.executable, "-m", "relance_analytics.cli", "weekly", "--data", str(tmp_path / "data"),
                           "--out", str(tmp_path / "r"), "--workspace", str(tmp_path / "ws")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr.startswith("Erreur : export de balance âgée ")
    assert "vouliez-vous dire « Echéance le » ?" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "r" / "2026-11-20").exists()


def test_a_user_mapping_with_a_typo_names_the_closest_header(tmp_path):
    path = csv(tmp_path / "export.csv", "Compte;Nom;Pièce;Date facture;Échéance;Montant",
               "C1;Alpha;F1;01/10/2026;31/10/2026;100,00")
    mapping = {"customer_id": "Compte", "customer_name": "Nom", "document_id": "Piece", "document_date": "Date fact",
               "due_date": "Échéance", "amount": "Montant"}
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping=mapping)
    text = str(info.value)
    assert "colonne « Date fact » (date de pièce) absente de l'en-tête (correspondance 'personnalisée') ; " \
           "vouliez-vous dire « Date facture » ?" in text
    assert "None" not in text and "feuille" not in text        # a CSV has no sheet


def test_an_optional_column_may_be_missing(tmp_path):
    path = csv(tmp_path / "export.csv", "Compte;Pièce;Échéance;Montant", "C1;F1;31/10/2026;100,00")
    items = rc.read_open_items(path, mapping={"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance",
                                              "amount": "Montant", "segment": "Segment", "optional": ["segment"]})
    assert list(items["amount_cents"]) == [10000] and "segment" not in items.columns


def test_headers_matching_no_preset_list_what_was_found_and_the_closest_presets(tmp_path):
    path = csv(tmp_path / "export.csv", "Tiers;Facture;Echeance;Reste du", "C1;F1;31/10/2026;100,00")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path)
    text = str(info.value)
    assert "aucun préréglage ne reconnaît cet en-tête" in text
    assert "en-têtes lus (ligne 1) : « Tiers », « Facture », « Echeance », « Reste du »" in text
    assert "les plus proches :" in text and "il manque" in text
    assert "Le fichier de correspondance de votre ERP" in text
    assert "None" not in text


# ---------------------------------------------------------------------------------------------
# date order
# ---------------------------------------------------------------------------------------------
US_HEADER = "Customer;Invoice;Date;Due Date;Open Balance"
US_MAPPING = {"customer_id": "Customer", "document_id": "Invoice", "document_date": "Date", "due_date": "Due Date",
              "amount": "Open Balance"}


def test_month_first_dates_are_read_month_first_from_the_evidence(tmp_path):
    path = csv(tmp_path / "us.csv", US_HEADER, "C1;F1;1/26/2013;2/25/2013;61,74", "C2;F2;2/10/2013;3/12/2013;105,92")
    items, notes = quiet(rc.read_open_items, path, mapping=US_MAPPING)
    assert list(items["document_date"]) == [pd.Timestamp("2013-01-26"), pd.Timestamp("2013-02-10")]
    assert list(items["due_date"]) == [pd.Timestamp("2013-02-25"), pd.Timestamp("2013-03-12")]
    assert items.attrs["date_orders"]["document_date"] == {"order": "mdy", "source": "evidence"}
    assert not notes


def test_ambiguous_dates_are_read_day_first_with_a_counted_warning(tmp_path):
    path = csv(tmp_path / "us.csv", US_HEADER, "C1;F1;1/2/2013;2/3/2013;61,74", "C2;F2;3/4/2013;4/4/2013;105,92")
    items, notes = quiet(rc.read_open_items, path, mapping=US_MAPPING)
    assert list(items["document_date"]) == [pd.Timestamp("2013-02-01"), pd.Timestamp("2013-04-03")]
    assert items.attrs["date_orders"]["due_date"] == {"order": "dmy", "source": "default"}
    assert items.attrs["tolerated"] == {"date_order_default_document_date": 2, "date_order_default_due_date": 1}
    assert len(notes) == 1
    assert "2 dates lues jour d'abord (JJ/MM/AAAA) faute de preuve dans l'export (ex. « 1/2/2013 » lu " \
           "1er février 2013)" in notes[0]
    assert 'date_order = "mdy"' in notes[0]
    # the mapping states the order: read month-first, nothing to warn
    items, notes = quiet(rc.read_open_items, path, mapping={**US_MAPPING, "date_order": "mdy"})
    assert list(items["document_date"]) == [pd.Timestamp("2013-01-02"), pd.Timestamp("2013-03-04")]
    assert items.attrs["date_orders"]["document_date"] == {"order": "mdy", "source": "stated"}
    assert not notes


def test_a_column_proving_both_orders_names_two_rows_that_disagree(tmp_path):
    path = csv(tmp_path / "mixed.csv", US_HEADER, "C1;F1;26/01/2013;25/02/2013;1,00",
               "C2;F2;01/26/2013;25/02/2013;2,00")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping=US_MAPPING)
    text = str(info.value)
    assert info.value.code == "date_order_conflict"
    assert "ligne 3, colonne « Date (C) » : ordre du jour et du mois contradictoire : la ligne 2 (« 26/01/2013 ») " \
           "ne se lit que jour d'abord, la ligne 3 (« 01/26/2013 ») que mois d'abord" in text


def test_a_stated_order_makes_a_cell_of_the_other_order_unreadable(tmp_path):
    path = csv(tmp_path / "us.csv", US_HEADER, "C1;F1;26/01/2013;2/25/2013;1,00")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping={**US_MAPPING, "date_order": "mdy"})
    assert "ligne 2, colonne « Date (C) » : date illisible : lu « 26/01/2013 » ; attendu : une date comme 12/31/2026 " \
           "(mois, jour, année)" in str(info.value)


def test_date_forms_of_real_files(tmp_path):
    path = csv(tmp_path / "forms.csv", "Compte;Pièce;Date;Échéance;Montant",
               "C1;F1;20261120;20261220;1,00",
               "C1;F2;2026-11-20T00:00:00Z;2026-12-20T10:30:00.000Z;1,00",
               "C1;F3;2020-03-30 00:00:00.000000000;2020-04-30 00:00:00;1,00",
               "C1;F4;2026/11/20;2026/12/20;1,00",
               "C1;F5;20-nov.-2026;20-déc.-2026;1,00",
               "C1;F6;20-Nov-2026;20 December 2026;1,00",
               "C1;F7;Nov 20, 2026;1 févr. 2027;1,00")
    items, notes = quiet(rc.read_open_items, path, mapping={"customer_id": "Compte", "document_id": "Pièce",
                                                            "document_date": "Date", "due_date": "Échéance",
                                                            "amount": "Montant"})
    assert [f"{x:%Y-%m-%d}" for x in items["document_date"]] == \
        ["2026-11-20", "2026-11-20", "2020-03-30", "2026-11-20", "2026-11-20", "2026-11-20", "2026-11-20"]
    assert [f"{x:%Y-%m-%d}" for x in items["due_date"]] == \
        ["2026-12-20", "2026-12-20", "2020-04-30", "2026-12-20", "2026-12-20", "2026-12-20", "2027-02-01"]
    assert not notes


# ---------------------------------------------------------------------------------------------
# dates typed by the user
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [("2026-02-10", "2026-02-10"), ("10/02/2026", "2026-02-10"),
                                            ("10.02.2026", "2026-02-10"), ("1/2/2026", "2026-02-01")])
def test_typed_dates_are_iso_or_day_first(text, expected):
    assert parse_user_date(text) == pd.Timestamp(expected)
    assert as_date(text) == pd.Timestamp(expected)


@pytest.mark.parametrize("text", ["02/30/2026", "Feb 10 2026", "10/02/26", "2026-2-10", "demain", "20261120"])
def test_other_typed_dates_are_refused_with_an_example(text):
    with pytest.raises(DateInputError) as info:
        parse_user_date(text, "date d'arrêté (--as-of)")
    assert str(info.value) == (f"date d'arrêté (--as-of) « {text} » illisible : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA "
                               "(jour d'abord), par exemple 2026-11-20 ou 20/11/2026")


def test_the_cli_refuses_a_month_first_as_of_in_one_french_line(tmp_path):
    data = tmp_path / "data"
    (data / "exports").mkdir(parents=True)
    sage_export(data / "exports" / "balance_2026-11-20.xlsx",
                [["C1", "Alpha", "FA", "F1", d("2026-10-01"), d("2026-11-01"), 100.0, 120.0]])
    proc = subprocess.run([sys.executable, "-m", "relance_analytics.cli", "weekly", "--data", str(data), "--as-of",
                           "11/20/2026", "--out", str(tmp_path / "r"), "--workspace", str(tmp_path / "ws")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-2] == ("Erreur : date d'arrêté (--as-of) « 11/20/2026 » illisible : écrivez-la AAAA-MM-JJ ou "
                         "JJ/MM/AAAA (jour d'abord), par exemple 2026-11-20 ou 20/11/2026")
    assert lines[-1].startswith("Piste : ")


# ---------------------------------------------------------------------------------------------
# currencies
# ---------------------------------------------------------------------------------------------
FX_HEADER = "Compte;Pièce;Échéance;Devise;Montant"
FX_MAPPING = {"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance", "currency": "Devise",
              "amount": "Montant"}
FX_LINES = ("C1;F1;31/10/2026;EUR;1 000,00", "C1;F2;31/10/2026;USD;100,00", "C2;F3;30/11/2026;USD;33,33",
            "C2;A1;15/11/2026;usd;-10,01")


def test_two_currencies_are_read_reconciled_per_currency_and_never_added(tmp_path):
    path = csv(tmp_path / "fx.csv", FX_HEADER, *FX_LINES, "Total général;;;EUR;1 000,00", "Total général;;;USD;123,32")
    items = rc.read_open_items(path, mapping=FX_MAPPING)
    assert list(items["currency"]) == ["EUR", "USD", "USD", "USD"]
    assert items.attrs["control_totals_cents"] == {"EUR": 100000, "USD": 12332}
    assert items.attrs["control_total_cents"] is None
    with pytest.raises(CurrencyError) as info:
        rc.aged_balance(items, "2026-11-20")
    assert "balance âgée : les pièces sont en plusieurs devises (EUR (1 pièce), USD (3 pièces))" in str(info.value)
    assert "[currencies]" in str(info.value)
    per = rc.aged_balance(items, "2026-11-20", by="currency")
    assert per.loc["EUR", "total"] == 100000 and per.loc["USD", "total"] == 10000 + 3333 - 1001
    for metric in (lambda: rc.provisions(items, "2026-11-20"), lambda: rc.dso(items, pd.DataFrame(), "2026-11-20")):
        with pytest.raises(CurrencyError):
            metric()


def test_a_wrong_currency_total_is_named_with_its_currency(tmp_path):
    path = csv(tmp_path / "fx.csv", FX_HEADER, *FX_LINES, "Total général;;;EUR;1 000,00", "Total général;;;USD;123,33")
    with pytest.raises(ra.ReconciliationError) as info:
        rc.read_open_items(path, mapping=FX_MAPPING)
    assert info.value.currency == "USD" and info.value.difference_cents == -1
    assert f"les pièces totalisent 123,32{NB}$ mais la ligne de total général indique 123,33{NB}$" in str(info.value)


def test_one_grand_total_over_two_currencies_is_refused(tmp_path):
    path = csv(tmp_path / "fx.csv", FX_HEADER, *FX_LINES, "Total général;;;;1 123,32")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping=FX_MAPPING)
    assert info.value.code == "mixed_currency_total"
    assert "une seule ligne de total général pour 2 devises (EUR, USD)" in str(info.value)


def test_ingestion_converts_only_with_the_users_rates(tmp_path):
    path = csv(tmp_path / "balance_2026-11-20.csv", FX_HEADER, *FX_LINES)
    store = ra.SnapshotStore(tmp_path / "ws")
    with pytest.raises(CurrencyError) as info:
        ra.ingest_file(path, store, FX_MAPPING)
    assert "pas de taux pour USD" in str(info.value)
    assert store.dates() == []
    ra.ingest_file(path, store, FX_MAPPING, rates=CurrencyRates({"USD": "0.92"}))
    snap = store.read("2026-11-20")
    # 100,00 × 0,92 = 92,00 ; 33,33 × 0,92 = 30,6636 → 30,66 ; -10,01 × 0,92 = -9,2092 → -9,21
    assert list(snap["amount_cents"]) == [100000, 9200, 3066, -921]
    assert list(snap["source_amount_cents"]) == [100000, 10000, 3333, -1001]
    assert list(snap["source_currency"]) == ["EUR", "USD", "USD", "USD"]
    assert set(snap["currency"]) == {"EUR"}
    assert snap.attrs["conversion"] == {"USD": "0.92"} and snap.attrs["control_total_cents"] is None
    assert int(rc.aged_balance(snap, "2026-11-20").iloc[0]["total"]) == 100000 + 9200 + 3066 - 921


def test_conversion_rounds_half_away_from_zero_on_the_exact_rate():
    items = pd.DataFrame({"amount_cents": [1, 3, -3, 5, 250], "currency": ["GBP"] * 5})
    # 1.175 × 1 = 1.175 → 1 ; × 3 = 3.525 → 4 ; × -3 → -4 ; × 5 = 5.875 → 6 ; × 250 = 293.75 → 294
    out = convert(items, CurrencyRates({"GBP": "1.175"}))
    assert list(out["amount_cents"]) == [1, 4, -4, 6, 294]


def test_bad_rates_are_refused_in_french():
    with pytest.raises(ValueError, match="le taux de USD .* doit être positif"):
        CurrencyRates({"USD": -1})
    with pytest.raises(ValueError, match="n'est pas un code de devise ISO"):
        CurrencyRates({"dollar": 1})


# ---------------------------------------------------------------------------------------------
# lines that are not open receivables
# ---------------------------------------------------------------------------------------------
def test_zero_balance_lines_are_left_out_counted_and_warned(tmp_path):
    rows = [["C1", "Alpha", "FA", "F1", d("2026-09-01"), d("2026-10-01"), 100.0, 120.0],
            ["C1", "Alpha", "FA", "F2", d("2026-09-02"), d("2026-10-02"), 0.0, 0.0],
            ["C2", "Béta", "FA", "F3", d("2026-09-03"), d("2026-10-03"), 0.0, 0.0]]
    items, notes = quiet(rc.read_open_items, sage_export(tmp_path / "b.xlsx", rows), mapping="sage")
    assert list(items["document_id"]) == ["F1"]
    assert items.attrs["skipped_rows"]["zero_balance"] == 2
    assert "2 lignes soldées (montant nul) écartées (lignes 8, 9)" in notes[0]


def test_ignored_document_types_and_other_accounts_never_count(tmp_path):
    path = csv(tmp_path / "gl.csv", "Compte;Tiers;Type;Pièce;Échéance;Solde",
               "411000;C1;FA;F1;31/10/2026;120,00", "401000;S9;FF;X1;31/10/2026;-500,00",
               "411000;C1;OD;O1;31/10/2026;10,00", "411000;C2;FA;F2;30/11/2026;80,00",
               "Total général;;;;;-290,00")
    mapping = {"columns": {"account": "Compte", "customer_id": "Tiers", "document_type": "Type", "document_id": "Pièce",
                           "due_date": "Échéance", "amount": "Solde"},
               "document_types": {"FA": "invoice", "FF": "invoice", "OD": "ignore"}, "accounts": ["411"]}
    items = rc.read_open_items(path, mapping=mapping)
    assert list(items["document_id"]) == ["F1", "F2"]
    assert items.attrs["skipped_rows"]["ignored"] == 2
    assert items.attrs["control_total_cents"] == -29000      # the export's total covers every line


def test_a_customer_whose_items_net_to_zero_never_reaches_the_call_list():
    from relance_analytics.calllist import call_list
    from tests.calllist.helpers import AS_OF, actions, customers, items
    it = items(("C1", "F1", "2026-10-01", 500.0), ("C1", "RG1", "2026-10-15", -500.0, "payment"),
               ("C2", "F2", "2026-10-01", 300.0), ("C3", "F3", "2026-10-01", 100.0),
               ("C3", "AV3", "2026-10-05", -150.0))
    cl = call_list(it, customers(it), actions(), None, AS_OF)
    listed = {str(c) for frame in (cl.rows, cl.deferred, cl.formal_notices, cl.litigation)
              for c in frame["customer_id"]}
    assert listed == {"C2"}
    assert cl.settled == ("C1", "C3")


# ---------------------------------------------------------------------------------------------
# debit/credit indicators
# ---------------------------------------------------------------------------------------------
SAP_HEADER = ("Client|Compte client : nom 1|N° pièce|Type de pièce|Date de pièce|Echéance nette|"
              "Valeur de la devise de la pièce|Clé de devise|Code débit/crédit")


def test_sap_fbl5n_debit_credit_codes_sign_the_amounts(tmp_path):
    path = csv(tmp_path / "fbl5n.txt", SAP_HEADER, "C1|Alpha|1800001|DR|01.10.2026|31.10.2026|1.234,56|EUR|S",
               "C1|Alpha|1400002|DZ|05.11.2026|05.11.2026|200,00|EUR|H",
               "C2|Beta|1600003|DG|02.10.2026|02.10.2026|99,00-|EUR|H", encoding="cp1252")
    items = rc.read_open_items(path, mapping="sap_fbl5n")
    assert list(items["amount_cents"]) == [123456, -20000, -9900]
    assert list(items["document_type"]) == ["invoice", "payment", "credit_note"]


def test_a_user_mapping_with_a_sens_column(tmp_path):
    mapping = {"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance", "amount": "Montant",
               "direction": "Sens"}
    path = csv(tmp_path / "ebp.csv", "Compte;Pièce;Échéance;Montant;Sens", "C1;F1;31/10/2026;150,00;D",
               "C1;A1;31/10/2026;50,00;C", "Total;;;100,00;")
    items = rc.read_open_items(path, mapping=mapping)
    assert list(items["amount_cents"]) == [15000, -5000] and items.attrs["control_total_cents"] == 10000
    bad = csv(tmp_path / "bad.csv", "Compte;Pièce;Échéance;Montant;Sens", "C1;F1;31/10/2026;150,00;X",
              "C1;A1;31/10/2026;-50,00;D")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(bad, mapping=mapping)
    text = str(info.value)
    assert "ligne 2, colonne « Sens (E) » : code débit/crédit inconnu : lu « X »" in text
    assert "ligne 3, colonne « Montant (D) » : montant négatif marqué au débit" in text


# ---------------------------------------------------------------------------------------------
# amounts and messages
# ---------------------------------------------------------------------------------------------
def test_float_noise_written_as_text_is_refused_naming_the_currency(tmp_path):
    path = csv(tmp_path / "fx.csv", FX_HEADER, "C1;F1;31/10/2026;USD;2309.7899999999995")
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping=FX_MAPPING)
    text = str(info.value)
    assert "ligne 2, colonne « Montant (E) » : montant à plus de 2 décimales : lu « 2309.7899999999995 »" in text
    assert "attendu : un montant en USD arrondi au centime" in text and "euros" not in text


def test_duplicate_documents_are_listed_with_a_cap(tmp_path):
    lines = [f"C1;F1;31/10/2026;{k},00" for k in range(1, 301)]
    path = csv(tmp_path / "dup.csv", "Compte;Pièce;Échéance;Montant", *lines)
    with pytest.raises(ExportError) as info:
        rc.read_open_items(path, mapping={"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance",
                                          "amount": "Montant"})
    err = info.value
    assert len(err.problems) == 300
    assert "aussi lignes 3, 4, 5, 6, 7, 8, 9, 10, … (299 en tout)" in str(err.problems[0])
    assert len(str(err)) < 20_000 and "… et 250 autres" in str(err)


def test_an_empty_workspace_names_the_command_to_run(tmp_path):
    from relance_analytics.context import load_context
    with pytest.raises(SnapshotMissing) as info:
        load_context(SAMPLE, tmp_path / "vide", None, tmp_path / "out")
    assert "relance weekly --data DOSSIER" in str(info.value)


def test_the_report_states_the_conversion_and_the_totals_checked():
    from relance_analytics.context import Reconciliation
    from relance_analytics.report.aging import reconciliation_text
    text = reconciliation_text(Reconciliation("converted", 112345, None, {"EUR": 100000, "USD": 12332},
                                              {"USD": "0.92"}))
    assert text == (f"Montants en devises convertis en euros aux taux de relance.toml (1 USD = 0,92 EUR) ; "
                    f"chaque devise a d'abord été rapprochée au centime de son total dans l'export "
                    f"(1{NNB}000,00{NB}€, 123,32{NB}$).")
    assert reconciliation_text(Reconciliation("matched", 1, 1, {}, {})).startswith(
        "Le total de la balance âgée est égal")
