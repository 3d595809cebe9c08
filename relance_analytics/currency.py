"""Currencies of the open items: never added together, converted only with the user's rates.

The canonical open items carry ``currency`` (ISO code). Every metric computes over one
currency: :func:`require_single_currency` refuses a frame that mixes several
(:class:`~relance_analytics.errors.CurrencyError`, French message). The reports are in the
base currency, the euro: an export in another currency is converted with the rates the user
states in ``relance.toml``::

    [currencies]
    USD = 0.92        # 1 USD = 0,92 EUR
    GBP = "1.1675"    # a text keeps every decimal

:func:`convert` rounds each item half away from zero to the cent, with integer arithmetic on
the exact decimal rate, and keeps the original amount and currency beside the converted one
(``source_amount_cents``, ``source_currency``); ``frame.attrs["conversion"]`` lists the
rates used, so the report can state them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import pandas as pd

from .errors import CurrencyError

BASE_CURRENCY = "EUR"


def item_currencies(items: pd.DataFrame) -> dict[str, int]:
    """Number of items per currency (``{"EUR": n}`` when the frame has no ``currency`` column)."""
    if "currency" not in items.columns:
        return {BASE_CURRENCY: len(items)} if len(items) else {}
    counts = items["currency"].astype("string").fillna(BASE_CURRENCY).value_counts(sort=False)
    return {str(k): int(v) for k, v in counts.items()}


def require_single_currency(items: pd.DataFrame, what: str) -> str:
    """The one currency of ``items`` (the base currency for an empty frame); raises
    :class:`CurrencyError` naming ``what`` (the computation, in French) when there are several."""
    if "currency" in items.columns and len(items):
        values = items["currency"]
        first = values.iloc[0]
        if isinstance(first, str) and not values.hasnans and bool((values == first).all()):
            return first                                 # one currency, told without counting
    found = item_currencies(items)
    if len(found) > 1:
        raise CurrencyError(found, what)
    return next(iter(found), BASE_CURRENCY)


def _rate(code: str, value: object) -> Decimal:
    code = str(code)
    if len(code) != 3 or not code.isalpha() or not code.isupper():
        raise ValueError(f"relance.toml [currencies] : {code!r} n'est pas un code de devise ISO (ex. USD)")
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"relance.toml [currencies] : le taux de {code} ({value!r}) n'est pas un nombre") from None
    if not rate.is_finite() or rate <= 0:
        raise ValueError(f"relance.toml [currencies] : le taux de {code} ({value!r}) doit être positif")
    return rate


@dataclass(frozen=True)
class CurrencyRates:
    """Conversion rates to the base currency: ``rates[code]`` euros for one unit of ``code``."""

    rates: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rates", {str(k): _rate(k, v) for k, v in dict(self.rates).items()})

    @classmethod
    def from_table(cls, table: Mapping[str, object]) -> CurrencyRates:
        """Rates from the ``[currencies]`` table of ``relance.toml``."""
        return cls({str(k): v for k, v in table.items()})  # type: ignore[misc]

    def describe(self) -> dict[str, str]:
        """``{"USD": "0.92"}``: the rates as exact decimal texts."""
        return {k: str(v) for k, v in sorted(self.rates.items())}


def _convert_cents(cents: np.ndarray, rate: Decimal) -> np.ndarray:
    """``cents × rate`` rounded half away from zero, exactly (integer arithmetic)."""
    frac = Fraction(rate)
    num, den = frac.numerator, frac.denominator
    values = [int(c) * num for c in cents.tolist()]
    out = [(abs(v) * 2 + den) // (2 * den) * (1 if v >= 0 else -1) for v in values]
    return np.asarray(out, dtype=np.int64)


def convert(items: pd.DataFrame, rates: CurrencyRates) -> pd.DataFrame:
    """``items`` in the base currency: amounts of other currencies converted with ``rates``.

    Raises :class:`CurrencyError` when a currency has no rate. The result keeps
    ``source_amount_cents`` and ``source_currency``; ``attrs["conversion"]`` holds the rates
    used (empty when every item was already in the base currency).
    """
    found = item_currencies(items)
    missing = {c: n for c, n in found.items() if c != BASE_CURRENCY and c not in rates.rates}
    if missing:
        raise CurrencyError(found, "conversion en euros impossible : pas de taux pour " + ", ".join(sorted(missing)))
    out = items.copy()
    if "currency" not in out.columns:
        out["currency"] = pd.array([BASE_CURRENCY] * len(out), dtype="string")
    used = sorted(c for c in found if c != BASE_CURRENCY)
    out.attrs = dict(items.attrs)
    out.attrs["conversion"] = {c: str(rates.rates[c]) for c in used}
    if not used:
        return out
    currency = out["currency"].astype("string").fillna(BASE_CURRENCY).to_numpy(dtype=object)
    out["source_currency"] = pd.array(currency, dtype="string")
    out["source_amount_cents"] = out["amount_cents"].to_numpy(dtype="int64")
    amount = out["amount_cents"].to_numpy(dtype="int64").copy()
    ht = out["amount_ht_cents"].copy() if "amount_ht_cents" in out.columns else None
    for code in used:
        sel = currency == code
        amount[sel] = _convert_cents(amount[sel], rates.rates[code])
        if ht is not None:
            idx = np.flatnonzero(sel & ht.notna().to_numpy())
            ht.iloc[idx] = _convert_cents(ht.iloc[idx].to_numpy(dtype="int64"), rates.rates[code])
    out["amount_cents"] = amount
    if ht is not None:
        out["amount_ht_cents"] = ht.astype("Int64")
    out["currency"] = pd.array([BASE_CURRENCY] * len(out), dtype="string")
    return out
