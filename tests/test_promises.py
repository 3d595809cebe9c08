"""Promise evaluation against tiny hand-built weekly snapshots (amounts in cents)."""

from __future__ import annotations

import pandas as pd
import pytest

from relance_analytics import frames
from relance_analytics.metrics.promises import STATUSES, broken_promise_counts, evaluate_promises
from relance_analytics.store import SnapshotStore
from tests.builders import typed_snapshot


def snapshot(*items: tuple[str, str, str, int]) -> pd.DataFrame:
    """Open items ``(customer, document, due date, amount cents)`` (:func:`tests.builders.typed_snapshot`)."""
    return typed_snapshot(*items)


def actions(*rows: tuple) -> pd.DataFrame:
    """Actions ``(id, date, customer, document ids, outcome, amount cents, promise date)`` in the canonical
    frame (canonical-enough: no contact, excuse or callback date), the action ``id`` first."""
    n = len(rows)
    frame = frames.ACTIONS.build({
        "date": [r[1] for r in rows],
        "customer_id": [r[2] for r in rows],
        "document_ids": [r[3] for r in rows],
        "channel": ["phone"] * n,
        "outcome": [r[4] for r in rows],
        "promise_amount_cents": [r[5] for r in rows],
        "promise_date": [r[6] for r in rows],
        "payment_method": ["transfer"] * n,
    })
    frame.insert(0, "id", [r[0] for r in rows])
    return frame


# Three weekly snapshots (Fridays). Every invoice is due 01/10 (overdue) unless stated.
DUE = "2026-10-01"
SNAPSHOTS = {
    pd.Timestamp("2026-11-06"): snapshot(
        ("C1", "F1", DUE, 100_000), ("C1", "F2", DUE, 50_000),
        ("C2", "F3", DUE, 200_000),
        ("C3", "F4", DUE, 100_000),
        ("C4", "F5", DUE, 70_000),
        ("C5", "F6", DUE, 40_000),
        ("C6", "F7", DUE, 30_000), ("C6", "F8", "2026-12-31", 40_000),
        ("C7", "F9", DUE, 50_000),
        ("C8", "F10", DUE, 60_000),
    ),
    pd.Timestamp("2026-11-13"): snapshot(
        ("C1", "F2", DUE, 50_000),                               # F1 paid in full
        ("C2", "F3", DUE, 120_000),                              # 800,00 € paid on F3
        ("C3", "F4", DUE, 50_000),                               # 500,00 € paid on F4
        ("C4", "F5", DUE, 70_000),                               # nothing
        ("C5", "F6", DUE, 40_000),
        ("C6", "F8", "2026-12-31", 40_000),                      # F7 paid
        ("C7", "F9", DUE, 50_000), ("C7", "R1", "2026-11-12", -50_000),   # unapplied transfer received
        ("C8", "F10", DUE, 60_000),
    ),
    pd.Timestamp("2026-11-20"): snapshot(
        ("C1", "F2", DUE, 50_000),
        ("C2", "F3", DUE, 120_000),
        ("C3", "F4", DUE, 50_000),
        ("C4", "F5", DUE, 70_000),
                                                                  # C5: F6 paid in the week to 20/11
        ("C6", "F8", "2026-12-31", 40_000),
        ("C7", "F9", DUE, 50_000), ("C7", "R1", "2026-11-12", -50_000),
        ("C8", "F10", DUE, 10_000),
    ),
}


def by_id(frame: pd.DataFrame) -> dict[int, pd.Series]:
    return {int(r["action_id"]): r for _, r in frame.iterrows()}


def test_hand_cases_at_20_november():
    acts = actions(
        (1, "2026-11-09", "C1", "F1", "promise", 100_000, "2026-11-12"),   # kept in full
        (2, "2026-11-09", "C2", "F3", "promise", 80_000, "2026-11-13"),    # kept for the promised amount
        (3, "2026-11-09", "C3", "F4", "promise", 80_000, "2026-11-13"),    # partial below: broken
        (4, "2026-11-09", "C4", "F5", "promise", 70_000, "2026-11-10"),    # nothing paid: broken
        (5, "2026-11-16", "C4", "F5", "promise", 70_000, "2026-11-25"),    # date to come: pending
        (6, "2026-11-16", "C5", "F6", "promise", None, "2026-11-17"),      # paid by the next snapshot: kept
        (7, "2026-11-09", "C6", None, "promise", 30_000, "2026-11-12"),    # no documents: customer's overdue
        (8, "2026-11-09", "C7", "F9", "promise", 50_000, "2026-11-12"),    # unapplied cash counts
        (9, "2026-11-09", "C8", "F10", "promise", 60_000, "2026-11-10"),   # paid after the tolerance: broken
        (10, "2026-11-16", "C1", "F2", "promise", 50_000, "2026-11-20"),   # due on as_of: pending
        (11, "2026-11-09", "C1", "F1", "callback", None, "2026-11-12"),    # not a promise
    )
    out = evaluate_promises(acts, SNAPSHOTS, "2026-11-20")
    assert list(out["action_id"]) == [4, 9, 1, 7, 8, 2, 3, 6, 10, 5]       # by promise date, then id
    assert list(out["status"].cat.categories) == list(STATUSES)
    r = by_id(out)
    # 1: F1 1 000,00 € open on 06/11 (baseline, last snapshot ≤ 09/11), gone on 13/11 (first ≥ 12/11)
    assert (r[1]["status"], r[1]["received_cents"], r[1]["open_cents"]) == ("kept", 100_000, 0)
    assert (r[1]["baseline_at"], r[1]["checked_at"]) == (pd.Timestamp("2026-11-06"), pd.Timestamp("2026-11-13"))
    # 2: F3 2 000,00 → 1 200,00: received 800,00 ≥ promised 800,00
    assert (r[2]["status"], r[2]["received_cents"], r[2]["open_cents"]) == ("kept", 80_000, 120_000)
    # 3: F4 1 000,00 → 500,00: received 500,00 < promised 800,00
    assert (r[3]["status"], r[3]["received_cents"], r[3]["open_cents"]) == ("broken", 50_000, 50_000)
    # 4: F5 unchanged at 13/11
    assert (r[4]["status"], r[4]["received_cents"], r[4]["checked_at"]) == ("broken", 0, pd.Timestamp("2026-11-13"))
    # 5: promised for 25/11, after as_of; measured at the latest snapshot (20/11) from 13/11
    assert (r[5]["status"], r[5]["received_cents"]) == ("pending", 0)
    assert (r[5]["baseline_at"], r[5]["checked_at"]) == (pd.Timestamp("2026-11-13"), pd.Timestamp("2026-11-20"))
    # 6: due 17/11, F6 gone at 20/11 (first snapshot ≥ 17/11, within the weekly tolerance); no amount = all of F6
    assert (r[6]["status"], r[6]["received_cents"], r[6]["checked_at"]) == ("kept", 40_000, pd.Timestamp("2026-11-20"))
    # 7: C6's overdue items on 09/11 = F7 only (F8 due 31/12): F7 300,00 paid ≥ 300,00
    assert (r[7]["status"], r[7]["received_cents"], r[7]["open_cents"]) == ("kept", 30_000, 0)
    # 8: F9 still open but an unapplied payment of 500,00 arrived: 0 + (0 − (−50 000)) = 50 000
    assert (r[8]["status"], r[8]["received_cents"]) == ("kept", 50_000)
    # 9: F10 unchanged on 13/11 (first snapshot ≥ 10/11); paid 500,00 on 20/11 is too late; 100,00 still open
    assert (r[9]["status"], r[9]["received_cents"], r[9]["open_cents"]) == ("broken", 0, 10_000)
    # 10: promise date = as_of: not past yet
    assert r[10]["status"] == "pending"
    assert out["promise_amount_cents"].dtype == "Int64" and out["received_cents"].dtype == "int64"
    assert out["checked_at"].dtype == "datetime64[s]"


def test_kept_early_and_waiting_for_the_next_snapshot():
    acts = actions(
        (1, "2026-11-09", "C1", "F1", "promise", 100_000, "2026-11-27"),   # after as_of but already paid
        (2, "2026-11-09", "C4", "F5", "promise", 70_000, "2026-11-16"),
    )
    # as_of 19/11: the 20/11 snapshot does not exist yet, so promise 2 (due 16/11) awaits it
    out = by_id(evaluate_promises(acts, SNAPSHOTS, "2026-11-19"))
    assert (out[1]["status"], out[1]["checked_at"]) == ("kept", pd.Timestamp("2026-11-13"))
    assert (out[2]["status"], out[2]["checked_at"]) == ("pending", pd.Timestamp("2026-11-13"))
    out = by_id(evaluate_promises(acts, SNAPSHOTS, "2026-11-20"))
    assert (out[2]["status"], out[2]["checked_at"]) == ("broken", pd.Timestamp("2026-11-20"))


def test_promises_older_than_the_first_snapshot():
    acts = actions(
        (1, "2026-10-20", "C9", "F99", "promise", 20_000, "2026-10-30"),   # F99 gone before 06/11: closed
        (2, "2026-10-20", "C4", "F5", "promise", 70_000, "2026-10-30"),    # F5 still open on 06/11
        (3, "2026-11-09", "C4", "F404", "promise", 70_000, "2026-11-10"),  # unknown id: C4's overdue items
    )
    out = by_id(evaluate_promises(acts, SNAPSHOTS, "2026-11-20"))
    assert (out[1]["status"], out[1]["received_cents"], out[1]["checked_at"]) == \
        ("kept", 0, pd.Timestamp("2026-11-06"))
    assert (out[2]["status"], out[2]["baseline_at"]) == ("broken", pd.Timestamp("2026-11-06"))
    assert (out[3]["status"], out[3]["open_cents"]) == ("broken", 70_000)   # measured on F5


def test_broken_promise_counts():
    acts = actions(
        (1, "2026-10-20", "C4", "F5", "promise", 70_000, "2026-10-30"),
        (2, "2026-11-09", "C4", "F5", "promise", 70_000, "2026-11-10"),
        (3, "2026-11-09", "C3", "F4", "promise", 80_000, "2026-11-13"),
        (4, "2026-11-09", "C1", "F1", "promise", 100_000, "2026-11-12"),
    )
    evaluated = evaluate_promises(acts, SNAPSHOTS, "2026-11-20")
    counts = broken_promise_counts(evaluated, "2026-11-20")
    assert list(zip(counts["customer_id"], counts["broken"], counts["last_broken_date"])) == [
        ("C4", 2, pd.Timestamp("2026-11-10")), ("C3", 1, pd.Timestamp("2026-11-13"))]
    # a 14-day window from 20/11 starts on 06/11: the promise of 30/10 drops out
    recent = broken_promise_counts(evaluated, "2026-11-20", window_days=14)
    assert list(zip(recent["customer_id"], recent["broken"])) == [("C3", 1), ("C4", 1)]
    assert len(broken_promise_counts(evaluated.iloc[:0], "2026-11-20")) == 0


def test_no_promise_and_no_snapshot(tmp_path):
    empty = evaluate_promises(actions((1, "2026-11-09", "C1", "F1", "no_answer", None, None)), SNAPSHOTS,
                              "2026-11-20")
    assert len(empty) == 0 and list(empty["status"].cat.categories) == list(STATUSES)
    store = SnapshotStore(tmp_path)
    for d, items in SNAPSHOTS.items():
        store.write(d, items)
    loaded = store.up_to("2026-11-13")
    assert list(loaded) == [pd.Timestamp("2026-11-06"), pd.Timestamp("2026-11-13")]
    with pytest.raises(KeyError, match="aucune balance au 2026-11-01 ou avant"):
        evaluate_promises(actions((1, "2026-10-09", "C1", "F1", "promise", 1, "2026-10-12")), loaded, "2026-11-01")
