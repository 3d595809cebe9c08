"""Snapshot store: one Parquet partition per as-of date, replaced (never duplicated) on re-ingest."""

from __future__ import annotations

import pandas as pd
import pytest

import relance_analytics as ra
from tests.builders import d, sage_export

ROWS = [["C1", "Alpha", "FA", "F1", d("2026-10-01"), d("2026-11-01"), 100.0, 120.0],
        ["C2", "Béta", "AV", "A1", d("2026-10-02"), d("2026-10-02"), -10.0, -12.0]]


def test_ingest_round_trip_and_replace(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    sage_export(exports / "balance_2026-11-13.xlsx", ROWS)
    sage_export(exports / "balance_2026-11-20.xlsx", ROWS[:1])
    store = ra.SnapshotStore(tmp_path / "ws")
    results = ra.ingest_folder(exports, store)
    assert [r.items for r in results] == [2, 1]
    assert store.dates() == [pd.Timestamp("2026-11-13"), pd.Timestamp("2026-11-20")]
    back = store.read("2026-11-13")
    assert list(back["amount_cents"]) == [12000, -1200]
    assert back["customer_id"].dtype == "category"
    assert back.attrs["control_total_cents"] == 10800 and back.attrs["source"] == "balance_2026-11-13.xlsx"
    assert store.previous("2026-11-20") == pd.Timestamp("2026-11-13") and store.previous("2026-11-13") is None

    # unchanged file: skipped; changed file for the same date: replaced, not appended
    assert all(r.skipped for r in ra.ingest_folder(exports, store))
    sage_export(exports / "balance_2026-11-13.xlsx", ROWS[1:])
    again = ra.ingest_folder(exports, store)
    assert [r.skipped for r in again] == [False, True]
    assert list(store.read("2026-11-13")["document_id"]) == ["A1"]
    files = sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*") if p.is_file())
    assert files == ["as_of=2026-11-13/items.parquet", "as_of=2026-11-20/items.parquet"]


def test_missing_date_and_bad_file_name_are_clear(tmp_path):
    store = ra.SnapshotStore(tmp_path / "ws")
    with pytest.raises(KeyError, match="aucune balance intégrée"):
        store.latest()
    with pytest.raises(KeyError, match="pas de balance au 2026-01-01"):
        store.read("2026-01-01")
    bad = sage_export(tmp_path / "balance_novembre.xlsx", ROWS)
    with pytest.raises(ValueError, match="pas de date d'arrêté"):
        ra.ingest_file(bad, store)


def test_two_exports_for_one_date_are_refused(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    sage_export(exports / "balance_2026-11-20.xlsx", ROWS)
    sage_export(exports / "balance_2026-11-20_bis.xlsx", ROWS)
    with pytest.raises(ValueError, match="deux exports pour le 20/11/2026"):
        ra.ingest_folder(exports, ra.SnapshotStore(tmp_path / "ws"))
