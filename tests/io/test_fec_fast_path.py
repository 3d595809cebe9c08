"""The FEC's fast reading (Arrow's CSV reader and compute, issue 14) gives exactly what the
reference reading (pandas, cell by cell) gives, or steps aside: on the law's layout and on
variants of it (BOM, CRLF, blank lines, padded fields, ``|``, Montant/Sens, quotes), and on
files it must leave to the reference (cp1252, odd amounts or dates, problems to report)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from relance_analytics.errors import ExportError
from relance_analytics.io import fec
from tests.io.test_reader_fingerprint import FEC_HEADER, fec_lines

LINES = fec_lines(customers=60, seed=3)


def _text(rows: list[dict[str, str]], sep: str = "\t", header: list[str] | None = None) -> str:
    header = header or FEC_HEADER
    return "\n".join([sep.join(header), *(sep.join(r.get(h, "") for h in header) for r in rows)]) + "\n"


def _edit(column: str, every: int, value: Callable[[str], str]) -> list[dict[str, str]]:
    return [{**r, column: value(r[column])} if k % every == 0 else r for k, r in enumerate(LINES)]


def _montant_sens() -> tuple[list[dict[str, str]], list[str]]:
    header = [h for h in FEC_HEADER if h not in ("Debit", "Credit")] + ["Montant", "Sens"]
    rows = []
    for k, r in enumerate(LINES):
        debit = r["Debit"] not in ("0,00", "")
        rows.append({**r, "Montant": r["Debit"] if debit else r["Credit"],
                     "Sens": ("D" if debit else "C") if k % 3 else ("Débit" if debit else "crédit")})
    return rows, header


#: name → (bytes of the file, whether the fast path reads it)
VARIANTS: dict[str, tuple[Callable[[], bytes], bool]] = {
    "law": (lambda: _text(LINES).encode(), True),
    "bom_crlf": (lambda: b"\xef\xbb\xbf" + _text(LINES).replace("\n", "\r\n").encode(), True),
    "blank_lines": (lambda: _text(LINES).replace("\n", "\n\n", 40).encode(), True),
    "padded_fields": (lambda: _text(_edit("CompAuxNum", 7, lambda v: f" {v} " if v else v)
                                    ).encode(), True),
    "padded_account_and_letter": (lambda: _text(_edit("EcritureLet", 5, lambda v: f"{v}  ")
                                                ).replace("\t411000\t", "\t 411000\t", 30).encode(), True),
    "pipe": (lambda: _text(LINES, "|").encode(), True),
    "montant_sens": (lambda: _text(_montant_sens()[0], header=_montant_sens()[1]).encode(), True),
    "quotes_in_labels": (lambda: _text(_edit("CompAuxLib", 3, lambda v: f'"{v}" l\'ami')).encode(), True),
    "no_aux_label": (lambda: _text(LINES, header=[h for h in FEC_HEADER if h != "CompAuxLib"]).encode(), True),
    "cp1252": (lambda: _text(LINES).encode("cp1252"), False),
    "plus_amount": (lambda: _text(_edit("Debit", 11, lambda v: "+" + v)).encode(), False),
    "spaced_amount": (lambda: _text(_edit("Credit", 13, lambda v: f"1 {v}")).encode(), False),
    "english_amounts": (lambda: _text(_edit("Debit", 1, lambda v: v.replace(",", "."))).encode(), False),
    "padded_date": (lambda: _text(_edit("PieceDate", 9, lambda v: f" {v}")).encode(), False),
    "feb_30": (lambda: _text(_edit("DateLet", 17, lambda v: v and v[:4] + "0230")).encode(), False),
    "year_1899": (lambda: _text(_edit("DateEcheance", 19, lambda v: v and "1899" + v[4:])).encode(), False),
    "missing_entry_date": (lambda: _text(_edit("EcritureDate", 23, lambda v: "")).encode(), False),
    "lettered_without_date": (lambda: _text(_edit("DateLet", 29, lambda v: "")).encode(), False),
    "short_line": (lambda: (_text(LINES) + "VT\tVentes\n").encode(), False),
    "duplicate_header": (lambda: _text(LINES, header=[*FEC_HEADER[:-1], "Debit"]).encode(), False),
    "nul_byte": (lambda: _text(_edit("EcritureLib", 500, lambda v: v + "\x00")[1:]).encode(), False),
    "not_a_date": (lambda: _text(_edit("EcritureDate", 31, lambda v: "2026-11-20")).encode(), False),
}


def _outcome(path: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ledger = fec.load_fec(path)
        except ExportError as exc:
            return {"error": str(exc)}
        out: dict[str, object] = {"lines": ledger.lines, "sum": ledger.group_sum.tolist(),
                                  "closed": ledger.group_closed_on.tolist(), "anchor": ledger.anchor.tolist()}
        for as_of in ("2025-09-30", "2026-11-20"):
            try:
                out[as_of] = ledger.open_items(as_of)
            except ExportError as exc:
                out[as_of] = str(exc)
    return out


def _assert_same(fast: dict, reference: dict) -> None:
    assert fast.keys() == reference.keys()
    for key, value in reference.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(fast[key], value, check_exact=True)
            assert fast[key].attrs == value.attrs
            assert list(fast[key].dtypes) == list(value.dtypes)
        else:
            assert fast[key] == value, key


@pytest.mark.parametrize("name", list(VARIANTS))
def test_fast_reading_equals_the_reference(tmp_path, monkeypatch, name):
    make, fast_expected = VARIANTS[name]
    path = tmp_path / "FEC.txt"
    path.write_bytes(make())
    taken = fec._customer_lines_fast(path, ("411",)) is not None
    assert taken == fast_expected, f"fast path {'taken' if taken else 'not taken'} for {name}"
    fast = _outcome(path)
    monkeypatch.setattr(fec, "_customer_lines_fast", lambda *args: None)
    _assert_same(fast, _outcome(path))


def test_fast_reading_keeps_the_lettering_groups(tmp_path):
    """Group numbers in order of first appearance, −1 for unlettered lines, as pd.factorize gives."""
    path = tmp_path / "FEC.txt"
    path.write_bytes(VARIANTS["law"][0]())
    lines = fec.load_fec(path).lines
    keys = pd.Series(np.where(lines["letter"].to_numpy(dtype=object) != "",
                              lines["account"] + "\x1f" + lines["cid"] + "\x1f" + lines["letter"], None))
    codes, _ = pd.factorize(keys)
    assert np.array_equal(lines["group"].to_numpy(), codes)
