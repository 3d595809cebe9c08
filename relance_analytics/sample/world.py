"""The sample world's constants (dates, collectors, segments, payer profiles, names) and small
helpers on ordinal dates, rounding and French text. Money is integer cents."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence

import numpy as np

DEFAULT_SEED = 20261120
COMPANY = "Ateliers Durand Industrie SAS"
COMPANY_DOMAIN = "ateliers-durand.fr"
CREATED = dt.datetime(2026, 11, 20, 18, 0)


def ordinal(y: int, m: int, d: int) -> int:
    """Date as a proleptic ordinal (integer day number)."""
    return dt.date(y, m, d).toordinal()


HISTORY_START = ordinal(2024, 12, 1)
END = ordinal(2026, 11, 20)
ACTIONS_START = ordinal(2026, 6, 1)
FAR = ordinal(2100, 1, 1)
AS_OF_DATES = tuple(END - 7 * k for k in range(15, -1, -1))
ODOO_AS_OF = ordinal(2026, 9, 11)
MONTHS = tuple((2024 + (11 + k) // 12, (11 + k) % 12 + 1) for k in range(24))
HOLIDAYS = frozenset(ordinal(*d) for d in (
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
    ("liquidation judiciaire", ordinal(2025, 9, 15)), ("liquidation judiciaire", ordinal(2026, 4, 10)),
    ("redressement judiciaire", ordinal(2026, 2, 2)), ("redressement judiciaire", ordinal(2026, 5, 18)),
    ("redressement judiciaire", ordinal(2026, 9, 15)), ("sauvegarde", ordinal(2025, 11, 3)),
    ("sauvegarde", ordinal(2026, 6, 22)),
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
                    "Délai de paiement", "Circuit facture", "Taux de provision spécifique", "Limite garantie",
                    "Assureur", "Menace de sinistre déclarée le")
#: Credit insurers of the sample: every third customer is insured, by one of them in turn.
INSURERS = ("Allianz Trade", "Coface", "Atradius")
#: An insured customer's limit, as a share of its credit limit: some run above it.
INSURED_SHARE = (0.5, 0.8, 1.0)
#: Insured customers with a threat-of-claim notice filed (every third of them), on this date.
DECLARED_ON = ordinal(2026, 10, 1)
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
# Small helpers: dates, rounding, text
# ---------------------------------------------------------------------------------------------
def ordinal_date(o: int) -> dt.date:
    """Ordinal to date."""
    return dt.date.fromordinal(o)


def is_bday(o: int) -> bool:
    """Monday–Friday and not a French public holiday."""
    return (o + 6) % 7 < 5 and o not in HOLIDAYS


def bday(o: int) -> int:
    """Same day or the next business day."""
    while not is_bday(o):
        o += 1
    return o


def month_bounds(y: int, m: int) -> tuple[int, int]:
    """First and last day of a month (ordinals)."""
    first = ordinal(y, m, 1)
    nxt = ordinal(y + (m == 12), m % 12 + 1, 1)
    return first, nxt - 1


def _end_of_month(o: int) -> int:
    """Last day of the month containing ``o``."""
    d = ordinal_date(o)
    return month_bounds(d.year, d.month)[1]


def due_date(o: int, terms: str) -> int:
    """Due date from payment terms ("30fdm" = +30 days, then end of month)."""
    if terms == "30fdm":
        return _end_of_month(o + 30)
    return o + int(terms)


def div_round(num: int, den: int) -> int:
    """Integer division rounded half away from zero."""
    q = (abs(num) * 2 + den) // (2 * den)
    return q if num >= 0 else -q


def ht_from_ttc(cents: int, vat: int) -> int:
    """HT cents of a TTC amount at ``vat`` per mille."""
    return div_round(cents * 1000, 1000 + vat)


def ttc_from_ht(cents: int, vat: int) -> int:
    """TTC cents of an HT amount at ``vat`` per mille."""
    return div_round(cents * (1000 + vat), 1000)


def fr_amount(cents: int, sep: str = "\u202f") -> str:
    """French money text: ``-1 234,56`` with ``sep`` as thousands separator."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    digits = str(euros)
    groups: list[str] = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return f"{sign}{sep.join(groups)},{rest:02d}"


def fr_date(o: int) -> str:
    """``dd/mm/yyyy``."""
    return ordinal_date(o).strftime("%d/%m/%Y")


def ascii_slug(text: str, sep: str = "-") -> str:
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


def pick(rng: np.random.Generator, items: Sequence[str], p: Sequence[float] | None = None) -> str:
    """One element of ``items`` (optionally weighted)."""
    if p is None:
        return items[int(rng.integers(0, len(items)))]
    w = np.asarray(p, dtype=float)
    return items[int(rng.choice(len(items), p=w / w.sum()))]
