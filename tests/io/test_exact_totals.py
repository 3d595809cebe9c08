"""Property: random cent amounts written to a real workbook read back exactly, totals to the cent."""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance_analytics import canonical as rc
from relance_analytics.errors import InputWarning
from tests.builders import d, sage_export

amounts = st.integers(min_value=-10 ** 10, max_value=10 ** 10)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(amounts, min_size=1, max_size=80))
def test_random_cents_total_exactly(tmp_path, cents):
    rows = [["C1", "Client", "FA" if c >= 0 else "AV", f"P{i}", d("2026-10-01"), d("2026-11-01"),
             None, c / 100] for i, c in enumerate(cents)]
    path = sage_export(tmp_path / "x.xlsx", rows, total=sum(cents) / 100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)   # zero-balance lines, left out and warned
        items = rc.read_open_items(path, mapping="sage")
    assert list(items["amount_cents"]) == [c for c in cents if c != 0]
    assert items.attrs["skipped_rows"]["zero_balance"] == cents.count(0)
    assert items.attrs["control_total_cents"] == sum(cents)
    assert int(rc.aged_balance(items, "2026-11-20").iloc[0]["total"]) == sum(cents)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(amounts, min_size=1, max_size=40))
def test_french_text_amounts_parse_exactly(tmp_path, cents):
    def fr(c: int) -> str:
        whole, frac = divmod(abs(c), 100)
        return ("-" if c < 0 else "") + f"{whole:,}".replace(",", "\u202f") + f",{frac:02d}"

    rows = [["C1", "Client", "FA" if c >= 0 else "AV", f"P{i}", d("2026-10-01"), d("2026-11-01"), None, fr(c)]
            for i, c in enumerate(cents)]
    path = sage_export(tmp_path / "x.xlsx", rows, total=fr(sum(cents)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        read = rc.read_open_items(path, mapping="sage")
    assert list(read["amount_cents"]) == [c for c in cents if c != 0]
