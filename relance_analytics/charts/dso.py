"""DSO figures (French titles; days on the axes)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .common import SEPARATORS

LINE_COLORS = {"dso": "#1F3864", "best_possible_dso": "#2E7D32", "average_days_delinquent": "#C62828"}
SHORT_LABELS = {"dso": "DSO", "best_possible_dso": "Meilleur DSO possible",
                "average_days_delinquent": "Retard moyen (ADD)"}


def dso_trend_lines(trend: pd.DataFrame,
                    title: str = "DSO, meilleur DSO possible et retard moyen par mois") -> go.Figure:
    """Lines of DSO, best possible DSO and ADD (days) for each month of a group-level
    :func:`~relance_analytics.dso.dso_trend` (x: date of the month's last balance)."""
    fig = go.Figure()
    for col, color in LINE_COLORS.items():
        fig.add_trace(go.Scatter(
            x=trend["as_of"], y=trend[col], name=SHORT_LABELS[col], mode="lines+markers+text",
            line={"color": color, "width": 3 if col == "dso" else 2, "dash": "dot" if col != "dso" else "solid"},
            texttemplate="%{y:.1f}", textposition="top center",
            hovertemplate="%{x|%d/%m/%Y}<br>" + SHORT_LABELS[col] + " : %{y:.1f} j<extra></extra>"))
    fig.update_layout(title=title, yaxis_title="Jours", xaxis_title="Dernière balance du mois",
                      xaxis={"tickformat": "%d/%m/%Y", "tickvals": list(trend["as_of"])},
                      yaxis={"rangemode": "tozero", "ticksuffix": "\u00a0j"}, legend_title="Indicateur", height=450,
                      separators=SEPARATORS)
    return fig


def dso_by_collector_bars(by_collector: pd.DataFrame, title: str = "DSO par recouvreur") -> go.Figure:
    """Grouped bars per collector, highest DSO first: DSO and best possible DSO (days); the gap
    between them is the ADD."""
    table = by_collector.sort_values("dso", ascending=False, kind="stable")
    names = [str(i) for i in table.index]
    fig = go.Figure()
    for col in ("dso", "best_possible_dso"):
        fig.add_trace(go.Bar(
            x=names, y=table[col], name=SHORT_LABELS[col], marker_color=LINE_COLORS[col],
            texttemplate="%{y:.1f}", textposition="outside",
            hovertemplate="%{x}<br>" + SHORT_LABELS[col] + " : %{y:.1f} j<extra></extra>"))
    fig.update_layout(title=title, barmode="group", yaxis={"title": {"text": "Jours"}, "ticksuffix": "\u00a0j"},
                      xaxis_title="Recouvreur",
                      legend_title="Indicateur", height=450, separators=SEPARATORS)
    return fig
