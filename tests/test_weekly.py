"""The weekly run: papermill over real notebooks, atomic publication of reports/<as_of>/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from plotly.offline import get_plotlyjs

import relance_analytics as ra
from relance_analytics import canonical as rc
from relance_analytics.french import euros
from relance_analytics.journal import Journal
from relance_analytics.report.index import load_key_figures
from relance_analytics.weekly import PLOTLY_MIME, SUITE, NotebookFailed, run_weekly
from tests.builders import d, sage_export

FIXTURES = Path(__file__).parent / "data" / "notebooks"
#: The workbooks of the sections that do not write ``<section>.xlsx`` alone.
WORKBOOKS_OF = {"provisions": ("provisions.xlsx", "dossier_provisions.xlsx"),
                "legal": ("chiffres_legaux.xlsx", "delais_paiement.xlsx"), "cash": ("encaissements.xlsx",)}
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
    # no chart, no plotly.min.js; the front page even without figures
    assert {p.name for p in ok.files} == {"marker.txt", "writes_marker.ipynb", "writes_marker.html", "index.html"}
    assert ok.index == ok.report_dir / "index.html"
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
    # every section: executed notebook, HTML export and the workbooks it writes (<section>.xlsx unless named)
    assert {f"{section}.{ext}" for section in SUITE for ext in ("ipynb", "html")} <= names
    assert {book for section in SUITE for book in WORKBOOKS_OF.get(section, (f"{section}.xlsx",))} <= names
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


@pytest.mark.slow
def test_the_report_shares_one_plotly_js_and_no_page_or_notebook_embeds_it(sample_report):
    """plotly.js once in the report folder (61 MB → under 10 MB for the sample): each page loads it
    with a relative <script src>; each executed notebook keeps its figures as plotly's JSON
    mimetype only, which JupyterLab draws with its own plotly (the jupyterlab-plotly extension)."""
    report_dir, _ = sample_report
    assert (report_dir / "plotly.min.js").read_text(encoding="utf-8") == get_plotlyjs()
    for section in SUITE:
        html = (report_dir / f"{section}.html").read_text(encoding="utf-8")
        assert html.count('<script src="plotly.min.js"></script>') == 1, section
        assert "plotly.js v" not in html and "window.PlotlyConfig" not in html, section
        assert len(html.encode()) < 1_000_000, section
        nb = nbformat.read(report_dir / f"{section}.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert any(PLOTLY_MIME in o.get("data", {}) for o in outputs), section
        assert not [o for o in outputs if "plotly.js v" in str(o.get("data", {}).get("text/html", ""))], section
        assert (report_dir / f"{section}.ipynb").stat().st_size < 1_000_000, section
    assert sum(p.stat().st_size for p in report_dir.rglob("*") if p.is_file()) < 12_000_000


@pytest.mark.slow
def test_the_index_states_the_figures_the_notebooks_computed(sample_report):
    """The front page's figures are those each notebook saved; they agree with the export and
    the workbooks (the browser test checks they are the ones the linked sections show)."""
    report_dir, data = sample_report
    figures = load_key_figures(report_dir)
    assert set(figures) == set(SUITE)
    keys = {f.key: f for section in figures.values() for f in section}
    assert {"receivables", "overdue", "overdue_share", "overdue_change", "dso", "add", "provision", "provision_change",
            "open_disputes", "disputed", "calls", "promises_kept", "promises_broken", "provision_flagged",
            "penalties_due", "paid_late_claims", "non_compliant_share", "cash_in_4_weeks", "insurance_deadlines",
            "collected_after_calls"} <= set(keys)
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    for f in keys.values():
        assert f'<span class="valeur">{f.text}</span>' in index, f.key
    control = rc.read_open_items(data / "exports" / "balance_2026-11-20.xlsx").attrs["control_total_cents"]
    assert keys["receivables"].value == control and keys["receivables"].text == euros(control)
    synthesis = list(openpyxl.load_workbook(report_dir / "aged_balance.xlsx", read_only=True)["Synthèse"]
                     .iter_rows(values_only=True))
    total = [r for r in synthesis[3:] if r[0] == "Total"][0]
    assert round(total[synthesis[2].index("Total échu")] * 100) == keys["overdue"].value
    provisions = dict(list(openpyxl.load_workbook(report_dir / "provisions.xlsx", read_only=True)["Synthèse"]
                           .iter_rows(values_only=True))[3:])
    assert round(provisions["Provision pour créances douteuses"] * 100) == keys["provision"].value
    assert round((provisions["Provision de la période"] - provisions["Provision de la période précédente"]) * 100) \
        == keys["provision_change"].value
    forecast = list(openpyxl.load_workbook(report_dir / "encaissements.xlsx", read_only=True)["Prévision par semaine"]
                    .iter_rows(values_only=True))
    prevu = forecast[2].index("Encaissement prévu")
    assert round(sum(r[prevu] for r in forecast[3:7]) * 100) == keys["cash_in_4_weeks"].value     # weeks 1 to 4
    # the invoices to declare to the insurer: the same on the index and on the call list's R14 side list
    declare = list(openpyxl.load_workbook(report_dir / "call_list.xlsx", read_only=True)["Déclarations à l'assureur"]
                   .iter_rows(values_only=True))
    amount = declare[0].index("Solde TTC")
    assert round(sum(r[amount] for r in declare[1:] if r[amount] is not None) * 100) \
        == keys["insurance_deadlines"].value > 0


@pytest.mark.slow
@pytest.mark.parametrize("section", SUITE)
def test_screen_tables_have_one_header_row_no_row_numbers_and_whole_texts(sample_report, section):
    report_dir, _ = sample_report
    soup = BeautifulSoup((report_dir / f"{section}.html").read_text(encoding="utf-8"), "html.parser")
    tables = soup.find_all("table")
    assert tables, section
    for i, table in enumerate(tables):
        where = f"{section}.html, table {i + 1}"
        rows = table.find("thead").find_all("tr")
        assert len(rows) == 1, f"{where}: {len(rows)} header rows (an index name on a row of its own)"
        headers = [th.get_text(" ", strip=True) for th in rows[0].find_all("th")]
        assert all(headers), f"{where}: a column without header (a bare index): {headers}"
        assert len(set(headers)) == len(headers), f"{where}: duplicated column in {headers}"
        assert not table.find("tbody").find_all("th"), f"{where}: row labels of a pandas index"
        cells = [td.get_text(" ", strip=True) for td in table.find_all("td")]
        assert not [c for c in cells if c.endswith(("...", "…"))], f"{where}: truncated cells"
    text = soup.get_text(" ")
    if section == "provisions":
        assert "taux du fichier clients ; remplace toute autre règle" in text


def test_the_legal_page_runs_on_a_first_export(tmp_path):
    """One export, no fiscal close in relance.toml, no journal: the page says what it cannot compute."""
    data = tiny_data(tmp_path)
    for name in ("customers.xlsx", "sales.xlsx"):          # what every page reads (C1 is not a sample customer)
        shutil.copy(ROOT / "data" / "sample" / name, data / name)
    ok = run_weekly(data, tmp_path / "r", workspace=tmp_path / "ws", suite=("legal",), preview=False)
    text = " ".join(BeautifulSoup((ok.report_dir / "legal.html").read_text(encoding="utf-8"), "html.parser")
                    .get_text(" ").split())
    # F1: 120,00 € TTC due 01/11/2026, 19 days late at 12,15 %: 12 000 × 121 500 × 19 / 365e6 = 75,9 → 0,76 €
    assert "Pénalités de retard et indemnités dues au 20/11/2026 : 40,76 €" in text
    assert "Moins de deux balances sur la période" in text and "Aucun règlement en retard" in text
    assert "Tableau D441-6 non établi" in text and 'fiscal_year_end = "30/09"' in text
    assert {"chiffres_legaux.xlsx", "legal.html"} <= {p.name for p in ok.files}
    assert "delais_paiement.xlsx" not in {p.name for p in ok.files}


def rows_of(ws) -> list[dict[str, object]]:
    """Rows of a sheet written by io.excel (title, blank row, header row, rows) as dicts."""
    values = list(ws.iter_rows(values_only=True))
    return [dict(zip(values[2], r)) for r in values[3:]]


@pytest.mark.slow
def test_the_legal_section_states_the_metrics_of_the_sample(sample_report):
    """« Chiffres légaux » on the sample: its sections, the estimated-rate warning (the shipped ECB
    table ends at 2026-H1, the week is in 2026-H2), and workbooks and index figures equal to the
    metrics recomputed from the run's workspace."""
    from relance_analytics.metrics.d441 import payment_delays_table
    from relance_analytics.metrics.penalties import PenaltyParams, late_payment_penalties, paid_late_penalties
    from relance_analytics.metrics.provision_evidence import evidence_totals, provision_evidence
    from relance_analytics.metrics.provisions import ProvisionRules, customer_vat_rates, provisions
    from relance_analytics.metrics.terms_compliance import terms_compliance
    from relance_analytics.report import legal as rl

    report_dir, data = sample_report
    store = ra.SnapshotStore(report_dir.parent.parent / "ws")
    settings = ra.Settings.load(data / "relance.toml")
    as_of = pd.Timestamp("2026-11-20")
    items = rc.attach_customers(store.read(as_of), rc.read_customers(data / "customers.xlsx"))
    params = PenaltyParams.from_settings(settings)
    due = late_payment_penalties(items, as_of, params)
    period = rl.period_payments(store, as_of)
    claims = paid_late_penalties(period.claims, period.start, period.end, params)
    compliance = terms_compliance(items)

    soup = BeautifulSoup((report_dir / "legal.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.get_text(" ", strip=True).rstrip("¶").strip() for h in soup.find_all(["h1", "h2"])]
    assert headings == [rl.TITLE, rl.PENALTIES_HEADING, rl.PAID_LATE_HEADING, rl.TERMS_HEADING, rl.D441_HEADING,
                        "Classeur Excel"]
    text = " ".join(soup.get_text(" ").split())
    assert "⚠ Taux estimé : le taux BCE du 2e semestre 2026 n'est pas dans la table des taux" in text
    assert "le lendemain de la balance précédente" in text
    assert "Clôture du 30/09/2026" in text and "balance intégrée du 25/09/2026" in text

    figures = {f.key: f for f in load_key_figures(report_dir)["legal"]}
    assert figures["penalties_due"].value == rl.penalty_totals(due)["total"] == 14_604_804
    assert figures["paid_late_claims"].value == rl.penalty_totals(claims)["total"]
    assert figures["non_compliant_share"].value == float(compliance.total["non_compliant_share"].iloc[0])

    wb = openpyxl.load_workbook(report_dir / "chiffres_legaux.xlsx", read_only=True)
    assert wb.sheetnames == ["Pénalités par facture", "Pénalités par client", "Règlements en retard",
                             "À facturer par client", "Conformité des délais", "Factures hors délai"]
    by_invoice = rows_of(wb["Pénalités par facture"])
    assert len(by_invoice) == len(due.items) + 1
    assert round(by_invoice[-1]["Pénalités"] * 100) == int(due.items["penalty_cents"].sum())
    assert round(by_invoice[-1]["Total dû"] * 100) == rl.penalty_totals(due)["total"]
    assert {r["Taux estimé"] for r in by_invoice[:-1]} == {"oui"}
    per_customer = {r["Code client"]: r for r in rows_of(wb["Pénalités par client"])}
    for cid, row in due.by_customer.iterrows():
        assert round(per_customer[cid]["Total dû"] * 100) == int(row["total_cents"]), cid
    paid = rows_of(wb["Règlements en retard"])
    assert len(paid) == len(claims.items) + 1
    assert round(paid[-1]["Total à facturer"] * 100) == rl.penalty_totals(claims)["total"]
    to_invoice = rows_of(wb["À facturer par client"])
    assert round(to_invoice[-1]["Total à facturer"] * 100) == rl.penalty_totals(claims)["total"]

    close_items = store.read("2026-09-25")
    table = payment_delays_table(close_items, "2026-09-30", rc.read_sales(data / "sales.xlsx"),
                                 rc.read_disputes(data / "disputes.xlsx"), errors="coerce")
    sheet = list(openpyxl.load_workbook(report_dir / "delais_paiement.xlsx", read_only=True)["Tableau D441-6"]
                 .iter_rows(values_only=True))
    counts = next(r for r in sheet if r[0] == "Nombre de factures concernées")
    amounts = next(r for r in sheet if r[0] == "Montant total des factures concernées (TTC)")
    assert list(counts[1:7]) == table.by_bucket["invoices"].tolist()
    assert [round(a * 100) for a in amounts[1:7]] == table.by_bucket["amount_cents"].tolist()

    schedule = provisions(items, as_of, rules=ProvisionRules.from_settings(settings),
                          default_vat_rate=settings.default_vat_rate,
                          vat_rates=customer_vat_rates(rc.read_sales(data / "sales.xlsx"), as_of))
    with Journal.open(store.workspace) as journal:
        evidence = provision_evidence(schedule, journal.actions(until=as_of), as_of)
    totals = evidence_totals(evidence).iloc[0]
    synthesis = {r["Poste"]: r for r in rows_of(openpyxl.load_workbook(report_dir / "dossier_provisions.xlsx",
                                                                        read_only=True)["Synthèse"])}
    flagged = synthesis["Provisions à documenter (au moins un critère)"]
    assert (flagged["Pièces"], round(flagged["Provision"] * 100)) == (totals["flagged_invoices"],
                                                                       totals["flagged_cents"])
    figures = {f.key: f for f in load_key_figures(report_dir)["provisions"]}
    assert figures["provision_flagged"].value == int(totals["flagged_cents"])
    page = " ".join(BeautifulSoup((report_dir / "provisions.html").read_text(encoding="utf-8"), "html.parser")
                    .get_text(" ").split())
    assert "Dossier fiscal des provisions (CGI art. 39-1-5°)" in page
    flagged_text = " ".join(figures["provision_flagged"].text.split())       # the page's spaces, normalised alike
    assert f"Provisions à documenter : {flagged_text}" in page
