"""Late-payment penalties (L441-10) and the 40 € indemnity (D441-5), against hand-computed cases.

Each expected figure is worked out in the comment beside it: amount (cents) × Σ(rate ×
days) / 365, rates in percent of the half-year, rounded half-up once per invoice."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from relance_analytics.errors import SettingsError
from relance_analytics.frames import OPEN_ITEMS
from relance_analytics.metrics.payments import payments_from_snapshots
from relance_analytics.metrics.penalties import (
    PenaltyParams,
    late_payment_penalties,
    load_rates,
    paid_late_penalties,
)


def items(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    """Open items ``(document, type, due date, cents)`` of customer C1."""
    return OPEN_ITEMS.build({
        "customer_id": ["C1"] * len(rows), "customer_name": ["Client 1"] * len(rows),
        "document_id": [r[0] for r in rows], "document_type": [r[1] for r in rows],
        "document_date": [r[2] for r in rows], "due_date": [r[2] for r in rows],
        "amount_cents": [r[3] for r in rows]})


def one(due: str, as_of: str, cents: int, params: PenaltyParams | None = None) -> pd.Series:
    result = late_payment_penalties(items(("FA1", "invoice", due, cents)), as_of, params)
    assert len(result.items) == 1
    return result.items.iloc[0]


def test_a_delay_inside_one_half_year():
    # 2026-H1: ECB 2.15 + 10 = 12.15 %; 31/03 → 30/04: 30 days
    # 1 000 000 × 12.15 % × 30 / 365 = 9 986.30 → 9 986 cents
    row = one("2026-03-31", "2026-04-30", 1_000_000)
    assert (row["days_late"], row["penalty_cents"], row["indemnity_cents"]) == (30, 9_986, 4_000)
    assert list(row["segments"]) == [(pd.Timestamp("2026-01-01"), 121_500, 30)]


def test_a_delay_across_two_half_years():
    # due 15/06/2025: 16/06–30/06 = 15 days at 3.15 + 10 = 13.15 %; 01/07–10/07 = 10 days at 12.15 %
    # 500 000 × (13.15 % × 15 + 12.15 % × 10) / 365 = 500 000 × 3.1875 / 36 500 = 4 366.44 → 4 366
    row = one("2025-06-15", "2025-07-10", 500_000)
    assert (row["days_late"], row["penalty_cents"]) == (25, 4_366)
    assert [s[1:] for s in row["segments"]] == [(131_500, 15), (121_500, 10)]


def test_a_delay_across_three_half_years_one_leap():
    # due 20/12/2023: 21/12–31/12 = 11 days at 14.00 %; 2024-H1 (leap) 01/01–30/06 = 182 days at
    # 14.50 %; 01/07–05/07 = 5 days at 14.25 %; 198 days in all
    # 100 000 × (14 × 11 + 14.5 × 182 + 14.25 × 5) % / 365 = 100 000 × 28.6425 / 36 500 = 7 847.26 → 7 847
    row = one("2023-12-20", "2024-07-05", 100_000)
    assert (row["days_late"], row["penalty_cents"]) == (198, 7_847)
    assert [s[2] for s in row["segments"]] == [11, 182, 5]


def test_a_zero_ecb_rate_leaves_the_ten_points():
    # 2020-H1: ECB 0 → 10 %; 10/01 → 10/03/2020: 21 + 29 + 10 = 60 days
    # 365 000 × 10 % × 60 / 365 = 6 000 exactly
    assert one("2020-01-10", "2020-03-10", 365_000)["penalty_cents"] == 6_000


def test_rounding_is_half_up_once_per_invoice():
    # 73 days at 10 % is 2 % of the amount: 25 cents → 0.5 → 1 cent; 24 cents → 0.48 → 0
    assert one("2020-01-10", "2020-03-23", 25)["penalty_cents"] == 1
    assert one("2020-01-10", "2020-03-23", 24)["penalty_cents"] == 0


def test_a_contractual_rate_below_the_floor_is_raised_and_flagged():
    # 2026-H1 legal rate 2.62 % → floor 7.86 %; 28/02 → 30/03/2026: 30 days
    # below: 5 % → 7.86 %: 1 000 000 × 7.86 % × 30 / 365 = 6 460.27 → 6 460
    # above: 15 %: 1 000 000 × 15 % × 30 / 365 = 12 328.77 → 12 329
    below = one("2026-02-28", "2026-03-30", 1_000_000, PenaltyParams(contractual=50_000))
    assert (below["penalty_cents"], bool(below["below_floor"])) == (6_460, True)
    above = one("2026-02-28", "2026-03-30", 1_000_000, PenaltyParams(contractual=150_000))
    assert (above["penalty_cents"], bool(above["below_floor"])) == (12_329, False)
    per_customer = one("2026-02-28", "2026-03-30", 1_000_000,
                       PenaltyParams(contractual=50_000, customer_rates={"C1": 150_000}))
    assert per_customer["penalty_cents"] == 12_329


def test_a_partially_paid_invoice_runs_on_its_open_amount_and_credits_carry_none():
    # FA1 10 000 € paid down to 2 500 € open: 250 000 × 12.15 % × 30 / 365 = 2 496.58 → 2 497
    result = late_payment_penalties(items(("FA1", "invoice", "2026-03-31", 250_000),
                                          ("AV1", "credit_note", "2026-03-01", -50_000),
                                          ("RG1", "payment", "2026-03-01", -10_000),
                                          ("FA2", "invoice", "2026-04-30", 90_000)),      # due on as-of: not late
                                    "2026-04-30")
    assert list(result.items["document_id"]) == ["FA1"]
    assert result.items["penalty_cents"].iloc[0] == 2_497
    assert result.by_customer.loc["C1", ["invoices", "total_cents"]].tolist() == [1, 6_497]


def test_a_half_year_beyond_the_table_is_estimated_and_said():
    # 2026-H2 is not in the shipped table: the 2026-H1 rate (12.15 %) is used and reported
    # 21/06–30/06 = 10 days, 01/07–20/11 = 143 days; 153 days at 12.15 %:
    # 1 000 000 × 12.15 % × 153 / 365 = 50 930.14 → 50 930
    result = late_payment_penalties(items(("FA1", "invoice", "2026-06-20", 1_000_000)), "2026-11-20")
    row = result.items.iloc[0]
    assert (row["penalty_cents"], bool(row["estimated"])) == (50_930, True)
    assert result.estimated == (pd.Timestamp("2026-07-01"),)


def test_rate_tables_are_data_a_user_extends(tmp_path: Path):
    path = tmp_path / "bce.csv"
    path.write_text("start,ecb_rate\n2026-01-01,2.15\n2026-07-01,2.00\n", encoding="utf-8")
    params = PenaltyParams(ecb=load_rates(path, "", "ecb_rate"))
    # 2026-H2 now known: 143 days at 12.00 % + 10 days at 12.15 %
    # 1 000 000 × (12.15 × 10 + 12 × 143) % / 365 = 1 000 000 × 18.375 / 365 = 50 342.47 → 50 342
    row = late_payment_penalties(items(("FA1", "invoice", "2026-06-20", 1_000_000)), "2026-11-20", params).items.iloc[0]
    assert (row["penalty_cents"], bool(row["estimated"])) == (50_342, False)
    path.write_text("start,ecb_rate\n2026-03-01,2.15\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="1er janvier ou un 1er juillet"):
        load_rates(path, "", "ecb_rate")
    assert PenaltyParams.from_settings({"legal": {"penalty_rate": "12.5"}}).contractual == 125_000


def test_paid_late_from_snapshots_takes_the_conservative_bound():
    # FA1 due 01/10, open at the 09/10 snapshot, gone at the 16/10 one: paid on 10/10 at the
    # earliest → 9 days late: 365 000 × 12.15 % × 9 / 365 = 1 093.5 → 1 094 (half-up)
    # FA2 paid down by 1 000 € between the snapshots (due 02/10): 8 days: 100 000 × 12.15 % × 8 /
    # 365 = 266.30 → 266; FA3 paid before its due date: no penalty
    snapshots = {
        pd.Timestamp("2026-10-09"): items(("FA1", "invoice", "2026-10-01", 365_000), ("FA2", "invoice", "2026-10-02",
                                                                                        300_000),
                                          ("FA3", "invoice", "2026-10-30", 50_000)),
        pd.Timestamp("2026-10-16"): items(("FA2", "invoice", "2026-10-02", 200_000)),
    }
    payments = payments_from_snapshots(snapshots)
    assert set(payments["bound"]) == {"earliest"} and (payments["paid_on"] == pd.Timestamp("2026-10-10")).all()
    claims = paid_late_penalties(payments, "2026-10-01", "2026-12-31")
    got = claims.items.set_index("document_id")[["days_late", "amount_cents", "penalty_cents", "indemnity_cents"]]
    assert got.loc["FA1"].tolist() == [9, 365_000, 1_094, 4_000]
    assert got.loc["FA2"].tolist() == [8, 100_000, 266, 4_000]
    assert "FA3" not in got.index
    assert claims.by_customer.loc["C1", "total_cents"] == 1_094 + 266 + 8_000
