"""Properties of the reader on random inputs: a date is read as written or refused (or, when
nothing in the file proves the order of day and month, read day-first with a warning that says
so); amounts of two currencies are never added together."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relance_analytics import canonical as rc
from relance_analytics.errors import CurrencyError, ExportError, InputWarning

FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")
EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: form → (writer, order of day and month it uses, or None when the text fixes it)
FORMS = {
    "jj/mm/aaaa": (lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}", "dmy"),
    "j.m.aaaa": (lambda d: f"{d.day}.{d.month}.{d.year}", "dmy"),
    "m/d/yyyy": (lambda d: f"{d.month}/{d.day}/{d.year}", "mdy"),
    "mm-dd-yyyy": (lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}", "mdy"),
    "iso": (lambda d: d.isoformat(), None),
    "iso T Z": (lambda d: f"{d.isoformat()}T00:00:00Z", None),
    "timestamp": (lambda d: f"{d.isoformat()} 00:00:00.000000000", None),
    "aaaammjj": (lambda d: f"{d:%Y%m%d}", None),
    "aaaa/mm/jj": (lambda d: f"{d:%Y/%m/%d}", None),
    "j-mois-aaaa": (lambda d: f"{d.day}-{FR[d.month - 1]}-{d.year}", None),
    "d-Mon-yyyy": (lambda d: f"{d.day}-{EN[d.month - 1]}-{d.year}", None),
}
MAPPING = {"customer_id": "Compte", "document_id": "Pièce", "due_date": "Échéance", "amount": "Montant"}
days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(days, min_size=1, max_size=30), st.sampled_from(sorted(FORMS)), st.booleans())
def test_a_date_is_read_as_written_or_refused(tmp_path, dates, form, stated):
    writer, order = FORMS[form]
    path = write(tmp_path / "d.csv", ["Compte;Pièce;Échéance;Montant",
                                      *(f"C1;F{k};{writer(x)};1,00" for k, x in enumerate(dates))])
    mapping = {**MAPPING, "date_order": order} if stated and order else MAPPING
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            items = rc.read_open_items(path, mapping=mapping)
        except ExportError:
            return                                          # refused: never a wrong date
    read = [x.date() for x in items["due_date"]]
    defaulted = [w for w in caught if isinstance(w.message, InputWarning) and "jour d'abord" in str(w.message)]
    if not defaulted:
        assert read == dates, (form, stated)
        return
    # read day-first by default, and said so: only when no date proves the order
    assert order == "mdy" or order == "dmy"
    assert not stated and all(x.day <= 12 for x in dates)
    if order == "dmy":
        assert read == dates


amounts = st.integers(min_value=-10 ** 9, max_value=10 ** 9).filter(lambda c: c != 0)


def fr(cents: int) -> str:
    whole, frac = divmod(abs(cents), 100)
    return ("-" if cents < 0 else "") + f"{whole},{frac:02d}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["EUR", "USD"]), amounts), min_size=1, max_size=40))
def test_two_currencies_are_never_added(tmp_path, lines):
    totals = {c: sum(a for cur, a in lines if cur == c) for c in {cur for cur, _ in lines}}
    rows = [f"C{k % 3};F{k};31/10/2026;{cur};{fr(a)}" for k, (cur, a) in enumerate(lines)]
    rows += [f"Total général;;;{cur};{fr(t)}" for cur, t in sorted(totals.items())]
    path = write(tmp_path / "fx.csv", ["Compte;Pièce;Échéance;Devise;Montant", *rows])
    items = rc.read_open_items(path, mapping={**MAPPING, "currency": "Devise"})
    assert items.attrs["control_totals_cents"] == totals
    per = rc.aged_balance(items, "2026-11-20", by="currency")
    assert {c: int(per.loc[c, "total"]) for c in per.index} == totals
    if len(totals) > 1:
        with pytest.raises(CurrencyError):
            rc.aged_balance(items, "2026-11-20")
        with pytest.raises(CurrencyError):
            rc.aged_balance(items, "2026-11-20", by="customer")
    else:
        assert int(rc.aged_balance(items, "2026-11-20").iloc[0]["total"]) == next(iter(totals.values()))
