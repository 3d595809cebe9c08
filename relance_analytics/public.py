"""The analyst's face of the package: the functions of :mod:`relance_analytics.canonical`,
taking and giving exact euros.

Every money column an analyst reads is ``decimal128(18, 2)`` euros
(:data:`relance_analytics.money.EURO`): ``amount_eur``, ``provision_eur``…, and the bucket
columns of the aged-balance grids. Frames passed in may hold euros (what these functions
return) or the canonical cents (``*_cents``, e.g. a snapshot read from
:class:`~relance_analytics.store.SnapshotStore`); amounts are converted exactly both ways,
and an amount with a fraction of a cent is refused
(:class:`~relance_analytics.errors.MoneyError`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, ParamSpec, TypeVar, cast

import pandas as pd

from . import canonical
from .config import Buckets
from .dates import DateLike
from .metrics.d441 import CONTRACTUAL_TERMS, Basis, Errors, PaymentDelaysTable, official_layout
from .metrics.disputes import DisputeSummary
from .metrics.forecast import CashForecast, ForecastParams
from .metrics.insurance import Insurance
from .metrics.penalties import Penalties
from .metrics.terms_compliance import PaymentTermCaps, TermsCompliance
from .money import euros, to_cents, to_euros
from .report import legal_tables
from .store import SnapshotStore

P = ParamSpec("P")
T = TypeVar("T")

_NOTE = """
Public face (``relance_analytics``): money is exact euros (``decimal128(18, 2)``): each
``*_cents`` column named above is ``*_eur`` here, and bucket columns hold euros."""


def _incoming(value: Any) -> Any:
    """A frame argument in canonical cents (a mapping of frames too, e.g. snapshots by date)."""
    if isinstance(value, pd.DataFrame):
        return to_cents(value)
    if isinstance(value, Mapping) and value and all(isinstance(v, pd.DataFrame) for v in value.values()):
        return {k: to_cents(v) for k, v in value.items()}
    return value


def _grid_money(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c != "items" and pd.api.types.is_integer_dtype(frame[c])]


def _outgoing(result: Any, grid: bool) -> Any:
    if isinstance(result, pd.DataFrame):
        return to_euros(result, _grid_money(result) if grid else ())
    if isinstance(result, (Penalties, CashForecast, Insurance)):     # the same result, its frames in euros
        return dataclasses.replace(result, **{
            f.name: to_euros(getattr(result, f.name)) for f in dataclasses.fields(result)
            if isinstance(getattr(result, f.name), pd.DataFrame)})
    if isinstance(result, DisputeSummary):
        frames = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
                  if isinstance(getattr(result, f.name), pd.DataFrame)}
        return dataclasses.replace(result, **{
            name: to_euros(frame, list(frame.columns) if name == "by_type_and_bucket" else ())
            for name, frame in frames.items()})
    return result


def _in_euros(func: Callable[P, T]) -> Callable[P, T]:
    grid = func.__name__ in canonical.GRIDS

    @functools.wraps(func)
    def public(*args: P.args, **kwargs: P.kwargs) -> T:
        result = cast(Any, func)(*map(_incoming, args), **{k: _incoming(v) for k, v in kwargs.items()})
        return cast(T, _outgoing(result, grid))

    public.__doc__ = (func.__doc__ or "") + "\n" + _NOTE
    return public


read_open_items = _in_euros(canonical.read_open_items)
read_customers = _in_euros(canonical.read_customers)
read_contacts = _in_euros(canonical.read_contacts)
read_sales = _in_euros(canonical.read_sales)
read_disputes = _in_euros(canonical.read_disputes)
read_actions = _in_euros(canonical.read_actions)
aged_balance = _in_euros(canonical.aged_balance)
assign_buckets = _in_euros(canonical.assign_buckets)
bucket_shares = _in_euros(canonical.bucket_shares)
days_past_due = _in_euros(canonical.days_past_due)
total_row = _in_euros(canonical.total_row)
dispute_summary = _in_euros(canonical.dispute_summary)
dso = _in_euros(canonical.dso)
cei = _in_euros(canonical.cei)
dso_summary = _in_euros(canonical.dso_summary)
dso_trend = _in_euros(canonical.dso_trend)
attach_customers = _in_euros(canonical.attach_customers)
bucket_trend = _in_euros(canonical.bucket_trend)
roll_rate_history = _in_euros(canonical.roll_rate_history)
broken_promise_counts = _in_euros(canonical.broken_promise_counts)
evaluate_promises = _in_euros(canonical.evaluate_promises)
provision_totals = _in_euros(canonical.provision_totals)
provisions = _in_euros(canonical.provisions)
terms_vs_payments = _in_euros(canonical.terms_vs_payments)


@dataclass(frozen=True)
class DriftEuros:
    """The receivables drift between two snapshots in exact euros (the figures of
    :class:`~relance_analytics.metrics.drift.Drift`, as data).

    ``matrix``: the flow table (rows where the money was, columns where it went), euros;
    ``roll_rates`` (``base_eur``, ``rolled_eur``, ``rate``); ``bridge`` (``component``,
    ``eur``, ``measure``) from the previous to the current overdue; ``movements`` per item;
    ``conservation`` (``line``, ``eur``): previous total, each flow signed, current total;
    ``overdue_migration_eur``: what moved from an overdue bucket to an older one."""

    previous_as_of: pd.Timestamp
    current_as_of: pd.Timestamp
    buckets: Buckets
    matrix: pd.DataFrame
    roll_rates: pd.DataFrame
    bridge: pd.DataFrame
    movements: pd.DataFrame
    conservation: pd.DataFrame
    overdue_migration_eur: Decimal


def drift(previous: pd.DataFrame, current: pd.DataFrame, previous_as_of: DateLike, current_as_of: DateLike,
          buckets: Buckets | None = None) -> DriftEuros:
    """How the open items moved between two snapshots, in exact euros
    (:func:`relance_analytics.metrics.drift.drift`)."""
    d = canonical.drift(to_cents(previous), to_cents(current), previous_as_of, current_as_of, buckets)
    return DriftEuros(d.previous_as_of, d.current_as_of, d.buckets, to_euros(d.matrix, list(d.matrix.columns)),
                      to_euros(d.roll_rates), to_euros(d.bridge), to_euros(d.movements), to_euros(d.conservation),
                      euros([d.overdue_migration]).iloc[0])


@dataclass(frozen=True)
class ProvisionChangeEuros:
    """Dotation and reprise between two provision schedules, in exact euros (the figures of
    :class:`~relance_analytics.metrics.provisions.ProvisionChange`): ``by_customer`` (index
    customer_id: customer_name, ``previous_eur``, ``current_eur``, ``dotation_eur``,
    ``reprise_eur``) and ``total`` (one row, the same columns); previous + dotation − reprise =
    current on every row."""

    by_customer: pd.DataFrame
    total: pd.DataFrame

    @property
    def dotation_eur(self) -> Decimal:
        return Decimal(self.total["dotation_eur"].iloc[0])

    @property
    def reprise_eur(self) -> Decimal:
        return Decimal(self.total["reprise_eur"].iloc[0])


def provision_change(previous: pd.DataFrame, current: pd.DataFrame) -> ProvisionChangeEuros:
    """Dotation and reprise from the ``previous`` schedule to the ``current`` one, in exact euros
    (:func:`relance_analytics.metrics.provisions.provision_change`)."""
    change = canonical.provision_change(to_cents(previous), to_cents(current))
    return ProvisionChangeEuros(to_euros(change.by_customer), to_euros(change.total))


def terms_compliance(items: pd.DataFrame, caps: PaymentTermCaps | None = None) -> TermsCompliance:
    """Compliance with the legal payment terms (L441-10 I) of every invoice of ``items``, in exact
    euros (:func:`relance_analytics.metrics.terms_compliance.terms_compliance`): the same result,
    each ``*_cents`` column as ``*_eur``."""
    result = canonical.terms_compliance(to_cents(items), caps)
    return dataclasses.replace(result, invoices=to_euros(result.invoices), by_customer=to_euros(result.by_customer),
                               total=to_euros(result.total), left_out=to_euros(result.left_out))


@dataclass(frozen=True)
class PaymentDelaysTableEuros:
    """The D441-6 table in exact euros (the figures of
    :class:`~relance_analytics.metrics.d441.PaymentDelaysTable`): ``by_bucket`` (``invoices``,
    ``amount_eur``, ``turnover_share`` per bracket), :attr:`table` in the official layout,
    ``invoices`` (A), ``excluded`` (B), ``left_out`` (credit notes and unapplied payments by type) and
    ``left_out_items``; ``turnover_eur`` the fiscal year's turnover on ``basis``."""

    close_date: pd.Timestamp
    basis: str
    reference_terms: str
    period_start: pd.Timestamp
    turnover_eur: Decimal
    missing_sales_months: tuple[pd.Period, ...]
    by_bucket: pd.DataFrame
    invoices: pd.DataFrame
    excluded: pd.DataFrame
    left_out: pd.DataFrame
    left_out_items: pd.DataFrame

    @property
    def excluded_count(self) -> int:
        """(B) Number of invoices excluded (disputed at the close)."""
        return len(self.excluded)

    @property
    def excluded_eur(self) -> Decimal:
        """(B) Their total amount on the table's basis."""
        return Decimal(self.excluded["amount_eur"].sum())

    @property
    def table(self) -> pd.DataFrame:
        """(A) in the official layout: rows ``invoices``, ``amount_eur``, ``turnover_share``; columns
        ``not_due`` (0 jour, indicatif), ``1-30``, ``31-60``, ``61-90``, ``over_90``, ``total_overdue``."""
        return official_layout(self.by_bucket)


def payment_delays_table(items: pd.DataFrame, close_date: DateLike, sales: pd.DataFrame,
                         disputes: pd.DataFrame | None = None, basis: Basis = "TTC", *,
                         reference_terms: str = CONTRACTUAL_TERMS, fiscal_year_start: DateLike | None = None,
                         default_vat_rate: float = 0.20, errors: Errors = "raise") -> PaymentDelaysTableEuros:
    """The D441-6 table of the issued invoices at the fiscal close, in exact euros
    (:func:`relance_analytics.metrics.d441.payment_delays_table`)."""
    t = canonical.payment_delays_table(to_cents(items), close_date, to_cents(sales),
                                       None if disputes is None else to_cents(disputes), basis,
                                       reference_terms=reference_terms, fiscal_year_start=fiscal_year_start,
                                       default_vat_rate=default_vat_rate, errors=errors)
    return PaymentDelaysTableEuros(t.close_date, t.basis, t.reference_terms, t.period_start,
                                   euros([t.turnover_cents]).iloc[0], t.missing_sales_months, to_euros(t.by_bucket),
                                   to_euros(t.invoices), to_euros(t.excluded), to_euros(t.left_out),
                                   to_euros(t.left_out_items))


def _delays_in_cents(table: PaymentDelaysTable | PaymentDelaysTableEuros) -> PaymentDelaysTable:
    if isinstance(table, PaymentDelaysTable):
        return table
    return PaymentDelaysTable(table.close_date, table.basis, table.reference_terms, table.period_start,
                              int(Decimal(table.turnover_eur).scaleb(2)), table.missing_sales_months,
                              to_cents(table.by_bucket), to_cents(table.invoices), to_cents(table.excluded),
                              to_cents(table.left_out), to_cents(table.left_out_items))


def write_payment_delays(path: str | Path, table: PaymentDelaysTable | PaymentDelaysTableEuros, *,
                         title: str | None = None, notes: Sequence[str] = ()) -> Path:
    """Write the D441-6 table (euros or cents) as an .xlsx in the official layout
    (:func:`relance_analytics.report.legal_tables.write_payment_delays`)."""
    return legal_tables.write_payment_delays(path, _delays_in_cents(table), title=title, notes=notes)


collector_performance = _in_euros(canonical.collector_performance)
call_collections = _in_euros(canonical.call_collections)
reminder_to_payment = _in_euros(canonical.reminder_to_payment)
#: only selects rows and columns: takes the euros of ``collector_performance`` as they are
collector_trend = canonical.collector_trend
#: Late-payment penalties (L441-10, D441-5): ``items`` and ``by_customer`` with ``amount_eur``,
#: ``penalty_eur``, ``indemnity_eur`` (``total_eur`` per customer); the payments they run on and the
#: evidence behind the provisions (CGI 39-1-5°), in exact euros.
late_payment_penalties = _in_euros(canonical.late_payment_penalties)
paid_late_penalties = _in_euros(canonical.paid_late_penalties)
payments_from_snapshots = _in_euros(canonical.payments_from_snapshots)
payments_from_fec = _in_euros(canonical.payments_from_fec)
provision_evidence = _in_euros(canonical.provision_evidence)
evidence_totals = _in_euros(canonical.evidence_totals)
#: Payment habits, the cash-in forecast and its backtest, credit insurance (issue « Know each payer »):
#: ``paid_eur`` per customer; the forecast's ``expected_eur``, ``low_eur``, ``high_eur`` per week and
#: ``amount_eur`` per invoice; the backtest's ``forecast_eur``, ``baseline_eur``, ``actual_eur``.
payment_behaviour = _in_euros(canonical.payment_behaviour)
backtest = _in_euros(canonical.backtest)
past_collections = _in_euros(canonical.past_collections)
insurance_status = _in_euros(canonical.insurance_status)
collector_summary = _in_euros(canonical.collector_summary)
wape = canonical.wape
_cash_forecast = _in_euros(canonical.cash_forecast)


def cash_forecast(store: SnapshotStore | Mapping[pd.Timestamp, pd.DataFrame], as_of: DateLike,
                  horizon_weeks: int = 13, *, payments: pd.DataFrame | None = None,
                  customers: pd.DataFrame | None = None, promises: pd.DataFrame | None = None,
                  disputes: pd.DataFrame | None = None, params: ForecastParams | None = None) -> CashForecast:
    """The cash-in forecast of the invoices open at ``as_of`` for the next ``horizon_weeks`` weeks,
    in exact euros (:func:`relance_analytics.metrics.forecast.cash_forecast`): ``weeks`` (one row a
    week: ``start``, ``end``, ``expected_eur``, ``low_eur``, ``high_eur``), ``items`` (the invoices
    behind each week, with their expected date and its basis) and ``totals`` (``open_eur`` =
    ``forecast_eur`` + ``later_eur`` + ``outside_eur``). ``store``: a
    :class:`~relance_analytics.store.SnapshotStore` (its snapshots up to ``as_of`` are read) or
    snapshots by date."""
    snapshots = store.up_to(as_of) if isinstance(store, SnapshotStore) else store
    return _cash_forecast(snapshots, as_of, horizon_weeks, payments, customers, promises, disputes, params)

