"""The D441-6 table (issued invoices unpaid at the fiscal close) against hand-computed figures:
brackets at exactly 0/1/30/31/60/61/90/91 days, a disputed invoice moved to (B), credit notes and
unapplied payments left out and shown beside, the turnover share on a hand-made sales file, TTC
and HT bases, euros at the public face, the official layout read back from the Excel file."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical, frames
from relance_analytics.errors import MissingSalesError, SettingsError, SnapshotMissing
from relance_analytics.metrics.d441 import fiscal_close, payment_delays_table, snapshot_for_close
from relance_analytics.report.legal_tables import write_payment_delays

CLOSE = "2026-09-30"

# (customer, document, type, due date, TTC cents, HT cents or None); days late at 30/09/2026 in comments
ROWS = [
    ("C1", "F0", "invoice", "2026-10-15", 100_000, 83_333),   # −15: not due (HT given by the export)
    ("C1", "F00", "invoice", "2026-09-30", 20_000, None),     # 0: not due, « 0 jour (indicatif) »
    ("C1", "F1", "invoice", "2026-09-29", 11_000, None),      # 1
    ("C1", "F30", "invoice", "2026-08-31", 13_000, None),     # 30
    ("C1", "F31", "invoice", "2026-08-30", 31_000, None),     # 31
    ("C1", "F60", "invoice", "2026-08-01", 60_000, None),     # 60
    ("C2", "F61", "invoice", "2026-07-31", 61_000, None),     # 61
    ("C2", "F90", "invoice", "2026-07-02", 90_000, None),     # 90
    ("C2", "F91", "invoice", "2026-07-01", 91_000, None),     # 91
    ("C1", "FD", "invoice", "2026-06-01", 48_000, None),      # 121, disputed at the close → (B)
    ("C2", "FR", "invoice", "2026-06-01", 5_000, None),       # 121, dispute resolved before the close → (A)
    ("C2", "FL", "invoice", "2026-09-10", 7_000, None),       # 20, dispute opened after the close → (A)
    ("C1", "AV", "credit_note", "2026-09-01", -12_000, None),
    ("C1", "RG", "payment", "2026-09-20", -30_000, None),
]


def items() -> pd.DataFrame:
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build({
        "customer_id": [r[0] for r in ROWS], "customer_name": [f"Client {r[0]}" for r in ROWS],
        "document_id": [r[1] for r in ROWS], "document_type": [r[2] for r in ROWS],
        "document_date": ["2026-06-01"] * len(ROWS), "due_date": [r[3] for r in ROWS],
        "amount_cents": [r[4] for r in ROWS], "amount_ht_cents": pd.array([r[5] for r in ROWS], dtype="Int64"),
    }))


def sales(drop: str | None = None) -> pd.DataFrame:
    """C1: 10 000,00 € HT at 20 % every month from 09/2025 to 10/2026; C2: 1 000,00 € HT at 5.5 % from
    01/2026 to 09/2026. The fiscal year 10/2025–09/2026: HT 12 × 10 000 + 9 × 1 000 = 129 000,00 €,
    TTC 12 × 12 000 + 9 × 1 055 = 153 495,00 €."""
    rows = [("C1", f"{m.year}-{m.month:02d}-01", 1_000_000, 0.20)
            for m in pd.period_range("2025-09", "2026-10", freq="M")]
    rows += [("C2", f"2026-{m:02d}-01", 100_000, 0.055) for m in range(1, 10)]
    rows = [r for r in rows if r[1][:7] != drop]
    return frames.SALES.validate(frames.SALES.build({
        "customer_id": [r[0] for r in rows], "month": [r[1] for r in rows],
        "sales_ht_cents": pd.array([r[2] for r in rows], dtype="Int64"), "vat_rate": [r[3] for r in rows],
    }))


def disputes() -> pd.DataFrame:
    return frames.DISPUTES.validate(frames.DISPUTES.build({
        "dispute_id": ["L1", "L2", "L3"], "customer_id": ["C1", "C2", "C2"], "document_id": ["FD", "FR", "FL"],
        "dispute_type": ["commercial", "technical", "administrative"], "amount_cents": pd.array([48_000, 5_000, 10],
                                                                                                 dtype="Int64"),
        "opened": ["2026-09-01", "2026-07-01", "2026-10-05"], "resolved": [pd.NaT, "2026-09-15", pd.NaT],
        "owner": ["A", "B", "C"],
    }))


def test_brackets_at_exactly_0_1_30_31_60_61_90_91_days():
    table = payment_delays_table(items(), CLOSE, sales(), disputes())
    b = table.by_bucket
    assert list(b.index) == ["not_due", "1-30", "31-60", "61-90", "over_90", "total_overdue"]
    assert b["invoices"].tolist() == [2, 3, 2, 2, 2, 9]
    assert b["amount_cents"].tolist() == [120_000, 31_000, 91_000, 151_000, 96_000, 369_000]
    days = table.invoices.set_index("document_id")["days_past_due"]
    assert days[["F00", "F1", "F30", "F31", "F60", "F61", "F90", "F91"]].tolist() == [0, 1, 30, 31, 60, 61, 90, 91]
    buckets = table.invoices.set_index("document_id")["bucket"]
    assert buckets[["F0", "F00", "F1", "F30", "F31", "F60", "F61", "F90", "F91", "FR", "FL"]].tolist() == [
        "not_due", "not_due", "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "over_90", "over_90", "1-30"]


def test_the_turnover_share_uses_the_fiscal_year_sales():
    table = payment_delays_table(items(), CLOSE, sales(), disputes())
    assert table.turnover_cents == 15_349_500 and table.period_start == pd.Timestamp("2025-10-01")
    share = table.by_bucket["turnover_share"]
    assert share["total_overdue"] == pytest.approx(3_690 / 153_495)
    assert share["not_due"] == pytest.approx(1_200 / 153_495)
    assert share["31-60"] == pytest.approx(910 / 153_495)
    shorter = payment_delays_table(items(), CLOSE, sales(), disputes(), fiscal_year_start="2026-01-01")
    assert shorter.turnover_cents == 9 * 1_200_000 + 9 * 105_500          # a first year of nine months


def test_a_disputed_invoice_goes_to_b_and_credits_are_shown_beside():
    table = payment_delays_table(items(), CLOSE, sales(), disputes())
    assert (table.excluded_count, table.excluded_cents) == (1, 48_000)
    assert table.excluded["document_id"].tolist() == ["FD"] and table.excluded["dispute_ids"].tolist() == ["L1"]
    assert "FD" not in set(table.invoices["document_id"])
    assert {"FR", "FL"} <= set(table.invoices["document_id"])       # resolved before / opened after the close
    assert table.left_out.loc["credit_note"].tolist() == [1, -12_000]
    assert table.left_out.loc["payment"].tolist() == [1, -30_000]
    assert table.left_out_items["document_id"].tolist() == ["AV", "RG"]
    assert not {"AV", "RG"} & set(table.invoices["document_id"])
    nothing_excluded = payment_delays_table(items(), CLOSE, sales())
    assert nothing_excluded.excluded_count == 0
    assert nothing_excluded.by_bucket.at["over_90", "invoices"] == 3


def test_ht_basis_uses_the_exports_ht_else_ttc_over_the_customers_vat():
    table = payment_delays_table(items(), CLOSE, sales(), disputes(), basis="HT")
    # C1 at 20 %: 200 → 166,67; 110 → 91,67; 130 → 108,33; 310 → 258,33; 600 → 500,00; 480 → 400,00; −120 → −100
    # C2 at 5,5 %: 610 → 578,20; 900 → 853,08; 910 → 862,56; 50 → 47,39; 70 → 66,35; F0 HT given: 833,33
    assert table.by_bucket["amount_cents"].tolist() == [100_000, 26_635, 75_833, 143_128, 90_995, 336_591]
    assert table.turnover_cents == 12_900_000
    assert table.by_bucket.at["total_overdue", "turnover_share"] == pytest.approx(3_365.91 / 129_000)
    assert table.excluded_cents == 40_000
    assert table.left_out["amount_cents"].tolist() == [-10_000, -30_000]   # a payment carries no VAT
    assert table.invoices.set_index("document_id").at["F61", "amount_ttc_cents"] == 61_000


def test_official_layout_rows_and_columns():
    layout = payment_delays_table(items(), CLOSE, sales(), disputes()).table
    assert list(layout.index) == ["invoices", "amount_cents", "turnover_share"]
    assert list(layout.columns) == ["not_due", "1-30", "31-60", "61-90", "over_90", "total_overdue"]
    assert layout.loc["invoices"].tolist() == [2, 3, 2, 2, 2, 9]
    assert layout.at["amount_cents", "total_overdue"] == 369_000


def test_public_face_gives_euros_and_canonical_cents():
    euro_items = ra.to_euros(items())
    public = ra.payment_delays_table(euro_items, CLOSE, ra.to_euros(sales()), ra.to_euros(disputes()))
    cents = canonical.payment_delays_table(items(), CLOSE, sales(), disputes())
    assert public.by_bucket.at["total_overdue", "amount_eur"] == Decimal("3690.00")
    assert public.by_bucket["amount_eur"].dtype == ra.EURO
    assert public.table.at["amount_eur", "61-90"] == Decimal("1510.00")
    assert public.turnover_eur == Decimal("153495.00") and public.excluded_eur == Decimal("480.00")
    assert public.left_out.loc["credit_note", "amount_eur"] == Decimal("-120.00")
    assert not [c for f in (public.by_bucket, public.invoices, public.excluded, public.left_out, public.left_out_items)
                for c in f.columns if "cents" in str(c)]
    assert cents.by_bucket.at["total_overdue", "amount_cents"] == 369_000
    assert cents.by_bucket["amount_cents"].dtype == "int64"
    ht = ra.payment_delays_table(euro_items, CLOSE, ra.to_euros(sales()), basis="HT")
    assert ht.by_bucket.at["total_overdue", "amount_eur"] == Decimal("3765.91")   # + FD 400,00 HT, now in (A)


def test_missing_sales_months_are_refused_or_left_blank():
    with pytest.raises(MissingSalesError, match="2025-11"):
        payment_delays_table(items(), CLOSE, sales(drop="2025-11"), disputes())
    coerced = payment_delays_table(items(), CLOSE, sales(drop="2025-11"), disputes(), errors="coerce")
    assert coerced.missing_sales_months == (pd.Period("2025-11", freq="M"),)
    assert coerced.by_bucket["turnover_share"].isna().all()
    assert coerced.by_bucket.at["total_overdue", "amount_cents"] == 369_000
    with pytest.raises(SettingsError, match="TTC"):
        payment_delays_table(items(), CLOSE, sales(), basis="TVA")   # type: ignore[arg-type]


FRIDAYS = [pd.Timestamp("2026-08-07") + pd.Timedelta(weeks=k) for k in range(16)]   # 07/08 … 20/11/2026


@pytest.mark.parametrize("close, used", [("2026-09-30", "2026-09-25"), ("2026-09-25", "2026-09-25"),
                                         ("2026-10-01", "2026-09-25"), ("2026-11-27", "2026-11-20")])
def test_the_snapshot_on_or_just_before_the_close(close, used):
    assert snapshot_for_close(FRIDAYS, close) == pd.Timestamp(used)


def test_no_snapshot_close_enough_is_refused_naming_the_dates():
    with pytest.raises(SnapshotMissing) as caught:
        snapshot_for_close(FRIDAYS, "2026-12-31")
    text = str(caught.value)
    assert "31/12/2026" in text and "20/11/2026, 41 jours plus tôt" in text and "07/08/2026" in text
    with pytest.raises(SnapshotMissing, match="25/09/2026, 5 jours plus tôt"):
        snapshot_for_close(FRIDAYS, "2026-09-30", max_days=3)
    with pytest.raises(SnapshotMissing, match="première balance intégrée est du 07/08/2026"):
        snapshot_for_close(FRIDAYS, "2026-07-31")
    with pytest.raises(SnapshotMissing, match="aucune"):
        snapshot_for_close([], "2026-07-31")


@pytest.mark.parametrize("month_day, date, close", [
    ((9, 30), "2026-11-20", "2026-09-30"), ((9, 30), "2026-09-30", "2026-09-30"),
    ((9, 30), "2026-09-29", "2025-09-30"), ((12, 31), "2026-11-20", "2025-12-31"),
    ((2, 28), "2028-03-05", "2028-02-29"), ((2, 29), "2027-03-05", "2027-02-28"),
])
def test_fiscal_close_on_or_before_a_date(month_day, date, close):
    assert fiscal_close(month_day, date) == pd.Timestamp(close)


def cells(ws, row: int) -> list[object]:
    """Columns B to G of a row: the six brackets."""
    return [ws[f"{col}{row}"].value for col in "BCDEFG"]


def test_excel_sheet_in_the_official_layout(tmp_path: Path):
    table = payment_delays_table(items(), CLOSE, sales(), disputes())
    path = write_payment_delays(tmp_path / "d441.xlsx", table, notes=["Pièces ouvertes : balance du 25/09/2026."])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Tableau D441-6", "Factures (A)", "Factures exclues (B)", "Avoirs et règlements"]
    ws = wb["Tableau D441-6"]
    assert ws["B4"].value == ("Article D. 441 I.-2° : Factures émises non réglées à la date de clôture de "
                              "l'exercice dont le terme est échu")
    assert cells(ws, 5) == ["0 jour (indicatif)", "1 à 30 jours", "31 à 60 jours", "61 à 90 jours",
                            "91 jours et plus", "Total (1 jour et plus)"]
    labels = [ws[f"A{r}"].value for r in range(6, 15)]
    assert labels == [
        "(A) Tranches de retard de paiement",
        "Nombre de factures concernées",
        "Montant total des factures concernées (TTC)",
        "Pourcentage du chiffre d'affaires de l'exercice (TTC)",
        "(B) Factures exclues du (A) relatives à des dettes et créances litigieuses ou non comptabilisées",
        "Nombre des factures exclues",
        "Montant total des factures exclues (TTC)",
        "(C) Délais de paiement de référence utilisés (contractuel ou délai légal - article L. 441-6 ou article "
        "L. 443-1 du code de commerce)",
        "Délais de paiement utilisés pour le calcul des retards de paiement",
    ]
    assert cells(ws, 7) == [2, 3, 2, 2, 2, 9]
    assert cells(ws, 8) == [1200, 310, 910, 1510, 960, 3690]
    assert cells(ws, 9) == pytest.approx([1200 / 153495, 310 / 153495, 910 / 153495, 1510 / 153495,
                                          960 / 153495, 3690 / 153495])
    assert (ws["B11"].value, ws["B12"].value, ws["B14"].value) == (1, 480, "Délais contractuels")
    beside = [[ws[f"{c}{r}"].value for c in "IJK"] for r in range(5, 9)]
    assert beside == [["Pièces", "Nombre", "Montant (TTC)"], ["Avoirs", 1, -120], ["Règlements non affectés", 1, -300],
                      ["Total", 2, -420]]
    notes = [ws[f"A{r}"].value for r in range(16, 22)]
    assert "Pièces ouvertes : balance du 25/09/2026." in notes
    assert any("153\u202f495,00" in str(n) for n in notes)
    excluded = wb["Factures exclues (B)"]
    assert [c.value for c in excluded[1]] == ["Code client", "Raison sociale", "N° pièce", "Date pièce", "Échéance",
                                              "Jours de retard à la clôture", "Tranche", "Solde TTC",
                                              "Litiges ouverts à la clôture"]
    assert [c.value for c in excluded[2]][2:] == ["FD", pd.Timestamp("2026-06-01"), pd.Timestamp("2026-06-01"), 121,
                                                  "91 jours et plus", 480, "L1"]
    listed = wb["Factures (A)"]
    assert listed.max_row == 1 + 11 + 1 and listed["H13"].value == 4890     # 11 invoices and the total row
    assert [listed[f"C{r}"].value for r in (2, 3, 12)] == ["FR", "F91", "F0"]   # most days late first


def test_ht_labels_and_untrusted_names_stay_text(tmp_path: Path):
    frame = items()
    frame["customer_name"] = pd.array(["=HYPERLINK(\"http://x\",\"y\")"] * len(frame), dtype="string")
    table = payment_delays_table(frame, CLOSE, sales(), disputes(), basis="HT",
                                 reference_terms="délais légaux : 60 jours date de facture")
    wb = openpyxl.load_workbook(write_payment_delays(tmp_path / "ht.xlsx", table))
    ws = wb["Tableau D441-6"]
    assert ws["A8"].value == "Montant total des factures concernées (HT)"
    assert ws["A9"].value == "Pourcentage du chiffre d'affaires de l'exercice (HT)"
    assert ws["A12"].value == "Montant total des factures exclues (HT)"
    assert ws["G8"].value == pytest.approx(3365.91) and ws["B12"].value == 400
    assert ws["B14"].value == "Délais légaux : 60 jours date de facture"
    listed = wb["Factures (A)"]
    assert [c.value for c in listed[1]][-2:] == ["Solde TTC", "Montant retenu (HT)"]
    name = listed["B2"]
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert not any(isinstance(c.value, str) and c.data_type == "f" for row in listed.iter_rows() for c in row)
    assert np.isclose(listed.cell(listed.max_row, 9).value, 3365.91 + 1000)


def test_many_snapshots_are_summed_up_around_the_close():
    weekly = [pd.Timestamp("2025-01-03") + pd.Timedelta(weeks=k) for k in range(100)]   # 03/01/2025 … 27/11/2026
    with pytest.raises(SnapshotMissing) as caught:
        snapshot_for_close(weekly, "2027-06-30")
    text = str(caught.value)
    assert "100 dates du 03/01/2025 au 27/11/2026" in text and "27/11/2026" in text and "14/02/2025" not in text


def test_public_writer_takes_the_euro_table(tmp_path: Path):
    public = ra.payment_delays_table(ra.to_euros(items()), CLOSE, ra.to_euros(sales()), ra.to_euros(disputes()))
    ws = openpyxl.load_workbook(ra.write_payment_delays(tmp_path / "e.xlsx", public))["Tableau D441-6"]
    assert cells(ws, 8) == [1200, 310, 910, 1510, 960, 3690] and ws["B12"].value == 480
