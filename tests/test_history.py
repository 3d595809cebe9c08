"""Bucket trend (DuckDB over the Parquet store) against a pandas reference and hand figures;
roll rates week by week."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics import frames
from relance_analytics.metrics.drift import drift
from relance_analytics.metrics.history import bucket_trend, roll_rate_history

WEEKS = [pd.Timestamp("2026-10-02") + pd.Timedelta(weeks=k) for k in range(6)]


def canonical(rng: np.random.Generator, as_of: pd.Timestamp, n: int, start: int) -> pd.DataFrame:
    """``n`` random canonical open items (credit notes included) due around ``as_of``."""
    ids = np.arange(start, start + n)
    amount = rng.integers(-200_000, 3_000_000, n).astype("int64")
    due = (as_of - pd.to_timedelta(rng.integers(-90, 250, n), unit="D")).to_numpy().astype("datetime64[s]")
    cust = np.array([f"C{i % 7}" for i in ids])
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build({
        "customer_id": cust,
        "customer_name": cust,
        "document_id": [f"F{i}" for i in ids],
        "document_type": np.where(amount < 0, "credit_note", "invoice"),
        "document_date": due - np.timedelta64(30 * 86_400, "s"),
        "due_date": due,
        "amount_cents": amount,
        "amount_ht_cents": amount * 5 // 6,
        "source_row": np.arange(n, dtype="int32"),
    }))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ra.SnapshotStore:
    """Six weekly snapshots of a rolling ledger; one empty, one without the HT column and with
    millisecond due dates (as the reader may produce)."""
    rng = np.random.default_rng(7)
    s = ra.SnapshotStore(tmp_path_factory.mktemp("history") / "ws")
    for k, week in enumerate(WEEKS):
        items = canonical(rng, week, 400, start=60 * k)
        if k == 2:
            items = items.iloc[:0]
        if k == 4:
            items = items.drop(columns="amount_ht_cents").astype({"due_date": "datetime64[ms]"})
        s.write(week, items)
    return s


def pandas_bucket_trend(store: ra.SnapshotStore, buckets: ra.Buckets, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Reference implementation (tests only): the aged balance of each snapshot, read one by one."""
    rows = [rc.aged_balance(store.read(d), d, buckets=buckets).iloc[0] for d in dates]
    table = pd.DataFrame(rows, index=pd.DatetimeIndex(dates, name="as_of").astype("datetime64[s]"))
    columns = [*buckets.labels, "total", "overdue", "items"]
    return table[columns].astype("int64").assign(overdue_share=table["overdue_share"].astype("float64"))


@pytest.mark.parametrize("edges", [(0, 30, 60, 90, 120), (0, 15, 45), (-10, 0, 30), (5, 400)])
def test_duckdb_trend_equals_pandas(store, edges):
    buckets = ra.Buckets(edges)
    got = bucket_trend(store, buckets)
    pd.testing.assert_frame_equal(got, pandas_bucket_trend(store, buckets, WEEKS))
    assert got.loc[WEEKS[2]].drop("overdue_share").eq(0).all() and np.isnan(got.loc[WEEKS[2], "overdue_share"])


def test_selected_dates_and_workspace_path(store):
    picked = [WEEKS[5], WEEKS[1]]
    got = bucket_trend(store.workspace, as_of_dates=picked)
    assert list(got.index) == [WEEKS[1], WEEKS[5]]
    pd.testing.assert_frame_equal(got, pandas_bucket_trend(store, ra.Buckets(), [WEEKS[1], WEEKS[5]]))
    with pytest.raises(KeyError, match="pas de balance au 2020-01-03"):
        bucket_trend(store, as_of_dates=["2020-01-03"])


def test_hand_computed_trend_with_exact_big_sums(tmp_path):
    s = ra.SnapshotStore(tmp_path / "ws")
    rng = np.random.default_rng(0)
    items = canonical(rng, pd.Timestamp("2026-11-13"), 3, start=0)
    items["due_date"] = pd.to_datetime(["2026-11-01", "2026-11-20", "2026-09-01"]).astype("datetime64[s]")
    items["amount_cents"] = np.array([2 ** 53, 1, -3], dtype="int64")
    s.write("2026-11-13", items)
    s.write("2026-12-04", items)
    got = bucket_trend(s)
    # 13/11: 12 days (1–30) 2**53, −7 days (not due) 1, 73 days (61–90) −3
    # 04/12: 33 days (31–60) 2**53, 14 days (1–30) 1, 94 days (91–120) −3
    first, second = got.iloc[0], got.iloc[1]
    assert (first["not_due"], first["1-30"], first["61-90"]) == (1, 2 ** 53, -3)
    assert (second["1-30"], second["31-60"], second["91-120"]) == (1, 2 ** 53, -3)
    assert first["total"] == second["total"] == 2 ** 53 - 2       # exact: float64 would give 2**53
    assert first["overdue"] == 2 ** 53 - 3 and second["overdue"] == 2 ** 53 - 2
    assert got["items"].tolist() == [3, 3]


def test_empty_store(tmp_path):
    got = bucket_trend(tmp_path / "nothing")
    assert got.empty and list(got.columns) == [*ra.Buckets().labels, "total", "overdue", "items", "overdue_share"]
    assert roll_rate_history(tmp_path / "nothing").empty


def test_roll_rate_history(store):
    history = roll_rate_history(store)
    assert list(history.index) == WEEKS[1:]
    assert list(history.columns) == ["not_due", "1-30", "31-60", "61-90", "91-120"]
    expected = drift(store.read(WEEKS[3]), store.read(WEEKS[4]), WEEKS[3], WEEKS[4]).roll_rates["rate"]
    np.testing.assert_array_equal(history.loc[WEEKS[4]].to_numpy(), expected.to_numpy())
    # week 3 (after the empty snapshot) has nothing still open: every rate is NaN
    assert history.loc[WEEKS[3]].isna().all()


def test_roll_rate_history_hand_computed(tmp_path):
    s = ra.SnapshotStore(tmp_path / "ws")
    base = canonical(np.random.default_rng(1), pd.Timestamp("2026-11-06"), 2, start=0)
    base["due_date"] = pd.to_datetime(["2026-11-01", "2026-10-10"]).astype("datetime64[s]")
    base["amount_cents"] = np.array([300, 100], dtype="int64")
    s.write("2026-11-06", base)                 # F0: 5 days (1–30), F1: 27 days (1–30)
    s.write("2026-11-13", base)                 # F0: 12 days (1–30), F1: 34 days (31–60)
    s.write("2026-11-20", base.iloc[:1])        # F0: 19 days (1–30); F1 paid
    history = roll_rate_history(s)
    # week of 13/11: 1–30 held 400, F1's 100 rolled → 0.25; week of 20/11: 31–60 only had F1, paid → NaN
    assert history.loc["2026-11-13", "1-30"] == 0.25
    assert history.loc["2026-11-20", "1-30"] == 0.0 and np.isnan(history.loc["2026-11-20", "31-60"])
