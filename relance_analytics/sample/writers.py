"""The sample's files: weekly exports (Sage and Odoo layouts), customers, sales, disputes,
actions (xlsxwriter, fixed document properties) and relance.toml."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from .ledger import Customer, Doc, Ledger, Snapshot
from .world import (
    ACTIONS_HEADER,
    COLLECTOR_CAPACITY,
    COLLECTORS,
    COMPANY,
    COMPANY_DOMAIN,
    CONTACTS_HEADER,
    CREATED,
    CUSTOMERS_HEADER,
    DECLARED_ON,
    DISPUTES_HEADER,
    INSURED_SHARE,
    INSURERS,
    MONTHS,
    ODOO_HEADER,
    ODOO_SHEET,
    SAGE_HEADER,
    SAGE_SHEET,
    SALES_HEADER,
    TERMS_LABEL,
    ascii_slug,
    div_round,
    fr_amount,
    fr_date,
    ordinal_date,
)


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------
@dataclass
class _Formats:
    """Cell formats of one workbook."""

    bold: Format
    date: Format
    month: Format
    money: Format
    money_bold: Format
    pct: Format


def _workbook(path: Path, title: str) -> tuple[xlsxwriter.Workbook, _Formats]:
    """A workbook with fixed properties (reproducible bytes) and its formats."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": title, "author": COMPANY, "company": COMPANY, "created": CREATED})
    fm = _Formats(
        bold=wb.add_format({"bold": True}), date=wb.add_format({"num_format": "dd/mm/yyyy"}),
        month=wb.add_format({"num_format": "mm/yyyy"}), money=wb.add_format({"num_format": "#,##0.00"}),
        money_bold=wb.add_format({"num_format": "#,##0.00", "bold": True}),
        pct=wb.add_format({"num_format": "0%"}))
    return wb, fm


def _header(ws: Worksheet, row: int, labels: Sequence[str], fmt: Format) -> None:
    """Write a header row."""
    for j, label in enumerate(labels):
        ws.write_string(row, j, label, fmt)


def _groups(snap: Snapshot, led: Ledger) -> list[tuple[int, int, int]]:
    """``(customer, start, stop)`` slices of a snapshot's items."""
    cust = np.array([led.docs[int(i)].cust for i in snap.docs], dtype=np.int64)
    out = []
    start = 0
    for k in range(1, len(cust) + 1):
        if k == len(cust) or cust[k] != cust[start]:
            out.append((int(cust[start]), start, k))
            start = k
    return out


def _write_sage_item(ws: Worksheet, fm: _Formats, row: int, c: Customer, doc: Doc, ht: int, cents: int,
                     bucket: int) -> None:
    """One open item of layout A (the amount repeated in its pre-bucket column)."""
    ws.write_string(row, 0, c.cid)
    ws.write_string(row, 1, c.name)
    ws.write_string(row, 2, doc.kind)
    ws.write_string(row, 3, doc.doc_id)
    ws.write_datetime(row, 4, ordinal_date(doc.date), fm.date)
    if not doc.no_due:
        ws.write_datetime(row, 5, ordinal_date(doc.due), fm.date)
    ws.write_number(row, 6, ht / 100, fm.money)
    ws.write_number(row, 7, cents / 100, fm.money)
    ws.write_number(row, 8 + bucket, cents / 100, fm.money)


def write_balance_sage(path: Path, led: Ledger, snap: Snapshot) -> None:
    """Layout A ("sage" preset): one sheet, numeric amounts, Excel dates, subtotals and a grand total."""
    wb, fm = _workbook(path, "Balance âgée clients")
    ws = wb.add_worksheet(SAGE_SHEET)
    asof = fr_date(snap.as_of)
    ws.write_string(0, 0, COMPANY, fm.bold)
    ws.write_string(1, 0, f"Balance âgée clients au {asof}", fm.bold)
    ws.write_string(2, 0, "Filtres : comptes 411000 à 411ZZZ – pièces non lettrées – devise EUR")
    ws.write_string(3, 0, f"Édité le {asof}")
    _header(ws, 5, SAGE_HEADER, fm.bold)
    bucket5 = np.minimum(snap.bucket, 4)
    row = 6
    grand = np.zeros(7, dtype=np.int64)          # HT, TTC, five pre-buckets
    for cust, a, b in _groups(snap, led):
        c = led.customers[cust]
        sums = np.zeros(7, dtype=np.int64)
        for k in range(a, b):
            ht, cents, bk = int(snap.ht_cents[k]), int(snap.open_cents[k]), int(bucket5[k])
            _write_sage_item(ws, fm, row, c, led.docs[int(snap.docs[k])], ht, cents, bk)
            sums[0] += ht
            sums[1] += cents
            sums[2 + bk] += cents
            row += 1
        ws.write_string(row, 0, f"Total {c.cid}", fm.bold)
        ws.write_string(row, 1, c.name, fm.bold)
        for j in range(7):
            ws.write_number(row, 6 + j, int(sums[j]) / 100, fm.money_bold)
        grand += sums
        row += 1
    ws.write_string(row + 1, 0, "Total général", fm.bold)
    for j in range(7):
        ws.write_number(row + 1, 6 + j, int(grand[j]) / 100, fm.money_bold)
    for j, width in enumerate((11, 34, 6, 15, 11, 11, 13, 13, 13, 13, 13, 13, 13)):
        ws.set_column(j, j, width)
    ws.freeze_panes(6, 0)
    wb.close()


def _write_odoo_item(ws: Worksheet, row: int, led: Ledger, doc: Doc, partner: str, cents: int, bucket: int,
                     sep: str) -> None:
    """One open item of layout B: every cell is text (dates dd/mm/yyyy, French amounts)."""
    journal = "Banque" if doc.kind == "RG" else "Factures clients"
    label = doc.ref if doc.kind != "AV" or doc.link < 0 else f"{doc.ref} {led.docs[doc.link].doc_id}"
    for j, text in enumerate((fr_date(doc.date), doc.doc_id, journal, "411100", partner, label,
                              fr_date(doc.due), fr_amount(cents, sep))):
        ws.write_string(row, j, text)
    ws.write_string(row, 8 + bucket, fr_amount(cents, sep))


def _write_odoo_footer(ws: Worksheet, fm: _Formats, row: int, grand: np.ndarray) -> None:
    """Grand total row (text amounts) and percentages row (text such as "12,5 %") of layout B."""
    ws.write_string(row, 0, "Total général", fm.bold)
    for j in range(7):
        ws.write_string(row, 7 + j, fr_amount(int(grand[j]), "\u202f"), fm.bold)
    ws.write_string(row + 1, 0, "Pourcentages", fm.bold)
    for j in range(6):
        tenths = div_round(int(grand[1 + j]) * 1000, int(grand[0])) if grand[0] else 0
        sign = "-" if tenths < 0 else ""
        ws.write_string(row + 1, 8 + j, f"{sign}{abs(tenths) // 10},{abs(tenths) % 10} %", fm.bold)


def write_balance_odoo(path: Path, led: Ledger, snap: Snapshot, rng: np.random.Generator) -> None:
    """Layout B ("odoo" preset): text dates, French text amounts, partner blocks and repeated headers."""
    wb, fm = _workbook(path, "Balance âgée auxiliaire")
    ws = wb.add_worksheet(ODOO_SHEET)
    ws.merge_range(0, 0, 0, len(ODOO_HEADER) - 1, f"Balance âgée auxiliaire - {COMPANY}", fm.bold)
    ws.write_string(1, 0, f"Date au : {fr_date(snap.as_of)}")
    ws.write_string(2, 0, "Mouvements cibles : Toutes les écritures comptabilisées")
    ws.write_string(4, 0, "411100 - Clients", fm.bold)
    seps = ("\u202f", "\u00a0")
    row = 5
    grand = np.zeros(7, dtype=np.int64)          # Résiduel, Actuel, five age columns
    for cust, a, b in _groups(snap, led):
        c = led.customers[cust]
        partner = f"[{c.cid}] {c.name}"
        ws.write_string(row, 0, partner, fm.bold)
        _header(ws, row + 1, ODOO_HEADER, fm.bold)
        row += 2
        sums = np.zeros(7, dtype=np.int64)
        for k in range(a, b):
            cents, bk = int(snap.open_cents[k]), int(snap.bucket[k])
            sep = seps[int(rng.integers(0, 2))]
            _write_odoo_item(ws, row, led, led.docs[int(snap.docs[k])], partner, cents, bk, sep)
            sums[0] += cents
            sums[1 + bk] += cents
            row += 1
        ws.write_string(row, 0, "Balance âgée cumulée du partenaire", fm.bold)
        for j in range(7):
            ws.write_string(row, 7 + j, fr_amount(int(sums[j]), seps[cust % 2]), fm.bold)
        grand += sums
        row += 1
    _write_odoo_footer(ws, fm, row + 1, grand)
    for j, width in enumerate((12, 15, 16, 9, 40, 36, 14, 14, 14, 14, 14, 14, 14, 14)):
        ws.set_column(j, j, width)
    wb.close()


def write_customers(path: Path, led: Ledger) -> None:
    """customers.xlsx: sheets "Clients" and "Contacts"."""
    wb, fm = _workbook(path, "Clients")
    ws = wb.add_worksheet("Clients")
    _header(ws, 0, CUSTOMERS_HEADER, fm.bold)
    for r, c in enumerate(led.customers, start=1):
        for j, text in enumerate((c.cid, c.name, c.segment, c.collector, c.status)):
            ws.write_string(r, j, text)
        ws.write_number(r, 5, c.credit_limit, fm.money)
        ws.write_string(r, 6, TERMS_LABEL[c.terms])
        ws.write_string(r, 7, c.circuit)
        if c.provision_rate is not None:
            ws.write_number(r, 8, c.provision_rate, fm.pct)
        if c.idx % 3 == 0:                                        # insured (R14)
            share = INSURED_SHARE[(c.idx // 3) % len(INSURED_SHARE)]
            ws.write_number(r, 9, int(c.credit_limit * share), fm.money)
            ws.write_string(r, 10, INSURERS[(c.idx // 3) % len(INSURERS)])
            if c.idx % 9 == 0:
                ws.write_datetime(r, 11, ordinal_date(DECLARED_ON), fm.date)
    for j, width in enumerate((11, 38, 13, 16, 24, 16, 20, 26, 14, 16, 16, 18)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wc = wb.add_worksheet("Contacts")
    _header(wc, 0, CONTACTS_HEADER, fm.bold)
    r = 1
    for c in led.customers:
        for p in c.contacts:
            for j, text in enumerate((c.cid, p.name, p.role, p.phone, p.email)):
                if text:
                    wc.write_string(r, j, text)
            r += 1
    for j, width in enumerate((11, 24, 26, 16, 44)):
        wc.set_column(j, j, width)
    wc.freeze_panes(1, 0)
    wb.close()


def write_sales(path: Path, led: Ledger) -> None:
    """sales.xlsx: one row per customer and month with sales (HT, VAT rate)."""
    wb, fm = _workbook(path, "Ventes")
    ws = wb.add_worksheet("Ventes")
    _header(ws, 0, SALES_HEADER, fm.bold)
    vat_fmt = wb.add_format({"num_format": "0.0%"})
    for r, (cust, k, ht) in enumerate(sorted(led.sales), start=1):
        c = led.customers[cust]
        y, m = MONTHS[k]
        ws.write_string(r, 0, c.cid)
        ws.write_datetime(r, 1, dt.date(y, m, 1), fm.month)
        ws.write_number(r, 2, ht / 100, fm.money)
        ws.write_number(r, 3, c.vat / 1000, vat_fmt)
    for j, width in enumerate((11, 10, 14, 10)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def write_disputes(path: Path, led: Ledger) -> None:
    """disputes.xlsx: sheet "Litiges"."""
    wb, fm = _workbook(path, "Litiges")
    ws = wb.add_worksheet("Litiges")
    _header(ws, 0, DISPUTES_HEADER, fm.bold)
    for r, d in enumerate(led.disputes, start=1):
        ws.write_string(r, 0, d.did)
        ws.write_string(r, 1, led.customers[d.cust].cid)
        ws.write_string(r, 2, led.docs[d.doc].doc_id)
        ws.write_string(r, 3, d.kind)
        ws.write_number(r, 4, d.amount / 100, fm.money)
        ws.write_datetime(r, 5, ordinal_date(d.opened), fm.date)
        if d.resolved is not None:
            ws.write_datetime(r, 6, ordinal_date(d.resolved), fm.date)
        name, phone = d.owner
        ws.write_string(r, 7, name)
        ws.write_string(r, 8, phone)
        ws.write_string(r, 9, collector_email(name))
        ws.write_string(r, 10, d.reason)
    for j, width in enumerate((11, 11, 15, 13, 13, 11, 11, 18, 16, 34, 50)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def write_actions(path: Path, led: Ledger) -> None:
    """actions.xlsx: sheet "Actions", one row per logged action."""
    wb, fm = _workbook(path, "Actions")
    ws = wb.add_worksheet("Actions")
    _header(ws, 0, ACTIONS_HEADER, fm.bold)
    for r, a in enumerate(led.actions, start=1):
        c = led.customers[a.cust]
        ws.write_datetime(r, 0, ordinal_date(a.date), fm.date)
        ws.write_string(r, 1, c.cid)
        if a.docs:
            ws.write_string(r, 2, ", ".join(led.docs[i].doc_id for i in a.docs))
        ws.write_string(r, 3, a.channel)
        if a.contact:
            ws.write_string(r, 4, a.contact)
        ws.write_string(r, 5, a.outcome)
        if a.excuse:
            ws.write_string(r, 6, a.excuse)
        if a.promise_cents is not None:
            ws.write_number(r, 7, a.promise_cents / 100, fm.money)
        if a.promise_date is not None:
            ws.write_datetime(r, 8, ordinal_date(a.promise_date), fm.date)
        if a.method:
            ws.write_string(r, 9, a.method)
        if a.callback is not None:
            ws.write_datetime(r, 10, ordinal_date(a.callback), fm.date)
        if a.note:
            ws.write_string(r, 11, a.note)
        ws.write_string(r, 12, c.collector)
    for j, width in enumerate((11, 11, 30, 15, 22, 22, 24, 14, 12, 16, 12, 70, 16)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def collector_email(name: str) -> str:
    """``claire.martin@ateliers-durand.fr``: the sample company's address of a collector."""
    first, last = name.split(" ", 1)
    return f"{ascii_slug(first)}.{ascii_slug(last)}@{COMPANY_DOMAIN}"


def write_config(path: Path) -> None:
    """relance.toml with the domain defaults, one capacity and e-mail address per collector."""
    collectors = "\n".join(f'"{n}" = {{ capacity = {cap}, email = "{collector_email(n)}" }}'
                           for n, cap in zip(COLLECTORS, COLLECTOR_CAPACITY))
    text = f"""# Paramètres de l'échantillon généré par relance_analytics.sample
[company]
name = "{COMPANY}"

[exports]
mapping = "auto"          # preset name, "auto" (detect), or a path to a mapping TOML

[aging]
edges = [0, 30, 60, 90, 120]

[vat]
default_rate = 0.20

[collectors]
{collectors}

[insurance]
max_credit_days = 120             # DMC from the invoice date (France)
segment_credit_days = {{ Export = 180 }}
notice_days = 30                  # threat-of-claim notice at the latest 30 days after the DMC
threshold = 300.0                 # euros TTC overdue per customer
disputes_covered = false

[thresholds]
significant_amount = 5000.0
first_reminder_days = 7
cadence_days = 10
cadence_max_days = 15
document_followup_days = 7
formal_notice_after_reminders = 3
litigation_reminders_in_month = 3
litigation_broken_promises = 2

[provisions]
rules = [ {{min_days = 91, max_days = 180, rate = 0.25}}, {{min_days = 181, max_days = 365, rate = 0.50}}, \
{{min_days = 366, rate = 1.0}} ]
status_rates = {{ "liquidation judiciaire" = 1.0, "redressement judiciaire" = 0.5, "sauvegarde" = 0.25 }}

[legal]
fiscal_year_end = "30/09"         # close of the fiscal year (day/month): the D441-6 table
"""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
