"""The way back: read a filled ``call_list.xlsx`` and record its outcomes in the action journal.

Every sheet whose header row has the hidden ``Clé`` column is read (the collectors' sheets and
``Relances par e-mail``); a row whose fill columns are all blank was not called and is skipped.
Each filled row is validated, and every problem of the whole workbook is reported at once in
one :class:`~relance_analytics.io.errors.InputError` naming sheet, Excel row and column —
nothing is recorded when anything is invalid:

* the row key must be intact (it says which customer, documents and list the row was);
* ``Résultat`` is required, from the drop-down list (French label or code);
* a promise needs an amount > 0 and a date; an excuse needs its code; a callback agreed
  needs its date; dates are not before the call, the call not before the list's date;
* ``Pièces concernées``, when given, must be documents of the row (default: all of them);
* codes must be those of the drop-down lists.

Accepted rows become the canonical actions frame (channel ``phone``, the contact reached,
the row's collector, the Excel row as ``source_row``) and are recorded by
:meth:`Journal.record` in one transaction; re-importing the same workbook records nothing new
(the journal skips actions whose content it already holds).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from .. import vocab
from ..io.errors import InputError, Problem
from ..io.parse import is_blank, normalize_label, parse_dates, parse_money, parse_text
from ..io.tables import ACTIONS
from ..io.workbook import column_letter, read_raw, sheet_names
from ..journal import Journal, split_document_ids
from .build import KEY_VERSION
from .workbook import FILL_COLUMNS, KEY_HEADER

KIND = "filled call list"
_CHOICES = {"outcome": vocab.OUTCOME, "excuse": vocab.EXCUSE, "payment_method": vocab.PAYMENT_METHOD}


def _lookup(choices: dict[str, str]) -> dict[str, str]:
    table = {normalize_label(label): code for code, label in choices.items()}
    table.update({normalize_label(code): code for code in choices})
    return table


class _Sheet:
    """The filled rows of one list sheet, parsed column by column."""

    def __init__(self, name: str, frame: pd.DataFrame, columns: dict[str, int], problems: list[Problem]):
        self.name, self.problems = name, problems
        body = frame.iloc[1:]
        self.rows = body.index.to_numpy() + 1          # Excel row numbers
        self.header = [str(v) for v in frame.iloc[0]]
        self.body, self.columns = body, columns

    def cell_label(self, code: str) -> str:
        j = self.columns[code]
        return f"{self.header[j].strip()} ({column_letter(j)}) of sheet {self.name!r}"

    def problem(self, pos: int, code: str, message: str, value: object = None, expected: str | None = None) -> None:
        self.problems.append(Problem(message, int(self.rows[pos]), self.cell_label(code), value, expected))

    def values(self, code: str) -> pd.Series:
        return self.body[self.columns[code]] if code in self.columns else pd.Series(None, index=self.body.index,
                                                                                     dtype=object)


def _header_columns(frame: pd.DataFrame) -> dict[str, int] | None:
    """Column index of each fill column, the key and the contact shown, or ``None`` when the
    sheet is not a list sheet (no ``Clé`` header)."""
    if frame.empty:
        return None
    labels = [normalize_label(v) for v in frame.iloc[0]]
    if normalize_label(KEY_HEADER) not in labels:
        return None
    wanted = {c.code: c.header for c in FILL_COLUMNS} | {"key": KEY_HEADER, "shown_contact": "Interlocuteur"}
    return {code: labels.index(normalize_label(h)) for code, h in wanted.items() if normalize_label(h) in labels}


def _parse_sheet(sheet: _Sheet) -> pd.DataFrame:
    """Validated actions of one sheet (problems appended to ``sheet.problems``)."""
    missing = [c.header for c in FILL_COLUMNS if c.code not in sheet.columns]
    if missing:
        sheet.problems.append(Problem(f"sheet {sheet.name!r} lacks the column(s) {', '.join(missing)}",
                                      expected="the columns of the call list as written"))
        return pd.DataFrame()
    filled = np.zeros(len(sheet.body), dtype=bool)
    for c in FILL_COLUMNS:
        filled |= ~is_blank(sheet.values(c.code))
    if not filled.any():
        return pd.DataFrame()
    n = len(sheet.body)
    dates = {}
    for code in ("call_date", "promise_date", "callback_date"):
        parsed, bad, _ = parse_dates(sheet.values(code))
        for pos in np.flatnonzero(bad & filled):
            sheet.problem(pos, code, "unreadable date", sheet.values(code).iloc[pos], "a date, e.g. 27/11/2026")
        dates[code] = parsed
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

    records = []
    for pos in np.flatnonzero(filled):
        key = _key(key_text[pos])
        if key is None:
            sheet.problem(pos, "key", "missing or damaged row key (hidden column): this row was not written by "
                                      "the call list", key_text[pos], "the row as the call list wrote it")
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

    Raises :class:`InputError` listing every problem (sheet, row, column) when any filled row
    is invalid; returns an empty frame when nothing was filled.
    """
    path = Path(path)
    problems: list[Problem] = []
    frames = []
    for name in sheet_names(path, InputError):
        raw = read_raw(path, name, InputError).frame
        columns = _header_columns(raw)
        if columns is None:
            continue
        start = len(problems)
        frames.append(_parse_sheet(_Sheet(str(name), raw, columns, problems)))
        problems[start:] = sorted(problems[start:], key=lambda p: p.row or 0)
    if not frames:
        raise InputError(path, [Problem("no call-list sheet found (no sheet has the hidden 'Clé' column)",
                                        expected="a call_list.xlsx written by relance")], kind=KIND)
    if problems:
        raise InputError(path, problems, kind=KIND)
    records = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) \
        else pd.DataFrame(columns=[f.name for f in ACTIONS.fields] + ["source_row"])
    frame = _canonical(records)
    frame.attrs["source"] = str(path)
    return frame


def import_outcomes(path: str | Path, workspace: str | Path, logged_by: str | None = None) -> int:
    """Validate a filled call list and record its outcomes in the workspace's journal in one
    transaction; return the number of new actions (0 when imported before)."""
    frame = read_outcomes(path)
    with Journal.open(workspace) as journal:
        return journal.record(frame, str(Path(path).resolve()), logged_by)
