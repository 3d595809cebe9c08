"""The ledger as a FEC (Fichier des Écritures Comptables), lettering included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .ledger import Ledger
from .world import END, ht_from_ttc, ordinal_date

# ---------------------------------------------------------------------------------------------
# FEC (Fichier des Écritures Comptables) of the ledger
# ---------------------------------------------------------------------------------------------
FEC_HEADER = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
              "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
              "ValidDate", "Montantdevise", "Idevise", "DateEcheance")
_JOURNALS = {"VT": "Ventes", "BQ": "Banque"}


def _fec_cents(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}" if cents else "0,00"


def _letter_code(n: int) -> str:
    """0 → ``AAA``, 1 → ``AAB``, …: the lettering codes of one account."""
    out = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
    return out


def _fec_events(led: Ledger) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int, int]]]]:
    """Per document: the settlement events paid in cash (or refunded), and the applications of
    credit notes and unapplied payments to invoices ``(date, cents, applied document)``."""
    cash: list[list[tuple[int, int]]] = [list(d.events) for d in led.docs]
    applied: list[list[tuple[int, int, int]]] = [[] for _ in led.docs]
    for j, doc in enumerate(led.docs):
        if doc.kind == "FA" or doc.link < 0:
            continue
        inv = cash[doc.link]
        for date, cents in list(cash[j]):
            if (date, -cents) in inv:            # the credit applied to its invoice on that day
                inv.remove((date, -cents))
                cash[j].remove((date, cents))
                applied[doc.link].append((date, -cents, j))
    return cash, applied


def write_fec(path: Path, led: Ledger, until: int = END) -> int:
    """The ledger's FEC up to ``until`` (tab separated, ``YYYYMMDD`` dates, decimal comma): sales
    journal VT (411 / 706 / 44571) for invoices and credit notes, bank journal BQ (512 / 411) for
    payments and refunds; 411 lines lettered per invoice (partial lettering dated on each
    application, the invoice line on its settlement). Returns the number of lines written."""
    cash, applied = _fec_events(led)
    rows: list[list[Any]] = []
    numbers = {"VT": 0, "BQ": 0}

    def entry(journal: str, date: int, piece: str, piece_date: int, lib: str, lines: list[tuple[str, int, int, int]],
              due: int | None = None) -> None:
        """``lines``: (account, debit, credit, owner doc of the 411 line or -1)."""
        numbers[journal] += 1
        num = f"{journal}{numbers[journal]:06d}"
        for account, debit, credit, owner in lines:
            c = led.customers[led.docs[owner].cust] if owner >= 0 else None
            aux, auxlib = (c.cid, c.name) if account == "411000" and c is not None else ("", "")
            rows.append([journal, _JOURNALS[journal], num, date, account, {"411000": "Clients", "706000": "Ventes",
                         "445710": "TVA collectée", "512000": "Banque"}[account], aux, auxlib, piece, piece_date, lib,
                         _fec_cents(debit), _fec_cents(credit), owner, None, date, "", "",
                         ordinal_date(due).strftime("%Y%m%d") if due is not None and account == "411000" else ""])

    for i, doc in enumerate(led.docs):
        if doc.date > until:
            continue
        a = abs(doc.amount)
        if doc.kind in ("FA", "AV"):
            ht = ht_from_ttc(a, doc.vat)
            debit_side = doc.kind == "FA"
            lib = f"{'Facture' if debit_side else 'Avoir'} {doc.doc_id}"
            lines = [("411000", a, 0, i) if debit_side else ("411000", 0, a, i),
                     ("706000", 0, ht, -1) if debit_side else ("706000", ht, 0, -1),
                     ("445710", 0, a - ht, -1) if debit_side else ("445710", a - ht, 0, -1)]
            entry("VT", doc.date, doc.doc_id, doc.date, lib, lines, None if doc.no_due else doc.due)
        else:
            entry("BQ", doc.date, doc.doc_id, doc.date, doc.ref, [("512000", a, 0, -1), ("411000", 0, a, i)],
                  None if doc.no_due else doc.due)
        for k, (date, cents) in enumerate(cash[i]):
            if date > until:
                continue
            piece = f"{doc.doc_id}/R{k + 1}"
            if doc.kind == "FA":
                entry("BQ", date, piece, date, f"Règlement {doc.doc_id}",
                      [("512000", cents, 0, -1), ("411000", 0, cents, i)])
            else:
                entry("BQ", date, piece, date, f"Remboursement {doc.doc_id}",
                      [("411000", -cents, 0, i), ("512000", 0, -cents, -1)])
    # lettering: every 411 line of a document's settlement shares its invoice's (or credit's) letter
    lettered_on: dict[int, int] = {}         # row index -> DateLet
    group_of: dict[int, int] = {}            # row index -> group owner doc
    head: dict[int, int] = {}                # owner doc -> its own 411 row
    for r, row in enumerate(rows):
        owner = row[13]
        if row[4] != "411000" or owner < 0:
            continue
        doc = led.docs[owner]
        if row[8] == doc.doc_id:             # the document's own line
            head[owner] = r
            group_of[r] = owner
        else:                                # a payment or refund line: lettered on its day
            group_of[r] = owner
            lettered_on[r] = row[3]
    for i, doc in enumerate(led.docs):
        if i not in head:
            continue
        for date, _cents, j in applied[i]:
            if date <= until and j in head:
                group_of[head[j]] = i
                lettered_on[head[j]] = date
        own = [d for d, _ in doc.events if d <= until]
        settled = led.settle[i] <= until
        if settled:
            lettered_on[head[i]] = led.settle[i]
        elif own and doc.kind == "FA":
            lettered_on[head[i]] = max(own)
    codes: dict[int, str] = {}
    counters: dict[int, int] = {}
    for r in sorted(lettered_on):
        owner = group_of[r]
        if owner not in codes:
            cust = led.docs[owner].cust
            codes[owner] = _letter_code(counters.get(cust, 0))
            counters[cust] = counters.get(cust, 0) + 1
        rows[r][13] = codes[owner]
        rows[r][14] = lettered_on[r]
    for r, row in enumerate(rows):
        if r not in lettered_on:
            row[13] = ""
    order = sorted(range(len(rows)), key=lambda r: (rows[r][3], rows[r][0], rows[r][2]))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(FEC_HEADER) + "\n")
        for r in order:
            row = list(rows[r])
            for k in (3, 9, 14, 15):
                row[k] = "" if row[k] is None else ordinal_date(row[k]).strftime("%Y%m%d")
            fh.write("\t".join(str(v) for v in row) + "\n")
    return len(rows)
