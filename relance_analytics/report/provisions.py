"""Provisions for people: French labels of the rules, screen tables, the provisions.xlsx workbook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import vocab
from ..io.excel import Sheet, write_workbook
from ..metrics.provision_evidence import EvidenceParams, Step, evidence_totals
from ..metrics.provisions import (
    CREDIT_RULE,
    OVERRIDE_RULE,
    STATUS_RULE_PREFIX,
    ProvisionChange,
    ProvisionRules,
)
from ..text.labels import rule_label
from .common import count, euros, percent, signed_euros
from .index import KeyFigure

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
    """The provision table in French (rule, rate), in the order it is applied (texts in full
    on screen: show it through :func:`~relance_analytics.report.common.screen`)."""
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
    """The change in one French sentence: previous + dotation − reprise = current, and the net variation."""
    t = change.total.iloc[0]
    return (f"Provision au {previous_as_of:%d/%m/%Y} {euros(t['previous_cents'])} + dotation "
            f"{euros(t['dotation_cents'])} − reprise {euros(t['reprise_cents'])} = provision au "
            f"{as_of:%d/%m/%Y} {euros(t['current_cents'])}, soit une variation de "
            f"**{signed_euros(_variation(change))}**.")


def _variation(change: ProvisionChange) -> int:
    t = change.total.iloc[0]
    return int(t["current_cents"]) - int(t["previous_cents"])


#: The sections of the provisions page that state its headline figures.
TITLE_HEADING = "Provisions pour créances douteuses"
CHANGE_HEADING = "Dotation et reprise depuis la période précédente"


def key_figures(schedule: pd.DataFrame, change: ProvisionChange | None,
                previous_as_of: pd.Timestamp | None, evidence: pd.DataFrame | None = None) -> list[KeyFigure]:
    """The index's figures: the provision the headline states and, with a previous snapshot, its
    variation (dotation − reprise) as the change sentence states it; with the ``evidence`` of
    :func:`~relance_analytics.metrics.provision_evidence.provision_evidence`, the provision whose
    steps are too thin for the tax file (as :func:`evidence_headline` states it)."""
    total = int(schedule["provision_cents"].sum())
    age_only = int(schedule.loc[schedule["age_only"], "provision_cents"].sum())
    out = [KeyFigure("provision", "Provision (base HT)", total, "euros", "provisions",
                     TITLE_HEADING, f"dont {euros(age_only)} sur le seul retard, à justifier")]
    if change is not None and previous_as_of is not None:
        t = change.total.iloc[0]
        out.append(KeyFigure("provision_change", f"Variation depuis le {previous_as_of:%d/%m/%Y}", _variation(change),
                             "signed_euros", "provisions", CHANGE_HEADING,
                             f"dotation {euros(t['dotation_cents'])}, reprise {euros(t['reprise_cents'])}"))
    if evidence is not None:
        totals = evidence_totals(evidence).iloc[0]
        out.append(KeyFigure("provision_flagged", "Provisions à documenter (CGI 39-1-5°)",
                             int(totals["flagged_cents"]), "euros", "provisions", EVIDENCE_HEADING,
                             f"{count(int(totals['flagged_invoices']))} pièces sur "
                             f"{count(int(totals['invoices']))} provisionnées"))
    return out


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
    """Totals of :func:`~relance_analytics.provisions.provision_totals` for the screen (French).

    The two breakdowns are blank where the row has no line of their kind: « Avoirs et
    règlements HT » (credits are negative, so 0 means none) and « Dont retard seul » (provisions
    are positive, so 0 means no line provisioned on age alone); receivables, provision and
    coverage always show, 0,00 € included."""
    out = _labelled(totals)
    for col in TOTAL_MONEY:
        shown = out[col].map(euros)
        out[col] = shown.where(out[col] != 0, "") if col in ("credits_ht_cents", "age_only_cents") else shown
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
    is_total = (out.index == len(out) - 1)
    for col in CHANGE_MONEY:
        shown = out[col].map(euros)
        # netted per customer: a customer has a dotation or a reprise, the other is blank (the
        # total row shows both); a previous or current provision of 0 is a real figure
        out[col] = shown.where((out[col] != 0) | is_total, "") if col in ("dotation_cents", "reprise_cents") else shown
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


# --- the tax file of the provisions (CGI art. 39-1-5°) ------------------------------------------------

#: The heading of the page's section on the provisions' evidence, and its workbook.
EVIDENCE_HEADING = "Dossier fiscal des provisions (CGI art. 39-1-5°)"
DOSSIER_WORKBOOK = "dossier_provisions.xlsx"
#: A collection step's channel as the file names it (« appel » for a phone call).
STEP_CHANNEL = {**vocab.CHANNEL, "phone": "appel"}
FLAGS = ("no_step", "no_formal_notice", "stale")
EVIDENCE_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "collector": "Recouvreur",
    "document_id": "N° pièce", "due_date": "Échéance", "days_past_due": "Jours de retard", "amount_cents": "Solde TTC",
    "base_ht_cents": "Base HT", "rate": "Taux", "rule": "Règle appliquée", "provision_cents": "Provision",
    "age_only": "Retard seul (à justifier)", "steps": "Démarches de recouvrement (journal)",
    "step_count": "Démarches", "last_step": "Dernière démarche", "formal_notice": "Dernière mise en demeure",
    "no_step": "Aucune démarche", "no_formal_notice": "Sans mise en demeure", "stale": "Sans démarche récente",
    "flagged": "À documenter", "reasons": "Motifs",
}
EVIDENCE_MONEY = ["amount_cents", "base_ht_cents", "provision_cents"]


def flag_labels(params: EvidenceParams | None = None) -> dict[str, str]:
    """What each flag of the evidence means, in French."""
    params = params or EvidenceParams()
    return {"no_step": "aucune démarche de recouvrement depuis l'échéance",
            "no_formal_notice": "pas de mise en demeure depuis l'échéance",
            "stale": f"aucune démarche depuis {params.recent_days} jours"}


def step_text(step: Step) -> str:
    """``04/05/2026 mise en demeure``, ``02/11/2026 appel : réponse évasive``."""
    date, channel, outcome = step
    if channel == "formal_notice" or outcome == "formal_notice_sent":
        return f"{pd.Timestamp(date):%d/%m/%Y} mise en demeure"
    return (f"{pd.Timestamp(date):%d/%m/%Y} {STEP_CHANNEL.get(channel, channel)} : "
            f"{vocab.OUTCOME.get(outcome, outcome)}")


def steps_text(steps: tuple[Step, ...]) -> str:
    """The collection steps of an invoice, oldest first, as one French line (``""`` when none)."""
    return " ; ".join(step_text(s) for s in steps)


def _reasons(row: pd.Series, labels: dict[str, str]) -> str:
    return " ; ".join(labels[f] for f in FLAGS if bool(row[f]))


def evidence_headline(evidence: pd.DataFrame, as_of: pd.Timestamp, params: EvidenceParams | None = None) -> str:
    """The provision to document and why, in one French sentence (Markdown)."""
    params = params or EvidenceParams()
    t = evidence_totals(evidence).iloc[0]
    age_only = evidence["age_only"].to_numpy(dtype=bool)
    base = (f"{count(int(t['invoices']))} pièces provisionnées au {as_of:%d/%m/%Y} pour "
            f"{euros(int(t['provision_cents']))}, dont {count(int(age_only.sum()))} sur le seul retard "
            f"({euros(int(evidence.loc[age_only, 'provision_cents'].sum()))})")
    if not int(t["flagged_invoices"]):
        return (f"**Provisions à documenter : {euros(0)}** : {base} ; chacune s'appuie sur des démarches de "
                "recouvrement récentes du journal, mise en demeure comprise.")
    missing = {"no_step": "n'ont aucune démarche depuis l'échéance", "no_formal_notice": "pas de mise en demeure",
               "stale": f"aucune démarche depuis {params.recent_days} jours"}
    flags = ", ".join(f"{count(int(t[f]))} {missing[f]}" for f in FLAGS if int(t[f]))
    return (f"**Provisions à documenter : {euros(int(t['flagged_cents']))}** sur "
            f"{count(int(t['flagged_invoices']))} pièces ; {base}. Une provision sur le seul retard n'est déductible "
            f"que si des démarches de recouvrement la justifient : parmi elles, {flags} (une pièce peut cumuler "
            "les motifs).")


def flag_table(evidence: pd.DataFrame, params: EvidenceParams | None = None) -> pd.DataFrame:
    """Per flag, the invoices flagged and their provision, then the invoices to document (any
    flag; an invoice may carry several), for the screen (French)."""
    labels = flag_labels(params)
    cents = evidence["provision_cents"].to_numpy(dtype="int64")
    rows = []
    for flag in (*FLAGS, "flagged"):
        hit = evidence[flag].to_numpy(dtype=bool)
        rows.append({"Critère": "Total à documenter (au moins un critère)" if flag == "flagged"
                     else labels[flag][:1].upper() + labels[flag][1:],
                     "Pièces": int(hit.sum()), "Provision": euros(int(cents[hit].sum()))})
    return pd.DataFrame(rows).astype({"Pièces": "int64"})


def evidence_detail(evidence: pd.DataFrame, params: EvidenceParams | None = None) -> pd.DataFrame:
    """The evidence with French labels (rule, steps, flags, reasons), by customer then due date."""
    labels = flag_labels(params)
    out = evidence.sort_values(["customer_id", "due_date", "document_id"], kind="stable").copy()
    out["reasons"] = [_reasons(row, labels) for _, row in out[list(FLAGS)].iterrows()]
    out["rule"] = out["rule"].map(rule_label).astype("string")
    out["steps"] = out["steps"].map(steps_text).replace("", pd.NA).astype("string")
    for flag in ("age_only", *FLAGS, "flagged"):
        out[flag] = out[flag].map({True: "oui", False: "non"}).astype("string")
    return out[[c for c in EVIDENCE_HEADERS if c in out.columns]]


def flagged_table(evidence: pd.DataFrame, top: int | None = None, params: EvidenceParams | None = None
                  ) -> pd.DataFrame:
    """The invoices to document, largest provision first (``top`` of them), for the screen."""
    flagged = evidence[evidence["flagged"].to_numpy(dtype=bool)]
    flagged = flagged.sort_values(["provision_cents", "customer_id", "document_id"], ascending=[False, True, True],
                                  kind="stable")
    flagged = flagged.head(top) if top else flagged
    out = evidence_detail(flagged, params).loc[flagged.index]
    out = out[["customer_id", "customer_name", "collector", "document_id", "due_date", "days_past_due",
               "provision_cents", "steps", "reasons"]].copy()
    out["due_date"] = out["due_date"].map(lambda d: f"{pd.Timestamp(d):%d/%m/%Y}")
    out["provision_cents"] = out["provision_cents"].map(euros)
    out["steps"] = flagged["steps"].map(last_steps_text)
    return out.rename(columns={**EVIDENCE_HEADERS, "steps": "Démarches (journal)"})


def last_steps_text(steps: tuple[Step, ...], shown: int = 2) -> str:
    """The number of steps and the last ``shown`` of them (the workbook lists them all)."""
    if not steps:
        return "aucune"
    last = " ; ".join(step_text(s) for s in steps[-shown:])
    return f"{count(len(steps))} démarche{'s' if len(steps) > 1 else ''}" + (
        f", dont les {shown} dernières : {last}" if len(steps) > shown else f" : {last}")


def evidence_synthesis(evidence: pd.DataFrame, params: EvidenceParams | None = None) -> pd.DataFrame:
    """The file's synthesis as (label, invoices, cents) rows."""
    labels = flag_labels(params)
    cents = evidence["provision_cents"].to_numpy(dtype="int64")
    rows = [("Provisions pour créances douteuses", np.ones(len(evidence), dtype=bool)),
            ("dont justifiées par une procédure ou un taux client", ~evidence["age_only"].to_numpy(dtype=bool)),
            ("dont sur le seul retard", evidence["age_only"].to_numpy(dtype=bool)),
            ("Provisions à documenter (au moins un critère)", evidence["flagged"].to_numpy(dtype=bool))]
    rows += [(f"dont {labels[f]}", evidence[f].to_numpy(dtype=bool)) for f in FLAGS]
    return pd.DataFrame([(label, int(hit.sum()), int(cents[hit].sum())) for label, hit in rows],
                        columns=["label", "invoices", "amount_cents"])


def write_dossier(path: str | Path, as_of: pd.Timestamp, evidence: pd.DataFrame,
                  params: EvidenceParams | None = None) -> Path:
    """``dossier_provisions.xlsx``: the synthesis, every provisioned invoice with its provision,
    basis, rule, the collection steps of the journal and the flags, then the invoices to document."""
    params = params or EvidenceParams()
    when = f"au {as_of:%d/%m/%Y}"
    detail = evidence_detail(evidence, params)
    flagged = detail[detail["flagged"] == "oui"]
    return write_workbook(path, [
        Sheet("Synthèse", evidence_synthesis(evidence, params),
              headers={"label": "Poste", "invoices": "Pièces", "amount_cents": "Provision"}, money=["amount_cents"],
              title=f"Dossier fiscal des provisions (CGI art. 39-1-5°) {when} : démarches de recouvrement du journal "
                    f"(récentes : {params.recent_days} derniers jours)"),
        _evidence_sheet("Pièces provisionnées", detail,
                        f"Pièces provisionnées {when} et démarches de recouvrement depuis leur échéance"),
        _evidence_sheet("À documenter", flagged, f"Provisions sur le seul retard à documenter {when} (démarches "
                                                 "absentes, sans mise en demeure ou anciennes)"),
    ])


def _evidence_sheet(name: str, detail: pd.DataFrame, title: str) -> Sheet:
    return Sheet(name, detail, headers=EVIDENCE_HEADERS, money=EVIDENCE_MONEY, percent=["rate"],
                 dates=["due_date", "last_step", "formal_notice"], total_label="Total", title=title)
