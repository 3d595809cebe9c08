"""French labels of the codes used in the core (the only place they are spelled out).

Readers accept either the French label or the code; reports and workbooks show the label.
"""

from __future__ import annotations

STATUS = {
    "active": "actif",
    "receivership": "redressement judiciaire",
    "liquidation": "liquidation judiciaire",
    "safeguard": "sauvegarde",
}
INSOLVENCY_STATUSES = ("receivership", "liquidation", "safeguard")

CIRCUIT = {
    "purchasing": "validation achats",
    "accounting": "comptabilité fournisseurs",
    "manager": "dirigeant",
}

CONTACT_ROLE = {
    "purchasing": "achats",
    "accounting": "comptabilité fournisseurs",
    "manager": "dirigeant",
    "finance": "direction financière",
}

DOCUMENT_TYPE = {"invoice": "facture", "credit_note": "avoir", "payment": "règlement non affecté"}

DISPUTE_TYPE = {"administrative": "administratif", "commercial": "commercial", "technical": "technique"}

CHANNEL = {"phone": "téléphone", "email": "e-mail", "letter": "courrier", "formal_notice": "mise en demeure"}

OUTCOME = {
    "promise": "promesse",
    "dispute": "litige",
    "excuse": "excuse",
    "evasive": "réponse évasive",
    "no_answer": "pas de réponse",
    "callback": "rappel convenu",
    "document_requested": "document demandé",
    "document_sent": "duplicata envoyé",
    "reminder_sent": "relance envoyée",
    "formal_notice_sent": "mise en demeure envoyée",
}

EXCUSE = {
    "invoice_not_received": "facture non reçue",
    "cash_flow": "trésorerie",
    "awaiting_approval": "validation direction",
    "accounting_unavailable": "comptabilité indisponible",
    "commercial_dispute": "litige commercial",
    "goods_returned": "marchandise retournée",
    "insolvency": "procédure collective",
    "accounts_frozen": "comptes bloqués",
    "customers_not_paid": "clients non payés",
    "cheque_sent": "chèque envoyé",
}

PAYMENT_METHOD = {"transfer": "virement", "cheque": "chèque", "lcr": "LCR", "direct_debit": "prélèvement"}

BUCKET_NOT_DUE = "Non échu"
#: A grouping value left blank (collector, segment…) in totals.
UNASSIGNED = "(non renseigné)"
#: The collector of a customer the customers file does not name.
NO_COLLECTOR = "(non affecté)"
