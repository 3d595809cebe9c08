"""The call list of the sample's latest week: every row explains itself, the side lists are
populated, and the workbook carries a reason on every row."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from relance_analytics import canonical as rc
from relance_analytics.calllist import CallListParams, call_list, write_call_list
from relance_analytics.config import Settings
from relance_analytics.journal import Journal

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
pytestmark = pytest.mark.skipif(not (SAMPLE / "exports" / "balance_2026-11-20.xlsx").is_file(),
                                reason="data/sample not generated")


def test_sample_latest_week(tmp_path: Path):
    items = rc.read_open_items(SAMPLE / "exports" / "balance_2026-11-20.xlsx")
    customers = rc.read_customers(SAMPLE / "customers.xlsx")
    with Journal.open(tmp_path) as journal:
        journal.import_file(SAMPLE / "actions.xlsx")
        actions = journal.actions(until="2026-11-20")
    params = CallListParams.from_settings(Settings.load(SAMPLE / "relance.toml"))
    cl = call_list(items, customers, actions, rc.read_disputes(SAMPLE / "disputes.xlsx"), "2026-11-20", params,
                   contacts=rc.read_contacts(SAMPLE / "customers.xlsx"))
    assert len(cl.rows) > 0
    for frame in (cl.rows, cl.deferred, cl.formal_notices, cl.litigation, cl.claims):
        assert frame["reasons"].str.len().gt(0).all()
    assert cl.disputes["reasons"].str.startswith("R6 ").all()
    assert min(len(cl.disputes), len(cl.formal_notices), len(cl.litigation), len(cl.claims)) > 0
    assert set(cl.claims["status"]) <= {"redressement judiciaire", "liquidation judiciaire", "sauvegarde"}
    for collector, rows in cl.by_collector.items():
        assert len(rows) <= params.capacity(collector)
    wb = openpyxl.load_workbook(write_call_list(tmp_path / "call_list.xlsx", cl), read_only=True)
    for collector in sorted(set(cl.rows["collector"])):
        ws = wb[collector]
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        reasons = [row[header.index("Motifs")] for row in ws.iter_rows(min_row=2, values_only=True)]
        assert reasons and all(r and r.startswith("R") for r in reasons)
