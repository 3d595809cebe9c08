"""The report as a manager opens it, without a browser: screen tables (one header row, no row
numbers, texts in full, blanks only where a value is absent), euro axes, the front page's figures
and links, and pages that load plotly.js from the report folder instead of embedding it."""

from __future__ import annotations

import json
from html import unescape
from pathlib import Path

import nbformat
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from relance_analytics import canonical as rc
from relance_analytics import frames
from relance_analytics.charts.aging import aged_balance_bars, bucket_totals_bar
from relance_analytics.charts.common import SEPARATORS
from relance_analytics.charts.drift import bucket_trend_bars
from relance_analytics.config import Buckets
from relance_analytics.metrics.drift import drift
from relance_analytics.metrics.provisions import provision_change, provision_totals, provisions
from relance_analytics.report import disputes as report_disputes
from relance_analytics.report import drift as report_drift
from relance_analytics.report import provisions as report_provisions
from relance_analytics.report.aging import display_balance
from relance_analytics.report.common import screen
from relance_analytics.report.index import KeyFigure, heading_ids, load_key_figures, save_key_figures, write_index
from relance_analytics.weekly import PLOTLY_MIME, export_html, page_title
from tests.test_disputes import AS_OF as DISPUTES_AS_OF
from tests.test_disputes import CASES
from tests.test_disputes import items as dispute_items
from tests.test_provisions import customers as provision_customers
from tests.test_provisions import items as provision_items

EURO = "\u00a0€"


def header(styler) -> list[str]:
    """The one header row of a Styler as the page shows it (hidden index left out)."""
    html = styler.to_html()
    head = html.split("<thead>")[1].split("</thead>")[0]
    assert head.count("<tr>") == 1, f"more than one header row: {head}"
    return [cell.split(">", 1)[1].split("</th>")[0] for cell in head.split("<th ")[1:]]


# --- screen tables -------------------------------------------------------------------------------------


def test_screen_shows_no_row_numbers_and_folds_a_named_index_into_the_header():
    plain = pd.DataFrame({"Règle": ["R1", "R2"], "Lignes": [1234, 5]})
    assert header(screen(plain)) == ["Règle", "Lignes"]                       # 0, 1 never shown
    assert "1\u202f234" in screen(plain).to_html()                             # integers in French
    filtered = plain.iloc[[1]]                                                 # index 1: still a row number
    assert header(screen(filtered)) == ["Règle", "Lignes"]
    named = pd.DataFrame({"Total TTC": ["1,00 €"]}, index=pd.Index(["Claire"], name="Recouvreur"))
    assert header(screen(named)) == ["Recouvreur", "Total TTC"]                # one row, no « Recouvreur » row below
    assert header(screen(pd.DataFrame(columns=["Code client", "Montant"]))) == ["Code client", "Montant"]   # empty list


def test_screen_keeps_long_texts_whole_and_inert():
    text = "taux du fichier clients ; remplace toute autre règle, quelle que soit l'ancienneté du retard"
    html = screen(pd.DataFrame({"Règle": ["<img src=x onerror=alert(1)>"], "Taux": [text]})).to_html()
    assert text in unescape(html)
    assert "..." not in html and "…" not in html
    assert "<img" not in html and "&lt;img src=x" in html


# --- blanks: absent values only ------------------------------------------------------------------------


def test_aged_balance_blanks_a_bucket_without_items_but_shows_a_netted_zero():
    items = frames.OPEN_ITEMS.build({
        "customer_id": ["A", "A", "A", "B"], "collector": ["Claire"] * 4,
        "document_id": ["F1", "F2", "AV1", "F3"],
        "due_date": ["2026-11-30", "2026-10-01", "2026-10-01", "2026-11-30"],
        "amount_cents": [100_00, 50_00, -50_00, 70_00],
    })
    by_customer = rc.aged_balance(items, "2026-11-20", by="customer_id")
    shown = display_balance(by_customer, Buckets(), items, pd.Timestamp("2026-11-20"))
    assert shown.loc["A", "31 à 60 j"] == "0,00" + EURO            # F2 and AV1 net to zero: a real zero
    assert shown.loc["B", "31 à 60 j"] == ""                       # B has nothing there
    assert shown.loc["A", "Plus de 120 j"] == "" and shown.loc["B", "Non échu"] == "70,00" + EURO
    assert shown.loc["B", "Total échu"] == "0,00" + EURO           # totals always show
    assert display_balance(by_customer, Buckets()).loc["B", "31 à 60 j"] == "0,00" + EURO   # without items: as before
    total = display_balance(rc.aged_balance(items, "2026-11-20"), Buckets(), items, pd.Timestamp("2026-11-20"))
    assert total.loc["Total", "1 à 30 j"] == "" and total.loc["Total", "31 à 60 j"] == "0,00" + EURO


def test_drift_matrix_blanks_cells_without_flow_and_keeps_totals():
    before = frames.OPEN_ITEMS.build({"customer_id": ["A"], "document_id": ["F1"], "due_date": ["2026-11-30"],
                                      "amount_cents": [100_00]})
    now = frames.OPEN_ITEMS.build({"customer_id": ["A", "A"], "document_id": ["F1", "F2"],
                                   "due_date": ["2026-11-30", "2026-12-15"], "amount_cents": [100_00, 30_00]})
    shown = report_drift.display_matrix(drift(before, now, "2026-11-13", "2026-11-20"))
    assert shown.loc["Non échu", "Non échu"] == "100,00" + EURO
    assert shown.loc["Non échu", "1 à 30 j"] == ""                               # nothing aged
    assert shown.loc["Nouvelles factures", "Non échu"] == "30,00" + EURO
    assert shown.loc["Total", "1 à 30 j"] == "0,00" + EURO                      # a total shows its zero
    assert shown.loc["Non échu", "Total"] == "100,00" + EURO


def test_provision_tables_blank_only_the_breakdowns_a_row_does_not_have():
    cust = provision_customers([("A", "active", None), ("L", "liquidation", None), ("N", "active", None)])
    schedule = provisions(provision_items([("A", "A1", 400, 120_000), ("A", "A3", 10, -12_000),
                                           ("L", "L1", 10, 60_000), ("N", "N1", 10, 24_000)]),
                          "2026-11-20", customers=cust)
    by_rule = report_provisions.display_totals(provision_totals(schedule, "rule")).set_index("Règle appliquée")
    assert by_rule.loc["Liquidation judiciaire", "Dont retard seul"] == ""          # a status, not an age
    assert by_rule.loc["Liquidation judiciaire", "Avoirs et règlements HT"] == ""
    assert by_rule.loc["Avoir / règlement non affecté (non provisionné)", "Avoirs et règlements HT"] == \
        "-100,00" + EURO
    assert by_rule.loc["Non provisionné", "Provision"] == "0,00" + EURO             # its provision is a real zero
    assert by_rule.loc["Retard de plus de 365 j", "Dont retard seul"] == "1\u202f000,00" + EURO
    before = schedule.assign(provision_cents=schedule["provision_cents"] // 2)
    change = report_provisions.display_change(provision_change(before, schedule)).set_index("Code client")
    assert change.loc["A", "Reprise"] == "" and change.loc["A", "Dotation"] == "500,00" + EURO
    assert change.loc["Total", "Reprise"] == "0,00" + EURO                          # the total row shows both


def test_dispute_grid_blanks_buckets_without_dispute_and_cycle_time_in_days():
    from relance_analytics.metrics.disputes import dispute_summary

    summary = dispute_summary(dispute_items(), CASES, DISPUTES_AS_OF)
    grid = report_disputes.display_by_type(summary, Buckets())
    cents = summary.by_type_and_bucket
    for code, label in zip(cents.index, grid.index):
        for bucket, french in zip(Buckets().labels, Buckets().french_labels):
            assert (grid.loc[label, french] == "") == (cents.loc[code, bucket] == 0)
        assert grid.loc[label, "Total"].endswith(EURO)
    cycle = report_disputes.display_cycle_time(summary)
    assert header(screen(cycle))[0] == "Périmètre" and cycle.iloc[0, 2].endswith("\u00a0j")


# --- charts --------------------------------------------------------------------------------------------


def test_money_axes_are_in_euros_with_french_separators():
    total = pd.DataFrame([{"not_due": 1_000_000_00, "1-30": 0, "31-60": 0, "61-90": 0, "91-120": 0, "over_120": 0,
                           "total": 1_000_000_00, "overdue": 0, "items": 1, "overdue_share": 0.0}],
                         index=pd.Index(["total"], name="group"))
    for fig, axis in ((bucket_totals_bar(total, Buckets(), "t"), "yaxis"),
                      (aged_balance_bars(total, Buckets(), "t"), "xaxis")):
        ax = fig.layout[axis]
        assert (ax.tickformat, ax.ticksuffix, fig.layout.separators) == (",.0f", EURO, SEPARATORS)
    assert SEPARATORS == ",\u202f"


def test_the_trend_legend_sits_above_the_plot_not_over_the_right_axis():
    trend = pd.DataFrame({"not_due": [100], "1-30": [0], "31-60": [0], "61-90": [0], "91-120": [0], "over_120": [0],
                          "total": [100], "overdue": [0], "items": [1], "overdue_share": [0.0]},
                         index=pd.DatetimeIndex(["2026-11-20"], name="as_of"))
    fig = bucket_trend_bars(trend, Buckets())
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y > 1
    assert fig.layout.yaxis2.side == "right" and fig.layout.yaxis.ticksuffix == EURO


# --- the front page ------------------------------------------------------------------------------------


def test_key_figures_are_exact_and_formatted_as_the_pages_format_them(tmp_path):
    figures = [KeyFigure("receivables", "Encours", 1_450_526_808, "euros", "aged_balance", "Répartition"),
               KeyFigure("share", "Part", 0.26620741, "percent", "aged_balance", "Répartition"),
               KeyFigure("change", "Variation", -12_558_036, "signed_euros", "drift", "Glissement"),
               KeyFigure("dso", "DSO", 69.54, "days", "dso", "Synthèse"),
               KeyFigure("calls", "Appels", 1078, "count", "call_list", "Par recouvreur")]
    assert [f.text for f in figures] == ["14\u202f505\u202f268,08" + EURO, "26,6\u00a0%", "-125\u202f580,36" + EURO,
                                         "69,5\u00a0j", "1\u202f078"]
    assert KeyFigure("c", "c", 5, "signed_euros", "s", "h").text == "+0,05" + EURO
    with pytest.raises(ValueError, match="integer"):
        KeyFigure("x", "x", 12.5, "euros", "s", "h")                # money is whole cents
    save_key_figures(tmp_path, "aged_balance", figures[:2])
    payload = json.loads((tmp_path / "chiffres" / "aged_balance.json").read_text(encoding="utf-8"))
    assert payload["figures"][0]["value"] == 1_450_526_808 and isinstance(payload["figures"][0]["value"], int)
    assert load_key_figures(tmp_path) == {"aged_balance": figures[:2]}


def section_page(path: Path, headings: list[str]) -> None:
    """A page with nbconvert-style headings (percent-encoded ids, a ¶ link inside)."""
    from urllib.parse import quote

    ids = [quote(h.replace(" ", "-"), safe="-,'") for h in headings]
    body = "".join(f'<h2 id="{i}">{h}<a class="anchor-link" href="#{i}">¶</a></h2><p>texte</p>'
                   for i, h in zip(ids, headings))
    path.write_text(f"<!DOCTYPE html><html lang='fr'><body>{body}</body></html>", encoding="utf-8")


def test_the_index_links_each_figure_to_its_heading_and_lists_the_files(tmp_path):
    section_page(tmp_path / "aged_balance.html", ["Répartition par tranche d'âge", "Par recouvreur"])
    section_page(tmp_path / "dso.html", ["Synthèse"])
    assert heading_ids(tmp_path / "aged_balance.html") == {
        "Répartition par tranche d'âge": "R%C3%A9partition-par-tranche-d'%C3%A2ge", "Par recouvreur": "Par-recouvreur"}
    save_key_figures(tmp_path, "aged_balance", [KeyFigure("receivables", "Encours clients TTC", 123_45, "euros",
                                                          "aged_balance", "Répartition par tranche d'âge",
                                                          "3 pièces ouvertes")])
    save_key_figures(tmp_path, "dso", [KeyFigure("dso", "DSO", 42.0, "days", "dso", "Titre disparu")])
    (tmp_path / "aged_balance.xlsx").write_bytes(b"")
    (tmp_path / "brouillons" / "emails").mkdir(parents=True)
    (tmp_path / "brouillons" / "emails" / "a.eml").write_text("x")
    index = write_index(tmp_path, pd.Timestamp("2026-11-20"), [("aged_balance", "Balance âgée clients"),
                                                               ("dso", "DSO"), ("absent", "Pas de page")])
    page = index.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "<title>Rapport de relance du 20/11/2026 – sommaire</title>" in page
    assert "<script" not in page
    assert 'href="aged_balance.html#R%C3%A9partition-par-tranche-d&#x27;%C3%A2ge"' in page
    assert "123,45" + EURO in page and "3 pièces ouvertes" in page
    assert 'href="dso.html"><span class="libelle">DSO' in page                # heading gone: the page itself
    assert "absent.html" not in page                                          # no page, no card
    assert 'href="aged_balance.xlsx"' in page and 'href="brouillons/"' in page and "1 e-mail(s)" in page


# --- HTML export ---------------------------------------------------------------------------------------


def executed_notebook(path: Path, figure: go.Figure | None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Balance âgée clients\n\nTexte."),
                nbformat.v4.new_code_cell("fig.show()")]
    if figure is not None:
        nb.cells[1].outputs = [
            # what plotly's former « notebook » renderer added: plotly.js inlined (dropped by the export)
            nbformat.v4.new_output("display_data", {"text/html": "<script>window.PlotlyConfig = {};</script>"
                                                                 "<script>/* plotly.js v9 */</script>"}),
            nbformat.v4.new_output("display_data", {PLOTLY_MIME: figure.to_plotly_json()}),
        ]
    nbformat.write(nb, path)
    return path


def test_a_page_loads_plotly_from_the_report_folder_and_is_french(tmp_path):
    fig = go.Figure(go.Bar(x=["Non échu"], y=[12.5])).update_layout(title="Balance", height=400)
    notebook = executed_notebook(tmp_path / "aged_balance.ipynb", fig)
    assert page_title(notebook) == "Balance âgée clients"
    html = export_html(notebook, tmp_path / "aged_balance.html", "Balance âgée clients – rapport du 20/11/2026",
                       "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "<title>Balance âgée clients – rapport du 20/11/2026</title>" in html
    assert html.count('<script src="plotly.min.js"></script>') == 1
    assert "plotly.js v" not in html and "PlotlyConfig" not in html                  # no copy of plotly.js inlined
    assert "cdnjs" not in html and 'src="http' not in html and 'href="http' not in html  # nothing from the network
    assert 'id="graphique-1"' in html and "plotly-graph-div" in html and 'href="index.html"' in html
    assert (tmp_path / "plotly.min.js").read_text(encoding="utf-8") == get_plotlyjs()
    assert len(html) < 500_000


def test_a_page_without_chart_loads_no_plotly(tmp_path):
    html = export_html(executed_notebook(tmp_path / "note.ipynb", None), tmp_path / "note.html").read_text("utf-8")
    assert "<script src" not in html and "<title>Balance âgée clients</title>" in html
    assert not (tmp_path / "plotly.min.js").exists()
