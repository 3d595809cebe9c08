"""relance.toml: a custom mapping file is found beside it, whatever the working directory."""

from __future__ import annotations

from pathlib import Path

from relance_analytics import canonical as rc
from relance_analytics.config import Settings
from tests.builders import d, write_rows


def test_mapping_file_is_relative_to_the_settings_folder(tmp_path, monkeypatch):
    data = tmp_path / "donnees"
    (data / "exports").mkdir(parents=True)
    (data / "relance.toml").write_text('[exports]\nmapping = "mon_erp.toml"\n', encoding="utf-8")
    (data / "mon_erp.toml").write_text(
        '[columns]\ncustomer_id = "Compte tiers"\ncustomer_name = "Tiers"\ndocument_id = "Facture"\n'
        'document_date = "Émise le"\ndue_date = "Payable le"\namount = "Reste dû"\n', encoding="utf-8")
    export = write_rows(data / "exports" / "balance_2026-11-20.xlsx", [
        ["Compte tiers", "Tiers", "Facture", "Émise le", "Payable le", "Reste dû"],
        ["C1", "Alpha", "F1", d("2026-10-01"), d("2026-10-31"), 1200.50],
        ["C2", "Beta", "A1", d("2026-11-05"), None, -200.25],
        ["Total général", None, None, None, None, 1000.25],
    ])
    monkeypatch.chdir(tmp_path)                    # not the data folder
    settings = Settings.load(Path("donnees") / "relance.toml")
    assert settings.mapping == str(data / "mon_erp.toml")
    items = rc.read_open_items(export, mapping=settings.mapping)
    assert items["amount_cents"].tolist() == [120050, -20025]     # 1 200,50 and the credit -200,25
    assert items.attrs["control_total_cents"] == 100025           # 1 200,50 − 200,25


def test_preset_names_and_absolute_paths_are_kept(tmp_path):
    (tmp_path / "a.toml").write_text('[exports]\nmapping = "odoo"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text(f'[exports]\nmapping = "{tmp_path / "x.toml"}"\n', encoding="utf-8")
    assert Settings.load(tmp_path / "a.toml").mapping == "odoo"
    assert Settings.load(tmp_path / "b.toml").mapping == str(tmp_path / "x.toml")
    assert Settings.load(None).mapping == "auto"
