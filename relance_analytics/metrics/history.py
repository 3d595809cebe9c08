"""Metrics over the whole snapshot history: bucket trend (DuckDB over the Parquet store) and
roll rates week after week.

The trend is one SQL query over ``<workspace>/snapshots/as_of=*/items.parquet`` (hive
partitioning gives the ``as_of`` column): each item is aged at its own snapshot's date, put
in a bucket by a CASE built from ``Buckets.edges``, and summed per snapshot with integer
arithmetic (DuckDB sums BIGINT into HUGEINT; the result is cast back to BIGINT, so an
overflow is an error, never a rounded figure). It scales to 100 snapshots × 1M items.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..config import Buckets
from ..dates import DateLike, as_date
from ..errors import SnapshotMissing
from ..store import SnapshotStore
from .drift import drift

StoreLike = SnapshotStore | str | Path


def _store(workspace_or_store: StoreLike) -> SnapshotStore:
    if isinstance(workspace_or_store, SnapshotStore):
        return workspace_or_store
    return SnapshotStore(Path(workspace_or_store))


def _dates(store: SnapshotStore, as_of_dates: Iterable[DateLike] | None) -> list[pd.Timestamp]:
    stored = store.dates()
    if as_of_dates is None:
        return stored
    wanted = sorted({as_date(d) for d in as_of_dates})
    missing = [d for d in wanted if d not in stored]
    if missing:
        raise SnapshotMissing(f"pas de balance au {', '.join(f'{d:%Y-%m-%d}' for d in missing)} dans {store.root} "
                              f"(dates intégrées : {', '.join(f'{d:%Y-%m-%d}' for d in stored) or 'aucune'})",
                              missing[0], tuple(stored))
    return wanted


def _quiet(con: duckdb.DuckDBPyConnection) -> None:
    """No progress bar in logs or notebook outputs. Under Jupyter without ipywidgets DuckDB has
    no progress bar already and refuses the setting, hence the ``suppress``."""
    with contextlib.suppress(duckdb.InvalidInputException):
        con.execute("SET enable_progress_bar = false")


def _bucket_case(buckets: Buckets, days: str) -> str:
    """SQL CASE giving the bucket index (0 = youngest) of ``days`` past due, like aging.bucket_codes."""
    whens = " ".join(f"WHEN {days} <= {edge} THEN {i}" for i, edge in enumerate(buckets.edges))
    return f"CASE {whens} ELSE {len(buckets.edges)} END"


def trend_sql(root: Path, buckets: Buckets, dates: list[pd.Timestamp] | None = None) -> str:
    """The trend query: age and bucket every item, aggregate per (as_of, bucket) (the heavy
    step), then spread the buckets into columns (one row per snapshot: bucket sums, total,
    overdue, items)."""
    labels = buckets.labels
    overdue = ", ".join(str(labels.index(lab)) for lab in buckets.overdue_labels) or "NULL"
    source = str(Path(root) / "as_of=*" / "items.parquet").replace("'", "''")
    where = ""
    if dates is not None:
        where = "WHERE as_of IN (" + ", ".join(f"DATE '{d:%Y-%m-%d}'" for d in dates) + ")"
    columns = ",\n  ".join(
        f'CAST(COALESCE(SUM(cents) FILTER (WHERE bucket = {i}), 0) AS BIGINT) AS "{lab}"'
        for i, lab in enumerate(labels))
    return f"""
WITH aged AS (
  SELECT as_of, CAST(amount_cents AS BIGINT) AS amount_cents,
         {_bucket_case(buckets, "(as_of - CAST(due_date AS DATE))")} AS bucket
  FROM read_parquet('{source}', hive_partitioning = true, union_by_name = true,
                    hive_types = {{'as_of': DATE}})
  {where}
), per_bucket AS (
  SELECT as_of, bucket, SUM(amount_cents) AS cents, COUNT(*) AS n
  FROM aged
  GROUP BY as_of, bucket
)
SELECT as_of,
  {columns},
  CAST(SUM(cents) AS BIGINT) AS total,
  CAST(COALESCE(SUM(cents) FILTER (WHERE bucket IN ({overdue})), 0) AS BIGINT) AS overdue,
  CAST(SUM(n) AS BIGINT) AS items
FROM per_bucket
GROUP BY as_of
ORDER BY as_of
"""


def bucket_trend(workspace_or_store: StoreLike, buckets: Buckets | None = None,
                 as_of_dates: Iterable[DateLike] | None = None) -> pd.DataFrame:
    """Aged balance of every stored snapshot (or of ``as_of_dates``), one row per as-of date.

    Index ``as_of`` (oldest first); columns: the buckets youngest to oldest, ``total``,
    ``overdue`` (int64 cents, signed: credit notes negative), ``items`` (count) and
    ``overdue_share`` = overdue / total (float, NaN when the total is 0). Each snapshot is aged
    at its own date. A snapshot with no items gives a row of zeros. Computed by DuckDB.
    """
    store = _store(workspace_or_store)
    buckets = buckets or Buckets()
    dates = _dates(store, as_of_dates)
    money = [*buckets.labels, "total", "overdue"]
    index = pd.DatetimeIndex(dates, name="as_of").astype("datetime64[s]")
    if dates:
        sql = trend_sql(store.root, buckets, None if as_of_dates is None else dates)
        with duckdb.connect() as con:
            _quiet(con)
            result = con.execute(sql).fetchdf()
        result["as_of"] = pd.to_datetime(result["as_of"]).astype("datetime64[s]")
        result = result.set_index("as_of")
    else:
        result = pd.DataFrame(columns=[*money, "items"])
    table = result.reindex(index, fill_value=0)[[*money, "items"]].astype("int64")
    total = table["total"].to_numpy()
    table["overdue_share"] = np.divide(table["overdue"].to_numpy(), total, out=np.full(len(table), np.nan),
                                       where=total != 0)
    return table


def roll_rate_history(workspace_or_store: StoreLike, buckets: Buckets | None = None,
                      as_of_dates: Iterable[DateLike] | None = None) -> pd.DataFrame:
    """Roll rates of each pair of consecutive snapshots (see :class:`relance_analytics.drift.Drift`).

    Index ``as_of`` = the later snapshot of each pair (the first snapshot has no row); columns
    = the ``from`` bucket codes (every bucket but the oldest: the rate of that bucket into
    older ones); values are floats (NaN when the bucket held no debit item still open).
    """
    store = _store(workspace_or_store)
    buckets = buckets or Buckets()
    dates = _dates(store, as_of_dates)
    rows: dict[pd.Timestamp, pd.Series] = {}
    previous = store.read(dates[0]) if dates else None
    for before, now in zip(dates, dates[1:]):
        current = store.read(now)
        rows[now] = drift(previous, current, before, now, buckets).roll_rates["rate"]
        previous = current
    columns = pd.Index(buckets.labels[:-1], name="from_bucket")
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
    table.index = pd.DatetimeIndex(list(rows), name="as_of").astype("datetime64[s]")
    return table.astype("float64")
