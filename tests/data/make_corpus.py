"""The corpus of broken and hostile input files, one or more per reader (tests/io/test_hostile.py).

Every file is generated, never hand-edited: workbooks with xlsxwriter (fixed document
properties), then, for the hostile cases, their zip rewritten with fixed timestamps (formula
results removed, entity bombs, declared sizes patched, truncation); CSV/text bytes written
directly; the password-protected workbook is a minimal OLE2/CFB container holding the
``EncryptionInfo``/``EncryptedPackage`` streams that Excel writes for an encrypted .xlsx.
Filled call lists start from the workbook relance writes (``write_call_list`` on a tiny
history), filled and then damaged with openpyxl as a collector's Excel would, their save time
and zip timestamps fixed afterwards. No randomness: the same call gives the same files.

The tests build the corpus once per session in a temporary folder, so no binary is committed.
To look at the files: ``python tests/data/make_corpus.py OUT_DIR`` (prints each file and the
outcome the tests expect).

Each :class:`Case` names the reader, the file, and the expected outcome: ``error`` (one
``InputError``/``ExportError`` whose message holds every fragment of ``expect``),
``warning`` (read, with an ``InputWarning`` holding the fragments) or ``ok`` (read silently,
``check`` says what to verify).
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import openpyxl
import xlsxwriter
from openpyxl.worksheet.worksheet import Worksheet

FIXED = dt.datetime(2026, 11, 20, 18, 0)
ZIP_TIME = (2026, 11, 20, 18, 0, 0)


# ----------------------------------------------------------------------------------------------
# cells with a meaning beyond their value
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class F:
    """A formula cell; ``value`` is the saved result, ``None`` for a formula saved without one."""

    formula: str
    value: object = None


@dataclass(frozen=True)
class Serial:
    """A raw number formatted as a date (e.g. a negative serial: a date before 1900)."""

    value: float


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[object]]
    merges: tuple[tuple[str, object], ...] = ()      # ("A8:A9", value shown)
    hidden: tuple[int, ...] = ()                     # Excel row numbers


def d(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def write_xlsx(path: Path, sheets: list[Sheet], date_1904: bool = False) -> Path:
    """Write sheets with xlsxwriter; formulas with ``value=None`` are saved without a result."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False, "date_1904": date_1904})
    wb.set_properties({"created": FIXED})
    date_fmt = wb.add_format({"num_format": "dd/mm/yyyy"})
    unsaved: list[tuple[int, str]] = []
    for n, sheet in enumerate(sheets, start=1):
        ws = wb.add_worksheet(sheet.name)
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, F):
                    ws.write_formula(r, c, v.formula, None, 0 if v.value is None else v.value)
                    if v.value is None:
                        unsaved.append((n, v.formula.lstrip("=")))
                elif isinstance(v, Serial):
                    ws.write_number(r, c, v.value, date_fmt)
                elif isinstance(v, (dt.date, dt.datetime)):
                    ws.write_datetime(r, c, v, date_fmt)
                elif isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
        for ref, value in sheet.merges:
            ws.merge_range(ref, value)
        for r in sheet.hidden:
            ws.set_row(r - 1, None, None, {"hidden": True})
    wb.close()
    if unsaved:
        def drop_results(name: str, data: bytes) -> bytes:
            for n, formula in unsaved:
                if name == f"xl/worksheets/sheet{n}.xml":
                    esc = formula.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").encode()
                    data = data.replace(b"<f>" + esc + b"</f><v>0</v>", b"<f>" + esc + b"</f>")
            return data
        rewrite_zip(path, drop_results)
    return path


def rewrite_zip(path: Path, edit: Callable[[str, bytes], bytes]) -> None:
    """Rewrite every member of a zip through ``edit(name, data)``, deterministically."""
    with zipfile.ZipFile(path) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            out.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), edit(name, data),
                         compress_type=zipfile.ZIP_DEFLATED)


# ----------------------------------------------------------------------------------------------
# hostile containers
# ----------------------------------------------------------------------------------------------
LOL = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{(f"&lol{i - 1};" if i > 1 else "&lol;") * 10}">' for i in range(1, 10)) + "]>")


def entity_bomb(path: Path, base: Path, member: str) -> Path:
    """``base`` with a "billion laughs" DTD in ``member`` and the entity used in a cell."""
    path.write_bytes(base.read_bytes())

    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        text = data.decode()
        end = text.index("?>") + 2
        text = text[:end] + LOL + text[end:]
        text = re.sub(r"<t>([^<]*)</t>", "<t>&lol9;</t>", text, count=1) if "sharedStrings" in member \
            else text.replace("<sheetData>", "<sheetData><!-- &lol9; -->", 1)
        return text.encode()
    rewrite_zip(path, edit)
    return path


def declared_size_bomb(path: Path, base: Path, member: str = "xl/worksheets/sheet1.xml",
                       size: int = 0xF000_0000) -> Path:
    """``base`` whose zip directory declares ``size`` bytes for ``member`` (≈ 4 GB)."""
    raw = bytearray(base.read_bytes())
    name = member.encode()
    pos = raw.find(name)
    while pos >= 0:
        if raw[pos - 30:pos - 26] == b"PK\x03\x04":          # local file header
            struct.pack_into("<I", raw, pos - 30 + 22, size)
        elif raw[pos - 46:pos - 42] == b"PK\x01\x02":        # central directory entry
            struct.pack_into("<I", raw, pos - 46 + 24, size)
        pos = raw.find(name, pos + 1)
    path.write_bytes(bytes(raw))
    return path


def ratio_bomb(path: Path, base: Path, megabytes: int = 64) -> Path:
    """``base`` whose sheet XML is padded with ``megabytes`` MiB of spaces (ratio ≈ 1000×),
    streamed so that building it needs little memory."""
    with zipfile.ZipFile(base) as zf:
        members = [(i.filename, zf.read(i.filename)) for i in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(info, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with out.open(info, "w", force_zip64=True) as fh:
                fh.write(head + b"<sheetData>")
                block = b" " * (1 << 20)
                for _ in range(megabytes):
                    fh.write(block)
                fh.write(tail)
    return path


def truncated(path: Path, base: Path) -> Path:
    data = base.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def cfb_container(path: Path, encrypted: bool = True) -> Path:
    """A minimal OLE2/CFB file: header, one FAT sector, one directory sector (Root Entry and,
    when ``encrypted``, the ``EncryptionInfo`` and ``EncryptedPackage`` streams)."""
    free, end, fat = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    for k in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * k, free)
    fat_sector = struct.pack("<II", fat, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        e = bytearray(128)
        e[0:len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1)
        struct.pack_into("<III", e, 68, free, right, child)
        struct.pack_into("<I", e, 116, end)
        return bytes(e)
    entries = [entry("Root Entry", 5, child=1 if encrypted else free)]
    if encrypted:
        entries += [entry("EncryptionInfo", 2, right=2), entry("EncryptedPackage", 2)]
    entries += [bytes(128)] * (4 - len(entries))
    path.write_bytes(bytes(header) + fat_sector + b"".join(entries))
    return path


# ----------------------------------------------------------------------------------------------
# the readers' valid tables, to be broken one way at a time
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A valid input of one reader: header, rows, and which columns hold which kind of value."""

    reader: str
    sheet: str
    header: list[str]
    rows: list[list[object]]
    title: list[list[object]] = field(default_factory=list)    # rows above the header
    footer: list[list[object]] = field(default_factory=list)   # rows below the items
    money: str = ""        # a money column
    date: str = ""         # a date column
    later: str = ""        # a date column that must not be before ``date``
    required: str = ""     # a required column to drop
    kind: str = ""         # the error's kind, as in its message

    def col(self, header: str) -> int:
        return self.header.index(header)

    @property
    def first_row(self) -> int:
        """Excel row of the first data row."""
        return len(self.title) + 2

    def all_rows(self, rows: list[list[object]] | None = None, header: list[str] | None = None) -> list[list[object]]:
        return [*self.title, header or self.header, *(self.rows if rows is None else rows), *self.footer]

    def with_cell(self, i: int, column: str, value: object) -> list[list[object]]:
        rows = [list(r) for r in self.rows]
        rows[i][self.col(column)] = value
        return rows

    def letter(self, column: str) -> str:
        return chr(65 + self.col(column))


SAGE = Table(
    "open_items", "Balance âgée",
    ["Code client", "Raison sociale", "Type", "N° pièce", "Date pièce", "Échéance", "Montant HT", "Solde TTC"],
    [["C001", "Alpha SARL", "FA", "FA-1", d("2026-09-01"), d("2026-10-01"), 1000.00, 1200.00],
     ["C001", "Alpha SARL", "AV", "AV-1", d("2026-10-05"), d("2026-10-05"), -100.00, -120.00],
     ["C002", "Béta SA", "RG", "RG-1", d("2026-11-02"), d("2026-11-02"), -50.10, -50.10],
     ["C002", "Béta SA", "FA", "FA-2", d("2026-11-10"), d("2026-12-10"), 0.10, 0.12]],
    title=[["Ateliers Test SAS"], ["Balance âgée clients au 20/11/2026"], ["Filtres : comptes 411"], [], []],
    footer=[[], ["Total général", None, None, None, None, None, 849.90, 1030.02]],
    money="Solde TTC", date="Date pièce", later="Échéance", required="Solde TTC", kind="export de balance âgée")

ODOO_HEADER = ["Date", "Pièce", "Journal", "Compte", "Partenaire", "Réf - Libellé", "Date d'échéance", "Résiduel"]
ODOO = Table(
    "open_items", "Balance âgée auxiliaire", ODOO_HEADER,
    [["01/08/2026", "FA-1", "Factures clients", "411100", "[C001] Alpha SARL", "x", "31/08/2026", "1\u202f234,56"],
     ["02/08/2026", "AV-1", "Factures clients", "411100", "[C001] Alpha SARL", "x", "02/08/2026", "-34,56"],
     ["03/09/2026", "RG-9", "Banque", "411100", "[C002] Béta SA", "x", "03/09/2026", "(10,00)"]],
    title=[["Balance âgée auxiliaire - Test"], ["Date au : 11/09/2026"], ["411100 - Clients"]],
    footer=[[], ["Total général", None, None, None, None, None, None, "1\u00a0190,00"],
            ["Pourcentages", None, None, None, None, None, None, "100 %"]],
    money="Résiduel", date="Date", later="Date d'échéance", required="Pièce", kind="export de balance âgée")

CUSTOMERS = Table(
    "customers", "Clients",
    ["Code client", "Raison sociale", "Segment", "Recouvreur", "Statut", "Encours autorisé",
     "Délai de paiement", "Circuit facture", "Taux de provision spécifique"],
    [["C001", "Alpha SARL", "PME", "Claire Martin", "actif", 50000, "45 jours", "validation achats", None],
     ["C002", "Béta SA", "ETI", "Julien Petit", "redressement judiciaire", 20000, "30 jours fin de mois",
      "dirigeant", 0.5],
     ["C003", "Gamma SAS", "PME", "Claire Martin", "actif", 10000, "60 jours", "comptabilité fournisseurs", None]],
    money="Encours autorisé", required="Statut", kind="fichier clients")

SALES = Table(
    "sales", "Ventes", ["Code client", "Mois", "CA HT", "Taux TVA"],
    [["C001", d("2026-09-01"), 12000.50, 0.2], ["C001", d("2026-10-01"), 8000.00, 0.2],
     ["C002", d("2026-09-01"), 4000.00, 0.055]],
    money="CA HT", date="Mois", required="CA HT", kind="fichier des ventes")

DISPUTES = Table(
    "disputes", "Litiges",
    ["N° litige", "Code client", "N° pièce", "Type", "Montant", "Ouvert le", "Résolu le", "Responsable",
     "Téléphone responsable", "E-mail responsable", "Motif"],
    [["L001", "C001", "FA-1", "commercial", 1200.00, d("2026-09-15"), None, "Paul Roux", "01 23 45 67 89",
      "p.roux@test.fr", "prix"],
     ["L002", "C002", "FA-2", "technique", 0.12, d("2026-08-01"), d("2026-09-01"), "Anne Vidal", None, None, None]],
    money="Montant", date="Ouvert le", later="Résolu le", required="Type", kind="fichier des litiges")

ACTIONS = Table(
    "actions", "Actions",
    ["Date", "Code client", "N° pièces", "Canal", "Interlocuteur", "Résultat", "Code excuse", "Montant promis",
     "Date promise", "Mode de règlement", "Date de rappel", "Note", "Recouvreur"],
    [[d("2026-11-02"), "C001", "FA-1", "téléphone", "M. Durand", "promesse", None, 1200.00, d("2026-11-15"),
      "virement", None, "ok", "Claire Martin"],
     [d("2026-11-05"), "C002", "FA-2, RG-1", "e-mail", None, "relance envoyée", None, None, None, None, None,
      None, "Julien Petit"]],
    money="Montant promis", date="Date", later="Date promise", required="Résultat", kind="fichier des actions")

TABLES = {"sage": SAGE, "odoo": ODOO, "customers": CUSTOMERS, "sales": SALES, "disputes": DISPUTES,
          "actions": ACTIONS}


# ----------------------------------------------------------------------------------------------
# cases
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One corpus file and what reading it must give."""

    name: str                                   # file name (unique)
    reader: str                                 # open_items | customers | … | actions | contacts | call_list
    build: Callable[[Path], Path]
    outcome: str = "error"                      # error | warning | ok
    expect: tuple[str, ...] = ()                # fragments of the error/warning message
    kwargs: dict = field(default_factory=dict)  # extra arguments of the reader
    check: Callable[[object], None] | None = None   # what to verify on the frame read

    @property
    def id(self) -> str:
        return self.name


def _xlsx(table: Table, rows: list[list[object]] | None = None, header: list[str] | None = None,
          **sheet: object) -> Callable[[Path], Path]:
    return lambda p: write_xlsx(p, [Sheet(table.sheet, table.all_rows(rows, header), **sheet)])  # type: ignore[arg-type]


def _rows_check(n: int, **attrs: object) -> Callable[[object], None]:
    def check(frame: object) -> None:
        assert len(frame) == n, f"expected {n} rows, read {len(frame)}"  # type: ignore[arg-type]
        for key, value in attrs.items():
            got = frame.attrs.get(key)  # type: ignore[attr-defined]
            if isinstance(value, dict):
                assert {k: got[k] for k in value} == value, got
            else:
                assert got == value, got
    return check


def container_cases(prefix: str, r: str, kind: str, base: Callable[[Path], Path]) -> list[Case]:
    """0-byte, truncated, non-Excel, HTML .xls, encrypted, old OLE, entity and zip bombs, for
    reader ``r`` whose errors start with ``kind``; ``base`` builds a valid workbook (an
    xlsxwriter one: XML prologs and shared strings)."""

    def from_base(make: Callable[[Path, Path], Path]) -> Callable[[Path], Path]:
        def build(p: Path) -> Path:
            src = p.with_name(p.stem + "__base.xlsx")
            base(src)
            make(p, src)
            src.unlink()
            return p
        return build

    def text(data: bytes) -> Callable[[Path], Path]:
        def build(p: Path) -> Path:
            p.write_bytes(data)
            return p
        return build
    return [
        Case(f"{prefix}_empty_0_bytes.xlsx", r, text(b""), expect=(kind, "le fichier est vide (0 octet)")),
        Case(f"{prefix}_truncated_zip.xlsx", r, from_base(truncated),
             expect=(kind, "fichier .xlsx corrompu ou tronqué", "attendu : un fichier .xlsx complet")),
        Case(f"{prefix}_csv_named_xlsx.xlsx", r, text("Code client;Montant\r\nC001;12,00\r\n".encode("cp1252")),
             expect=(kind, "pas un classeur Excel malgré son nom en .xlsx", "un fichier texte")),
        Case(f"{prefix}_html_named_xls.xls", r,
             text(b"<html><body><table><tr><td>C001</td></tr></table></body></html>"),
             expect=(kind, "pas un classeur .xls", "une page HTML")),
        Case(f"{prefix}_password_protected.xlsx", r, lambda p: cfb_container(p, encrypted=True),
             expect=(kind, "protégé par un mot de passe (chiffré)", "retirez le mot de passe")),
        Case(f"{prefix}_ole_named_xlsx.xlsx", r, lambda p: cfb_container(p, encrypted=False),
             expect=(kind, "un conteneur OLE2", "enregistrez-le de nouveau depuis Excel en .xlsx")),
        Case(f"{prefix}_entity_bomb_sheet.xlsx", r,
             from_base(lambda p, b: entity_bomb(p, b, "xl/worksheets/sheet1.xml")),
             expect=(kind, "le membre xl/worksheets/sheet1.xml déclare des entités XML",
                     "bombe d'entités XML possible")),
        Case(f"{prefix}_entity_bomb_strings.xlsx", r,
             from_base(lambda p, b: entity_bomb(p, b, "xl/sharedStrings.xml")),
             expect=(kind, "le membre xl/sharedStrings.xml déclare des entités XML", "bombe d'entités XML possible")),
        Case(f"{prefix}_zip_bomb_declared.xlsx", r, from_base(declared_size_bomb),
             expect=(kind, "déclare 4\u202f026\u202f", "octets une fois décompressé", "bombe zip possible")),
        Case(f"{prefix}_xlsx_named_csv.csv", r, lambda p: base(p),
             expect=(kind, "un classeur Excel malgré son nom en .csv")),
    ]


def sheet_cases(prefix: str, t: Table) -> list[Case]:
    """Structure and cell problems of one tabular reader (workbook files)."""
    r, kind = t.reader, t.kind
    first = t.first_row
    is_items = r == "open_items"
    cases = [
        Case(f"{prefix}_empty_sheet.xlsx", r, lambda p: write_xlsx(p, [Sheet(t.sheet, [])]),
             expect=(kind, f"feuille « {t.sheet} »", "la feuille est vide")),
        Case(f"{prefix}_missing_column.xlsx", r,
             _xlsx(t, [row[:t.col(t.required)] + row[t.col(t.required) + 1:] for row in t.rows],
                   [h for h in t.header if h != t.required]),
             expect=(kind, f"feuille « {t.sheet} »", f"ligne {first - 1}",
                     *(("aucun préréglage ne reconnaît cet en-tête", "il manque") if is_items else
                       ("ligne d'en-tête incomplète", f"colonne absente : « {t.required} »")))),
        Case(f"{prefix}_duplicated_column.xlsx", r,
             _xlsx(t, [row + [row[t.col(t.required)]] for row in t.rows], t.header + [t.required]),
             expect=(kind, f"feuille « {t.sheet} »", f"ligne {first - 1}", f"« {t.required} »",
                     f"figure dans les colonnes {t.letter(t.required)} et {chr(65 + len(t.header))}",
                     "chaque colonne une seule fois")),
        Case(f"{prefix}_text_in_amount.xlsx", r, _xlsx(t, t.with_cell(1, t.money, "douze euros")),
             expect=(kind, f"feuille « {t.sheet} »", f"ligne {first + 1}",
                     f"colonne « {t.money} ({t.letter(t.money)}) »", "lu « douze euros »",
                     "attendu : un montant en " + ("EUR" if is_items else "euros"))),
        Case(f"{prefix}_three_decimals.xlsx", r, _xlsx(t, t.with_cell(0, t.money, 12.345)),
             expect=(kind, f"ligne {first}", f"colonne « {t.money} ({t.letter(t.money)}) »", "lu 12,345",
                     "montant à plus de 2 décimales" if is_items else "valeur illisible")),
        Case(f"{prefix}_header_only.xlsx", r, _xlsx(t, []),
             **({"outcome": "ok", "check": _rows_check(0)} if r in ("disputes", "actions") else
                {"expect": (kind, f"feuille « {t.sheet} »", f"ligne {first - 1}",
                            "sous l'en-tête" if is_items else "aucune donnée sous l'en-tête")})),
        Case(f"{prefix}_blank_rows_in_middle.xlsx", r,
             _xlsx(t, [t.rows[0], [], [None, "   "], *t.rows[1:]]), outcome="ok",
             check=_rows_check(len(t.rows), skipped_rows={"blank": 2 + (1 if is_items else 0)})),
        Case(f"{prefix}_merged_title.xlsx", r,
             lambda p: write_xlsx(p, [Sheet(t.sheet, [[None], *t.all_rows()],
                                            merges=(("A1:F1", "Export du 20/11/2026"),))]),
             outcome="ok", check=_rows_check(len(t.rows))),
        Case(f"{prefix}_merged_cells_over_data.xlsx", r,
             _xlsx(t, t.with_cell(1, t.header[1], None),
                   merges=((f"B{first}:B{first + 1}", t.rows[0][1]),)),
             expect=(kind, f"feuille « {t.sheet} »", f"ligne {first + 1}", f"cellules fusionnées B{first}:B{first + 1}",
                     f"B{first + 1} est vide", "annulez la fusion")),
        Case(f"{prefix}_items_on_second_sheet.xlsx", r,
             lambda p: write_xlsx(p, [Sheet("Notes", [["Export ERP"], ["voir onglet suivant"]]),
                                      Sheet("Feuil2", t.all_rows())]),
             outcome="ok", check=_rows_check(len(t.rows), sheet="Feuil2")),
        Case(f"{prefix}_header_on_two_sheets.xlsx", r,
             lambda p: write_xlsx(p, [Sheet("Feuil1", t.all_rows()), Sheet("Feuil2", t.all_rows())]),
             expect=(kind, "plusieurs feuilles", "« Feuil1 »", "« Feuil2 »")),
        Case(f"{prefix}_no_header_on_any_sheet.xlsx", r,
             lambda p: write_xlsx(p, [Sheet("Feuil1", [["Bonjour"]]), Sheet("Feuil2", [["a", "b"], [1, 2]])]),
             expect=(kind, "« Feuil1 »", "« Feuil2 »",
                     "aucune ligne d'en-tête")),
        Case(f"{prefix}_hidden_rows.xlsx", r, _xlsx(t, hidden=(first + 1,)), outcome="warning",
             expect=(kind, f"feuille « {t.sheet} »", "1 ligne masquée lue comme les autres", f"ligne {first + 1}")),
        Case(f"{prefix}_formula_without_result.xlsx", r,
             _xlsx(t, t.with_cell(0, t.money, F("=1000+200"))),
             expect=(kind, f"feuille « {t.sheet} »", f"ligne {first}", f"colonne « {t.money} ({t.letter(t.money)}) »",
                     f"la cellule {t.letter(t.money)}{first} contient une formule (=1000+200) sans résultat enregistré",
                     "des valeurs, pas des formules")),
        Case(f"{prefix}_formula_with_saved_result.xlsx", r,
             _xlsx(t, t.with_cell(0, t.money, F("=1000+200", t.rows[0][t.col(t.money)]))), outcome="warning",
             expect=(kind, "1 cellule à formule lue d'après le résultat enregistré avec le fichier",
                     f"{t.letter(t.money)}{first}")),
        Case(f"{prefix}_excel_error_value.xlsx", r, _xlsx(t, t.with_cell(1, t.money, F("=1/0", "#DIV/0!"))),
             expect=(kind, f"ligne {first + 1}", f"colonne « {t.money} ({t.letter(t.money)}) »",
                     "valeur d'erreur Excel : lu « #DIV/0! »")),
    ]
    if t.date:
        cases += [
            Case(f"{prefix}_date_before_1900_text.xlsx", r, _xlsx(t, t.with_cell(0, t.date, "15/03/1850")),
                 expect=(kind, f"ligne {first}", f"colonne « {t.date} ({t.letter(t.date)}) »", "date hors limites",
                         "lu « 15/03/1850 »", "entre le 01/01/1900 et le 31/12/2100")),
            Case(f"{prefix}_date_before_1900_serial.xlsx", r, _xlsx(t, t.with_cell(0, t.date, Serial(-18260))),
                 expect=(kind, f"ligne {first}", f"colonne « {t.date} ({t.letter(t.date)}) »",
                         "(une heure, pas une date)")),
            Case(f"{prefix}_date_after_2100.xlsx", r, _xlsx(t, t.with_cell(0, t.date, d("2150-01-01"))),
                 expect=(kind, f"ligne {first}", f"colonne « {t.date} ({t.letter(t.date)}) »", "date hors limites",
                         "lu 01/01/2150")),
            Case(f"{prefix}_unparseable_date.xlsx", r, _xlsx(t, t.with_cell(1, t.date, "31/02/2026")),
                 expect=(kind, f"ligne {first + 1}", f"colonne « {t.date} ({t.letter(t.date)}) »",
                         "lu « 31/02/2026 »", "une date comme 31/12/2026")),
            Case(f"{prefix}_date_1904_system.xlsx", r,
                 lambda p: write_xlsx(p, [Sheet(t.sheet, t.all_rows())], date_1904=True), outcome="ok",
                 check=_dates_check(t)),
        ]
    return cases


def _dates_check(t: Table) -> Callable[[object], None]:
    key = {"open_items": "document_date", "sales": "month", "disputes": "opened", "actions": "date"}[t.reader]

    def check(frame: object) -> None:
        got = [v.date() for v in frame[key]]  # type: ignore[index]
        want = [row[t.col(t.date)].date() if isinstance(row[t.col(t.date)], dt.datetime)
                else dt.datetime.strptime(row[t.col(t.date)], "%d/%m/%Y").date() for row in t.rows]
        assert got == want, (got, want)
    return check


def open_item_cases() -> list[Case]:
    t = SAGE
    first = t.first_row                     # Excel row 7
    total_row = first + len(t.rows) + 1     # after one blank row
    cases = [
        Case("sage_duplicate_document_id.xlsx", "open_items", _xlsx(t, t.with_cell(2, "N° pièce", "FA-1")),
             expect=("export de balance âgée", "ligne 9, colonne « N° pièce (D) »",
                     "numéro de pièce en double (aussi ligne 7)", "lu « FA-1 »",
                     "chaque pièce ouverte une seule fois")),
        Case("sage_totals_mismatch.xlsx", "open_items",
             lambda p: write_xlsx(p, [Sheet(t.sheet, [*t.title, t.header, *t.rows, [],
                                                      ["Total général", None, None, None, None, None, None,
                                                       1030.12]])]),
             expect=("export de balance âgée", f"ligne {total_row}", "colonne « Solde TTC (H) »",
                     "totalisent 1\u202f030,02\u00a0€", "indique 1\u202f030,12\u00a0€", "écart -0,10\u00a0€")),
        Case("sage_two_grand_totals.xlsx", "open_items",
             lambda p: write_xlsx(p, [Sheet(t.sheet, [*t.all_rows(), ["Total général", None, None, None, None, None,
                                                                      None, 1030.02]])]),
             expect=("export de balance âgée", "plusieurs lignes de total général",
                     "une seule ligne « Total général »")),
        Case("sage_wrong_sheet_name.xlsx", "open_items", _xlsx(t), kwargs={"sheet": "Balance"},
             expect=("export de balance âgée", "feuille « Balance » introuvable", "l'une de « Balance âgée »")),
        Case("sage_only_totals.xlsx", "open_items",
             lambda p: write_xlsx(p, [Sheet(t.sheet, [*t.title, t.header, *t.footer])]),
             expect=("export de balance âgée", "aucune pièce sous l'en-tête (ligne 6)")),
        Case("sage_missing_customer_and_amount.xlsx", "open_items",
             _xlsx(t, [r if i != 1 else [None, *r[1:7], None] for i, r in enumerate(t.rows)]),
             expect=("ligne 8, colonne « Code client (A) » : compte client manquant",
                     "ligne 8, colonne « Solde TTC (H) » : montant manquant")),
        Case("sage_due_before_document_date.xlsx", "open_items", _xlsx(t, t.with_cell(0, "Échéance", d("2026-08-01"))),
             outcome="warning",
             expect=("1 pièce à échéance antérieure à sa date de pièce", "(lignes 7)", "colonne « Échéance (F) »",
                     "âgée depuis l'échéance exportée")),
        Case("sage_unknown_document_type.xlsx", "open_items", _xlsx(t, t.with_cell(0, "Type", "ZZ")),
             expect=("ligne 7, colonne « Type (C) » : type de pièce inconnu : lu « ZZ »", "l'un de « AV »")),
        Case("sage_numero_lookalike_header.xlsx", "open_items",
             _xlsx(t, header=[h.replace("N°", "Nº") for h in t.header]), outcome="ok",
             check=_rows_check(len(t.rows), mapping="sage")),
        Case("sage_nbsp_thousands_text.xlsx", "open_items",
             _xlsx(t, [[*r[:7], f"{r[7]:,.2f}".replace(",", "\u00a0").replace(".", ",")] for r in t.rows[:3]]
                   + [[*t.rows[3][:7], "0,12"]]),
             outcome="ok", check=_amounts_check([120000, -12000, -5010, 12])),
        Case("sage_english_amount_in_french_column.xlsx", "open_items",
             _xlsx(t, [[*r[:7], s] for r, s in zip(t.rows, ["1 200,00", "-120,00", "-50,10", "1,234"])]),
             expect=("ligne 10, colonne « Solde TTC (H) » : montant à plus de 2 décimales : lu « 1,234 »",)),
        Case("sage_unlabelled_subtotals_no_total.xlsx", "open_items",
             lambda p: write_xlsx(p, [Sheet(t.sheet, [*t.title, t.header, *t.rows[:2],
                                                      ["C001", "Alpha SARL", None, None, None, None, 900, 1080]])]),
             outcome="warning",
             expect=("1 ligne avec un montant mais sans numéro de pièce ni date", "lignes 9",
                     "une ligne « Total général » pour les contrôler")),
    ]
    cases += container_cases("sage", t.reader, t.kind, _xlsx(t))
    cases += [
        Case("sage_zip_bomb_ratio.xlsx", "open_items",
             lambda p: _from(p, _xlsx(t), ratio_bomb),
             expect=("export de balance âgée", "le membre xl/worksheets/sheet1.xml déclare 67\u202f",
                     "bombe zip possible")),
    ]
    return cases


def _from(p: Path, base: Callable[[Path], Path], make: Callable[[Path, Path], Path]) -> Path:
    src = p.with_name(p.stem + "__base.xlsx")
    base(src)
    make(p, src)
    src.unlink()
    return p


def _amounts_check(cents: list[int]) -> Callable[[object], None]:
    def check(frame: object) -> None:
        assert list(frame["amount_cents"]) == cents, list(frame["amount_cents"])  # type: ignore[index]
    return check


def _text(data: bytes) -> Callable[[Path], Path]:
    def build(p: Path) -> Path:
        p.write_bytes(data)
        return p
    return build


CSV_HEADER = "Compte;Nom;Pièce;Date;Echéance;Débit;Crédit"
CSV_MAPPING = {"customer_id": "Compte", "customer_name": "Nom", "document_id": "Pièce", "document_date": "Date",
               "due_date": "Échéance", "debit": "Débit", "credit": "Crédit"}


def csv_cases() -> list[Case]:
    def csv(lines: list[str], encoding: str = "cp1252", bom: bytes = b"") -> Callable[[Path], Path]:
        return _text(bom + "".join(line + "\r\n" for line in lines).encode(encoding))
    good = ["C9;Gamma;F1;01/10/2026;31/10/2026;1\u00a0000,50;", "C9;Gamma;A1;05/11/2026;05/11/2026;;200,25",
            "C10;Delta;F2;02/10/2026;01/11/2026;99,00;"]
    total = "Total;;;;;1\u00a0099,50;200,25"
    kw = {"mapping": CSV_MAPPING}
    return [
        Case("csv_cp1252_semicolon.csv", "open_items", csv([CSV_HEADER, *good, total]), "ok", kwargs=kw,
             check=_amounts_check([100050, -20025, 9900])),
        Case("csv_utf8_bom_semicolon.csv", "open_items", csv([CSV_HEADER, *good, total], "utf-8", b"\xef\xbb\xbf"),
             "ok", kwargs=kw, check=_amounts_check([100050, -20025, 9900])),
        Case("csv_utf16_tab.txt", "open_items",
             csv([line.replace(";", "\t") for line in [CSV_HEADER, *good, total]], "utf-16"), "ok", kwargs=kw,
             check=_amounts_check([100050, -20025, 9900])),
        Case("csv_text_in_debit.csv", "open_items",
             csv([CSV_HEADER, good[0], "C9;Gamma;A1;05/11/2026;;n/a;", total]),
             kwargs=kw, expect=("export de balance âgée",
                                "ligne 3, colonne « Débit (F) » : montant illisible : lu « n/a »")),
        Case("csv_unparseable_date.csv", "open_items",
             csv([CSV_HEADER, good[0], "C9;Gamma;A1;05/11/2026;2026/31/12;;1,00"]),
             kwargs=kw, expect=("ligne 3, colonne « Echéance (E) » : date illisible : lu « 2026/31/12 »",)),
        Case("csv_duplicate_document.csv", "open_items", csv([CSV_HEADER, good[0], good[0]]), kwargs=kw,
             expect=("ligne 3, colonne « Pièce (C) » : numéro de pièce en double (aussi ligne 2)",)),
        Case("csv_missing_column.csv", "open_items",
             csv([CSV_HEADER.replace(";Crédit", ""), *[g.rsplit(";", 1)[0] for g in good]]), kwargs=kw,
             expect=("ligne 1 : colonne « Crédit » (crédit) absente de l'en-tête (correspondance 'personnalisée')",
                     "en-têtes lus : « Compte », « Nom », « Pièce »")),
        Case("csv_unbalanced_quote.csv", "open_items", csv([CSV_HEADER, '"C9;Gamma;F1;01/10/2026;31/10/2026;10,00;',
                                                           *good[1:]]), kwargs=kw,
             expect=("export de balance âgée", "CSV mal formé", "des guillemets appariés")),
        Case("csv_binary_named_csv.csv", "open_items", _text(b"\x00\x01\x02binary\x00" * 50),
             expect=("export de balance âgée", "un fichier binaire malgré son nom en .csv")),
        Case("csv_totals_mismatch.csv", "open_items", csv([CSV_HEADER, *good, "Total;;;;;1\u00a0099,50;200,00"]),
             kwargs=kw,
             expect=("ligne 5", "colonne « Débit (F) »", "totalisent 899,25\u00a0€", "indique 899,50\u00a0€")),
    ]


US_HEADER = "Customer;Invoice;Date;Due Date;Open Balance"
US_MAPPING = {"customer_id": "Customer", "document_id": "Invoice", "document_date": "Date", "due_date": "Due Date",
              "amount": "Open Balance"}
FX_HEADER = "Compte;Pièce;Échéance;Devise;Montant"
FX_MAPPING = {"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance", "currency": "Devise",
              "amount": "Montant"}
FEC_HEADER = ("JournalCode\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\t"
              "Debit\tCredit\tEcritureLet\tDateLet\tDateEcheance")


def _fec(*lines: str) -> Callable[[Path], Path]:
    return _text(("\n".join([FEC_HEADER, *lines]) + "\n").encode("utf-8"))


def real_input_cases() -> list[Case]:
    """What real exports from other systems, and ordinary mistakes, look like."""
    def csv(*lines: str, encoding: str = "utf-8") -> Callable[[Path], Path]:
        return _text("".join(line + "\r\n" for line in lines).encode(encoding))
    t = SAGE
    renamed = [h if h != "Échéance" else "Echéance le" for h in t.header]
    invoice = "VT\t20261001\t411000\tClients\tC1\tAlpha\tFA1\t20261001\t1200,00\t0,00\tAA\t{let}\t20261031"
    partial = "BQ\t20261020\t411000\tClients\tC1\tAlpha\tBQ1\t20261020\t0,00\t400,00\tAA\t20261020\t"
    return [
        Case("sage_due_date_header_renamed.xlsx", "open_items", _xlsx(t, header=renamed),
             expect=("export de balance âgée", "ligne 6", "colonne « Échéance »", "absente de l'en-tête",
                     "vouliez-vous dire « Echéance le » ?")),
        Case("sage_due_date_column_deleted.xlsx", "open_items",
             _xlsx(t, [r[:5] + r[6:] for r in t.rows], [h for h in t.header if h != "Échéance"]),
             expect=("colonne « Échéance » / « Date d'échéance » / « Date échéance » (date d'échéance) absente",
                     "en-têtes lus : « Code client »")),
        Case("csv_mapping_header_typo.csv", "open_items", csv(CSV_HEADER, "C9;Gamma;F1;01/10/2026;31/10/2026;10,00;"),
             kwargs={"mapping": {**CSV_MAPPING, "document_id": "Piece n°"}},
             expect=("colonne « Piece n° » (numéro de pièce) absente", "vouliez-vous dire « Pièce » ?")),
        Case("csv_us_dates_unambiguous.csv", "open_items",
             csv(US_HEADER, "C1;F1;1/26/2013;2/25/2013;61,74", "C2;F2;2/10/2013;3/12/2013;105,92"),
             "ok", kwargs={"mapping": US_MAPPING}, check=_rows_check(2, date_orders={"document_date": {
                 "order": "mdy", "source": "evidence"}})),
        Case("csv_us_dates_ambiguous.csv", "open_items",
             csv(US_HEADER, "C1;F1;1/2/2013;2/3/2013;61,74", "C2;F2;3/4/2013;4/4/2013;105,92"),
             "warning", kwargs={"mapping": US_MAPPING},
             expect=("2 dates lues jour d'abord (JJ/MM/AAAA) faute de preuve", 'date_order = "mdy"')),
        Case("csv_us_dates_stated.csv", "open_items",
             csv(US_HEADER, "C1;F1;1/2/2013;2/3/2013;61,74", "C2;F2;3/4/2013;4/4/2013;105,92"),
             "ok", kwargs={"mapping": {**US_MAPPING, "date_order": "mdy"}},
             check=_rows_check(2, date_orders={"document_date": {"order": "mdy", "source": "stated"}})),
        Case("csv_mixed_date_orders.csv", "open_items",
             csv(US_HEADER, "C1;F1;26/01/2013;25/02/2013;1,00", "C2;F2;01/26/2013;25/02/2013;2,00"),
             kwargs={"mapping": US_MAPPING},
             expect=("ordre du jour et du mois contradictoire", "la ligne 2 (« 26/01/2013 »)",
                     "la ligne 3 (« 01/26/2013 »)")),
        Case("csv_two_currencies.csv", "open_items",
             csv(FX_HEADER, "C1;F1;31/10/2026;EUR;1 000,00", "C1;F2;31/10/2026;USD;100,00",
                 "Total;;;EUR;1 000,00", "Total;;;USD;100,00"),
             "ok", kwargs={"mapping": FX_MAPPING},
             check=_rows_check(2, control_totals_cents={"EUR": 100000, "USD": 10000}, control_total_cents=None)),
        Case("csv_two_currencies_one_total.csv", "open_items",
             csv(FX_HEADER, "C1;F1;31/10/2026;EUR;1 000,00", "C1;F2;31/10/2026;USD;100,00", "Total;;;;1 100,00"),
             kwargs={"mapping": FX_MAPPING},
             expect=("une seule ligne de total général pour 2 devises (EUR, USD)",
                     "des montants de devises différentes ne s'additionnent pas")),
        Case("csv_noisy_amount.csv", "open_items", csv(FX_HEADER, "C1;F1;31/10/2026;USD;2309.7899999999995"),
             kwargs={"mapping": FX_MAPPING},
             expect=("montant à plus de 2 décimales : lu « 2309.7899999999995 »", "un montant en USD arrondi")),
        Case("csv_sens_d_c.csv", "open_items",
             csv("Compte;Pièce;Échéance;Montant;Sens", "C1;F1;31/10/2026;150,00;D", "C1;A1;31/10/2026;50,00;C",
                 "Total;;;100,00;"),
             "ok", kwargs={"mapping": {"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance",
                                       "amount": "Montant", "direction": "Sens"}},
             check=_amounts_check([15000, -5000])),
        Case("sap_fbl5n_s_h.txt", "open_items",
             csv("Client|Compte client : nom 1|N° pièce|Type de pièce|Date de pièce|Echéance nette|"
                 "Valeur de la devise de la pièce|Clé de devise|Code débit/crédit",
                 "C1|Alpha|1800001|DR|01.10.2026|31.10.2026|1.234,56|EUR|S",
                 "C1|Alpha|1400002|DZ|05.11.2026|05.11.2026|200,00|EUR|H", encoding="cp1252"),
             "ok", kwargs={"mapping": "sap_fbl5n"}, check=_amounts_check([123456, -20000])),
        Case("sap_fbl5n_unknown_indicator.txt", "open_items",
             csv("Client|N° pièce|Echéance nette|Valeur de la devise de la pièce|Clé de devise|Code débit/crédit",
                 "C1|1800001|31.10.2026|12,00|EUR|Z"),
             kwargs={"mapping": "sap_fbl5n"}, expect=("code débit/crédit inconnu : lu « Z »", "S ou H pour SAP")),
        Case("sage_zero_balance_lines.xlsx", "open_items",
             _xlsx(t, [*t.rows, ["C003", "Gamma SAS", "FA", "FA-9", d("2026-09-01"), d("2026-10-01"), 0.0, 0.0]]),
             "warning", expect=("1 ligne soldée (montant nul) écartée (lignes 11)",),
             check=_rows_check(4, skipped_rows={"zero_balance": 1})),
        Case("fec_partial_lettering.txt", "fec", _fec(invoice.format(let="20261110"), partial),
             "ok", kwargs={"as_of": "2026-10-25"}, check=_amounts_check([80000])),
        Case("fec_lettering_without_date.txt", "fec", _fec(invoice.format(let=""), partial),
             kwargs={"as_of": "2026-10-25"},
             expect=("FEC", "1 ligne lettrée sans date de lettrage (lignes 2)", "DateLet")),
        Case("fec_entry_without_date.txt", "fec",
             _fec("VT\t\t411000\tClients\tC1\tAlpha\tFA1\t20261001\t1200,00\t0,00\t\t\t20261031"),
             kwargs={"as_of": "2026-10-25"}, expect=("ligne 2, colonne « EcritureDate » : date manquante",)),
        Case("fec_no_customer_line.txt", "fec",
             _fec("VT\t20261001\t706000\tVentes\t\t\tFA1\t20261001\t0,00\t1000,00\t\t\t"),
             kwargs={"as_of": "2026-10-25"}, expect=("aucune ligne de compte client (411…)",)),
    ]


def table_cases() -> list[Case]:
    cases: list[Case] = []
    for prefix, t in (("customers", CUSTOMERS), ("sales", SALES), ("disputes", DISPUTES), ("actions", ACTIONS)):
        cases += sheet_cases(prefix, t)
        cases += container_cases(prefix, t.reader, t.kind, _xlsx(t))
        cases.append(Case(f"{prefix}_duplicate_key.xlsx" if prefix != "actions" else "actions_unknown_channel.xlsx",
                          t.reader, *(_key_case(prefix, t))))
    cases += [
        Case("sales_date_1904_serial_numbers.xlsx", "sales",
             lambda p: write_xlsx(p, [Sheet("Ventes", SALES.all_rows(
                 [[r[0], (r[1] - d("1904-01-01")).days, *r[2:]] for r in SALES.rows]))], date_1904=True),
             outcome="ok", check=_dates_check(SALES)),
        Case("sales_date_1900_serial_numbers.xlsx", "sales",
             _xlsx(SALES, [[r[0], (r[1] - d("1899-12-30")).days, *r[2:]] for r in SALES.rows]),
             outcome="ok", check=_dates_check(SALES)),
        Case("sales_serial_60_phantom_leap_day.xlsx", "sales", _xlsx(SALES, SALES.with_cell(0, "Mois", 60)),
             expect=("fichier des ventes", "ligne 2, colonne « Mois (B) » : valeur illisible : lu 60",
                     "une date comme 31/12/2026")),
        Case("customers_wrong_sheet_name.xlsx", "customers",
             lambda p: write_xlsx(p, [Sheet("Feuil1", CUSTOMERS.all_rows())]), outcome="ok",
             check=_rows_check(3, sheet="Feuil1")),
        Case("contacts_sheet_missing.xlsx", "contacts", _xlsx(CUSTOMERS),
             expect=("feuille des contacts", "feuille « Contacts » introuvable", "l'une de « Clients »")),
        Case("customers_unknown_status.xlsx", "customers",
             _xlsx(CUSTOMERS, CUSTOMERS.with_cell(2, "Statut", "en faillite")),
             expect=("fichier clients", "ligne 4, colonne « Statut (E) » : valeur illisible : lu « en faillite »",
                     "l'un de « actif »")),
        Case("disputes_resolved_before_opened.xlsx", "disputes",
             _xlsx(DISPUTES, DISPUTES.with_cell(1, "Résolu le", d("2026-07-01"))),
             expect=("fichier des litiges", "ligne 3, colonne « Résolu le (G) »", "antérieure à Ouvert le (F)",
                     "une date égale ou postérieure à Ouvert le (F)")),
        Case("actions_promise_before_call.xlsx", "actions",
             _xlsx(ACTIONS, ACTIONS.with_cell(0, "Date promise", d("2026-10-01"))), outcome="warning",
             expect=("fichier des actions", "1 ligne avec Date promise (I) antérieure à Date (A) (lignes 2)",
                     "gardée telle quelle")),
    ]
    return cases


def _key_case(prefix: str, t: Table) -> tuple:
    if prefix == "customers":
        return (_xlsx(t, t.with_cell(2, "Code client", "C001")), "error",
                ("fichier clients", "ligne 2 : Code client (A) en double : « C001 »",
                 "ligne 4 : Code client (A) en double : « C001 »"))
    if prefix == "sales":
        return (_xlsx(t, t.with_cell(1, "Mois", d("2026-09-01"))), "error",
                ("fichier des ventes", "ligne 3 : Code client (A) + Mois (B) en double : « C001 », 01/09/2026"))
    if prefix == "disputes":
        return (_xlsx(t, t.with_cell(1, "N° litige", "L001")), "error",
                ("fichier des litiges", "ligne 3 : N° litige (A) en double : « L001 »"))
    return (_xlsx(t, t.with_cell(1, "Canal", "pigeon voyageur")), "error",
            ("fichier des actions", "ligne 3, colonne « Canal (D) » : valeur illisible : lu « pigeon voyageur »"))


def odoo_cases() -> list[Case]:
    t = ODOO
    return [
        *sheet_cases("odoo", replace(t, required="Résiduel")),
        Case("odoo_text_amount_garbage.xlsx", "open_items", _xlsx(t, t.with_cell(0, "Résiduel", "1 234,5x")),
             expect=("ligne 5, colonne « Résiduel (H) » : montant illisible : lu « 1 234,5x »",)),
    ]


# ----------------------------------------------------------------------------------------------
# filled call lists (relance_analytics.calllist.read_outcomes)
# ----------------------------------------------------------------------------------------------
CALL_LIST_KIND = "liste d'appels remplie"
CM, JP = "Claire Martin", "Julien Petit"
#: What the collectors fill, by sheet and customer code. Rows in rank order (amount due):
#: Claire Martin P row 2, K row 3, E row 4 (not called); Julien Petit Q row 2, R row 3 (not called).
CALL_FILL = {
    CM: {"P": {"Résultat": "promesse", "Montant promis": 1500, "Date promise": d("2026-12-11"),
               "Mode de règlement": "virement", "Interlocuteur joint": "Mme Martin"},
         "K": {"Résultat": "rappel convenu", "Date de rappel": d("2026-11-25")}},
    JP: {"Q": {"Résultat": "réponse évasive", "Note": "c'est en cours"}},
}
Edit = Callable[[openpyxl.Workbook], None]


@lru_cache(maxsize=1)
def call_list_as_written() -> bytes:
    """``call_list.xlsx`` as relance writes it (``write_call_list``, xlsxwriter) on 20/11/2026 for
    five customers, each due a first reminder: P, K, E for Claire Martin, Q, R for Julien Petit."""
    from relance_analytics.calllist import write_call_list
    from tests.calllist.helpers import customers, items, run
    it = items(("P", "FA-P", "2026-11-10", 1500), ("K", "FA-K", "2026-11-10", 1400), ("E", "FA-E", "2026-11-10", 1300),
               ("Q", "FA-Q", "2026-11-10", 1200), ("R", "FA-R", "2026-11-10", 1100))
    cl = run(it, cust=customers(it, collectors={"Q": JP, "R": JP}))
    with tempfile.TemporaryDirectory() as tmp:
        return write_call_list(Path(tmp) / "call_list.xlsx", cl).read_bytes()


def _headers(ws: Worksheet) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value is not None}


def _row(ws: Worksheet, customer: str) -> int:
    col = _headers(ws)["Code client"]
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, col).value == customer)


def call_list_filled(*edits: Edit, fill: bool = True, xml: tuple[bytes, bytes] | None = None) -> Callable[[Path], Path]:
    """The written call list filled with :data:`CALL_FILL` in openpyxl (as the tests of the
    import do), then ``edits``; ``xml`` replaces bytes in the sheets' XML (after saving).
    openpyxl's save time and zip timestamps are fixed afterwards."""
    def build(p: Path) -> Path:
        p.write_bytes(call_list_as_written())
        wb = openpyxl.load_workbook(p)
        for sheet, rows in (CALL_FILL if fill else {}).items():
            for customer, values in rows.items():
                for header, value in values.items():
                    _set(sheet, customer, header, value)(wb)
        for edit in edits:
            edit(wb)
        wb.save(p)

        def fix(name: str, data: bytes) -> bytes:
            if name == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + FIXED.isoformat().encode() + b"Z", data)
            if xml and name.startswith("xl/worksheets/"):
                data = data.replace(*xml)
            return data
        rewrite_zip(p, fix)
        return p
    return build


def _set(sheet: str, customer: str, header: str, value: object) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        ws.cell(_row(ws, customer), _headers(ws)[header]).value = value
    return edit


def _delete_column(sheet: str, header: str) -> Edit:
    return lambda wb: wb[sheet].delete_cols(_headers(wb[sheet])[header])


def _copy_key(sheet: str, source: str, target: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        col = _headers(ws)["Clé"]
        ws.cell(_row(ws, target), col).value = ws.cell(_row(ws, source), col).value
    return edit


def _duplicate_outcome_column(wb: openpyxl.Workbook) -> None:
    ws = wb[CM]
    col = ws.max_column + 1                      # AL, after the hidden key
    ws.cell(1, col).value = "Résultat"
    ws.cell(_row(ws, "E"), col).value = "promesse"


def _hide(sheet: str, *customers: str) -> Edit:
    def edit(wb: openpyxl.Workbook) -> None:
        for customer in customers:
            wb[sheet].row_dimensions[_row(wb[sheet], customer)].hidden = True
    return edit


def _merge_notes(wb: openpyxl.Workbook) -> None:
    ws = wb[CM]
    col = _headers(ws)["Note"]
    ws.cell(_row(ws, "P"), col).value = "rappeler après 14 h"
    ws.merge_cells(start_row=_row(ws, "P"), end_row=_row(ws, "K"), start_column=col, end_column=col)


def _set_title(wb: openpyxl.Workbook) -> None:
    wb[CM]["A1"] = "Appels du 20/11/2026"


def _extra_sheet(wb: openpyxl.Workbook) -> None:
    ws = wb.create_sheet("Mes notes")
    for row in (["Client", "Résultat", "Note"], ["P", "promesse", "à confirmer par écrit"]):
        ws.append(row)


def _outcomes_check(customers: list[str], rows: list[int], collectors: list[str] | None = None,
                    promised_cents: int | None = None) -> Callable[[object], None]:
    def check(frame: object) -> None:
        got = (list(frame["customer_id"]), list(frame["source_row"]))  # type: ignore[index]
        assert got == (customers, rows), got
        if collectors is not None:
            assert list(frame["collector"]) == collectors, list(frame["collector"])  # type: ignore[index]
        if promised_cents is not None:
            p = frame[frame["customer_id"] == "P"]  # type: ignore[index]
            assert list(p["promise_amount_cents"]) == [promised_cents], list(p["promise_amount_cents"])
    return check


def call_list_cases() -> list[Case]:
    r, kind = "call_list", CALL_LIST_KIND
    filled = call_list_filled
    call_date = "Date de l'appel"

    def at(header: str, letter: str, sheet: str = CM) -> str:
        return f"colonne « {header} ({letter}) de la feuille « {sheet} » »"
    read_as_filled = _outcomes_check(["P", "K", "Q"], [2, 3, 2], [CM, CM, JP], promised_cents=150000)
    cases = [
        # the reference: P promise, K callback, Q evasive answer; E and R not called
        Case("calllist_filled_as_written.xlsx", r, filled(), outcome="ok", check=read_as_filled),
        Case("calllist_nothing_filled.xlsx", r, filled(fill=False), outcome="ok", check=_outcomes_check([], [])),
        Case("calllist_no_list_sheet.xlsx", r,
             lambda p: write_xlsx(p, [Sheet("Feuil1", [["Code client", "Résultat"], ["P", "promesse"]])]),
             expect=(kind, "aucune feuille de liste d'appels", "attendu : un call_list.xlsx écrit par relance")),
        # the hidden key column and the row keys
        Case("calllist_key_column_deleted.xlsx", r, filled(_delete_column(CM, "Clé")),
             expect=(kind, "ligne 1 : feuille « Claire Martin » : pas de colonne « Clé »",
                     "les lignes remplies 2, 3 ne peuvent pas être rattachées",
                     "attendu : la colonne masquée « Clé » telle que la liste l'a écrite")),
        Case("calllist_key_column_deleted_everywhere.xlsx", r,
             filled(_delete_column(CM, "Clé"), _delete_column(JP, "Clé")),
             expect=(kind, "2 problèmes", "feuille « Claire Martin » : pas de colonne « Clé »",
                     "feuille « Julien Petit » : pas de colonne « Clé »",
                     "les lignes remplies 2 ne peuvent pas être rattachées")),
        Case("calllist_key_damaged.xlsx", r, filled(_set(CM, "P", "Clé", "abc")),
             expect=(kind, f"ligne 2, {at('Clé', 'AL')}", "clé de ligne absente ou abîmée", "lu « abc »",
                     "attendu : la ligne telle que la liste l'a écrite")),
        Case("calllist_key_of_another_row.xlsx", r, filled(_copy_key(CM, "K", "P")),
             expect=(kind, f"ligne 2, {at('Clé', 'AL')}", "la clé de la ligne est celle du client « K »",
                     "Code client (B) de la feuille « Claire Martin » montre « P »", "déplacez des lignes entières")),
        # the columns to fill
        Case("calllist_outcome_column_missing.xlsx", r, filled(_delete_column(CM, "Résultat")),
             expect=(kind, "ligne 1 : feuille « Claire Martin » : il manque la colonne « Résultat »",
                     "attendu : les colonnes de la liste d'appels telle qu'écrite")),
        Case("calllist_outcome_column_duplicated.xlsx", r, filled(_duplicate_outcome_column),
             expect=(kind, "ligne 1 : feuille « Claire Martin »",
                     "l'en-tête « Résultat » figure dans les colonnes E et AM", "chaque colonne une seule fois")),
        # the cells filled
        Case("calllist_outcome_not_in_list.xlsx", r, filled(_set(CM, "K", "Résultat", "peut-être")),
             expect=(kind, f"ligne 3, {at('Résultat', 'E')}", "valeur inconnue : lu « peut-être »",
                     "attendu : l'une de « promesse »")),
        Case("calllist_promise_without_amount.xlsx", r, filled(_set(CM, "P", "Montant promis", None)),
             expect=(kind, f"ligne 2, {at('Montant promis', 'G')}", "une promesse demande le montant promis",
                     "attendu : un montant > 0")),
        Case("calllist_promise_without_date.xlsx", r, filled(_set(CM, "P", "Date promise", None)),
             expect=(kind, f"ligne 2, {at('Date promise', 'H')}", "une promesse demande la date promise",
                     "attendu : une date")),
        Case("calllist_amount_as_text.xlsx", r, filled(_set(CM, "P", "Montant promis", "mille euros")),
             expect=(kind, f"ligne 2, {at('Montant promis', 'G')}", "montant illisible : lu « mille euros »",
                     "attendu : un montant en euros")),
        Case("calllist_date_before_1900_text.xlsx", r, filled(_set(CM, "P", "Date promise", "15/03/1850")),
             expect=(kind, f"ligne 2, {at('Date promise', 'H')}", "date hors limites : lu « 15/03/1850 »",
                     "entre le 01/01/1900 et le 31/12/2100")),
        Case("calllist_date_before_1900_serial.xlsx", r, filled(_set(CM, "K", call_date, d("1850-03-15"))),
             expect=(kind, f"ligne 3, {at(call_date, 'D')}", "date illisible",
                     "(une heure, pas une date)", "attendu : une date")),
        Case("calllist_date_after_2100.xlsx", r, filled(_set(CM, "P", "Date promise", d("2150-01-01"))),
             expect=(kind, f"ligne 2, {at('Date promise', 'H')}", "date hors limites : lu 01/01/2150",
                     "entre le 01/01/1900 et le 31/12/2100")),
        # formulas, error values, merged cells
        Case("calllist_formula_in_note.xlsx", r, filled(_set(JP, "Q", "Note", "=A1*2")),
             expect=(kind, f"ligne 2, {at('Note', 'M', JP)}",
                     "la cellule M2 contient une formule (=A1*2) sans résultat enregistré",
                     "des valeurs, pas des formules")),
        Case("calllist_formula_in_row_not_called.xlsx", r, filled(_set(JP, "R", "Note", "=A1*2")),
             expect=(kind, f"ligne 3, {at('Note', 'M', JP)}",
                     "la cellule M3 contient une formule (=A1*2) sans résultat enregistré")),
        Case("calllist_formula_in_amount.xlsx", r, filled(_set(CM, "P", "Montant promis", "=A1*2")),
             expect=(kind, "1 problème", f"ligne 2, {at('Montant promis', 'G')}",
                     "la cellule G2 contient une formule (=A1*2) sans résultat enregistré")),
        Case("calllist_formula_with_saved_result.xlsx", r,
             filled(_set(CM, "P", "Montant promis", "=750*2"), xml=(b"<f>750*2</f><v />", b"<f>750*2</f><v>1500</v>")),
             outcome="warning",
             expect=(kind, "feuille « Claire Martin » : 1 cellule à formule lue d'après le résultat enregistré avec "
                           "le fichier (G2)"),
             check=read_as_filled),
        Case("calllist_excel_error_value.xlsx", r, filled(_set(CM, "P", "Montant promis", "#DIV/0!")),
             expect=(kind, "1 problème", f"ligne 2, {at('Montant promis', 'G')}",
                     "valeur d'erreur Excel : lu « #DIV/0! »")),
        Case("calllist_merged_fill_cells.xlsx", r, filled(_merge_notes),
             expect=(kind, f"ligne 3, {at('Note', 'M')}", "cellules fusionnées M2:M3", "M3 est vide",
                     "annulez la fusion")),
        # tolerated
        Case("calllist_hidden_filled_row.xlsx", r, filled(_hide(CM, "P")), outcome="warning",
             expect=(kind, "feuille « Claire Martin » : 1 ligne masquée lue comme les autres (ligne 2)"),
             check=read_as_filled),
        Case("calllist_hidden_rows_not_called.xlsx", r, filled(_hide(CM, "E"), _hide(JP, "R")), outcome="ok",
             check=read_as_filled),
        Case("calllist_blank_rows_in_middle.xlsx", r, filled(lambda wb: wb[CM].insert_rows(3, 2)), outcome="ok",
             check=_outcomes_check(["P", "K", "Q"], [2, 5, 2], [CM, CM, JP])),
        Case("calllist_title_row_above_header.xlsx", r,
             filled(lambda wb: wb[CM].insert_rows(1), _set_title), outcome="ok",
             check=_outcomes_check(["P", "K", "Q"], [3, 4, 2], [CM, CM, JP])),
        Case("calllist_sheet_renamed.xlsx", r, filled(lambda wb: setattr(wb[CM], "title", "Claire")), outcome="ok",
             check=read_as_filled),
        Case("calllist_extra_sheet.xlsx", r, filled(_extra_sheet), outcome="ok", check=read_as_filled),
    ]

    def as_written(p: Path) -> Path:
        p.write_bytes(call_list_as_written())
        return p
    return cases + container_cases("calllist", r, kind, as_written)


def build_cases() -> list[Case]:
    """Every case of the corpus (names are unique)."""
    cases = open_item_cases() + odoo_cases() + csv_cases() + real_input_cases() + table_cases() + call_list_cases()
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    return cases


def build_corpus(out_dir: Path) -> list[tuple[Case, Path]]:
    """Write every file of the corpus into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return [(case, case.build(out_dir / case.name)) for case in build_cases()]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))     # the call lists use tests/calllist/helpers.py
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    for case, path in build_corpus(target):
        print(f"{path.name:48} {case.reader:11} {case.outcome:8} {' | '.join(case.expect)}")
