"""Written follow-up of the calls: e-mail drafts and formal-notice letter drafts.

* ``emails/<collector>/recap_<customer>_<date>_<n>.eml``: the written recap of every recent
  outcome with a promise (amount, date, method) or a callback date (R13: after a call, a recap);
* ``emails/<collector>/relance_<customer>.eml``: an automatic reminder for the overdue items no
  phone list carries (rows cut by the capacity or below the small amount);
* ``mises_en_demeure/mise_en_demeure_<customer>.html``: a letter per customer of the
  formal-notice list: actions taken, what was agreed, amounts due, deadline, consequences.

E-mails are standard RFC 5322 files written with the stdlib :mod:`email` package (UTF-8,
``X-Unsent: 1`` so Outlook opens them as drafts to send), addressed to the row's contact.

The letters are **HTML** (not .docx, whose library is not available): Word and LibreOffice
open an .html file as an editable document and keep its table of invoices and its layout
(File > Open, then "Save as .docx" on the letterhead), a browser prints it as is, and unlike
plain text or Markdown the table of invoices stays aligned once pasted into a letterhead
template. Every value is HTML-escaped. Bracketed fields (``[adresse]``) are for the analyst.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr
from pathlib import Path

import pandas as pd

from .. import vocab
from ..frames import OPEN_ITEMS
from ..french import euros, plural
from ..metrics.penalties import PenaltyParams, late_payment_penalties
from ..text.calllist import day, earlier_notices_text, notice_subject, penalties_text
from .build import CallList
from .contacts import choose_contacts
from .workbook import letter_name, mail_url

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SPECIALS = re.compile(r'[()<>\[\]:;@\\,"]')


@dataclass
class Drafts:
    """Files written by :func:`write_drafts`."""

    recaps: list[Path] = field(default_factory=list)
    reminders: list[Path] = field(default_factory=list)
    letters: list[Path] = field(default_factory=list)
    unaddressed: list[Path] = field(default_factory=list)     # e-mails without a recipient (``*_sans_adresse.eml``)
    no_sender: list[str] = field(default_factory=list)        # collectors without an address in relance.toml

    @property
    def warnings(self) -> list[str]:
        """What a collector must complete before sending, in French (empty when nothing)."""
        out = []
        if self.unaddressed:
            out.append(f"{plural(len(self.unaddressed), 'e-mail')} sans adresse de destinataire (fichiers "
                       "« …_sans_adresse.eml ») : compléter l'adresse du contact dans customers.xlsx, feuille Contacts")
        if self.no_sender:
            out.append("recouvreur(s) sans adresse d'expéditeur : " + ", ".join(sorted(self.no_sender))
                       + " ; ajoutez email = \"…\" à leur ligne de [collectors] dans relance.toml")
        return out

    @property
    def files(self) -> list[Path]:
        return [*self.recaps, *self.reminders, *self.letters]


def slug(text: object) -> str:
    """A safe file-name part: letters, digits, ``_`` and ``-`` only."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9_-]+", "_", plain).strip("_")[:60] or "x"


def _header(text: object) -> str:
    """Untrusted text for a header: control characters become spaces and ``=?`` becomes ``= ?``
    (else the mail library decodes an RFC 2047 word such as ``=?utf-8?q?=0D=0ABcc:…?=`` into a new
    header line)."""
    return _CONTROL.sub(" ", str(text)).replace("=?", "= ?").strip()


def _name(text: object) -> str:
    """Untrusted text for a ``To``/``From`` display name: :func:`_header`, and the RFC 5322 specials
    (``()<>[]:;@\\,"``) become spaces: Python 3.11's folder drops the quotes around them, and
    ``=1+1 Cc: y@evil.example é <a@b.fr>`` then reads as the address ``y@evil.example``."""
    return " ".join(_SPECIALS.sub(" ", _header(text)).split())


def _message(subject: str, body: str, to_name: object, to_email: object, collector: str, sender: str | None,
             when: pd.Timestamp) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = _header(subject)
    if mail_url(to_email):
        msg["To"] = formataddr((_name(to_name) if isinstance(to_name, str) else "", str(to_email).strip()))
    if sender and mail_url(sender):
        msg["From"] = formataddr((_name(collector), sender))
    msg["Date"] = format_datetime((when + pd.Timedelta(hours=9)).to_pydatetime())
    msg["X-Unsent"] = "1"
    msg.set_content(body)
    return msg


def _save(msg: EmailMessage, path: Path, written: Drafts, collector: str) -> Path:
    """Write the draft; one without a recipient is named ``…_sans_adresse.eml`` and listed, as
    is a collector without a sender address."""
    if "To" not in msg:
        path = path.with_name(f"{path.stem}_sans_adresse{path.suffix}")
        written.unaddressed.append(path)
    if "From" not in msg and collector not in written.no_sender:
        written.no_sender.append(collector)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())
    return path


def _greeting(name: object) -> str:
    return f"Bonjour {name}," if isinstance(name, str) and name.strip() else "Madame, Monsieur,"


def _signature(collector: str, company: str) -> str:
    return "\n".join(x for x in ("Bien cordialement,", "", collector, company) if x is not None)


def _lines(docs: tuple[tuple[str, int, pd.Timestamp], ...], as_of: pd.Timestamp) -> str:
    return "\n".join(f"  - {d} : {euros(c)}, échéance du {day(due, as_of)}" for d, c, due in docs)


#: What a recap thanks the customer for, by the channel of the action it recaps.
RECAP_EXCHANGE = {"phone": "notre entretien téléphonique", "email": "votre message", "letter": "votre courrier"}


def recap_body(action: pd.Series, contact: object, collector: str, company: str,
               as_of: pd.Timestamp) -> tuple[str, str]:
    """Subject and text of the written recap of one call with a promise or a callback."""
    when = day(action["date"], as_of)
    docs = ", ".join(str(action["document_ids"]).split(",")) if not pd.isna(action["document_ids"]) else ""
    concerning = f" concernant {docs}" if docs else ""
    exchange = RECAP_EXCHANGE.get(str(action["channel"]), "notre échange")
    lines = [_greeting(contact), "", f"Je vous remercie pour {exchange} du {when}."]
    if action["outcome"] == "promise" and not pd.isna(action["promise_date"]):
        amount = euros(int(action["promise_amount_cents"])) if not pd.isna(action["promise_amount_cents"]) \
            else "le montant dû"
        method = vocab.PAYMENT_METHOD.get(str(action["payment_method"]), "") if not pd.isna(action["payment_method"]) \
            else ""
        subject = (f"Récapitulatif de notre échange du {when} : règlement de {amount} "
                   f"le {day(action['promise_date'], as_of)}")
        lines += ["Comme convenu, je vous confirme votre engagement :",
                  f"  - règlement de {amount}{' par ' + method if method else ''} "
                  f"au plus tard le {day(action['promise_date'], as_of)}{concerning}.", "",
                  "Nous comptons sur ce règlement à la date convenue. S'il ne nous était pas parvenu à cette date, "
                  "je reprendrais contact avec vous dès le lendemain."]
        if not pd.isna(action["callback_date"]):
            lines += ["", f"Je vous rappellerai par ailleurs le {day(action['callback_date'], as_of)}."]
    else:
        subject = f"Suite à notre échange du {when} : rappel convenu le {day(action['callback_date'], as_of)}"
        lines += [f"Comme convenu, je vous rappellerai le {day(action['callback_date'], as_of)} pour faire le point "
                  f"sur le règlement{concerning}.", "",
                  "D'ici là, n'hésitez pas à me communiquer la date de mise en paiement dès qu'elle sera arrêtée."]
    return subject, "\n".join([*lines, "", _signature(collector, company)])


def reminder_body(row: pd.Series, company: str, as_of: pd.Timestamp) -> tuple[str, str]:
    """Subject and text of the automatic e-mail of a row no phone list carries: a reminder of the
    overdue documents (due before ``as_of``), or, when none is overdue yet (a pre-due call cut by
    capacity), a courteous notice of the coming due dates."""
    docs = tuple(row["document_lines"])
    overdue = tuple(x for x in docs if x[2] < as_of)
    coming = tuple(x for x in docs if x[2] >= as_of)
    plural = len(overdue) > 1
    if overdue:
        subject = f"Relance : factures échues au {as_of:%d/%m/%Y} – {row['customer_name']}"
        lines = [_greeting(row["contact_name"]), "",
                 "Sauf erreur de notre part, "
                 f"{'les factures suivantes restent impayées' if plural else 'la facture suivante reste impayée'} "
                 "à ce jour :", _lines(overdue, as_of), "",
                 f"Montant échu : {euros(sum(c for _, c, _ in overdue))}"]
        if row["credits_cents"] < 0:
            lines.append(f"Vos avoirs et règlements en attente d'imputation ({euros(row['credits_cents'])}) "
                         f"ramènent le solde dû à {euros(row['net_cents'])}.")
        lines += ["", ("Ces montants étaient payables aux échéances convenues. Nous vous remercions de procéder à leur "
                       if plural else
                       "Ce montant était payable à l'échéance convenue. Nous vous remercions de procéder à son ")
                  + "règlement sans délai et de nous indiquer par retour la date à laquelle il nous parviendra."]
        if coming:
            lines += ["", "Pour mémoire, à échoir prochainement :", _lines(coming, as_of)]
        lines += ["", "Si une difficulté concerne l'une de ces factures, merci de nous la signaler dès maintenant afin "
                  "que nous la traitions rapidement ; si votre règlement est déjà parti, merci de nous en préciser "
                  "la date et le mode."]
    else:
        subject = f"Échéances à venir – {row['customer_name']}"
        lines = [_greeting(row["contact_name"]), "",
                 "Nous nous permettons de vous signaler les échéances suivantes, afin que leur règlement soit "
                 "programmé à temps :", _lines(coming, as_of), "",
                 f"Montant à échoir : {euros(sum(c for _, c, _ in coming))}", "",
                 "Merci de nous confirmer que ces factures ont bien été reçues et validées, "
                 "et de nous indiquer la date "
                 "de mise en paiement prévue. Si l'une d'elles pose une difficulté, nous la traiterons dès maintenant, "
                 "avant l'échéance."]
    return subject, "\n".join([*lines, "", _signature(str(row["collector"]), company)])


def letter_dues(row: pd.Series, as_of: pd.Timestamp, params: PenaltyParams) -> str:
    """The sentence stating the penalties and indemnities due on the letter's invoices at ``as_of``."""
    docs = tuple(row["document_lines"])
    frame = OPEN_ITEMS.build({"customer_id": [str(row["customer_id"])] * len(docs),
                              "document_id": [d for d, _, _ in docs], "document_type": ["invoice"] * len(docs),
                              "due_date": [due for _, _, due in docs], "amount_cents": [c for _, c, _ in docs]})
    due = late_payment_penalties(frame, as_of, params)
    rates = [rate for segments in due.items["segments"] for _, rate, _ in segments]
    contractual = params.contractual is not None or str(row["customer_id"]) in params.customer_rates
    if not rates:
        return ("Tout retard de paiement fait courir de plein droit des pénalités de retard et une indemnité "
                "forfaitaire pour frais de recouvrement de 40 € par facture (articles L441-10 et D441-5 du Code "
                "de commerce).")
    return penalties_text(int(due.items["penalty_cents"].sum()), int(due.items["indemnity_cents"].sum()), rates,
                          contractual, due.estimated)


def letter_html(row: pd.Series, company: str, as_of: pd.Timestamp, params: PenaltyParams | None = None) -> str:
    """The formal-notice letter draft of one formal-notice row (HTML, every value escaped)."""
    e = html.escape
    dues = letter_dues(row, as_of, params or PenaltyParams())
    docs = tuple(row["document_lines"])
    table = "\n".join(f"<tr><td>{e(d)}</td><td>{due:%d/%m/%Y}</td><td class=\"n\">{e(euros(c))}</td></tr>"
                      for d, c, due in docs)
    actions = "".join(f"<li>{e(line)}</li>" for line in row["letter_actions"]) or "<li>[à compléter]</li>"
    agreed = "".join(f"<li>{e(line)}</li>" for line in row["letter_agreed"])
    agreed_block = (f"<p>Ce qui avait été convenu avec vos services :</p><ul>{agreed}</ul>" if agreed else
                    "<p>Aucun engagement de paiement daté n'a été obtenu malgré ces démarches.</p>")
    earlier = tuple(row["earlier_notices"])
    reminder = f"<p>{e(earlier_notices_text(earlier))}</p>\n" if earlier else ""
    credits = (f"<p>Après imputation de vos avoirs et règlements en attente ({e(euros(row['credits_cents']))}), "
               f"le montant restant dû est de <b>{e(euros(row['net_cents']))}</b>.</p>"
               if row["credits_cents"] < 0 else "")
    deadline = pd.Timestamp(row["deadline"])
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Mise en demeure – {e(str(row['customer_name']))}</title>
<style>body{{font-family:Arial,sans-serif;font-size:11pt;max-width:17cm;margin:2cm auto;line-height:1.4}}
table{{border-collapse:collapse;margin:0.5em 0}}td,th{{border:1px solid #999;padding:3px 8px}}
.n{{text-align:right}}.right{{margin-left:9cm}}</style></head><body>
<p>{e(company or '[Raison sociale du créancier]')}<br>[Adresse]<br>[Téléphone – e-mail]</p>
<p class="right">{e(str(row['customer_name']))}<br>À l'attention de la direction<br>[Adresse du client]</p>
<p class="right">[Ville], le {as_of:%d/%m/%Y}</p>
<p><b>Lettre recommandée avec demande d'avis de réception</b><br>
<b>Objet : {e(notice_subject(len(earlier)))} – {e(euros(row['net_cents']))}</b><br>
Nos références : compte client {e(str(row['customer_id']))}</p>
<p>Madame, Monsieur,</p>
<p>Malgré nos relances successives, les factures suivantes restent impayées à ce jour :</p>
<table><tr><th>Facture</th><th>Échéance</th><th>Montant TTC</th></tr>
{table}
<tr><td colspan="2"><b>Total</b></td><td class="n"><b>{e(euros(row['overdue_cents']))}</b></td></tr></table>
{credits}
<p>Nos démarches à ce sujet :</p><ul>{actions}</ul>
{agreed_block}
{reminder}
<p>Par la présente, nous vous mettons en demeure de nous régler la somme de <b>{e(euros(row['net_cents']))}</b>
au plus tard le <b>{deadline:%d/%m/%Y}</b>.</p>
<p>À défaut de règlement à cette date, nous transmettrons le dossier au contentieux sans autre avis, en vue
d'un recouvrement judiciaire dont les frais resteront à votre charge.</p>
<p>{e(dues)}</p>
<p>Si ce règlement est déjà parti, nous vous remercions de nous en communiquer la date et le mode.</p>
<p>Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.</p>
<p>{e(str(row['collector']))}<br>{e(company)}</p>
</body></html>
"""


def write_drafts(out_dir: str | Path, cl: CallList, actions: pd.DataFrame, contacts: pd.DataFrame | None = None,
                 customers: pd.DataFrame | None = None, company: str = "", since: pd.Timestamp | None = None,
                 collectors: list[str] | None = None, penalties: PenaltyParams | None = None) -> Drafts:
    """Write the recaps of the outcomes dated after ``since`` (default: the 7 days up to the
    list's date) with a promise or a callback, the reminders of the deferred rows and the
    formal-notice letters under ``out_dir``; ``collectors`` limits them to those collectors;
    ``penalties``: the rates of the penalties the letters state (default: the legal ones)."""
    out = Path(out_dir)
    as_of = cl.as_of
    since = since if since is not None else as_of - pd.Timedelta(days=7)
    p = cl.params
    keep = set(collectors) if collectors else None
    params = penalties or PenaltyParams()
    written = Drafts()

    date = actions["date"].to_numpy(dtype="datetime64[s]")
    recent = actions[(date > since.to_datetime64()) & (date <= as_of.to_datetime64())
                     & ((actions["outcome"] == "promise").to_numpy() & actions["promise_date"].notna().to_numpy()
                        | actions["callback_date"].notna().to_numpy())]
    collector_of = (customers.set_index(customers["customer_id"].astype(str))["collector"]
                    if customers is not None else pd.Series(dtype="string"))
    circuits = (customers.set_index(customers["customer_id"].astype(str))["invoice_circuit"]
                if customers is not None and "invoice_circuit" in customers else
                pd.Series(pd.NA, index=pd.Index(recent["customer_id"].astype(str).unique()), dtype="string"))
    chosen = choose_contacts(circuits.reindex(recent["customer_id"].astype(str).unique()), contacts)
    seen: dict[str, int] = {}
    for _, action in recent.iterrows():
        cid = str(action["customer_id"])
        collector = str(action["collector"]) if not pd.isna(action["collector"]) else str(collector_of.get(cid, ""))
        if keep is not None and collector not in keep:
            continue
        name, email = _recap_address(cid, action["contact"], contacts, chosen)
        subject, body = recap_body(action, name, collector, company, as_of)
        stem = f"recap_{slug(cid)}_{pd.Timestamp(action['date']):%Y%m%d}"
        seen[stem] = seen.get(stem, 0) + 1
        path = out / "emails" / slug(collector or "non_affecte") / f"{stem}_{seen[stem]}.eml"
        written.recaps.append(_save(_message(subject, body, name, email, collector, p.collector_emails.get(collector),
                                             as_of), path, written, collector))
    for _, row in cl.deferred.iterrows():
        if (keep is not None and row["collector"] not in keep) or row["net_cents"] <= 0:
            continue                       # net 0: credits cover the overdue, lettering instead of a reminder
        subject, body = reminder_body(row, company, as_of)
        path = out / "emails" / slug(row["collector"]) / f"relance_{slug(row['customer_id'])}.eml"
        written.reminders.append(_save(_message(subject, body, row["contact_name"], row["contact_email"],
                                                str(row["collector"]), p.collector_emails.get(str(row["collector"])),
                                                as_of), path, written, str(row["collector"])))
    for _, row in cl.formal_notices.iterrows():
        if keep is not None and row["collector"] not in keep:
            continue
        path = out / "mises_en_demeure" / letter_name(row["customer_id"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(letter_html(row, company, as_of, params), encoding="utf-8")
        written.letters.append(path)
    return written


def _recap_address(cid: str, contact: object, contacts: pd.DataFrame | None,
                   chosen: pd.DataFrame) -> tuple[object, object]:
    """The contact reached (found by name among the customer's contacts), else the R11 contact."""
    if contacts is not None and isinstance(contact, str) and contact.strip():
        mine = contacts[contacts["customer_id"].astype(str) == cid]
        match = mine[mine["name"].astype(str).str.casefold() == contact.strip().casefold()]
        if len(match):
            return match["name"].iloc[0], match["email"].iloc[0]
    if cid in chosen.index:
        return chosen.at[cid, "contact_name"], chosen.at[cid, "contact_email"]
    return None, None
