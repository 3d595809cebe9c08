"""Tiny hand-built histories for the call-list tests: open items, customers, actions, disputes,
contacts, built through their contracts (:mod:`relance_analytics.frames`) so they have the
readers' dtypes (amounts given in euros here, stored in cents)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from relance_analytics import frames
from relance_analytics.calllist import CallList, CallListParams, call_list

AS_OF = pd.Timestamp("2026-11-20")        # a Friday
NBSP, NNBSP = "\u00a0", "\u202f"


def eur(text: str) -> str:
    """``"4 500,00 €"`` as ``report.euros`` writes it (narrow no-break thousands, no-break before €)."""
    return text.replace(" €", NBSP + "€").replace(" ", NNBSP)


def cents(euros: float) -> int:
    return int(round(euros * 100))


def columns(records: Sequence[dict], names: Iterable[str] = ()) -> dict[str, list]:
    """``{name: [record[name] for each record]}`` for ``names`` then every other key of the records
    (``None`` where a record lacks it): a contract's ``build`` refuses a key it does not know."""
    keys = dict.fromkeys([*names, *(k for r in records for k in r)])
    return {k: [r.get(k) for r in records] for k in keys}


def source_rows(n: int) -> np.ndarray:
    """Excel rows 2, 3, … of ``n`` lines read under a header on row 1."""
    return np.arange(2, n + 2, dtype="int32")


def items(*rows: tuple) -> pd.DataFrame:
    """Open items from ``(customer_id, document_id, due_date, euros[, document_type[, document_date]])``."""
    records = []
    for row in rows:
        cid, doc, due, amount, *rest = row
        kind = rest[0] if rest else ("invoice" if amount > 0 else "credit_note")
        issued = rest[1] if len(rest) > 1 else pd.Timestamp(due) - pd.Timedelta(days=30)
        records.append({"customer_id": cid, "customer_name": f"Client {cid}", "document_id": doc,
                        "document_type": kind, "document_date": pd.Timestamp(issued), "due_date": pd.Timestamp(due),
                        "amount_cents": cents(amount)})
    names = ("customer_id", "customer_name", "document_id", "document_type", "document_date", "due_date",
             "amount_cents")
    frame = frames.OPEN_ITEMS.build(columns(records, names) | {"source_row": source_rows(len(records))})
    return frames.OPEN_ITEMS.validate(frame)


def customers(frame: pd.DataFrame, collector: str = "Claire Martin", status: dict[str, str] | None = None,
              circuit: dict[str, str] | None = None, collectors: dict[str, str] | None = None) -> pd.DataFrame:
    """One customer per customer id of ``frame`` (active, accounting circuit by default)."""
    ids = sorted(frame["customer_id"].astype(str).unique())
    return frames.CUSTOMERS.validate(frames.CUSTOMERS.build({
        "customer_id": ids,
        "customer_name": [f"Client {c}" for c in ids],
        "collector": [(collectors or {}).get(c, collector) for c in ids],
        "status": [(status or {}).get(c, "active") for c in ids],
        "invoice_circuit": [(circuit or {}).get(c, "accounting") for c in ids],
    }))


def actions(*rows: dict) -> pd.DataFrame:
    """Canonical actions frame; each row a dict with ``date``, ``customer_id``, ``outcome`` and any
    other column (``promise_amount`` in euros, ``channel`` defaults to phone)."""
    names = [n for n in frames.ACTIONS.names if n != "source_row"]
    records = []
    for row in rows:
        rec = {"channel": "phone"} | row
        if "promise_amount" in rec:
            rec["promise_amount_cents"] = cents(rec.pop("promise_amount"))
        records.append(rec)
    frame = frames.ACTIONS.build(columns(records, names) | {"source_row": source_rows(len(records))})
    return frames.ACTIONS.validate(frame)


def disputes(*rows: dict) -> pd.DataFrame:
    """Disputes frame; each row a dict (``amount`` in euros)."""
    records = []
    for i, row in enumerate(rows, 1):
        rec = {"dispute_id": f"L{i}", "dispute_type": "commercial", "resolved": None, "owner": "Paul Durand",
               "owner_phone": None, "owner_email": None, "reason": None} | row
        rec["amount_cents"] = cents(rec.pop("amount"))
        records.append(rec)
    return frames.DISPUTES.validate(frames.DISPUTES.build(columns(records)))


def contacts(*rows: tuple) -> pd.DataFrame:
    """Contacts from ``(customer_id, name, role, phone, email)``."""
    names = ("customer_id", "name", "role", "phone", "email")
    return frames.CONTACTS.validate(frames.CONTACTS.build(columns([dict(zip(names, r)) for r in rows], names)))


def run(it: pd.DataFrame, acts: pd.DataFrame | None = None, disp: pd.DataFrame | None = None,
        as_of: pd.Timestamp = AS_OF, params: CallListParams | None = None, cust: pd.DataFrame | None = None,
        cont: pd.DataFrame | None = None) -> CallList:
    """The call list of a tiny history (promises evaluated against the as-of items)."""
    return call_list(it, cust if cust is not None else customers(it), acts if acts is not None else actions(),
                     disp, as_of, params=params, contacts=cont)


def reasons(cl: CallList, cid: str, rule: str | None = None) -> list[str]:
    """Texts of the reasons of one customer (of one rule)."""
    r = cl.reasons.drop_duplicates(["cid", "rule", "text"])
    r = r[(r["cid"] == cid) & ((r["rule"] == rule) if rule else True)]
    return list(r["text"])


def rank(cl: CallList, cid: str) -> int | None:
    """Rank of a customer on its collector's phone list (``None`` when not on it)."""
    row = cl.rows[cl.rows["customer_id"] == cid]
    return None if row.empty else int(row["rank"].iloc[0])
