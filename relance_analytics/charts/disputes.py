"""Dispute figures: disputed amount by type and age, cycle-time trend (French titles, euros)."""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .. import vocab
from ..config import Buckets
from ..metrics.disputes import DisputeSummary
from .common import SEPARATORS, euro_axis

TYPE_COLORS = {"administrative": "#5C6BC0", "commercial": "#F57C00", "technical": "#00897B"}


def disputes_by_type_and_age(summary: DisputeSummary, buckets: Buckets, title: str) -> go.Figure:
    """Stacked bars: disputed amount (€) per age bucket of the disputed item, one colour per type."""
    table = summary.by_type_and_bucket
    fig = go.Figure()
    for code in table.index:
        french = vocab.DISPUTE_TYPE.get(code, code)
        fig.add_trace(go.Bar(x=buckets.french_labels, y=table.loc[code, buckets.labels] / 100, name=french,
                             marker_color=TYPE_COLORS.get(code),
                             hovertemplate="%{x}<br>" + french + " : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(barmode="stack", title=title, xaxis_title="Ancienneté de la pièce en litige",
                      yaxis=euro_axis("Montant en litige TTC"), legend_title="Type de litige", height=420,
                      separators=SEPARATORS)
    return fig


def cycle_time_trend(summary: DisputeSummary, title: str) -> go.Figure:
    """Mean and median dispute duration (days) by month of resolution; bars: disputes resolved."""
    trend = summary.cycle_trend
    months = [f"{m:%m/%Y}" for m in trend.index]
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=months, y=trend["resolved"], name="Litiges résolus", marker_color="#CFD8DC",
                         hovertemplate="%{x} : %{y} litiges résolus<extra></extra>"), secondary_y=True)
    for col, name, color in (("mean_days", "Durée moyenne", "#1F3864"), ("median_days", "Durée médiane", "#F57C00")):
        fig.add_trace(go.Scatter(x=months, y=trend[col], name=name, mode="lines+markers", line_color=color,
                                 hovertemplate="%{x} : %{y:.0f} j<extra></extra>"), secondary_y=False)
    fig.update_layout(title=title, xaxis_title="Mois de résolution", legend_title="", height=420,
                      separators=SEPARATORS)
    fig.update_yaxes(title_text="Durée ouverture → résolution (jours)", secondary_y=False, rangemode="tozero",
                     ticksuffix="\u00a0j")
    # whole disputes on the right axis (left alone, plotly syncs its ticks to the left one: 2,93, 3,91…)
    step = max(1, math.ceil(float(trend["resolved"].max() if len(trend) else 0) / 5))
    fig.update_yaxes(title_text="Litiges résolus", secondary_y=True, showgrid=False, rangemode="tozero",
                     tickmode="linear", tick0=0, dtick=step)
    return fig
