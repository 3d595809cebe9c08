"""Payment-term compliance (L441-10 I) against hand-computed limits: both readings of « 45 jours fin
de mois » at month ends of 28-, 29-, 30- and 31-day months, exactly at the limit and one day over;
agreed terms against actual payment delays. Every expected figure is written by hand."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import frames
from relance_analytics.config import Settings
from relance_analytics.errors import MissingColumnError, SettingsError
from relance_analytics.metrics.terms_compliance import (
    PaymentTermCaps,
    legal_limits,
    terms_compliance,
    terms_vs_payments,
)

# (invoice date, latest compliant due date), worked out by hand:
#   limit = max(date + 60 d, end of month + 45 d, date + 45 d then end of month)
LIMITS = [
    # 31/01 + 60 d = 01/04 (28-day February) beats 31/01 + 45 d = 17/03 and EOM(17/03) = 31/03
    ("2026-01-31", "2026-04-01"),
    # leap year: 31/01 + 60 d = 31/03 = EOM(31/01 + 45 d = 16/03); end of month + 45 d = 16/03
    ("2028-01-31", "2028-03-31"),
    # 15/02 + 45 d = 01/04, then end of month: 30/04 beats 15/02 + 60 d = 16/04 and 28/02 + 45 d = 14/04
    ("2026-02-15", "2026-04-30"),
    # leap year: 15/02 + 60 d = 15/04 beats 29/02 + 45 d = 14/04 and EOM(15/02 + 45 d = 31/03) = 31/03
    ("2028-02-15", "2028-04-15"),
    # 30/04 + 45 d = 14/06, then end of month: 30/06 beats 30/04 + 60 d = 29/06
    ("2026-04-30", "2026-06-30"),
    # 31/12 + 60 d = 01/03/2027 beats EOM(31/12 + 45 d = 14/02) = 28/02 and 31/12 + 45 d = 14/02
    ("2026-12-31", "2027-03-01"),
    # into a leap February: 31/12/2027 + 60 d = 29/02/2028 = EOM(14/02/2028)
    ("2027-12-31", "2028-02-29"),
    # end of month then + 45 d wins: 31/01 + 45 d = 17/03, beats 10/01 + 60 d = 11/03 and EOM(24/02) = 28/02
    ("2026-01-10", "2026-03-17"),
]


def test_legal_limits_at_month_ends():
    dates = np.array([d for d, _ in LIMITS] + ["NaT"], dtype="datetime64[s]")
    expected = np.array([lim for _, lim in LIMITS] + ["NaT"], dtype="datetime64[s]")
    got = legal_limits(dates)
    assert [str(x)[:10] for x in got] == [str(x)[:10] for x in expected]


def open_items(rows: list[tuple[str, str, str, str | None, str, int]]) -> pd.DataFrame:
    """Items from (customer, document, type, document date or None, due date, cents)."""
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build({
        "customer_id": [r[0] for r in rows], "customer_name": [f"Client {r[0]}" for r in rows],
        "document_id": [r[1] for r in rows], "document_type": [r[2] for r in rows],
        "document_date": [pd.NaT if r[3] is None else pd.Timestamp(r[3]) for r in rows],
        "due_date": [r[4] for r in rows], "amount_cents": [r[5] for r in rows],
    }))


# (customer, document, type, invoice date, due date, cents): pairs at the limit and one day over
ROWS = [
    ("C1", "I1", "invoice", "2026-01-31", "2026-04-01", 10_000),    # at the limit: 60 days
    ("C1", "I2", "invoice", "2026-01-31", "2026-04-02", 25_000),    # one day over: 61 days
    ("C1", "I3", "invoice", "2028-01-31", "2028-03-31", 10_000),    # 60 days
    ("C1", "I4", "invoice", "2028-01-31", "2028-04-01", 10_000),    # 61 days
    ("C1", "I5", "invoice", "2026-02-15", "2026-04-30", 10_000),    # 74 days, compliant (45 d then EOM)
    ("C1", "I6", "invoice", "2026-02-15", "2026-05-01", 10_000),    # 75 days
    ("C1", "I7", "invoice", "2028-02-15", "2028-04-15", 10_000),    # 60 days
    ("C1", "I8", "invoice", "2028-02-15", "2028-04-16", 10_000),    # 61 days
    ("C2", "I9", "invoice", "2026-04-30", "2026-06-30", 10_000),    # 61 days, compliant
    ("C2", "I10", "invoice", "2026-04-30", "2026-07-01", 40_000),   # 62 days
    ("C2", "I11", "invoice", "2026-12-31", "2027-03-01", 10_000),   # 60 days
    ("C2", "I12", "invoice", "2026-12-31", "2027-03-02", 10_000),   # 61 days
    ("C2", "I13", "invoice", "2027-12-31", "2028-02-29", 10_000),   # 60 days
    ("C2", "I14", "invoice", "2027-12-31", "2028-03-01", 10_000),   # 61 days
    ("C2", "I15", "invoice", "2026-01-10", "2026-03-17", 10_000),   # 66 days, compliant (EOM then 45 d)
    ("C2", "I16", "invoice", "2026-01-10", "2026-03-18", 10_000),   # 67 days
    ("C2", "I17", "invoice", None, "2026-06-30", 99_900),           # no invoice date: cannot be judged
    ("C2", "AV1", "credit_note", "2026-03-01", "2026-03-01", -12_000),
    ("C1", "RG1", "payment", "2026-03-02", "2026-03-02", -30_000),
]
NON_COMPLIANT = {"I2", "I4", "I6", "I8", "I10", "I12", "I14", "I16"}
AGREED = {"I1": 60, "I2": 61, "I3": 60, "I4": 61, "I5": 74, "I6": 75, "I7": 60, "I8": 61, "I9": 61, "I10": 62,
          "I11": 60, "I12": 61, "I13": 60, "I14": 61, "I15": 66, "I16": 67}


def test_each_invoice_at_the_limit_is_compliant_and_one_day_over_is_not():
    result = terms_compliance(open_items(ROWS))
    inv = result.invoices.set_index("document_id")
    assert list(inv.index) == [f"I{i}" for i in range(1, 18)]          # invoices only, in order
    for doc, days in AGREED.items():
        assert inv.at[doc, "agreed_days"] == days, doc
        assert bool(inv.at[doc, "compliant"]) is (doc not in NON_COMPLIANT), doc
        assert inv.at[doc, "excess_days"] == (1 if doc in NON_COMPLIANT else 0), doc
    assert inv.at["I5", "limit_date"] == pd.Timestamp("2026-04-30")
    assert inv.at["I15", "limit_date"] == pd.Timestamp("2026-03-17")
    # the undated invoice is kept, not judged
    assert pd.isna(inv.at["I17", "compliant"]) and pd.isna(inv.at["I17", "agreed_days"])
    assert pd.isna(inv.at["I17", "excess_days"]) and pd.isna(inv.at["I17", "limit_date"])


def test_totals_per_customer_and_overall():
    result = terms_compliance(open_items(ROWS))
    t = result.total.loc["total"]
    assert (t["invoices"], t["judged"], t["undated"], t["non_compliant"]) == (17, 16, 1, 8)
    assert t["non_compliant_share"] == pytest.approx(0.5)
    # judged: 14 × 100,00 + 250,00 + 400,00; non-compliant: 250 + 400 + 6 × 100
    assert (t["judged_cents"], t["non_compliant_cents"], t["undated_cents"], t["amount_cents"]) == \
        (205_000, 125_000, 99_900, 304_900)
    assert t["non_compliant_amount_share"] == pytest.approx(1250 / 2050)
    assert t["agreed_days_mean"] == pytest.approx(1010 / 16)
    assert (t["agreed_days_max"], t["excess_days_max"]) == (75, 1)

    by = result.by_customer
    assert list(by.index) == ["C2", "C1"]                 # most non-compliant money first
    c1, c2 = by.loc["C1"], by.loc["C2"]
    assert c1["customer_name"] == "Client C1"
    assert (c1["invoices"], c1["judged"], c1["undated"], c1["non_compliant"]) == (8, 8, 0, 4)
    assert (c1["judged_cents"], c1["non_compliant_cents"]) == (95_000, 55_000)
    assert c1["non_compliant_amount_share"] == pytest.approx(550 / 950)
    assert (c1["agreed_days_mean"], c1["agreed_days_max"]) == (64.0, 75)
    assert (c2["invoices"], c2["judged"], c2["undated"], c2["non_compliant"]) == (9, 8, 1, 4)
    assert (c2["judged_cents"], c2["non_compliant_cents"], c2["undated_cents"]) == (110_000, 70_000, 99_900)
    assert c2["non_compliant_share"] == pytest.approx(0.5)
    assert (c2["agreed_days_mean"], c2["agreed_days_max"]) == (62.25, 67)


def test_credit_notes_and_payments_are_left_out_and_counted():
    left = terms_compliance(open_items(ROWS)).left_out
    assert left.loc["credit_note"].tolist() == [1, -12_000]
    assert left.loc["payment"].tolist() == [1, -30_000]


def test_nothing_to_judge_gives_nan_shares_not_an_error():
    result = terms_compliance(open_items([("C1", "X", "invoice", None, "2026-06-30", 100)]))
    t = result.total
    assert (t.at["total", "judged"], t.at["total", "undated"]) == (0, 1)
    assert np.isnan(t.at["total", "non_compliant_share"]) and t["non_compliant_share"].dtype == "float64"


def test_caps_are_parameters_read_from_relance_toml(tmp_path):
    toml = tmp_path / "relance.toml"
    toml.write_text("[legal]\npayment_terms_days = 30\npayment_terms_eom_days = 30\nfiscal_year_end = \"30/09\"\n",
                    encoding="utf-8")
    settings = Settings.load(toml)
    caps = PaymentTermCaps.from_settings(settings)
    assert caps == PaymentTermCaps(30, 30) and settings.fiscal_year_end == (9, 30)
    assert PaymentTermCaps.from_settings(Settings()) == PaymentTermCaps(60, 45)
    # 10/01: 10/01 + 30 d = 09/02; 31/01 + 30 d = 02/03; EOM(09/02) = 28/02 → 02/03
    assert str(legal_limits(np.array(["2026-01-10"], dtype="datetime64[s]"), caps)[0])[:10] == "2026-03-02"
    result = terms_compliance(open_items([("C1", "A", "invoice", "2026-01-10", "2026-03-02", 100),
                                          ("C1", "B", "invoice", "2026-01-10", "2026-03-03", 100)]), caps)
    assert result.invoices["compliant"].tolist() == [True, False]


@pytest.mark.parametrize("text, expected", [("30/09", (9, 30)), ("09-30", (9, 30)), ("31/12", (12, 31)),
                                            ("29/02", (2, 29))])
def test_fiscal_year_end_reads_day_first_or_month_day(tmp_path, text, expected):
    toml = tmp_path / "relance.toml"
    toml.write_text(f'[legal]\nfiscal_year_end = "{text}"\n', encoding="utf-8")
    assert Settings.load(toml).fiscal_year_end == expected


@pytest.mark.parametrize("body", ['fiscal_year_end = "31/02"', 'fiscal_year_end = "2026-09-30"',
                                  "payment_terms_days = -1", 'payment_terms_eom_days = "45"', "cloture = 1"])
def test_bad_legal_settings_are_refused_in_french(tmp_path, body):
    toml = tmp_path / "relance.toml"
    toml.write_text(f"[legal]\n{body}\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"\[legal\]"):
        Settings.load(toml)


def test_public_face_gives_euros():
    result = ra.terms_compliance(ra.to_euros(open_items(ROWS)))
    t = result.total.loc["total"]
    assert t["non_compliant_eur"] == Decimal("1250.00") and t["judged_eur"] == Decimal("2050.00")
    assert result.left_out.loc["payment", "amount_eur"] == Decimal("-300.00")
    assert not [c for f in (result.invoices, result.by_customer, result.total, result.left_out)
                for c in f.columns if "cents" in str(c)]


def invoices_and_payments() -> tuple[pd.DataFrame, pd.DataFrame]:
    invoices = pd.DataFrame({
        "customer_id": ["C1", "C1", "C1", "C2", "C1", "C2"],
        "customer_name": ["Un", "Un", "Un", "Deux", "Un", "Deux"],
        "document_id": ["P1", "P2", "P3", "Q1", "P1", "AV"],
        "document_type": ["invoice", "invoice", "invoice", "invoice", "invoice", "credit_note"],
        "document_date": pd.to_datetime(["2026-01-10", "2026-01-20", "2026-02-01", "2026-01-05", "2026-01-10",
                                         "2026-02-01"]).astype("datetime64[s]"),
        "due_date": pd.to_datetime(["2026-02-09", "2026-03-31", "2026-03-03", "2026-04-30", "2026-02-09",
                                    "2026-02-01"]).astype("datetime64[s]"),
    })
    payments = pd.DataFrame({"document_id": ["P1", "P2", "Q1", "ZZ"],
                             "paid_on": pd.to_datetime(["2026-02-19", "2026-03-25", "2026-05-10", "2026-01-01"])})
    return invoices, payments


def test_agreed_terms_against_actual_delays():
    invoices, payments = invoices_and_payments()
    result = terms_vs_payments(invoices, payments)
    inv = result.invoices.set_index("document_id")
    assert list(inv.index) == ["P1", "P2", "P3", "Q1"]        # the credit note out, P1 once
    assert inv["agreed_days"].tolist() == [30, 70, 30, 115]
    assert inv["actual_days"].tolist()[:2] == [40, 64] and pd.isna(inv.at["P3", "actual_days"])
    assert inv.at["Q1", "actual_days"] == 125 and inv.at["Q1", "days_late"] == 10
    assert inv.at["P2", "days_late"] == -6                    # paid six days early
    assert inv["compliant"].tolist() == [True, True, True, False]   # Q1: 115 days > 17/03
    by = result.by_customer
    assert list(by.index) == ["C2", "C1"]                     # longest actual delay first
    c1 = by.loc["C1"]
    assert c1["invoices"] == 3 and c1["agreed_days_mean"] == pytest.approx(130 / 3) and c1["agreed_days_max"] == 70
    assert (c1["paid"], c1["paid_late"], c1["non_compliant"]) == (2, 1, 0)
    assert (c1["actual_days_mean"], c1["days_late_mean"], c1["paid_late_share"]) == (52.0, 2.0, 0.5)
    c2 = by.loc["C2"]
    assert (c2["paid"], c2["paid_late"], c2["non_compliant"], c2["actual_days_mean"]) == (1, 1, 1, 125.0)
    t = result.total.loc["total"]
    assert (t["invoices"], t["paid"], t["paid_late"]) == (4, 3, 2)
    assert t["actual_days_mean"] == pytest.approx((40 + 64 + 125) / 3)
    assert t["paid_late_share"] == pytest.approx(2 / 3)


def test_payment_dates_may_come_with_the_invoices_as_fec_payments_gives_them():
    invoices, payments = invoices_and_payments()
    merged = invoices.merge(payments.rename(columns={"paid_on": "paid_date"}), on="document_id", how="left")
    result = terms_vs_payments(merged)
    assert result.invoices["actual_days"].tolist()[:2] == [40, 64]
    assert result.total.loc["total", "paid"] == 3


def test_payments_need_a_document_and_a_date():
    invoices, payments = invoices_and_payments()
    with pytest.raises(MissingColumnError, match="paid_on"):
        terms_vs_payments(invoices, payments.rename(columns={"paid_on": "date"}))
