"""relance_analytics: receivables analytics and collection call lists for French B2B credit managers.

Public API (stable)::

    import relance_analytics as ra
    items = ra.read_open_items("exports/balance_2026-11-20.xlsx", mapping="sage")
    ra.show(ra.aged_balance(items, as_of="2026-11-20"))

Money is exact euros: ``decimal128(18, 2)`` columns named ``*_eur`` (and the bucket columns
of the aged-balance grids); :mod:`relance_analytics.canonical` has the same functions on
the canonical frames in integer cents. Dates are ``datetime64[s]`` at midnight.
"""

from importlib import metadata

from .config import Buckets, Settings
from .errors import FrameContractError, MissingSalesError, MoneyError, RelanceError
from .ingest import ingest_file, ingest_folder
from .io import ExportError, InputError, Problem, ReconciliationError, preset_names
from .journal import Journal
from .metrics.behaviour import BehaviourParams
from .metrics.collectors import CollectorParams
from .metrics.dso import DsoParams
from .metrics.forecast import CashForecast, ForecastParams
from .metrics.insurance import Insurance, InsurancePolicy
from .metrics.penalties import PenaltyParams
from .metrics.provision_evidence import EvidenceParams
from .metrics.provisions import ProvisionRules
from .metrics.terms_compliance import PaymentTermCaps
from .money import EURO, to_cents, to_euros
from .public import (
    DriftEuros,
    PaymentDelaysTableEuros,
    ProvisionChangeEuros,
    aged_balance,
    assign_buckets,
    attach_customers,
    backtest,
    broken_promise_counts,
    bucket_shares,
    bucket_trend,
    call_collections,
    cash_forecast,
    cei,
    collector_performance,
    collector_summary,
    collector_trend,
    days_past_due,
    dispute_summary,
    drift,
    dso,
    dso_summary,
    dso_trend,
    evaluate_promises,
    evidence_totals,
    insurance_status,
    late_payment_penalties,
    paid_late_penalties,
    past_collections,
    payment_behaviour,
    payment_delays_table,
    payments_from_fec,
    payments_from_snapshots,
    provision_change,
    provision_evidence,
    provision_totals,
    provisions,
    read_actions,
    read_contacts,
    read_customers,
    read_disputes,
    read_open_items,
    read_sales,
    reminder_to_payment,
    roll_rate_history,
    terms_compliance,
    terms_vs_payments,
    total_row,
    wape,
    write_payment_delays,
)
from .report.display import show
from .store import SnapshotStore

__all__ = [
    "Buckets", "DriftEuros", "DsoParams", "EURO", "ExportError", "FrameContractError", "InputError", "Journal",
    "MissingSalesError", "MoneyError", "PaymentDelaysTableEuros", "PaymentTermCaps", "Problem",
    "ProvisionChangeEuros", "ProvisionRules", "ReconciliationError", "RelanceError", "Settings", "SnapshotStore",
    "aged_balance", "assign_buckets", "attach_customers", "broken_promise_counts", "bucket_shares", "bucket_trend",
    "cei", "days_past_due", "dispute_summary", "drift", "dso", "dso_summary", "dso_trend", "evaluate_promises",
    "ingest_file", "ingest_folder", "payment_delays_table", "preset_names", "provision_change", "provision_totals",
    "provisions", "read_actions", "read_contacts", "read_customers", "read_disputes", "read_open_items",
    "read_sales", "roll_rate_history", "show", "terms_compliance", "terms_vs_payments", "to_cents", "to_euros",
    "total_row", "write_payment_delays",
]
__all__ += ["CollectorParams", "call_collections", "collector_performance", "collector_trend",
            "reminder_to_payment"]
__all__ += ["EvidenceParams", "PenaltyParams", "evidence_totals", "late_payment_penalties",
            "paid_late_penalties", "payments_from_fec", "payments_from_snapshots", "provision_evidence"]
__all__ += ["BehaviourParams", "CashForecast", "ForecastParams", "Insurance", "InsurancePolicy", "backtest",
            "cash_forecast", "collector_summary", "insurance_status", "past_collections", "payment_behaviour", "wape"]
try:
    __version__ = metadata.version("relance-analytics")
except metadata.PackageNotFoundError:        # a source tree that was never installed
    __version__ = "0+unknown"
