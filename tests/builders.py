"""Small Excel/CSV files written by the tests themselves (hand-checkable figures)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd

from relance_analytics import frames

SAGE_HEADER = ["Code client", "Raison sociale", "Type", "N° pièce", "Date pièce", "Échéance",
               "Montant HT", "Solde TTC"]
ODOO_HEADER = ["Date", "Pièce", "Journal", "Compte", "Partenaire", "Réf - Libellé", "Date d'échéance",
               "Résiduel"]


def write_rows(path: Path, rows: Iterable[Sequence[object]], sheet: str = "Balance âgée") -> Path:
    """Write raw rows (row 1 first) to an .xlsx with openpyxl; ``None`` leaves a cell empty."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                cell = ws.cell(r, c, v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"
                if isinstance(v, (dt.date, dt.datetime)):
                    cell.number_format = "dd/mm/yyyy"
    wb.save(path)
    return path


def sage_export(path: Path, items: Sequence[Sequence[object]], total: float | None = None,
                title: bool = True, subtotals: bool = False) -> Path:
    """A "sage" layout export: title block, header on row 6 (row 1 without title), items, Total général.

    ``items`` rows follow SAGE_HEADER. ``total`` defaults to the exact sum of the Solde TTC column.
    """
    rows: list[Sequence[object]] = []
    if title:
        rows += [["Ateliers Test SAS"], ["Balance âgée clients au 20/11/2026"],
                 ["Filtres : comptes 411000 à 411ZZZ"], ["Édité le 20/11/2026"], []]
    rows.append(SAGE_HEADER)
    rows += [list(i) for i in items]
    if subtotals:
        rows.append(["Total client", None, None, None, None, None, None,
                     sum(round(i[7] * 100) for i in items) / 100])
    if total is None:
        total = sum(round(i[7] * 100) for i in items) / 100
    rows += [[], ["Total général", None, None, None, None, None, None, total]]
    return write_rows(path, rows)


def d(text: str) -> dt.datetime:
    """``"2026-11-20"`` → datetime (what openpyxl writes as an Excel date)."""
    return dt.datetime.fromisoformat(text)


#: Document types read from a document id's first letter (``F`` invoice, ``A`` credit note, ``R`` payment).
TYPES = {"F": "invoice", "A": "credit_note", "R": "payment"}


def typed_snapshot(*items: tuple[str, str, str, int], document_date: str = "2026-09-01") -> pd.DataFrame:
    """Canonical open items ``(customer, document, due date, amount cents)``; the type from the
    id's first letter (:data:`TYPES`)."""
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build({
        "customer_id": [i[0] for i in items],
        "customer_name": [f"Client {i[0]}" for i in items],
        "document_id": [i[1] for i in items],
        "document_type": [TYPES[i[1][0]] for i in items],
        "document_date": [document_date] * len(items),
        "due_date": [i[2] for i in items],
        "amount_cents": [i[3] for i in items],
    }))
