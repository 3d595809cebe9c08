"""Disputes for people: French labels, the dispute list, the disputes.xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import vocab
from ..config import Buckets
from ..io.excel import Sheet, write_workbook
from ..metrics.disputes import DisputeSummary
from .common import count, days, euros, percent, screen
from .index import KeyFigure

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

LIST_HEADERS = {
    "dispute_id": "N° litige", "customer_id": "Code client", "customer_name": "Raison sociale",
    "collector": "Recouvreur", "document_id": "N° pièce", "dispute_type": "Type", "opened": "Ouvert le",
    "days_open": "Jours ouvert", "amount_cents": "Montant du litige",
    "item_open_cents": "Solde de la pièce", "disputed_cents": "Montant en litige", "item_open": "Pièce ouverte",
    "due_date": "Échéance", "days_past_due": "Jours de retard", "bucket": "Tranche", "owner": "Responsable",
    "owner_phone": "Téléphone responsable", "owner_email": "E-mail responsable", "reason": "Motif",
    "resolved": "Résolu le", "cycle_days": "Durée (jours)",
}
TYPE_HEADERS = {"dispute_type": "Type de litige", "disputes": "Litiges ouverts", "disputed_cents": "Montant en litige",
                "total": "Total"}
CYCLE_HEADERS = {"group": "Périmètre", "month": "Mois de résolution", "resolved": "Litiges résolus",
                 "mean_days": "Durée moyenne (j)", "median_days": "Durée médiane (j)"}
OVERDUE_HEADERS = {"overdue_cents": "Total échu", "disputed_overdue_cents": "Échu en litige",
                   "disputed_share": "Part de l'échu en litige", "disputed_cents": "Total en litige",
                   "open_disputes": "Litiges ouverts"}


def _yes(flag: pd.Series) -> pd.Series:
    return flag.map({True: "oui", False: "non"}).astype("string")


def _type_labels(codes: pd.Series | pd.Index) -> list[str]:
    return [vocab.DISPUTE_TYPE.get(str(c), str(c)) for c in codes]


def dispute_list(summary: DisputeSummary, buckets: Buckets) -> pd.DataFrame:
    """Open disputes, oldest first, with French type and bucket labels and oui/blank flags."""
    out = summary.open.copy()
    out["dispute_type"] = pd.array(_type_labels(out["dispute_type"]), dtype="string")
    french = dict(zip(buckets.labels, buckets.french_labels))
    out["bucket"] = out["bucket"].astype("string").map(french).astype("string")
    out["long_open"] = _yes(out["long_open"])
    out["item_open"] = out["item_open"].map({True: "oui", False: "non – à clôturer"}).astype("string")
    return out


def display_list(summary: DisputeSummary, buckets: Buckets) -> pd.DataFrame:
    """The dispute list for the screen: the columns a collector needs, euros as text."""
    out = dispute_list(summary, buckets)
    cols = ["dispute_id", "customer_name", "document_id", "dispute_type", "opened", "days_open", "long_open",
            "disputed_cents", "bucket", "owner", "owner_phone", "owner_email", "item_open"]
    out = out[cols].assign(disputed_cents=out["disputed_cents"].map(euros),
                           opened=out["opened"].dt.strftime("%d/%m/%Y"))
    return out.rename(columns={**LIST_HEADERS, "long_open": _long_header(summary)})


def highlight_long(table: pd.DataFrame, summary: DisputeSummary) -> Styler:
    """The screen dispute list (:func:`~relance_analytics.report.common.screen`) with the disputes
    open for too long highlighted."""
    flag = _long_header(summary)
    return screen(table).apply(lambda row: ["background-color: #FDE2E1" if row[flag] == "oui" else ""] * len(row),
                               axis=1)


def _long_header(summary: DisputeSummary) -> str:
    return f"Ouvert depuis plus de {summary.long_days} j"


def display_by_type(summary: DisputeSummary, buckets: Buckets) -> pd.DataFrame:
    """Disputed amount by type and age bucket for the screen (euros as text, French headers): a
    bucket without any amount in dispute of that type is blank (disputed amounts are never
    negative), the type's total always shows."""
    table = summary.by_type_and_bucket
    out = table.map(euros)
    out[buckets.labels] = out[buckets.labels].where(table[buckets.labels] != 0, "")
    out.index = pd.Index(_type_labels(table.index), name=TYPE_HEADERS["dispute_type"])
    out.insert(0, TYPE_HEADERS["disputes"], summary.by_type["disputes"].to_numpy())
    return out.rename(columns={**dict(zip(buckets.labels, buckets.french_labels)), "total": "Total"})


def display_cycle_time(summary: DisputeSummary) -> pd.DataFrame:
    """Cycle time of the resolved disputes for the screen: count, mean and median in days."""
    c = summary.cycle_time.iloc[0]
    return pd.DataFrame([{CYCLE_HEADERS["group"]: "Tous les litiges résolus",
                          CYCLE_HEADERS["resolved"]: count(int(c["resolved"])),
                          CYCLE_HEADERS["mean_days"]: days(c["mean_days"]),
                          CYCLE_HEADERS["median_days"]: days(c["median_days"])}])


#: The heading of the disputes page, whose headline states the figures of the index.
TITLE_HEADING = "Litiges"


def key_figures(summary: DisputeSummary) -> list[KeyFigure]:
    """The index's figures from the row the headline states: open disputes and the amount in dispute."""
    o = summary.overdue.iloc[0]
    return [KeyFigure("open_disputes", "Litiges ouverts", int(o["open_disputes"]), "count", "disputes", TITLE_HEADING,
                      f"dont {count(int(o['long_open']))} ouverts depuis plus de {summary.long_days} jours"),
            KeyFigure("disputed", "Montant en litige", int(o["disputed_cents"]), "euros", "disputes", TITLE_HEADING,
                      f"{percent(o['disputed_share'])} de l'échu est en litige")]


def headline(summary: DisputeSummary) -> str:
    """One French sentence: open disputes, amount, share of overdue, long disputes, cycle time."""
    o = summary.overdue.iloc[0]
    c = summary.cycle_time.iloc[0]
    cycle = (f" Durée moyenne des litiges résolus : {c['mean_days']:.0f} j (médiane {c['median_days']:.0f} j, "
             f"{int(c['resolved'])} litiges)." if c["resolved"] else " Aucun litige résolu à cette date.")
    return (f"**{count(int(o['open_disputes']))} litiges ouverts au {summary.as_of:%d/%m/%Y}** pour "
            f"{euros(o['disputed_cents'])} en litige ; {euros(o['disputed_overdue_cents'])} de l'échu est en litige, "
            f"soit {percent(o['disputed_share'])} du total échu ({euros(o['overdue_cents'])}). "
            f"Litiges ouverts depuis plus de {summary.long_days} jours : {count(int(o['long_open']))}." + cycle)


def write_disputes(path: str | Path, summary: DisputeSummary, buckets: Buckets) -> Path:
    """``disputes.xlsx``: synthesis, amount by type and age, open disputes (oldest first, long ones
    flagged), resolved disputes with their cycle time, monthly cycle-time trend."""
    when = f"au {summary.as_of:%d/%m/%Y}"
    by_type = summary.by_type.join(summary.by_type_and_bucket).reset_index()
    by_type["dispute_type"] = _type_labels(by_type["dispute_type"])
    bucket_headers = dict(zip(buckets.labels, buckets.french_labels))
    resolved = summary.resolved.drop(columns=["source_row"], errors="ignore")
    resolved["dispute_type"] = pd.array(_type_labels(resolved["dispute_type"]), dtype="string")
    trend = summary.cycle_trend.round(1).reset_index()
    trend["month"] = trend["month"].dt.strftime("%m/%Y")
    synthesis = summary.overdue.join(summary.cycle_time.round(1)).reset_index(drop=True)
    long = {"long_open": _long_header(summary)}
    return write_workbook(path, [
        Sheet("Synthèse", synthesis, headers={**OVERDUE_HEADERS, **CYCLE_HEADERS, **long},
              money=["overdue_cents", "disputed_overdue_cents", "disputed_cents"], percent=["disputed_share"],
              title=f"Litiges ouverts {when}"),
        Sheet("Par type et tranche", by_type, headers={**TYPE_HEADERS, **bucket_headers, **long},
              money=[*buckets.labels, "disputed_cents", "total"], sum_columns=["disputes", "long_open"],
              total_label="Total", title=f"Montant en litige par type et tranche d'âge de la pièce {when}"),
        Sheet("Litiges ouverts", dispute_list(summary, buckets), headers={**LIST_HEADERS, **long},
              money=["amount_cents", "item_open_cents", "disputed_cents"],
              title=f"Litiges ouverts {when}, du plus ancien au plus récent (totaux : onglets Synthèse et Par type)"),
        Sheet("Litiges résolus", resolved, headers=LIST_HEADERS, money=["amount_cents"],
              title=f"Litiges résolus jusqu'au {summary.as_of:%d/%m/%Y} et leur durée"),
        Sheet("Durée par mois", trend, headers=CYCLE_HEADERS, sum_columns=["resolved"],
              title="Durée des litiges (ouverture → résolution) par mois de résolution"),
    ])
