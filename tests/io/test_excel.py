"""write_workbook: a text longer than an Excel cell holds is cut with a visible French marker,
never silently (xlsxwriter alone cuts it without a word); every sheet print-ready, rows of wrapped
text as tall as their lines (text_lines); checked by reopening with openpyxl."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics.io.excel import CELL_TEXT_LIMIT, Sheet, cell_text, row_height, text_lines, write_workbook

NNBSP = "\u202f"        # French digit grouping
MARKER = re.compile(r"… \[texte tronqué : ([0-9\u202f]+) caractères manquants\]$")


def utf16(text: str) -> int:
    """Length as Excel counts it (a character beyond U+FFFF counts twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def test_long_texts_are_cut_visibly_and_fit_in_their_cell(tmp_path: Path):
    frame = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"],
                          "note": ["a" * 40_000, "b" * 32_767, "😀" * 20_000, "court"]})
    path = write_workbook(tmp_path / "notes.xlsx", [Sheet("Notes", frame, headers={"note": "Note"})])
    got = [c.value for c in openpyxl.load_workbook(path)["Notes"]["B"][1:]]
    # The marker "… [texte tronqué : N caractères manquants]" has 41 characters besides N's digits.
    # 40 000 "a": room left for the longest marker, N = 40 000 ("40 000": 6) → 32 767 − 47 = 32 720 kept;
    # then N = 40 000 − 32 720 = 7 280 ("7 280": 5) → 32 720 + 46 = 32 766 characters in the cell.
    assert got[0] == "a" * 32_720 + f"… [texte tronqué : 7{NNBSP}280 caractères manquants]"
    assert len(got[0]) == 32_766
    assert got[1] == "b" * 32_767                        # exactly the limit: unchanged
    # 20 000 emojis = 40 000 UTF-16 units (what Excel counts): 32 720 units kept = 16 360 emojis,
    # N = 20 000 − 16 360 = 3 640 characters cut; 32 720 + 46 = 32 766 units.
    assert got[2] == "😀" * 16_360 + f"… [texte tronqué : 3{NNBSP}640 caractères manquants]"
    assert utf16(got[2]) == 32_766
    assert got[3] == "court"


@settings(max_examples=40, deadline=None)
@given(narrow=st.integers(0, 40_000), wide=st.integers(0, 20_000), wide_first=st.booleans())
def test_cell_text_fits_keeps_the_beginning_and_counts_what_it_cuts(narrow: int, wide: int, wide_first: bool):
    parts = ["é" * narrow, "😀" * wide]
    text = "".join(reversed(parts) if wide_first else parts)
    out = cell_text(text)
    assert utf16(out) <= CELL_TEXT_LIMIT
    if utf16(text) <= CELL_TEXT_LIMIT:
        assert out == text
        return
    marker = MARKER.search(out)
    assert marker is not None, out[-60:]
    cut = int(marker.group(1).replace(NNBSP, ""))
    kept = out[:marker.start()]
    assert cut > 0 and kept == text[:len(text) - cut]
    assert utf16(out) >= CELL_TEXT_LIMIT - 8              # cut no more than the marker needs


def test_text_lines_counts_wrapped_lines_generously():
    assert text_lines("Total", 10) == 1
    assert text_lines("", 10) == 1
    assert text_lines("un\ndeux\n\ntrois", 40) == 4                      # each paragraph, blank ones too
    assert text_lines("mot " * 30, 20) > text_lines("mot " * 30, 40) >= 3  # 120 characters
    assert text_lines("x" * 100, 10) == 11                                # one word cut across lines of 9.4
    assert text_lines("x" * 40_000, 10, limit=27) == 27
    assert text_lines("MMMMMMMMMM", 12) == 2 and text_lines("iiiiiiiiii", 12) == 1   # wide and narrow letters
    assert text_lines("Taux de provision", 19) == 1 and text_lines("Taux de provision", 15, bold=True) == 2


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.sampled_from("abcdéMW il.,-€0123456789\n"), max_size=400), width=st.integers(4, 60))
def test_text_lines_never_fewer_on_a_narrower_column_and_at_least_the_paragraphs(text: str, width: int):
    lines = text_lines(text, width)
    assert lines >= text.count("\n") + 1
    assert text_lines(text, width - 2) >= lines
    assert text_lines(text, width, bold=True) >= lines


def test_sheets_print_landscape_one_page_wide_with_rows_tall_enough(tmp_path: Path):
    note = "Relance téléphonique sans réponse, rappel convenu la semaine prochaine avec la comptable " * 3
    frame = pd.DataFrame({"customer_id": ["C1", "C2"], "note": [note, "court"], "amount_cents": [123_456, 7]})
    title = "Un titre bien plus long que les trois colonnes du tableau qu'il présente, donc replié sur deux lignes"
    path = write_workbook(tmp_path / "t.xlsx", [Sheet("Notes", frame, headers={"note": "Note", "amount_cents":
                                                                                "Montant de la créance TTC"},
                                                      money=["amount_cents"], title=title)])
    ws = openpyxl.load_workbook(path)["Notes"]
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToHeight) == ("landscape", 9, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"
    assert ws.print_options.gridLines and ws.oddFooter.left.text == "&A"
    width = ws.column_dimensions["B"].width
    assert ws["B4"].alignment.wrap_text and not ws["A4"].alignment.wrap_text      # the long text column wraps
    assert ws.row_dimensions[4].height == row_height(text_lines(note, 60)) > 3 * 15
    assert ws.row_dimensions[5].height is None                                       # one line: default height
    assert width <= 61 and ws["B5"].value == "court"
    assert "A1:C1" in {str(r) for r in ws.merged_cells.ranges} and ws["A1"].value == title
    assert ws.row_dimensions[1].height >= 2 * 18 and ws["A1"].alignment.wrap_text
