"""French display helpers shared by every report section."""

from __future__ import annotations

import html
import re

from ..french import count, euros, percent

__all__ = ["count", "euros", "markdown_text", "percent"]

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def markdown_text(value: object) -> str:
    """Untrusted text (a customer or collector name) made inert for a Markdown cell: HTML
    escaped, Markdown punctuation backslashed, line breaks as spaces."""
    text = " ".join(str(value).split())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False))
