"""Drift figures: bucket trend over the weeks, roll-rate heatmap, overdue bridge waterfall
(French titles; amounts in euros)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..config import Buckets
from ..metrics.drift import Drift
from ..text.labels import bridge_labels, transition_labels
from .common import SEPARATORS, TOP_LEGEND, bucket_colors, euro_axis


def bucket_trend_bars(trend: pd.DataFrame, buckets: Buckets,
                      title: str = "Balance âgée semaine par semaine") -> go.Figure:
    """Stacked bars of each bucket per as-of date (€) with the overdue share as a line (right axis)."""
    weeks = [f"{d:%d/%m/%Y}" for d in trend.index]
    fig = go.Figure()
    for label, french, color in zip(buckets.labels, buckets.french_labels, bucket_colors(len(buckets.labels))):
        fig.add_trace(go.Bar(x=weeks, y=trend[label] / 100, name=french, marker_color=color,
                             hovertemplate="%{x}<br>" + french + " : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.add_trace(go.Scatter(x=weeks, y=trend["overdue_share"] * 100, name="Part échue", yaxis="y2",
                             mode="lines+markers", line={"color": "#000000", "width": 2},
                             hovertemplate="%{x}<br>Part échue : %{y:.1f}\u00a0%<extra></extra>"))
    # the legend goes above the plot: on the right (plotly's default) it covered the share's axis
    fig.update_layout(barmode="relative", title=title, xaxis_title="Date de la balance",
                      yaxis=euro_axis("Montant TTC"), legend={**TOP_LEGEND, "title": {"text": "Tranche d'âge"}},
                      separators=SEPARATORS,
                      yaxis2={"title": {"text": "Part échue"}, "overlaying": "y", "side": "right",
                              "rangemode": "tozero", "showgrid": False, "ticksuffix": "\u00a0%",
                              "tickmode": "linear", "tick0": 0, "dtick": 10},
                      margin={"t": 110}, height=520)
    return fig


def roll_rate_heatmap(history: pd.DataFrame, buckets: Buckets,
                      title: str = "Taux de roulement semaine par semaine") -> go.Figure:
    """Heatmap of roll rates: one row per week (the later snapshot), one column per transition (%)."""
    names = transition_labels(buckets)
    columns = list(history.columns)
    z = (history[columns] * 100).to_numpy()
    fig = go.Figure(go.Heatmap(
        z=z, x=[names[c] for c in columns], y=[f"{d:%d/%m/%Y}" for d in history.index],
        colorscale="OrRd", zmin=0, zmax=100, colorbar={"title": "%"},
        texttemplate="%{z:.0f}\u00a0%", hovertemplate="Semaine au %{y}<br>%{x} : %{z:.1f}\u00a0%<extra></extra>"))
    fig.update_layout(title=title, xaxis_title="Passage de tranche", yaxis_title="Semaine au",
                      yaxis={"autorange": "reversed", "type": "category"}, separators=SEPARATORS,
                      height=max(350, 26 * len(history) + 170))
    return fig


def overdue_bridge_waterfall(d: Drift, title: str | None = None) -> go.Figure:
    """Waterfall from the previous overdue total to the current one (€)."""
    labels = bridge_labels(d)
    bridge = d.bridge
    fig = go.Figure(go.Waterfall(
        x=[labels[c] for c in bridge["component"]], y=bridge["cents"] / 100, measure=list(bridge["measure"]),
        text=[f"{v / 100:,.0f}\u00a0€".replace(",", "\u202f") for v in bridge["cents"]], textposition="outside",
        increasing={"marker": {"color": "#C62828"}}, decreasing={"marker": {"color": "#2E7D32"}},
        totals={"marker": {"color": "#1F3864"}}, connector={"line": {"color": "#9E9E9E"}},
        hovertemplate="%{x} : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(title=title or f"Passage de l'échu du {d.previous_as_of:%d/%m/%Y} au {d.current_as_of:%d/%m/%Y}",
                      yaxis=euro_axis("Montant TTC"), separators=SEPARATORS, showlegend=False, height=450)
    return fig
