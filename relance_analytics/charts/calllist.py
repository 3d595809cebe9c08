"""Call-list figures: rows per rule and list, amounts per collector and list (French titles, euros)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from ..calllist.build import LISTS, CallList
from ..text.labels import AMOUNT_LISTS
from .common import SEPARATORS, euro_axis

#: One colour per list, by the key of ``calllist.build.LISTS``.
LIST_COLORS = {"calls": "#1F3864", "deferred": "#90A4AE", "disputes": "#F57C00", "formal_notices": "#C62828",
               "litigation": "#6A1B9A", "claims": "#37474F", "insurance": "#00838F"}


def rows_per_rule(cl: CallList, title: str) -> go.Figure:
    """Stacked bars: rows carrying each rule (x), one colour per list (``CallList.reason_counts``)."""
    counts = cl.reason_counts
    x = [f"{rule} {label}" for rule, label in zip(counts.index, counts["label"])]
    fig = go.Figure()
    for key, name in LISTS.items():
        if name in counts and counts[name].sum():
            fig.add_trace(go.Bar(x=x, y=counts[name], name=name, marker_color=LIST_COLORS[key],
                                 hovertemplate="%{x}<br>" + name + " : %{y} lignes<extra></extra>"))
    fig.update_layout(barmode="stack", title=title, xaxis_title="Règle", yaxis_title="Lignes",
                      legend_title="Liste", height=440, separators=SEPARATORS)
    return fig


def amount_per_collector(amounts: pd.DataFrame, title: str) -> go.Figure:
    """Stacked bars: amount (€) per collector (x), one colour per list; ``amounts`` in cents with
    the list keys as columns (``report.calllist.amounts_by_list``)."""
    fig = go.Figure()
    for key in amounts.columns:
        if amounts[key].sum():
            name = AMOUNT_LISTS.get(key, key)
            fig.add_trace(go.Bar(x=list(amounts.index), y=amounts[key] / 100, name=name,
                                 marker_color=LIST_COLORS.get(key),
                                 hovertemplate="%{x}<br>" + name + " : %{y:,.2f}\u00a0€<extra></extra>"))
    fig.update_layout(barmode="stack", title=title, xaxis_title="Recouvreur", yaxis=euro_axis("Montant TTC"),
                      legend_title="Liste", height=440, separators=SEPARATORS)
    return fig
