"""``relance delais-paiement`` on the sample: from the snapshot store (the snapshot on or just before
the close) and from a FEC written by ``relance sample --fec``. The workbook's figures are checked
against a direct count of the open items with pandas (not the D441 code)."""

from __future__ import annotations

import shutil
import warnings
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from relance_analytics.cli import main
from relance_analytics.ingest import ingest_folder
from relance_analytics.io import read_disputes, read_sales
from relance_analytics.io.fec import read_fec
from relance_analytics.store import SnapshotStore

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
CLOSE = pd.Timestamp("2026-09-30")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ws = tmp_path_factory.mktemp("delais") / "ws"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ingest_folder(SAMPLE / "exports", SnapshotStore(ws))
    return ws


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["delais-paiement", *args])
    return result.exit_code, result.output


def expected(items: pd.DataFrame) -> dict[str, object]:
    """The table's key figures counted directly: invoices not disputed at the close, due before it."""
    disputes = read_disputes(SAMPLE / "disputes.xlsx")
    open_now = disputes[(disputes["opened"] <= CLOSE) & (disputes["resolved"].isna() | (disputes["resolved"] > CLOSE))]
    invoices = items[items["document_type"] == "invoice"]
    disputed = invoices["document_id"].isin(set(open_now["document_id"]))
    counted = invoices[~disputed]
    overdue = counted[counted["due_date"] < CLOSE]
    sales = read_sales(SAMPLE / "sales.xlsx")
    year = sales[(sales["month"] >= "2025-10-01") & (sales["month"] <= "2026-09-01")]
    turnover = sum(int((Decimal(int(ht)) * (1 + Decimal(str(rate)))).quantize(Decimal(1), ROUND_HALF_UP))
                   for ht, rate in zip(year["sales_ht_cents"], year["vat_rate"]))
    return {"overdue": len(overdue), "overdue_cents": int(overdue["amount_cents"].sum()),
            "not_due": len(counted) - len(overdue), "excluded": int(disputed.sum()),
            "excluded_cents": int(invoices[disputed]["amount_cents"].sum()), "turnover": turnover,
            "credits": int((items["document_type"] == "credit_note").sum())}


def test_close_between_two_snapshots_uses_the_one_just_before(workspace: Path, tmp_path: Path):
    out = tmp_path / "d441.xlsx"
    code, output = run("--cloture", "2026-09-30", "--data", str(SAMPLE), "--workspace", str(workspace),
                       "--out", str(out))
    assert code == 0, output
    assert f"Tableau D441-6 écrit dans {out}" in output
    assert "balance intégrée du 25/09/2026, la dernière avant la clôture (5 jours plus tôt)" in output
    want = expected(SnapshotStore(workspace).read("2026-09-25"))
    ws = openpyxl.load_workbook(out)["Tableau D441-6"]
    assert ws["G7"].value == want["overdue"] and ws["B7"].value == want["not_due"]
    assert round(ws["G8"].value * 100) == want["overdue_cents"]
    assert ws["G9"].value == pytest.approx(want["overdue_cents"] / want["turnover"])
    assert (ws["B11"].value, round(ws["B12"].value * 100)) == (want["excluded"], want["excluded_cents"])
    assert ws["J6"].value == want["credits"]
    assert any("25/09/2026" in str(ws[f"A{r}"].value) for r in range(16, 24))
    assert "(A) factures échues non réglées : 1\u202f359 pour 4\u202f152\u202f975,35\u00a0€ TTC" in output


def test_close_on_a_snapshot_date_and_ht_basis(workspace: Path, tmp_path: Path):
    code, output = run("--cloture", "25/09/2026", "--data", str(SAMPLE), "--workspace", str(workspace),
                       "--base", "ht", "--out", str(tmp_path / "ht.xlsx"))
    assert code == 0, output
    assert "pièces ouvertes : balance intégrée du 25/09/2026\n" in output and "HT" in output
    ws = openpyxl.load_workbook(tmp_path / "ht.xlsx")["Tableau D441-6"]
    assert ws["A8"].value == "Montant total des factures concernées (HT)"


def test_a_close_too_far_from_any_snapshot_is_refused_in_french(workspace: Path, tmp_path: Path):
    code, output = run("--cloture", "2026-12-31", "--data", str(SAMPLE), "--workspace", str(workspace),
                       "--out", str(tmp_path / "x.xlsx"))
    assert code == 1
    assert output.startswith("Erreur : pas de balance pour la clôture du 31/12/2026")
    assert "07/08/2026" in output and "20/11/2026, 41 jours plus tôt" in output
    assert not (tmp_path / "x.xlsx").exists()
    code, output = run("--cloture", "2026-09-30", "--ecart-max", "3", "--data", str(SAMPLE),
                       "--workspace", str(workspace), "--out", str(tmp_path / "x.xlsx"))
    assert code == 1 and "25/09/2026, 5 jours plus tôt" in output


def test_the_close_comes_from_relance_toml_or_must_be_given(workspace: Path, tmp_path: Path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("sales.xlsx", "disputes.xlsx", "customers.xlsx"):
        shutil.copy(SAMPLE / name, data / name)
    (data / "relance.toml").write_text('[company]\nname = "Ateliers"\n', encoding="utf-8")
    code, output = run("--data", str(data), "--workspace", str(workspace), "--out", str(tmp_path / "x.xlsx"))
    assert code == 1 and "--cloture" in output and "fiscal_year_end" in output
    # the sample's relance.toml says [legal] fiscal_year_end = "30/09"
    code, output = run("--data", str(SAMPLE), "--workspace", str(workspace), "--out", str(tmp_path / "y.xlsx"))
    assert code == 0, output
    assert "clôture du 30/09/2026" in output       # the last close on or before the last snapshot (20/11/2026)


def test_from_a_fec_written_by_relance_sample(tmp_path: Path):
    fec, data = tmp_path / "FEC.txt", tmp_path / "sample"
    made = CliRunner().invoke(main, ["sample", "--fec", str(fec), "--out", str(data)])
    assert made.exit_code == 0, made.output
    out = tmp_path / "fec.xlsx"
    code, output = run("--cloture", "2026-09-30", "--data", str(data), "--fec", str(fec), "--out", str(out))
    assert code == 0, output
    assert "reconstituées depuis le FEC FEC.txt à la date de clôture" in output
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        items = read_fec(fec, CLOSE)
    want = expected(items)
    ws = openpyxl.load_workbook(out)["Tableau D441-6"]
    assert ws["G7"].value == want["overdue"] and round(ws["G8"].value * 100) == want["overdue_cents"]
    assert (ws["B11"].value, round(ws["B12"].value * 100)) == (want["excluded"], want["excluded_cents"])
