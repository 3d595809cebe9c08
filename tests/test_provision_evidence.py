"""The evidence file of the provisions (CGI 39-1-5°): each provisioned invoice with the steps
of the journal that concern it, and the flags where they are too thin — hand-built cases."""

from __future__ import annotations

import pandas as pd

from relance_analytics.frames import ACTIONS
from relance_analytics.metrics.provision_evidence import EvidenceParams, evidence_totals, provision_evidence

AS_OF = pd.Timestamp("2026-11-20")


def schedule(*rows: tuple[str, str, str, int, str, bool]) -> pd.DataFrame:
    """Provisions schedule rows ``(customer, document, due date, provision cents, rule, age_only)``."""
    return pd.DataFrame({
        "customer_id": [r[0] for r in rows], "customer_name": [f"Client {r[0]}" for r in rows],
        "collector": ["Claire"] * len(rows), "document_id": [r[1] for r in rows],
        "due_date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[s]"),
        "days_past_due": [(AS_OF - pd.Timestamp(r[2])).days for r in rows],
        "amount_cents": [400_000] * len(rows), "base_ht_cents": [333_333] * len(rows), "rate": [0.5] * len(rows),
        "rule": [r[4] for r in rows], "provision_cents": [r[3] for r in rows], "age_only": [r[5] for r in rows]})


def journal(*rows: tuple[str, str, str, str, str | None]) -> pd.DataFrame:
    """Actions ``(date, customer, channel, outcome, document ids)``."""
    return ACTIONS.build({"date": [r[0] for r in rows], "customer_id": [r[1] for r in rows],
                          "channel": [r[2] for r in rows], "outcome": [r[3] for r in rows],
                          "document_ids": [r[4] for r in rows]})


def test_steps_and_flags_per_invoice():
    sched = schedule(("A", "FA1", "2026-03-31", 166_667, "age_181_365", True),   # notice + recent call: backed
                     ("A", "FA2", "2026-03-31", 166_667, "age_181_365", True),   # its own steps only: thin
                     ("B", "FB1", "2026-06-30", 83_333, "age_91_180", True),     # nothing since due: every flag
                     ("C", "FC1", "2026-10-01", 333_333, "status_liquidation", False),   # the judgment suffices
                     ("D", "FD1", "2026-10-01", 0, "none", False))               # no provision: not listed
    acts = journal(("2026-03-20", "A", "phone", "no_answer", "FA1,FA2"),         # before the due date: no step
                   ("2026-05-04", "A", "formal_notice", "formal_notice_sent", "FA1"),
                   ("2026-07-10", "A", "email", "reminder_sent", "FA2"),
                   ("2026-11-02", "A", "phone", "evasive", None),                # the account: both invoices
                   ("2026-11-25", "A", "phone", "promise", "FA2"))               # after as-of: not counted
    ev = provision_evidence(sched, acts, AS_OF).set_index("document_id")
    assert list(ev.index) == ["FA1", "FA2", "FB1", "FC1"]
    assert [s[:2] for s in ev.loc["FA1", "steps"]] == [(pd.Timestamp("2026-05-04"), "formal_notice"),
                                                      (pd.Timestamp("2026-11-02"), "phone")]
    assert ev.loc["FA1", ["step_count", "flagged"]].tolist() == [2, False]
    assert ev.loc["FA2", ["step_count", "no_formal_notice", "stale", "flagged"]].tolist() == [2, True, False, True]
    assert ev.loc["FB1", ["no_step", "no_formal_notice", "stale", "flagged"]].tolist() == [True, True, True, True]
    assert ev.loc["FC1", "flagged"] == False  # noqa: E712 (numpy bool)
    totals = evidence_totals(ev.reset_index()).iloc[0]
    assert totals[["invoices", "provision_cents", "flagged_invoices", "flagged_cents"]].tolist() == \
        [4, 166_667 * 2 + 83_333 + 333_333, 2, 166_667 + 83_333]


def test_the_thresholds_are_parameters():
    sched = schedule(("A", "FA1", "2026-03-31", 100_000, "age_181_365", True))
    acts = journal(("2026-09-01", "A", "phone", "no_answer", "FA1"))               # 80 days before as-of
    strict = provision_evidence(sched, acts, AS_OF).iloc[0]
    assert strict[["no_formal_notice", "stale", "flagged"]].tolist() == [True, True, True]
    lenient = provision_evidence(sched, acts, AS_OF, EvidenceParams(require_formal_notice=False,
                                                                   recent_days=90)).iloc[0]
    assert lenient["flagged"] == False  # noqa: E712
