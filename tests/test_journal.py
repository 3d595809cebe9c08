"""Action journal: real SQLite files under tmp_path (schema, migrations, idempotent atomic recording)."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics.cli import main
from relance_analytics.io import read_actions
from relance_analytics.journal import (
    ACTION_COLUMNS,
    FILE_NAME,
    MIGRATIONS,
    Journal,
    JournalError,
    migrate,
    read_mapping,
    split_document_ids,
)
from tests.builders import d, write_rows

HEADER = ["Date", "Code client", "N° pièces", "Canal", "Interlocuteur", "Résultat", "Code excuse",
          "Montant promis", "Date promise", "Mode de règlement", "Date de rappel", "Note", "Recouvreur"]
ROWS = [
    [d("2026-11-02"), "C0001", "FA1, FA2", "téléphone", "M. Roux", "promesse", "trésorerie", 1234.5,
     d("2026-11-10"), "virement", None, "Règlement promis", "Claire Martin"],
    [d("2026-11-03"), "C0002", None, "e-mail", None, "excuse", "facture non reçue", None, None, None,
     d("2026-11-09"), None, "Julien Petit"],
    [d("2026-11-03"), "C0001", "FA3", "courrier", "Mme Lenoir", "relance envoyée", None, None, None, None,
     None, "Lettre n°1", "Claire Martin"],
]
SAMPLE_ACTIONS = Path(__file__).resolve().parents[1] / "data" / "sample" / "actions.xlsx"


def actions_file(path: Path, rows: list[list[object]] = ROWS, header: list[str] = HEADER) -> Path:
    return write_rows(path, [header, *rows], sheet="Actions")


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("PRAGMA user_version").fetchone()[0]


def test_open_creates_workspace_and_schema(tmp_path):
    ws = tmp_path / "new" / "ws"
    with Journal.open(ws) as journal:
        assert journal.path == ws / FILE_NAME and journal.version == 1 == len(MIGRATIONS)
        assert len(journal) == 0
        con = journal._con
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        columns = [r[1] for r in con.execute("PRAGMA table_info(actions)")]
        empty = journal.actions()
    assert columns == ["id", "date", "customer_id", "document_ids", "channel", "contact", "outcome", "excuse",
                       "promise_amount_cents", "promise_date", "payment_method", "callback_date", "note",
                       "collector", "logged_by", "source_file", "source_row", "recorded_at", "fingerprint"]
    assert user_version(ws / FILE_NAME) == 1
    assert list(empty.columns) == ["id", *ACTION_COLUMNS, "logged_by", "source_file", "recorded_at"]
    assert len(empty) == 0 and empty["date"].dtype == "datetime64[s]"


def test_migrates_an_empty_file_and_a_version_zero_database(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / FILE_NAME).write_bytes(b"")
    with Journal.open(tmp_path / "a") as journal:
        assert journal.version == 1
    (tmp_path / "b").mkdir()
    with sqlite3.connect(tmp_path / "b" / FILE_NAME) as con:
        con.execute("CREATE TABLE notes (text TEXT)")
        con.execute("INSERT INTO notes VALUES ('kept')")
    assert user_version(tmp_path / "b" / FILE_NAME) == 0
    with Journal.open(tmp_path / "b") as journal:
        assert journal.version == 1 and len(journal) == 0
        assert journal._con.execute("SELECT text FROM notes").fetchall() == [("kept",)]


def test_migration_steps_apply_once_in_order_and_a_newer_file_is_refused(tmp_path):
    with Journal.open(tmp_path) as journal:
        journal.import_file(actions_file(tmp_path / "a.xlsx"))
    step2 = (*MIGRATIONS, ("ALTER TABLE actions ADD COLUMN channel_detail TEXT",))
    con = sqlite3.connect(tmp_path / FILE_NAME, isolation_level=None)
    assert migrate(con, step2) == 2
    assert migrate(con, step2) == 2          # the ALTER would fail if it ran twice
    assert con.execute("SELECT count(*), count(channel_detail) FROM actions").fetchone() == (3, 0)
    con.execute("PRAGMA user_version = 7")
    con.close()
    with pytest.raises(RuntimeError, match="au schéma 7"):
        Journal.open(tmp_path)


def test_record_round_trip_and_idempotence(tmp_path):
    path = actions_file(tmp_path / "actions.xlsx")
    frame = read_actions(path)
    with Journal.open(tmp_path / "ws") as journal:
        assert journal.record(frame, "actions.xlsx", logged_by="analyst") == 3
        assert journal.record(frame, "actions.xlsx") == 0
        assert journal.import_file(path) == 0          # same content from another source: nothing new
        back = journal.actions()
    assert len(back) == 3
    assert back[list(ACTION_COLUMNS)].dtypes.to_dict() == frame.dtypes.to_dict()
    # sorted by date then id: the two actions of 03/11 keep their recording order
    assert list(back["customer_id"]) == ["C0001", "C0002", "C0001"]
    assert list(back["id"]) == [1, 2, 3]
    assert list(back["source_row"]) == [2, 3, 4]
    first = back.iloc[0]
    assert first["document_ids"] == "FA1,FA2"
    assert first["promise_amount_cents"] == 123450      # 1 234,50 €
    assert first["promise_date"] == pd.Timestamp("2026-11-10")
    assert (first["channel"], first["outcome"], first["excuse"], first["payment_method"]) == \
        ("phone", "promise", "cash_flow", "transfer")
    assert first["logged_by"] == "analyst" and first["source_file"] == "actions.xlsx"
    assert back.iloc[1]["callback_date"] == pd.Timestamp("2026-11-09")
    assert pd.isna(back.iloc[1]["document_ids"]) and pd.isna(back.iloc[1]["promise_amount_cents"])
    # the other columns read back exactly as they were read from the file
    pd.testing.assert_frame_equal(back[["date", "customer_id", "contact", "note", "collector", "callback_date"]],
                                  frame[["date", "customer_id", "contact", "note", "collector", "callback_date"]])


def test_filters_by_date_and_customer(tmp_path):
    with Journal.open(tmp_path) as journal:
        journal.import_file(actions_file(tmp_path / "a.xlsx"))
        assert list(journal.actions(until="2026-11-02")["customer_id"]) == ["C0001"]
        assert list(journal.actions(customer_id="C0001")["source_row"]) == [2, 4]
        assert list(journal.actions(until=pd.Timestamp("2026-11-03"), customer_id="C0002")["source_row"]) == [3]


def test_identical_actions_in_one_file_are_all_kept(tmp_path):
    call = [d("2026-11-05"), "C0009", "FA9", "téléphone", None, "pas de réponse", None, None, None, None,
            None, None, "Laura Moreau"]
    path = actions_file(tmp_path / "a.xlsx", [call, call, ROWS[0]])
    with Journal.open(tmp_path) as journal:
        assert journal.import_file(path) == 3     # two unanswered calls the same day are two actions
        assert journal.import_file(path) == 0
        # a later export that holds a third identical call adds just that one
        calls = read_actions(path).iloc[[0, 1, 0]]
        assert journal.record(calls, "b.xlsx") == 1
        assert len(journal) == 4


def test_document_ids_spelling_does_not_change_the_fingerprint(tmp_path):
    other = [list(ROWS[0])]
    other[0][2] = "FA2;FA1"
    with Journal.open(tmp_path) as journal:
        assert journal.import_file(actions_file(tmp_path / "a.xlsx")) == 3
        assert journal.import_file(actions_file(tmp_path / "b.xlsx", other)) == 0
    assert split_document_ids(" FA1, FA2 ;FA1  FA3") == ("FA1", "FA2", "FA3")
    assert split_document_ids(pd.NA) == () and split_document_ids(None) == ()


def test_an_invalid_row_records_nothing(tmp_path):
    frame = read_actions(actions_file(tmp_path / "a.xlsx"))
    bad = frame.copy()
    bad.loc[2, "customer_id"] = pd.NA           # third row: violates NOT NULL after two good inserts
    with Journal.open(tmp_path / "ws") as journal:
        with pytest.raises(JournalError) as err:
            journal.record(bad, "bad.xlsx")
        assert len(journal) == 0
        assert err.value.problems[0].row == 4 and err.value.problems[0].column == "customer_id"
        assert "NOT NULL" in str(err.value) and "rien n'a été enregistré" in str(err.value)
        # unknown codes are all reported before anything is written
        coded = frame.astype({"outcome": "string", "channel": "string"})
        coded.loc[0, "outcome"] = "promesse"          # French label instead of the code
        coded.loc[1, "channel"] = "fax"
        with pytest.raises(JournalError) as err:
            journal.record(coded, "coded.xlsx")
        assert [(p.row, p.column, p.value) for p in err.value.problems] == \
            [(2, "outcome", "promesse"), (3, "channel", "fax")]
        with pytest.raises(KeyError, match="il manque au tableau des actions"):
            journal.record(frame.drop(columns="note"), "x.xlsx")
        assert len(journal) == 0
        # the journal is still usable: the good frame records fully
        assert journal.record(frame, "a.xlsx") == 3


def test_mapping_for_a_dunning_tool_export(tmp_path):
    header = ["Jour", "Compte", "Factures", "Canal", "Interlocuteur", "Issue", "Code excuse", "Montant promis",
              "Date promise", "Mode de règlement", "Date de rappel", "Commentaire", "Recouvreur"]
    path = actions_file(tmp_path / "export.xlsx", ROWS, header)
    toml = tmp_path / "mapping.toml"
    toml.write_text('[columns]\ndate = "Jour"\ncustomer_id = "Compte"\ndocument_ids = "Factures"\n'
                    'outcome = "Issue"\nnote = "Commentaire"\n', encoding="utf-8")
    mapping = read_mapping(toml)
    with Journal.open(tmp_path) as journal:
        assert journal.import_file(path, mapping) == 3
        assert journal.actions()["note"].iloc[0] == "Règlement promis"
    toml.write_text('[columns]\nclient = "Compte"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"colonne\(s\) inconnue\(s\)"):
        read_mapping(toml)


def test_cli_import_actions(tmp_path):
    path = actions_file(tmp_path / "actions.xlsx")
    runner = CliRunner()
    args = ["import-actions", str(path), "--workspace", str(tmp_path / "ws")]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "3 nouvelles actions" in first.output
    second = runner.invoke(main, args)
    assert second.exit_code == 0 and "0 nouvelle action" in second.output
    assert user_version(tmp_path / "ws" / FILE_NAME) == 1
    bad_row = list(ROWS[0])
    bad_row[3] = "fax"
    bad = actions_file(tmp_path / "bad.xlsx", [bad_row])
    failed = runner.invoke(main, ["import-actions", str(bad), "--workspace", str(tmp_path / "ws")])
    assert failed.exit_code == 1 and "Erreur" in failed.output and "fax" in failed.output


@pytest.mark.skipif(not SAMPLE_ACTIONS.is_file(), reason="the sample has not been generated")
def test_sample_actions_import_fully(tmp_path):
    sheet = openpyxl.load_workbook(SAMPLE_ACTIONS, read_only=True)["Actions"]
    rows = sum(1 for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r))
    with Journal.open(tmp_path) as journal:
        assert journal.import_file(SAMPLE_ACTIONS) == rows
        assert journal.import_file(SAMPLE_ACTIONS) == 0
        back = journal.actions()
    assert len(back) == rows and back["customer_id"].notna().all()
    assert set(back["outcome"].dropna()) <= {"promise", "dispute", "excuse", "evasive", "no_answer", "callback",
                                             "document_requested", "document_sent", "reminder_sent",
                                             "formal_notice_sent"}


@pytest.fixture(scope="module")
def three_actions(tmp_path_factory):
    return read_actions(actions_file(tmp_path_factory.mktemp("frame") / "a.xlsx"))


@settings(max_examples=25, deadline=None)
@given(picks=st.lists(st.integers(0, 2), min_size=1, max_size=8), cut=st.integers(0, 8))
def test_recording_in_parts_then_whole_adds_nothing(three_actions, picks, cut):
    """Any split of a frame (repeated rows included), recorded in parts then whole: each row once."""
    frame = three_actions.iloc[picks].reset_index(drop=True)
    cut = min(cut, len(frame))
    with tempfile.TemporaryDirectory() as tmp, Journal.open(Path(tmp)) as journal:
        first = journal.record(frame.iloc[:cut], "part1")
        assert journal.record(frame, "whole") == len(frame) - first
        assert journal.record(frame.iloc[cut:], "part2") == 0
        assert len(journal) == len(frame)
