"""Cash-in for people (« Encaissements »): each customer's payment habit, the 13-week cash-in
forecast beside what the past weeks collected, the forecast's backtest against the naive
baseline; the screen tables, the sentences, the index's figures and ``encaissements.xlsx``
(with the credit-insurance and collector sheets of :mod:`.insurance` and :mod:`.collectors`).

The figures are computed by :mod:`relance_analytics.metrics` (payments, behaviour, forecast);
this module only gathers their inputs (:func:`payment_history`) and says them in French.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..context import Context
from ..french import plural
from ..io.excel import Sheet, write_workbook
from ..io.fec import FecLedger
from ..io.tables import read_disputes, read_sales
from ..journal import Journal
from ..metrics.behaviour import CLASSES, BehaviourParams
from ..metrics.forecast import CashForecast, backtest, wape
from ..metrics.payments import payments_from_fec, payments_from_snapshots
from ..metrics.promises import evaluate_promises
from ..text.behaviour import FORECAST_BASIS, PAYER_CLASSES, behaviour_text
from .common import count, euros, markdown_text, percent, with_total
from .index import KeyFigure
from .legal import fec_ledger

TITLE = "Encaissements"
HABITS_HEADING = "Habitudes de paiement"
FORECAST_HEADING = "Prévision d'encaissements à 13 semaines"
BACKTEST_HEADING = "La prévision mise à l'épreuve de l'historique"
WORKBOOK = "encaissements.xlsx"
#: Weeks of the backtest's short and long errors.
SHORT, LONG = 4, 13

SHEET_WEEKS = "Prévision par semaine"
SHEET_ITEMS = "Factures prévues"
SHEET_BACKTEST = "Contrôle sur l'historique"
SHEET_HABITS = "Habitudes de paiement"

WEEK_HEADERS = {"week": "Semaine", "start": "Après le", "end": "Jusqu'au", "expected_cents": "Encaissement prévu",
                "low_cents": "Hypothèse basse", "high_cents": "Hypothèse haute"}
ITEM_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "document_id": "N° pièce", "due_date": "Échéance",
    "amount_cents": "Solde TTC", "expected": "Règlement attendu le", "low": "Au plus tôt", "high": "Au plus tard",
    "week": "Semaine", "basis": "Fondement",
}
BACKTEST_HEADERS = {"as_of": "Prévision faite le", "week": "Semaine", "forecast_cents": "Prévu",
                    "baseline_cents": "Référence (paiement à l'échéance)", "actual_cents": "Encaissé"}
HABIT_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "open_cents": "Encours TTC",
    "payer_class": "Profil de payeur", "payments": "Règlements connus", "paid_cents": "Montant réglé connu",
    "median_days": "Retard médian (j)", "mean_days": "Retard moyen (j)", "on_time_share": "Part réglée à l'heure",
    "trend_days": "Évolution du retard (j)", "promises_kept": "Promesses tenues",
    "promises_broken": "Promesses non tenues", "habit": "Habitude",
}


# --- the payments the habits rest on --------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentHistory:
    """The payments the habits are read from: the FEC's lettering dates when a FEC is named in
    ``relance.toml`` (``fec``: its file name), else the stored snapshots (each payment dated in
    the middle of the span between the two snapshots that saw it go, ``snapshots`` of them)."""

    payments: pd.DataFrame
    fec: str | None
    snapshots: int


def payment_history(snapshots: Mapping[pd.Timestamp, pd.DataFrame], ledger: FecLedger | None) -> PaymentHistory:
    """The payment history of the run (see :class:`PaymentHistory`)."""
    if ledger is not None:
        with np.errstate(invalid="ignore"):          # unpaid invoices have no delay yet
            return PaymentHistory(payments_from_fec(ledger.payments()), ledger.path.name, len(snapshots))
    return PaymentHistory(payments_from_snapshots(snapshots, bound="midpoint"), None, len(snapshots))


def source_text(history: PaymentHistory) -> str:
    """Where the payment dates come from (Markdown)."""
    n = len(history.payments)
    if history.fec is not None:
        return (f"{count(n)} règlements datés par le lettrage du FEC « {markdown_text(history.fec)} » "
                "(`[exports] fec` de relance.toml) : le jour exact où chaque facture a été soldée.")
    return (f"{count(n)} règlements lus dans les {count(history.snapshots)} balances intégrées : une facture qui "
            "quitte la balance a été réglée entre les deux exports, datée au milieu de l'intervalle. Nommez le FEC "
            "dans `[exports] fec` de relance.toml pour des dates exactes.")


@dataclass(frozen=True)
class CashInputs:
    """What the page reads besides the context: every snapshot up to the as-of date, the payment
    history, the journal's actions up to it and the promises they hold, the open disputes and the
    sales (``None`` when the file is absent)."""

    snapshots: dict[pd.Timestamp, pd.DataFrame]
    history: PaymentHistory
    actions: pd.DataFrame
    promises: pd.DataFrame
    disputes: pd.DataFrame | None
    sales: pd.DataFrame | None


def cash_inputs(ctx: Context) -> CashInputs:
    """Read the page's inputs from the context's workspace and data folder."""
    snapshots = ctx.store.up_to(ctx.as_of)
    with Journal.open(ctx.store.workspace) as journal:
        actions = journal.actions(until=ctx.as_of)
    disputes_file, sales_file = ctx.data_dir / "disputes.xlsx", ctx.data_dir / "sales.xlsx"
    return CashInputs(snapshots, payment_history(snapshots, fec_ledger(ctx.settings, ctx.customers)), actions,
                      evaluate_promises(actions, snapshots, ctx.as_of),
                      read_disputes(disputes_file) if disputes_file.is_file() else None,
                      read_sales(sales_file) if sales_file.is_file() else None)


# --- habits ------------------------------------------------------------------------------------------------


def _open_by_customer(items: pd.DataFrame) -> pd.Series:
    return items["amount_cents"].groupby(items["customer_id"].astype(str).to_numpy()).sum()


def class_table(behaviour: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Customers and open amount per payer class (customers with an open balance), in class order."""
    open_cents = _open_by_customer(items)
    classes = behaviour["payer_class"].reindex(open_cents.index).fillna("unknown")
    rows = []
    for code, label in PAYER_CLASSES.items():
        mine = open_cents[(classes == code).to_numpy()]
        if len(mine):
            rows.append((label, len(mine), int(mine.sum())))
    return pd.DataFrame(rows, columns=["Profil de payeur", "Clients", "Encours TTC"]).assign(
        **{"Encours TTC": lambda f: [euros(int(v)) for v in f["Encours TTC"]]})


def habits_headline(behaviour: pd.DataFrame, items: pd.DataFrame, params: BehaviourParams) -> str:
    """The section's first sentence (Markdown): how many customers pay late, with how much open."""
    open_cents = _open_by_customer(items)
    known = behaviour.reindex(open_cents.index)
    late = known["payer_class"].isin(["late", "very_late"]).to_numpy()
    own = known["source"].eq("customer").to_numpy()
    return (f"**Clients ouverts qui paient d'habitude en retard (plus de {CLASSES[1][0]} jours après l'échéance) : "
            f"{count(int(late.sum()))}, pour {euros(int(open_cents[late].sum()))} d'encours** sur "
            f"{euros(int(open_cents.sum()))}. Habitude propre (au moins {params.min_payments} règlements sur "
            f"{params.history_days // 365} ans) : {count(int(own.sum()))} des {count(len(open_cents))} clients "
            "ouverts ; les autres prennent celle de leur segment, à défaut celle de l'ensemble des clients.")


def habit_rows(behaviour: pd.DataFrame, items: pd.DataFrame, customers: pd.DataFrame,
               params: BehaviourParams) -> pd.DataFrame:
    """Per customer with an open balance (largest first): its habit in figures and in a sentence."""
    open_cents = _open_by_customer(items)
    table = behaviour.reindex(open_cents.index).assign(open_cents=open_cents.astype("int64"))
    cust = customers.set_index(customers["customer_id"].astype(str))
    segment = cust["segment"].astype("string") if "segment" in cust else pd.Series(dtype="string")
    table["customer_name"] = cust["customer_name"].reindex(table.index).astype("string").to_numpy()
    table["habit"] = [behaviour_text(row, params.trend_months, segment.get(cid) if cid in segment.index else None)
                      for cid, row in table.iterrows()]
    table["payer_class"] = table["payer_class"].map(PAYER_CLASSES).to_numpy()
    for col in ("median_days", "mean_days", "trend_days"):
        table[col] = table[col].astype("float64").round(1)
    for col in ("promises_kept", "promises_broken"):
        table[col] = (table[col] if col in table else pd.Series(0, index=table.index)).fillna(0).astype("int64")
    table = table.rename_axis("customer_id").reset_index()
    table = table.sort_values(["open_cents", "customer_id"], ascending=[False, True], kind="stable")
    return table[list(HABIT_HEADERS)].reset_index(drop=True)


def habits_screen(rows: pd.DataFrame, top: int) -> pd.DataFrame:
    """The screen table: the ``top`` largest open balances with their habit, then the total of every
    open customer."""
    head = rows.head(top)
    table = pd.DataFrame({
        "Client": [f"{c} – {n}" for c, n in zip(head["customer_id"], head["customer_name"].fillna(""))],
        "Encours TTC": [euros(int(v)) for v in head["open_cents"]], "Profil": head["payer_class"].to_numpy(),
        "Habitude": head["habit"].to_numpy()})
    return with_total(table, {"Encours TTC": euros(int(rows["open_cents"].sum())),
                              "Habitude": f"{plural(len(rows), 'client ouvert', 'clients ouverts')} (tous dans "
                                          f"{WORKBOOK}, feuille « {SHEET_HABITS} »)"})


# --- forecast ----------------------------------------------------------------------------------------------


def forecast_headline(fc: CashForecast) -> str:
    """The section's first sentence (Markdown): what comes in over the horizon, and what does not."""
    t = fc.totals.iloc[0]
    weeks = fc.weeks
    first = fc.weeks.iloc[: SHORT]
    return (f"**{euros(int(t['forecast_cents']))} d'encaissements attendus sur les {len(weeks)} semaines du "
            f"{weeks['start'].iloc[0] + pd.Timedelta(days=1):%d/%m/%Y} au {weeks['end'].iloc[-1]:%d/%m/%Y}**, dont "
            f"{euros(int(first['expected_cents'].sum()))} sur les {SHORT} premières, sur "
            f"{euros(int(t['open_cents']))} de factures ouvertes ; {euros(int(t['later_cents']))} attendus plus tard "
            f"et {euros(int(t['outside_cents']))} hors prévision (factures en litige ou clients en procédure "
            "collective).")


def forecast_table(fc: CashForecast) -> pd.DataFrame:
    """The screen table: one row per week, with the band."""
    w = fc.weeks
    return pd.DataFrame({
        "Semaine": w.index.to_numpy(), "Du": [f"{d + pd.Timedelta(days=1):%d/%m}" for d in w["start"]],
        "Au": [f"{d:%d/%m/%Y}" for d in w["end"]],
        "Prévu": [euros(int(v)) for v in w["expected_cents"]],
        "Hypothèse basse": [euros(int(v)) for v in w["low_cents"]],
        "Hypothèse haute": [euros(int(v)) for v in w["high_cents"]]})


def basis_table(fc: CashForecast) -> pd.DataFrame:
    """How many invoices, and how much, each basis of the expected dates covers."""
    items = fc.items
    grouped = items.groupby(items["basis"].astype(str), sort=False)["amount_cents"].agg(["size", "sum"])
    order = [b for b in FORECAST_BASIS if b in grouped.index]
    return pd.DataFrame({"Date attendue tirée de": [FORECAST_BASIS[b] for b in order],
                         "Factures": [int(grouped.loc[b, "size"]) for b in order],
                         "Solde TTC": [euros(int(grouped.loc[b, "sum"])) for b in order]})


# --- backtest ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    """The backtests over weeks 1…``SHORT`` and 1…``LONG`` (:func:`~relance_analytics.metrics.forecast.backtest`
    frames, empty when the history is too short)."""

    short: pd.DataFrame
    long: pd.DataFrame


def run_backtest(snapshots: Mapping[pd.Timestamp, pd.DataFrame], history: PaymentHistory,
                 customers: pd.DataFrame) -> Backtest:
    """Replay the forecast at every stored date with enough weeks after it (:class:`Backtest`)."""
    dates = sorted(snapshots)
    return Backtest(*(backtest(snapshots, dates, weeks, history.payments, customers) for weeks in (SHORT, LONG)))


def backtest_rows(bt: Backtest) -> list[tuple[str, int, float, float]]:
    """(label, as-of dates, forecast error, baseline error) for each horizon with data."""
    out = []
    for label, weeks, frame in ((f"semaines 1 à {SHORT}", SHORT, bt.short), (f"semaines 1 à {LONG}", LONG, bt.long)):
        if len(frame) and frame["actual_cents"].sum() > 0:
            out.append((label, int(frame["as_of"].nunique()), wape(frame, "forecast_cents", weeks),
                        wape(frame, "baseline_cents", weeks)))
    return out


def backtest_table(bt: Backtest) -> pd.DataFrame:
    """The screen table: the error of the forecast and of the baseline over each horizon."""
    rows = backtest_rows(bt)
    return pd.DataFrame({
        "Horizon": [r[0] for r in rows], "Prévisions rejouées": [r[1] for r in rows],
        "Erreur de la prévision": [percent(r[2]) for r in rows],
        "Erreur de la référence (paiement à l'échéance)": [percent(r[3]) for r in rows],
        "Erreur réduite de": [percent(1 - r[2] / r[3]) if r[3] > 0 else "" for r in rows]})


def backtest_text(bt: Backtest) -> str:
    """What the backtest shows (Markdown), or why it could not run."""
    rows = backtest_rows(bt)
    if not rows:
        return (f"L'historique est trop court pour rejouer la prévision : il faut au moins {SHORT + 1} balances "
                "hebdomadaires consécutives.")
    label, n, err, base = rows[0]
    way = "plus juste" if err < base else "moins juste"
    return (f"Rejouée à {plural(n, 'date passée', 'dates passées')} avec ce qui était connu à chacune, la prévision "
            "s'est trompée de "
            f"**{percent(err)}** des montants encaissés sur les {label} (erreur absolue pondérée), contre "
            f"{percent(base)} pour la référence qui suppose chaque facture payée à son échéance : {way} que la "
            "référence.")


# --- the index and the workbook ----------------------------------------------------------------------------


def key_figures(fc: CashForecast, bt: Backtest) -> list[KeyFigure]:
    """The index's figures: the next four weeks' expected cash-in, the forecast's past error."""
    first = int(fc.weeks["expected_cents"].iloc[:SHORT].sum())
    rows = backtest_rows(bt)
    note = (f"erreur passée {percent(rows[0][2])} (référence {percent(rows[0][3])})" if rows
            else "historique trop court pour la mesurer")
    return [KeyFigure("cash_in_4_weeks", f"Encaissements attendus sur {SHORT} semaines", first, "euros", "cash",
                      FORECAST_HEADING, note)]


def write_cash(path: str | Path, fc: CashForecast, bt: Backtest, habits: pd.DataFrame,
               more: Sequence[Sheet] = ()) -> Path:
    """``encaissements.xlsx``: the forecast per week and per invoice, the backtest, the habits, then
    ``more`` sheets (credit insurance, collectors)."""
    when = f"au {fc.as_of:%d/%m/%Y}"
    items = fc.items.assign(basis=fc.items["basis"].map(FORECAST_BASIS),
                            week=fc.items["week"].astype("int64").where(fc.items["week"] > 0))
    items = items.sort_values(["expected", "customer_id", "document_id"], kind="stable", na_position="last")
    backtest = pd.concat([bt.short.assign(horizon=SHORT), bt.long.assign(horizon=LONG)], ignore_index=True)
    return write_workbook(path, [
        Sheet(SHEET_WEEKS, fc.weeks.reset_index()[list(WEEK_HEADERS)], headers=WEEK_HEADERS,
              money=["expected_cents", "low_cents", "high_cents"], dates=["start", "end"], total_label="Total",
              title=f"Encaissements attendus des factures ouvertes {when}, semaine par semaine (la semaine k va du "
                    "lendemain de « Après le » à « Jusqu'au » inclus)"),
        Sheet(SHEET_ITEMS, items[list(ITEM_HEADERS)], headers=ITEM_HEADERS, money=["amount_cents"],
              dates=["due_date", "expected", "low", "high"], total_label="Total",
              title=f"Factures ouvertes {when} et leur date de règlement attendue (semaine vide : au-delà de 13 "
                    "semaines ou hors prévision)"),
        Sheet(SHEET_BACKTEST, backtest[["horizon", *BACKTEST_HEADERS]],
              headers={"horizon": "Horizon (semaines)", **BACKTEST_HEADERS},
              money=["forecast_cents", "baseline_cents", "actual_cents"], dates=["as_of"],
              title="La prévision rejouée aux dates passées, semaine par semaine, face à la référence et à "
                    "l'encaissé"),
        Sheet(SHEET_HABITS, habits, headers=HABIT_HEADERS, money=["open_cents", "paid_cents"],
              percent=["on_time_share"], sum_columns=["payments", "promises_kept", "promises_broken"],
              total_label="Total",
              title=f"Habitudes de paiement des clients ouverts {when}"),
        *more,
    ])
