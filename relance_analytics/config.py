"""Parameters with the domain defaults, loadable from ``relance.toml``.

Small frozen dataclasses; functions take them explicitly so a notebook can override one
value (papermill parameters) without touching the file.
"""

from __future__ import annotations

import datetime as dt
import re
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
    # [legal]: the fiscal year's close (month, day), and the payment-term caps of L441-10 I
    fiscal_year_end: tuple[int, int] | None = None
    payment_terms_days: int = 60        # at most N days after the invoice date
    payment_terms_eom_days: int = 45    # or N days end of month (either reading)
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
        legal = dict(data.get("legal", {}))
        for key in RATE_TABLE_KEYS:           # rate tables (CSV) are relative to relance.toml's folder too
            if key in legal and not Path(str(legal[key])).is_absolute():
                legal[key] = str(folder / str(legal[key]))
        if "legal" in data:
            data = {**data, "legal": legal}
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
            **_legal(legal),
            raw=data,
        )


LEGAL_KEYS = ("fiscal_year_end", "payment_terms_days", "payment_terms_eom_days")
#: ``[legal]`` keys of the late-payment penalties, read by ``PenaltyParams.from_settings`` from ``raw``:
#: the rate tables (CSV paths) and the contractual rates.
RATE_TABLE_KEYS = ("ecb_rates", "legal_rates")
PENALTY_KEYS = (*RATE_TABLE_KEYS, "penalty_rate", "customer_penalty_rates")


def _legal(table: dict[str, Any]) -> dict[str, Any]:
    """The ``[legal]`` section: ``fiscal_year_end`` (``"30/09"`` day/month, or ``"09-30"``
    month-day), ``payment_terms_days`` (60) and ``payment_terms_eom_days`` (45), whole days; the
    :data:`PENALTY_KEYS` are allowed and left to ``PenaltyParams.from_settings``."""
    unknown = sorted(set(table) - set(LEGAL_KEYS) - set(PENALTY_KEYS))
    if unknown:
        raise SettingsError(f"relance.toml [legal] : clé inconnue {', '.join(unknown)} "
                            f"(clés connues : {', '.join((*LEGAL_KEYS, *PENALTY_KEYS))})")
    out: dict[str, Any] = {}
    if "fiscal_year_end" in table:
        out["fiscal_year_end"] = parse_month_day(table["fiscal_year_end"])
    for key in LEGAL_KEYS[1:]:
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise SettingsError(f"relance.toml [legal] {key} : un nombre entier de jours attendu (par exemple "
                                    f"{60 if key == 'payment_terms_days' else 45}), lu {value!r}")
            out[key] = value
    return out


def parse_month_day(text: object) -> tuple[int, int]:
    """``(month, day)`` of a day of the year: ``"30/09"`` (day/month, French) or ``"09-30"``
    (month-day, as in ISO dates); ``29/02`` is allowed (a close at the end of February)."""
    value = str(text).strip()
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})", value)
    iso = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value)
    if french:
        month, day = int(french.group(2)), int(french.group(1))
    elif iso:
        month, day = int(iso.group(1)), int(iso.group(2))
    else:
        month = day = 0
    try:
        dt.date(2000, month, day)       # a leap year: 29/02 is a valid close
    except ValueError:
        raise SettingsError(f"relance.toml [legal] fiscal_year_end : le jour de clôture de l'exercice attendu, "
                            f"JJ/MM (par exemple \"30/09\" ou \"31/12\"), lu {text!r}") from None
    return month, day
