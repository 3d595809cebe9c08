"""Readers of the reference inputs: customers (+ contacts), monthly sales, disputes and the
action history. Same rules as the open-item reader: header found below any title block,
headers matched without case/accents, every bad cell reported at once, nothing dropped.

Each reader returns a canonical frame (columns in English, codes from :mod:`relance_analytics.vocab`).
A ``mapping`` dict ``{canonical: source header}`` overrides the French default headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import vocab
from .errors import InputError, Problem
from .parse import is_blank, normalize_label, parse_dates, parse_money, parse_rate, parse_text
from .workbook import column_letter, read_raw, sheet_names

Kind = Literal["text", "money", "date", "rate", "choice"]


@dataclass(frozen=True)
class Field:
    """One canonical column: its default French header(s), type and whether blanks are allowed."""

    name: str
    headers: tuple[str, ...]
    kind: Kind = "text"
    required: bool = True          # the column must be present
    nullable: bool = False         # a cell may be blank
    choices: dict[str, str] = field(default_factory=dict)   # code -> French label


@dataclass(frozen=True)
class TableSpec:
    """A reference input: its sheet, fields and unique key."""

    kind: str
    sheet: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()


def _f(name: str, *headers: str, **kw: object) -> Field:
    return Field(name, headers, **kw)  # type: ignore[arg-type]


CUSTOMERS = TableSpec("customers file", "Clients", (
    _f("customer_id", "Code client", "N° client", "Compte client"),
    _f("customer_name", "Raison sociale", "Nom du client", "Nom"),
    _f("segment", "Segment", nullable=True, required=False),
    _f("collector", "Recouvreur", "Chargé de recouvrement", nullable=True),
    _f("status", "Statut", kind="choice", choices=vocab.STATUS),
    _f("credit_limit_cents", "Encours autorisé", "Limite de crédit", kind="money", nullable=True, required=False),
    _f("payment_terms", "Délai de paiement", "Conditions de paiement", nullable=True, required=False),
    _f("invoice_circuit", "Circuit facture", kind="choice", choices=vocab.CIRCUIT, nullable=True, required=False),
    _f("provision_rate", "Taux de provision spécifique", kind="rate", nullable=True, required=False),
), key=("customer_id",))

CONTACTS = TableSpec("contacts sheet", "Contacts", (
    _f("customer_id", "Code client", "N° client"),
    _f("name", "Nom", "Interlocuteur"),
    _f("role", "Rôle", "Fonction", kind="choice", choices=vocab.CONTACT_ROLE),
    _f("phone", "Téléphone direct", "Téléphone", nullable=True),
    _f("email", "E-mail", "Email", "Courriel", nullable=True),
))

SALES = TableSpec("sales file", "Ventes", (
    _f("customer_id", "Code client", "N° client"),
    _f("month", "Mois", "Période", kind="date"),
    _f("sales_ht_cents", "CA HT", "Chiffre d'affaires HT", kind="money"),
    _f("vat_rate", "Taux TVA", "TVA", kind="rate"),
), key=("customer_id", "month"))

DISPUTES = TableSpec("disputes file", "Litiges", (
    _f("dispute_id", "N° litige"),
    _f("customer_id", "Code client"),
    _f("document_id", "N° pièce"),
    _f("dispute_type", "Type", kind="choice", choices=vocab.DISPUTE_TYPE),
    _f("amount_cents", "Montant", kind="money"),
    _f("opened", "Ouvert le", "Date d'ouverture", kind="date"),
    _f("resolved", "Résolu le", "Date de résolution", kind="date", nullable=True),
    _f("owner", "Responsable"),
    _f("owner_phone", "Téléphone responsable", nullable=True, required=False),
    _f("owner_email", "E-mail responsable", nullable=True, required=False),
    _f("reason", "Motif", nullable=True, required=False),
), key=("dispute_id",))

ACTIONS = TableSpec("actions file", "Actions", (
    _f("date", "Date", kind="date"),
    _f("customer_id", "Code client"),
    _f("document_ids", "N° pièces", "N° pièce", nullable=True),
    _f("channel", "Canal", kind="choice", choices=vocab.CHANNEL),
    _f("contact", "Interlocuteur", nullable=True),
    _f("outcome", "Résultat", kind="choice", choices=vocab.OUTCOME),
    _f("excuse", "Code excuse", kind="choice", choices=vocab.EXCUSE, nullable=True),
    _f("promise_amount_cents", "Montant promis", kind="money", nullable=True),
    _f("promise_date", "Date promise", kind="date", nullable=True),
    _f("payment_method", "Mode de règlement", kind="choice", choices=vocab.PAYMENT_METHOD, nullable=True),
    _f("callback_date", "Date de rappel", kind="date", nullable=True),
    _f("note", "Note", nullable=True, required=False),
    _f("collector", "Recouvreur", nullable=True, required=False),
))


def read_table(path: str | Path, spec: TableSpec, sheet: str | None = None,
               mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Read one reference table into its canonical frame (see the ``*_SPEC`` constants)."""
    path = Path(path)
    fields = tuple(_override(f, mapping) for f in spec.fields)
    names = sheet_names(path, InputError)
    if sheet is None:
        sheet = spec.sheet if spec.sheet in names else names[0]
    elif sheet not in names:
        raise InputError(path, [Problem(f"sheet {sheet!r} not found",
                                        expected="one of " + ", ".join(map(repr, names)))], kind=spec.kind)
    raw = read_raw(path, sheet, InputError)
    frame = raw.frame
    header_idx, cols = _find_header(frame, fields)
    if header_idx is None:
        missing = [f" / ".join(f.headers) for f in fields if f.required and f.name not in cols]
        raise InputError(path, [Problem("header row not found or incomplete: missing column(s) "
                                        + "; ".join(missing))], raw.sheet, kind=spec.kind)
    header = list(frame.iloc[header_idx])
    body = frame.iloc[header_idx + 1:]
    blank_row = np.ones(len(body), dtype=bool)
    for j in body.columns:
        blank_row &= is_blank(body[j])
    body = body[~blank_row]
    rows = body.index.to_numpy() + 1
    problems: list[Problem] = []
    out: dict[str, object] = {}
    for f in fields:
        if f.name not in cols:
            out[f.name] = _empty(f, len(body))
            continue
        j = cols[f.name]
        label = f"{str(header[j]).strip()} ({column_letter(j)})"
        values = body[j]
        parsed, bad, blank, expected = _parse(f, values)
        for pos in np.flatnonzero(bad):
            problems.append(Problem("unreadable value", int(rows[pos]), label, values.iloc[pos], expected))
        if not f.nullable:
            for pos in np.flatnonzero(blank & ~bad):
                problems.append(Problem("missing value", int(rows[pos]), label, None, expected))
        out[f.name] = parsed
    result = pd.DataFrame(out, index=range(len(body)))
    result["source_row"] = rows.astype("int32")
    if spec.key and len(result):
        dup = result.duplicated(list(spec.key), keep=False).to_numpy()
        for pos in np.flatnonzero(dup):
            key = ", ".join(str(result[k].iloc[pos]) for k in spec.key)
            problems.append(Problem(f"duplicate {' + '.join(spec.key)} {key}", int(rows[pos]),
                                    None, None, "each key once"))
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise InputError(path, problems, raw.sheet, kind=spec.kind)
    result.attrs.update({"source": str(path), "sheet": raw.sheet})
    return result


def _override(f: Field, mapping: dict[str, str] | None) -> Field:
    if mapping and f.name in mapping:
        return Field(f.name, (mapping[f.name],), f.kind, f.required, f.nullable, f.choices)
    return f


def _find_header(frame: pd.DataFrame, fields: tuple[Field, ...]) -> tuple[int | None, dict[str, int]]:
    best: dict[str, int] = {}
    for i, row in enumerate(frame.head(30).to_numpy(dtype=object)):
        keys = [normalize_label(v) for v in row]
        cols = {}
        for f in fields:
            for h in f.headers:
                if normalize_label(h) in keys:
                    cols[f.name] = keys.index(normalize_label(h))
                    break
        if all(f.name in cols for f in fields if f.required):
            return i, cols
        if len(cols) > len(best):
            best = cols
    return None, best


def _parse(f: Field, values: pd.Series) -> tuple[object, np.ndarray, np.ndarray, str]:
    if f.kind == "money":
        cents, bad, blank = parse_money(values)
        arr = pd.array(cents, dtype="Int64")
        arr[blank] = pd.NA
        return arr, bad, blank, "an amount in euros, e.g. 1 234,56"
    if f.kind == "date":
        d, bad, blank = parse_dates(values)
        return d, bad, blank, "a date, e.g. 31/12/2026"
    if f.kind == "rate":
        r, bad, blank = parse_rate(values)
        return r, bad, blank, "a rate such as 20 % or 0,2"
    text, blank = parse_text(values)
    if f.kind == "choice":
        lookup = {normalize_label(v): k for k, v in f.choices.items()}
        lookup.update({normalize_label(k): k for k in f.choices})
        codes = np.array([lookup.get(normalize_label(t)) if t is not None else None for t in text], dtype=object)
        bad = ~blank & pd.isna(codes)
        return pd.Categorical(codes, categories=list(f.choices)), bad, blank, \
            "one of " + ", ".join(repr(v) for v in f.choices.values())
    return pd.array(text, dtype="string"), np.zeros(len(values), bool), blank, "a text"


def _empty(f: Field, n: int) -> object:
    if f.kind == "money":
        return pd.array([pd.NA] * n, dtype="Int64")
    if f.kind == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    if f.kind == "rate":
        return np.full(n, np.nan)
    if f.kind == "choice":
        return pd.Categorical([None] * n, categories=list(f.choices))
    return pd.array([pd.NA] * n, dtype="string")


def read_customers(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Customers sheet ``Clients``: id, name, segment, collector, status, credit limit, circuit…"""
    return read_table(path, CUSTOMERS, mapping=mapping)


def read_contacts(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Contacts sheet of the customers workbook: customer, name, role, direct phone, e-mail."""
    return read_table(path, CONTACTS, sheet="Contacts", mapping=mapping)


def read_sales(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Monthly sales HT per customer with their VAT rate (``month`` = first day of the month)."""
    frame = read_table(path, SALES, mapping=mapping)
    frame["month"] = frame["month"].astype("datetime64[s]").dt.to_period("M").dt.to_timestamp().astype("datetime64[s]")
    return frame


def read_disputes(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Disputes (litiges): type, disputed amount TTC, opened/resolved dates, owner."""
    return read_table(path, DISPUTES, mapping=mapping)


def read_actions(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Past collection actions (calls, e-mails, letters) with outcomes, promises and callbacks."""
    return read_table(path, ACTIONS, mapping=mapping)
