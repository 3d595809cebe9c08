"""Provisions for doubtful debts against hand-computed figures; dotation/reprise exactness (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics import frames
from relance_analytics.config import Settings
from relance_analytics.metrics.provisions import (
    AgeRule,
    ProvisionRules,
    base_ht_cents,
    customer_vat_rates,
    provision_change,
    provision_totals,
    provisions,
)

AS_OF = "2026-11-20"
# due dates at 20/11/2026 → days past due
DUE = {90: "2026-08-22", 91: "2026-08-21", 180: "2026-05-24", 181: "2026-05-23", 365: "2025-11-20",
       366: "2025-11-19", 400: "2025-10-16", 100: "2026-08-12", 10: "2026-11-10", -10: "2026-11-30"}


def items(rows: list[tuple], ht: list[object] | None = None) -> pd.DataFrame:
    """Items from (customer, document, days past due, TTC cents[, type]) tuples."""
    due = [DUE[r[2]] for r in rows]
    data = {
        "customer_id": [r[0] for r in rows],
        "customer_name": [f"Client {r[0]}" for r in rows],
        "document_id": [r[1] for r in rows],
        "document_type": [r[4] if len(r) > 4 else ("invoice" if r[3] > 0 else "credit_note") for r in rows],
        "document_date": due,
        "due_date": due,
        "amount_cents": [r[3] for r in rows],
    }
    if ht is not None:
        data["amount_ht_cents"] = ht
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build(data))


def customers(rows: list[tuple[str, str, float | None]]) -> pd.DataFrame:
    """Customers from (id, status code, override rate or None)."""
    return frames.CUSTOMERS.validate(frames.CUSTOMERS.build({
        "customer_id": [r[0] for r in rows],
        "customer_name": [f"Client {r[0]}" for r in rows],
        "collector": ["Claire" if r[0] < "M" else "Julien" for r in rows],
        "status": [r[1] for r in rows],
        "provision_rate": [np.nan if r[2] is None else r[2] for r in rows],
    }))


def by_doc(schedule: pd.DataFrame) -> pd.DataFrame:
    return schedule.set_index("document_id")


def test_age_boundaries_on_ht_derived_at_default_vat():
    # TTC 1 200,00 € at 20 % → HT 1 000,00 € (100 000 cents)
    days = [-10, 90, 91, 180, 181, 365, 366]
    s = by_doc(provisions(items([("A", f"D{d}", d, 120_000) for d in days]), AS_OF))
    assert list(s["days_past_due"]) == days
    assert (s["base_ht_cents"] == 100_000).all() and s["ht_derived"].all()
    assert list(s["rule"]) == ["none", "none", "age_91_180", "age_91_180", "age_181_365", "age_181_365",
                               "age_over_365"]
    assert list(s["rate"]) == [0, 0, 0.25, 0.25, 0.5, 0.5, 1.0]
    assert list(s["provision_cents"]) == [0, 0, 25_000, 25_000, 50_000, 50_000, 100_000]
    # provisioned on age alone (active customer, no override)
    assert list(s["age_only"]) == [False, False, True, True, True, True, True]
    assert s["provision_cents"].dtype == np.int64


def test_rounding_half_up_to_the_cent():
    s = by_doc(provisions(items([
        ("A", "R1", 91, 1_001),   # HT 1 001 / 1,2 = 834,17 → 834 ; × 25 % = 208,5 → 209
        ("A", "R2", 91, 3),       # HT 3 / 1,2 = 2,5 → 3 (half up, exact integers) ; × 25 % = 0,75 → 1
        ("A", "R3", 181, 1_003),  # HT 835,83 → 836 ; × 50 % = 418
        ("A", "R4", 91, 6),       # HT 5 ; × 25 % = 1,25 → 1
    ]), AS_OF))
    assert list(s["base_ht_cents"]) == [834, 3, 836, 5]
    assert list(s["provision_cents"]) == [209, 1, 418, 1]


def test_ht_given_by_the_export_wins_over_derivation():
    # FA1: export HT 90 000 (e.g. 10 % VAT items) → base 90 000 ; FA2: HT blank → 120 000 / 1,2
    s = by_doc(provisions(items([("A", "FA1", 366, 99_000), ("A", "FA2", 366, 120_000)], ht=[90_000, None]),
                          AS_OF))
    assert list(s["base_ht_cents"]) == [90_000, 100_000]
    assert list(s["ht_derived"]) == [False, True]
    assert list(s["provision_cents"]) == [90_000, 100_000]


def test_customer_vat_rate_and_unapplied_payments_without_vat():
    rates = pd.Series({"X": 0.055, "Z": 0.0})
    s = by_doc(provisions(items([
        ("X", "FA1", 366, 10_550),            # 10 550 / 1,055 = 10 000
        ("Z", "FA2", 366, 10_000),            # exporter at 0 %: HT = TTC
        ("A", "FA3", 366, 12_000),            # not in vat_rates: default 20 % → 10 000
        ("A", "RG1", 366, -5_000, "payment"),  # unapplied cash: no VAT, base = TTC
        ("A", "AV1", 366, -1_200),            # credit note at 20 % → -1 000
    ]), AS_OF, vat_rates=rates))
    assert list(s["base_ht_cents"]) == [10_000, 10_000, 10_000, -5_000, -1_000]
    assert list(s["provision_cents"]) == [10_000, 10_000, 10_000, 0, 0]
    assert list(s["rule"])[-2:] == ["credit", "credit"]
    assert not s.loc[["RG1", "AV1"], "age_only"].any()


def test_default_vat_rate_parameter():
    s = provisions(items([("A", "FA1", 366, 11_000)]), AS_OF, default_vat_rate=0.10)
    assert s["base_ht_cents"].iloc[0] == 10_000        # 11 000 / 1,10


def test_status_and_override_precedence():
    cust = customers([("A", "active", None), ("L", "liquidation", None), ("R", "receivership", None),
                      ("S", "safeguard", None), ("O", "active", 0.10), ("P", "liquidation", 0.30)])
    s = by_doc(provisions(items([
        ("L", "L1", -10, 12_000),   # liquidation, not due: status 100 % → 10 000
        ("L", "L2", 10, -1_200),    # credit note of a liquidated customer: not provisioned
        ("R", "R1", 10, 12_000),    # receivership 50 % beats age 0 % → 5 000
        ("R", "R2", 400, 12_000),   # age 100 % beats receivership 50 % → 10 000, not "age only"
        ("S", "S1", 100, 12_000),   # safeguard 25 % ties with age 25 %: status wins → 2 500
        ("S", "S2", -10, 12_000),   # safeguard, not due → 2 500
        ("O", "O1", 400, 12_000),   # override 10 % replaces age 100 % → 1 000
        ("O", "O2", -10, 12_000),   # override applies to items not due too → 1 000
        ("O", "O3", 400, -1_200),   # credit note: never provisioned, even with an override
        ("P", "P1", 400, 12_000),   # override 30 % replaces liquidation 100 % → 3 000
        ("A", "A1", 181, 12_000),   # active, age 50 % → 5 000, age only
    ]), AS_OF, customers=cust))
    assert s["rule"].to_dict() == {
        "L1": "status_liquidation", "L2": "credit", "R1": "status_receivership", "R2": "age_over_365",
        "S1": "status_safeguard", "S2": "status_safeguard", "O1": "override", "O2": "override", "O3": "credit",
        "P1": "override", "A1": "age_181_365"}
    assert s["provision_cents"].to_dict() == {
        "L1": 10_000, "L2": 0, "R1": 5_000, "R2": 10_000, "S1": 2_500, "S2": 2_500, "O1": 1_000, "O2": 1_000,
        "O3": 0, "P1": 3_000, "A1": 5_000}
    assert list(s.index[s["age_only"]]) == ["A1"]
    assert s.loc["L1", "status"] == "liquidation" and s.loc["A1", "collector"] == "Claire"


def test_zero_override_and_items_without_customer_columns():
    cust = customers([("O", "active", 0.0)])
    s = provisions(items([("O", "O1", 400, 12_000)]), AS_OF, customers=cust)
    assert (s["rule"].iloc[0], s["provision_cents"].iloc[0]) == ("override", 0)
    bare = provisions(items([("Q", "Q1", 400, 12_000)]), AS_OF)        # no status column: active
    assert (bare["status"].iloc[0], bare["rule"].iloc[0]) == ("active", "age_over_365")


def test_custom_rules_and_override_rate_scale():
    rules = ProvisionRules(age_rules=(AgeRule(61, None, 0.4), AgeRule(1, 60, 0.0)), liquidation_rate=0.9)
    s = by_doc(provisions(items([("A", "A1", 10, 12_000), ("A", "A2", 90, 12_000)]), AS_OF, rules=rules))
    assert list(s["rule"]) == ["age_1_60", "age_over_60"]
    assert list(s["provision_cents"]) == [0, 4_000]                   # 10 000 × 40 %
    assert list(s["age_only"]) == [False, True]                       # a 0 % rule provisions nothing
    odd = provisions(items([("O", "O1", 400, 120_000)]), AS_OF, customers=customers([("O", "active", 1 / 3)]))
    assert odd["provision_cents"].iloc[0] == 33_333                   # 100 000 × 33,3333 % = 33 333,33


def test_rules_validation():
    with pytest.raises(ValueError, match="se chevauchent"):
        ProvisionRules(age_rules=(AgeRule(91, 180, 0.25), AgeRule(180, None, 1.0)))
    with pytest.raises(ValueError, match="entre 0 et 1"):
        AgeRule(91, 180, 25)
    with pytest.raises(ValueError, match="inférieur à min_days"):
        AgeRule(180, 91, 0.25)


def test_rules_from_settings_with_french_labels_or_codes():
    raw = {"provisions": {
        "rules": [{"min_days": 91, "max_days": 180, "rate": 0.25}, {"min_days": 181, "max_days": 365, "rate": 0.5},
                  {"min_days": 366, "rate": 1.0}],
        "status_rates": {"liquidation judiciaire": 1.0, "Redressement Judiciaire": 0.6, "safeguard": 0.2}}}
    rules = ProvisionRules.from_settings(Settings(raw=raw))
    assert [r.code for r in rules.age_rules] == ["age_91_180", "age_181_365", "age_over_365"]
    assert rules.status_rates == {"liquidation": 1.0, "receivership": 0.6, "safeguard": 0.2}
    assert ProvisionRules.from_settings({}) == ProvisionRules()
    with pytest.raises(ValueError, match="statut inconnu 'actif'"):
        ProvisionRules.from_settings({"provisions": {"status_rates": {"actif": 0.1}}})
    with pytest.raises(ValueError, match="min_days et rate"):
        ProvisionRules.from_settings({"provisions": {"rules": [{"max_days": 10}]}})


def test_customer_vat_rates_latest_month_on_or_before_as_of():
    sales = frames.SALES.validate(frames.SALES.build({
        "customer_id": ["X", "X", "X", "Y"], "month": ["2026-09-01", "2026-10-01", "2026-12-01", "2026-01-01"],
        "sales_ht_cents": [1, 1, 1, 1], "vat_rate": [0.2, 0.055, 0.1, 0.0]}))
    assert customer_vat_rates(sales, AS_OF).to_dict() == {"Y": 0.0, "X": 0.055}


def test_totals_by_customer_rule_and_collector():
    cust = customers([("A", "active", None), ("L", "liquidation", None), ("N", "active", None)])
    s = provisions(items([
        ("A", "A1", 400, 120_000),   # age > 365: 100 000
        ("A", "A2", 100, 120_000),   # age 91–180: 25 000
        ("A", "A3", 10, -12_000),    # credit note: HT -10 000, not provisioned
        ("L", "L1", 10, 60_000),     # liquidation: 50 000
        ("N", "N1", 10, 24_000),     # nothing
    ]), AS_OF, customers=cust)
    by_cust = provision_totals(s, "customer")
    assert list(by_cust.index) == [("A", "Client A"), ("L", "Client L"), ("N", "Client N")]
    a = by_cust.loc[("A", "Client A")]
    assert (a["receivable_ht_cents"], a["credits_ht_cents"], a["provision_cents"], a["age_only_cents"],
            a["lines"]) == (200_000, -10_000, 125_000, 125_000, 2)
    assert a["coverage"] == pytest.approx(0.625)
    by_rule = provision_totals(s, "rule")["provision_cents"].to_dict()
    assert by_rule == {"age_over_365": 100_000, "status_liquidation": 50_000, "age_91_180": 25_000,
                       "credit": 0, "none": 0}
    by_coll = provision_totals(s, "collector")
    assert by_coll["provision_cents"].to_dict() == {"Claire": 175_000, "Julien": 0}   # A, L → Claire; N → Julien
    assert by_coll["provision_cents"].sum() == s["provision_cents"].sum()
    with pytest.raises(KeyError, match="segment"):
        provision_totals(s, "segment")


def schedule(per_customer: dict[str, int]) -> pd.DataFrame:
    """A minimal provisions schedule: one line per (customer, provision)."""
    return pd.DataFrame({"customer_id": list(per_customer), "customer_name": [f"Client {c}" for c in per_customer],
                         "provision_cents": np.array(list(per_customer.values()), dtype="int64")})


def test_dotation_and_reprise_hand_case():
    # previous A 100, B 50, C 30 (180); current A 150, B 20, D 10, E 0 (180)
    # dotation A +50, D +10 = 60; reprise B 30, C 30 = 60; 180 + 60 − 60 = 180
    change = provision_change(schedule({"A": 100, "B": 50, "C": 30}), schedule({"A": 150, "B": 20, "D": 10, "E": 0}))
    t = change.total.iloc[0]
    assert (t["previous_cents"], t["dotation_cents"], t["reprise_cents"], t["current_cents"]) == (180, 60, 60, 180)
    assert (change.dotation_cents, change.reprise_cents) == (60, 60)
    rows = change.by_customer
    assert list(rows.index) == ["A", "D", "B", "C"]                  # largest increase first, E left out
    assert rows.loc["C", "customer_name"] == "Client C"              # name kept for a customer gone now
    assert rows.loc["B", ["previous_cents", "dotation_cents", "reprise_cents", "current_cents"]].tolist() == [
        50, 0, 30, 20]
    empty = provision_change(schedule({}), schedule({}))
    assert empty.by_customer.empty and empty.total.iloc[0].tolist() == [0, 0, 0, 0]


def test_dotation_reprise_from_two_real_schedules():
    prev = provisions(items([("A", "A1", 100, 120_000)]), "2026-11-13")   # 93 days then: 25 000
    cur = provisions(items([("A", "A1", 100, 120_000)]), AS_OF)           # 100 days now: 25 000
    assert provision_change(prev, cur).total.iloc[0].tolist() == [25_000, 0, 0, 25_000]


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from("ABCDEFGH"), st.lists(st.integers(0, 10**9), min_size=1, max_size=3)),
       st.dictionaries(st.sampled_from("ABCDEFGH"), st.lists(st.integers(0, 10**9), min_size=1, max_size=3)))
def test_previous_plus_dotation_minus_reprise_equals_current(before, after):
    def frame(lines: dict[str, list[int]]) -> pd.DataFrame:
        pairs = [(c, v) for c, vs in lines.items() for v in vs]
        return pd.DataFrame({"customer_id": [c for c, _ in pairs], "customer_name": [c for c, _ in pairs],
                             "provision_cents": np.array([v for _, v in pairs], dtype="int64")})
    change = provision_change(frame(before), frame(after))
    t = change.total.iloc[0]
    assert t["previous_cents"] == sum(sum(v) for v in before.values())
    assert t["current_cents"] == sum(sum(v) for v in after.values())
    assert t["previous_cents"] + t["dotation_cents"] - t["reprise_cents"] == t["current_cents"]
    rows = change.by_customer
    assert (rows["previous_cents"] + rows["dotation_cents"] - rows["reprise_cents"] == rows["current_cents"]).all()
    assert ((rows["dotation_cents"] == 0) | (rows["reprise_cents"] == 0)).all()
    assert (rows[["dotation_cents", "reprise_cents"]] >= 0).all().all()
    assert rows[["previous_cents", "dotation_cents", "reprise_cents", "current_cents"]].sum().tolist() == t.tolist()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**9, 10**9), st.sampled_from([0.0, 0.021, 0.055, 0.1, 0.2])),
                min_size=1, max_size=30))
def test_derived_ht_is_symmetric_and_within_half_a_cent(rows):
    frame = frames.OPEN_ITEMS.build({"customer_id": [str(i) for i in range(len(rows))],
                                     "amount_cents": [r[0] for r in rows]})
    rates = pd.Series({str(i): r[1] for i, r in enumerate(rows)})
    base, derived = base_ht_cents(frame, vat_rates=rates)
    neg, _ = base_ht_cents(frame.assign(amount_cents=-frame["amount_cents"]), vat_rates=rates)
    assert derived.all() and (neg == -base).all()
    for (ttc, vat), ht in zip(rows, base):
        # |HT × (1 + VAT) − TTC| ≤ half a cent × (1 + VAT), in exact integer arithmetic (VAT in 1/10 000)
        bp = round(vat * 10_000)
        assert abs(ht * (10_000 + bp) - ttc * 10_000) * 2 <= 10_000 + bp


def test_workbook_and_charts(tmp_path):
    import openpyxl

    from relance_analytics.charts.provisions import provision_bridge, provisions_by_rule_bar
    from relance_analytics.report.provisions import rule_label, write_provisions

    cust = customers([("A", "active", None), ("L", "liquidation", None)])
    lines = items([("A", "A1", 400, 120_000), ("A", "A2", 100, 120_000), ("A", "A3", 10, -12_000),
                   ("L", "L1", 10, 60_000)])
    now = provisions(lines, AS_OF, customers=cust)
    before = provisions(lines, "2026-10-01", customers=cust)   # A1 351 days: 50 000; A2 42 days: 0; L1 50 000
    change = provision_change(before, now)                     # A: 50 000 → 125 000 (+75 000); L unchanged
    assert change.total.iloc[0].tolist() == [100_000, 75_000, 0, 175_000]
    by_rule = provision_totals(now, "rule")
    path = write_provisions(tmp_path / "provisions.xlsx", pd.Timestamp(AS_OF), now, provision_totals(now),
                            provision_totals(now, "collector"), by_rule, change, pd.Timestamp("2026-10-01"))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Pièces provisionnées", "Par client", "Par recouvreur", "Par règle",
                             "Dotations et reprises"]
    detail = list(wb["Pièces provisionnées"].values)
    assert detail[2][:5] == ("Code client", "Raison sociale", "Recouvreur", "Statut", "N° pièce")
    assert [r[4] for r in detail[3:6]] == ["A1", "A2", "L1"]                  # provisioned lines only
    assert detail[-1][0] == "Total" and detail[-1][14] == 1_750.00           # 1 000 + 250 + 500 €
    moves = list(wb["Dotations et reprises"].values)
    assert moves[-1][2:] == (1_000.0, 750.0, 0.0, 1_750.0)
    assert rule_label("age_91_180") == "Retard de 91 à 180 j" and rule_label("status_liquidation") == \
        "Liquidation judiciaire" and rule_label("age_over_365") == "Retard de plus de 365 j"
    bars = provisions_by_rule_bar(by_rule, "t")
    assert list(bars.data[0].y) == ["Retard de 91 à 180 j", "Liquidation judiciaire", "Retard de plus de 365 j"]
    assert list(bars.data[1].x) == [250.0, 0.0, 1_000.0]                     # age-only part, in euros
    assert list(provision_bridge(change, "t").data[0].y) == [1_000.0, 750.0, -0.0, 1_750.0]
