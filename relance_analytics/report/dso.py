"""DSO for people: French labels, screen display and the dso.xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..io.excel import Sheet, write_workbook
from .aging import GROUP_HEADERS
from .common import days, euros, percent
from .index import KeyFigure

if TYPE_CHECKING:
    from ..context import Context

METRIC_LABELS = {
    "dso": "DSO (jours)",
    "best_possible_dso": "Meilleur DSO possible (jours)",
    "average_days_delinquent": "Retard moyen de paiement – ADD (jours)",
    "cei": "Efficacité du recouvrement – CEI",
}
METHOD_LABELS = {"countback": "Par épuisement du chiffre d'affaires", "ratio": "Ratio encours / ventes"}
DSO_HEADERS = {
    **GROUP_HEADERS, **METRIC_LABELS,
    "as_of": "Date de la balance", "month": "Mois", "method": "Méthode",
    "receivables_cents": "Encours TTC", "not_due_cents": "Non échu TTC", "overdue_cents": "Échu TTC",
    "period_sales_cents": "Ventes TTC de la période", "period_days": "Jours de la période",
    "missing_sales_month": "Ventes manquantes à partir de",
    "beginning_as_of": "Balance de début (CEI)", "beginning_cents": "Encours de début TTC",
    "cei_sales_cents": "Ventes TTC de la période (CEI)",
}
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                 "octobre", "novembre", "décembre")
DAY_COLUMNS = ("dso", "best_possible_dso", "average_days_delinquent")
MONEY_COLUMNS = ("receivables_cents", "not_due_cents", "overdue_cents", "period_sales_cents",
                 "beginning_cents", "cei_sales_cents")


def month_label(value: pd.Timestamp) -> str:
    """``2026-11-01`` → ``novembre 2026``."""
    return f"{FRENCH_MONTHS[value.month - 1]} {value.year}"


def display_dso(frame: pd.DataFrame) -> pd.DataFrame:
    """A DSO frame for the screen: euros and days as French text, CEI in %, French headers."""
    out = _flat(frame)
    for col in out.columns:
        if col in MONEY_COLUMNS:
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else euros(v))
        elif col in DAY_COLUMNS:
            out[col] = out[col].map(days)
        elif col == "period_days":
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else days(v, 0))
        elif col == "cei":
            out[col] = out[col].map(lambda v: percent(None if pd.isna(v) else v / 100))
        elif col == "month":
            out[col] = out[col].map(month_label)
        elif col in ("as_of", "beginning_as_of", "missing_sales_month"):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:%d/%m/%Y}")
    return out.rename(columns=DSO_HEADERS)


def _flat(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its grouping columns (collector, customer…) as columns; no "total" label."""
    plain = isinstance(frame.index, pd.RangeIndex) or frame.index.name == "group"
    return frame.reset_index(drop=plain)


def method_summary(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per method from group-level :func:`~relance_analytics.dso.dso` frames
    (``{"countback": ..., "ratio": ...}``), with the method's French label first."""
    rows = []
    for method, frame in frames.items():
        row = frame.reset_index(drop=True).iloc[[0]].copy()
        label = METHOD_LABELS[method]
        if method == "ratio":
            label += f" ({int(row['period_days'].iloc[0])} j)"
        row.insert(0, "method", label)
        rows.append(row)
    out = pd.concat(rows, ignore_index=True)
    first = [c for c in out.columns if c not in ("period_sales_cents", "period_days", "beginning_as_of",
                                                 "beginning_cents", "cei_sales_cents", "cei")]
    return out[first + [c for c in out.columns if c not in first]]


def display_methods(summary: pd.DataFrame) -> pd.DataFrame:
    """The :func:`method_summary` table for the screen, without its repeated columns: the ratio's
    period length (its method label says it: « Ratio encours / ventes (92 j) ») and its period
    sales when they are the CEI's period sales (both over the same months)."""
    repeated = ["period_days"]
    if "period_sales_cents" in summary.columns and "cei_sales_cents" in summary.columns:
        given = summary["period_sales_cents"].notna()
        if (summary.loc[given, "period_sales_cents"] == summary.loc[given, "cei_sales_cents"]).all():
            repeated.append("period_sales_cents")
    return display_dso(summary.drop(columns=[c for c in repeated if c in summary.columns]))


def dso_sheet(name: str, frame: pd.DataFrame, title: str) -> Sheet:
    """A workbook sheet of a DSO frame: euros, days to 2 decimals, CEI as a percentage."""
    out = _flat(frame)
    for col in DAY_COLUMNS:
        if col in out.columns:
            out[col] = out[col].round(2)
    if "cei" in out.columns:
        out["cei"] = out["cei"] / 100
    return Sheet(name=name, frame=out, headers=DSO_HEADERS,
                 money=[c for c in MONEY_COLUMNS if c in out.columns],
                 percent=["cei"] if "cei" in out.columns else [],
                 dates=[c for c in ("as_of", "month", "beginning_as_of", "missing_sales_month") if c in out.columns],
                 title=title)


def write_dso(path: str | Path, ctx: Context, summary: pd.DataFrame, by_collector: pd.DataFrame,
              by_customer: pd.DataFrame, trend: pd.DataFrame) -> Path:
    """``dso.xlsx``: synthesis (one row per method), by collector, by customer, monthly trend."""
    when = f"au {ctx.as_of:%d/%m/%Y}"
    method = METHOD_LABELS[by_collector.attrs.get("method", "countback")].lower()
    return write_workbook(path, [
        dso_sheet("Synthèse", summary, f"DSO {when}"),
        dso_sheet("Par recouvreur", by_collector, f"DSO ({method}) par recouvreur {when}"),
        dso_sheet("Par client", by_customer, f"DSO ({method}) par client {when}"),
        dso_sheet("Tendance", trend, f"DSO mensuel ({method}), dernière balance de chaque mois"),
    ])


#: The section of the DSO page whose table shows the headline figures, one row per method.
SUMMARY_HEADING = "Synthèse"


def key_figures(group: pd.Series, method_label: str) -> list[KeyFigure]:
    """The index's figures from the group row the headline states: DSO and average days delinquent."""
    method = method_label.lower()
    return [KeyFigure("dso", "DSO", float(group["dso"]), "days", "dso", SUMMARY_HEADING, method),
            KeyFigure("add", "Retard moyen de paiement (ADD)", float(group["average_days_delinquent"]), "days", "dso",
                      SUMMARY_HEADING, f"meilleur DSO possible {days(group['best_possible_dso'])}")]


def headline(group: pd.Series, method_label: str, cei_months: int, as_of: pd.Timestamp) -> str:
    """French one-paragraph summary (Markdown) of the group row of :func:`~relance_analytics.dso.dso_summary`."""
    return (f"**DSO au {as_of:%d/%m/%Y}** ({method_label.lower()}) : **{days(group['dso'])}** pour un encours de "
            f"{euros(group['receivables_cents'])} ; meilleur DSO possible {days(group['best_possible_dso'])} ; "
            f"retard moyen (ADD) {days(group['average_days_delinquent'])} ; "
            f"CEI sur {cei_months} mois : {percent(group['cei'] / 100)}.")
