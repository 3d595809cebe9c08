"""Collector performance per week (issue 13 §4) on a hand-built journal and five weekly snapshots,
every expected figure computed by hand in the comments; then structural facts on the sample."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical, frames, vocab
from relance_analytics.errors import SettingsError
from relance_analytics.metrics.collectors import (
    COLUMNS,
    CollectorParams,
    action_collectors,
    call_collections,
    collector_performance,
    collector_summary,
    collector_trend,
    reminder_to_payment,
)
from tests.builders import typed_snapshot


def snapshot(*items: tuple[str, str, str, int]) -> pd.DataFrame:
    """Open items ``(customer, document, due date, amount cents)`` (:func:`tests.builders.typed_snapshot`)."""
    return typed_snapshot(*items, document_date="2026-08-01")


def journal(*rows: tuple) -> pd.DataFrame:
    """Actions ``(id, date, customer, document ids, channel, outcome, amount cents, promise date, collector)``."""
    frame = frames.ACTIONS.build({
        "date": [r[1] for r in rows],
        "customer_id": [r[2] for r in rows],
        "document_ids": [r[3] for r in rows],
        "channel": [r[4] for r in rows],
        "outcome": [r[5] for r in rows],
        "excuse": [None] * len(rows),
        "promise_amount_cents": [r[6] for r in rows],
        "promise_date": [r[7] for r in rows],
        "payment_method": ["transfer" if r[5] == "promise" else None for r in rows],
        "collector": [r[8] for r in rows],
    })
    frame.insert(0, "id", [r[0] for r in rows])
    return frame


CUSTOMERS = frames.CUSTOMERS.build({
    "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6", "C7"],
    "customer_name": [f"Client C{i}" for i in range(1, 8)],
    "collector": ["Alice", "Alice", "Bruno", "Bruno", "Chloé", "Chloé", "Denis"],
    "status": ["active"] * 7,
})

# Sales HT 1 000,00 € a month (TTC 1 200,00 € at 20 %) for every customer, September and October.
SALES = frames.SALES.build({
    "customer_id": [f"C{i}" for i in range(1, 8)] * 2,
    "month": ["2026-09-01"] * 7 + ["2026-10-01"] * 7,
    "sales_ht_cents": [100_000] * 14,
    "vat_rate": [0.20] * 14,
})

# Five Friday snapshots: s0 02/10 (opens the history), then the weeks ending 09/10, 16/10, 23/10, 30/10.
D = "2026-09-01"
S0 = (("C1", "F1", D, 100_000), ("C1", "F1b", "2026-09-05", 40_000),   # C1 (Alice)
      ("C2", "F2", D, 50_000),                                            # C2 (Alice)
      ("C3", "F3", D, 80_000),                                            # C3 (Bruno)
      ("C4", "F4", D, 60_000),                                            # C4 (Bruno)
      ("C5", "F5", D, 20_000),                                            # C5 (Chloé)
      ("C6", "F6", "2026-09-15", 30_000), ("C6", "A6", "2026-09-15", -10_000))   # C6 (Chloé); C7 (Denis): nothing


def without(*gone: str) -> pd.DataFrame:
    return snapshot(*(i for i in S0 if i[1] not in gone))


SNAPSHOTS = {
    pd.Timestamp("2026-10-02"): without(),
    pd.Timestamp("2026-10-09"): without(),                                # nothing paid
    pd.Timestamp("2026-10-16"): without("F1", "F1b", "F6", "A6"),        # C1 pays both; C6: A6 applied, 200,00 € paid
    pd.Timestamp("2026-10-23"): without("F1", "F1b", "F6", "A6", "F3"),  # C3 pays F3
    pd.Timestamp("2026-10-30"): without("F1", "F1b", "F6", "A6", "F3", "F2"),   # C2 pays F2 (late)
}

ACTIONS = journal(
    # id  date          customer docs   channel   outcome          amount   promise date  collector
    (1, "2026-08-25", "C1", "F1", "email", "reminder_sent", None, None, "Alice"),     # before F1's due date
    (2, "2026-09-10", "C1", "F1b", "email", "reminder_sent", None, None, "Alice"),    # F1b's first reminder
    (3, "2026-10-05", "C1", "F1", "phone", "evasive", None, None, None),              # no collector: C1's, Alice
    (4, "2026-10-05", "C2", "F2", "phone", "excuse", None, None, "Alice"),
    (5, "2026-10-06", "C3", None, "phone", "no_answer", None, None, "Bruno"),         # a call, not a contact
    (6, "2026-10-07", "C4", "F4", "phone", "promise", 60_000, "2026-10-14", "Bruno"),
    (7, "2026-10-12", "C6", "F6", "phone", "evasive", None, None, "Chloé"),
    (8, "2026-10-13", "C3", "F3", "phone", "promise", 80_000, "2026-10-20", "Bruno"),
    (9, "2026-10-20", "C5", "F5", "phone", "evasive", None, None, ""),                # blank: C5's, Chloé
    (10, "2026-10-21", "C4", "F4", "email", "promise", None, "2026-10-28", "Bruno"),  # promise without amount
    (11, "2026-10-22", "C1", None, "phone", "evasive", None, None, "Bruno"),          # Bruno calls Alice's C1
)

WEEKS = pd.to_datetime(["2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30"]).astype("datetime64[s]")


@pytest.fixture(scope="module")
def perf() -> pd.DataFrame:
    return collector_performance(ACTIONS, SNAPSHOTS, CUSTOMERS, SALES)


def row(perf: pd.DataFrame, collector: str, week: str) -> pd.Series:
    return perf.loc[(collector, pd.Timestamp(week))]


def test_the_whole_table_by_hand(perf):
    # calls / contacts (week of the call):
    #   Alice 09/10: #3 and #4 → 2 calls, 2 contacts
    #   Bruno 09/10: #5 (no_answer) and #6 → 2 calls, 1 contact; 16/10: #8; 23/10: #11 (on C1, his own cell)
    #   Chloé 16/10: #7; 23/10: #9 (blank collector → C5's Chloé)
    # promises (week of the action): Bruno 09/10 #6 600,00 €; 16/10 #8 800,00 €; 23/10 #10 without amount
    # kept / broken (week of the promise date, evaluated at 30/10):
    #   #6 for 14/10 (week 16/10): F4 still open at 16/10 → broken
    #   #8 for 20/10 (week 23/10): F3 gone at 23/10 → kept
    #   #10 for 28/10 (week 30/10): no amount = F4's 600,00 €, still open at 30/10 → broken
    # collected (week of the call):
    #   #3 C1 10/05: baseline 02/10, window end 23/10 (first ≥ 19/10), cut at 16/10 (baseline of #11):
    #      F1 1 000,00 + F1b 400,00 gone → 140 000 cents (Alice 09/10)
    #   #4 C2 10/05: window 02/10 → 23/10, F2 paid only by 30/10 → 0
    #   #5 C3 06/10: window to 23/10 but cut at 09/10 by #8 (later call) → 0
    #   #8 C3 13/10: baseline 09/10, window end 30/10 (first ≥ 27/10): F3 gone → 80 000 (Bruno 16/10)
    #   #6 C4: F4 never paid → 0
    #   #7 C6 12/10: baseline 09/10, to 30/10: F6 fell 30 000, A6 (open at baseline) used 10 000 → 20 000
    #   #9 C5 20/10 and #11 C1 22/10: window end after 30/10 → open, measured to 30/10: 0
    # days from first reminder to payment (paid bound = the week's snapshot):
    #   16/10: F1 (due 01/09): first action after due naming F1 or no document: #3 05/10 → 11 days (Alice)
    #          F1b (due 05/09): #2 10/09 → 36 days (Alice); F6 (due 15/09): #7 12/10 → 4 days (Chloé)
    #   23/10: F3 (due 01/09): #5 06/10 names no document (the account) → 17 days (Bruno)
    #   30/10: F2 (due 01/09): #4 05/10 → 25 days (Alice)
    # DSO (count-back, sales TTC 1 200,00 € per customer and month, October prorated to 30/10's 30 days):
    #   Alice 09/10: 1 900,00 € ; Oct to 09/10 = 2 × 1 200 × 9/30 = 720 ; Sept 2 400 → 9 + 1 180/2 400 × 30 = 23.75
    #   Alice 16/10: 500 ; Oct to 16/10 = 2 × 640 = 1 280 → 500/1 280 × 16 = 6.25 ; 23/10: 500/(2 × 920) × 23 = 6.25
    #   Alice 30/10: nothing open → 0
    #   Bruno 09/10 .. 16/10: 1 400 → 09/10: 9 + 680/2 400 × 30 = 17.5 ; 16/10: 16 + 120/2 400 × 30 = 17.5
    #   Bruno 23/10: 600/1 840 × 23 = 7.5 ; 30/10: 600/2 400 × 30 = 7.5
    #   Chloé 09/10: 400/720 × 9 = 5 ; 16/10 .. 30/10: 200 → 200/1 280 × 16 = 2.5, 200/1 840 × 23 = 2.5, 2.5
    #   Denis: nothing open → 0
    z = dict.fromkeys(COLUMNS[1:-2], 0)
    expected = {
        ("Alice", "2026-10-09"): {**z, "calls": 2, "contacts": 2, "collected_cents": 140_000, "dso": 23.75},
        ("Alice", "2026-10-16"): {**z, "paid_after_reminder": 2, "days_reminder_to_payment": 23.5, "dso": 6.25},
        ("Alice", "2026-10-23"): {**z, "dso": 6.25},
        ("Alice", "2026-10-30"): {**z, "paid_after_reminder": 1, "days_reminder_to_payment": 25.0, "dso": 0.0},
        ("Bruno", "2026-10-09"): {**z, "calls": 2, "contacts": 1, "promises": 1, "promised_cents": 60_000,
                                  "dso": 17.5},
        ("Bruno", "2026-10-16"): {**z, "calls": 1, "contacts": 1, "promises": 1, "promised_cents": 80_000,
                                  "promises_broken": 1, "collected_cents": 80_000, "dso": 17.5},
        ("Bruno", "2026-10-23"): {**z, "calls": 1, "contacts": 1, "promises": 1, "promises_without_amount": 1,
                                  "promises_kept": 1, "calls_window_open": 1, "paid_after_reminder": 1,
                                  "days_reminder_to_payment": 17.0, "dso": 7.5},
        ("Bruno", "2026-10-30"): {**z, "promises_broken": 1, "dso": 7.5},
        ("Chloé", "2026-10-09"): {**z, "dso": 5.0},
        ("Chloé", "2026-10-16"): {**z, "calls": 1, "contacts": 1, "collected_cents": 20_000,
                                  "paid_after_reminder": 1, "days_reminder_to_payment": 4.0, "dso": 2.5},
        ("Chloé", "2026-10-23"): {**z, "calls": 1, "contacts": 1, "calls_window_open": 1, "dso": 2.5},
        ("Chloé", "2026-10-30"): {**z, "dso": 2.5},
        **{("Denis", w): {**z, "dso": 0.0} for w in ("2026-10-09", "2026-10-16", "2026-10-23", "2026-10-30")},
    }
    want = pd.DataFrame([{"collector": c, "week_end": pd.Timestamp(w), **{"days_reminder_to_payment": np.nan, **v}}
                         for (c, w), v in expected.items()])
    want["week_end"] = want["week_end"].astype("datetime64[s]")
    want["week_start"] = want["week_end"] - pd.Timedelta(days=6)
    want = want.set_index(["collector", "week_end"])[list(COLUMNS)]
    assert list(perf.columns) == list(COLUMNS)
    assert perf.index.names == ["collector", "week_end"]
    assert list(perf.index.get_level_values("collector").unique()) == ["Alice", "Bruno", "Chloé", "Denis"]
    assert (perf.index.get_level_values("week_end").unique() == WEEKS).all()
    got = perf.reset_index()
    got["collector"] = got["collector"].astype(str)
    got = got.set_index(["collector", "week_end"])
    for col in COLUMNS[1:-2]:
        assert got[col].dtype == "int64", col
    pd.testing.assert_frame_equal(got, want, check_dtype=False, check_exact=False, rtol=1e-12)


def test_a_call_followed_by_a_payment_within_the_window_and_one_after(perf):
    detail = call_collections(ACTIONS, SNAPSHOTS, CUSTOMERS).set_index("action_id")
    # #3: C1 paid by 16/10, 11 days after the call → 1 400,00 €
    assert detail.loc[3, "collected_cents"] == 140_000
    assert detail.loc[3, "baseline_at"] == pd.Timestamp("2026-10-02")
    assert detail.loc[3, "window_end_at"] == pd.Timestamp("2026-10-23")
    # #4: C2 paid in the week to 30/10, after the window (02/10 → 23/10): nothing, and nothing could be
    assert detail.loc[4, "collected_cents"] == 0 and detail.loc[4, "invoice_decrease_cents"] == 0
    # a longer window (28 days: no snapshot on or after 02/11 yet) reaches the payment seen at 30/10
    longer = call_collections(ACTIONS, SNAPSHOTS, CUSTOMERS, CollectorParams(window_days=28)).set_index("action_id")
    assert longer.loc[4, "collected_cents"] == 50_000 and longer.loc[4, "window_open"]


def test_two_calls_before_one_payment_count_it_once(perf):
    detail = call_collections(ACTIONS, SNAPSHOTS, CUSTOMERS).set_index("action_id")
    # C3: #5 (06/10) and #8 (13/10), F3 (800,00 €) gone at 23/10, inside both windows:
    # the later call takes it; the earlier one's span stops at the later one's baseline (09/10)
    assert detail.loc[5, "invoice_decrease_cents"] == 80_000          # it was in #5's window…
    assert detail.loc[5, "measured_to"] == pd.Timestamp("2026-10-09")
    assert detail.loc[5, "collected_cents"] == 0                      # …but credited to #8 only
    assert detail.loc[8, "collected_cents"] == 80_000
    assert detail[detail["customer_id"] == "C3"]["collected_cents"].sum() == 80_000
    assert row(perf, "Bruno", "2026-10-09")["collected_cents"] == 0
    assert row(perf, "Bruno", "2026-10-16")["collected_cents"] == 80_000


def test_a_credit_note_applied_is_not_collected(perf):
    # C6: F6 300,00 € and A6 −100,00 € open at the baseline; both gone: 200,00 € of money came in
    detail = call_collections(ACTIONS, SNAPSHOTS, CUSTOMERS).set_index("action_id")
    assert detail.loc[7, "invoice_decrease_cents"] == 30_000
    assert detail.loc[7, "collected_cents"] == 20_000


def test_a_promise_kept_and_one_broken(perf):
    # #6 (C4, 600,00 € for 14/10): F4 still open at 16/10 → broken, week 16/10
    # #8 (C3, 800,00 € for 20/10): F3 gone by 23/10 → kept, week 23/10
    assert row(perf, "Bruno", "2026-10-16")[["promises_kept", "promises_broken"]].tolist() == [0, 1]
    assert row(perf, "Bruno", "2026-10-23")[["promises_kept", "promises_broken"]].tolist() == [1, 0]
    # obtained in the week of the action: #6 in the week to 09/10, #8 in the week to 16/10
    assert row(perf, "Bruno", "2026-10-09")[["promises", "promised_cents"]].tolist() == [1, 60_000]
    assert row(perf, "Bruno", "2026-10-16")[["promises", "promised_cents"]].tolist() == [1, 80_000]


def test_a_promise_without_amount_counts_without_money(perf):
    # #10 (e-mail, 21/10): counted, amount unknown → 0 added, flagged; judged on F4's whole amount
    assert row(perf, "Bruno", "2026-10-23")[["promises", "promised_cents", "promises_without_amount"]].tolist() \
        == [1, 0, 1]
    assert row(perf, "Bruno", "2026-10-30")["promises_broken"] == 1


def test_a_no_answer_call_is_a_call_not_a_contact(perf):
    # Bruno, week to 09/10: #5 no_answer + #6 promise
    assert row(perf, "Bruno", "2026-10-09")[["calls", "contacts"]].tolist() == [2, 1]


def test_an_action_without_collector_falls_back_to_the_customers(perf):
    # #9 on C5, collector blank → Chloé (C5's collector); #3 on C1, collector missing → Alice;
    # #11 on C1 names Bruno → Bruno, although C1 is Alice's
    assert row(perf, "Chloé", "2026-10-23")["calls"] == 1
    assert row(perf, "Alice", "2026-10-09")["calls"] == 2
    assert row(perf, "Bruno", "2026-10-23")["calls"] == 1
    # a customer the customers file does not know, without collector → « (non affecté) »
    actions = journal((1, "2026-10-05", "C9", None, "phone", "evasive", None, None, None),
                      (2, "2026-10-05", "C5", None, "phone", "evasive", None, None, "  "),
                      (3, "2026-10-05", "C5", None, "phone", "evasive", None, None, "Denis"))
    assert action_collectors(actions, CUSTOMERS).tolist() == [vocab.NO_COLLECTOR, "Chloé", "Denis"]
    table = collector_performance(actions, SNAPSHOTS, CUSTOMERS)
    assert list(table.index.get_level_values("collector").unique())[-1] == vocab.NO_COLLECTOR
    assert table.loc[(vocab.NO_COLLECTOR, pd.Timestamp("2026-10-09")), "calls"] == 1
    assert table["dso"].isna().all()                                   # no sales file: no DSO


def test_days_from_first_reminder_to_payment():
    paid = reminder_to_payment(ACTIONS, SNAPSHOTS, CUSTOMERS).set_index("document_id")
    # invoices only (A6, a credit note, is not paid); F1's e-mail of 25/08 predates its due date,
    # #2 names F1b only; #5 names no document, so it reminds the whole account of C3
    assert sorted(paid.index) == ["F1", "F1b", "F2", "F3", "F6"]
    assert paid.loc["F1", ["first_reminder", "days", "collector"]].tolist() == [pd.Timestamp("2026-10-05"), 11.0,
                                                                                 "Alice"]
    assert paid.loc["F1b", "days"] == 36.0 and paid.loc["F3", "days"] == 17.0
    assert (paid.loc["F1", "paid_after"], paid.loc["F1", "paid_by"]) == (pd.Timestamp("2026-10-09"),
                                                                         pd.Timestamp("2026-10-16"))
    # without any action after its due date, a paid invoice is left out of the average
    no_reminder = reminder_to_payment(ACTIONS[ACTIONS["id"] != 7], SNAPSHOTS, CUSTOMERS).set_index("document_id")
    assert pd.isna(no_reminder.loc["F6", "first_reminder"]) and np.isnan(no_reminder.loc["F6", "days"])
    table = collector_performance(ACTIONS[ACTIONS["id"] != 7], SNAPSHOTS, CUSTOMERS)
    assert table.loc[("Chloé", pd.Timestamp("2026-10-16")), "paid_after_reminder"] == 0
    assert np.isnan(table.loc[("Chloé", pd.Timestamp("2026-10-16")), "days_reminder_to_payment"])


def test_dso_is_the_dso_by_collector_of_each_week(perf):
    at = pd.Timestamp("2026-10-16")
    items = canonical.attach_customers(SNAPSHOTS[at], CUSTOMERS)
    direct = canonical.dso(items, SALES, at, by="collector", customers=CUSTOMERS,
                           sales_through="2026-10-30")["dso"]
    for who, days in direct.items():
        assert row(perf, str(who), "2026-10-16")["dso"] == pytest.approx(days)


def test_until_and_the_trend(perf):
    # up to 23/10: the weeks to 09/10, 16/10, 23/10; #8's window (to 30/10) is still open then
    short = collector_performance(ACTIONS, SNAPSHOTS, CUSTOMERS, SALES, until="2026-10-23")
    assert list(short.index.get_level_values("week_end").unique()) == list(WEEKS[:3])
    assert short.loc[("Bruno", pd.Timestamp("2026-10-16")), ["collected_cents", "calls_window_open"]].tolist() \
        == [80_000, 1]
    last2 = collector_trend(perf, weeks=2)
    assert len(last2) == 4 * 2 and set(last2.index.get_level_values("week_end")) == set(WEEKS[2:])
    calls = collector_trend(perf, weeks=3, kpi="calls")
    assert list(calls.columns) == list(WEEKS[1:])
    assert calls.loc["Bruno"].tolist() == [1, 1, 0] and calls.loc["Denis"].tolist() == [0, 0, 0]
    with pytest.raises(SettingsError):
        collector_trend(perf, weeks=0)
    with pytest.raises(SettingsError):
        CollectorParams(window_days=-1)


def test_one_snapshot_gives_an_empty_table():
    first = {pd.Timestamp("2026-10-02"): SNAPSHOTS[pd.Timestamp("2026-10-02")]}
    table = collector_performance(ACTIONS, first, CUSTOMERS, SALES)
    assert table.empty and list(table.columns) == list(COLUMNS)


def test_public_face_in_euros():
    table = ra.collector_performance(ACTIONS, SNAPSHOTS, CUSTOMERS, SALES)
    cell = table.loc[("Alice", pd.Timestamp("2026-10-09"))]
    assert cell["collected_eur"] == Decimal("1400.00")
    assert "collected_cents" not in table.columns and "promised_eur" in table.columns
    assert table.loc[("Bruno", pd.Timestamp("2026-10-09")), "promised_eur"] == Decimal("600.00")
    wide = ra.collector_trend(table, 2, kpi="collected_eur")
    assert wide.loc["Bruno"].tolist() == [Decimal("0.00"), Decimal("0.00")]
    detail = ra.call_collections(ACTIONS, SNAPSHOTS, CUSTOMERS)
    assert detail["collected_eur"].sum() == Decimal("2400.00")        # 1 400 + 800 + 200


# --- the sample ---------------------------------------------------------------------------------

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    workspace = tmp_path_factory.mktemp("collectors")
    store = ra.SnapshotStore(workspace)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ra.ingest_folder(SAMPLE / "exports", store)
    with ra.Journal.open(workspace) as j:
        j.import_file(SAMPLE / "actions.xlsx")
        actions = j.actions()
    snapshots = store.up_to(store.latest())
    customers = canonical.read_customers(SAMPLE / "customers.xlsx")
    sales = canonical.read_sales(SAMPLE / "sales.xlsx")
    return {"actions": actions, "snapshots": snapshots, "customers": customers,
            "table": collector_performance(actions, snapshots, customers, sales),
            "calls": call_collections(actions, snapshots, customers)}


def test_sample_structure(sample):
    table, actions, snapshots = sample["table"], sample["actions"], sample["snapshots"]
    dates = sorted(snapshots)
    collectors = sorted(set(sample["customers"]["collector"].dropna()))
    # every collector, every week (the 15 weeks after the first snapshot)
    assert list(table.index) == [(c, d) for c in collectors for d in dates[1:]]
    counts = [c for c in COLUMNS if c not in ("week_start", "days_reminder_to_payment", "dso")]
    assert (table[counts] >= 0).all().all()
    assert (table["contacts"] <= table["calls"]).all()
    assert (table["days_reminder_to_payment"].dropna() >= 0).all() and np.isfinite(table["dso"]).all()
    # every phone action of the period is one call
    phone = actions[(actions["channel"] == "phone") & (actions["date"] > dates[0]) & (actions["date"] <= dates[-1])]
    assert table["calls"].sum() == len(phone) > 0
    assert table["promises_kept"].sum() > 0 and table["promises_broken"].sum() > 0


def test_sample_collections_never_exceed_the_fall_of_open_invoices(sample):
    calls, snapshots = sample["calls"], sample["snapshots"]
    dates = sorted(snapshots)
    # per call: at most the fall of the customer's invoices over its window
    assert (calls["collected_cents"] <= calls["invoice_decrease_cents"]).all()
    assert calls["collected_cents"].sum() > 0
    # per customer, over every call together: at most the fall of its invoices from week to week
    # (spans never overlap: no payment is credited twice)
    fall: dict[str, int] = {}
    for before, after in zip(dates, dates[1:]):
        a, b = snapshots[before], snapshots[after]
        a = a[a["document_type"] == "invoice"]
        now = dict(zip(zip(b["customer_id"].astype(str), b["document_id"]), b["amount_cents"]))
        for c, doc, amount in zip(a["customer_id"].astype(str), a["document_id"], a["amount_cents"]):
            fall[c] = fall.get(c, 0) + max(0, int(amount) - int(now.get((c, doc), 0)))
    by_customer = calls.groupby(calls["customer_id"].astype(str))["collected_cents"].sum()
    assert all(total <= fall.get(c, 0) for c, total in by_customer.items())
    # the weekly table adds up the calls of its weeks
    in_weeks = calls[calls["week_end"].notna()]
    assert sample["table"]["collected_cents"].sum() == in_weeks["collected_cents"].sum()


def _week_rows(collector: str, ends: list[str], **columns: list) -> pd.DataFrame:
    base = {c: [0] * len(ends) for c in COLUMNS if c not in ("week_start", "days_reminder_to_payment", "dso")}
    base.update(columns)
    nan = [float("nan")] * len(ends)
    frame = pd.DataFrame({"week_start": [pd.Timestamp(e) - pd.Timedelta(days=6) for e in ends], **base,
                          "days_reminder_to_payment": columns.get("days_reminder_to_payment", nan),
                          "dso": columns.get("dso", nan)})
    frame.index = pd.MultiIndex.from_arrays([[collector] * len(ends), pd.to_datetime(ends)],
                                            names=["collector", "week_end"])
    return frame[list(COLUMNS)]


def test_collector_summary_sums_the_last_weeks_and_weights_the_days():
    ends = ["2026-10-30", "2026-11-06", "2026-11-13", "2026-11-20", "2026-11-27"]
    perf = pd.concat([
        _week_rows("Ana", ends, calls=[50, 4, 6, 0, 10], contacts=[50, 2, 3, 0, 9], promises_kept=[9, 1, 0, 2, 1],
                   promises_broken=[9, 0, 1, 0, 0], collected_cents=[999, 100, 0, 250, 1],
                   paid_after_reminder=[7, 1, 0, 3, 0], days_reminder_to_payment=[99.0, 10.0, float("nan"), 30.0,
                                                                                   float("nan")],
                   dso=[70.0, 60.0, 61.0, 62.0, 63.5]),
        _week_rows("Bob", ends),
    ])
    got = collector_summary(perf, weeks=4)                 # the first week (30/10) is left out
    ana, bob = got.loc["Ana"], got.loc["Bob"]
    assert (ana["calls"], ana["contacts"], ana["collected_cents"]) == (20, 14, 351)
    assert ana["contact_rate"] == pytest.approx(14 / 20)
    assert ana["kept_rate"] == pytest.approx(4 / 5)        # kept 1+0+2+1, broken 1
    assert ana["days_reminder_to_payment"] == pytest.approx((1 * 10 + 3 * 30) / 4)
    assert ana["dso"] == 63.5                              # the last week's
    assert bob["calls"] == 0 and np.isnan(bob["contact_rate"]) and np.isnan(bob["kept_rate"])
    assert np.isnan(bob["days_reminder_to_payment"])
    assert list(got.index) == ["Ana", "Bob"]
