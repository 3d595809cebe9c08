"""Aged balance for people: French headers, screen display, the aged_balance.xlsx workbook."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Buckets
from ..io.excel import Sheet
from ..metrics.aging import bucket_codes, days_past_due
from .common import count, euros, markdown_text, percent
from .index import KeyFigure

if TYPE_CHECKING:
    from ..context import Context, Reconciliation

GROUP_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "collector": "Recouvreur",
    "segment": "Segment", "group": "Périmètre",
}
BALANCE_HEADERS = {"total": "Total TTC", "overdue": "Total échu", "items": "Nb pièces",
                   "overdue_share": "Part échue"}


def balance_headers(buckets: Buckets) -> dict[str, str]:
    """Column code → French header for an aged balance."""
    return {**GROUP_HEADERS, **dict(zip(buckets.labels, buckets.french_labels)), **BALANCE_HEADERS}


def display_balance(balance: pd.DataFrame, buckets: Buckets, items: pd.DataFrame | None = None,
                    as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """An aged balance for the screen: euros as French text, shares as percentages, French
    headers; indexed by its first grouping column (no row numbers on screen).

    With the ``items`` it was computed from (and ``as_of``), a bucket in which a row has no item
    is blank, while a bucket whose items net to zero shows ``0,00 €``; the totals always show."""
    present = _bucket_presence(balance, buckets, items, as_of) if items is not None and as_of is not None else None
    out = balance.rename(index={"total": "Total"}).reset_index()
    for i, col in enumerate(buckets.labels):
        shown = out[col].map(euros)
        out[col] = shown.where(present[:, i], "") if present is not None else shown
    for col in ("total", "overdue"):
        out[col] = out[col].map(euros)
    out["overdue_share"] = out["overdue_share"].map(percent)
    out = out.rename(columns=balance_headers(buckets))
    return out.set_index(out.columns[0])


def _bucket_presence(balance: pd.DataFrame, buckets: Buckets, items: pd.DataFrame,
                     as_of: pd.Timestamp) -> np.ndarray:
    """For each row of ``balance`` (grouped by index levels that are item columns, or the one
    ``total`` row) and each bucket: does the group have an open item there (bool array)."""
    keys = [n for n in balance.index.names if n is not None and n in items.columns]
    codes = bucket_codes(days_past_due(items, as_of), buckets)
    if not keys:
        seen = np.bincount(codes, minlength=len(buckets.labels)) > 0
        return np.tile(seen, (len(balance), 1))
    labels = pd.MultiIndex.from_arrays([items[k].astype(object).where(items[k].notna(), vocab.UNASSIGNED).astype(str)
                                        for k in keys])
    pairs = set(zip(labels, codes.tolist()))
    rows = [tuple(str(v) for v in (key if isinstance(key, tuple) else (key,))) for key in balance.index]
    return np.array([[(row, i) in pairs for i in range(len(buckets.labels))] for row in rows], dtype=bool).reshape(
        len(rows), len(buckets.labels))


def balance_sheet(name: str, balance: pd.DataFrame, buckets: Buckets, title: str,
                  total_label: str | None = "Total général") -> Sheet:
    """Workbook sheet of an aged balance (with a totals row unless ``total_label`` is None)."""
    frame = balance.rename(index={"total": "Total"}).reset_index()
    return Sheet(name=name, frame=frame, headers=balance_headers(buckets),
                 money=[*buckets.labels, "total", "overdue"], percent=["overdue_share"],
                 sum_columns=["items"], total_label=total_label, title=title)

ITEM_HEADERS = {
    "customer_id": "Code client", "customer_name": "Raison sociale", "collector": "Recouvreur",
    "segment": "Segment", "document_id": "N° pièce", "document_type": "Type", "document_date": "Date pièce",
    "due_date": "Échéance", "days_past_due": "Jours de retard", "bucket": "Tranche",
    "amount_cents": "Solde TTC", "amount_ht_cents": "Solde HT",
}


def items_detail(items: pd.DataFrame, as_of: pd.Timestamp, buckets: Buckets) -> pd.DataFrame:
    """Open items with their days past due and French bucket / type labels, oldest first."""
    from .. import vocab
    from ..metrics.aging import assign_buckets, days_past_due

    out = items.copy()
    out["days_past_due"] = days_past_due(items, as_of)
    codes = assign_buckets(items, as_of, buckets)
    out["bucket"] = pd.Categorical.from_codes(codes.codes, categories=buckets.french_labels, ordered=True)
    out["document_type"] = out["document_type"].map(vocab.DOCUMENT_TYPE).astype("string")
    cols = [c for c in ITEM_HEADERS if c in out.columns]
    return out[cols].sort_values(["days_past_due", "customer_id"], ascending=[False, True], kind="stable")


def write_aged_balance(path: str | Path, ctx: Context, total: pd.DataFrame, by_collector: pd.DataFrame,
                       by_segment: pd.DataFrame, by_customer: pd.DataFrame) -> Path:
    """``aged_balance.xlsx``: synthesis, by collector, by segment, by customer, item detail."""
    from ..io.excel import write_workbook

    b = ctx.buckets
    when = f"au {ctx.as_of:%d/%m/%Y}"
    detail = items_detail(ctx.items, ctx.as_of, b)
    return write_workbook(path, [
        balance_sheet("Synthèse", total, b, f"Balance âgée {when}", total_label=None),
        balance_sheet("Par recouvreur", by_collector, b, f"Balance âgée par recouvreur {when}"),
        balance_sheet("Par segment", by_segment, b, f"Balance âgée par segment {when}"),
        balance_sheet("Par client", by_customer, b, f"Balance âgée par client {when}"),
        Sheet("Détail des pièces", detail, headers=ITEM_HEADERS,
              money=[c for c in ("amount_cents", "amount_ht_cents") if c in detail.columns],
              total_label="Total général", title=f"Pièces ouvertes {when}"),
    ])


#: The section of the aged-balance page where its headline figures are detailed.
BREAKDOWN_HEADING = "Répartition par tranche d'âge"


def key_figures(total: pd.DataFrame) -> list[KeyFigure]:
    """The index's figures from the one-row aged balance the page shows: receivables, overdue, share."""
    row = total.iloc[0]
    share = float(row["overdue_share"])
    return [
        KeyFigure("receivables", "Encours clients TTC", int(row["total"]), "euros", "aged_balance", BREAKDOWN_HEADING,
                  f"{count(row['items'])} pièces ouvertes"),
        KeyFigure("overdue", "Échu", int(row["overdue"]), "euros", "aged_balance", BREAKDOWN_HEADING),
        KeyFigure("overdue_share", "Part échue de l'encours", share, "percent", "aged_balance", BREAKDOWN_HEADING),
    ]


def balance_summary(ctx: Context, total: pd.DataFrame) -> str:
    """One French paragraph (Markdown): date, items, total, overdue and the reconciliation."""
    row = total.iloc[0]
    return (f"**Balance au {ctx.as_of:%d/%m/%Y}** – {count(row['items'])} pièces ouvertes, "
            f"total {euros(row['total'])}, dont échu {euros(row['overdue'])} "
            f"({percent(row['overdue_share'])}).\n\n" + reconciliation_text(ctx.reconciliation(int(row["total"])))
            + warnings_text(ctx.store.meta(ctx.as_of).get("warnings") or []))


def warnings_text(texts: list[str]) -> str:
    """The read's warnings (what it tolerated, counted) as a Markdown list, or ``""``."""
    if not texts:
        return ""
    return "\n\n**Points de vigilance de l'export** (lus et comptés, à vérifier) :\n\n" + \
        "\n".join(f"- {markdown_text(t)}" for t in texts)


def reconciliation_text(rec: Reconciliation) -> str:
    """What the report says of the total against the export (French)."""
    if rec.status == "matched":
        return "Le total de la balance âgée est égal au « Total général » de l'export, au centime près."
    if rec.status == "no_control":
        return "L'export ne comporte pas de ligne « Total général » : pas de contrôle possible."
    rates = ", ".join(f"1 {code} = {rate.replace('.', ',')} EUR" for code, rate in sorted(rec.rates.items()))
    controls = ", ".join(euros(cents, code) for code, cents in sorted(rec.control_totals.items()))
    checked = f" ; chaque devise a d'abord été rapprochée au centime de son total dans l'export ({controls})" \
        if controls else ""
    return f"Montants en devises convertis en euros aux taux de relance.toml ({rates}){checked}."
