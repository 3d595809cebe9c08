"""DSO (délai de paiement clients): count-back and ratio DSO, best possible DSO, average days
delinquent (ADD), collection effectiveness index (CEI); per scope and as a monthly trend.

Units and conventions
- Receivables are the open items' TTC amounts (int64 cents; credit notes and unapplied payments
  negative). "Not due" means days past due ≤ 0, as in the aged balance.
- Sales are monthly HT rows grossed up to TTC with each row's VAT rate (the default rate when a
  row has none), in integer cents rounded half away from zero per row.
- Daily model of sales: each month's sales are spread evenly over the days the sales file covers
  in that month. Every calendar day is covered, except in the month of ``sales_through`` (the last
  day the sales file covers; default: the as-of date), which is covered from the 1st to that day.
- As-of month: the count-back starts with the sales of the as-of month from the 1st to the as-of
  date and counts its elapsed days (``as_of.day``). With the default ``sales_through`` (sales
  extracted with the balance) that is the month-to-date row as given; when the sales file runs
  later (a past as-of recomputed with today's file) the row is prorated to ``as_of.day`` over
  the days it covers. As of a month end both readings give the whole month.
- Every month walked back must be in the sales file (a month with rows for at least one
  customer); a customer without a row in such a month had no sales. A month with no or net
  negative sales absorbs nothing and counts its full days. Receivables ≤ 0 give 0 days.
- Days are floats; amounts are int64 cents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Buckets, Settings
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..errors import (
    MissingColumnError,
    MissingSalesError,
    SettingsError,
    SnapshotMissing,
)
from .aging import aged_balance, group_keys
from .enrich import attach_customers

Method = Literal["countback", "ratio"]
Unit = Literal["months", "days"]
Errors = Literal["raise", "coerce"]
By = str | Sequence[str] | None

UNASSIGNED = vocab.UNASSIGNED
# the aged balance's label for a blank grouping value
SCOPE_NAMES = {"collector": "recouvreur", "segment": "segment", "customer_id": "client"}
METHODS = ("countback", "ratio")
UNITS = ("months", "days")


@dataclass(frozen=True)
class DsoParams:
    """DSO parameters (``[dso]`` section of ``relance.toml``; VAT from ``[vat] default_rate``).

    ``method``: ``"countback"`` (par épuisement, the French standard) or ``"ratio"``.
    ``ratio_period`` / ``ratio_unit``: the ratio method's window, the last N months or days up to
    the as-of date. ``cei_months``: the collection effectiveness index's period in months.
    ``default_vat_rate``: for sales rows without a VAT rate.
    """

    method: Method = "countback"
    ratio_period: int = 3
    ratio_unit: Unit = "months"
    cei_months: int = 3
    default_vat_rate: float = 0.20

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise SettingsError(f"[dso] method : l'une de {', '.join(METHODS)} attendue, lu {self.method!r}")
        if self.ratio_unit not in UNITS:
            raise SettingsError(f"[dso] ratio_unit : l'une de {', '.join(UNITS)} attendue, lu {self.ratio_unit!r}")
        for name in ("ratio_period", "cei_months"):
            if int(getattr(self, name)) < 1:
                raise SettingsError(f"[dso] {name} : un nombre entier positif attendu, lu {getattr(self, name)!r}")
            object.__setattr__(self, name, int(getattr(self, name)))
        if not 0 <= float(self.default_vat_rate) < 1:
            raise SettingsError(f"[vat] default_rate : un taux entre 0 et 1 attendu (0.20 pour 20 %), lu "
                                f"{self.default_vat_rate!r}")

    @classmethod
    def from_settings(cls, settings: Settings) -> DsoParams:
        """Parameters from ``[dso]`` (method, ratio_period, ratio_unit, cei_months) and ``[vat]``."""
        section = dict(settings.raw.get("dso", {}))
        known = {f.name for f in fields(cls)} - {"default_vat_rate"}
        unknown = sorted(set(section) - known)
        if unknown:
            raise SettingsError(f"relance.toml [dso] : clé inconnue {', '.join(unknown)} "
                                f"(clés connues : {', '.join(sorted(known))})")
        return cls(**section, default_vat_rate=settings.default_vat_rate)


def sales_ttc_cents(sales: pd.DataFrame, default_vat_rate: float = 0.20) -> np.ndarray:
    """Each sales row's TTC amount in int64 cents: HT × (1 + VAT rate), rounded half away from
    zero per row. Rates are used to 0.01 % precision (5.5 % is exact)."""
    ht = sales["sales_ht_cents"].to_numpy(dtype="int64")
    rate = pd.to_numeric(sales["vat_rate"], errors="coerce").fillna(default_vat_rate).to_numpy(dtype="float64")
    basis_points = np.rint(rate * 10_000).astype("int64")
    return ht + _round_div(ht * basis_points, 10_000)


def window_start(as_of: DateLike, period: int, unit: Unit = "months") -> pd.Timestamp:
    """First day of the window of ``period`` months or days ending on ``as_of`` (inclusive).

    Months: as of a month end, whole calendar months (31/03, 3 months → 01/01); otherwise from the
    day after the same date ``period`` months earlier (20/11, 3 months → 21/08)."""
    end = as_date(as_of)
    if unit == "days":
        return end - pd.Timedelta(days=period - 1)
    if end.is_month_end:
        return (end.to_period("M") - (period - 1)).start_time
    return end - pd.DateOffset(months=period) + pd.Timedelta(days=1)


def dso(items: pd.DataFrame, sales: pd.DataFrame, as_of: DateLike, method: Method | None = None,
        by: By = None, params: DsoParams = DsoParams(), *, customers: pd.DataFrame | None = None,
        sales_through: DateLike | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """DSO, best possible DSO and average days delinquent, in days (floats).

    ``method`` (default ``params.method``): ``"countback"`` walks back month by month from the as-of
    month, consuming each month's sales TTC until the receivables are exhausted (whole months count
    their days, the last one its prorated share); ``"ratio"`` is receivables / sales TTC of the
    window (``params.ratio_period`` months or days) × the window's days (NaN without sales).
    Best possible DSO is the same method on the not-due receivables; ADD = DSO − best possible DSO.

    ``by`` groups like :func:`~relance_analytics.aging.aged_balance` (``None`` = one row ``total``,
    ``"collector"``, ``"customer"``…). Sales are grouped the same way: a grouping column missing
    from ``sales`` is taken from ``customers`` by customer id. ``sales_through``: the last day the
    sales file covers (default ``as_of``; see the module notes).

    Returns one row per scope of the items (largest receivables first): ``receivables_cents``,
    ``not_due_cents``, ``overdue_cents`` (int64), ``dso``, ``best_possible_dso``,
    ``average_days_delinquent``; with the ratio method also ``period_sales_cents`` and
    ``period_days``; with ``errors="coerce"`` also ``missing_sales_month`` (NaT when complete).
    Raises :class:`MissingSalesError` (``errors="raise"``) when a scope needs a month absent from
    the sales file; ``"coerce"`` gives NaN days for that scope instead.
    """
    method = method or params.method
    require_single_currency(items, "DSO")
    if method not in METHODS:
        raise SettingsError(f"méthode de DSO : l'une de {', '.join(METHODS)} attendue, lu {method!r}")
    _check_errors(errors)
    as_of = as_date(as_of)
    balance = aged_balance(items, as_of, by=by, buckets=Buckets())
    keys = group_keys(items, by)
    grid = _SalesGrid.build(sales, keys, balance.index, customers, params, as_of, sales_through)
    receivables = balance["total"].to_numpy(dtype="int64")
    not_due = balance["not_due"].to_numpy(dtype="int64")
    out = pd.DataFrame({"receivables_cents": receivables, "not_due_cents": not_due,
                        "overdue_cents": balance["overdue"].to_numpy(dtype="int64")}, index=balance.index)
    missing_months: list[pd.Period] = []
    if method == "countback":
        label = "DSO par épuisement"
        total, missing = _countback(grid, receivables, as_of)
        best, missing_best = _countback(grid, not_due, as_of)
    else:
        label = "DSO par ratio"
        start = window_start(as_of, params.ratio_period, params.ratio_unit)
        period_sales, missing_months = grid.window_total(start, as_of)
        period_days = (as_of - start).days + 1
        total, missing = _ratio(receivables, period_sales, period_days, missing_months)
        best, missing_best = _ratio(not_due, period_sales, period_days, missing_months)
    gaps = _first_missing(missing, missing_best)
    if errors == "raise":
        _raise_first(gaps, grid, keys, balance.index, label, missing_months)
    out["dso"] = total
    out["best_possible_dso"] = best
    out["average_days_delinquent"] = total - best
    if method == "ratio":
        out["period_sales_cents"] = period_sales
        out["period_days"] = period_days
    if errors == "coerce":
        out["missing_sales_month"] = pd.to_datetime(
            [p.start_time if p is not None else pd.NaT for p in gaps]).astype("datetime64[s]")
    out.attrs.update({"method": method, "as_of": as_of, "sales_through": grid.through})
    return out


def cei(beginning: pd.DataFrame, items: pd.DataFrame, sales: pd.DataFrame, as_of: DateLike, by: By = None,
        params: DsoParams = DsoParams(), *, customers: pd.DataFrame | None = None,
        sales_through: DateLike | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """Collection effectiveness index over ``params.cei_months`` (N) months ending on ``as_of``.

    CEI = (B + S/N − E) / (B + S/N − Ec) × 100, with B the receivables at the start of the period
    (``beginning``: the open items of that date), S the sales TTC of the N-month window
    (:func:`window_start`), E the ending receivables and Ec the ending not-due receivables; S/N is
    the average monthly credit sales (computed exactly as N·B + S − N·E over N·B + S − N·Ec).
    100 % = everything collectable was collected. NaN when the denominator is ≤ 0.

    One row per scope found in either snapshot: ``beginning_cents``, ``cei_sales_cents``,
    ``ending_cents``, ``ending_current_cents`` (int64 cents) and ``cei`` (percent, float).
    """
    _check_errors(errors)
    as_of = as_date(as_of)
    end = aged_balance(items, as_of, by=by, buckets=Buckets())
    begin = aged_balance(beginning, as_of, by=by, buckets=Buckets())["total"]   # only its totals are used
    index = end.index.append(begin.index.difference(end.index, sort=False))
    keys = group_keys(items, by)
    grid = _SalesGrid.build(sales, keys, index, customers, params, as_of, sales_through)
    start = window_start(as_of, params.cei_months, "months")
    period_sales, missing_months = grid.window_total(start, as_of)
    b = begin.reindex(index, fill_value=0).to_numpy(dtype="int64")
    e = end["total"].reindex(index, fill_value=0).to_numpy(dtype="int64")
    ec = end["not_due"].reindex(index, fill_value=0).to_numpy(dtype="int64")
    n = params.cei_months
    if missing_months and errors == "raise":
        _raise_first([missing_months[0]] * len(index), grid, keys, index, "CEI", missing_months)
    value = _share(n * b + period_sales - n * e, n * b + period_sales - n * ec) * 100
    if missing_months:      # errors="coerce": the period's sales are unknown
        value = np.full(len(index), np.nan)
    out = pd.DataFrame({"beginning_cents": b, "cei_sales_cents": period_sales, "ending_cents": e,
                        "ending_current_cents": ec, "cei": value}, index=index)
    out.attrs.update({"as_of": as_of, "window_start": start, "months": n})
    return out


class Snapshots(Protocol):
    """What the trend needs from a snapshot store: its dates and one snapshot per date."""

    def dates(self) -> list[pd.Timestamp]: ...

    def read(self, as_of: DateLike) -> pd.DataFrame: ...


@dataclass(frozen=True)
class _MappingSnapshots:
    frames: Mapping[pd.Timestamp, pd.DataFrame]

    def dates(self) -> list[pd.Timestamp]:
        return sorted(self.frames)

    def read(self, as_of: DateLike) -> pd.DataFrame:
        return self.frames[as_date(as_of)]


def _as_snapshots(source: Snapshots | Mapping[DateLike, pd.DataFrame]) -> Snapshots:
    if isinstance(source, Mapping):
        return _MappingSnapshots({as_date(k): v for k, v in source.items()})
    return source


def cei_beginning(dates: Sequence[pd.Timestamp], as_of: DateLike, months: int) -> pd.Timestamp | None:
    """The snapshot date giving the CEI's beginning receivables: the last one on or before the day
    before the window's first day (``None`` if the history does not reach back that far)."""
    edge = window_start(as_of, months, "months") - pd.Timedelta(days=1)
    earlier = [d for d in dates if d <= edge]
    return max(earlier) if earlier else None


def dso_summary(snapshots: Snapshots | Mapping[DateLike, pd.DataFrame], as_of: DateLike, sales: pd.DataFrame,
                customers: pd.DataFrame, by: By = None, params: DsoParams = DsoParams(), *,
                sales_through: DateLike | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """:func:`dso` (``params.method``) of the ``as_of`` snapshot with its CEI.

    Customers are attached to each snapshot. Adds ``beginning_as_of`` (the snapshot used, see
    :func:`cei_beginning`), ``beginning_cents``, ``cei_sales_cents`` and ``cei``; these are NaT/NA/NaN
    when the history is too short. Rows are the scopes of the as-of snapshot.
    """
    store = _as_snapshots(snapshots)
    as_of = as_date(as_of)
    items = attach_customers(store.read(as_of), customers)
    out = dso(items, sales, as_of, by=by, params=params, customers=customers,
              sales_through=sales_through, errors=errors)
    start = cei_beginning(store.dates(), as_of, params.cei_months)
    out["beginning_as_of"] = pd.Series(start, index=out.index, dtype="datetime64[s]")
    if start is None:
        for col in ("beginning_cents", "cei_sales_cents"):
            out[col] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["cei"] = np.nan
        return out
    beginning = attach_customers(store.read(start), customers)
    effectiveness = cei(beginning, items, sales, as_of, by=by, params=params, customers=customers,
                        sales_through=sales_through, errors=errors)
    for col in ("beginning_cents", "cei_sales_cents", "cei"):
        out[col] = effectiveness[col].reindex(out.index)
    return out


def month_end_dates(dates: Sequence[pd.Timestamp]) -> list[pd.Timestamp]:
    """The last date of each month in ``dates`` (oldest first)."""
    last: dict[pd.Period, pd.Timestamp] = {}
    for d in sorted(dates):
        last[d.to_period("M")] = d
    return list(last.values())


def dso_trend(snapshots: Snapshots | Mapping[DateLike, pd.DataFrame], sales: pd.DataFrame, customers: pd.DataFrame,
              params: DsoParams = DsoParams(), *, by: By = None, until: DateLike | None = None,
              sales_through: DateLike | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """Monthly DSO trend: :func:`dso_summary` of the last snapshot of each month up to ``until``.

    ``snapshots``: a :class:`~relance_analytics.store.SnapshotStore` or a ``{date: items}`` mapping.
    ``sales_through`` defaults to the latest date used (the sales file is taken as extracted with
    the latest balance). One row per month (and scope when ``by`` is given), oldest first, with
    columns ``as_of``, ``month`` (first day), the grouping columns, then :func:`dso_summary`'s.
    """
    store = _as_snapshots(snapshots)
    dates = [d for d in store.dates() if until is None or d <= as_date(until)]
    if not dates:
        raise SnapshotMissing("aucune balance intégrée pour calculer la tendance du DSO"
                              + (f" jusqu'au {as_date(until):%d/%m/%Y}" if until else ""))
    through = as_date(sales_through) if sales_through is not None else dates[-1]
    rows = []
    for d in month_end_dates(dates):
        frame = dso_summary(store, d, sales, customers, by=by, params=params, sales_through=through, errors=errors)
        frame = frame.reset_index(drop=by is None)
        frame.insert(0, "month", d.to_period("M").start_time)
        frame.insert(0, "as_of", d)
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out[["as_of", "month"]] = out[["as_of", "month"]].astype("datetime64[s]")
    out.attrs.update({"method": params.method, "sales_through": through})
    return out


# --- internals -------------------------------------------------------------------------------

def _round_div(numerator: np.ndarray, denominator: np.ndarray | int) -> np.ndarray:
    """Integer division rounded half away from zero (int64; denominators > 0)."""
    num = np.asarray(numerator, dtype="int64")
    den = np.asarray(denominator, dtype="int64")
    return np.sign(num) * ((2 * np.abs(num) + den) // (2 * den))


@dataclass(frozen=True)
class _SalesGrid:
    """Monthly sales TTC per scope on a contiguous month axis, with the daily model."""

    values: np.ndarray          # scopes × months, int64 cents
    months: pd.PeriodIndex      # contiguous, oldest first
    present: np.ndarray         # the sales file has rows for that month
    through: pd.Timestamp

    @classmethod
    def build(cls, sales: pd.DataFrame, keys: list[str], index: pd.Index, customers: pd.DataFrame | None,
              params: DsoParams, as_of: pd.Timestamp, sales_through: DateLike | None) -> _SalesGrid:
        through = as_date(sales_through) if sales_through is not None else as_of
        month = pd.PeriodIndex(pd.to_datetime(sales["month"]), freq="M")
        frame = pd.DataFrame({"month": month, "ttc": sales_ttc_cents(sales, params.default_vat_rate)})
        sales_keys = [k for k in keys if k != "customer_name"]
        for k in sales_keys:
            frame[k] = _scope_column(sales, k, customers).to_numpy()
        if len(frame):
            months = pd.period_range(month.min(), month.max(), freq="M")
        else:
            months = pd.PeriodIndex([], freq="M")
        present = months.isin(month.unique())
        if sales_keys:
            table = frame.groupby([*sales_keys, "month"], sort=False)["ttc"].sum().unstack("month", fill_value=0)
            wanted = [index.get_level_values(k).astype("string") for k in sales_keys]
            rows = pd.MultiIndex.from_arrays(wanted) if len(wanted) > 1 else pd.Index(wanted[0])
            table = table.reindex(index=rows, columns=months, fill_value=0)
        else:
            sums = frame.groupby("month")["ttc"].sum().reindex(months, fill_value=0)
            table = pd.DataFrame(np.tile(sums.to_numpy(), (len(index), 1)), columns=months)
        return cls(table.to_numpy(dtype="int64").reshape(len(index), len(months)), months, present, through)

    @property
    def available(self) -> tuple[pd.Period, pd.Period] | None:
        return (self.months[0], self.months[-1]) if len(self.months) else None

    def usable(self, p: pd.Period) -> bool:
        """The month is in the sales file and the file covers at least one of its days."""
        i = self._position(p)
        return i is not None and bool(self.present[i]) and p <= self.through.to_period("M")

    def _position(self, p: pd.Period) -> int | None:
        i = p.ordinal - self.months.asi8[0] if len(self.months) else -1
        return int(i) if 0 <= i < len(self.months) else None

    def window(self, start: pd.Timestamp, end: pd.Timestamp) -> tuple[np.ndarray, np.ndarray, list[pd.Period]]:
        """Sales TTC of each scope and month within [start, end] (scopes × months, int64 cents), the
        days of each month within the window, and the months missing from the file."""
        span = pd.period_range(start, end, freq="M")
        missing = [p for p in span if not self.usable(p)]
        if missing:
            return np.zeros((len(self.values), 0), dtype="int64"), np.zeros(0, dtype="int64"), missing
        cols = np.array([self._position(p) for p in span], dtype="int64")   # (every month usable: found)
        days = np.array([(min(end, p.end_time.normalize()) - max(start, p.start_time)).days + 1
                         for p in span], dtype="int64")
        through_month = self.through.to_period("M")
        covered = np.array([self.through.day if p == through_month else p.days_in_month for p in span], dtype="int64")
        return _round_div(self.values[:, cols] * days, covered), days, missing

    def window_total(self, start: pd.Timestamp, end: pd.Timestamp) -> tuple[np.ndarray, list[pd.Period]]:
        """Sales TTC of each scope over [start, end] (int64 cents) and the months missing from the file."""
        values, _, missing = self.window(start, end)
        return values.sum(axis=1).astype("int64"), missing


def _scope_column(sales: pd.DataFrame, key: str, customers: pd.DataFrame | None) -> pd.Series:
    """The grouping value of each sales row: from the sales frame, else from the customers file."""
    if key in sales.columns:
        values = sales[key]
    elif customers is not None and key in customers.columns:
        ref = customers.set_index(customers["customer_id"].astype("string"))[key]
        values = sales["customer_id"].astype("string").map(ref)
    else:
        raise MissingColumnError(f"impossible de regrouper les ventes par {key!r} : "
                                 "les ventes n'ont pas cette colonne ; "
                                 f"passez customers=… (le fichier clients) pour rattacher les ventes de chaque client "
                                 f"à son {key}", key)
    return values.astype("string").fillna(UNASSIGNED)


def _countback(grid: _SalesGrid, receivables: np.ndarray,
               as_of: pd.Timestamp) -> tuple[np.ndarray, list[pd.Period | None]]:
    """Count-back days per scope (NaN when the sales run out) and the month it would need next."""
    current = as_of.to_period("M")
    first = current
    while grid.usable(first):
        first -= 1
    if first == current:
        sales, days = np.zeros((len(receivables), 0), dtype="int64"), np.zeros(0, dtype="int64")
    else:
        sales, days, _ = grid.window((first + 1).start_time, as_of)
    result = _walk_back(receivables, np.clip(sales[:, ::-1], 0, None), days[::-1])
    return result, [first if np.isnan(x) else None for x in result]


def _walk_back(receivables: np.ndarray, sales: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Consume ``sales`` (scopes × months, most recent first, ≥ 0) until each receivable is
    exhausted: days of the whole months + the last month's prorated share; NaN if never exhausted."""
    n, k = sales.shape
    out = np.full(n, np.nan)
    out[receivables <= 0] = 0.0
    if k == 0:
        return out
    cumulative = np.cumsum(sales, axis=1)
    reached = cumulative >= receivables[:, None]
    rows = np.flatnonzero(reached.any(axis=1) & (receivables > 0))
    j = reached[rows].argmax(axis=1)
    before = np.where(j > 0, cumulative[rows, np.maximum(j - 1, 0)], 0)
    days_before = np.concatenate([[0], np.cumsum(days)])[j]
    out[rows] = days_before + (receivables[rows] - before) / sales[rows, j] * days[j]
    return out


def _ratio(receivables: np.ndarray, period_sales: np.ndarray, period_days: int,
           missing_months: list[pd.Period]) -> tuple[np.ndarray, list[pd.Period | None]]:
    """Receivables / period sales × period days; 0 when receivables ≤ 0, NaN without sales."""
    positive = receivables > 0
    if missing_months:
        out = np.where(positive, np.nan, 0.0)
        return out, [missing_months[0] if p else None for p in positive]
    return np.where(positive, _share(receivables, period_sales) * period_days, 0.0), [None] * len(receivables)


def _share(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as floats; NaN where the denominator is ≤ 0."""
    positive = denominator > 0
    return np.where(positive, numerator / np.where(positive, denominator, 1), np.nan)


def _check_errors(errors: str) -> None:
    if errors not in ("raise", "coerce"):
        raise SettingsError(f"errors : 'raise' ou 'coerce' attendu, lu {errors!r}")


def _first_missing(*lists: list[pd.Period | None]) -> list[pd.Period | None]:
    """Per scope, the most recent month missing for any of the metrics (the one to add first)."""
    out = []
    for months in zip(*lists):
        found = [m for m in months if m is not None]
        out.append(max(found) if found else None)
    return out


def _raise_first(gaps: list[pd.Period | None], grid: _SalesGrid, keys: list[str], index: pd.Index,
                 metric: str, missing: Sequence[pd.Period] = ()) -> None:
    for pos, month in enumerate(gaps):
        if month is not None:
            raise MissingSalesError(month, _scope_label(keys, index[pos]), metric, grid.available, list(missing))


def _scope_label(keys: list[str], value: object) -> str:
    """``l'ensemble du portefeuille``, ``recouvreur 'Claire Martin'``, ``client C0001 (Alpha SA)``…"""
    if not keys:
        return "l'ensemble du portefeuille"
    values = value if isinstance(value, tuple) else (value,)
    named = dict(zip(keys, values))
    if "customer_id" in named and set(named) <= {"customer_id", "customer_name"}:
        name = f" ({named['customer_name']})" if named.get("customer_name") else ""
        return f"client {named['customer_id']}{name}"
    return ", ".join(f"{SCOPE_NAMES.get(k, k)} {v!r}" for k, v in named.items())
