"""The « Encaissements » page as the report says it: habits, the forecast and its backtest, credit
insurance and the collectors' performance — sentences, screen tables, the index's figures and
``encaissements.xlsx`` read back with openpyxl, on hand-built frames whose figures are worked out
in the comments."""

from __future__ import annotations

import nbformat
import numpy as np
import openpyxl
import pandas as pd
import pytest

from relance_analytics.metrics.behaviour import BehaviourParams
from relance_analytics.metrics.collectors import COLUMNS as PERFORMANCE_COLUMNS
from relance_analytics.metrics.collectors import collector_summary
from relance_analytics.metrics.forecast import CashForecast
from relance_analytics.metrics.insurance import insurance_status
from relance_analytics.report import cash as rk
from relance_analytics.report import collectors as rcol
from relance_analytics.report import insurance as ri
from relance_analytics.weekly import NOTEBOOKS_DIR

from .test_insurance import POLICY, customers, items

AS_OF = pd.Timestamp("2026-11-20")
NBSP = "\u00a0"
TH = "\u202f"              # thousands


def forecast() -> CashForecast:
    """Two weeks: 1 000,00 € then 500,50 € expected; 200 € later, 300 € outside (a dispute)."""
    weeks = pd.DataFrame({"start": [AS_OF, AS_OF + pd.Timedelta(days=7)],
                          "end": [AS_OF + pd.Timedelta(days=7), AS_OF + pd.Timedelta(days=14)],
                          "expected_cents": [100_000, 50_050], "low_cents": [80_000, 40_000],
                          "high_cents": [120_000, 60_000]}, index=pd.RangeIndex(1, 3, name="week"))
    inv = pd.DataFrame({
        "customer_id": ["A", "A", "B", "C"], "customer_name": ["Client A", "Client A", "Client B", "Client C"],
        "document_id": ["FA1", "FA2", "FB1", "FC1"], "due_date": pd.to_datetime(["2026-11-01"] * 4),
        "amount_cents": [100_000, 50_050, 20_000, 30_000],
        "expected": pd.to_datetime(["2026-11-25", "2026-12-02", "2027-04-01", None]),
        "low": pd.to_datetime(["2026-11-23", "2026-11-30", "2027-03-01", None]),
        "high": pd.to_datetime(["2026-11-27", "2026-12-04", "2027-05-01", None]),
        "week": [1, 2, 0, -1], "basis": ["customer", "promise", "book", "dispute"]})
    totals = pd.DataFrame({"open_cents": [200_050], "forecast_cents": [150_050], "later_cents": [20_000],
                           "outside_cents": [30_000]}, index=pd.Index(["total"]))
    return CashForecast(AS_OF, weeks, inv, totals)


def backtest_frame(weeks: int, dates: int, forecast_cents: int, baseline_cents: int, actual_cents: int) -> pd.DataFrame:
    rows = [(AS_OF - pd.Timedelta(days=7 * (20 - i)), k, forecast_cents, baseline_cents, actual_cents)
            for i in range(dates) for k in range(1, weeks + 1)]
    return pd.DataFrame(rows, columns=["as_of", "week", "forecast_cents", "baseline_cents", "actual_cents"])


def test_the_forecast_sentences_and_tables():
    fc = forecast()
    text = rk.forecast_headline(fc)
    # week 1 runs from the day after the as-of date
    assert text.startswith(f"**1{TH}500,50{NBSP}€ d'encaissements attendus sur les 2 semaines du 21/11/2026 au "
                           "04/12/2026**")
    assert f"200{NBSP}€" not in text and f"200,00{NBSP}€ attendus plus tard" in text
    assert f"300,00{NBSP}€ hors prévision" in text and f"2{TH}000,50{NBSP}€ de factures ouvertes" in text
    table = rk.forecast_table(fc)
    assert table.to_dict("list") == {
        "Semaine": [1, 2], "Du": ["21/11", "28/11"], "Au": ["27/11/2026", "04/12/2026"],
        "Prévu": [f"1{TH}000,00{NBSP}€", f"500,50{NBSP}€"],
        "Hypothèse basse": [f"800,00{NBSP}€", f"400,00{NBSP}€"],
        "Hypothèse haute": [f"1{TH}200,00{NBSP}€", f"600,00{NBSP}€"]}
    basis = rk.basis_table(fc)
    assert basis["Date attendue tirée de"].tolist() == ["habitudes du client", "habitudes de tout le portefeuille",
                                                        "promesse en cours", "litige ouvert : hors prévision"]
    assert basis["Factures"].tolist() == [1, 1, 1, 1]


def test_the_backtest_is_said_against_its_baseline():
    # 3 dates × 4 weeks: |90 − 100| / 100 = 10 % against |150 − 100| / 100 = 50 %
    bt = rk.Backtest(backtest_frame(4, 3, 9_000, 15_000, 10_000), backtest_frame(13, 0, 0, 0, 0))
    assert rk.backtest_rows(bt) == [("semaines 1 à 4", 3, pytest.approx(0.1), pytest.approx(0.5))]
    text = rk.backtest_text(bt)
    assert f"**10,0{NBSP}%**" in text and f"contre 50,0{NBSP}%" in text and "plus juste que la référence" in text
    assert rk.backtest_table(bt)["Erreur réduite de"].tolist() == [f"80,0{NBSP}%"]
    short = rk.Backtest(backtest_frame(4, 0, 0, 0, 0), backtest_frame(13, 0, 0, 0, 0))
    assert "trop court" in rk.backtest_text(short) and rk.backtest_table(short).empty
    figure = rk.key_figures(forecast(), bt)[0]
    assert (figure.value, figure.section, figure.heading) == (150_050, "cash", rk.FORECAST_HEADING)
    assert figure.note == f"erreur passée 10,0{NBSP}% (référence 50,0{NBSP}%)"


def test_habits_per_class_and_per_customer():
    behaviour = pd.DataFrame({
        "payments": [8, 1], "paid_cents": [80_000, 5_000], "mean_days": [23.4, 2.0], "median_days": [20.0, 2.0],
        "p25_days": [10.0, 0.0], "p75_days": [30.0, 4.0], "on_time_share": [0.25, 0.6], "trend_days": [9.2, np.nan],
        "source": ["customer", "book"], "payer_class": ["late", "slightly_late"]},
        index=pd.Index(["A", "B"], name="customer_id"))
    it = items(("A", "FA1", "2026-10-01", "2026-10-31", 150_000), ("B", "FB1", "2026-10-01", "2026-10-31", 50_000),
               ("C", "FC1", "2026-10-01", "2026-10-31", 10_000))
    cust = customers(("A", None, None, None, "BTP"), ("B", None, None, None, "BTP"), ("C", None, None, None, "BTP"))
    params = BehaviourParams()
    text = rk.habits_headline(behaviour, it, params)
    assert text.startswith(f"**Clients ouverts qui paient d'habitude en retard (plus de 15 jours après l'échéance) : "
                           f"1, pour 1{TH}500,00{NBSP}€ d'encours** sur 2{TH}100,00{NBSP}€.")
    assert "Habitude propre (au moins 5 règlements sur 2 ans) : 1 des 3 clients ouverts" in text
    classes = rk.class_table(behaviour, it)
    assert classes.values.tolist() == [["léger retard", 1, f"500,00{NBSP}€"], ["en retard", 1, f"1{TH}500,00{NBSP}€"],
                                       ["inconnu", 1, f"100,00{NBSP}€"]]
    rows = rk.habit_rows(behaviour, it, cust, params)
    screen = rk.habits_screen(rows, top=1)                               # A only, then every customer's total
    assert screen["Client"].tolist() == ["A – Client A", "Total"]
    assert screen.iloc[-1]["Encours TTC"] == f"2{TH}100,00{NBSP}€"
    assert screen.iloc[-1]["Habitude"].startswith("3 clients ouverts (tous dans encaissements.xlsx")
    assert rows["customer_id"].tolist() == ["A", "B", "C"]               # largest open balance first
    assert rows.loc[0, "habit"] == (f"Paie en moyenne 23 j après l'échéance (médiane 20 j après l'échéance), 25{NBSP}% "
                                    "du montant réglé à l'heure, en dégradation de 9 j sur 3 mois.")
    assert rows.loc[1, "habit"].startswith("Historique insuffisant (1 règlement seulement) : habitudes de l'ensemble")
    assert rows.loc[2, "habit"] == "Aucun règlement connu : pas d'habitude de paiement à ce jour."


def insured():
    it = items(("A", "FA1", "2026-06-01", "2026-07-01", 600_000), ("A", "FA3", "2026-07-08", "2026-08-07", 200_000),
               ("A", "FA2", "2026-07-10", "2026-08-09", 300_000), ("D", "FD1", "2026-01-01", "2026-02-01", 900_000))
    cust = customers(("A", 1_000_000, "Coface", None, "BTP"), ("D", None, None, None, "BTP"))
    return insurance_status(it, cust, AS_OF, POLICY), it


def test_insurance_sentences_and_deadlines_in_order():
    ins, it = insured()
    text = ri.headline(ins, it)
    # A owes 11 000 € of the book's 20 000 € (55 %), 1 000 € above its 10 000 € limit
    assert text.startswith(f"**Clients assurés : 1, 11{TH}000,00{NBSP}€ d'encours (55,0{NBSP}% du portefeuille)** ; "
                           f"1{TH}000,00{NBSP}€ au-delà des limites garanties (1 client, non couverts)")
    assert "**1 facture au délai dépassé**" in text
    assert f"**1 à déclarer sous peu**, pour 8{TH}000,00{NBSP}€ TTC." in text
    full = ri.deadlines_table(ins)
    table = full.iloc[:-1]
    assert full.iloc[-1][["Client", "Assureur", "Solde TTC"]].tolist() == ["Total", "2 factures", f"8{TH}000,00{NBSP}€"]
    assert table["N° pièce"].tolist() == ["FA1", "FA3"]                  # missed, then due soon; FA2 is ok
    assert table["État"].tolist() == ["délai dépassé : garantie perdue", "à déclarer sous peu"]
    assert table["Déclaration au plus tard"].tolist() == ["29/10/2026", "05/12/2026"]
    assert ri.exposure_table(ins)["Au-delà de la limite"].tolist() == [f"1{TH}000,00{NBSP}€"] * 2   # A, then the total
    assert ri.exposure_table(ins).iloc[-1]["Assureur"] == "1 client"
    figure = ri.key_figures(ins, it)[0]
    assert figure.value == 800_000 and figure.text in text         # FA1 6 000 € + FA3 2 000 €
    assert figure.note == f"1 délai dépassé, 1 sous peu ; 55,0{NBSP}% du portefeuille assuré"
    assert "120 jours à compter de la facture, 180 jours pour le segment Export" in ri.policy_text(POLICY)


def performance() -> pd.DataFrame:
    ends = pd.to_datetime(["2026-11-13", "2026-11-20"])
    rows = []
    for collector, calls in (("Ana", (3, 5)), ("Bob", (0, 2))):
        for end, n in zip(ends, calls):
            row = dict.fromkeys(PERFORMANCE_COLUMNS, 0)
            row.update(week_start=end - pd.Timedelta(days=6), calls=n, contacts=n, collected_cents=n * 10_000,
                       days_reminder_to_payment=np.nan, dso=40.0)
            rows.append((collector, end, row))
    frame = pd.DataFrame([r for _, _, r in rows], columns=list(PERFORMANCE_COLUMNS))
    frame.index = pd.MultiIndex.from_tuples([(c, e) for c, e, _ in rows], names=["collector", "week_end"])
    return frame


def test_collector_sentences_and_sheet(tmp_path):
    perf = performance()
    summary = collector_summary(perf, rcol.WEEKS)
    span = rcol.span_text(perf)
    assert span == "du 07/11/2026 au 20/11/2026"
    text = rcol.headline(summary, span)
    assert text.startswith(f"**1{TH}000,00{NBSP}€ encaissés dans les 14 jours qui ont suivi un appel** du "
                           "07/11/2026 au 20/11/2026 : 10 appels, 10 contacts joints, 0 promesse obtenue pour 0,00")
    table = rcol.summary_table(summary)
    assert table.loc["Ana", "Appels"] == 8 and table.loc["Ana", "Taux de contact"] == f"100{NBSP}%"
    assert table.loc["Bob", "Promesses tenues (part)"] == ""             # no judged promise: no rate
    figure = rcol.key_figures(summary, span)[0]
    assert (figure.value, figure.heading) == (100_000, rcol.HEADING) and figure.text in text

    path = rk.write_cash(tmp_path / rk.WORKBOOK, forecast(), rk.Backtest(backtest_frame(4, 1, 9_000, 15_000, 10_000),
                                                                         backtest_frame(13, 0, 0, 0, 0)),
                         pd.DataFrame(columns=list(rk.HABIT_HEADERS)),
                         more=[*ri.sheets(insured()[0], AS_OF), rcol.performance_sheet(perf)])
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == [rk.SHEET_WEEKS, rk.SHEET_ITEMS, rk.SHEET_BACKTEST, rk.SHEET_HABITS, ri.SHEET_CUSTOMERS,
                             ri.SHEET_DEADLINES, rcol.SHEET]
    weeks = list(wb[rk.SHEET_WEEKS].iter_rows(values_only=True))
    assert weeks[2][:4] == ("Semaine", "Après le", "Jusqu'au", "Encaissement prévu")
    assert [r[3] for r in weeks[3:]] == [1000.0, 500.5, 1500.5]          # the two weeks, then their total
    perf_rows = list(wb[rcol.SHEET].iter_rows(values_only=True))
    body = [r for r in perf_rows[3:] if r[0] not in (None, "Total")]
    assert [(r[0], r[perf_rows[2].index("Appels")]) for r in body] == [("Ana", 3), ("Ana", 5), ("Bob", 0), ("Bob", 2)]
    deadlines = list(wb[ri.SHEET_DEADLINES].iter_rows(values_only=True))
    assert [r[deadlines[2].index("N° pièce")] for r in deadlines[3:] if r[0] != "Total"] == ["FA1", "FA3", "FA2"]


def test_the_notebook_carries_the_headings_the_index_links_to():
    nb = nbformat.read(NOTEBOOKS_DIR / "cash.ipynb", as_version=4)
    headings = [line.lstrip("#").strip() for c in nb.cells if c.cell_type == "markdown"
                for line in c.source.splitlines() if line.startswith("#")]
    assert headings == [rk.TITLE, rk.HABITS_HEADING, rk.FORECAST_HEADING, rk.BACKTEST_HEADING, ri.HEADING, rcol.HEADING,
                        "Classeur Excel"]
