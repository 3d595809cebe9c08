"""Errors raised by the readers: one type, every problem of a file at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

MAX_LISTED = 50


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as Excel shows it (1-based), ``None`` for a file-level problem.
    """

    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = self.message
        if self.value is not None and not (isinstance(self.value, str) and not self.value.strip()):
            text += f": got {display(self.value)}"
        if self.expected:
            text += f", expected {self.expected}"
        return f"{', '.join(where)}: {text}" if where else text


def display(value: object) -> str:
    """A cell value as an analyst recognises it: dates as dd/mm/yyyy, texts quoted."""
    if isinstance(value, (dt.datetime, dt.date)):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M:%S} (a time of day, not a date)"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


class InputError(Exception):
    """An input file could not be read; carries every problem found in it.

    Attributes: ``path``, ``sheet`` (or ``None``) and ``problems`` (a list of :class:`Problem`).
    """

    kind = "input file"

    def __init__(self, path: str | Path, problems: list[Problem], sheet: str | None = None,
                 kind: str | None = None):
        if kind:
            self.kind = kind
        self.path = Path(path)
        self.sheet = sheet
        self.problems = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.path}" + (f", sheet {self.sheet!r}" if self.sheet else "")
        n = len(self.problems)
        head = f"{self.kind} {where}: {n} problem{'s' if n != 1 else ''}"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … and {n - MAX_LISTED} more")
        return "\n".join([head, *lines])


class InputWarning(UserWarning):
    """Something in an input file was tolerated and read in a documented way (formula cells
    read from their saved results, hidden rows, due dates before document dates…).

    Attributes as :class:`InputError`; the readers also keep the texts in
    ``frame.attrs["warnings"]``.
    """

    kind = "input file"

    def __init__(self, path: str | Path, notes: list[Problem], sheet: str | None = None,
                 kind: str | None = None):
        if kind:
            self.kind = kind
        self.path = Path(path)
        self.sheet = sheet
        self.problems = list(notes)
        where = f"{self.path}" + (f", sheet {self.sheet!r}" if self.sheet else "")
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        super().__init__("\n".join([f"{self.kind} {where}: read with warnings", *lines]))


class ExportError(InputError):
    """An open-item export (balance âgée) could not be read exactly."""

    kind = "open-item export"


class ReconciliationError(ExportError):
    """The open items do not add up to the export's control total.

    ``difference_cents`` = sum of items − control total (cents).
    """

    def __init__(self, path: str | Path, sheet: str | None, items_cents: int,
                 control_cents: int, row: int | None, column: str | None = None):
        self.items_cents = items_cents
        self.control_cents = control_cents
        self.difference_cents = items_cents - control_cents
        problem = Problem(
            f"the open items sum to {items_cents / 100:.2f} but the grand total row says "
            f"{control_cents / 100:.2f} (difference {self.difference_cents / 100:+.2f})",
            row=row, column=column,
            expected="every open item of the export, and nothing else, between the header and that row",
        )
        super().__init__(path, [problem], sheet)
