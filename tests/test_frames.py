"""The canonical frames' contracts (relance_analytics.frames): ``build`` casts to the contract,
``validate`` reports every problem in French, and every reader's output meets its contract.
Expected dtypes, codes and messages are written by hand."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from relance_analytics import frames
from relance_analytics.errors import FrameContractError
from relance_analytics.ingest import ingest_file
from relance_analytics.io import read_open_items
from relance_analytics.io.tables import read_actions, read_contacts, read_customers, read_disputes, read_sales
from relance_analytics.store import SnapshotStore

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
EXPORT = SAMPLE / "exports" / "balance_2026-11-20.xlsx"


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {name: str(dtype) for name, dtype in frame.dtypes.items()}


def items() -> pd.DataFrame:
    """Two complete open items (the optional columns left out)."""
    return frames.OPEN_ITEMS.build({
        "customer_id": ["C1", "C2"],
        "customer_name": ["Alpha SARL", "Beta SA"],
        "document_id": ["FA1", "AV1"],
        "document_type": ["invoice", "credit_note"],
        "document_date": ["2026-10-21", None],
        "due_date": ["2026-11-20", "2026-12-20"],
        "amount_cents": [120_000, -5_000],
    })


def problems(error: FrameContractError) -> list[tuple[str | None, str]]:
    return [(p.column, p.code) for p in error.problems]


# -- build ------------------------------------------------------------------------------------------


def test_build_casts_open_items_to_the_contract_dtypes_in_contract_order():
    frame = frames.OPEN_ITEMS.build({      # given out of order, on purpose
        "amount_cents": [120_000, -5_000],
        "source_row": [2, 3],
        "amount_ht_cents": [100_000, None],
        "due_date": ["2026-11-20", "2026-12-20"],
        "document_date": ["2026-10-21", None],
        "document_type": ["invoice", "credit_note"],
        "document_id": ["FA1", "AV1"],
        "customer_name": ["Alpha SARL", "Beta SA"],
        "customer_id": ["C1", "C2"],
    })
    assert dtypes(frame) == {
        "customer_id": "category", "customer_name": "string", "document_id": "string",
        "document_type": "category", "document_date": "datetime64[s]", "due_date": "datetime64[s]",
        "amount_cents": "int64", "amount_ht_cents": "Int64", "source_row": "int32",
    }
    # a category column with choices has every code of the contract as its categories, in order
    assert list(frame["document_type"].cat.categories) == ["invoice", "credit_note", "payment"]
    assert frame["document_type"].tolist() == ["invoice", "credit_note"]
    # a category column without choices takes the values it is given
    assert list(frame["customer_id"].cat.categories) == ["C1", "C2"]
    assert frame["customer_name"].tolist() == ["Alpha SARL", "Beta SA"]
    # "2026-11-20" strings become midnight dates in seconds; None a missing date
    assert frame["due_date"].tolist() == [pd.Timestamp("2026-11-20"), pd.Timestamp("2026-12-20")]
    assert frame.loc[0, "document_date"] == pd.Timestamp("2026-10-21") and pd.isna(frame.loc[1, "document_date"])
    # Int64 keeps None as <NA>
    assert frame.loc[0, "amount_ht_cents"] == 100_000 and frame.loc[1, "amount_ht_cents"] is pd.NA
    assert frame["amount_cents"].tolist() == [120_000, -5_000] and frame["source_row"].tolist() == [2, 3]
    assert frames.OPEN_ITEMS.validate(frame) is frame


def test_build_casts_customers_and_actions_columns():
    customers = frames.CUSTOMERS.build({
        "customer_id": ["C1", "C2"],
        "customer_name": ["Alpha SARL", "Beta SA"],
        "collector": ["Claire", None],
        "status": ["active", "liquidation"],
        "credit_limit_cents": [None, 500_000],
        "invoice_circuit": [None, "manager"],
        "provision_rate": [None, 0.5],
    })
    assert dtypes(customers) == {
        "customer_id": "string", "customer_name": "string", "collector": "string", "status": "category",
        "credit_limit_cents": "Int64", "invoice_circuit": "category", "provision_rate": "float64",
    }
    assert list(customers["status"].cat.categories) == ["active", "receivership", "liquidation", "safeguard"]
    assert list(customers["invoice_circuit"].cat.categories) == ["purchasing", "accounting", "manager"]
    assert customers.loc[1, "invoice_circuit"] == "manager" and pd.isna(customers.loc[0, "invoice_circuit"])
    assert customers.loc[0, "collector"] == "Claire" and customers.loc[1, "collector"] is pd.NA
    assert pd.isna(customers.loc[0, "provision_rate"]) and customers.loc[1, "provision_rate"] == 0.5
    assert customers.loc[0, "credit_limit_cents"] is pd.NA and customers.loc[1, "credit_limit_cents"] == 500_000
    assert frames.CUSTOMERS.validate(customers) is customers

    actions = frames.ACTIONS.build({"date": ["2026-11-20"], "outcome": ["promise"], "excuse": [None],
                                    "promise_amount_cents": [None], "promise_date": [None]})
    assert dtypes(actions) == {"date": "datetime64[s]", "outcome": "category", "excuse": "category",
                               "promise_amount_cents": "Int64", "promise_date": "datetime64[s]"}
    assert actions.loc[0, "date"] == pd.Timestamp("2026-11-20")
    assert actions["excuse"].isna().all() and actions["promise_amount_cents"].isna().all()


def test_build_keeps_absent_columns_absent_and_accepts_a_frame():
    partial = frames.OPEN_ITEMS.build({"amount_cents": [1], "customer_id": ["C1"]})
    assert list(partial.columns) == ["customer_id", "amount_cents"]
    # a frame as pandas makes it (object / "str" columns, nanosecond dates) comes out canonical
    raw = pd.DataFrame({"customer_id": ["C1"], "document_id": ["FA1"],
                        "due_date": pd.to_datetime(["2026-11-20"]).astype("datetime64[ns]")})
    assert dtypes(frames.OPEN_ITEMS.build(raw)) == {"customer_id": "category", "document_id": "string",
                                                    "due_date": "datetime64[s]"}


def test_build_refuses_an_unknown_column():
    with pytest.raises(FrameContractError) as info:
        frames.OPEN_ITEMS.build({"customer_id": ["C1"], "montant": [1]})
    error = info.value
    assert error.code == "unknown_column" and error.frame == "pièces ouvertes"
    assert problems(error) == [("montant", "unknown_column")]
    assert str(error) == ("tableau « pièces ouvertes » non conforme : 1 problème\n"
                          "  - colonne « montant » : colonne inconnue 'montant'")


def test_build_refuses_an_unknown_code():
    with pytest.raises(FrameContractError) as info:
        frames.ACTIONS.build({"date": ["2026-11-20", "2026-11-20"], "channel": ["phone", "fax"]})
    error = info.value
    assert error.code == "unknown_code" and error.frame == "fichier des actions"
    assert problems(error) == [("channel", "unknown_code")]
    assert error.problems[0].value == "fax"
    assert str(error) == ("tableau « fichier des actions » non conforme : 1 problème\n"
                          "  - colonne « channel » : code inconnu : lu « fax » ; "
                          "attendu : phone, email, letter, formal_notice")


# -- validate ---------------------------------------------------------------------------------------


def test_validate_reports_a_missing_required_column():
    frame = items().drop(columns="due_date")
    with pytest.raises(FrameContractError) as info:
        frames.OPEN_ITEMS.validate(frame)
    assert problems(info.value) == [("due_date", "missing_column")]
    assert info.value.code == "missing_column"
    assert "colonne « due_date » : colonne absente ; attendu : datetime64[s]" in str(info.value)


def test_validate_accepts_the_absence_of_optional_columns():
    frame = items()
    assert not {"amount_ht_cents", "collector", "segment", "currency", "source_row"} & set(frame.columns)
    assert frames.OPEN_ITEMS.validate(frame) is frame
    contacts = frames.CONTACTS.build({"customer_id": ["C1"], "name": ["Anne"], "role": ["accounting"],
                                      "phone": [None], "email": [None]})
    assert frames.CONTACTS.validate(contacts) is contacts           # no source_row: optional


def test_validate_reports_a_wrong_dtype():
    millis = items().assign(due_date=lambda f: f["due_date"].astype("datetime64[ms]"))
    with pytest.raises(FrameContractError) as info:
        frames.OPEN_ITEMS.validate(millis)
    assert problems(info.value) == [("due_date", "dtype")]
    assert (info.value.problems[0].value, info.value.problems[0].expected) == ("datetime64[ms]", "datetime64[s]")
    assert "colonne « due_date » : type de colonne inattendu : lu « datetime64[ms] » ; attendu : datetime64[s]" \
        in str(info.value)

    text = items().assign(customer_name=lambda f: f["customer_name"].astype(str))     # pandas "str"
    assert str(text["customer_name"].dtype) == "str"
    with pytest.raises(FrameContractError) as info:
        frames.OPEN_ITEMS.validate(text)
    assert problems(info.value) == [("customer_name", "dtype")]
    assert (info.value.problems[0].value, info.value.problems[0].expected) == ("str", "string")


def test_validate_reports_a_missing_value_in_a_non_nullable_column():
    frame = frames.CUSTOMERS.build({"customer_id": ["C1", "C2", "C3"], "customer_name": ["Alpha", None, None],
                                    "collector": [None, None, "Claire"], "status": ["active"] * 3})
    with pytest.raises(FrameContractError) as info:
        frames.CUSTOMERS.validate(frame)
    # collector is nullable: its two blanks are no problem
    assert problems(info.value) == [("customer_name", "missing_value")]
    assert "colonne « customer_name » : 2 valeurs manquantes dans une colonne obligatoire ; " \
           "attendu : une valeur sur chaque ligne" in str(info.value)


def test_validate_reports_a_code_outside_the_choices():
    frame = frames.CUSTOMERS.build({"customer_id": ["C1", "C2"], "customer_name": ["Alpha", "Beta"],
                                    "collector": ["Claire", "Claire"], "status": ["active", "active"]})
    frame["status"] = pd.Categorical(["active", "bankrupt"])
    with pytest.raises(FrameContractError) as info:
        frames.CUSTOMERS.validate(frame)
    assert problems(info.value) == [("status", "unknown_code")]
    assert info.value.problems[0].value == "bankrupt"
    assert "colonne « status » : codes inconnus : lu « bankrupt » ; " \
           "attendu : active, receivership, liquidation, safeguard" in str(info.value)


def test_validate_lists_every_problem_at_once():
    frame = items().drop(columns="document_id").assign(
        due_date=lambda f: f["due_date"].astype("datetime64[ms]"),
        customer_name=pd.array(["Alpha", None], dtype="string"),
        document_type=pd.Categorical(["invoice", "devis"]),
        amount_cents=lambda f: f["amount_cents"].astype("Int64"),
    )
    with pytest.raises(FrameContractError) as info:
        frames.OPEN_ITEMS.validate(frame)
    assert problems(info.value) == [                   # in contract order
        ("customer_name", "missing_value"),
        ("document_id", "missing_column"),
        ("document_type", "unknown_code"),
        ("due_date", "dtype"),
        ("amount_cents", "dtype"),
    ]
    assert info.value.code == "missing_value"          # the first problem's
    assert str(info.value).startswith("tableau « pièces ouvertes » non conforme : 5 problèmes\n")
    assert str(info.value).count("\n  - ") == 5


# -- readers and store ------------------------------------------------------------------------------


READERS: list[tuple[str, frames.FrameContract, Callable[[Path], pd.DataFrame], Path]] = [
    ("open_items", frames.OPEN_ITEMS, read_open_items, EXPORT),
    ("customers", frames.CUSTOMERS, read_customers, SAMPLE / "customers.xlsx"),
    ("contacts", frames.CONTACTS, read_contacts, SAMPLE / "customers.xlsx"),
    ("sales", frames.SALES, read_sales, SAMPLE / "sales.xlsx"),
    ("disputes", frames.DISPUTES, read_disputes, SAMPLE / "disputes.xlsx"),
    ("actions", frames.ACTIONS, read_actions, SAMPLE / "actions.xlsx"),
]


@pytest.mark.skipif(not EXPORT.exists(), reason="sample data not generated")
@pytest.mark.parametrize(("name", "contract", "reader", "path"), READERS, ids=[r[0] for r in READERS])
def test_every_reader_output_meets_its_contract(name, contract, reader, path):
    assert frames.CONTRACTS[name] is contract
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")              # the sample export has items without due date
        frame = reader(path)
    assert len(frame) > 0
    assert contract.validate(frame) is frame
    # columns in contract order, each with the contract's dtype
    assert list(frame.columns) == [n for n in contract.names if n in frame.columns]
    assert dtypes(frame) == {n: contract.column(n).dtype for n in frame.columns}


@pytest.mark.skipif(not EXPORT.exists(), reason="sample data not generated")
def test_a_snapshot_read_back_from_the_store_meets_the_contract(tmp_path):
    store = SnapshotStore(tmp_path)
    ingested = ingest_file(EXPORT, store)
    assert ingested.as_of == pd.Timestamp("2026-11-20")
    snapshot = store.read("2026-11-20")
    assert frames.OPEN_ITEMS.validate(snapshot) is snapshot
    assert len(snapshot) == ingested.items
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = read_open_items(EXPORT)
    assert dtypes(snapshot) == dtypes(fresh)
