"""Dispute summary against hand-computed figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics import frames
from relance_analytics.config import Buckets
from relance_analytics.metrics.disputes import capped_amounts, dispute_summary, open_at

AS_OF = "2026-11-20"
NaT = None


def items() -> pd.DataFrame:
    """Canonical-enough items (no document type or date) with their collector."""
    rows = [  # customer, document, due date, TTC cents, collector
        ("A", "FA1", "2026-10-01", 100_000, "Claire"),   # 50 days: 31–60
        ("A", "FA2", "2026-07-01", 50_000, "Claire"),    # 142 days: over 120
        ("B", "FA3", "2026-12-01", 30_000, "Julien"),    # not due
        ("B", "FA4", "2026-11-10", 20_000, "Julien"),    # 10 days: 1–30, not disputed
        ("B", "AV1", "2026-11-01", -10_000, "Julien"),   # credit note, 19 days: 1–30
    ]
    return frames.OPEN_ITEMS.build({
        "customer_id": [r[0] for r in rows],
        "customer_name": [f"Client {r[0]}" for r in rows],
        "document_id": [r[1] for r in rows],
        "due_date": [r[2] for r in rows],
        "amount_cents": [r[3] for r in rows],
        "collector": [r[4] for r in rows],
    })


def disputes(rows: list[tuple]) -> pd.DataFrame:
    """Disputes from (id, customer, document, type, cents, opened, resolved or None) tuples."""
    return frames.DISPUTES.validate(frames.DISPUTES.build({
        "dispute_id": [r[0] for r in rows],
        "customer_id": [r[1] for r in rows],
        "document_id": [r[2] for r in rows],
        "dispute_type": [r[3] for r in rows],
        "amount_cents": [r[4] for r in rows],
        "opened": [r[5] for r in rows],
        "resolved": [r[6] for r in rows],
        "owner": [f"Resp {r[0]}" for r in rows],
        "owner_phone": ["01 23 45 67 89"] * len(rows),
        "owner_email": [f"{r[0].lower()}@example.fr" for r in rows],
        "reason": ["motif"] * len(rows),
    }))


CASES = disputes([
    ("L1", "A", "FA1", "commercial", 40_000, "2026-10-15", NaT),           # open, 36 days
    ("L2", "A", "FA1", "technical", 80_000, "2026-10-20", "2026-12-01"),   # resolved after as-of: open; capped 60 000
    ("L3", "A", "FA2", "administrative", 70_000, "2026-07-15", NaT),       # open 128 days; capped to 50 000
    ("L4", "B", "FA3", "commercial", 5_000, "2026-11-18", NaT),            # open, item not due
    ("L5", "B", "FA9", "administrative", 9_000, "2026-09-01", NaT),        # item no longer open: 0
    ("L6", "B", "FA4", "technical", 20_000, "2026-08-01", "2026-09-15"),   # resolved: 45 days
    ("L7", "B", "FA4", "commercial", 20_000, "2026-10-01", "2026-11-20"),  # resolved on as-of: 50 days
    ("L8", "B", "FA4", "commercial", 20_000, "2026-11-25", NaT),           # opened after as-of: ignored
    ("L9", "A", "FA1", "technical", 1_000, "2026-08-10", "2026-09-30"),    # resolved: 51 days
])


def test_open_at_as_of():
    assert list(CASES["dispute_id"][open_at(CASES, AS_OF)]) == ["L1", "L2", "L3", "L4", "L5"]
    # at 30/09: L3, L5, L6? no (resolved 15/09), L7 not yet opened, L9 resolved that day
    assert list(CASES["dispute_id"][open_at(CASES, "2026-09-30")]) == ["L3", "L5"]


def test_open_list_oldest_first_with_capped_amounts_and_owner():
    s = dispute_summary(items(), CASES, AS_OF)
    o = s.open.set_index("dispute_id")
    assert list(o.index) == ["L3", "L5", "L1", "L2", "L4"]
    assert o["days_open"].to_dict() == {"L3": 128, "L5": 80, "L1": 36, "L2": 31, "L4": 2}
    assert o["long_open"].to_dict() == {"L3": True, "L5": False, "L1": False, "L2": False, "L4": False}
    # FA1 open 100 000: L1 (older) keeps 40 000, L2 gets the remaining 60 000; FA2 open 50 000 caps L3
    assert o["disputed_cents"].to_dict() == {"L3": 50_000, "L5": 0, "L1": 40_000, "L2": 60_000, "L4": 5_000}
    assert o["item_open"].to_dict() == {"L3": True, "L5": False, "L1": True, "L2": True, "L4": True}
    assert o.loc["L5", "item_open_cents"] is pd.NA and pd.isna(o.loc["L5", "bucket"])
    assert o["bucket"].astype("string").fillna("-").to_dict() == {
        "L3": "over_120", "L5": "-", "L1": "31-60", "L2": "31-60", "L4": "not_due"}
    assert o.loc["L3", "days_past_due"] == 142 and o.loc["L4", "days_past_due"] == -11
    assert (o.loc["L1", "owner"], o.loc["L1", "owner_email"], o.loc["L1", "customer_name"],
            o.loc["L1", "collector"]) == ("Resp L1", "l1@example.fr", "Client A", "Claire")


def test_amounts_by_type_and_age_and_disputed_share_of_overdue():
    s = dispute_summary(items(), CASES, AS_OF)
    assert s.by_type.to_dict("index") == {
        "administrative": {"disputes": 2, "disputed_cents": 50_000, "long_open": 1},   # L3 50 000 + L5 0
        "commercial": {"disputes": 2, "disputed_cents": 45_000, "long_open": 0},       # L1 40 000 + L4 5 000
        "technical": {"disputes": 1, "disputed_cents": 60_000, "long_open": 0},        # L2
    }
    m = s.by_type_and_bucket
    assert list(m.columns) == [*Buckets().labels, "total"]
    assert m.loc["administrative"].to_dict() == {"not_due": 0, "1-30": 0, "31-60": 0, "61-90": 0, "91-120": 0,
                                                 "over_120": 50_000, "total": 50_000}
    assert (m.loc["commercial", "not_due"], m.loc["commercial", "31-60"], m.loc["technical", "31-60"]) == \
        (5_000, 40_000, 60_000)
    assert m["total"].sum() == 155_000
    # overdue = FA1 100 000 + FA2 50 000 + FA4 20 000 + AV1 −10 000 = 160 000;
    # disputed overdue = 40 000 + 60 000 + 50 000 = 150 000 → 93,75 %
    row = s.overdue.iloc[0]
    assert (row["overdue_cents"], row["disputed_overdue_cents"], row["disputed_cents"], row["open_disputes"],
            row["long_open"]) == (160_000, 150_000, 155_000, 5, 1)
    assert row["disputed_share"] == pytest.approx(0.9375)


def test_cycle_times_of_resolved_disputes_only():
    s = dispute_summary(items(), CASES, AS_OF)
    assert list(s.resolved["dispute_id"]) == ["L6", "L9", "L7"]         # by resolution date
    assert list(s.resolved["cycle_days"]) == [45, 51, 50]
    c = s.cycle_time.iloc[0]
    assert c["resolved"] == 3
    assert c["mean_days"] == pytest.approx((45 + 51 + 50) / 3)          # 48,67
    assert c["median_days"] == 50
    t = s.cycle_trend
    assert [f"{m:%Y-%m}" for m in t.index] == ["2026-09", "2026-11"]
    assert t["resolved"].tolist() == [2, 1]
    assert t["mean_days"].tolist() == [48.0, 50.0]                       # (45 + 51) / 2 ; 50
    assert t["median_days"].tolist() == [48.0, 50.0]


def test_long_threshold_custom_buckets_and_no_disputes():
    s = dispute_summary(items(), CASES, AS_OF, buckets=Buckets((0, 60)), long_days=30)
    assert s.open.set_index("dispute_id")["long_open"].sum() == 4          # 128, 80, 36, 31 days > 30
    assert s.by_type_and_bucket.loc["technical", "1-60"] == 60_000
    empty = dispute_summary(items(), CASES.iloc[:0], AS_OF)
    assert empty.open.empty and empty.by_type["disputed_cents"].tolist() == [0, 0, 0]
    assert empty.overdue.iloc[0]["disputed_share"] == 0.0
    assert empty.cycle_time.iloc[0]["resolved"] == 0 and np.isnan(empty.cycle_time.iloc[0]["mean_days"])
    assert empty.cycle_trend.empty


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["D1", "D2", "D3"]), st.integers(0, 10**6), st.integers(0, 60)),
                min_size=1, max_size=12),
       st.dictionaries(st.sampled_from(["D1", "D2", "D3"]), st.integers(-10**5, 10**6)))
def test_capped_disputes_never_exceed_the_open_amount(rows, open_by_doc):
    frame = frames.DISPUTES.build({      # canonical-enough: what capped_amounts reads
        "dispute_id": [f"L{i:02d}" for i in range(len(rows))],
        "document_id": [r[0] for r in rows],
        "amount_cents": [r[1] for r in rows],
        "opened": pd.Timestamp("2026-01-01") + pd.to_timedelta([r[2] for r in rows], unit="D"),
    })
    room = np.array([open_by_doc.get(r[0], 0) for r in rows], dtype="int64")
    capped = capped_amounts(frame, room)
    assert (capped >= 0).all() and (capped <= frame["amount_cents"].to_numpy()).all()
    for doc in {r[0] for r in rows}:
        mine = frame["document_id"].to_numpy() == doc
        wanted = int(frame["amount_cents"][mine].sum())
        assert capped[mine].sum() == min(wanted, max(open_by_doc.get(doc, 0), 0))


def test_workbook_and_charts(tmp_path):
    import openpyxl

    from relance_analytics.charts.disputes import cycle_time_trend, disputes_by_type_and_age
    from relance_analytics.report.disputes import display_list, write_disputes

    s = dispute_summary(items(), CASES, AS_OF)
    wb = openpyxl.load_workbook(write_disputes(tmp_path / "disputes.xlsx", s, Buckets()))
    assert wb.sheetnames == ["Synthèse", "Par type et tranche", "Litiges ouverts", "Litiges résolus",
                             "Durée par mois"]
    rows = list(wb["Litiges ouverts"].values)
    header = rows[2]
    assert [r[0] for r in rows[3:8]] == ["L3", "L5", "L1", "L2", "L4"]
    flag = header.index("Ouvert depuis plus de 90 j")
    assert [r[flag] for r in rows[3:8]] == ["oui", "non", "non", "non", "non"]
    assert [r[header.index("Montant en litige")] for r in rows[3:8]] == [500.0, 0.0, 400.0, 600.0, 50.0]
    summary_rows = list(wb["Synthèse"].values)
    assert dict(zip(summary_rows[2], summary_rows[3]))["Échu en litige"] == 1_500.0   # 150 000 cents
    by_type = list(wb["Par type et tranche"].values)
    assert [r[0] for r in by_type[3:6]] == ["administratif", "commercial", "technique"]
    screen = display_list(s, Buckets())
    assert screen["Pièce ouverte"].tolist()[1] == "non – à clôturer"
    fig = disputes_by_type_and_age(s, Buckets(), "t")
    assert [t.name for t in fig.data] == ["administratif", "commercial", "technique"]
    assert list(fig.data[1].y) == [50.0, 0.0, 400.0, 0.0, 0.0, 0.0]          # commercial: 5 000 and 40 000 cents
    trend = cycle_time_trend(s, "t")
    assert list(trend.data[1].y) == [48.0, 50.0]
