"""French labels shared by the report's tables and its charts: drift flows and bridge, roll-rate
transitions, provision rules, the call list's amounts by list."""

from __future__ import annotations

from .. import vocab
from ..config import Buckets
from ..metrics.drift import Drift
from ..metrics.provisions import AGE_RULE_PREFIX, CREDIT_RULE, NO_RULE, OVERRIDE_RULE, STATUS_RULE_PREFIX

FLOW_LABELS = {
    "new": "Nouvelles factures",
    "new_credit": "Nouveaux avoirs et règlements non affectés",
    "increased": "Augmentations de solde",
    "reduced": "Règlements partiels et imputations",
    "paid_gone": "Soldé (réglé, lettré ou passé en perte)",
}
BRIDGE_LABELS = {
    "new_overdue": "Nouveaux retards",
    "collected": "Encaissé sur l'échu",
    "credit_notes": "Avoirs et règlements non affectés",
    "other": "Autres mouvements",
}
def bucket_names(buckets: Buckets) -> dict[str, str]:
    """Bucket code → French label."""
    return dict(zip(buckets.labels, buckets.french_labels))


def bridge_labels(d: Drift) -> dict[str, str]:
    """Bridge component code → French label (the two totals carry their dates)."""
    return {"previous_overdue": f"Échu au {d.previous_as_of:%d/%m/%Y}", **BRIDGE_LABELS,
            "current_overdue": f"Échu au {d.current_as_of:%d/%m/%Y}"}


def transition_labels(buckets: Buckets) -> dict[str, str]:
    """Roll-rate column (the ``from`` bucket) → ``"1 à 30 j → 31 à 60 j"``."""
    names = buckets.french_labels
    return {code: f"{a} → {b}" for code, a, b in zip(buckets.labels, names, names[1:])}


FIXED_RULE_LABELS = {
    OVERRIDE_RULE: "Taux spécifique client",
    CREDIT_RULE: "Avoir / règlement non affecté (non provisionné)",
    NO_RULE: "Non provisionné",
}

def rule_label(code: str) -> str:
    """French label of a rule code: ``age_91_180`` → ``Retard de 91 à 180 j``."""
    if code in FIXED_RULE_LABELS:
        return FIXED_RULE_LABELS[code]
    if code.startswith(STATUS_RULE_PREFIX):
        status = code.removeprefix(STATUS_RULE_PREFIX)
        return vocab.STATUS.get(status, status).capitalize()
    if code.startswith(AGE_RULE_PREFIX):
        span = code.removeprefix(AGE_RULE_PREFIX)
        if span.startswith("over_"):
            return f"Retard de plus de {span.removeprefix('over_')} j"
        low, high = span.split("_")
        return f"Retard de {low} à {high} j"
    return code


#: Where the money of a collector's customers is, one column per list (see :func:`amounts_by_list`).
AMOUNT_LISTS = {"calls": "À appeler", "deferred": "Relances par e-mail / lettrage", "disputes": "Litiges à résoudre",
                "formal_notices": "Mises en demeure", "litigation": "Contentieux", "claims": "Créances à déclarer"}
