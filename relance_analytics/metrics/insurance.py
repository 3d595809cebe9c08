"""Credit insurance (R14): the exposure above each insured limit and, per overdue invoice of an
insured customer, the deadline to file the threat-of-claim notice (« déclaration de menace de
sinistre ») and where it stands.

The policy (``[insurance]`` of ``relance.toml``, :class:`InsurancePolicy`): the maximum credit
period (DMC, days from the invoice date; a longer one for some segments, e.g. export), the
days after it to file the notice, the threshold (a customer owing less overdue TTC is not
declared), whether disputed invoices are covered (usually not). A customer is insured when
the customers file gives it an insured limit (« Limite garantie »).

Per overdue invoice of an insured customer: ``dmc_end`` = invoice date + DMC, ``deadline`` =
``dmc_end`` + notice days, and its ``state``:

* ``declared``: the customers file dates a notice filed on or after the invoice fell due;
* ``missed``: the deadline has passed — the cover is lost;
* ``due_soon``: the deadline falls within ``warn_days``;
* ``ok``: later; ``below_threshold``: the customer's overdue total is under the threshold;
* ``not_covered``: disputed, when the policy does not cover disputes.

Exposure (per customer, cents): the open balance above the insured limit (0 when below).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..config import Settings
from ..dates import DateLike, as_date
from ..errors import SettingsError
from .disputes import disputed_documents
from .payments import open_invoices

STATES = ("declared", "missed", "due_soon", "ok", "below_threshold", "not_covered")


@dataclass(frozen=True)
class InsurancePolicy:
    """The credit-insurance policy's deadlines (days), threshold (cents) and dispute cover."""

    max_credit_days: int = 120
    segment_credit_days: Mapping[str, int] = field(default_factory=dict)   # e.g. {"Export": 180}
    notice_days: int = 30
    threshold_cents: int = 30_000
    disputes_covered: bool = False
    warn_days: int = 15

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> InsurancePolicy:
        """From ``[insurance]``: ``max_credit_days``, ``segment_credit_days = {Export = 180}``,
        ``notice_days``, ``threshold`` (euros TTC), ``disputes_covered``, ``warn_days``."""
        raw = settings.raw if isinstance(settings, Settings) else settings
        table = dict(raw.get("insurance", {}))
        known = {"max_credit_days", "segment_credit_days", "notice_days", "threshold", "disputes_covered", "warn_days"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise SettingsError(f"[insurance] : clé(s) inconnue(s) {', '.join(unknown)} ; clés connues : "
                                f"{', '.join(sorted(known))}")
        kwargs: dict[str, Any] = {k: int(table[k]) for k in ("max_credit_days", "notice_days", "warn_days")
                                  if k in table}
        if "segment_credit_days" in table:
            kwargs["segment_credit_days"] = {str(k): int(v) for k, v in dict(table["segment_credit_days"]).items()}
        if "threshold" in table:
            kwargs["threshold_cents"] = int(round(float(table["threshold"]) * 100))
        if "disputes_covered" in table:
            kwargs["disputes_covered"] = bool(table["disputes_covered"])
        return cls(**kwargs)


@dataclass(frozen=True)
class Insurance:
    """``customers``: per insured customer (index ``customer_id``): ``insurer``,
    ``insured_limit_cents``, ``open_cents``, ``exposure_cents`` (open above the limit),
    ``overdue_cents``, and the counts of invoices per state; ``invoices``: every overdue invoice
    of an insured customer with ``dmc_end``, ``deadline``, ``days_left`` (deadline − as-of) and
    ``state``."""

    customers: pd.DataFrame
    invoices: pd.DataFrame


def insurance_status(items: pd.DataFrame, customers: pd.DataFrame, as_of: DateLike,
                     policy: InsurancePolicy | None = None, disputes: pd.DataFrame | None = None) -> Insurance:
    """The credit-insurance figures at ``as_of`` (see the module docstring)."""
    policy = policy or InsurancePolicy()
    day = as_date(as_of)
    cust = customers.set_index(customers["customer_id"].astype(str))
    limit = (cust["insured_limit_cents"] if "insured_limit_cents" in cust else pd.Series(dtype="Int64"))
    insured = limit[limit.notna()].astype("int64")
    cids = items["customer_id"].astype(str)
    open_cents = items["amount_cents"].groupby(cids.to_numpy()).sum().reindex(insured.index, fill_value=0)
    inv = open_invoices(items[cids.isin(insured.index).to_numpy()])
    inv = _with_dates(inv, items[cids.isin(insured.index).to_numpy()])
    due = inv["due_date"].to_numpy(dtype="datetime64[s]")
    inv = inv[due < day.to_datetime64()].reset_index(drop=True)
    segment = cust["segment"].astype("string").fillna("") if "segment" in cust else pd.Series("", index=cust.index)
    credit_days = np.array([policy.segment_credit_days.get(str(segment.get(c, "")), policy.max_credit_days)
                            for c in inv["customer_id"].astype(str)], dtype="int64")
    issued = inv["document_date"].to_numpy(dtype="datetime64[s]")
    issued = np.where(np.isnat(issued), inv["due_date"].to_numpy(dtype="datetime64[s]"), issued)
    dmc_end = issued + credit_days * np.timedelta64(1, "D")
    deadline = dmc_end + np.timedelta64(policy.notice_days, "D")
    days_left = ((deadline - day.to_datetime64()) // np.timedelta64(1, "D")).astype("int64")
    overdue_by_customer = inv.groupby(inv["customer_id"].astype(str))["amount_cents"].sum()
    declared_on = (cust["insurance_declared"] if "insurance_declared" in cust
                   else pd.Series(pd.NaT, index=cust.index, dtype="datetime64[s]"))
    declared = inv["customer_id"].astype(str).map(declared_on).to_numpy(dtype="datetime64[s]")
    disputed = disputed_documents(inv, disputes, day)
    state = np.where(days_left < 0, "missed", np.where(days_left <= policy.warn_days, "due_soon", "ok")).astype(object)
    below = inv["customer_id"].astype(str).map(overdue_by_customer).to_numpy() < policy.threshold_cents
    state[below] = "below_threshold"
    state[~np.isnat(declared) & (declared >= inv["due_date"].to_numpy(dtype="datetime64[s]"))] = "declared"
    if not policy.disputes_covered:
        state[disputed] = "not_covered"
    invoices = inv.assign(dmc_end=dmc_end, deadline=deadline, days_left=days_left, state=state,
                          insurer=inv["customer_id"].astype(str).map(
                              cust["insurer"].astype("string") if "insurer" in cust else pd.Series(dtype="string")
                          ).to_numpy())
    invoices = invoices.sort_values(["deadline", "customer_id", "document_id"], kind="stable", ignore_index=True)
    table = pd.DataFrame({
        "customer_name": cust["customer_name"].reindex(insured.index).astype("string"),
        "insurer": (cust["insurer"].astype("string") if "insurer" in cust
                    else pd.Series(pd.NA, index=cust.index, dtype="string")).reindex(insured.index),
        "insured_limit_cents": insured, "open_cents": open_cents.astype("int64"),
        "exposure_cents": np.maximum(open_cents.to_numpy(dtype="int64") - insured.to_numpy(), 0),
        "overdue_cents": overdue_by_customer.reindex(insured.index, fill_value=0).astype("int64")})
    counts = pd.crosstab(invoices["customer_id"].astype(str), invoices["state"]).reindex(
        index=insured.index, columns=list(STATES), fill_value=0)
    table = table.join(counts.astype("int64"))
    table.index.name = "customer_id"
    return Insurance(table, invoices)


def _with_dates(inv: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Open invoices with their invoice dates (``document_date``) taken from ``items``."""
    dates = items[["customer_id", "document_id", "document_date"]].astype(
        {"customer_id": "string", "document_id": "string"})
    return inv.merge(dates.drop_duplicates(["customer_id", "document_id"]), on=["customer_id", "document_id"],
                     how="left")
