"""Matching keys: header and code labels compared without case, accents or numbering signs,
and the document ids of a comma-separated cell. No project imports: every layer may use them."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

_NUMERO = re.compile(r"\b[nN]\s*[°º˚]\s*")
_DOC_SEPARATORS = re.compile(r"[,;\s]+")


def normalize_label(text: object) -> str:
    """Header/label key: no accents, lower case, single spaces, ``N°``/``Nº``/``No``/``№`` unified
    (with or without a space after them), ``’`` → ``'``, ``:`` and ``.`` ignored."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = str(text)
    if s.isascii():     # same result, without the Unicode steps (nothing for them to change)
        return " ".join(s.replace("`", "'").replace(":", " ").replace(".", " ").lower().split())
    s = s.replace("’", "'").replace("`", "'").replace("´", "'")
    s = _NUMERO.sub("no ", s).replace("°", "o").replace("º", "o")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace(":", " ").replace(".", " ")
    return " ".join(s.lower().split())


def normalize_labels(values: pd.Series | np.ndarray) -> np.ndarray:
    """:func:`normalize_label` of many cells, computed once per distinct value."""
    arr = np.asarray(values, dtype=object)
    out = np.full(len(arr), "", dtype=object)
    na = pd.isna(arr).astype(bool)
    codes, uniq = pd.factorize(arr[~na])
    out[~na] = np.array([normalize_label(u) for u in uniq] + [""], dtype=object)[codes]
    if na.any():
        keys = pd.Series(arr[na], dtype=object)
        table = {u: normalize_label(u) for u in pd.unique(keys) if not (isinstance(u, float) and np.isnan(u))}
        out[na] = keys.map(table).fillna("").to_numpy(dtype=object)
    return out


def split_document_ids(text: object) -> tuple[str, ...]:
    """Document ids of a ``document_ids`` cell (``"FA1, FA2"``, ``"FA1;FA2"``), in order, once each."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ()
    return tuple(dict.fromkeys(p for p in _DOC_SEPARATORS.split(str(text)) if p))
