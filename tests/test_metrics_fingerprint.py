"""The metrics and the call list give exactly what they gave before their speed-up (issue 14).

Two data sets, both built in a few seconds:

* ``sample``: the committed sample (``data/sample/``): every weekly export read into a snapshot
  history, the customers, contacts, actions and disputes, the settings of its ``relance.toml``
  — the inputs of ``relance weekly``;
* ``scale``: the benchmark's generator (:mod:`benchmarks.data`) at a small size: the sample's
  two latest snapshots and reference files replicated :data:`COPIES` times with fresh ids, and
  a synthetic history of :data:`HISTORY` weekly snapshots.

On each, these outputs are reduced to JSON (every column with its dtype and values, floats by
their ``repr``, the index) and their SHA-256 compared with the digests of
``tests/data/metrics_fingerprints.json``: the aged balance (by customer, by collector, by
segment and collector, one total row), the drift (matrix, roll rates, bridge, movements), the
provisions (schedule and totals per customer), the evaluated promises, the call list (phone
rows, deferred rows, every side list, the placed reasons, the settled customers), its workbook
(each sheet read back with openpyxl: cell values, number formats, fonts, fills, alignment,
locking, links, column widths, row heights, merged cells, validations, panes, filters,
protection, print areas), the payments read from the history, the payment habits and the
13-week cash forecast (weeks, totals and the invoices behind them).

**How the digests were obtained.** ``python tests/test_metrics_fingerprint.py --write``
recomputes them with the code it runs and writes the JSON file. It was run on the code as it
was before the speed-up of the metrics (commit 0d05892, metrics and call list untouched since
e2b1616); the speed-up left every digest unchanged. A digest that changes means an output
changed: ``python tests/test_metrics_fingerprint.py --dump FILE`` writes the full outcomes to
compare two versions before touching a digest (regenerate only for a deliberate change of an
output).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:          # run as a script
    sys.path.insert(0, str(ROOT))

from benchmarks import data as bench_data  # noqa: E402
from relance_analytics import canonical as rc  # noqa: E402
from relance_analytics.calllist import CallListParams, call_list, write_call_list  # noqa: E402
from relance_analytics.config import Settings  # noqa: E402
from relance_analytics.errors import InputWarning  # noqa: E402
from relance_analytics.metrics.behaviour import payment_behaviour  # noqa: E402
from relance_analytics.metrics.forecast import cash_forecast  # noqa: E402
from relance_analytics.metrics.insurance import InsurancePolicy  # noqa: E402
from tests.fingerprints import columns_dump, plain_value  # noqa: E402

SAMPLE = ROOT / "data" / "sample"
DIGESTS = ROOT / "tests" / "data" / "metrics_fingerprints.json"
AS_OF, PREVIOUS = bench_data.AS_OF, bench_data.PREVIOUS
COPIES = 3                   # copies of the sample in the scale set (about 13 500 items)
HISTORY = (10, 3000)         # weeks × items of the scale set's synthetic history


# ---------------------------------------------------------------------------------------------
# reducing an output to JSON
# ---------------------------------------------------------------------------------------------
def frame_dump(frame: pd.DataFrame) -> dict:
    """Columns in order with their dtypes (categories included), values and the index."""
    columns = columns_dump(frame)
    index = frame.index
    return {"index_names": [str(n) for n in index.names], "index_dtype": str(index.dtype),
            "index": [plain_value(v) for v in index.tolist()], "columns": columns}


def _color(c: object) -> object:
    if c is None:
        return None
    kind = getattr(c, "type", None)
    return [kind, str(getattr(c, kind, "")) if isinstance(kind, str) else None, float(getattr(c, "tint", 0.0))]


def workbook_dump(path: Path) -> dict[str, dict]:
    """Each sheet of an xlsx file as openpyxl reads it back (see the module docstring)."""
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path)
    out: dict[str, dict] = {}
    for position, ws in enumerate(wb.worksheets):
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells.append([c.coordinate, plain_value(c.value), c.number_format, bool(c.font.b), _color(c.font.color),
                              bool(c.font.u), c.fill.fill_type, _color(c.fill.fgColor), bool(c.alignment.wrap_text),
                              c.alignment.vertical, bool(c.protection.locked),
                              c.hyperlink.target if c.hyperlink is not None else None])
        out[ws.title] = {
            "state": ws.sheet_state, "cells": cells,
            "columns": sorted([k, d.width, bool(d.hidden), d.min, d.max] for k, d in ws.column_dimensions.items()),
            "rows": sorted([k, d.height] for k, d in ws.row_dimensions.items() if d.height is not None),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted([str(v.sqref), v.type, v.formula1, v.formula2, v.operator, v.promptTitle, v.prompt,
                                   v.errorTitle, v.error] for v in ws.data_validations.dataValidation),
            "panes": ws.freeze_panes, "filter": ws.auto_filter.ref, "protected": bool(ws.protection.sheet),
            "print_area": ws.print_area, "print_titles": ws.print_title_rows,
            "landscape": ws.page_setup.orientation, "fit": [ws.page_setup.fitToWidth, ws.page_setup.fitToHeight],
            "before": [w.title for w in wb.worksheets[:position]],
        }
    return out


def digest(obj: object) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# the inputs
# ---------------------------------------------------------------------------------------------
def sample_inputs() -> dict:
    """The sample's history, reference files and settings."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)       # the sample's blank due dates, known and counted
        snapshots = {pd.Timestamp(p.stem.split("_")[1]): rc.read_open_items(p)
                     for p in sorted((SAMPLE / "exports").glob("balance_*.xlsx"))}
        frames = {"customers": rc.read_customers(SAMPLE / "customers.xlsx"),
                  "contacts": rc.read_contacts(SAMPLE / "customers.xlsx"),
                  "actions": rc.read_actions(SAMPLE / "actions.xlsx"),
                  "disputes": rc.read_disputes(SAMPLE / "disputes.xlsx")}
    return {**frames, "current": snapshots[AS_OF], "previous": snapshots[PREVIOUS], "snapshots": snapshots,
            "history": snapshots}


def scale_inputs() -> dict:
    """The benchmark's replicated set at :data:`COPIES` copies, its synthetic history."""
    frames = bench_data.replicate(bench_data.sample_frames(SAMPLE), COPIES)
    history = dict(bench_data.history_frames(*HISTORY))
    return {**frames, "snapshots": {PREVIOUS: frames["previous"], AS_OF: frames["current"]}, "history": history}


# ---------------------------------------------------------------------------------------------
# the outputs
# ---------------------------------------------------------------------------------------------
def outcomes(inputs: dict, folder: Path) -> dict[str, object]:
    """Every output of the module docstring on one data set, reduced to JSON."""
    settings = Settings.load(SAMPLE / "relance.toml")
    current, previous, customers = inputs["current"], inputs["previous"], inputs["customers"]
    attached = rc.attach_customers(current, customers)
    out: dict[str, object] = {}
    out["aged/customer"] = frame_dump(rc.aged_balance(current, AS_OF, by="customer"))
    out["aged/collector"] = frame_dump(rc.aged_balance(attached, AS_OF, by="collector"))
    out["aged/segment+collector"] = frame_dump(rc.aged_balance(attached, AS_OF, by=["segment", "collector"]))
    out["aged/total"] = frame_dump(rc.aged_balance(current, AS_OF))
    d = rc.drift(previous, current, PREVIOUS, AS_OF)
    for name in ("matrix", "roll_rates", "bridge", "movements"):
        out[f"drift/{name}"] = frame_dump(getattr(d, name))
    schedule = rc.provisions(attached, AS_OF)
    out["provisions/schedule"] = frame_dump(schedule)
    out["provisions/totals"] = frame_dump(rc.provision_totals(schedule, "customer"))

    payments = rc.payments_from_snapshots(inputs["snapshots"], bound="midpoint")
    habits = payment_behaviour(payments, AS_OF, customers)
    promises = rc.evaluate_promises(inputs["actions"], inputs["snapshots"], AS_OF)
    out["promises"] = frame_dump(promises)
    params = CallListParams.from_settings(settings)
    variants: dict[str, Callable[[], object]] = {
        "call_list": lambda: call_list(attached, customers, inputs["actions"], inputs["disputes"], AS_OF, params,
                                       contacts=inputs["contacts"], promises=promises, behaviour=habits,
                                       insurance=InsurancePolicy.from_settings(settings)),
        "call_list_alone": lambda: call_list(current, customers, inputs["actions"], inputs["disputes"], AS_OF,
                                             params, contacts=inputs["contacts"]),
    }
    for key, build in variants.items():
        cl = build()
        for name in ("rows", "deferred", "disputes", "formal_notices", "litigation", "claims", "reasons",
                     "insurance"):
            out[f"{key}/{name}"] = frame_dump(getattr(cl, name))
        out[f"{key}/settled"] = list(cl.settled)
        if key == "call_list":
            path = write_call_list(folder / f"{key}.xlsx", cl)
            for sheet, dump in workbook_dump(path).items():
                out[f"{key}/workbook/{sheet}"] = dump

    history = inputs["history"]
    paid = rc.payments_from_snapshots(history, bound="midpoint")
    out["history/payments"] = frame_dump(paid)
    out["history/behaviour"] = frame_dump(payment_behaviour(paid, AS_OF))
    fc = cash_forecast(history, AS_OF, payments=paid)
    out["history/forecast_weeks"] = frame_dump(fc.weeks)
    out["history/forecast_totals"] = frame_dump(fc.totals)
    out["history/forecast_items"] = frame_dump(fc.items)
    return out


def all_outcomes(folder: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, make in (("sample", sample_inputs), ("scale", scale_inputs)):
        sub = folder / name
        sub.mkdir(parents=True, exist_ok=True)
        out.update({f"{name}/{k}": v for k, v in outcomes(make(), sub).items()})
    return out


# ---------------------------------------------------------------------------------------------
# the tests
# ---------------------------------------------------------------------------------------------
EXPECTED: dict[str, str] = json.loads(DIGESTS.read_text()) if DIGESTS.is_file() else {}


@pytest.fixture(scope="module")
def current(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return all_outcomes(tmp_path_factory.mktemp("metrics-fingerprint"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_output_is_unchanged(current, name):
    assert name in current, f"{name}: output missing"
    assert digest(current[name]) == EXPECTED[name], f"{name}: the output changed"


def test_every_output_has_a_digest(current):
    """A workbook sheet added later is not compared; every other output is."""
    missing = [k for k in current if k not in EXPECTED and "/workbook/" not in k]
    assert not missing, missing


def test_inputs_exercise_what_they_should(current):
    """Both sets reach every list of the call list, so that the digests cover them."""
    for name in ("sample", "scale"):
        for part in ("rows", "deferred", "disputes", "formal_notices", "litigation", "claims"):
            dump = current[f"{name}/call_list/{part}"]
            assert dump["columns"] and dump["columns"][0]["values"], f"{name}: no {part}"
        assert len(current[f"{name}/promises"]["index"]) > 10
        assert len(current[f"{name}/history/forecast_items"]["index"]) > 1000


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        results = all_outcomes(Path(tmp))
    if "--dump" in sys.argv:
        Path(sys.argv[sys.argv.index("--dump") + 1]).write_text(
            json.dumps(results, sort_keys=True, ensure_ascii=False, indent=1))
    digests = {k: digest(v) for k, v in sorted(results.items())}
    if "--write" in sys.argv:
        DIGESTS.write_text(json.dumps(digests, indent=1) + "\n")
    else:
        for k, v in digests.items():
            print(k, v)
