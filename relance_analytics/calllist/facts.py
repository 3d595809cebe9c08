"""What the rules look at: the open items, disputes, promises and action history of each
customer at the as-of date, prepared once (pure functions of the canonical frames).

Vocabulary used by the rules (all dates are days, amounts integer cents TTC):

* **chased** item: open amount > 0, overdue (days past due ≥ 1), not disputed, not covered by a
  pending promise (promise date ≥ as-of), customer not in insolvency proceedings;
* **episode start**: the oldest due date among the customer's chased items — actions dated
  after it are the reminders of the current unpaid episode;
* **result**: a dated promise, a dispute raised, or an excuse that is a legitimate reason
  (``params.legitimate_excuses``); every other action (no answer, evasive answer, excuse,
  callback agreed, document requested or sent, reminder sent) is a reminder *without result*;
* **formal notice**: an action on the formal-notice channel or with outcome
  ``formal_notice_sent``;
* the customer's **last action** decides the pending callback (its callback date) and the
  document follow-up (its outcome ``document_sent``): any later action supersedes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..aging import as_date, days_past_due
from ..disputes import dispute_summary, open_at
from ..enrich import attach_customers
from ..journal import split_document_ids
from .params import CallListParams

DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Facts:
    """Prepared inputs of the rules (see the module docstring for the vocabulary).

    - ``items``: open items with ``cid`` (customer id as string), ``days_past_due``, flags
      ``disputed``, ``promised`` (covered by a pending promise), ``insolvent``, ``chased``.
    - ``accounts``: one row per customer with open items (index ``cid``): name, collector,
      status, circuit, ``overdue_cents`` (chased), ``credits_cents`` (≤ 0), ``not_due_cents``,
      ``open_cents``, ``oldest_due``, ``max_days``, ``weighted_days`` (float), history figures.
    - ``actions``: actions dated on or before as-of, sorted, with ``cid``, ``docs`` (tuple),
      flags ``is_result``, ``is_formal_notice``, ``is_unsuccessful``, ``is_evasive``.
    - ``promises``: evaluated promises (``relance_analytics.promises``) with ``cid`` and ``docs``.
    - ``disputes``: disputes open at as-of (file and journal), ``resolved``: disputes resolved
      on or before as-of whose item is still open.
    """

    as_of: pd.Timestamp
    params: CallListParams
    items: pd.DataFrame
    accounts: pd.DataFrame
    actions: pd.DataFrame
    promises: pd.DataFrame
    disputes: pd.DataFrame
    resolved: pd.DataFrame

    @cached_property
    def account(self) -> dict[str, dict[str, object]]:
        """``accounts`` as one plain dict per customer (fast access while building rows)."""
        return self.accounts.to_dict("index")

    @cached_property
    def history(self) -> dict[str, list[dict[str, object]]]:
        """Each customer's actions as plain dicts, oldest first."""
        out: dict[str, list[dict[str, object]]] = {}
        for record in self.actions.to_dict("records"):
            out.setdefault(str(record["cid"]), []).append(record)
        return out

    @cached_property
    def open_items(self) -> dict[str, list[tuple[str, int, pd.Timestamp, bool]]]:
        """Each customer's open items ``(document_id, cents, due_date, chased)`` by due date, then id."""
        it = self.items.sort_values(["cid", "due_date", "document_id"], kind="stable")
        out: dict[str, list[tuple[str, int, pd.Timestamp, bool]]] = {}
        for cid, doc, cents, due, chased in zip(it["cid"].tolist(), _ids(it["document_id"]).tolist(),
                                                it["amount_cents"].tolist(), it["due_date"].tolist(),
                                                it["chased"].tolist()):
            out.setdefault(cid, []).append((doc, int(cents), pd.Timestamp(due), bool(chased)))
        return out

    def chased(self, cid: str) -> list[tuple[str, int, pd.Timestamp]]:
        """The customer's chased items ``(document_id, cents, due_date)``, oldest due first."""
        return [(d, c, due) for d, c, due, chased in self.open_items.get(cid, ()) if chased]

    @cached_property
    def reminded(self) -> list[str]:
        """Customers with a chased item due before their last action (the cadence applies), sorted."""
        last = self.accounts["last_date"]
        return sorted(cid for cid, items in self.open_items.items()
                      if not pd.isna(last.get(cid)) and any(ch and due < last[cid] for _, _, due, ch in items))

    def episode(self, cid: str) -> list[dict[str, object]]:
        """The customer's actions since its oldest unpaid due date (formal notices included)."""
        start = self.account[cid]["oldest_due"] if cid in self.account else pd.NaT
        if pd.isna(start):
            return []
        return [a for a in self.history.get(cid, ()) if a["date"] > start]


def map_dates(keys: pd.Series, dates: pd.Series) -> np.ndarray:
    """``dates[key]`` for each key as ``datetime64[s]`` (NaT when absent, also for empty inputs)."""
    table = dates.astype("datetime64[s]") if len(dates) else pd.Series(dtype="datetime64[s]")
    return table.reindex(pd.Index(keys.to_numpy(dtype=object))).to_numpy(dtype="datetime64[s]")


def _ids(values: pd.Series) -> np.ndarray:
    return values.astype("string").fillna("").to_numpy(dtype=object)


def _codes(values: pd.Series) -> np.ndarray:
    return values.astype("string").fillna("").to_numpy(dtype=object)


def prepare_actions(actions: pd.DataFrame, as_of: pd.Timestamp, params: CallListParams) -> pd.DataFrame:
    """Actions dated on or before ``as_of``, sorted by customer, date and id, with rule flags."""
    acts = actions[actions["date"].to_numpy(dtype="datetime64[s]") <= as_of.to_datetime64()].copy()
    acts.attrs = {}
    acts["order"] = acts["id"].to_numpy() if "id" in acts.columns else acts.index.to_numpy()
    acts["cid"] = _ids(acts["customer_id"])
    acts["docs"] = [split_document_ids(v) for v in acts["document_ids"].astype(object)]
    outcome, excuse, channel = _codes(acts["outcome"]), _codes(acts["excuse"]), _codes(acts["channel"])
    dated = acts["promise_date"].notna().to_numpy()
    legit = np.isin(excuse, list(params.legitimate_excuses))
    acts["is_formal_notice"] = (channel == "formal_notice") | (outcome == "formal_notice_sent")
    acts["is_result"] = ((outcome == "promise") & dated) | (outcome == "dispute") | ((outcome == "excuse") & legit)
    acts["is_unsuccessful"] = ~acts["is_formal_notice"] & ~acts["is_result"]
    acts["is_evasive"] = (outcome == "evasive") | ((outcome == "excuse") & ~legit) | ((outcome == "promise") & ~dated)
    acts["is_legitimate"] = legit
    acts["is_financial"] = np.isin(excuse, list(params.financial_difficulty_excuses))
    return acts.sort_values(["cid", "date", "order"], kind="stable", ignore_index=True)


def _pending_cover(items: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    """Latest promise date of the pending promises covering each item (NaT if none).

    A promise names its documents; one naming none covers all of the customer's items.
    """
    covered = np.full(len(items), np.datetime64("NaT"), dtype="datetime64[s]")
    pending = promises[(promises["status"] == "pending").to_numpy()
                       & (promises["promise_date"].to_numpy(dtype="datetime64[s]") >= as_of.to_datetime64())]
    if pending.empty:
        return covered
    by_doc: dict[str, np.datetime64] = {}
    by_customer: dict[str, np.datetime64] = {}
    for cid, docs, date in zip(pending["cid"], pending["docs"], pending["promise_date"].to_numpy(dtype="datetime64[s]")):
        for key, table in ([(d, by_doc) for d in docs] if docs else [(cid, by_customer)]):
            table[key] = max(table.get(key, date), date)
    doc_ids, cids = _ids(items["document_id"]), items["cid"].to_numpy(dtype=object)
    for i, (doc, cid) in enumerate(zip(doc_ids, cids)):
        dates = [d for d in (by_doc.get(doc), by_customer.get(cid)) if d is not None]
        if dates:
            covered[i] = max(dates)
    return covered


def _journal_disputes(acts: pd.DataFrame, file_disputes: pd.DataFrame, items: pd.DataFrame,
                      as_of: pd.Timestamp) -> pd.DataFrame:
    """Disputes raised in the journal (outcome ``dispute``) on items still open that the disputes
    file does not hold open, and that no dispute of the file resolved after they were raised."""
    raised = acts[(_codes(acts["outcome"]) == "dispute")]
    rows = [(cid, doc, date, channel, note)
            for cid, docs, date, channel, note in zip(raised["cid"], raised["docs"], raised["date"],
                                                      _codes(raised["channel"]), raised["note"].astype(object))
            for doc in docs]
    out = pd.DataFrame(rows, columns=["cid", "document_id", "raised", "channel", "note"])
    if out.empty:
        return out
    out = out.sort_values("raised", kind="stable").drop_duplicates("document_id", keep="last")
    open_docs = set(_ids(items["document_id"]))
    file_open = set(_ids(file_disputes.loc[_open_mask(file_disputes, as_of), "document_id"]))
    resolved = file_disputes[file_disputes["resolved"].notna().to_numpy()]
    settled = {(d, r) for d, r in zip(_ids(resolved["document_id"]), resolved["resolved"].to_numpy(dtype="datetime64[s]"))
               if r <= as_of.to_datetime64()}
    last_resolution: dict[str, np.datetime64] = {}
    for doc, when in settled:
        last_resolution[doc] = max(last_resolution.get(doc, when), when)
    keep = [doc in open_docs and doc not in file_open
            and not (doc in last_resolution and last_resolution[doc] >= np.datetime64(raised_on, "s"))
            for doc, raised_on in zip(out["document_id"], out["raised"].to_numpy(dtype="datetime64[s]"))]
    return out[keep].reset_index(drop=True)


def _open_mask(disputes: pd.DataFrame, as_of: pd.Timestamp) -> np.ndarray:
    return open_at(disputes, as_of) if len(disputes) else np.zeros(0, dtype=bool)


def prepare(items: pd.DataFrame, customers: pd.DataFrame | None, actions: pd.DataFrame,
            disputes: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
            params: CallListParams) -> Facts:
    """Build the :class:`Facts` of ``as_of`` (see :func:`relance_analytics.calllist.call_list`)."""
    as_of = as_date(as_of)
    if customers is not None and not {"status", "collector"} <= set(items.columns):
        items = attach_customers(items, customers)
    items = items.reset_index(drop=True).copy()
    items.attrs = {}                      # (pandas deep-copies attrs on every operation)
    items["cid"] = _ids(items["customer_id"])
    for col, default in (("collector", "(non affecté)"), ("status", "active"), ("invoice_circuit", "")):
        values = items[col].astype("string") if col in items.columns else pd.Series(pd.NA, index=items.index, dtype="string")
        items[col] = values.fillna(default)
    items["days_past_due"] = days_past_due(items, as_of)
    acts = prepare_actions(actions, as_of, params)
    promises = promises.copy()
    promises["cid"] = _ids(promises["customer_id"])
    promises["docs"] = [split_document_ids(v) for v in promises["document_ids"].astype(object)]

    summary = dispute_summary(items, disputes, as_of).open if len(disputes) else None
    file_open = summary[summary["item_open"].to_numpy()] if summary is not None else pd.DataFrame()
    journal = _journal_disputes(acts, disputes, items, as_of)
    disputed_docs = set(_ids(file_open["document_id"])) if len(file_open) else set()
    disputed_docs |= set(journal["document_id"]) if len(journal) else set()

    amount = items["amount_cents"].to_numpy(dtype="int64")
    dpd = items["days_past_due"].to_numpy()
    items["disputed"] = np.isin(_ids(items["document_id"]), list(disputed_docs))
    items["promised_until"] = _pending_cover(items, promises, as_of)
    items["promised"] = ~np.isnat(items["promised_until"].to_numpy(dtype="datetime64[s]"))
    items["insolvent"] = items["status"].isin(list(params.insolvency_statuses)).to_numpy()
    free = ~items["disputed"].to_numpy() & ~items["insolvent"].to_numpy()
    items["chased"] = free & ~items["promised"].to_numpy() & (amount > 0) & (dpd >= 1)

    accounts = _accounts(items, acts, promises, as_of, params)
    resolved = _resolved(disputes, items, as_of)
    all_disputes = _dispute_frame(file_open, journal, items, as_of)
    return Facts(as_of, params, items, accounts, acts, promises, all_disputes, resolved)


def _accounts(items: pd.DataFrame, acts: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
              params: CallListParams) -> pd.DataFrame:
    """Per-customer amounts (cents) and history figures used by the rules."""
    amount = items["amount_cents"].to_numpy(dtype="int64")
    chased = items["chased"].to_numpy()
    free = ~items["disputed"].to_numpy() & ~items["insolvent"].to_numpy()
    dpd = items["days_past_due"].to_numpy()
    frame = pd.DataFrame({
        "cid": items["cid"],
        "overdue_cents": np.where(chased, amount, 0),
        "overdue_items": chased.astype("int64"),
        "weighted": np.where(chased, amount * np.maximum(dpd, 0), 0),
        "credits_cents": np.where(free & (amount < 0), amount, 0),
        "not_due_cents": np.where(free & (amount > 0) & (dpd <= 0), amount, 0),
        "disputed_cents": np.where(items["disputed"].to_numpy(), amount, 0),
        "open_cents": amount,
        "oldest_due": np.where(chased, items["due_date"].to_numpy(dtype="datetime64[s]"), np.datetime64("NaT")),
        "max_days": np.where(chased, dpd, -(1 << 40)),
    })
    g = frame.groupby("cid", sort=True)
    acc = g[["overdue_cents", "overdue_items", "weighted", "credits_cents", "not_due_cents", "disputed_cents",
             "open_cents"]].sum()
    acc["oldest_due"] = g["oldest_due"].min().astype("datetime64[s]")
    acc["max_days"] = g["max_days"].max().where(acc["overdue_items"] > 0, 0).astype("int64")
    acc["weighted_days"] = np.where(acc["overdue_cents"] > 0, acc["weighted"] / acc["overdue_cents"].where(
        acc["overdue_cents"] > 0, 1), 0.0)
    first = items.drop_duplicates("cid").set_index("cid")
    for col in ("customer_name", "collector", "status", "invoice_circuit"):
        acc[col] = first[col].astype("string").reindex(acc.index)
    acc = acc.drop(columns="weighted")
    return _history(acc, acts, promises, as_of, params)


def _history(acc: pd.DataFrame, acts: pd.DataFrame, promises: pd.DataFrame, as_of: pd.Timestamp,
             params: CallListParams) -> pd.DataFrame:
    """Add the figures of each customer's action history to the accounts frame."""
    start = map_dates(acts["cid"], acc["oldest_due"])
    date = acts["date"].to_numpy(dtype="datetime64[s]")
    in_episode = ~np.isnat(start) & (date > start)
    result_date = acts[acts["is_result"].to_numpy()].groupby("cid")["date"].max()
    reset = map_dates(acts["cid"], result_date)
    since_reset = in_episode & (np.isnat(reset) | (date > reset))
    window = date > (as_of - pd.Timedelta(days=params.litigation_window_days)).to_datetime64()

    def per_customer(mask: np.ndarray, how: str, column: str = "date") -> pd.Series:
        return getattr(acts[mask].groupby("cid")[column], how)()

    unsuccessful = acts["is_unsuccessful"].to_numpy() & since_reset
    acc["result_date"] = result_date.reindex(acc.index).astype("datetime64[s]")
    acc["unsuccessful"] = per_customer(unsuccessful, "size").reindex(acc.index, fill_value=0).astype("int64")
    acc["unsuccessful_first"] = per_customer(unsuccessful, "min").reindex(acc.index).astype("datetime64[s]")
    recent = unsuccessful & window
    acc["unsuccessful_recent"] = per_customer(recent, "size").reindex(acc.index, fill_value=0).astype("int64")
    acc["unsuccessful_recent_first"] = per_customer(recent, "min").reindex(acc.index).astype("datetime64[s]")
    acc["unsuccessful_recent_last"] = per_customer(recent, "max").reindex(acc.index).astype("datetime64[s]")
    notice = acts["is_formal_notice"].to_numpy() & since_reset
    acc["formal_notice_date"] = per_customer(notice, "max").reindex(acc.index).astype("datetime64[s]")
    legit = acts["is_legitimate"].to_numpy() & in_episode & window
    acc["legitimate_reason"] = acc.index.isin(acts.loc[legit, "cid"])
    financial = acts["is_financial"].to_numpy() & in_episode
    acc["financial_difficulty"] = acc.index.isin(acts.loc[financial, "cid"])
    reminders = in_episode & ~acts["is_formal_notice"].to_numpy()
    acc["reminders"] = per_customer(reminders, "size").reindex(acc.index, fill_value=0).astype("int64")

    last = acts.groupby("cid").tail(1).set_index("cid")
    acc["last_date"] = last["date"].reindex(acc.index).astype("datetime64[s]")
    acc["last_outcome"] = last["outcome"].astype("string").reindex(acc.index)
    acc["last_channel"] = last["channel"].astype("string").reindex(acc.index)
    acc["last_excuse"] = last["excuse"].astype("string").reindex(acc.index)
    acc["last_docs"] = last["docs"].reindex(acc.index)
    acc["last_evasive"] = last["is_evasive"].reindex(acc.index).fillna(False).astype(bool)
    acc["callback_date"] = last["callback_date"].reindex(acc.index).astype("datetime64[s]")
    excuses = acts[acts["excuse"].notna().to_numpy()].groupby("cid").tail(1).set_index("cid")
    acc["excuse"] = excuses["excuse"].astype("string").reindex(acc.index)
    acc["excuse_date"] = excuses["date"].reindex(acc.index).astype("datetime64[s]")

    p_start = map_dates(promises["cid"], acc["oldest_due"])
    p_date = promises["promise_date"].to_numpy(dtype="datetime64[s]")
    broken = ((promises["status"] == "broken").to_numpy() & ~np.isnat(p_start) & (p_date >= p_start)
              & (p_date < as_of.to_datetime64()))
    counted = promises[broken].groupby("cid")["promise_date"]
    acc["broken_promises"] = counted.size().reindex(acc.index, fill_value=0).astype("int64")
    acc["broken_dates"] = counted.agg(lambda s: tuple(pd.to_datetime(s))).reindex(acc.index)
    acc["broken_dates"] = [v if isinstance(v, tuple) else () for v in acc["broken_dates"]]
    return acc


def _resolved(disputes: pd.DataFrame, items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Disputes resolved on or before ``as_of`` whose item is still open (never to be re-raised)."""
    if disputes.empty:
        return pd.DataFrame(columns=["cid", "document_id", "dispute_type", "resolved"])
    resolved_on = disputes["resolved"].to_numpy(dtype="datetime64[s]")
    done = disputes[~np.isnat(resolved_on) & (resolved_on <= as_of.to_datetime64())]
    done = done[np.isin(_ids(done["document_id"]), _ids(items["document_id"]))]
    out = pd.DataFrame({"cid": _ids(done["customer_id"]), "document_id": _ids(done["document_id"]),
                        "dispute_type": done["dispute_type"].astype("string").to_numpy(),
                        "resolved": done["resolved"].to_numpy(dtype="datetime64[s]")})
    return out.sort_values(["cid", "resolved"], kind="stable", ignore_index=True)


DISPUTE_COLUMNS = ("cid", "dispute_id", "document_id", "dispute_type", "opened", "days_open", "disputed_cents",
                   "item_open_cents", "owner", "owner_phone", "owner_email", "reason", "source", "channel")


def _dispute_frame(file_open: pd.DataFrame, journal: pd.DataFrame, items: pd.DataFrame,
                   as_of: pd.Timestamp) -> pd.DataFrame:
    """Open disputes on open items: those of the disputes file, then those only in the journal."""
    parts = []
    if len(file_open):
        f = pd.DataFrame({
            "cid": _ids(file_open["customer_id"]), "dispute_id": file_open["dispute_id"].astype("string").to_numpy(),
            "document_id": _ids(file_open["document_id"]),
            "dispute_type": file_open["dispute_type"].astype("string").to_numpy(),
            "opened": file_open["opened"].to_numpy(dtype="datetime64[s]"),
            "disputed_cents": file_open["disputed_cents"].to_numpy(dtype="int64"),
            "item_open_cents": file_open["item_open_cents"].to_numpy(dtype="int64", na_value=0),
            "owner": file_open["owner"].astype("string").to_numpy(),
            "owner_phone": file_open["owner_phone"].astype("string").to_numpy(),
            "owner_email": file_open["owner_email"].astype("string").to_numpy(),
            "reason": file_open["reason"].astype("string").to_numpy(),
            "source": "file", "channel": "",
        })
        parts.append(f)
    if len(journal):
        open_amount = dict(zip(_ids(items["document_id"]), items["amount_cents"].to_numpy(dtype="int64")))
        amounts = np.array([open_amount[d] for d in journal["document_id"]], dtype="int64")
        j = pd.DataFrame({
            "cid": journal["cid"].to_numpy(dtype=object), "dispute_id": "",
            "document_id": journal["document_id"].to_numpy(dtype=object), "dispute_type": "",
            "opened": journal["raised"].to_numpy(dtype="datetime64[s]"),
            "disputed_cents": amounts, "item_open_cents": amounts,
            "owner": pd.NA, "owner_phone": pd.NA, "owner_email": pd.NA,
            "reason": journal["note"].astype("string").to_numpy(), "source": "journal",
            "channel": journal["channel"].to_numpy(dtype=object),
        })
        parts.append(j)
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c == "opened" else object) for c in DISPUTE_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    for col in ("owner", "owner_phone", "owner_email", "reason", "dispute_id", "dispute_type", "channel", "source"):
        out[col] = out[col].astype("string")
    out["days_open"] = ((as_of.to_datetime64() - out["opened"].to_numpy(dtype="datetime64[s]")) // DAY).astype("int64")
    return out.sort_values(["opened", "cid", "document_id"], kind="stable", ignore_index=True)[list(DISPUTE_COLUMNS)]
