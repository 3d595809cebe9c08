"""The way back: read a filled ``call_list.xlsx`` and record its outcomes in the action journal.

Every sheet whose header row has the hidden ``Clé`` column is read (the collectors' sheets and
``Relances par e-mail``, whatever their name now); a row whose fill columns are all blank was
not called and is skipped. Columns are found by their header, wherever they are (the workbook
puts the fill columns right after the row's identification, the key last; a list written by an
older version, with the fill columns at the end, reads the same). Each filled row is validated,
and every problem of the whole workbook is reported at once in one
:class:`~relance_analytics.io.errors.InputError` naming sheet, Excel row and column — nothing is
recorded when anything is invalid:

* the workbook passes the checks of every input file (:mod:`relance_analytics.io.workbook`:
  empty, truncated, encrypted, zip and XML entity bombs…);
* a list sheet (its header row, in the first rows, has the ``Clé`` column or most fill
  columns) has every fill column, each once, and the ``Clé`` column when a row is filled;
* the row key must be intact (it says which customer, documents and list the row was) and be
  the key of the customer the row shows in ``Code client`` (rows sorted or pasted without
  the hidden column would otherwise be recorded against another customer);
* ``Résultat`` is required, from the drop-down list (French label or code);
* a promise needs an amount > 0 and a date; an excuse needs its code; a callback agreed
  needs its date; dates are real dates between 1900 and 2100, not before the call, the call
  not before the list's date;
* ``Pièces concernées``, when given, must be documents of the row (default: all of them);
* codes must be those of the drop-down lists;
* a formula with no saved result, an Excel error value, or merged cells in a column read on
  a filled row are errors (the value read would not be the one Excel shows).

Tolerated, with one :class:`~relance_analytics.io.errors.InputWarning` (texts also in
``frame.attrs["warnings"]``): filled rows that are hidden (read like the others) and formula
cells whose result was saved (read from that result). Tolerated silently, as nothing is lost:
blank or inserted rows without any fill (skipped, like the rows not called), renamed sheets,
extra sheets without the list's header, hidden rows left blank, a title row inserted above
the header.

Accepted rows become the canonical actions frame (channel ``phone``, the contact reached,
the row's collector, the Excel row as ``source_row``) and are recorded by
:meth:`Journal.record` in one transaction; re-importing the same workbook records nothing new
(the journal skips actions whose content it already holds).
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from ..errors import InputError, Problem
from ..io.date_cells import MAX_DATE, MIN_DATE, parse_date_cells
from ..io.parse import is_blank, parse_money, parse_text
from ..io.tables import ACTIONS
from ..io.workbook import LISTED_CELLS, RawSheet, Workbook, after_findings, column_letter, data_findings, warn
from ..journal import Journal
from ..keys import normalize_label, split_document_ids
from .build import KEY_VERSION
from .workbook import FILL_COLUMNS, KEY_HEADER

KIND = "liste d'appels remplie"
HEADER_SEARCH_ROWS = 10
#: A header row with this many fill headers is a list sheet even without its ``Clé`` column
#: (the hidden ``Listes`` sheet has three of them: the drop-down values).
LIST_SHEET_FILL_HEADERS = len(FILL_COLUMNS) // 2
_CHOICES = {"outcome": vocab.OUTCOME, "excuse": vocab.EXCUSE, "payment_method": vocab.PAYMENT_METHOD}
_READ = {c.code: c.header for c in FILL_COLUMNS} | {"key": KEY_HEADER, "shown_contact": "Interlocuteur",
                                                   "customer_id": "Code client"}


def _lookup(choices: dict[str, str]) -> dict[str, str]:
    table = {normalize_label(label): code for code, label in choices.items()}
    table.update({normalize_label(code): code for code in choices})
    return table


class _Sheet:
    """The filled rows of one list sheet, parsed column by column; collects its own problems
    and notes (warnings)."""

    def __init__(self, raw: RawSheet, header_idx: int, labels: list[str]):
        self.name, self.raw = str(raw.sheet), raw
        self.header_row = header_idx + 1                 # Excel row of the header
        frame = raw.frame
        self.header = ["" if v is None else str(v) for v in frame.iloc[header_idx]]
        self.body = frame.iloc[header_idx + 1:]
        self.rows = self.body.index.to_numpy() + 1       # Excel row numbers
        self.labels = labels                             # normalized headers
        self.columns = {code: labels.index(normalize_label(h)) for code, h in _READ.items()
                        if normalize_label(h) in labels}
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []

    def cell_label(self, code: str) -> str:
        j = self.columns[code]
        return f"{self.header[j].strip()} ({column_letter(j)}) de la feuille « {self.name} »"

    def problem(self, pos: int | np.integer, code: str, message: str, value: object = None, expected: str | None = None,
                reason: str = "invalid") -> None:
        self.problems.append(Problem(message, int(self.rows[pos]), self.cell_label(code), value, expected, reason))

    def values(self, code: str) -> pd.Series:
        return self.body[self.columns[code]] if code in self.columns else pd.Series(None, index=self.body.index,
                                                                                     dtype=object)

    def sheet_problem(self, message: str, expected: str) -> None:
        """A problem of the sheet's layout, on its header row."""
        self.problems.append(Problem(f"feuille « {self.name} » : {message}", self.header_row, expected=expected,
                                     code="layout"))


def _header_row(frame: pd.DataFrame) -> tuple[int, list[str]] | None:
    """The header row of a list sheet (0-based) and its normalized labels, or ``None`` when the
    sheet is not one: no row among the first :data:`HEADER_SEARCH_ROWS` has the ``Clé`` header
    or :data:`LIST_SHEET_FILL_HEADERS` fill headers."""
    key = normalize_label(KEY_HEADER)
    fill = {normalize_label(c.header) for c in FILL_COLUMNS}
    for i, row in enumerate(frame.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object)):
        labels = [normalize_label(v) for v in row]
        if key in labels or len(fill.intersection(labels)) >= LIST_SHEET_FILL_HEADERS:
            return i, labels
    return None


def _layout_ok(sheet: _Sheet, filled: np.ndarray) -> bool:
    """Check the columns of a list sheet (each read column once, every fill column, the key
    when a row is filled); problems on the header row."""
    ok = True
    for h in _READ.values():
        js = [j for j, label in enumerate(sheet.labels) if label == normalize_label(h)]
        if len(js) > 1:
            sheet.sheet_problem(f"l'en-tête « {h} » figure dans les colonnes " + " et ".join(map(column_letter, js)),
                                "chaque colonne une seule fois : renommez ou supprimez la colonne en trop")
            ok = False
    missing = [c.header for c in FILL_COLUMNS if c.code not in sheet.columns]
    if missing:
        sheet.sheet_problem("il manque " + ("la colonne " if len(missing) == 1 else "les colonnes ")
                            + ", ".join(f"« {m} »" for m in missing),
                            "les colonnes de la liste d'appels telle qu'écrite : "
                            + ", ".join(c.header for c in FILL_COLUMNS))
        ok = False
    if "key" not in sheet.columns and filled.any():
        rows = sheet.rows[filled]
        listed = ", ".join(map(str, rows[:LISTED_CELLS])) + (", …" if len(rows) > LISTED_CELLS else "")
        sheet.sheet_problem(
            f"pas de colonne « {KEY_HEADER} » (la dernière colonne, masquée : supprimée ?) : "
            f"les lignes remplies {listed} ne peuvent pas être rattachées à leur client et à leur liste",
            f"la colonne masquée « {KEY_HEADER} » telle que la liste l'a écrite : remplissez la liste telle quelle")
        ok = False
    return ok


def _filled(sheet: _Sheet) -> np.ndarray:
    filled = np.zeros(len(sheet.body), dtype=bool)
    for c in FILL_COLUMNS:
        filled |= ~is_blank(sheet.values(c.code))
    return filled


def _findings(sheet: _Sheet, filled: np.ndarray) -> list[Problem]:
    """Formulas, Excel error values, merged cells and hidden rows in the columns read, on the
    filled rows and on any row where such a cell hides a value (a formula with no saved result
    reads as a blank cell). Returns the problems; warnings go to ``sheet.notes``."""
    columns = {j: sheet.cell_label(code) for code, j in sheet.columns.items()}
    rows = set(sheet.body.index.to_numpy()[filled].tolist())
    scan = sheet.raw.cells
    if scan is not None:
        for r, c in zip(np.concatenate([scan.formula_rows, scan.error_rows]),
                        np.concatenate([scan.formula_cols, scan.error_cols])):
            if r >= sheet.header_row and c in columns:
                rows.add(int(r))
    problems, notes = data_findings(sheet.raw, np.asarray(sorted(rows), dtype=np.int64), columns)
    sheet.notes += [replace(n, message=f"feuille « {sheet.name} » : {n.message}") for n in notes]
    return problems


def _dates(sheet: _Sheet, code: str, filled: np.ndarray) -> np.ndarray:
    """Dates of one fill column (NaT where blank or bad); bad cells of filled rows reported."""
    values = sheet.values(code)
    cells = parse_date_cells(values, sheet.raw.date1904)
    for pos in np.flatnonzero(cells.out_of_range & filled):
        sheet.problem(pos, code, "date hors limites", values.iloc[pos],
                      f"une date entre le {MIN_DATE:%d/%m/%Y} et le {MAX_DATE:%d/%m/%Y}", "date_out_of_range")
    for pos in np.flatnonzero(cells.bad & ~cells.out_of_range & filled):
        sheet.problem(pos, code, "date illisible", values.iloc[pos], "une date, par exemple 27/11/2026",
                      "unreadable_date")
    return cells.dates


def _parse_sheet(sheet: _Sheet) -> pd.DataFrame:
    """Validated actions of one sheet (problems in ``sheet.problems``, sorted by row; warnings
    in ``sheet.notes``)."""
    filled = _filled(sheet)
    if not _layout_ok(sheet, filled) or "key" not in sheet.columns:
        return pd.DataFrame()
    found = _findings(sheet, filled)
    records = _records(sheet, filled) if filled.any() else pd.DataFrame()
    sheet.problems = after_findings(found, sheet.problems)
    return records


def _records(sheet: _Sheet, filled: np.ndarray) -> pd.DataFrame:
    """One record per filled row whose cells are valid (problems in ``sheet.problems``)."""
    dates = {code: _dates(sheet, code, filled) for code in ("call_date", "promise_date", "callback_date")}
    amount, bad_amount, blank_amount, _ = parse_money(sheet.values("promise_amount"))
    for pos in np.flatnonzero(bad_amount & filled):
        sheet.problem(pos, "promise_amount", "montant illisible", sheet.values("promise_amount").iloc[pos],
                      "un montant en euros, par exemple 4 500,00", "unreadable_amount")
    codes = {}
    for code, choices in _CHOICES.items():
        text, blank = parse_text(sheet.values(code))
        table = _lookup(choices)
        codes[code] = np.array([None if t is None else table.get(normalize_label(t)) for t in text], dtype=object)
        for pos in np.flatnonzero(filled & ~blank & pd.isna(codes[code])):
            sheet.problem(pos, code, "valeur inconnue", text[pos],
                          "l'une de " + ", ".join(f"« {v} »" for v in choices.values()), "unknown_value")
    docs_text, _ = parse_text(sheet.values("documents"))
    contact, _ = parse_text(sheet.values("contact"))
    shown, _ = parse_text(sheet.values("shown_contact"))
    note, _ = parse_text(sheet.values("note"))
    key_text, _ = parse_text(sheet.values("key"))
    shown_customer, _ = parse_text(sheet.values("customer_id"))

    records = []
    for pos in np.flatnonzero(filled):
        key = _key(key_text[pos])
        if key is None:
            sheet.problem(pos, "key", "clé de ligne absente ou abîmée (colonne masquée) : cette ligne n'a pas été "
                                      "écrite par la liste d'appels", key_text[pos],
                          "la ligne telle que la liste l'a écrite",
                          "bad_key")
            continue
        if shown_customer[pos] is not None and shown_customer[pos] != key["customer"]:
            sheet.problem(pos, "key", f"la clé de la ligne est celle du client « {key['customer']} » mais la colonne "
                                      f"{sheet.cell_label('customer_id')} montre « {shown_customer[pos]} » "
                                      "(lignes triées "
                                      "ou collées sans la colonne masquée ?)", None,
                          "la clé de la ligne elle-même : triez ou déplacez des lignes entières, colonnes masquées "
                          "comprises", "moved_key")
            continue
        list_date = pd.Timestamp(key["as_of"])
        call_date = pd.Timestamp(dates["call_date"][pos]) if not np.isnat(dates["call_date"][pos]) else list_date
        outcome, excuse, method = codes["outcome"][pos], codes["excuse"][pos], codes["payment_method"][pos]
        promise_date = dates["promise_date"][pos]
        callback = dates["callback_date"][pos]
        cents = None if blank_amount[pos] or bad_amount[pos] else int(amount[pos])
        if outcome is None:
            if not is_blank(sheet.values("outcome").iloc[[pos]])[0]:
                continue                       # already reported as an unknown value
            sheet.problem(pos, "outcome", "résultat manquant : d'autres cellules de la ligne sont remplies",
                          expected="l'un de " + ", ".join(f"« {v} »" for v in vocab.OUTCOME.values()),
                          reason="missing_outcome")
            continue
        if call_date < list_date:
            sheet.problem(pos, "call_date", f"appel daté d'avant la liste du {list_date:%d/%m/%Y}",
                          f"{call_date:%d/%m/%Y}", f"le {list_date:%d/%m/%Y} ou après", "date_order")
        if outcome == "promise":
            if cents is None and blank_amount[pos]:
                sheet.problem(pos, "promise_amount", "une promesse demande le montant promis", None,
                              "un montant > 0", "incomplete_promise")
            if np.isnat(promise_date) and is_blank(sheet.values("promise_date").iloc[[pos]])[0]:
                sheet.problem(pos, "promise_date", "une promesse demande la date promise", None, "une date",
                              "incomplete_promise")
        elif cents is not None or not np.isnat(promise_date):
            col = "promise_amount" if cents is not None else "promise_date"
            sheet.problem(pos, col,
                          f"un montant ou une date promis demandent le résultat « {vocab.OUTCOME['promise']} »",
                          vocab.OUTCOME.get(outcome), f"le résultat « {vocab.OUTCOME['promise']} » ou une cellule vide",
                          "promise_without_outcome")
        if cents is not None and cents <= 0:
            sheet.problem(pos, "promise_amount", "le montant promis doit être positif", amount[pos] / 100, "> 0",
                          "negative_promise")
        if not np.isnat(promise_date) and pd.Timestamp(promise_date) < call_date:
            sheet.problem(pos, "promise_date", "promesse datée d'avant l'appel",
                          f"{pd.Timestamp(promise_date):%d/%m/%Y}",
                          f"le {call_date:%d/%m/%Y} ou après", "date_order")
        if outcome == "excuse" and excuse is None and is_blank(sheet.values("excuse").iloc[[pos]])[0]:
            sheet.problem(pos, "excuse", "une excuse demande son code", None,
                          "l'un de " + ", ".join(f"« {v} »" for v in vocab.EXCUSE.values()), "missing_excuse")
        if outcome == "callback" and np.isnat(callback) and is_blank(sheet.values("callback_date").iloc[[pos]])[0]:
            sheet.problem(pos, "callback_date", "un rappel convenu demande sa date", None, "une date",
                          "missing_callback")
        if not np.isnat(callback) and pd.Timestamp(callback) < call_date:
            sheet.problem(pos, "callback_date", "rappel daté d'avant l'appel", f"{pd.Timestamp(callback):%d/%m/%Y}",
                          f"le {call_date:%d/%m/%Y} ou après", "date_order")
        row_docs = tuple(key["documents"])
        docs = split_document_ids(docs_text[pos]) or row_docs
        unknown = [d for d in docs if d not in row_docs]
        if unknown:
            sheet.problem(pos, "documents", f"pièce(s) absente(s) de cette ligne : {', '.join(unknown)}",
                          docs_text[pos],
                          "certaines de " + ", ".join(row_docs) if row_docs else "aucune pièce", "unknown_document")
        records.append({
            "date": call_date, "customer_id": key["customer"], "document_ids": ",".join(docs) or None,
            "channel": "phone", "contact": contact[pos] or shown[pos], "outcome": outcome, "excuse": excuse,
            "promise_amount_cents": cents, "promise_date": promise_date, "payment_method": method,
            "callback_date": callback, "note": note[pos], "collector": key["collector"],
            "source_row": int(sheet.rows[pos]),
        })
    return pd.DataFrame(records)


def _key(text: str | None) -> dict[str, Any] | None:
    try:
        key = json.loads(text or "")
    except ValueError:
        return None
    ok = (isinstance(key, dict) and key.get("v") == KEY_VERSION and isinstance(key.get("customer"), str)
          and key["customer"] and isinstance(key.get("documents"), list)
          and all(isinstance(d, str) for d in key["documents"]) and isinstance(key.get("collector"), str))
    if not ok:
        return None
    try:
        pd.Timestamp(str(key.get("as_of")))
    except ValueError:
        return None
    return key


def _canonical(records: pd.DataFrame) -> pd.DataFrame:
    """The canonical actions frame (dtypes of ``read_actions``) of the accepted rows."""
    out: dict[str, object] = {}
    n = len(records)
    for f in ACTIONS.fields:
        values = records[f.name] if f.name in records.columns else pd.Series([None] * n, dtype=object)
        if f.kind == "date":
            out[f.name] = pd.to_datetime(values).to_numpy(dtype="datetime64[s]")
        elif f.kind == "money":
            out[f.name] = pd.array(values.astype(object), dtype="Int64")
        elif f.kind == "choice":
            out[f.name] = pd.Categorical(values.astype(object), categories=list(f.choices))
        else:
            out[f.name] = pd.array(values.astype(object), dtype="string")
    out["source_row"] = records["source_row"].to_numpy(dtype="int32") if n else np.zeros(0, dtype="int32")
    return pd.DataFrame(out, index=range(n))


def read_outcomes(path: str | Path) -> pd.DataFrame:
    """The outcomes filled in a call-list workbook, as the canonical actions frame.

    Raises one :class:`InputError` listing every problem (file, sheet, row, column, what was
    expected) when the file is not a sound workbook or any filled row is invalid; returns an
    empty frame when nothing was filled. What is tolerated is listed in the module's
    docstring; the warnings' texts are in ``frame.attrs["warnings"]``.
    """
    path = Path(path)
    problems: list[Problem] = []
    notes: list[Problem] = []
    frames = []
    with Workbook(path, partial(InputError, kind=KIND)) as wb:
        for name in wb.sheet_names:
            raw = wb.read(name)
            header = _header_row(raw.frame)
            if header is None:
                continue
            sheet = _Sheet(raw, *header)
            frames.append(_parse_sheet(sheet))
            problems += sheet.problems
            notes += sheet.notes
    if not frames:
        raise InputError(path, [Problem(f"aucune feuille de liste d'appels (aucune feuille n'a la colonne masquée "
                                        f"« {KEY_HEADER} »)", expected="un call_list.xlsx écrit par relance",
                                        code="no_call_list")], kind=KIND)
    if problems:
        raise InputError(path, problems, kind=KIND)
    records = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=[f.name for f in ACTIONS.fields] + ["source_row"])
    frame = _canonical(records)
    frame.attrs.update({"source": str(path), "warnings": warn(path, None, notes, KIND)})
    return frame


def import_outcomes(path: str | Path, workspace: str | Path, logged_by: str | None = None) -> int:
    """Validate a filled call list and record its outcomes in the workspace's journal in one
    transaction; return the number of new actions (0 when imported before)."""
    frame = read_outcomes(path)
    with Journal.open(workspace) as journal:
        return journal.record(frame, str(Path(path).resolve()), logged_by)
