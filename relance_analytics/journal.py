"""Action journal (R13): every collection action in an embedded SQLite database.

The journal lives in ``<workspace>/journal.sqlite`` (WAL mode, foreign keys on). Its schema
is created and migrated by :func:`migrate`: :data:`MIGRATIONS` is the ordered list of SQL steps
and ``PRAGMA user_version`` the number of steps already applied (version 1 = the ``actions``
table). A new schema version is a new step appended to the list, never an edit of an old one.

Each row of ``actions`` is one call, e-mail or letter: date, customer, documents concerned
(comma-separated ids), channel, contact reached, outcome, excuse, promise (amount in integer
cents, date, payment method), callback date, note, collector, who logged it and where it came
from (file and row). Codes are the English codes of :mod:`relance_analytics.vocab`; dates are
ISO text ``YYYY-MM-DD``; ``recorded_at`` is the UTC time of the import.

Recording is idempotent: each action carries a SHA-256 ``fingerprint`` of its content (and of
its rank among identical actions of the same frame, so two identical calls logged the same day
are both kept), and an action already in the journal is skipped. A frame is recorded in one
transaction: all of its new rows or none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import tomllib
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import pandas as pd

from . import frames, vocab
from .dates import DateLike, as_date
from .errors import JournalError, JournalVersionError, MissingColumnError, Problem, SettingsError
from .io.tables import ACTIONS, read_actions
from .keys import split_document_ids

FILE_NAME = "journal.sqlite"

_ISO = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (   # version 1: the actions table
        f"""CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            date TEXT NOT NULL CHECK (date GLOB {_ISO}),
            customer_id TEXT NOT NULL CHECK (customer_id <> ''),
            document_ids TEXT,
            channel TEXT NOT NULL,
            contact TEXT,
            outcome TEXT NOT NULL,
            excuse TEXT,
            promise_amount_cents INTEGER CHECK (typeof(promise_amount_cents) IN ('integer', 'null')
                                                AND promise_amount_cents >= 0),
            promise_date TEXT CHECK (promise_date GLOB {_ISO}),
            payment_method TEXT,
            callback_date TEXT CHECK (callback_date GLOB {_ISO}),
            note TEXT,
            collector TEXT,
            logged_by TEXT,
            source_file TEXT NOT NULL,
            source_row INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE
        )""",
        "CREATE INDEX actions_by_customer ON actions (customer_id, date)",
        "CREATE INDEX actions_by_date ON actions (date)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

#: Columns of the canonical actions frame (as returned by ``read_actions``).
ACTION_COLUMNS: tuple[str, ...] = (*(f.name for f in ACTIONS.fields), "source_row")
#: The action's content: what the fingerprint is computed over.
CONTENT_COLUMNS = ("date", "customer_id", "document_ids", "channel", "contact", "outcome", "excuse",
                   "promise_amount_cents", "promise_date", "payment_method", "callback_date", "note")
_CODES = {"channel": vocab.CHANNEL, "outcome": vocab.OUTCOME, "excuse": vocab.EXCUSE,
          "payment_method": vocab.PAYMENT_METHOD}
_DATES = ("date", "promise_date", "callback_date")
_STORED = (*ACTION_COLUMNS, "logged_by", "source_file", "recorded_at", "fingerprint")


def migrate(connection: sqlite3.Connection, steps: Sequence[Sequence[str]] = MIGRATIONS) -> int:
    """Apply the migration steps the database lacks (each in its own transaction); return its version.

    ``connection`` must be in autocommit mode (``isolation_level=None``).
    """
    while True:
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > len(steps):
                raise JournalVersionError(version, len(steps))
            if version == len(steps):
                connection.execute("COMMIT")
                return version
            for statement in steps[version]:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise


def read_mapping(path: str | Path) -> dict[str, str]:
    """Column mapping for an actions export from a TOML file: ``{canonical: source header}``.

    The file holds a ``[columns]`` table (or top-level keys), e.g. ``customer_id = "Compte"``;
    canonical names are those of :data:`ACTION_COLUMNS`.
    """
    path = Path(path)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = data.get("columns", data)
    known = {f.name for f in ACTIONS.fields}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise SettingsError(f"correspondance {path} : colonne(s) inconnue(s) {', '.join(unknown)} ; colonnes "
                            f"connues : {', '.join(f.name for f in ACTIONS.fields)}")
    bad = sorted(k for k, v in columns.items() if not isinstance(v, str))
    if bad:
        raise SettingsError(f"correspondance {path} : l'en-tête de {', '.join(bad)} doit être un texte")
    return dict(columns)


class Journal:
    """The action journal of a workspace (a SQLite connection; close it, or use ``with``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._con = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        try:
            self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA foreign_keys = ON")
            self.version = migrate(self._con)
        except BaseException:
            self._con.close()
            raise

    @classmethod
    def open(cls, workspace: str | Path) -> Journal:
        """Open (creating the folder and schema if needed) ``<workspace>/journal.sqlite``."""
        workspace = Path(workspace)
        workspace.mkdir(parents=True, exist_ok=True)
        return cls(workspace / FILE_NAME)

    def close(self) -> None:
        """Close the connection."""
        self._con.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM actions").fetchone()[0])

    def record(self, actions: pd.DataFrame, source_file: str, logged_by: str | None = None) -> int:
        """Record the rows of a canonical actions frame; return how many were new.

        All rows in one transaction: if any row is invalid (unknown code, missing date or
        customer…), nothing is recorded and :class:`JournalError` names the rows. Rows whose
        fingerprint is already in the journal are skipped.
        """
        rows = _stored_rows(actions, source_file, logged_by)
        sql = (f"INSERT INTO actions ({', '.join(_STORED)}) VALUES ({', '.join('?' * len(_STORED))}) "
               "ON CONFLICT (fingerprint) DO NOTHING")
        new = 0
        row: tuple[Any, ...] = ()
        self._con.execute("BEGIN IMMEDIATE")
        try:
            for row in rows:
                new += self._con.execute(sql, row).rowcount
            self._con.execute("COMMIT")
        except sqlite3.IntegrityError as exc:
            self._con.execute("ROLLBACK")
            source_row = int(row[_STORED.index("source_row")])
            column = str(exc).rsplit("actions.", 1)[-1] if "actions." in str(exc) else None
            raise JournalError(source_file, [Problem(f"action refusée par le journal ({exc}) ; rien n'a été enregistré",
                                                     source_row, column, code="rejected")]) from exc
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        return new

    def actions(self, until: DateLike | None = None, customer_id: str | None = None) -> pd.DataFrame:
        """Recorded actions as the canonical actions frame, sorted by date then id.

        Columns: ``id``, those of ``read_actions`` (same dtypes), ``logged_by``, ``source_file``,
        ``recorded_at`` (UTC, ``datetime64[s]``). ``until`` keeps actions dated on or before it.
        """
        where, params = [], []
        if until is not None:
            where.append("date <= ?")
            params.append(f"{as_date(until):%Y-%m-%d}")
        if customer_id is not None:
            where.append("customer_id = ?")
            params.append(str(customer_id))
        columns = ("id", *ACTION_COLUMNS, "logged_by", "source_file", "recorded_at")
        sql = f"SELECT {', '.join(columns)} FROM actions"
        if where:
            sql += " WHERE " + " AND ".join(where)
        raw = pd.DataFrame.from_records(self._con.execute(sql + " ORDER BY date, id", params).fetchall(),
                                        columns=list(columns))
        return _canonical(raw)

    def import_file(self, path: str | Path, mapping: dict[str, str] | None = None,
                    logged_by: str | None = None) -> int:
        """Read an actions export (``read_actions``) and record it; return the number of new actions."""
        frame = read_actions(path, mapping)
        return self.record(frame, str(Path(path).resolve()), logged_by)


def _cells(values: pd.Series) -> list[object]:
    """Python values of a column, ``None`` for every kind of missing value."""
    return [None if pd.isna(v) else v for v in values.astype(object)]


def _text(value: object) -> str | None:
    text = None if value is None else str(value).strip()
    return text or None


def _stored_rows(actions: pd.DataFrame, source_file: str, logged_by: str | None) -> list[tuple[object, ...]]:
    """Rows ready for the ``actions`` table (codes checked against the vocabulary, fingerprints)."""
    missing = [c for c in ACTION_COLUMNS if c not in actions.columns]
    if missing:
        raise MissingColumnError(f"il manque au tableau des actions la ou les colonnes {', '.join(missing)} "
                                 f"(celles de read_actions : {', '.join(ACTION_COLUMNS)})", missing[0])
    values: dict[str, list[Any]] = {c: _cells(actions[c]) for c in ACTION_COLUMNS}
    for c in _DATES:
        values[c] = [None if v is None else f"{pd.Timestamp(v):%Y-%m-%d}" for v in values[c]]
    values["customer_id"] = [_text(v) for v in values["customer_id"]]
    values["document_ids"] = [",".join(split_document_ids(v)) or None for v in values["document_ids"]]
    values["promise_amount_cents"] = [None if v is None else int(v) for v in values["promise_amount_cents"]]
    values["source_row"] = [None if v is None else int(v) for v in values["source_row"]]
    problems = []
    for c, codes in _CODES.items():
        values[c] = [_text(v) for v in values[c]]
        for v, r in zip(values[c], values["source_row"]):
            if v is not None and v not in codes:
                problems.append(Problem(f"code {c} inconnu", r, c, v, "l'un de " + ", ".join(codes), "unknown_code"))
    if problems:
        raise JournalError(source_file, sorted(problems, key=lambda p: p.row or 0))
    recorded_at = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    seen: dict[str, int] = {}
    rows = []
    for i in range(len(actions)):
        content = {c: values[c][i] for c in CONTENT_COLUMNS}
        content["document_ids"] = ",".join(sorted(split_document_ids(content["document_ids"])))
        for c in ("contact", "note"):      # spacing differences do not make a new action
            content[c] = " ".join(str(content[c]).split()) if content[c] is not None else None
        key = json.dumps(list(content.values()), ensure_ascii=False)
        rank = seen[key] = seen.get(key, -1) + 1
        fingerprint = hashlib.sha256(json.dumps([key, rank], ensure_ascii=False).encode()).hexdigest()
        rows.append((*(values[c][i] for c in ACTION_COLUMNS), logged_by, source_file, recorded_at, fingerprint))
    return rows


def _canonical(raw: pd.DataFrame) -> pd.DataFrame:
    """Typed frame (the dtypes of ``read_actions``) from the rows read back from SQLite."""
    out: dict[str, object] = {"id": raw["id"].to_numpy(dtype="int64")}
    for f in ACTIONS.fields:
        col = raw[f.name]
        if f.kind == "date":
            out[f.name] = pd.to_datetime(col, format="%Y-%m-%d").to_numpy(dtype="datetime64[s]")
        elif f.kind == "money":
            out[f.name] = pd.array(_cells(col), dtype="Int64")
        elif f.kind == "choice":
            out[f.name] = pd.Categorical(_cells(col), categories=list(f.choices))
        else:
            out[f.name] = pd.array(_cells(col), dtype="string")
    out["source_row"] = raw["source_row"].to_numpy(dtype="int32")
    out["logged_by"] = pd.array(_cells(raw["logged_by"]), dtype="string")
    out["source_file"] = pd.array(_cells(raw["source_file"]), dtype="string")
    out["recorded_at"] = pd.to_datetime(raw["recorded_at"], format="%Y-%m-%dT%H:%M:%S").to_numpy(
        dtype="datetime64[s]")
    return frames.ACTIONS.validate(pd.DataFrame(out, index=range(len(raw))))
