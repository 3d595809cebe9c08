"""What a report notebook starts from: settings, the as-of snapshot and the reference files.

Notebooks call :func:`load_context` once after their parameters cell, so each stays a few
lines of calls and charts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.io as pio

from .config import Buckets, Settings
from .dates import as_date
from .errors import ReconciliationFailure
from .io.tables import read_customers
from .metrics.enrich import attach_customers
from .store import SnapshotStore


@dataclass(frozen=True)
class Reconciliation:
    """The total against the export: ``status`` ``matched`` (equal to the « Total général » to
    the cent), ``no_control`` (the export has no total row) or ``converted`` (amounts of other
    currencies converted at ``rates``, each currency reconciled with its own ``control_totals``
    before conversion)."""

    status: str
    total_cents: int
    control_cents: int | None
    control_totals: dict[str, int]
    rates: dict[str, str]


@dataclass(frozen=True)
class Context:
    """Inputs of one report run."""

    settings: Settings
    buckets: Buckets
    as_of: pd.Timestamp
    store: SnapshotStore
    items: pd.DataFrame              # the as-of snapshot with the customers' attributes attached
    customers: pd.DataFrame
    data_dir: Path
    output_dir: Path

    @property
    def control_total_cents(self) -> int | None:
        """The export's "Total général" (cents), ``None`` when the export had no total row or
        its amounts were converted from other currencies (each reconciled with its own total)."""
        value = self.store.meta(self.as_of).get("control_total_cents")
        return None if value is None else int(value)

    def reconciliation(self, total_cents: int) -> Reconciliation:
        """How the computed total stands against the export's control total(s); raises
        :class:`~relance_analytics.errors.ReconciliationFailure` if they differ by a cent."""
        meta = self.store.meta(self.as_of)
        conversion = dict(meta.get("conversion") or {})
        totals = dict(meta.get("control_totals_cents") or {})
        if conversion:
            return Reconciliation("converted", int(total_cents), None, totals, conversion)
        control = self.control_total_cents
        if control is None:
            return Reconciliation("no_control", int(total_cents), None, totals, {})
        if int(total_cents) != control:
            raise ReconciliationFailure(int(total_cents), control)
        return Reconciliation("matched", int(total_cents), control, totals, {})


def setup_plotly() -> None:
    """Figures as plotly's JSON mimetype only (``application/vnd.plotly.v1+json``): JupyterLab,
    Notebook 7 and VS Code draw it with their own plotly (the ``jupyterlab-plotly`` extension ships
    with the plotly package), so an executed notebook carries each figure's data, not a 4.8 MB copy
    of plotly.js. The weekly run's HTML export turns each figure into a chart drawn by the report's
    one shared ``plotly.min.js``."""
    pio.renderers.default = "plotly_mimetype"


def load_context(data_dir: str | Path, workspace: str | Path, as_of: str | None = None,
                 output_dir: str | Path = "reports/latest", bucket_edges: list[int] | None = None) -> Context:
    """Load settings (``relance.toml``), the snapshot of ``as_of`` (default: latest) and customers."""
    setup_plotly()
    data_dir = Path(data_dir)
    settings = Settings.load(data_dir / "relance.toml")
    buckets = Buckets(tuple(bucket_edges)) if bucket_edges else settings.buckets
    store = SnapshotStore(Path(workspace))
    date = as_date(as_of) if as_of else store.latest()
    customers = read_customers(data_dir / "customers.xlsx")
    items = attach_customers(store.read(date), customers)
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    return Context(settings, buckets, date, store, items, customers, data_dir, output)
