"""Shared chart settings: palette and French number separators."""

from __future__ import annotations

BUCKET_COLORS = ["#2E7D32", "#9CCC65", "#FFEB3B", "#FFB300", "#F57C00", "#C62828", "#6A1B9A", "#37474F"]
SEPARATORS = ", "   # decimal comma, narrow thousands separator (plotly `separators`)


def bucket_colors(n: int) -> list[str]:
    """``n`` colours from green (young) to red/purple (old)."""
    return (BUCKET_COLORS * (n // len(BUCKET_COLORS) + 1))[:n]
