"""The call list for people: French headline, tables for the screen (the workbook itself is
:mod:`relance_analytics.calllist.workbook`), amounts per collector and list."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..calllist.build import CallList
from ..calllist.results import Published, WeeklyCallList
from ..calllist.workbook import (
    CALL_COLUMNS,
    DEFERRED_COLUMNS,
    DEFERRED_SHEET,
    SIDE_COLUMNS,
    SIDE_SHEETS,
    SUMMARY_COLUMNS,
)
from .common import count, euros, markdown_text, screen
from .index import KeyFigure

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

SUMMARY_HEADERS = {c.code: c.header for c in SUMMARY_COLUMNS}
ROW_COLUMNS = ("rank", "customer_id", "customer_name", "reasons", "next_step", "contact_name", "contact_phone",
               "contact_alert", "net_cents", "max_days", "score")
SIDE_SHOWN = {
    "deferred": ("collector", "customer_id", "customer_name", "defer_reason", "net_cents", "reasons"),
    "disputes": ("collector", "customer_name", "document_id", "dispute_type", "opened", "days_open", "disputed_cents",
                 "owner", "owner_phone", "reasons"),
    "formal_notices": ("collector", "customer_id", "customer_name", "net_cents", "max_days", "deadline",
                       "litigation_status", "reasons"),
    "litigation": ("collector", "customer_id", "customer_name", "net_cents", "max_days", "formal_notice_date",
                   "deadline", "litigation_status", "reasons"),
    "claims": ("collector", "customer_id", "customer_name", "status", "claim_cents", "provision_cents", "reasons"),
    "insurance": ("collector", "customer_id", "customer_name", "insurer", "document_id", "amount_cents", "deadline",
                  "state", "reasons"),
}
SIDE_TITLES = {"deferred": DEFERRED_SHEET, **SIDE_SHEETS}
#: The workbook's columns of each table (their French headers are used on screen).
TABLE_COLUMNS = {"calls": CALL_COLUMNS, "deferred": (*DEFERRED_COLUMNS, *CALL_COLUMNS), **SIDE_COLUMNS}
_MONEY = ("net_cents", "disputed_cents", "claim_cents", "provision_cents", "amount_cents")
_DATES = ("opened", "deadline", "formal_notice_date")


def _plural(n: int, one: str, many: str) -> str:
    return f"{count(n)} {one if n < 2 else many}"      # French: 0 and 1 take the singular


def _journal(weekly: WeeklyCallList) -> tuple[pd.DataFrame, pd.Series]:
    """The actions and the promise status counts (``kept``, ``broken``, ``pending``) the headline
    states: those of the chosen collectors' customers only, when the list is restricted."""
    actions, promises = weekly.actions, weekly.promises
    if weekly.collectors:                 # the journal of the chosen collectors' customers only
        mine = set(weekly.customers.loc[weekly.customers["collector"].isin(weekly.collectors).to_numpy(),
                                        "customer_id"].astype(str))
        actions = actions[actions["customer_id"].astype(str).isin(mine).to_numpy()]
        promises = promises[promises["customer_id"].astype(str).isin(mine).to_numpy()]
    return actions, promises["status"].astype(str).value_counts()


#: The sections of the call-list page that state the index's figures.
TITLE_HEADING = "Liste d'appels"
SUMMARY_HEADING = "Par recouvreur"


def key_figures(weekly: WeeklyCallList) -> list[KeyFigure]:
    """The index's figures, as the headline and the per-collector table state them: calls planned
    (and their net amount), promises kept and broken."""
    cl = weekly.call_list
    _, status = _journal(weekly)
    return [
        KeyFigure("calls", "Appels prévus (clients)", len(cl.rows), "count", "call_list", SUMMARY_HEADING,
                  f"{euros(int(cl.rows['net_cents'].sum()))} net à appeler"),
        KeyFigure("promises_kept", "Promesses tenues", int(status.get("kept", 0)), "count", "call_list",
                  TITLE_HEADING, f"journal des actions jusqu'au {cl.as_of:%d/%m/%Y}"),
        KeyFigure("promises_broken", "Promesses non tenues", int(status.get("broken", 0)), "count", "call_list",
                  TITLE_HEADING, f"{count(int(status.get('pending', 0)))} en cours"),
    ]


def headline(weekly: WeeklyCallList) -> str:
    """French summary: rows to call, cut, deferred, side lists, journal and promises."""
    cl = weekly.call_list
    cut = int(cl.cut_counts.sum())
    actions, status = _journal(weekly)
    who = (f" — recouvreur(s) : {', '.join(map(markdown_text, weekly.collectors))}" if weekly.collectors else
           f" — {_plural(len(cl.by_collector), 'recouvreur', 'recouvreurs')}")
    text = (f"**Liste d'appels du {cl.as_of:%d/%m/%Y}**{who} : {_plural(len(cl.rows), 'client', 'clients')} à appeler "
            f"pour {euros(int(cl.rows['net_cents'].sum()))} net ; {_plural(cut, 'ligne coupée', 'lignes coupées')} "
            f"par la capacité du jour, {_plural(len(cl.deferred), 'ligne', 'lignes')} en relance par e-mail ou à "
            f"lettrer. Listes annexes : {_plural(len(cl.disputes), 'litige', 'litiges')} à résoudre, "
            f"{_plural(len(cl.formal_notices), 'mise', 'mises')} en demeure, "
            f"{_plural(len(cl.litigation), 'dossier', 'dossiers')} au contentieux, "
            f"{_plural(len(cl.claims), 'créance', 'créances')} à déclarer.\n\n"
            f"Journal des actions : {_plural(len(actions), 'action', 'actions')} jusqu'au {cl.as_of:%d/%m/%Y} ; "
            f"promesses : {_plural(status.get('kept', 0), 'tenue', 'tenues')}, "
            f"{_plural(status.get('broken', 0), 'non tenue', 'non tenues')}, "
            f"{count(status.get('pending', 0))} en cours.")
    if not len(weekly.actions):
        text += ("\n\n**Le journal des actions est vide** : sans historique, chaque client échu apparaît en première "
                 "relance. `relance weekly` y importe `actions.xlsx` ; `relance import-actions FICHIER` le fait à la "
                 "main.")
    return text


def display_summary(cl: CallList) -> pd.DataFrame:
    """Per collector: capacity, calls, rows cut, small amounts, amounts (euros as text), side lists, total row."""
    table = cl.summary()
    table.loc["Total"] = table.sum()
    out = table.astype(object)
    for col in ("calls_cents", "deferred_cents"):
        out[col] = table[col].map(euros)
    out.index.name = SUMMARY_HEADERS["collector"]
    return out.rename(columns=SUMMARY_HEADERS)


def display_reasons(cl: CallList) -> pd.DataFrame:
    """Rows carrying each rule, per list (the rule and its label in one column, a total column)."""
    counts = cl.reason_counts
    out = counts.drop(columns="label").rename_axis(index=None, columns=None)
    out.insert(0, "Règle", [f"{rule} {label}" for rule, label in zip(counts.index, counts["label"])])
    out["Total"] = counts.drop(columns="label").sum(axis=1)
    return out.reset_index(drop=True)


def _screen(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> Styler:
    headers = {c.code: c.header for c in TABLE_COLUMNS[table]}
    out = frame[list(columns)].copy()
    for col in columns:
        if col in _MONEY:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else euros(int(v)))
        elif col in _DATES:
            out[col] = pd.to_datetime(out[col]).dt.strftime("%d/%m/%Y").fillna("")
        elif col == "score":
            out[col] = out[col].map(lambda v: count(round(v)))
    return screen(out.rename(columns=headers))      # names come from the ERP: inert HTML


def collector_heading(collector: str) -> str:
    """Markdown heading of a collector's list (the name made inert)."""
    return f"### {markdown_text(collector)}"


def display_rows(cl: CallList, collector: str) -> Styler:
    """One collector's phone list for the screen, in rank order (the workbook has every column)."""
    return _screen(cl.by_collector.get(collector, cl.rows.iloc[:0]), "calls", ROW_COLUMNS)


def display_side(cl: CallList, name: str) -> Styler:
    """A side list (``deferred``, ``disputes``, ``formal_notices``, ``litigation``, ``claims``) for the screen."""
    return _screen(getattr(cl, name), name, SIDE_SHOWN[name])


def amounts_by_list(cl: CallList) -> pd.DataFrame:
    """Amounts (cents, int64) per collector (index) and list (columns of :data:`AMOUNT_LISTS`).

    Net amount due of the phone rows, the deferred rows, the formal notices and the litigation
    files; disputed amount of the disputes; claim of the insolvency claims. A customer on both
    the formal-notice and the litigation list (litigation announced, notice still to send) is
    counted once, under litigation.
    """
    notices = cl.formal_notices[~cl.formal_notices["customer_id"].isin(set(cl.litigation["customer_id"])).to_numpy()]
    sources = {"calls": (cl.rows, "net_cents"), "deferred": (cl.deferred, "net_cents"),
               "disputes": (cl.disputes, "disputed_cents"), "formal_notices": (notices, "net_cents"),
               "litigation": (cl.litigation, "net_cents"), "claims": (cl.claims, "claim_cents")}
    index = pd.Index(cl.collectors, name="collector")
    out = pd.DataFrame(index=index)
    for name, (frame, col) in sources.items():
        sums = frame[col].astype("int64").groupby(frame["collector"].astype(str)).sum()
        out[name] = sums.reindex(index, fill_value=0).astype("int64")
    return out


def published_text(published: Published) -> str:
    """Where the workbook and the drafts were written, with the number of each kind of draft."""
    d = published.drafts
    folder = published.drafts_dir.name
    return (f"Classeur écrit : `{published.workbook.name}`. Brouillons dans `{folder}/` : "
            f"{_plural(len(d.recaps), 'récapitulatif', 'récapitulatifs')} d'appel et "
            f"{_plural(len(d.reminders), 'relance', 'relances')} par e-mail (`{folder}/emails/<recouvreur>/*.eml`), "
            f"{_plural(len(d.letters), 'lettre', 'lettres')} de mise en demeure (`{folder}/mises_en_demeure/*.html`)."
            + "".join(f"\n\n**À compléter avant envoi :** {markdown_text(w)}." for w in d.warnings))

