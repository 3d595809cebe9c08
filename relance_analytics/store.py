"""Snapshot store: the canonical open items of each as-of date, as Parquet.

Layout: ``<workspace>/snapshots/as_of=YYYY-MM-DD/items.parquet`` (hive partitioning, so
DuckDB and pyarrow read the whole history as one dataset). Writing a date replaces it
atomically (hidden temporary file, flushed to disk, then renamed over the partition file):
re-ingesting never duplicates and a crash never leaves half a snapshot. A process killed
mid-write leaves only its hidden ``.items.parquet.<pid>.tmp``, which no reader sees and the
next write of that date deletes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .dates import DateLike, as_date
from .errors import SnapshotMissing
from .frames import OPEN_ITEMS
from .lock import dead_leftovers

DEFAULT_WORKSPACE = Path(".relance")
_META_KEY = b"relance_analytics"
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def as_of_from_filename(path: str | Path) -> pd.Timestamp:
    """The as-of date written in an export's file name (``balance_2026-11-20.xlsx``)."""
    m = _DATE_IN_NAME.search(Path(path).name)
    if not m:
        raise ValueError(f"{path} : pas de date d'arrêté (AAAA-MM-JJ) dans le nom du fichier ; renommez-le "
                         "comme balance_2026-11-20.xlsx")
    return as_date(m.group(1))


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file (to skip re-ingesting an unchanged export)."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    """Flush a file's (or a folder's) content from the OS cache to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temporaries(target: Path) -> None:
    """Delete the ``.<name>.<pid>.tmp`` files beside ``target`` left by writers that died."""
    for tmp in dead_leftovers(target.parent, f".{target.name}."):
        tmp.unlink(missing_ok=True)


@dataclass(frozen=True)
class SnapshotStore:
    """Parquet snapshots under ``workspace/snapshots``."""

    workspace: Path = DEFAULT_WORKSPACE

    @property
    def root(self) -> Path:
        return Path(self.workspace) / "snapshots"

    def _file(self, as_of: DateLike) -> Path:
        return self.root / f"as_of={as_date(as_of):%Y-%m-%d}" / "items.parquet"

    def dates(self) -> list[pd.Timestamp]:
        """As-of dates stored, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(as_date(p.parent.name.split("=", 1)[1]) for p in self.root.glob("as_of=*/items.parquet"))

    def write(self, as_of: DateLike, items: pd.DataFrame, meta: dict[str, object] | None = None) -> Path:
        """Store (or replace) the snapshot of ``as_of``; ``meta`` (JSON) is kept with it."""
        target = self._file(as_of)
        target.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(items, preserve_index=False)
        info = {"as_of": f"{as_date(as_of):%Y-%m-%d}", **(meta or {})}
        table = table.replace_schema_metadata({**(table.schema.metadata or {}),
                                               _META_KEY: json.dumps(info, default=str).encode()})
        _remove_stale_temporaries(target)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            pq.write_table(table, tmp)
            _fsync(tmp)
            os.replace(tmp, target)
            _fsync(target.parent)          # the rename itself survives a power cut
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def read(self, as_of: DateLike) -> pd.DataFrame:
        """The snapshot of ``as_of`` (canonical open items); its metadata in ``frame.attrs``."""
        path = self._file(as_of)
        if not path.is_file():
            dates = tuple(self.dates())
            stored = ", ".join(f"{d:%Y-%m-%d}" for d in dates) or "aucune"
            raise SnapshotMissing(f"pas de balance au {as_date(as_of):%Y-%m-%d} dans {self.root} (dates intégrées : "
                                  f"{stored}) ; intégrez l'export de cette date (relance ingest FICHIER)",
                                  as_date(as_of), dates)
        frame = OPEN_ITEMS.validate(OPEN_ITEMS.build(pq.read_table(path).to_pandas()))
        frame.attrs.update(self.meta(as_of))
        return frame

    def meta(self, as_of: DateLike) -> dict[str, Any]:
        """Metadata stored with a snapshot (source file, digest, control total, mapping…)."""
        schema = pq.read_schema(self._file(as_of))
        raw = (schema.metadata or {}).get(_META_KEY)
        return json.loads(raw) if raw else {}

    def latest(self) -> pd.Timestamp:
        """The most recent as-of date stored."""
        dates = self.dates()
        if not dates:
            raise SnapshotMissing(f"aucune balance intégrée dans {self.root} : lancez d'abord « relance weekly "
                                  "--data DOSSIER » (ou « relance ingest FICHIER ») pour intégrer les exports")
        return dates[-1]

    def up_to(self, as_of: DateLike) -> dict[pd.Timestamp, pd.DataFrame]:
        """Every stored snapshot dated on or before ``as_of``, by date."""
        return {d: self.read(d) for d in self.dates() if d <= as_date(as_of)}

    def previous(self, as_of: DateLike) -> pd.Timestamp | None:
        """The stored date just before ``as_of``, if any."""
        earlier = [d for d in self.dates() if d < as_date(as_of)]
        return earlier[-1] if earlier else None
