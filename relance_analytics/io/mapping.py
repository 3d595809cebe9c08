"""Column mappings from an ERP export's headers to the canonical open-item columns.

A mapping is a dict ``{canonical: source header or list of candidate headers}``, a TOML
file with a ``[columns]`` table (and optionally ``[document_types]``), or the name of a
built-in preset (``sage``, ``odoo``, ``sap_fbl5n``, ``erpnext``, ``business_central``,
``netsuite``, ``ebp``), or ``"auto"`` to pick the preset whose headers the file has.
Header matching ignores case, accents, ``N°``/``Nº``/``No`` and surrounding spaces.

**Every column a mapping names must be in the file**, unless listed in ``optional``: a
renamed header is an error that names the closest header found, never a silent fallback.

Besides the open-item columns, a mapping may name:

* ``direction``: a ``Sens`` / ``Code débit/crédit`` column (``D``/``Débit``/``S`` give a debit,
  ``C``/``Crédit``/``H`` a credit); the amount's sign then comes from it;
* ``lettering``: a lettering code; a lettered line is closed and left out of the open items;
* ``account``: the general-ledger account, with ``accounts = ["411"]`` to keep only the
  lines whose account starts with one of those prefixes (other accounts are ignored, counted).

Options (top-level keys of the TOML file, or keys of the dict):

* ``date_order``: ``"dmy"`` (French), ``"mdy"`` (US) or ``"ymd"``, for dates written as text
  whose day and month could be swapped; without it each column's cells decide, day-first
  when nothing proves the order;
* ``default_currency``: the currency of the amounts when the file has no ``currency`` column
  (``EUR``);
* ``optional``: mapped columns the file may lack;
* ``[document_types]``: source code → ``invoice``, ``credit_note``, ``payment``, ``by_sign``
  (the amount's sign decides) or ``ignore`` (not a receivable: left out, counted).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping as TMapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Union

from ..keys import normalize_label
from .date_cells import DATE_ORDERS

CANONICAL = (
    "customer_id", "customer_name", "customer", "document_id", "document_type",
    "document_date", "due_date", "amount", "amount_ht", "debit", "credit",
    "collector", "segment", "currency", "direction", "lettering", "account",
)
OPTIONS = ("date_order", "default_currency", "optional", "accounts", "description", "name")
DOCUMENT_TYPES = ("invoice", "credit_note", "payment")
BY_SIGN = "by_sign"
IGNORE = "ignore"
DEFAULT_CURRENCY = "EUR"

MappingLike = Union["ColumnMapping", TMapping[str, object], str, Path, None]


@dataclass(frozen=True)
class ColumnMapping:
    """Candidate source headers per canonical column, the document-type codes and the options
    (see the module docstring)."""

    name: str
    columns: dict[str, tuple[str, ...]]
    document_types: dict[str, str] = field(default_factory=dict)
    optional: tuple[str, ...] = ()
    date_order: str | None = None
    default_currency: str = DEFAULT_CURRENCY
    accounts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = sorted(set(self.columns) - set(CANONICAL))
        if unknown:
            raise ValueError(f"correspondance {self.name!r} : colonne(s) canonique(s) inconnue(s) {unknown} ; "
                             f"attendu certaines de {list(CANONICAL)}")
        bad = {k: v for k, v in self.document_types.items() if v not in (*DOCUMENT_TYPES, BY_SIGN, IGNORE)}
        if bad:
            raise ValueError(f"correspondance {self.name!r} : types de pièce {bad} ; chacun doit être l'un de "
                             f"{[*DOCUMENT_TYPES, BY_SIGN, IGNORE]}")
        missing = self.missing_required(set(self.columns))
        if missing:
            raise ValueError(f"la correspondance {self.name!r} ne donne pas {', '.join(missing)}")
        if self.date_order is not None and self.date_order not in DATE_ORDERS:
            raise ValueError(f"correspondance {self.name!r} : date_order = {self.date_order!r} ; "
                             f"attendu l'un de {', '.join(DATE_ORDERS)}")
        stray = sorted(set(self.optional) - set(self.columns))
        if stray:
            raise ValueError(f"correspondance {self.name!r} : optional nomme {stray}, que la correspondance "
                             "ne donne pas")
        if self.accounts and "account" not in self.columns:
            raise ValueError(f"correspondance {self.name!r} : accounts = {list(self.accounts)} demande la "
                             "colonne du compte (account)")
        currency = str(self.default_currency).strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"correspondance {self.name!r} : default_currency = {self.default_currency!r} ; attendu "
                             "un code ISO à trois lettres comme EUR")
        object.__setattr__(self, "default_currency", currency)

    @staticmethod
    def missing_required(mapped: set[str]) -> list[str]:
        """Required canonical columns (or alternatives) absent from ``mapped``."""
        missing = []
        if not mapped & {"customer_id", "customer"}:
            missing.append("customer_id (ou customer)")
        if "document_id" not in mapped:
            missing.append("document_id")
        if "amount" not in mapped and not {"debit", "credit"} <= mapped:
            missing.append("amount (ou debit et credit)")
        if not mapped & {"due_date", "document_date"}:
            missing.append("due_date (ou document_date)")
        return missing

    def missing_mapped(self, located: set[str]) -> list[str]:
        """Mapped, non-optional canonical columns absent from ``located``."""
        return [c for c in self.columns if c not in located and c not in self.optional]

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


def preset_names() -> list[str]:
    """Names of the built-in mapping presets."""
    folder = resources.files(__package__) / "presets"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_preset(name: str) -> ColumnMapping:
    """A built-in preset by name."""
    if name not in preset_names():
        raise ValueError(f"préréglage de correspondance {name!r} inconnu ; préréglages livrés : "
                         f"{', '.join(preset_names())}")
    text = (resources.files(__package__) / "presets" / f"{name}.toml").read_text(encoding="utf-8")
    return from_dict(tomllib.loads(text), name)


def from_dict(data: TMapping[str, Any], name: str = "personnalisée") -> ColumnMapping:
    """Build a mapping from ``{"columns": {...}, "document_types": {...}, options}`` or a flat
    dict of columns and options."""
    nested = "columns" in data
    columns = data["columns"] if nested else {k: v for k, v in data.items() if k not in (*OPTIONS, "document_types")}
    types = data.get("document_types", {})
    options = {k: data[k] for k in OPTIONS if k in data}
    cols: dict[str, tuple[str, ...]] = {}
    for canonical, headers in dict(columns).items():
        cols[canonical] = (headers,) if isinstance(headers, str) else tuple(headers)
    return ColumnMapping(
        name=str(options.get("name", name)), columns=cols, document_types=dict(types),
        optional=tuple(options.get("optional", ())),
        date_order=options.get("date_order"),
        default_currency=str(options.get("default_currency", DEFAULT_CURRENCY)),
        accounts=tuple(str(a) for a in options.get("accounts", ())))


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
                raise FileNotFoundError(f"fichier de correspondance {p} introuvable")
            return [from_dict(tomllib.loads(p.read_text(encoding="utf-8")), p.stem)]
        return [load_preset(str(mapping))]
    raise TypeError(f"mapping must be a dict, a TOML path, a preset name or 'auto', not {type(mapping).__name__}")
