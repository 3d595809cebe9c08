"""DSO against hand-computed figures (count-back, ratio, best possible DSO, ADD, CEI), plus
invariants of the count-back (hypothesis). Amounts are written in cents (``_00`` = euros)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relance_analytics import frames
from relance_analytics.config import Settings
from relance_analytics.metrics.dso import (
    DsoParams,
    MissingSalesError,
    cei,
    cei_beginning,
    dso,
    dso_trend,
    month_end_dates,
    sales_ttc_cents,
    window_start,
)


def items(rows: list[tuple[str, str, int]], collector: list[str] | None = None) -> pd.DataFrame:
    """Canonical-enough open items (no document type or date) from (customer, due date, cents) tuples."""
    data = {
        "customer_id": [r[0] for r in rows],
        "customer_name": [r[0].lower() for r in rows],
        "document_id": [f"F{i}" for i in range(len(rows))],
        "due_date": [r[1] for r in rows],
        "amount_cents": [r[2] for r in rows],
    }
    if collector is not None:
        data["collector"] = collector
    return frames.OPEN_ITEMS.build(data)


def sales(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """Canonical sales from (customer, month, HT cents, VAT rate) tuples; a NaN rate (outside the
    contract: the reader refuses a blank rate) is kept to test the default rate, unvalidated."""
    names = ("customer_id", "month", "sales_ht_cents", "vat_rate")
    frame = frames.SALES.build({n: [r[k] for r in rows] for k, n in enumerate(names)})
    return frame if frame["vat_rate"].isna().any() else frames.SALES.validate(frame)


def one(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


# Worked example: sales TTC March 900,000, February 800,000, January 700,000, given HT at 20 %:
# 750,000.00 × 1.2 = 900,000.00; 666,666.67 × 1.2 = 800,000.004 → 800,000.00;
# 583,333.33 × 1.2 = 699,999.996 → 700,000.00 (rounded to the cent per row).
WORKED_SALES = [("A", "2025-03-01", 750_000_00, 0.2), ("A", "2025-02-01", 666_666_67, 0.2),
                ("A", "2025-01-01", 583_333_33, 0.2)]


def test_countback_worked_example():
    # 2,100,000 − 900,000 (March, 31 d) − 800,000 (February, 28 d) = 400,000 left of January's 700,000
    # → 31 + 28 + 400/700 × 31 = 76.714…
    receivables = items([("A", "2025-02-15", 2_100_000_00)])
    row = one(dso(receivables, sales(WORKED_SALES), "2025-03-31"))
    assert row["dso"] == pytest.approx(31 + 28 + 400 / 700 * 31)
    assert round(row["dso"], 2) == 76.71
    assert row["receivables_cents"] == 2_100_000_00 and row["not_due_cents"] == 0
    assert row["best_possible_dso"] == 0 and row["average_days_delinquent"] == pytest.approx(row["dso"])


def test_countback_leap_year_february():
    # the same figures one year earlier: February 2024 has 29 days → 31 + 29 + 400/700 × 31 = 77.714…
    leap = [(c, m.replace("2025", "2024"), ht, vat) for c, m, ht, vat in WORKED_SALES]
    row = one(dso(items([("A", "2024-02-15", 2_100_000_00)]), sales(leap), "2024-03-31"))
    assert round(row["dso"], 2) == 77.71


def test_countback_as_of_mid_month():
    receivables = items([("A", "2025-02-15", 2_100_000_00)])
    older = [("A", "2025-02-01", 800_000_00, 0.0), ("A", "2025-01-01", 700_000_00, 0.0),
             ("A", "2024-12-01", 700_000_00, 0.0)]
    # default: the sales file runs to the as-of date, so March's row is the sales of 1–15 March (450,000)
    # and March counts 15 days: 2,100,000 − 450,000 − 800,000 − 700,000 = 150,000 of December's 700,000
    # → 15 + 28 + 31 + 150/700 × 31 = 80.642…
    to_date = sales([("A", "2025-03-01", 450_000_00, 0.0), *older])
    assert round(one(dso(receivables, to_date, "2025-03-15"))["dso"], 2) == 80.64
    # a sales file running to 31 March (March row = whole month, 900,000): March's 15 days carry
    # 900,000 × 15/31 = 435,483.87; 2,100,000 − 435,483.87 − 800,000 − 700,000 = 164,516.13
    # → 15 + 28 + 31 + 164,516.13/700,000 × 31 = 81.285…
    whole = sales([("A", "2025-03-01", 900_000_00, 0.0), *older])
    row = one(dso(receivables, whole, "2025-03-15", sales_through="2025-03-31"))
    assert row["dso"] == pytest.approx(15 + 28 + 31 + 16_451_613 / 70_000_000 * 31)
    assert round(row["dso"], 2) == 81.29


def test_ht_sales_grossed_up_with_two_vat_rates():
    rows = sales([("A", "2025-03-01", 1_000_00, 0.2), ("B", "2025-03-01", 1_000_00, 0.055),
                  ("C", "2025-03-01", 5, 0.055), ("D", "2025-03-01", 10, 0.055), ("E", "2025-03-01", -10, 0.055)])
    # 1,000.00 × 1.2 = 1,200.00; 1,000.00 × 1.055 = 1,055.00; 5 c × 1.055 = 5.275 → 5 c;
    # 10 c × 1.055 = 10.55 → 11 c; −10 c → −11 c (half away from zero)
    assert list(sales_ttc_cents(rows)) == [1_200_00, 1_055_00, 5, 11, -11]
    # March TTC = 1,200.00 + 1,055.00 + 0.05 + 0.11 − 0.11 = 2,255.05; receivables 1,127.525 would be half:
    # receivables 1,127.50 → 1,127.50 / 2,255.05 × 31 = 15.4997 days (on HT 2,000.05 it would be 17.47)
    row = one(dso(items([("A", "2025-03-10", 1_127_50)]), rows, "2025-03-31"))
    assert row["dso"] == pytest.approx(112_750 / 225_505 * 31)
    assert round(row["dso"], 2) == 15.50
    # a missing VAT rate takes the default rate
    blank = sales([("A", "2025-03-01", 1_000_00, float("nan"))])
    assert list(sales_ttc_cents(blank, default_vat_rate=0.1)) == [1_100_00]


def test_ratio_best_possible_and_add_worked_example():
    # receivables 15,000 of which 4,000 not due; sales TTC of the last 30 days 10,000
    # (April: 8,333.33 HT × 1.2 = 9,999.996 → 10,000.00) → DSO 15/10 × 30 = 45, best 4/10 × 30 = 12, ADD 33
    receivables = items([("A", "2025-03-31", 11_000_00), ("A", "2025-05-15", 4_000_00)])
    april = sales([("A", "2025-04-01", 8_333_33, 0.2), ("A", "2025-03-01", 50_000_00, 0.2)])
    params = DsoParams(method="ratio", ratio_period=30, ratio_unit="days")
    row = one(dso(receivables, april, "2025-04-30", params=params))
    assert (round(row["dso"], 2), round(row["best_possible_dso"], 2), round(row["average_days_delinquent"], 2)) \
        == (45.0, 12.0, 33.0)
    assert (row["period_sales_cents"], row["period_days"]) == (10_000_00, 30)


def test_ratio_window_prorates_partial_months():
    # 3 months to 20/11: 21/08–20/11 = 11 + 30 + 31 + 20 = 92 days; August's 3,100 × 11/31 = 1,100,
    # September 3,000, October 3,100, November to date 2,000 → 9,200; receivables 9,200 → 92 days
    rows = sales([("A", "2026-08-01", 3_100_00, 0.0), ("A", "2026-09-01", 3_000_00, 0.0),
                  ("A", "2026-10-01", 3_100_00, 0.0), ("A", "2026-11-01", 2_000_00, 0.0)])
    row = one(dso(items([("A", "2026-10-01", 9_200_00)]), rows, "2026-11-20", method="ratio"))
    assert (row["period_sales_cents"], row["period_days"]) == (9_200_00, 92)
    assert row["dso"] == pytest.approx(92.0)


def test_window_start():
    assert window_start("2025-03-31", 3) == pd.Timestamp("2025-01-01")    # month end: whole months
    assert window_start("2025-04-30", 3) == pd.Timestamp("2025-02-01")
    assert window_start("2026-11-20", 3) == pd.Timestamp("2026-08-21")    # mid-month: day after 20/08
    assert window_start("2024-02-29", 1) == pd.Timestamp("2024-02-01")
    assert window_start("2025-04-30", 30, "days") == pd.Timestamp("2025-04-01")


def test_missing_month_is_a_clear_error():
    # receivables 2,500,000 exceed the 2,400,000 of sales of January–March: December 2024 is needed
    receivables = items([("A", "2025-02-15", 2_500_000_00)], collector=["Julien Petit"])
    with pytest.raises(MissingSalesError, match=r"ventes manquantes pour 2024-12.*DSO par épuisement de recouvreur "
                                                 r"'Julien Petit'.*de 2025-01 à 2025-03") as err:
        dso(receivables, sales(WORKED_SALES), "2025-03-31", by="collector", customers=CUSTOMERS)
    assert err.value.month == pd.Period("2024-12", "M") and err.value.scope == "recouvreur 'Julien Petit'"
    # a gap inside the history: no row at all for February 2025
    gap = sales([WORKED_SALES[0], WORKED_SALES[2]])
    with pytest.raises(MissingSalesError, match="ventes manquantes pour 2025-02.*l'ensemble du portefeuille"):
        dso(items([("A", "2025-02-15", 1_000_000_00)]), gap, "2025-03-31")
    # the as-of month itself: April not in the file yet
    with pytest.raises(MissingSalesError, match="ventes manquantes pour 2025-04"):
        dso(items([("A", "2025-02-15", 1_00)]), sales(WORKED_SALES), "2025-04-10")
    # coerce: NaN days and the month to add
    row = one(dso(receivables, sales(WORKED_SALES), "2025-03-31", errors="coerce"))
    assert math.isnan(row["dso"]) and row["missing_sales_month"] == pd.Timestamp("2024-12-01")
    # receivables ≤ 0 need no sales at all: 0 days
    credit = items([("A", "2025-02-15", 100_00), ("A", "2025-02-20", -300_00)])
    assert one(dso(credit, sales([]), "2025-03-31"))["dso"] == 0.0


CUSTOMERS = frames.CUSTOMERS.build({"customer_id": ["A", "B", "C"], "customer_name": ["a", "b", "c"],
                                    "collector": ["Claire", "Claire", "Julien"]})     # canonical-enough: no status
# VAT 0 so that HT = TTC. B has sales but no open item; B has no February row (no sales that month).
SPLIT_SALES = sales([("A", "2025-03-01", 200_00, 0.0), ("B", "2025-03-01", 400_00, 0.0),
                     ("C", "2025-03-01", 300_00, 0.0),
                     ("A", "2025-02-01", 100_00, 0.0), ("C", "2025-02-01", 600_00, 0.0),
                     ("A", "2025-01-01", 400_00, 0.0), ("C", "2025-01-01", 100_00, 0.0)])
SPLIT_ITEMS = items([("A", "2025-02-28", 600_00), ("A", "2025-04-30", 300_00), ("C", "2025-04-15", 600_00)],
                    collector=["Claire", "Claire", "Julien"])


def test_per_collector_split_uses_every_customers_sales():
    out = dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31", by="collector", customers=CUSTOMERS)
    claire, julien = out.loc["Claire"], out.loc["Julien"]
    # Claire (A + B): receivables 900; March 200 + 400 = 600 → 300 left; February 100 → 200 left;
    # January 400 → 31 + 28 + 200/400 × 31 = 74.5. Not due 300: 300/600 × 31 = 15.5; ADD 59
    assert (claire["receivables_cents"], claire["not_due_cents"]) == (900_00, 300_00)
    assert (claire["dso"], claire["best_possible_dso"], claire["average_days_delinquent"]) == \
        pytest.approx((74.5, 15.5, 59.0))
    # Julien (C): 600 all not due; March 300 → 300 left of February's 600 → 31 + 300/600 × 28 = 45
    assert (julien["dso"], julien["best_possible_dso"], julien["average_days_delinquent"]) == \
        pytest.approx((45.0, 45.0, 0.0))
    assert list(out.index) == ["Claire", "Julien"]          # largest receivables first
    # whole ledger: 1,500; March 900 → 600 of February's 700 → 31 + 600/700 × 28 = 55; not due 900 = March → 31
    group = one(dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31"))
    assert (group["dso"], group["best_possible_dso"], group["average_days_delinquent"]) == \
        pytest.approx((55.0, 31.0, 24.0))
    with pytest.raises(KeyError, match="customers="):
        dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31", by="collector")


def test_per_customer_with_coerce_shows_which_month_is_missing():
    out = dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31", by="customer", errors="coerce")
    # A: 900 − 200 − 100 − 400 = 200 still open after January: December 2024 is needed
    a, c = out.loc[("A", "a")], out.loc[("C", "c")]
    assert math.isnan(a["dso"]) and a["missing_sales_month"] == pd.Timestamp("2024-12-01")
    # A's not-due 300: 200 (March, 31 d) + 100 (February, 28 d): exactly 59 days
    assert a["best_possible_dso"] == pytest.approx(59.0)
    assert c["dso"] == pytest.approx(45.0) and pd.isna(c["missing_sales_month"])
    with pytest.raises(MissingSalesError, match="client A \\(a\\)"):
        dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31", by="customer")


def test_cei_worked_example():
    # N = 3 months, B = 6,200, S = 10,890 (3 × 3,025 HT × 1.2 = 3 × 3,630), E = 6,340, Ec = 3,590:
    # (6,200 + 10,890/3 − 6,340) / (6,200 + 10,890/3 − 3,590) × 100 = 3,490 / 6,240 × 100 = 55.929…
    beginning = items([("A", "2024-11-30", 5_000_00), ("A", "2024-12-20", 1_200_00)])
    ending = items([("A", "2025-02-28", 2_750_00), ("A", "2025-04-30", 3_590_00)])
    rows = sales([("A", f"2025-0{m}-01", 3_025_00, 0.2) for m in (1, 2, 3)] + [("A", "2024-12-01", 9_999_00, 0.2)])
    row = one(cei(beginning, ending, rows, "2025-03-31"))
    assert (row["beginning_cents"], row["cei_sales_cents"], row["ending_cents"], row["ending_current_cents"]) == \
        (6_200_00, 10_890_00, 6_340_00, 3_590_00)
    assert row["cei"] == pytest.approx(3_490 / 6_240 * 100)
    assert round(row["cei"], 1) == 55.9
    # over 4 months the window starts on 01/12/2024, a month this sales file lacks
    with pytest.raises(MissingSalesError, match="2024-12.*CEI de l'ensemble du portefeuille"):
        cei(beginning, ending, rows.iloc[:3], "2025-03-31", params=DsoParams(cei_months=4))


def test_trend_uses_the_last_snapshot_of_each_month():
    snapshots = {
        "2025-01-24": items([("A", "2025-01-01", 1_000_00)]),
        "2025-01-31": items([("A", "2025-01-01", 1_550_00)]),
        "2025-02-21": items([("A", "2025-01-01", 2_900_00)]),
        "2025-03-28": items([("A", "2025-02-01", 3_000_00), ("A", "2025-04-30", 800_00)]),
    }
    rows = sales([("A", "2024-12-01", 3_100_00, 0.0), ("A", "2025-01-01", 3_100_00, 0.0),
                  ("A", "2025-02-01", 2_800_00, 0.0), ("A", "2025-03-01", 2_800_00, 0.0)])
    customers = CUSTOMERS.iloc[:1]
    trend = dso_trend(snapshots, rows, customers, DsoParams(cei_months=1))
    assert list(trend["as_of"]) == [pd.Timestamp(d) for d in ("2025-01-31", "2025-02-21", "2025-03-28")]
    assert list(trend["month"]) == [pd.Timestamp(d) for d in ("2025-01-01", "2025-02-01", "2025-03-01")]
    # sales run to 28/03 (the last snapshot): January and February rows are whole months.
    # 31/01: 1,550 / 3,100 × 31 = 15.5.  21/02: February's 2,800 × 21/28 = 2,100 → 800 of January → 21 + 8 = 29.
    # 28/03: March to date 2,800 (28 days) → 1,000 of February's 2,800 → 28 + 10 = 38; not due 800 → 8; ADD 30
    assert list(trend["dso"]) == pytest.approx([15.5, 29.0, 38.0])
    assert list(trend["best_possible_dso"]) == pytest.approx([0.0, 0.0, 8.0])
    # CEI over 1 month at 28/03: window 01/03–28/03 (sales 2,800), beginning = last snapshot ≤ 28/02 = 21/02
    # (2,900): (2,900 + 2,800 − 3,800) / (2,900 + 2,800 − 800) × 100 = 1,900 / 4,900 × 100
    last = trend.iloc[-1]
    assert last["beginning_as_of"] == pd.Timestamp("2025-02-21") and last["beginning_cents"] == 2_900_00
    assert last["cei"] == pytest.approx(1_900 / 4_900 * 100)
    assert pd.isna(trend["cei"].iloc[0]) and pd.isna(trend["beginning_as_of"].iloc[0])   # no earlier snapshot
    # up to 28/02 only, the sales file is taken as running to 21/02 (the last snapshot used): February's row
    # is then the 21 days to date, 2,800 → 100 of January → 21 + 1 = 22; an explicit sales_through gives 29 again
    by = dso_trend(snapshots, rows, customers, DsoParams(cei_months=1), by="collector", until="2025-02-28")
    assert list(by["collector"]) == ["Claire", "Claire"] and list(by["dso"]) == pytest.approx([15.5, 22.0])
    late = dso_trend(snapshots, rows, customers, until="2025-02-28", sales_through="2025-03-28")
    assert list(late["dso"]) == pytest.approx([15.5, 29.0])


def test_helpers_and_parameters():
    dates = [pd.Timestamp(d) for d in ("2026-08-07", "2026-08-28", "2026-09-04", "2026-11-20")]
    assert month_end_dates(dates) == [dates[1], dates[2], dates[3]]
    # 3 months to 20/11 start on 21/08: beginning = last snapshot on or before 20/08
    assert cei_beginning(dates, "2026-11-20", 3) == pd.Timestamp("2026-08-07")
    assert cei_beginning(dates, "2026-09-04", 3) is None
    settings_ = Settings(default_vat_rate=0.1, raw={"dso": {"method": "ratio", "ratio_period": 90,
                                                             "ratio_unit": "days"}})
    p = DsoParams.from_settings(settings_)
    assert (p.method, p.ratio_period, p.ratio_unit, p.cei_months, p.default_vat_rate) == ("ratio", 90, "days", 3, 0.1)
    assert DsoParams.from_settings(Settings()) == DsoParams()
    with pytest.raises(ValueError, match="clé inconnue.*period"):
        DsoParams.from_settings(Settings(raw={"dso": {"period": 3}}))
    with pytest.raises(ValueError, match="method"):
        DsoParams(method="average")


# --- invariants ---------------------------------------------------------------------------------

AS_OF = "2025-06-30"
MONTHS = pd.period_range("2024-07", "2025-06", freq="M")      # 12 months, 365 days


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-50_000_00, max_value=500_000_00), min_size=12, max_size=12),
       st.lists(st.integers(min_value=-1_000_000_00, max_value=5_000_000_00), min_size=1, max_size=6))
def test_countback_is_monotone_and_bounded_by_the_sales_history(monthly, amounts):
    # one customer per receivable amount, all with the same sales history: one call checks them all
    ids = [f"C{i}" for i in range(len(amounts))]
    rows = sales([(c, str(m.start_time.date()), ht, 0.2) for c in ids for m, ht in zip(MONTHS, monthly)])
    out = dso(items(list(zip(ids, ["2025-01-01"] * len(ids), amounts))), rows, AS_OF, by="customer_id",
              errors="coerce")
    days = out["dso"].fillna(math.inf).reindex(ids).to_numpy()          # NaN = beyond the history
    covered = sum(m.days_in_month for m in MONTHS)                     # 365 days of sales available
    available = sum(max(0, round(ht * 1.2)) for ht in monthly)         # months with net credits absorb nothing
    order = np.argsort(amounts, kind="stable")
    ranked = days[order]
    assert (ranked[1:] >= ranked[:-1] - 1e-9).all()                    # more receivables, never fewer days
    for amount, value in zip(amounts, days):
        assert value >= 0
        if amount <= 0:
            assert value == 0
        elif amount <= available:
            assert value <= covered + 1e-9
        else:
            assert value == math.inf


def test_french_presentation_and_charts():
    from relance_analytics.charts.dso import dso_by_collector_bars, dso_trend_lines
    from relance_analytics.report.dso import display_dso, dso_sheet, method_summary

    group = dso(items([("A", "2025-02-15", 2_100_000_00)]), sales(WORKED_SALES), "2025-03-31")
    shown = display_dso(group)
    assert list(shown.iloc[0][["Encours TTC", "DSO (jours)"]]) == ["2\u202f100\u202f000,00\u00a0€", "76,7\u00a0j"]
    summary = method_summary({"countback": group, "ratio": dso(items([("A", "2025-02-15", 2_100_000_00)]),
                                                               sales(WORKED_SALES), "2025-03-31", method="ratio")})
    # ratio over the 3 months to 31/03: 2,100,000 / 2,400,000 × 90 days = 78.75
    assert list(summary["method"]) == ["Par épuisement du chiffre d'affaires", "Ratio encours / ventes (90 j)"]
    assert list(summary["dso"]) == pytest.approx([76.714286, 78.75])
    sheet = dso_sheet("Synthèse", summary, "DSO")
    assert sheet.frame["dso"].iloc[0] == 76.71 and "receivables_cents" in sheet.money
    by_collector = dso(SPLIT_ITEMS, SPLIT_SALES, "2025-03-31", by="collector", customers=CUSTOMERS)
    bars = dso_by_collector_bars(by_collector)
    assert list(bars.data[0].x) == ["Claire", "Julien"] and list(bars.data[0].y) == pytest.approx([74.5, 45.0])
    trend = pd.DataFrame({"as_of": [pd.Timestamp("2025-03-31")], "dso": [76.7], "best_possible_dso": [0.0],
                          "average_days_delinquent": [76.7]})
    assert [t.name for t in dso_trend_lines(trend).data] == ["DSO", "Meilleur DSO possible", "Retard moyen (ADD)"]


def test_french_headline_of_the_worked_example():
    from relance_analytics.report.dso import headline

    # the ratio worked example: 45 d, best possible 12 d, ADD 33 d; CEI 55.9 %
    group = pd.Series({"dso": 45.0, "receivables_cents": 1_500_000, "best_possible_dso": 12.0,
                       "average_days_delinquent": 33.0, "cei": 55.9})
    text = headline(group, "Par épuisement du chiffre d'affaires", 3, pd.Timestamp("2025-03-31"))
    assert text == ("**DSO au 31/03/2025** (par épuisement du chiffre d'affaires) : **45,0\u00a0j** pour un encours "
                    "de 15\u202f000,00\u00a0€ ; meilleur DSO possible 12,0\u00a0j ; retard moyen (ADD) 33,0\u00a0j ; "
                    "CEI sur 3 mois : 55,9\u00a0%.")
