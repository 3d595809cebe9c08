"""relance_analytics: receivables analytics and collection call lists for French B2B credit managers.

Public API (stable)::

    import relance_analytics as ra
    items = ra.read_open_items("exports/balance_2026-11-20.xlsx", mapping="sage")
    ra.aged_balance(items, as_of="2026-11-20", by="collector")

Money is integer cents (``*_cents`` columns); dates are ``datetime64[s]`` at midnight.
"""

from importlib import metadata

from .config import Buckets, Settings
from .errors import MissingSalesError
from .ingest import ingest_file, ingest_folder
from .io import (
    ExportError,
    InputError,
    Problem,
    ReconciliationError,
    preset_names,
    read_actions,
    read_contacts,
    read_customers,
    read_disputes,
    read_open_items,
    read_sales,
)
from .journal import Journal
from .metrics.aging import aged_balance, assign_buckets, bucket_shares, days_past_due, total_row
from .metrics.disputes import dispute_summary
from .metrics.drift import Drift, drift
from .metrics.dso import DsoParams, cei, dso, dso_summary, dso_trend
from .metrics.enrich import attach_customers
from .metrics.history import bucket_trend, roll_rate_history
from .metrics.promises import broken_promise_counts, evaluate_promises
from .metrics.provisions import ProvisionRules, provision_change, provision_totals, provisions
from .store import SnapshotStore

__all__ = [
    "Buckets", "Drift", "DsoParams", "ExportError", "MissingSalesError", "InputError", "Journal", "Problem",
    "ProvisionRules",
    "ReconciliationError", "Settings", "SnapshotStore", "aged_balance", "assign_buckets",
    "attach_customers", "broken_promise_counts", "bucket_shares", "bucket_trend", "cei", "days_past_due",
    "dispute_summary", "drift", "dso",
    "dso_summary", "dso_trend",
    "evaluate_promises", "ingest_file", "ingest_folder", "preset_names", "provision_change",
    "provision_totals", "provisions", "read_actions", "read_contacts", "read_customers",
    "read_disputes", "read_open_items", "read_sales", "roll_rate_history", "total_row",
]
try:
    __version__ = metadata.version("relance-analytics")
except metadata.PackageNotFoundError:        # a source tree that was never installed
    __version__ = "0+unknown"
