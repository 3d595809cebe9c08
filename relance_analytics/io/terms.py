"""Payment terms as written in a customers file (« Délai de paiement ») and the due dates they give.

Forms read (case, accents and spaces ignored):

* ``comptant``, ``à réception``, ``0 jour`` → the invoice date;
* ``30 jours``, ``30 j``, ``30 jours nets``, ``60 jours date de facture`` → invoice date + N days;
* ``30 jours fin de mois`` → invoice date + N days, then the end of that month (the reading
  of the sample and of most French ERPs);
* ``fin de mois 45 jours``, ``fin de mois + 45 jours`` → the end of the invoice's month, then
  + N days.

Anything else is ``None``: the caller refuses it rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..keys import normalize_label

_DAYS = r"(\d{1,3})\s*(?:j|jours?)"
_NET = re.compile(rf"^{_DAYS}(?:\s+nets?)?(?:\s+date de facture)?$")
_THEN_EOM = re.compile(rf"^{_DAYS}\s+fin de mois$")
_EOM_THEN = re.compile(rf"^fin de mois\s*\+?\s*{_DAYS}$")
_CASH = {"comptant", "a reception", "reception", "paiement a reception", "a reception de facture"}


@dataclass(frozen=True)
class PaymentTerms:
    """``days`` after the invoice date; ``end_of_month``: ``"after"`` (+N days then end of
    month), ``"before"`` (end of month then +N days) or ``None``."""

    days: int
    end_of_month: str | None = None

    def due_dates(self, invoice_dates: np.ndarray) -> np.ndarray:
        """Due dates (``datetime64[s]``) of invoices dated ``invoice_dates``."""
        dates = pd.DatetimeIndex(invoice_dates.astype("datetime64[s]"))
        if self.end_of_month == "before":
            dates = dates + pd.offsets.MonthEnd(0)
        dates = dates + pd.Timedelta(days=self.days)
        if self.end_of_month == "after":
            dates = dates + pd.offsets.MonthEnd(0)
        return dates.to_numpy(dtype="datetime64[s]")


def parse_terms(text: object) -> PaymentTerms | None:
    """The terms written in ``text`` (see the module), ``None`` when not one of the forms."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    key = normalize_label(text).replace("’", "'")
    if key in _CASH:
        return PaymentTerms(0)
    for pattern, eom in ((_NET, None), (_THEN_EOM, "after"), (_EOM_THEN, "before")):
        m = pattern.match(key)
        if m:
            return PaymentTerms(int(m.group(1)), eom)
    return None
