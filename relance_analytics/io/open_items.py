"""Reader of open-item exports (balance âgée) into the canonical open-item frame.

Canonical columns (see README): ``customer_id`` (category), ``customer_name``,
``document_id``, ``document_type`` (category: invoice, credit_note, payment),
``document_date``, ``due_date`` (datetime64[s] dates), ``amount_cents`` (int64, TTC, negative
for credit notes and unapplied payments, in ``currency``), optional ``amount_ht_cents``
(Int64), ``collector``, ``segment``, ``currency`` (ISO code, always present) and
``source_row`` (the Excel row the item came from).

The read is exact or it fails: every bad cell of the file is reported at once in one
:class:`~relance_analytics.errors.ExportError`, and the items must add up to the export's
grand total row(s) to the cent, currency by currency.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import ExportError, Problem, ReconciliationError
from ..frames import OPEN_ITEMS
from ..french import euros, long_day, plural, quote
from ..keys import normalize_label, normalize_labels
from .date_cells import MAX_DATE, MIN_DATE, ORDER_EXAMPLES, DateCells, parse_date_cells
from .mapping import BY_SIGN, DOCUMENT_TYPES, IGNORE, ColumnMapping, MappingLike, resolve
from .parse import Kinds, TextCells, cell_kinds, is_blank, parse_money, parse_text, text_cells
from .workbook import LISTED_CELLS, RawSheet, Workbook, after_findings, column_letter, data_findings, is_empty, warn

HEADER_SEARCH_ROWS = 60
MAPPING_HELP = "README, section « Le fichier de correspondance de votre ERP »"
_TOTAL_LABEL = re.compile(
    r"^(?:(?:total|sous[- ]total|cumul|balance agee cumulee|pourcentages?|report a nouveau|solde)\b|\*+$)")
_GRAND_LABEL = re.compile(r"^(total general|grand total|total balance|total)$")
_BRACKET_REF = re.compile(r"^\[(?P<id>[^\]]+)\]\s*(?P<name>.*)$")
_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "EURO": "EUR", "EUROS": "EUR"}

DOCUMENT_TYPE_DTYPE = pd.CategoricalDtype(list(DOCUMENT_TYPES))
COLUMN_NAMES = {
    "customer_id": "compte client", "customer": "client", "customer_name": "nom du client",
    "document_id": "numéro de pièce", "document_type": "type de pièce", "document_date": "date de pièce",
    "due_date": "date d'échéance", "amount": "montant", "amount_ht": "montant HT", "debit": "débit",
    "credit": "crédit", "collector": "recouvreur", "segment": "segment", "currency": "devise",
    "direction": "sens (débit/crédit)", "lettering": "lettrage", "account": "compte général",
}


def read_open_items(path: str | Path, mapping: MappingLike = "auto", sheet: str | None = None,
                    *, require_control_total: bool = False) -> pd.DataFrame:
    """Read one open-item export (xlsx or CSV) into the canonical open-item frame.

    ``mapping``: a preset name, ``"auto"`` (default: the preset whose headers the file has),
    a dict ``{canonical: header}`` or a mapping TOML file (see :mod:`.mapping`). The header
    row is found below any title block, on the one sheet that has it; every column the mapping
    names must be there (unless ``optional``). Total, subtotal, repeated-header and title rows
    are removed (counted in ``frame.attrs["skipped_rows"]``); the grand total row(s) give the
    control total (``attrs["control_total_cents"]`` for one currency, ``attrs["control_totals_cents"]``
    per currency; ``None``/``{}`` when the file has none, an error if ``require_control_total``).

    Left out after the reconciliation, and counted: lettered (closed) lines, lines of document
    types mapped ``ignore`` or of accounts outside ``accounts``, and zero-balance lines (with a
    warning). Tolerated, with an :class:`~relance_analytics.errors.InputWarning` (texts in
    ``attrs["warnings"]``, counts in ``attrs["tolerated"]``): formula cells whose result was
    saved, hidden rows, blank due dates (the document date is taken), due dates before the
    document date, text dates read day-first when nothing in their column proves the order
    (``attrs["date_orders"]`` says the order of each date column and why), rows without document
    number or date taken as subtotals when no grand total checks them.

    Raises :class:`ExportError` listing every problem (file, sheet, Excel row, column, value,
    what was expected), and :class:`ReconciliationError` when the items do not sum to the
    grand total exactly.
    """
    path = Path(path)
    candidates = resolve(mapping)
    with Workbook(path, ExportError) as wb:
        raw, header_idx, chosen = _locate_header(wb, sheet, candidates)
    return _OpenItemParser(raw, header_idx, chosen, require_control_total).run()


# --------------------------------------------------------------------------------------------
# the header row
# --------------------------------------------------------------------------------------------
def _headers_text(row: list[object]) -> str:
    found = [str(h).strip() for h in row if h is not None and str(h).strip() and str(h).strip() != "nan"]
    return ", ".join(quote(h) for h in found[:30]) + (" …" if len(found) > 30 else "")


def _closest(candidates: tuple[str, ...], row: list[object], taken: set[int]) -> str | None:
    """The header of ``row`` closest to one of ``candidates`` (not already mapped), if close enough."""
    headers = {normalize_label(h): str(h).strip() for j, h in enumerate(row)
               if j not in taken and h is not None and str(h).strip()}
    best: tuple[float, str] | None = None
    for cand in candidates:
        for key in difflib.get_close_matches(normalize_label(cand), list(headers), n=1, cutoff=0.6):
            score = difflib.SequenceMatcher(None, normalize_label(cand), key).ratio()
            if best is None or score > best[0]:
                best = (score, headers[key])
    return None if best is None else best[1]


def _missing_columns(mapping: ColumnMapping, row: list[object], located: dict[str, int], header_row: int,
                     missing: list[str]) -> list[Problem]:
    """One problem per mapped column absent from the header row, with the closest header."""
    problems = []
    taken = set(located.values())
    for canonical in missing:
        cands = mapping.columns[canonical]
        close = _closest(cands, row, taken)
        hint = f" ; vouliez-vous dire {quote(close)} ?" if close else ""
        problems.append(Problem(
            f"colonne {' / '.join(quote(c) for c in cands)} ({COLUMN_NAMES.get(canonical, canonical)}) absente "
            f"de l'en-tête (correspondance {mapping.name!r}){hint}", header_row, None, None,
            f"l'en-tête de l'export d'origine, ou une correspondance qui nomme la colonne telle qu'elle est "
            f"écrite (en-têtes lus : {_headers_text(row)} ; voir {MAPPING_HELP})", code="missing_column"))
    return problems


def _locate_header(wb: Workbook, sheet: str | None,
                   candidates: list[ColumnMapping]) -> tuple[RawSheet, int, ColumnMapping]:
    """The sheet, header row and mapping of the open items; exactly one sheet must have them,
    and every column the mapping names (unless optional) must be in that row."""
    sheets: list[str | None] = [sheet] if sheet is not None else wb.sheet_names
    found: list[tuple[RawSheet, int, ColumnMapping]] = []
    partial: list[tuple[int, ColumnMapping, RawSheet, int]] = []     # (located, mapping, sheet, row)
    empty: list[RawSheet] = []
    for name in sheets:
        raw = wb.read(name)
        if is_empty(raw.frame):
            empty.append(raw)
            continue
        for i, row in enumerate(raw.frame.head(HEADER_SEARCH_ROWS).to_numpy(dtype=object)):
            row_list = list(row)
            by_mapping = {c.name: c.locate(row_list) for c in candidates}
            usable = [c for c in candidates if by_mapping[c.name] and c.matches(row_list)]
            for c in candidates:
                if by_mapping[c.name]:
                    partial.append((len(by_mapping[c.name]), c, raw, i))
            if usable:
                complete = [c for c in usable if not c.missing_mapped(set(by_mapping[c.name]))]
                pool = complete or usable
                found.append((raw, i, max(pool, key=lambda c: len(by_mapping[c.name]))))
                break
    if len(found) > 1:
        where = ", ".join(f"{quote(r.sheet)} (ligne {i + 1})" for r, i, _ in found)
        raise ExportError(wb.path, [Problem(f"pièces trouvées sur plusieurs feuilles : {where}",
                                            expected="une seule feuille de pièces : indiquez laquelle (sheet=)",
                                            code="several_sheets")])
    one = sheets[0] if len(sheets) == 1 else None
    if found:
        raw, i, chosen = found[0]
        header = list(raw.frame.iloc[i])
        located = chosen.locate(header)
        missing = chosen.missing_mapped(set(located))
        if missing:
            raise ExportError(wb.path, _missing_columns(chosen, header, located, i + 1, missing), raw.sheet)
        dups = chosen.duplicates(header)
        if dups:
            raise ExportError(wb.path, [Problem(
                f"l'en-tête {quote(str(header[cols[0]]).strip())} ({COLUMN_NAMES.get(canonical, canonical)}) figure "
                "dans les colonnes " + " et ".join(column_letter(j) for j in cols), i + 1, None, None,
                "chaque colonne une seule fois : renommez ou supprimez la colonne en trop", code="duplicate_column")
                for canonical, cols in dups.items()], raw.sheet)
        return raw, i, chosen
    if len(empty) == len(sheets):
        raise ExportError(wb.path, [Problem("la feuille est vide" if len(sheets) == 1
                                            else "toutes les feuilles sont vides",
                                            expected="les pièces ouvertes sous une ligne d'en-tête",
                                            code="empty")], one)
    if len(candidates) == 1 and partial:       # an explicit mapping: name each column it lacks
        _, cand, raw, i = max(partial, key=lambda p: p[0])
        row = list(raw.frame.iloc[i])
        located = cand.locate(row)
        raise ExportError(wb.path, _missing_columns(cand, row, located, i + 1, cand.missing_mapped(set(located))),
                          raw.sheet)
    raise ExportError(wb.path, [_no_header_problem(candidates, partial, sheets)], one)


def _no_header_problem(candidates: list[ColumnMapping], partial: list[tuple[int, ColumnMapping, RawSheet, int]],
                       sheets: list[str | None]) -> Problem:
    """What to say when no row holds the required headers of any candidate mapping."""
    where = "" if len(sheets) == 1 else " des feuilles " + ", ".join(quote(s) for s in sheets)
    if not partial:
        names = ", ".join(c.name for c in candidates)
        return Problem(f"aucune ligne d'en-tête reconnue dans les {HEADER_SEARCH_ROWS} premières lignes{where}",
                       expected=f"les en-têtes de la correspondance {names}, ou une correspondance écrite pour "
                                f"cet export (voir {MAPPING_HELP})", code="no_header")
    partial.sort(key=lambda p: -p[0])
    best_row = list(partial[0][2].frame.iloc[partial[0][3]])
    closest: list[str] = []
    seen: set[str] = set()
    for _, cand, raw, i in partial:
        if cand.name in seen:
            continue
        seen.add(cand.name)
        lacking = cand.missing_required(set(cand.locate(list(raw.frame.iloc[i]))))
        closest.append(f"{cand.name} (il manque {', '.join(lacking)})")
        if len(closest) == 3:
            break
    return Problem(f"aucun préréglage ne reconnaît cet en-tête{where} ; en-têtes lus (ligne {partial[0][3] + 1}) : "
                   f"{_headers_text(best_row)} ; "
                   f"les plus proches : {'; '.join(closest)}", partial[0][3] + 1,
                   expected="un fichier de correspondance qui nomme vos colonnes (mapping=FICHIER.toml, "
                            f"voir {MAPPING_HELP})", code="no_header")


# --------------------------------------------------------------------------------------------
# the rows
# --------------------------------------------------------------------------------------------
_DIRECTION = {"d": 1, "debit": 1, "s": 1, "soll": 1, "+": 1, "dr": 1, "db": 1,
              "c": -1, "credit": -1, "h": -1, "haben": -1, "-": -1, "cr": -1}


class _Amounts(NamedTuple):
    cents: np.ndarray
    bad: np.ndarray
    blank: np.ndarray
    too_precise: np.ndarray


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
        self.tolerated: dict[str, int] = {}
        self.date_orders: dict[str, dict[str, str]] = {}
        self._kinds: dict[int, Kinds] = {}      # cell_kinds of the body's columns, computed once
        self._texts: dict[int, TextCells | None] = {}   # text columns read once into Arrow
        self._text_cols = {self.cols[c] for c in _TEXT_COLUMNS if c in self.cols}

    # -- helpers -------------------------------------------------------------------
    def col(self, canonical: str) -> pd.Series:
        return self.body[self.cols[canonical]]

    def kinds(self, canonical: str) -> Kinds:
        """:func:`cell_kinds` of a mapped column of the body (computed once)."""
        j = self.cols[canonical]
        if j not in self._kinds:
            cells = self.texts(canonical)
            self._kinds[j] = cell_kinds(self.body[j]) if cells is None else cells.kinds()
        return self._kinds[j]

    def texts(self, canonical: str) -> TextCells | None:
        """:func:`text_cells` of a text column of the body (computed once), ``None`` when the
        column is not a text column or holds anything but texts."""
        j = self.cols[canonical]
        if j not in self._text_cols:
            return None
        if j not in self._texts:
            self._texts[j] = text_cells(self.body[j])
        return self._texts[j]

    def text(self, canonical: str) -> tuple[np.ndarray, np.ndarray]:
        """:func:`parse_text` of a mapped column of the body."""
        cells = self.texts(canonical)
        return parse_text(self.col(canonical), self.kinds(canonical)) if cells is None else \
            (cells.objects(), cells.blank)

    def strings(self, canonical: str) -> pd.Series:
        """The column's texts as a ``string`` Series (``NA`` where blank)."""
        cells = self.texts(canonical)
        if cells is None:
            return string_series(self.text(canonical)[0])
        return pd.Series(pd.arrays.ArrowStringArray(cells.text))

    def keep_rows(self, mask: np.ndarray) -> None:
        """Keep the body's rows of ``mask``, and the mapped columns only."""
        self.body = self.body.loc[mask, sorted(set(self.cols.values()))]
        self.excel_rows = self.excel_rows[mask]
        self._kinds = {j: (k[mask], b[mask]) for j, (k, b) in self._kinds.items()}
        self._texts = {j: None if t is None else t.take(mask) for j, t in self._texts.items()}

    def colname(self, canonical: str) -> str:
        return self.label(self.cols[canonical])

    def label(self, j: int) -> str:
        return f"{str(self.header[j]).strip()} ({column_letter(j)})"

    def report(self, mask: np.ndarray, canonical: str, message: str, expected: str, code: str,
               values: pd.Series | None = None) -> None:
        series = self.col(canonical) if values is None else values
        for pos in np.flatnonzero(mask):
            self.problems.append(Problem(message, int(self.excel_rows[pos]), self.colname(canonical),
                                         series.iloc[pos], expected, code))

    def rows_text(self, mask: np.ndarray) -> str:
        rows = self.excel_rows[mask]
        return ", ".join(str(r) for r in rows[:LISTED_CELLS]) + (", …" if len(rows) > LISTED_CELLS else "")

    def note(self, key: str, mask: np.ndarray, message: str, column: str | None, expected: str,
             counted: bool = True) -> None:
        """A tolerated oddity on the rows of ``mask``: warned, and counted in ``attrs["tolerated"]``
        (unless ``counted`` is False: rows left out are counted in ``attrs["skipped_rows"]``)."""
        n = int(mask.sum())
        if n:
            if counted:
                self.tolerated[key] = n
            self.notes.append(Problem(f"{message} (lignes {self.rows_text(mask)})", column=column,
                                      expected=expected, code=key))

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
        is_total[blank_rows] = labels.str.match(_TOTAL_LABEL.pattern).to_numpy(dtype=bool, na_value=False)
        is_grand[blank_rows] = labels.str.match(_GRAND_LABEL.pattern).to_numpy(dtype=bool, na_value=False)
        cust = self.cols.get("customer_id", self.cols.get("customer"))
        cust_blank = np.zeros(n, bool)
        cust_blank[blank_rows] = blank_cells[:, sub.columns.get_loc(cust)]       # = is_blank(sub[cust])
        dates_blank = np.ones(n, dtype=bool)
        for key in ("document_date", "due_date"):
            if key in self.cols:
                dates_blank[blank_rows] &= blank_cells[:, sub.columns.get_loc(self.cols[key])]
        repeated = np.ones(n, dtype=bool)
        # a repeated header is the header row again; a column already read as texts first: its
        # stripped texts (Arrow) equal to the stripped header are the only rows worth comparing
        for j in sorted(set(self.cols.values()), key=lambda j: self._texts.get(j) is None):
            candidates = np.flatnonzero(repeated)
            cells, header = self._texts.get(j), self.header[j]
            if len(candidates) == n and cells is not None and isinstance(header, str) and header.strip():
                same = pc.fill_null(pc.equal(cells.text, header.strip()), False)
                candidates = np.flatnonzero(same.to_numpy(zero_copy_only=False))
                repeated[:] = False
            repeated[candidates] = frame[j].to_numpy(dtype=object)[candidates] == header
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
            raise ExportError(raw.path, [Problem(f"aucune ligne sous l'en-tête (ligne {self.header_idx + 1})",
                                                 expected="les pièces ouvertes sous l'en-tête",
                                                 code="empty")], raw.sheet)
        item_mask, grand_mask, lettered, skipped = self.classify()
        if not item_mask.any():
            raise ExportError(raw.path, [Problem(
                f"aucune pièce sous l'en-tête (ligne {self.header_idx + 1}) : seulement des totaux, des titres ou des "
                "lignes vides", expected="des lignes avec un numéro de pièce, un client et un montant",
                code="no_items")], raw.sheet)
        data_rows = self.body.index.to_numpy()[item_mask | grand_mask]
        found, notes = data_findings(raw, data_rows, {j: self.label(j) for j in self.cols.values()})
        self.notes += notes
        undated_amount = self.undated & ~self.amount_blank()
        undated_rows = self.rows_text(undated_amount)
        controls = self.control_totals(grand_mask)
        self.keep_rows(item_mask)
        lettered = lettered[item_mask]
        frame, ignored = self.parse_items(~lettered)
        if self.problems or found:
            raise ExportError(raw.path, after_findings(found, self.problems), raw.sheet)
        self.reconcile(frame, controls)
        if not controls and undated_amount.any():
            self.notes.append(Problem(
                plural(int(undated_amount.sum()), "ligne avec un montant mais sans numéro de pièce ni date, prise pour "
                       "un sous-total et écartée", "lignes avec un montant mais sans numéro de pièce ni date, prises "
                       "pour des sous-totaux et écartées") + f" (lignes {undated_rows})",
                expected="une ligne « Total général » pour les contrôler", code="undated_rows"))
        open_rows = ~lettered
        if lettered.any():
            lettered_sum = int(frame.loc[lettered, "amount_cents"].sum())
            if lettered_sum != 0:
                self.notes.append(Problem(
                    f"les lignes lettrées (soldées) ne s'équilibrent pas : leur somme est {euros(lettered_sum)}",
                    expected="des lignes lettrées dont la somme est nulle (un lettrage partiel n'est pas une pièce "
                             "ouverte ici)", code="unbalanced_lettering"))
        zero = open_rows & ~ignored & (frame["amount_cents"].to_numpy() == 0)
        self.note("zero_balance", zero, plural(int(zero.sum()), "ligne soldée (montant nul) écartée",
                                                    "lignes soldées (montant nul) écartées"),
                  self.colname(self.amount_key()), "seulement des pièces au solde non nul", counted=False)
        skipped["ignored"] = int((open_rows & ignored).sum())
        skipped["zero_balance"] = int(zero.sum())
        keep = open_rows & ~ignored & ~zero
        if not keep.all():
            frame = frame[keep].reset_index(drop=True)
        single = len(controls) == 1 and frame["currency"].nunique(dropna=False) <= 1
        frame.attrs.update({
            "source": str(raw.path), "sheet": raw.sheet, "mapping": self.mapping.name,
            "header_row": self.header_idx + 1,
            "control_total_cents": next(iter(controls.values()))[0] if single else None,
            "control_totals_cents": {cur: c for cur, (c, _) in controls.items()},
            "skipped_rows": skipped,
            "tolerated": dict(self.tolerated),
            "date_orders": self.date_orders,
            "warnings": warn(raw.path, raw.sheet, self.notes, ExportError.kind),
        })
        return OPEN_ITEMS.validate(frame)

    # -- control totals ------------------------------------------------------------------
    def control_totals(self, grand_mask: np.ndarray) -> dict[str, tuple[int, int]]:
        """Grand total(s) by currency: ``{currency: (cents, Excel row)}``; the key is ``""``
        for a total row that names no currency."""
        rows = np.flatnonzero(grand_mask)
        if len(rows) == 0:
            if self.require_control:
                self.problems.append(Problem("aucune ligne de total général",
                                             expected="une dernière ligne « Total général » portant le total "
                                                      "de contrôle",
                                             code="no_control_total"))
            return {}
        sub = self.body.iloc[rows]
        money = self.amounts(sub)
        key = self.amount_key()
        currencies = ([_currency_code(v) or "" for v in parse_text(sub[self.cols["currency"]])[0]]
                      if "currency" in self.cols else [""] * len(rows))
        out: dict[str, tuple[int, int]] = {}
        for k, cur in enumerate(currencies):
            row = int(self.excel_rows[rows[k]])
            if money.bad[k]:
                self.problems.append(Problem("total général illisible", row, self.colname(key),
                                             sub[self.cols[key]].iloc[k], "un montant comme 1 234,56",
                                             "unreadable_total"))
            elif cur in out:
                where = ", ".join(str(self.excel_rows[r]) for r in rows)
                self.problems.append(Problem(
                    f"plusieurs lignes de total général (lignes {where})" + (f" pour la devise {cur}" if cur else ""),
                    expected="une seule ligne « Total général » (une par devise quand l'export en a plusieurs)",
                    code="several_totals"))
                return {}
            else:
                out[cur] = (int(money.cents[k]), row)
        return out

    def reconcile(self, frame: pd.DataFrame, controls: dict[str, tuple[int, int]]) -> None:
        """Every item row (lettered and ignored ones included: the export's total covers them)
        sums to its currency's grand total, to the cent."""
        if not controls:
            return
        column = self.colname(self.amount_key())
        sums = frame.groupby("currency", sort=True)["amount_cents"].sum()
        currencies = list(sums.index)
        if "" in controls:
            if len(currencies) > 1:
                cents, row = controls[""]
                raise ExportError(self.raw.path, [Problem(
                    f"une seule ligne de total général pour {len(currencies)} devises ({', '.join(currencies)}) : "
                    "des montants de devises différentes ne s'additionnent pas", row, column, None,
                    "une ligne de total par devise (colonne de la devise renseignée), ou un export par devise",
                    "mixed_currency_total")], self.raw.sheet)
            controls = {currencies[0]: controls[""]}
        for cur, (cents, row) in controls.items():
            total = int(sums.get(cur, 0))
            if total != cents:
                raise ReconciliationError(self.raw.path, self.raw.sheet, total, cents, row, column, cur)
        lacking = [c for c in currencies if c not in controls]
        if lacking:
            raise ExportError(self.raw.path, [Problem(
                f"pas de ligne de total général pour la devise {', '.join(lacking)} : ses pièces ne peuvent pas être "
                "rapprochées", expected="une ligne de total par devise",
                code="missing_currency_total")], self.raw.sheet)

    # -- amounts ---------------------------------------------------------------------------
    def amount_key(self) -> str:
        return "amount" if "amount" in self.cols else "debit"

    def amount_blank(self) -> np.ndarray:
        """Rows of the body with no amount at all."""
        if "amount" in self.cols:
            return self.kinds("amount")[1]
        return self.kinds("debit")[1] & self.kinds("credit")[1]

    def amounts(self, frame: pd.DataFrame | None = None) -> _Amounts:
        """TTC cents of ``frame``'s rows (the body's by default): the amount, or debit − credit."""
        def money(key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
            if frame is None:
                return parse_money(self.col(key), self.kinds(key))
            return parse_money(frame[self.cols[key]])

        if "amount" in self.cols:
            return _Amounts(*money("amount"))
        d, dbad, dblank, dprec = money("debit")
        c, cbad, cblank, cprec = money("credit")
        return _Amounts(d - c, dbad | cbad, dblank & cblank, dprec | cprec)

    def signed(self, money: _Amounts) -> np.ndarray:
        """The amounts signed by the ``direction`` column (reporting unknown codes and negative
        amounts marked as debits)."""
        codes = pd.Series(normalize_labels(self.col("direction"))).map(_DIRECTION).to_numpy(dtype=float)
        unknown = np.isnan(codes)
        self.report(unknown, "direction", "code débit/crédit inconnu", "D (débit) ou C (crédit) ; S ou H pour SAP",
                    "unknown_direction")
        sign = np.where(unknown, 0, codes).astype(np.int64)
        conflict = (sign > 0) & (money.cents < 0) & ~money.bad
        self.report(conflict, self.amount_key(), "montant négatif marqué au débit",
                    "un montant positif, ou le sens C (crédit)", "negative_debit")
        return np.where(sign == 0, money.cents, np.abs(money.cents) * sign)

    # -- the items -------------------------------------------------------------------------
    def parse_items(self, open_rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
        """The canonical frame of the kept rows, and the mask of the rows to ignore (document
        types mapped ``ignore``, accounts outside ``accounts``)."""
        n = len(self.body)
        out: dict[str, object] = {}
        if "customer" in self.cols and "customer_id" not in self.cols:
            text, blank = parse_text(self.col("customer"), self.kinds("customer"))
            ids, names = _split_customer(text)
            self.report(blank, "customer", "client manquant", "une référence client", "missing_customer")
            out["customer_id"], out["customer_name"] = ids, names
        elif (id_cells := self.texts("customer_id")) is not None:
            self.report(id_cells.blank, "customer_id", "compte client manquant", "un compte client",
                        "missing_customer")
            # what pandas makes of the texts (its ``str`` dtype), then categories: as from the objects
            out["customer_id"] = pd.Series(pd.arrays.ArrowStringArray(id_cells.text, dtype=_STR)).astype("category")
            out["customer_name"] = (self.strings("customer_name") if "customer_name" in self.cols
                                    else pd.Series(pd.arrays.ArrowStringArray(id_cells.text)))
        else:
            ids, blank = parse_text(self.col("customer_id"), self.kinds("customer_id"))
            self.report(blank, "customer_id", "compte client manquant", "un compte client", "missing_customer")
            out["customer_id"] = ids
            out["customer_name"] = self.strings("customer_name") if "customer_name" in self.cols else ids
        doc_cells = self.texts("document_id")
        doc: np.ndarray | Callable[[], np.ndarray]
        if doc_cells is None:
            doc, blank = parse_text(self.col("document_id"), self.kinds("document_id"))
            text = string_series(doc)
        else:           # the numbers as objects only to report duplicates
            doc, blank, text = doc_cells.objects, doc_cells.blank, pd.Series(pd.arrays.ArrowStringArray(doc_cells.text))
        self.report(blank, "document_id", "numéro de pièce manquant", "un numéro de pièce", "missing_document")
        out["document_id"] = text
        self.check_duplicates(doc, blank | ~open_rows, text)

        if "currency" in self.cols:
            currency = self.currencies()
            out["currency"] = currency
            example = str(currency[0]) if n else self.mapping.default_currency
        else:                           # the mapping's currency on every row
            example = self.mapping.default_currency
            out["currency"] = pd.Series(pd.arrays.ArrowStringArray(pa.repeat(pa.scalar(example, pa.large_string()), n)))
        money = self.amounts()
        key = self.amount_key()
        self.report(money.too_precise, key, "montant à plus de 2 décimales",
                    f"un montant en {example} arrondi au centime, par exemple -1 234,56", "too_precise")
        self.report(money.bad & ~money.too_precise, key, "montant illisible",
                    f"un montant en {example} avec 2 décimales au plus, par exemple -1 234,56", "unreadable_amount")
        self.report(money.blank & ~money.bad, key, "montant manquant", "le montant ouvert de la pièce",
                    "missing_amount")
        amount = self.signed(money) if "direction" in self.cols else money.cents
        out["amount_cents"] = amount
        if "amount_ht" in self.cols:
            ht = parse_money(self.col("amount_ht"), self.kinds("amount_ht"))
            self.report(ht.bad, "amount_ht", "montant HT illisible", f"un montant en {example}, par exemple 1 028,80",
                        "unreadable_amount")
            ht_array = pd.array(ht.cents, dtype="Int64")
            ht_array[ht.blank] = pd.NA
            out["amount_ht_cents"] = ht_array

        self.bad_dates = np.zeros(n, bool)
        cells: dict[str, DateCells] = {key: self.date_cells(key) for key in ("document_date", "due_date")
                                       if key in self.cols}
        doc_date, doc_blank = self.dates("document_date", cells)
        due, due_blank = self.dates("due_date", cells)
        early = ~due_blank & ~doc_blank & (due < doc_date)
        if early.any():
            self.note("due_before_document", early,
                      plural(int(early.sum()), "pièce à échéance antérieure à sa date de pièce, âgée depuis "
                             "l'échéance exportée", "pièces à échéance antérieure à leur date de pièce, âgées depuis "
                             "l'échéance exportée"), self.colname("due_date"),
                      "une échéance postérieure à la date de pièce")
        fallback = due_blank & ~doc_blank & open_rows
        if "due_date" in self.cols:
            self.note("due_date_from_document_date", fallback,
                      f"{plural(int(fallback.sum()), 'pièce')} sans date d'échéance : échéance prise égale à la date "
                      "de pièce", self.colname("due_date"), "une date d'échéance pour chaque pièce")
        due = np.where(due_blank, doc_date, due)
        neither = due_blank & doc_blank & ~self.bad_dates
        self.report(neither, "due_date" if "due_date" in self.cols else "document_date",
                    "date d'échéance manquante (et pas de date de pièce)", "une date, par exemple 31/12/2026",
                    "missing_date")
        out["document_date"] = doc_date
        out["due_date"] = due

        types, ignored = self.document_types(amount)
        out["document_type"] = types
        ignored = ignored | self.other_accounts()
        for name in ("collector", "segment"):
            if name in self.cols:
                out[name] = self.strings(name)
        out["source_row"] = self.excel_rows.astype("int32")
        return canonical_frame(out), ignored

    def currencies(self) -> np.ndarray:
        """Each row's ISO currency code: the currency column's, else the mapping's."""
        n = len(self.body)
        if "currency" not in self.cols:
            return np.full(n, self.mapping.default_currency, dtype=object)
        text, blank = parse_text(self.col("currency"), self.kinds("currency"))
        codes = np.array([_currency_code(t) if t is not None else None for t in text], dtype=object)
        self.report(blank, "currency", "devise manquante", "un code de devise ISO comme EUR", "missing_currency")
        self.report(~blank & pd.isna(codes), "currency", "devise illisible", "un code de devise ISO comme EUR ou USD",
                    "unreadable_currency")
        return np.where(pd.isna(codes), self.mapping.default_currency, codes)

    def date_cells(self, key: str, order: str | None = None) -> DateCells:
        return parse_date_cells(self.col(key), self.raw.date1904, self.kinds(key), order or self.mapping.date_order)

    def dates(self, key: str, parsed: dict[str, DateCells]) -> tuple[np.ndarray, np.ndarray]:
        """``(dates, blank-or-bad)`` of a date column (all blank when not mapped), reporting
        unreadable cells, a contradictory order, and an order taken by default. A column that
        proves no order takes the one the file's other date column proves (``source="file"``)."""
        n = len(self.body)
        if key not in self.cols:
            return np.full(n, np.datetime64("NaT"), dtype="datetime64[s]"), np.ones(n, bool)
        cells = parsed[key]
        proved = {c.order for k, c in parsed.items() if k != key and c.source == "evidence"}
        if cells.source == "default" and cells.conflict is None and len(proved) == 1:
            cells = self.date_cells(key, proved.pop())._replace(source="file")
        self.date_orders[key] = {"order": cells.order, "source": cells.source}
        self.report_dates(key, cells)
        self.bad_dates |= cells.bad
        return cells.dates, cells.blank | cells.bad

    def report_dates(self, key: str, cells: DateCells) -> None:
        name = self.colname(key)
        order = self.mapping.date_order
        expected = f"une date comme {ORDER_EXAMPLES[order] if order else '31/12/2026 (JJ/MM/AAAA)'} ou une date Excel"
        if cells.conflict is not None:
            values = self.col(key)
            (a, b) = cells.conflict
            self.problems.append(Problem(
                f"ordre du jour et du mois contradictoire : la ligne {self.excel_rows[a]} "
                f"({quote(values.iloc[a])}) ne se lit que jour d'abord, la ligne {self.excel_rows[b]} "
                f"({quote(values.iloc[b])}) que mois d'abord", int(self.excel_rows[b]), name, None,
                "des dates écrites toutes dans le même ordre (corrigez l'export), ou date_order dans la "
                "correspondance", "date_order_conflict"))
            return
        self.report(cells.bad & ~cells.out_of_range, key, "date illisible", expected, "unreadable_date")
        self.report(cells.out_of_range, key, "date hors limites",
                    f"une date entre le {MIN_DATE:%d/%m/%Y} et le {MAX_DATE:%d/%m/%Y}", "date_out_of_range")
        if cells.source == "default" and cells.ambiguous.any():
            first = int(np.flatnonzero(cells.ambiguous)[0])
            d = pd.Timestamp(cells.dates[first])
            self.note(f"date_order_default_{key}", cells.ambiguous,
                      plural(int(cells.ambiguous.sum()), "date lue", "dates lues") + " jour d'abord (JJ/MM/AAAA) "
                      f"faute de preuve dans l'export (ex. {quote(self.col(key).iloc[first])} lu {long_day(d)})", name,
                      "date_order = \"mdy\" dans la correspondance si l'export écrit le mois d'abord")

    def check_duplicates(self, doc: np.ndarray | Callable[[], np.ndarray], ignore: np.ndarray,
                         text: pd.Series | None = None) -> None:
        """One problem per document number found on several open rows (rows listed, capped).
        ``doc``: the numbers (``None`` where blank), or what gives them when needed; ``text``: the
        same as a ``string`` Series, when built already (hashed by Arrow)."""
        if text is not None and _all_distinct(text):
            return                      # no number twice (blanks included): no duplicate
        codes = _group_codes(text) if text is not None else None
        if codes is None:
            doc = doc() if callable(doc) else doc
            codes, _ = pd.factorize(doc, use_na_sentinel=False)
        dup = (np.bincount(codes)[codes] > 1) & ~ignore        # = s.duplicated(keep=False) & ~ignore
        if not dup.any():
            return
        doc = doc() if callable(doc) else doc
        s = pd.Series(doc)
        if dup.any() and ignore.any():
            dup &= s.where(~ignore).duplicated(keep=False).to_numpy()
        if not dup.any():
            return
        groups = pd.Series(self.excel_rows[dup]).groupby(s[dup].to_numpy(), sort=False).agg(list)
        for doc_id, rows in groups.items():
            for r in rows:
                others = [x for x in rows if x != r]
                listed = ", ".join(str(x) for x in others[:LISTED_CELLS]) + \
                    (f", … ({len(others)} en tout)" if len(others) > LISTED_CELLS else "")
                self.problems.append(Problem(
                    f"numéro de pièce en double (aussi ligne{'s' if len(others) > 1 else ''} {listed})",
                    int(r), self.colname("document_id"), doc_id, "chaque pièce ouverte une seule fois",
                    "duplicate_document"))

    def document_types(self, amount: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
        """Canonical type of each item: the mapped code, the amount's sign for codes mapped
        ``by_sign`` (and when no type column is mapped); unknown codes are reported. Also the
        mask of the rows whose code is mapped ``ignore``."""
        categories = list(DOCUMENT_TYPE_DTYPE.categories)
        by_sign = np.where(amount < 0, categories.index("credit_note"), categories.index("invoice"))
        if "document_type" not in self.cols:
            return pd.Categorical.from_codes(by_sign, dtype=DOCUMENT_TYPE_DTYPE), np.zeros(len(amount), bool)
        cells = self.texts("document_type")
        if cells is None:
            codes, blank = parse_text(self.col("document_type"), self.kinds("document_type"))
            labels = normalize_labels(codes)
        else:                           # each distinct code normalised once, blanks ""
            blank = cells.blank
            encoded = pc.dictionary_encode(cells.text)
            table = [normalize_label(u) for u in encoded.dictionary.to_pylist()] + [""]
            labels = np.array(table, dtype=object)[
                encoded.indices.fill_null(len(table) - 1).to_numpy(zero_copy_only=False)]
        keys, distinct = pd.factorize(labels)     # each distinct code looked up once
        types = pd.Series(distinct, dtype=object).map(self.mapping.type_codes()).to_numpy(dtype=object)
        unknown = pd.isna(types)[keys]
        known = ", ".join(quote(k) for k in sorted({k for k in self.mapping.document_types if k}))
        self.report(unknown & ~blank, "document_type", "type de pièce inconnu", f"l'un de {known}", "unknown_type")
        self.report(unknown & blank, "document_type", "type de pièce manquant", f"l'un de {known}", "missing_type")
        signed, ignore = -2, -3
        type_codes = np.array([signed if t == BY_SIGN else ignore if t == IGNORE
                               else categories.index("invoice" if pd.isna(t) else t) for t in types], dtype=np.int64)
        result = type_codes[keys]
        ignored = result == ignore
        result = np.where(result == signed, by_sign, np.where(ignored, by_sign, result))
        return pd.Categorical.from_codes(result, dtype=DOCUMENT_TYPE_DTYPE), ignored

    def other_accounts(self) -> np.ndarray:
        """Rows whose account matches none of the mapping's ``accounts`` prefixes."""
        n = len(self.body)
        if not self.mapping.accounts:
            return np.zeros(n, bool)
        text, blank = parse_text(self.col("account"), self.kinds("account"))
        self.report(blank, "account", "compte général manquant",
                    f"un compte commençant par {' ou '.join(self.mapping.accounts)}", "missing_account")
        prefixes = tuple(self.mapping.accounts)
        return np.array([t is not None and not str(t).startswith(prefixes) for t in text], dtype=bool)


def _currency_code(text: object) -> str | None:
    """ISO code of a currency cell (``eur``, ``€`` → ``EUR``), ``None`` when it is not one."""
    s = str(text).strip().upper()
    s = _CURRENCY_SIGNS.get(s, s)
    return s if len(s) == 3 and s.isalpha() and s.isascii() else None


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


_STRING_COLUMNS = frozenset(c.name for c in OPEN_ITEMS.columns if c.dtype == "string")
_TEXT_COLUMNS = ("customer_id", "customer", "customer_name", "document_id", "document_type", "collector", "segment")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)     # what pandas infers for texts (``str``)


def string_series(values: np.ndarray) -> pd.Series:
    """Texts (``str`` or ``None``) as a ``string`` Series: what ``pd.Series(values).astype("string")``
    gives, in one Arrow conversion instead of pandas' inference and then a cast."""
    try:
        array = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, UnicodeError):
        return pd.Series(values).astype("string")
    return pd.Series(pd.arrays.ArrowStringArray(array))


def _all_distinct(text: pd.Series) -> bool:
    """True when no value of a ``string`` Series is there twice (missing values count as one
    value), counted by Arrow; False when unsure."""
    try:
        array = pa.chunked_array(pa.array(text.array))
    except (pa.ArrowException, TypeError, ValueError):
        return False
    return bool(pc.count_distinct(array, mode="all").as_py() == len(array))


def _group_codes(text: pd.Series) -> np.ndarray | None:
    """Codes of equal values (one code for all missing ones) of a ``string`` Series, hashed by
    Arrow; ``None`` when it is not Arrow-backed."""
    try:
        array = pa.chunked_array(pa.array(text.array)).combine_chunks()
    except (pa.ArrowException, TypeError, ValueError):
        return None
    encoded = pc.dictionary_encode(array, null_encoding="encode")
    return np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)


def canonical_frame(cols: dict[str, object]) -> pd.DataFrame:
    """The open-item frame's columns cast to their contract's dtypes (:data:`~relance_analytics.frames.OPEN_ITEMS`);
    the readers validate the frame once its problems are reported."""
    typed = {k: string_series(v) if k in _STRING_COLUMNS and isinstance(v, np.ndarray) and v.dtype == object else v
             for k, v in cols.items()}
    return OPEN_ITEMS.build(typed)
