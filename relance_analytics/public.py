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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar, cast

import pandas as pd

from . import canonical
from .config import Buckets
from .dates import DateLike
from .metrics.disputes import DisputeSummary
from .money import euros, to_cents, to_euros

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
