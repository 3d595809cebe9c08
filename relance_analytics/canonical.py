"""The package's functions on canonical frames, money in integer cents (``*_cents``).

The notebooks, the call-list engine and code that keeps money in cents use these; an
analyst uses the same functions from ``relance_analytics`` itself, which take and give exact
euros (:mod:`relance_analytics.public`). Each function is documented in its own module."""

from .io import read_actions, read_contacts, read_customers, read_disputes, read_open_items, read_sales
from .metrics.aging import aged_balance, assign_buckets, bucket_shares, days_past_due, total_row
from .metrics.behaviour import payment_behaviour
from .metrics.collectors import (
    call_collections,
    collector_performance,
    collector_summary,
    collector_trend,
    reminder_to_payment,
)
from .metrics.d441 import payment_delays_table
from .metrics.disputes import dispute_summary
from .metrics.drift import drift
from .metrics.dso import cei, dso, dso_summary, dso_trend
from .metrics.enrich import attach_customers
from .metrics.forecast import backtest, cash_forecast, past_collections, wape
from .metrics.history import bucket_trend, roll_rate_history
from .metrics.insurance import insurance_status
from .metrics.payments import payments_from_fec, payments_from_snapshots
from .metrics.penalties import late_payment_penalties, paid_late_penalties
from .metrics.promises import broken_promise_counts, evaluate_promises
from .metrics.provision_evidence import evidence_totals, provision_evidence
from .metrics.provisions import provision_change, provision_totals, provisions
from .metrics.terms_compliance import terms_compliance, terms_vs_payments

#: Functions whose result is a bucket grid: every integer column but ``items`` is money,
#: named after its bucket (``not_due``, ``1-30``…, ``total``, ``overdue``).
GRIDS = ("aged_balance", "total_row", "bucket_trend")

__all__ = [
    "aged_balance", "assign_buckets", "attach_customers", "broken_promise_counts", "bucket_shares",
    "bucket_trend", "cei", "days_past_due", "dispute_summary", "drift", "dso", "dso_summary", "dso_trend",
    "evaluate_promises", "payment_delays_table", "provision_change", "provision_totals", "provisions",
    "read_actions", "read_contacts", "read_customers", "read_disputes", "read_open_items", "read_sales",
    "roll_rate_history", "terms_compliance", "terms_vs_payments", "total_row",
]
__all__ += ["call_collections", "collector_performance", "collector_trend", "reminder_to_payment"]
__all__ += ["backtest", "cash_forecast", "collector_summary", "insurance_status", "past_collections",
            "payment_behaviour", "wape"]
__all__ += ["evidence_totals", "late_payment_penalties", "paid_late_penalties", "payments_from_fec",
            "payments_from_snapshots", "provision_evidence"]
