"""Tiny hand-built histories for the call-list tests: open items, customers, actions, disputes,
contacts, in the canonical frames (amounts given in euros here, stored in cents)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from relance_analytics.calllist import CallList, CallListParams, call_list
from relance_analytics.io.tables import ACTIONS

AS_OF = pd.Timestamp("2026-11-20")        # a Friday
NBSP, NNBSP = "\u00a0", "\u202f"


def eur(text: str) -> str:
    """``"4 500,00 €"`` as ``report.euros`` writes it (narrow no-break thousands, no-break before €)."""
    return text.replace(" €", NBSP + "€").replace(" ", NNBSP)


def cents(euros: float) -> int:
    return int(round(euros * 100))


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
    frame = pd.DataFrame(records)
    frame["customer_id"] = frame["customer_id"].astype("category")
    frame["customer_name"] = frame["customer_name"].astype("string")
    frame["document_id"] = frame["document_id"].astype("string")
    frame["document_type"] = pd.Categorical(frame["document_type"], categories=["invoice", "credit_note", "payment"])
    for col in ("document_date", "due_date"):
        frame[col] = frame[col].astype("datetime64[s]")
    frame["amount_cents"] = frame["amount_cents"].astype("int64")
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype="int32")
    return frame


def customers(frame: pd.DataFrame, collector: str = "Claire Martin", status: dict[str, str] | None = None,
              circuit: dict[str, str] | None = None, collectors: dict[str, str] | None = None) -> pd.DataFrame:
    """One customer per customer id of ``frame`` (active, accounting circuit by default)."""
    ids = sorted(frame["customer_id"].astype(str).unique())
    return pd.DataFrame({
        "customer_id": pd.array(ids, dtype="string"),
        "customer_name": pd.array([f"Client {c}" for c in ids], dtype="string"),
        "collector": pd.array([(collectors or {}).get(c, collector) for c in ids], dtype="string"),
        "status": pd.Categorical([(status or {}).get(c, "active") for c in ids]),
        "invoice_circuit": pd.Categorical([(circuit or {}).get(c, "accounting") for c in ids]),
    })


def actions(*rows: dict) -> pd.DataFrame:
    """Canonical actions frame; each row a dict with ``date``, ``customer_id``, ``outcome`` and any
    other column (``promise_amount`` in euros, ``channel`` defaults to phone)."""
    cols = [f.name for f in ACTIONS.fields]
    records = []
    for row in rows:
        rec = dict.fromkeys(cols) | {"channel": "phone"} | row
        if "promise_amount" in rec:
            rec["promise_amount_cents"] = cents(rec.pop("promise_amount"))
        records.append(rec)
    frame = pd.DataFrame(records, columns=cols)
    for f in ACTIONS.fields:
        if f.kind == "date":
            frame[f.name] = pd.to_datetime(frame[f.name]).astype("datetime64[s]")
        elif f.kind == "money":
            frame[f.name] = pd.array(frame[f.name].astype(object), dtype="Int64")
        elif f.kind == "choice":
            frame[f.name] = pd.Categorical(frame[f.name].astype(object), categories=list(f.choices))
        else:
            frame[f.name] = pd.array(frame[f.name].astype(object), dtype="string")
    frame["source_row"] = np.arange(2, len(frame) + 2, dtype="int32")
    return frame


def disputes(*rows: dict) -> pd.DataFrame:
    """Disputes frame; each row a dict (``amount`` in euros)."""
    frame = pd.DataFrame([{"dispute_id": f"L{i}", "dispute_type": "commercial", "resolved": None,
                           "owner": "Paul Durand", "owner_phone": None, "owner_email": None, "reason": None} | r
                          for i, r in enumerate(rows, 1)])
    frame["amount_cents"] = frame.pop("amount").map(cents).astype("int64")
    for col in ("opened", "resolved"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[s]")
    for col in ("dispute_id", "customer_id", "document_id", "owner", "owner_phone", "owner_email", "reason"):
        frame[col] = frame[col].astype("string")
    frame["dispute_type"] = pd.Categorical(frame["dispute_type"],
                                           categories=["administrative", "commercial", "technical"])
    return frame


def contacts(*rows: tuple) -> pd.DataFrame:
    """Contacts from ``(customer_id, name, role, phone, email)``."""
    frame = pd.DataFrame(rows, columns=["customer_id", "name", "role", "phone", "email"])
    for col in ("customer_id", "name", "phone", "email"):
        frame[col] = frame[col].astype("string")
    frame["role"] = pd.Categorical(frame["role"], categories=["purchasing", "accounting", "manager", "finance"])
    return frame


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
