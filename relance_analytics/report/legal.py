"""The legal figures for people (« Chiffres légaux »): late-payment penalties and indemnities due
(L441-10, D441-5), the penalties to invoice on invoices paid late, the legal payment terms
(L441-10 I), the D441-6 table at the last fiscal close; the screen tables, the sentences, the
index's figures and the ``chiffres_legaux.xlsx`` workbook.

The figures are computed by :mod:`relance_analytics.metrics` (penalties, payments, terms
compliance, d441); this module only gathers their inputs (:func:`period_payments`,
:func:`closing_items`) and says them in French.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Settings
from ..dates import DateLike, as_date
from ..errors import InputWarning, SnapshotMissing
from ..io.excel import Sheet, write_workbook
from ..io.fec import FecLedger, load_fec
from ..metrics.d441 import COLUMNS as D441_COLUMNS
from ..metrics.d441 import TOTAL_OVERDUE, PaymentDelaysTable, fiscal_close, snapshot_for_close
from ..metrics.payments import empty_payments, payments_from_fec, payments_from_snapshots
from ..metrics.penalties import FLOOR_MULTIPLE, MARGIN, Penalties, PenaltyParams
from ..metrics.terms_compliance import PaymentTermCaps, TermsCompliance, TermsVsPayments
from ..store import SnapshotStore
from .common import count, days, euros, markdown_text, percent
from .index import KeyFigure
from .legal_tables import BUCKET_HEADERS, ROW_AMOUNT, ROW_COUNT, ROW_SHARE

#: The page's title and the headings of its sections (the index links its figures to them).
TITLE = "Chiffres légaux"
PENALTIES_HEADING = "Pénalités de retard et indemnités"
PAID_LATE_HEADING = "Pénalités à facturer sur les règlements en retard"
TERMS_HEADING = "Délais de paiement (L441-10 I)"
D441_HEADING = "Tableau D441-6"
#: The workbooks the page writes.
WORKBOOK = "chiffres_legaux.xlsx"
D441_WORKBOOK = "delais_paiement.xlsx"
#: Weeks of payments the page looks back over.
PERIOD_WEEKS = 13

SHEET_ITEMS = "Pénalités par facture"
SHEET_CUSTOMERS = "Pénalités par client"
SHEET_PAID_LATE = "Règlements en retard"
SHEET_PAID_LATE_CUSTOMERS = "À facturer par client"
SHEET_TERMS = "Conformité des délais"
SHEET_NON_COMPLIANT = "Factures hors délai"

YES, NO = "oui", "non"

ITEM_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "document_id": "N° pièce",
    "due_date": "Échéance", "on": "Retard compté jusqu'au", "days_late": "Jours de retard",
    "amount_cents": "Solde TTC", "rate_text": "Taux appliqué", "penalty_cents": "Pénalités",
    "indemnity_cents": "Indemnité forfaitaire", "total_cents": "Total dû", "estimated": "Taux estimé",
    "below_floor": "Taux contractuel relevé au plancher",
}
PAID_HEADERS = {
    **ITEM_HEADERS, "on": "Date de règlement retenue", "amount_cents": "Montant réglé",
    "bound": "Date de règlement", "total_cents": "Total à facturer",
}
CUSTOMER_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "invoices": "Factures en retard",
    "amount_cents": "Solde TTC en retard", "penalty_cents": "Pénalités", "indemnity_cents": "Indemnités",
    "total_cents": "Total dû",
}
PAID_CUSTOMER_HEADERS = {**CUSTOMER_HEADERS, "invoices": "Règlements en retard",
                         "amount_cents": "Montant réglé en retard", "total_cents": "Total à facturer"}
TERMS_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "invoices": "Factures ouvertes",
    "non_compliant": "Hors délai légal", "non_compliant_share": "Part hors délai (nombre)",
    "amount_cents": "Solde TTC", "non_compliant_cents": "Solde hors délai",
    "non_compliant_amount_share": "Part hors délai (montant)", "agreed_days_mean": "Délai convenu moyen (j)",
    "agreed_days_max": "Délai convenu max (j)",
    "excess_days_max": "Dépassement max (j)", "paid": "Factures réglées (période)",
    "actual_days_mean": "Délai de paiement constaté moyen (j)", "days_late_mean": "Retard moyen au règlement (j)",
    "paid_late_share": "Part réglée après l'échéance",
}
NON_COMPLIANT_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "document_id": "N° pièce",
    "document_date": "Date pièce", "due_date": "Échéance", "amount_cents": "Solde TTC",
    "agreed_days": "Délai convenu (j)", "limit_date": "Échéance au plus tard (légale)",
    "excess_days": "Dépassement (j)",
}
#: How a payment's date was obtained (``bound`` of :mod:`relance_analytics.metrics.payments`).
BOUND_LABELS = {"exact": "date de lettrage du FEC", "earliest": "lendemain de la balance précédente",
                "midpoint": "milieu de l'intervalle entre deux balances"}


# --- rates ---------------------------------------------------------------------------------------------


def rate_text(millionths: int) -> str:
    """A rate in millionths as French percent, exactly: 121 500 → ``12,15 %``, 21 500 → ``2,15 %``."""
    value = Decimal(int(millionths)).scaleb(-4)
    text = f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else f"{value.normalize():f}"
    return text.replace(".", ",") + "\u00a0%"


def half_year_label(start: pd.Timestamp) -> str:
    """``2026-07-01`` → ``2e semestre 2026``."""
    return f"{'1er' if start.month == 1 else '2e'} semestre {start.year}"


def _table_rate(table: pd.DataFrame, start: pd.Timestamp) -> tuple[int, bool]:
    """The rate of the half-year opening on ``start`` in a rate table and whether the table has it
    (else the last known rate before it, as the penalties take it)."""
    known = table[table["start"] <= start]
    if known.empty:
        return 0, False
    row = known.iloc[-1]
    return int(row["rate"]), bool(row["start"] == start)


def _contract(params: PenaltyParams, customer_id: str) -> int | None:
    return params.customer_rates.get(customer_id, params.contractual)


def _basis(params: PenaltyParams, customer_id: str, start: pd.Timestamp) -> str:
    """Which rate an invoice of ``customer_id`` bears in the half-year opening on ``start``."""
    contract = _contract(params, customer_id)
    if contract is None:
        return "taux BCE + 10 points"
    legal, _ = _table_rate(params.legal, start)
    if contract < FLOOR_MULTIPLE * legal:
        return "plancher : 3 × taux d'intérêt légal"
    return "taux contractuel"


def rates_table(penalties: Penalties, params: PenaltyParams) -> pd.DataFrame:
    """The rates the penalties were computed with, one row per half-year and rate (French): the
    ECB rate of the half-year (or the legal interest rate behind a floor), the rate applied, its
    basis, the invoices bearing it and whether the rate table had that half-year."""
    rows: dict[tuple[pd.Timestamp, int, str], set[tuple[str, str]]] = {}
    items = penalties.items
    for cid, doc, segments in zip(items["customer_id"].astype(str), items["document_id"].astype(str),
                                  items["segments"]):
        for start, rate, _ in segments:
            key = (pd.Timestamp(start), int(rate), _basis(params, cid, pd.Timestamp(start)))
            rows.setdefault(key, set()).add((cid, doc))
    out = []
    for (start, rate, basis), invoices in sorted(rows.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ecb, ecb_known = _table_rate(params.ecb, start)
        legal, legal_known = _table_rate(params.legal, start)
        known = ecb_known if basis.startswith("taux BCE") else legal_known
        out.append({"Semestre": half_year_label(start), "Taux BCE au 1er jour": rate_text(ecb),
                    "Taux d'intérêt légal (professionnels)": rate_text(legal), "Taux appliqué": rate_text(rate),
                    "Base": basis, "Factures": len(invoices),
                    "Taux du semestre": "connu" if known else "estimé : dernier taux connu"})
    columns = ["Semestre", "Taux BCE au 1er jour", "Taux d'intérêt légal (professionnels)", "Taux appliqué", "Base",
               "Factures", "Taux du semestre"]
    return pd.DataFrame(out, columns=columns).astype({"Factures": "int64"})


def estimated_warning(penalties: Penalties, params: PenaltyParams, what: str = "facture(s)") -> str:
    """A visible French warning (Markdown) when a half-year's rate was not in the rate table and
    the last known one was used (``what``: the rows counted, invoices or payments); ``""`` when
    every rate was known."""
    if not penalties.estimated:
        return ""
    contracts = params.contractual is not None or bool(params.customer_rates)
    parts, files = [], []
    for start in penalties.estimated:
        ecb, ecb_known = _table_rate(params.ecb, start)
        legal, legal_known = _table_rate(params.legal, start)
        if not ecb_known:
            parts.append(f"le taux BCE du {half_year_label(start)} n'est pas dans la table des taux (la table "
                         f"s'arrête au {half_year_label(params.ecb['start'].max())}) : le dernier taux connu, "
                         f"{rate_text(ecb)}, est appliqué, soit {rate_text(ecb + MARGIN)} de pénalités")
            files.append("`[legal] ecb_rates` (CSV « start,ecb_rate »)")
        if contracts and not legal_known:
            parts.append(f"le taux d'intérêt légal du {half_year_label(start)} n'est pas dans sa table : le plancher "
                         f"des taux contractuels est calculé sur le dernier connu, {rate_text(legal)}")
            files.append("`[legal] legal_rates` (CSV « start,legal_rate »)")
    invoices = int(penalties.items["estimated"].sum())
    return (f"> ⚠ **Taux estimé** : {' ; '.join(parts)}. Les pénalités de {count(invoices)} {what} sont "
            "provisoires. Dès le taux publié, complétez la table : fichier indiqué dans "
            f"{' et '.join(dict.fromkeys(files))} de relance.toml.")


def floor_text(penalties: Penalties, params: PenaltyParams) -> str:
    """Which rate applies (legal or contractual) and the invoices whose contractual rate was below
    the floor of three times the legal interest rate (raised to it), in French."""
    if params.contractual is None and not params.customer_rates:
        return ("Taux appliqué : le taux légal, taux BCE du semestre + 10 points (aucun taux contractuel dans "
                "`[legal]` de relance.toml) ; plus l'indemnité forfaitaire de recouvrement de "
                f"{euros(params.indemnity_cents)} par facture en retard.")
    general = (f"taux contractuel général {rate_text(params.contractual)}" if params.contractual is not None
               else "taux légal (BCE + 10 points) par défaut")
    special = f" ; {count(len(params.customer_rates))} taux contractuel(s) par client" if params.customer_rates else ""
    below = penalties.items[penalties.items["below_floor"].to_numpy(dtype=bool)]
    if below.empty:
        flag = "aucun taux contractuel n'est inférieur au plancher (3 × le taux d'intérêt légal)."
    else:
        flag = (f"**{count(len(below))} facture(s) de {count(below['customer_id'].nunique())} client(s) ont un taux "
                "contractuel inférieur au plancher légal (3 × le taux d'intérêt légal)** : le plancher leur est "
                "appliqué (liste ci-dessous et colonne « Taux contractuel relevé au plancher » du classeur).")
    return f"Taux appliqué : {general}{special} ; {flag}"


def below_floor_table(penalties: Penalties, params: PenaltyParams) -> pd.DataFrame:
    """The customers whose contractual rate is below the floor: their rate and the invoices raised."""
    below = penalties.items[penalties.items["below_floor"].to_numpy(dtype=bool)]
    g = below.groupby("customer_id", sort=True, observed=True)
    rows = [{"Code client": cid, "Raison sociale": _text(group["customer_name"].iloc[0]),
             "Taux contractuel": rate_text(_contract(params, str(cid)) or 0), "Factures": len(group),
             "Pénalités (au plancher)": euros(int(group["penalty_cents"].sum()))} for cid, group in g]
    return pd.DataFrame(rows, columns=["Code client", "Raison sociale", "Taux contractuel", "Factures",
                                       "Pénalités (au plancher)"])


def _text(value: object) -> str:
    return "" if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)) else str(value)


# --- penalties at the as-of date ----------------------------------------------------------------------


def penalty_totals(penalties: Penalties) -> dict[str, int]:
    """Penalties, indemnities, their total, the late invoices, their customers and open amount (cents)."""
    items = penalties.items
    penalty = int(items["penalty_cents"].sum())
    indemnity = int(items["indemnity_cents"].sum())
    return {"penalty": penalty, "indemnity": indemnity, "total": penalty + indemnity, "invoices": len(items),
            "indemnified": int((items["indemnity_cents"].to_numpy(dtype="int64") > 0).sum()),
            "customers": int(items["customer_id"].nunique()), "amount": int(items["amount_cents"].sum())}


def penalties_headline(penalties: Penalties, as_of: pd.Timestamp, params: PenaltyParams) -> str:
    """The section's figure in one French sentence (Markdown)."""
    t = penalty_totals(penalties)
    if not t["invoices"]:
        return f"**Aucune facture en retard au {as_of:%d/%m/%Y}** : ni pénalité ni indemnité due."
    return (f"**Pénalités de retard et indemnités dues au {as_of:%d/%m/%Y} : {euros(t['total'])}** : "
            f"{euros(t['penalty'])} de pénalités (L441-10) et {euros(t['indemnity'])} d'indemnités forfaitaires de "
            f"recouvrement ({euros(params.indemnity_cents)} × {count(t['indemnified'])} factures, D441-5), sur "
            f"{count(t['invoices'])} factures échues de {count(t['customers'])} clients "
            f"({euros(t['amount'])} TTC en retard).")


def customers_table(by_customer: pd.DataFrame, top: int | None = None, paid: bool = False) -> pd.DataFrame:
    """The customers owing the most (total penalties + indemnities), then the total of every
    customer, for the screen (French, euros)."""
    ranked = by_customer.assign(_id=by_customer.index.astype(str)).sort_values(
        ["total_cents", "_id"], ascending=[False, True], kind="stable").drop(columns="_id")
    shown = ranked.head(top) if top else ranked
    out = shown.reset_index()
    total = {"customer_id": "Total", "customer_name": f"{count(len(by_customer))} clients",
             **{c: int(by_customer[c].sum()) for c in ("invoices", "amount_cents", "penalty_cents", "indemnity_cents",
                                                        "total_cents")}}
    out = pd.concat([out, pd.DataFrame([total])], ignore_index=True)
    for col in ("amount_cents", "penalty_cents", "indemnity_cents", "total_cents"):
        out[col] = out[col].map(euros)
    out["invoices"] = out["invoices"].astype("int64")
    out["customer_name"] = out["customer_name"].map(_text)
    return out.rename(columns=PAID_CUSTOMER_HEADERS if paid else CUSTOMER_HEADERS)


# --- penalties on the payments of the period ----------------------------------------------------------


@dataclass(frozen=True)
class PeriodPayments:
    """The payments of a period and where their dates come from.

    ``claims``: the payments the penalties to invoice are computed on (the FEC's exact dates, else
    the snapshots' ``earliest`` bound); ``habits``: those the actual payment delays are measured
    on (exact, else the ``midpoint`` bound); ``invoices``: the invoices whose terms are set
    against them (the FEC's invoices, else every invoice open in a snapshot of the period);
    ``snapshots``: the snapshot dates read; ``fec``: the FEC's file name when one was used;
    ``undated``: the FEC's invoices paid in the period without a due date (no penalty computed)."""

    start: pd.Timestamp
    end: pd.Timestamp
    claims: pd.DataFrame
    habits: pd.DataFrame
    invoices: pd.DataFrame
    snapshots: tuple[pd.Timestamp, ...] = ()
    fec: str | None = None
    undated: int = 0

    @property
    def weeks(self) -> int:
        """The length of the period in whole weeks."""
        return ((self.end - self.start).days + 1) // 7


def period_bounds(as_of: DateLike, weeks: int = PERIOD_WEEKS) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The ``weeks`` weeks ending on ``as_of``: (first day, ``as_of``), both included."""
    end = as_date(as_of)
    return end - pd.Timedelta(weeks=weeks) + pd.Timedelta(days=1), end


def period_payments(store: SnapshotStore, as_of: DateLike, weeks: int = PERIOD_WEEKS,
                    ledger: FecLedger | None = None) -> PeriodPayments:
    """The payments of the ``weeks`` weeks ending on ``as_of``: from the FEC's lettering dates when
    a ``ledger`` is given, else from the stored snapshots (only those a payment of the period can
    be read from: the day before the period's first day onwards)."""
    start, end = period_bounds(as_of, weeks)
    if ledger is not None:
        with np.errstate(invalid="ignore"):     # days late of the unpaid invoices: NaT, said as NA
            paid = ledger.payments()
        exact = payments_from_fec(paid)
        when = exact["paid_on"].to_numpy(dtype="datetime64[s]")
        in_period = (when >= start.to_datetime64()) & (when <= end.to_datetime64())
        undated = int((in_period & exact["due_date"].isna().to_numpy()).sum())
        issued = paid["document_date"].to_numpy(dtype="datetime64[s]") <= end.to_datetime64()
        return PeriodPayments(start, end, exact[in_period].reset_index(drop=True),
                              exact[in_period].reset_index(drop=True),
                              paid[issued].assign(document_type="invoice").reset_index(drop=True),
                              fec=ledger.path.name, undated=undated)
    dates = [d for d in store.dates() if start - pd.Timedelta(days=1) <= d <= end]
    snapshots = {d: store.read(d) for d in dates}
    if len(snapshots) < 2:
        empty = empty_payments()
        invoices = next(iter(snapshots.values())) if snapshots else pd.DataFrame(
            columns=["customer_id", "document_id", "document_date", "due_date"])
        return PeriodPayments(start, end, empty, empty, invoices, tuple(dates))
    habits = payments_from_snapshots(snapshots, "midpoint")
    in_period = habits["paid_on"].between(start, end).to_numpy(dtype=bool)
    return PeriodPayments(start, end, payments_from_snapshots(snapshots, "earliest"),
                          habits[in_period].reset_index(drop=True),
                          pd.concat(list(snapshots.values()), ignore_index=True), tuple(dates))


def payment_source_text(period: PeriodPayments) -> str:
    """Where the payment dates of the period come from, and the bound taken (French, Markdown)."""
    if period.fec is not None:
        text = (f"Dates de règlement : dates de lettrage du FEC « {markdown_text(period.fec)} » (`[exports] fec` de "
                "relance.toml) : le jour exact où chaque facture a été soldée.")
        if period.undated:
            text += (f" {count(period.undated)} facture(s) réglée(s) sur la période n'ont pas d'échéance dans le FEC "
                     "(colonne DateEcheance) : pas de pénalité calculée pour elles.")
        return text
    if len(period.snapshots) < 2:
        return ("Moins de deux balances sur la période : aucun règlement ne peut être daté. Intégrez les exports "
                "hebdomadaires (ou indiquez un FEC dans `[exports] fec` de relance.toml).")
    return (f"Dates de règlement lues dans les {count(len(period.snapshots))} balances hebdomadaires du "
            f"{period.snapshots[0]:%d/%m/%Y} au {period.snapshots[-1]:%d/%m/%Y} : le jour exact d'un règlement "
            "n'est pas connu entre deux balances ; une facture dont le solde a baissé est comptée réglée "
            "**le lendemain de la balance précédente**, le premier jour possible : le moins de jours de retard, "
            "la borne prudente pour une réclamation. Indiquez un FEC (`[exports] fec` de relance.toml) pour les "
            "dates exactes de lettrage.")


def paid_late_headline(claims: Penalties, period: PeriodPayments) -> str:
    """The penalties to invoice on the invoices paid late in the period, in one sentence (Markdown)."""
    t = penalty_totals(claims)
    when = f"du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}"
    if not t["invoices"]:
        return f"**Aucun règlement en retard {when}** : rien à facturer."
    return (f"**Pénalités à facturer sur les règlements en retard {when} : {euros(t['total'])}** : "
            f"{euros(t['penalty'])} de pénalités et {euros(t['indemnity'])} d'indemnités forfaitaires "
            f"({count(t['indemnified'])} factures), sur {count(t['invoices'])} règlements en retard de "
            f"{count(t['customers'])} clients ({euros(t['amount'])} réglés après l'échéance).")


# --- payment terms ------------------------------------------------------------------------------------


def caps_text(caps: PaymentTermCaps) -> str:
    return f"{caps.days} jours à compter de la date de facture, ou {caps.eom_days} jours fin de mois"


def terms_headline(compliance: TermsCompliance, as_of: pd.Timestamp) -> str:
    """The non-compliant share of the open invoices (count and amount), in French (Markdown)."""
    t = compliance.total.iloc[0]
    judged = int(t["judged"])
    if not judged:
        return f"Aucune facture datée parmi les pièces ouvertes au {as_of:%d/%m/%Y} : délais non vérifiables."
    text = (f"**Factures ouvertes hors délai légal au {as_of:%d/%m/%Y} : {percent(t['non_compliant_share'])}** "
            f"({count(int(t['non_compliant']))} sur {count(judged)}), soit {euros(int(t['non_compliant_cents']))} et "
            f"{percent(t['non_compliant_amount_share'])} de leur montant. Délai convenu (échéance − date de facture) "
            f"moyen {days(t['agreed_days_mean'])}, le plus long {days(float(t['agreed_days_max']), 0)} ; plafond "
            f"légal : {caps_text(compliance.caps)}.")
    if int(t["undated"]):
        text += f" {count(int(t['undated']))} facture(s) sans date de pièce ne peuvent pas être vérifiées."
    return text


def habits_text(vs: TermsVsPayments, period: PeriodPayments) -> str:
    """The actual payment delays of the period against the agreed terms, in one sentence."""
    t = vs.total.iloc[0]
    if not int(t["paid"]):
        return "Aucun règlement daté sur la période : délais de paiement constatés non disponibles."
    bound = ("dates de lettrage du FEC" if period.fec is not None else
             "date de règlement estimée au milieu de l'intervalle entre deux balances")
    return (f"Sur les {count(int(t['paid']))} factures réglées du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} "
            f"({bound}) : délai de paiement constaté moyen {days(t['actual_days_mean'])} (règlement − date de facture) "
            f"pour un délai convenu moyen de {days(t['agreed_days_mean'])} ; {percent(t['paid_late_share'])} ont été "
            f"réglées après l'échéance, en moyenne {days(t['days_late_mean'])} après.")


def non_compliant_table(compliance: TermsCompliance, top: int | None = None) -> pd.DataFrame:
    """The customers with invoices beyond the legal cap, most money first (French)."""
    rows = compliance.by_customer[compliance.by_customer["non_compliant"] > 0]
    rows = rows.head(top) if top else rows
    out = rows.reset_index()[["customer_id", "customer_name", "non_compliant", "judged", "non_compliant_cents",
                              "agreed_days_max", "excess_days_max"]]
    out["customer_name"] = out["customer_name"].map(_text)
    out["non_compliant_cents"] = out["non_compliant_cents"].map(euros)
    for col in ("agreed_days_max", "excess_days_max"):
        out[col] = out[col].map(lambda v: "" if pd.isna(v) else days(float(v), 0))
    return out.rename(columns={**TERMS_HEADERS, "judged": "Factures datées"})


# --- the D441-6 table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Closing:
    """The open items standing for the last fiscal close before the as-of date.

    ``close``: the close (``None`` when ``relance.toml`` does not say when the year closes);
    ``items``: the canonical open items at the close (``None`` when none can stand for it);
    ``source``: where they come from (French); ``problem``: why there is no table (French,
    Markdown), with what to do."""

    close: pd.Timestamp | None
    items: pd.DataFrame | None
    source: str = ""
    problem: str = ""


def closing_command(close: pd.Timestamp, data_dir: Path | str) -> str:
    """The command that builds the D441-6 table from a FEC at the exact close."""
    return f"relance delais-paiement --cloture {close:%Y-%m-%d} --data {data_dir} --fec FEC.txt"


def closing_items(settings: Settings, store: SnapshotStore, as_of: DateLike, data_dir: Path | str,
                  ledger: FecLedger | None = None, customers: pd.DataFrame | None = None) -> Closing:
    """The open items at the last fiscal close on or before ``as_of`` (``[legal] fiscal_year_end``):
    rebuilt from the FEC at the exact close when a ``ledger`` is given, else the stored snapshot
    standing for it (:func:`~relance_analytics.metrics.d441.snapshot_for_close`)."""
    if settings.fiscal_year_end is None:
        return Closing(None, None, problem=(
            "> ⚠ **Tableau D441-6 non établi** : le jour de clôture de l'exercice n'est pas indiqué. Ajoutez-le "
            "dans relance.toml : `[legal]` puis `fiscal_year_end = \"30/09\"` (jour/mois)."))
    close = fiscal_close(settings.fiscal_year_end, as_of)
    if ledger is not None:
        return Closing(close, ledger.open_items(close, customers),
                       f"pièces ouvertes reconstituées depuis le FEC {ledger.path.name} à la date de clôture")
    try:
        used = snapshot_for_close(store.dates(), close)
    except SnapshotMissing as exc:
        return Closing(close, None, problem=(
            f"> ⚠ **Tableau D441-6 non établi pour la clôture du {close:%d/%m/%Y}** : {exc}.\n>\n"
            "> Reconstituez les pièces ouvertes à la date exacte de clôture depuis le FEC :\n>\n"
            f"> `{closing_command(close, data_dir)}`"))
    gap = (close - used).days
    source = (f"balance intégrée du {used:%d/%m/%Y}" if gap == 0 else
              f"balance intégrée du {used:%d/%m/%Y}, la dernière avant la clôture ({gap} jour{'s' if gap > 1 else ''} "
              "plus tôt) : pièces ouvertes à cette date, retards comptés à la date de clôture")
    return Closing(close, store.read(used), source)


def d441_headline(table: PaymentDelaysTable, closing: Closing) -> str:
    """The table's total in one French sentence (Markdown)."""
    overdue = table.by_bucket.loc[TOTAL_OVERDUE]
    share = percent(float(overdue["turnover_share"]))
    turnover = (f", soit {share} du chiffre d'affaires {table.basis} de l'exercice ({euros(table.turnover_cents)})"
                if share else " (chiffre d'affaires de l'exercice incomplet : pourcentages non calculés)")
    return (f"**Clôture du {table.close_date:%d/%m/%Y} : {count(int(overdue['invoices']))} factures émises échues non "
            f"réglées pour {euros(int(overdue['amount_cents']))} {table.basis}**{turnover} ; "
            f"{count(table.excluded_count)} factures en litige exclues ({euros(table.excluded_cents)}) ; délais de "
            f"référence : {table.reference_terms}. Pièces ouvertes : {markdown_text(closing.source)}.")


def d441_screen(table: PaymentDelaysTable) -> pd.DataFrame:
    """The table (A) as the official model lays it out, in French, for the screen."""
    rows = []
    for label, measure in ((ROW_COUNT, "invoices"), (ROW_AMOUNT.format(basis=table.basis), "amount_cents"),
                           (ROW_SHARE.format(basis=table.basis), "turnover_share")):
        row = {"(A) Tranches de retard de paiement": label}
        for code in D441_COLUMNS:
            value = table.by_bucket.at[code, measure]
            row[BUCKET_HEADERS[code]] = (count(int(value)) if measure == "invoices" else euros(int(value))
                                         if measure == "amount_cents" else percent(float(value), 2))
        rows.append(row)
    return pd.DataFrame(rows)


def d441_notes(closing: Closing) -> list[str]:
    """The notes the D441-6 workbook carries under the table (beside those of the table itself)."""
    return [f"Pièces ouvertes : {closing.source}."]


def d441_title(settings: Settings, close: pd.Timestamp) -> str:
    """The D441-6 workbook's title: the company, the article, the fiscal year's close."""
    company = f"{settings.company} — " if settings.company else ""
    return (f"{company}Délais de paiement clients (article D. 441-6 du code de commerce) — exercice clos le "
            f"{close:%d/%m/%Y}")


def fec_ledger(settings: Settings, customers: pd.DataFrame | None = None) -> FecLedger | None:
    """The FEC named in ``relance.toml`` (``[exports] fec``), read without repeating the warnings
    the weekly ingestion already said; ``None`` when there is none."""
    if not settings.fec:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", InputWarning)
        return load_fec(settings.fec, customers=customers)


# --- the index and the workbook -----------------------------------------------------------------------


def key_figures(penalties: Penalties, claims: Penalties, compliance: TermsCompliance,
                period: PeriodPayments) -> list[KeyFigure]:
    """The index's figures, as the section headlines state them: penalties and indemnities due,
    the penalties to invoice on the period's late payments, the share of open invoices beyond the
    legal terms."""
    due, paid = penalty_totals(penalties), penalty_totals(claims)
    t = compliance.total.iloc[0]
    estimated = " ; taux estimé (voir la page)" if penalties.estimated else ""
    share = float(t["non_compliant_share"]) if int(t["judged"]) else 0.0
    return [
        KeyFigure("penalties_due", "Pénalités et indemnités dues", due["total"], "euros", "legal", PENALTIES_HEADING,
                  f"{count(due['invoices'])} factures en retard{estimated}"),
        KeyFigure("paid_late_claims", f"À facturer sur les règlements en retard ({period.weeks} semaines)",
                  paid["total"], "euros", "legal", PAID_LATE_HEADING,
                  f"{count(paid['invoices'])} règlements en retard de {count(paid['customers'])} clients"),
        KeyFigure("non_compliant_share", "Factures hors délai légal", share, "percent", "legal", TERMS_HEADING,
                  f"{euros(int(t['non_compliant_cents']))} sur {count(int(t['judged']))} factures ouvertes"),
    ]


def _item_rows(penalties: Penalties) -> pd.DataFrame:
    """Per invoice (or payment) rows for a workbook: the rate text, the total, flags as oui/non."""
    items = penalties.items
    out = items.drop(columns=["segments", "rate_days"]).copy()
    out["rate_text"] = [" ; ".join(f"{rate_text(r)} ({half_year_label(pd.Timestamp(h))}, {d} j)" for h, r, d in s)
                        for s in items["segments"]]
    out["total_cents"] = out["penalty_cents"] + out["indemnity_cents"]
    for flag in ("estimated", "below_floor"):
        out[flag] = out[flag].map({True: YES, False: NO})
    if "bound" in out.columns:
        out["bound"] = out["bound"].map(lambda b: BOUND_LABELS.get(str(b), _text(b)))
    order = [c for c in PAID_HEADERS if c in out.columns]
    return out[order].sort_values(["customer_id", "due_date", "document_id", "on"], kind="stable")


def _customer_rows(by_customer: pd.DataFrame) -> pd.DataFrame:
    ranked = by_customer.assign(_id=by_customer.index.astype(str)).sort_values(
        ["total_cents", "_id"], ascending=[False, True], kind="stable").drop(columns="_id")
    return ranked.reset_index()[list(CUSTOMER_HEADERS)]


def _terms_rows(compliance: TermsCompliance, vs: TermsVsPayments) -> pd.DataFrame:
    """Per customer, the open invoices' terms (every customer with open invoices, the most money
    beyond the legal terms first), then the payments of the period (customers who paid in the
    period without open invoices left come last)."""
    habits = vs.by_customer[["paid", "actual_days_mean", "days_late_mean", "paid_late_share"]]
    extra = habits.index.difference(compliance.by_customer.index, sort=False)
    out = compliance.by_customer.join(habits, how="left")
    if len(extra):
        more = habits.loc[extra].assign(customer_name=vs.by_customer.loc[extra, "customer_name"])
        out = pd.concat([out, more])
    counts = ["invoices", "judged", "undated", "non_compliant", "amount_cents", "judged_cents", "undated_cents",
              "non_compliant_cents", "paid"]
    out[counts] = out[counts].fillna(0).astype("int64")
    for col in ("agreed_days_mean", "actual_days_mean", "days_late_mean"):
        out[col] = out[col].astype("float64").round(1)
    return out.reset_index()[[c for c in TERMS_HEADERS if c in out.reset_index().columns]]


MONEY = ["amount_cents", "penalty_cents", "indemnity_cents", "total_cents"]


def write_legal(path: str | Path, as_of: pd.Timestamp, penalties: Penalties, claims: Penalties,
                period: PeriodPayments, compliance: TermsCompliance, vs: TermsVsPayments) -> Path:
    """``chiffres_legaux.xlsx``: penalties and indemnities due per invoice and per customer, the
    late payments of the period with their penalties (per payment and per customer), the payment
    terms per customer and the open invoices beyond the legal terms."""
    when = f"au {as_of:%d/%m/%Y}"
    span = f"du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y}"
    estimated = " — taux estimé : voir la colonne « Taux estimé »" if penalties.estimated else ""
    non_compliant = compliance.invoices[compliance.invoices["compliant"].eq(False).fillna(False).to_numpy(dtype=bool)]
    return write_workbook(path, [
        Sheet(SHEET_ITEMS, _item_rows(penalties), headers=ITEM_HEADERS, money=MONEY, total_label="Total",
              dates=["due_date", "on"],
              title=f"Pénalités de retard (L441-10) et indemnités forfaitaires (D441-5) dues {when}{estimated}"),
        Sheet(SHEET_CUSTOMERS, _customer_rows(penalties.by_customer), headers=CUSTOMER_HEADERS, money=MONEY,
              sum_columns=["invoices"], total_label="Total", title=f"Pénalités et indemnités dues par client {when}"),
        Sheet(SHEET_PAID_LATE, _item_rows(claims), headers=PAID_HEADERS, money=MONEY, total_label="Total",
              dates=["due_date", "on"],
              title=f"Factures réglées en retard {span} : pénalités et indemnités à facturer"),
        Sheet(SHEET_PAID_LATE_CUSTOMERS, _customer_rows(claims.by_customer), headers=PAID_CUSTOMER_HEADERS,
              money=MONEY, sum_columns=["invoices"], total_label="Total",
              title=f"Pénalités et indemnités à facturer par client (règlements en retard {span})"),
        Sheet(SHEET_TERMS, _terms_rows(compliance, vs), headers=TERMS_HEADERS,
              money=["amount_cents", "non_compliant_cents"],
              percent=["non_compliant_share", "non_compliant_amount_share", "paid_late_share"],
              sum_columns=["invoices", "non_compliant", "paid"], total_label="Total",
              title=f"Délais de paiement par client (L441-10 I : {caps_text(compliance.caps)}) — factures ouvertes "
                    f"{when}, règlements {span}"),
        Sheet(SHEET_NON_COMPLIANT, non_compliant.reset_index(drop=True)[list(NON_COMPLIANT_HEADERS)],
              headers=NON_COMPLIANT_HEADERS, money=["amount_cents"], dates=["document_date", "due_date", "limit_date"],
              total_label="Total", title=f"Factures ouvertes {when} dont l'échéance dépasse le délai légal"),
    ])
