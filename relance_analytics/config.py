"""Parameters with the domain defaults, loadable from ``relance.toml``.

Small frozen dataclasses; functions take them explicitly so a notebook can override one
value (papermill parameters) without touching the file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import vocab
from .errors import SettingsError


@dataclass(frozen=True)
class Buckets:
    """Age buckets by days past due (as-of date − due date, in days).

    ``edges=(0, 30, 60, 90, 120)`` gives: not due (≤ 0), 1–30, 31–60, 61–90, 91–120, over 120.
    Any increasing edges work; the first bucket is "≤ edges[0]", the last is "> edges[-1]".
    """

    edges: tuple[int, ...] = (0, 30, 60, 90, 120)

    def __post_init__(self) -> None:
        edges = tuple(int(e) for e in self.edges)
        if not edges or any(b <= a for a, b in zip(edges, edges[1:])):
            raise SettingsError(f"[aging] edges : une liste de jours non vide et strictement croissante attendue, lu "
                                f"{list(self.edges)}")
        object.__setattr__(self, "edges", edges)

    @property
    def labels(self) -> list[str]:
        """Code labels, youngest first: ``not_due``, ``1-30``, …, ``over_120``."""
        first = "not_due" if self.edges[0] == 0 else f"upto_{self.edges[0]}"
        middle = [f"{a + 1}-{b}" for a, b in zip(self.edges, self.edges[1:])]
        return [first, *middle, f"over_{self.edges[-1]}"]

    @property
    def french_labels(self) -> list[str]:
        """Labels for reports: ``Non échu``, ``1 à 30 j``, …, ``Plus de 120 j``."""
        first = vocab.BUCKET_NOT_DUE if self.edges[0] == 0 else f"Jusqu'à {self.edges[0]} j"
        middle = [f"{a + 1} à {b} j" for a, b in zip(self.edges, self.edges[1:])]
        return [first, *middle, f"Plus de {self.edges[-1]} j"]

    @property
    def overdue_labels(self) -> list[str]:
        """Labels of the buckets that are overdue (every bucket after the first when edges[0] is 0)."""
        return self.labels[1:] if self.edges[0] == 0 else [
            lab for lab, lo in zip(self.labels, (None, *self.edges)) if lo is not None and lo >= 0]


@dataclass(frozen=True)
class Settings:
    """Everything ``relance.toml`` configures. Unknown sections are kept in ``raw``."""

    company: str = ""
    mapping: str = "auto"
    buckets: Buckets = field(default_factory=Buckets)
    default_vat_rate: float = 0.20
    collectors: dict[str, dict[str, Any]] = field(default_factory=dict)
    currencies: dict[str, Any] = field(default_factory=dict)    # [currencies]: 1 unit = rate EUR
    fec: str | None = None          # [exports] fec: one FEC replaces the weekly exports (path)
    fec_weeks: int = 16             # weekly snapshots rebuilt from the FEC
    fec_weekday: int = 5            # their weekday, ISO (5 = Friday)
    raw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None) -> Settings:
        """Settings from a TOML file (``None`` or a missing file gives the defaults). A mapping
        file or a FEC named in ``[exports]`` is taken relative to the TOML file's folder."""
        if path is None or not Path(path).is_file():
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} : TOML invalide ({exc})") from None
        exports = data.get("exports", {})
        folder = Path(path).resolve().parent
        mapping = str(exports.get("mapping", "auto"))
        if mapping.endswith(".toml") and not Path(mapping).is_absolute():
            mapping = str(folder / mapping)   # relative to relance.toml's folder
        fec = exports.get("fec")
        return cls(
            company=data.get("company", {}).get("name", ""),
            mapping=mapping,
            buckets=Buckets(tuple(data.get("aging", {}).get("edges", Buckets().edges))),
            default_vat_rate=float(data.get("vat", {}).get("default_rate", 0.20)),
            collectors=dict(data.get("collectors", {})),
            currencies=dict(data.get("currencies", {})),
            fec=None if fec is None else str(folder / str(fec)),
            fec_weeks=int(exports.get("fec_weeks", 16)),
            fec_weekday=int(exports.get("fec_weekday", 5)),
            raw=data,
        )
