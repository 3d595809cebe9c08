"""The HTML report as a person sees it: opened in headless Chromium with the network off.

Needs the pip package ``playwright`` and Debian's ``chromium`` (``.ci/install-browser``). Without
them the tests skip, except under ``CI=true`` where they fail: CI must install the browser.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from relance_analytics.browser import HeadlessChromium, PageReport, unavailable_reason
from relance_analytics.weekly import PREVIEW, SUITE

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Referenced by nbconvert's lab template (require.js, MathJax 2) and plotly's notebook renderer
# (MathJax 3); the report uses neither (no LaTeX, plotly.js is inlined), so offline they only fail
# to load. Any other outside URL would be a real dependency on the network.
HARMLESS_CDN = ("https://cdnjs.cloudflare.com/ajax/libs/require.js/",
                "https://cdnjs.cloudflare.com/ajax/libs/mathjax/")


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
    outside = [u for u in seen.blocked if not u.startswith(HARMLESS_CDN)]
    assert outside == [], f"{name}: needs the network for {outside}"


@pytest.mark.slow
@pytest.mark.parametrize("notebook", SUITE)
def test_weekly_report_renders_offline_in_french(chromium, sample_report, tmp_path, notebook):
    report_dir, _ = sample_report
    html, shot = report_dir / f"{notebook}.html", tmp_path / f"{notebook}.png"
    seen = chromium.open(html, screenshot=shot)
    assert_renders_offline(seen, plotly_outputs(html.with_suffix(".ipynb")))
    assert all(c.title for c in seen.charts), f"{html.name}: charts without a title"
    width, height = png_size(shot)
    assert width == 1280 and height > 900                  # the full page, not just the viewport
    if notebook == "aged_balance":
        assert len(seen.charts) == 3                       # by bucket, by collector, top customers
        assert "Balance âgée clients" in seen.text and "Répartition par tranche d'âge" in seen.text
        assert "Par recouvreur" in seen.text and "Principaux clients" in seen.text
        assert [c.title[:12] for c in seen.charts] == ["Balance âgée"] * 3, [c.title for c in seen.charts]
        assert "Non échu" in seen.text and "Plus de 120 j" in seen.text   # French bucket labels


@pytest.mark.slow
def test_weekly_run_saves_a_preview_of_the_report(chromium, sample_report):
    """The weekly run screenshots its first section (the aged balance) for the README."""
    report_dir, _ = sample_report
    preview = report_dir / PREVIEW
    assert preview.is_file(), f"{PREVIEW} missing from {sorted(p.name for p in report_dir.iterdir())}"
    width, height = png_size(preview)
    assert width == 1280 and height > 900
