"""Aged-balance figures (French titles; amounts in euros on the axes)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..config import Buckets
from .common import SEPARATORS, bucket_colors, euro_axis


def aged_balance_bars(balance: pd.DataFrame, buckets: Buckets, title: str, top: int | None = None) -> go.Figure:
    """Stacked horizontal bars: one bar per group of an aged balance, one colour per bucket (€)."""
    table = balance.head(top) if top else balance
    names = [" – ".join(str(x) for x in (i if isinstance(i, tuple) else (i,)) if str(x)) for i in table.index]
    fig = go.Figure()
    for label, french, color in zip(buckets.labels, buckets.french_labels, bucket_colors(len(buckets.labels))):
        fig.add_trace(go.Bar(y=names, x=table[label] / 100, name=french, orientation="h", marker_color=color,
                             hovertemplate="%{y}<br>" + french + " : %{x:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(barmode="relative", title=title, xaxis=euro_axis("Montant TTC"),
                      yaxis={"autorange": "reversed"}, legend_title="Tranche d'âge",
                      height=max(350, 28 * len(names) + 150), separators=SEPARATORS)
    return fig


def bucket_totals_bar(balance_total: pd.DataFrame, buckets: Buckets, title: str) -> go.Figure:
    """Vertical bars of the grand total per bucket (€), youngest to oldest."""
    row = balance_total.iloc[0]
    fig = go.Figure(go.Bar(x=buckets.french_labels, y=[row[b] / 100 for b in buckets.labels],
                           marker_color=bucket_colors(len(buckets.labels)),
                           hovertemplate="%{x} : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(title=title, yaxis=euro_axis("Montant TTC"), separators=SEPARATORS, height=400)
    return fig
