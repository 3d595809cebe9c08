"""The way back: write call_list.xlsx, fill it as a collector would (openpyxl), import it into the
journal, import it again (nothing new), reject a bad fill without writing anything, and check
that the next lists honour what was imported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from relance_analytics.calllist import import_outcomes, read_outcomes, write_call_list
from relance_analytics.errors import InputError
from relance_analytics.journal import Journal

from .helpers import AS_OF, actions, items, rank, reasons, run

SHEET = "Claire Martin"
# Five customers, each first reminder due (R3): P will promise, K agree a callback, E answer
# evasively, D raise a dispute on one of its invoices, N is not reached (row left blank).
ITEMS = items(("P", "FA-P", "2026-11-10", 1500), ("K", "FA-K", "2026-11-10", 1400), ("E", "FA-E", "2026-11-10", 1300),
              ("D", "FA-D1", "2026-11-10", 1200), ("D", "FA-D2", "2026-11-12", 800), ("N", "FA-N", "2026-11-10", 100))


def fill(path: Path, values: dict[str, dict[str, object]]) -> Path:
    """Fill the rows of the collector's sheet by customer code: ``{customer: {header: value}}``."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    headers = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):
        customer = ws.cell(row, headers["Code client"]).value
        for header, value in values.get(customer, {}).items():
            ws.cell(row, headers[header]).value = value
    wb.save(path)
    return path


OUTCOMES = {
    "P": {"Résultat": "promesse", "Montant promis": 1500, "Date promise": dt.datetime(2026, 12, 11),
          "Mode de règlement": "virement", "Interlocuteur joint": "Mme Martin"},
    "K": {"Résultat": "rappel convenu", "Date de rappel": dt.datetime(2026, 11, 25)},
    "E": {"Résultat": "réponse évasive", "Note": "c'est en cours"},
    "D": {"Résultat": "litige", "Pièces concernées": "FA-D1", "Note": "livraison incomplète"},
}


@pytest.fixture()
def filled(tmp_path: Path) -> Path:
    cl = run(ITEMS)
    # D: 2 000 € × (1 + (1 200 × 10 + 800 × 8) / 2 000 / 30) ≈ 2 613 > P: 1 500 × (1 + 10/30) = 2 000 > …
    assert [rank(cl, c) for c in "DPKEN"] == [1, 2, 3, 4, 5]      # Excel rows 2 to 6
    return fill(write_call_list(tmp_path / "call_list.xlsx", cl), OUTCOMES)


def test_filled_workbook_becomes_canonical_actions(filled: Path):
    frame = read_outcomes(filled)
    got = frame.set_index("customer_id")
    assert sorted(got.index) == ["D", "E", "K", "P"]
    assert got.loc["P", "outcome"] == "promise" and got.loc["P", "promise_amount_cents"] == 150000
    assert got.loc["P", "promise_date"] == pd.Timestamp("2026-12-11") and got.loc["P", "payment_method"] == "transfer"
    assert got.loc["P", "contact"] == "Mme Martin" and got.loc["P", "document_ids"] == "FA-P"
    assert got.loc["K", "callback_date"] == pd.Timestamp("2026-11-25")
    assert got.loc["D", "document_ids"] == "FA-D1"                 # only the disputed invoice, not FA-D2
    assert set(got["date"]) == {AS_OF} and set(got["channel"]) == {"phone"}
    assert set(got["collector"]) == {"Claire Martin"}


def test_import_is_recorded_once_and_a_bad_fill_writes_nothing(filled: Path, tmp_path: Path):
    workspace = tmp_path / "ws"
    assert import_outcomes(filled, workspace) == 4
    assert import_outcomes(filled, workspace) == 0                   # same workbook again: nothing new
    with Journal.open(workspace) as journal:
        assert len(journal) == 4

    bad = fill(Path(shutil.copy(filled, tmp_path / "bad.xlsx")), {
        "N": {"Résultat": "promesse", "Montant promis": "beaucoup"},   # unreadable amount, no date
        "E": {"Résultat": "peut-être"},                                 # unknown outcome
    })
    with pytest.raises(InputError) as err:
        import_outcomes(bad, workspace)
    text = str(err.value)
    assert "3 problèmes" in text
    assert "montant illisible : lu « beaucoup »" in text and "Montant promis" in text
    assert "une promesse demande la date promise" in text and "Date promise" in text
    assert "valeur inconnue : lu « peut-être »" in text
    assert f"feuille « {SHEET} »" in text and "ligne 5" in text and "ligne 6" in text
    with Journal.open(workspace) as journal:
        assert len(journal) == 4


def test_next_lists_honour_the_imported_outcomes(filled: Path, tmp_path: Path):
    workspace = tmp_path / "ws"
    import_outcomes(filled, workspace)
    with Journal.open(workspace) as journal:
        history = journal.actions()

    monday = run(ITEMS, history, as_of=pd.Timestamp("2026-11-23"))
    assert rank(monday, "P") is None                                  # promise until 11/12
    assert rank(monday, "K") is None                                  # callback agreed for 25/11
    assert rank(monday, "E") is None                                  # evasive answer 3 days ago: cadence not due
    assert list(monday.disputes["document_id"]) == ["FA-D1"]          # the dispute list holds it
    assert rank(monday, "N") == 1                                     # nothing recorded: still a first reminder

    later = run(ITEMS, history, as_of=pd.Timestamp("2026-12-04"))
    assert rank(later, "P") is None
    assert reasons(later, "K", "R4") == ["R4 rappel convenu le 20/11 pour le 25/11"]
    assert reasons(later, "E") == ["R4 dernière relance le 20/11, il y a 14 j : cadence 10 j, jamais plus de 15 j",
                                   "R12 réponse évasive le 20/11, sans date de paiement : la cadence continue"]
    assert reasons(later, "D", "R6")[0].startswith("R6 litige signalé le 20/11 (téléphone) sur FA-D1")
    assert rank(later, "D") is not None and later.rows.set_index("customer_id").loc["D", "documents"] == ("FA-D2",)

    unpaid = run(ITEMS, history, as_of=pd.Timestamp("2026-12-14"))  # the promise date has passed
    assert reasons(unpaid, "P", "R1") == ["R1 promesse du 11/12 de 1\u202f500,00\u00a0€ non tenue"]
    assert rank(unpaid, "P") == 1


def test_row_key_and_contact_checks(filled: Path, tmp_path: Path):
    wb = openpyxl.load_workbook(filled)
    ws = wb[SHEET]
    headers = {c.value: c.column for c in ws[1]}
    ws.cell(2, headers["Clé"]).value = "à effacer"
    ws.cell(3, headers["Pièces concernées"]).value = "FA-XYZ"
    ws.cell(4, headers["Date de l'appel"]).value = dt.datetime(2026, 11, 1)
    wb.save(tmp_path / "keys.xlsx")
    with pytest.raises(InputError) as err:
        read_outcomes(tmp_path / "keys.xlsx")
    text = str(err.value)
    assert "clé de ligne absente ou abîmée" in text
    assert "pièce(s) absente(s) de cette ligne : FA-XYZ" in text
    assert "appel daté d'avant la liste du 20/11/2026" in text


def test_unfilled_workbook_imports_nothing(tmp_path: Path):
    path = write_call_list(tmp_path / "call_list.xlsx", run(ITEMS))
    assert read_outcomes(path).empty
    assert import_outcomes(path, tmp_path / "ws") == 0


def test_actions_helper_is_the_journal_frame():
    # the hand-built actions of these tests have the journal's columns (guards the helpers)
    assert set(actions().columns) >= {"date", "customer_id", "document_ids", "outcome", "source_row"}


def with_columns_in_order(path: Path, order: list[str]) -> Path:
    """The collector's sheet with its columns rearranged (values, formats and headers moved whole),
    as an older version of the list wrote them or a collector rearranged them."""
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    ws.protection.sheet = False
    rows = [[(c.value, c.number_format) for c in row] for row in ws.iter_rows()]
    headers = [value for value, _ in rows[0]]
    assert sorted(order) == sorted(headers)
    for r, row in enumerate(rows, start=1):
        for j, header in enumerate(order, start=1):
            ws.cell(r, j).value, ws.cell(r, j).number_format = row[headers.index(header)]
    wb.save(path)
    return path


def test_columns_are_found_by_their_header_wherever_they_are(tmp_path: Path):
    """The fill columns come right after the identification (D…M); a list written by the earlier
    version (fill columns at the end, before the key) or rearranged imports the same actions."""
    written = write_call_list(tmp_path / "call_list.xlsx", run(ITEMS))
    headers = [c.value for c in openpyxl.load_workbook(written)[SHEET][1]]
    assert headers.index("Date de l'appel") == 3 and headers.index("Note") == 12 and headers[-1] == "Clé"
    to_fill = headers[3:13]
    old_layout = [*headers[:3], *headers[13:-1], *to_fill, "Clé"]           # AA…AJ, then the key
    shuffled = ["Clé", *reversed(to_fill), *headers[:3], *headers[13:-1]]
    expected = read_outcomes(fill(Path(shutil.copy(written, tmp_path / "new.xlsx")), OUTCOMES))
    assert len(expected) == 4
    for name, order in (("old.xlsx", old_layout), ("shuffled.xlsx", shuffled)):
        path = with_columns_in_order(Path(shutil.copy(written, tmp_path / name)), order)
        got = read_outcomes(fill(path, OUTCOMES))
        pd.testing.assert_frame_equal(got, expected, check_like=True)
