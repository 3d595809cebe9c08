"""Receivables drift (glissement des créances) between two snapshots of open items.

Items are matched by (customer_id, document_id). Each item is aged at its own snapshot's
date (days past due = as-of date − due date), so an unchanged invoice moves to an older bucket
just because time passed. Amounts are integer cents, signed like the items (credit notes and
unapplied payments negative); every figure below is exact to the cent.

Vocabulary of the movements (codes; French labels live in ``report/drift.py``):

- ``new``: item absent from the previous snapshot with a current amount ≥ 0 (new invoice);
- ``new_credit``: item absent from the previous snapshot with a negative amount (new credit
  note or unapplied payment), counted negative;
- ``paid_gone``: item absent from the current snapshot (paid, fully credited, written off),
  counted at its previous amount (negative for a credit note that was applied in full);
- ``reduced``: item in both snapshots whose open amount moved towards zero (partial payment,
  partial application of a credit note), counted ``previous − current`` (signed like the item);
- ``increased``: item in both snapshots whose open amount moved away from zero (rare:
  re-invoicing, a cancelled payment), counted ``current − previous``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..config import Buckets
from ..currency import item_currencies, require_single_currency
from ..dates import DateLike, as_date
from ..errors import CurrencyError, MissingColumnError, SettingsError
from .aging import bucket_codes, days_past_due

LABELS = {"previous": "précédente", "current": "courante"}

MATCH_KEYS = ("customer_id", "document_id")
NEW, NEW_CREDIT, INCREASED = "new", "new_credit", "increased"
REDUCED, PAID_GONE, UNCHANGED = "reduced", "paid_gone", "unchanged"
BRIDGE_COMPONENTS = ("new_overdue", "collected", "credit_notes", "other")
_REQUIRED = (*MATCH_KEYS, "due_date", "amount_cents")
_ABSENT = -1      # bucket code of an item missing from a snapshot


@dataclass(frozen=True)
class Drift:
    """How the open items moved between two snapshots (all money int64 cents).

    ``matrix`` is a flow table: rows are where the money was (previous buckets, then the
    inflows ``new``, ``new_credit``, ``increased``), columns where it went (current buckets,
    then the outflows ``reduced``, ``paid_gone``). An item in both snapshots puts its carried
    amount in (previous bucket, current bucket): the current amount when it was reduced, the
    previous amount when it increased (the increase goes to row ``increased``). Hence:

    - each previous-bucket row sums to that bucket's previous total;
    - each current-bucket column sums to that bucket's current total;
    - **conservation**, exact to the cent::

        current total = previous total − paid_gone − reduced + increased + new + new_credit

      where each term is the sum of its row or column (signed: a new credit note makes
      ``new_credit`` negative, an applied credit note makes ``paid_gone``/``reduced`` negative).

    ``roll_rates`` (index ``from_bucket``, every bucket but the oldest): ``to_bucket`` (the
    next older bucket), ``base_cents`` = previous amount of the debit items (previous amount
    > 0) of that bucket still open now, ``rolled_cents`` = the part of it now in an older
    bucket (the next one, or further when a bucket is narrower than the gap between the
    snapshots), ``rate`` = rolled / base (float, NaN when no such item). Credit items are left
    out of both terms so the rate stays within [0, 1]; paid items are left out of the base.

    ``bridge`` (columns ``component``, ``cents``, ``measure``) goes from ``previous_overdue``
    to ``current_overdue`` through ``new_overdue``, ``collected``, ``credit_notes``, ``other``
    (see :func:`drift`); previous overdue + the four components = current overdue exactly.

    ``movements``: one row per matched key with both buckets (NaN when absent), both amounts
    (0 when absent) and the movement code.
    """

    previous_as_of: pd.Timestamp
    current_as_of: pd.Timestamp
    buckets: Buckets
    matrix: pd.DataFrame
    roll_rates: pd.DataFrame
    bridge: pd.DataFrame
    movements: pd.DataFrame

    def flow(self, code: str) -> int:
        """Total of an inflow row (``new``, ``new_credit``, ``increased``) or outflow column
        (``reduced``, ``paid_gone``), in cents."""
        if code in (NEW, NEW_CREDIT, INCREASED):
            return int(self.matrix.loc[code].sum())
        if code in (REDUCED, PAID_GONE):
            return int(self.matrix[code].sum())
        raise MissingColumnError(f"flux de glissement inconnu {code!r} : l'un de new, new_credit, increased, "
                                 "reduced, paid_gone attendu", code)

    @property
    def previous_total(self) -> int:
        """Previous snapshot total (cents): the sum of the previous-bucket rows."""
        return int(self.matrix.loc[self.buckets.labels].to_numpy().sum())

    @property
    def current_total(self) -> int:
        """Current snapshot total (cents): the sum of the current-bucket columns."""
        return int(self.matrix[self.buckets.labels].to_numpy().sum())

    @property
    def conservation(self) -> pd.DataFrame:
        """The conservation identity as lines (``line``, ``cents``): previous total, then each
        flow signed as it enters the identity, then the current total (= previous + flows)."""
        lines = [("previous_total", self.previous_total), (PAID_GONE, -self.flow(PAID_GONE)),
                 (REDUCED, -self.flow(REDUCED)), (INCREASED, self.flow(INCREASED)),
                 (NEW, self.flow(NEW)), (NEW_CREDIT, self.flow(NEW_CREDIT)),
                 ("current_total", self.current_total)]
        return pd.DataFrame(lines, columns=["line", "cents"]).astype({"cents": "int64"})

    @property
    def overdue_migration(self) -> int:
        """Memo, not a bridge line: cents carried from an overdue bucket to an older one.

        Moving between overdue buckets leaves the overdue total unchanged, so it has no line in
        ``bridge``; this is its size (matrix cells below the diagonal of the overdue buckets)."""
        labels = self.buckets.labels
        overdue = [labels.index(lab) for lab in self.buckets.overdue_labels]
        block = self.matrix.loc[labels, labels].to_numpy()
        return int(sum(block[i, j] for i in overdue for j in overdue if j > i))


def _aged_keys(items: pd.DataFrame, as_of: pd.Timestamp, buckets: Buckets, name: str) -> pd.DataFrame:
    """Keys, amount (nullable Int64, so the outer merge stays integer) and bucket code of each item."""
    missing = [c for c in _REQUIRED if c not in items.columns]
    if missing:
        raise MissingColumnError(f"la balance {LABELS[name]} n'a pas la colonne {', '.join(missing)} (colonnes : "
                                 f"{', '.join(items.columns)})", missing[0])
    keys = pd.DataFrame({k: items[k].astype("string").to_numpy() for k in MATCH_KEYS})
    dup = keys.duplicated(keep=False)
    if dup.any():
        shown = ", ".join(f"{c}/{d}" for c, d in keys[dup].drop_duplicates().head(5).itertuples(index=False))
        raise ValueError(f"la balance {LABELS[name]} a {int(dup.sum())} pièces de même clé (client, pièce), "
                         "par exemple "
                         f"{shown} : le glissement rapproche les pièces par cette clé, elle doit être unique")
    keys[f"{name}_cents"] = pd.array(items["amount_cents"].to_numpy(dtype="int64"), dtype="Int64")
    keys[f"{name}_code"] = pd.array(bucket_codes(days_past_due(items, as_of), buckets), dtype="Int64")
    return keys


_MAX_KEY_BYTES = 64      # longer ids go through the merge on strings


def _text_words(values: pd.Series) -> np.ndarray | None:
    """The UTF-8 bytes of each value, zero-padded to a multiple of 8 and read as big-endian
    ``uint64`` words (rows × words): comparing the rows word by word orders them as the strings
    (byte order is code-point order), equal rows are equal strings. ``None`` when a value is NA,
    holds a NUL byte (padding would be ambiguous) or is longer than :data:`_MAX_KEY_BYTES`."""
    import pyarrow as pa

    if values.hasnans:
        return None
    if isinstance(values.dtype, pd.CategoricalDtype):       # the categories' words, taken by code
        words = _text_words(pd.Series(values.cat.categories.astype("string")))
        return None if words is None else words[values.cat.codes.to_numpy()]
    array = pa.array(values.astype("string").array).cast(pa.large_string())
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int64)[array.offset:array.offset + len(array) + 1]
    data = np.frombuffer(array.buffers()[2], dtype=np.uint8) if array.buffers()[2] is not None \
        else np.zeros(0, dtype=np.uint8)
    lengths = np.diff(offsets)
    width = int(lengths.max()) if len(lengths) else 0
    if width > _MAX_KEY_BYTES or (len(data) and not data[offsets[0]:offsets[-1]].all()):
        return None
    padded = max(8, (width + 7) // 8 * 8)
    matrix = np.zeros((len(array), padded), dtype=np.uint8)
    starts = offsets[:-1]
    if len(lengths) and (lengths == width).all():       # every id as long: the bytes in rows as they are
        matrix[:, :width] = data[offsets[0]:offsets[-1]].reshape(len(array), width)
    else:
        for j in range(width):
            has = lengths > j
            matrix[has, j] = data[starts[has] + j]
    return matrix.view(">u8").astype(np.uint64)


def _rank_words(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Word rows of two sets of distinct texts (:func:`_text_words`) as one ``uint64`` each:
    their rank among the texts of both (equal texts, equal ranks)."""
    width = max(a.shape[1], b.shape[1])
    both = np.concatenate([np.pad(a, ((0, 0), (0, width - a.shape[1]))), np.pad(b, ((0, 0), (0, width - b.shape[1])))])
    order = np.lexsort([np.ascontiguousarray(both[:, j]) for j in range(width - 1, -1, -1)])
    ordered = both[order]
    step = np.ones(len(order), dtype=np.uint64)
    if len(order):
        step[0] = 0
        step[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    rank = np.empty(len(order), dtype=np.uint64)
    rank[order] = np.cumsum(step)
    return rank[:len(a)], rank[len(a):]


def _column_words(previous: pd.Series, current: pd.Series) -> list[np.ndarray] | None:
    """Sort words of a key column in both snapshots (rows of previous, then of current): one
    rank per category for categorical columns, else the text's words (:func:`_text_words`)."""
    if isinstance(previous.dtype, pd.CategoricalDtype) and isinstance(current.dtype, pd.CategoricalDtype) \
            and not (previous.hasnans or current.hasnans):
        a = _text_words(pd.Series(previous.cat.categories.astype("string")))
        b = _text_words(pd.Series(current.cat.categories.astype("string")))
        if a is None or b is None:
            return None
        ra, rb = _rank_words(a, b)
        return [np.concatenate([ra[previous.cat.codes.to_numpy()], rb[current.cat.codes.to_numpy()]])]
    a, b = _text_words(previous), _text_words(current)
    if a is None or b is None:
        return None
    width = max(a.shape[1], b.shape[1])
    return [np.concatenate([a[:, j] if j < a.shape[1] else np.zeros(len(a), dtype=np.uint64),
                            b[:, j] if j < b.shape[1] else np.zeros(len(b), dtype=np.uint64)])
            for j in range(width)]


def _key_order(previous: pd.DataFrame, current: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """The outer merge of the two snapshots on (customer_id, document_id), sorted like
    ``merge(sort=True)``, on integer words instead of strings: ``(order, start)`` where
    ``order`` lists the positions (in ``previous`` then ``current`` stacked) by key, and
    ``start`` where each key's positions begin (one or two per key). ``None`` when an id
    cannot be coded (see :func:`_text_words`)."""
    words: list[np.ndarray] = []
    for k in MATCH_KEYS:
        found = _column_words(previous[k], current[k])
        if found is None:
            return None
        words += found
    order = np.lexsort(words[::-1])                        # first word most significant
    new_key = np.zeros(len(order), dtype=bool)
    if len(order):
        new_key[0] = True
    for w in words:
        sorted_w = w[order]
        new_key[1:] |= sorted_w[1:] != sorted_w[:-1]
    return order, np.flatnonzero(new_key)


def _taken_text(previous: pd.Series, current: pd.Series, rows: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The values at ``rows`` of ``previous`` and ``current`` stacked, as ``str`` (what the
    merge on strings gives); a categorical column's texts are taken from its categories."""
    text = pd.StringDtype("pyarrow", na_value=np.nan)

    def texts(values: pd.Series, at: np.ndarray) -> pd.api.extensions.ExtensionArray:
        if isinstance(values.dtype, pd.CategoricalDtype):
            return values.cat.categories.astype(text).array.take(values.cat.codes.to_numpy()[at])
        return values.astype(text).array.take(at)

    n_prev = len(previous)
    from_prev = rows < n_prev
    parts = pd.concat([pd.Series(texts(previous, rows[from_prev])),
                       pd.Series(texts(current, rows[~from_prev] - n_prev))], ignore_index=True).array
    back = np.empty(len(rows), dtype=np.int64)
    back[np.flatnonzero(from_prev)] = np.arange(int(from_prev.sum()))
    back[np.flatnonzero(~from_prev)] = np.arange(int(from_prev.sum()), len(rows))
    return parts.take(back)


def _coded_merge(previous: pd.DataFrame, current: pd.DataFrame, before_date: pd.Timestamp,
                 now_date: pd.Timestamp, buckets: Buckets) -> pd.DataFrame | None:
    """What the outer merge of :func:`_aged_keys` gives (keys as ``str``, amounts and bucket
    codes), computed on integer words (:func:`_key_order`); ``None`` when the ids cannot be
    coded or a key is not unique (the merge on strings then says which)."""
    if any(c not in items.columns for items in (previous, current) for c in _REQUIRED):
        return None                                        # (the merge on strings says which)
    if not (len(previous) or len(current)):
        return None                                        # (nothing to merge: its empty columns)
    found = _key_order(previous, current)
    if found is None:
        return None
    order, start = found
    n_prev = len(previous)
    sizes = np.diff(np.append(start, len(order)))
    if (sizes > 2).any():
        return None
    first = order[start]
    second = np.where(sizes == 2, order[np.minimum(start + 1, len(order) - 1)], -1)
    if ((sizes == 2) & ((first < n_prev) == (second < n_prev))).any():
        return None                                        # a key twice in one snapshot
    in_prev = np.where(first < n_prev, first, np.where((second >= 0) & (second < n_prev), second, -1))
    in_cur = np.where(first >= n_prev, first - n_prev, np.where(second >= n_prev, second - n_prev, -1))
    before, now = in_prev >= 0, in_cur >= 0

    def spread(values: np.ndarray, rows: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
        out = np.zeros(len(rows), dtype=np.int64)
        out[present] = values[rows[present]]
        return pd.arrays.IntegerArray(out, ~present)

    frame = pd.DataFrame({k: _taken_text(previous[k], current[k], first) for k in MATCH_KEYS})
    frame["previous_cents"] = spread(previous["amount_cents"].to_numpy(dtype="int64"), in_prev, before)
    frame["previous_code"] = spread(bucket_codes(days_past_due(previous, before_date), buckets), in_prev, before)
    frame["current_cents"] = spread(current["amount_cents"].to_numpy(dtype="int64"), in_cur, now)
    frame["current_code"] = spread(bucket_codes(days_past_due(current, now_date), buckets), in_cur, now)
    return frame


def _texts_of_codes(codes: np.ndarray, labels: list[str]) -> pd.api.extensions.ExtensionArray:
    """``labels[code]`` for each code as a ``string`` array, built in Arrow (no Python strings)."""
    import pyarrow as pa

    texts = pa.DictionaryArray.from_arrays(pa.array(codes), pa.array(labels, type=pa.string())).cast(pa.string())
    return pd.array(texts, dtype="string")


def _roll_rates(pb: np.ndarray, cb: np.ndarray, p: np.ndarray, still_open: np.ndarray,
                buckets: Buckets) -> pd.DataFrame:
    labels = buckets.labels
    n = len(labels)
    debit = still_open & (p > 0)
    base = np.zeros(n, dtype=np.int64)
    rolled = np.zeros(n, dtype=np.int64)
    np.add.at(base, pb[debit], p[debit])
    aged = debit & (cb > pb)
    np.add.at(rolled, pb[aged], p[aged])
    count = np.bincount(pb[debit], minlength=n)
    rate = np.full(n, np.nan)
    np.divide(rolled, base, out=rate, where=count > 0)
    return pd.DataFrame({"to_bucket": labels[1:], "base_cents": base[:-1], "rolled_cents": rolled[:-1],
                         "rate": rate[:-1]}, index=pd.Index(labels[:-1], name="from_bucket"))


def _bridge(pb: np.ndarray, cb: np.ndarray, p: np.ndarray, c: np.ndarray, before: np.ndarray,
            now: np.ndarray, buckets: Buckets) -> pd.DataFrame:
    overdue_codes = [buckets.labels.index(lab) for lab in buckets.overdue_labels]
    was = before & np.isin(pb, overdue_codes)
    is_ = now & np.isin(cb, overdue_codes)
    change = np.where(is_, c, 0) - np.where(was, p, 0)           # each item's effect on the overdue total
    credit = np.where(before, p, c) < 0                            # side of the item: its first known amount
    debit = ~credit
    new_overdue = np.where(debit & ~was & is_, c, 0)
    collected = np.where(debit & was, np.where(now, np.minimum(c - p, 0), -p), 0)
    credit_notes = np.where(credit, change, 0)
    other = np.where(debit & was, change - collected, 0)
    previous_overdue = int(np.where(was, p, 0).sum())
    current_overdue = int(np.where(is_, c, 0).sum())
    rows = [("previous_overdue", previous_overdue, "absolute"),
            *((code, int(v.sum()), "relative") for code, v in
              zip(BRIDGE_COMPONENTS, (new_overdue, collected, credit_notes, other))),
            ("current_overdue", current_overdue, "total")]
    return pd.DataFrame(rows, columns=["component", "cents", "measure"]).astype({"cents": "int64"})


def drift(previous: pd.DataFrame, current: pd.DataFrame, previous_as_of: DateLike, current_as_of: DateLike,
          buckets: Buckets | None = None) -> Drift:
    """Drift of the open items from ``previous`` (at ``previous_as_of``) to ``current``.

    Both frames are canonical open items (at least customer_id, document_id, due_date,
    amount_cents; the key must be unique in each). See :class:`Drift` for the matrix, the
    conservation identity and the roll rates.

    Overdue bridge (cents, each item's effect on the overdue total assigned to one line;
    "overdue" = the buckets of ``buckets.overdue_labels``; an item is a credit item when its
    previous amount, or its current amount if it is new, is negative):

    - ``new_overdue``: debit items overdue now but not before (they crossed their due date, or
      are new and already overdue), at their current amount;
    - ``collected`` (≤ 0 for invoices): debit items overdue before: minus the amount that left
      (the whole previous amount when gone, the decrease when reduced) — payments, but also
      lettering with a credit note or a write-off, which an export cannot tell apart;
    - ``credit_notes``: every effect of credit items: new or newly overdue credits (negative),
      overdue credits applied in part or in full (positive);
    - ``other``: the rest for debit items overdue before: increases of overdue items, and the
      amount still open of items that left overdue (due date moved later);

    previous_overdue + new_overdue + collected + credit_notes + other = current_overdue exactly.
    Moves between overdue buckets do not change the total: see :attr:`Drift.overdue_migration`.
    """
    buckets = buckets or Buckets()
    before_date, now_date = as_date(previous_as_of), as_date(current_as_of)
    if len({require_single_currency(previous, "glissement des créances"),
            require_single_currency(current, "glissement des créances")}) > 1:
        raise CurrencyError({**item_currencies(previous), **item_currencies(current)}, "glissement des créances")
    if before_date >= now_date:
        raise SettingsError(f"la balance précédente ({before_date:%d/%m/%Y}) doit être antérieure à la balance "
                            f"courante ({now_date:%d/%m/%Y})")
    merged = _coded_merge(previous, current, before_date, now_date, buckets)
    if merged is None:
        merged = _aged_keys(previous, before_date, buckets, "previous").merge(
            _aged_keys(current, now_date, buckets, "current"), on=list(MATCH_KEYS), how="outer", sort=True)
    p = merged["previous_cents"].fillna(0).to_numpy(dtype=np.int64)
    c = merged["current_cents"].fillna(0).to_numpy(dtype=np.int64)
    pb = merged["previous_code"].fillna(_ABSENT).to_numpy(dtype=np.int64)
    cb = merged["current_code"].fillna(_ABSENT).to_numpy(dtype=np.int64)
    before, now = pb != _ABSENT, cb != _ABSENT
    both = before & now
    side = np.where(p >= 0, 1, -1)
    reduced = both & (side * (c - p) < 0)
    increased = both & (side * (c - p) > 0)
    new = now & ~before

    labels = buckets.labels
    n = len(labels)
    rows = [*labels, NEW, NEW_CREDIT, INCREASED]
    cols = [*labels, REDUCED, PAID_GONE]
    m = np.zeros((len(rows), len(cols)), dtype=np.int64)
    np.add.at(m, (pb[both], cb[both]), np.where(increased, p, c)[both])
    np.add.at(m, (pb[reduced], n), (p - c)[reduced])
    np.add.at(m, (n + 2, cb[increased]), (c - p)[increased])
    gone = before & ~now
    np.add.at(m, (pb[gone], n + 1), p[gone])
    np.add.at(m, (np.where(c < 0, n + 1, n)[new], cb[new]), c[new])
    matrix = pd.DataFrame(m, index=pd.Index(rows, name="from"), columns=pd.Index(cols, name="to"))

    codes = np.select([gone, new & (c < 0), new, reduced, increased], [0, 1, 2, 3, 4], 5).astype(np.int8)
    movement = _texts_of_codes(codes, [PAID_GONE, NEW_CREDIT, NEW, REDUCED, INCREASED, UNCHANGED])
    bucket_cat = pd.CategoricalDtype(labels, ordered=True)
    movements = pd.DataFrame({
        **{k: merged[k] for k in MATCH_KEYS},
        "previous_bucket": pd.Categorical.from_codes(pb, dtype=bucket_cat),
        "current_bucket": pd.Categorical.from_codes(cb, dtype=bucket_cat),
        "previous_cents": p, "current_cents": c, "movement": movement,
    })
    return Drift(before_date, now_date, buckets, matrix, _roll_rates(pb, cb, p, both, buckets),
                 _bridge(pb, cb, p, c, before, now, buckets), movements)
