"""The HTML report as a person sees it: opened in headless Chromium with the network off.

Needs the pip package ``playwright`` and Debian's ``chromium`` (``.ci/install-browser``). Without
them the tests skip, except under ``CI=true`` where they fail: CI must install the browser.
"""

from __future__ import annotations

import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from relance_analytics.browser import HeadlessChromium, PageReport, unavailable_reason
from relance_analytics.report.index import load_key_figures
from relance_analytics.weekly import PLOTLY_MIME, PREVIEW, SUITE

EURO_TICK = re.compile(r"^-?\d{1,3}(\u202f\d{3})*\u00a0€$")    # 0 €, 500 000 €, 10 000 000 €
SI_TICK = re.compile(r"^-?[\d.,]+\s?[kMGµm]$")                  # plotly's default 500k, 1.5M


@pytest.fixture(scope="module")
def chromium() -> Iterator[HeadlessChromium]:
    """One headless Chromium for the module; skip (fail under CI=true) when it is absent."""
    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI=true but no headless browser: {reason}. CI must run .ci/install-browser "
                        "and install the test dependencies.", pytrace=False)
        pytest.skip(f"headless Chromium unavailable: {reason}")
    with HeadlessChromium() as browser:
        yield browser


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def bucket_figure() -> go.Figure:
    fig = go.Figure(go.Bar(x=["Non échu", "1 à 30 j", "31 à 60 j", "Plus de 120 j"], y=[1200.5, 300.0, 0, 45.25]))
    return fig.update_layout(title="Balance âgée au 20/11/2026")


def page(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name}</title></head>"
                    f"<body>{body}</body></html>", encoding="utf-8")
    return path


def test_self_contained_chart_renders(chromium, tmp_path):
    html = page(tmp_path, "graphique.html", pio.to_html(bucket_figure(), include_plotlyjs=True, full_html=False))
    seen = chromium.open(html, screenshot=tmp_path / "graphique.png")
    assert [c.rendered for c in seen.charts] == [True]
    assert seen.charts[0].marks == 3                       # four bars, one of them zero (no area)
    assert seen.charts[0].title == "Balance âgée au 20/11/2026"
    assert seen.errors == () and seen.blocked == () and seen.failed == ()
    width, height = png_size(tmp_path / "graphique.png")
    assert width == 1280 and height >= 900


def test_javascript_error_is_reported(chromium, tmp_path):
    html = page(tmp_path, "erreur.html", "<h1>Balance âgée</h1><script>relanceInexistante();</script>"
                                         "<script>console.error('échec du tri');</script>")
    seen = chromium.open(html)
    assert any("ReferenceError" in e and "relanceInexistante is not defined" in e for e in seen.errors), seen.errors
    assert "échec du tri" in seen.errors
    assert seen.text == "Balance âgée" and seen.charts == ()


def test_chart_needing_the_network_does_not_render_offline(chromium, tmp_path):
    html = page(tmp_path, "cdn.html", pio.to_html(bucket_figure(), include_plotlyjs="cdn", full_html=False))
    seen = chromium.open(html)
    assert len(seen.blocked) == 1 and seen.blocked[0].startswith("https://cdn.plot.ly/")
    assert [c.rendered for c in seen.charts] == [False] and seen.unrendered == list(seen.charts)
    assert any("Plotly is not defined" in e for e in seen.errors), seen.errors


def plotly_outputs(notebook: Path) -> int:
    """Number of plotly figures an executed notebook displayed."""
    nb = nbformat.read(notebook, as_version=4)
    return sum(PLOTLY_MIME in out.get("data", {}) for cell in nb.cells if cell.cell_type == "code"
               for out in cell.get("outputs", []))


def assert_renders_offline(seen: PageReport, expected_charts: int) -> None:
    name = seen.path.name
    assert len(seen.charts) == expected_charts, (f"{name}: {len(seen.charts)} chart containers, "
                                                 f"{expected_charts} figures")
    assert not seen.unrendered, f"{name}: charts without data in their SVG: {seen.unrendered}"
    assert seen.errors == (), f"{name}: JavaScript errors: {seen.errors}"
    assert seen.failed == (), f"{name}: local resources failed: {seen.failed}"
    assert seen.blocked == (), f"{name}: asks the network for {seen.blocked}"       # no CDN at all


def assert_plotly_loaded_once_from_the_folder(seen: PageReport, report_dir: Path) -> None:
    """The page's one script file is the report's plotly.min.js, fetched once; no plotly.js inline."""
    name = seen.path.name
    local = (report_dir / "plotly.min.js").resolve().as_uri()
    assert seen.scripts == (local,), f"{name}: scripts {seen.scripts}"
    assert seen.requested.count(local) == 1, f"{name}: plotly.min.js requested {seen.requested.count(local)} times"
    assert seen.plotly is not None, f"{name}: Plotly not defined"
    assert not seen.inline_plotly, f"{name}: plotly.js inlined in the page"


def target_of(href: str) -> tuple[Path, str]:
    """(file, fragment) a file: link points to."""
    url = urlsplit(href)
    assert url.scheme == "file", href
    return Path(unquote(url.path)), url.fragment


@pytest.mark.slow
@pytest.mark.parametrize("notebook", SUITE)
def test_weekly_report_renders_offline_in_french(chromium, sample_report, tmp_path, notebook):
    report_dir, _ = sample_report
    html, shot = report_dir / f"{notebook}.html", tmp_path / f"{notebook}.png"
    seen = chromium.open(html, screenshot=shot)
    assert_renders_offline(seen, plotly_outputs(html.with_suffix(".ipynb")))
    assert_plotly_loaded_once_from_the_folder(seen, report_dir)
    assert seen.lang == "fr" and seen.title.endswith(" – rapport du 20/11/2026"), (seen.lang, seen.title)
    assert all(c.title for c in seen.charts), f"{html.name}: charts without a title"
    assert [c.covered for c in seen.charts] == [()] * len(seen.charts), \
        f"{html.name}: legends over axes: {[c.covered for c in seen.charts]}"
    ticks = [t for c in seen.charts for t in c.ticks]
    assert not [t for t in ticks if SI_TICK.match(t)], f"{html.name}: ticks not in French: {ticks}"
    if notebook != "dso":                                  # every other page charts money: ticks in euros
        assert [t for t in ticks if EURO_TICK.match(t)], f"{html.name}: no tick in euros: {ticks}"
    home = [target_of(href)[0] for href, text in seen.links if text == "← Sommaire du rapport"]
    assert home == [report_dir / "index.html"] and home[0].is_file()
    width, height = png_size(shot)
    assert width == 1280 and height > 900                  # the full page, not just the viewport
    if notebook == "aged_balance":
        assert len(seen.charts) == 3                       # by bucket, by collector, top customers
        assert "Balance âgée clients" in seen.text and "Répartition par tranche d'âge" in seen.text
        assert "Par recouvreur" in seen.text and "Principaux clients" in seen.text
        assert [c.title[:12] for c in seen.charts] == ["Balance âgée"] * 3, [c.title for c in seen.charts]
        assert "Non échu" in seen.text and "Plus de 120 j" in seen.text   # French bucket labels
    if notebook == "legal":
        assert len(seen.charts) == 3                       # penalties by customer, terms, D441-6 brackets
        for heading in ("Pénalités de retard et indemnités", "Pénalités à facturer sur les règlements en retard",
                        "Délais de paiement (L441-10 I)", "Tableau D441-6"):
            assert heading in seen.text, heading
        # the shipped ECB table ends at 2026-H1 and the week is in 2026-H2: the page says so, visibly
        assert "Taux estimé : le taux BCE du 2e semestre 2026 n'est pas dans la table des taux" in seen.text
        assert [t for t in seen.charts[1].ticks if t.endswith("\u00a0j")], seen.charts[1].ticks   # days, in French
    if notebook == "cash":
        assert len(seen.charts) == 2                       # forecast beside past weeks, collectors' weeks
        for heading in ("Habitudes de paiement", "Prévision d'encaissements à 13 semaines",
                        "La prévision mise à l'épreuve de l'historique", "Assurance-crédit",
                        "Performance des recouvreurs"):
            assert heading in seen.text, heading
        assert "plus juste que la référence" in seen.text
    if notebook == "provisions":
        assert "Dossier fiscal des provisions (CGI art. 39-1-5°)" in seen.text
        assert "Provisions à documenter :" in seen.text


@pytest.mark.slow
def test_the_trend_legend_leaves_the_share_axis_visible(chromium, sample_report):
    report_dir, _ = sample_report
    trend = chromium.open(report_dir / "drift.html").charts[0]
    assert trend.title.startswith("Balance âgée semaine par semaine")
    assert [t for t in trend.ticks if t.endswith("\u00a0%")], trend.ticks              # the right axis is drawn
    assert trend.covered == ()


@pytest.mark.slow
def test_the_index_page_leads_to_every_figure_section_and_file(chromium, sample_report, tmp_path):
    """Every link of the front page resolves (file there, anchor in the target page), and each
    headline figure is the one the section it links to shows, to the character."""
    report_dir, _ = sample_report
    seen = chromium.open(report_dir / "index.html", screenshot=tmp_path / "index.png")
    assert seen.lang == "fr" and seen.title == "Rapport de relance du 20/11/2026 – sommaire"
    assert seen.errors == () and seen.failed == () and seen.blocked == () and seen.scripts == ()
    pages: dict[Path, PageReport] = {}

    def page(path: Path) -> PageReport:
        if path not in pages:
            pages[path] = chromium.open(path)
        return pages[path]

    for href, text in seen.links:
        path, fragment = target_of(href)
        assert path.exists(), f"« {text} » → {path}: missing"
        assert path.resolve().is_relative_to(report_dir.resolve()), f"« {text} » leaves the report: {path}"
        if fragment:
            assert fragment in page(path).ids, f"« {text} » → {path.name}#{fragment}: no such anchor"
    linked = {target_of(href)[0].name for href, _ in seen.links}
    expected = {f"{s}.html" for s in SUITE} | {p.name for p in report_dir.glob("*.xlsx")} | {"brouillons"}
    assert expected <= linked, expected - linked
    figures = [f for section in load_key_figures(report_dir).values() for f in section]
    assert len(figures) >= 17
    assert {"penalties_due", "paid_late_claims", "non_compliant_share", "provision_flagged"} <= {f.key for f in figures}
    for f in figures:
        hits = [href for href, text in seen.links if text == f"{f.label} {f.text}"]
        assert len(hits) == 1, f"{f.key}: {f.label} {f.text} not linked once on the index"
        path, fragment = target_of(hits[0])
        assert path.name == f"{f.section}.html" and fragment, f"{f.key}: {hits[0]}"
        shown = page(path).sections[fragment]
        assert f.text in shown, f"{f.key}: {f.text} not in section #{fragment} of {path.name}"
    assert "Rapport de relance du 20/11/2026" in seen.text and "Classeurs et brouillons" in seen.text


@pytest.mark.slow
def test_weekly_run_saves_a_preview_of_the_report(chromium, sample_report):
    """The weekly run screenshots its first section (the aged balance) for the README."""
    report_dir, _ = sample_report
    preview = report_dir / PREVIEW
    assert preview.is_file(), f"{PREVIEW} missing from {sorted(p.name for p in report_dir.iterdir())}"
    width, height = png_size(preview)
    assert width == 1280 and height > 900
