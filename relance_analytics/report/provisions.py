"""Provisions for people: French labels of the rules, screen tables, the provisions.xlsx workbook."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import vocab
from ..io.excel import Sheet, write_workbook
from ..metrics.provisions import (
    CREDIT_RULE,
    OVERRIDE_RULE,
    STATUS_RULE_PREFIX,
    ProvisionChange,
    ProvisionRules,
)
from ..text.labels import rule_label
from .common import euros, percent

SCHEDULE_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "collector": "Recouvreur",
    "status": "Statut", "document_id": "N° pièce", "document_type": "Type", "document_date": "Date pièce",
    "due_date": "Échéance", "days_past_due": "Jours de retard", "amount_cents": "Solde TTC",
    "base_ht_cents": "Base HT", "ht_derived": "HT recalculé", "rate": "Taux", "rule": "Règle appliquée",
    "provision_cents": "Provision", "age_only": "Retard seul (à justifier)",
}
TOTAL_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "collector": "Recouvreur",
    "rule": "Règle appliquée", "receivable_ht_cents": "Créances HT", "credits_ht_cents": "Avoirs et règlements HT",
    "provision_cents": "Provision", "age_only_cents": "Dont retard seul", "lines": "Pièces provisionnées",
    "coverage": "Taux de couverture",
}
CHANGE_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "previous_cents": "Provision antérieure",
    "dotation_cents": "Dotation", "reprise_cents": "Reprise", "current_cents": "Provision actuelle",
}
TOTAL_MONEY = ["receivable_ht_cents", "credits_ht_cents", "provision_cents", "age_only_cents"]
CHANGE_MONEY = ["previous_cents", "dotation_cents", "reprise_cents", "current_cents"]


def rules_table(rules: ProvisionRules) -> pd.DataFrame:
    """The provision table in French (rule, rate), in the order it is applied."""
    rows = [(rule_label(OVERRIDE_RULE), "taux du fichier clients ; remplace toute autre règle")]
    rows += [(rule_label(STATUS_RULE_PREFIX + code), percent(rate, 0) + " de toutes les factures, échues ou non")
             for code, rate in rules.status_rates.items()]
    rows += [(rule_label(r.code), percent(r.rate, 0)) for r in rules.age_rules]
    rows.append((rule_label(CREDIT_RULE), "0 %"))
    return pd.DataFrame(rows, columns=["Règle", "Taux"])


def headline(schedule: pd.DataFrame, as_of: pd.Timestamp) -> str:
    """One French sentence: total provision, lines, part provisioned on age alone."""
    total = int(schedule["provision_cents"].sum())
    age_only = int(schedule.loc[schedule["age_only"], "provision_cents"].sum())
    lines = int((schedule["provision_cents"] > 0).sum())
    customers = schedule.loc[schedule["provision_cents"] > 0, "customer_id"].nunique()
    return (f"**Provision pour créances douteuses au {as_of:%d/%m/%Y} : {euros(total)}** (base HT), "
            f"sur {lines} pièces de {customers} clients ; dont {euros(age_only)} sur le seul retard, à justifier.")


def change_sentence(change: ProvisionChange, previous_as_of: pd.Timestamp, as_of: pd.Timestamp) -> str:
    """The change in one French sentence: previous + dotation − reprise = current."""
    t = change.total.iloc[0]
    return (f"Provision au {previous_as_of:%d/%m/%Y} {euros(t['previous_cents'])} + dotation "
            f"{euros(t['dotation_cents'])} − reprise {euros(t['reprise_cents'])} = provision au "
            f"{as_of:%d/%m/%Y} {euros(t['current_cents'])}.")


def no_previous_message(as_of: pd.Timestamp) -> str:
    """Why there is no dotation / reprise: no earlier snapshot in the store."""
    return (f"Aucune balance antérieure au {as_of:%d/%m/%Y} dans l'historique : la dotation et la reprise "
            "ne peuvent pas être calculées. Ingérez l'export de la période précédente pour les obtenir.")


def schedule_detail(schedule: pd.DataFrame, provisioned_only: bool = True) -> pd.DataFrame:
    """The provisions schedule with French labels (status, type, rule, flags), by customer then
    due date; only the provisioned lines unless ``provisioned_only`` is False."""
    out = schedule[schedule["provision_cents"] != 0] if provisioned_only else schedule
    out = out.sort_values(["customer_id", "due_date", "document_id"], kind="stable").copy()
    out["status"] = out["status"].map(vocab.STATUS).astype("string")
    if "document_type" in out.columns:
        out["document_type"] = out["document_type"].map(vocab.DOCUMENT_TYPE).astype("string")
    out["rule"] = out["rule"].map(rule_label).astype("string")
    for flag in ("ht_derived", "age_only"):
        out[flag] = out[flag].map({True: "oui", False: "non"}).astype("string")
    return out


def _labelled(totals: pd.DataFrame) -> pd.DataFrame:
    out = totals.reset_index()
    if "rule" in out.columns:
        out["rule"] = out["rule"].map(rule_label)
    return out


def display_totals(totals: pd.DataFrame) -> pd.DataFrame:
    """Totals of :func:`~relance_analytics.provisions.provision_totals` for the screen (French)."""
    out = _labelled(totals)
    for col in TOTAL_MONEY:
        out[col] = out[col].map(euros)
    out["coverage"] = out["coverage"].map(percent)
    return out.rename(columns=TOTAL_HEADERS)


def display_change(change: ProvisionChange, top: int | None = None) -> pd.DataFrame:
    """The customers whose provision moved, largest movement first (``top`` of them), then the
    total row of every customer, for the screen."""
    rows = change.by_customer
    moved = (rows["dotation_cents"] + rows["reprise_cents"]).sort_values(ascending=False, kind="stable")
    rows = rows.loc[moved[moved != 0].index]
    rows = rows.head(top) if top else rows
    out = pd.concat([rows.reset_index(), change.total.reset_index(drop=True).assign(
        customer_id="Total", customer_name="")], ignore_index=True)
    for col in CHANGE_MONEY:
        out[col] = out[col].map(euros)
    return out.rename(columns=CHANGE_HEADERS)


def synthesis(schedule: pd.DataFrame, change: ProvisionChange | None) -> pd.DataFrame:
    """Key figures as (label, cents) rows: provision, of which age only, then the change."""
    rows = [("Provision pour créances douteuses", int(schedule["provision_cents"].sum())),
            ("dont provisions sur le seul retard (à justifier)",
             int(schedule.loc[schedule["age_only"], "provision_cents"].sum()))]
    if change is not None:
        t = change.total.iloc[0]
        rows += [("Provision de la période précédente", int(t["previous_cents"])),
                 ("Dotation", int(t["dotation_cents"])), ("Reprise", int(t["reprise_cents"])),
                 ("Provision de la période", int(t["current_cents"]))]
    return pd.DataFrame(rows, columns=["label", "amount_cents"])


def _totals_sheet(name: str, totals: pd.DataFrame, title: str) -> Sheet:
    return Sheet(name, _labelled(totals), headers=TOTAL_HEADERS, money=TOTAL_MONEY, percent=["coverage"],
                 sum_columns=["lines"], total_label="Total", title=title)


def write_provisions(path: str | Path, as_of: pd.Timestamp, schedule: pd.DataFrame, by_customer: pd.DataFrame,
                     by_collector: pd.DataFrame, by_rule: pd.DataFrame, change: ProvisionChange | None = None,
                     previous_as_of: pd.Timestamp | None = None) -> Path:
    """``provisions.xlsx``: synthesis, provisioned lines (base HT, rate, rule, provision), totals by
    customer (provisioned customers), collector and rule, and dotation/reprise per customer."""
    when = f"au {as_of:%d/%m/%Y}"
    detail = schedule_detail(schedule)
    sheets = [
        Sheet("Synthèse", synthesis(schedule, change), headers={"label": "Poste", "amount_cents": "Montant"},
              money=["amount_cents"], title=f"Provisions pour créances douteuses {when}"),
        Sheet("Pièces provisionnées", detail, headers=SCHEDULE_HEADERS,
              money=["amount_cents", "base_ht_cents", "provision_cents"], percent=["rate"],
              total_label="Total", title=f"Pièces provisionnées {when} (base HT × taux)"),
        _totals_sheet("Par client", by_customer[by_customer["provision_cents"] != 0],
                      f"Provisions par client {when}"),
        _totals_sheet("Par recouvreur", by_collector, f"Provisions par recouvreur {when}"),
        _totals_sheet("Par règle", by_rule, f"Provisions par règle {when}"),
    ]
    if change is not None:
        since = f" depuis le {previous_as_of:%d/%m/%Y}" if previous_as_of is not None else ""
        sheets.append(Sheet("Dotations et reprises", change.by_customer.reset_index(), headers=CHANGE_HEADERS,
                            money=CHANGE_MONEY, total_label="Total",
                            title=f"Dotations et reprises par client{since} (provision {when})"))
    return write_workbook(path, sheets)
