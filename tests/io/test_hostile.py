"""Every reader against the corpus of broken and hostile files (tests/data/make_corpus.py).

Each file gives one InputError/ExportError whose message names the file, the sheet, the row,
the column and what was expected — or is read with a documented InputWarning, or read
silently when the oddity is harmless. Never another exception type, never a silent drop.
"""

from __future__ import annotations

import time
import tracemalloc
import warnings
from pathlib import Path

import pytest
import python_calamine

from relance_analytics import canonical as rc
from relance_analytics.calllist import read_outcomes
from relance_analytics.errors import ExportError, InputError, InputWarning
from relance_analytics.io.fec import read_fec
from tests.data.make_corpus import Sheet, build_cases, build_corpus, entity_bomb, write_xlsx

READERS = {
    "open_items": rc.read_open_items, "fec": read_fec, "customers": rc.read_customers, "contacts": rc.read_contacts,
    "sales": rc.read_sales, "disputes": rc.read_disputes, "actions": rc.read_actions, "call_list": read_outcomes,
}
#: Cases each reader must have at least: the tabular readers each get the shared container and
#: sheet cases (≥ 25); the contacts sheet, read from the customers workbook, only what is its own;
#: the filled call list its container cases and those of the workbook relance writes (≥ 25).
MINIMUM = {"contacts": 1, "fec": 4} | {r: 25 for r in READERS if r not in ("contacts", "fec")}
CASES = build_cases()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    return {case.name: path for case, path in build_corpus(folder)}


def test_corpus_is_large_and_covers_every_reader():
    assert len(CASES) >= 40
    per_reader = {r: sum(c.reader == r for c in CASES) for r in READERS}
    assert all(per_reader[r] >= n for r, n in MINIMUM.items()), per_reader
    assert {c.reader for c in CASES} == set(READERS)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_file(case, corpus):
    path = corpus[case.name]
    reader = READERS[case.reader]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if case.outcome == "error":
            with pytest.raises(InputError) as info:
                reader(path, **case.kwargs)
            err = info.value
            text = str(err)
            if case.reader in ("open_items", "fec"):
                assert isinstance(err, ExportError)
            assert err.path == path and path.name in text.splitlines()[0]
            assert err.problems and all(p.message for p in err.problems)
            assert err.__cause__ is None and (err.__context__ is None or err.__suppress_context__), \
                "a low-level exception leaked"
            for fragment in case.expect:
                assert fragment in text, f"{fragment!r} not in:\n{text}"
            return
        frame = reader(path, **case.kwargs)
    ours = [w.message for w in caught if isinstance(w.message, InputWarning)]
    if case.outcome == "warning":
        assert len(ours) == 1, [str(w.message) for w in caught]
        text = str(ours[0])
        assert path.name in text
        for fragment in case.expect:
            assert fragment in text, f"{fragment!r} not in:\n{text}"
        assert frame.attrs["warnings"] and all(isinstance(w, str) for w in frame.attrs["warnings"])
    else:
        assert not ours, [str(w) for w in ours]
    if case.check:
        case.check(frame)


def test_every_error_names_a_place_and_an_expectation(corpus):
    """File-level problems name no row; every cell problem names its row and column."""
    for case in CASES:
        if case.outcome != "error":
            continue
        with pytest.raises(InputError) as info:
            READERS[case.reader](corpus[case.name], **case.kwargs)
        for p in info.value.problems:
            assert p.expected, (case.name, str(p))
            if p.column is not None:
                assert p.row is not None, (case.name, str(p))


def test_calamine_itself_does_not_expand_entities(tmp_path):
    """What python-calamine (quick-xml) does with a billion-laughs DTD on its own: it refuses
    the undefined entity at once, without expanding anything. Our check rejects the file
    before calamine sees it, with a clearer message."""
    base = write_xlsx(tmp_path / "base.xlsx", [Sheet("S", [["a", "b"], ["c", 1]])])
    bomb = entity_bomb(tmp_path / "bomb.xlsx", base, "xl/sharedStrings.xml")
    start = time.perf_counter()
    with pytest.raises(python_calamine.CalamineError, match="unrecognized entity"):
        python_calamine.CalamineWorkbook.from_path(str(bomb)).get_sheet_by_index(0).to_python()
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("name", ["sage_zip_bomb_ratio.xlsx", "sage_zip_bomb_declared.xlsx",
                                  "sage_entity_bomb_strings.xlsx", "sage_entity_bomb_sheet.xlsx"])
def test_bombs_are_refused_fast_with_bounded_memory(corpus, name):
    path = corpus[name]
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(ExportError, match="bomb"):
        rc.read_open_items(path)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2.0
    assert peak < 8 << 20, f"peak {peak:,} bytes: something was decompressed"


def test_declared_sizes_bound_what_calamine_decompresses(tmp_path):
    """A member larger than its declared size is not decompressed past it (calamine's zip
    reader refuses it), so refusing from the declared sizes bounds the memory."""
    import struct
    import zipfile
    base = write_xlsx(tmp_path / "base.xlsx", [Sheet("S", [["a"], [1]])])
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(base) as zf, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in zf.infolist():
            data = zf.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (4 << 20))
            out.writestr(info.filename, data)
    raw = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    pos = raw.find(name)
    while pos >= 0:   # declare 5,000 bytes for a 4 MiB member
        if raw[pos - 30:pos - 26] == b"PK\x03\x04":
            struct.pack_into("<I", raw, pos - 30 + 22, 5000)
        elif raw[pos - 46:pos - 42] == b"PK\x01\x02":
            struct.pack_into("<I", raw, pos - 46 + 24, 5000)
        pos = raw.find(name, pos + 1)
    path.write_bytes(bytes(raw))
    with pytest.raises(InputError) as info:
        rc.read_customers(path)
    assert "corrompu" in str(info.value) or "illisible" in str(info.value)
