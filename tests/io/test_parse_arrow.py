"""The vectorised shortcuts of issue 14 against the straightforward definitions they replace:
texts read through Arrow (:func:`text_cells`) against :func:`parse_text` / :func:`cell_kinds`,
the kinds of cells grouped by type against :func:`_kind_code` cell by cell, the XML scan's numpy
marker search against ``bytes`` searches, and the object frame of a sheet against pandas'."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics.io.parse import BLANK, PY_SPACES, _kind_code, cell_kinds, parse_text, text_cells
from relance_analytics.io.workbook import (
    _ERROR_MARKERS,
    _FORMULA_MARKERS,
    _HIDDEN_MARKERS,
    _contains_any,
    _object_frame,
)

SPACES = list(PY_SPACES) + ["\u200b", "\ufeff", "\x00", "\u180e"]       # and look-alikes that are not spaces
texts = st.text(alphabet=st.sampled_from(SPACES + list("aZé0-,.")), max_size=6)


def test_py_spaces_are_what_python_strips():
    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == PY_SPACES


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(texts, st.none()), min_size=1, max_size=30))
def test_text_cells_are_parse_text_and_cell_kinds(values):
    series = pd.Series(np.array(values, dtype=object), dtype=object)
    cells = text_cells(series)
    if all(v is None for v in values):
        assert cells is None
        return
    assert cells is not None
    text, blank = parse_text(series)
    assert list(cells.objects()) == list(text)
    assert np.array_equal(cells.blank, blank)
    kinds, kblank = cell_kinds(series)
    assert np.array_equal(cells.kinds()[0], kinds) and np.array_equal(cells.kinds()[1], kblank)


def test_text_cells_leave_other_columns_alone():
    for values in (["a", 1.5], ["a", b"b"], ["a", float("nan")], [dt.date(2026, 1, 1), "a"], [None, None]):
        assert text_cells(pd.Series(np.array(values, dtype=object), dtype=object)) is None


cells_ = st.one_of(
    texts, st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6), st.booleans(),
    st.dates(), st.datetimes(), st.just(pd.Timestamp("2026-11-20")), st.just(pd.NaT), st.just(np.float64(2.5)),
    st.just(np.int64(3)), st.just(dt.time(10, 30)), st.just(np.datetime64("2026-01-01")), st.just(np.str_(" x ")))


@settings(max_examples=300, deadline=None)
@given(st.lists(cells_, min_size=1, max_size=40))
def test_cell_kinds_are_each_cells_kind(values):
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    kinds, blank = cell_kinds(pd.Series(arr, dtype=object))
    expected = [BLANK if v is None or (not isinstance(v, str) and pd.isna(v)) or (isinstance(v, str) and v == "")
                else _kind_code(v) for v in values]
    assert list(kinds) == expected
    assert np.array_equal(blank, kinds == BLANK)


xml = st.binary(max_size=300).map(lambda b: b.replace(b"\x00", b"")) | st.lists(
    st.sampled_from([b"<f>", b"<f ", b":f>", b":f ", b"f", b"<", b't="e"', b'"e"', b"hidden=\"", b'ht="0', b"h",
                     b"ht=", b"<c r=\"A1\">", b"</row>", b"e", b"t=", b"x"]), max_size=40).map(b"".join)


@settings(max_examples=500, deadline=None)
@given(xml)
def test_numpy_marker_search_is_a_bytes_search(buf):
    a = np.frombuffer(buf, dtype=np.uint8)
    for patterns, anchor in ((_FORMULA_MARKERS, "f"), (_ERROR_MARKERS, "e"), (_HIDDEN_MARKERS, "h")):
        assert _contains_any(a, patterns, ord(anchor)) == any(p in buf for p in patterns), (patterns, buf)


@pytest.mark.filterwarnings("ignore:Constructing a DataFrame from a list of sequences")   # ragged rows: pandas' way
def test_object_frame_is_pandas_frame():
    rows = [["a", 1.5, None, dt.date(2026, 1, 1)], ["", "", 2, (1, 2)], ["x", np.nan, "y", "z"]]
    for cells in (rows, [r[:2] for r in rows], [["a"], ["b", "c"]], [[(1, 2), "a"], ["b", "c"]], []):
        ours, theirs = _object_frame(cells), pd.DataFrame(cells, dtype=object)
        theirs.columns = range(theirs.shape[1])
        pd.testing.assert_frame_equal(ours, theirs)
        assert all(dtype == np.dtype(object) for dtype in ours.dtypes)
