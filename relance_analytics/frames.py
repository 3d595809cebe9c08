"""The canonical frames' contracts, as data: columns, dtypes, nullability and codes.

Every reader ends with :meth:`FrameContract.validate`, so what it returns is exactly what
the metrics and the call-list engine expect; tests build their frames with
:meth:`FrameContract.build`, so hand-built frames have the readers' dtypes.

Money is integer cents in ``*_cents`` columns inside the package (``int64``, ``Int64`` when a
cell may be blank); the public face converts it to exact euros (:mod:`relance_analytics.money`).
Dates are ``datetime64[s]`` at midnight; ``source_row`` is the Excel row (or FEC line) read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from . import vocab
from .errors import FrameContractError, Problem
from .french import plural

#: dtypes a contract may name (a ``category`` column names its codes in ``choices``).
DTYPES = ("string", "category", "int64", "Int64", "int32", "float64", "bool", "datetime64[s]")


@dataclass(frozen=True)
class Column:
    """One column: ``dtype`` (one of :data:`DTYPES`); ``nullable``: a cell may be missing;
    ``optional``: the column may be absent; ``choices``: code → French label of a category
    column (empty: any category)."""

    name: str
    dtype: str
    nullable: bool = False
    optional: bool = False
    choices: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dtype not in DTYPES:
            raise ValueError(f"unknown dtype {self.dtype!r} for column {self.name!r}")

    def cast(self, values: Any) -> pd.Series:
        """``values`` (a sequence or a Series) as this column's dtype; a code outside
        ``choices`` raises :class:`~relance_analytics.errors.FrameContractError`."""
        if isinstance(values, pd.Series):
            series = values.reset_index(drop=True)
        else:
            series = pd.Series(list(values) if isinstance(values, list | tuple) else values)
        if self.dtype == "category":
            if not self.choices:
                return series.astype("category")
            wanted = pd.CategoricalDtype(list(self.choices))
            if series.dtype == wanted:
                return series
            unknown = series.notna() & ~series.isin(list(self.choices))
            if unknown.any():
                raise FrameContractError("", [Problem("code inconnu", column=self.name, value=series[unknown].iloc[0],
                                                      expected=", ".join(self.choices), code="unknown_code")])
            return series.astype(object).astype(wanted)
        if self.dtype == "datetime64[s]":
            return pd.to_datetime(series).astype("datetime64[s]")
        return series.astype(self.dtype)


@dataclass(frozen=True)
class FrameContract:
    """A canonical frame: its ``name`` (French, for messages) and columns, in order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    def build(self, data: Mapping[str, Any] | pd.DataFrame) -> pd.DataFrame:
        """A frame of the given columns cast to their dtypes, in contract order.

        Columns the contract does not know are refused; absent ones stay absent (a metric
        needs only some of them): :meth:`validate` says whether the frame is complete."""
        unknown = [k for k in data if k not in self.names]
        if unknown:
            raise FrameContractError(self.name, [Problem(f"colonne inconnue {k!r}", column=k, code="unknown_column")
                                                 for k in unknown])
        try:
            out = {c.name: c.cast(data[c.name]) for c in self.columns if c.name in data}
        except FrameContractError as e:
            raise FrameContractError(self.name, e.problems) from None
        return pd.DataFrame(out)

    def validate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` itself if it meets the contract (required columns present, dtypes,
        no missing value where none may be, only known codes); else
        :class:`~relance_analytics.errors.FrameContractError` listing every problem."""
        problems: list[Problem] = []
        for c in self.columns:
            if c.name not in frame.columns:
                if not c.optional:
                    problems.append(Problem("colonne absente", column=c.name, expected=c.dtype,
                                            code="missing_column"))
                continue
            problems.extend(_column_problems(c, frame[c.name]))
        if problems:
            raise FrameContractError(self.name, problems)
        return frame


def _column_problems(c: Column, values: pd.Series) -> list[Problem]:
    found = str(values.dtype)
    if found != c.dtype:
        return [Problem("type de colonne inattendu", column=c.name, value=found, expected=c.dtype, code="dtype")]
    problems = []
    missing = int(values.isna().sum())
    if missing and not c.nullable:
        blanks = plural(missing, "valeur manquante", "valeurs manquantes")
        problems.append(Problem(f"{blanks} dans une colonne obligatoire", column=c.name,
                                expected="une valeur sur chaque ligne", code="missing_value"))
    if c.dtype == "category" and c.choices:
        extra = sorted(set(values.cat.categories) - set(c.choices))
        if extra:
            problems.append(Problem("codes inconnus", column=c.name, value=", ".join(map(str, extra)),
                                    expected=", ".join(c.choices), code="unknown_code"))
    return problems


def _col(name: str, dtype: str, *, nullable: bool = False, optional: bool = False,
         choices: Mapping[str, str] | None = None) -> Column:
    return Column(name, dtype, nullable, optional, dict(choices or {}))


SOURCE_ROW = _col("source_row", "int32", optional=True)

OPEN_ITEMS = FrameContract("pièces ouvertes", (
    _col("customer_id", "category"),
    _col("customer_name", "string"),
    _col("document_id", "string"),
    _col("document_type", "category", choices=vocab.DOCUMENT_TYPE),
    _col("document_date", "datetime64[s]", nullable=True),
    _col("due_date", "datetime64[s]"),
    _col("amount_cents", "int64"),
    _col("amount_ht_cents", "Int64", nullable=True, optional=True),
    _col("collector", "string", nullable=True, optional=True),
    _col("segment", "string", nullable=True, optional=True),
    _col("currency", "string", optional=True),
    SOURCE_ROW,
    # items converted to euros at ingestion keep what the export said (currency.py)
    _col("source_currency", "string", optional=True),
    _col("source_amount_cents", "int64", optional=True),
))

CUSTOMERS = FrameContract("fichier clients", (
    _col("customer_id", "string"),
    _col("customer_name", "string"),
    _col("segment", "string", nullable=True, optional=True),
    _col("collector", "string", nullable=True),
    _col("status", "category", choices=vocab.STATUS),
    _col("credit_limit_cents", "Int64", nullable=True, optional=True),
    _col("payment_terms", "string", nullable=True, optional=True),
    _col("invoice_circuit", "category", nullable=True, optional=True, choices=vocab.CIRCUIT),
    _col("provision_rate", "float64", nullable=True, optional=True),
    # credit insurance (R14): the insured limit (« agrément »), the insurer, a threat-of-claim notice filed
    _col("insured_limit_cents", "Int64", nullable=True, optional=True),
    _col("insurer", "string", nullable=True, optional=True),
    _col("insurance_declared", "datetime64[s]", nullable=True, optional=True),
    SOURCE_ROW,
))

CONTACTS = FrameContract("feuille des contacts", (
    _col("customer_id", "string"),
    _col("name", "string"),
    _col("role", "category", choices=vocab.CONTACT_ROLE),
    _col("phone", "string", nullable=True),
    _col("email", "string", nullable=True),
    SOURCE_ROW,
))

SALES = FrameContract("fichier des ventes", (
    _col("customer_id", "string"),
    _col("month", "datetime64[s]"),
    _col("sales_ht_cents", "Int64"),
    _col("vat_rate", "float64"),
    SOURCE_ROW,
))

DISPUTES = FrameContract("fichier des litiges", (
    _col("dispute_id", "string"),
    _col("customer_id", "string"),
    _col("document_id", "string"),
    _col("dispute_type", "category", choices=vocab.DISPUTE_TYPE),
    _col("amount_cents", "Int64"),
    _col("opened", "datetime64[s]"),
    _col("resolved", "datetime64[s]", nullable=True),
    _col("owner", "string"),
    _col("owner_phone", "string", nullable=True, optional=True),
    _col("owner_email", "string", nullable=True, optional=True),
    _col("reason", "string", nullable=True, optional=True),
    SOURCE_ROW,
))

ACTIONS = FrameContract("fichier des actions", (
    _col("date", "datetime64[s]"),
    _col("customer_id", "string"),
    _col("document_ids", "string", nullable=True),
    _col("channel", "category", choices=vocab.CHANNEL),
    _col("contact", "string", nullable=True),
    _col("outcome", "category", choices=vocab.OUTCOME),
    _col("excuse", "category", nullable=True, choices=vocab.EXCUSE),
    _col("promise_amount_cents", "Int64", nullable=True),
    _col("promise_date", "datetime64[s]", nullable=True),
    _col("payment_method", "category", nullable=True, choices=vocab.PAYMENT_METHOD),
    _col("callback_date", "datetime64[s]", nullable=True),
    _col("note", "string", nullable=True, optional=True),
    _col("collector", "string", nullable=True, optional=True),
    SOURCE_ROW,
))

#: Every contract by the name code uses for it.
CONTRACTS: dict[str, FrameContract] = {
    "open_items": OPEN_ITEMS, "customers": CUSTOMERS, "contacts": CONTACTS, "sales": SALES,
    "disputes": DISPUTES, "actions": ACTIONS,
}


def kind_of(column: Column) -> str:
    """How a reader parses the column's cells: ``text``, ``money``, ``date``, ``rate`` or ``choice``."""
    if column.dtype == "category":
        return "choice"
    if column.dtype == "datetime64[s]":
        return "date"
    if column.dtype == "float64":
        return "rate"
    if column.name.endswith("_cents"):
        return "money"
    return "text"


def require(contract: FrameContract, frame: pd.DataFrame, names: Sequence[str]) -> None:
    """Raise :class:`~relance_analytics.errors.FrameContractError` unless ``frame`` has ``names``."""
    missing = [n for n in names if n not in frame.columns]
    if missing:
        raise FrameContractError(contract.name, [Problem("colonne absente", column=n,
                                                         expected=contract.column(n).dtype, code="missing_column")
                                                 for n in missing])
