"""Seeded, deterministic sample data: one simulated receivables ledger and every file derived from it.

The simulation builds ~300 customers of "Ateliers Durand Industrie SAS", 24 months of sales,
the invoices that make them up, payments (some in instalments), credit notes, unapplied
payments, disputes and six months of collection actions. From that single world it writes
``data/sample``: 16 weekly open-item exports (Sage layout, one week in the Odoo OCA layout),
``customers.xlsx``, ``sales.xlsx``, ``disputes.xlsx``, ``actions.xlsx`` and ``relance.toml``.

Money is integer cents everywhere; cells receive ``cents / 100``. No wall-clock time, no hash
order: the same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

DEFAULT_SEED = 20261120
COMPANY = "Ateliers Durand Industrie SAS"
COMPANY_DOMAIN = "ateliers-durand.fr"
CREATED = dt.datetime(2026, 11, 20, 18, 0)


def _o(y: int, m: int, d: int) -> int:
    """Date as a proleptic ordinal (integer day number)."""
    return dt.date(y, m, d).toordinal()


HISTORY_START = _o(2024, 12, 1)
END = _o(2026, 11, 20)
ACTIONS_START = _o(2026, 6, 1)
FAR = _o(2100, 1, 1)
AS_OF_DATES = tuple(END - 7 * k for k in range(15, -1, -1))
ODOO_AS_OF = _o(2026, 9, 11)
MONTHS = tuple((2024 + (11 + k) // 12, (11 + k) % 12 + 1) for k in range(24))
HOLIDAYS = frozenset(_o(*d) for d in (
    (2024, 12, 25), (2025, 1, 1), (2025, 4, 21), (2025, 5, 1), (2025, 5, 8), (2025, 5, 29),
    (2025, 6, 9), (2025, 7, 14), (2025, 8, 15), (2025, 11, 11), (2025, 12, 25), (2026, 1, 1),
    (2026, 4, 6), (2026, 5, 1), (2026, 5, 8), (2026, 5, 14), (2026, 5, 25), (2026, 7, 14),
    (2026, 11, 11), (2026, 12, 25)))

COLLECTORS = ("Claire Martin", "Julien Petit", "Sophie Bernard", "Karim Haddad", "Laura Moreau")
COLLECTOR_CAPACITY = (12, 15, 18, 14, 20)   # calls a day: the sample fills most lists and cuts a few rows
SEGMENTS = ("PME", "ETI", "Grand compte", "Distribution", "Collectivité")
SEGMENT_SHARE = (0.45, 0.20, 0.08, 0.17, 0.10)
SEGMENT_MEDIAN_HT = {"PME": 5_000.0, "ETI": 18_000.0, "Grand compte": 60_000.0,
                     "Distribution": 15_000.0, "Collectivité": 7_000.0}
SEGMENT_INVOICES = {"PME": 3.0, "ETI": 7.0, "Grand compte": 14.0, "Distribution": 11.0, "Collectivité": 3.5}
SEGMENT_TERMS = {
    "PME": (("30", "45", "30fdm", "60"), (0.40, 0.25, 0.25, 0.10)),
    "ETI": (("45", "60", "30fdm"), (0.35, 0.35, 0.30)),
    "Grand compte": (("60", "45"), (0.70, 0.30)),
    "Distribution": (("30fdm", "45", "60"), (0.40, 0.30, 0.30)),
    "Collectivité": (("30",), (1.0,)),
}
TERMS_LABEL = {"30": "30 jours", "45": "45 jours", "60": "60 jours", "30fdm": "30 jours fin de mois"}
PROFILES = ("on_time", "slightly_late", "chronic_late", "bad", "dispute_prone")
SEGMENT_PROFILES = {
    "PME": (0.34, 0.26, 0.20, 0.09, 0.11),
    "ETI": (0.40, 0.27, 0.15, 0.05, 0.13),
    "Grand compte": (0.35, 0.30, 0.20, 0.02, 0.13),
    "Distribution": (0.36, 0.25, 0.18, 0.08, 0.13),
    "Collectivité": (0.30, 0.50, 0.17, 0.00, 0.03),
}
SEASON = {1: 0.92, 2: 0.96, 3: 1.22, 4: 1.04, 5: 1.0, 6: 1.06, 7: 0.9, 8: 0.48, 9: 1.06, 10: 1.24,
          11: 1.04, 12: 0.86}
PAY_METHODS = ("virement", "chèque", "LCR", "prélèvement")
INSOLVENCIES = (
    ("liquidation judiciaire", _o(2025, 9, 15)), ("liquidation judiciaire", _o(2026, 4, 10)),
    ("redressement judiciaire", _o(2026, 2, 2)), ("redressement judiciaire", _o(2026, 5, 18)),
    ("redressement judiciaire", _o(2026, 9, 15)), ("sauvegarde", _o(2025, 11, 3)),
    ("sauvegarde", _o(2026, 6, 22)),
)
BUCKET_EDGES = (0, 30, 60, 90, 120)

SAGE_SHEET = "Balance âgée"
SAGE_HEADER = ("Code client", "Raison sociale", "Type", "N° pièce", "Date pièce", "Échéance", "Montant HT",
               "Solde TTC", "Non échu", "1 à 30 j", "31 à 60 j", "61 à 90 j", "+ de 90 j")
ODOO_SHEET = "Balance âgée auxiliaire"
ODOO_HEADER = ("Date", "Pièce", "Journal", "Compte", "Partenaire", "Réf - Libellé", "Date d'échéance",
               "Résiduel", "Actuel", "Age ≤ 30 d.", "Age ≤ 60 d.", "Age ≤ 90 d.", "Age ≤ 120 d.",
               "Plus ancien")
CUSTOMERS_HEADER = ("Code client", "Raison sociale", "Segment", "Recouvreur", "Statut", "Encours autorisé",
                    "Délai de paiement", "Circuit facture", "Taux de provision spécifique")
CONTACTS_HEADER = ("Code client", "Nom", "Rôle", "Téléphone direct", "E-mail")
SALES_HEADER = ("Code client", "Mois", "CA HT", "Taux TVA")
DISPUTES_HEADER = ("N° litige", "Code client", "N° pièce", "Type", "Montant", "Ouvert le", "Résolu le",
                   "Responsable", "Téléphone responsable", "E-mail responsable", "Motif")
ACTIONS_HEADER = ("Date", "Code client", "N° pièces", "Canal", "Interlocuteur", "Résultat", "Code excuse",
                  "Montant promis", "Date promise", "Mode de règlement", "Date de rappel", "Note", "Recouvreur")

FIRST_NAMES = (
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Laurent", "Stéphane",
    "Frédéric", "Sébastien", "Olivier", "Thierry", "Éric", "David", "Guillaume", "Mathieu", "Antoine",
    "François", "Bruno", "Patrick", "Romain", "Vincent", "Jérôme", "Cédric", "Yannick", "Hervé", "Arnaud",
    "Benoît", "Jean-Marc", "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Valérie", "Sandrine",
    "Céline", "Stéphanie", "Aurélie", "Émilie", "Caroline", "Virginie", "Christine", "Anne", "Hélène",
    "Laetitia", "Delphine", "Camille", "Julie", "Élodie", "Audrey", "Karine", "Pauline", "Manon", "Agnès",
    "Florence", "Mélanie", "Anne-Sophie", "Fatima",
)
LAST_NAMES = (
    "Bernard", "Thomas", "Robert", "Richard", "Dubois", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy",
    "Roux", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine",
    "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer",
    "Garnier", "Chevalier", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément", "Morin",
    "Henry", "Roussel", "Mathieu", "Masson", "Marchand", "Duval", "Denis", "Dumont", "Lemaire", "Noël",
    "Meyer", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet",
    "Gaillard", "Barbier", "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux",
    "Colin", "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
    "Lacroix", "Olivier", "Bourgeois", "Rey", "Leclerc", "Rolland", "Lecomte", "Lopez", "Dupuy",
    "Guillot", "Hubert", "Berger", "Carpentier", "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur",
    "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Poirier", "Marty", "Aubry", "Guyot", "Carré",
    "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Schneider", "Le Gall",
    "Collet", "Léger", "Bouvier", "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Breton", "Besson",
    "Langlois", "Rémy", "Le Goff", "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun",
    "Weber", "Mallet", "Hamon", "Boulanger", "Monnier", "Michaud", "Gillet", "Tessier", "Chauvin",
    "Da Silva", "Bouchet", "Lemaître", "Humbert", "Reynaud", "Cordier", "Pichon", "Lejeune", "Lamy",
    "Delaunay", "Pasquier", "Carlier", "Laporte", "Benali", "Nguyen", "Ferreira",
)
ACTIVITIES = (
    "Menuiserie", "Transports", "Mécanique", "Chaudronnerie", "Électricité", "Plasturgie", "Fonderie",
    "Bâtiment", "Emballages", "Métallerie", "Équipements", "Robotique", "Usinage", "Matériaux",
    "Maintenance", "Logistique", "Hydraulique", "Outillage", "Composites", "Ingénierie", "Automatismes",
    "Serrurerie", "Tôlerie", "Charpente", "Agencement", "Froid industriel", "Pneumatique", "Décolletage",
    "Forge", "Traitements de surface",
)
TOWNS = (
    "Saint-Étienne", "Roanne", "Annecy", "Chambéry", "Valence", "Vienne", "Bourg-en-Bresse", "Mâcon",
    "Villefranche", "Clermont-Ferrand", "Vichy", "Montluçon", "Le Puy-en-Velay", "Grenoble", "Voiron",
    "Oyonnax", "Belley", "Aubenas", "Montélimar", "Romans", "Thonon", "Cluses", "Albertville", "Riom",
    "Issoire", "Feurs", "Givors", "Tarare", "Firminy", "Ambérieu", "Pontarlier", "Besançon", "Dole",
    "Lons-le-Saunier", "Chalon-sur-Saône", "Autun", "Nevers", "Moulins", "Aurillac", "Rodez",
)
REGIONS = ("du Forez", "Rhodanien", "Alpin", "Dauphinois", "Savoyard", "Auvergnat", "Lyonnais", "Jurassien",
           "Bourguignon", "du Velay", "Beaujolais", "Bressan", "Vivarois", "Comtois", "Ardéchois")
DISPUTE_TYPES = ("administratif", "commercial", "technique")
DISPUTE_OWNERS = {
    "administratif": (("Nadia Benali", "04 77 42 18 30"), ("Marc Lefort", "04 77 42 18 31")),
    "commercial": (("Thomas Girardin", "04 77 42 18 45"), ("Isabelle Chaumont", "04 77 42 18 46"),
                   ("Romain Vernet", "04 77 42 18 47")),
    "technique": (("Hélène Marceau", "04 77 42 18 60"), ("Yann Kerlidou", "04 77 42 18 61")),
}
DISPUTE_REASONS = {
    "administratif": ("Numéro de bon de commande absent de la facture", "Adresse de facturation erronée",
                      "Mentions du contrat cadre manquantes sur la facture", "Bon de livraison signé manquant",
                      "Facture adressée à la mauvaise entité du groupe", "Doublon de facturation suspecté"),
    "commercial": ("Prix unitaire différent du devis accepté", "Remise de fin d'année non appliquée",
                   "Quantités facturées supérieures aux quantités livrées", "Frais de port contestés",
                   "Pénalités de retard de livraison réclamées", "Hausse tarifaire 2026 non acceptée"),
    "technique": ("Pièces non conformes au plan (cotes hors tolérance)", "Défaut de traitement de surface",
                  "Casse constatée à la livraison", "Lot refusé au contrôle réception",
                  "Panne de l'équipement sous garantie", "Matière non conforme au certificat"),
}
CREDIT_REASONS = ("Retour marchandise", "Remise commerciale", "Erreur de prix", "Reprise d'emballages")
EXCUSE_NOTES = {
    "facture non reçue": "Indique ne pas avoir reçu la facture ; duplicata à envoyer.",
    "trésorerie": "Fait état de tensions de trésorerie, demande un délai.",
    "validation direction": "Facture en attente de validation par la direction.",
    "comptabilité indisponible": "Comptable absent(e), personne pour lancer le paiement.",
    "litige commercial": "Veut d'abord régler un désaccord commercial avec notre commercial.",
    "marchandise retournée": "Indique avoir retourné une partie de la marchandise, attend l'avoir.",
    "procédure collective": "Annonce l'ouverture d'une procédure collective.",
    "comptes bloqués": "Comptes bancaires bloqués (contrôle fiscal / URSSAF) selon l'interlocuteur.",
    "clients non payés": "Dit attendre le règlement de ses propres clients.",
    "chèque envoyé": "Affirme que le chèque est parti au courrier.",
}
EVASIVE_NOTES = ("« Je m'en occupe », aucune date de règlement donnée.",
                 "Le dossier « est en cours », pas d'engagement de date.",
                 "Renvoie vers un collègue absent, sans date.",
                 "« On regarde ça cette semaine », rien de daté.")
NO_ANSWER_NOTES = ("Appel sans réponse, message laissé sur la messagerie.",
                   "Standard : interlocuteur indisponible, message transmis.",
                   "Pas de réponse au courriel de relance.")
EXCUSES_BY_PROFILE = {
    "on_time": (("facture non reçue", "validation direction", "comptabilité indisponible", "chèque envoyé",
                 "marchandise retournée"), (0.33, 0.25, 0.27, 0.10, 0.05)),
    "slightly_late": (("facture non reçue", "validation direction", "comptabilité indisponible",
                       "chèque envoyé", "marchandise retournée"), (0.25, 0.28, 0.27, 0.15, 0.05)),
    "chronic_late": (("trésorerie", "clients non payés", "validation direction", "comptabilité indisponible",
                      "facture non reçue", "chèque envoyé", "comptes bloqués"),
                     (0.28, 0.20, 0.18, 0.10, 0.10, 0.09, 0.05)),
    "bad": (("trésorerie", "comptes bloqués", "clients non payés", "chèque envoyé"), (0.35, 0.25, 0.25, 0.15)),
    "dispute_prone": (("litige commercial", "facture non reçue", "validation direction", "marchandise retournée"),
                      (0.40, 0.30, 0.20, 0.10)),
    "distress": (("trésorerie", "comptes bloqués", "clients non payés"), (0.5, 0.3, 0.2)),
}
KEPT_PROMISE = {"on_time": 0.65, "slightly_late": 0.6, "chronic_late": 0.45, "bad": 0.25, "dispute_prone": 0.55,
                "distress": 0.1}
BROKEN_PROMISE = {"on_time": 0.01, "slightly_late": 0.02, "chronic_late": 0.04, "bad": 0.06,
                  "dispute_prone": 0.03, "distress": 0.35}
BROKEN_PROMISE_BREAKER = 0.4
OTHER_OUTCOMES = ("réponse évasive", "pas de réponse", "rappel convenu", "excuse", "document demandé")
OTHER_WEIGHTS = {
    "on_time": (0.15, 0.10, 0.25, 0.40, 0.10), "slightly_late": (0.20, 0.10, 0.25, 0.35, 0.10),
    "chronic_late": (0.30, 0.15, 0.15, 0.35, 0.05), "bad": (0.25, 0.35, 0.10, 0.28, 0.02),
    "dispute_prone": (0.15, 0.10, 0.15, 0.45, 0.15), "distress": (0.30, 0.30, 0.05, 0.35, 0.0),
}


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
# Small helpers: dates, rounding, text
# ---------------------------------------------------------------------------------------------
def _date(o: int) -> dt.date:
    """Ordinal to date."""
    return dt.date.fromordinal(o)


def _is_bday(o: int) -> bool:
    """Monday–Friday and not a French public holiday."""
    return (o + 6) % 7 < 5 and o not in HOLIDAYS


def _bday(o: int) -> int:
    """Same day or the next business day."""
    while not _is_bday(o):
        o += 1
    return o


def _month_bounds(y: int, m: int) -> tuple[int, int]:
    """First and last day of a month (ordinals)."""
    first = _o(y, m, 1)
    nxt = _o(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - 1


def _end_of_month(o: int) -> int:
    """Last day of the month containing ``o``."""
    d = _date(o)
    return _month_bounds(d.year, d.month)[1]


def _due_date(o: int, terms: str) -> int:
    """Due date from payment terms ("30fdm" = +30 days, then end of month)."""
    if terms == "30fdm":
        return _end_of_month(o + 30)
    return o + int(terms)


def _div_round(num: int, den: int) -> int:
    """Integer division rounded half away from zero."""
    q = (abs(num) * 2 + den) // (2 * den)
    return q if num >= 0 else -q


def _ht_from_ttc(cents: int, vat: int) -> int:
    """HT cents of a TTC amount at ``vat`` per mille."""
    return _div_round(cents * 1000, 1000 + vat)


def _ttc_from_ht(cents: int, vat: int) -> int:
    """TTC cents of an HT amount at ``vat`` per mille."""
    return _div_round(cents * (1000 + vat), 1000)


def _fr_amount(cents: int, sep: str = "\u202f") -> str:
    """French money text: ``-1 234,56`` with ``sep`` as thousands separator."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    digits = str(euros)
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{sep.join(groups)},{rest:02d}"


def _fr_date(o: int) -> str:
    """``dd/mm/yyyy``."""
    return _date(o).strftime("%d/%m/%Y")


def _ascii_slug(text: str, sep: str = "-") -> str:
    """Lower-case ASCII slug of a name (accents dropped, other characters to ``sep``)."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    out, prev = [], sep
    for ch in plain:
        if ch.isalnum():
            out.append(ch)
            prev = ch
        elif prev != sep:
            out.append(sep)
            prev = sep
    return "".join(out).strip(sep)


def _pick(rng: np.random.Generator, items: Sequence[str], p: Sequence[float] | None = None) -> str:
    """One element of ``items`` (optionally weighted)."""
    if p is None:
        return items[int(rng.integers(0, len(items)))]
    w = np.asarray(p, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]


# ---------------------------------------------------------------------------------------------
# Simulation: customers
# ---------------------------------------------------------------------------------------------
def _company_name(rng: np.random.Generator, segment: str) -> str:
    """A plausible French company (or public body) name for a segment."""
    last = _pick(rng, LAST_NAMES)
    act = _pick(rng, ACTIVITIES)
    k = int(rng.integers(0, 4))
    if segment == "PME":
        return (f"{act} {last} {_pick(rng, ('SARL', 'SAS', 'EURL', 'SARL'))}", f"Ets {last} et Fils",
                f"{last} {act} SARL", f"{act} {_pick(rng, TOWNS)} {last}")[k]
    if segment == "ETI":
        return (f"{act} {last} SAS", f"{last} Industrie SA", f"Groupe {last}", f"{last} {act} SAS")[k]
    if segment == "Grand compte":
        return (f"Groupe {last}", f"{last} Industries SA", f"{last} & {_pick(rng, LAST_NAMES)} SA",
                f"{act} {_pick(rng, REGIONS)} SA")[k]
    if segment == "Distribution":
        return (f"{last} Distribution", f"Comptoir {_pick(rng, REGIONS)}", f"Négoce {last} SAS",
                f"Centrale {act} {_pick(rng, REGIONS)}")[k]
    town = _pick(rng, TOWNS)
    return (f"Commune de {town}", f"Communauté de communes {_pick(rng, REGIONS)}",
            f"Centre hospitalier de {town}", f"Syndicat des eaux de {town}")[k]


def _company_slug(name: str) -> str:
    """Mail domain label of a company name (legal form dropped)."""
    words = [w for w in name.split() if w not in ("SARL", "SAS", "SA", "EURL", "&", "et")]
    return _ascii_slug(" ".join(words))


def _make_customers(rng: np.random.Generator, n: int = 300) -> list[Customer]:
    """Customers with segment, collector, terms, payer profile, size and VAT rate."""
    names: dict[str, int] = {}
    out: list[Customer] = []
    for i in range(n):
        segment = _pick(rng, SEGMENTS, SEGMENT_SHARE)
        name = _company_name(rng, segment)
        while name in names:
            name = _company_name(rng, segment)
        names[name] = i
        terms = _pick(rng, *SEGMENT_TERMS[segment])
        profile = _pick(rng, PROFILES, SEGMENT_PROFILES[segment])
        size = SEGMENT_MEDIAN_HT[segment] * float(rng.lognormal(0.0, 0.6))
        ipm = SEGMENT_INVOICES[segment] * float(np.clip(rng.lognormal(0.0, 0.35), 0.5, 2.5))
        pay = "virement" if segment == "Collectivité" else _pick(rng, PAY_METHODS, (0.6, 0.15, 0.15, 0.10))
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
        name = f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"
        if name not in used:
            used[name] = 1
            return name


def _phone(rng: np.random.Generator, used: dict[str, int], mobile: bool = False) -> str:
    """A unique French phone number ``0X XX XX XX XX``."""
    while True:
        first = _pick(rng, ("06", "07")) if mobile else _pick(rng, ("04", "04", "04", "01", "03", "05"))
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
            email = f"{_ascii_slug(first)}.{_ascii_slug(last)}@{c.slug}.fr"
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
    return [o for o in range(first, last + 1) if _is_bday(o)]


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


def _simulate_sales(rng: np.random.Generator, led: Ledger) -> None:
    """Monthly sales HT per customer and the invoices that make them up (TTC exact per month)."""
    p_zero = {"PME": 0.12, "ETI": 0.03, "Grand compte": 0.0, "Distribution": 0.03, "Collectivité": 0.15}
    for c in led.customers:
        for k, (y, m) in enumerate(MONTHS):
            first, last = _month_bounds(y, m)
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
            ttcs = [_ttc_from_ht(h, c.vat) for h in hts[:-1]]
            ttcs.append(_ttc_from_ht(total_ht, c.vat) - sum(ttcs))
            for d, ttc in zip(dates, ttcs):
                ref = f"{_pick(rng, ('BC', 'PO', 'Cde n°'))} {int(rng.integers(100_000, 1_000_000))}"
                led.docs.append(Doc("FA", c.idx, d, _due_date(d, c.terms), ttc, c.vat, ref=ref))


# ---------------------------------------------------------------------------------------------
# Simulation: payments, disputes, credit notes, unapplied payments
# ---------------------------------------------------------------------------------------------
def _snap_pay_day(o: int, pay_days: tuple[int, ...]) -> int:
    """Next business day on or after ``o`` that matches the customer's payment runs."""
    if pay_days:
        for _ in range(40):
            d = _date(o)
            last = _month_bounds(d.year, d.month)[1] - _o(d.year, d.month, 1) + 1
            if d.day in [min(p, last) for p in pay_days]:
                break
            o += 1
    return _bday(o)


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
        dates.insert(0, max(doc.date + 3, _bday(dates[0] - int(rng.integers(12, 41)))))
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
        final = _bday(doc.due)
    else:
        final = _snap_pay_day(max(doc.due + _delay(rng, profile), doc.date + 2), c.pay_days)
    partial = {"on_time": 0.01, "slightly_late": 0.03, "chronic_late": 0.10, "bad": 0.14,
               "dispute_prone": 0.04}[profile]
    if doc.amount >= 50_000 and rng.random() < partial:
        return _instalments(rng, doc, final)
    return [(final, doc.amount)]


def _simulate_payments(rng: np.random.Generator, led: Ledger) -> None:
    """Payment plan of every invoice."""
    for doc in led.docs:
        doc.events = _plan_payment(rng, led.customers[doc.cust], doc)


def _dispute_dates(rng: np.random.Generator) -> list[tuple[int, int | None]]:
    """Opening (and resolution) dates: 25 disputes open at the end, 53 resolved."""
    out: list[tuple[int, int | None]] = []
    windows = ((_o(2025, 5, 1), _o(2025, 10, 31), 2), (_o(2026, 1, 15), _o(2026, 8, 14), 6),
               (_o(2026, 8, 24), _o(2026, 11, 16), 17))
    for lo, hi, n in windows:
        out += [(_bday(int(rng.integers(lo, hi + 1))), None) for _ in range(n)]
    for _ in range(53):
        opened = _bday(int(rng.integers(_o(2025, 1, 10), _o(2026, 10, 16))))
        span = int(np.clip(rng.lognormal(np.log(40.0), 0.6), 8, 220))
        if opened + span >= END:
            span = max(3, int((END - 1 - opened) * rng.uniform(0.3, 0.9)))
        resolved = _bday(opened + span)
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


def _simulate_disputes(rng: np.random.Generator, led: Ledger) -> None:
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
                reason = _pick(rng, DISPUTE_REASONS[kind])
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
                                    _pick(rng, DISPUTE_REASONS[kind])))
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


def _simulate_credit_notes(rng: np.random.Generator, led: Ledger) -> None:
    """Credit notes on ~2.5 % of invoices: applied at payment, left unlettered, or open as a credit."""
    n = len(led.docs)
    for i in range(n):
        doc = led.docs[i]
        if doc.kind != "FA" or doc.dispute >= 0 or not doc.events or rng.random() >= 0.025:
            continue
        full = rng.random() < 0.15
        credit = doc.amount if full else max(100, int(doc.amount * rng.uniform(0.05, 0.6)))
        cn_date = _bday(doc.date + int(rng.integers(3, 40)))
        if cn_date > END:
            continue
        reason = "Annulation de facture" if full else _pick(rng, CREDIT_REASONS)
        final = max(d for d, _ in doc.events)
        if full and cn_date < final:
            letter = _bday(cn_date + int(rng.integers(0, 10)))
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
            close = FAR if rng.random() < 0.05 else _bday(cn_date + int(rng.integers(15, 90)))
            cn_events = [(close, -credit)] if close < FAR else []
        led.docs.append(Doc("AV", doc.cust, cn_date, cn_date, -credit, doc.vat, cn_events,
                            ref=f"{reason} s/ facture", link=i, no_due=rng.random() < 0.1))


def _simulate_unapplied(rng: np.random.Generator, led: Ledger) -> None:
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
        applied = _bday(paid + lag)
        doc.events = [(applied, cents)]
        doc.cash_date = paid
        how = _pick(rng, ("Virement reçu sans référence", "Chèque reçu non affecté",
                          "Virement groupé à ventiler"))
        led.docs.append(Doc("RG", doc.cust, paid, paid, -cents, 0, [(applied, -cents)], ref=how, link=i,
                            no_due=rng.random() < 0.1))
    active = [c.idx for c in led.customers if c.status == "actif"]
    for _ in range(15):
        cust = active[int(rng.integers(0, len(active)))]
        date = _bday(int(rng.integers(_o(2025, 6, 1), END - 5)))
        cents = int(rng.integers(20_000, 800_000))
        close = FAR if rng.random() < 0.3 else _bday(date + int(rng.integers(20, 160)))
        how = _pick(rng, ("Règlement en double", "Trop-perçu sur virement", "Acompte non affecté"))
        led.docs.append(Doc("RG", cust, date, date, -cents, 0, [(close, -cents)] if close < FAR else [],
                            ref=how, no_due=rng.random() < 0.1))


def _number_documents(led: Ledger) -> None:
    """Chronological ids per kind and year: FA2026-000123, AV2026-…, RG2026-…."""
    kind_rank = {"FA": 0, "AV": 1, "RG": 2}
    order = sorted(range(len(led.docs)), key=lambda i: (led.docs[i].date, kind_rank[led.docs[i].kind],
                                                        led.docs[i].cust, i))
    counters: dict[tuple[str, int], int] = {}
    for i in order:
        doc = led.docs[i]
        key = (doc.kind, _date(doc.date).year)
        counters[key] = counters.get(key, 0) + 1
        doc.doc_id = f"{doc.kind}{key[1]}-{counters[key]:06d}"


def _index_ledger(led: Ledger) -> None:
    """Per-customer document lists and settlement dates."""
    led.by_cust = [[] for _ in led.customers]
    for i, doc in enumerate(led.docs):
        led.by_cust[doc.cust].append(i)
    led.settle = [doc.settled() for doc in led.docs]
    led.cash = [s if doc.cash_date is None else min(s, doc.cash_date) for doc, s in zip(led.docs, led.settle)]


# ---------------------------------------------------------------------------------------------
# Simulation: collection actions
# ---------------------------------------------------------------------------------------------
def _main_contact(c: Customer) -> str:
    """Name of the person to call given the invoice circuit ("" when no contact is known)."""
    order = {"dirigeant": ("dirigeant", "comptabilité fournisseurs"),
             "comptabilité fournisseurs": ("comptabilité fournisseurs", "direction financière"),
             "validation achats": ("comptabilité fournisseurs", "achats")}[c.circuit]
    for role in order:
        for p in c.contacts:
            if p.role == role:
                return p.name
    return c.contacts[0].name if c.contacts else ""


def _in_dispute(led: Ledger, i: int, t: int) -> bool:
    """Whether invoice ``i`` is under an open dispute on day ``t``."""
    k = led.docs[i].dispute
    if k < 0:
        return False
    d = led.disputes[k]
    return d.opened <= t and (d.resolved is None or t < d.resolved)


def _chaseable(led: Ledger, i: int, t: int, grace: int) -> bool:
    """Open, overdue by at least ``grace`` days and not disputed on day ``t``."""
    doc = led.docs[i]
    return doc.date <= t < led.cash[i] and doc.due + grace <= t and not _in_dispute(led, i, t)


def _next_chase(led: Ledger, invs: list[int], t: int, grace: int) -> int | None:
    """First day after ``t`` on which one of ``invs`` becomes chaseable."""
    best: int | None = None
    for i in invs:
        s = max(led.docs[i].due + grace, t + 1)
        k = led.docs[i].dispute
        if k >= 0:
            d = led.disputes[k]
            if d.opened <= s and (d.resolved is None or s < d.resolved):
                s = FAR if d.resolved is None else d.resolved + 2
        if s < led.cash[i] and s <= END and (best is None or s < best):
            best = s
    return best


class _Chase:
    """Collection of one customer over the action window: reminders, calls, promises, notices."""

    def __init__(self, rng: np.random.Generator, led: Ledger, c: Customer, stonewall: bool):
        self.rng, self.led, self.c, self.stonewall = rng, led, c, stonewall
        self.contact = _main_contact(c)
        self.streak = 0
        self.episode = 0
        self.last_notice = -10**6
        self.promise: Action | None = None
        self.out: list[Action] = []

    def act(self, t: int, docs: list[int], channel: str, outcome: str, **kw: object) -> Action:
        """Record one action."""
        a = Action(t, self.c.idx, docs, channel, self.contact, outcome, **kw)  # type: ignore[arg-type]
        self.out.append(a)
        return a

    def run(self) -> list[Action]:
        """Simulate day by day (jumping between actions) until the window or the customer ends."""
        c, led, rng = self.c, self.led, self.rng
        if c.judgement is not None and c.judgement <= ACTIONS_START:
            return self.out
        stop = END if c.judgement is None else c.judgement - 1
        invs = [i for i in led.by_cust[c.idx] if led.docs[i].kind == "FA" and led.cash[i] > ACTIONS_START
                and led.docs[i].date <= END]
        t = _bday(ACTIONS_START + int(rng.integers(0, 4)))
        while t <= stop:
            od = sorted((i for i in invs if _chaseable(led, i, t, c.grace)), key=lambda i: (led.docs[i].due, i))
            if not od:
                nxt = _next_chase(led, invs, t, c.grace)
                if nxt is None:
                    break
                t = _bday(nxt + int(rng.integers(0, 3)))
                self.streak, self.episode, self.promise = 0, 0, None
                continue
            t = self.step(t, od)
        return [a for a in self.out if a.date <= stop]

    def step(self, t: int, od: list[int]) -> int:
        """One collection step on day ``t`` for the chaseable invoices ``od``; returns the next day."""
        c, led, rng = self.c, self.led, self.rng
        amount = sum(led.docs[i].open_at(t) for i in od)
        p_next = min(led.settle[i] for i in od)
        prof = c.profile if c.judgement is None or t < c.judgement - 120 else "distress"
        prefix = self.broken_prefix(t)
        self.episode += 1
        total = _fr_amount(amount) + " €"
        if self.stonewall and t >= END - 35:
            return self.fruitless(t, od, total, prefix)
        written = self.written_reminder(t, od, amount, prof, total)
        if written is not None:
            return written
        if p_next - t <= 3 or (p_next - t <= 10 and prof in ("on_time", "slightly_late") and rng.random() < 0.6):
            return _bday(p_next + 1)
        if (self.streak >= 3 and prof in ("chronic_late", "bad", "distress") and not self.stonewall
                and t - self.last_notice > 60 and rng.random() < 0.6):
            return self.formal_notice(t, od, total, prefix)
        if c.pay_method == "chèque" and p_next - t <= 6 and rng.random() < 0.7:
            self.act(t, od, "téléphone", "excuse", excuse="chèque envoyé",
                     note=prefix + EXCUSE_NOTES["chèque envoyé"])
            return _bday(p_next + 2)
        r = rng.random()
        if p_next - t <= 20 and r < KEPT_PROMISE[prof]:
            return self.promise_kept(t, od, p_next, prefix)
        broken = BROKEN_PROMISE_BREAKER if c.promise_breaker else BROKEN_PROMISE[prof]
        if rng.random() < broken and p_next - t > 6:
            return self.promise_broken(t, od, p_next, prefix)
        return self.other(t, od, prof, total, prefix)

    def broken_prefix(self, t: int) -> str:
        """Note prefix when the last promise's date has passed without payment (counts as no result)."""
        p, self.promise = self.promise, None
        if p is None or p.promise_date is None or p.promise_date >= t:
            return ""
        if not any(self.led.settle[i] > p.promise_date for i in p.docs):
            return ""
        self.streak += 1
        return f"Promesse du {_fr_date(p.promise_date)} non tenue. "

    def written_reminder(self, t: int, od: list[int], amount: int, prof: str, total: str) -> int | None:
        """Automatic e-mail reminder (first of an episode, or any reminder of a small balance)."""
        rng = self.rng
        if self.episode == 1 and rng.random() < (0.65 if prof in ("on_time", "slightly_late") else 0.45):
            self.act(t, od, "e-mail", "relance envoyée",
                     note=f"Relance automatique : {len(od)} pièce(s) échue(s), {total} TTC.")
            self.streak += 1
            return _bday(t + int(rng.integers(5, 9)))
        if amount < 30_000:
            self.act(t, od, "e-mail", "relance envoyée",
                     note=f"Relance automatique (petit solde) : {len(od)} pièce(s), {total} TTC.")
            self.streak += 1
            return _bday(t + int(rng.integers(12, 16)))
        return None

    def formal_notice(self, t: int, od: list[int], total: str, prefix: str) -> int:
        """Registered formal notice after repeated reminders without result."""
        self.last_notice = t
        self.act(t, od, "mise en demeure", "mise en demeure envoyée",
                 note=f"{prefix}Mise en demeure en recommandé AR après {self.streak} relances sans suite : "
                      f"{total} à régler sous 8 jours, à défaut transmission au contentieux.")
        return _bday(t + int(self.rng.integers(8, 16)))

    def promise_kept(self, t: int, od: list[int], p_next: int, prefix: str) -> int:
        """A dated promise that the ledger honours (paid on or before the promised date)."""
        rng, led = self.rng, self.led
        date = _bday(max(p_next, t + 1) + int(rng.integers(0, 3)))
        docs = [i for i in od if led.settle[i] <= date]
        cents = sum(led.docs[i].open_at(t) for i in docs)
        method = self.c.pay_method if rng.random() < 0.9 else _pick(rng, PAY_METHODS)
        excuse = ""
        if rng.random() < 0.2:
            excuse = _pick(rng, *EXCUSES_BY_PROFILE[self.c.profile if self.c.judgement is None else "distress"])
            if excuse in ("chèque envoyé", "litige commercial", "facture non reçue", "marchandise retournée"):
                excuse = "validation direction"
        self.promise = self.act(t, docs, "téléphone", "promesse", excuse=excuse, promise_cents=cents,
                                promise_date=date, method=method,
                                note=f"{prefix}Règlement de {_fr_amount(cents)} € promis par {method} "
                                     f"pour le {_fr_date(date)}.")
        self.streak = 0
        return _bday(date + int(rng.integers(1, 3)))

    def promise_broken(self, t: int, od: list[int], p_next: int, prefix: str) -> int:
        """A dated promise the customer will not keep (the money comes later or never)."""
        rng, led = self.rng, self.led
        date = _bday(t + int(rng.integers(3, 11)))
        if date >= p_next - 1:
            return self.promise_kept(t, od, p_next, prefix)
        docs = od[: int(rng.integers(1, len(od) + 1))]
        cents = sum(led.docs[i].open_at(t) for i in docs)
        method = self.c.pay_method if rng.random() < 0.8 else _pick(rng, PAY_METHODS)
        excuse = ""
        if rng.random() < 0.3:
            excuse = _pick(rng, ("trésorerie", "clients non payés", "validation direction"))
        self.promise = self.act(t, docs, "téléphone", "promesse", excuse=excuse, promise_cents=cents,
                                promise_date=date, method=method,
                                note=f"{prefix}Règlement de {_fr_amount(cents)} € promis par {method} "
                                     f"pour le {_fr_date(date)}.")
        return _bday(date + int(rng.integers(1, 3)))

    def other(self, t: int, od: list[int], prof: str, total: str, prefix: str) -> int:
        """Outcomes without a dated promise: evasive answer, no answer, callback, excuse, document request."""
        rng, led = self.rng, self.led
        if self.streak >= 2 and rng.random() < 0.25:
            self.act(t, od, "courrier", "relance envoyée",
                     note=f"{prefix}Lettre de relance n°2 : {total} TTC échus.")
            self.streak += 1
            return self.cadence(t)
        outcome = _pick(rng, OTHER_OUTCOMES, OTHER_WEIGHTS[prof])
        if outcome == "réponse évasive":
            self.act(t, od, "téléphone", outcome, note=prefix + _pick(rng, EVASIVE_NOTES))
            self.streak += 1
            return self.cadence(t)
        if outcome == "pas de réponse":
            self.act(t, od, "téléphone", outcome, note=prefix + _pick(rng, NO_ANSWER_NOTES[:2]))
            self.streak += 1
            return self.cadence(t)
        if outcome == "rappel convenu":
            back = _bday(t + int(rng.integers(2, 8)))
            self.act(t, od, "téléphone", outcome, callback=back,
                     note=f"{prefix}Interlocuteur indisponible, rappel convenu le {_fr_date(back)}.")
            return back
        if outcome == "document demandé":
            self.act(t, od[:1], "téléphone", outcome,
                     note=prefix + "Demande la copie du bon de livraison signé et du bon de commande.")
            sent = _bday(t + 1)
            self.act(sent, od[:1], "e-mail", "duplicata envoyé",
                     note="Bon de livraison signé et duplicata de facture envoyés par e-mail.")
            return _bday(sent + int(rng.integers(4, 8)))
        excuse = self.excuse_code(t, od, prof)
        self.act(t, od, "téléphone", "excuse", excuse=excuse, note=prefix + EXCUSE_NOTES[excuse])
        self.streak += 1
        if excuse == "facture non reçue":
            sent = _bday(t + 1)
            self.act(sent, od, "e-mail", "duplicata envoyé", note="Duplicata des factures envoyé par e-mail.")
            return _bday(sent + int(rng.integers(4, 8)))
        return self.cadence(t)

    def excuse_code(self, t: int, od: list[int], prof: str) -> str:
        """The reason given, coherent with the ledger (returns pending, August holidays, chèque)."""
        rng, led = self.rng, self.led
        odset = dict.fromkeys(od)
        returns = any(d.kind == "AV" and d.link in odset and t < d.date <= t + 30 and d.dispute < 0
                      for d in (led.docs[j] for j in led.by_cust[self.c.idx]))
        if returns and rng.random() < 0.8:
            return "marchandise retournée"
        if _date(t).month == 8 and rng.random() < 0.3:
            return "comptabilité indisponible"
        code = _pick(rng, *EXCUSES_BY_PROFILE[prof])
        if code == "chèque envoyé" and self.c.pay_method != "chèque" and rng.random() < 0.7:
            code = "validation direction"
        return code

    def fruitless(self, t: int, od: list[int], total: str, prefix: str) -> int:
        """Last month of a customer who never answers usefully (reminders without result)."""
        rng = self.rng
        k = len(self.out) % 3
        if k == 0:
            self.act(t, od, "téléphone", "pas de réponse", note=prefix + NO_ANSWER_NOTES[0])
        elif k == 1:
            self.act(t, od, "téléphone", "réponse évasive", note=prefix + _pick(rng, EVASIVE_NOTES))
        else:
            self.act(t, od, "e-mail", "relance envoyée", note=f"{prefix}Relance écrite : {total} TTC échus.")
        self.streak += 1
        return _bday(t + int(rng.integers(6, 9)))

    def cadence(self, t: int) -> int:
        """Next reminder: 7–10 days, sometimes late (11–16 days)."""
        rng = self.rng
        return _bday(t + (int(rng.integers(7, 11)) if rng.random() < 0.88 else int(rng.integers(11, 17))))


def _pick_stonewall(rng: np.random.Generator, led: Ledger) -> list[int]:
    """Two active customers with old overdue, undisputed items unpaid through the last month."""
    cands = []
    for c in led.customers:
        if c.status != "actif" or c.profile not in ("bad", "chronic_late") or not c.contacts:
            continue
        if any(led.docs[i].kind == "FA" and led.docs[i].due < END - 60 and led.settle[i] > END
               and led.docs[i].dispute < 0 and led.docs[i].date <= END for i in led.by_cust[c.idx]):
            cands.append(c.idx)
    return [cands[int(k)] for k in rng.choice(len(cands), size=min(2, len(cands)), replace=False)]


def _pre_due_calls(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """Calls in the week before the due date of significant invoices (≥ 5 000 € TTC)."""
    out: list[Action] = []
    for i, doc in enumerate(led.docs):
        c = led.customers[doc.cust]
        if (doc.kind != "FA" or doc.amount < 500_000 or c.status != "actif"
                or c.profile not in ("on_time", "slightly_late", "dispute_prone")
                or not ACTIONS_START + 7 <= doc.due <= END + 6 or rng.random() >= 0.07):
            continue
        day = _bday(doc.due - int(rng.integers(3, 8)))
        if day > END or day < doc.date + 3 or _in_dispute(led, i, day) or led.settle[i] <= day:
            continue
        contact = _main_contact(c)
        if led.settle[i] <= doc.due + 3:
            date = max(doc.due, led.settle[i])
            cents = doc.open_at(day)
            out.append(Action(day, c.idx, [i], "téléphone", contact, "promesse", promise_cents=cents,
                              promise_date=date, method=c.pay_method,
                              note=f"Appel avant échéance : facture bien reçue et validée, règlement de "
                                   f"{_fr_amount(cents)} € prévu le {_fr_date(date)}."))
        else:
            back = _bday(doc.due + 1)
            out.append(Action(day, c.idx, [i], "téléphone", contact, "rappel convenu", callback=back,
                              note=f"Appel avant échéance : facture en circuit de validation, "
                                   f"rappel convenu le {_fr_date(back)}."))
    return out


def _dispute_actions(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """The call in which each dispute of the window was raised (sometimes announced earlier)."""
    out: list[Action] = []
    for d in led.disputes:
        if not ACTIONS_START <= d.opened <= END:
            continue
        c = led.customers[d.cust]
        contact = _main_contact(c)
        excuse = {"commercial": "litige commercial", "technique": "marchandise retournée"}.get(d.kind, "")
        if excuse and rng.random() < 0.4:
            before = _bday(d.opened - int(rng.integers(2, 9)))
            if ACTIONS_START <= before < d.opened:
                out.append(Action(before, c.idx, [d.doc], "téléphone", contact, "excuse",
                                  excuse=excuse, note=EXCUSE_NOTES[excuse]))
        out.append(Action(d.opened, c.idx, [d.doc], "téléphone", contact, "litige",
                          note=f"Litige {d.kind} ({d.did}) : {d.reason}. Transmis à {d.owner[0]}."))
    return out


def _insolvency_actions(rng: np.random.Generator, led: Ledger) -> list[Action]:
    """The call announcing insolvency proceedings for judgements within the window."""
    out: list[Action] = []
    for c in led.customers:
        if c.judgement is None or not ACTIONS_START <= c.judgement <= END:
            continue
        day = _bday(c.judgement + int(rng.integers(1, 5)))
        docs = [i for i in led.by_cust[c.idx] if led.docs[i].kind == "FA" and led.docs[i].open_at(day) > 0
                and led.docs[i].due < day]
        out.append(Action(day, c.idx, docs, "téléphone", _main_contact(c), "excuse", excuse="procédure collective",
                          note=f"Jugement d'ouverture ({c.status}) du {_fr_date(c.judgement)} : arrêt des "
                               f"relances, créance à déclarer au mandataire judiciaire."))
    return out


def _simulate_actions(rng: np.random.Generator, led: Ledger) -> None:
    """All collection actions from June 2026 to the last as-of date, sorted by date."""
    stonewall = _pick_stonewall(rng, led)
    acts: list[Action] = []
    for c in led.customers:
        acts += _Chase(rng, led, c, c.idx in stonewall).run()
    acts += _pre_due_calls(rng, led)
    acts += _dispute_actions(rng, led)
    acts += _insolvency_actions(rng, led)
    acts = [a for a in acts if ACTIONS_START <= a.date <= END]
    acts.sort(key=lambda a: (a.date, a.cust))
    led.actions = acts


def simulate(seed: int = DEFAULT_SEED) -> Ledger:
    """Build the whole ledger from a seed."""
    rng = np.random.default_rng(seed)
    led = Ledger(_make_customers(rng))
    _simulate_sales(rng, led)
    _simulate_payments(rng, led)
    _index_ledger(led)
    _simulate_disputes(rng, led)
    _simulate_credit_notes(rng, led)
    _simulate_unapplied(rng, led)
    _number_documents(led)
    _index_ledger(led)
    _simulate_actions(rng, led)
    return led


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
        ht = np.array([_ht_from_ttc(int(a), int(v)) for a, v in zip(cents, vat[sel])], dtype=np.int64)
        out.append(Snapshot(t, sel, cents, ht, _bucket_of(t - due[sel])))
    return out


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------
@dataclass
class _Formats:
    """Cell formats of one workbook."""

    bold: Format
    date: Format
    month: Format
    money: Format
    money_bold: Format
    pct: Format


def _workbook(path: Path, title: str) -> tuple[xlsxwriter.Workbook, _Formats]:
    """A workbook with fixed properties (reproducible bytes) and its formats."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": title, "author": COMPANY, "company": COMPANY, "created": CREATED})
    fm = _Formats(
        bold=wb.add_format({"bold": True}), date=wb.add_format({"num_format": "dd/mm/yyyy"}),
        month=wb.add_format({"num_format": "mm/yyyy"}), money=wb.add_format({"num_format": "#,##0.00"}),
        money_bold=wb.add_format({"num_format": "#,##0.00", "bold": True}),
        pct=wb.add_format({"num_format": "0%"}))
    return wb, fm


def _header(ws: Worksheet, row: int, labels: Sequence[str], fmt: Format) -> None:
    """Write a header row."""
    for j, label in enumerate(labels):
        ws.write_string(row, j, label, fmt)


def _groups(snap: Snapshot, led: Ledger) -> list[tuple[int, int, int]]:
    """``(customer, start, stop)`` slices of a snapshot's items."""
    cust = np.array([led.docs[int(i)].cust for i in snap.docs], dtype=np.int64)
    out = []
    start = 0
    for k in range(1, len(cust) + 1):
        if k == len(cust) or cust[k] != cust[start]:
            out.append((int(cust[start]), start, k))
            start = k
    return out


def _write_sage_item(ws: Worksheet, fm: _Formats, row: int, c: Customer, doc: Doc, ht: int, cents: int,
                     bucket: int) -> None:
    """One open item of layout A (the amount repeated in its pre-bucket column)."""
    ws.write_string(row, 0, c.cid)
    ws.write_string(row, 1, c.name)
    ws.write_string(row, 2, doc.kind)
    ws.write_string(row, 3, doc.doc_id)
    ws.write_datetime(row, 4, _date(doc.date), fm.date)
    if not doc.no_due:
        ws.write_datetime(row, 5, _date(doc.due), fm.date)
    ws.write_number(row, 6, ht / 100, fm.money)
    ws.write_number(row, 7, cents / 100, fm.money)
    ws.write_number(row, 8 + bucket, cents / 100, fm.money)


def write_balance_sage(path: Path, led: Ledger, snap: Snapshot) -> None:
    """Layout A ("sage" preset): one sheet, numeric amounts, Excel dates, subtotals and a grand total."""
    wb, fm = _workbook(path, "Balance âgée clients")
    ws = wb.add_worksheet(SAGE_SHEET)
    asof = _fr_date(snap.as_of)
    ws.write_string(0, 0, COMPANY, fm.bold)
    ws.write_string(1, 0, f"Balance âgée clients au {asof}", fm.bold)
    ws.write_string(2, 0, "Filtres : comptes 411000 à 411ZZZ – pièces non lettrées – devise EUR")
    ws.write_string(3, 0, f"Édité le {asof}")
    _header(ws, 5, SAGE_HEADER, fm.bold)
    bucket5 = np.minimum(snap.bucket, 4)
    row = 6
    grand = np.zeros(7, dtype=np.int64)          # HT, TTC, five pre-buckets
    for cust, a, b in _groups(snap, led):
        c = led.customers[cust]
        sums = np.zeros(7, dtype=np.int64)
        for k in range(a, b):
            ht, cents, bk = int(snap.ht_cents[k]), int(snap.open_cents[k]), int(bucket5[k])
            _write_sage_item(ws, fm, row, c, led.docs[int(snap.docs[k])], ht, cents, bk)
            sums[0] += ht
            sums[1] += cents
            sums[2 + bk] += cents
            row += 1
        ws.write_string(row, 0, f"Total {c.cid}", fm.bold)
        ws.write_string(row, 1, c.name, fm.bold)
        for j in range(7):
            ws.write_number(row, 6 + j, int(sums[j]) / 100, fm.money_bold)
        grand += sums
        row += 1
    ws.write_string(row + 1, 0, "Total général", fm.bold)
    for j in range(7):
        ws.write_number(row + 1, 6 + j, int(grand[j]) / 100, fm.money_bold)
    for j, width in enumerate((11, 34, 6, 15, 11, 11, 13, 13, 13, 13, 13, 13, 13)):
        ws.set_column(j, j, width)
    ws.freeze_panes(6, 0)
    wb.close()


def _write_odoo_item(ws: Worksheet, row: int, led: Ledger, doc: Doc, partner: str, cents: int, bucket: int,
                     sep: str) -> None:
    """One open item of layout B: every cell is text (dates dd/mm/yyyy, French amounts)."""
    journal = "Banque" if doc.kind == "RG" else "Factures clients"
    label = doc.ref if doc.kind != "AV" or doc.link < 0 else f"{doc.ref} {led.docs[doc.link].doc_id}"
    for j, text in enumerate((_fr_date(doc.date), doc.doc_id, journal, "411100", partner, label,
                              _fr_date(doc.due), _fr_amount(cents, sep))):
        ws.write_string(row, j, text)
    ws.write_string(row, 8 + bucket, _fr_amount(cents, sep))


def _write_odoo_footer(ws: Worksheet, fm: _Formats, row: int, grand: np.ndarray) -> None:
    """Grand total row (text amounts) and percentages row (text such as "12,5 %") of layout B."""
    ws.write_string(row, 0, "Total général", fm.bold)
    for j in range(7):
        ws.write_string(row, 7 + j, _fr_amount(int(grand[j]), "\u202f"), fm.bold)
    ws.write_string(row + 1, 0, "Pourcentages", fm.bold)
    for j in range(6):
        tenths = _div_round(int(grand[1 + j]) * 1000, int(grand[0])) if grand[0] else 0
        sign = "-" if tenths < 0 else ""
        ws.write_string(row + 1, 8 + j, f"{sign}{abs(tenths) // 10},{abs(tenths) % 10} %", fm.bold)


def write_balance_odoo(path: Path, led: Ledger, snap: Snapshot, rng: np.random.Generator) -> None:
    """Layout B ("odoo" preset): text dates, French text amounts, partner blocks and repeated headers."""
    wb, fm = _workbook(path, "Balance âgée auxiliaire")
    ws = wb.add_worksheet(ODOO_SHEET)
    ws.merge_range(0, 0, 0, len(ODOO_HEADER) - 1, f"Balance âgée auxiliaire - {COMPANY}", fm.bold)
    ws.write_string(1, 0, f"Date au : {_fr_date(snap.as_of)}")
    ws.write_string(2, 0, "Mouvements cibles : Toutes les écritures comptabilisées")
    ws.write_string(4, 0, "411100 - Clients", fm.bold)
    seps = ("\u202f", "\u00a0")
    row = 5
    grand = np.zeros(7, dtype=np.int64)          # Résiduel, Actuel, five age columns
    for cust, a, b in _groups(snap, led):
        c = led.customers[cust]
        partner = f"[{c.cid}] {c.name}"
        ws.write_string(row, 0, partner, fm.bold)
        _header(ws, row + 1, ODOO_HEADER, fm.bold)
        row += 2
        sums = np.zeros(7, dtype=np.int64)
        for k in range(a, b):
            cents, bk = int(snap.open_cents[k]), int(snap.bucket[k])
            sep = seps[int(rng.integers(0, 2))]
            _write_odoo_item(ws, row, led, led.docs[int(snap.docs[k])], partner, cents, bk, sep)
            sums[0] += cents
            sums[1 + bk] += cents
            row += 1
        ws.write_string(row, 0, "Balance âgée cumulée du partenaire", fm.bold)
        for j in range(7):
            ws.write_string(row, 7 + j, _fr_amount(int(sums[j]), seps[cust % 2]), fm.bold)
        grand += sums
        row += 1
    _write_odoo_footer(ws, fm, row + 1, grand)
    for j, width in enumerate((12, 15, 16, 9, 40, 36, 14, 14, 14, 14, 14, 14, 14, 14)):
        ws.set_column(j, j, width)
    wb.close()


def write_customers(path: Path, led: Ledger) -> None:
    """customers.xlsx: sheets "Clients" and "Contacts"."""
    wb, fm = _workbook(path, "Clients")
    ws = wb.add_worksheet("Clients")
    _header(ws, 0, CUSTOMERS_HEADER, fm.bold)
    for r, c in enumerate(led.customers, start=1):
        for j, text in enumerate((c.cid, c.name, c.segment, c.collector, c.status)):
            ws.write_string(r, j, text)
        ws.write_number(r, 5, c.credit_limit, fm.money)
        ws.write_string(r, 6, TERMS_LABEL[c.terms])
        ws.write_string(r, 7, c.circuit)
        if c.provision_rate is not None:
            ws.write_number(r, 8, c.provision_rate, fm.pct)
    for j, width in enumerate((11, 38, 13, 16, 24, 16, 20, 26, 14)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wc = wb.add_worksheet("Contacts")
    _header(wc, 0, CONTACTS_HEADER, fm.bold)
    r = 1
    for c in led.customers:
        for p in c.contacts:
            for j, text in enumerate((c.cid, p.name, p.role, p.phone, p.email)):
                if text:
                    wc.write_string(r, j, text)
            r += 1
    for j, width in enumerate((11, 24, 26, 16, 44)):
        wc.set_column(j, j, width)
    wc.freeze_panes(1, 0)
    wb.close()


def write_sales(path: Path, led: Ledger) -> None:
    """sales.xlsx: one row per customer and month with sales (HT, VAT rate)."""
    wb, fm = _workbook(path, "Ventes")
    ws = wb.add_worksheet("Ventes")
    _header(ws, 0, SALES_HEADER, fm.bold)
    vat_fmt = wb.add_format({"num_format": "0.0%"})
    for r, (cust, k, ht) in enumerate(sorted(led.sales), start=1):
        c = led.customers[cust]
        y, m = MONTHS[k]
        ws.write_string(r, 0, c.cid)
        ws.write_datetime(r, 1, dt.date(y, m, 1), fm.month)
        ws.write_number(r, 2, ht / 100, fm.money)
        ws.write_number(r, 3, c.vat / 1000, vat_fmt)
    for j, width in enumerate((11, 10, 14, 10)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def write_disputes(path: Path, led: Ledger) -> None:
    """disputes.xlsx: sheet "Litiges"."""
    wb, fm = _workbook(path, "Litiges")
    ws = wb.add_worksheet("Litiges")
    _header(ws, 0, DISPUTES_HEADER, fm.bold)
    for r, d in enumerate(led.disputes, start=1):
        ws.write_string(r, 0, d.did)
        ws.write_string(r, 1, led.customers[d.cust].cid)
        ws.write_string(r, 2, led.docs[d.doc].doc_id)
        ws.write_string(r, 3, d.kind)
        ws.write_number(r, 4, d.amount / 100, fm.money)
        ws.write_datetime(r, 5, _date(d.opened), fm.date)
        if d.resolved is not None:
            ws.write_datetime(r, 6, _date(d.resolved), fm.date)
        name, phone = d.owner
        first, last = name.split(" ", 1)
        ws.write_string(r, 7, name)
        ws.write_string(r, 8, phone)
        ws.write_string(r, 9, f"{_ascii_slug(first)}.{_ascii_slug(last)}@{COMPANY_DOMAIN}")
        ws.write_string(r, 10, d.reason)
    for j, width in enumerate((11, 11, 15, 13, 13, 11, 11, 18, 16, 34, 50)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def write_actions(path: Path, led: Ledger) -> None:
    """actions.xlsx: sheet "Actions", one row per logged action."""
    wb, fm = _workbook(path, "Actions")
    ws = wb.add_worksheet("Actions")
    _header(ws, 0, ACTIONS_HEADER, fm.bold)
    for r, a in enumerate(led.actions, start=1):
        c = led.customers[a.cust]
        ws.write_datetime(r, 0, _date(a.date), fm.date)
        ws.write_string(r, 1, c.cid)
        if a.docs:
            ws.write_string(r, 2, ", ".join(led.docs[i].doc_id for i in a.docs))
        ws.write_string(r, 3, a.channel)
        if a.contact:
            ws.write_string(r, 4, a.contact)
        ws.write_string(r, 5, a.outcome)
        if a.excuse:
            ws.write_string(r, 6, a.excuse)
        if a.promise_cents is not None:
            ws.write_number(r, 7, a.promise_cents / 100, fm.money)
        if a.promise_date is not None:
            ws.write_datetime(r, 8, _date(a.promise_date), fm.date)
        if a.method:
            ws.write_string(r, 9, a.method)
        if a.callback is not None:
            ws.write_datetime(r, 10, _date(a.callback), fm.date)
        if a.note:
            ws.write_string(r, 11, a.note)
        ws.write_string(r, 12, c.collector)
    for j, width in enumerate((11, 11, 30, 15, 22, 22, 24, 14, 12, 16, 12, 70, 16)):
        ws.set_column(j, j, width)
    ws.freeze_panes(1, 0)
    wb.close()


def write_config(path: Path) -> None:
    """relance.toml with the domain defaults and one capacity per collector."""
    collectors = "\n".join(f'"{n}" = {{ capacity = {cap} }}' for n, cap in zip(COLLECTORS, COLLECTOR_CAPACITY))
    text = f"""# Paramètres de l'échantillon généré par relance_analytics.sample
[company]
name = "{COMPANY}"

[exports]
mapping = "auto"          # preset name, "auto" (detect), or a path to a mapping TOML

[aging]
edges = [0, 30, 60, 90, 120]

[vat]
default_rate = 0.20

[collectors]
{collectors}

[thresholds]
significant_amount = 5000.0
first_reminder_days = 7
cadence_days = 10
cadence_max_days = 15
document_followup_days = 7
formal_notice_after_reminders = 3
litigation_reminders_in_month = 3
litigation_broken_promises = 2

[provisions]
rules = [ {{min_days = 91, max_days = 180, rate = 0.25}}, {{min_days = 181, max_days = 365, rate = 0.50}}, {{min_days = 366, rate = 1.0}} ]
status_rates = {{ "liquidation judiciaire" = 1.0, "redressement judiciaire" = 0.5, "sauvegarde" = 0.25 }}
"""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# ---------------------------------------------------------------------------------------------
# FEC (Fichier des Écritures Comptables) of the ledger
# ---------------------------------------------------------------------------------------------
FEC_HEADER = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
              "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
              "ValidDate", "Montantdevise", "Idevise", "DateEcheance")
_JOURNALS = {"VT": "Ventes", "BQ": "Banque"}


def _fec_cents(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}" if cents else "0,00"


def _letter_code(n: int) -> str:
    """0 → ``AAA``, 1 → ``AAB``, …: the lettering codes of one account."""
    out = ""
    for _ in range(3):
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
    return out


def _fec_events(led: Ledger) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int, int]]]]:
    """Per document: the settlement events paid in cash (or refunded), and the applications of
    credit notes and unapplied payments to invoices ``(date, cents, applied document)``."""
    cash: list[list[tuple[int, int]]] = [list(d.events) for d in led.docs]
    applied: list[list[tuple[int, int, int]]] = [[] for _ in led.docs]
    for j, doc in enumerate(led.docs):
        if doc.kind == "FA" or doc.link < 0:
            continue
        inv = cash[doc.link]
        for date, cents in list(cash[j]):
            if (date, -cents) in inv:            # the credit applied to its invoice on that day
                inv.remove((date, -cents))
                cash[j].remove((date, cents))
                applied[doc.link].append((date, -cents, j))
    return cash, applied


def write_fec(path: Path, led: Ledger, until: int = END) -> int:
    """The ledger's FEC up to ``until`` (tab separated, ``YYYYMMDD`` dates, decimal comma): sales
    journal VT (411 / 706 / 44571) for invoices and credit notes, bank journal BQ (512 / 411) for
    payments and refunds; 411 lines lettered per invoice (partial lettering dated on each
    application, the invoice line on its settlement). Returns the number of lines written."""
    cash, applied = _fec_events(led)
    rows: list[tuple[object, ...]] = []
    numbers = {"VT": 0, "BQ": 0}
    letters: dict[tuple[int, int], tuple[int, int | None]] = {}     # (doc, line key) -> (group owner, DateLet)

    def entry(journal: str, date: int, piece: str, piece_date: int, lib: str, lines: list[tuple[str, int, int, int]],
              due: int | None = None) -> None:
        """``lines``: (account, debit, credit, owner doc of the 411 line or -1)."""
        numbers[journal] += 1
        num = f"{journal}{numbers[journal]:06d}"
        for account, debit, credit, owner in lines:
            c = led.customers[led.docs[owner].cust] if owner >= 0 else None
            aux, auxlib = (c.cid, c.name) if account == "411000" and c is not None else ("", "")
            rows.append([journal, _JOURNALS[journal], num, date, account, {"411000": "Clients", "706000": "Ventes",
                         "445710": "TVA collectée", "512000": "Banque"}[account], aux, auxlib, piece, piece_date, lib,
                         _fec_cents(debit), _fec_cents(credit), owner, None, date, "", "",
                         _date(due).strftime("%Y%m%d") if due is not None and account == "411000" else ""])

    for i, doc in enumerate(led.docs):
        if doc.date > until:
            continue
        a = abs(doc.amount)
        if doc.kind in ("FA", "AV"):
            ht = _ht_from_ttc(a, doc.vat)
            debit_side = doc.kind == "FA"
            lib = f"{'Facture' if debit_side else 'Avoir'} {doc.doc_id}"
            lines = [("411000", a, 0, i) if debit_side else ("411000", 0, a, i),
                     ("706000", 0, ht, -1) if debit_side else ("706000", ht, 0, -1),
                     ("445710", 0, a - ht, -1) if debit_side else ("445710", a - ht, 0, -1)]
            entry("VT", doc.date, doc.doc_id, doc.date, lib, lines, None if doc.no_due else doc.due)
        else:
            entry("BQ", doc.date, doc.doc_id, doc.date, doc.ref, [("512000", a, 0, -1), ("411000", 0, a, i)],
                  None if doc.no_due else doc.due)
        for k, (date, cents) in enumerate(cash[i]):
            if date > until:
                continue
            piece = f"{doc.doc_id}/R{k + 1}"
            if doc.kind == "FA":
                entry("BQ", date, piece, date, f"Règlement {doc.doc_id}", [("512000", cents, 0, -1), ("411000", 0, cents, i)])
            else:
                entry("BQ", date, piece, date, f"Remboursement {doc.doc_id}",
                      [("411000", -cents, 0, i), ("512000", 0, -cents, -1)])
    # lettering: every 411 line of a document's settlement shares its invoice's (or credit's) letter
    lettered_on: dict[int, int] = {}         # row index -> DateLet
    group_of: dict[int, int] = {}            # row index -> group owner doc
    head: dict[int, int] = {}                # owner doc -> its own 411 row
    for r, row in enumerate(rows):
        owner = row[13]
        if row[4] != "411000" or owner < 0:
            continue
        doc = led.docs[owner]
        if row[8] == doc.doc_id:             # the document's own line
            head[owner] = r
            group_of[r] = owner
        else:                                # a payment or refund line: lettered on its day
            group_of[r] = owner
            lettered_on[r] = row[3]
    for i, doc in enumerate(led.docs):
        if i not in head:
            continue
        for date, _cents, j in applied[i]:
            if date <= until and j in head:
                group_of[head[j]] = i
                lettered_on[head[j]] = date
        own = [d for d, _ in doc.events if d <= until]
        settled = led.settle[i] <= until
        if settled:
            lettered_on[head[i]] = led.settle[i]
        elif own and doc.kind == "FA":
            lettered_on[head[i]] = max(own)
    codes: dict[int, str] = {}
    counters: dict[int, int] = {}
    for r in sorted(lettered_on):
        owner = group_of[r]
        if owner not in codes:
            cust = led.docs[owner].cust
            codes[owner] = _letter_code(counters.get(cust, 0))
            counters[cust] = counters.get(cust, 0) + 1
        rows[r][13] = codes[owner]
        rows[r][14] = lettered_on[r]
    for r, row in enumerate(rows):
        if r not in lettered_on:
            row[13] = ""
    order = sorted(range(len(rows)), key=lambda r: (rows[r][3], rows[r][0], rows[r][2]))
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write("\t".join(FEC_HEADER) + "\n")
        for r in order:
            row = list(rows[r])
            for k in (3, 9, 14, 15):
                row[k] = "" if row[k] is None else _date(row[k]).strftime("%Y%m%d")
            fh.write("\t".join(str(v) for v in row) + "\n")
    return len(rows)


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------
def generate(out_dir: Path, seed: int = DEFAULT_SEED) -> SampleSummary:
    """Simulate the ledger from ``seed`` and write every sample file under ``out_dir``."""
    out_dir = Path(out_dir)
    exports = out_dir / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    led = simulate(seed)
    snaps = snapshots(led)
    text_rng = np.random.default_rng([seed, 2])
    for snap in snaps:
        path = exports / f"balance_{_date(snap.as_of).isoformat()}.xlsx"
        if snap.as_of == ODOO_AS_OF:
            write_balance_odoo(path, led, snap, text_rng)
        else:
            write_balance_sage(path, led, snap)
    write_customers(out_dir / "customers.xlsx", led)
    write_sales(out_dir / "sales.xlsx", led)
    write_disputes(out_dir / "disputes.xlsx", led)
    write_actions(out_dir / "actions.xlsx", led)
    write_config(out_dir / "relance.toml")
    counts = [len(s.docs) for s in snaps]
    return SampleSummary(customers=len(led.customers), weeks=len(snaps), items_per_week_min=min(counts),
                         items_per_week_max=max(counts), actions=len(led.actions), disputes=len(led.disputes))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m relance_analytics.sample [--out data/sample] [--seed N]``."""
    parser = argparse.ArgumentParser(
        prog="python -m relance_analytics.sample",
        description="Génère l'échantillon de données (balances âgées hebdomadaires, clients, ventes, "
                    "litiges, actions de relance) à partir d'une graine.")
    parser.add_argument("--out", type=Path, default=Path("data/sample"),
                        help="dossier de sortie (défaut : data/sample)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"graine du générateur (défaut : {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    s = generate(args.out, args.seed)
    print(f"Échantillon écrit dans {args.out} : {s.customers} clients, {s.weeks} balances hebdomadaires "
          f"({s.items_per_week_min} à {s.items_per_week_max} pièces ouvertes), {s.actions} actions, "
          f"{s.disputes} litiges.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
