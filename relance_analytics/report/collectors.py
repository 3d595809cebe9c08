"""Collector performance for people (« Performance des recouvreurs »): the screen table and the
headline of the last weeks, the index's figures and the workbook sheet (the same figures in
``call_list.xlsx`` and on the page).

The figures are computed by :mod:`relance_analytics.metrics.collectors`; this module only says
them in French.
"""

from __future__ import annotations

import pandas as pd

from ..french import plural
from ..io.excel import Sheet
from .common import days, euros, percent
from .index import KeyFigure

HEADING = "Performance des recouvreurs"
SHEET = "Performance recouvreurs"
#: Weeks the page, the index and the workbook look back over.
WEEKS = 4

#: The weekly rows (:func:`~relance_analytics.metrics.collectors.collector_performance`).
WEEK_HEADERS = {
    "collector": "Recouvreur", "week_start": "Semaine du", "week_end": "au", "calls": "Appels",
    "contacts": "Contacts joints", "promises": "Promesses obtenues", "promised_cents": "Montant promis",
    "promises_without_amount": "Promesses sans montant", "promises_kept": "Promesses tenues",
    "promises_broken": "Promesses non tenues", "promises_pending": "Promesses en cours",
    "collected_cents": "Encaissé dans les 14 j après un appel", "calls_window_open": "Appels encore en mesure",
    "paid_after_reminder": "Factures réglées après relance",
    "days_reminder_to_payment": "Jours de la 1re relance au règlement (moyenne)", "dso": "DSO (j)",
}
#: The per-collector totals of the last weeks (:func:`~relance_analytics.metrics.collectors.collector_summary`).
SUMMARY_HEADERS = {
    "calls": "Appels", "contacts": "Contacts joints", "contact_rate": "Taux de contact",
    "promises": "Promesses obtenues", "promised_cents": "Montant promis", "promises_kept": "Promesses tenues",
    "promises_broken": "Promesses non tenues", "kept_rate": "Promesses tenues (part)",
    "collected_cents": "Encaissé dans les 14 j après un appel", "paid_after_reminder": "Factures réglées après relance",
    "days_reminder_to_payment": "Jours de la 1re relance au règlement", "dso": "DSO (j, dernière semaine)",
}


def span_text(performance: pd.DataFrame, weeks: int = WEEKS) -> str:
    """``du 24/10/2026 au 20/11/2026`` for the last ``weeks`` weeks of ``performance``."""
    ends = sorted(performance.index.get_level_values("week_end").unique())[-weeks:]
    if not ends:
        return "(aucune semaine entre deux balances)"
    starts = performance["week_start"][performance.index.get_level_values("week_end").isin(ends)]
    return f"du {pd.Timestamp(starts.min()):%d/%m/%Y} au {pd.Timestamp(ends[-1]):%d/%m/%Y}"


def summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The screen table: one row per collector, French headers, amounts, shares and days as text."""
    out = pd.DataFrame(index=summary.index.rename("Recouvreur"))
    for col, header in SUMMARY_HEADERS.items():
        values = summary[col]
        if col.endswith("_cents"):
            out[header] = [euros(int(v)) for v in values]
        elif col.endswith("_rate"):
            out[header] = [percent(float(v), 0) for v in values]
        elif col in ("days_reminder_to_payment", "dso"):
            out[header] = [days(float(v)) for v in values]
        else:
            out[header] = values.astype("int64")
    return out


def headline(summary: pd.DataFrame, span: str) -> str:
    """The section's first sentence (Markdown): calls, contacts, promises and what they brought."""
    kept, broken = int(summary["promises_kept"].sum()), int(summary["promises_broken"].sum())
    judged = (f" ; {plural(kept, 'promesse tenue', 'promesses tenues')} et {plural(broken, 'non tenue', 'non tenues')}"
              " à leur date" if kept + broken else "")
    return (f"**{euros(int(summary['collected_cents'].sum()))} encaissés dans les 14 jours qui ont suivi un appel** "
            f"{span} : {plural(int(summary['calls'].sum()), 'appel')}, "
            f"{plural(int(summary['contacts'].sum()), 'contact joint', 'contacts joints')}, "
            f"{plural(int(summary['promises'].sum()), 'promesse obtenue', 'promesses obtenues')} pour "
            f"{euros(int(summary['promised_cents'].sum()))}{judged}.")


def key_figures(summary: pd.DataFrame, span: str) -> list[KeyFigure]:
    """The index's figure: the money collected after calls over the last weeks."""
    return [KeyFigure("collected_after_calls", f"Encaissé après appel ({WEEKS} semaines)",
                      int(summary["collected_cents"].sum()), "euros", "cash", HEADING,
                      f"{plural(int(summary['calls'].sum()), 'appel')} {span}")]


def performance_sheet(performance: pd.DataFrame, weeks: int = WEEKS) -> Sheet:
    """The weekly rows of the last ``weeks`` weeks, one per collector and week, as a workbook sheet."""
    ends = sorted(performance.index.get_level_values("week_end").unique())[-weeks:]
    recent = performance[performance.index.get_level_values("week_end").isin(ends)].reset_index()
    rows = recent[list(WEEK_HEADERS)].assign(
        days_reminder_to_payment=recent["days_reminder_to_payment"].astype("float64").round(1),
        dso=recent["dso"].astype("float64").round(1))
    counts = [c for c in WEEK_HEADERS if c not in ("collector", "week_start", "week_end", "promised_cents",
                                                    "collected_cents", "days_reminder_to_payment", "dso")]
    return Sheet(SHEET, rows, headers=WEEK_HEADERS, money=["promised_cents", "collected_cents"],
                 dates=["week_start", "week_end"], sum_columns=counts, total_label="Total",
                 title=f"Performance des recouvreurs par semaine, {span_text(performance, weeks)} (semaines d'export "
                       f"à export ; encaissé : baisse des factures ouvertes du client dans les 14 jours suivant "
                       f"l'appel)")
