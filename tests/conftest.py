"""Shared fixtures: one weekly run on a copy of the sample, reused by every end-to-end test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(report folder, data folder) of `relance weekly` run on a copy of data/sample/."""
    from relance_analytics.weekly import run_weekly

    root = tmp_path_factory.mktemp("weekly")
    data = root / "data"
    shutil.copytree(SAMPLE, data)
    result = run_weekly(data, root / "reports", workspace=root / "ws")
    return result.report_dir, data
