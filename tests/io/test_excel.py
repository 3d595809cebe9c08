"""write_workbook: a text longer than an Excel cell holds is cut with a visible French marker,
never silently (xlsxwriter alone cuts it without a word), checked by reopening with openpyxl."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics.io.excel import CELL_TEXT_LIMIT, Sheet, cell_text, write_workbook

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
