"""The weekly run: ingest the exports, execute every report notebook with papermill, export
HTML, write the report's front page (``index.html``), and move the finished report into
``<out>/<as_of>/`` in one step.

Every page of a report is French (``lang="fr"``, a French ``<title>``) and works offline: its
charts are drawn by the one ``plotly.min.js`` copied next to the pages (loaded by a relative
``<script src>``), never by a CDN nor by a copy of plotly.js inlined in each page.

The run works in a temporary folder beside the target: a failing notebook stops the run,
is kept in ``<out>/<as_of>.failed/`` for diagnosis, and the previous complete report of that
date is left untouched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
import plotly.io as pio
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from plotly.offline import get_plotlyjs

from .config import Settings
from .currency import CurrencyRates
from .dates import as_date
from .errors import NotebookFailed
from .ingest import Ingested, ingest_fec, ingest_folder
from .io.tables import read_customers
from .journal import Journal
from .lock import dead_leftovers, workspace_lock
from .report.index import INDEX, PLOTLY_JS, write_index
from .store import DEFAULT_WORKSPACE, SnapshotStore

#: The report notebooks shipped in the package (the repository's ``notebooks/`` folder, mapped to
#: ``relance_analytics.notebooks``): found the same way from a checkout and from an installed wheel.
NOTEBOOKS_DIR = Path(str(resources.files("relance_analytics.notebooks")))
PREVIEW = "apercu.png"   # full-page screenshot of the first section, for the README and e-mails
SUITE = ("aged_balance", "drift", "dso", "provisions", "disputes", "call_list", "cash", "legal")
PLOTLY_MIME = "application/vnd.plotly.v1+json"
#: The lab template of nbconvert, made French and offline: plotly.js from the report folder when the
#: page has charts; no require.js, MathJax nor Mermaid from a CDN (the report has no LaTeX, no
#: diagram); a link back to the report's front page.
PAGE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}
{%- if resources.relance_plotly_js %}<script src="{{ resources.relance_plotly_js }}"></script>{% endif -%}
{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
nav.relance-sommaire { padding: 8px var(--jp-notebook-padding, 10px) 0; font-size: 0.95em; }
nav.relance-sommaire a { color: #1F5FAD; text-decoration: none; }
.jp-RenderedHTMLCommon table { margin-left: 0; }
</style>
{%- endblock extra_css -%}
{%- block body_header -%}
{{ super() }}
{%- if resources.relance_index %}
<nav class="relance-sommaire"><a href="{{ resources.relance_index }}">← Sommaire du rapport</a></nav>
{%- endif -%}
{%- endblock body_header -%}
"""
_PLOTLY_BUNDLE = "window.PlotlyConfig"   # the output by which plotly's « notebook » renderer inlined plotly.js
_PLOTLY_COPY = threading.Lock()


def _cell_first_line(notebook: Path, count: int | None) -> str:
    """First line of the code cell that ran as ``[count]`` in an executed notebook ('' if unknown)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except (OSError, ValueError):
        return ""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") == count:
            return cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
    return ""


@dataclass
class WeeklyResult:
    """What a weekly run produced."""

    as_of: object
    report_dir: Path
    ingested: list[Ingested] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    index: Path | None = None          # the report's front page, reports/<as_of>/index.html


def page_title(notebook: Path | nbformat.NotebookNode) -> str:
    """The text of a notebook's first level-1 Markdown heading (its file name when it has none)."""
    nb = nbformat.read(notebook, as_version=4) if isinstance(notebook, Path) else notebook
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return Path(str(nb.metadata.get("papermill", {}).get("input_path") or "rapport")).stem


def _charts_as_html(nb: nbformat.NotebookNode) -> int:
    """Turn each plotly figure output (its JSON mimetype) into HTML drawing it with a ``Plotly``
    loaded by the page, and drop any inlined copy of plotly.js; returns the number of charts."""
    charts = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PLOTLY_MIME in data:
                charts += 1
                output["data"] = {"text/html": pio.to_html(
                    data[PLOTLY_MIME], include_plotlyjs=False, full_html=False, validate=False,
                    div_id=f"graphique-{charts}", config={"displaylogo": False})}
            elif _PLOTLY_BUNDLE in str(data.get("text/html", "")):
                continue
            kept.append(output)
        cell["outputs"] = kept
    return charts


def copy_plotly_js(folder: Path) -> Path:
    """``folder/plotly.min.js``: the installed plotly package's bundle, copied once (thread-safe)."""
    target = folder / PLOTLY_JS
    with _PLOTLY_COPY:
        if not target.is_file():
            partial = target.with_name(f".{PLOTLY_JS}.tmp")
            partial.write_text(get_plotlyjs(), encoding="utf-8")
            os.replace(partial, target)
    return target


def export_html(notebook: Path, target: Path, title: str | None = None, index: str | None = None) -> Path:
    """HTML of an executed notebook without code cells, in French (``lang="fr"``, ``<title>``:
    ``title``, default the notebook's first heading), with a link to ``index`` (the report's front
    page) when given. Its plotly charts are drawn by ``plotly.min.js`` next to the page, copied
    there with the first page that has charts: the page works offline and holds no plotly.js."""
    nb = nbformat.read(notebook, as_version=4)
    nb.metadata["title"] = title or page_title(nb)
    charts = _charts_as_html(nb)
    if charts:
        copy_plotly_js(target.parent)
    exporter = HTMLExporter(template_name="lab", language_code="fr", exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, raw_template=PAGE_TEMPLATE)
    body, _ = exporter.from_notebook_node(nb, resources={"relance_plotly_js": PLOTLY_JS if charts else "",
                                                         "relance_index": index or ""})
    target.write_text(body, encoding="utf-8")
    return target


def save_preview(folder: Path, section: str, progress: Callable[[str], None],
                 timeout_s: float = 120.0) -> Path | None:
    """Screenshot ``folder/<section>.html`` to ``folder/apercu.png`` in headless Chromium, in a
    child process (no clash with the caller's event loop, a hung browser cannot hang the run).

    Optional: when no browser is installed, or it fails, the run goes on and ``progress`` says why.
    """
    from .browser import unavailable_reason

    if reason := unavailable_reason():
        progress(f"aperçu non généré : {reason}")
        return None
    png = folder / PREVIEW
    try:
        done = subprocess.run([sys.executable, "-m", "relance_analytics.browser", str(folder / f"{section}.html"),
                               str(png)], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        done = None
    if done is None or done.returncode != 0 or not png.is_file():
        why = "délai dépassé" if done is None else (done.stderr.strip().splitlines() or ["échec"])[-1]
        progress(f"aperçu non généré : {why}")
        png.unlink(missing_ok=True)
        return None
    if done.stdout.strip() != "ok":
        progress(f"aperçu : {done.stdout.strip()}")
    return png


class _IpcKernelManager(AsyncKernelManager):
    """Kernels talking over local IPC sockets: no TCP port is opened, so the kernels do not warn
    of unencrypted TCP on the run's output. Each kernel has its own socket files (a unique path
    in the temporary folder, removed with the kernel): parallel kernels never share one."""

    def __init__(self, **kwargs: Any) -> None:
        path = Path(tempfile.gettempdir()) / f"relance-kernel-{uuid.uuid4().hex[:16]}"
        super().__init__(transport="ipc", ip=str(path), **kwargs)


def _run_notebook(name: str, notebooks_dir: Path, folder: Path, params: dict[str, str],
                  progress: Callable[[str], None]) -> None:
    """Execute ``<name>.ipynb`` into ``folder`` (its own kernel process) and export its HTML."""
    progress(f"notebook {name}…")
    started = time.perf_counter()
    executed = folder / f"{name}.ipynb"
    # no ``cwd``: papermill would chdir the whole process (a race between the notebooks' threads
    # that left the process in a deleted folder); every path a notebook uses is an absolute parameter
    pm.execute_notebook(notebooks_dir / f"{name}.ipynb", executed, parameters=params, kernel_name="python3",
                        progress_bar=False, kernel_manager_class=_IpcKernelManager)
    when = as_date(params["as_of"])
    export_html(executed, folder / f"{name}.html", f"{page_title(executed)} – rapport du {when:%d/%m/%Y}", INDEX)
    progress(f"notebook {name} terminé en {time.perf_counter() - started:.1f} s")


def _execute_suite(suite: tuple[str, ...], notebooks_dir: Path, folder: Path, params: dict[str, str],
                   workers: int, preview: bool, progress: Callable[[str], None]
                   ) -> tuple[str, pm.PapermillExecutionError] | None:
    """Run the notebooks, ``workers`` at a time (each kernel is a process; they only read the
    workspace), and the preview as soon as the first section is exported. On the first failure
    the notebooks not started are cancelled, the running ones finish; returns (name, error)."""
    failure: tuple[str, pm.PapermillExecutionError] | None = None
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        pending = {pool.submit(_run_notebook, name, notebooks_dir, folder, params, progress): name for name in suite}
        for future in as_completed(list(pending)):
            name = pending[future]
            try:
                future.result()
            except pm.PapermillExecutionError as exc:
                if failure is None:
                    failure = (name, exc)
                    for other in pending:
                        other.cancel()
                continue
            if preview and failure is None and name == suite[0]:
                pool.submit(save_preview, folder, name, progress)
    return failure


def _recover(final: Path, progress: Callable[[str], None]) -> None:
    """Clean what a killed run left beside ``final``: restore the previous report when the run
    died between its two renames (only the hidden ``.old-<pid>`` copy is left), drop the rest."""
    for old in dead_leftovers(final.parent, f".{final.name}.old-"):
        if final.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, final)
            progress(f"rapport précédent du {final.name} restauré (exécution interrompue)")
    for tmp in dead_leftovers(final.parent, f".{final.name}.tmp-"):
        shutil.rmtree(tmp, ignore_errors=True)


def _swap_into_place(tmp: Path, final: Path) -> None:
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


def run_weekly(data_dir: str | Path, out_dir: str | Path = "reports", as_of: str | None = None,
               workspace: str | Path | None = None, notebooks_dir: str | Path | None = None,
               suite: tuple[str, ...] = SUITE, progress: Callable[[str], None] = lambda s: None,
               preview: bool = True, workers: int | None = None) -> WeeklyResult:
    """Ingest ``data_dir/exports`` (or the FEC named in ``relance.toml``, replayed at each week)
    and ``data_dir/actions.xlsx`` (into the action journal, when present), run the report
    notebooks for ``as_of`` (default: latest export) and publish ``out_dir/<as_of>/``; with ``preview``, also a
    screenshot of the first section
    (:data:`PREVIEW`) when a headless Chromium is available. Raises :class:`NotebookFailed` on a
    failing notebook and :class:`~relance_analytics.lock.WorkspaceBusy` when another run holds
    the workspace. ``workers`` notebooks run at once (default: the number of CPUs, at most 4)."""
    workspace = Path(workspace or DEFAULT_WORKSPACE).resolve()
    workers = workers or min(4, os.cpu_count() or 1)
    with workspace_lock(workspace):
        return _run(Path(data_dir).resolve(), Path(out_dir).resolve(), as_of, workspace,
                    Path(notebooks_dir or NOTEBOOKS_DIR), suite, progress, preview, workers)


def _run(data_dir: Path, out_dir: Path, as_of: str | None, workspace: Path, notebooks_dir: Path,
         suite: tuple[str, ...], progress: Callable[[str], None], preview: bool, workers: int) -> WeeklyResult:
    settings = Settings.load(data_dir / "relance.toml")
    store = SnapshotStore(workspace)
    def said(r: Ingested) -> None:
        progress(f"{'FEC ' if settings.fec else 'export '}{r.path.name} au {r.as_of:%d/%m/%Y} : "
                 f"{'inchangé' if r.skipped else f'{r.items} pièces'}")
        for text in r.warnings:
            progress(f"  avertissement : {text}")

    if settings.fec:
        customers = data_dir / "customers.xlsx"
        ingested = ingest_fec(Path(settings.fec), store, as_of, settings.fec_weeks, settings.fec_weekday,
                              read_customers(customers) if customers.is_file() else None, said)
    else:
        rates = CurrencyRates.from_table(settings.currencies)
        ingested = ingest_folder(data_dir / "exports", store, settings.mapping, rates=rates, progress=said)
    actions_file = data_dir / "actions.xlsx"
    if actions_file.is_file():          # idempotent: actions already in the journal are skipped
        with Journal.open(workspace) as journal:
            new = journal.import_file(actions_file)
        progress(f"journal des actions : {actions_file.name}, {new} nouvelle(s) action(s)")
    date = as_date(as_of, "date d'arrêté (--as-of)") if as_of else store.latest()
    store.read(date)  # fails early with the stored dates when the as-of has no snapshot
    final = out_dir / f"{date:%Y-%m-%d}"
    _recover(final, progress)
    tmp = out_dir / f".{final.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    params = {"as_of": f"{date:%Y-%m-%d}", "data_dir": str(data_dir), "workspace": str(workspace),
              "output_dir": str(tmp)}
    try:
        failure = _execute_suite(suite, notebooks_dir, tmp, params, workers, preview, progress)
        if failure is not None:
            name, exc = failure
            failed = out_dir / f"{final.name}.failed"
            shutil.rmtree(failed, ignore_errors=True)
            os.replace(tmp, failed)
            kept = failed / f"{name}.ipynb"
            raise NotebookFailed(f"{name}.ipynb", exc.exec_count, f"{exc.ename}: {exc.evalue}", kept,
                                 _cell_first_line(kept, exc.exec_count))
        write_index(tmp, date, [(name, page_title(tmp / f"{name}.ipynb")) for name in suite])
        _swap_into_place(tmp, final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    files = sorted(p for p in final.iterdir())
    return WeeklyResult(date, final, ingested, files, final / INDEX)
