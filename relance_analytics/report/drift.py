"""Receivables drift for people: French labels, screen tables and the drift.xlsx workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Buckets
from ..io.excel import Sheet, write_workbook
from ..metrics.drift import Drift
from ..text.labels import FLOW_LABELS, bridge_labels, bucket_names, transition_labels
from .aging import balance_headers
from .common import euros, percent, signed_euros
from .index import KeyFigure

ROLL_HEADERS = {"from_bucket": "Tranche précédente", "to_bucket": "Tranche suivante",
                "base_cents": "Encours encore ouvert", "rolled_cents": "Dont vieilli", "rate": "Taux de roulement"}
BRIDGE_HEADERS = {"component": "Composante", "cents": "Montant TTC"}


def matrix_table(d: Drift) -> pd.DataFrame:
    """The migration matrix in cents with French row/column labels and a ``Total`` column
    (row sums: the previous bucket totals, then each inflow)."""
    names = {**bucket_names(d.buckets), **FLOW_LABELS}
    table = d.matrix.rename(index=names, columns=names)
    table["Total"] = d.matrix.sum(axis=1).to_numpy()
    table.index.name = f"Au {d.previous_as_of:%d/%m/%Y} \\ au {d.current_as_of:%d/%m/%Y}"
    table.columns.name = None
    return table


def display_matrix(d: Drift) -> pd.DataFrame:
    """The matrix for the screen: euros as French text, with a totals row (column sums). A cell
    through which no money moved is blank (a flow of zero is no flow); the totals always show."""
    table = matrix_table(d)
    table.loc["Total"] = table.sum().to_numpy()
    out = table.map(euros)
    flows = [c for c in table.columns if c != "Total"]
    cells = out.iloc[:-1][flows]
    out.loc[out.index[:-1], flows] = cells.where(table.iloc[:-1][flows] != 0, "")
    return out


def roll_rates_table(d: Drift) -> pd.DataFrame:
    """Roll rates with French bucket names (cents and float rate kept for the workbook)."""
    names = bucket_names(d.buckets)
    out = d.roll_rates.reset_index()
    out["from_bucket"] = out["from_bucket"].map(names)
    out["to_bucket"] = out["to_bucket"].map(names)
    return out


def display_roll_rates(d: Drift) -> pd.DataFrame:
    """Roll rates for the screen (euros, percentages, French headers)."""
    out = roll_rates_table(d)
    for col in ("base_cents", "rolled_cents"):
        out[col] = out[col].map(euros)
    out["rate"] = out["rate"].map(percent)
    return out.rename(columns=ROLL_HEADERS)


def bridge_table(d: Drift) -> pd.DataFrame:
    """The overdue bridge with French component labels (cents)."""
    out = d.bridge[["component", "cents"]].copy()
    out["component"] = out["component"].map(bridge_labels(d))
    return out


def display_bridge(d: Drift) -> pd.DataFrame:
    """The overdue bridge for the screen."""
    out = bridge_table(d)
    out["cents"] = out["cents"].map(euros)
    return out.rename(columns=BRIDGE_HEADERS)


def trend_headers(buckets: Buckets) -> dict[str, str]:
    """Column code → French header of a bucket trend."""
    return {"as_of": "Date de la balance", **balance_headers(buckets)}


def display_trend(trend: pd.DataFrame, buckets: Buckets) -> pd.DataFrame:
    """The bucket trend for the screen (one row per week, euros and shares as French text)."""
    out = trend.reset_index()
    out["as_of"] = out["as_of"].dt.strftime("%d/%m/%Y")
    for col in [*buckets.labels, "total", "overdue"]:
        out[col] = out[col].map(euros)
    out["overdue_share"] = out["overdue_share"].map(percent)
    return out.rename(columns=trend_headers(buckets))


def roll_history_table(history: pd.DataFrame, buckets: Buckets) -> pd.DataFrame:
    """Roll rates week by week with French transition headers."""
    return history.reset_index().rename(columns={"as_of": "Date de la balance", **transition_labels(buckets)})


def write_drift(path: str | Path, trend: pd.DataFrame, buckets: Buckets, d: Drift | None = None,
                roll_history: pd.DataFrame | None = None) -> Path:
    """``drift.xlsx``: migration matrix, roll rates, overdue bridge (when a previous snapshot
    exists, ``d``), the bucket trend and the roll rates week by week (when given)."""
    sheets: list[Sheet] = []
    if d is not None:
        period = f"du {d.previous_as_of:%d/%m/%Y} au {d.current_as_of:%d/%m/%Y}"
        matrix = matrix_table(d).reset_index()
        sheets += [
            Sheet("Matrice", matrix, money=list(matrix.columns[1:]), total_label="Total",
                  title=f"Glissement des créances {period} (lignes : tranche précédente, colonnes : tranche actuelle)"),
            Sheet("Taux de roulement", roll_rates_table(d), headers=ROLL_HEADERS,
                  money=["base_cents", "rolled_cents"], percent=["rate"],
                  title=f"Taux de roulement {period} (part de l'encours encore ouvert passée dans une "
                        "tranche plus ancienne)"),
            Sheet("Pont de l'échu", bridge_table(d), headers=BRIDGE_HEADERS, money=["cents"],
                  title=f"Passage de l'échu {period}"),
        ]
    sheets.append(Sheet("Tendance", trend.reset_index(), headers=trend_headers(buckets),
                        money=[*buckets.labels, "total", "overdue"], percent=["overdue_share"],
                        dates=["as_of"], title="Balance âgée semaine par semaine"))
    if roll_history is not None and len(roll_history):
        table = roll_history_table(roll_history, buckets)
        sheets.append(Sheet("Roulement par semaine", table, percent=list(table.columns[1:]), dates=[table.columns[0]],
                            title="Taux de roulement semaine par semaine"))
    return write_workbook(path, sheets)


def overdue_change(d: Drift) -> tuple[int, int]:
    """(previous, current) overdue totals of the bridge, cents."""
    cents = d.bridge.set_index("component")["cents"]
    return int(cents["previous_overdue"]), int(cents["current_overdue"])


#: The heading of the drift page, whose headline states the figure of the index.
TITLE_HEADING = "Glissement des créances"


def key_figures(d: Drift | None) -> list[KeyFigure]:
    """The index's figure: the week's change of the overdue total, as the headline states it."""
    if d is None:
        return []
    before, now = overdue_change(d)
    return [KeyFigure("overdue_change", f"Variation de l'échu depuis le {d.previous_as_of:%d/%m/%Y}", now - before,
                      "signed_euros", "drift", TITLE_HEADING,
                      f"échu {euros(before)} → {euros(now)}")]


def headline(d: Drift | None, previous_as_of: pd.Timestamp | None, as_of: pd.Timestamp) -> str:
    """French summary of the drift between two snapshots (Markdown), or why there is none."""
    if d is None or previous_as_of is None:
        return (f"**Aucune balance antérieure au {as_of:%d/%m/%Y} dans l'historique** : le glissement "
                "se calcule entre deux balances successives. Il sera disponible après l'intégration de l'export "
                "de la semaine prochaine ; seule la tendance (une semaine) est présentée ci-dessous.")
    return (f"**Glissement du {previous_as_of:%d/%m/%Y} au {as_of:%d/%m/%Y}** – encours "
            f"{euros(d.previous_total)} → {euros(d.current_total)} : soldé {euros(d.flow('paid_gone'))}, "
            f"règlements partiels et imputations {euros(d.flow('reduced'))}, nouvelles factures "
            f"{euros(d.flow('new'))}, nouveaux avoirs {euros(d.flow('new_credit'))}, augmentations "
            f"{euros(d.flow('increased'))}. Le total actuel se retrouve au centime près.\n\n" + _overdue_sentence(d))


def _overdue_sentence(d: Drift) -> str:
    before, now = overdue_change(d)
    return (f"**Échu** : {euros(before)} → {euros(now)}, soit une variation de **{signed_euros(now - before)}** "
            "sur la semaine.")
