"""Provision figures: provisions by rule, dotation/reprise bridge (French titles, euros)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..metrics.provisions import ProvisionChange
from ..text.labels import rule_label
from .common import SEPARATORS, euro_axis

JUSTIFIED_COLOR = "#1F3864"
AGE_ONLY_COLOR = "#F57C00"
INCREASE_COLOR = "#C62828"
DECREASE_COLOR = "#2E7D32"
TOTAL_COLOR = "#37474F"


def provisions_by_rule_bar(by_rule: pd.DataFrame, title: str) -> go.Figure:
    """Horizontal bars of the provision per rule (€), split between lines justified by a status or
    a customer rate and lines provisioned on their age alone; rules without provision left out."""
    table = by_rule[by_rule["provision_cents"] != 0].sort_values("provision_cents", kind="stable")
    labels = [rule_label(code) for code in table.index]
    justified = (table["provision_cents"] - table["age_only_cents"]) / 100
    fig = go.Figure([
        go.Bar(y=labels, x=justified, name="Justifiée (procédure, taux client)", orientation="h",
               marker_color=JUSTIFIED_COLOR, hovertemplate="%{y}<br>%{x:,.2f}\u00a0€<extra></extra>"),
        go.Bar(y=labels, x=table["age_only_cents"] / 100, name="Sur le seul retard (à justifier)", orientation="h",
               marker_color=AGE_ONLY_COLOR, hovertemplate="%{y}<br>%{x:,.2f}\u00a0€<extra></extra>"),
    ])
    fig.update_layout(barmode="stack", title=title, xaxis=euro_axis("Provision (base HT)"), legend_title="Provision",
                      height=max(350, 45 * len(labels) + 150), separators=SEPARATORS)
    return fig


def provision_bridge(change: ProvisionChange, title: str, previous_label: str = "Provision précédente",
                     current_label: str = "Provision actuelle") -> go.Figure:
    """Waterfall from the previous provision to the current one: + dotation, − reprise (€)."""
    t = change.total.iloc[0]
    fig = go.Figure(go.Waterfall(
        x=[previous_label, "Dotation", "Reprise", current_label],
        measure=["absolute", "relative", "relative", "total"],
        y=[t["previous_cents"] / 100, t["dotation_cents"] / 100, -t["reprise_cents"] / 100, t["current_cents"] / 100],
        increasing={"marker": {"color": INCREASE_COLOR}}, decreasing={"marker": {"color": DECREASE_COLOR}},
        totals={"marker": {"color": TOTAL_COLOR}}, texttemplate="%{y:,.0f}\u00a0€", textposition="outside",
        hovertemplate="%{x} : %{y:,.2f}\u00a0€<extra></extra>",
    ))
    fig.update_layout(title=title, yaxis=euro_axis("Provision"), showlegend=False, height=450, separators=SEPARATORS)
    return fig
