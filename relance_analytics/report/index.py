"""The report's front page, ``index.html``: the week's headline figures, each linked to the section
of the page that shows it, then the pages, the workbooks and the drafts folder.

The figures are never recomputed here. Each notebook hands the figures of its headline to
:func:`save_key_figures` (a small JSON file per section in ``chiffres/``, money in integer cents),
built by its section's ``key_figures`` function from the very values its page displays; the weekly
run then calls :func:`write_index`, which formats them with the same French functions as the pages.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd

from ..french import count, euros, percent, signed_euros
from .common import days

FIGURES_DIR = "chiffres"          # <report>/chiffres/<section>.json
INDEX = "index.html"
PLOTLY_JS = "plotly.min.js"       # the one copy of plotly.js the pages of a report share
DRAFTS_DIR = "brouillons"
KINDS = ("euros", "signed_euros", "percent", "days", "count")

#: The report's sections (notebooks) as the index names them, in the order of the run.
SECTION_TITLES = {
    "aged_balance": "Balance âgée", "drift": "Glissement des créances", "dso": "DSO",
    "provisions": "Provisions pour créances douteuses", "disputes": "Litiges", "call_list": "Liste d'appels",
    "cash": "Encaissements", "legal": "Chiffres légaux",
}
#: What each workbook holds, for the index.
WORKBOOKS = {
    "aged_balance.xlsx": "balance âgée : synthèse, par recouvreur, par segment, par client, détail des pièces",
    "drift.xlsx": "glissement : matrice, taux de roulement, passage de l'échu, tendance",
    "dso.xlsx": "DSO : synthèse par méthode, par recouvreur, par client, évolution mensuelle",
    "provisions.xlsx": "provisions à comptabiliser : pièces provisionnées, totaux, dotations et reprises",
    "disputes.xlsx": "litiges ouverts et résolus, montants par type et tranche, durées",
    "call_list.xlsx": "listes d'appels des recouvreurs (à remplir), listes annexes, synthèse, performance des "
                      "recouvreurs",
    "encaissements.xlsx": "prévision d'encaissements à 13 semaines (par semaine et par facture), contrôle sur "
                          "l'historique, habitudes de paiement, assurance-crédit, performance des recouvreurs",
    "dossier_provisions.xlsx": "dossier fiscal des provisions (CGI art. 39-1-5°) : démarches de recouvrement de "
                               "chaque pièce provisionnée, pièces à documenter",
    "chiffres_legaux.xlsx": "pénalités de retard et indemnités dues, pénalités à facturer sur les règlements en "
                            "retard, délais de paiement par client",
    "delais_paiement.xlsx": "tableau D441-6 des délais de paiement clients à la dernière clôture (modèle officiel) "
                            "et les factures derrière chaque chiffre",
}


@dataclass(frozen=True)
class KeyFigure:
    """One headline figure of a section.

    ``value``: integer cents for ``euros`` / ``signed_euros``, a share (0.266) for ``percent``, a
    number of days for ``days``, an integer for ``count``. ``section`` is the page (notebook name)
    showing it, ``heading`` the text of the heading under which it is shown there (the index links
    to it), ``note`` a French complement shown under the figure (formatted by its section)."""

    key: str
    label: str
    value: int | float
    kind: str
    section: str
    heading: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of key figure {self.kind!r} (one of {', '.join(KINDS)})")
        if self.kind in ("euros", "signed_euros", "count") and int(self.value) != self.value:
            raise ValueError(f"{self.key}: {self.kind} needs an integer (cents), got {self.value!r}")

    @property
    def text(self) -> str:
        """The value in French, exactly as the section's page writes it."""
        if self.kind == "euros":
            return euros(int(self.value))
        if self.kind == "signed_euros":
            return signed_euros(int(self.value))
        if self.kind == "percent":
            return percent(float(self.value))
        if self.kind == "days":
            return days(float(self.value))
        return count(int(self.value))

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["value"] = int(self.value) if self.kind in ("euros", "signed_euros", "count") else float(self.value)
        return out


def save_key_figures(output_dir: str | Path, section: str, figures: Iterable[KeyFigure]) -> None:
    """Write a section's headline figures to ``<output_dir>/chiffres/<section>.json`` (what the
    notebook computed, for the report's index). Returns nothing: a notebook cell may end with it."""
    folder = Path(output_dir) / FIGURES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{section}.json"
    payload = {"section": section, "figures": [f.to_json() for f in figures]}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")


def load_key_figures(report_dir: str | Path) -> dict[str, list[KeyFigure]]:
    """Section → its headline figures, from ``<report_dir>/chiffres/*.json``."""
    out: dict[str, list[KeyFigure]] = {}
    for path in sorted((Path(report_dir) / FIGURES_DIR).glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        out[str(payload["section"])] = [KeyFigure(**f) for f in payload["figures"]]
    return out


class _Headings(HTMLParser):
    """Collects ``(id, text)`` of every h1–h6 with an id (nbconvert gives each Markdown heading one)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._open: tuple[str, list[str]] | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open = (dict(attrs).get("id") or "", [])
        elif tag == "a" and self._open is not None and ("class", "anchor-link") in attrs:
            self._skip += 1                       # nbconvert's ¶ link inside the heading

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._skip:
            self._skip -= 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") and self._open is not None:
            ident, parts = self._open
            if ident:
                self.found.append((ident, " ".join("".join(parts).split())))
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None and not self._skip:
            self._open[1].append(data)


def heading_ids(page: Path) -> dict[str, str]:
    """Heading text → its element id in an HTML page (the first heading of that text wins)."""
    parser = _Headings()
    parser.feed(page.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for ident, text in parser.found:
        out.setdefault(text, ident)
    return out


def _href(page: str, ident: str | None = None) -> str:
    # nbconvert's ids are already percent-encoded (« R%C3%A9partition… »): used as they are, the
    # fragment matches the id literally, as browsers look it up first
    return html.escape(page + (f"#{ident}" if ident else ""), quote=True)


def write_index(report_dir: str | Path, as_of: pd.Timestamp, pages: Sequence[tuple[str, str]]) -> Path:
    """Write ``<report_dir>/index.html`` (French, offline, no script) for the report of ``as_of``.

    ``pages``: ``(section, title)`` of each page of the report, in order (``<section>.html`` next
    to the index). The figures come from :func:`load_key_figures`; each links to its section's page
    at the heading it names (to the page itself when that heading is missing)."""
    folder = Path(report_dir)
    figures = load_key_figures(folder)
    when = f"{as_of:%d/%m/%Y}"
    ids = {name: heading_ids(folder / f"{name}.html") for name, _ in pages if (folder / f"{name}.html").is_file()}
    cards = []
    for name, title in pages:
        if name not in ids:
            continue
        items = []
        for f in figures.get(name, []):
            target = _href(f"{name}.html", ids[name].get(f.heading))
            note = f'<span class="note">{html.escape(f.note)}</span>' if f.note else ""
            items.append(f'<li class="chiffre" data-key="{html.escape(f.key)}"><a href="{target}">'
                         f'<span class="libelle">{html.escape(f.label)}</span> '
                         f'<span class="valeur">{html.escape(f.text)}</span></a>{note}</li>')
        section_title = SECTION_TITLES.get(name, title)
        cards.append(f'<section class="carte" id="{html.escape(name)}"><h2><a href="{_href(name + ".html")}">'
                     f'{html.escape(section_title)}</a></h2>'
                     + (f'<ul>{"".join(items)}</ul>' if items else "")
                     + f'<p class="page"><a href="{_href(name + ".html")}">Ouvrir la page « {html.escape(title)} »'
                       "</a></p></section>")
    books = [f'<li><a href="{_href(p.name)}">{html.escape(p.name)}</a> – '
             f'{html.escape(WORKBOOKS.get(p.name, "classeur"))}</li>' for p in sorted(folder.glob("*.xlsx"))]
    drafts = folder / DRAFTS_DIR
    if drafts.is_dir():
        emails = sum(1 for _ in drafts.rglob("*.eml"))
        letters = sum(1 for _ in drafts.rglob("*.html"))
        books.append(f'<li><a href="{_href(DRAFTS_DIR + "/")}">{DRAFTS_DIR}/</a> – brouillons : {count(emails)} '
                     f"e-mail(s) (.eml, à ouvrir dans la messagerie) et {count(letters)} lettre(s) de mise en "
                     "demeure (.html, à ouvrir dans Word ou LibreOffice)</li>")
    page = f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Rapport de relance du {when} – sommaire</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1 id="sommaire">Rapport de relance du {when}</h1>
<p class="intro">Les chiffres clés de la semaine ; chacun mène à la section de la page qui le détaille.</p>
<div class="cartes">
{"".join(cards)}
</div>
<h2 id="fichiers">Classeurs et brouillons</h2>
<ul class="fichiers">{"".join(books)}</ul>
</main>
</body>
</html>
"""
    path = folder / INDEX
    path.write_text(page, encoding="utf-8")
    return path


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: #1f2933; margin: 0; background: #f5f7fa; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.9em; margin: 0.4em 0 0.2em; color: #1F3864; }
h2 { font-size: 1.2em; margin: 0 0 0.6em; }
.intro { color: #52606d; margin-top: 0; }
.cartes { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 16px; margin: 20px 0 32px; }
.carte { background: #fff; border: 1px solid #d9e2ec; border-radius: 8px; padding: 16px 20px; }
.carte h2 a { color: #1F3864; text-decoration: none; }
.carte ul { list-style: none; margin: 0; padding: 0; }
.chiffre { padding: 6px 0; border-top: 1px solid #eef2f6; }
.chiffre a { display: flex; justify-content: space-between; gap: 12px; color: inherit; text-decoration: none; }
.chiffre a:hover .libelle { text-decoration: underline; }
.valeur { font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; color: #102a43; }
.note { display: block; color: #52606d; font-size: 0.88em; }
.page { margin: 10px 0 0; font-size: 0.9em; }
.fichiers li { margin: 4px 0; }
a { color: #1F5FAD; }
"""
