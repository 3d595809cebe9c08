"""Credit insurance (R14): deadlines of the threat-of-claim notice, their states, the exposure
above the insured limit, the call list's reason and side list — hand-computed cases, then the
sample, where every state occurs."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd

from relance_analytics import canonical as rc
from relance_analytics.calllist import call_list
from relance_analytics.config import Settings
from relance_analytics.frames import CUSTOMERS, OPEN_ITEMS
from relance_analytics.metrics.insurance import InsurancePolicy, insurance_status

from .calllist.helpers import actions

AS_OF = pd.Timestamp("2026-11-20")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def items(*rows: tuple[str, str, str, str, int]) -> pd.DataFrame:
    """Open items ``(customer, document, invoice date, due date, cents)``."""
    return OPEN_ITEMS.build({
        "customer_id": [r[0] for r in rows], "customer_name": [f"Client {r[0]}" for r in rows],
        "document_id": [r[1] for r in rows],
        "document_type": ["invoice" if r[4] > 0 else "credit_note" for r in rows],
        "document_date": [r[2] for r in rows], "due_date": [r[3] for r in rows], "amount_cents": [r[4] for r in rows]})


def customers(*rows: tuple[str, int | None, str | None, str | None, str]) -> pd.DataFrame:
    """Customers ``(id, insured limit cents, insurer, notice filed on, segment)``."""
    return CUSTOMERS.build({
        "customer_id": [r[0] for r in rows], "customer_name": [f"Client {r[0]}" for r in rows],
        "segment": [r[4] for r in rows], "collector": ["Claire Martin"] * len(rows), "status": ["active"] * len(rows),
        "insured_limit_cents": [r[1] for r in rows], "insurer": [r[2] for r in rows],
        "insurance_declared": [r[3] for r in rows]})


POLICY = InsurancePolicy(max_credit_days=120, segment_credit_days={"Export": 180}, notice_days=30,
                         threshold_cents=30_000, warn_days=15)


def test_deadlines_states_and_exposure():
    it = items(
        # A, insured 10 000 €: invoice of 01/06 → DMC 29/09, deadline 29/10: passed (−22 days)
        ("A", "FA1", "2026-06-01", "2026-07-01", 600_000),
        # invoice of 10/07 → DMC 07/11, deadline 07/12: 17 days left → ok (warning at 15)
        ("A", "FA2", "2026-07-10", "2026-08-09", 300_000),
        # invoice of 08/07 → deadline 05/12: 15 days left → due soon
        ("A", "FA3", "2026-07-08", "2026-08-07", 200_000),
        ("A", "AV1", "2026-11-01", "2026-11-01", -100_000),          # a credit note: no deadline
        ("A", "FA4", "2026-11-01", "2026-12-01", 500_000),           # not due: no deadline yet
        # B, Export (180 days): 01/06 + 210 = 28/12, 38 days → ok; notice filed 01/10 covers it
        ("B", "FB1", "2026-06-01", "2026-07-01", 100_000),
        ("C", "FC1", "2026-01-01", "2026-02-01", 20_000),            # C owes 200 € overdue: below 300 €
        ("D", "FD1", "2026-01-01", "2026-02-01", 900_000))           # D is not insured
    cust = customers(("A", 1_000_000, "Coface", None, "BTP"), ("B", 50_000, "Atradius", "2026-10-01", "Export"),
                     ("C", 500_000, "Coface", None, "BTP"), ("D", None, None, None, "BTP"))
    result = insurance_status(it, cust, AS_OF, POLICY)
    got = result.invoices.set_index("document_id")
    assert got.loc["FA1", ["dmc_end", "deadline", "days_left", "state"]].tolist() == \
        [pd.Timestamp("2026-09-29"), pd.Timestamp("2026-10-29"), -22, "missed"]
    assert got.loc["FA2", ["days_left", "state"]].tolist() == [17, "ok"]
    assert got.loc["FA3", ["days_left", "state"]].tolist() == [15, "due_soon"]
    assert got.loc["FB1", ["deadline", "state"]].tolist() == [pd.Timestamp("2026-12-28"), "declared"]
    assert got.loc["FC1", "state"] == "below_threshold"
    assert set(got.index) == {"FA1", "FA2", "FA3", "FB1", "FC1"}
    table = result.customers
    # A owes 6 000 + 3 000 + 2 000 − 1 000 + 5 000 = 15 000 € for a 10 000 € limit: 5 000 € exposed
    assert table.loc["A", ["open_cents", "exposure_cents", "missed", "due_soon", "ok"]].tolist() == \
        [1_500_000, 500_000, 1, 1, 1]
    assert table.loc["B", "exposure_cents"] == 50_000 and "D" not in table.index


def test_disputed_invoices_are_not_covered_unless_the_policy_says_so():
    it = items(("A", "FA1", "2026-06-01", "2026-07-01", 600_000))
    cust = customers(("A", 1_000_000, "Coface", None, "BTP"))
    disputes = pd.DataFrame({"document_id": ["FA1"], "opened": pd.to_datetime(["2026-09-01"]),
                             "resolved": pd.to_datetime([None])})
    assert insurance_status(it, cust, AS_OF, POLICY, disputes).invoices["state"].tolist() == ["not_covered"]
    covered = InsurancePolicy(disputes_covered=True)
    assert insurance_status(it, cust, AS_OF, covered, disputes).invoices["state"].tolist() == ["missed"]


def test_the_policy_from_relance_toml():
    policy = InsurancePolicy.from_settings({"insurance": {"max_credit_days": 90, "threshold": 150.5,
                                                          "segment_credit_days": {"Export": 180}}})
    assert (policy.max_credit_days, policy.threshold_cents, dict(policy.segment_credit_days)) == \
        (90, 15_050, {"Export": 180})


def test_r14_on_the_rows_and_its_side_list():
    it = items(("A", "FA1", "2026-06-01", "2026-07-01", 600_000), ("A", "FA3", "2026-07-08", "2026-08-07", 200_000))
    cust = customers(("A", 1_000_000, "Coface", None, "BTP"))
    cl = call_list(it, cust, actions(), None, AS_OF, insurance=POLICY)
    assert cl.insurance["document_id"].tolist() == ["FA1", "FA3"]              # earliest deadline first
    assert cl.insurance["state"].tolist() == ["délai dépassé : garantie perdue", "à déclarer sous peu"]
    reasons = cl.rows["reasons"].iloc[0]
    assert ("R14 menace de sinistre non déclarée à Coface pour FA1 (6\u202f000,00\u00a0€) : délai échu le 29/10, "
            "garantie perdue sauf accord de l'assureur") in reasons
    assert "R14 FA3 (2\u202f000,00\u00a0€) : déclarer la menace de sinistre à Coface avant le 05/12" in reasons
    assert cl.summary().loc["Claire Martin", "insurance"] == 2


def test_every_state_occurs_on_the_sample(tmp_path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        it = rc.read_open_items(SAMPLE / "exports" / "balance_2026-11-20.xlsx")
        cust = rc.read_customers(SAMPLE / "customers.xlsx")
    policy = InsurancePolicy.from_settings(Settings.load(SAMPLE / "relance.toml"))
    result = insurance_status(it, cust, AS_OF, policy, rc.read_disputes(SAMPLE / "disputes.xlsx"))
    assert set(result.invoices["state"]) == {"declared", "missed", "due_soon", "ok", "below_threshold", "not_covered"}
    assert (result.customers["exposure_cents"] > 0).any() and (result.customers["exposure_cents"] == 0).any()
