"""Column mappings from an ERP export's headers to the canonical open-item columns.

A mapping is a dict ``{canonical: source header or list of candidate headers}``, a TOML
file with a ``[columns]`` table (and optionally ``[document_types]``), or the name of a
built-in preset (``sage``, ``odoo``, ``sap_fbl5n``, ``erpnext``, ``business_central``,
``netsuite``, ``ebp``), or ``"auto"`` to pick the preset whose headers the file has.
Header matching ignores case, accents, ``N°``/``Nº``/``No`` and surrounding spaces.

Besides the open-item columns, a mapping may name ``direction`` (a ``Sens`` / ``Debit/Credit
ind.`` column: ``D``/``Débit``/``S`` give a debit, ``C``/``Crédit``/``H`` a credit; the amount's
sign then comes from it) and ``lettering`` (a lettering code: a lettered line is closed and
left out of the open items, see :func:`~relance_analytics.io.open_items.read_open_items`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Mapping as TMapping
from typing import Union

from .parse import normalize_label

CANONICAL = (
    "customer_id", "customer_name", "customer", "document_id", "document_type",
    "document_date", "due_date", "amount", "amount_ht", "debit", "credit",
    "collector", "segment", "currency", "direction", "lettering",
)
DOCUMENT_TYPES = ("invoice", "credit_note", "payment")
BY_SIGN = "by_sign"

MappingLike = Union["ColumnMapping", TMapping[str, object], str, Path, None]


@dataclass(frozen=True)
class ColumnMapping:
    """Candidate source headers per canonical column, plus the document-type codes."""

    name: str
    columns: dict[str, tuple[str, ...]]
    document_types: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(CANONICAL))
        if unknown:
            raise ValueError(f"mapping {self.name!r}: unknown canonical column(s) {unknown}; "
                             f"expected some of {list(CANONICAL)}")
        bad = {k: v for k, v in self.document_types.items() if v not in (*DOCUMENT_TYPES, BY_SIGN)}
        if bad:
            raise ValueError(f"mapping {self.name!r}: document types {bad} must be one of "
                             f"{[*DOCUMENT_TYPES, BY_SIGN]}")
        missing = self.missing_required(set(self.columns))
        if missing:
            raise ValueError(f"mapping {self.name!r} does not map {', '.join(missing)}")

    @staticmethod
    def missing_required(mapped: set[str]) -> list[str]:
        """Required canonical columns (or alternatives) absent from ``mapped``."""
        missing = []
        if not mapped & {"customer_id", "customer"}:
            missing.append("customer_id (or customer)")
        if "document_id" not in mapped:
            missing.append("document_id")
        if "amount" not in mapped and not {"debit", "credit"} <= mapped:
            missing.append("amount (or debit and credit)")
        if not mapped & {"due_date", "document_date"}:
            missing.append("due_date (or document_date)")
        return missing

    def type_code(self, value: str) -> str | None:
        """Canonical document type for a source code (``by_sign`` possible), or ``None``."""
        return self.type_codes().get(normalize_label(value))

    def type_codes(self) -> dict[str, str]:
        """``{normalized source code: canonical document type}``."""
        return {normalize_label(k): v for k, v in self.document_types.items()}

    def locate(self, header_row: list[object]) -> dict[str, int]:
        """Column index of each canonical column found in ``header_row`` (first candidate wins)."""
        keys = [normalize_label(h) for h in header_row]
        found: dict[str, int] = {}
        for canonical, candidates in self.columns.items():
            for cand in candidates:
                key = normalize_label(cand)
                if key in keys:
                    found[canonical] = keys.index(key)
                    break
        return found

    def duplicates(self, header_row: list[object]) -> dict[str, list[int]]:
        """Canonical columns whose matched header appears more than once in ``header_row``."""
        keys = [normalize_label(h) for h in header_row]
        found = self.locate(header_row)
        return {canonical: [j for j, k in enumerate(keys) if k == keys[i]]
                for canonical, i in found.items() if keys.count(keys[i]) > 1}

    def matches(self, header_row: list[object]) -> bool:
        """True if every required canonical column has a header in ``header_row``."""
        return not self.missing_required(set(self.locate(header_row)))

    def header_of(self, canonical: str, header_row: list[object]) -> str:
        """The source header text used for ``canonical`` (for error messages)."""
        return str(header_row[self.locate(header_row)[canonical]]).strip()


def preset_names() -> list[str]:
    """Names of the built-in mapping presets."""
    folder = resources.files(__package__) / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_preset(name: str) -> ColumnMapping:
    """A built-in preset by name."""
    if name not in preset_names():
        raise ValueError(f"unknown mapping preset {name!r}; built-in presets: {', '.join(preset_names())}")
    text = (resources.files(__package__) / "presets" / f"{name}.toml").read_text(encoding="utf-8")
    return from_dict(tomllib.loads(text), name)


def from_dict(data: TMapping[str, object], name: str = "custom") -> ColumnMapping:
    """Build a mapping from ``{"columns": {...}, "document_types": {...}}`` or a flat dict of columns."""
    columns = data.get("columns", data) if isinstance(data, dict) else data
    types = data.get("document_types", {}) if isinstance(data, dict) and "columns" in data else {}
    cols: dict[str, tuple[str, ...]] = {}
    for canonical, headers in dict(columns).items():  # type: ignore[arg-type]
        if canonical in ("document_types", "description"):
            continue
        cols[canonical] = (headers,) if isinstance(headers, str) else tuple(headers)  # type: ignore[arg-type]
    return ColumnMapping(name=name, columns=cols, document_types=dict(types))  # type: ignore[arg-type]


def resolve(mapping: MappingLike) -> list[ColumnMapping]:
    """Candidate mappings for a file: one for an explicit mapping, every preset for ``auto``/``None``."""
    if isinstance(mapping, ColumnMapping):
        return [mapping]
    if mapping is None or mapping == "auto":
        return [load_preset(n) for n in preset_names()]
    if isinstance(mapping, dict):
        return [from_dict(mapping)]
    if isinstance(mapping, (str, Path)):
        p = Path(mapping)
        if p.suffix == ".toml":
            if not p.is_file():
                raise FileNotFoundError(f"mapping file {p} not found")
            return [from_dict(tomllib.loads(p.read_text(encoding="utf-8")), p.stem)]
        return [load_preset(str(mapping))]
    raise TypeError(f"mapping must be a dict, a TOML path, a preset name or 'auto', not {type(mapping).__name__}")
