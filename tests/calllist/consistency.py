"""Consistency of the call list's words with the facts, checked from the outputs alone.

Each check reads what a collector or a customer reads (a row's sentences, a letter, an
e-mail) and compares it with the journal and the promises as the test computes them here,
independently of the engine. :func:`violations` returns every contradiction found as
``(check, customer, detail)``; the tests assert there is none, on the sample week and on
randomized journals.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from relance_analytics import vocab
from relance_analytics.french import euros

Violation = tuple[str, str, str]

#: The sentences of a phone-list row a collector reads out or acts on.
ROW_TEXTS = ("reasons", "next_step", "situation", "requirement", "proposal", "excuse_answer", "notes", "reminders")
_COUNT = re.compile(r"\b(\d+) (factures?|pièces?)\b( échues?| à échoir)?")
_SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
_RULE_ID = re.compile(r"\bR\d{1,2}\b")


def day(value: object, as_of: pd.Timestamp) -> str:
    ts = pd.Timestamp(value)
    return f"{ts:%d/%m}" if ts.year == as_of.year else f"{ts:%d/%m/%Y}"


def _docs(value: object) -> list[str]:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    return [d.strip() for d in str(value).replace(";", ",").split(",") if d.strip()]


def _text(row: Mapping[str, object], columns: Iterable[str] = ROW_TEXTS) -> str:
    return "\n".join(str(row.get(c, "") or "") for c in columns)


def letter_text(markup: str) -> str:
    """A letter's visible text (tags dropped, entities decoded, spaces collapsed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"<(style|title)>.*?</\1>", " ", markup,
                                                                   flags=re.S))).split())


def _journal(actions: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, pd.DataFrame]:
    acts = actions[actions["date"] <= as_of].sort_values(["date"], kind="stable")
    return {str(cid): frame for cid, frame in acts.groupby(acts["customer_id"].astype(str), sort=False)}


def _notices(acts: pd.DataFrame) -> list[pd.Timestamp]:
    mask = (acts["channel"].astype(str) == "formal_notice") | (acts["outcome"].astype(str) == "formal_notice_sent")
    return [pd.Timestamp(d) for d in acts.loc[mask.to_numpy(), "date"]]


def check_rows(rows: pd.DataFrame, journal: Mapping[str, pd.DataFrame], promises: pd.DataFrame,
               as_of: pd.Timestamp) -> list[Violation]:
    """Every phone-list and deferred row against the customer's journal and promises."""
    out: list[Violation] = []
    pending = promises[(promises["status"].astype(str) == "pending").to_numpy()
                       & (promises["promise_date"] >= as_of).to_numpy()]
    for _, row in rows.iterrows():
        cid = str(row["customer_id"])
        acts = journal.get(cid, actions_frame_empty())
        said = _text(row)
        lines = list(row["document_lines"])
        overdue = [d for d in lines if pd.Timestamp(d[2]) < as_of]
        coming = [d for d in lines if pd.Timestamp(d[2]) >= as_of]
        # a pending promise is never ignored
        for _, p in pending[pending["customer_id"].astype(str) == cid].iterrows():
            when = day(p["promise_date"], as_of)
            amount = euros(int(p["promise_amount_cents"])) if not pd.isna(p["promise_amount_cents"]) else ""
            situation = str(row["situation"])
            if when not in situation or (amount and amount not in situation):
                out.append(("pending_promise_ignored", cid, f"promesse de {amount} pour le {when}"))
            promised = set(_docs(p["document_ids"]))
            if promised & {d[0] for d in lines}:
                out.append(("promised_document_chased", cid, ", ".join(sorted(promised & {d[0] for d in lines}))))
        # an action already done is not offered again
        sent = acts[(acts["outcome"].astype(str) == "document_sent").to_numpy()]
        asked = acts[(acts["excuse"].astype(str) == "invoice_not_received").to_numpy()]
        if len(sent) and len(asked) and sent["date"].max() >= asked["date"].max():
            answer = str(row["excuse_answer"])
            if "Je vous envoie le duplicata" in answer:
                out.append(("duplicate_offered_again", cid, f"duplicata envoyé le {day(sent['date'].max(), as_of)}"))
        # a formal notice sent in this unpaid episode is known to the row
        if overdue:
            start = min(pd.Timestamp(d[2]) for d in overdue)
            notices = [n for n in _notices(acts) if n > start]
            if notices:
                last = day(max(notices), as_of)
                if "avant mise en demeure" in said or "nous vous adresserons une mise en demeure" in said:
                    out.append(("notice_ignored", cid, f"mise en demeure du {last}"))
                elif last not in str(row["reminders"]):
                    out.append(("notice_ignored", cid, f"mise en demeure du {last} absente des relances"))
        # no threat of litigation where the row itself says to avoid it
        if "Difficultés financières" in str(row["notes"]) and "contentieux" in _text(
                row, ("requirement", "next_step", "proposal")):
            out.append(("litigation_threat_contradicts_notes", cid, "contentieux annoncé malgré les difficultés"))
        # a callback is placed on its own date
        if "faire le point aujourd'hui" in said:
            callbacks = acts["callback_date"].dropna()
            if not len(callbacks) or pd.Timestamp(callbacks.iloc[-1]) != as_of:
                out.append(("callback_date_misstated", cid, "« aujourd'hui » pour un rappel convenu un autre jour"))
        # counts equal the documents listed
        out += _count_violations(cid, str(row["situation"]) + "\n" + str(row["requirement"]) + "\n"
                                 + str(row["proposal"]), overdue, coming, lines)
        if re.search(r"\bengagé\b", said):
            out.append(("gendered_wording", cid, "« engagé » suppose un homme"))
    return out


def _count_violations(cid: str, text: str, overdue: list, coming: list, lines: list) -> list[Violation]:
    out: list[Violation] = []
    for m in _COUNT.finditer(text):
        n, which = int(m.group(1)), (m.group(3) or "").strip()
        if re.match(r" de \d", text[m.end():m.end() + 5]):
            out.append(("ambiguous_count", cid, m.group(0) + text[m.end():m.end() + 16]))
            continue
        expected = len(overdue) if which.startswith("échue") else len(coming) if which == "à échoir" else len(lines)
        if n != expected:
            out.append(("count_mismatch", cid, f"« {m.group(0)} » pour {expected} pièce(s) listée(s)"))
    return out


def actions_frame_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[s]" if c in ("date", "callback_date", "promise_date")
                                      else object)
                         for c in ("date", "channel", "outcome", "excuse", "callback_date", "promise_date",
                                   "document_ids", "customer_id")})


def check_letter(cid: str, markup: str, journal: Mapping[str, pd.DataFrame], as_of: pd.Timestamp,
                 documents: int) -> list[Violation]:
    """A formal-notice letter against the customer's journal."""
    out: list[Violation] = []
    text = letter_text(markup)
    acts = journal.get(cid, actions_frame_empty())
    earlier = [n for n in _notices(acts) if n <= as_of]
    if earlier:
        first = max(earlier)
        sentences = re.split(r"(?<=[.;:])\s", text)
        said = [x for x in sentences if "déjà" in x and re.search(r"mises? en demeure", x)
                and (f"{first:%d/%m/%Y}" in x or day(first, as_of) in x)]
        if not said:
            out.append(("second_notice_unsaid", cid, f"mise en demeure déjà envoyée le {first:%d/%m/%Y}"))
    listed_promise = bool(re.search(r"promesse|promis|engagement de régler|règlement de .* promis", text.split(
        "Nos démarches")[-1].split("Par la présente")[0]))
    if listed_promise and "Aucun engagement de paiement daté n'a été obtenu" in text:
        out.append(("letter_contradicts_its_actions", cid, "une promesse listée puis « aucun engagement »"))
    out += customer_facing(cid, text)
    shown = len(re.findall(r"\bFA[\w-]+\b", markup.split("<table")[1].split("</table>")[0])) if "<table" in markup \
        else 0
    if shown != documents:
        out.append(("count_mismatch", cid, f"{shown} factures au tableau pour {documents}"))
    for m in re.finditer(r"\b(\d+) factures?\b", text):
        if int(m.group(1)) != documents:
            out.append(("count_mismatch", cid, f"« {m.group(0)} » pour {documents} facture(s)"))
    return out


def customer_facing(cid: str, text: str) -> list[Violation]:
    """Internal codes never reach a customer: excuse labels, rule ids, code identifiers."""
    out: list[Violation] = []
    for code, label in vocab.EXCUSE.items():
        if f"({label})" in text or code in text:
            out.append(("internal_code", cid, label))
    for pattern in (_RULE_ID, _SNAKE):
        for m in pattern.finditer(text):
            out.append(("internal_code", cid, m.group(0)))
    if "Vos références client" in text:
        out.append(("internal_code", cid, "« Vos références client »"))
    if re.search(r"\bengagé\b", text):
        out.append(("gendered_wording", cid, "« engagé »"))
    return out


def violations(cl: object, actions: pd.DataFrame, promises: pd.DataFrame,
               drafts: Path | None = None) -> list[Violation]:
    """Every contradiction of a call list (and its drafts folder) with the journal."""
    as_of = pd.Timestamp(cl.as_of)  # type: ignore[attr-defined]
    journal = _journal(actions, as_of)
    rows = pd.concat([cl.rows, cl.deferred], ignore_index=True)  # type: ignore[attr-defined]
    out = check_rows(rows, journal, promises, as_of)
    if drafts is not None:
        notices = cl.formal_notices  # type: ignore[attr-defined]
        for _, row in notices.iterrows():
            path = drafts / "mises_en_demeure" / f"mise_en_demeure_{row['customer_id']}.html"
            if path.is_file():
                out += check_letter(str(row["customer_id"]), path.read_text(encoding="utf-8"), journal, as_of,
                                    len(row["document_lines"]))
            else:
                out.append(("letter_missing", str(row["customer_id"]), str(path)))
        for path in sorted((drafts / "emails").rglob("*.eml")):
            out += customer_facing(path.stem, _mail_text(path))
    return out


def _mail_text(path: Path) -> str:
    from email import policy
    from email.parser import BytesParser
    msg = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    body = msg.get_body(preferencelist=("plain",))
    return str(msg["Subject"]) + "\n" + (body.get_content() if body is not None else "")


def counts(found: list[Violation]) -> dict[str, int]:
    """Violations per check."""
    out: dict[str, int] = {}
    for check, _, _ in found:
        out[check] = out.get(check, 0) + 1
    return dict(sorted(out.items()))
