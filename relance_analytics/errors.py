"""Every error and warning the package raises on purpose, under two roots.

* :class:`RelanceError` is the root of the errors. Each carries a reason ``code`` (a short
  English identifier, stable for code that handles it) and its context as fields; its text
  is French, ready for an analyst (the CLI prints it as is).
* :class:`RelanceWarning` is the root of the warnings: something was tolerated and read in a
  documented way; the readers also keep the texts in ``frame.attrs["warnings"]``.

Input errors list every :class:`Problem` of a file at once: file, sheet, Excel row, column,
the value read, what was expected and a reason code. Amounts in messages are French
(``14 505 268,08 €``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .french import euros, plural, quote, signed_euros, value_text

MAX_LISTED = 50


class RelanceError(Exception):
    """Root of the package's errors. ``code``: the reason, for code that handles it."""

    code = "error"


class RelanceWarning(UserWarning):
    """Root of the package's warnings (something tolerated, read in a documented way)."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    ``row`` is the row number as Excel shows it (1-based; the line number for a text file),
    ``None`` for a file-level problem; ``column`` the header and letter (``Échéance (F)``);
    ``value`` the cell as read; ``expected`` what to write instead; ``code`` the reason.
    """

    message: str
    row: int | None = None
    column: str | None = None
    value: object = None
    expected: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column is not None:
            where.append(f"colonne {quote(self.column)}")
        text = self.message
        if self.value is not None and not (isinstance(self.value, str) and not self.value.strip()):
            text += f" : lu {value_text(self.value)}"
        if self.expected:
            text += f" ; attendu : {self.expected}"
        return f"{', '.join(where)} : {text}" if where else text


def _where(path: Path, sheet: str | None) -> str:
    return f"{path}" + (f", feuille {quote(sheet)}" if sheet else "")


class InputError(RelanceError, ValueError):
    """An input file could not be read exactly; carries every problem found in it.

    Fields: ``path``, ``sheet`` (``None`` for a CSV), ``problems`` (:class:`Problem` list),
    ``kind`` (what the file is, in French). ``code`` is the first problem's reason.
    """

    kind = "fichier"

    def __init__(self, path: str | Path, problems: list[Problem], sheet: str | None = None,
                 kind: str | None = None):
        if kind:
            self.kind = kind
        self.path = Path(path)
        self.sheet = sheet
        self.problems = list(problems)
        self.code = self.problems[0].code if self.problems else "invalid"
        super().__init__(self._render())

    def _render(self) -> str:
        n = len(self.problems)
        head = f"{self.kind} {_where(self.path, self.sheet)} : {plural(n, 'problème')}"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  … et {n - MAX_LISTED} autres")
        return "\n".join([head, *lines])


class InputWarning(RelanceWarning):
    """An input file was read with tolerated oddities (formula cells read from their saved
    results, hidden rows, blank due dates…). Fields as :class:`InputError`."""

    kind = "fichier"

    def __init__(self, path: str | Path, notes: list[Problem], sheet: str | None = None,
                 kind: str | None = None):
        if kind:
            self.kind = kind
        self.path = Path(path)
        self.sheet = sheet
        self.problems = list(notes)
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        super().__init__("\n".join([f"{self.kind} {_where(self.path, self.sheet)} lu avec des avertissements",
                                    *lines]))


class ExportError(InputError):
    """An open-item export (balance âgée, or a FEC) could not be read exactly."""

    kind = "export de balance âgée"


class JournalError(InputError):
    """Actions that cannot be recorded in the journal (nothing was recorded); ``path`` is their
    source file."""

    kind = "actions à enregistrer"


class ReconciliationError(ExportError):
    """The open items do not add up to the export's control total.

    Fields: ``items_cents``, ``control_cents``, ``difference_cents`` (items − control),
    ``currency``.
    """

    def __init__(self, path: str | Path, sheet: str | None, items_cents: int,
                 control_cents: int, row: int | None, column: str | None = None, currency: str = "EUR"):
        self.items_cents = items_cents
        self.control_cents = control_cents
        self.difference_cents = items_cents - control_cents
        self.currency = currency
        problem = Problem(
            f"les pièces totalisent {euros(items_cents, currency)} mais la ligne de total général indique "
            f"{euros(control_cents, currency)} (écart {signed_euros(self.difference_cents, currency)})",
            row=row, column=column, code="reconciliation",
            expected="toutes les pièces ouvertes de l'export et elles seules : cherchez des lignes "
                     "filtrées, supprimées ou ajoutées à la main, ou un total retouché ; ré-exportez "
                     "depuis l'ERP sans filtre")
        super().__init__(path, [problem], sheet)


class ReconciliationFailure(RelanceError, AssertionError):
    """A total computed from the stored items differs from the export's control total (it never
    should: the reader checked it). Fields: ``total_cents``, ``control_cents``."""

    code = "reconciliation"

    def __init__(self, total_cents: int, control_cents: int):
        self.total_cents, self.control_cents = total_cents, control_cents
        super().__init__(f"le total de la balance âgée ({euros(total_cents)}) diffère du « Total général » de "
                         f"l'export ({euros(control_cents)}) de {signed_euros(total_cents - control_cents)} : "
                         "l'espace de travail est à réintégrer (relance ingest), signalez-le")


class CurrencyError(RelanceError, ValueError):
    """Amounts in several currencies would be added together.

    Fields: ``currencies`` (currency → number of items), ``what`` (the computation refused).
    """

    code = "mixed_currencies"

    def __init__(self, currencies: dict[str, int], what: str):
        self.currencies = dict(currencies)
        self.what = what
        listed = ", ".join(f"{c} ({plural(n, 'pièce')})" for c, n in sorted(self.currencies.items()))
        super().__init__(
            f"{what} : les pièces sont en plusieurs devises ({listed}) et des montants de devises "
            "différentes ne s'additionnent jamais. Donnez les taux de conversion dans relance.toml "
            "(section [currencies], par exemple USD = 0.92 pour 1 USD = 0,92 EUR), ou calculez par devise "
            "(by=\"currency\" pour la balance âgée).")


class SettingsError(RelanceError, ValueError):
    """A parameter is invalid: a value of ``relance.toml``, of a notebook's parameters cell or
    of a function's parameter object. The message names the section and key."""

    code = "settings"


class MissingColumnError(RelanceError, KeyError):
    """A frame lacks a column a computation needs (e.g. the collector before the customers
    file is attached). Field: ``column``."""

    code = "missing_column"

    def __init__(self, message: str, column: str = ""):
        self.column = column
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class MissingSalesError(RelanceError, ValueError):
    """The sales file lacks a month that a DSO/CEI computation needs.

    Fields: ``month`` (first missing month, ``pd.Period``), ``scope`` (e.g. ``recouvreur
    'Claire Martin'``), ``metric`` and ``available`` (first and last month of the sales file).
    """

    code = "missing_sales"

    def __init__(self, month: object, scope: str, metric: str, available: tuple[object, object] | None,
                 missing: Sequence[object] = ()):
        self.month, self.scope, self.metric, self.available = month, scope, metric, available
        others = [str(m) for m in missing if m != month]
        span = f"de {available[0]} à {available[1]}" if available else "aucun mois"
        super().__init__(
            f"ventes manquantes pour {month}{' (et ' + ', '.join(others) + ')' if others else ''} : "
            f"le {metric} de {scope} a besoin de ce mois, mais le fichier des ventes couvre {span} ; "
            "ajoutez le mois au fichier des ventes (un mois sans ventes a quand même sa ligne), "
            "ou passez errors='coerce' pour obtenir NaN sur ce périmètre")


class SnapshotMissing(RelanceError, KeyError):
    """The snapshot store has no snapshot for a date (or none at all). Fields: ``as_of``
    (``None`` when the store is empty), ``stored`` (the dates it has)."""

    code = "no_snapshot"

    def __init__(self, message: str, as_of: object = None, stored: tuple[object, ...] = ()):
        self.as_of, self.stored = as_of, stored
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


class WorkspaceBusy(RelanceError, RuntimeError):
    """Another process holds the workspace lock. Fields: ``workspace``, ``holder`` (its pid
    text, may be empty)."""

    code = "workspace_busy"

    def __init__(self, workspace: Path, holder: str):
        self.workspace, self.holder = workspace, holder
        who = f" (processus {holder})" if holder else ""
        super().__init__(f"une autre exécution utilise déjà l'espace de travail {workspace}{who} ; "
                         "attendez qu'elle se termine, puis relancez")


class NotebookFailed(RelanceError, RuntimeError):
    """A report notebook raised. Fields: ``notebook``, ``cell`` (execution count), ``source``
    (first line of that cell), ``error`` and ``kept`` (the executed notebook kept for diagnosis)."""

    code = "notebook_failed"

    def __init__(self, notebook: str, cell: int | None, error: str, kept: Path, source: str = ""):
        self.notebook, self.cell, self.error, self.kept, self.source = notebook, cell, error, kept, source
        where = f"la cellule [{cell}]" if cell is not None else "une cellule"
        if source:
            where += f" ({source})"
        super().__init__(f"le notebook {notebook} a échoué dans {where} : {error} ; notebook exécuté conservé dans "
                         f"{kept} ; le rapport précédent n'a pas été touché")


class JournalVersionError(RelanceError, RuntimeError):
    """The action journal was written by a newer version. Fields: ``version``, ``known``."""

    code = "journal_too_new"

    def __init__(self, version: int, known: int):
        self.version, self.known = version, known
        super().__init__(f"le journal des actions est au schéma {version}, plus récent que celui que cette version "
                         f"de relance_analytics connaît ({known}) : mettez le paquet à jour")


class BrowserError(RelanceError, RuntimeError):
    """Chromium could not be found, started, or could not load a page in time (the preview and
    the page checks)."""

    code = "browser"


class DateInputError(RelanceError, ValueError):
    """A date typed by the user (option, parameter) is not unambiguous. Field: ``text``."""

    code = "ambiguous_date"

    def __init__(self, text: object, what: str = "date"):
        self.text = text
        super().__init__(f"{what} {quote(text)} illisible : écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA "
                         "(jour d'abord), par exemple 2026-11-20 ou 20/11/2026")


class FrameContractError(RelanceError, ValueError):
    """A frame handed to the package does not meet its canonical contract
    (:mod:`relance_analytics.frames`). Fields: ``frame`` (which one, in French), ``problems``
    (:class:`Problem` list, ``column`` the column name); ``code`` the first problem's reason."""

    def __init__(self, frame: str, problems: Sequence[Problem]):
        self.frame = frame
        self.problems = list(problems)
        self.code = self.problems[0].code if self.problems else "invalid"
        lines = [f"  - {p}" for p in self.problems[:MAX_LISTED]]
        super().__init__("\n".join([f"tableau {quote(frame)} non conforme : {plural(len(self.problems), 'problème')}",
                                    *lines]))


class MoneyError(RelanceError, ValueError):
    """An amount handed to the public face cannot be carried exactly in cents (a fraction of a
    cent, a float that is not a whole number of cents, a column that is not numeric).
    Fields: ``column``, ``value`` (the first such amount), ``reason`` (French)."""

    code = "inexact_amount"

    def __init__(self, column: str, value: object, reason: str):
        self.column = column
        self.value = value
        self.reason = reason
        read = f" : lu {value_text(value)}" if value is not None else ""
        super().__init__(f"montant inexact dans la colonne {quote(column)}{read} ({reason}) ; attendu : des euros "
                         "au centime près (deux décimales au plus, par exemple 1234.56)")
