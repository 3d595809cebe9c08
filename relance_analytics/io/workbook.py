"""Raw access to input files: xlsx/xlsm/xls/ods through python-calamine (via pandas) and
French CSV exports, after checks that treat every file as untrusted.

The raw frame has no header; its row ``i`` is Excel row ``i + 1`` so errors can name the
row as the analyst sees it.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem

MAX_UNCOMPRESSED_BYTES = 1 << 30          # 1 GiB of XML in one workbook
MAX_COMPRESSION_RATIO = 200               # per member, declared sizes
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawSheet:
    """One sheet of an input file, every cell as read (objects), no header applied."""

    path: Path
    sheet: str | None
    frame: pd.DataFrame


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def check_container(path: Path, error: type[InputError] = InputError) -> None:
    """Reject what is not a safe spreadsheet before any decompression.

    Zip bombs are refused from the declared sizes in the zip directory; an OLE file with an
    .xlsx name is an encrypted (password-protected) workbook.
    """
    if not path.is_file():
        raise error(path, [Problem("file not found")])
    size = path.stat().st_size
    if size == 0:
        raise error(path, [Problem("the file is empty (0 bytes)", expected="an Excel workbook or a CSV export")])
    suffix = path.suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(8)
    if suffix in {".xlsx", ".xlsm"}:
        if head.startswith(_OLE_MAGIC):
            raise error(path, [Problem("the workbook is password-protected (encrypted)",
                                       expected="an unprotected .xlsx: save a copy without password")])
        if not head.startswith(b"PK"):
            raise error(path, [Problem("not an Excel workbook despite its .xlsx name",
                                       expected="an .xlsx file (a zip archive)")])
        try:
            with zipfile.ZipFile(path) as zf:
                infos = zf.infolist()
        except zipfile.BadZipFile as exc:
            raise error(path, [Problem(f"corrupt or truncated .xlsx ({exc})", expected="a complete .xlsx file")]) from None
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise error(path, [Problem(f"declares {total:,} bytes once unzipped",
                                       expected=f"at most {MAX_UNCOMPRESSED_BYTES:,} (possible zip bomb)")])
        for info in infos:
            if info.compress_size and info.file_size / info.compress_size > MAX_COMPRESSION_RATIO \
                    and info.file_size > 10 << 20:
                raise error(path, [Problem(f"member {info.filename} expands {info.file_size // info.compress_size}×",
                                           expected=f"at most {MAX_COMPRESSION_RATIO}× (possible zip bomb)")])
    elif suffix not in EXCEL_SUFFIXES | CSV_SUFFIXES:
        raise error(path, [Problem(f"unsupported file type {suffix!r}",
                                   expected="one of " + ", ".join(sorted(EXCEL_SUFFIXES | CSV_SUFFIXES)))])


def sheet_names(path: Path, error: type[InputError] = InputError) -> list[str | None]:
    """Sheet names of a workbook (``[None]`` for a CSV)."""
    check_container(path, error)
    if path.suffix.lower() in CSV_SUFFIXES:
        return [None]
    try:
        with pd.ExcelFile(path, engine="calamine") as xl:
            return list(xl.sheet_names)
    except Exception as exc:  # calamine raises several types for unreadable files
        raise error(path, [Problem(f"cannot open the workbook ({type(exc).__name__}: {exc})",
                                   expected="a readable Excel workbook")]) from None


def read_raw(path: str | Path, sheet: str | None = None, error: type[InputError] = InputError) -> RawSheet:
    """Every cell of one sheet (first sheet by default) or of a CSV file, as objects."""
    path = Path(path)
    names = sheet_names(path, error)
    if path.suffix.lower() in CSV_SUFFIXES:
        return RawSheet(path, None, _read_csv(path, error))
    if sheet is None:
        sheet = names[0]
    elif sheet not in names:
        raise error(path, [Problem(f"sheet {sheet!r} not found", expected="one of " + ", ".join(map(repr, names)))])
    try:
        frame = pd.read_excel(path, sheet_name=sheet, header=None, dtype=object, engine="calamine")
    except Exception as exc:
        raise error(path, [Problem(f"cannot read the sheet ({type(exc).__name__}: {exc})")], sheet) from None
    frame.columns = range(frame.shape[1])
    return RawSheet(path, sheet, frame)


def _read_csv(path: Path, error: type[InputError]) -> pd.DataFrame:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes almost anything; kept for completeness
        raise error(path, [Problem("unknown text encoding", expected="UTF-8 or Windows-1252")])
    sample = "\n".join(text.splitlines()[:50])
    counts = {sep: sample.count(sep) for sep in (";", "\t", "|", ",")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    width = max((len(r) for r in rows), default=0)
    frame = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return frame
