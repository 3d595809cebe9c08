"""French display of numbers, amounts and dates (no project imports: every layer may use it).

Amounts arrive as integer cents and are shown exactly (``1 234 567,89 €``): no float is ever
formatted for money. Thousands are separated by a narrow no-break space, the currency sign by
a no-break space, as French typography and Excel's French locale do.
"""

from __future__ import annotations

import datetime as dt
import math

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
CURRENCY_SIGNS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "JPY": "¥"}


def count(n: int) -> str:
    """``4514`` → ``4 514`` (narrow no-break space as thousands separator)."""
    return f"{int(n):,}".replace(",", NARROW_NBSP)


def euros(cents: int | float, currency: str = "EUR") -> str:
    """An amount in cents: ``1 234 567,89 €`` (``-12,50 $`` for ``currency="USD"``)."""
    value = int(cents)
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), 100)
    symbol = CURRENCY_SIGNS.get(currency, currency)
    return f"{sign}{count(whole)},{frac:02d}{NBSP}{symbol}"


def signed_euros(cents: int, currency: str = "EUR") -> str:
    """Like :func:`euros` with an explicit sign: ``+1 234,00 €``, ``-0,10 €``."""
    text = euros(cents, currency)
    return text if int(cents) < 0 else "+" + text


def percent(share: float | None, digits: int = 1) -> str:
    """``0.1234`` → ``12,3 %``; empty for a missing share."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return ""
    return f"{share * 100:.{digits}f}".replace(".", ",") + f"{NBSP}%"


def decimal(value: float, digits: int = 2) -> str:
    """``76.714`` → ``76,71``."""
    return f"{value:.{digits}f}".replace(".", ",")


def day(value: object) -> str:
    """A date as ``20/11/2026`` (anything pandas or datetime gives)."""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    return str(value)


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")


def long_day(value: dt.date) -> str:
    """``2026-08-01`` → ``1er août 2026``."""
    return f"{'1er' if value.day == 1 else value.day} {MONTHS[value.month - 1]} {value.year}"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``plural(1, "pièce")`` → ``1 pièce``; ``plural(3, "pièce")`` → ``3 pièces``."""
    word = singular if abs(int(n)) <= 1 else (plural_form or singular + "s")
    return f"{count(n)} {word}"


def quote(text: object) -> str:
    """A value as typed in a file, between French quotes: ``« Echéance le »``."""
    return f"« {text} »"


def value_text(value: object) -> str:
    """A cell value as an analyst recognises it: dates as dd/mm/yyyy, texts in French quotes,
    whole numbers without ``.0``, other numbers with a decimal comma (digits as stored)."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M:%S} (une heure, pas une date)"
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return quote(value)
