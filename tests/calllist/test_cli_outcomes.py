"""``relance import-outcomes`` from the command line: a workbook written by the call list and
filled as a collector would is recorded once; a bad fill exits non-zero with the sheet, row and
column of each problem, and records nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from relance_analytics.calllist import write_call_list
from relance_analytics.journal import Journal

from .helpers import run
from .test_roundtrip import ITEMS, OUTCOMES, SHEET, fill

RELANCE = Path(sys.executable).with_name("relance")      # the console script of the venv
pytestmark = pytest.mark.skipif(not RELANCE.is_file(), reason="package not installed (no relance script)")


def relance(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(RELANCE), *map(str, args)], capture_output=True, text=True, timeout=120)


def test_import_outcomes_round_trip(tmp_path: Path):
    workspace = tmp_path / "ws"
    filled = fill(write_call_list(tmp_path / "call_list.xlsx", run(ITEMS)), OUTCOMES)

    first = relance("import-outcomes", filled, "--workspace", workspace)
    assert first.returncode == 0, first.stderr
    # P promise, K callback, E evasive answer, D dispute; N left blank (not called)
    assert first.stdout.startswith("call_list.xlsx : 4 résultats d'appel enregistrés (journal : 4 actions")
    with Journal.open(workspace) as journal:
        recorded = journal.actions()
    assert sorted(recorded["customer_id"]) == ["D", "E", "K", "P"]
    assert set(recorded["source_file"]) == {str(filled.resolve())}

    again = relance("import-outcomes", filled, "--workspace", workspace)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("call_list.xlsx : 0 résultat d'appel enregistré (journal : 4 actions")


def test_bad_fill_exits_non_zero_and_records_nothing(tmp_path: Path):
    workspace = tmp_path / "ws"
    filled = fill(write_call_list(tmp_path / "call_list.xlsx", run(ITEMS)), OUTCOMES)
    assert relance("import-outcomes", filled, "--workspace", workspace).returncode == 0
    with Journal.open(workspace) as journal:
        before = journal.actions()

    # rows by rank: D 2, P 3, K 4, E 5, N 6 — N gets a promise without its date
    bad = fill(Path(shutil.copy(filled, tmp_path / "bad.xlsx")), {"N": {"Résultat": "promesse", "Montant promis": 100}})
    proc = relance("import-outcomes", bad, "--workspace", workspace)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == f"Erreur : liste d'appels remplie {bad} : 1 problème"
    assert lines[1] == (f"  - ligne 6, colonne « Date promise (H) de la feuille « {SHEET} » » : une promesse demande "
                        "la date promise ; attendu : une date")
    assert lines[-1].startswith("Piste : ") and "rien n'a été enregistré" in lines[-1]
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    with Journal.open(workspace) as journal:
        after = journal.actions()
    assert after.drop(columns="recorded_at").equals(before.drop(columns="recorded_at"))


def test_not_a_call_list(tmp_path: Path):
    other = tmp_path / "autre.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Code client", "Montant"])
    wb.save(other)
    proc = relance("import-outcomes", other, "--workspace", tmp_path / "ws")
    assert proc.returncode == 1
    assert "aucune feuille de liste d'appels (aucune feuille n'a la colonne masquée « Clé »)" in proc.stderr
    assert "Traceback" not in proc.stderr
