"""The evidence behind each provision, for a tax audit (CGI art. 39-1-5°).

A provision for a doubtful debt is deductible only when the loss is probable, the provision
individualised per invoice, and backed by the steps taken to collect it. For every invoice
of a provisions schedule (:func:`relance_analytics.metrics.provisions.provisions`) with a
provision, this module gathers the collection steps of the action journal that concern it —
the actions naming it, and the account-level actions (naming no document) — taken after its
due date and on or before the as-of date, and flags where they are too thin to justify it:

* ``no_step``: no collection step at all since the due date;
* ``no_formal_notice``: no formal notice sent since the due date (``require_formal_notice``);
* ``stale``: no step within the last ``recent_days`` days.

Only provisions resting on the invoice's age need these steps (``age_only`` in the schedule):
a customer in insolvency proceedings is evidenced by the judgment (``status_…`` rules), a
customer-specific rate by the analyst's own file (``override``): those are listed with their
steps but never flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..dates import DateLike, as_date
from ..keys import split_document_ids

#: A collection step: ``(date, channel, outcome)`` codes.
Step = tuple[pd.Timestamp, str, str]


@dataclass(frozen=True)
class EvidenceParams:
    """When the steps behind an age-based provision are too thin (see the module docstring)."""

    require_formal_notice: bool = True
    recent_days: int = 60


COLUMNS = ("customer_id", "customer_name", "collector", "document_id", "due_date", "days_past_due", "amount_cents",
           "base_ht_cents", "rate", "rule", "provision_cents", "age_only", "steps", "step_count", "last_step",
           "formal_notice", "no_step", "no_formal_notice", "stale", "flagged")


def provision_evidence(schedule: pd.DataFrame, actions: pd.DataFrame, as_of: DateLike,
                       params: EvidenceParams | None = None) -> pd.DataFrame:
    """One row per provisioned invoice of ``schedule`` (provision > 0) with its collection steps.

    ``actions``: the canonical actions frame (the journal). Columns: the schedule's
    identification and amounts (cents), ``steps`` (a tuple of :data:`Step`, oldest first),
    ``step_count``, ``last_step`` (date, NaT when none), ``formal_notice`` (the last formal
    notice's date, NaT when none) and the flags ``no_step``, ``no_formal_notice``, ``stale``,
    ``flagged`` (any of them, for an ``age_only`` provision)."""
    params = params or EvidenceParams()
    day = as_date(as_of)
    rows = schedule[schedule["provision_cents"].to_numpy(dtype="int64") > 0].reset_index(drop=True)
    acts = actions[actions["date"].to_numpy(dtype="datetime64[s]") <= day.to_datetime64()]
    acts = acts.sort_values("date", kind="stable")
    by_customer: dict[str, list[tuple[pd.Timestamp, str, str, tuple[str, ...]]]] = {}
    for cid, date, channel, outcome, docs in zip(acts["customer_id"].astype(str), acts["date"],
                                                 acts["channel"].astype(str), acts["outcome"].astype(str),
                                                 acts["document_ids"].astype(object)):
        by_customer.setdefault(cid, []).append((pd.Timestamp(date), channel, outcome, split_document_ids(docs)))
    steps: list[tuple[Step, ...]] = []
    for cid, doc, due in zip(rows["customer_id"].astype(str), rows["document_id"].astype(str), rows["due_date"]):
        steps.append(tuple((d, ch, out) for d, ch, out, docs in by_customer.get(cid, ())
                           if d > due and (not docs or doc in docs)))
    last = [max((s[0] for s in these), default=pd.NaT) for these in steps]
    notice = [max((d for d, ch, out in these if ch == "formal_notice" or out == "formal_notice_sent"),
                  default=pd.NaT) for these in steps]
    out = rows[[c for c in COLUMNS[:12] if c in rows.columns]].copy()
    out["steps"] = pd.Series(steps, dtype=object).to_numpy()
    out["step_count"] = np.array([len(s) for s in steps], dtype="int64")
    out["last_step"] = pd.to_datetime(pd.Series(last, dtype="datetime64[s]")).to_numpy(dtype="datetime64[s]")
    out["formal_notice"] = pd.Series(notice, dtype="datetime64[s]").to_numpy(dtype="datetime64[s]")
    age_only = out["age_only"].to_numpy(dtype=bool)
    out["no_step"] = age_only & (out["step_count"].to_numpy() == 0)
    out["no_formal_notice"] = age_only & params.require_formal_notice & np.isnat(out["formal_notice"].to_numpy())
    cutoff = (day - pd.Timedelta(days=params.recent_days)).to_datetime64()
    last_step = out["last_step"].to_numpy(dtype="datetime64[s]")
    out["stale"] = age_only & (np.isnat(last_step) | (last_step < cutoff))
    out["flagged"] = out["no_step"] | out["no_formal_notice"] | out["stale"]
    return out.reset_index(drop=True)[[c for c in COLUMNS if c in out.columns]]


def evidence_totals(evidence: pd.DataFrame) -> pd.DataFrame:
    """One row: provisioned invoices and amount, and how many and how much are flagged (cents)."""
    flagged = evidence["flagged"].to_numpy(dtype=bool)
    cents = evidence["provision_cents"].to_numpy(dtype="int64")
    return pd.DataFrame({"invoices": [len(evidence)], "provision_cents": [int(cents.sum())],
                         "flagged_invoices": [int(flagged.sum())], "flagged_cents": [int(cents[flagged].sum())],
                         "no_step": [int(evidence["no_step"].sum())],
                         "no_formal_notice": [int(evidence["no_formal_notice"].sum())],
                         "stale": [int(evidence["stale"].sum())]}, index=pd.Index(["total"]))
