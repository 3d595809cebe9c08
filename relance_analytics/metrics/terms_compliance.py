"""Payment-term compliance (Code de commerce, article L441-10 I): agreed terms against the legal caps.

An invoice's agreed term is due date − invoice date (days). It is compliant when its due date is
no later than the most generous of the legal limits (both readings of « 45 jours fin de mois »
are accepted):

* invoice date + ``days`` (60),
* end of the invoice's month + ``eom_days`` (45),
* invoice date + ``eom_days`` (45), then the end of that month.

``excess_days`` = due date − that limit when positive, else 0. The caps are
:class:`PaymentTermCaps` (``[legal]`` of ``relance.toml``: sector agreements allow other caps).

Only invoices are judged: credit notes and unapplied payments are left out and counted
(``left_out``). An invoice without a document date cannot be judged: it is kept, counted as
``undated`` and left out of the shares' denominators, never dropped silently. Amounts are the
open amounts TTC of the frame given (integer cents); shares are floats (NaN when nothing is judged).

:func:`terms_vs_payments` sets the agreed terms beside the actual payment delays where a payment
date is known (e.g. :func:`relance_analytics.io.fec.fec_payments`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Settings
from ..currency import require_single_currency
from ..errors import MissingColumnError, SettingsError

INVOICE = "invoice"
LEFT_OUT_TYPES = ("credit_note", "payment")

INVOICE_COLUMNS = (
    "customer_id", "customer_name", "document_id", "document_date", "due_date", "amount_cents", "agreed_days",
    "limit_date", "excess_days", "compliant",
)
SUMMARY_COLUMNS = (
    "invoices", "judged", "undated", "non_compliant", "non_compliant_share", "amount_cents", "judged_cents",
    "undated_cents", "non_compliant_cents", "non_compliant_amount_share", "agreed_days_mean", "agreed_days_max",
    "excess_days_max",
)


@dataclass(frozen=True)
class PaymentTermCaps:
    """Legal caps of the agreed payment terms, in days: ``days`` after the invoice date (60) or
    ``eom_days`` end of month (45). ``relance.toml``: ``[legal] payment_terms_days`` and
    ``payment_terms_eom_days``."""

    days: int = 60
    eom_days: int = 45

    def __post_init__(self) -> None:
        for name, key in (("days", "payment_terms_days"), ("eom_days", "payment_terms_eom_days")):
            value = getattr(self, name)
            if isinstance(value, bool) or int(value) != value or int(value) < 0:
                raise SettingsError(f"[legal] {key} : un nombre entier de jours attendu, lu {value!r}")
            object.__setattr__(self, name, int(value))

    @classmethod
    def from_settings(cls, settings: Settings) -> PaymentTermCaps:
        """The caps of ``relance.toml`` (``[legal]``; defaults 60 and 45)."""
        return cls(settings.payment_terms_days, settings.payment_terms_eom_days)


def legal_limits(document_dates: Any, caps: PaymentTermCaps | None = None) -> np.ndarray:
    """The latest compliant due date of invoices dated ``document_dates`` (``datetime64[s]``;
    NaT where the date is blank): the latest of date + ``days``, end of month + ``eom_days``
    and date + ``eom_days`` then end of month."""
    caps = caps or PaymentTermCaps()
    dates = pd.DatetimeIndex(np.asarray(document_dates, dtype="datetime64[s]"))
    plain = dates + pd.Timedelta(days=caps.days)
    eom_then_days = dates + pd.offsets.MonthEnd(0) + pd.Timedelta(days=caps.eom_days)
    days_then_eom = dates + pd.Timedelta(days=caps.eom_days) + pd.offsets.MonthEnd(0)
    stacked = np.stack([x.to_numpy(dtype="datetime64[s]") for x in (plain, eom_then_days, days_then_eom)])
    return np.max(stacked, axis=0)         # NaT propagates: a blank date has no limit


def _days(later: np.ndarray, earlier: np.ndarray, floor: int | None = None) -> pd.arrays.IntegerArray:
    """later − earlier in whole days (Int64, NA where either is blank), at least ``floor``."""
    later = np.asarray(later, dtype="datetime64[s]")
    earlier = np.asarray(earlier, dtype="datetime64[s]")
    blank = np.isnat(later) | np.isnat(earlier)
    zero = np.datetime64(0, "s")
    diff = ((np.where(blank, zero, later) - np.where(blank, zero, earlier)) // np.timedelta64(1, "D")).astype("int64")
    if floor is not None:
        diff = np.maximum(diff, floor)
    return pd.arrays.IntegerArray(diff, blank)


def document_type_mask(items: pd.DataFrame, code: str) -> np.ndarray:
    """True for the items of document type ``code`` (without a type column: all are invoices)."""
    if "document_type" not in items.columns:
        return np.full(len(items), code == INVOICE)
    return items["document_type"].astype("string").eq(code).fillna(False).to_numpy(dtype=bool)


def left_out_items(items: pd.DataFrame) -> pd.DataFrame:
    """Credit notes and unapplied payments of ``items``, counted: index ``document_type``
    (``credit_note``, ``payment``), ``items`` and ``amount_cents`` (≤ 0 as in the export)."""
    amounts = items["amount_cents"].to_numpy(dtype="int64")
    rows = {code: (int(m.sum()), int(amounts[m].sum())) for code in LEFT_OUT_TYPES
            for m in [document_type_mask(items, code)]}
    return pd.DataFrame({"items": [r[0] for r in rows.values()], "amount_cents": [r[1] for r in rows.values()]},
                        index=pd.Index(list(rows), name="document_type")).astype("int64")


@dataclass(frozen=True)
class TermsCompliance:
    """Payment-term compliance of the invoices of an open-items frame (money in cents).

    - ``invoices``: one row per invoice (:data:`INVOICE_COLUMNS`): ``agreed_days`` (due − invoice
      date, Int64), ``limit_date`` (latest compliant due date), ``excess_days`` (Int64, ≥ 0),
      ``compliant`` (nullable boolean); the three are blank for an invoice without a document date.
    - ``by_customer`` (index ``customer_id``, with ``customer_name``) and ``total`` (one row
      ``total``): :data:`SUMMARY_COLUMNS`: counts of invoices, ``judged`` (dated), ``undated`` and
      ``non_compliant``; their open amounts in cents; ``non_compliant_share`` (count) and
      ``non_compliant_amount_share`` (amount) of the judged invoices; ``agreed_days_mean`` / ``_max``
      and ``excess_days_max``. Customers with the most non-compliant money first.
    - ``left_out``: the credit notes and unapplied payments not judged (:func:`left_out_items`).
    """

    caps: PaymentTermCaps
    invoices: pd.DataFrame
    by_customer: pd.DataFrame
    total: pd.DataFrame
    left_out: pd.DataFrame


def _invoice_terms(invoices: pd.DataFrame, caps: PaymentTermCaps) -> pd.DataFrame:
    """``invoices`` (one row each) with agreed_days, limit_date, excess_days and compliant."""
    doc = invoices["document_date"].to_numpy(dtype="datetime64[s]")
    due = invoices["due_date"].to_numpy(dtype="datetime64[s]")
    limit = legal_limits(doc, caps)
    out = invoices.copy()
    out["agreed_days"] = _days(due, doc)
    out["limit_date"] = limit
    out["excess_days"] = _days(due, limit, floor=0)
    compliant = pd.array(np.where(np.isnat(limit), False, due <= limit), dtype="boolean")
    compliant[np.isnat(limit)] = pd.NA
    out["compliant"] = compliant
    return out


def _summary(frame: pd.DataFrame, key: pd.Series | None) -> pd.DataFrame:
    """The :data:`SUMMARY_COLUMNS` of judged invoices per ``key`` (one row ``total`` when None)."""
    judged = frame["compliant"].notna().to_numpy(dtype=bool)
    bad = frame["compliant"].eq(False).fillna(False).to_numpy(dtype=bool)
    amount = frame["amount_cents"].to_numpy(dtype="int64")
    agreed = frame["agreed_days"].astype("float64")
    parts = pd.DataFrame({
        "invoices": 1, "judged": judged.astype("int64"), "undated": (~judged).astype("int64"),
        "non_compliant": bad.astype("int64"), "amount_cents": amount, "judged_cents": np.where(judged, amount, 0),
        "undated_cents": np.where(judged, 0, amount), "non_compliant_cents": np.where(bad, amount, 0),
        "agreed": agreed.to_numpy(), "excess": frame["excess_days"].astype("float64").to_numpy(),
    }, index=frame.index)
    groups = key.to_numpy() if key is not None else np.full(len(frame), "total", dtype=object)
    grouped = parts.groupby(groups, sort=False)
    counts = grouped[["invoices", "judged", "undated", "non_compliant", "amount_cents", "judged_cents",
                      "undated_cents", "non_compliant_cents"]].sum().astype("int64")
    if key is None and counts.empty:
        counts = pd.DataFrame(0, index=["total"], columns=counts.columns, dtype="int64")
    out = counts.copy()
    out["non_compliant_share"] = out["non_compliant"] / out["judged"].where(out["judged"] != 0)
    out["non_compliant_amount_share"] = (out["non_compliant_cents"]
                                         / out["judged_cents"].where(out["judged_cents"] != 0))
    out["agreed_days_mean"] = grouped["agreed"].mean().reindex(out.index)
    out["agreed_days_max"] = pd.array(grouped["agreed"].max().reindex(out.index), dtype="Int64")
    out["excess_days_max"] = pd.array(grouped["excess"].max().reindex(out.index), dtype="Int64")
    return out[list(SUMMARY_COLUMNS)]


def terms_compliance(items: pd.DataFrame, caps: PaymentTermCaps | None = None) -> TermsCompliance:
    """Compliance with the legal payment terms (L441-10 I) of every invoice of ``items`` (the
    canonical open items; see the module). Credit notes and unapplied payments are counted in
    ``left_out``; an invoice without a document date is counted ``undated``, never dropped."""
    caps = caps or PaymentTermCaps()
    require_single_currency(items, "conformité des délais de paiement")
    is_invoice = document_type_mask(items, INVOICE)
    columns = [c for c in INVOICE_COLUMNS[:6] if c in items.columns]
    invoices = _invoice_terms(items.loc[is_invoice, columns].reset_index(drop=True), caps)
    if "customer_name" not in invoices.columns:
        invoices["customer_name"] = pd.array([pd.NA] * len(invoices), dtype="string")
    invoices = invoices[list(INVOICE_COLUMNS)]
    customer = invoices["customer_id"].astype("string").fillna(vocab.UNASSIGNED)
    by_customer = _summary(invoices, customer)
    names = invoices["customer_name"].astype("string").groupby(customer.to_numpy(), sort=False).first()
    by_customer.insert(0, "customer_name", names.reindex(by_customer.index).astype("string"))
    by_customer.index = pd.Index(by_customer.index.astype("string"), name="customer_id")
    by_customer = (by_customer.assign(_id=by_customer.index)
                   .sort_values(["non_compliant_cents", "non_compliant", "_id"], ascending=[False, False, True],
                                kind="stable").drop(columns="_id"))
    total = _summary(invoices, None)
    total.index = pd.Index(["total"], name="group")
    return TermsCompliance(caps, invoices, by_customer, total, left_out_items(items))


PAYMENT_DATE_COLUMNS = ("paid_on", "paid_date")

PAYMENT_INVOICE_COLUMNS = (
    "customer_id", "customer_name", "document_id", "document_date", "due_date", "paid_on", "agreed_days",
    "compliant", "actual_days", "days_late",
)
PAYMENT_SUMMARY_COLUMNS = (
    "invoices", "agreed_days_mean", "agreed_days_max", "non_compliant", "paid", "actual_days_mean",
    "days_late_mean", "paid_late", "paid_late_share",
)


@dataclass(frozen=True)
class TermsVsPayments:
    """Agreed payment terms against the actual payment delays.

    - ``invoices`` (:data:`PAYMENT_INVOICE_COLUMNS`): per invoice, ``paid_on`` (NaT while unpaid or
      unknown), ``agreed_days`` (due − invoice date), ``compliant`` (L441-10 I, see the module),
      ``actual_days`` (paid − invoice date) and ``days_late`` (paid − due; negative: paid early),
      all Int64 days, blank where a date is missing.
    - ``by_customer`` (index ``customer_id``, with ``customer_name``) and ``total`` (one row):
      :data:`PAYMENT_SUMMARY_COLUMNS`: ``invoices``; mean and longest agreed term (over dated
      invoices); ``non_compliant``; ``paid`` (invoices with a known payment date); mean actual
      delay and mean days late over those; ``paid_late`` (paid after the due date) and its share of
      ``paid`` (NaN without payments). Customers with the longest mean actual delay first.
    """

    caps: PaymentTermCaps
    invoices: pd.DataFrame
    by_customer: pd.DataFrame
    total: pd.DataFrame


def _paid_column(frame: pd.DataFrame, what: str) -> str | None:
    found = [c for c in PAYMENT_DATE_COLUMNS if c in frame.columns]
    if len(found) > 1:
        raise MissingColumnError(f"{what} : une seule colonne de date de règlement attendue (paid_on ou "
                                 f"paid_date), lu {', '.join(found)}", found[0])
    return found[0] if found else None


def _payment_dates(invoices: pd.DataFrame, payments: pd.DataFrame) -> np.ndarray:
    """The payment date of each invoice from ``payments`` (``document_id`` and ``paid_on`` or
    ``paid_date``; matched on ``customer_id`` too when both frames have it; the latest date when a
    document is listed twice)."""
    paid = _paid_column(payments, "règlements")
    if paid is None or "document_id" not in payments.columns:
        raise MissingColumnError("règlements : les colonnes document_id et paid_on (ou paid_date, comme dans "
                                 f"fec_payments) sont nécessaires (colonnes : {', '.join(map(str, payments.columns))})",
                                 "paid_on" if paid is None else "document_id")
    keys = ["document_id"] + (["customer_id"] if "customer_id" in payments.columns
                              and "customer_id" in invoices.columns else [])
    right = pd.DataFrame({k: payments[k].astype("string") for k in keys})
    right["paid_on"] = payments[paid].to_numpy(dtype="datetime64[s]")
    right = right.groupby(keys, sort=False, dropna=False)["paid_on"].max().reset_index()
    left = pd.DataFrame({k: invoices[k].astype("string") for k in keys})
    merged = left.merge(right, on=keys, how="left", validate="many_to_one")
    return merged["paid_on"].to_numpy(dtype="datetime64[s]")


def terms_vs_payments(invoices: pd.DataFrame, payments: pd.DataFrame | None = None,
                      caps: PaymentTermCaps | None = None) -> TermsVsPayments:
    """Per invoice and per customer, the agreed terms against the actual payment delays.

    ``invoices``: one or several frames of invoices concatenated (the open items of several
    snapshots, or :func:`~relance_analytics.io.fec.fec_payments`): ``customer_id``,
    ``document_id``, ``document_date``, ``due_date``, optionally ``customer_name``,
    ``document_type`` (only invoices are kept) and a payment date ``paid_on`` / ``paid_date``. A
    document listed twice keeps its first row. ``payments`` (optional): ``document_id`` and
    ``paid_on`` (or ``paid_date``), replacing the invoices' own payment dates."""
    caps = caps or PaymentTermCaps()
    missing = [c for c in ("customer_id", "document_id", "document_date", "due_date") if c not in invoices.columns]
    if missing:
        raise MissingColumnError(f"factures : colonnes absentes {', '.join(missing)} (colonnes : "
                                 f"{', '.join(map(str, invoices.columns))})", missing[0])
    frame = invoices.loc[document_type_mask(invoices, INVOICE)]
    keys = pd.DataFrame({"c": frame["customer_id"].astype("string"), "d": frame["document_id"].astype("string")})
    frame = frame.loc[~keys.duplicated().to_numpy()].reset_index(drop=True)
    if payments is not None:
        paid = _payment_dates(frame, payments)
    else:
        column = _paid_column(frame, "factures")
        paid = (frame[column].to_numpy(dtype="datetime64[s]") if column is not None
                else np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[s]"))
    doc = frame["document_date"].to_numpy(dtype="datetime64[s]")
    due = frame["due_date"].to_numpy(dtype="datetime64[s]")
    limit = legal_limits(doc, caps)
    compliant = pd.array(np.where(np.isnat(limit) | np.isnat(due), False, due <= limit), dtype="boolean")
    compliant[np.isnat(limit) | np.isnat(due)] = pd.NA
    names = (frame["customer_name"].astype("string") if "customer_name" in frame.columns
             else pd.Series(pd.NA, index=frame.index, dtype="string"))
    out = pd.DataFrame({
        "customer_id": frame["customer_id"].astype("string"), "customer_name": names,
        "document_id": frame["document_id"].astype("string"), "document_date": doc, "due_date": due,
        "paid_on": paid, "agreed_days": _days(due, doc), "compliant": compliant,
        "actual_days": _days(paid, doc), "days_late": _days(paid, due),
    })
    customer = out["customer_id"].fillna(vocab.UNASSIGNED)
    by_customer = _payment_summary(out, customer)
    by_customer.insert(0, "customer_name", out["customer_name"].groupby(customer.to_numpy(), sort=False).first()
                       .reindex(by_customer.index).astype("string"))
    by_customer.index = pd.Index(by_customer.index.astype("string"), name="customer_id")
    by_customer = (by_customer.assign(_id=by_customer.index)
                   .sort_values(["actual_days_mean", "_id"], ascending=[False, True], kind="stable", na_position="last")
                   .drop(columns="_id"))
    total = _payment_summary(out, None)
    total.index = pd.Index(["total"], name="group")
    return TermsVsPayments(caps, out, by_customer, total)


def _payment_summary(frame: pd.DataFrame, key: pd.Series | None) -> pd.DataFrame:
    groups = key.to_numpy() if key is not None else np.full(len(frame), "total", dtype=object)
    late = frame["days_late"].astype("float64")
    parts = pd.DataFrame({
        "invoices": 1, "agreed": frame["agreed_days"].astype("float64").to_numpy(),
        "non_compliant": frame["compliant"].eq(False).fillna(False).to_numpy(dtype="int64"),
        "paid": frame["paid_on"].notna().to_numpy(dtype="int64"),
        "actual": frame["actual_days"].astype("float64").to_numpy(), "late": late.to_numpy(),
        "paid_late": (late > 0).to_numpy(dtype="int64"),
    }, index=frame.index)
    grouped = parts.groupby(groups, sort=False)
    sums = grouped[["invoices", "non_compliant", "paid", "paid_late"]].sum().astype("int64")
    if key is None and sums.empty:
        sums = pd.DataFrame(0, index=["total"], columns=sums.columns, dtype="int64")
    means: Mapping[str, pd.Series] = {"agreed": grouped["agreed"].mean(), "actual": grouped["actual"].mean(),
                                      "late": grouped["late"].mean()}
    out = pd.DataFrame(index=sums.index)
    out["invoices"] = sums["invoices"]
    out["agreed_days_mean"] = means["agreed"].reindex(out.index).astype("float64")
    out["agreed_days_max"] = pd.array(grouped["agreed"].max().reindex(out.index), dtype="Int64")
    out["non_compliant"] = sums["non_compliant"]
    out["paid"] = sums["paid"]
    out["actual_days_mean"] = means["actual"].reindex(out.index).astype("float64")
    out["days_late_mean"] = means["late"].reindex(out.index).astype("float64")
    out["paid_late"] = sums["paid_late"]
    out["paid_late_share"] = out["paid_late"] / out["paid"].where(out["paid"] != 0)
    return out[list(PAYMENT_SUMMARY_COLUMNS)]
