"""The analyst's face: every money column in exact euros, conversions exact both ways, inexact
amounts refused, and ``ra.show`` in French. Expected figures are written by hand."""

from __future__ import annotations

import dataclasses
import warnings
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import relance_analytics as ra
from relance_analytics import canonical
from relance_analytics.french import NARROW_NBSP, NBSP

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"
EXPORT = SAMPLE / "exports" / "balance_2026-11-20.xlsx"
AS_OF = "2026-11-20"


@pytest.fixture(scope="module")
def public() -> dict[str, object]:
    """Every public function's result on the sample, through ``ra`` only."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        items = ra.read_open_items(EXPORT)
        customers = ra.read_customers(SAMPLE / "customers.xlsx")
        sales = ra.read_sales(SAMPLE / "sales.xlsx")
        disputes = ra.read_disputes(SAMPLE / "disputes.xlsx")
        actions = ra.read_actions(SAMPLE / "actions.xlsx")
        previous = ra.read_open_items(SAMPLE / "exports" / "balance_2026-11-13.xlsx")
    attached = ra.attach_customers(items, customers)
    schedule = ra.provisions(attached, AS_OF)
    before = ra.provisions(ra.attach_customers(previous, customers), "2026-11-13")
    snapshots = {pd.Timestamp("2026-11-13"): previous, pd.Timestamp(AS_OF): items}
    change = ra.provision_change(before, schedule)
    drift = ra.drift(previous, items, "2026-11-13", AS_OF)
    summary = ra.dispute_summary(attached, disputes, AS_OF)
    promises = ra.evaluate_promises(actions, snapshots, AS_OF)
    penalties = ra.late_payment_penalties(items, AS_OF)
    payments = ra.payments_from_snapshots(snapshots)
    paid_late = ra.paid_late_penalties(payments, "2026-11-14", AS_OF)
    evidence = ra.provision_evidence(schedule, actions, AS_OF)
    forecast = ra.cash_forecast(snapshots, AS_OF, customers=customers)
    insurance = ra.insurance_status(items, customers, AS_OF, ra.InsurancePolicy())
    return {
        "forecast.weeks": forecast.weeks, "forecast.items": forecast.items, "forecast.totals": forecast.totals,
        "behaviour": ra.payment_behaviour(payments, AS_OF, customers),
        "backtest": ra.backtest(snapshots, [pd.Timestamp("2026-11-13")], 1, customers=customers),
        "past_collections": ra.past_collections(snapshots, AS_OF, 1),
        "insurance.customers": insurance.customers, "insurance.invoices": insurance.invoices,
        "items": items, "customers": customers, "sales": sales, "disputes": disputes, "actions": actions,
        "contacts": ra.read_contacts(SAMPLE / "customers.xlsx"),
        "aged": ra.aged_balance(items, AS_OF), "aged_by": ra.aged_balance(attached, AS_OF, by="collector"),
        "total_row": ra.total_row(ra.aged_balance(attached, AS_OF, by="collector")),
        "shares": ra.bucket_shares(ra.aged_balance(items, AS_OF)),
        "attached": attached, "schedule": schedule, "totals": ra.provision_totals(schedule),
        "change_by_customer": change.by_customer, "change_total": change.total,
        "dso": ra.dso(items, sales, AS_OF), "cei": ra.cei(previous, items, sales, AS_OF),
        "dso_summary": ra.dso_summary(snapshots, AS_OF, sales, customers),
        **{f"drift.{f.name}": getattr(drift, f.name) for f in dataclasses.fields(drift)},
        **{f"disputes.{f.name}": getattr(summary, f.name) for f in dataclasses.fields(summary)},
        "promises": promises, "broken": ra.broken_promise_counts(promises, AS_OF),
        "penalties.items": penalties.items, "penalties.by_customer": penalties.by_customer, "payments": payments,
        "paid_late.items": paid_late.items, "paid_late.by_customer": paid_late.by_customer,
        "evidence": evidence, "evidence_totals": ra.evidence_totals(evidence),
    }


def test_the_sample_reads_to_its_control_total_in_exact_euros(public):
    items = public["items"]
    assert items["amount_eur"].dtype == ra.EURO
    total = items["amount_eur"].sum()
    assert isinstance(total, Decimal) and total == Decimal("14505268.08")   # « Total général » of the export
    aged = public["aged"]
    assert aged.loc["total", "total"] == Decimal("14505268.08")
    assert aged.loc["total", "not_due"] == Decimal("10643858.19")
    assert aged["items"].dtype == "int64"           # a count stays a count


def test_no_public_frame_holds_cents(public):
    """Every money column an analyst can reach is exact euros; nothing is named in cents."""
    frames = {k: v for k, v in public.items() if isinstance(v, pd.DataFrame)}
    assert len(frames) >= 33
    for name, frame in frames.items():
        assert not [c for c in frame.columns if "cents" in str(c)], name
        for col in frame.columns:
            if str(col).endswith("_eur") or str(col) == "eur":
                assert frame[col].dtype == ra.EURO, (name, col)
            assert not pd.api.types.is_float_dtype(frame[col]) or not str(col).endswith("_eur"), (name, col)
    for grid in ("aged", "aged_by", "total_row", "drift.matrix", "disputes.by_type_and_bucket"):
        money = [c for c in public[grid].columns if c not in ("items", "overdue_share")]
        assert all(public[grid][c].dtype == ra.EURO for c in money), grid


def test_drift_in_euros_conserves_to_the_cent(public):
    lines = public["drift.conservation"].set_index("line")["eur"]
    flows = lines.drop(["previous_total", "current_total"]).sum()
    assert lines["previous_total"] + flows == lines["current_total"]
    assert lines["current_total"] == Decimal("14505268.08")
    assert isinstance(public["drift.overdue_migration_eur"], Decimal)


def test_provision_change_in_euros_balances(public):
    t = public["change_total"].iloc[0]
    assert t["previous_eur"] + t["dotation_eur"] - t["reprise_eur"] == t["current_eur"]


def test_public_results_equal_the_canonical_ones_divided_by_a_hundred():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cents = canonical.read_open_items(EXPORT)
    expected = canonical.aged_balance(cents, AS_OF)
    got = ra.aged_balance(cents, AS_OF)           # a canonical frame in cents is accepted as is
    for col in ("not_due", "1-30", "over_120", "total", "overdue"):
        assert got.loc["total", col] * 100 == int(expected.loc["total", col])


def test_hand_built_euros_in_any_exact_form():
    frame = pd.DataFrame({
        "customer_id": ["A", "A", "B"], "customer_name": ["Alpha", "Alpha", "Beta"],
        "document_id": ["F1", "F2", "AV1"], "document_type": ["invoice", "invoice", "credit_note"],
        "document_date": pd.to_datetime(["2026-09-01"] * 3), "due_date": pd.to_datetime(
            ["2026-12-01", "2026-10-01", "2026-11-01"]),
        "amount_eur": [1234.56, 0.10, -0.30],        # floats that are whole numbers of cents
    })
    aged = ra.aged_balance(frame, AS_OF)
    # F1 not due; F2 50 days late (31–60); AV1 19 days (1–30)
    assert aged.loc["total", "not_due"] == Decimal("1234.56")
    assert aged.loc["total", "31-60"] == Decimal("0.10")
    assert aged.loc["total", "1-30"] == Decimal("-0.30")
    assert aged.loc["total", "total"] == Decimal("1234.36")


@pytest.mark.parametrize("values", [
    pd.Series([1.005]),
    pd.Series([Decimal("12.345")], dtype=pd.ArrowDtype(pa.decimal128(10, 3))),
])
def test_a_fraction_of_a_cent_is_refused_in_french(values):
    frame = pd.DataFrame({"amount_eur": values})
    with pytest.raises(ra.MoneyError) as info:
        ra.to_cents(frame)
    assert info.value.code == "inexact_amount" and info.value.column == "amount_eur"
    assert "« amount_eur »" in str(info.value) and "deux décimales" in str(info.value)


def test_trailing_zero_decimals_and_whole_euros_are_exact():
    frame = pd.DataFrame({"a_eur": pd.Series([Decimal("1.230"), None], dtype=pd.ArrowDtype(pa.decimal128(10, 3))),
                          "b_eur": [3, -4]})
    out = ra.to_cents(frame)
    assert list(out["a_cents"]) == [123, pd.NA] and out["a_cents"].dtype == "Int64"
    assert list(out["b_cents"]) == [300, -400] and out["b_cents"].dtype == "int64"


def test_a_frame_in_both_units_is_refused():
    with pytest.raises(ra.MoneyError):
        ra.to_cents(pd.DataFrame({"amount_eur": [1.0], "amount_cents": [100]}))


@given(st.lists(st.one_of(st.none(), st.integers(-10**15, 10**15)), max_size=40))
def test_cents_to_euros_and_back_is_exact(values):
    frame = pd.DataFrame({"amount_cents": pd.array(values, dtype="Int64"), "n": np.arange(len(values))})
    euros = ra.to_euros(frame)
    assert list(euros.columns) == ["amount_eur", "n"]
    assert [None if pd.isna(e) else e for e in euros["amount_eur"]] == \
        [None if v is None else Decimal(v).scaleb(-2) for v in values]
    back = ra.to_cents(euros)["amount_cents"]
    assert [None if pd.isna(b) else int(b) for b in back] == values


def test_show_renders_french(public):
    html = ra.show(public["aged"]).to_html()
    assert f"10{NARROW_NBSP}643{NARROW_NBSP}858,19{NBSP}€" in html
    assert "Non échu" in html and "Part échue" in html and f"26,6{NBSP}%" in html and "Périmètre" in html
    items = ra.show(public["items"].head(2)).to_html()
    assert "Solde TTC" in items and "Échéance" in items and "avoir" in items and "30/10/2026" in items
    assert public["items"]["document_type"].iloc[0] == "credit_note"     # the data is untouched


def test_the_control_total_reads_in_euros_too(public):
    attrs = public["items"].attrs
    assert attrs["control_total_eur"] == Decimal("14505268.08") and "control_total_cents" not in attrs
    assert ra.to_cents(public["items"]).attrs["control_total_cents"] == 1_450_526_808


def test_legal_figures_in_exact_euros_equal_the_canonical_ones(public):
    """Penalties, payments and the provisions' evidence at the public face: the canonical figures
    (cents) divided by a hundred, exactly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        items = canonical.read_open_items(EXPORT)
        previous = canonical.read_open_items(SAMPLE / "exports" / "balance_2026-11-13.xlsx")
    cents = canonical.late_payment_penalties(items, AS_OF)
    assert public["penalties.by_customer"]["total_eur"].sum() * 100 == int(cents.by_customer["total_cents"].sum())
    assert public["penalties.by_customer"]["total_eur"].sum() == Decimal("146048.04")     # the sample's figure
    assert public["penalties.items"]["penalty_eur"].dtype == ra.EURO
    snapshots = {pd.Timestamp("2026-11-13"): previous, pd.Timestamp(AS_OF): items}
    paid = canonical.payments_from_snapshots(snapshots)
    assert public["payments"]["amount_eur"].sum() * 100 == int(paid["amount_cents"].sum())
    assert (public["payments"]["paid_on"] == pd.Timestamp("2026-11-14")).all()          # the day after 13/11
    late = canonical.paid_late_penalties(paid, "2026-11-14", AS_OF)
    assert public["paid_late.by_customer"]["total_eur"].sum() * 100 == int(late.by_customer["total_cents"].sum())
    totals = public["evidence_totals"].iloc[0]
    assert isinstance(totals["flagged_eur"], Decimal) and totals["provision_eur"] == Decimal("413941.89")
    assert public["evidence"]["provision_eur"].sum() == totals["provision_eur"]


def test_payments_from_the_fec_in_euros():
    """``fec_payments`` rows (canonical cents, as the FEC reader gives them): the paid ones, exact dates, euros."""
    fec = pd.DataFrame({
        "customer_id": pd.array(["C1", "C2"], dtype="string"), "customer_name": pd.array(["A", "B"], dtype="string"),
        "document_id": pd.array(["F1", "F2"], dtype="string"),
        "document_date": pd.to_datetime(["2026-09-01", "2026-10-01"]).astype("datetime64[s]"),
        "due_date": pd.to_datetime(["2026-10-01", "2026-11-01"]).astype("datetime64[s]"),
        "amount_cents": [123_456, 10_000], "paid_date": pd.to_datetime(["2026-10-21", None]).astype("datetime64[s]"),
        "days_late": pd.array([20, None], dtype="Int64")})
    paid = ra.payments_from_fec(fec)
    assert paid["document_id"].tolist() == ["F1"] and paid["bound"].tolist() == ["exact"]
    assert paid["amount_eur"].tolist() == [Decimal("1234.56")] and paid["amount_eur"].dtype == ra.EURO
    # 1 234,56 € paid 20 days late at 12,15 %: 123 456 × 121 500 × 20 / 365e6 = 821,9 → 8,22 €, plus 40 €
    claims = ra.paid_late_penalties(paid, "2026-10-01", "2026-10-31")
    assert claims.by_customer["total_eur"].tolist() == [Decimal("48.22")]


def test_the_cash_forecast_reads_a_store_and_accounts_for_every_euro(public, tmp_path: Path):
    """From a store as from snapshots by date; open = forecast + later + outside, exactly, and the
    open invoices' euros; the backtest's error reads euros as it reads cents."""
    items = public["items"]
    store = ra.SnapshotStore(tmp_path / "ws")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for export in ("balance_2026-11-13.xlsx", "balance_2026-11-20.xlsx"):
            ra.ingest_file(SAMPLE / "exports" / export, store, force=True)
    from_store = ra.cash_forecast(store, AS_OF, customers=public["customers"])
    pd.testing.assert_frame_equal(from_store.weeks, public["forecast.weeks"])
    t = public["forecast.totals"].iloc[0]
    assert t["open_eur"] == t["forecast_eur"] + t["later_eur"] + t["outside_eur"]
    invoices = items[(items["document_type"] == "invoice").to_numpy() & (items["amount_eur"] > 0).to_numpy()]
    assert t["open_eur"] == invoices["amount_eur"].sum() == public["forecast.items"]["amount_eur"].sum()
    assert public["forecast.weeks"]["expected_eur"].sum() == t["forecast_eur"]
    bt = public["backtest"]
    assert ra.wape(bt, "forecast_eur", 1) == canonical.wape(canonical.backtest(
        {d: ra.to_cents(f) for d, f in {pd.Timestamp("2026-11-13"): ra.read_open_items(
            SAMPLE / "exports" / "balance_2026-11-13.xlsx"), pd.Timestamp(AS_OF): items}.items()},
        [pd.Timestamp("2026-11-13")], 1, customers=ra.to_cents(public["customers"])), "forecast_cents", 1)
