"""What a weekly call list is made of and what publishing it wrote (read by the report)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..metrics.penalties import PenaltyParams
from .build import CallList
from .drafts import Drafts


@dataclass(frozen=True)
class WeeklyCallList:
    """A call list with what it was built from (for the drafts and the notebook)."""

    call_list: CallList
    actions: pd.DataFrame            # journal actions dated on or before the as-of date
    promises: pd.DataFrame           # evaluate_promises over the snapshots up to the as-of date
    customers: pd.DataFrame
    contacts: pd.DataFrame | None
    company: str
    collectors: tuple[str, ...] | None   # the collector filter, None = all
    penalties: PenaltyParams = field(default_factory=PenaltyParams)   # the rates the letters state
    performance: pd.DataFrame | None = None   # collector_performance up to the as-of date (None: not computed)


@dataclass(frozen=True)
class Published:
    """Files written by :func:`publish`."""

    workbook: Path
    drafts_dir: Path
    drafts: Drafts
