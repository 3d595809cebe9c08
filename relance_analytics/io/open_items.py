"""Reader of open-item exports (balance âgée) into the canonical open-item frame.

Canonical columns (see README): ``customer_id`` (category), ``customer_name``,
``document_id``, ``document_type`` (category: invoice, credit_note, payment),
``document_date``, ``due_date`` (datetime64[s] dates), ``amount_cents`` (int64, TTC, negative
for credit notes and unapplied payments), optional ``amount_ht_cents`` (Int64), ``collector``,
``segment``, ``currency``, and ``source_row`` (the Excel row the item came from).

The read is exact or it fails: every bad cell of the file is reported at once in one
:class:`~relance_analytics.io.errors.ExportError`, and the items must add up to the
export's grand total row to the cent.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ExportError, Problem, ReconciliationError
from .mapping import BY_SIGN, DOCUMENT_TYPES, ColumnMapping, MappingLike, resolve
from .parse import (MAX_DATE, MIN_DATE, Kinds, cell_kinds, is_blank, normalize_label, normalize_labels, parse_date_cells,
                    parse_money, parse_text)
from .workbook import LISTED_CELLS, RawSheet, Workbook, column_letter, after_findings, data_findings, is_empty, warn

HEADER_SEARCH_ROWS = 60
_TOTAL_LABEL = re.compile(
    r"^(?:(?:total|sous[- ]total|cumul|balance agee cumulee|pourcentages?|report a nouveau|solde)\b|\*+$)")
_GRAND_LABEL = re.compile(r"^(total general|grand total|total balance|total)$")
_BRACKET_REF = re.compile(r"^\[(?P<id>[^\]]+)\]\s*(?P<name>.*)$")

OPEN_ITEM_COLUMNS = (
    "customer_id", "customer_name", "document_id", "document_type", "document_date",
    "due_date", "amount_cents", "amount_ht_cents", "collector", "segment", "currency",
    "source_row",
)
DOCUMENT_TYPE_DTYPE = pd.CategoricalDtype(list(DOCUMENT_TYPES))


def read_open_items(path: str | Path, mapping: MappingLike = "auto", sheet: str | None = None,
                    *, require_control_total: bool = False) -> pd.DataFrame:
    """Read one open-item export (xlsx or CSV) into the canonical open-item frame.

    ``mapping``: a preset name, ``"auto"`` (default: the preset whose headers the file has),
    a dict ``{canonical: header}`` or a mapping TOML file. The header row is found below any
    title block, on the one sheet that has it; total, subtotal, repeated-header and title rows
    are removed (and counted in ``frame.attrs["skipped_rows"]``); the grand total row gives the
    control total (``frame.attrs["control_total_cents"]``, ``None`` when the file has none,
    which is an error if ``require_control_total``).

    Tolerated, with an :class:`~relance_analytics.io.errors.InputWarning` (texts also in
    ``frame.attrs["warnings"]``): formula cells whose result was saved (read from it), hidden
    rows (read), due dates before the document date (kept: items are aged from their due date),
    rows without document number or date taken as subtotals when no grand total checks them.
    Blank rows are skipped and counted. Lettered lines (when a ``lettering`` column is mapped)
    are closed: they count towards the control total, then are left out (``skipped_rows["lettered"]``).

    Raises :class:`ExportError` listing every problem (file, sheet, Excel row, column, value,
    what was expected), and :class:`ReconciliationError` when the items do not sum to the
    grand total exactly.
    """
    path = Path(path)
    candidates = resolve(mapping)
    with Workbook(path, ExportError) as wb:
        raw, header_idx, chosen = _locate_header(wb, sheet, candidates)
    return _OpenItemParser(raw, header_idx, chosen, require_control_total).run()


def _locate_header(wb: Workbook, sheet: str | None,
                   candidates: list[ColumnMapping]) -> tuple[RawSheet, int, ColumnMapping]:
    """The sheet, header row and mapping of the open items; exactly one sheet must have them."""
    sheets = [sheet] if sheet is not None else wb.sheet_names
    found: list[tuple[RawSheet, int, ColumnMapping]] = []
    best: tuple[int, ColumnMapping, list[str], RawSheet, int] | None = None
    empty: list[RawSheet] = []
    for name in sheets:
        raw = wb.read(name)
        if is_empty(raw.frame):
            empty.append(raw)
            continue
        for i, row in enumerate(raw.frame.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object)):
            row_list = list(row)
            hit = None
            for cand in candidates:
                located = cand.locate(row_list)
                if not located:
                    continue
                missing = cand.missing_required(set(located))
                if not missing:
                    better = [c for c in candidates if c.matches(row_list)
                              and len(c.locate(row_list)) > len(located)]
                    hit = better[0] if better else cand
                    break
                if best is None or len(located) > best[0]:
                    best = (len(located), cand, missing, raw, i)
            if hit is not None:
                found.append((raw, i, hit))
                break
    if len(found) > 1:
        where = ", ".join(f"{r.sheet!r} (row {i + 1})" for r, i, _ in found)
        raise ExportError(wb.path, [Problem(f"open items found on several sheets: {where}",
                                            expected="one sheet of open items: pass sheet= to choose")])
    if found:
        raw, i, chosen = found[0]
        header = list(raw.frame.iloc[i])
        dups = chosen.duplicates(header)
        if dups:
            raise ExportError(wb.path, [Problem(
                f"the header {str(header[cols[0]]).strip()!r} of {canonical} appears in columns "
                + " and ".join(column_letter(j) for j in cols), i + 1, None, None,
                "each mapped column once: rename or delete the extra column") for canonical, cols in dups.items()],
                raw.sheet)
        return raw, i, chosen
    one = sheets[0] if len(sheets) == 1 else None
    if len(empty) == len(sheets):
        raise ExportError(wb.path, [Problem("the sheet is empty" if len(sheets) == 1 else "every sheet is empty",
                                            expected="the open items under a header row")], one)
    if best is None:
        names = ", ".join(c.name for c in candidates)
        detail = Problem(f"no header row found in the first {HEADER_SEARCH_ROWS} rows"
                         + ("" if one is not None else f" of sheets {', '.join(map(repr, sheets))}"),
                         expected=f"the column headers of mapping {names}")
        raise ExportError(wb.path, [detail], one)
    _, cand, missing, raw, i = best
    detail = Problem(f"header row incomplete for mapping {cand.name!r}: missing {', '.join(missing)}", i + 1,
                     expected="headers " + "; ".join(f"{k}: {' / '.join(v)}" for k, v in cand.columns.items()))
    raise ExportError(wb.path, [detail], raw.sheet)


_DIRECTION = {"d": 1, "debit": 1, "s": 1, "soll": 1, "+": 1, "dr": 1,
              "c": -1, "credit": -1, "h": -1, "haben": -1, "-": -1, "cr": -1}


class _OpenItemParser:
    """Turns the rows under a located header into canonical items, collecting every problem."""

    def __init__(self, raw: RawSheet, header_idx: int, mapping: ColumnMapping, require_control: bool):
        self.raw = raw
        self.mapping = mapping
        self.require_control = require_control
        self.header_idx = header_idx
        self.header = list(raw.frame.iloc[header_idx])
        self.cols = mapping.locate(self.header)
        body = raw.frame.iloc[header_idx + 1:]
        self.body = body
        self.excel_rows = body.index.to_numpy() + 1
        self.problems: list[Problem] = []
        self.notes: list[Problem] = []
        self._kinds: dict[int, Kinds] = {}      # cell_kinds of the body's columns, computed once

    # -- helpers -------------------------------------------------------------------
    def col(self, canonical: str) -> pd.Series:
        return self.body[self.cols[canonical]]

    def kinds(self, canonical: str) -> Kinds:
        """:func:`cell_kinds` of a mapped column of the body (computed once)."""
        j = self.cols[canonical]
        if j not in self._kinds:
            self._kinds[j] = cell_kinds(self.body[j])
        return self._kinds[j]

    def keep_rows(self, mask: np.ndarray) -> None:
        """Keep the body's rows of ``mask``, and the mapped columns only."""
        self.body = self.body.loc[mask, sorted(set(self.cols.values()))]
        self.excel_rows = self.excel_rows[mask]
        self._kinds = {j: (k[mask], b[mask]) for j, (k, b) in self._kinds.items()}

    def colname(self, canonical: str) -> str:
        return self.label(self.cols[canonical])

    def label(self, j: int) -> str:
        return f"{str(self.header[j]).strip()} ({column_letter(j)})"

    def report(self, mask: np.ndarray, canonical: str, message: str, expected: str,
               values: pd.Series | None = None) -> None:
        series = self.col(canonical) if values is None else values
        for pos in np.flatnonzero(mask):
            self.problems.append(Problem(message, int(self.excel_rows[pos]), self.colname(canonical),
                                         series.iloc[pos], expected))

    def rows_text(self, mask: np.ndarray) -> str:
        rows = self.excel_rows[mask]
        return ", ".join(str(r) for r in rows[:LISTED_CELLS]) + (", …" if len(rows) > LISTED_CELLS else "")

    # -- row classification ----------------------------------------------------------
    def classify(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
        """Masks of item rows, grand-total rows and lettered (closed) item rows, and counts of
        the rows left out by kind.

        Not items: blank rows, repeated header rows, rows without document number that carry a
        total label (``Total…``, ``Sous-total``, ``Balance âgée cumulée…``, ``Pourcentages``,
        ``Report à nouveau``, ``*``) or no customer (titles, SAP subtotals with an empty
        account), and rows without document number nor any date (per-partner totals and
        titles, before or after their details).
        """
        frame = self.body
        n = len(frame)
        doc_blank = self.kinds("document_id")[1]
        # Only rows without a document number can be totals, titles or blank rows: the labels
        # and blank cells are looked at on those rows only.
        blank_rows = np.flatnonzero(doc_blank)
        sub = frame.iloc[blank_rows]
        blank_cells = (np.column_stack([is_blank(sub[c]) for c in sub.columns]) if len(sub)
                       else np.zeros((0, sub.shape[1]), bool))
        all_blank = np.zeros(n, bool)
        all_blank[blank_rows] = blank_cells.all(axis=1)
        labels = pd.Series(normalize_labels(_first_text(sub, blank_cells)), dtype=object)
        is_total = np.zeros(n, bool)
        is_grand = np.zeros(n, bool)
        is_total[blank_rows] = labels.str.match(_TOTAL_LABEL.pattern).fillna(False).to_numpy(dtype=bool)
        is_grand[blank_rows] = labels.str.match(_GRAND_LABEL.pattern).fillna(False).to_numpy(dtype=bool)
        cust = self.cols.get("customer_id", self.cols.get("customer"))
        cust_blank = np.zeros(n, bool)
        cust_blank[blank_rows] = is_blank(sub[cust])
        dates_blank = np.ones(n, dtype=bool)
        for key in ("document_date", "due_date"):
            if key in self.cols:
                dates_blank[blank_rows] &= is_blank(sub[self.cols[key]])
        repeated = np.ones(n, dtype=bool)
        for j in set(self.cols.values()):     # a repeated header is the header row again
            candidates = np.flatnonzero(repeated)
            repeated[candidates] = frame[j].to_numpy(dtype=object)[candidates] == self.header[j]
        labelled = doc_blank & (is_total | cust_blank)
        undated = doc_blank & dates_blank & ~labelled
        non_item = all_blank | repeated | labelled | undated
        grand = non_item & is_total & is_grand & ~repeated & ~all_blank
        totals = non_item & is_total & ~grand & ~repeated & ~all_blank
        labels_only = non_item & ~all_blank & ~repeated & ~is_total & ~undated
        lettered = np.zeros(n, dtype=bool)
        if "lettering" in self.cols:
            lettered = ~non_item & ~self.kinds("lettering")[1]
        self.undated = undated & ~all_blank & ~repeated
        counts = {"blank": int(all_blank.sum()), "repeated_header": int(repeated.sum()),
                  "subtotal": int(totals.sum() + self.undated.sum()), "grand_total": int(grand.sum()),
                  "title_or_label": int(labels_only.sum()), "lettered": int(lettered.sum())}
        return ~non_item, grand, lettered, counts

    # -- main ---------------------------------------------------------------------------
    def run(self) -> pd.DataFrame:
        raw = self.raw
        if is_empty(self.body):
            raise ExportError(raw.path, [Problem(f"no rows below the header (row {self.header_idx + 1})",
                                                 expected="the open items under the header")], raw.sheet)
        item_mask, grand_mask, lettered, skipped = self.classify()
        if not item_mask.any():
            raise ExportError(raw.path, [Problem(
                f"no open items below the header (row {self.header_idx + 1}): only totals, titles or blank rows",
                expected="rows with a document number, a customer and an amount")], raw.sheet)
        data_rows = self.body.index.to_numpy()[item_mask | grand_mask]
        found, notes = data_findings(raw, data_rows, {j: self.label(j) for j in self.cols.values()})
        self.notes += notes
        undated_amount = self.undated & ~self.amount_blank(self.body)
        undated_rows = self.rows_text(undated_amount)
        control = self.control_total(grand_mask)
        self.keep_rows(item_mask)
        open_rows = ~lettered[item_mask]
        frame = self.parse_items(open_rows)
        if self.problems or found:
            raise ExportError(raw.path, after_findings(found, self.problems), raw.sheet)
        total = int(frame["amount_cents"].sum())
        if control is not None and total != control[0]:
            raise ReconciliationError(raw.path, raw.sheet, total, control[0], control[1],
                                      self.colname(self.amount_key()))
        if control is None and undated_amount.any():
            self.notes.append(Problem(
                f"{int(undated_amount.sum())} row(s) with an amount but no document number nor date taken "
                f"as subtotals and left out (rows {undated_rows})",
                expected="a grand total row to check them against"))
        if open_rows.any() and not open_rows.all():
            lettered_sum = int(frame.loc[~open_rows, "amount_cents"].sum())
            if lettered_sum != 0:
                self.notes.append(Problem(
                    f"the lettered (closed) lines do not balance: they sum to {lettered_sum / 100:.2f}",
                    expected="lettered lines that net to zero (partial lettering is not an open item here)"))
        frame = frame[open_rows].reset_index(drop=True)
        frame.attrs.update({
            "source": str(raw.path), "sheet": raw.sheet, "mapping": self.mapping.name,
            "header_row": self.header_idx + 1,
            "control_total_cents": None if control is None else control[0],
            "skipped_rows": skipped,
            "warnings": warn(raw.path, raw.sheet, self.notes, ExportError.kind),
        })
        return frame

    def control_total(self, grand_mask: np.ndarray) -> tuple[int, int] | None:
        rows = np.flatnonzero(grand_mask)
        if len(rows) == 0:
            if self.require_control:
                self.problems.append(Problem("no grand total row found",
                                             expected="a last row labelled 'Total général' with the control total"))
            return None
        if len(rows) > 1:
            where = ", ".join(str(self.excel_rows[r]) for r in rows)
            self.problems.append(Problem(f"several grand total rows (rows {where})",
                                         expected="a single 'Total général' row"))
            return None
        sub = self.body.iloc[rows]
        cents, bad, _ = self.amounts(sub, total_row=True)
        row = int(self.excel_rows[rows[0]])
        if bad[0]:
            key = self.amount_key()
            self.problems.append(Problem("unreadable grand total", row, self.colname(key),
                                         sub[self.cols[key]].iloc[0], "an amount such as 1 234,56"))
            return None
        return int(cents[0]), row

    def amount_key(self) -> str:
        return "amount" if "amount" in self.cols else "debit"

    def amount_blank(self, frame: pd.DataFrame) -> np.ndarray:
        """Rows of ``frame`` with no amount at all."""
        if frame is self.body:
            if "amount" in self.cols:
                return self.kinds("amount")[1]
            return self.kinds("debit")[1] & self.kinds("credit")[1]
        if "amount" in self.cols:
            return is_blank(frame[self.cols["amount"]])
        return is_blank(frame[self.cols["debit"]]) & is_blank(frame[self.cols["credit"]])

    def amounts(self, frame: pd.DataFrame, total_row: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Signed TTC cents of ``frame``'s rows (amount, or debit − credit, signed by the
        direction column when mapped), a bad mask and a blank mask."""
        def kinds(key: str) -> Kinds | None:
            return self.kinds(key) if frame is self.body else None

        if "amount" in self.cols:
            cents, bad, blank = parse_money(frame[self.cols["amount"]], kinds("amount"))
        else:
            d, dbad, dblank = parse_money(frame[self.cols["debit"]], kinds("debit"))
            c, cbad, cblank = parse_money(frame[self.cols["credit"]], kinds("credit"))
            cents, bad, blank = d - c, dbad | cbad, dblank & cblank
        if "direction" in self.cols and not total_row:
            codes = pd.Series(normalize_labels(frame[self.cols["direction"]])).map(_DIRECTION)
            sign = codes.fillna(0).to_numpy(dtype=np.int64)
            conflict = (sign > 0) & (cents < 0)
            cents = np.where(sign == 0, cents, np.abs(cents) * sign)
            bad = bad | conflict | (sign == 0)
        return cents, bad, blank

    def parse_items(self, open_rows: np.ndarray) -> pd.DataFrame:
        n = len(self.body)
        out: dict[str, object] = {}
        if "customer" in self.cols and "customer_id" not in self.cols:
            text, blank = parse_text(self.col("customer"), self.kinds("customer"))
            ids, names = _split_customer(text)
            self.report(blank, "customer", "missing customer", "a customer reference")
            out["customer_id"], out["customer_name"] = ids, names
        else:
            ids, blank = parse_text(self.col("customer_id"), self.kinds("customer_id"))
            self.report(blank, "customer_id", "missing customer account", "a customer account")
            out["customer_id"] = ids
            out["customer_name"] = (parse_text(self.col("customer_name"), self.kinds("customer_name"))[0]
                                   if "customer_name" in self.cols else ids)
        doc, blank = parse_text(self.col("document_id"), self.kinds("document_id"))
        self.report(blank, "document_id", "missing document number", "a document number")
        out["document_id"] = doc
        self.check_duplicates(doc, blank | ~open_rows)

        amount, bad, amount_blank = self.amounts(self.body)
        key = self.amount_key()
        if "direction" in self.cols:
            codes = pd.Series(normalize_labels(self.col("direction"))).map(_DIRECTION)
            dir_bad = codes.isna().to_numpy()
            self.report(dir_bad, "direction", "unknown debit/credit code", "D (débit) or C (crédit)")
            money_bad, _, _ = parse_money(self.col(key), self.kinds(key)) if "amount" in self.cols else (bad, None, None)
            self.report(bad & ~dir_bad & ~money_bad, key, "a negative amount marked as a debit",
                        "a positive amount, or the code C (crédit)")
            bad = money_bad
        self.report(bad, key, "unreadable amount", "an amount in euros with at most 2 decimals, e.g. -1 234,56")
        self.report(amount_blank & ~bad, key, "missing amount", "the open amount of the document")
        out["amount_cents"] = amount
        if "amount_ht" in self.cols:
            ht, htbad, htblank = parse_money(self.col("amount_ht"), self.kinds("amount_ht"))
            self.report(htbad, "amount_ht", "unreadable amount excl. VAT", "an amount in euros, e.g. 1 028,80")
            ht_array = pd.array(ht, dtype="Int64")
            ht_array[htblank] = pd.NA
            out["amount_ht_cents"] = ht_array

        dates = {}
        bad_dates = np.zeros(n, bool)
        for key in ("document_date", "due_date"):
            if key in self.cols:
                cells = parse_date_cells(self.col(key), self.raw.date1904, self.kinds(key))
                self.report(cells.bad & ~cells.out_of_range, key, "unreadable date",
                            "a date such as 31/12/2026 (dd/mm/yyyy) or an Excel date")
                self.report(cells.out_of_range, key, "date out of range",
                            f"a date between {MIN_DATE:%d/%m/%Y} and {MAX_DATE:%d/%m/%Y}")
                dates[key] = (cells.dates, cells.blank | cells.bad)
                bad_dates |= cells.bad
            else:
                dates[key] = (np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), np.ones(n, bool))
        doc_date, doc_blank = dates["document_date"]
        due, due_blank = dates["due_date"]
        early = ~due_blank & ~doc_blank & (due < doc_date)
        if early.any():
            self.notes.append(Problem(
                f"{int(early.sum())} item(s) due before their document date (rows {self.rows_text(early)}); "
                "they are aged from their due date as exported", column=self.colname("due_date"),
                expected="a due date on or after the document date"))
        due = np.where(due_blank, doc_date, due)
        neither = due_blank & doc_blank
        key = "due_date" if "due_date" in self.cols else "document_date"
        self.report(neither & ~bad_dates, key, "missing due date (and no document date)", "a date, e.g. 31/12/2026")
        out["document_date"] = doc_date
        out["due_date"] = due

        out["document_type"] = self.document_types(amount)
        for key in ("collector", "segment", "currency"):
            if key in self.cols:
                out[key] = parse_text(self.col(key), self.kinds(key))[0]
        out["source_row"] = self.excel_rows.astype("int32")
        return _canonical_frame(out)

    def check_duplicates(self, doc: np.ndarray, ignore: np.ndarray) -> None:
        s = pd.Series(doc)
        codes, _ = pd.factorize(doc, use_na_sentinel=False)
        dup = (np.bincount(codes)[codes] > 1) & ~ignore        # = s.duplicated(keep=False) & ~ignore
        if dup.any() and ignore.any():
            dup &= s.where(~ignore).duplicated(keep=False).to_numpy()
        if dup.any():
            groups = pd.Series(self.excel_rows[dup]).groupby(s[dup].to_numpy()).agg(list)
            for doc_id, rows in groups.items():
                for r in rows:
                    self.problems.append(Problem(
                        f"duplicate document number (also on row{'s' if len(rows) > 2 else ''} "
                        f"{', '.join(str(x) for x in rows if x != r)})",
                        int(r), self.colname("document_id"), doc_id, "each open document once"))

    def document_types(self, amount: np.ndarray) -> pd.Categorical:
        """Canonical type of each item: the mapped code, the amount's sign for codes mapped
        ``by_sign`` (and when no type column is mapped), ``invoice`` for unknown codes (reported)."""
        categories = list(DOCUMENT_TYPE_DTYPE.categories)
        by_sign = np.where(amount < 0, categories.index("credit_note"), categories.index("invoice"))
        if "document_type" not in self.cols:
            return pd.Categorical.from_codes(by_sign, dtype=DOCUMENT_TYPE_DTYPE)
        codes, blank = parse_text(self.col("document_type"), self.kinds("document_type"))
        keys, distinct = pd.factorize(normalize_labels(codes))     # each distinct code looked up once
        types = pd.Series(distinct, dtype=object).map(self.mapping.type_codes()).to_numpy(dtype=object)
        unknown = pd.isna(types)[keys]
        known = sorted({k for k in self.mapping.document_types if k})
        self.report(unknown & ~blank, "document_type", "unknown document type",
                    "one of " + ", ".join(repr(k) for k in known))
        self.report(unknown & blank, "document_type", "missing document type",
                    "one of " + ", ".join(repr(k) for k in known))
        signed = -2
        type_codes = np.array([signed if t == BY_SIGN else categories.index("invoice" if pd.isna(t) else t)
                               for t in types], dtype=np.int64)
        result = type_codes[keys]
        return pd.Categorical.from_codes(np.where(result == signed, by_sign, result), dtype=DOCUMENT_TYPE_DTYPE)


def _first_text(frame: pd.DataFrame, blank_cells: np.ndarray) -> np.ndarray:
    """Per row, the first non-blank cell if it is text (a row label), else ``None``."""
    label = np.full(len(frame), None, dtype=object)
    undecided = np.ones(len(frame), dtype=bool)
    for j, col in enumerate(frame.columns):
        take = undecided & ~blank_cells[:, j]
        if take.any():
            values = frame[col].to_numpy(dtype=object)[take]
            label[take] = [v if isinstance(v, str) else None for v in values]
            undecided &= ~take
        if not undecided.any():
            break
    return label


def _split_customer(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ids = np.empty(len(text), dtype=object)
    names = np.empty(len(text), dtype=object)
    for i, t in enumerate(text):
        m = _BRACKET_REF.match(t) if t else None
        ids[i], names[i] = (m.group("id").strip(), m.group("name").strip()) if m else (t, t)
    return ids, names


def _canonical_frame(cols: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame({k: cols[k] for k in OPEN_ITEM_COLUMNS if k in cols})
    frame["customer_id"] = frame["customer_id"].astype("category")
    for k in ("customer_name", "document_id", "collector", "segment", "currency"):
        if k in frame:
            frame[k] = frame[k].astype("string")
    for k in ("document_date", "due_date"):
        frame[k] = frame[k].astype("datetime64[s]")
    frame["amount_cents"] = frame["amount_cents"].astype("int64")
    return frame.reset_index(drop=True)
