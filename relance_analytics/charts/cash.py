"""Cash-in charts: the forecast beside the past weeks' collections, and the collectors' weekly
collections (French titles and axes; euros)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..metrics.forecast import CashForecast
from .common import SEPARATORS, TOP_LEGEND, euro_axis

PAST_COLOR = "#37474F"
FORECAST_COLOR = "#1F5FAD"


def forecast_chart(past: pd.DataFrame, fc: CashForecast, title: str) -> go.Figure:
    """Bars of what each past week collected (:func:`~relance_analytics.metrics.forecast.past_collections`)
    then of each forecast week's expected cash-in, with its low–high band as an error bar; each
    bar at its week's last day."""
    w = fc.weeks
    expected = w["expected_cents"].to_numpy(dtype="int64") / 100
    fig = go.Figure([
        go.Bar(x=past["end"], y=past["collected_cents"] / 100, name="Encaissé (semaines passées)",
               marker_color=PAST_COLOR, hovertemplate="Semaine au %{x|%d/%m/%Y}<br>Encaissé : %{y:,.2f}\u00a0€"
                                                      "<extra></extra>"),
        go.Bar(x=w["end"], y=expected, name="Prévu (hypothèses basse et haute en trait)", marker_color=FORECAST_COLOR,
               error_y={"type": "data", "symmetric": False,
                        "array": w["high_cents"].to_numpy(dtype="int64") / 100 - expected,
                        "arrayminus": expected - w["low_cents"].to_numpy(dtype="int64") / 100},
               hovertemplate="Semaine au %{x|%d/%m/%Y}<br>Prévu : %{y:,.2f}\u00a0€<extra></extra>"),
    ])
    fig.add_vline(x=fc.as_of.timestamp() * 1000, line_dash="dot", line_color=PAST_COLOR)
    fig.update_layout(title=title, yaxis=euro_axis("Montant par semaine"), xaxis={"tickformat": "%d/%m/%Y"},
                      legend=TOP_LEGEND, separators=SEPARATORS, margin={"t": 110}, bargap=0.15)
    return fig


def collectors_chart(performance: pd.DataFrame, title: str) -> go.Figure:
    """One line per collector: the money collected within the window after its calls, week by week
    (:func:`~relance_analytics.metrics.collectors.collector_performance`)."""
    fig = go.Figure()
    for collector, rows in performance.groupby(level="collector", sort=True):
        ends = rows.index.get_level_values("week_end")
        fig.add_trace(go.Scatter(x=ends, y=rows["collected_cents"].to_numpy(dtype=np.int64) / 100, mode="lines+markers",
                                 name=str(collector),
                                 hovertemplate="%{fullData.name}<br>Semaine au %{x|%d/%m/%Y}<br>Encaissé après "
                                               "appel : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(title=title, yaxis=euro_axis("Encaissé dans les 14 jours après un appel"),
                      xaxis={"tickformat": "%d/%m/%Y"}, legend=TOP_LEGEND, separators=SEPARATORS, margin={"t": 110})
    return fig
