"""Payment habits, expected payment dates, the 13-week cash-in forecast and its backtest:
hand-computed cases, then the backtest against the due-date baseline on the sample and on
the real IBM history (forecast made at each 2013 date from what was known then)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relance_analytics.frames import OPEN_ITEMS
from relance_analytics.ingest import ingest_folder
from relance_analytics.metrics.behaviour import BehaviourParams, delays, payment_behaviour, weighted_quantile
from relance_analytics.metrics.forecast import (
    actual_collections,
    backtest,
    cash_forecast,
    expected_by_week,
    expected_payments,
    open_amounts,
    wape,
)
from relance_analytics.store import SnapshotStore
from relance_analytics.text.behaviour import behaviour_text, promises_phrase

from . import ibm

AS_OF = pd.Timestamp("2026-11-20")
SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


def payments(*rows: tuple[str, str, str, int]) -> pd.DataFrame:
    """Payments ``(customer, due date, paid on, cents)``."""
    return pd.DataFrame({"customer_id": [r[0] for r in rows], "customer_name": [r[0] for r in rows],
                         "document_id": [f"P{i}" for i in range(len(rows))],
                         "due_date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[s]"),
                         "paid_on": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
                         "amount_cents": [r[3] for r in rows]})


def items(*rows: tuple[str, str, str, int], status: str | None = None) -> pd.DataFrame:
    """Open invoices ``(customer, document, due date, cents)``."""
    frame = OPEN_ITEMS.build({"customer_id": [r[0] for r in rows], "customer_name": [r[0] for r in rows],
                              "document_id": [r[1] for r in rows], "document_type": ["invoice"] * len(rows),
                              "document_date": [r[2] for r in rows], "due_date": [r[2] for r in rows],
                              "amount_cents": [r[3] for r in rows]})
    return frame if status is None else frame.assign(status=status)


def test_weighted_quantiles():
    values, weights = np.array([10.0, 20.0, 40.0]), np.array([100.0, 100.0, 200.0])
    # cumulated 100, 200, 400: the median (200) is reached at 20, the 75th centile (300) at 40
    assert weighted_quantile(values, weights, 0.5) == 20
    assert weighted_quantile(values, weights, 0.75) == 40
    assert weighted_quantile(values, weights, 0.25) == 10


def test_payment_habits_per_customer_with_fallback():
    pay = payments(("A", "2026-06-01", "2026-06-11", 100), ("A", "2026-09-01", "2026-10-01", 300),
                   ("B", "2026-10-01", "2026-09-28", 500))
    habits = payment_behaviour(pay, AS_OF, params=BehaviourParams(min_payments=2))
    a = habits.loc["A"]
    # A: 10 days (100), 30 days (300): mean (1 000 + 9 000) / 400 = 25; median 30; nothing on time
    assert (a["payments"], a["mean_days"], a["median_days"], a["on_time_share"], a["source"]) == \
        (2, 25.0, 30.0, 0.0, "customer")
    assert a["payer_class"] == "late"
    # trend: 30 days paid 01/10 (last 3 months) − 10 days paid 11/06 (the 3 before) = +20
    assert a["trend_days"] == 20.0
    b = habits.loc["B"]
    # B has one payment: the book's figures (10, 30, −3 weighted 100, 300, 500): median −3, early
    assert (b["payments"], b["source"], b["median_days"], b["payer_class"]) == (1, "book", -3.0, "on_time")


def test_promises_kept_and_broken_per_customer_and_in_the_sentence():
    pay = payments(("A", "2026-06-01", "2026-06-11", 100), ("A", "2026-09-01", "2026-10-01", 300))
    promises = pd.DataFrame({"customer_id": ["A", "A", "A", "A", "B"],
                             "status": ["kept", "kept", "broken", "pending", "pending"]})
    habits = payment_behaviour(pay, AS_OF, params=BehaviourParams(min_payments=2), promises=promises)
    assert habits.loc["A", ["promises_kept", "promises_broken"]].tolist() == [2, 1]   # the pending one is neither
    assert "promises_kept" not in payment_behaviour(pay, AS_OF).columns               # not asked, not guessed
    text = behaviour_text(habits.loc["A"])
    assert text.endswith("sur 3 mois. Promesses : 2 tenues sur 3."), text
    assert promises_phrase({"promises_kept": 0, "promises_broken": 0}) == ""
    assert promises_phrase({"promises_kept": 1, "promises_broken": 0}) == " Promesses : 1 tenue sur 1."


def test_expected_dates_from_the_habits_still_possible():
    known = delays(payments(("A", "2026-01-05", "2026-01-15", 100), ("A", "2026-02-05", "2026-02-25", 100),
                            ("A", "2026-03-05", "2026-04-14", 200)), AS_OF, params=BehaviourParams(min_payments=3))
    due_soon = items(("A", "FA1", "2026-11-10", 50_000), ("A", "FA2", "2026-11-25", 20_000),
                     ("Z", "FZ1", "2026-12-10", 10_000), ("Z", "FZ2", "2026-11-01", 10_000))
    got = expected_payments(due_soon, AS_OF, known).set_index("document_id")
    # FA1 is 10 days late: only the 20- and 40-day habits remain (weights 100, 200): median 40 →
    # 10/11 + 40 = 20/12, 30 days after as-of: week 5 (29–35 days)
    assert got.loc["FA1", ["expected", "week", "basis"]].tolist() == [pd.Timestamp("2026-12-20"), 5, "customer"]
    # FA2 not due (−5): all three remain (10, 20, 40 weighted 100, 100, 200): median 20 → 15/12: week 4
    assert got.loc["FA2", ["expected", "week"]].tolist() == [pd.Timestamp("2026-12-15"), 4]
    # Z has no habit but the book is A's: FZ1 not due → book median 20 → 30/12: week 5;
    # FZ2 19 days late → habits > 19: 20, 40 → 40 → 11/12: week 3
    assert got.loc["FZ1", ["expected", "basis"]].tolist() == [pd.Timestamp("2026-12-30"), "book"]
    assert got.loc["FZ2", ["expected", "week"]].tolist() == [pd.Timestamp("2026-12-11"), 3]


def test_promises_disputes_insolvency_and_no_history():
    nothing = delays(payments(), AS_OF)
    it = items(("A", "FA1", "2026-12-01", 1_000), ("A", "FA2", "2026-11-01", 2_000), ("A", "FA3", "2026-11-02", 3_000))
    promises = pd.DataFrame({"customer_id": ["A"], "document_ids": ["FA3"], "status": ["pending"],
                             "promise_date": pd.to_datetime(["2026-12-18"]).astype("datetime64[s]")})
    disputes = pd.DataFrame({"document_id": ["FA2"], "opened": pd.to_datetime(["2026-11-05"]),
                             "resolved": pd.to_datetime([None])})
    got = expected_payments(it, AS_OF, nothing, promises, disputes).set_index("document_id")
    # no habit at all: not due → its due date (01/12: week 2); FA3 promised for 18/12: week 4
    assert got.loc["FA1", ["expected", "week", "basis"]].tolist() == [pd.Timestamp("2026-12-01"), 2, "fallback"]
    assert got.loc["FA3", ["expected", "week", "basis"]].tolist() == [pd.Timestamp("2026-12-18"), 4, "promise"]
    assert got.loc["FA2", ["week", "basis"]].tolist() == [-1, "dispute"]
    insolvent = expected_payments(items(("B", "FB1", "2026-11-01", 5), status="liquidation"), AS_OF, nothing)
    assert insolvent[["week", "basis"]].iloc[0].tolist() == [-1, "insolvency"]
    overdue = expected_payments(items(("C", "FC1", "2026-10-01", 5)), AS_OF, nothing)
    assert overdue["expected"].iloc[0] == pd.Timestamp("2026-11-27")          # as-of + 7 days


def test_each_invoice_is_spread_over_the_weeks_its_habits_allow():
    known = delays(payments(("A", "2026-01-05", "2026-01-05", 100), ("A", "2026-02-05", "2026-02-19", 100)),
                   AS_OF, params=BehaviourParams(min_payments=2))
    exp = expected_payments(items(("A", "FA1", "2026-11-23", 1_001)), AS_OF, known)
    # habits 0 and 14 days, equally weighted: 23/11 (week 1) and 07/12 (week 3), 500.5 each;
    # the extra cent goes to the first of equal remainders
    assert expected_by_week(exp, AS_OF, known, 4).tolist() == [0, 501, 0, 500, 0]


def test_actual_collections_follow_the_invoices_open_at_as_of():
    weeks = {AS_OF + pd.Timedelta(days=7 * k): f for k, f in enumerate((
        items(("A", "FA1", "2026-11-01", 1_000), ("A", "FA2", "2026-11-05", 500)),
        items(("A", "FA1", "2026-11-01", 400), ("A", "FA2", "2026-11-05", 500), ("A", "FA9", "2026-12-01", 9_000)),
        items(("A", "FA9", "2026-12-01", 9_000))))}
    amounts = {d: open_amounts(f) for d, f in weeks.items()}
    # week 1: FA1 paid 600; week 2: FA1's 400 and FA2's 500; FA9 was not open at as-of
    assert actual_collections(amounts, AS_OF, 2).tolist() == [600, 900]
    assert actual_collections(amounts, AS_OF, 3) is None


def test_the_forecast_accounts_for_every_open_invoice(tmp_path: Path):
    store = SnapshotStore(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest_folder(SAMPLE / "exports", store)
    fc = cash_forecast(store.up_to(AS_OF), AS_OF, 13)
    total = int(fc.items["amount_cents"].sum())
    t = fc.totals.iloc[0]
    assert t["open_cents"] == total == int(fc.weeks["expected_cents"].sum()) + t["later_cents"] + t["outside_cents"]
    assert t["forecast_cents"] == int(fc.weeks["expected_cents"].sum())
    assert (fc.weeks["low_cents"] <= fc.weeks["expected_cents"]).all()
    assert (fc.weeks["expected_cents"] <= fc.weeks["high_cents"]).all()
    assert list(fc.weeks["end"] - fc.weeks["start"]) == [pd.Timedelta(days=7)] * 13


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> SnapshotStore:
    store = SnapshotStore(tmp_path_factory.mktemp("store"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest_folder(SAMPLE / "exports", store)
    return store


def test_backtest_beats_the_due_date_baseline_on_the_sample(sample_store: SnapshotStore):
    snapshots = sample_store.up_to(AS_OF)
    result = backtest(snapshots, sorted(snapshots), 4)
    assert result["as_of"].nunique() == 12
    forecast, baseline = wape(result, "forecast_cents", 4), wape(result, "baseline_cents", 4)
    assert forecast <= 0.75 * baseline, (forecast, baseline)


def test_backtest_beats_the_due_date_baseline_on_real_history():
    """Fit and design were done on 2012; 2013 is reported: each forecast knows only the
    settlements before its date."""
    snapshots = ibm.snapshots()
    dates = [d for d in sorted(snapshots) if d.year == 2013]
    for history in (ibm.payments(), None):               # exact dates (a FEC), or read from the snapshots
        weeks_4 = backtest(snapshots, dates, 4, payments=history)
        assert weeks_4["as_of"].nunique() == 48
        forecast, baseline = wape(weeks_4, "forecast_cents", 4), wape(weeks_4, "baseline_cents", 4)
        assert forecast <= 0.75 * baseline, (forecast, baseline)
