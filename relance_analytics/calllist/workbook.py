"""``call_list.xlsx``: what the collectors read and fill, and what the import reads back.

Sheets: ``Synthèse`` (counts per collector and per rule, the score formula), one sheet per
collector (its phone list in rank order), ``Relances par e-mail`` (rows beyond capacity or
below the small amount), ``Litiges à résoudre``, ``Mises en demeure``, ``Contentieux``,
``Créances à déclarer``, ``Déclarations à l'assureur``, the collectors' performance of the last
weeks (an ``extra`` sheet, :mod:`relance_analytics.report.collectors`), and a hidden ``Listes``
sheet holding the drop-down values.

Every list sheet has its header on row 1 (frozen, with filters), French headers, euro and
date formats, column widths; phones and e-mails are written as ``tel:`` / ``mailto:``
hyperlinks (only when they look like a phone number or an address; otherwise as text). Every
other string is written as text, never as a formula (xlsxwriter with ``strings_to_formulas``
off and explicit ``write_string``), cut visibly when longer than a cell holds
(:func:`~relance_analytics.io.excel.cell_text`). On the phone-list sheets (and ``Relances par
e-mail``) the columns the collector fills (:data:`FILL_COLUMNS`, yellow, with data validation
and drop-down lists) come right after the columns identifying the row (:data:`CALL_IDENTITY`),
and a hidden ``Clé`` column, last, identifies the row for
:mod:`~relance_analytics.calllist.outcomes` (which finds every column by its header). These
sheets are protected without a password (:data:`PROTECTION`): only the fill cells can be
edited; filters, column widths and row heights stay usable, and *Révision > Ôter la protection*
lifts it.

Every sheet is print-ready (:func:`~relance_analytics.io.excel.print_setup`: A4 landscape, one
page wide, header row repeated) and each row holding wrapped text is as tall as its tallest
cell needs (:func:`~relance_analytics.io.excel.text_lines`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.url import Url, UrlTypes

from .. import vocab
from ..io.excel import (
    DATE_FORMAT,
    EURO_FORMAT,
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    WORKBOOK_OPTIONS,
    Sheet,
    add_sheets,
    atomic_file,
    cell_text,
    print_setup,
    row_height,
    row_heights,
    text_lines,
    text_width,
)
from ..text.calllist import RULE_LABELS, TIER_LABELS
from .build import CallList

KEY_HEADER = "Clé"
LISTS_SHEET = "Listes"
SUMMARY_SHEET = "Synthèse"
DEFERRED_SHEET = "Relances par e-mail"
SIDE_SHEETS = {"disputes": "Litiges à résoudre", "formal_notices": "Mises en demeure", "litigation": "Contentieux",
               "claims": "Créances à déclarer", "insurance": "Déclarations à l'assureur"}
RESERVED = {LISTS_SHEET, SUMMARY_SHEET, DEFERRED_SHEET, *SIDE_SHEETS.values()}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: frame column, French header, kind and width (characters)."""

    code: str
    header: str
    kind: str = "text"     # text, wrap, int, float, money, percent, date, tel, mail, label, fill_*
    width: int = 14


#: Columns the collector fills, in order (code, header, kind); read back by the import.
FILL_COLUMNS = (
    Column("call_date", "Date de l'appel", "fill_date", 12),
    Column("outcome", "Résultat", "fill_outcome", 20),
    Column("excuse", "Code excuse", "fill_excuse", 22),
    Column("promise_amount", "Montant promis", "fill_money", 14),
    Column("promise_date", "Date promise", "fill_date", 12),
    Column("payment_method", "Mode de règlement", "fill_method", 16),
    Column("callback_date", "Date de rappel", "fill_date", 12),
    Column("documents", "Pièces concernées", "fill_text", 18),
    Column("contact", "Interlocuteur joint", "fill_text", 20),
    Column("note", "Note", "fill_text", 40),
)
CALL_COLUMNS = (
    Column("rank", "Rang", "int", 6), Column("customer_id", "Code client", "text", 11),
    Column("customer_name", "Raison sociale", "text", 26), Column("reasons", "Motifs", "wrap", 55),
    Column("next_step", "Prochaine étape", "wrap", 38), Column("net_cents", "Montant net dû", "money", 15),
    Column("contact_name", "Interlocuteur", "text", 22), Column("contact_phone", "Téléphone", "tel", 16),
    Column("contact_role", "Fonction", "role", 18),
    Column("contact_email", "E-mail", "mail", 28), Column("contact_alert", "Alerte contact", "wrap", 28),
    Column("second_contact", "Autre interlocuteur", "wrap", 28), Column("habit", "Habitude de paiement", "wrap", 18),
    Column("at_stake_cents", "Montant en jeu", "money", 15), Column("credits_cents", "Avoirs à imputer", "money", 15),
    Column("max_days", "Retard max (j)", "int", 9), Column("weighted_days", "Âge pondéré (j)", "float", 9),
    Column("score", "Score R10", "score", 10), Column("score_text", "Calcul du score", "wrap", 34),
    Column("documents_text", "Pièces", "wrap", 42), Column("last_actions", "Dernières actions", "wrap", 42),
    Column("reminders", "Relances déjà faites", "wrap", 48), Column("situation", "1. Situation", "wrap", 48),
    Column("requirement", "2. Exigence", "wrap", 48), Column("proposal", "3. Proposition", "wrap", 48),
    Column("excuse_answer", "Réponse à la dernière excuse", "wrap", 48), Column("notes", "À savoir", "wrap", 36),
)
KEY_COLUMN = Column("key", KEY_HEADER, "key", 10)
DEFERRED_COLUMNS = (Column("collector", "Recouvreur", "text", 16),
                    Column("defer_reason", "Motif du report", "wrap", 34))
#: The columns of :data:`CALL_COLUMNS` that say which row it is: first on a phone-list sheet,
#: frozen, then the columns to fill (:data:`FILL_COLUMNS`), then the rest of the row.
CALL_IDENTITY = tuple(c for c in CALL_COLUMNS if c.code in ("rank", "customer_id", "customer_name"))
CALL_DETAIL = tuple(c for c in CALL_COLUMNS if c not in CALL_IDENTITY)
#: Printed, after the identification and the fill columns: why, what next, how much, whom to call
#: (the rest of a row is read on screen; on paper, the whole row would print too small to read).
PRINTED_DETAIL = 5
#: A collector's sheet, in order: identification, fill columns, the row's details, the hidden key.
PHONE_SHEET_COLUMNS = (*CALL_IDENTITY, *FILL_COLUMNS, *CALL_DETAIL, KEY_COLUMN)
#: ``Relances par e-mail``: the collector, then as a collector's sheet (the reason of the deferral first).
DEFERRED_SHEET_COLUMNS = (DEFERRED_COLUMNS[0], *CALL_IDENTITY, *FILL_COLUMNS, DEFERRED_COLUMNS[1], *CALL_DETAIL,
                          KEY_COLUMN)
#: Sheet protection of the sheets with fill columns: no password (a user may lift it); only the fill
#: cells are unlocked; filters, sorting, column widths and row heights stay allowed (Excel sorts a
#: protected sheet only within unlocked cells: to sort whole rows, lift the protection first).
PROTECTION = {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True,
              "select_locked_cells": True, "select_unlocked_cells": True}
CONTACT = (Column("contact_name", "Interlocuteur", "text", 22), Column("contact_role", "Fonction", "role", 18),
           Column("contact_phone", "Téléphone", "tel", 16), Column("contact_email", "E-mail", "mail", 28))
IDENTITY = (Column("collector", "Recouvreur", "text", 16), Column("customer_id", "Code client", "text", 11),
            Column("customer_name", "Raison sociale", "text", 26))
SIDE_COLUMNS = {
    "insurance": (*IDENTITY, Column("insurer", "Assureur", "text", 16), Column("document_id", "N° pièce", "text", 15),
                  Column("amount_cents", "Solde TTC", "money", 15), Column("document_date", "Date facture", "date", 11),
                  Column("due_date", "Échéance", "date", 11), Column("dmc_end", "Fin du DMC", "date", 11),
                  Column("deadline", "Déclarer avant le", "date", 11), Column("days_left", "Jours restants", "int", 9),
                  Column("state", "État", "wrap", 24), Column("reasons", "Motifs", "wrap", 60)),
    "disputes": (*IDENTITY, Column("dispute_id", "N° litige", "text", 10),
                 Column("document_id", "N° pièce", "text", 15),
                 Column("dispute_type", "Type", "text", 13), Column("opened", "Ouvert le", "date", 11),
                 Column("days_open", "Ancienneté (j)", "int", 9),
                 Column("disputed_cents", "Montant contesté", "money", 15),
                 Column("item_open_cents", "Solde de la pièce", "money", 15),
                 Column("owner", "Responsable", "text", 20), Column("owner_phone", "Téléphone", "tel", 16),
                 Column("owner_email", "E-mail", "mail", 28), Column("reason", "Motif", "wrap", 34),
                 Column("source", "Origine", "text", 18), Column("reasons", "Règle", "wrap", 60)),
    "formal_notices": (*IDENTITY, *CONTACT, Column("net_cents", "Montant dû", "money", 15),
                       Column("overdue_cents", "Échu", "money", 15),
                       Column("credits_cents", "Avoirs à imputer", "money", 15),
                       Column("max_days", "Retard max (j)", "int", 9), Column("documents_text", "Pièces", "wrap", 42),
                       Column("reasons", "Motifs", "wrap", 60), Column("actions_taken", "Actions menées", "wrap", 48),
                       Column("agreed", "Ce qui avait été convenu", "wrap", 42),
                       Column("deadline", "Date limite de paiement", "date", 12),
                       Column("litigation_status", "Suite", "wrap", 36), Column("letter", "Lettre", "text", 22)),
    "litigation": (*IDENTITY, *CONTACT, Column("net_cents", "Montant dû", "money", 15),
                   Column("overdue_cents", "Échu", "money", 15), Column("max_days", "Retard max (j)", "int", 9),
                   Column("documents_text", "Pièces", "wrap", 42), Column("reasons", "Motifs", "wrap", 60),
                   Column("formal_notice_date", "Mise en demeure du", "date", 12),
                   Column("deadline", "Date annoncée", "date", 12), Column("litigation_status", "Suite", "wrap", 36),
                   Column("actions_taken", "Actions menées", "wrap", 48),
                   Column("agreed", "Ce qui avait été convenu", "wrap", 42)),
    "claims": (*IDENTITY, Column("status", "Procédure", "text", 22),
               Column("contact_name", "Interlocuteur", "text", 22),
               Column("items", "Nb pièces", "int", 8), Column("invoices_cents", "Factures TTC", "money", 15),
               Column("credits_cents", "Avoirs / règlements", "money", 15),
               Column("claim_cents", "Créance à déclarer TTC", "money", 16),
               Column("base_ht_cents", "Base HT", "money", 15),
               Column("provision_rate", "Taux de provision", "percent", 10),
               Column("provision_cents", "Provision", "money", 15), Column("reasons", "Règle", "wrap", 55),
               Column("action", "À faire", "wrap", 48)),
}
#: Columns of the per-collector table of the summary sheet (those of ``CallList.summary()`` and the sheet name).
SUMMARY_COLUMNS = (
    Column("collector", "Recouvreur", "text", 20), Column("sheet", "Feuille", "text", 18),
    Column("capacity", "Capacité / jour", "int", 10), Column("calls", "Appels", "int", 8),
    Column("cut", "Coupés (capacité)", "int", 10), Column("small", "Petits montants", "int", 10),
    Column("calls_cents", "Montant à appeler", "money", 16),
    Column("deferred_cents", "Montant relancé par e-mail", "money", 16),
    Column("disputes", "Litiges", "int", 8), Column("formal_notices", "Mises en demeure", "int", 10),
    Column("litigation", "Contentieux", "int", 10), Column("claims", "Créances à déclarer", "int", 10),
    Column("insurance", "Déclarations à l'assureur", "int", 12),
)
MAX_URL_LENGTH = 2079          # Excel's limit for a link (xlsxwriter ignores longer ones)
MAX_LINK_WIDTH = 50            # widest a column gets to show its longest text (phones, e-mails, summary labels)
_PHONE = re.compile(r"^\+?[0-9][0-9 .()\-]{5,22}$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}$")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\'\x00-\x1f\x7f]")     # and control characters: invalid XML


class _PhoneUrl(Url):  # type: ignore[misc]  # xlsxwriter is untyped
    """A ``tel:`` hyperlink (xlsxwriter knows http, mailto, internal and file links only)."""

    def _parse_url(self) -> None:
        if self._link.startswith("tel:"):
            self._link_type = UrlTypes.URL
        else:
            super()._parse_url()


def phone_url(phone: object) -> str | None:
    """``tel:+33123456789`` for a French or international number, ``None`` if it is not one."""
    if not isinstance(phone, str) or not _PHONE.match(phone.strip()):
        return None
    digits = re.sub(r"\D", "", phone)
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10 and digits.startswith("0"):
        return f"tel:+33{digits[1:]}"
    return f"tel:{digits}"


def mail_url(email: object) -> str | None:
    """``mailto:`` link of a plain e-mail address, ``None`` if it is not one or the link would be
    longer than Excel takes (xlsxwriter would leave the cell empty; it is written as text)."""
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        return None
    link = f"mailto:{email.strip()}"
    return link if len(link) <= MAX_URL_LENGTH else None


def sheet_name(collector: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters) for a collector."""
    base = _SHEET_FORBIDDEN.sub(" ", str(collector)).strip()[:31] or "Recouvreur"
    name, n = base, 2
    while name in taken or name in RESERVED:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"valign": "top"}
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                     "text_wrap": True, "border": 1})
        self.fill_header = wb.add_format({**base, "bold": True, "bg_color": "#BF8F00", "font_color": "#FFFFFF",
                                          "text_wrap": True, "border": 1})
        self.text = wb.add_format(base)
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.money = wb.add_format({**base, "num_format": EURO_FORMAT})
        self.date = wb.add_format({**base, "num_format": DATE_FORMAT})
        self.int = wb.add_format({**base, "num_format": "0"})
        self.float = wb.add_format({**base, "num_format": "0.0"})
        self.score = wb.add_format({**base, "num_format": "#,##0"})
        self.percent = wb.add_format({**base, "num_format": "0 %"})
        # wrapped when too long for its column (Excel wraps a link, LibreOffice does not: _fit_links)
        self.link = wb.add_format({**base, "font_color": "#0563C1", "underline": 1, "text_wrap": True})
        fill = {**base, "bg_color": "#FFF2CC", "border": 1, "border_color": "#BFBFBF", "locked": False}
        self.fill = wb.add_format({**fill, "text_wrap": True})
        self.fill_date = wb.add_format({**fill, "num_format": DATE_FORMAT})
        self.fill_money = wb.add_format({**fill, "num_format": EURO_FORMAT})
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.bold = wb.add_format({"bold": True})
        self.note = wb.add_format({"text_wrap": True, "valign": "top"})


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, (str, tuple, list)) and pd.isna(value))


def _label(value: object) -> str:
    return vocab.CONTACT_ROLE.get(str(value), str(value))


#: Kinds of column whose text wraps: always (``wrap``) or when longer than the column (the others).
WRAPPING = ("wrap", "text", "role", "tel", "mail")
_MAX_LINES = int(MAX_ROW_HEIGHT // LINE_HEIGHT)


@lru_cache(maxsize=1 << 18)
def _lines(text: str, width: int) -> int:
    """:func:`~relance_analytics.io.excel.text_lines` of a cell, each distinct text measured once
    (the same reasons, talking points and reminders recur from row to row)."""
    return text_lines(text, width, limit=_MAX_LINES)


def _write_cell(ws: xlsxwriter.worksheet.Worksheet, fm: _Formats, row: int, col: int, column: Column,
                value: Any) -> int:
    """Write one cell; return the lines of text it shows (1 unless its text wraps)."""
    if _missing(value) or (isinstance(value, str) and not value):
        return 1
    kind = column.kind
    if kind == "money":
        ws.write_number(row, col, int(value) / 100, fm.money)
    elif kind in ("int", "float", "score", "percent"):
        ws.write_number(row, col, float(value), getattr(fm, kind))
    elif kind == "date":
        ws.write_datetime(row, col, pd.Timestamp(value).to_pydatetime(), fm.date)
    elif kind == "tel" and phone_url(value):
        link = _PhoneUrl(str(phone_url(value)))
        link.text = str(value).strip()          # (a Url object's display text is not taken from the call)
        ws.write_url(row, col, link, fm.link)
        return _lines(link.text, column.width)
    elif kind == "mail" and mail_url(value):
        ws.write_url(row, col, mail_url(value), fm.link, str(value).strip())
        return _lines(str(value).strip(), column.width)
    else:
        text = ", ".join(map(str, value)) if isinstance(value, (tuple, list)) else \
            _label(value) if kind == "role" else str(value)
        lines = _lines(text, column.width) if kind in WRAPPING else 1
        ws.write_string(row, col, cell_text(text), fm.wrap if kind == "wrap" or lines > 1 else fm.text)
        return lines
    return 1


def _write_column(ws: xlsxwriter.worksheet.Worksheet, fm: _Formats, col: int, column: Column, values: np.ndarray,
                  lines: list[int]) -> None:
    """Write a column's values from row 2 as :func:`_write_cell` does, raising ``lines`` to what
    each cell shows; numbers and dates in one loop of their kind (no dispatch per cell)."""
    kind = column.kind
    if kind in ("money", "int", "float", "score", "percent", "date"):
        write = ws.write_datetime if kind == "date" else ws.write_number
        fmt = {"money": fm.money, "date": fm.date}.get(kind) or getattr(fm, kind)
        for i, value in enumerate(values.tolist()):
            if _missing(value) or (isinstance(value, str) and not value):
                continue
            number = int(value) / 100 if kind == "money" else \
                pd.Timestamp(value).to_pydatetime() if kind == "date" else float(value)
            write(i + 1, col, number, fmt)
        return
    for i, value in enumerate(values.tolist()):
        found = _write_cell(ws, fm, i + 1, col, column, value)
        if found > lines[i]:
            lines[i] = found


def _fit_links(columns: Sequence[Column], frame: pd.DataFrame) -> tuple[Column, ...]:
    """The columns with each phone and e-mail column widened to its longest text (at most
    :data:`MAX_LINK_WIDTH`): LibreOffice neither wraps a link nor stops it at the cell's edge."""
    out = []
    for column in columns:
        if column.kind in ("tel", "mail") and column.code in frame.columns:
            texts = [str(v).strip() for v in frame[column.code].to_numpy(dtype=object) if not _missing(v)]
            needed = math.ceil(max(map(text_width, texts), default=0.0)) + 1
            column = replace(column, width=max(column.width, min(needed, MAX_LINK_WIDTH)))
        out.append(column)
    return tuple(out)


def _write_table(ws: xlsxwriter.worksheet.Worksheet, fm: _Formats, frame: pd.DataFrame,
                 columns: Sequence[Column], freeze_cols: int = 3, printed: int | None = None) -> None:
    """Header on row 1 (frozen, filters, repeated on every printed page), one row per frame row
    as tall as its wrapped text needs, formats and widths; with fill columns, the sheet is
    protected (:data:`PROTECTION`) but for the fill cells of the frame's rows; ``printed``: the
    first columns that print (all when ``None``)."""
    columns = _fit_links(columns, frame)
    lines = [1] * len(frame)
    for j, column in enumerate(columns):
        fill = column.kind.startswith("fill_")
        ws.write_string(0, j, column.header, fm.fill_header if fill else fm.header)
        ws.set_column(j, j, column.width, None, {"hidden": column.kind == "key"})
        if fill:
            fmt = {"fill_date": fm.fill_date, "fill_money": fm.fill_money}.get(column.kind, fm.fill)
            for i in range(len(frame)):
                ws.write_blank(i + 1, j, None, fmt)
        elif column.code in frame.columns:
            _write_column(ws, fm, j, column, frame[column.code].to_numpy(dtype=object), lines)
    ws.set_row(0, row_heights([[c.header] for c in columns], [c.width for c in columns], bold=True)[0])
    for i, n in enumerate(lines):
        if n > 1:
            ws.set_row(i + 1, row_height(n))
    ws.freeze_panes(1, freeze_cols)
    ws.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    print_setup(ws, 0)
    if printed is not None:
        ws.print_area(0, 0, max(len(frame), 1), printed - 1)
    if any(c.kind.startswith("fill_") for c in columns):
        ws.protect("", PROTECTION)


def _validations(ws: xlsxwriter.worksheet.Worksheet, columns: Sequence[Column], rows: int) -> None:
    """Drop-down lists and type checks on the fill columns of ``rows`` data rows."""
    if rows == 0:
        return
    lists = {"fill_outcome": ("A", len(vocab.OUTCOME), "Résultat de l'appel"),
             "fill_excuse": ("B", len(vocab.EXCUSE), "Excuse avancée par le client"),
             "fill_method": ("C", len(vocab.PAYMENT_METHOD), "Mode de règlement promis")}
    for j, column in enumerate(columns):
        if column.kind in lists:
            letter, n, title = lists[column.kind]
            rule: dict[str, Any] = {"validate": "list", "source": f"={LISTS_SHEET}!${letter}$2:${letter}${n + 1}",
                    "input_title": title[:32], "input_message": "Choisir dans la liste.",
                    "error_title": "Valeur inconnue", "error_message": "Choisissez une valeur de la liste déroulante."}
        elif column.kind == "fill_date":
            rule = {"validate": "date", "criteria": "between", "minimum": dt.date(2000, 1, 1),
                    "maximum": dt.date(2100, 12, 31), "error_title": "Date attendue",
                    "error_message": "Saisissez une date (jj/mm/aaaa)."}
        elif column.kind == "fill_money":
            rule = {"validate": "decimal", "criteria": ">", "value": 0, "error_title": "Montant attendu",
                    "error_message": "Saisissez un montant en euros, positif."}
        else:
            continue
        ws.data_validation(1, j, rows, j, rule)


def _lists_sheet(wb: xlsxwriter.Workbook, fm: _Formats) -> None:
    ws = wb.add_worksheet(LISTS_SHEET)
    for j, (header, labels) in enumerate((("Résultat", vocab.OUTCOME), ("Code excuse", vocab.EXCUSE),
                                          ("Mode de règlement", vocab.PAYMENT_METHOD))):
        ws.write_string(0, j, header, fm.header)
        for i, label in enumerate(labels.values(), start=1):
            ws.write_string(i, j, label)
        ws.set_column(j, j, 26)
    ws.hide()


def _summary_sheet(wb: xlsxwriter.Workbook, fm: _Formats, cl: CallList, sheets: dict[str, str]) -> None:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    ws.write_string(0, 0, f"Liste d'appels au {cl.as_of:%d/%m/%Y}", fm.title)
    summary = cl.summary().reset_index()
    summary["sheet"] = summary["collector"].map(sheets).fillna("")
    for col in ("calls_cents", "deferred_cents"):
        summary[col] = summary[col].astype("int64")
    counts = cl.reason_counts.reset_index()
    # the first two columns also hold the rules' labels (second table): wide enough for them
    labels = [*map(str, counts.iloc[:, 1]), *map(str, summary["collector"]), *map(str, summary["sheet"])]
    label_width = min(max(map(len, labels), default=0) + 2, MAX_LINK_WIDTH)
    columns = tuple(replace(c, width=max(c.width, label_width)) if j < 2 else c for j, c in enumerate(SUMMARY_COLUMNS))
    widths = [c.width for c in columns]
    for j, width in enumerate(widths):
        ws.set_column(j, j, width)
    order = ("Ordre (R10) : promesses non tenues, puis relances par score décroissant, puis appels avant "
             "échéance. " + cl.score_formula + ".")
    ws.merge_range(1, 0, 1, len(columns) - 1, "", fm.note)
    ws.write_string(1, 0, order, fm.note)
    ws.set_row(1, row_height(text_lines(order, sum(widths), limit=_MAX_LINES)))
    top = 3
    for j, column in enumerate(columns):
        ws.write_string(top, j, column.header, fm.header)
        for i, value in enumerate(summary[column.code].to_numpy(dtype=object)):
            _write_cell(ws, fm, top + 1 + i, j, column, value)
    ws.set_row(top, row_heights([[c.header] for c in columns], widths, bold=True)[0])
    total_row = top + 1 + len(summary)
    ws.write_string(total_row, 0, "Total", fm.bold)
    for j, column in enumerate(columns[2:], start=2):
        total = int(summary[column.code].sum())
        if column.kind == "money":
            ws.write_number(total_row, j, total / 100, fm.money)
        else:
            ws.write_number(total_row, j, total, fm.int)
    top = total_row + 3
    ws.write_string(top - 1, 0, "Lignes par règle et par liste", fm.bold)
    headers = ["Règle", "Libellé", *map(str, counts.columns[2:])]
    for j, header in enumerate(headers):
        ws.write_string(top, j, header, fm.header)
    ws.set_row(top, row_heights([[h] for h in headers], widths[:len(headers)], bold=True)[0])
    for i, row in enumerate(counts.itertuples(index=False), start=1):
        ws.write_string(top + i, 0, str(row[0]))
        ws.write_string(top + i, 1, str(row[1]))
        for j, value in enumerate(row[2:], start=2):
            ws.write_number(top + i, j, int(value), fm.int)
    top += len(counts) + 3
    ws.write_string(top, 0, "Niveaux de priorité", fm.bold)
    for i, (k, label) in enumerate(TIER_LABELS.items(), start=1):
        ws.write_string(top + i, 0, f"{k} : {label}")
    top += len(TIER_LABELS) + 2
    ws.write_string(top, 0, "Règles", fm.bold)
    for i, (rule, label) in enumerate(RULE_LABELS.items(), start=1):
        ws.write_string(top + i, 0, f"{rule} : {label}")
    print_setup(ws, pages_tall=1)


def letter_name(customer_id: str) -> str:
    """File name of a formal-notice letter draft (same in the workbook and the drafts folder)."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", str(customer_id)).strip("_") or "client"
    return f"mise_en_demeure_{safe}.html"


def write_call_list(path: str | Path, cl: CallList, collectors: Sequence[str] | None = None,
                    extra: Sequence[Sheet] = ()) -> Path:
    """Write ``call_list.xlsx`` atomically (temporary file, then rename); ``collectors`` limits
    the phone-list sheets and every side list to those collectors; ``extra`` sheets (e.g. the
    collectors' performance) follow the side lists."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    keep = set(collectors) if collectors else None

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame if keep is None else frame[frame["collector"].isin(keep)].reset_index(drop=True)

    with atomic_file(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {**WORKBOOK_OPTIONS, "default_date_format": DATE_FORMAT})
        wb.set_properties({"title": f"Liste d'appels au {cl.as_of:%d/%m/%Y}", "created": cl.as_of.to_pydatetime()})
        fm = _Formats(wb)
        taken: set[str] = set()
        names = {c: sheet_name(c, taken) for c in cl.collectors if keep is None or c in keep}
        rows = only(cl.rows)
        _summary_sheet(wb, fm, cl, {c: n for c, n in names.items() if c in set(rows["collector"])})
        for collector, frame in rows.groupby("collector", sort=True):
            ws = wb.add_worksheet(names[str(collector)])
            _write_table(ws, fm, frame.reset_index(drop=True), PHONE_SHEET_COLUMNS, freeze_cols=len(CALL_IDENTITY),
                         printed=len(CALL_IDENTITY) + len(FILL_COLUMNS) + PRINTED_DETAIL)
            _validations(ws, PHONE_SHEET_COLUMNS, len(frame))
        deferred = only(cl.deferred)
        ws = wb.add_worksheet(DEFERRED_SHEET)
        _write_table(ws, fm, deferred, DEFERRED_SHEET_COLUMNS, freeze_cols=1 + len(CALL_IDENTITY),
                     printed=2 + len(CALL_IDENTITY) + len(FILL_COLUMNS) + PRINTED_DETAIL)
        _validations(ws, DEFERRED_SHEET_COLUMNS, len(deferred))
        for name, title in SIDE_SHEETS.items():
            frame = only(getattr(cl, name))
            if name == "formal_notices":
                frame = frame.assign(letter=[letter_name(c) for c in frame["customer_id"]])
            _write_table(wb.add_worksheet(title), fm, frame, SIDE_COLUMNS[name])
        add_sheets(wb, extra)
        _lists_sheet(wb, fm)
        wb.close()
    return path
