"""Payment delays of issued invoices at the fiscal close (Code de commerce, article D441-6 I 2°).

The management report shows, for the invoices issued and unpaid at the close, the number and the
amount of those past due by bracket of days late (1–30, 31–60, 61–90, 91 and more; the invoices
not yet due in an indicative « 0 jour » column), each as a share of the fiscal year's turnover;
the invoices left out because disputed, counted apart; and the reference payment terms used.

Conventions
- Days late = close date − due date; ≤ 0 is « 0 jour (indicatif) » (not due at the close), then
  1–30, 31–60, 61–90 and ≥ 91. ``total_overdue`` (« Total (1 jour et plus) ») sums the four
  overdue brackets, not the indicative column.
- Invoices only: credit notes and unapplied payments are left out of the table and their totals
  given beside it (``left_out``), never netted against the invoices.
- (B) An invoice with a dispute open at the close (opened on or before it, not resolved by then:
  :func:`~relance_analytics.metrics.disputes.open_at`) is excluded from (A) as a whole, whatever
  its age, and counted in ``excluded``.
- Basis ``"TTC"``: the open amounts as in the export; ``"HT"``: the export's HT amount, else
  TTC / (1 + VAT) with the customer's latest VAT rate of the sales file
  (:func:`~relance_analytics.metrics.provisions.base_ht_cents`). Amounts are the open amounts at the
  close, in integer cents; shares are floats.
- Turnover: the sales file's monthly rows of the fiscal year, from the month of its first day
  (default: the twelve months ending at the close) to the close's month, HT, or TTC grossed up
  row by row (:func:`~relance_analytics.metrics.dso.sales_ttc_cents`). A month of the fiscal year
  absent from the sales file raises :class:`~relance_analytics.errors.MissingSalesError`
  (``errors="coerce"``: shares NaN and the months in ``missing_sales_months``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from ..config import Buckets
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..errors import MissingSalesError, SettingsError, SnapshotMissing
from .aging import bucket_codes, days_past_due
from .disputes import open_at
from .dso import sales_ttc_cents, window_start
from .provisions import base_ht_cents, customer_vat_rates
from .terms_compliance import INVOICE, LEFT_OUT_TYPES, document_type_mask

Basis = Literal["TTC", "HT"]
Errors = Literal["raise", "coerce"]
BASES = ("TTC", "HT")

#: The brackets of the official table: ≤ 0 (indicative), 1–30, 31–60, 61–90, ≥ 91 days late.
D441_BUCKETS = Buckets((0, 30, 60, 90))
TOTAL_OVERDUE = "total_overdue"
#: The table's columns, as codes, in the official order.
COLUMNS = (*D441_BUCKETS.labels, TOTAL_OVERDUE)
#: The reference terms stated in (C) by default.
CONTRACTUAL_TERMS = "délais contractuels"
#: Days a snapshot may precede the close it stands for (:func:`snapshot_for_close`).
MAX_SNAPSHOT_GAP_DAYS = 7

DETAIL_COLUMNS = (
    "customer_id", "customer_name", "document_id", "document_date", "due_date", "days_past_due", "bucket",
    "amount_ttc_cents", "amount_cents",
)


@dataclass(frozen=True)
class PaymentDelaysTable:
    """The D441-6 table of issued invoices at ``close_date`` (money in integer cents).

    - ``by_bucket``: index :data:`COLUMNS` (``not_due`` = « 0 jour (indicatif) », ``1-30``,
      ``31-60``, ``61-90``, ``over_90``, ``total_overdue``); ``invoices`` (count), ``amount_cents``
      (on ``basis``) and ``turnover_share`` (amount / turnover, float; NaN without turnover).
      :attr:`table` lays it out as the official model (rows = measures, columns = brackets).
    - ``invoices``: every invoice of (A) (:data:`DETAIL_COLUMNS`; ``bucket`` its column code,
      ``amount_cents`` on ``basis``, ``amount_ttc_cents`` as in the export), most days late first.
    - ``excluded``: the invoices of (B), disputed at the close, with ``dispute_ids``.
    - ``left_out``: credit notes and unapplied payments left out of the table, by
      ``document_type``: ``items`` and ``amount_cents`` (on ``basis``, ≤ 0); their lines in
      ``left_out_items``.
    - ``turnover_cents``: the fiscal year's turnover on ``basis``, from ``period_start`` to the
      close's month; ``missing_sales_months``: months of that period absent from the sales file
      (only with ``errors="coerce"``).
    """

    close_date: pd.Timestamp
    basis: str
    reference_terms: str
    period_start: pd.Timestamp
    turnover_cents: int
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
    def excluded_cents(self) -> int:
        """(B) Their total amount on the table's basis."""
        return int(self.excluded["amount_cents"].sum())

    @property
    def table(self) -> pd.DataFrame:
        """(A) in the official layout: see :func:`official_layout`."""
        return official_layout(self.by_bucket)


def official_layout(by_bucket: pd.DataFrame) -> pd.DataFrame:
    """``by_bucket`` as the official model lays out (A): rows ``invoices``, the amount
    (``amount_cents`` or ``amount_eur``) and ``turnover_share``; columns :data:`COLUMNS`
    (object dtype: counts and amounts stay exact)."""
    rows = [c for c in by_bucket.columns if c in ("invoices", "amount_cents", "amount_eur", "turnover_share")]
    data = {code: [by_bucket.at[code, r] for r in rows] for code in COLUMNS}
    out = pd.DataFrame(data, index=pd.Index(rows, name="measure"), dtype=object)
    out.columns.name = "bucket"
    return out


def fiscal_close(month_day: tuple[int, int], on_or_before: DateLike) -> pd.Timestamp:
    """The latest fiscal close on or before ``on_or_before`` for a year closing on ``month_day``
    ((month, day); a close on 28 or 29 February is the end of February)."""
    date = as_date(on_or_before)
    month, day = month_day

    def close_in(year: int) -> pd.Timestamp:
        last = pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)
        return last if (month == 2 and day >= 28) else pd.Timestamp(year=year, month=month, day=min(day, last.day))

    close = close_in(date.year)
    return close if close <= date else close_in(date.year - 1)


def snapshot_for_close(dates: Sequence[DateLike], close_date: DateLike,
                       max_days: int = MAX_SNAPSHOT_GAP_DAYS) -> pd.Timestamp:
    """The snapshot date standing for ``close_date``: the latest on or before it, at most
    ``max_days`` earlier; else :class:`~relance_analytics.errors.SnapshotMissing` naming the
    dates that exist."""
    close = as_date(close_date, "date de clôture")
    stored = sorted({as_date(d) for d in dates})
    before = [d for d in stored if d <= close]
    if before and (close - before[-1]).days <= max_days:
        return before[-1]
    listed = _listed(stored, close)
    if not stored:
        situation = "aucune balance n'est intégrée"
    elif not before:
        situation = f"la première balance intégrée est du {stored[0]:%d/%m/%Y}, après la clôture"
    else:
        situation = (f"la dernière balance avant la clôture est du {before[-1]:%d/%m/%Y}, "
                     f"{(close - before[-1]).days} jours plus tôt")
    raise SnapshotMissing(
        f"pas de balance pour la clôture du {close:%d/%m/%Y} : il en faut une datée de la clôture ou des {max_days} "
        f"jours qui la précèdent, et {situation} (balances intégrées : {listed}) ; intégrez l'export de la date de "
        "clôture (relance ingest FICHIER) ou reconstituez les pièces ouvertes à cette date depuis le FEC",
        close, tuple(stored))


def _listed(dates: list[pd.Timestamp], close: pd.Timestamp, most: int = 20) -> str:
    """The stored dates in French, or those nearest the close when there are many."""
    if not dates:
        return "aucune"
    if len(dates) <= most:
        return ", ".join(f"{d:%d/%m/%Y}" for d in dates)
    nearest = sorted(sorted(dates, key=lambda d: abs((d - close).days))[:most])
    return (f"{len(dates)} dates du {dates[0]:%d/%m/%Y} au {dates[-1]:%d/%m/%Y}, dont autour de la clôture : "
            + ", ".join(f"{d:%d/%m/%Y}" for d in nearest))


def fiscal_turnover_cents(sales: pd.DataFrame, period_start: DateLike, close_date: DateLike,
                          basis: Basis = "TTC", default_vat_rate: float = 0.20) -> tuple[int, list[pd.Period]]:
    """Turnover of the fiscal year on ``basis`` (integer cents): the sales rows of the months from
    ``period_start``'s to ``close_date``'s; and the months of that span absent from the sales file."""
    months = sales["month"].astype("datetime64[s]").dt.to_period("M")
    span = pd.period_range(as_date(period_start).to_period("M"), as_date(close_date).to_period("M"), freq="M")
    present = set(months.unique())
    missing = [p for p in span if p not in present]
    values = (sales_ttc_cents(sales, default_vat_rate) if basis == "TTC"
              else sales["sales_ht_cents"].to_numpy(dtype="int64"))
    return int(values[months.isin(span).to_numpy(dtype=bool)].sum()), missing


def payment_delays_table(items: pd.DataFrame, close_date: DateLike, sales: pd.DataFrame,
                         disputes: pd.DataFrame | None = None, basis: Basis = "TTC", *,
                         reference_terms: str = CONTRACTUAL_TERMS, fiscal_year_start: DateLike | None = None,
                         default_vat_rate: float = 0.20, errors: Errors = "raise") -> PaymentDelaysTable:
    """The D441-6 table of the issued invoices of ``items`` (the canonical open items at the close).

    ``sales``: the canonical sales frame (turnover and, on the HT basis, the customers' VAT rates);
    ``disputes``: the canonical disputes frame (``None``: nothing is excluded); ``basis``: ``"TTC"``
    or ``"HT"``; ``reference_terms``: the text of (C); ``fiscal_year_start``: first day of the fiscal
    year (default: the day after the close twelve months earlier). See the module for the rules."""
    if basis not in BASES:
        raise SettingsError(f"base du tableau des délais de paiement : « TTC » ou « HT » attendu, lu {basis!r}")
    if errors not in ("raise", "coerce"):
        raise SettingsError(f"errors : 'raise' ou 'coerce' attendu, lu {errors!r}")
    require_single_currency(items, "tableau des délais de paiement (D441-6)")
    close = as_date(close_date, "date de clôture")
    start = as_date(fiscal_year_start, "début d'exercice") if fiscal_year_start is not None \
        else window_start(close, 12, "months")
    if start > close:
        raise SettingsError(f"le début d'exercice ({start:%d/%m/%Y}) est après la clôture ({close:%d/%m/%Y})")

    items = items.reset_index(drop=True)
    if basis == "TTC":
        amount = items["amount_cents"].to_numpy(dtype="int64")
    else:
        amount, _ = base_ht_cents(items, default_vat_rate, customer_vat_rates(sales, close))
    days = days_past_due(items, close)
    codes = bucket_codes(days, D441_BUCKETS)
    labels = np.asarray(D441_BUCKETS.labels, dtype=object)
    detail = pd.DataFrame({
        "customer_id": items["customer_id"].astype("string"),
        "customer_name": (items["customer_name"].astype("string") if "customer_name" in items.columns
                          else pd.Series(pd.NA, index=items.index, dtype="string")),
        "document_id": items["document_id"].astype("string"),
        "document_date": items["document_date"].to_numpy(dtype="datetime64[s]"),
        "due_date": items["due_date"].to_numpy(dtype="datetime64[s]"),
        "days_past_due": days,
        "bucket": pd.array(labels[codes], dtype="string"),
        "amount_ttc_cents": items["amount_cents"].to_numpy(dtype="int64"),
        "amount_cents": amount,
    })

    is_invoice = document_type_mask(items, INVOICE)
    disputed_ids = _open_dispute_ids(disputes, close)
    disputed = is_invoice & detail["document_id"].isin(list(disputed_ids)).fillna(False).to_numpy(dtype=bool)
    counted = is_invoice & ~disputed

    turnover, missing = fiscal_turnover_cents(sales, start, close, basis, default_vat_rate)
    if missing and errors == "raise":
        first, last = sales["month"].min(), sales["month"].max()
        available = None if pd.isna(first) else (pd.Timestamp(first).to_period("M"), pd.Timestamp(last).to_period("M"))
        raise MissingSalesError(missing[0], "l'ensemble du portefeuille", "tableau des délais de paiement (D441-6)",
                                available, missing)
    by_bucket = _by_bucket(codes[counted], amount[counted], None if missing else turnover)

    order = ["days_past_due", "customer_id", "document_id"]
    invoices = (detail[counted].sort_values(order, ascending=[False, True, True], kind="stable")
                .reset_index(drop=True)[list(DETAIL_COLUMNS)])
    excluded = detail[disputed].sort_values(order, ascending=[False, True, True], kind="stable")
    excluded = excluded.assign(dispute_ids=excluded["document_id"].map(disputed_ids).astype("string"))
    excluded = excluded.reset_index(drop=True)[[*DETAIL_COLUMNS, "dispute_ids"]]
    types = (items["document_type"].astype("string") if "document_type" in items.columns
             else pd.Series(INVOICE, index=items.index, dtype="string"))
    left_types = detail.assign(document_type=types)[~is_invoice]
    left_out = pd.DataFrame({
        "items": [int((left_types["document_type"] == t).sum()) for t in LEFT_OUT_TYPES],
        "amount_cents": [int(left_types.loc[left_types["document_type"] == t, "amount_cents"].sum())
                         for t in LEFT_OUT_TYPES],
    }, index=pd.Index(list(LEFT_OUT_TYPES), name="document_type")).astype("int64")
    left_out_items = (left_types.sort_values(["document_type", "customer_id", "document_id"], kind="stable")
                      .reset_index(drop=True)[["document_type", *DETAIL_COLUMNS]])
    return PaymentDelaysTable(close, basis, str(reference_terms), start, turnover, tuple(missing), by_bucket,
                              invoices, excluded, left_out, left_out_items)


def _open_dispute_ids(disputes: pd.DataFrame | None, close: pd.Timestamp) -> dict[str, str]:
    """Document id → the ids of its disputes open at ``close`` (``", "``-joined)."""
    if disputes is None or disputes.empty:
        return {}
    open_now = disputes[open_at(disputes, close)]
    ids = open_now["dispute_id"].astype("string").fillna("") if "dispute_id" in open_now.columns \
        else pd.Series("", index=open_now.index, dtype="string")
    out: dict[str, list[str]] = {}
    for document, dispute in zip(open_now["document_id"].astype("string"), ids):
        if not pd.isna(document):
            out.setdefault(str(document), []).append(str(dispute))
    return {k: ", ".join(sorted(v)) for k, v in out.items()}


def _by_bucket(codes: np.ndarray, amount: np.ndarray, turnover: int | None) -> pd.DataFrame:
    n = len(D441_BUCKETS.labels)
    counts = np.bincount(codes, minlength=n).astype("int64")
    sums = np.zeros(n, dtype="int64")
    np.add.at(sums, codes, amount)
    counts = np.append(counts, counts[1:].sum())
    sums = np.append(sums, sums[1:].sum())
    share = sums / turnover if turnover is not None and turnover > 0 else np.full(n + 1, np.nan)
    return pd.DataFrame({"invoices": counts, "amount_cents": sums, "turnover_share": share.astype("float64")},
                        index=pd.Index(list(COLUMNS), name="bucket"))
