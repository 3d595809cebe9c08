"""Late-payment penalties and the fixed recovery indemnity (Code de commerce L441-10, D441-5).

Per late invoice at a date ``on`` (the as-of date, or the day it was paid):

* days late = ``on`` − due date, counted from the day after the due date;
* penalty = open amount TTC × Σ over half-years (rate of the half-year × days late falling in
  it) / 365, rounded half-up to the cent once per invoice;
* plus the fixed indemnity of 40 € per late invoice. Credit notes and unapplied payments carry
  none.

The rate of a half-year is the ECB main refinancing rate in force on its first day (1 January
or 1 July) + 10 points; a contractual rate (general, or per customer) replaces it but never
below three times the legal interest rate for professionals of that half-year (the floor is
then applied and the invoice flagged). A half-year the rate table does not reach takes the
last known rate and is reported (``estimated``): never silently.

Rates are exact: percent strings read as :class:`~decimal.Decimal`, held in millionths
(12.15 % = 121 500); amounts in integer cents.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ..config import Settings
from ..dates import DateLike, as_date
from ..errors import MissingColumnError, SettingsError

MILLION = 1_000_000
DAYS_IN_YEAR = 365
INDEMNITY_CENTS = 4_000           # D441-5: 40 € per late invoice
MARGIN = 10 * MILLION // 100      # L441-10: ECB rate + 10 points (in millionths)
FLOOR_MULTIPLE = 3                # L441-10: a contractual rate is at least 3 × the legal interest rate
ECB_FILE = "ecb_main_refinancing.csv"
LEGAL_FILE = "legal_interest_professionals.csv"
RateSource: TypeAlias = str | Path | pd.DataFrame | None


def rate_millionths(percent: object, what: str = "taux") -> int:
    """``"12.15"`` (percent) as 121 500 millionths, exactly; more than four decimals is refused."""
    try:
        value = Decimal(str(percent).strip().replace(",", ".")) * 10_000
    except InvalidOperation:
        raise SettingsError(f"{what} illisible : {percent!r} ; attendu un pourcentage comme 12.15") from None
    if value != value.to_integral_value():
        raise SettingsError(f"{what} {percent!r} : au plus quatre décimales (en pourcentage)")
    return int(value)


def load_rates(source: RateSource, default: str, column: str) -> pd.DataFrame:
    """A half-yearly rate table (``start``, ``rate`` in millionths), sorted, from a CSV path, a
    frame (``start`` and ``column`` or ``rate``), or the table shipped with the package."""
    if source is None:
        with resources.files("relance_analytics.rates").joinpath(default).open(encoding="utf-8") as fh:
            frame = pd.read_csv(fh, dtype=str)
    elif isinstance(source, pd.DataFrame):
        frame = source.astype(dict.fromkeys(source.columns, str))
    else:
        frame = pd.read_csv(Path(source), dtype=str)
    name = column if column in frame.columns else "rate"
    if "start" not in frame.columns or name not in frame.columns:
        raise SettingsError(f"table de taux {source!s} : colonnes « start » et « {column} » attendues, lues : "
                            f"{', '.join(map(str, frame.columns))}")
    starts = pd.to_datetime(frame["start"], format="%Y-%m-%d", errors="coerce")
    bad = starts.isna() | ~(starts.dt.day == 1) | ~starts.dt.month.isin([1, 7])
    if bad.any():
        raise SettingsError(f"table de taux {source!s} : « start » doit être un 1er janvier ou un 1er juillet "
                            f"(AAAA-01-01 ou AAAA-07-01), lu {frame['start'][bad].iloc[0]!r}")
    out = pd.DataFrame({"start": starts.astype("datetime64[s]"),
                        "rate": [rate_millionths(v, f"table de taux {source!s}") for v in frame[name]]})
    if out["start"].duplicated().any():
        raise SettingsError(f"table de taux {source!s} : un semestre figure deux fois")
    return out.sort_values("start", ignore_index=True)


@dataclass(frozen=True)
class PenaltyParams:
    """What the penalties are computed with (rates in millionths, amounts in cents).

    ``contractual``: a general contractual rate replacing ECB + 10 points (``None``: the legal
    rate); ``customer_rates``: contractual rates per customer id, over the general one."""

    ecb: pd.DataFrame = field(default_factory=lambda: load_rates(None, ECB_FILE, "ecb_rate"))
    legal: pd.DataFrame = field(default_factory=lambda: load_rates(None, LEGAL_FILE, "legal_rate"))
    contractual: int | None = None
    customer_rates: Mapping[str, int] = field(default_factory=dict)
    indemnity_cents: int = INDEMNITY_CENTS

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> PenaltyParams:
        """From ``[legal]`` of ``relance.toml``: ``ecb_rates`` / ``legal_rates`` (CSV paths replacing
        the shipped tables), ``penalty_rate`` (contractual, percent) and
        ``[legal.customer_penalty_rates]`` (customer id = percent)."""
        raw = settings.raw if isinstance(settings, Settings) else settings
        table = dict(raw.get("legal", {}))
        return cls(
            ecb=load_rates(table.get("ecb_rates"), ECB_FILE, "ecb_rate"),
            legal=load_rates(table.get("legal_rates"), LEGAL_FILE, "legal_rate"),
            contractual=None if table.get("penalty_rate") is None
            else rate_millionths(table["penalty_rate"], "[legal] penalty_rate"),
            customer_rates={str(k): rate_millionths(v, f"[legal.customer_penalty_rates] {k}")
                            for k, v in dict(table.get("customer_penalty_rates", {})).items()})


def half_year_start(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day.year, 1 if day.month <= 6 else 7, 1)


def _half_years(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    """Starts of the half-years from the one holding ``first`` to the one holding ``last``."""
    out, h = [], half_year_start(first)
    while h <= last:
        out.append(h)
        h = pd.Timestamp(h.year, 7, 1) if h.month == 1 else pd.Timestamp(h.year + 1, 1, 1)
    return out


def _rate_on(table: pd.DataFrame, start: pd.Timestamp) -> tuple[int, bool]:
    """The rate of the half-year opening on ``start`` and whether it was estimated (the table
    has no row for it: the last known rate before it is used)."""
    known = table[table["start"] <= start]
    if known.empty:
        raise SettingsError(f"table de taux : aucun taux connu au {start:%d/%m/%Y} (le premier semestre de la table "
                            f"commence le {table['start'].min():%d/%m/%Y}) ; complétez la table")
    row = known.iloc[-1]
    return int(row["rate"]), bool(row["start"] != start)


@dataclass(frozen=True)
class Penalties:
    """Penalties and indemnities of late invoices (amounts in cents).

    ``items``: one row per late invoice: ``customer_id``, ``customer_name``, ``document_id``,
    ``due_date``, ``on`` (the date the delay runs to), ``days_late``, ``amount_cents`` (the
    amount the penalty runs on), ``penalty_cents``, ``indemnity_cents``, ``rate_days`` (the
    sum of rate × days over the half-years, in millionths·days), ``segments`` (per half-year
    ``(start, rate in millionths, days)``), ``below_floor`` (a contractual rate under the floor
    was raised to it), ``estimated`` (a half-year beyond the rate table).
    ``by_customer``: per customer the invoices, penalties, indemnities and their total.
    ``estimated``: the half-years whose rate was taken from an earlier one."""

    items: pd.DataFrame
    by_customer: pd.DataFrame
    estimated: tuple[pd.Timestamp, ...] = ()


ITEM_COLUMNS = ("customer_id", "customer_name", "document_id", "due_date", "on", "days_late", "amount_cents",
                "penalty_cents", "indemnity_cents", "rate_days", "segments", "below_floor", "estimated")


def _penalties(frame: pd.DataFrame, params: PenaltyParams) -> Penalties:
    """Penalties of ``frame`` (``customer_id``, ``document_id``, ``due_date``, ``on``,
    ``amount_cents`` > 0, ``on`` > ``due_date``; ``customer_name`` optional)."""
    due = frame["due_date"].to_numpy(dtype="datetime64[s]")
    on = frame["on"].to_numpy(dtype="datetime64[s]")
    first = due + np.timedelta64(1, "D")                 # the first day late
    cids = frame["customer_id"].astype(str).to_numpy(dtype=object)
    contract = np.array([params.customer_rates.get(c, params.contractual if params.contractual is not None else -1)
                         for c in cids], dtype="int64")   # −1: no contract, the legal rate
    rate_days = np.zeros(len(frame), dtype="int64")
    below = np.zeros(len(frame), dtype=bool)
    estimated_rows = np.zeros(len(frame), dtype=bool)
    segments: list[list[tuple[pd.Timestamp, int, int]]] = [[] for _ in range(len(frame))]
    estimated: list[pd.Timestamp] = []
    if len(frame):
        for h in _half_years(pd.Timestamp(first.min()), pd.Timestamp(on.max())):
            end = (pd.Timestamp(h.year, 7, 1) if h.month == 1 else pd.Timestamp(h.year + 1, 1, 1)) \
                - pd.Timedelta(days=1)
            lo = np.maximum(first, h.to_datetime64())
            hi = np.minimum(on, end.to_datetime64())
            days = np.maximum((hi - lo) // np.timedelta64(1, "D") + 1, 0).astype("int64")
            if not days.any():
                continue
            ecb, ecb_guess = _rate_on(params.ecb, h)
            legal, legal_guess = _rate_on(params.legal, h)
            floor = FLOOR_MULTIPLE * legal
            rate = np.where(contract < 0, ecb + MARGIN, np.maximum(contract, floor))
            hit = days > 0
            below |= hit & (contract >= 0) & (contract < floor)
            guess = np.where(contract < 0, ecb_guess, legal_guess)
            estimated_rows |= hit & guess
            if (hit & guess).any():
                estimated.append(h)
            rate_days += rate * days
            for i in np.flatnonzero(hit).tolist():
                segments[i].append((h, int(rate[i]), int(days[i])))
    amount = frame["amount_cents"].to_numpy(dtype="int64")
    denominator = DAYS_IN_YEAR * MILLION
    penalty = [(2 * a * s + denominator) // (2 * denominator) for a, s in zip(amount.tolist(), rate_days.tolist())]
    out = pd.DataFrame({
        "customer_id": frame["customer_id"].astype("string").to_numpy(),
        "customer_name": (frame["customer_name"].astype("string").to_numpy() if "customer_name" in frame
                          else pd.array([pd.NA] * len(frame), dtype="string")),
        "document_id": frame["document_id"].astype("string").to_numpy(),
        "due_date": due, "on": on,
        "days_late": ((on - due) // np.timedelta64(1, "D")).astype("int64"),
        "amount_cents": amount, "penalty_cents": np.array(penalty, dtype="int64"),
        "indemnity_cents": np.full(len(frame), params.indemnity_cents, dtype="int64"),
        "rate_days": rate_days, "segments": pd.Series([tuple(s) for s in segments], dtype=object).to_numpy(),
        "below_floor": below, "estimated": estimated_rows,
    })
    return Penalties(out, _by_customer(out), tuple(estimated))


def _by_customer(items: pd.DataFrame) -> pd.DataFrame:
    g = items.groupby("customer_id", sort=True, observed=True)
    out = pd.DataFrame({"customer_name": g["customer_name"].first(), "invoices": g.size(),
                        "amount_cents": g["amount_cents"].sum(), "penalty_cents": g["penalty_cents"].sum(),
                        "indemnity_cents": g["indemnity_cents"].sum()})
    out["total_cents"] = out["penalty_cents"] + out["indemnity_cents"]
    counts = ("invoices", "amount_cents", "penalty_cents", "indemnity_cents", "total_cents")
    return out.astype(dict.fromkeys(counts, "int64"))


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    for c in columns:
        if c not in frame.columns:
            known = ", ".join(map(str, frame.columns))
            raise MissingColumnError(f"{what} : colonne {c!r} absente (colonnes : {known})", c)


def late_payment_penalties(items: pd.DataFrame, as_of: DateLike, params: PenaltyParams | None = None) -> Penalties:
    """Penalties and indemnities due at ``as_of`` on the overdue invoices of ``items`` (the
    canonical open items): each invoice's open amount TTC, from the day after its due date to
    ``as_of`` included. Credit notes, unapplied payments and items not yet due carry none."""
    params = params or PenaltyParams()
    _require(items, ("customer_id", "document_id", "document_type", "due_date", "amount_cents"), "pénalités de retard")
    day = as_date(as_of)
    late = (items["document_type"].astype("string") == "invoice").to_numpy(dtype=bool) \
        & (items["amount_cents"].to_numpy(dtype="int64") > 0) \
        & (items["due_date"].to_numpy(dtype="datetime64[s]") < day.to_datetime64())
    frame = items[late].assign(on=day.to_datetime64())
    return _penalties(frame, params)


def paid_late_penalties(payments: pd.DataFrame, start: DateLike, end: DateLike,
                        params: PenaltyParams | None = None) -> Penalties:
    """Penalties and indemnities to invoice for the invoices paid late between ``start`` and
    ``end`` (both included): ``payments`` has one row per payment (``customer_id``,
    ``document_id``, ``due_date``, ``paid_on``, ``amount_cents`` paid; ``customer_name``
    optional) — :func:`~relance_analytics.metrics.payments.payments_from_fec` or
    :func:`~relance_analytics.metrics.payments.payments_from_snapshots` (its ``earliest`` bound:
    the fewest days late). The penalty of a payment runs on its amount up to its date; the
    indemnity is due once per invoice."""
    params = params or PenaltyParams()
    _require(payments, ("customer_id", "document_id", "due_date", "paid_on", "amount_cents"), "règlements en retard")
    lo, hi = as_date(start).to_datetime64(), as_date(end).to_datetime64()
    paid = payments["paid_on"].to_numpy(dtype="datetime64[s]")
    due = payments["due_date"].to_numpy(dtype="datetime64[s]")
    late = ~np.isnat(paid) & ~np.isnat(due) & (paid > due) & (paid >= lo) & (paid <= hi) \
        & (payments["amount_cents"].to_numpy(dtype="int64") > 0)
    frame = payments[late].rename(columns={"paid_on": "on"})
    result = _penalties(frame, params)
    items = result.items
    first = ~items.duplicated(["customer_id", "document_id"], keep="first").to_numpy()
    items = items.assign(indemnity_cents=np.where(first, params.indemnity_cents, 0).astype("int64"))
    if "bound" in payments.columns:
        items["bound"] = payments.loc[late, "bound"].to_numpy()
    return Penalties(items, _by_customer(items), result.estimated)
