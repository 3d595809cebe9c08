"""Shared chart settings: palette, French number separators, euro axes."""

from __future__ import annotations

from typing import Any

BUCKET_COLORS = ["#2E7D32", "#9CCC65", "#FFEB3B", "#FFB300", "#F57C00", "#C62828", "#6A1B9A", "#37474F"]
#: plotly ``separators``: decimal comma, narrow no-break space between thousands (as ``french.euros``)
SEPARATORS = ",\u202f"
EURO_SUFFIX = "\u00a0€"


def bucket_colors(n: int) -> list[str]:
    """``n`` colours from green (young) to red/purple (old)."""
    return (BUCKET_COLORS * (n // len(BUCKET_COLORS) + 1))[:n]


def euro_axis(title: str, **extra: Any) -> dict[str, Any]:
    """A plotly axis of whole euros: ticks ``1 250 000 €`` (with the figure's :data:`SEPARATORS`),
    never ``1.25M``."""
    return {"title": {"text": title}, "tickformat": ",.0f", "ticksuffix": EURO_SUFFIX, **extra}


#: A horizontal legend above the plotting area, left-aligned: it never covers an axis on the right.
TOP_LEGEND = {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"}
