"""The package as users get it: a wheel with its notebooks and presets, installed in a fresh
virtual environment, runs ``relance weekly`` on a copy of the sample away from the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_lists_every_package():
    """The package list is explicit (the notebooks folder is mapped into the package): a new
    subpackage must be added to it, or the wheel would lack it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "relance_analytics").rglob("*.py")}
    on_disk |= {"relance_analytics.io.presets", "relance_analytics.notebooks"}
    assert set(config["packages"]) == on_disk
    assert config["package-dir"] == {"relance_analytics.notebooks": "notebooks"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w",
                    str(out), str(ROOT)], check=True, capture_output=True, text=True)
    (found,) = out.glob("relance_analytics-*.whl")
    return found


def test_the_wheel_carries_the_notebooks_and_presets_and_no_tests(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for notebook in ("aged_balance", "drift", "dso", "provisions", "disputes", "call_list"):
        assert f"relance_analytics/notebooks/{notebook}.ipynb" in names
    assert "relance_analytics/io/presets/sage.toml" in names and "relance_analytics/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "data/"))]


@pytest.mark.slow
def test_relance_weekly_runs_from_an_installed_wheel(wheel, tmp_path):
    """A fresh venv with the wheel installed (its dependencies reached through a .pth line to this
    environment's site-packages, whose editable-install hooks are not processed from there), run
    from a folder outside the checkout: the notebooks come from the installed package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--quiet", str(wheel)], check=True,
                   capture_output=True, text=True)
    where = subprocess.run([str(python), "-c", "import relance_analytics as ra; print(ra.__file__, ra.__version__)"],
                           check=True, capture_output=True, text=True, cwd=tmp_path).stdout
    assert where.startswith(str(site)), where
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "sample", data)
    # the dependencies' data files a real install would copy: nbconvert's templates (not the
    # kernelspecs, so the kernel is this venv's own Python)
    shared = tmp_path / "jupyter"
    shared.mkdir()
    (shared / "nbconvert").symlink_to(Path(sys.prefix) / "share" / "jupyter" / "nbconvert")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(shared)
    proc = subprocess.run([str(venv / "bin" / "relance"), "weekly", "--data", str(data), "--out", str(tmp_path / "r"),
                           "--workspace", str(tmp_path / "ws")], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "TCP" not in proc.stderr and "Traceback" not in proc.stderr          # kernels over IPC, quietly
    report = tmp_path / "r" / "2026-11-20"
    assert {"aged_balance.html", "call_list.xlsx", "dso.html"} <= {p.name for p in report.iterdir()}
    assert proc.stdout.startswith("Rapport du 20/11/2026 : ")
    version = subprocess.run([str(venv / "bin" / "relance"), "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.strip() == f"relance {where.split()[1]}"
