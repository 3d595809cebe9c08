"""Aged balance (balance âgée): open items split into age buckets by days past due.

Days past due = as-of date − due date (days); ≤ 0 is not due. Amounts are integer cents
(TTC, credit notes and unapplied payments negative), so every total is exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Buckets
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..errors import MissingColumnError


def days_past_due(items: pd.DataFrame, as_of: DateLike) -> np.ndarray:
    """As-of date − due date in days (int64); negative when not yet due."""
    due = items["due_date"].to_numpy(dtype="datetime64[s]")
    return ((as_date(as_of).to_datetime64() - due) // np.timedelta64(1, "D")).astype("int64")


def bucket_codes(days: np.ndarray, buckets: Buckets) -> np.ndarray:
    """Index of each item's bucket: 0 for ≤ edges[0], i for edges[i-1] < days ≤ edges[i]."""
    return np.searchsorted(np.asarray(buckets.edges), days, side="left")


def assign_buckets(items: pd.DataFrame, as_of: DateLike, buckets: Buckets | None = None) -> pd.Categorical:
    """Each item's bucket label (ordered categorical, youngest first)."""
    buckets = buckets or Buckets()
    codes = bucket_codes(days_past_due(items, as_of), buckets)
    return pd.Categorical.from_codes(codes, categories=buckets.labels, ordered=True)


def group_keys(items: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    keys = [by] if isinstance(by, str) else list(by)
    out: list[str] = []
    for k in keys:
        if k == "customer":
            out += ["customer_id", "customer_name"]
        elif k not in items.columns:
            raise MissingColumnError(f"impossible de regrouper la balance âgée par {k!r} : les pièces n'ont pas cette "
                                     f"colonne (colonnes : {', '.join(items.columns)}) ; rattachez d'abord les clients "
                                     "(attach_customers) pour le recouvreur ou le segment", k)
        else:
            out.append(k)
    return out


def aged_balance(items: pd.DataFrame, as_of: DateLike, by: str | Sequence[str] | None = None,
                 buckets: Buckets | None = None) -> pd.DataFrame:
    """Aged balance in cents.

    One row per group of ``by`` (``"customer"`` = id and name, ``"collector"``, ``"segment"``,
    ``"currency"``, any column or list of columns; ``None`` = one row ``total``). Items in
    several currencies are refused (:class:`~relance_analytics.errors.CurrencyError`) unless
    ``by`` includes ``"currency"``: amounts of different currencies are never added. Columns: the buckets from
    youngest to oldest, ``total``, then ``overdue`` (sum of the overdue buckets), ``items``
    (count) and ``overdue_share`` (overdue / total, NaN when the total is 0). Every money column
    is int64 cents and the totals equal the items' sum exactly. Rows sorted by total, largest first.
    """
    buckets = buckets or Buckets()
    keys = group_keys(items, by)
    if "currency" not in keys:
        require_single_currency(items, "balance âgée")
    labels = buckets.labels
    if keys and not any(items[k].isna().any() for k in keys):
        table, counts = _grouped_sums(items, keys, bucket_codes(days_past_due(items, as_of), buckets), labels)
    elif keys:
        frame = pd.DataFrame({
            "bucket": assign_buckets(items, as_of, buckets),
            "amount_cents": items["amount_cents"].to_numpy(dtype="int64"),
        })
        for k in keys:
            frame[k] = items[k].to_numpy()
        frame[keys] = frame[keys].fillna(vocab.UNASSIGNED)
        table = (frame.groupby([*keys, "bucket"], observed=False, sort=False, dropna=False)["amount_cents"]
                 .sum().unstack("bucket", fill_value=0))
        counts = frame.groupby(keys, observed=True, sort=False, dropna=False).size()
        present = counts.index
        table = table.reindex(present).fillna(0)
    else:
        frame = pd.DataFrame({"bucket": assign_buckets(items, as_of, buckets),
                              "amount_cents": items["amount_cents"].to_numpy(dtype="int64")})
        sums = frame.groupby("bucket", observed=False)["amount_cents"].sum()
        table = pd.DataFrame([sums.reindex(labels, fill_value=0).to_numpy()], columns=labels,
                             index=pd.Index(["total"], name="group"))
        counts = pd.Series([len(frame)], index=table.index)
    table = table.reindex(columns=labels, fill_value=0).astype("int64")
    table.columns = pd.Index(labels, name=None)
    table["total"] = table[labels].sum(axis=1)
    table["overdue"] = table[buckets.overdue_labels].sum(axis=1)
    table["items"] = counts.reindex(table.index).fillna(0).astype("int64").to_numpy()
    table["overdue_share"] = np.where(table["total"] != 0,
                                      table["overdue"] / table["total"].where(table["total"] != 0, 1), np.nan)
    if keys:
        table = table.sort_values("total", ascending=False, kind="stable")
    return table


def _grouped_sums(items: pd.DataFrame, keys: list[str], codes: np.ndarray,
                  labels: list[str]) -> tuple[pd.DataFrame, pd.Series]:
    """Cents per bucket (int64 sums) and item count of each group of ``keys`` (no NA in them),
    groups in order of first appearance, indexed by their key values as objects (what a
    groupby of the key columns converted to objects gives).

    Integer codes end to end: a categorical key gives its category codes, any other key is
    factorized in its own dtype (Arrow strings stay in Arrow); a key that depends on the keys
    before it (a customer's name given its id) adds no group and is not combined; the sums are
    one ``bincount`` over (group, bucket) — exact, every partial sum being an integer below 2**53."""
    group = _group_codes(items, keys)
    first = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) != 0)   # groups in first-appearance
    n_groups, n_buckets = len(first), len(labels)
    amounts = items["amount_cents"].to_numpy(dtype="int64")
    cell = group * n_buckets + codes
    if len(amounts) and int(np.abs(amounts).max()) * len(amounts) < 2 ** 53:
        sums = np.bincount(cell, weights=amounts, minlength=n_groups * n_buckets).astype(np.int64)
    else:                                                     # beyond float64's exact integers
        sums = np.zeros(n_groups * n_buckets, dtype=np.int64)
        np.add.at(sums, cell, amounts)
    levels = [_level(items[k], first) for k in keys] if len(keys) > 1 else []
    if levels and all(level is not None for level in levels):
        index: pd.Index = pd.MultiIndex(levels=[lv[0] for lv in levels if lv is not None],
                                        codes=[lv[1] for lv in levels if lv is not None], names=keys,
                                        verify_integrity=False)
    else:
        arrays = [pd.Index(items[k].iloc[first].to_numpy()) for k in keys]
        index = arrays[0].rename(keys[0]) if len(keys) == 1 else pd.MultiIndex.from_arrays(arrays, names=keys)
    return pd.DataFrame(sums.reshape(n_groups, n_buckets), index=index, columns=list(labels)), \
        pd.Series(np.bincount(group, minlength=n_groups), index=index)


def _level(values: pd.Series, rows: np.ndarray) -> tuple[pd.Index, np.ndarray] | None:
    """The sorted level and the codes that ``MultiIndex.from_arrays`` makes of the text values
    ``values`` at ``rows`` (as ``str``), computed on integer codes or in Arrow; ``None`` for a
    column of another kind (the caller then goes through ``from_arrays``)."""
    text = pd.StringDtype(na_value=np.nan)
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = values.cat.categories
        if categories.dtype != text or not (categories.is_unique and categories.is_monotonic_increasing):
            return None
        codes = values.cat.codes.to_numpy()[rows]
        used = np.flatnonzero(np.bincount(codes, minlength=len(categories)))    # sorted, as np.unique
        return categories.take(used), np.searchsorted(used, codes)
    if isinstance(values.dtype, pd.StringDtype) and not values.hasnans:
        codes, uniques = pd.factorize(values.array.take(rows), sort=True)
        return pd.Index(uniques.astype(text)), codes
    return None


def _key_codes(values: pd.Series) -> np.ndarray:
    """Integer codes of a key column without NA, numbered in order of first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        seen = pd.unique(codes)                               # category codes in order of first appearance
        rank = np.zeros(len(values.cat.categories), dtype=np.int64)
        rank[seen] = np.arange(len(seen))
        return rank[codes]
    return pd.factorize(values, sort=False)[0].astype(np.int64)


def _constant_in_runs(values: pd.Series, group: np.ndarray) -> bool:
    """Whether each group is one run of adjacent items and ``values`` (no NA) is the same
    all along each run: then ``values`` depends on the group (a customer's name given its id,
    items listed customer after customer) — told by comparing neighbours, without hashing."""
    if len(group) < 2:
        return True
    within = group[1:] == group[:-1]
    if np.count_nonzero(~within) + 1 != int(group.max()) + 1:     # a group in several runs
        return False
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()
        same = codes[1:] == codes[:-1]
    else:
        array = values.array
        same = np.asarray(array[1:] == array[:-1], dtype=bool)
    return bool(same[within].all())


def _group_codes(items: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Dense group number of each item (first appearance order) over the columns ``keys``."""
    group = np.zeros(len(items), dtype=np.int64)
    for i, k in enumerate(keys):
        if i > 0 and _constant_in_runs(items[k], group):
            continue
        key = _key_codes(items[k])
        if i == 0:
            group = key
            continue
        first = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) != 0)
        if np.array_equal(key[first][group], key):            # one value per group so far: no new group
            continue
        group, _ = pd.factorize(group * (int(key.max()) + 1) + key, sort=False)
        group = group.astype(np.int64)
    return group


def bucket_shares(balance: pd.DataFrame, buckets: Buckets | None = None) -> pd.DataFrame:
    """Share of each bucket in the row's total (floats in [−∞, ∞] when credits dominate; NaN if total 0)."""
    labels = (buckets or Buckets()).labels
    total = balance["total"].where(balance["total"] != 0)
    return balance[labels].div(total, axis=0)


def total_row(balance: pd.DataFrame, label: str = "Total") -> pd.DataFrame:
    """``balance`` with a grand total row appended (exact integer sums; share recomputed)."""
    money = [c for c in balance.columns if c not in ("overdue_share",)]
    sums = balance[money].sum()
    row = pd.DataFrame([sums.to_numpy()], columns=money)
    row["overdue_share"] = sums["overdue"] / sums["total"] if sums["total"] else np.nan
    if isinstance(balance.index, pd.MultiIndex):
        row.index = pd.MultiIndex.from_tuples([(label,) + ("",) * (balance.index.nlevels - 1)],
                                              names=balance.index.names)
    else:
        row.index = pd.Index([label], name=balance.index.name)
    return pd.concat([balance, row.astype(balance.dtypes.to_dict())])
