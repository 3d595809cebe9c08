"""Provisions for doubtful debts (provisions pour créances douteuses).

Each open item gets a rate from :class:`ProvisionRules`, applied to its amount excluding VAT
(base HT). Every amount is integer cents; rates are floats in [0, 1].

Precedence (one rule per item, its code in ``rule``):

1. ``credit``: credit notes and unapplied payments (amount ≤ 0) are never provisioned
   (rate 0). They are not netted against the customer's invoices either, because the
   export does not say which invoice they settle: the per-customer totals show them in
   ``credits_ht_cents`` so that the accountant can letter them first.
2. ``override``: a customer-specific rate (customers' ``provision_rate``) is the analyst's
   explicit decision (guarantee, credit insurance, known loss…); it replaces every other rule,
   upward or downward, for all of the customer's invoices, due or not.
3. otherwise the larger of the status rate and the age rate. A customer in liquidation,
   receivership (redressement) or safeguard (sauvegarde) has all of its invoices, due or not,
   provisioned at least at the status rate; an older item can still take a higher age rate.
   On a tie the status wins (``status_<code>``), since the proceedings justify the provision.
4. ``age_<min>_<max>`` / ``age_over_<n>``: the age rule whose [min_days, max_days] holds the
   item's days past due; ``none`` (rate 0) when no rule holds it (default: up to 90 days).

``age_only`` flags provisioned lines justified by their age alone (age rule, customer not in
proceedings, no override): for French tax purposes a missed due date alone is not proof of
a probable loss, so the analyst documents those (reminders, formal notice, dispute…).

Rounding: a derived base HT is TTC / (1 + VAT) and a provision is base HT × rate, each
rounded half away from zero to the cent with integer arithmetic (VAT rates to 0.01 %, provision
rates to 0.0001 %), so every figure is reproducible and every total exact.

Dotation / reprise (:func:`provision_change`) are netted per customer: a customer whose
provision rose gives a dotation, one whose provision fell a reprise, so that
previous total + dotation − reprise = current total, to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import vocab
from ..config import Settings
from ..currency import require_single_currency
from ..dates import DateLike, as_date
from ..errors import MissingColumnError, SettingsError
from ..keys import normalize_label
from .aging import days_past_due
from .enrich import attach_customers

VAT_SCALE = 10_000          # VAT rates to 0.01 % (5.5 % = 550)
RATE_SCALE = 1_000_000      # provision rates to 0.0001 %

CREDIT_RULE = "credit"
OVERRIDE_RULE = "override"
NO_RULE = "none"
STATUS_RULE_PREFIX = "status_"
AGE_RULE_PREFIX = "age_"


def _check_rate(rate: float, what: str) -> float:
    rate = float(rate)
    if not 0.0 <= rate <= 1.0:
        raise SettingsError(f"{what} : un taux de provision entre 0 et 1 (0 % à 100 %) attendu, lu {rate!r}")
    return rate


@dataclass(frozen=True)
class AgeRule:
    """Rate for items ``min_days`` ≤ days past due ≤ ``max_days`` (``None`` = no upper bound)."""

    min_days: int
    max_days: int | None
    rate: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_days", int(self.min_days))
        if self.max_days is not None:
            object.__setattr__(self, "max_days", int(self.max_days))
            if self.max_days < self.min_days:
                raise SettingsError(f"[provisions] rules : max_days {self.max_days} est inférieur à min_days "
                                    f"{self.min_days}")
        object.__setattr__(self, "rate", _check_rate(self.rate, f"age rule from {self.min_days} days"))

    @property
    def code(self) -> str:
        """``age_91_180``, or ``age_over_365`` for an open-ended rule starting at 366 days."""
        if self.max_days is None:
            return f"{AGE_RULE_PREFIX}over_{self.min_days - 1}"
        return f"{AGE_RULE_PREFIX}{self.min_days}_{self.max_days}"


DEFAULT_AGE_RULES = (AgeRule(91, 180, 0.25), AgeRule(181, 365, 0.50), AgeRule(366, None, 1.0))


@dataclass(frozen=True)
class ProvisionRules:
    """The provision table: age rules and status rates (customer overrides come from the customers file).

    Defaults (domain): 0 % up to 90 days past due, 25 % for 91–180, 50 % for 181–365, 100 %
    over 365; liquidation judiciaire 100 %, redressement judiciaire 50 %, sauvegarde 25 %.
    """

    age_rules: tuple[AgeRule, ...] = DEFAULT_AGE_RULES
    liquidation_rate: float = 1.0
    receivership_rate: float = 0.50
    safeguard_rate: float = 0.25

    def __post_init__(self) -> None:
        rules = tuple(sorted(self.age_rules, key=lambda r: r.min_days))
        for a, b in zip(rules, rules[1:]):
            if a.max_days is None or a.max_days >= b.min_days:
                raise SettingsError(f"[provisions] rules : les règles {a.code} et {b.code} se chevauchent ; chaque "
                                    "nombre de jours doit relever d'une seule règle")
        object.__setattr__(self, "age_rules", rules)
        for name in ("liquidation_rate", "receivership_rate", "safeguard_rate"):
            object.__setattr__(self, name, _check_rate(getattr(self, name), name))

    @property
    def status_rates(self) -> dict[str, float]:
        """Status code → rate for the statuses of insolvency proceedings."""
        return {"liquidation": self.liquidation_rate, "receivership": self.receivership_rate,
                "safeguard": self.safeguard_rate}

    @classmethod
    def from_settings(cls, settings: Settings | Mapping[str, Any]) -> ProvisionRules:
        """Rules from the ``[provisions]`` table of ``relance.toml`` (a :class:`Settings` or its
        ``raw`` dict); missing keys keep the defaults.

        ``rules = [{min_days = 91, max_days = 180, rate = 0.25}, …]`` replaces the age rules
        (omit ``max_days`` for the last one); ``status_rates`` keys are status codes or their
        French labels (``"liquidation judiciaire" = 1.0``, ``receivership = 0.5``…).
        """
        raw = settings.raw if isinstance(settings, Settings) else settings
        table = dict(raw.get("provisions", {}))
        kwargs: dict[str, Any] = {}
        if "rules" in table:
            try:
                kwargs["age_rules"] = tuple(AgeRule(r["min_days"], r.get("max_days"), r["rate"])
                                            for r in table["rules"])
            except (KeyError, TypeError) as exc:
                raise SettingsError(f"[provisions] rules : chaque règle demande min_days et rate (max_days "
                                    f"facultatif), par exemple {{min_days = 91, max_days = 180, rate = 0.25}} "
                                    f"({exc!r})") from None
        lookup = {normalize_label(label): code for code, label in vocab.STATUS.items()}
        lookup |= {normalize_label(code): code for code in vocab.STATUS}
        for key, rate in dict(table.get("status_rates", {})).items():
            code = lookup.get(normalize_label(key))
            if code not in vocab.INSOLVENCY_STATUSES:
                raise SettingsError(f"[provisions] status_rates : statut inconnu {key!r} ; statuts connus : "
                                    + ", ".join(repr(vocab.STATUS[c]) for c in vocab.INSOLVENCY_STATUSES))
            kwargs[f"{code}_rate"] = rate
        return cls(**kwargs)


def _round_div(numerator: np.ndarray, denominator: int | np.ndarray) -> np.ndarray:
    """``numerator / denominator`` rounded half away from zero (int64; denominator > 0)."""
    num = np.asarray(numerator, dtype=np.int64)
    den = np.asarray(denominator, dtype=np.int64)
    return np.sign(num) * ((2 * np.abs(num) + den) // (2 * den))


def customer_vat_rates(sales: pd.DataFrame, as_of: DateLike) -> pd.Series:
    """Each customer's VAT rate in its latest month of sales on or before ``as_of``
    (index customer_id as string), to derive base HT when the export has no HT column."""
    month = sales["month"].astype("datetime64[s]")
    latest = sales[month <= as_date(as_of).to_datetime64()].sort_values("month", kind="stable")
    latest = latest.drop_duplicates("customer_id", keep="last")
    return pd.Series(latest["vat_rate"].to_numpy(dtype="float64"),
                     index=pd.Index(latest["customer_id"].astype("string"), name="customer_id"), name="vat_rate")


def base_ht_cents(items: pd.DataFrame, default_vat_rate: float = 0.20,
                  vat_rates: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Open amount excluding VAT in cents, and whether it was derived.

    The export's ``amount_ht_cents`` when given; else TTC / (1 + VAT) rounded half away from
    zero to the cent, with the customer's rate from ``vat_rates`` (customer_id → rate) or
    ``default_vat_rate``. Unapplied payments carry no VAT (base = TTC).
    """
    ttc = items["amount_cents"].to_numpy(dtype="int64")
    vat = np.full(len(items), float(default_vat_rate))
    if vat_rates is not None:
        mapped = items["customer_id"].astype("string").map(vat_rates).to_numpy(dtype="float64", na_value=np.nan)
        vat = np.where(np.isnan(mapped), vat, mapped)
    if "document_type" in items.columns:
        vat = np.where(items["document_type"].astype("string").eq("payment").fillna(False).to_numpy(), 0.0, vat)
    derived_ht = _round_div(ttc * VAT_SCALE, VAT_SCALE + np.round(vat * VAT_SCALE).astype("int64"))
    if "amount_ht_cents" in items.columns:
        given = pd.array(items["amount_ht_cents"], dtype="Int64")
        derived = np.asarray(given.isna(), dtype=bool)
        base = np.where(derived, derived_ht, given.to_numpy(dtype="int64", na_value=0))
    else:
        derived = np.ones(len(items), dtype=bool)
        base = derived_ht
    return base.astype("int64"), derived


SCHEDULE_COLUMNS = (
    "customer_id", "customer_name", "collector", "status", "document_id", "document_type", "document_date",
    "due_date", "days_past_due", "amount_cents", "base_ht_cents", "ht_derived", "rate", "rule",
    "provision_cents", "age_only",
)


def provisions(items: pd.DataFrame, as_of: DateLike, customers: pd.DataFrame | None = None,
               rules: ProvisionRules | None = None, default_vat_rate: float = 0.20,
               vat_rates: pd.Series | None = None) -> pd.DataFrame:
    """Provision of each open item at ``as_of`` (the provisions schedule).

    ``customers`` (canonical customers frame) is attached first when given; otherwise the items'
    own ``status`` / ``provision_rate`` columns are used when present (absent = active, no
    override). Returns one row per item, in the items' order, with: ``days_past_due``,
    ``amount_cents`` (TTC), ``base_ht_cents`` and ``ht_derived`` (see :func:`base_ht_cents`),
    ``rate`` (float), ``rule`` (code, see the module doc for the precedence),
    ``provision_cents`` (int64, ≥ 0) and ``age_only`` (bool).
    """
    rules = rules or ProvisionRules()
    require_single_currency(items, "provisions")
    if customers is not None:
        items = attach_customers(items, customers)
    n = len(items)
    amount = items["amount_cents"].to_numpy(dtype="int64")
    days = days_past_due(items, as_of)
    base, derived = base_ht_cents(items, default_vat_rate, vat_rates)
    status = (items["status"].astype("string").fillna("active").to_numpy(dtype=object)
              if "status" in items.columns else np.full(n, "active", dtype=object))
    override = (pd.to_numeric(items["provision_rate"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
                if "provision_rate" in items.columns else np.full(n, np.nan))

    rate = np.zeros(n)
    rule = np.full(n, NO_RULE, dtype=object)
    by_age = np.zeros(n, dtype=bool)
    for age_rule in rules.age_rules:
        upper = days <= age_rule.max_days if age_rule.max_days is not None else True
        hit = (days >= age_rule.min_days) & upper
        rate[hit], rule[hit], by_age[hit] = age_rule.rate, age_rule.code, True
    in_proceedings = np.zeros(n, dtype=bool)
    for code, status_rate in rules.status_rates.items():
        is_status = status == code
        in_proceedings |= is_status
        wins = is_status & (status_rate >= rate)
        rate[wins], rule[wins], by_age[wins] = status_rate, STATUS_RULE_PREFIX + code, False
    has_override = ~np.isnan(override)
    rate[has_override], rule[has_override], by_age[has_override] = override[has_override], OVERRIDE_RULE, False
    credit = amount <= 0
    rate[credit], rule[credit], by_age[credit] = 0.0, CREDIT_RULE, False

    provision = _round_div(np.maximum(base, 0) * np.round(rate * RATE_SCALE).astype("int64"), RATE_SCALE)
    out = items[[c for c in SCHEDULE_COLUMNS if c in items.columns]].reset_index(drop=True)
    out["status"] = pd.Categorical(status, categories=list(vocab.STATUS))
    out["days_past_due"] = days
    out["base_ht_cents"] = base
    out["ht_derived"] = derived
    out["rate"] = rate
    out["rule"] = pd.array(rule, dtype="string")
    out["provision_cents"] = provision.astype("int64")
    out["age_only"] = by_age & (provision > 0) & ~in_proceedings
    return out[[c for c in SCHEDULE_COLUMNS if c in out.columns]]


def _keys(schedule: pd.DataFrame, by: str | Sequence[str]) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    out: list[str] = []
    for k in keys:
        if k == "customer":
            out += ["customer_id", "customer_name"]
        elif k in schedule.columns:
            out.append(k)
        else:
            raise MissingColumnError(f"impossible de totaliser les provisions par {k!r} : pas de telle colonne "
                                     f"(colonnes : {', '.join(schedule.columns)})", k)
    return out


def provision_totals(schedule: pd.DataFrame, by: str | Sequence[str] = "customer") -> pd.DataFrame:
    """Totals of a provisions schedule by ``"customer"`` (id and name), ``"collector"``, ``"rule"``
    or any schedule column(s). Columns (int64 cents unless stated): ``receivable_ht_cents`` (base HT of
    the invoices, amount > 0), ``credits_ht_cents`` (base HT of credit notes and unapplied
    payments, ≤ 0, not provisioned), ``provision_cents``, ``age_only_cents`` (provision of the
    ``age_only`` lines), ``lines`` (count of provisioned lines) and ``coverage`` (provision /
    receivable HT, float, NaN when no receivable). Sorted by provision, largest first.
    """
    keys = _keys(schedule, by)
    base = schedule["base_ht_cents"].to_numpy(dtype="int64")
    provision = schedule["provision_cents"].to_numpy(dtype="int64")
    frame = pd.DataFrame({
        "receivable_ht_cents": np.where(base > 0, base, 0),
        "credits_ht_cents": np.where(base < 0, base, 0),
        "provision_cents": provision,
        "age_only_cents": np.where(schedule["age_only"].to_numpy(dtype=bool), provision, 0),
        "lines": (provision > 0).astype("int64"),
    })
    for k in keys:
        frame[k] = schedule[k].astype("string").fillna(vocab.UNASSIGNED).to_numpy()
    table = frame.groupby(keys, sort=False).sum().astype("int64")
    receivable = table["receivable_ht_cents"]
    table["coverage"] = table["provision_cents"] / receivable.where(receivable != 0)
    return table.sort_values("provision_cents", ascending=False, kind="stable")


@dataclass(frozen=True)
class ProvisionChange:
    """Change of provisions between two periods, in cents.

    ``by_customer``: index customer_id; customer_name, ``previous_cents``, ``current_cents``,
    ``dotation_cents`` (increase, ≥ 0), ``reprise_cents`` (release, ≥ 0); one customer has a
    dotation or a reprise, never both. ``total``: one row (index ``total``) with the same money
    columns. previous + dotation − reprise = current holds per row and in total, exactly.
    """

    by_customer: pd.DataFrame
    total: pd.DataFrame

    @property
    def dotation_cents(self) -> int:
        return int(self.total["dotation_cents"].iloc[0])

    @property
    def reprise_cents(self) -> int:
        return int(self.total["reprise_cents"].iloc[0])


CHANGE_COLUMNS = ("previous_cents", "dotation_cents", "reprise_cents", "current_cents")


def provision_change(previous: pd.DataFrame, current: pd.DataFrame) -> ProvisionChange:
    """Dotation and reprise from the ``previous`` period's provisions schedule to the ``current``
    one (both from :func:`provisions`), netted per customer. Customers with no provision in
    either period are left out."""
    both = pd.concat([schedule[["customer_id", "customer_name", "provision_cents"]].astype(
        {"customer_id": "string", "customer_name": "string", "provision_cents": "int64"})
        for schedule in (previous, current)], ignore_index=True)
    both["period"] = np.repeat(["previous_cents", "current_cents"], [len(previous), len(current)])
    table = (both.groupby(["customer_id", "period"], sort=False)["provision_cents"].sum()
             .unstack("period", fill_value=0).reindex(columns=["previous_cents", "current_cents"], fill_value=0)
             .astype("int64"))
    table.columns.name = None
    table.insert(0, "customer_name", both.groupby("customer_id", sort=False)["customer_name"].last())
    delta = table["current_cents"] - table["previous_cents"]
    table["dotation_cents"] = delta.clip(lower=0)
    table["reprise_cents"] = (-delta).clip(lower=0)
    keep = (table["previous_cents"] != 0) | (table["current_cents"] != 0)
    by_customer = (table[keep].assign(change=delta[keep])
                   .sort_values(["change", "customer_id"], ascending=[False, True], kind="stable")
                   [["customer_name", *CHANGE_COLUMNS]])
    total = pd.DataFrame([by_customer[list(CHANGE_COLUMNS)].sum().to_numpy(dtype="int64")],
                         columns=list(CHANGE_COLUMNS), index=pd.Index(["total"], name="group"))
    return ProvisionChange(by_customer, total)
