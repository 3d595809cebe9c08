"""Credit insurance for people (« Assurance-crédit »): the share of the book under cover, the
exposure above the insured limits, the threat-of-claim deadlines and their states (R14), as the
page, the index and ``encaissements.xlsx`` say them.

The figures are computed by :mod:`relance_analytics.metrics.insurance`; this module only says
them in French.
"""

from __future__ import annotations

import pandas as pd

from ..french import plural
from ..io.excel import Sheet
from ..metrics.insurance import STATES, Insurance, InsurancePolicy
from ..text.calllist import INSURANCE_STATES
from .common import count, euros, percent, with_total
from .index import KeyFigure

HEADING = "Assurance-crédit"
SHEET_CUSTOMERS = "Assurance par client"
SHEET_DEADLINES = "Déclarations assureur"

CUSTOMER_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "insurer": "Assureur",
    "insured_limit_cents": "Limite garantie", "open_cents": "Encours TTC",
    "exposure_cents": "Encours au-delà de la limite",
    "overdue_cents": "Échu TTC", **{s: f"Factures : {INSURANCE_STATES[s]}" for s in STATES},
}
INVOICE_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "insurer": "Assureur", "document_id": "N° pièce",
    "document_date": "Date pièce", "due_date": "Échéance", "amount_cents": "Solde TTC",
    "dmc_end": "Fin de la durée maximale de crédit", "deadline": "Déclaration au plus tard",
    "days_left": "Jours restants",
    "state": "État",
}
#: The states a credit manager acts on first, in this order (then the others by deadline).
URGENT = ("missed", "due_soon")


def insured_share(ins: Insurance, items: pd.DataFrame) -> tuple[int, int]:
    """(open cents of the insured customers, open cents of the whole book)."""
    return int(ins.customers["open_cents"].sum()), int(items["amount_cents"].sum())


def policy_text(policy: InsurancePolicy) -> str:
    """The policy's terms in one sentence (``relance.toml``, ``[insurance]``)."""
    segments = "".join(f", {days} jours pour le segment {name}" for name, days in policy.segment_credit_days.items())
    return (f"Police : durée maximale de crédit de {policy.max_credit_days} jours à compter de la facture{segments} ; "
            f"menace de sinistre à déclarer au plus tard {policy.notice_days} jours après ; seuil de "
            f"{euros(policy.threshold_cents)} TTC d'échu par client ; litiges "
            f"{'couverts' if policy.disputes_covered else 'non couverts'} ; alerte {policy.warn_days} jours avant "
            "le délai (`[insurance]` de relance.toml).")


def headline(ins: Insurance, items: pd.DataFrame) -> str:
    """The section's first sentences (Markdown): the cover, the exposure and the deadlines at risk."""
    insured, book = insured_share(ins, items)
    if ins.customers.empty:
        return ("Aucun client n'a de limite garantie dans le fichier clients (colonne « Limite garantie ») : pas de "
                "suivi d'assurance-crédit.")
    over = ins.customers[ins.customers["exposure_cents"] > 0]
    states = ins.invoices["state"].value_counts()
    missed, soon = int(states.get("missed", 0)), int(states.get("due_soon", 0))
    urgent = int(ins.invoices.loc[ins.invoices["state"].isin(URGENT).to_numpy(), "amount_cents"].sum())
    share = percent(insured / book) if book > 0 else ""
    return (f"**Clients assurés : {count(len(ins.customers))}, {euros(insured)} d'encours ({share} du "
            f"portefeuille)** ; {euros(int(over['exposure_cents'].sum()))} au-delà des limites garanties "
            f"({plural(len(over), 'client')}, non couverts). Déclarations de menace de sinistre : "
            f"**{plural(missed, 'facture')} au délai dépassé** (garantie perdue sauf accord de l'assureur), "
            f"**{count(soon)} à déclarer sous peu**, pour {euros(urgent)} TTC.")


def _dated(invoices: pd.DataFrame) -> pd.DataFrame:
    """Invoices in the order to act: urgent states first, then by deadline."""
    rank = invoices["state"].map({s: i for i, s in enumerate(URGENT)}).fillna(len(URGENT))
    return invoices.assign(_rank=rank.to_numpy()).sort_values(
        ["_rank", "deadline", "customer_id", "document_id"], kind="stable").drop(columns="_rank")


def deadlines_table(ins: Insurance, top: int | None = None) -> pd.DataFrame:
    """The screen table of the invoices whose deadline is missed or close, earliest first (the
    ``top`` first), then the total of them all."""
    urgent = _dated(ins.invoices[ins.invoices["state"].isin(URGENT).to_numpy()])
    rows = urgent.head(top) if top else urgent
    table = pd.DataFrame({
        "Client": [f"{c} – {n}" for c, n in zip(rows["customer_id"], rows["customer_name"].fillna(""))],
        "Assureur": rows["insurer"].fillna("").to_numpy(), "N° pièce": rows["document_id"].to_numpy(),
        "Solde TTC": [euros(int(v)) for v in rows["amount_cents"]],
        "Déclaration au plus tard": [f"{pd.Timestamp(d):%d/%m/%Y}" for d in rows["deadline"]],
        "Jours restants": rows["days_left"].astype("int64").to_numpy(),
        "État": rows["state"].map(INSURANCE_STATES).to_numpy()})
    return with_total(table, {"Assureur": plural(len(urgent), "facture"),
                              "Solde TTC": euros(int(urgent["amount_cents"].sum()))})


def exposure_table(ins: Insurance, top: int | None = None) -> pd.DataFrame:
    """The screen table of the customers above their insured limit, largest exposure first (the
    ``top`` first), then the total of them all."""
    over = ins.customers[ins.customers["exposure_cents"] > 0].reset_index()
    over = over.sort_values(["exposure_cents", "customer_id"], ascending=[False, True], kind="stable")
    rows = over.head(top) if top else over
    table = pd.DataFrame({
        "Client": [f"{c} – {n}" for c, n in zip(rows["customer_id"], rows["customer_name"].fillna(""))],
        "Assureur": rows["insurer"].fillna("").to_numpy(),
        "Limite garantie": [euros(int(v)) for v in rows["insured_limit_cents"]],
        "Encours TTC": [euros(int(v)) for v in rows["open_cents"]],
        "Au-delà de la limite": [euros(int(v)) for v in rows["exposure_cents"]]})
    return with_total(table, {"Assureur": plural(len(over), "client"),
                              "Encours TTC": euros(int(over["open_cents"].sum())),
                              "Au-delà de la limite": euros(int(over["exposure_cents"].sum()))})


def key_figures(ins: Insurance, items: pd.DataFrame) -> list[KeyFigure]:
    """The index's figures: the invoices whose notice deadline is missed or close."""
    states = ins.invoices["state"]
    urgent = ins.invoices[states.isin(URGENT).to_numpy()]
    insured, book = insured_share(ins, items)
    return [KeyFigure("insurance_deadlines", "Déclarations à l'assureur en retard ou imminentes",
                      int(urgent["amount_cents"].sum()), "euros", "cash", HEADING,
                      f"{plural(int(states.eq('missed').sum()), 'délai dépassé', 'délais dépassés')}, "
                      f"{count(int(states.eq('due_soon').sum()))} sous peu ; "
                      f"{percent(insured / book) if book > 0 else ''} du portefeuille assuré")]


def sheets(ins: Insurance, as_of: pd.Timestamp) -> list[Sheet]:
    """The two workbook sheets: per insured customer, and every overdue insured invoice."""
    customers = ins.customers.reset_index()[list(CUSTOMER_HEADERS)]
    invoices = _dated(ins.invoices).assign(state=lambda f: f["state"].map(INSURANCE_STATES))
    return [
        Sheet(SHEET_CUSTOMERS, customers, headers=CUSTOMER_HEADERS,
              money=["insured_limit_cents", "open_cents", "exposure_cents", "overdue_cents"], sum_columns=list(STATES),
              total_label="Total", title=f"Clients assurés au {as_of:%d/%m/%Y} : limite, encours, dépassement"),
        Sheet(SHEET_DEADLINES, invoices[list(INVOICE_HEADERS)], headers=INVOICE_HEADERS, money=["amount_cents"],
              dates=["document_date", "due_date", "dmc_end", "deadline"], total_label="Total",
              title=f"Factures échues des clients assurés au {as_of:%d/%m/%Y} : délai de déclaration de la menace de "
                    "sinistre (délais dépassés et imminents d'abord)"),
    ]
