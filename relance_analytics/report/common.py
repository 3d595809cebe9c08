"""French display helpers shared by every report section."""

from __future__ import annotations

import html
import math
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def euros(cents: int | float) -> str:
    """French display of an amount in cents: ``1 234 567,89 €`` (narrow no-break spaces)."""
    value = int(cents)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    return f"{sign}{whole:,}".replace(",", "\u202f") + f",{frac:02d}\u00a0€"


def percent(share: float | None, digits: int = 1) -> str:
    """``0.1234`` → ``12,3 %``; empty for a missing share."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return f"{share * 100:.{digits}f}".replace(".", ",") + "\u00a0%"


def count(n: int) -> str:
    """``4514`` → ``4 514`` (narrow no-break space as thousands separator)."""
    return f"{int(n):,}".replace(",", "\u202f")


def markdown_text(value: object) -> str:
    """Untrusted text (a customer or collector name) made inert for a Markdown cell: HTML
    escaped, Markdown punctuation backslashed, line breaks as spaces."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))
