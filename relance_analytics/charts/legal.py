"""Legal-figure charts: penalties by customer, agreed terms against actual payment delays, the
D441-6 brackets (French titles and axes; euros or days)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..metrics.d441 import COLUMNS as D441_COLUMNS
from ..metrics.terms_compliance import PaymentTermCaps
from .common import SEPARATORS, TOP_LEGEND, bucket_colors, euro_axis

PENALTY_COLOR = "#C62828"
INDEMNITY_COLOR = "#F57C00"
CUSTOMER_COLOR = "#1F5FAD"
REFERENCE_COLOR = "#37474F"
CAP_COLOR = "#C62828"
DAYS_SUFFIX = "\u00a0j"
#: The D441-6 brackets as the official model names them.
D441_LABELS = {"not_due": "0 jour (indicatif)", "1-30": "1 à 30 jours", "31-60": "31 à 60 jours",
               "61-90": "61 à 90 jours", "over_90": "91 jours et plus"}


def _names(frame: pd.DataFrame) -> list[str]:
    """``C0001 – Comptoir Vivarois`` for each customer row (index ``customer_id``)."""
    names = frame["customer_name"].astype("string").fillna("")
    return [f"{cid} – {name}" if name else str(cid) for cid, name in zip(frame.index.astype(str), names)]


def penalties_bar(by_customer: pd.DataFrame, title: str, top: int = 15) -> go.Figure:
    """Horizontal stacked bars of the penalties and the indemnities (€) of the ``top`` customers
    owing the most (``by_customer`` of :class:`~relance_analytics.metrics.penalties.Penalties`)."""
    table = by_customer.assign(_id=by_customer.index.astype(str)).sort_values(
        ["total_cents", "_id"], ascending=[False, True], kind="stable").head(top)
    names = _names(table)
    fig = go.Figure([
        go.Bar(y=names, x=table["penalty_cents"] / 100, name="Pénalités de retard", orientation="h",
               marker_color=PENALTY_COLOR, hovertemplate="%{y}<br>Pénalités : %{x:,.2f}\u00a0€<extra></extra>"),
        go.Bar(y=names, x=table["indemnity_cents"] / 100, name="Indemnités forfaitaires (40 € par facture)",
               orientation="h", marker_color=INDEMNITY_COLOR,
               hovertemplate="%{y}<br>Indemnités : %{x:,.2f}\u00a0€<extra></extra>"),
    ])
    fig.update_layout(barmode="stack", title=title, xaxis=euro_axis("Montant dû"), yaxis={"autorange": "reversed"},
                      legend=TOP_LEGEND, height=max(380, 28 * len(names) + 190), separators=SEPARATORS,
                      margin={"t": 110})
    return fig


def terms_scatter(by_customer: pd.DataFrame, caps: PaymentTermCaps, title: str) -> go.Figure:
    """One point per customer with payments: mean agreed term (due − invoice date) against the mean
    actual payment delay (payment − invoice date), in days; the diagonal (paid on the due date)
    and the legal cap (``caps.days`` days after the invoice) drawn for reference
    (``by_customer`` of :class:`~relance_analytics.metrics.terms_compliance.TermsVsPayments`)."""
    paid = by_customer[(by_customer["paid"] > 0).to_numpy() & by_customer["agreed_days_mean"].notna().to_numpy()]
    x = paid["agreed_days_mean"].astype("float64").to_numpy()
    y = paid["actual_days_mean"].astype("float64").to_numpy()
    wide = float(np.nanmax(np.concatenate([x, [caps.days]]))) * 1.25 if len(paid) else caps.days * 1.5
    high = float(np.nanmax(np.concatenate([y, [wide]]))) * 1.05 if len(paid) else caps.days * 1.5
    fig = go.Figure([
        go.Scatter(x=x, y=y, mode="markers", name="Clients", text=_names(paid),
                   customdata=np.stack([paid["paid"].to_numpy(dtype="int64"),
                                        paid["paid_late_share"].astype("float64").fillna(0).to_numpy() * 100], axis=-1)
                   if len(paid) else None,
                   marker={"color": CUSTOMER_COLOR, "size": 8, "opacity": 0.7},
                   hovertemplate="%{text}<br>Délai convenu moyen : %{x:.1f}\u00a0j<br>Délai constaté moyen : "
                                 "%{y:.1f}\u00a0j<br>%{customdata[0]} factures réglées, %{customdata[1]:.0f}\u00a0% "
                                 "après l'échéance<extra></extra>"),
        go.Scatter(x=[0, high], y=[0, high], mode="lines", name="Réglé à l'échéance convenue",
                   line={"color": REFERENCE_COLOR, "dash": "dash", "width": 1}, hoverinfo="skip"),
        go.Scatter(x=[caps.days, caps.days], y=[0, high], mode="lines",
                   name=f"Plafond légal : {caps.days} jours date de facture",
                   line={"color": CAP_COLOR, "dash": "dot", "width": 1}, hoverinfo="skip"),
    ])
    fig.update_layout(title=title, separators=SEPARATORS, legend=TOP_LEGEND, height=560, margin={"t": 110},
                      xaxis={"title": {"text": "Délai convenu moyen (échéance − date de facture)"},
                             "ticksuffix": DAYS_SUFFIX, "rangemode": "tozero", "range": [0, wide]},
                      yaxis={"title": {"text": "Délai de paiement constaté moyen (règlement − date de facture)"},
                             "ticksuffix": DAYS_SUFFIX, "rangemode": "tozero", "range": [0, high]})
    return fig


def d441_bars(by_bucket: pd.DataFrame, title: str, basis: str = "TTC") -> go.Figure:
    """Vertical bars of the D441-6 table's amounts per bracket (€), the not-due bracket included
    (indicative, not in the total)."""
    codes = [c for c in D441_COLUMNS if c in D441_LABELS]
    amounts = [int(by_bucket.at[c, "amount_cents"]) / 100 for c in codes]
    counts = [int(by_bucket.at[c, "invoices"]) for c in codes]
    fig = go.Figure(go.Bar(x=[D441_LABELS[c] for c in codes], y=amounts, marker_color=bucket_colors(len(codes)),
                           customdata=counts,
                           hovertemplate="%{x} : %{y:,.2f}\u00a0€ (%{customdata} factures)<extra></extra>"))
    fig.update_layout(title=title, yaxis=euro_axis(f"Montant {basis}"), separators=SEPARATORS, height=420)
    return fig
