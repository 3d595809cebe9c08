"""Payment habits and the cash-in forecast in French: one sentence per customer that says how it
pays and on what it rests, a short habit for the call list, the forecast's basis labels."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..french import percent

#: Payer classes (:func:`relance_analytics.metrics.behaviour.payer_class`).
PAYER_CLASSES = {"on_time": "à l'heure", "slightly_late": "léger retard", "late": "en retard",
                 "very_late": "très en retard", "unknown": "inconnu"}
#: Where an expected payment date comes from (:func:`relance_analytics.metrics.forecast.expected_payments`).
FORECAST_BASIS = {"customer": "habitudes du client", "segment": "habitudes du segment", "book": "habitudes de tout le "
                  "portefeuille", "fallback": "échéance (aucun historique)", "promise": "promesse en cours",
                  "dispute": "litige ouvert : hors prévision", "insolvency": "procédure collective : hors prévision"}


def _days(value: float) -> str:
    n = round(value)
    return f"{abs(n)} j"


def delay_phrase(days: float) -> str:
    """``23 j après l'échéance`` / ``4 j avant l'échéance`` / ``à l'échéance``."""
    n = round(days)
    if n == 0:
        return "à l'échéance"
    return f"{_days(n)} {'après' if n > 0 else 'avant'} l'échéance"


def behaviour_text(row: Mapping[str, Any], trend_months: int = 3, segment: str | None = None) -> str:
    """``Paie en moyenne 23 j après l'échéance (médiane 20 j), 35 % à l'heure, en dégradation de 9 j
    sur 3 mois.`` — or, with too little history, whose habits stand in for the customer's."""
    mean = row["mean_days"]
    if mean != mean:
        return "Aucun règlement connu : pas d'habitude de paiement à ce jour."
    figures = (f"en moyenne {delay_phrase(mean)} (médiane {delay_phrase(row['median_days'])}), "
               f"{percent(row['on_time_share'], 0)} du montant réglé à l'heure")
    if row["source"] != "customer":
        whose = f"du segment {segment}" if row["source"] == "segment" and segment else "de l'ensemble des clients"
        n = int(row["payments"])
        known = "aucun règlement connu" if n == 0 else f"{n} règlement{'s' if n > 1 else ''} seulement"
        return f"Historique insuffisant ({known}) : habitudes {whose}, {figures}.{promises_phrase(row)}"
    text = f"Paie {figures}"
    trend = row["trend_days"]
    if trend == trend and round(trend) != 0:
        way = "en dégradation" if trend > 0 else "en amélioration"
        text += f", {way} de {_days(trend)} sur {trend_months} mois"
    return text + "." + promises_phrase(row)


def promises_phrase(row: Mapping[str, Any]) -> str:
    """`` Promesses : 3 tenues sur 4.`` (empty without a judged promise or without the counts)."""
    kept, broken = int(row.get("promises_kept", 0) or 0), int(row.get("promises_broken", 0) or 0)
    if not kept + broken:
        return ""
    return f" Promesses : {kept} tenue{'s' if kept > 1 else ''} sur {kept + broken}."


def habit_text(median_days: float, source: object) -> str:
    """The call list's short habit: ``paie d'habitude à +23 j`` (empty without a habit of its own)."""
    if source != "customer" or median_days != median_days:
        return ""
    n = round(median_days)
    return f"paie d'habitude à {'+' if n > 0 else ''}{n} j" if n else "paie d'habitude à l'échéance"
