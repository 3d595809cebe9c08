"""Legal tables for the management report: the D441-6 table of customers' payment delays, in the
official model's layout and wording (annexe 4-1 à l'article A. 441-2 du code de commerce), ready to
paste, with the invoices behind each figure on their own sheets.

Every cell is written as a value (text as text, never a formula: xlsxwriter runs with
``strings_to_formulas`` off) and the file is written atomically.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

from .. import vocab
from ..io.excel import (
    DATE_FORMAT,
    EURO_FORMAT,
    WORKBOOK_OPTIONS,
    atomic_file,
    cell_text,
    print_setup,
    row_height,
    text_lines,
)
from ..metrics.d441 import COLUMNS, TOTAL_OVERDUE, PaymentDelaysTable
from .common import euros

TABLE_SHEET = "Tableau D441-6"
INVOICES_SHEET = "Factures (A)"
EXCLUDED_SHEET = "Factures exclues (B)"
LEFT_OUT_SHEET = "Avoirs et règlements"

#: The official model's wording (issued invoices, table of I of the article).
HEADING = ("Article D. 441 I.-2° : Factures émises non réglées à la date de clôture de l'exercice dont le terme "
           "est échu")
BUCKET_HEADERS = {
    "not_due": "0 jour (indicatif)", "1-30": "1 à 30 jours", "31-60": "31 à 60 jours", "61-90": "61 à 90 jours",
    "over_90": "91 jours et plus", TOTAL_OVERDUE: "Total (1 jour et plus)",
}
SECTION_A = "(A) Tranches de retard de paiement"
ROW_COUNT = "Nombre de factures concernées"
ROW_AMOUNT = "Montant total des factures concernées ({basis})"
ROW_SHARE = "Pourcentage du chiffre d'affaires de l'exercice ({basis})"
SECTION_B = ("(B) Factures exclues du (A) relatives à des dettes et créances litigieuses ou non "
             "comptabilisées")
ROW_EXCLUDED_COUNT = "Nombre des factures exclues"
ROW_EXCLUDED_AMOUNT = "Montant total des factures exclues ({basis})"
SECTION_C = ("(C) Délais de paiement de référence utilisés (contractuel ou délai légal - article L. 441-6 ou "
             "article L. 443-1 du code de commerce)")
ROW_TERMS = "Délais de paiement utilisés pour le calcul des retards de paiement"
BESIDE_TITLE = "Hors tableau : pièces non comprises ci-dessus"
LEFT_OUT_LABELS = {"credit_note": "Avoirs", "payment": "Règlements non affectés"}

DETAIL_HEADERS = {
    "document_type": "Type", "customer_id": "Code client", "customer_name": "Raison sociale",
    "document_id": "N° pièce", "document_date": "Date pièce", "due_date": "Échéance",
    "days_past_due": "Jours de retard à la clôture", "bucket": "Tranche", "amount_ttc_cents": "Solde TTC",
    "amount_cents": "Montant retenu ({basis})", "dispute_ids": "Litiges ouverts à la clôture",
}
PERCENT_2 = "0.00 %"
LABEL_WIDTH = 58.0
BUCKET_WIDTH = 16.0


def table_notes(table: PaymentDelaysTable) -> list[str]:
    """The notes printed under the table: how days late, amounts and turnover were taken."""
    basis = table.basis
    notes = [
        f"Retard = date de clôture ({table.close_date:%d/%m/%Y}) − date d'échéance, en jours ; « 0 jour (indicatif) » :"
        " factures non encore échues à la clôture, hors du total.",
        f"Chiffre d'affaires {basis} de l'exercice : {euros(table.turnover_cents)} (fichier des ventes, mois de "
        f"{table.period_start:%m/%Y} à {table.close_date:%m/%Y})."
        if not table.missing_sales_months else
        "Chiffre d'affaires incomplet : mois absents du fichier des ventes ("
        + ", ".join(f"{p.month:02d}/{p.year}" for p in table.missing_sales_months) + ") ; pourcentages non calculés.",
        "(B) : factures faisant l'objet d'un litige ouvert à la date de clôture (fichier des litiges), exclues en "
        "entier quel que soit leur retard.",
        "Avoirs et règlements non affectés : hors du tableau, totaux indiqués à droite.",
    ]
    if basis == "HT":
        notes.append("Montants HT : colonne HT de l'export, à défaut solde TTC / (1 + taux de TVA du client dans le "
                     "fichier des ventes).")
    return notes


def write_payment_delays(path: str | Path, table: PaymentDelaysTable, *, title: str | None = None,
                         notes: Sequence[str] = ()) -> Path:
    """``path`` (.xlsx): the D441-6 table in the official layout (sheet « Tableau D441-6 », with the
    credit notes and unapplied payments beside it and ``notes`` under it), then the invoices of (A),
    those of (B) and the pieces left out, one sheet each."""
    path = Path(path)
    with atomic_file(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        fm = _Formats(wb)
        _table_sheet(wb, fm, table, title, [*table_notes(table), *notes])
        basis = table.basis
        money = ["amount_ttc_cents", "amount_cents"] if basis == "HT" else ["amount_ttc_cents"]
        columns = ["customer_id", "customer_name", "document_id", "document_date", "due_date", "days_past_due",
                   "bucket", *money]
        _list_sheet(wb, fm, INVOICES_SHEET, table.invoices, columns, basis)
        _list_sheet(wb, fm, EXCLUDED_SHEET, table.excluded, [*columns, "dispute_ids"], basis)
        _list_sheet(wb, fm, LEFT_OUT_SHEET, table.left_out_items, ["document_type", *columns], basis)
        wb.close()
    return path


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        border = {"border": 1, "valign": "vcenter"}
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.subtitle = wb.add_format({"italic": True})
        self.heading = wb.add_format({**border, "bold": True, "text_wrap": True, "align": "center",
                                      "bg_color": "#D9E1F2"})
        self.section = wb.add_format({**border, "bold": True, "text_wrap": True, "bg_color": "#F2F2F2"})
        self.label = wb.add_format({**border, "text_wrap": True})
        self.count = wb.add_format({**border, "num_format": "#,##0"})
        self.money = wb.add_format({**border, "num_format": EURO_FORMAT})
        self.percent = wb.add_format({**border, "num_format": PERCENT_2})
        self.text = wb.add_format({**border, "text_wrap": True})
        self.blank = wb.add_format(border)
        self.note = wb.add_format({"text_wrap": True, "valign": "top", "font_size": 9})
        self.header = wb.add_format({"bold": True, "bg_color": "#1F3864", "font_color": "#FFFFFF",
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.list_money = wb.add_format({"num_format": EURO_FORMAT})
        self.list_date = wb.add_format({"num_format": DATE_FORMAT})
        self.total = wb.add_format({"bold": True, "top": 1})
        self.total_money = wb.add_format({"bold": True, "top": 1, "num_format": EURO_FORMAT})


def _fit(ws: Any, row: int, text: str, width: float, bold: bool = False) -> None:
    """Give ``row`` the height its wrapped ``text`` needs in a cell ``width`` characters wide."""
    lines = text_lines(text, width, bold=bold)
    if lines > 1:
        ws.set_row(row, row_height(lines))


def _table_sheet(wb: xlsxwriter.Workbook, fm: _Formats, table: PaymentDelaysTable, title: str | None,
                 notes: Sequence[str]) -> None:
    ws = wb.add_worksheet(TABLE_SHEET)
    basis = table.basis
    last = len(COLUMNS)                                      # column G: Total (1 jour et plus)
    width = LABEL_WIDTH + BUCKET_WIDTH * len(COLUMNS)
    ws.set_column(0, 0, LABEL_WIDTH)
    ws.set_column(1, last, BUCKET_WIDTH)
    ws.set_column(last + 1, last + 1, 3)
    ws.set_column(last + 2, last + 2, 26)
    ws.set_column(last + 3, last + 3, 10)
    ws.set_column(last + 4, last + 4, 18)
    ws.write_string(0, 0, cell_text(title or "Délais de paiement clients (article D. 441-6 du code de commerce)"),
                    fm.title)
    ws.write_string(1, 0, f"Exercice du {table.period_start:%d/%m/%Y} au {table.close_date:%d/%m/%Y} : factures "
                          f"émises non réglées à la clôture, montants {basis}", fm.subtitle)

    ws.write_blank(3, 0, None, fm.blank)
    ws.merge_range(3, 1, 3, last, HEADING, fm.heading)
    _fit(ws, 3, HEADING, BUCKET_WIDTH * len(COLUMNS), bold=True)
    ws.write_blank(4, 0, None, fm.blank)
    for j, code in enumerate(COLUMNS, start=1):
        ws.write_string(4, j, BUCKET_HEADERS[code], fm.heading)
    _fit(ws, 4, BUCKET_HEADERS[TOTAL_OVERDUE], BUCKET_WIDTH, bold=True)

    ws.merge_range(5, 0, 5, last, SECTION_A, fm.section)
    rows = ((ROW_COUNT, "invoices", fm.count), (ROW_AMOUNT.format(basis=basis), "amount_cents", fm.money),
            (ROW_SHARE.format(basis=basis), "turnover_share", fm.percent))
    for i, (label, measure, fmt) in enumerate(rows, start=6):
        ws.write_string(i, 0, label, fm.label)
        for j, code in enumerate(COLUMNS, start=1):
            value = table.by_bucket.at[code, measure]
            if measure == "amount_cents":
                ws.write_number(i, j, int(value) / 100, fmt)
            elif measure == "turnover_share" and pd.isna(value):
                ws.write_blank(i, j, None, fmt)
            else:
                ws.write_number(i, j, float(value) if measure == "turnover_share" else int(value), fmt)

    ws.merge_range(9, 0, 9, last, SECTION_B, fm.section)
    _fit(ws, 9, SECTION_B, width, bold=True)
    ws.write_string(10, 0, ROW_EXCLUDED_COUNT, fm.label)
    ws.merge_range(10, 1, 10, last, "", fm.count)
    ws.write_number(10, 1, table.excluded_count, fm.count)
    ws.write_string(11, 0, ROW_EXCLUDED_AMOUNT.format(basis=basis), fm.label)
    ws.merge_range(11, 1, 11, last, "", fm.money)
    ws.write_number(11, 1, table.excluded_cents / 100, fm.money)

    ws.merge_range(12, 0, 12, last, SECTION_C, fm.section)
    _fit(ws, 12, SECTION_C, width, bold=True)
    ws.write_string(13, 0, ROW_TERMS, fm.label)
    terms = table.reference_terms.strip()
    terms = terms[:1].upper() + terms[1:]
    ws.merge_range(13, 1, 13, last, "", fm.text)
    ws.write_string(13, 1, cell_text(terms), fm.text)
    _fit(ws, 13, ROW_TERMS, LABEL_WIDTH)

    _beside(ws, fm, table, last + 2)
    for k, note in enumerate(notes):
        row = 15 + k
        ws.merge_range(row, 0, row, last, "", fm.note)
        ws.write_string(row, 0, cell_text(note), fm.note)
        _fit(ws, row, note, width * 11 / 9)
    print_setup(ws)
    ws.hide_gridlines(2)            # the table draws its own borders, on screen and on paper


def _beside(ws: Any, fm: _Formats, table: PaymentDelaysTable, col: int) -> None:
    """The credit notes and unapplied payments left out, to the right of the table."""
    ws.merge_range(3, col, 3, col + 2, BESIDE_TITLE, fm.heading)
    _fit(ws, 3, BESIDE_TITLE, 54, bold=True)
    for j, header in enumerate(("Pièces", "Nombre", f"Montant ({table.basis})")):
        ws.write_string(4, col + j, header, fm.heading)
    for i, code in enumerate(LEFT_OUT_LABELS, start=5):
        ws.write_string(i, col, LEFT_OUT_LABELS[code], fm.label)
        ws.write_number(i, col + 1, int(table.left_out.at[code, "items"]), fm.count)
        ws.write_number(i, col + 2, int(table.left_out.at[code, "amount_cents"]) / 100, fm.money)
    total = 5 + len(LEFT_OUT_LABELS)
    ws.write_string(total, col, "Total", fm.section)
    ws.write_number(total, col + 1, int(table.left_out["items"].sum()), fm.count)
    ws.write_number(total, col + 2, int(table.left_out["amount_cents"].sum()) / 100, fm.money)


def _list_sheet(wb: xlsxwriter.Workbook, fm: _Formats, name: str, frame: pd.DataFrame, columns: Sequence[str],
                basis: str) -> None:
    """One list of pieces: French headers, euros, dates, a total row, header frozen, filters."""
    ws = wb.add_worksheet(name)
    frame = frame.reset_index(drop=True)
    headers = [DETAIL_HEADERS[c].format(basis=basis) for c in columns]
    shown = {c: _shown(frame, c) for c in columns}
    for j, (col, header) in enumerate(zip(columns, headers)):
        ws.write_string(0, j, header, fm.header)
        values = shown[col]
        longest = max([len(header) * 0.7] + [len(str(v)) for v in values[:500] if _present(v)])
        ws.set_column(j, j, min(max(longest + 2, 10, 15 if col.endswith("_cents") else 0), 50))
        for i, v in enumerate(values, start=1):
            if not _present(v):
                continue
            if col.endswith("_cents"):
                ws.write_number(i, j, int(v) / 100, fm.list_money)
            elif isinstance(v, dt.datetime):
                ws.write_datetime(i, j, v, fm.list_date)
            elif isinstance(v, int | float):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, cell_text(str(v)))
    n = len(frame)
    ws.write_string(n + 1, 0, "Total", fm.total)
    for j, col in enumerate(columns[1:], start=1):
        if col.endswith("_cents"):
            ws.write_number(n + 1, j, int(frame[col].sum()) / 100, fm.total_money)
        else:
            ws.write_blank(n + 1, j, None, fm.total)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
    print_setup(ws, 0)


def _shown(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column's values as written: French labels for codes, Python dates and numbers."""
    values = frame[column]
    if column == "bucket":
        return [BUCKET_HEADERS.get(str(v), v) if _present(v) else None for v in values]
    if column == "document_type":
        return [vocab.DOCUMENT_TYPE.get(str(v), v) if _present(v) else None for v in values]
    if pd.api.types.is_datetime64_any_dtype(values):
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in values]
    return [v.item() if isinstance(v, np.generic) else v for v in values.to_numpy(dtype=object)]


def _present(value: Any) -> bool:
    return not (value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and np.isnan(value)))
