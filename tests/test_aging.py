"""Aged balance against hand-computed figures, plus invariants (hypothesis)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics import frames
from relance_analytics.metrics.aging import total_row

AS_OF = "2026-11-20"


def frame(rows: list[tuple[str, str, str, int]], **extra: list[object]) -> pd.DataFrame:
    """Canonical-enough items (no document type or date) from (customer, document, due date, cents)
    tuples, plus ``extra`` contract columns (``collector=…``)."""
    names = ("customer_id", "document_id", "due_date", "amount_cents")
    data = {n: [r[k] for r in rows] for k, n in enumerate(names)}
    return frames.OPEN_ITEMS.build(data | {"customer_name": [c.upper() for c in data["customer_id"]]} | extra)


def test_bucket_boundaries_by_days_past_due():
    # days past due at 20/11/2026: 0, 1, 30, 31, 60, 61, 90, 91, 120, 121, -5
    dues = ["2026-11-20", "2026-11-19", "2026-10-21", "2026-10-20", "2026-09-21", "2026-09-20",
            "2026-08-22", "2026-08-21", "2026-07-23", "2026-07-22", "2026-11-25"]
    items = frame([("A", f"D{i}", d, 10 ** i) for i, d in enumerate(dues)])
    assert list(rc.days_past_due(items, AS_OF)) == [0, 1, 30, 31, 60, 61, 90, 91, 120, 121, -5]
    row = rc.aged_balance(items, AS_OF).iloc[0]
    assert row["not_due"] == 1 + 10 ** 10          # 0 days and -5 days are not due
    assert row["1-30"] == 10 + 100
    assert row["31-60"] == 1_000 + 10_000
    assert row["61-90"] == 100_000 + 1_000_000
    assert row["91-120"] == 10 ** 7 + 10 ** 8
    assert row["over_120"] == 10 ** 9
    assert row["total"] == sum(10 ** i for i in range(11))
    assert row["overdue"] == row["total"] - row["not_due"]
    assert row["items"] == 11


def test_credit_notes_unapplied_payments_and_partial_payments():
    items = frame([
        ("A", "FA-1", "2026-10-01", 120_000),   # 50 days: 31–60, open amount after a partial payment
        ("A", "AV-1", "2026-11-05", -12_000),   # credit note, 15 days: 1–30, stays negative
        ("B", "RG-1", "2026-11-20", -5_010),    # unapplied payment, due today: not due
        ("B", "FA-2", "2026-12-10", 12),        # not due
    ])
    bal = rc.aged_balance(items, AS_OF, by="customer_id")
    a, b = bal.loc["A"], bal.loc["B"]
    assert (a["not_due"], a["1-30"], a["31-60"], a["total"]) == (0, -12_000, 120_000, 108_000)
    assert (b["not_due"], b["total"], b["overdue"]) == (-4_998, -4_998, 0)
    assert list(bal.index) == ["A", "B"]          # largest total first
    assert a["overdue_share"] == pytest.approx(1.0)


def test_leap_year_as_of():
    # 31/01 → 01/03: 30 days in 2024 (29 February), 29 days in 2023
    leap = frame([("A", "X", "2024-01-31", 100)])
    plain = frame([("A", "X", "2023-01-31", 100)])
    assert rc.days_past_due(leap, "2024-03-01")[0] == 30
    assert rc.days_past_due(plain, "2023-03-01")[0] == 29
    edges = ra.Buckets((0, 29, 60))
    assert rc.aged_balance(leap, "2024-03-01", buckets=edges).iloc[0]["30-60"] == 100
    assert rc.aged_balance(plain, "2023-03-01", buckets=edges).iloc[0]["1-29"] == 100


def test_custom_buckets_and_re_aging_an_old_snapshot():
    items = frame([("A", "X", "2026-11-01", 700), ("A", "Y", "2026-10-01", 300)])
    b = ra.Buckets((0, 15, 45))
    assert b.labels == ["not_due", "1-15", "16-45", "over_45"]
    assert b.french_labels == ["Non échu", "1 à 15 j", "16 à 45 j", "Plus de 45 j"]
    # as of 20/11: 19 and 50 days; as of 01/11 (re-aged): 0 and 31 days
    now = rc.aged_balance(items, "2026-11-20", buckets=b).iloc[0]
    then = rc.aged_balance(items, "2026-11-01", buckets=b).iloc[0]
    assert (now["16-45"], now["over_45"]) == (700, 300)
    assert (then["not_due"], then["16-45"]) == (700, 300)
    assert list(now.index[:5]) == ["not_due", "1-15", "16-45", "over_45", "total"]


def test_group_by_collector_keeps_unassigned_items_and_total_row():
    items = frame([("A", "1", "2026-11-01", 500), ("B", "2", "2026-10-01", 250), ("C", "3", "2026-12-01", 1)],
                  collector=pd.array(["Claire", "Julien", None], dtype="string"))
    bal = rc.aged_balance(items, AS_OF, by="collector")
    assert bal["total"].sum() == 751
    assert len(bal) == 3
    with_total = total_row(bal)
    assert with_total.iloc[-1]["total"] == 751 and with_total.iloc[-1]["overdue"] == 750
    assert with_total.iloc[-1]["overdue_share"] == pytest.approx(750 / 751)


def test_unknown_group_column_is_a_clear_error():
    with pytest.raises(KeyError, match="rattachez d'abord les clients"):
        rc.aged_balance(frame([("A", "1", "2026-11-01", 1)]), AS_OF, by="collector")


def test_invalid_edges_rejected():
    with pytest.raises(ValueError, match="strictement croissante"):
        ra.Buckets((30, 30, 60))


cents = st.integers(min_value=-10 ** 11, max_value=10 ** 11)
offsets = st.integers(min_value=-400, max_value=2000)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("ABCDE"), offsets, cents), min_size=0, max_size=60),
       st.lists(st.integers(min_value=-30, max_value=400), min_size=1, max_size=7, unique=True))
def test_buckets_sum_to_the_exact_total(rows, edges):
    items = frames.OPEN_ITEMS.build({
        "customer_id": [r[0] for r in rows],
        "due_date": pd.Timestamp(AS_OF) - pd.to_timedelta([r[1] for r in rows], unit="D"),
        "amount_cents": [r[2] for r in rows],
    })
    buckets = ra.Buckets(tuple(sorted(edges)))
    exact = sum(r[2] for r in rows)              # Python integers: the reference
    grand = rc.aged_balance(items, AS_OF, buckets=buckets).iloc[0]
    assert int(grand[buckets.labels].sum()) == exact == int(grand["total"])
    by = rc.aged_balance(items, AS_OF, by="customer_id", buckets=buckets)
    assert int(by["total"].sum()) == exact
    assert (by[buckets.labels].sum(axis=1) == by["total"]).all()
    assert int(by["items"].sum()) == len(rows)


def test_screen_balance_is_indexed_by_its_group_in_french():
    from relance_analytics.config import Buckets
    from relance_analytics.report import display_balance

    items = frames.OPEN_ITEMS.build({"customer_id": ["A", "B"], "collector": ["Claire", "Julien"],
                                     "due_date": ["2026-11-30", "2026-10-01"], "amount_cents": [123_456, -5_000]})
    screen = display_balance(rc.aged_balance(items, "2026-11-20", by="collector"), Buckets())
    assert list(screen.index) == ["Claire", "Julien"] and screen.index.name == "Recouvreur"
    assert screen.loc["Claire", "Non échu"] == "1\u202f234,56\u00a0€"          # due 30/11: not due
    assert screen.loc["Julien", "31 à 60 j"] == "-50,00\u00a0€"               # 50 days late, a credit note
    total = display_balance(rc.aged_balance(items, "2026-11-20"), Buckets())
    assert (list(total.index) == ["Total"]
            and total.loc["Total", "Total TTC"] == "1\u202f184,56\u00a0€")  # 1 234,56 − 50,00
