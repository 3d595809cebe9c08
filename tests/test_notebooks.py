"""The report notebooks: thin, parameterised for papermill, committed without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest

from relance_analytics.weekly import NOTEBOOKS_DIR, SUITE

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
STANDARD = {"as_of", "data_dir", "workspace", "output_dir"}


def test_every_suite_notebook_exists():
    assert {p.stem for p in NOTEBOOKS} >= set(SUITE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_parses_with_papermill(path: Path, caplog):
    params = pm.inspect_notebook(str(path))
    assert set(params) >= STANDARD, f"{path.name} lacks {STANDARD - set(params)}"
    assert "Unable to parse" not in caplog.text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_and_thin(path: Path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert any(c.cell_type == "markdown" for c in nb.cells)
    # thin: no function or class definitions in a report notebook
    assert not [c for c in code if "\ndef " in "\n" + c.source or "\nclass " in "\n" + c.source]
