"""Thresholds of the collection rules (R1–R12), with the defaults of ``domain.md``.

Every threshold the rules use lives here, so a notebook can override one value
(``dataclasses.replace(params, cadence_days=7)``) and ``relance.toml`` can set them:

.. code-block:: toml

    [thresholds]
    significant_amount = 5000.0        # euros (R2)
    first_reminder_days = 7            # R3
    cadence_days = 10                  # R4 (cadence_max_days = 15)
    document_followup_days = 7        # R5
    formal_notice_after_reminders = 3  # R7
    litigation_reminders_in_month = 3  # R8
    litigation_broken_promises = 2     # R8
    small_amount = 100.0               # euros: below it, an e-mail instead of a call

    [collectors]
    "Claire Martin" = { capacity = 25, email = "c.martin@example.fr" }

Money thresholds are integer cents in the object and euros in the TOML file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import vocab
from ..config import Settings
from ..errors import SettingsError

#: ``[thresholds]`` keys given in euros in relance.toml, and the cents field they set.
MONEY_KEYS = {"significant_amount": "significant_amount_cents", "small_amount": "small_amount_cents"}


@dataclass(frozen=True)
class CallListParams:
    """Parameters of the call list. Days are calendar days; amounts integer cents (TTC)."""

    significant_amount_cents: int = 500_000      # R2: pre-due call from this open amount
    pre_due_days: int = 7                         # R2: "the week before the due date"
    post_delivery_call: bool = False              # R2 option: satisfaction call after invoicing
    post_delivery_days: int = 3                   # R2 option: within this many days of the invoice
    first_reminder_days: int = 7                  # R3: first reminder at the latest N days after due
    cadence_days: int = 10                        # R4: at most N days between two reminders
    cadence_max_days: int = 15                    # R4: never more than this
    document_followup_days: int = 7               # R5: follow a document sent up within N days
    formal_notice_after_reminders: int = 3        # R7: reminders without result before a formal notice
    formal_notice_deadline_days: int = 8          # R7/R8: delay given by the formal notice (announced date)
    litigation_reminders_in_month: int = 3        # R8: unsuccessful reminders …
    litigation_window_days: int = 30              # R8: … within this many days
    litigation_broken_promises: int = 2           # R8: broken promises since the oldest unpaid due date
    legitimate_excuses: tuple[str, ...] = ("commercial_dispute", "goods_returned", "insolvency")
    financial_difficulty_excuses: tuple[str, ...] = ("cash_flow", "accounts_frozen", "customers_not_paid")
    insolvency_statuses: tuple[str, ...] = vocab.INSOLVENCY_STATUSES   # R9
    claim_provision_rate: float = 1.0             # R9: provision of a declared claim (on the HT base)
    default_vat_rate: float = 0.20                # R9: HT base when the export has no HT amount
    age_scale_days: int = 30                      # R10: score = amount × (1 + weighted age / scale)
    default_capacity: int = 25                    # R10: calls per collector and day
    capacities: Mapping[str, int] = field(default_factory=dict)
    small_amount_cents: int = 10_000              # below: automatic e-mail, no call (except R1)
    proposal_days: int = 7                        # talking points: proposed payment date (working day)
    broken_promise_proposal_days: int = 2         # … after a broken promise (firmer)
    recent_actions: int = 3                       # last actions shown on a row
    collector_emails: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.type == "int" and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise SettingsError(f"[thresholds] {f.name} : un nombre entier ≥ 0 attendu, lu {value!r}")
        if self.cadence_max_days < self.cadence_days:
            raise SettingsError(f"[thresholds] cadence_max_days ({self.cadence_max_days}) doit être ≥ cadence_days "
                                f"({self.cadence_days})")
        if self.age_scale_days == 0:
            raise SettingsError("[thresholds] age_scale_days doit être > 0")
        for name in ("legitimate_excuses", "financial_difficulty_excuses"):
            unknown = set(getattr(self, name)) - set(vocab.EXCUSE)
            if unknown:
                raise SettingsError(f"[thresholds] {name} : code(s) d'excuse inconnu(s) {sorted(unknown)} ; codes "
                                    f"connus : {', '.join(vocab.EXCUSE)}")
        unknown = set(self.insolvency_statuses) - set(vocab.INSOLVENCY_STATUSES)
        if unknown:
            raise SettingsError(f"[thresholds] insolvency_statuses : statut(s) inconnu(s) {sorted(unknown)} ; statuts "
                                f"connus : {', '.join(vocab.INSOLVENCY_STATUSES)}")
        bad = {k: v for k, v in self.capacities.items() if isinstance(v, bool) or not isinstance(v, int) or v < 0}
        if bad:
            raise SettingsError(f"capacités : des nombres entiers ≥ 0 attendus, lu {bad}")
        object.__setattr__(self, "capacities", dict(self.capacities))
        object.__setattr__(self, "collector_emails", dict(self.collector_emails))

    def capacity(self, collector: str) -> int:
        """Daily number of calls of ``collector`` (its own capacity, else the default)."""
        return int(self.capacities.get(collector, self.default_capacity))

    def with_capacities(self, overrides: Mapping[str, int] | None) -> CallListParams:
        """A copy with some collectors' capacities replaced (notebook parameter)."""
        if not overrides:
            return self
        return replace(self, capacities={**self.capacities, **{k: int(v) for k, v in overrides.items()}})

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> CallListParams:
        """Parameters from ``[thresholds]`` and ``[collectors]`` of ``relance.toml``
        (a :class:`~relance_analytics.config.Settings` or its ``raw`` dict); missing keys keep
        the defaults, unknown keys are an error (a typo must not pass silently)."""
        raw = settings.raw if isinstance(settings, Settings) else settings
        names = {f.name for f in fields(cls)} - {"capacities", "collector_emails"}
        kwargs: dict[str, Any] = {}
        for key, value in dict(raw.get("thresholds", {})).items():
            if key in MONEY_KEYS:
                kwargs[MONEY_KEYS[key]] = _euros_to_cents(key, value)
            elif key in names:
                kwargs[key] = tuple(value) if isinstance(value, list) else value
            else:
                raise SettingsError(f"relance.toml [thresholds] : clé inconnue {key!r} ; clés connues : "
                                    + ", ".join(sorted({*MONEY_KEYS, *names} - set(MONEY_KEYS.values()))))
        capacities, emails = {}, {}
        for name, table in dict(raw.get("collectors", {})).items():
            if not isinstance(table, Mapping):
                raise SettingsError(f"relance.toml [collectors] : {name!r} doit être une table comme "
                                    "{ capacity = 25 }")
            if "capacity" in table:
                capacities[str(name)] = table["capacity"]
            if table.get("email"):
                emails[str(name)] = str(table["email"])
        return cls(**kwargs, capacities=capacities, collector_emails=emails)


def _euros_to_cents(key: str, value: object) -> int:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        cents = Decimal(str(value)) * 100
    except InvalidOperation:
        raise SettingsError(f"relance.toml [thresholds] {key} : un montant en euros attendu, lu {value!r}") from None
    if cents != cents.to_integral_value() or cents < 0:
        raise SettingsError(f"relance.toml [thresholds] {key} : un montant positif à 2 décimales au plus attendu, "
                            f"lu {value!r}")
    return int(cents)
