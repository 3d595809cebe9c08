"""The weekly run: papermill over real notebooks, atomic publication of reports/<as_of>/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics.journal import Journal
from relance_analytics.weekly import SUITE, NotebookFailed, run_weekly
from tests.builders import d, sage_export

FIXTURES = Path(__file__).parent / "data" / "notebooks"
ROOT = Path(__file__).resolve().parent.parent


def tiny_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "exports").mkdir(parents=True)
    sage_export(data / "exports" / "balance_2026-11-20.xlsx",
                [["C1", "Alpha", "FA", "F1", d("2026-10-01"), d("2026-11-01"), 100.0, 120.0]])
    return data


def snapshot_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_failing_notebook_keeps_previous_report_intact(tmp_path):
    data, out, ws = tiny_data(tmp_path), tmp_path / "reports", tmp_path / "ws"
    ok = run_weekly(data, out, workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker",), preview=False)
    assert ok.report_dir == out / "2026-11-20"
    assert (ok.report_dir / "marker.txt").read_text() == "report 2026-11-20"
    assert {p.name for p in ok.files} == {"marker.txt", "writes_marker.ipynb", "writes_marker.html"}
    before = snapshot_tree(ok.report_dir)

    with pytest.raises(NotebookFailed) as info:
        run_weekly(data, out, workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker", "fails"), preview=False)
    err = info.value
    # execution count 4: parameters, papermill's injected parameters, "x = 1", then the failing cell
    assert err.notebook == "fails.ipynb" and err.cell == 4
    assert err.source == 'raise ValueError("montant introuvable")'
    assert "la cellule [4]" in str(err) and "ValueError: montant introuvable" in str(err)
    assert err.kept == out / "2026-11-20.failed" / "fails.ipynb" and err.kept.is_file()
    assert snapshot_tree(out / "2026-11-20") == before          # byte for byte
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary folder left


def test_the_run_feeds_the_action_journal_once(tmp_path):
    data, ws = tiny_data(tmp_path), tmp_path / "ws"
    shutil.copy(ROOT / "data" / "sample" / "actions.xlsx", data / "actions.xlsx")
    expected = len(rc.read_actions(data / "actions.xlsx"))
    for new in (expected, 0):                    # the second run finds every action already recorded
        lines: list[str] = []
        run_weekly(data, tmp_path / "r", workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker",),
                   progress=lines.append, preview=False)
        assert f"journal des actions : actions.xlsx, {new} nouvelle(s) action(s)" in lines
    with Journal.open(ws) as journal:
        assert len(journal) == expected


def dead_pid() -> int:
    """The pid of a process that has already exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_killed_between_its_renames_is_repaired_by_the_next_one(tmp_path):
    """Killed after moving the old report aside but before moving the new one in: only the
    hidden copy is left. The next run, even a failing one, puts the old report back and removes
    the dead run's temporary folder."""
    data, out, ws = tiny_data(tmp_path), tmp_path / "reports", tmp_path / "ws"
    ok = run_weekly(data, out, workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker",), preview=False)
    before = snapshot_tree(ok.report_dir)
    pid = dead_pid()
    ok.report_dir.rename(out / f".2026-11-20.old-{pid}")            # the state the kill left
    (out / f".2026-11-20.tmp-{pid}").mkdir()
    (out / f".2026-11-20.tmp-{pid}" / "writes_marker.ipynb").write_text("half written")

    with pytest.raises(NotebookFailed):
        run_weekly(data, out, workspace=ws, notebooks_dir=FIXTURES, suite=("fails",), preview=False)
    assert snapshot_tree(out / "2026-11-20") == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".")]


def test_a_broken_browser_does_not_fail_the_run(tmp_path, monkeypatch):
    """The preview is optional: a Chromium that cannot start is reported, the report published."""
    monkeypatch.setenv("RELANCE_CHROMIUM", "/bin/false")
    said: list[str] = []
    ok = run_weekly(tiny_data(tmp_path), tmp_path / "reports", workspace=tmp_path / "ws", notebooks_dir=FIXTURES,
                    suite=("writes_marker",), progress=said.append)
    assert (ok.report_dir / "writes_marker.html").is_file() and not (ok.report_dir / "apercu.png").exists()
    assert [s for s in said if s.startswith("aperçu non généré : ")], said


def test_cli_reports_a_bad_export_in_one_line(tmp_path):
    data = tiny_data(tmp_path)
    (data / "exports" / "balance_2026-11-27.xlsx").write_text("pas un classeur")
    proc = subprocess.run([sys.executable, "-m", "relance_analytics.cli", "weekly", "--data", str(data),
                           "--out", str(tmp_path / "r"), "--workspace", str(tmp_path / "ws")],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "balance_2026-11-27.xlsx" in proc.stderr and "pas un classeur Excel" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_weekly_run_on_the_sample(sample_report):
    report_dir, data = sample_report
    assert report_dir.name == "2026-11-20"
    names = {p.name for p in report_dir.iterdir()}
    # every section: executed notebook, HTML export and the workbook it writes (<section>.xlsx)
    assert {f"{section}.{ext}" for section in SUITE for ext in ("ipynb", "html", "xlsx")} <= names
    assert "brouillons" in names                                      # the call list's e-mail and letter drafts
    html = (report_dir / "aged_balance.html").read_text(encoding="utf-8")
    assert "Balance âgée clients" in html and "application/vnd.plotly.v1+json" in html or "Plotly.newPlot" in html
    # the workbook's grand total equals the export's « Total général »
    control = rc.read_open_items(data / "exports" / "balance_2026-11-20.xlsx").attrs["control_total_cents"]
    ws = openpyxl.load_workbook(report_dir / "aged_balance.xlsx", read_only=True)["Synthèse"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    total_col = header.index("Total TTC")
    synth = [r for r in rows[3:] if r[0] == "Total"][0]
    assert round(synth[total_col] * 100) == control
    by_customer = list(openpyxl.load_workbook(report_dir / "aged_balance.xlsx", read_only=True)["Par client"]
                       .iter_rows(values_only=True))
    grand = [r for r in by_customer if r[0] == "Total général"][0]
    assert round(grand[by_customer[2].index("Total TTC")] * 100) == control


def test_second_run_on_the_same_workspace_is_refused(tmp_path):
    from relance_analytics.errors import WorkspaceBusy

    data, ws = tiny_data(tmp_path), tmp_path / "ws"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from relance_analytics.lock import workspace_lock\n"
         f"with workspace_lock(Path({str(ws)!r})):\n    print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(WorkspaceBusy) as info:
            run_weekly(data, tmp_path / "r", workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker",),
                       preview=False)
        assert info.value.holder == str(holder.pid)
        assert "une autre exécution utilise déjà l'espace de travail" in str(info.value)
    finally:
        holder.kill()
        holder.wait()
    # the lock dies with its process: the next run goes through
    run_weekly(data, tmp_path / "r", workspace=ws, notebooks_dir=FIXTURES, suite=("writes_marker",), preview=False)


def test_what_a_read_tolerated_is_said_during_the_run_and_kept_with_the_snapshot(tmp_path):
    data = tmp_path / "data"
    (data / "exports").mkdir(parents=True)
    sage_export(data / "exports" / "balance_2026-11-20.xlsx",
                [["C1", "Alpha", "FA", "F1", d("2026-10-01"), d("2026-11-01"), 100.0, 120.0],
                 ["C1", "Alpha", "AV", "A1", d("2026-10-05"), None, -10.0, -12.0]])
    lines: list[str] = []
    run_weekly(data, tmp_path / "r", workspace=tmp_path / "ws", notebooks_dir=FIXTURES, suite=("writes_marker",),
               preview=False, progress=lines.append)
    said = "  avertissement : colonne « Échéance (F) » : 1 pièce sans date d'échéance : échéance prise égale à la " \
           "date de pièce (lignes 8) ; attendu : une date d'échéance pour chaque pièce"
    assert said in lines
    meta = ra.SnapshotStore(tmp_path / "ws").meta("2026-11-20")
    assert meta["tolerated"] == {"due_date_from_document_date": 1} and meta["warnings"] == [said.split(" : ", 1)[1]]
    from relance_analytics.report.aging import warnings_text
    assert "**Points de vigilance de l'export**" in warnings_text(meta["warnings"])
    assert warnings_text([]) == ""


def test_parallel_notebooks_leave_the_working_directory_alone(tmp_path):
    """Notebooks run in threads: the run must never change the process's working directory
    (papermill's ``cwd`` did, racily, and a later run failed in a deleted folder)."""
    import os
    before = os.getcwd()
    data = tiny_data(tmp_path)
    run_weekly(data, tmp_path / "r", workspace=tmp_path / "ws", notebooks_dir=FIXTURES,
               suite=("writes_marker", "writes_marker_too"), preview=False, workers=2)
    assert os.getcwd() == before
