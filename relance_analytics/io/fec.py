"""The FEC (Fichier des Écritures Comptables, art. A47 A-1 du LPF): open items at any date, and
the payment date of every invoice.

Every French accounting package exports the FEC: one text file (tab or ``|`` separated,
``YYYYMMDD`` dates, decimal comma), one line per entry line, with the legal columns
``JournalCode … CompteNum, CompAuxNum, CompAuxLib, PieceRef, PieceDate, EcritureLib, Debit,
Credit, EcritureLet, DateLet, ValidDate, Montantdevise, Idevise`` (``Montant`` and ``Sens``
may replace ``Debit`` and ``Credit``); some packages add ``DateEcheance``.

:func:`load_fec` reads and checks it once; :meth:`FecLedger.open_items` rebuilds the canonical
open items at any as-of date ``t``:

* the customer lines are those of the accounts starting with ``accounts`` (``411`` by default);
  the customer is the auxiliary account (``CompAuxNum``), else the account itself;
* a line exists at ``t`` when its ``EcritureDate`` is on or before ``t``; it is lettered at ``t``
  when it has a letter (``EcritureLet``) and its ``DateLet`` is on or before ``t``;
* the lines sharing a letter in one account form a lettering group; a group whose lines are
  all lettered at ``t`` and sum to zero is closed: its lines are left out;
* what remains is netted per document: an unlettered line counts for its own ``PieceRef``; a
  line lettered at ``t`` in a group that is not closed (partial lettering: a partial payment,
  a credit note applied to an invoice) counts for the group's invoice (its first debit line);
* due date: ``DateEcheance`` when the file has it; for an invoice without one, the invoice
  date plus the customer's payment terms (``customers``' « Délai de paiement », see
  :mod:`.terms`; counted and stated); a credit note or a payment without one is aged from its
  own date. An invoice with neither is an error.

Control: the balance of the customer accounts at ``t`` (every line dated on or before ``t``)
equals the open items' total to the cent (``attrs["control_total_cents"]``).

:meth:`FecLedger.payments` gives, for every invoice, the date its lettering group was closed
(the payment date) — the payment history of the later analyses.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from ..dates import DateLike, as_date
from ..errors import ExportError, Problem
from ..frames import OPEN_ITEMS
from ..french import plural, quote
from ..keys import normalize_label
from .date_cells import parse_date_cells
from .open_items import DOCUMENT_TYPE_DTYPE, canonical_frame
from .parse import parse_money
from .terms import parse_terms
from .workbook import LISTED_CELLS, check_container, warn

KIND = "FEC"
SALES_JOURNALS = ("VT", "VE", "VEN", "V", "VTE")
#: canonical name → the FEC's column (the law's spelling; matching ignores case and accents)
COLUMNS = {
    "journal": "JournalCode", "entry_date": "EcritureDate", "account": "CompteNum", "account_label": "CompteLib",
    "aux": "CompAuxNum", "aux_label": "CompAuxLib", "piece": "PieceRef", "piece_date": "PieceDate",
    "label": "EcritureLib", "debit": "Debit", "credit": "Credit", "letter": "EcritureLet", "letter_date": "DateLet",
    "amount": "Montant", "direction": "Sens",
}
DUE_HEADERS = ("DateEcheance", "DateEch", "EcheanceDate", "Date d'échéance")
REQUIRED = ("journal", "entry_date", "account", "aux", "piece", "piece_date", "letter", "letter_date")
_DIRECTION = {"d": 1, "debit": 1, "c": -1, "credit": -1}


def _error(path: Path, problems: list[Problem]) -> ExportError:
    return ExportError(path, problems, kind=KIND)


@dataclass(frozen=True)
class FecLedger:
    """The customer lines of a FEC, checked, ready to rebuild open items at any date.

    Arrays are one value per customer line: ``cid``, ``name``, ``piece`` (str), ``journal``,
    ``entry_date``, ``piece_date``, ``due`` (NaT when the file gives none), ``cents``
    (debit − credit), ``letter`` (``""`` when none), ``letter_date`` (NaT when none),
    ``line`` (the line number in the file); ``group`` (lettering group, −1 when unlettered),
    per group its ``group_sum``, ``group_closed_on`` (latest DateLet) and ``anchor`` (index of
    its invoice line).
    """

    path: Path
    lines: pd.DataFrame
    group_sum: np.ndarray
    group_closed_on: np.ndarray
    anchor: np.ndarray
    terms: dict[str, str] = field(default_factory=dict)      # customer id → terms text

    @property
    def first_date(self) -> pd.Timestamp:
        return pd.Timestamp(self.lines["entry_date"].min())

    @property
    def last_date(self) -> pd.Timestamp:
        return pd.Timestamp(self.lines["entry_date"].max())

    def balance_cents(self, as_of: DateLike) -> int:
        """Balance of the customer accounts at ``as_of`` (every line dated on or before it)."""
        t = as_date(as_of).to_datetime64()
        return int(self.lines["cents"].to_numpy()[self.lines["entry_date"].to_numpy() <= t].sum())

    def _documents(self, t: np.datetime64) -> tuple[pd.DataFrame, int]:
        """Per-line document keys of the lines open at ``t`` and the number of lines left out
        as lettered (closed groups)."""
        lines = self.lines
        group = lines["group"].to_numpy()
        exists = lines["entry_date"].to_numpy() <= t
        letter_date = lines["letter_date"].to_numpy()
        lettered = (group >= 0) & ~np.isnat(letter_date) & (letter_date <= t)
        gclosed = (self.group_sum == 0) & ~np.isnat(self.group_closed_on) & (self.group_closed_on <= t)
        closed = np.append(gclosed, False)[group]          # group −1 (unlettered) takes the last value
        keep = exists & ~closed
        owner = np.arange(len(lines))
        partial = keep & lettered
        owner[partial] = self.anchor[group[partial]]
        kept = np.flatnonzero(keep)
        docs = pd.DataFrame({"owner": owner[kept], "cents": lines["cents"].to_numpy()[kept]})
        return docs, int((exists & closed).sum())

    def open_items(self, as_of: DateLike, customers: pd.DataFrame | None = None) -> pd.DataFrame:
        """The canonical open items at ``as_of`` (see the module for the rules).

        ``customers``: the canonical customers frame, for the payment terms of invoices without a
        due date (those of :func:`load_fec` when given there). Raises :class:`ExportError` when an
        invoice has no due date and its customer no readable terms."""
        t = as_date(as_of, "date d'arrêté").to_datetime64()
        docs, lettered = self._documents(t)
        sums = docs.groupby("owner", sort=True)["cents"].sum()
        owner = sums.index.to_numpy()
        cents = sums.to_numpy(dtype="int64")
        zero = cents == 0
        owner, cents = owner[~zero], cents[~zero]
        rep = self.lines.iloc[owner]
        is_debit = rep["cents"].to_numpy() > 0
        sales = rep["journal"].isin(SALES_JOURNALS).to_numpy()
        types = np.where(is_debit, "invoice", np.where(sales, "credit_note", "payment"))
        due = rep["due"].to_numpy(dtype="datetime64[s]").copy()
        piece_date = rep["piece_date"].to_numpy(dtype="datetime64[s]")
        notes: list[Problem] = []
        tolerated: dict[str, int] = {}
        no_due = np.isnat(due)
        credit_blank = no_due & (types != "invoice")
        due[credit_blank] = piece_date[credit_blank]
        if credit_blank.any():
            tolerated["due_date_from_document_date"] = int(credit_blank.sum())
        invoice_blank = no_due & (types == "invoice")
        if invoice_blank.any():
            due[invoice_blank] = self._terms_due(rep[invoice_blank], customers, notes, tolerated)
        frame = canonical_frame({
            "customer_id": rep["cid"].to_numpy(dtype=object), "customer_name": rep["name"].to_numpy(dtype=object),
            "document_id": rep["piece"].to_numpy(dtype=object),
            "document_type": pd.Categorical(types, dtype=DOCUMENT_TYPE_DTYPE),
            "document_date": piece_date, "due_date": due, "amount_cents": cents,
            "currency": np.full(len(cents), "EUR", dtype=object), "source_row": rep["line"].to_numpy(dtype="int32"),
        })
        self._check_unique(frame)
        control = self.balance_cents(as_of)
        total = int(cents.sum())
        if total != control:      # the rules above keep this identity; a failure is a bug, never hidden
            raise _error(self.path, [Problem(f"les pièces ouvertes reconstruites ({total}) ne font pas le solde des "
                                             f"comptes clients ({control}) au {pd.Timestamp(t):%d/%m/%Y}",
                                             expected="des pièces ouvertes égales au solde : signalez ce FEC, c'est "
                                                      "une erreur du programme", code="reconciliation")])
        for key, n in tolerated.items():
            if key == "due_date_from_document_date":
                notes.append(Problem(plural(n, "avoir ou règlement sans date d'échéance, âgé depuis sa date",
                                            "avoirs ou règlements sans date d'échéance, âgés depuis leur date"),
                                     code=key))
        frame.attrs.update({
            "source": str(self.path), "sheet": None, "mapping": "fec", "as_of": f"{pd.Timestamp(t):%Y-%m-%d}",
            "control_total_cents": control, "control_totals_cents": {"EUR": control},
            "skipped_rows": {"lettered": lettered, "zero_balance": int(zero.sum())},
            "tolerated": tolerated, "date_orders": {},
            "warnings": warn(self.path, None, notes, KIND),
        })
        return OPEN_ITEMS.validate(frame)

    def _terms_due(self, rep: pd.DataFrame, customers: pd.DataFrame | None, notes: list[Problem],
                   tolerated: dict[str, int]) -> np.ndarray:
        """Due dates of invoices without one: invoice date + the customer's terms."""
        terms = dict(self.terms)
        if customers is not None and "payment_terms" in customers.columns:
            terms.update({str(c): str(v) for c, v in zip(customers["customer_id"], customers["payment_terms"])
                          if not pd.isna(v)})
        out = np.full(len(rep), np.datetime64("NaT"), dtype="datetime64[s]")
        missing: list[Problem] = []
        used: dict[str, int] = {}
        cids = rep["cid"].to_numpy(dtype=object)
        dates = rep["piece_date"].to_numpy(dtype="datetime64[s]")
        for cid in pd.unique(cids):
            sel = cids == cid
            parsed = parse_terms(terms.get(cid))
            if parsed is None:
                first = int(np.flatnonzero(sel)[0])
                missing.append(Problem(
                    f"facture {quote(rep['piece'].iloc[first])} sans date d'échéance (DateEcheance) et client {cid} "
                    f"sans délai de paiement lisible ({quote(terms[cid]) if cid in terms else 'absent'} "
                    "dans le fichier "
                    "clients)", int(rep["line"].iloc[first]), "PieceRef", None,
                    "une colonne DateEcheance dans le FEC, ou le délai du client (ex. « 30 jours fin de mois ») dans "
                    "customers.xlsx", "missing_due_date"))
                continue
            out[sel] = parsed.due_dates(dates[sel])
            used[terms[cid]] = used.get(terms[cid], 0) + int(sel.sum())
        if missing:
            raise _error(self.path, missing)
        tolerated["due_date_from_terms"] = len(rep)
        listed = ", ".join(f"{k} ({n})" for k, n in sorted(used.items()))
        notes.append(Problem(plural(len(rep), "facture sans date d'échéance dans le FEC : échéance calculée",
                                    "factures sans date d'échéance dans le FEC : échéances calculées")
                             + f" avec le délai de paiement du client ({listed})", code="due_date_from_terms"))
        return out

    def _check_unique(self, frame: pd.DataFrame) -> None:
        dup = frame["document_id"].duplicated(keep=False).to_numpy()
        if dup.any():
            rows = frame[dup]
            listed = ", ".join(f"{quote(d)} ({c})" for d, c in zip(rows["document_id"][:LISTED_CELLS],
                                                                    rows["customer_id"][:LISTED_CELLS]))
            raise _error(self.path, [Problem(f"une même pièce (PieceRef) ouverte chez plusieurs clients : {listed}",
                                             expected="un numéro de pièce par document", code="duplicate_document")])

    def payments(self) -> pd.DataFrame:
        """Every invoice (debit line of a customer account in a sales journal) and its payment date.

        Columns: ``customer_id``, ``customer_name``, ``document_id``, ``document_date``,
        ``due_date`` (NaT when the FEC has none), ``amount_cents``, ``paid_date`` (the closing
        date of its lettering group; NaT while unpaid), ``days_late`` (Int64, paid date − due
        date, NA while unpaid or without due date). One row per invoice line, file order.
        """
        lines = self.lines
        inv = np.flatnonzero((lines["cents"].to_numpy() > 0) & lines["journal"].isin(SALES_JOURNALS).to_numpy())
        group = lines["group"].to_numpy()[inv]               # −1 (unlettered) takes the appended last value
        closed = np.append(self.group_sum == 0, False)[group]
        paid = np.where(closed, np.append(self.group_closed_on, np.datetime64("NaT", "s"))[group],
                        np.datetime64("NaT", "s")).astype("datetime64[s]")
        rows = lines.iloc[inv]
        due = rows["due"].to_numpy(dtype="datetime64[s]")
        late = pd.array(((paid - due) // np.timedelta64(1, "D")).astype("float64"), dtype="Int64")
        late[np.isnat(paid) | np.isnat(due)] = pd.NA
        return pd.DataFrame({
            "customer_id": pd.array(rows["cid"].to_numpy(dtype=object), dtype="string"),
            "customer_name": pd.array(rows["name"].to_numpy(dtype=object), dtype="string"),
            "document_id": pd.array(rows["piece"].to_numpy(dtype=object), dtype="string"),
            "document_date": rows["piece_date"].to_numpy(dtype="datetime64[s]"),
            "due_date": due, "amount_cents": rows["cents"].to_numpy(dtype="int64"),
            "paid_date": paid, "days_late": late,
        }, index=range(len(rows)))


def _read_lines(path: Path) -> pd.DataFrame:
    """Every field of the FEC as text (header from the first line)."""
    check_container(path, lambda p, problems, sheet=None: _error(p, problems))
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    first = text[:4096].splitlines()[0] if text.strip() else ""
    sep = max(("\t", "|", ";"), key=first.count)
    if first.count(sep) < 5:
        raise _error(path, [Problem("pas d'en-tête de FEC sur la première ligne", 1, None, first[:80] or None,
                                    "les colonnes du FEC séparées par des tabulations ou des « | » (JournalCode, "
                                    "EcritureDate, CompteNum…)", "no_header")])
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE,
                           engine="c")
    except (pd.errors.ParserError, ValueError) as exc:
        raise _error(path, [Problem(f"ligne mal formée ({' '.join(str(exc).split())})",
                                    expected="le même nombre de champs sur chaque ligne", code="malformed")]) from None


def _locate(path: Path, header: list[str]) -> dict[str, str]:
    """Canonical name → header of the file; an error naming every missing column."""
    keys = {normalize_label(h): h for h in header}
    found = {name: keys[normalize_label(col)] for name, col in COLUMNS.items() if normalize_label(col) in keys}
    due = next((keys[normalize_label(h)] for h in DUE_HEADERS if normalize_label(h) in keys), None)
    if due is not None:
        found["due"] = due
    missing = [COLUMNS[n] for n in REQUIRED if n not in found]
    if not ({"debit", "credit"} <= set(found) or {"amount", "direction"} <= set(found)):
        missing.append("Debit et Credit (ou Montant et Sens)")
    if missing:
        problems = []
        for col in missing:
            close = difflib.get_close_matches(normalize_label(col), list(keys), n=1, cutoff=0.6)
            hint = f" ; vouliez-vous dire {quote(keys[close[0]])} ?" if close else ""
            problems.append(Problem(f"colonne {quote(col)} absente de l'en-tête{hint}", 1, None, None,
                                    "les colonnes du FEC (art. A47 A-1 du LPF), en-tête sur la première ligne",
                                    "missing_column"))
        raise _error(path, problems)
    return found


_FAST_MONEY = r"^-?[0-9]{1,15}(?:,[0-9]{1,2})?$"
_STR = pd.StringDtype("pyarrow", na_value=np.nan)      # what pandas makes of the texts read by read_csv
_LINE_BREAKS = re.compile(r"[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")   # str.splitlines' breaks pandas ignores


def _customer_lines_fast(path: Path, accounts: tuple[str, ...]) -> pd.DataFrame | None:
    """What :func:`_customer_lines` gives, read by Arrow's CSV reader (every field a text, on
    both cores) and checked with Arrow compute, for a FEC with nothing to report: UTF-8, one
    header line, the same number of fields on every line, ``YYYYMMDD`` dates, amounts written
    ``-1234,56``. ``None`` for anything else (another encoding, a blank or odd cell, a line
    that pandas would read differently…): the reference reading then reads the file and reports
    every problem, so this path changes neither a result nor a message."""
    check_container(path, lambda p, problems, sheet=None: _error(p, problems))
    if not accounts or not all(isinstance(a, str) for a in accounts):
        return None
    data = path.read_bytes()
    if b"\x00" in data:
        return None                     # NUL bytes: left to the reference
    buffer = pa.py_buffer(data)         # Arrow's texts may point into it: it lives as long as they do
    offset = 3 if data.startswith(codecs.BOM_UTF8) else 0
    try:                                # the whole file must be UTF-8 (else it is read as cp1252)
        pa.Array.from_buffers(pa.binary(), 1, [None, pa.py_buffer(np.array([0, len(data)], np.int32)), buffer]) \
            .cast(pa.string())
        head = data[offset:offset + (16 << 10)]
        if len(data) > offset + len(head):
            while head and (head[-1] & 0xC0) == 0x80:
                head = head[:-1]        # cut before a character's continuation bytes…
            head = head[:-1]            # … and before its first byte
        head_text = head.decode("utf-8")
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    if not head_text.strip():
        return None
    first = head_text[:4096].splitlines()[0]
    csv_first = re.split(r"\r\n|\n|\r", head_text, maxsplit=1)
    if len(csv_first) < 2 or csv_first[0] != first or _LINE_BREAKS.search(first):
        return None
    sep = max(("\t", "|", ";"), key=first.count)
    names = first.split(sep)
    if first.count(sep) < 5 or len(set(names)) != len(names) or "" in names:
        return None
    try:
        cols = _locate(path, names)
    except ExportError:
        return None
    wanted = list(dict.fromkeys(cols.values()))
    try:
        table = pcsv.read_csv(
            pa.BufferReader(buffer),
            parse_options=pcsv.ParseOptions(delimiter=sep, quote_char=False, double_quote=False, escape_char=False,
                                            newlines_in_values=False, ignore_empty_lines=True),
            convert_options=pcsv.ConvertOptions(include_columns=wanted,
                                                column_types=dict.fromkeys(wanted, pa.large_string()),
                                                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if table.column_names != wanted or table.num_rows == 0:
        return None

    def column(name: str, rows: pa.Array | None = None) -> pa.Array:
        values = table[cols[name]].combine_chunks()
        return values if rows is None else values.filter(rows)

    account = pc.utf8_trim_whitespace(column("account"))
    mine = pc.starts_with(account, pattern=accounts[0])
    for prefix in accounts[1:]:
        mine = pc.or_(mine, pc.starts_with(account, pattern=prefix))
    if not pc.any(mine).as_py():
        return None
    line = np.flatnonzero(mine.to_numpy(zero_copy_only=False)) + 2        # line 1 is the header
    account = account.filter(mine)

    def dates(name: str, required: bool) -> np.ndarray | None:
        if name not in cols:
            return np.full(len(line), np.datetime64("NaT"), dtype="datetime64[s]")
        return _fast_dates(column(name, mine), required)

    def trimmed(name: str) -> pa.Array:
        if name not in cols:
            return pa.array([""] * len(line), pa.large_string())
        return pc.utf8_trim_whitespace(column(name, mine))

    def cents_of(name: str) -> np.ndarray | None:
        return _fast_cents(column(name, mine))

    def directions() -> np.ndarray | None:
        encoded = pc.dictionary_encode(column("direction", mine))
        signs = [_DIRECTION.get(normalize_label(v)) for v in encoded.dictionary.to_pylist()]
        return None if None in signs else \
            np.array(signs, dtype=np.int64)[encoded.indices.to_numpy(zero_copy_only=False)]

    money = ("debit", "credit") if "debit" in cols else ("amount",)
    tasks: dict[str, Callable[[], object]] = {
        "entry_date": lambda: dates("entry_date", True), "piece_date": lambda: dates("piece_date", True),
        "letter_date": lambda: dates("letter_date", False), "due": lambda: dates("due", False),
        **{key: partial(cents_of, key) for key in money},
        **{key: partial(trimmed, key) for key in ("letter", "aux", "aux_label", "account_label", "piece")},
        "journal": lambda: pc.utf8_upper(trimmed("journal")),
    }
    if "debit" not in cols:
        tasks["direction"] = directions
    with ThreadPoolExecutor(max_workers=2) as pool:      # Arrow and numpy release the GIL: both cores
        futures = {key: pool.submit(task) for key, task in tasks.items()}
        done = {key: future.result() for key, future in futures.items()}
    if any(done[key] is None for key in ("entry_date", "piece_date", "letter_date", "due", *money)) or \
            ("direction" in done and done["direction"] is None):
        return None
    entry_date, piece_date, letter_date, due = (np.asarray(done[k]) for k in ("entry_date", "piece_date",
                                                                              "letter_date", "due"))
    if "debit" in cols:
        cents = np.asarray(done["debit"]) - np.asarray(done["credit"])
    else:
        cents = np.abs(np.asarray(done["amount"])) * np.asarray(done["direction"])
    letter = done["letter"]
    has_letter = pc.not_equal(letter, "").to_numpy(zero_copy_only=False)
    if (has_letter & np.isnat(letter_date)).any():
        return None                     # a lettered line without its date: the reference says which

    aux = done["aux"]
    cid = pc.if_else(pc.not_equal(aux, ""), aux, account)
    name_col, label_col = done["aux_label"], done["account_label"]
    name = pc.if_else(pc.not_equal(name_col, ""), name_col, label_col)
    name = pc.if_else(pc.not_equal(name, ""), name, cid)

    def text(values: pa.Array) -> pd.arrays.ArrowStringArray:
        return pd.arrays.ArrowStringArray(values, dtype=_STR)

    return pd.DataFrame({
        "cid": text(cid), "name": text(name), "account": text(account),
        "piece": text(done["piece"]), "journal": text(done["journal"]),
        "entry_date": entry_date, "piece_date": piece_date, "due": due, "cents": np.asarray(cents, dtype=np.int64),
        "letter": text(letter), "letter_date": letter_date, "line": line,
    })


def _fast_dates(values: pa.Array, required: bool) -> np.ndarray | None:
    """``YYYYMMDD`` texts (and blanks, unless ``required``) to ``datetime64[s]``, NaT where
    blank; ``None`` when a cell is anything else or not a date between 1900 and 2100 (8 bytes
    read as a whole number in that range are 8 ASCII digits)."""
    blank = pc.equal(values, "")
    has_blank = pc.any(blank).as_py()
    if has_blank and required:
        return None
    filled = values.filter(pc.invert(blank)) if has_blank else values
    if not pc.all(pc.equal(pc.binary_length(filled), 8)).as_py():
        return None
    try:
        number = pc.cast(filled, pa.int64()).to_numpy(zero_copy_only=False)
    except pa.ArrowException:
        return None
    year, month, day = number // 10000, number // 100 % 100, number % 100
    if not ((year >= 1900) & (year <= 2100) & (month >= 1) & (month <= 12) & (day >= 1)).all():
        return None
    months = ((year - 1970) * 12 + month - 1).astype("datetime64[M]")
    dates = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    if (dates.astype("datetime64[M]") != months).any():
        return None                     # 31/04, 29/02 of a common year…
    if not has_blank:
        return dates.astype("datetime64[s]")
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[s]")
    out[~blank.to_numpy(zero_copy_only=False)] = dates
    return out


def _fast_cents(values: pa.Array) -> np.ndarray | None:
    """Amounts written ``1234,56``, ``-1234,5``, ``1234`` (and blanks: 0) to cents, as
    :func:`~relance_analytics.io.parse.parse_money` reads them; ``None`` for any other cell."""
    blank = pc.equal(values, "")
    if not pc.all(pc.or_(blank, pc.match_substring_regex(values, _FAST_MONEY))).as_py():
        return None
    comma = pc.find_substring(values, ",").to_numpy(zero_copy_only=False)
    decimals = np.where(comma < 0, 0, pc.binary_length(values).to_numpy(zero_copy_only=False) - comma - 1)
    digits = pc.replace_substring(pc.if_else(blank, "0", values), ",", "")
    number = pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False)
    return number * np.array([100, 10, 1], dtype=np.int64)[decimals]


def _customer_lines(path: Path, accounts: tuple[str, ...]) -> pd.DataFrame:
    """The customer lines of a FEC (columns of :attr:`FecLedger.lines` but ``group``), every
    problem reported in one :class:`ExportError`: the reference reading, for any file."""
    raw = _read_lines(path)
    cols = _locate(path, list(raw.columns))
    account = raw[cols["account"]].str.strip()
    mine = account.str.startswith(tuple(accounts)).to_numpy()
    if not mine.any():
        raise _error(path, [Problem(f"aucune ligne de compte client ({', '.join(a + '…' for a in accounts)})",
                                    expected="les écritures des comptes clients (411…)", code="no_items")])
    body = raw[mine]
    line = body.index.to_numpy() + 2                    # line 1 is the header
    problems: list[Problem] = []

    def dates(name: str, required: bool) -> np.ndarray:
        if name not in cols:
            return np.full(len(body), np.datetime64("NaT"), dtype="datetime64[s]")
        cells = parse_date_cells(body[cols[name]], order="ymd")
        for pos in np.flatnonzero(cells.bad)[:LISTED_CELLS * 6]:
            problems.append(Problem("date illisible", int(line[pos]), cols[name], body[cols[name]].iloc[pos],
                                    "une date AAAAMMJJ", "unreadable_date"))
        if required:
            for pos in np.flatnonzero(cells.blank)[:LISTED_CELLS * 6]:
                problems.append(Problem("date manquante", int(line[pos]), cols[name], None, "une date AAAAMMJJ",
                                        "missing_date"))
        return cells.dates

    entry_date = dates("entry_date", True)
    piece_date = dates("piece_date", True)
    letter_date = dates("letter_date", False)
    due = dates("due", False)
    if "debit" in cols:
        d = parse_money(body[cols["debit"]])
        c = parse_money(body[cols["credit"]])
        cents, bad = d.cents - c.cents, (d.bad, c.bad)
        for mask, name in zip(bad, ("debit", "credit")):
            for pos in np.flatnonzero(mask)[:LISTED_CELLS * 6]:
                problems.append(Problem("montant illisible", int(line[pos]), cols[name], body[cols[name]].iloc[pos],
                                        "un montant en euros, par exemple 1234,56", "unreadable_amount"))
    else:
        m = parse_money(body[cols["amount"]])
        sign = body[cols["direction"]].map(lambda v: _DIRECTION.get(normalize_label(v))).to_numpy(dtype=float)
        for pos in np.flatnonzero(m.bad)[:LISTED_CELLS * 6]:
            problems.append(Problem("montant illisible", int(line[pos]), cols["amount"], body[cols["amount"]].iloc[pos],
                                    "un montant en euros, par exemple 1234,56", "unreadable_amount"))
        for pos in np.flatnonzero(np.isnan(sign))[:LISTED_CELLS * 6]:
            problems.append(Problem("sens inconnu", int(line[pos]), cols["direction"],
                                    body[cols["direction"]].iloc[pos],
                                    "D (débit) ou C (crédit)", "unknown_direction"))
        cents = np.abs(m.cents) * np.where(np.isnan(sign), 0, sign).astype(np.int64)
    letter = body[cols["letter"]].str.strip().to_numpy(dtype=object)
    has_letter = letter != ""
    undated = has_letter & np.isnat(letter_date)
    if undated.any():
        rows = line[undated]
        listed = ", ".join(map(str, rows[:LISTED_CELLS])) + (", …" if len(rows) > LISTED_CELLS else "")
        problems.append(Problem(
            plural(int(undated.sum()), "ligne lettrée sans date de lettrage", "lignes lettrées sans date de lettrage")
            + f" (lignes {listed}) : impossible de savoir si la pièce était ouverte à une date passée", int(rows[0]),
            cols["letter_date"], None, "la date de lettrage (DateLet) de chaque ligne lettrée", "undated_lettering"))
    if problems:
        raise _error(path, problems)

    aux = body[cols["aux"]].str.strip()
    cid = aux.where(aux != "", account[mine]).to_numpy(dtype=object)
    name_col = body[cols["aux_label"]].str.strip() if "aux_label" in cols else pd.Series("", index=body.index)
    label_col = body[cols["account_label"]].str.strip() if "account_label" in cols else pd.Series("", index=body.index)
    name = name_col.where(name_col != "", label_col).where(lambda s: s != "", pd.Series(cid, index=body.index))
    return pd.DataFrame({
        "cid": cid, "name": name.to_numpy(dtype=object), "account": account[mine].to_numpy(dtype=object),
        "piece": body[cols["piece"]].str.strip().to_numpy(dtype=object),
        "journal": body[cols["journal"]].str.strip().str.upper().to_numpy(dtype=object),
        "entry_date": entry_date, "piece_date": piece_date, "due": due, "cents": np.asarray(cents, dtype=np.int64),
        "letter": letter, "letter_date": letter_date, "line": line,
    })


def load_fec(path: str | Path, accounts: tuple[str, ...] = ("411",),
             customers: pd.DataFrame | None = None) -> FecLedger:
    """Read and check a FEC (see the module); only the lines of the ``accounts`` prefixes are kept.

    ``customers``: the canonical customers frame, whose payment terms give the due date of
    invoices the FEC has none for. Raises one :class:`ExportError` (kind ``FEC``) listing every
    problem of the customer lines: unreadable date or amount, lettered line without its
    lettering date (the open items of a past date could not be rebuilt), missing columns."""
    path = Path(path)
    lines = _customer_lines_fast(path, accounts)
    if lines is None:
        lines = _customer_lines(path, accounts)
    letter_date = lines["letter_date"].to_numpy()
    group, n = _lettering_groups(lines)
    lines["group"] = group
    lettered = group >= 0
    gsum = np.zeros(n, dtype=np.int64)
    np.add.at(gsum, group[lettered], lines["cents"].to_numpy()[lettered])
    closed_on = pd.Series(letter_date[lettered]).groupby(group[lettered]).max().reindex(range(n)) \
        .to_numpy(dtype="datetime64[s]") if n else np.zeros(0, dtype="datetime64[s]")
    # the group's invoice: its first debit line by entry date (else its first line)
    order = np.lexsort((lines["line"].to_numpy(), lines["entry_date"].to_numpy(), lines["cents"].to_numpy() <= 0))
    groups_sorted, first = np.unique(group[order], return_index=True)
    anchor = np.zeros(n, dtype=np.int64)
    anchor[groups_sorted[groups_sorted >= 0]] = order[first[groups_sorted >= 0]]
    terms = {}
    if customers is not None and "payment_terms" in customers.columns:
        terms = {str(c): str(v) for c, v in zip(customers["customer_id"], customers["payment_terms"]) if not pd.isna(v)}
    return FecLedger(path, lines, gsum, closed_on, anchor, terms)


def _lettering_groups(lines: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Each line's lettering group (its account, customer and letter; −1 when unlettered),
    numbered in order of first appearance, and the number of groups: ``pd.factorize`` of the
    keys, hashed by Arrow."""
    account, cid, letter = (pa.chunked_array(pa.array(lines[c].array)).combine_chunks()
                            for c in ("account", "cid", "letter"))
    joined = pc.binary_join_element_wise(account, cid, letter, pa.scalar("\x1f", account.type))
    keys = pc.if_else(pc.not_equal(letter, ""), joined, None)
    encoded = pc.dictionary_encode(keys)
    group = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return group, len(encoded.dictionary)


def read_fec(path: str | Path, as_of: DateLike, customers: pd.DataFrame | None = None,
             accounts: tuple[str, ...] = ("411",)) -> pd.DataFrame:
    """The canonical open items of a FEC at ``as_of`` (:func:`load_fec`, then
    :meth:`FecLedger.open_items`)."""
    return load_fec(path, accounts, customers).open_items(as_of)


def fec_payments(path: str | Path, accounts: tuple[str, ...] = ("411",)) -> pd.DataFrame:
    """Every invoice of a FEC with its payment (lettering) date: see :meth:`FecLedger.payments`."""
    return load_fec(path, accounts).payments()
