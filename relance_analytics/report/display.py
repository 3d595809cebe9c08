"""``show``: any frame of the package, as a French table in JupyterLab (a pandas Styler).

Headers are the report's French headers, amounts ``1 234,56 €`` (euro columns and cents
columns alike), shares ``26,6 %``, dates ``20/11/2026``; unknown columns keep their name."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import vocab
from ..config import Buckets
from ..money import is_euro
from .aging import BALANCE_HEADERS, GROUP_HEADERS, ITEM_HEADERS
from .common import count, euros, percent
from .disputes import CYCLE_HEADERS, LIST_HEADERS, OVERDUE_HEADERS, TYPE_HEADERS
from .drift import BRIDGE_HEADERS, ROLL_HEADERS
from .dso import DSO_HEADERS
from .provisions import CHANGE_HEADERS, SCHEDULE_HEADERS, TOTAL_HEADERS

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

#: Column code → French header; earlier tables win where two name a code differently.
HEADERS: dict[str, str] = {}
for _table in (ITEM_HEADERS, GROUP_HEADERS, BALANCE_HEADERS, SCHEDULE_HEADERS, TOTAL_HEADERS, CHANGE_HEADERS,
               DSO_HEADERS, LIST_HEADERS, TYPE_HEADERS, OVERDUE_HEADERS, CYCLE_HEADERS, ROLL_HEADERS, BRIDGE_HEADERS):
    for _code, _label in _table.items():
        HEADERS.setdefault(_code, _label)
HEADERS.update({"currency": "Devise", "source_row": "Ligne du fichier", "source_currency": "Devise d'origine",
                "source_amount_cents": "Montant d'origine"})
#: Code column → its codes' French labels.
CODE_LABELS = {"document_type": vocab.DOCUMENT_TYPE, "status": vocab.STATUS, "dispute_type": vocab.DISPUTE_TYPE,
               "channel": vocab.CHANNEL, "outcome": vocab.OUTCOME, "excuse": vocab.EXCUSE,
               "payment_method": vocab.PAYMENT_METHOD, "role": vocab.CONTACT_ROLE, "invoice_circuit": vocab.CIRCUIT}
_SHARES = ("share", "rate", "coverage", "cei")


def _money_text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return euros(int(value * 100) if isinstance(value, Decimal) else int(value))


def _header(code: str, names: dict[str, str]) -> str:
    key = code[:-3] + "cents" if code == "eur" or code.endswith("_eur") else code
    return names.get(key, code)


def show(frame: pd.DataFrame, buckets: Buckets | None = None) -> Styler:
    """``frame`` for the screen, in French (the data itself is left untouched).

    ``buckets``: the aging buckets of a grid's columns (default 0/30/60/90/120)."""
    buckets = buckets or Buckets()
    names = {**HEADERS, **dict(zip(buckets.labels, buckets.french_labels))}
    formats: dict[str, Any] = {}
    for col in frame.columns:
        values = frame[col]
        code = str(col)
        if code in CODE_LABELS:
            formats[col] = lambda v, labels=CODE_LABELS[code]: "" if pd.isna(v) else labels.get(v, v)
        elif is_euro(values) or code.endswith("cents") or (code in buckets.labels or code in ("total", "overdue")) \
                and pd.api.types.is_integer_dtype(values):
            formats[col] = _money_text
        elif pd.api.types.is_float_dtype(values) and any(code.endswith(s) or code == s for s in _SHARES):
            formats[col] = lambda v: "" if pd.isna(v) else percent(v)
        elif pd.api.types.is_datetime64_any_dtype(values):
            formats[col] = lambda v: "" if pd.isna(v) else f"{v:%d/%m/%Y}"
        elif pd.api.types.is_integer_dtype(values):
            formats[col] = lambda v: "" if pd.isna(v) else count(int(v))
    index_names = [None if n is None else _header(str(n), names) for n in frame.index.names]
    styler = frame.rename_axis(index=index_names).style.format(formats, na_rep="")
    styler = styler.relabel_index([_header(str(c), names) for c in frame.columns], axis="columns")
    if isinstance(frame.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    return styler
