"""What one call-list row knows of its customer, in facts (amounts in cents, dates), for the
talking points and the answers to excuses (:mod:`relance_analytics.text.talking_points`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd


class Promise(NamedTuple):
    """A promise still running: agreed on ``agreed_on`` to pay ``cents`` (``None``: the whole
    of the documents) by ``date`` for ``documents`` (empty: the account)."""

    agreed_on: pd.Timestamp
    date: pd.Timestamp
    cents: int | None
    documents: tuple[str, ...]


@dataclass(frozen=True)
class Situation:
    """The facts of one row that the talking points put into words (amounts in cents).

    ``overdue`` / ``pre_due``: ``(document_id, cents, due_date)`` of the row's documents;
    ``broken``: ``(promise_date, promised cents or None)`` of the oldest broken promise;
    ``callback``: ``(agreed_on, callback_date)`` when the row comes back for a callback;
    ``unsuccessful``: reminders without result since the last result; ``resolved``:
    ``(document_id, dispute type, resolved date)`` never to be raised again;
    ``pending``: the customer's promises still running, :class:`Promise`; ``notices``: the
    dates of the formal notices sent since the oldest unpaid due date; ``documents_sent``:
    ``(date, document ids)`` of the duplicates and documents sent in that time; ``excuse``: the
    last excuse of that time, when no result came with or after it; ``episode_actions``: how
    many actions were taken in that time.
    """

    as_of: pd.Timestamp
    rules: frozenset[str]
    overdue: tuple[tuple[str, int, pd.Timestamp], ...] = ()
    pre_due: tuple[tuple[str, int, pd.Timestamp], ...] = ()
    credits_cents: int = 0
    broken: tuple[pd.Timestamp, int | None] | None = None
    document_sent: pd.Timestamp | None = None
    callback: tuple[pd.Timestamp, pd.Timestamp] | None = None
    unsuccessful: int = 0
    notice_after: int = 3
    excuse: str | None = None
    excuse_date: pd.Timestamp | None = None
    financial_difficulty: bool = False
    resolved: tuple[tuple[str, str, pd.Timestamp], ...] = ()
    disputed: tuple[str, ...] = ()
    proposal_days: int = 7
    broken_proposal_days: int = 2
    pending: tuple[Promise, ...] = ()
    notices: tuple[pd.Timestamp, ...] = ()
    documents_sent: tuple[tuple[pd.Timestamp, tuple[str, ...]], ...] = ()
    episode_actions: int = 0

    @property
    def last_notice(self) -> pd.Timestamp | None:
        return max(self.notices) if self.notices else None

    @property
    def document_sent_after_excuse(self) -> tuple[pd.Timestamp, tuple[str, ...]] | None:
        """The last document sent on or after the last excuse (what answered it), if any."""
        if self.excuse_date is None:
            return None
        after = [d for d in self.documents_sent if d[0] >= self.excuse_date]
        return max(after, key=lambda d: d[0]) if after else None

    @property
    def overdue_cents(self) -> int:
        return sum(c for _, c, _ in self.overdue)

    @property
    def net_cents(self) -> int:
        """What is due now: overdue items net of credits (pre-due invoices are due at their date)."""
        return max(self.overdue_cents + self.credits_cents, 0)

    @property
    def oldest(self) -> tuple[str, int, pd.Timestamp] | None:
        return min(self.overdue, key=lambda d: (d[2], d[0])) if self.overdue else None

    def working_day(self, days: int) -> pd.Timestamp:
        """The first working day (Monday–Friday) on or after as-of + ``days``."""
        return _working_day(self.as_of, days)

    @property
    def proposal_date(self) -> pd.Timestamp:
        return self.working_day(self.broken_proposal_days if self.broken else self.proposal_days)


@lru_cache(maxsize=1024)
def _working_day(as_of: pd.Timestamp, days: int) -> pd.Timestamp:
    target = (as_of + pd.Timedelta(days=days)).to_datetime64().astype("datetime64[D]")
    return pd.Timestamp(np.busday_offset(target, 0, roll="forward"))
