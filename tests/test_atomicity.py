"""Issue 6 §4: state is never lost or corrupted when the process dies mid-write.

A real import runs in a child process and is SIGKILLed at a precise point of its real code path:
the child (test code, not the package) watches its own progress with ``sqlite3``'s statement
trace or ``sys.setprofile``, prints where it is and waits there to be killed, so the kill lands
at that point on every run. The parent then checks what is on disk.

(test_journal.py covers a transaction rolled back on an invalid row, test_store.py re-ingesting;
test_weekly.py covers the failing notebook and the lock.)
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import relance_analytics as ra
from relance_analytics.config import Buckets
from relance_analytics.journal import FILE_NAME, Journal
from relance_analytics.metrics.history import trend_sql
from tests.builders import d, sage_export, write_rows
from tests.test_journal import HEADER, actions_file

ROOT = Path(__file__).resolve().parent.parent


def kill_at_marker(script: str, *args: object) -> str:
    """Run ``script`` in a child Python, wait for its marker line, SIGKILL it; return the marker."""
    child = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watchdog = threading.Timer(60, child.kill)           # never hang the suite
    watchdog.start()
    try:
        marker = child.stdout.readline().strip()
        assert marker, f"the child ended before its marker: {child.communicate()[1][-2000:]}"
        child.send_signal(signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
    finally:
        watchdog.cancel()
        child.kill()
        child.wait()
        child.stdout.close()
        child.stderr.close()
    return marker


# --- (a) the action journal -------------------------------------------------------------------

IMPORT_THEN_STOP = r"""
import sys, time
from pathlib import Path
from relance_analytics.journal import Journal

workspace, export, stop_after = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
journal = Journal.open(workspace)
journal._con.execute("PRAGMA cache_size = 5")       # a tiny page cache: uncommitted pages spill to the WAL
inserts = 0

def trace(statement):
    global inserts
    if statement.startswith("INSERT INTO actions"):
        inserts += 1
        if inserts == stop_after:
            print(f"{inserts} rows inserted, not committed", flush=True)
            time.sleep(60)

journal._con.set_trace_callback(trace)
journal.import_file(export)
print("committed", flush=True)
"""


def journal_rows(path: Path) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as con:
        return con.execute("SELECT * FROM actions ORDER BY id").fetchall()


def test_journal_import_killed_midway_leaves_the_journal_as_it_was(tmp_path):
    ws = tmp_path / "ws"
    with Journal.open(ws) as journal:
        assert journal.import_file(actions_file(tmp_path / "first.xlsx")) == 3
    db = ws / FILE_NAME
    before = journal_rows(db)
    assert len(before) == 3 and not Path(f"{db}-wal").exists()      # closed cleanly: checkpointed
    # 3 000 unanswered calls (each a new action: its own note)
    calls = [[d("2026-11-16"), f"C{k % 97:04d}", f"FA{k}", "téléphone", "M. Roux", "pas de réponse", None,
              None, None, None, None, f"appel {k}", "Claire Martin"] for k in range(3000)]
    export = write_rows(tmp_path / "calls.xlsx", [HEADER, *calls], sheet="Actions")

    marker = kill_at_marker(IMPORT_THEN_STOP, ws, export, 1000)
    assert marker == "1000 rows inserted, not committed"
    wal = Path(f"{db}-wal")
    assert wal.stat().st_size > 0                 # the dead transaction's pages are on disk, uncommitted

    with closing(sqlite3.connect(db)) as con:     # opens (recovering the WAL) and is sound
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert journal_rows(db) == before             # exactly the rows it had, none of the 1 000
    with Journal.open(ws) as journal:             # the package opens it, and the import re-runs whole
        assert len(journal) == 3
        assert journal.import_file(export) == 3000
        assert journal.import_file(export) == 0
        assert len(journal) == 3003


# --- (b) the snapshot store -------------------------------------------------------------------

INGEST_THEN_STOP = r"""
import os, sys, time
from pathlib import Path
import pyarrow.parquet as pq
import relance_analytics as ra

exports, workspace, point, nth = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
writing = pq.ParquetWriter.write_table.__code__     # the Parquet file is open, its data not written
hits = 0

def watch(frame, event, arg):
    global hits
    if (point == "writing" and event == "call" and frame.f_code is writing) or \
            (point == "renaming" and event == "c_call" and arg is os.replace):
        hits += 1
        if hits == nth:
            sys.setprofile(None)
            print(f"{point} {nth}", flush=True)
            time.sleep(60)

sys.setprofile(watch)
ra.ingest_folder(exports, ra.SnapshotStore(workspace))
print("done", flush=True)
"""


def item(doc: str, amount: float) -> list[object]:
    return ["C1", "Alpha", "FA", doc, d("2026-09-01"), d("2026-10-01"), amount, amount]


def partitions(store: ra.SnapshotStore) -> dict[str, bytes]:
    """Every published partition file, byte for byte."""
    return {p.parent.name: p.read_bytes() for p in sorted(store.root.glob("as_of=*/items.parquet"))}


def temporaries(store: ra.SnapshotStore) -> list[Path]:
    return sorted(store.root.rglob(".*.tmp"))


@pytest.mark.parametrize("point, nth, new_exports, published", [
    # a new date, killed with its Parquet file half written
    ("writing", 1, {"2026-11-27": [item("F3", 300.0)]}, []),
    # an existing date re-exported with other figures, killed once the new file is complete,
    # just before it replaces the old one
    ("renaming", 1, {"2026-11-20": [item("F9", 999.0)]}, []),
    # two new dates: killed while writing the second, the first being published already
    ("writing", 2, {"2026-11-27": [item("F3", 300.0)], "2026-12-04": [item("F4", 400.0)]}, ["2026-11-27"]),
])
def test_ingestion_killed_midway_never_shows_half_a_snapshot(tmp_path, point, nth, new_exports, published):
    exports = tmp_path / "exports"
    exports.mkdir()
    sage_export(exports / "balance_2026-11-13.xlsx", [item("F1", 100.0)])
    sage_export(exports / "balance_2026-11-20.xlsx", [item("F1", 100.0), item("F2", 200.0)])
    store = ra.SnapshotStore(tmp_path / "ws")
    ra.ingest_folder(exports, store)
    before = partitions(store)
    for date, rows in new_exports.items():
        sage_export(exports / f"balance_{date}.xlsx", rows)

    assert kill_at_marker(INGEST_THEN_STOP, exports, store.workspace, point, nth) == f"{point} {nth}"

    # the dead writer's hidden temporary file: half a Parquet file, or a whole one not yet renamed
    [tmp] = temporaries(store)
    assert tmp.parent.name == f"as_of={list(new_exports)[-1]}"
    if point == "writing":
        with pytest.raises(pa.ArrowInvalid, match="Parquet"):
            pq.read_table(tmp)
    else:
        assert list(pq.read_table(tmp).column("document_id").to_pylist()) == ["F9"]
    # what was published before is byte for byte the same, and nothing half written is visible
    after = partitions(store)
    assert {k: v for k, v in after.items() if k in before} == before
    assert sorted(set(after) - set(before)) == [f"as_of={date}" for date in published]
    visible = [pd.Timestamp(x) for x in ("2026-11-13", "2026-11-20", *published)]
    assert store.dates() == visible
    with duckdb.connect() as con:                 # the history's reader globs the partitions itself
        assert list(pd.to_datetime(con.execute(trend_sql(store.root, Buckets())).fetchdf()["as_of"])) == visible
    assert list(store.read("2026-11-20")["document_id"]) == ["F1", "F2"]
    for date in new_exports:
        if date not in published and pd.Timestamp(date) not in visible:
            with pytest.raises(KeyError, match=f"pas de balance au {date}"):
                store.read(date)

    # the same ingestion again goes through (skipping what is stored from the same file), no temporary left
    stored = {"2026-11-13", "2026-11-20", *published} - (set(new_exports) - set(published))
    results = ra.ingest_folder(exports, store)
    assert [r.skipped for r in results] == [f"{r.as_of:%Y-%m-%d}" in stored for r in results]
    assert len(results) == len({"2026-11-13", "2026-11-20", *new_exports})
    assert store.dates() == sorted({*visible, *map(pd.Timestamp, new_exports)})
    for date, rows in new_exports.items():
        assert list(store.read(date)["document_id"]) == [r[3] for r in rows]
    assert partitions(store)["as_of=2026-11-13"] == before["as_of=2026-11-13"]
    assert temporaries(store) == []
