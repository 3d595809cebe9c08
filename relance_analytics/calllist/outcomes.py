"""The way back: read a filled ``call_list.xlsx`` and record its outcomes in the action journal.

Every sheet whose header row has the hidden ``Clé`` column is read (the collectors' sheets and
``Relances par e-mail``, whatever their name now); a row whose fill columns are all blank was
not called and is skipped. Each filled row is validated, and every problem of the whole
workbook is reported at once in one :class:`~relance_analytics.io.errors.InputError` naming
sheet, Excel row and column — nothing is recorded when anything is invalid:

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

import numpy as np
import pandas as pd

from .. import vocab
from ..io.errors import InputError, Problem
from ..io.parse import MAX_DATE, MIN_DATE, is_blank, normalize_label, parse_date_cells, parse_money, parse_text
from ..io.tables import ACTIONS
from ..io.workbook import LISTED_CELLS, RawSheet, Workbook, after_findings, column_letter, data_findings, warn
from ..journal import Journal, split_document_ids
from .build import KEY_VERSION
from .workbook import FILL_COLUMNS, KEY_HEADER

KIND = "filled call list"
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
        return f"{self.header[j].strip()} ({column_letter(j)}) of sheet {self.name!r}"

    def problem(self, pos: int, code: str, message: str, value: object = None, expected: str | None = None) -> None:
        self.problems.append(Problem(message, int(self.rows[pos]), self.cell_label(code), value, expected))

    def values(self, code: str) -> pd.Series:
        return self.body[self.columns[code]] if code in self.columns else pd.Series(None, index=self.body.index,
                                                                                     dtype=object)

    def sheet_problem(self, message: str, expected: str) -> None:
        """A problem of the sheet's layout, on its header row."""
        self.problems.append(Problem(f"sheet {self.name!r}: {message}", self.header_row, expected=expected))


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
    for code, h in _READ.items():
        js = [j for j, label in enumerate(sheet.labels) if label == normalize_label(h)]
        if len(js) > 1:
            sheet.sheet_problem(f"the header {h!r} appears in columns " + " and ".join(map(column_letter, js)),
                                "each column once: rename or delete the extra column")
            ok = False
    missing = [c.header for c in FILL_COLUMNS if c.code not in sheet.columns]
    if missing:
        sheet.sheet_problem(f"lacks the column(s) {', '.join(missing)}",
                            "the columns of the call list as written: " + ", ".join(c.header for c in FILL_COLUMNS))
        ok = False
    if "key" not in sheet.columns and filled.any():
        rows = sheet.rows[filled]
        listed = ", ".join(map(str, rows[:LISTED_CELLS])) + (", …" if len(rows) > LISTED_CELLS else "")
        sheet.sheet_problem(
            f"no {KEY_HEADER!r} column (the hidden column after {FILL_COLUMNS[-1].header!r}, deleted?): "
            f"the filled row(s) {listed} cannot be matched to their customer and list",
            f"the hidden {KEY_HEADER!r} column as the call list wrote it: fill the list as written")
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
    sheet.notes += [replace(n, message=f"sheet {sheet.name!r}: {n.message}") for n in notes]
    return problems


def _dates(sheet: _Sheet, code: str, filled: np.ndarray) -> np.ndarray:
    """Dates of one fill column (NaT where blank or bad); bad cells of filled rows reported."""
    values = sheet.values(code)
    cells = parse_date_cells(values, sheet.raw.date1904)
    for pos in np.flatnonzero(cells.out_of_range & filled):
        sheet.problem(pos, code, "date out of range", values.iloc[pos],
                      f"a date between {MIN_DATE:%d/%m/%Y} and {MAX_DATE:%d/%m/%Y}")
    for pos in np.flatnonzero(cells.bad & ~cells.out_of_range & filled):
        sheet.problem(pos, code, "unreadable date", values.iloc[pos], "a date, e.g. 27/11/2026")
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
    amount, bad_amount, blank_amount = parse_money(sheet.values("promise_amount"))
    for pos in np.flatnonzero(bad_amount & filled):
        sheet.problem(pos, "promise_amount", "unreadable amount", sheet.values("promise_amount").iloc[pos],
                      "an amount in euros, e.g. 4 500,00")
    codes = {}
    for code, choices in _CHOICES.items():
        text, blank = parse_text(sheet.values(code))
        table = _lookup(choices)
        codes[code] = np.array([None if t is None else table.get(normalize_label(t)) for t in text], dtype=object)
        for pos in np.flatnonzero(filled & ~blank & pd.isna(codes[code])):
            sheet.problem(pos, code, "unknown value", text[pos], "one of " + ", ".join(map(repr, choices.values())))
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
            sheet.problem(pos, "key", "missing or damaged row key (hidden column): this row was not written by "
                                      "the call list", key_text[pos], "the row as the call list wrote it")
            continue
        if shown_customer[pos] is not None and shown_customer[pos] != key["customer"]:
            sheet.problem(pos, "key", f"the row key is that of customer {key['customer']!r} but column "
                                      f"{sheet.cell_label('customer_id')} shows {shown_customer[pos]!r} (rows sorted "
                                      "or pasted without the hidden column?)", None,
                          "the row's own key: sort or move whole rows, hidden columns included")
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
            sheet.problem(pos, "outcome", "missing outcome: the row has other cells filled",
                          expected="one of " + ", ".join(map(repr, vocab.OUTCOME.values())))
            continue
        if call_date < list_date:
            sheet.problem(pos, "call_date", f"call dated before the list of {list_date:%d/%m/%Y}",
                          f"{call_date:%d/%m/%Y}", f"on or after {list_date:%d/%m/%Y}")
        if outcome == "promise":
            if cents is None and blank_amount[pos]:
                sheet.problem(pos, "promise_amount", "a promise needs the amount promised", None, "an amount > 0")
            if np.isnat(promise_date) and is_blank(sheet.values("promise_date").iloc[[pos]])[0]:
                sheet.problem(pos, "promise_date", "a promise needs the date promised", None, "a date")
        elif cents is not None or not np.isnat(promise_date):
            col = "promise_amount" if cents is not None else "promise_date"
            sheet.problem(pos, col, f"a promised amount or date needs the outcome {vocab.OUTCOME['promise']!r}",
                          vocab.OUTCOME.get(outcome), f"outcome {vocab.OUTCOME['promise']!r} or an empty cell")
        if cents is not None and cents <= 0:
            sheet.problem(pos, "promise_amount", "the amount promised must be positive", amount[pos] / 100, "> 0")
        if not np.isnat(promise_date) and pd.Timestamp(promise_date) < call_date:
            sheet.problem(pos, "promise_date", "promise dated before the call", f"{pd.Timestamp(promise_date):%d/%m/%Y}",
                          f"on or after {call_date:%d/%m/%Y}")
        if outcome == "excuse" and excuse is None and is_blank(sheet.values("excuse").iloc[[pos]])[0]:
            sheet.problem(pos, "excuse", "an excuse needs its code", None,
                          "one of " + ", ".join(map(repr, vocab.EXCUSE.values())))
        if outcome == "callback" and np.isnat(callback) and is_blank(sheet.values("callback_date").iloc[[pos]])[0]:
            sheet.problem(pos, "callback_date", "a callback agreed needs its date", None, "a date")
        if not np.isnat(callback) and pd.Timestamp(callback) < call_date:
            sheet.problem(pos, "callback_date", "callback dated before the call", f"{pd.Timestamp(callback):%d/%m/%Y}",
                          f"on or after {call_date:%d/%m/%Y}")
        row_docs = tuple(key["documents"])
        docs = split_document_ids(docs_text[pos]) or row_docs
        unknown = [d for d in docs if d not in row_docs]
        if unknown:
            sheet.problem(pos, "documents", f"document(s) not on this row: {', '.join(unknown)}", docs_text[pos],
                          "some of " + ", ".join(row_docs) if row_docs else "no document")
        records.append({
            "date": call_date, "customer_id": key["customer"], "document_ids": ",".join(docs) or None,
            "channel": "phone", "contact": contact[pos] or shown[pos], "outcome": outcome, "excuse": excuse,
            "promise_amount_cents": cents, "promise_date": promise_date, "payment_method": method,
            "callback_date": callback, "note": note[pos], "collector": key["collector"],
            "source_row": int(sheet.rows[pos]),
        })
    return pd.DataFrame(records)


def _key(text: str | None) -> dict[str, object] | None:
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
        raise InputError(path, [Problem(f"no call-list sheet found (no sheet has the hidden {KEY_HEADER!r} column)",
                                        expected="a call_list.xlsx written by relance")], kind=KIND)
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
