"""The IBM accounts-receivable sample (tests/data/ibm, 2,466 real invoices of 2012–2013 with
their settlement dates) replayed as weekly open-item snapshots, for the forecast backtest."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from relance_analytics.frames import OPEN_ITEMS

CSV = Path(__file__).resolve().parent / "data" / "ibm" / "ibm_late_payment_histories.csv"


@cache
def invoices() -> pd.DataFrame:
    """One row per invoice: customer, number, invoice/due/settled dates, cents, disputed flag."""
    raw = pd.read_csv(CSV, dtype=str)

    def dates(col: str) -> pd.Series:
        return pd.to_datetime(raw[col], format="%m/%d/%Y").astype("datetime64[s]")

    cents = [int(round(float(v) * 100)) for v in raw["InvoiceAmount"]]
    return pd.DataFrame({"customer_id": raw["customerID"], "document_id": raw["invoiceNumber"],
                         "document_date": dates("InvoiceDate"), "due_date": dates("DueDate"),
                         "settled": dates("SettledDate"), "amount_cents": np.array(cents, dtype="int64"),
                         "disputed": raw["Disputed"] == "Yes"})


@cache
def snapshots() -> dict[pd.Timestamp, pd.DataFrame]:
    """Open items every Friday of 2012–2013: the invoices issued on or before it and settled after."""
    inv = invoices()
    out = {}
    for day in pd.date_range("2012-01-06", "2013-12-27", freq="7D"):
        open_now = inv[(inv["document_date"] <= day) & (inv["settled"] > day)]
        out[pd.Timestamp(day)] = OPEN_ITEMS.build({
            "customer_id": open_now["customer_id"], "customer_name": open_now["customer_id"],
            "document_id": open_now["document_id"], "document_type": ["invoice"] * len(open_now),
            "document_date": open_now["document_date"], "due_date": open_now["due_date"],
            "amount_cents": open_now["amount_cents"]})
    return out


@cache
def payments() -> pd.DataFrame:
    """The exact settlements (as a FEC would give them)."""
    inv = invoices()
    return pd.DataFrame({"customer_id": inv["customer_id"].astype("string"),
                         "customer_name": inv["customer_id"].astype("string"),
                         "document_id": inv["document_id"].astype("string"), "due_date": inv["due_date"],
                         "paid_on": inv["settled"], "amount_cents": inv["amount_cents"],
                         "bound": pd.array(["exact"] * len(inv), dtype="string")})
