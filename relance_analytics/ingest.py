"""Ingestion: every export of a data folder into the snapshot store (one date per file)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from .currency import CurrencyRates, convert
from .dates import DateLike, as_date
from .errors import InputWarning, SettingsError
from .io.fec import FecLedger, load_fec
from .io.mapping import MappingLike
from .io.open_items import read_open_items
from .io.workbook import CSV_SUFFIXES, EXCEL_SUFFIXES
from .store import SnapshotStore, as_of_from_filename, file_digest


@dataclass(frozen=True)
class Ingested:
    """What happened to one export file."""

    path: Path
    as_of: pd.Timestamp
    items: int
    total_cents: int
    skipped: bool          # True when the stored snapshot already came from this exact file
    warnings: tuple[str, ...] = ()     # what the read tolerated (French), also in the snapshot's metadata


def _quietly(read: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Run a reader without letting its :class:`InputWarning` reach ``stderr`` in Python's
    format: their French texts are in the frame's ``attrs["warnings"]``, which the caller shows."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return read()


def export_files(exports_dir: Path) -> list[Path]:
    """Export files of a folder (xlsx/csv…), sorted by the as-of date in their names."""
    if not exports_dir.is_dir():
        raise FileNotFoundError(f"pas de dossier d'exports {exports_dir} : déposez-y les exports hebdomadaires de "
                                "l'ERP (balance_AAAA-MM-JJ.xlsx), ou nommez un FEC dans relance.toml ([exports] fec)")
    files = [p for p in exports_dir.iterdir()
             if p.suffix.lower() in EXCEL_SUFFIXES | CSV_SUFFIXES and not p.name.startswith(("~$", "."))]
    return sorted(files, key=lambda p: (as_of_from_filename(p), p.name))


def ingest_file(path: str | Path, store: SnapshotStore, mapping: MappingLike = "auto",
                force: bool = False, rates: CurrencyRates | None = None) -> Ingested:
    """Read one export and store it as the snapshot of the date in its name (replacing it).

    Items in another currency than the euro are converted with ``rates`` (``[currencies]`` of
    ``relance.toml``), each currency having been reconciled with its own total first; without
    a rate for one of them the export is refused (:class:`~relance_analytics.errors.CurrencyError`).
    A file already stored with the same content and the same rates is not read again."""
    path = Path(path)
    rates = rates or CurrencyRates()
    as_of = as_of_from_filename(path)
    digest = file_digest(path)
    if not force and as_of in store.dates():
        meta = store.meta(as_of)
        if meta.get("digest") == digest and meta.get("rates", {}) == rates.describe():
            return Ingested(path, as_of, int(meta.get("items", 0)), int(meta.get("total_cents", 0)), True)
    items = convert(_quietly(lambda: read_open_items(path, mapping=mapping)), rates)
    total = int(items["amount_cents"].sum())
    store.write(as_of, items, {
        "source": path.name, "digest": digest, "mapping": items.attrs.get("mapping"),
        "sheet": items.attrs.get("sheet"), "control_total_cents": items.attrs.get("control_total_cents")
        if not items.attrs["conversion"] else None,
        "control_totals_cents": items.attrs.get("control_totals_cents"), "conversion": items.attrs["conversion"],
        "rates": rates.describe(), "skipped_rows": items.attrs.get("skipped_rows"),
        "tolerated": items.attrs.get("tolerated"), "date_orders": items.attrs.get("date_orders"),
        "warnings": items.attrs.get("warnings"), "items": len(items), "total_cents": total,
    })
    return Ingested(path, as_of, len(items), total, False, tuple(items.attrs["warnings"]))


def ingest_folder(exports_dir: Path, store: SnapshotStore, mapping: MappingLike = "auto",
                  progress: Callable[[Ingested], None] | None = None,
                  rates: CurrencyRates | None = None) -> list[Ingested]:
    """Ingest every export of ``exports_dir`` (see :func:`ingest_file`); two files for one date
    is an error."""
    files = export_files(exports_dir)
    seen: dict[pd.Timestamp, Path] = {}
    for p in files:
        d = as_of_from_filename(p)
        if d in seen:
            raise ValueError(f"deux exports pour le {d:%d/%m/%Y} : {seen[d].name} et {p.name} ; gardez-en un")
        seen[d] = p
    results = []
    for p in files:
        result = ingest_file(p, store, mapping, rates=rates)
        if progress:
            progress(result)
        results.append(result)
    return results


def fec_dates(ledger: FecLedger, as_of: DateLike | None = None, weeks: int = 16,
              weekday: int = 5) -> list[pd.Timestamp]:
    """The weekly as-of dates a FEC is replayed at, oldest first: ``weeks`` dates, one a week,
    ending at ``as_of`` (default: the last ``weekday``, ISO 1 = Monday … 5 = Friday, on or
    before the FEC's last entry), none before the FEC's first entry."""
    if not 1 <= int(weekday) <= 7 or int(weeks) < 1:
        raise SettingsError(f"relance.toml [exports] : fec_weekday ({weekday}) doit être de 1 (lundi) à 7 (dimanche) "
                         f"et fec_weeks ({weeks}) au moins 1")
    last = as_date(as_of) if as_of is not None else ledger.last_date - pd.Timedelta(
        days=(ledger.last_date.isoweekday() - int(weekday)) % 7)
    dates = [last - pd.Timedelta(weeks=k) for k in range(int(weeks))]
    return sorted(d for d in dates if d >= ledger.first_date)


def ingest_fec(path: Path, store: SnapshotStore, as_of: DateLike | None = None, weeks: int = 16, weekday: int = 5,
               customers: pd.DataFrame | None = None, progress: Callable[[Ingested], None] | None = None,
               force: bool = False) -> list[Ingested]:
    """Rebuild the open items of a FEC at each of its weekly dates (:func:`fec_dates`) and store
    them as snapshots (a date already stored from this very file is kept as it is).
    ``customers`` gives the payment terms of invoices without a due date. Every snapshot checks
    the open items against the balance of the customer accounts at its date, to the cent."""
    digest = file_digest(path)
    ledger = _quietly(lambda: load_fec(path, customers=customers))
    results = []
    for date in fec_dates(ledger, as_of, weeks, weekday):
        if not force and date in store.dates() and store.meta(date).get("digest") == digest:
            meta = store.meta(date)
            result = Ingested(path, date, int(meta.get("items", 0)), int(meta.get("total_cents", 0)), True)
        else:
            items = _quietly(partial(ledger.open_items, date))
            total = int(items["amount_cents"].sum())
            store.write(date, items, {
                "source": path.name, "digest": digest, "mapping": "fec", "sheet": None,
                "control_total_cents": items.attrs["control_total_cents"],
                "control_totals_cents": items.attrs["control_totals_cents"], "conversion": {}, "rates": {},
                "skipped_rows": items.attrs["skipped_rows"], "tolerated": items.attrs["tolerated"],
                "date_orders": {}, "warnings": items.attrs["warnings"], "items": len(items), "total_cents": total,
            })
            result = Ingested(path, date, len(items), total, False, tuple(items.attrs["warnings"]))
        if progress:
            progress(result)
        results.append(result)
    return results
