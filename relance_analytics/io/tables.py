"""Readers of the reference inputs: customers (+ contacts), monthly sales, disputes and the
action history. Same rules as the open-item reader: header found below any title block,
headers matched without case/accents, every bad cell reported at once, nothing dropped.

Each reader returns a canonical frame (columns in English, codes from :mod:`relance_analytics.vocab`).
A ``mapping`` dict ``{canonical: source header}`` overrides the French default headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import vocab
from .errors import InputError, Problem, display
from .parse import MAX_DATE, MIN_DATE, is_blank, normalize_label, parse_date_cells, parse_money, parse_rate, parse_text
from .workbook import LISTED_CELLS, RawSheet, Workbook, column_letter, after_findings, data_findings, is_empty, warn

HEADER_SEARCH_ROWS = 30

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
    allow_empty: bool = False      # a header with no row under it is a valid (empty) table
    # (earlier, later, "error" | "warning"): a ``later`` date before ``earlier`` on one row
    order: tuple[tuple[str, str, str], ...] = ()


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
), allow_empty=True)

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
), key=("dispute_id",), allow_empty=True, order=(("opened", "resolved", "error"),))

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
), allow_empty=True, order=(("date", "promise_date", "warning"), ("date", "callback_date", "warning")))


def read_table(path: str | Path, spec: TableSpec, sheet: str | None = None,
               mapping: dict[str, str] | None = None) -> pd.DataFrame:
    """Read one reference table into its canonical frame (see the ``*_SPEC`` constants).

    The sheet is ``sheet``, else the spec's sheet, else the one sheet whose rows hold the
    header. Blank rows are skipped (counted in ``attrs["skipped_rows"]``). Tolerated with an
    :class:`~relance_analytics.io.errors.InputWarning` (texts in ``attrs["warnings"]``):
    formula cells whose result was saved, hidden rows, dates out of the expected order when
    the spec says so (e.g. a promise dated before the call). Everything else wrong is one
    :class:`InputError` listing every problem.
    """
    path = Path(path)
    fields = tuple(_override(f, mapping) for f in spec.fields)
    with Workbook(path, partial(InputError, kind=spec.kind)) as wb:
        raw, header_idx, cols = _locate(wb, spec, fields, sheet)
    frame = raw.frame
    header = list(frame.iloc[header_idx])
    labels = {j: f"{str(header[j]).strip()} ({column_letter(j)})" for j in cols.values()}
    dups = {f.name: [j for j, h in enumerate(header) if normalize_label(h) == normalize_label(header[cols[f.name]])]
            for f in fields if f.name in cols}
    dups = {k: v for k, v in dups.items() if len(v) > 1}
    if dups:
        raise InputError(path, [Problem(
            f"the header {str(header[js[0]]).strip()!r} ({name}) appears in columns "
            + " and ".join(column_letter(j) for j in js), header_idx + 1, None, None,
            "each column once: rename or delete the extra column") for name, js in dups.items()],
            raw.sheet, kind=spec.kind)
    body = frame.iloc[header_idx + 1:]
    blank_row = np.ones(len(body), dtype=bool)
    for j in body.columns:
        blank_row &= is_blank(body[j])
    if not (~blank_row).any() and not spec.allow_empty:
        raise InputError(path, [Problem(f"no data below the header (row {header_idx + 1})",
                                        expected=f"the rows of the {spec.kind}")], raw.sheet, kind=spec.kind)
    found, notes = data_findings(raw, body.index.to_numpy()[~blank_row], labels)
    problems: list[Problem] = []
    body = body[~blank_row]
    rows = body.index.to_numpy() + 1
    out: dict[str, object] = {}
    for f in fields:
        if f.name not in cols:
            out[f.name] = _empty(f, len(body))
            continue
        label = labels[cols[f.name]]
        values = body[cols[f.name]]
        parsed, bad, blank, expected, out_of_range = _parse(f, values, raw.date1904)
        for pos in np.flatnonzero(out_of_range):
            problems.append(Problem("date out of range", int(rows[pos]), label, values.iloc[pos],
                                    f"a date between {MIN_DATE:%d/%m/%Y} and {MAX_DATE:%d/%m/%Y}"))
        for pos in np.flatnonzero(bad & ~out_of_range):
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
            key = ", ".join(display(result[k].iloc[pos]).strip("'") for k in spec.key)
            problems.append(Problem(f"duplicate {' + '.join(spec.key)} {key}", int(rows[pos]),
                                    None, None, "each key once"))
    for first, then, severity in spec.order:
        if first not in cols or then not in cols:
            continue
        early = (result[then] < result[first]).to_numpy(dtype=bool, na_value=False)
        if not early.any():
            continue
        message = f"{labels[cols[then]]} before {labels[cols[first]]}"
        if severity == "error":
            problems += [Problem(message, int(rows[pos]), labels[cols[then]], body[cols[then]].iloc[pos],
                                 f"a date on or after {labels[cols[first]]}") for pos in np.flatnonzero(early)]
        else:
            listed = ", ".join(str(r) for r in rows[early][:LISTED_CELLS])
            notes.append(Problem(f"{int(early.sum())} row(s) with {message} (rows {listed}); kept as read",
                                 column=labels[cols[then]], expected=f"a date on or after {labels[cols[first]]}"))
    if problems or found:
        raise InputError(path, after_findings(found, problems), raw.sheet, kind=spec.kind)
    result.attrs.update({"source": str(path), "sheet": raw.sheet, "header_row": header_idx + 1,
                         "skipped_rows": {"blank": int(blank_row.sum())},
                         "warnings": warn(path, raw.sheet, notes, spec.kind)})
    return result


def _locate(wb: Workbook, spec: TableSpec, fields: tuple[Field, ...],
            sheet: str | None) -> tuple[RawSheet, int, dict[str, int]]:
    """The sheet and header row of a table: ``sheet``, else the spec's sheet, else the one
    sheet that has the header."""
    if sheet is None and spec.sheet in wb.sheet_names:
        sheet = spec.sheet
    if sheet is not None and sheet not in wb.sheet_names:
        raise InputError(wb.path, [Problem(f"sheet {sheet!r} not found",
                                           expected="one of " + ", ".join(map(repr, wb.sheet_names)))],
                         kind=spec.kind)
    names = [sheet] if sheet is not None or wb.is_text else wb.sheet_names
    found: list[tuple[RawSheet, int, dict[str, int]]] = []
    best: tuple[RawSheet, int | None, dict[str, int]] | None = None
    empty = 0
    for name in names:
        raw = wb.read(name)
        if is_empty(raw.frame):
            empty += 1
            continue
        header_idx, cols, row = _find_header(raw.frame, fields)
        if header_idx is not None:
            found.append((raw, header_idx, cols))
        elif best is None or len(cols) > len(best[2]):
            best = (raw, row, cols)
    if len(found) > 1:
        where = ", ".join(f"{r.sheet!r}" for r, _, _ in found)
        raise InputError(wb.path, [Problem(f"the header of the {spec.kind} is on several sheets: {where}",
                                           expected=f"one sheet named {spec.sheet!r}")], kind=spec.kind)
    if found:
        return found[0]
    one = names[0] if len(names) == 1 else None
    if empty == len(names):
        raise InputError(wb.path, [Problem("the sheet is empty" if len(names) == 1 else "every sheet is empty",
                                           expected=f"a header row and the rows of the {spec.kind}")],
                         one, kind=spec.kind)
    assert best is not None
    raw, row, cols = best
    wanted = "; ".join(" / ".join(f.headers) for f in fields if f.required)
    where = "" if len(names) == 1 else f" on any of the sheets {', '.join(map(repr, names))}"
    if cols:
        missing = "; ".join(" / ".join(f.headers) for f in fields if f.required and f.name not in cols)
        problem = Problem(f"header row incomplete{where}: missing column(s) {missing}", row + 1 if row is not None else None,
                          expected=f"a header row with {wanted}")
    else:
        problem = Problem(f"no header row found in the first {HEADER_SEARCH_ROWS} rows{where}",
                          expected=f"a header row with {wanted}")
    raise InputError(wb.path, [problem], raw.sheet if one is not None else None, kind=spec.kind)


def _override(f: Field, mapping: dict[str, str] | None) -> Field:
    if mapping and f.name in mapping:
        return Field(f.name, (mapping[f.name],), f.kind, f.required, f.nullable, f.choices)
    return f


def _find_header(frame: pd.DataFrame, fields: tuple[Field, ...]) -> tuple[int | None, dict[str, int], int | None]:
    """``(header row, columns, _)`` of the first row holding every required header, else
    ``(None, best partial columns, their row)``."""
    best: dict[str, int] = {}
    best_row = None
    for i, row in enumerate(frame.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object)):
        keys = [normalize_label(v) for v in row]
        cols = {}
        for f in fields:
            for h in f.headers:
                if normalize_label(h) in keys:
                    cols[f.name] = keys.index(normalize_label(h))
                    break
        if all(f.name in cols for f in fields if f.required):
            return i, cols, i
        if len(cols) > len(best):
            best, best_row = cols, i
    return None, best, best_row


def _parse(f: Field, values: pd.Series, date1904: bool) -> tuple[object, np.ndarray, np.ndarray, str, np.ndarray]:
    """``(parsed, bad, blank, expected, out_of_range)`` of one column's cells."""
    none = np.zeros(len(values), bool)
    if f.kind == "money":
        cents, bad, blank = parse_money(values)
        arr = pd.array(cents, dtype="Int64")
        arr[blank | bad] = pd.NA
        return arr, bad, blank, "an amount in euros, e.g. 1 234,56", none
    if f.kind == "date":
        cells = parse_date_cells(values, date1904)
        return cells.dates, cells.bad, cells.blank, "a date such as 31/12/2026 (dd/mm/yyyy) or an Excel date", \
            cells.out_of_range
    if f.kind == "rate":
        r, bad, blank = parse_rate(values)
        return r, bad, blank, "a rate such as 20 % or 0,2", none
    text, blank = parse_text(values)
    if f.kind == "choice":
        lookup = {normalize_label(v): k for k, v in f.choices.items()}
        lookup.update({normalize_label(k): k for k in f.choices})
        codes = np.array([lookup.get(normalize_label(t)) if t is not None else None for t in text], dtype=object)
        bad = ~blank & pd.isna(codes)
        return pd.Categorical(codes, categories=list(f.choices)), bad, blank, \
            "one of " + ", ".join(repr(v) for v in f.choices.values()), none
    return pd.array(text, dtype="string"), np.zeros(len(values), bool), blank, "a text", none


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
