"""The simulated ledger: customers, monthly sales and their invoices, payments (some in
instalments), disputes, credit notes, unapplied payments; and its open items at each as-of date."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .world import (
    ACTIVITIES,
    AS_OF_DATES,
    BUCKET_EDGES,
    COLLECTORS,
    CREDIT_REASONS,
    DISPUTE_OWNERS,
    DISPUTE_REASONS,
    DISPUTE_TYPES,
    END,
    FAR,
    FIRST_NAMES,
    INSOLVENCIES,
    LAST_NAMES,
    MONTHS,
    PAY_METHODS,
    PROFILES,
    REGIONS,
    SEASON,
    SEGMENT_INVOICES,
    SEGMENT_MEDIAN_HT,
    SEGMENT_PROFILES,
    SEGMENT_SHARE,
    SEGMENT_TERMS,
    SEGMENTS,
    TOWNS,
    ascii_slug,
    bday,
    due_date,
    ht_from_ttc,
    is_bday,
    month_bounds,
    ordinal,
    ordinal_date,
    pick,
    ttc_from_ht,
)


# ---------------------------------------------------------------------------------------------
# World objects
# ---------------------------------------------------------------------------------------------
@dataclass
class Contact:
    """A person at a customer: name, role, direct phone (may be empty), e-mail."""

    name: str
    role: str
    phone: str
    email: str


@dataclass
class Customer:
    """A customer account with its commercial and payment behaviour."""

    idx: int
    cid: str
    name: str
    slug: str
    segment: str
    collector: str
    terms: str
    profile: str
    size: float
    invoices_per_month: float
    vat: int
    pay_method: str
    pay_days: tuple[int, ...]
    grace: int
    circuit: str = ""
    status: str = "actif"
    judgement: int | None = None
    provision_rate: float | None = None
    promise_breaker: bool = False
    credit_limit: int = 0
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class Doc:
    """A ledger document (FA invoice, AV credit note, RG unapplied payment) and its settlements.

    ``amount`` is signed TTC cents; ``events`` are ``(date, cents)`` reductions of the open
    amount (same sign as ``amount``), so ``open_at(t) = amount - sum(events up to t)``.
    """

    kind: str
    cust: int
    date: int
    due: int
    amount: int
    vat: int
    events: list[tuple[int, int]] = field(default_factory=list)
    ref: str = ""
    link: int = -1
    doc_id: str = ""
    no_due: bool = False
    dispute: int = -1
    cash_date: int | None = None

    def open_at(self, t: int) -> int:
        """Open amount at the end of day ``t`` (0 before issue)."""
        if self.date > t:
            return 0
        return self.amount - sum(c for d, c in self.events if d <= t)

    def settled(self) -> int:
        """Day the open amount reaches zero, ``FAR`` if it never does."""
        if sum(c for _, c in self.events) != self.amount:
            return FAR
        return max((d for d, _ in self.events), default=self.date)


@dataclass
class Dispute:
    """A dispute on one invoice (amount TTC cents, opened, resolved or ``None``)."""

    did: str
    doc: int
    cust: int
    kind: str
    amount: int
    opened: int
    resolved: int | None
    owner: tuple[str, str]
    reason: str


@dataclass
class Action:
    """One logged collection action."""

    date: int
    cust: int
    docs: list[int]
    channel: str
    contact: str
    outcome: str
    excuse: str = ""
    promise_cents: int | None = None
    promise_date: int | None = None
    method: str = ""
    callback: int | None = None
    note: str = ""


@dataclass
class Ledger:
    """The whole simulated world."""

    customers: list[Customer]
    docs: list[Doc] = field(default_factory=list)
    sales: list[tuple[int, int, int]] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    settle: list[int] = field(default_factory=list)
    cash: list[int] = field(default_factory=list)
    by_cust: list[list[int]] = field(default_factory=list)


@dataclass
class Snapshot:
    """Open items at one as-of date, in export order (customer, due date, document id)."""

    as_of: int
    docs: np.ndarray
    open_cents: np.ndarray
    ht_cents: np.ndarray
    bucket: np.ndarray


@dataclass(frozen=True)
class SampleSummary:
    """Counts of what :func:`generate` wrote."""

    customers: int
    weeks: int
    items_per_week_min: int
    items_per_week_max: int
    actions: int
    disputes: int


# ---------------------------------------------------------------------------------------------
# Simulation: customers
# ---------------------------------------------------------------------------------------------
def _company_name(rng: np.random.Generator, segment: str) -> str:
    """A plausible French company (or public body) name for a segment."""
    last = pick(rng, LAST_NAMES)
    act = pick(rng, ACTIVITIES)
    k = int(rng.integers(0, 4))
    if segment == "PME":
        return (f"{act} {last} {pick(rng, ('SARL', 'SAS', 'EURL', 'SARL'))}", f"Ets {last} et Fils",
                f"{last} {act} SARL", f"{act} {pick(rng, TOWNS)} {last}")[k]
    if segment == "ETI":
        return (f"{act} {last} SAS", f"{last} Industrie SA", f"Groupe {last}", f"{last} {act} SAS")[k]
    if segment == "Grand compte":
        return (f"Groupe {last}", f"{last} Industries SA", f"{last} & {pick(rng, LAST_NAMES)} SA",
                f"{act} {pick(rng, REGIONS)} SA")[k]
    if segment == "Distribution":
        return (f"{last} Distribution", f"Comptoir {pick(rng, REGIONS)}", f"Négoce {last} SAS",
                f"Centrale {act} {pick(rng, REGIONS)}")[k]
    town = pick(rng, TOWNS)
    return (f"Commune de {town}", f"Communauté de communes {pick(rng, REGIONS)}",
            f"Centre hospitalier de {town}", f"Syndicat des eaux de {town}")[k]


def _company_slug(name: str) -> str:
    """Mail domain label of a company name (legal form dropped)."""
    words = [w for w in name.split() if w not in ("SARL", "SAS", "SA", "EURL", "&", "et")]
    return ascii_slug(" ".join(words))


def make_customers(rng: np.random.Generator, n: int = 300) -> list[Customer]:
    """Customers with segment, collector, terms, payer profile, size and VAT rate."""
    names: dict[str, int] = {}
    out: list[Customer] = []
    for i in range(n):
        segment = pick(rng, SEGMENTS, SEGMENT_SHARE)
        name = _company_name(rng, segment)
        while name in names:
            name = _company_name(rng, segment)
        names[name] = i
        terms = pick(rng, *SEGMENT_TERMS[segment])
        profile = pick(rng, PROFILES, SEGMENT_PROFILES[segment])
        size = SEGMENT_MEDIAN_HT[segment] * float(rng.lognormal(0.0, 0.6))
        ipm = SEGMENT_INVOICES[segment] * float(np.clip(rng.lognormal(0.0, 0.35), 0.5, 2.5))
        pay = "virement" if segment == "Collectivité" else pick(rng, PAY_METHODS, (0.6, 0.15, 0.15, 0.10))
        pay_days: tuple[int, ...] = ()
        if segment != "PME" and rng.random() < 0.3:
            pay_days = ((10,), (5, 20), (15, 30), (25,))[int(rng.integers(0, 4))]
        out.append(Customer(
            idx=i, cid=f"C{i + 1:04d}", name=name, slug=_company_slug(name), segment=segment,
            collector=COLLECTORS[int(rng.integers(0, len(COLLECTORS)))], terms=terms, profile=profile,
            size=size, invoices_per_month=ipm, vat=200, pay_method=pay, pay_days=pay_days,
            grace=int(rng.integers(4, 11))))
    _assign_vat(rng, out)
    _assign_statuses(rng, out)
    for c in out:
        c.circuit = _circuit(rng, c)
        c.credit_limit = max(5_000, int(np.ceil(c.size * 1.2 * 2.5 / 5_000.0)) * 5_000)
    _assign_contacts(rng, out)
    _assign_provision_rates(rng, out)
    late = [c for c in out if c.status == "actif" and c.profile in ("chronic_late", "bad")]
    for k in rng.choice(len(late), size=8, replace=False):
        late[int(k)].promise_breaker = True
    return out


def _assign_vat(rng: np.random.Generator, customers: list[Customer]) -> None:
    """A few customers at 10 % or 5.5 % VAT, two exporters at 0 %."""
    order = [int(i) for i in rng.permutation(len(customers))]
    reduced = [i for i in order if customers[i].segment in ("PME", "Collectivité")][:6]
    for k, i in enumerate(reduced):
        customers[i].vat = 100 if k < 4 else 55
    exporters = [i for i in order if customers[i].segment in ("ETI", "Distribution") and customers[i].vat == 200]
    for i in exporters[:2]:
        customers[i].vat = 0


def _assign_statuses(rng: np.random.Generator, customers: list[Customer]) -> None:
    """Seven customers in insolvency proceedings (judgement dates fixed, customers drawn)."""
    eligible = [c.idx for c in customers if c.segment in ("PME", "ETI", "Distribution")
                and c.profile != "dispute_prone" and c.vat == 200]
    chosen = [eligible[int(i)] for i in rng.choice(len(eligible), size=len(INSOLVENCIES), replace=False)]
    for idx, (status, judgement) in zip(chosen, INSOLVENCIES):
        c = customers[idx]
        c.status, c.judgement, c.profile = status, judgement, "chronic_late"
        c.invoices_per_month = min(c.invoices_per_month, 3.0)
        if c.size > 25_000:
            c.size = 25_000.0 * float(rng.uniform(0.5, 1.0))


def _circuit(rng: np.random.Generator, c: Customer) -> str:
    """Invoice approval circuit: small PME → dirigeant; large accounts → purchasing validation."""
    if c.segment == "PME":
        return "dirigeant" if c.size < 6_000 else "comptabilité fournisseurs"
    if c.segment == "Collectivité":
        return "comptabilité fournisseurs"
    if c.segment == "Grand compte":
        return "validation achats" if rng.random() < 0.8 else "comptabilité fournisseurs"
    return "validation achats" if rng.random() < 0.45 else "comptabilité fournisseurs"


def _person(rng: np.random.Generator, used: dict[str, int]) -> str:
    """A French first and last name not used yet."""
    while True:
        name = f"{pick(rng, FIRST_NAMES)} {pick(rng, LAST_NAMES)}"
        if name not in used:
            used[name] = 1
            return name


def _phone(rng: np.random.Generator, used: dict[str, int], mobile: bool = False) -> str:
    """A unique French phone number ``0X XX XX XX XX``."""
    while True:
        first = pick(rng, ("06", "07")) if mobile else pick(rng, ("04", "04", "04", "01", "03", "05"))
        pairs = [f"{int(rng.integers(10, 100)):02d}" for _ in range(4)]
        phone = " ".join([first, *pairs])
        if phone not in used:
            used[phone] = 1
            return phone


def _assign_contacts(rng: np.random.Generator, customers: list[Customer]) -> None:
    """1–3 contacts per customer consistent with its circuit; 4 customers without any contact."""
    names: dict[str, int] = {}
    phones: dict[str, int] = {}
    for c in customers:
        if c.circuit == "validation achats":
            roles = ["achats", "comptabilité fournisseurs"] + (["direction financière"] if rng.random() < 0.3 else [])
        elif c.circuit == "comptabilité fournisseurs":
            roles = ["comptabilité fournisseurs"] + (["direction financière"] if rng.random() < 0.35 else [])
        else:
            roles = ["dirigeant"]
        for role in roles:
            name = _person(rng, names)
            first, last = name.split(" ", 1)
            email = f"{ascii_slug(first)}.{ascii_slug(last)}@{c.slug}.fr"
            c.contacts.append(Contact(name, role, _phone(rng, phones, mobile=role == "dirigeant"), email))
    active = [c.idx for c in customers if c.status == "actif"]
    no_contact = [active[int(i)] for i in rng.choice(len(active), size=4, replace=False)]
    for i in no_contact:
        customers[i].contacts = []
    with_contacts = [c for c in customers if c.contacts and c.idx not in no_contact]
    for k in rng.choice(len(with_contacts), size=3, replace=False):
        with_contacts[int(k)].contacts[0].phone = ""


def _assign_provision_rates(rng: np.random.Generator, customers: list[Customer]) -> None:
    """A specific provision rate for three bad payers still active."""
    bad = [c for c in customers if c.status == "actif" and c.profile == "bad"]
    for k, rate in zip(rng.choice(len(bad), size=3, replace=False), (0.5, 0.3, 0.75)):
        bad[int(k)].provision_rate = rate


# ---------------------------------------------------------------------------------------------
# Simulation: sales and invoices
# ---------------------------------------------------------------------------------------------
def _business_days(first: int, last: int) -> list[int]:
    """Business days between two ordinals, inclusive."""
    return [o for o in range(first, last + 1) if is_bday(o)]


def _split_cents(rng: np.random.Generator, total: int, n: int) -> list[int]:
    """Split ``total`` cents into ``n`` positive parts (exact sum)."""
    if n == 1:
        return [total]
    w = rng.dirichlet(np.full(n, 2.0))
    parts = [max(100, int(total * float(x))) for x in w[:-1]]
    last = total - sum(parts)
    if last < 100:
        base = total // n
        parts = [base] * (n - 1)
        last = total - base * (n - 1)
    return parts + [last]


def simulate_sales(rng: np.random.Generator, led: Ledger) -> None:
    """Monthly sales HT per customer and the invoices that make them up (TTC exact per month)."""
    p_zero = {"PME": 0.12, "ETI": 0.03, "Grand compte": 0.0, "Distribution": 0.03, "Collectivité": 0.15}
    for c in led.customers:
        for k, (y, m) in enumerate(MONTHS):
            first, last = month_bounds(y, m)
            stop = min(last, END)
            factor = 1.0
            if c.judgement is not None:
                if c.status == "liquidation judiciaire":
                    stop = min(stop, c.judgement - 1)
                elif first >= c.judgement:
                    factor = 0.6
            days = _business_days(first, stop)
            if not days or rng.random() < p_zero[c.segment]:
                continue
            coverage = len(days) / len(_business_days(first, last))
            trend = 1.0 + 0.04 * k / 12.0
            ht_euros = c.size * SEASON[m] * trend * float(rng.lognormal(0.0, 0.25)) * coverage * factor
            total_ht = int(round(ht_euros * 100))
            n = max(1, int(rng.poisson(c.invoices_per_month * SEASON[m] * coverage)))
            n = max(1, min(n, len(days), total_ht // 20_000))
            led.sales.append((c.idx, k, total_ht))
            dates = sorted(int(days[int(j)]) for j in rng.integers(0, len(days), size=n))
            hts = _split_cents(rng, total_ht, n)
            ttcs = [ttc_from_ht(h, c.vat) for h in hts[:-1]]
            ttcs.append(ttc_from_ht(total_ht, c.vat) - sum(ttcs))
            for d, ttc in zip(dates, ttcs):
                ref = f"{pick(rng, ('BC', 'PO', 'Cde n°'))} {int(rng.integers(100_000, 1_000_000))}"
                led.docs.append(Doc("FA", c.idx, d, due_date(d, c.terms), ttc, c.vat, ref=ref))


# ---------------------------------------------------------------------------------------------
# Simulation: payments, disputes, credit notes, unapplied payments
# ---------------------------------------------------------------------------------------------
def _snap_pay_day(o: int, pay_days: tuple[int, ...]) -> int:
    """Next business day on or after ``o`` that matches the customer's payment runs."""
    if pay_days:
        for _ in range(40):
            d = ordinal_date(o)
            last = month_bounds(d.year, d.month)[1] - ordinal(d.year, d.month, 1) + 1
            if d.day in [min(p, last) for p in pay_days]:
                break
            o += 1
    return bday(o)


def _delay(rng: np.random.Generator, profile: str) -> int:
    """Days between due date and payment for a payer profile."""
    if profile == "on_time":
        return int(rng.integers(-6, 3)) if rng.random() < 0.9 else int(rng.integers(3, 21))
    if profile == "slightly_late":
        return int(rng.gamma(2.0, 6.0))
    if profile == "dispute_prone":
        return int(rng.gamma(2.0, 7.0))
    if profile == "chronic_late":
        return int(rng.uniform(25, 95))
    return min(420, 30 + int(rng.gamma(2.5, 35.0)))


def _instalments(rng: np.random.Generator, doc: Doc, final: int) -> list[tuple[int, int]]:
    """2–3 instalments summing to the invoice amount, the last on ``final``."""
    k = int(rng.integers(2, 4))
    parts = _split_cents(rng, doc.amount, k)
    dates = [final]
    for _ in range(k - 1):
        dates.insert(0, max(doc.date + 3, bday(dates[0] - int(rng.integers(12, 41)))))
    dates = [min(d, final) for d in dates]
    return list(zip(dates, parts))


def _plan_payment(rng: np.random.Generator, c: Customer, doc: Doc) -> list[tuple[int, int]]:
    """Settlement events of an invoice according to the customer's profile and status."""
    profile = c.profile
    if c.judgement is not None:
        j = c.judgement
        if c.status == "liquidation judiciaire" and doc.due >= j - 120:
            return []
        if c.status != "liquidation judiciaire" and doc.date < j and doc.due >= j - 100:
            return []
        if doc.date >= j:
            profile = "on_time"
    if profile == "bad" and rng.random() < 0.007:
        return []
    if c.pay_method in ("LCR", "prélèvement") and profile in ("on_time", "slightly_late"):
        final = bday(doc.due)
    else:
        final = _snap_pay_day(max(doc.due + _delay(rng, profile), doc.date + 2), c.pay_days)
    partial = {"on_time": 0.01, "slightly_late": 0.03, "chronic_late": 0.10, "bad": 0.14,
               "dispute_prone": 0.04}[profile]
    if doc.amount >= 50_000 and rng.random() < partial:
        return _instalments(rng, doc, final)
    return [(final, doc.amount)]


def simulate_payments(rng: np.random.Generator, led: Ledger) -> None:
    """Payment plan of every invoice."""
    for doc in led.docs:
        doc.events = _plan_payment(rng, led.customers[doc.cust], doc)


def _dispute_dates(rng: np.random.Generator) -> list[tuple[int, int | None]]:
    """Opening (and resolution) dates: 25 disputes open at the end, 53 resolved."""
    out: list[tuple[int, int | None]] = []
    windows = ((ordinal(2025, 5, 1), ordinal(2025, 10, 31), 2), (ordinal(2026, 1, 15), ordinal(2026, 8, 14), 6),
               (ordinal(2026, 8, 24), ordinal(2026, 11, 16), 17))
    for lo, hi, n in windows:
        out += [(bday(int(rng.integers(lo, hi + 1))), None) for _ in range(n)]
    for _ in range(53):
        opened = bday(int(rng.integers(ordinal(2025, 1, 10), ordinal(2026, 10, 16))))
        span = int(np.clip(rng.lognormal(np.log(40.0), 0.6), 8, 220))
        if opened + span >= END:
            span = max(3, int((END - 1 - opened) * rng.uniform(0.3, 0.9)))
        resolved = bday(opened + span)
        out.append((opened, resolved if resolved < END else END - 1))
    return out


def _dispute_invoice(rng: np.random.Generator, led: Ledger, opened: int) -> int:
    """An unpaid invoice issued 7–75 days before ``opened`` (dispute-prone customers first)."""
    prone = [c.idx for c in led.customers if c.profile == "dispute_prone" and c.status == "actif"]
    others = [c.idx for c in led.customers if c.status == "actif" and c.profile != "dispute_prone"]
    for _ in range(200):
        pool = prone if rng.random() < 0.65 else others
        cust = pool[int(rng.integers(0, len(pool)))]
        cands = [i for i in led.by_cust[cust] if opened - 75 <= led.docs[i].date <= opened - 7
                 and led.docs[i].kind == "FA" and led.docs[i].dispute < 0 and led.docs[i].events
                 and max(d for d, _ in led.docs[i].events) > opened]
        if cands:
            return cands[int(rng.integers(0, len(cands)))]
    raise RuntimeError("aucune facture disponible pour un litige")


def simulate_disputes(rng: np.random.Generator, led: Ledger) -> None:
    """Disputes on invoices; disputed amounts are paid (or credited) only after resolution."""
    dates = sorted(_dispute_dates(rng), key=lambda x: x[0])
    n_open = sum(1 for _, r in dates if r is None)
    kinds_open = [DISPUTE_TYPES[k % 3] for k in rng.permutation(n_open)]
    kinds_res = [DISPUTE_TYPES[k % 3] for k in rng.permutation(len(dates) - n_open)]
    for opened, resolved in dates:
        kind = kinds_open.pop() if resolved is None else kinds_res.pop()
        i = _dispute_invoice(rng, led, opened)
        doc = led.docs[i]
        disputed = doc.amount if rng.random() < 0.5 else max(100, int(doc.amount * rng.uniform(0.1, 0.8)))
        normal = max(d for d, _ in doc.events)
        events = [(normal, doc.amount - disputed)] if disputed < doc.amount else []
        if resolved is not None:
            pay = _snap_pay_day(resolved + int(rng.integers(5, 30)), led.customers[doc.cust].pay_days)
            if kind != "administratif" and rng.random() < 0.6:
                credit = disputed if rng.random() < 0.35 else max(100, int(disputed * rng.uniform(0.2, 0.9)))
                letter = pay if credit < disputed else resolved
                reason = pick(rng, DISPUTE_REASONS[kind])
                led.docs.append(Doc("AV", doc.cust, resolved, resolved, -credit, doc.vat, [(letter, -credit)],
                                    ref=f"Avoir litige – {reason}", link=i, dispute=len(led.disputes)))
                events.append((letter, credit))
                if credit < disputed:
                    events.append((pay, disputed - credit))
            else:
                events.append((pay, disputed))
        doc.events = sorted(events)
        doc.dispute = len(led.disputes)
        owner = DISPUTE_OWNERS[kind][int(rng.integers(0, len(DISPUTE_OWNERS[kind])))]
        led.disputes.append(Dispute("", i, doc.cust, kind, disputed, opened, resolved, owner,
                                    pick(rng, DISPUTE_REASONS[kind])))
    for k, d in enumerate(led.disputes):
        d.did = f"LIT-{k + 1:04d}"


def _reduce_events(events: list[tuple[int, int]], amount: int) -> list[tuple[int, int]]:
    """Payment events reduced by ``amount`` cents, starting from the last one."""
    out = [list(e) for e in events]
    for e in reversed(out):
        take = min(e[1], amount)
        e[1] -= take
        amount -= take
    return [(d, c) for d, c in out if c > 0]


def simulate_credit_notes(rng: np.random.Generator, led: Ledger) -> None:
    """Credit notes on ~2.5 % of invoices: applied at payment, left unlettered, or open as a credit."""
    n = len(led.docs)
    for i in range(n):
        doc = led.docs[i]
        if doc.kind != "FA" or doc.dispute >= 0 or not doc.events or rng.random() >= 0.025:
            continue
        full = rng.random() < 0.15
        credit = doc.amount if full else max(100, int(doc.amount * rng.uniform(0.05, 0.6)))
        cn_date = bday(doc.date + int(rng.integers(3, 40)))
        if cn_date > END:
            continue
        reason = "Annulation de facture" if full else pick(rng, CREDIT_REASONS)
        final = max(d for d, _ in doc.events)
        if full and cn_date < final:
            letter = bday(cn_date + int(rng.integers(0, 10)))
            doc.events = [(letter, doc.amount)]
            doc.cash_date = cn_date
            cn_events = [(letter, -credit)]
        elif cn_date < final:
            r = rng.random()
            letter = final if r < 0.8 else (FAR if r < 0.81 else final + int(rng.integers(30, 150)))
            doc.events = _reduce_events(doc.events, credit)
            if letter < FAR:
                doc.events = sorted(doc.events + [(letter, credit)])
            if letter > final:
                doc.cash_date = final
            cn_events = [(letter, -credit)] if letter < FAR else []
        else:
            close = FAR if rng.random() < 0.05 else bday(cn_date + int(rng.integers(15, 90)))
            cn_events = [(close, -credit)] if close < FAR else []
        led.docs.append(Doc("AV", doc.cust, cn_date, cn_date, -credit, doc.vat, cn_events,
                            ref=f"{reason} s/ facture", link=i, no_due=rng.random() < 0.1))


def simulate_unapplied(rng: np.random.Generator, led: Ledger) -> None:
    """Payments received without a usable reference (RG), lettered a few weeks later; a few overpayments."""
    n = len(led.docs)
    for i in range(n):
        doc = led.docs[i]
        if doc.kind != "FA" or doc.dispute >= 0 or len(doc.events) != 1 or rng.random() >= 0.02:
            continue
        paid, cents = doc.events[0]
        if cents != doc.amount or paid > END:
            continue
        lag = int(rng.integers(5, 45)) if rng.random() < 0.9 else int(rng.integers(60, 130))
        applied = bday(paid + lag)
        doc.events = [(applied, cents)]
        doc.cash_date = paid
        how = pick(rng, ("Virement reçu sans référence", "Chèque reçu non affecté",
                          "Virement groupé à ventiler"))
        led.docs.append(Doc("RG", doc.cust, paid, paid, -cents, 0, [(applied, -cents)], ref=how, link=i,
                            no_due=rng.random() < 0.1))
    active = [c.idx for c in led.customers if c.status == "actif"]
    for _ in range(15):
        cust = active[int(rng.integers(0, len(active)))]
        date = bday(int(rng.integers(ordinal(2025, 6, 1), END - 5)))
        cents = int(rng.integers(20_000, 800_000))
        close = FAR if rng.random() < 0.3 else bday(date + int(rng.integers(20, 160)))
        how = pick(rng, ("Règlement en double", "Trop-perçu sur virement", "Acompte non affecté"))
        led.docs.append(Doc("RG", cust, date, date, -cents, 0, [(close, -cents)] if close < FAR else [],
                            ref=how, no_due=rng.random() < 0.1))


def number_documents(led: Ledger) -> None:
    """Chronological ids per kind and year: FA2026-000123, AV2026-…, RG2026-…."""
    kind_rank = {"FA": 0, "AV": 1, "RG": 2}
    order = sorted(range(len(led.docs)), key=lambda i: (led.docs[i].date, kind_rank[led.docs[i].kind],
                                                        led.docs[i].cust, i))
    counters: dict[tuple[str, int], int] = {}
    for i in order:
        doc = led.docs[i]
        key = (doc.kind, ordinal_date(doc.date).year)
        counters[key] = counters.get(key, 0) + 1
        doc.doc_id = f"{doc.kind}{key[1]}-{counters[key]:06d}"


def index_ledger(led: Ledger) -> None:
    """Per-customer document lists and settlement dates."""
    led.by_cust = [[] for _ in led.customers]
    for i, doc in enumerate(led.docs):
        led.by_cust[doc.cust].append(i)
    led.settle = [doc.settled() for doc in led.docs]
    led.cash = [s if doc.cash_date is None else min(s, doc.cash_date) for doc, s in zip(led.docs, led.settle)]


# ---------------------------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------------------------
def _bucket_of(days: np.ndarray) -> np.ndarray:
    """Default bucket index 0..5 (not due, 1–30, 31–60, 61–90, 91–120, >120) of days past due."""
    return np.searchsorted(np.asarray(BUCKET_EDGES), days, side="left").astype(np.int8)


def snapshots(led: Ledger) -> list[Snapshot]:
    """Open items at every as-of date (exact integer arithmetic)."""
    n = len(led.docs)
    amount = np.array([d.amount for d in led.docs], dtype=np.int64)
    date = np.array([d.date for d in led.docs], dtype=np.int64)
    due = np.array([d.due for d in led.docs], dtype=np.int64)
    cust = np.array([d.cust for d in led.docs], dtype=np.int64)
    vat = np.array([d.vat for d in led.docs], dtype=np.int64)
    id_rank = np.empty(n, dtype=np.int64)
    id_rank[sorted(range(n), key=lambda i: led.docs[i].doc_id)] = np.arange(n)
    ev_doc = np.array([i for i, d in enumerate(led.docs) for _ in d.events], dtype=np.int64)
    ev_date = np.array([e[0] for d in led.docs for e in d.events], dtype=np.int64)
    ev_cents = np.array([e[1] for d in led.docs for e in d.events], dtype=np.int64)
    out = []
    for t in AS_OF_DATES:
        paid = np.zeros(n, dtype=np.int64)
        m = ev_date <= t
        np.add.at(paid, ev_doc[m], ev_cents[m])
        open_ = amount - paid
        sel = np.flatnonzero((date <= t) & (open_ != 0))
        if np.any(np.sign(open_[sel]) != np.sign(amount[sel])):
            raise AssertionError("montant ouvert de signe inattendu")
        sel = sel[np.lexsort((id_rank[sel], due[sel], cust[sel]))]
        cents = open_[sel]
        ht = np.array([ht_from_ttc(int(a), int(v)) for a, v in zip(cents, vat[sel])], dtype=np.int64)
        out.append(Snapshot(t, sel, cents, ht, _bucket_of(t - due[sel])))
    return out
