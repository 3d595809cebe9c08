"""Raw access to input files: xlsx/xlsm/xls/xlsb/ods through python-calamine and French
CSV/text exports, after checks that treat every file as untrusted.

The raw frame has no header; its row ``i`` is Excel row ``i + 1`` and its column ``j`` is
Excel column ``column_letter(j)``, so errors can name cells as the analyst sees them.

Checks made before any cell is read (each failure is one :class:`InputError`):

* 0-byte files, folders, unsupported suffixes, a file whose content does not match its
  suffix (an HTML page, a PDF or a CSV named ``.xlsx``/``.xls``, an ``.xlsx`` named ``.xls``);
* an OLE2/CFB container named ``.xlsx`` (what Excel writes for a password-protected
  workbook): refused, naming the encryption when the container says so;
* zip archives: truncated or corrupt directories, too many members, and zip bombs, refused
  from the sizes *declared* in the zip directory (total and per-member ratio) before
  anything is decompressed (calamine's zip reader also stops at a member larger than it
  declared, so the declared sizes bound the memory used);
* XML entity bombs: any ``<!DOCTYPE``/``<!ENTITY`` in the prolog of an XML member is
  refused (a spreadsheet never has one; calamine's quick-xml would fail on the undefined
  entity anyway, it never expands them).

For .xlsx/.xlsm a streaming scan of the sheet's XML (bounded chunks; on the normal path a few
byte comparisons with numpy, which releases the GIL, so the scan runs beside calamine's parse)
also finds what calamine does not report: formula cells and whether a
result was saved with them, Excel error values (``#REF!``… which calamine turns into blanks),
hidden rows, and the workbook's 1904 date system. The readers decide what each finding
means for the cells they use (see :func:`data_findings`).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import python_calamine

from ..errors import InputError, InputWarning, Problem
from ..french import count, plural, quote

MAX_UNCOMPRESSED_BYTES = 2 << 30          # 2 GiB of XML in one workbook (declared sizes)
MAX_COMPRESSION_RATIO = 200               # per member, declared sizes ...
RATIO_CHECKED_FROM = 10 << 20             # ... for members declaring more than 10 MiB
MAX_MEMBERS = 10_000
MAX_TEXT_BYTES = 1 << 30                  # CSV/text exports
PROLOG_BYTES = 64 << 10                   # an XML member's prolog must end within 64 KiB
SCAN_CHUNK = 4 << 20
LISTED_CELLS = 8                          # cells named in one warning

ErrorFactory = Callable[..., InputError]
"""Builds the reader's error: ``error(path, problems, sheet=None)`` (an :class:`InputError`
subclass, or a ``functools.partial`` of one fixing its ``kind``)."""

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}
_ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", "<!DOCTYPE".encode("utf-16-le"), "<!ENTITY".encode("utf-16-le"))
_REQUIRED_MEMBER = {".xlsx": "xl/workbook.xml", ".xlsm": "xl/workbook.xml", ".xlsb": "xl/workbook.bin",
                    ".ods": "content.xml"}


# --------------------------------------------------------------------------------------------
# what a sheet holds
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CellScan:
    """Findings of the XML scan of one .xlsx sheet; rows and columns are 0-based frame indices
    (``-1`` when the file does not record the cell's address)."""

    formula_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    formula_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    formula_saved: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    formula_text: tuple[str, ...] = ()
    error_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    error_cols: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    error_values: tuple[str, ...] = ()
    hidden_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


@dataclass(frozen=True)
class RawSheet:
    """One sheet of an input file, every cell as read (objects), no header applied.

    ``merged``: merged ranges as 0-based inclusive ``(first_row, first_col, last_row, last_col)``;
    ``cells``: the XML scan (``None`` for CSV, .xls, .xlsb and .ods files);
    ``date1904``: the workbook counts date serials from 1904.
    """

    path: Path
    sheet: str | None
    frame: pd.DataFrame
    merged: tuple[tuple[int, int, int, int], ...] = ()
    cells: CellScan | None = None
    date1904: bool = False


def column_letter(index: int) -> str:
    """0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """0-based frame position → Excel cell name (``(6, 7)`` → ``H7``)."""
    return f"{column_letter(col)}{row + 1}"


def column_index(letters: str) -> int:
    """``A`` → 0, ``AA`` → 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


# --------------------------------------------------------------------------------------------
# container checks
# --------------------------------------------------------------------------------------------
def _describe(head: bytes) -> str:
    """What a file that is not a spreadsheet looks like, from its first bytes."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "une page HTML (certains ERP enregistrent des tableaux HTML sous un nom Excel)"
    if text.startswith(b"<?xml"):
        return "un fichier XML (peut-être un « XML Spreadsheet 2003 »)"
    if text.startswith(b"%pdf"):
        return "un document PDF"
    if b"\x00" in head:
        return "un fichier binaire de type inconnu"
    return "un fichier texte (un export CSV ? donnez-lui un nom en .csv)"


def check_container(path: Path, error: ErrorFactory = InputError) -> None:
    """Reject what is not a safe spreadsheet or text export, before any decompression."""
    if not path.exists():
        raise error(path, [Problem("fichier introuvable", code="file_not_found")])
    if not path.is_file():
        raise error(path, [Problem("ce n'est pas un fichier", expected="un classeur Excel ou un export CSV",
                                   code="not_a_file")])
    size = path.stat().st_size
    if size == 0:
        raise error(path, [Problem("le fichier est vide (0 octet)", expected="un classeur Excel ou un export CSV",
                                   code="empty_file")])
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES | CSV_SUFFIXES:
        raise error(path, [Problem(f"type de fichier {suffix!r} non pris en charge",
                                   expected="l'un de " + ", ".join(sorted(EXCEL_SUFFIXES | CSV_SUFFIXES)),
                                   code="unsupported_type")])
    with path.open("rb") as fh:
        head = fh.read(4096)
    name = f"son nom en {suffix}"
    if suffix in CSV_SUFFIXES:
        if head.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
            raise error(path, [Problem(f"un classeur Excel malgré {name}",
                                       expected="un export texte, ou le même fichier nommé en .xlsx/.xls",
                                       code="wrong_suffix")])
        if size > MAX_TEXT_BYTES:
            raise error(path, [Problem(f"export texte de {count(size)} octets",
                                       expected=f"au plus {count(MAX_TEXT_BYTES)} octets",
                                       code="too_large")])
        if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise error(path, [Problem(f"un fichier binaire malgré {name}", expected="un export texte (CSV)",
                                       code="wrong_suffix")])
        return
    if head.startswith(_OLE_MAGIC):
        if suffix == ".xls":
            return
        if _has_encrypted_stream(path):
            raise error(path, [Problem("le classeur est protégé par un mot de passe (chiffré)",
                                       expected="un classeur sans mot de passe : ouvrez-le dans Excel, retirez le "
                                                "mot de passe (Fichier > Informations > Protéger le classeur) et "
                                                "enregistrez une copie", code="encrypted")])
        raise error(path, [Problem(f"un conteneur OLE2 (un ancien .xls ou un classeur chiffré) malgré {name}",
                                   expected=f"un vrai fichier {suffix} : enregistrez-le de nouveau depuis Excel "
                                            f"en {suffix}",
                                   code="wrong_suffix")])
    if suffix == ".xls":
        what = "un classeur .xlsx (zip)" if head.startswith(_ZIP_MAGIC) else _describe(head)
        raise error(path, [Problem(f"pas un classeur .xls : le fichier est {what}",
                                   expected="un fichier .xls, ou le même fichier sous sa vraie extension",
                                   code="wrong_suffix")])
    if not head.startswith(_ZIP_MAGIC):
        raise error(path, [Problem(f"pas un classeur Excel malgré {name} : le fichier est {_describe(head)}",
                                   expected=f"un fichier {suffix} (une archive zip)", code="wrong_suffix")])
    _check_zip(path, suffix, error)


def _has_encrypted_stream(path: Path) -> bool:
    """True when an OLE2 file names an ``EncryptedPackage`` stream (looked for in its first 4 MiB)."""
    with path.open("rb") as fh:
        return _ENCRYPTED_STREAM in fh.read(4 << 20)


def _check_zip(path: Path, suffix: str, error: ErrorFactory) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise error(path, [Problem(f"l'archive contient {count(len(infos))} membres",
                                           expected=f"au plus {count(MAX_MEMBERS)} "
                                                    "(un classeur en a quelques dizaines)",
                                           code="zip_bomb")])
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise error(path, [Problem(f"le classeur déclare {count(total)} octets une fois décompressé",
                                           expected=f"au plus {count(MAX_UNCOMPRESSED_BYTES)} octets "
                                                    "(bombe zip possible)",
                                           code="zip_bomb")])
            for info in infos:
                if info.file_size > RATIO_CHECKED_FROM and \
                        info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                    ratio = info.file_size // max(info.compress_size, 1)
                    raise error(path, [Problem(
                        f"le membre {info.filename} déclare {count(info.file_size)} octets pour "
                        f"{count(info.compress_size)} compressés ({count(ratio)}×)",
                        expected=f"un taux de compression d'au plus {MAX_COMPRESSION_RATIO}× (bombe zip possible)",
                        code="zip_bomb")])
            names = {i.filename for i in infos}
            required = _REQUIRED_MEMBER[suffix]
            if required not in names:
                raise error(path, [Problem(f"une archive zip mais pas un classeur {suffix} (pas de {required})",
                                           expected=f"un fichier {suffix} enregistré par Excel ou un ERP",
                                           code="wrong_suffix")])
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and _has_dtd(zf, info):
                    raise error(path, [Problem(
                        f"le membre {info.filename} déclare des entités XML (<!DOCTYPE/<!ENTITY>)",
                        expected="un classeur sans DTD (bombe d'entités XML possible)", code="entity_bomb")])
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        raise error(path, [Problem(f"fichier {suffix} corrompu ou tronqué ({exc})",
                                   expected=f"un fichier {suffix} complet : exportez-le de nouveau",
                                   code="corrupt")]) from None


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when the member's prolog (before its root element) declares a DTD or entities.

    Reads at most :data:`PROLOG_BYTES` decompressed bytes; a prolog longer than that is
    suspicious too.
    """
    with zf.open(info) as fh:
        head = fh.read(PROLOG_BYTES)
    if any(marker in head for marker in _DTD_MARKERS):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
    root = re.search(rb"<[A-Za-z_]", head)
    return root is None and len(head) >= PROLOG_BYTES


# --------------------------------------------------------------------------------------------
# workbooks
# --------------------------------------------------------------------------------------------
class Workbook:
    """An input file opened once: its sheet names and the raw cells of any sheet.

    A CSV/text file is a workbook with one sheet named ``None``.
    """

    def __init__(self, path: str | Path, error: ErrorFactory = InputError):
        self.path = Path(path)
        self.error = error
        check_container(self.path, error)
        self.is_text = self.path.suffix.lower() in CSV_SUFFIXES
        self._book: python_calamine.CalamineWorkbook | None = None
        self._xlsx: _XlsxIndex | None = None
        if self.is_text:
            self.sheet_names: list[str | None] = [None]
            return
        try:
            self._book = python_calamine.CalamineWorkbook.from_path(str(self.path))
            self.sheet_names = list(self._book.sheet_names)
        except Exception as exc:  # calamine raises several types for unreadable files
            raise error(self.path, [_calamine_problem(exc)]) from None
        if self.path.suffix.lower() in {".xlsx", ".xlsm"}:
            self._xlsx = _XlsxIndex.load(self.path, error)
        if not self.sheet_names:
            raise error(self.path, [Problem("le classeur n'a aucune feuille", expected="au moins une feuille",
                                            code="no_sheet")])

    def read(self, sheet: str | None = None) -> RawSheet:
        """Every cell of ``sheet`` (the first sheet by default), as objects."""
        if self.is_text:
            return RawSheet(self.path, None, _read_text(self.path, self.error))
        if sheet is None:
            sheet = self.sheet_names[0]
        elif sheet not in self.sheet_names:
            raise self.error(self.path, [Problem(f"feuille {quote(sheet)} introuvable",
                                                 expected="l'une de " + ", ".join(quote(s) for s in self.sheet_names),
                                                 code="sheet_not_found")])
        assert self._book is not None and sheet is not None
        # The XML scan runs in a thread while calamine parses the sheet (calamine releases the
        # GIL): on a large export it costs no time on a second core. A calamine error is still
        # the one raised first.
        with ThreadPoolExecutor(max_workers=1) as pool:
            scan = pool.submit(self._xlsx.scan, sheet, self.error) if self._xlsx else None
            try:
                ws = self._book.get_sheet_by_name(sheet)
                rows = ws.to_python(skip_empty_area=False)
                merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or ()))
            except Exception as exc:
                raise self.error(self.path, [_calamine_problem(exc)], sheet) from None
            frame = _object_frame(rows)
            del rows
            cells = scan.result() if scan is not None else None
        return RawSheet(self.path, sheet, frame, merged, cells, bool(self._xlsx and self._xlsx.date1904))

    def close(self) -> None:
        if self._book is not None:
            self._book.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _calamine_problem(exc: Exception) -> Problem:
    if isinstance(exc, python_calamine.PasswordError):
        return Problem("le classeur est protégé par un mot de passe", expected="un classeur sans mot de passe",
                       code="encrypted")
    text = " ".join(str(exc).split())[:200]
    return Problem(f"le classeur est corrompu ou illisible ({type(exc).__name__} : {text})",
                   expected="un classeur qu'Excel ouvre : exportez-le de nouveau", code="corrupt")


def _object_frame(rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    """The cells as one block of objects, columns ``0…n-1``: what ``pd.DataFrame(rows,
    dtype=object)`` gives, built in one numpy pass (calamine's rows all have the sheet's width)
    and wrapped without a copy; ragged rows take pandas' way."""
    if not rows:
        frame = pd.DataFrame(dtype=object)
        frame.columns = range(0)
        return frame
    width = len(rows[0])
    cells: np.ndarray | None = None
    if width and all(len(r) == width for r in rows):
        try:
            cells = np.array(rows, dtype=object)
        except ValueError:           # cells numpy would unpack: pandas copes
            cells = None
        if cells is not None and cells.shape != (len(rows), width):
            cells = None
    frame = pd.DataFrame(rows, dtype=object) if cells is None else pd.DataFrame(cells, dtype=object, copy=False)
    frame.columns = range(frame.shape[1])
    return frame


def sheet_names(path: Path, error: ErrorFactory = InputError) -> list[str | None]:
    """Sheet names of a workbook (``[None]`` for a CSV)."""
    with Workbook(path, error) as wb:
        return wb.sheet_names


def read_raw(path: str | Path, sheet: str | None = None, error: ErrorFactory = InputError) -> RawSheet:
    """Every cell of one sheet (first sheet by default) or of a CSV file, as objects."""
    with Workbook(path, error) as wb:
        return wb.read(sheet)


# --------------------------------------------------------------------------------------------
# the XML scan of .xlsx sheets
# --------------------------------------------------------------------------------------------
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROW_END = re.compile(rb"</(?:\w+:)?row>")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_ATTR_R_CELL = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_ATTR_R_ROW = re.compile(rb'\br="(\d+)"')
_ATTR_T = re.compile(rb'\bt="(\w+)"')
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"|\bht="0(?:\.0*)?"')
_FORMULA_MARKERS = (b"<f>", b"<f ", b":f>", b":f ")
_ERROR_MARKERS = (b't="e"',)
_HIDDEN_MARKERS = (b'hidden="', b'ht="0')


@dataclass(frozen=True)
class _XlsxIndex:
    """Sheet name → XML member, and the date system, from workbook.xml and its relations."""

    path: Path
    members: dict[str, str]
    date1904: bool

    @classmethod
    def load(cls, path: Path, error: ErrorFactory) -> _XlsxIndex:
        try:
            with zipfile.ZipFile(path) as zf:
                book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
                rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, zlib.error, OSError) as exc:
            raise error(path, [Problem(f"la structure du classeur est illisible ({exc})",
                                       expected="un classeur qu'Excel ouvre : exportez-le de nouveau",
                                       code="corrupt")]) from None
        targets = {r.get("Id"): r.get("Target", "") for r in rels if r.tag.endswith("Relationship")}
        members = {}
        date1904 = False
        for el in book.iter():
            if el.tag.endswith("}sheet") or el.tag == "sheet":
                target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
                member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
                members[el.get("name", "")] = member
            elif el.tag.endswith("workbookPr"):
                date1904 = el.get("date1904", "0").lower() in ("1", "true")
        return cls(path, members, date1904)

    def scan(self, sheet: str, error: ErrorFactory) -> CellScan | None:
        member = self.members.get(sheet)
        return None if member is None else scan_sheet_xml(self.path, member, error)


def scan_sheet_xml(path: Path, member: str, error: ErrorFactory = InputError) -> CellScan:
    """Stream one sheet's XML in bounded chunks; note formulas, error values and hidden rows.

    Chunks are cut after a row's end tag; a chunk without any marker costs a few numpy
    comparisons only (:func:`_contains_any`), run without the GIL.
    """
    f_rows: list[int] = []
    f_cols: list[int] = []
    f_saved: list[bool] = []
    f_text: list[str] = []
    e_rows: list[int] = []
    e_cols: list[int] = []
    e_vals: list[str] = []
    hidden: list[int] = []

    def process(buf: bytes) -> None:
        a = np.frombuffer(buf, dtype=np.uint8)
        has_f = _contains_any(a, _FORMULA_MARKERS, ord("f"))
        has_e = _contains_any(a, _ERROR_MARKERS, ord("e"))
        if _contains_any(a, _HIDDEN_MARKERS, ord("h")):
            for m in _ROW_TAG.finditer(buf):
                attrs = m.group(1)
                if _HIDDEN.search(attrs):
                    r = _ATTR_R_ROW.search(attrs)
                    hidden.append(int(r.group(1)) - 1 if r else -1)
        if not (has_f or has_e):
            return
        for m in _CELL.finditer(buf):
            attrs, inner = m.group(1), m.group(2) or b""
            t = _ATTR_T.search(attrs)
            kind = t.group(1) if t else b"n"
            formula = _FORMULA.search(inner) if has_f else None
            if formula is None and kind != b"e":
                continue
            ref = _ATTR_R_CELL.search(attrs)
            row, col = (int(ref.group(2)) - 1, column_index(ref.group(1).decode())) if ref else (-1, -1)
            value = _VALUE.search(inner)
            if formula is not None:
                f_rows.append(row)
                f_cols.append(col)
                f_saved.append(bool(value and value.group(1)) or kind == b"str")
                f_text.append(_unescape(formula.group(1) or b""))
            if kind == b"e":
                e_rows.append(row)
                e_cols.append(col)
                e_vals.append(_unescape(value.group(1)) if value else "#ERROR")

    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            carry = b""
            while True:
                chunk = fh.read(SCAN_CHUNK)
                if not chunk:
                    break
                buf = carry + chunk
                end = _last_row_end(buf, max(0, len(buf) - SCAN_CHUNK // 4))
                ends = [] if end is None else [end]
                if not ends:
                    last = buf.rfind(b"row>")
                    ends = [last + 4] if last >= 0 and \
                        buf[:last].rstrip(b"abcdefghijklmnopqrstuvwxyz:").endswith(b"</") else []
                if ends:
                    process(buf[:ends[-1]])
                    carry = buf[ends[-1]:]
                else:
                    carry = buf
            process(carry)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise error(path, [Problem(f"le XML de la feuille est illisible ({exc})",
                                   expected="un classeur qu'Excel ouvre : exportez-le de nouveau",
                                   code="corrupt")]) from None

    def arr(values: list[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)

    return CellScan(arr(f_rows), arr(f_cols), np.asarray(f_saved, dtype=bool), tuple(f_text),
                    arr(e_rows), arr(e_cols), tuple(e_vals), np.unique(arr(hidden)))


def _contains_any(a: np.ndarray, patterns: tuple[bytes, ...], anchor: int) -> bool:
    """``any(p in buf for p in patterns)`` for the bytes ``a`` views, each pattern holding the
    byte ``anchor`` (a rare one): the anchor's positions, then the pattern's other bytes around
    them, compared with numpy. Unlike ``bytes`` searches (about 1 GB/s each), numpy releases
    the GIL: the scan runs beside calamine's parse and the caller's Python code."""
    n = len(a)
    positions = np.flatnonzero(a == anchor)
    for pattern in patterns:
        k, m = pattern.index(anchor), len(pattern)
        start = positions[(positions >= k) & (positions <= n - m + k)] - k
        for i, byte in enumerate(pattern):
            if i != k and len(start):
                start = start[a[start + i] == byte]
        if len(start):
            return True
    return False


def _last_row_end(buf: bytes, start: int) -> int | None:
    """End of the last row end tag (``</row>``, ``</x:row>``) starting at or after ``start``:
    the end of the last match of :data:`_ROW_END` there, found with ``bytes`` searches."""
    i = len(buf)
    while True:
        i = buf.rfind(b"row>", start, i)
        if i < 0:
            return None
        lt = buf.rfind(b"</", start, i)
        if lt >= 0 and _ROW_END.fullmatch(buf, lt, i + 4):
            return i + 4
        i += 3          # look before this one


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'") \
        .replace("&amp;", "&")


# --------------------------------------------------------------------------------------------
# what the findings mean for the cells a reader uses
# --------------------------------------------------------------------------------------------
def data_findings(raw: RawSheet, rows: np.ndarray, columns: dict[int, str]) -> tuple[list[Problem], list[Problem]]:
    """Problems and warnings for the cells a reader takes its data from.

    ``rows``: 0-based frame rows that hold data (items, and the grand total for open items);
    ``columns``: ``{frame column: label for messages}`` of the mapped columns.

    * a formula with no saved result is an error (its value is unknown until Excel
      recalculates); a formula whose result was saved is read from that result, with a warning;
    * an Excel error value (``#REF!``, ``#N/A``…) is an error;
    * a merged range whose hidden cells fall on data rows in mapped columns is an error
      (Excel shows one value across cells that hold nothing); merges elsewhere (title block,
      total rows, unmapped columns) are harmless and ignored;
    * hidden data rows are read like the others, with a warning.
    """
    problems: list[Problem] = []
    notes: list[Problem] = []
    is_row = np.zeros(max(len(raw.frame), 1), dtype=bool)
    is_row[rows] = True
    cols = np.asarray(sorted(columns), dtype=np.int64)

    def hits(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        inside = (r >= 0) & (r < len(is_row))
        sel = np.zeros(len(r), dtype=bool)
        sel[inside] = is_row[r[inside]] & np.isin(c[inside], cols)
        sel |= r < 0        # address not recorded: cannot rule the cell out
        return sel

    scan = raw.cells
    if scan is not None:
        sel = hits(scan.formula_rows, scan.formula_cols)
        for k in np.flatnonzero(sel & ~scan.formula_saved):
            r, c = int(scan.formula_rows[k]), int(scan.formula_cols[k])
            problems.append(Problem(
                f"la cellule {cell_name(r, c) if r >= 0 else '(adresse non enregistrée)'} contient une formule "
                f"(={scan.formula_text[k][:60]}) sans résultat enregistré",
                r + 1 if r >= 0 else None, columns.get(c), None,
                "des valeurs, pas des formules : ouvrez le fichier dans Excel et enregistrez-le, ou exportez "
                "les valeurs seules", code="formula_without_result"))
        saved = np.flatnonzero(sel & scan.formula_saved)
        if len(saved):
            names = [cell_name(int(scan.formula_rows[k]), int(scan.formula_cols[k])) for k in saved[:LISTED_CELLS]]
            notes.append(Problem(
                plural(len(saved), "cellule à formule lue", "cellules à formule lues")
                + " d'après le résultat enregistré "
                f"avec le fichier ({', '.join(names)}{', …' if len(saved) > LISTED_CELLS else ''})",
                expected="des valeurs ; vérifiez que le fichier a été recalculé avant d'être enregistré",
                code="formula_result"))
        sel = hits(scan.error_rows, scan.error_cols)
        for k in np.flatnonzero(sel):
            r, c = int(scan.error_rows[k]), int(scan.error_cols[k])
            problems.append(Problem("valeur d'erreur Excel", r + 1 if r >= 0 else None, columns.get(c),
                                    scan.error_values[k], "une valeur (corrigez la formule ou les données sources)",
                                    "excel_error"))
        hidden = scan.hidden_rows[(scan.hidden_rows >= 0) & (scan.hidden_rows < len(is_row))]
        hidden = hidden[is_row[hidden]]
        if len(hidden):
            listed = ", ".join(str(int(r) + 1) for r in hidden[:LISTED_CELLS])
            notes.append(Problem(
                plural(len(hidden), "ligne masquée lue", "lignes masquées lues") + " comme les autres "
                f"(ligne{'s' if len(hidden) > 1 else ''} {listed}{', …' if len(hidden) > LISTED_CELLS else ''})",
                expected="toutes les lignes de l'export visibles ; affichez-les pour les vérifier",
                code="hidden_rows"))
    for r0, c0, r1, c1 in raw.merged:
        data_rows = np.flatnonzero(is_row[r0:r1 + 1]) + r0
        mapped = cols[(cols >= c0) & (cols <= c1)]
        covered = [(int(r), int(c)) for r in data_rows[:2] for c in mapped[:2] if (r, c) != (r0, c0)]
        if covered:
            r, c = covered[0]
            span = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
            problems.append(Problem(
                f"cellules fusionnées {span} : Excel montre la valeur de {cell_name(r0, c0)} sur toute la plage "
                f"mais {cell_name(r, c)} est vide", r + 1, columns[c], None,
                "une valeur par cellule : annulez la fusion et remplissez chaque cellule", "merged_cells"))
    return problems, notes


def after_findings(findings: list[Problem], problems: list[Problem]) -> list[Problem]:
    """``findings`` then ``problems``, without the problems of cells a finding already explains
    (the empty cell under a merge, a formula with no result, an error value)."""
    explained = {(p.row, p.column) for p in findings if p.row is not None}
    rest = [p for p in problems if (p.row, p.column) not in explained]
    return sorted(findings + rest, key=lambda p: p.row or 0)


def is_empty(frame: pd.DataFrame) -> bool:
    """True when a frame has no cell with a value (spaces-only strings count as values here)."""
    head = frame.iloc[:64].to_numpy(dtype=object)      # a sheet with data usually shows it at once
    if head.size and not (pd.isna(head) | (head == "")).all():
        return False
    cells = frame.to_numpy(dtype=object)
    return bool((pd.isna(cells) | (cells == "")).all()) if cells.size else True


def warn(path: Path, sheet: str | None, notes: list[Problem], kind: str) -> list[str]:
    """Emit one :class:`InputWarning` for ``notes`` (if any); returns their texts for ``attrs``."""
    if not notes:
        return []
    warning = InputWarning(path, notes, sheet, kind=kind)
    warnings.warn(warning, stacklevel=3)
    return [str(n) for n in notes]


# --------------------------------------------------------------------------------------------
# text exports
# --------------------------------------------------------------------------------------------
_SEPARATORS = (";", "\t", "|", ",")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")  # ISO-8859-1 decodes every byte


def _read_text(path: Path, error: ErrorFactory) -> pd.DataFrame:
    """A CSV/text export: UTF-8 (BOM or not), UTF-16 with BOM, Windows-1252 or ISO-8859-1;
    separator ``;``, tab, ``|`` or ``,`` (the one giving the most rows of one common width)."""
    try:
        text = _decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise error(path, [Problem(f"texte illisible ({exc})", expected="UTF-8, UTF-16 ou Windows-1252",
                                   code="encoding")]) from None
    if not text.strip():
        raise error(path, [Problem("le fichier ne contient aucun texte",
                                   expected="un export CSV avec une ligne d'en-tête",
                                   code="empty")])
    sample = [line for line in text.splitlines()[:60] if line.strip()]
    sep = max(_SEPARATORS, key=lambda s: (_consistency(sample, s), -_SEPARATORS.index(s)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows: list[list[str]] = []
    try:
        for row in reader:
            rows.append(row)
    except csv.Error as exc:
        raise error(path, [Problem(f"CSV mal formé ({exc})", reader.line_num,
                                   expected="des guillemets appariés et un enregistrement par ligne",
                                   code="malformed_csv")]) from None
    width = max((len(r) for r in rows), default=0)
    return pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)


def _consistency(lines: list[str], sep: str) -> int:
    """How many sample lines split into the most common number (> 1) of fields."""
    counts = pd.Series([line.count(sep) for line in lines], dtype="int64")
    counts = counts[counts > 0]
    if counts.empty:
        return 0
    return int(counts.value_counts().iloc[0])
