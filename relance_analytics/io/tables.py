"""Readers of the reference inputs: customers (+ contacts), monthly sales, disputes and the
action history. Same rules as the open-item reader: header found below any title block,
headers matched without case/accents, every bad cell reported at once, nothing dropped.

Each reader returns a canonical frame (columns in English, codes from :mod:`relance_analytics.vocab`).
A ``mapping`` dict ``{canonical: source header}`` overrides the French default headers.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal, cast

import numpy as np
import pandas as pd

from .. import frames
from ..errors import InputError, Problem
from ..frames import FrameContract, kind_of
from ..french import plural, quote, value_text
from ..keys import normalize_label
from .date_cells import MAX_DATE, MIN_DATE, DateCells, parse_date_cells
from .parse import is_blank, parse_money, parse_rate, parse_text
from .workbook import LISTED_CELLS, RawSheet, Workbook, after_findings, column_letter, data_findings, is_empty, warn

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
    """A reference input: its sheet, canonical contract, default headers and unique key.

    The fields (kind, nullability, codes) come from the contract
    (:mod:`relance_analytics.frames`), so the reader and the frame it returns cannot disagree."""

    kind: str
    sheet: str
    contract: FrameContract
    headers: dict[str, tuple[str, ...]]
    key: tuple[str, ...] = ()
    allow_empty: bool = False      # a header with no row under it is a valid (empty) table
    # (earlier, later, "error" | "warning"): a ``later`` date before ``earlier`` on one row
    order: tuple[tuple[str, str, str], ...] = ()

    @property
    def fields(self) -> tuple[Field, ...]:
        """The columns read from the file (every contract column but ``source_row``)."""
        return tuple(Field(c.name, self.headers[c.name], cast(Kind, kind_of(c)), not c.optional, c.nullable,
                           dict(c.choices))
                     for c in self.contract.columns if c.name != "source_row")


CUSTOMERS = TableSpec("fichier clients", "Clients", frames.CUSTOMERS, {
    "customer_id": ("Code client", "N° client", "Compte client"),
    "customer_name": ("Raison sociale", "Nom du client", "Nom"),
    "segment": ("Segment",),
    "collector": ("Recouvreur", "Chargé de recouvrement"),
    "status": ("Statut",),
    "credit_limit_cents": ("Encours autorisé", "Limite de crédit"),
    "payment_terms": ("Délai de paiement", "Conditions de paiement"),
    "invoice_circuit": ("Circuit facture",),
    "provision_rate": ("Taux de provision spécifique",),
    "insured_limit_cents": ("Limite garantie", "Agrément", "Limite assurée"),
    "insurer": ("Assureur", "Assureur-crédit"),
    "insurance_declared": ("Menace de sinistre déclarée le", "Déclaration à l'assureur"),
}, key=("customer_id",))

CONTACTS = TableSpec("feuille des contacts", "Contacts", frames.CONTACTS, {
    "customer_id": ("Code client", "N° client"),
    "name": ("Nom", "Interlocuteur"),
    "role": ("Rôle", "Fonction"),
    "phone": ("Téléphone direct", "Téléphone"),
    "email": ("E-mail", "Email", "Courriel"),
}, allow_empty=True)

SALES = TableSpec("fichier des ventes", "Ventes", frames.SALES, {
    "customer_id": ("Code client", "N° client"),
    "month": ("Mois", "Période"),
    "sales_ht_cents": ("CA HT", "Chiffre d'affaires HT"),
    "vat_rate": ("Taux TVA", "TVA"),
}, key=("customer_id", "month"))

DISPUTES = TableSpec("fichier des litiges", "Litiges", frames.DISPUTES, {
    "dispute_id": ("N° litige",),
    "customer_id": ("Code client",),
    "document_id": ("N° pièce",),
    "dispute_type": ("Type",),
    "amount_cents": ("Montant",),
    "opened": ("Ouvert le", "Date d'ouverture"),
    "resolved": ("Résolu le", "Date de résolution"),
    "owner": ("Responsable",),
    "owner_phone": ("Téléphone responsable",),
    "owner_email": ("E-mail responsable",),
    "reason": ("Motif",),
}, key=("dispute_id",), allow_empty=True, order=(("opened", "resolved", "error"),))

ACTIONS = TableSpec("fichier des actions", "Actions", frames.ACTIONS, {
    "date": ("Date",),
    "customer_id": ("Code client",),
    "document_ids": ("N° pièces", "N° pièce"),
    "channel": ("Canal",),
    "contact": ("Interlocuteur",),
    "outcome": ("Résultat",),
    "excuse": ("Code excuse",),
    "promise_amount_cents": ("Montant promis",),
    "promise_date": ("Date promise",),
    "payment_method": ("Mode de règlement",),
    "callback_date": ("Date de rappel",),
    "note": ("Note",),
    "collector": ("Recouvreur",),
}, allow_empty=True, order=(("date", "promise_date", "warning"), ("date", "callback_date", "warning")))


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
            f"l'en-tête {quote(str(header[js[0]]).strip())} ({name}) figure dans les colonnes "
            + " et ".join(column_letter(j) for j in js), header_idx + 1, None, None,
            "chaque colonne une seule fois : renommez ou supprimez la colonne en trop", "duplicate_column")
            for name, js in dups.items()],
            raw.sheet, kind=spec.kind)
    body = frame.iloc[header_idx + 1:]
    blank_row = np.ones(len(body), dtype=bool)
    for j in body.columns:
        blank_row &= is_blank(body[j])
    if not (~blank_row).any() and not spec.allow_empty:
        raise InputError(path, [Problem(f"aucune donnée sous l'en-tête (ligne {header_idx + 1})",
                                        expected=f"les lignes du {spec.kind}", code="empty")], raw.sheet,
                         kind=spec.kind)
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
        if f.kind == "date":
            cells = cast(DateCells, parsed)
            parsed = cells.dates
            if cells.conflict is not None:
                a, b = cells.conflict
                problems.append(Problem(
                    f"ordre du jour et du mois contradictoire : la ligne {rows[a]} ({quote(values.iloc[a])}) ne se "
                    f"lit que jour d'abord, la ligne {rows[b]} ({quote(values.iloc[b])}) que mois d'abord",
                    int(rows[b]), label, None,
                    "des dates écrites toutes dans le même ordre, jour d'abord (JJ/MM/AAAA)", "date_order_conflict"))
                bad = np.zeros(len(bad), bool)
            elif cells.source == "default" and cells.ambiguous.any():
                listed = ", ".join(str(r) for r in rows[cells.ambiguous][:LISTED_CELLS])
                notes.append(Problem(
                    plural(int(cells.ambiguous.sum()), "date lue", "dates lues") + " jour d'abord (JJ/MM/AAAA) faute "
                    f"de preuve dans la colonne (lignes {listed})", column=label,
                    expected="des dates jour d'abord, ou au format AAAA-MM-JJ", code="date_order_default"))
        for pos in np.flatnonzero(out_of_range):
            problems.append(Problem("date hors limites", int(rows[pos]), label, values.iloc[pos],
                                    f"une date entre le {MIN_DATE:%d/%m/%Y} et le {MAX_DATE:%d/%m/%Y}",
                                    "date_out_of_range"))
        for pos in np.flatnonzero(bad & ~out_of_range):
            problems.append(Problem("valeur illisible", int(rows[pos]), label, values.iloc[pos], expected,
                                    "unreadable_value"))
        if not f.nullable:
            for pos in np.flatnonzero(blank & ~bad):
                problems.append(Problem("valeur manquante", int(rows[pos]), label, None, expected, "missing_value"))
        out[f.name] = parsed
    result = pd.DataFrame(out, index=range(len(body)))
    result["source_row"] = rows.astype("int32")
    if spec.key and len(result):
        dup = result.duplicated(list(spec.key), keep=False).to_numpy()
        for pos in np.flatnonzero(dup):
            key = ", ".join(value_text(result[k].iloc[pos]) for k in spec.key)
            names = " + ".join(labels[cols[k]] if k in cols else k for k in spec.key)
            problems.append(Problem(f"{names} en double : {key}", int(rows[pos]),
                                    None, None, "chaque clé une seule fois", "duplicate_key"))
    for first, then, severity in spec.order:
        if first not in cols or then not in cols:
            continue
        early = (result[then] < result[first]).to_numpy(dtype=bool, na_value=False)
        if not early.any():
            continue
        message = f"{labels[cols[then]]} antérieure à {labels[cols[first]]}"
        if severity == "error":
            problems += [Problem(message, int(rows[pos]), labels[cols[then]], body[cols[then]].iloc[pos],
                                 f"une date égale ou postérieure à {labels[cols[first]]}", "date_order")
                         for pos in np.flatnonzero(early)]
        else:
            listed = ", ".join(str(r) for r in rows[early][:LISTED_CELLS])
            kept = "gardée telle quelle" if early.sum() == 1 else "gardées telles quelles"
            notes.append(Problem(f"{plural(int(early.sum()), 'ligne')} avec {message} (lignes {listed}) ; {kept}",
                                 column=labels[cols[then]],
                                 expected=f"une date égale ou postérieure à {labels[cols[first]]}", code="date_order"))
    if problems or found:
        raise InputError(path, after_findings(found, problems), raw.sheet, kind=spec.kind)
    result.attrs.update({"source": str(path), "sheet": raw.sheet, "header_row": header_idx + 1,
                         "skipped_rows": {"blank": int(blank_row.sum())},
                         "warnings": warn(path, raw.sheet, notes, spec.kind)})
    return spec.contract.validate(result)


def _locate(wb: Workbook, spec: TableSpec, fields: tuple[Field, ...],
            sheet: str | None) -> tuple[RawSheet, int, dict[str, int]]:
    """The sheet and header row of a table: ``sheet``, else the spec's sheet, else the one
    sheet that has the header."""
    if sheet is None and spec.sheet in wb.sheet_names:
        sheet = spec.sheet
    if sheet is not None and sheet not in wb.sheet_names:
        raise InputError(wb.path, [Problem(f"feuille {quote(sheet)} introuvable",
                                           expected="l'une de " + ", ".join(quote(s) for s in wb.sheet_names),
                                           code="sheet_not_found")],
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
        where = ", ".join(quote(r.sheet) for r, _, _ in found)
        raise InputError(wb.path, [Problem(f"l'en-tête du {spec.kind} est sur plusieurs feuilles : {where}",
                                           expected=f"une seule feuille nommée {quote(spec.sheet)}",
                                           code="several_sheets")], kind=spec.kind)
    if found:
        return found[0]
    one = names[0] if len(names) == 1 else None
    if empty == len(names):
        raise InputError(wb.path, [Problem("la feuille est vide" if len(names) == 1
                                           else "toutes les feuilles sont vides",
                                           expected=f"une ligne d'en-tête et les lignes du {spec.kind}", code="empty")],
                         one, kind=spec.kind)
    assert best is not None
    raw, row, cols = best
    wanted = "; ".join(" / ".join(f.headers) for f in fields if f.required)
    where = "" if len(names) == 1 else f" sur aucune des feuilles {', '.join(quote(n) for n in names)}"
    if cols:
        header = list(raw.frame.iloc[row]) if row is not None else []
        lacking = [f for f in fields if f.required and f.name not in cols]
        missing = "; ".join(" / ".join(quote(h) for h in f.headers)
                            + _did_you_mean(f.headers, header, set(cols.values()))
                            for f in lacking)
        problem = Problem(f"ligne d'en-tête incomplète{where} : colonne{'s' if len(lacking) > 1 else ''} "
                          f"absente{'s' if len(lacking) > 1 else ''} : {missing}",
                          row + 1 if row is not None else None, expected=f"une ligne d'en-tête avec {wanted}",
                          code="missing_column")
    else:
        problem = Problem(f"aucune ligne d'en-tête trouvée dans les {HEADER_SEARCH_ROWS} premières lignes{where}",
                          expected=f"une ligne d'en-tête avec {wanted}", code="no_header")
    raise InputError(wb.path, [problem], raw.sheet if one is not None else None, kind=spec.kind)


def _did_you_mean(wanted: tuple[str, ...], header: list[object], taken: set[int]) -> str:
    """`` (vouliez-vous dire « … » ?)`` with the header of ``header`` closest to ``wanted``, or ``""``."""
    keys = {normalize_label(h): str(h).strip() for j, h in enumerate(header)
            if j not in taken and h is not None and str(h).strip()}
    for w in wanted:
        close = difflib.get_close_matches(normalize_label(w), list(keys), n=1, cutoff=0.6)
        if close:
            return f" (vouliez-vous dire {quote(keys[close[0]])} ?)"
    return ""


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
        cents, bad, blank, _ = parse_money(values)
        arr = pd.array(cents, dtype="Int64")
        arr[blank | bad] = pd.NA
        return arr, bad, blank, "un montant en euros, par exemple 1 234,56", none
    if f.kind == "date":
        cells = parse_date_cells(values, date1904)
        return cells, cells.bad, cells.blank, "une date comme 31/12/2026 (JJ/MM/AAAA) ou une date Excel", \
            cells.out_of_range
    if f.kind == "rate":
        r, bad, blank = parse_rate(values)
        return r, bad, blank, "un taux comme 20 % ou 0,2", none
    text, blank = parse_text(values)
    if f.kind == "choice":
        lookup = {normalize_label(v): k for k, v in f.choices.items()}
        lookup.update({normalize_label(k): k for k in f.choices})
        codes = np.array([lookup.get(normalize_label(t)) if t is not None else None for t in text], dtype=object)
        bad = ~blank & pd.isna(codes)
        return pd.Categorical(codes, categories=list(f.choices)), bad, blank, \
            "l'un de " + ", ".join(quote(v) for v in f.choices.values()), none
    return pd.array(text, dtype="string"), np.zeros(len(values), bool), blank, "un texte", none


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
