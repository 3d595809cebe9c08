"""Receivables drift against hand-computed matrices and bridges, plus conservation (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics import frames
from relance_analytics.metrics.drift import drift

BEFORE, NOW = "2026-11-13", "2026-11-20"
ROWS = ["not_due", "1-30", "31-60", "61-90", "91-120", "over_120", "new", "new_credit", "increased"]
COLS = ["not_due", "1-30", "31-60", "61-90", "91-120", "over_120", "reduced", "paid_gone"]


def snapshot(rows: list[tuple[str, str, str, int]]) -> pd.DataFrame:
    """Canonical-enough items from (customer, document, due date, cents) tuples."""
    names = ("customer_id", "document_id", "due_date", "amount_cents")
    return frames.OPEN_ITEMS.build({n: [r[k] for r in rows] for k, n in enumerate(names)})


def expected_matrix(cells: dict[tuple[str, str], int], rows: list[str] = ROWS, cols: list[str] = COLS) -> pd.DataFrame:
    m = pd.DataFrame(0, index=pd.Index(rows, name="from"), columns=pd.Index(cols, name="to"), dtype="int64")
    for (r, c), v in cells.items():
        m.loc[r, c] = v
    return m


def bridge_dict(d) -> dict[str, int]:
    return dict(zip(d.bridge["component"], d.bridge["cents"]))


# Previous as of 13/11/2026, current as of 20/11/2026 (7 days later).
PREVIOUS = snapshot([
    ("A", "FA-1", "2026-10-01", 100_000),   # 43 days: 31–60; paid in full (absent now)
    ("A", "FA-2", "2026-11-01", 80_000),    # 12 days: 1–30; partially paid, 19 days now: 1–30
    ("B", "FA-3", "2026-10-20", 60_000),    # 24 days: 1–30; 31 days now: 31–60 (migration)
    ("A", "FA-5", "2026-11-17", 40_000),    # −4 days: not due; 3 days now: 1–30 (crossed its due date)
    ("B", "FA-6", "2026-12-31", 15_000),    # not due, unchanged
])
CURRENT = snapshot([
    ("A", "FA-2", "2026-11-01", 30_000),    # 50 000 paid
    ("B", "FA-3", "2026-10-20", 60_000),
    ("B", "FA-4", "2026-12-20", 24_000),    # new invoice, not due
    ("B", "AV-1", "2026-11-15", -12_000),   # new credit note, 5 days: 1–30 (overdue)
    ("A", "FA-5", "2026-11-17", 40_000),
    ("B", "FA-6", "2026-12-31", 15_000),
])


def test_hand_computed_matrix_and_conservation():
    d = drift(PREVIOUS, CURRENT, BEFORE, NOW)
    pd.testing.assert_frame_equal(d.matrix, expected_matrix({
        ("not_due", "not_due"): 15_000,     # FA-6
        ("not_due", "1-30"): 40_000,        # FA-5 crossed its due date
        ("1-30", "1-30"): 30_000,           # FA-2 at its current amount …
        ("1-30", "reduced"): 50_000,        # … and its partial payment 80 000 − 30 000
        ("1-30", "31-60"): 60_000,          # FA-3 migrated
        ("31-60", "paid_gone"): 100_000,    # FA-1
        ("new", "not_due"): 24_000,         # FA-4
        ("new_credit", "1-30"): -12_000,    # AV-1, negative
    }))
    # previous 100 000 + 80 000 + 60 000 + 40 000 + 15 000 = 295 000
    # current 30 000 + 60 000 + 24 000 − 12 000 + 40 000 + 15 000 = 157 000
    # 295 000 − 100 000 (gone) − 50 000 (reduced) + 0 (increased) + 24 000 (new) − 12 000 (new credit) = 157 000
    assert (d.previous_total, d.current_total) == (295_000, 157_000)
    assert [d.flow(f) for f in ("paid_gone", "reduced", "increased", "new", "new_credit")] == \
        [100_000, 50_000, 0, 24_000, -12_000]
    assert list(d.conservation["cents"]) == [295_000, -100_000, -50_000, 0, 24_000, -12_000, 157_000]
    assert d.overdue_migration == 60_000    # FA-3, 1–30 → 31–60
    moves = d.movements.set_index("document_id")["movement"].to_dict()
    assert moves == {"FA-1": "paid_gone", "FA-2": "reduced", "FA-3": "unchanged", "FA-4": "new",
                     "AV-1": "new_credit", "FA-5": "unchanged", "FA-6": "unchanged"}


def test_hand_computed_roll_rates():
    rates = drift(PREVIOUS, CURRENT, BEFORE, NOW).roll_rates
    assert list(rates.index) == ["not_due", "1-30", "31-60", "61-90", "91-120"]
    assert list(rates["to_bucket"]) == ["1-30", "31-60", "61-90", "91-120", "over_120"]
    # not due: FA-5 40 000 + FA-6 15 000 still open = 55 000, of which FA-5 rolled: 40 000 / 55 000
    # 1–30: FA-2 80 000 (previous amount) + FA-3 60 000 = 140 000, FA-3 rolled: 60 000 / 140 000
    # 31–60: FA-1 was paid, nothing still open: NaN
    assert list(rates["base_cents"]) == [55_000, 140_000, 0, 0, 0]
    assert list(rates["rolled_cents"]) == [40_000, 60_000, 0, 0, 0]
    assert rates["rate"].iloc[0] == pytest.approx(40_000 / 55_000)
    assert rates["rate"].iloc[1] == pytest.approx(60_000 / 140_000)
    assert rates["rate"].iloc[2:].isna().all()


def test_hand_computed_overdue_bridge():
    d = drift(PREVIOUS, CURRENT, BEFORE, NOW)
    # previous overdue: FA-1 100 000 + FA-2 80 000 + FA-3 60 000 = 240 000
    # current overdue: FA-2 30 000 + FA-3 60 000 + AV-1 −12 000 + FA-5 40 000 = 118 000
    # new overdue: FA-5 40 000; collected: −100 000 (FA-1) − 50 000 (FA-2); credit notes: AV-1 −12 000
    # 240 000 + 40 000 − 150 000 − 12 000 + 0 = 118 000 (FA-3's migration changes nothing)
    assert list(d.bridge["component"]) == ["previous_overdue", "new_overdue", "collected", "credit_notes",
                                          "other", "current_overdue"]
    assert list(d.bridge["cents"]) == [240_000, 40_000, -150_000, -12_000, 0, 118_000]
    assert list(d.bridge["measure"]) == ["absolute"] + ["relative"] * 4 + ["total"]
    assert d.bridge["cents"].dtype == "int64" and d.matrix.dtypes.eq("int64").all()


def test_credit_notes_applied_increase_and_rescheduled_items():
    previous = snapshot([
        ("A", "AV-9", "2026-10-01", -30_000),   # credit note, 43 days: 31–60
        ("A", "AV-8", "2026-11-10", -5_000),    # credit note, 3 days: 1–30; applied in full (absent now)
        ("B", "FA-7", "2026-09-01", 10_000),    # 73 days: 61–90; re-invoiced up to 15 000
        ("B", "FA-8", "2026-11-01", 7_000),     # 12 days: 1–30; due date moved to 01/12 (not due now)
        ("B", "FA-9", "2026-11-05", 9_000),     # 8 days: 1–30; 5 000 paid and rest moved to 15/12
        ("C", "AV-11", "2026-11-18", -3_000),   # credit note, not due; 2 days now: 1–30
    ])
    current = snapshot([
        ("A", "AV-9", "2026-10-01", -10_000),   # 20 000 of it applied, 50 days: still 31–60
        ("B", "FA-7", "2026-09-01", 15_000),    # 80 days: 61–90
        ("B", "FA-8", "2026-12-01", 7_000),
        ("B", "FA-9", "2026-12-15", 4_000),
        ("C", "FA-10", "2026-08-01", 20_000),   # new invoice already 111 days late: 91–120
        ("C", "AV-11", "2026-11-18", -3_000),
    ])
    d = drift(previous, current, BEFORE, NOW)
    pd.testing.assert_frame_equal(d.matrix, expected_matrix({
        ("31-60", "31-60"): -10_000, ("31-60", "reduced"): -20_000,     # AV-9: −30 000 − (−10 000)
        ("1-30", "paid_gone"): -5_000,                                   # AV-8
        ("61-90", "61-90"): 10_000, ("increased", "61-90"): 5_000,       # FA-7: carried at 10 000, +5 000
        ("1-30", "not_due"): 7_000 + 4_000,                              # FA-8, FA-9 (current amount)
        ("1-30", "reduced"): 5_000,                                      # FA-9: 9 000 − 4 000
        ("new", "91-120"): 20_000,                                       # FA-10
        ("not_due", "1-30"): -3_000,                                     # AV-11
    }))
    # previous −30 000 − 5 000 + 10 000 + 7 000 + 9 000 − 3 000 = −12 000
    # current −10 000 + 15 000 + 7 000 + 4 000 + 20 000 − 3 000 = 33 000
    # −12 000 − (−5 000) − (−20 000 + 5 000) + 5 000 + 20 000 + 0 = 33 000
    assert list(d.conservation["cents"]) == [-12_000, 5_000, 15_000, 5_000, 20_000, 0, 33_000]
    # previous overdue −30 000 − 5 000 + 10 000 + 7 000 + 9 000 = −9 000
    # current overdue −10 000 + 15 000 + 20 000 − 3 000 = 22 000
    # new overdue: FA-10 20 000; collected: FA-9's 5 000 → −5 000
    # credit notes: AV-9 +20 000, AV-8 +5 000, AV-11 −3 000 = 22 000
    # other: FA-7 +5 000, FA-8 −7 000, FA-9 rest −4 000 = −6 000
    # −9 000 + 20 000 − 5 000 + 22 000 − 6 000 = 22 000
    assert bridge_dict(d) == {"previous_overdue": -9_000, "new_overdue": 20_000, "collected": -5_000,
                              "credit_notes": 22_000, "other": -6_000, "current_overdue": 22_000}
    # 1–30: FA-8 + FA-9 = 16 000 still open, none older now; 61–90: FA-7 10 000, stayed;
    # not due and 31–60 hold only credit notes, left out: NaN
    rates = d.roll_rates
    assert rates.loc["1-30", "base_cents"] == 16_000 and rates.loc["1-30", "rate"] == 0.0
    assert rates.loc["61-90", "base_cents"] == 10_000 and rates.loc["61-90", "rate"] == 0.0
    assert np.isnan(rates.loc["not_due", "rate"]) and np.isnan(rates.loc["31-60", "rate"])
    assert d.movements.set_index("document_id").loc["FA-7", "movement"] == "increased"


def test_custom_buckets_and_items_skipping_a_bucket():
    buckets = ra.Buckets((0, 3, 6))             # not_due, 1-3, 4-6, over_6
    previous = snapshot([("A", "X", "2026-11-12", 1_000), ("A", "Y", "2026-11-10", 500)])
    current = snapshot([("A", "X", "2026-11-12", 1_000), ("A", "Y", "2026-11-10", 500)])
    d = drift(previous, current, BEFORE, NOW, buckets)
    # X: 1 day → 8 days (1-3 → over_6, skipping 4-6); Y: 3 days → 10 days (1-3 → over_6)
    assert list(d.matrix.index) == ["not_due", "1-3", "4-6", "over_6", "new", "new_credit", "increased"]
    assert list(d.matrix.columns) == ["not_due", "1-3", "4-6", "over_6", "reduced", "paid_gone"]
    assert d.matrix.loc["1-3", "over_6"] == 1_500 and d.matrix.to_numpy().sum() == 1_500
    assert d.roll_rates.loc["1-3", "rate"] == 1.0 and d.roll_rates.loc["1-3", "to_bucket"] == "4-6"
    assert d.overdue_migration == 1_500
    assert list(d.bridge["cents"]) == [1_500, 0, 0, 0, 0, 1_500]


def test_key_is_customer_and_document():
    # the same document number under two customers: two items; customer B's is new
    previous = snapshot([("A", "F1", "2026-12-01", 100)])
    current = snapshot([("A", "F1", "2026-12-01", 100), ("B", "F1", "2026-12-01", 70)])
    d = drift(previous, current, BEFORE, NOW)
    assert d.matrix.loc["not_due", "not_due"] == 100 and d.flow("new") == 70


def test_empty_snapshots():
    empty = PREVIOUS.iloc[:0]
    everything_new = drift(empty, CURRENT, BEFORE, NOW)
    assert everything_new.flow("new") == 24_000 + 30_000 + 60_000 + 40_000 + 15_000
    assert everything_new.flow("new_credit") == -12_000
    assert everything_new.roll_rates["rate"].isna().all()
    everything_gone = drift(PREVIOUS, empty, BEFORE, NOW)
    assert everything_gone.flow("paid_gone") == 295_000 and everything_gone.current_total == 0
    assert bridge_dict(everything_gone)["collected"] == -240_000
    nothing = drift(empty, empty, BEFORE, NOW)
    assert nothing.matrix.to_numpy().sum() == 0 and list(nothing.bridge["cents"]) == [0] * 6


def test_invalid_inputs_are_clear():
    with pytest.raises(ValueError, match="doit être antérieure"):
        drift(PREVIOUS, CURRENT, NOW, BEFORE)
    twice = pd.concat([CURRENT, CURRENT.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="A/FA-2"):
        drift(PREVIOUS, twice, BEFORE, NOW)
    with pytest.raises(KeyError, match="n'a pas la colonne due_date"):
        drift(PREVIOUS, CURRENT.drop(columns="due_date"), BEFORE, NOW)


# -- conservation over random pairs of snapshots ----------------------------------------------

cents = st.integers(min_value=-10 ** 12, max_value=10 ** 12)
item = st.tuples(
    st.sampled_from("ABC"),                                       # customer
    st.sampled_from(["both", "gone", "new"]),                     # presence
    cents, cents,                                                  # previous, current amount
    st.integers(min_value=-60, max_value=400),                    # days past due at the previous date
    st.sampled_from([0, 0, 0, 30, -45]),                          # due date moved by (days)
)


@settings(max_examples=80, deadline=None)
@given(st.lists(item, max_size=40), st.integers(min_value=1, max_value=45),
       st.lists(st.integers(min_value=-20, max_value=200), min_size=1, max_size=6, unique=True))
def test_conservation_over_random_snapshots(items, gap, edges):
    buckets = ra.Buckets(tuple(sorted(edges)))
    before = pd.Timestamp(BEFORE)
    now = before + pd.Timedelta(days=gap)
    prev_rows, cur_rows = [], []
    for i, (cust, presence, p, c, dpd, moved) in enumerate(items):
        due = before - pd.Timedelta(days=dpd)
        if presence != "new":
            prev_rows.append((cust, f"D{i}", due, p))
        if presence != "gone":
            cur_rows.append((cust, f"D{i}", due + pd.Timedelta(days=moved), c))
    previous, current = snapshot(prev_rows), snapshot(cur_rows)
    d = drift(previous, current, before, now, buckets)

    # reference figures in Python integers
    prev_total = sum(r[3] for r in prev_rows)
    cur_total = sum(r[3] for r in cur_rows)
    gone = sum(p for _, presence, p, _, _, _ in items if presence == "gone")
    new = sum(c for _, presence, _, c, _, _ in items if presence == "new")
    net_decrease = sum(p - c for _, presence, p, c, _, _ in items if presence == "both")
    assert d.previous_total == prev_total and d.current_total == cur_total
    assert d.flow("paid_gone") == gone
    assert d.flow("new") + d.flow("new_credit") == new
    assert d.flow("reduced") - d.flow("increased") == net_decrease
    assert prev_total - d.flow("paid_gone") - d.flow("reduced") + d.flow("increased") \
        + d.flow("new") + d.flow("new_credit") == cur_total
    assert d.flow("new_credit") <= 0 <= d.flow("new")

    # rows and columns agree with the aged balances of each snapshot
    labels = buckets.labels
    then = rc.aged_balance(previous, before, buckets=buckets).iloc[0]
    later = rc.aged_balance(current, now, buckets=buckets).iloc[0]
    assert list(d.matrix.loc[labels].sum(axis=1)) == [int(then[b]) for b in labels]
    assert list(d.matrix[labels].sum(axis=0)) == [int(later[b]) for b in labels]

    # the bridge goes exactly from one overdue total to the other
    parts = bridge_dict(d)
    assert parts["previous_overdue"] == int(then["overdue"]) and parts["current_overdue"] == int(later["overdue"])
    assert parts["previous_overdue"] + sum(parts[k] for k in ("new_overdue", "collected", "credit_notes", "other")) \
        == parts["current_overdue"]
    rates = d.roll_rates["rate"].dropna()
    assert ((rates >= 0) & (rates <= 1)).all()


def test_workbook_and_charts_in_french(tmp_path):
    import openpyxl

    from relance_analytics.charts.drift import bucket_trend_bars, overdue_bridge_waterfall, roll_rate_heatmap
    from relance_analytics.report.drift import write_drift

    d = drift(PREVIOUS, CURRENT, BEFORE, NOW)
    buckets = ra.Buckets()
    trend = pd.DataFrame([rc.aged_balance(PREVIOUS, BEFORE).iloc[0], rc.aged_balance(CURRENT, NOW).iloc[0]],
                         index=pd.DatetimeIndex([BEFORE, NOW], name="as_of"))
    history = d.roll_rates[["rate"]].T.set_axis(pd.DatetimeIndex([NOW], name="as_of"))
    path = write_drift(tmp_path / "drift.xlsx", trend, buckets, d, history)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Matrice", "Taux de roulement", "Pont de l'échu", "Tendance", "Roulement par semaine"]
    matrix = {row[0]: row[1:] for row in wb["Matrice"].iter_rows(min_row=4, values_only=True)}
    assert matrix["1 à 30 j"][2] == 600.0 and matrix["Nouveaux avoirs et règlements non affectés"][1] == -120.0
    bridge = list(wb["Pont de l'échu"].iter_rows(min_row=4, values_only=True))
    assert bridge[0] == ("Échu au 13/11/2026", 2400.0) and bridge[-1] == ("Échu au 20/11/2026", 1180.0)
    assert write_drift(tmp_path / "first.xlsx", trend.iloc[:1], buckets).exists()   # no previous snapshot

    fall = overdue_bridge_waterfall(d).data[0]
    assert list(fall.y) == [2400.0, 400.0, -1500.0, -120.0, 0.0, 1180.0] and fall.measure[-1] == "total"
    assert len(bucket_trend_bars(trend, buckets).data) == len(buckets.labels) + 1
    heat = roll_rate_heatmap(history, buckets).data[0]
    assert heat.x[0] == "Non échu → 1 à 30 j" and heat.z[0][0] == pytest.approx(100 * 40_000 / 55_000)


def test_french_headline_with_and_without_a_previous_snapshot():
    from relance_analytics.report.drift import headline

    as_of = pd.Timestamp("2026-11-20")
    assert headline(None, None, as_of).startswith("**Aucune balance antérieure au 20/11/2026")
    prev = snapshot([("A", "F1", "2026-10-01", 10_000), ("A", "F2", "2026-11-01", 5_000)])
    cur = snapshot([("A", "F2", "2026-11-01", 2_000), ("B", "F3", "2026-12-01", 7_000)])
    d = drift(prev, cur, "2026-11-13", "2026-11-20")
    text = headline(d, pd.Timestamp("2026-11-13"), as_of)
    # 150,00 € → 90,00 €: F1 paid (100,00), F2 reduced by 30,00, F3 new 70,00
    assert "**Glissement du 13/11/2026 au 20/11/2026** – encours 150,00\u00a0€ → 90,00\u00a0€" in text
    assert "soldé 100,00\u00a0€" in text and "nouvelles factures 70,00\u00a0€" in text
