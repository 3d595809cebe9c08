"""Join reference data onto open items (collector, segment, status from the customers file)."""

from __future__ import annotations

import pandas as pd

CUSTOMER_COLUMNS = ("collector", "segment", "status", "invoice_circuit", "provision_rate")


def attach_customers(items: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """Items with the customers file's collector, segment, status, circuit and provision rate.

    Every item is kept: an item whose customer is not in the file keeps its own
    collector/segment (if the export had them) and ``known_customer`` is False.
    """
    ref = customers.set_index("customer_id")
    ids = items["customer_id"].astype("string")
    out = items.copy()
    known = ids.isin(ref.index.astype("string"))
    ref.index = ref.index.astype("string")
    for col in CUSTOMER_COLUMNS:
        if col not in ref.columns:
            continue
        values = ids.map(ref[col])
        if col in out.columns:
            values = values.where(known, out[col])
        out[col] = values.to_numpy()
    for col in ("collector", "segment"):
        if col in out.columns:
            out[col] = out[col].astype("string")
    out["known_customer"] = known.to_numpy()
    return out
