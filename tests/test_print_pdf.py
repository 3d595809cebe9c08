"""The workbooks on paper: the workbooks of the sample week printed to PDF by LibreOffice
(``soffice --headless --convert-to pdf``, a fresh profile per run), then read back with
pdfminer.six: pages counted per workbook and per sheet (the footer names the sheet), every page
landscape, the header row repeated on each page of a sheet, and no two glyphs printed over each
other (the rows of wrapped text LibreOffice used to print on top of the next rows, a link's text
printed over the next cell).

Needs LibreOffice Calc and the Carlito font, Calibri's metric-compatible twin with which
LibreOffice prints the workbooks' default font as Excel would (without it, DejaVu Sans: wider
columns, other page counts): ``.ci/install-browser`` installs both. Without them the tests skip
with the reason, except under ``CI=true`` where they fail: CI must install them.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LTChar, LTContainer, LTPage
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

WORKBOOKS = ("aged_balance", "call_list", "disputes", "drift", "dso", "provisions")
#: Upper bounds of the pages of each workbook. Before the print settings (sample week of 20/11/2026,
#: LibreOffice 7.4, Carlito): 315, 114, 21, 12, 47 and 44 pages (portrait, sheets cut into pages
#: across and down; 417, 140, 29, 14, 66, 54 with DejaVu Sans). After: 105, 14, 5, 5, 10, 13, of
#: which 95 for the 4 514 lines of the aged balance's item detail. The call list has since gained
#: the insurer's side list (3 pages) and the collectors' performance (1 page): 25.
MAX_PAGES = {"aged_balance": 120, "call_list": 26, "disputes": 8, "drift": 8, "dso": 12, "provisions": 16}
#: Sheets a manager prints: pages at most (the item detail of aged_balance.xlsx is the long one).
MAX_SHEET_PAGES = {("call_list", "Performance recouvreurs"): 1,
                   ("aged_balance", "Synthèse"): 1, ("aged_balance", "Par recouvreur"): 1,
                   ("aged_balance", "Par segment"): 1, ("aged_balance", "Par client"): 8,
                   ("dso", "Synthèse"): 1, ("provisions", "Synthèse"): 1, ("disputes", "Synthèse"): 1}
#: Two glyphs overlap when their boxes share this much of the smaller one's width and height
#: (neighbouring letters of a line touch; consecutive lines of a cell do not overlap at all).
OVERLAP = 0.3
FOOTER = re.compile(r"^(?P<sheet>.+?)\s*Page (?P<page>\d+) / (?P<pages>\d+)$")
CONVERT_TIMEOUT = 300


def _unavailable() -> str | None:
    """Why the workbooks cannot be printed here as CI prints them, or ``None``."""
    soffice = shutil.which("soffice") or ("/usr/bin/soffice" if os.path.exists("/usr/bin/soffice") else None)
    if soffice is None:
        return ("LibreOffice (soffice) introuvable / not found: run .ci/install-browser "
                "(Debian's libreoffice-calc-nogui)")
    fc_list = shutil.which("fc-list")
    found = subprocess.run([fc_list, ":family=Carlito", "family"], capture_output=True, text=True).stdout \
        if fc_list else ""
    if "Carlito" not in found:
        return ("police Carlito absente / Carlito font missing (LibreOffice would print Calibri with DejaVu Sans): "
                "run .ci/install-browser (Debian's fonts-crosextra-carlito)")
    return None


@pytest.fixture(scope="module")
def soffice() -> str:
    reason = _unavailable()
    if reason:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI=true mais impossible d'imprimer les classeurs / cannot print the workbooks: {reason}",
                        pytrace=False)
        pytest.skip(reason)
    return shutil.which("soffice") or "/usr/bin/soffice"


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Page:
    number: int
    width: float
    height: float
    sheet: str
    glyphs: list[Glyph]
    lines: dict[float, str]       # baseline (y0) → the text on it, left to right


@dataclass
class Printed:
    pages: dict[str, list[Page]]  # workbook → its pages


def _glyphs(item: LTContainer) -> Iterator[Glyph]:
    for obj in item:
        if isinstance(obj, LTChar):
            yield Glyph(obj.get_text(), obj.x0, obj.y0, obj.x1, obj.y1)
        elif isinstance(obj, LTContainer):
            yield from _glyphs(obj)


def _baselines(glyphs: list[Glyph]) -> dict[float, list[Glyph]]:
    """Glyphs grouped by baseline (bottoms within a fifth of a glyph's height: one printed line)."""
    rows: dict[float, list[Glyph]] = {}
    y = None
    for g in sorted(glyphs, key=lambda g: -g.y0):
        if y is None or y - g.y0 > 0.2 * (g.y1 - g.y0):
            y = g.y0
            rows[y] = []
        rows[y].append(g)
    return rows


def _read(path: Path) -> list[Page]:
    """Every page of a PDF with its glyphs (no layout analysis: each character where it is drawn)."""
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    pages = []
    with path.open("rb") as f:
        for number, page in enumerate(PDFPage.get_pages(f), start=1):
            interpreter.process_page(page)
            layout: LTPage = device.get_result()
            glyphs = list(_glyphs(layout))
            lines = {y: "".join(g.text for g in sorted(row, key=lambda g: g.x0)).strip()
                     for y, row in _baselines(glyphs).items()}
            footer = next((m for y in sorted(lines) if (m := FOOTER.match(lines[y]))), None)
            pages.append(Page(number, layout.width, layout.height, footer["sheet"] if footer else "",
                              [g for g in glyphs if g.text.strip()], lines))
    return pages


@pytest.fixture(scope="module")
def printed(soffice: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Printed:
    """The sample week's workbooks printed to PDF in one LibreOffice run with its own profile
    (parallel runs do not share one), and read back. (The week is run, once per session, only
    once LibreOffice is known to be there.)"""
    report_dir, _ = request.getfixturevalue("sample_report")
    out = tmp_path_factory.mktemp("pdf")
    profile = tmp_path_factory.mktemp("lo-profile")
    books = [report_dir / f"{name}.xlsx" for name in WORKBOOKS]
    proc = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out), *map(str, books)],
                          capture_output=True, text=True, timeout=CONVERT_TIMEOUT)
    missing = [b.stem for b in books if not (out / f"{b.stem}.pdf").is_file()]
    assert not missing, f"soffice n'a pas produit {missing} (code {proc.returncode}): {proc.stdout}{proc.stderr}"
    return Printed({b.stem: _read(out / f"{b.stem}.pdf") for b in books})


def overlaps(glyphs: list[Glyph]) -> list[tuple[Glyph, Glyph]]:
    """Pairs of glyphs printed over each other (a spatial grid of about two lines' height: only
    neighbours are compared)."""
    if not glyphs:
        return []
    size = max(2.0, 2.0 * statistics.median(g.y1 - g.y0 for g in glyphs))
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, g in enumerate(glyphs):
        for gx in range(int(g.x0 // size), int(g.x1 // size) + 1):
            for gy in range(int(g.y0 // size), int(g.y1 // size) + 1):
                grid[gx, gy].append(k)
    found: dict[tuple[int, int], tuple[Glyph, Glyph]] = {}
    for ks in grid.values():
        for i, a in enumerate(ks):
            ga = glyphs[a]
            for b in ks[i + 1:]:
                gb = glyphs[b]
                w = min(ga.x1, gb.x1) - max(ga.x0, gb.x0)
                h = min(ga.y1, gb.y1) - max(ga.y0, gb.y0)
                if w > OVERLAP * min(ga.x1 - ga.x0, gb.x1 - gb.x0) and h > OVERLAP * min(ga.y1 - ga.y0, gb.y1 - gb.y0):
                    found[min(a, b), max(a, b)] = (ga, gb)
    return list(found.values())


def _near(page: Page, g: Glyph, span: float = 80.0) -> str:
    """The text printed on ``g``'s baseline around it (for the messages)."""
    near = sorted((h for h in page.glyphs if abs(h.y0 - g.y0) < 0.05 and abs(h.x0 - g.x0) < span), key=lambda h: h.x0)
    return "".join(h.text for h in near)


def sheet_pages(pages: list[Page]) -> dict[str, list[Page]]:
    out: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        out[page.sheet].append(page)
    return dict(out)


def check_pages(workbook: str, pages: list[Page]) -> dict[str, int]:
    """Every page landscape and named in its footer; returns the pages per sheet."""
    counts = {sheet: len(p) for sheet, p in sheet_pages(pages).items()}
    assert all(p.width > p.height for p in pages), f"{workbook}.pdf: portrait pages"
    assert "" not in counts, f"{workbook}.pdf: pages without the footer naming their sheet"
    return counts


def check_headers(workbook: str, pages: list[Page]) -> None:
    """Page 2 onwards of a sheet start with its header row, also on its first page: the header is
    repeated and the sheet printed one page wide (a column cut onto a page of its own would start
    with another text)."""
    for sheet, own in sheet_pages(pages).items():
        if len(own) < 2:
            continue
        tops = [p.lines[max(y for y, text in p.lines.items() if text and not FOOTER.match(text))] for p in own[1:]]
        assert len(set(tops)) == 1, f"{workbook}.pdf, « {sheet} »: pages start differently: {set(tops)}"
        assert tops[0] in own[0].lines.values(), f"{workbook}.pdf, « {sheet} »: {tops[0]!r} not on its first page"


def check_overlaps(workbook: str, pages: list[Page]) -> None:
    problems = []
    for page in pages:
        for a, b in overlaps(page.glyphs)[:3]:
            problems.append(f"page {page.number} (« {page.sheet} ») : « {_near(page, a)} » / « {_near(page, b)} » "
                            f"at ({a.x0:.0f}, {a.y0:.0f})")
    assert not problems, f"{workbook}.pdf: text printed over text:\n" + "\n".join(problems[:15])


@pytest.mark.slow
@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_pages_are_landscape_named_and_few(printed: Printed, workbook: str):
    pages = printed.pages[workbook]
    counts = check_pages(workbook, pages)
    assert len(pages) <= MAX_PAGES[workbook], f"{workbook}.pdf: {len(pages)} pages > {MAX_PAGES[workbook]}: {counts}"
    for (book, sheet), most in MAX_SHEET_PAGES.items():
        if book == workbook:
            assert counts.get(sheet, 0) <= most, f"{workbook}.pdf, sheet « {sheet} »: {counts.get(sheet)} pages"


@pytest.mark.slow
@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_header_row_is_repeated_on_every_page_of_a_sheet(printed: Printed, workbook: str):
    check_headers(workbook, printed.pages[workbook])


@pytest.mark.slow
@pytest.mark.parametrize("workbook", WORKBOOKS)
def test_no_text_is_printed_over_other_text(printed: Printed, workbook: str):
    check_overlaps(workbook, printed.pages[workbook])
