"""Open an HTML report in headless Chromium, as a reader sees it: JavaScript errors, plotly charts
actually drawn (and whether a legend covers an axis), the page's language, scripts, links, anchors
and the text under each heading, a PNG screenshot.

Uses the pip package ``playwright`` to drive the system's Chromium (Debian's ``chromium``
package, installed in CI by ``.ci/install-browser``); playwright's own browser download is never
used. Every page is opened offline: requests other than ``file:``, ``data:``, ``blob:`` and
``about:`` are aborted, so a report that renders here renders on a machine without network.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .errors import BrowserError

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Playwright, Request, Route

CHROMIUM_ENV = "RELANCE_CHROMIUM"             # explicit path to a Chromium/Chrome executable
CHROMIUM_NAMES = ("chromium", "chromium-browser")
# Without these Chromium hangs or fails on a closed network. Playwright adds a fresh temporary
# --user-data-dir itself (and removes it on close).
CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync")
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
CHART = ".plotly-graph-div"                   # the container plotly's HTML output draws into
DATA_MARKS = ".point, .js-line, .js-fill, .slice, .heatmaplayer image"  # bars/markers, lines, areas, pies, heatmaps
AXIS_TEXTS = ".xtick text, .ytick text, .y2tick text, .g-xtitle, .g-ytitle, .g-y2title, .gtitle"
_CHARTS_JS = """([chart, marks, axes]) => [...document.querySelectorAll(chart)].map((div, i) => ({
    id: div.id || `#${i + 1}`,
    svg: div.querySelector("svg.main-svg") !== null,
    title: div.querySelector(".gtitle")?.textContent ?? "",
    marks: [...div.querySelectorAll(marks)].filter(e => {
        const box = e.getBoundingClientRect();   // a zero bar has no area; a flat line has no height
        return e.classList.contains("js-line") ? box.width > 0 || box.height > 0 : box.width > 0 && box.height > 0;
    }).length,
    ticks: [...div.querySelectorAll(".xtick text, .ytick text, .y2tick text")].map(t => t.textContent),
    covered: (() => {                            // axis labels and titles the legend's box overlaps
        const legend = div.querySelector("g.legend");
        if (!legend) return [];
        const a = legend.getBoundingClientRect();
        return [...div.querySelectorAll(axes)].filter(e => {
            const b = e.getBoundingClientRect();
            return b.width > 0 && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        }).map(e => `${e.getAttribute("class")}: ${e.textContent}`);
    })(),
}))"""
# the page as a whole: language, scripts, links, ids, and the text under each heading (the heading's
# id → the text up to the next heading of the same or a higher level; scripts and styles left out)
_PAGE_JS = r"""() => {
    const sections = {};
    const open = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
        acceptNode: n => n.nodeType === 1 && ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE"].includes(n.tagName)
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (n.nodeType === 1) {
            const level = /^H([1-6])$/.exec(n.tagName);
            if (level && n.id) {
                while (open.length && open[open.length - 1][0] >= Number(level[1])) open.pop();
                open.push([Number(level[1]), n.id]);
                sections[n.id] = "";
            }
        } else {
            for (const [, id] of open) sections[id] += n.textContent;
        }
    }
    return {
        lang: document.documentElement.lang,
        scripts: [...document.querySelectorAll("script[src]")].map(s => s.src),
        inline_plotly: [...document.querySelectorAll("script:not([src])")]
            .some(s => /plotly\.js v\d/.test(s.textContent)),
        // ASCII white space only: the no-break spaces of French figures (1 234,56 €) are kept
        links: [...document.querySelectorAll("a[href]")]
            .map(a => [a.href, a.textContent.replace(/[ \t\n\r\f]+/g, " ").replace(/^ | $/g, "")]),
        ids: [...document.querySelectorAll("[id]")].map(e => e.id),
        sections,
        plotly: typeof Plotly === "undefined" ? null : String(Plotly.version),
    };
}"""
# done when every container has its SVG, or at once when plotly.js never loaded (nothing will draw)
_ALL_DRAWN_JS = """(chart) => typeof Plotly === "undefined" || [...document.querySelectorAll(chart)].every(
    div => div.querySelector("svg.main-svg") !== null)"""


def find_chromium() -> Path | None:
    """The Chromium executable: ``$RELANCE_CHROMIUM`` when set (``None`` if it is not an executable
    file), else the first of ``chromium`` / ``chromium-browser`` on the PATH; ``None`` if absent."""
    explicit = os.environ.get(CHROMIUM_ENV)
    if explicit:
        path = Path(explicit)
        return path if path.is_file() and os.access(path, os.X_OK) else None
    found = next((p for p in map(shutil.which, CHROMIUM_NAMES) if p), None)
    return Path(found) if found else None


def unavailable_reason() -> str | None:
    """Why no page can be opened on this machine, or ``None`` when playwright and Chromium are there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("le paquet Python « playwright » n'est pas installé : pip install 'relance-analytics[preview]' "
                "(ou make report, qui l'installe)")
    if find_chromium() is None:
        where = f"${CHROMIUM_ENV}={os.environ[CHROMIUM_ENV]!r}" if os.environ.get(CHROMIUM_ENV) else \
            f"{' / '.join(CHROMIUM_NAMES)} dans le PATH"
        return (f"aucun Chromium trouvé ({where}) : installez le paquet Debian chromium (bash .ci/install-browser "
                "ou apt-get install chromium)")
    return None


@dataclass(frozen=True)
class Chart:
    """One plotly chart container: its element id, whether plotly drew its SVG, the chart title,
    the number of visible data marks (bars, markers, areas, slices with an area; lines), its axes'
    tick labels and the axis labels or titles its legend covers (``"class: text"``)."""

    id: str
    svg: bool
    title: str
    marks: int
    ticks: tuple[str, ...] = ()
    covered: tuple[str, ...] = ()

    @property
    def rendered(self) -> bool:
        """The SVG is there and shows data."""
        return self.svg and self.marks > 0


@dataclass(frozen=True)
class PageReport:
    """What a reader of ``path`` saw with the network off."""

    path: Path
    title: str                    # the document's <title>
    text: str                     # visible text of the page body
    charts: tuple[Chart, ...]     # every plotly container, in page order
    errors: tuple[str, ...]       # uncaught exceptions and console.error messages
    blocked: tuple[str, ...]      # non-local URLs the page requested (aborted: offline)
    failed: tuple[str, ...]       # local requests that failed (missing file…), with the reason
    screenshot: Path | None = None
    lang: str = ""                                # <html lang>
    scripts: tuple[str, ...] = ()                 # src of every <script src>, absolute
    requested: tuple[str, ...] = ()               # every URL the page requested, in order
    inline_plotly: bool = False                   # an inline <script> holds plotly.js itself
    plotly: str | None = None                     # version of the Plotly the page loaded, if any
    links: tuple[tuple[str, str], ...] = ()       # (absolute href, text) of every link
    ids: frozenset[str] = frozenset()             # every element id
    sections: dict[str, str] = field(default_factory=dict)   # heading id → text of its section

    @property
    def unrendered(self) -> list[Chart]:
        """Charts whose SVG is missing or empty."""
        return [c for c in self.charts if not c.rendered]


class HeadlessChromium:
    """A headless Chromium (fresh temporary profile) for one or more pages; a context manager.

    ``timeout_s`` bounds the start of the browser, each page load and the wait for charts.
    Raises :class:`BrowserError` when Chromium is missing or does not start.
    """

    def __init__(self, executable: Path | None = None, timeout_s: float = 30.0):
        self.executable = executable
        self.timeout_ms = timeout_s * 1000
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    def __enter__(self) -> HeadlessChromium:
        if self.executable is None and (reason := unavailable_reason()):
            raise BrowserError(reason)
        from playwright.sync_api import Error, sync_playwright

        executable = self.executable or find_chromium()
        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=str(executable), args=list(CHROMIUM_ARGS), timeout=self.timeout_ms)
        except Error as exc:
            self._playwright.stop()
            raise BrowserError(f"Chromium {executable} n'a pas démarré : {exc.message}") from None
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()
        self._browser = self._playwright = None

    def open(self, html: Path, screenshot: Path | None = None, width: int = 1280,
             height: int = 900) -> PageReport:
        """Load ``html`` offline in a ``width``×``height`` viewport, wait for its plotly charts, and
        report what rendered; with ``screenshot``, also write a full-page PNG there."""
        if self._browser is None:
            raise BrowserError("HeadlessChromium.open() appelé hors de son bloc with")
        from playwright.sync_api import Error, TimeoutError

        errors: list[str] = []
        blocked: list[str] = []
        failed: list[str] = []
        requested: list[str] = []

        def route(r: Route) -> None:
            requested.append(r.request.url)
            if r.request.url.startswith(LOCAL_SCHEMES):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort("blockedbyclient")

        def console(message: ConsoleMessage) -> None:
            # resource failures are reported as requests (blocked / failed), not as script errors
            if message.type == "error" and not message.text.startswith("Failed to load resource"):
                errors.append(message.text)

        def request_failed(request: Request) -> None:
            if request.url not in blocked:
                failed.append(f"{request.url} ({request.failure})")

        page = self._browser.new_page(viewport={"width": width, "height": height})
        page.on("pageerror", lambda exc: errors.append(f"uncaught {exc.name}: {exc.message}"))
        page.on("console", console)
        page.on("requestfailed", request_failed)
        page.route("**/*", route)
        try:
            page.goto(Path(html).resolve().as_uri(), wait_until="load", timeout=self.timeout_ms)
            with contextlib.suppress(TimeoutError):  # the charts left undrawn are reported below
                page.wait_for_function(_ALL_DRAWN_JS, arg=CHART, timeout=self.timeout_ms)
            found: list[dict[str, Any]] = page.evaluate(_CHARTS_JS, [CHART, DATA_MARKS, AXIS_TEXTS])
            facts: dict[str, Any] = page.evaluate(_PAGE_JS)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            charts = tuple(Chart(**{**c, "ticks": tuple(c["ticks"]), "covered": tuple(c["covered"])}) for c in found)
            return PageReport(Path(html), page.title(), page.inner_text("body"), charts, tuple(errors),
                              tuple(blocked), tuple(failed), screenshot, facts["lang"], tuple(facts["scripts"]),
                              tuple(requested), bool(facts["inline_plotly"]), facts["plotly"],
                              tuple((href, text) for href, text in facts["links"]), frozenset(facts["ids"]),
                              dict(facts["sections"]))
        except Error as exc:
            raise BrowserError(f"{html}: {exc.message}") from None
        finally:
            page.close()


def save_screenshot(html: Path, png: Path, timeout_s: float = 30.0) -> PageReport:
    """Open ``html`` offline in a new headless Chromium and write a full-page PNG to ``png``.

    Raises :class:`BrowserError` when Chromium is missing, does not start or the page does not load.
    """
    with HeadlessChromium(timeout_s=timeout_s) as chromium:
        return chromium.open(html, screenshot=png)


def main(argv: list[str] | None = None) -> int:
    """``python -m relance_analytics.browser PAGE.html SHOT.png``: screenshot a page in its own
    process (free of the caller's event loop, e.g. a notebook's); prints one line: what did not
    render, or ``ok``. Exit status 1 when Chromium is missing or fails."""
    import sys

    html, png = (Path(a) for a in (argv if argv is not None else sys.argv[1:]))
    try:
        seen = save_screenshot(html, png)
    except BrowserError as exc:
        print(exc, file=sys.stderr)
        return 1
    problems = [f"{len(seen.unrendered)} chart(s) not drawn"] if seen.unrendered else []
    problems += [f"JavaScript: {e}" for e in seen.errors]
    print("; ".join(problems) or "ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
