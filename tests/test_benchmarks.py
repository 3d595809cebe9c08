"""The benchmark (``make bench``) in its smallest mode, so that its code cannot rot: every step
runs on tiny data and the summary table lists each of them. No timing is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.runner import MEMORY_GOAL, STEPS

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_quick_benchmark_prints_every_step(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--items", "1500", "--slice-items", "500",
         "--history", "3x300", "--data-dir", str(tmp_path / "data")],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    table = proc.stdout[proc.stdout.index("| étape"):]      # the summary table, after the progress lines
    for step in STEPS:
        assert step.label in table, f"step {step.key!r} missing from the table:\n{proc.stdout}"
        for _, reference, _goal in step.references:
            assert reference in table
    assert "pic mémoire du pipeline" in table and MEMORY_GOAL.text in table
    assert "ÉCHEC" not in proc.stdout
    # the generated data is cached: a second run would reuse it
    assert any((tmp_path / "data").glob("scale-*/done.json"))
    assert any((tmp_path / "data").glob("history-*/done.json"))
