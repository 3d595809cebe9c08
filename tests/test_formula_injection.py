"""Issue 6 §3: nothing the suite writes turns into a formula, a link or an e-mail header.

The real writers (aged balance, provisions, drift, DSO, disputes, call list, e-mail drafts,
formal-notice letters) are run, as the notebooks run them, on the hostile ledger of
:mod:`tests.payloads`: its customer names, document ids, contacts (names, phones, e-mails),
action notes, collectors, segments and dispute owners are 100 payloads (``=…``, ``+…``, ``@…``,
tab, CR, ``=HYPERLINK(…)``, ``=cmd|…``, header injections…). Every file is read back and checked
cell by cell: no formula, no link but the ``tel:``/``mailto:`` of a clean number or address, and
each payload reads back exactly as written.

Documented changes to the text: a draft's header (``Subject``, ``To``/``From`` names) turns
control characters into spaces and ``=?`` into ``= ?`` (:func:`header_text`); a text/plain
body ends its lines with CRLF; the call list's sheet names drop the characters Excel refuses.
"""

from __future__ import annotations

import dataclasses
import email
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email.policy import default as default_policy
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from relance_analytics import canonical as rc
from relance_analytics.calllist import CallListParams, call_list, write_call_list, write_drafts
from relance_analytics.calllist.drafts import Drafts
from relance_analytics.config import Settings
from relance_analytics.context import Context
from relance_analytics.metrics.d441 import payment_delays_table
from relance_analytics.metrics.disputes import dispute_summary
from relance_analytics.metrics.drift import drift
from relance_analytics.metrics.dso import DsoParams, dso_summary, dso_trend
from relance_analytics.metrics.enrich import attach_customers
from relance_analytics.metrics.history import bucket_trend, roll_rate_history
from relance_analytics.metrics.penalties import late_payment_penalties, paid_late_penalties
from relance_analytics.metrics.provision_evidence import provision_evidence
from relance_analytics.metrics.provisions import (
    ProvisionRules,
    customer_vat_rates,
    provision_change,
    provision_totals,
    provisions,
)
from relance_analytics.metrics.terms_compliance import terms_compliance, terms_vs_payments
from relance_analytics.report import disputes as report_disputes
from relance_analytics.report import drift as report_drift
from relance_analytics.report import dso as report_dso
from relance_analytics.report import legal as report_legal
from relance_analytics.report import provisions as report_provisions
from relance_analytics.report import write_aged_balance
from relance_analytics.report.legal_tables import write_payment_delays
from relance_analytics.store import SnapshotStore

from .payloads import (
    AS_OF,
    COLLECTORS,
    PAYLOADS,
    PREVIOUS,
    SEGMENTS,
    buyer_email,
    buyer_phone,
    call_contact,
    cid,
    documents,
    group,
    is_purchasing,
    is_small,
    ledger,
    load_shown,
    p,
)

BOOKS = ("aged_balance", "provisions", "drift", "dso", "disputes", "call_list", "chiffres_legaux",
         "dossier_provisions", "delais_paiement")
SINCE = pd.Timestamp("2026-11-01")          # the drafts recap the callbacks agreed on 05/11
COMPANY = p(9)                              # '=HYPERLINK("http://x","y")' (relance.toml is trusted, but still)
EMAILS = {c: f"recouvreur{k}@acme.example" for k, c in enumerate(COLLECTORS)}
TEL = re.compile(r"tel:\+[0-9]{8,15}")
MAILTO = re.compile(r"mailto:[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
CODE = re.compile(r"C\d{3}")


def collector(i: int) -> str:
    return COLLECTORS[i % len(COLLECTORS)]


def segment(i: int) -> str:
    return SEGMENTS[i % len(SEGMENTS)]


def on_list(kind: str) -> set[int]:
    return {i for i in range(100) if group(i) == kind}


PHONE_LIST = {i for i in on_list("calls") | on_list("disputes") if not is_small(i)}
SMALL = {i for i in range(100) if is_small(i)}


@dataclass(frozen=True)
class Written:
    root: Path
    workbooks: dict[str, Path]
    drafts: Drafts


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    """Every workbook and draft of the suite, written from the hostile ledger as the notebooks do."""
    root = tmp_path_factory.mktemp("injection")
    led = ledger()
    store = SnapshotStore(root / "workspace")
    store.write(PREVIOUS, led.previous)
    store.write(AS_OF, led.items)
    settings = Settings()
    b = settings.buckets
    items = attach_customers(store.read(AS_OF), led.customers)
    ctx = Context(settings, b, AS_OF, store, items, led.customers, root, root / "reports")
    out = ctx.output_dir
    books = {}

    balance = {by: rc.aged_balance(items, AS_OF, by=by, buckets=b) for by in (None, "collector", "segment", "customer")}
    books["aged_balance"] = write_aged_balance(out / "aged_balance.xlsx", ctx, balance[None], balance["collector"],
                                               balance["segment"], balance["customer"])

    rules = ProvisionRules.from_settings(settings)
    schedule = provisions(items, AS_OF, rules=rules, vat_rates=customer_vat_rates(led.sales, AS_OF))
    before = provisions(store.read(PREVIOUS), PREVIOUS, customers=led.customers, rules=rules,
                        vat_rates=customer_vat_rates(led.sales, PREVIOUS))
    books["provisions"] = report_provisions.write_provisions(
        out / "provisions.xlsx", AS_OF, schedule, provision_totals(schedule, "customer"),
        provision_totals(schedule, "collector"), provision_totals(schedule, "rule"), provision_change(before, schedule),
        PREVIOUS)

    books["drift"] = report_drift.write_drift(out / "drift.xlsx", bucket_trend(store, b), b,
                                              drift(store.read(PREVIOUS), items, PREVIOUS, AS_OF, b),
                                              roll_rate_history(store, b))

    params = DsoParams.from_settings(settings)
    by_method = {m: dso_summary(store, AS_OF, led.sales, led.customers, params=dataclasses.replace(params, method=m))
                 for m in ("countback", "ratio")}
    books["dso"] = report_dso.write_dso(
        out / "dso.xlsx", ctx, report_dso.method_summary(by_method),
        dso_summary(store, AS_OF, led.sales, led.customers, by="collector", params=params),
        dso_summary(store, AS_OF, led.sales, led.customers, by="customer", params=params, errors="coerce"),
        dso_trend(store, led.sales, led.customers, params, until=AS_OF))

    books["disputes"] = report_disputes.write_disputes(out / "disputes.xlsx",
                                                       dispute_summary(items, led.disputes, AS_OF, b), b)

    penalties = late_payment_penalties(items, AS_OF)
    period = report_legal.period_payments(store, AS_OF)
    claims = paid_late_penalties(period.claims, period.start, period.end)
    books["chiffres_legaux"] = report_legal.write_legal(
        out / "chiffres_legaux.xlsx", AS_OF, penalties, claims, period, terms_compliance(items),
        terms_vs_payments(period.invoices, period.habits))
    books["dossier_provisions"] = report_provisions.write_dossier(
        out / "dossier_provisions.xlsx", AS_OF, provision_evidence(schedule, led.actions, AS_OF))
    books["delais_paiement"] = write_payment_delays(
        out / "delais_paiement.xlsx", payment_delays_table(items, AS_OF, led.sales, led.disputes, errors="coerce"),
        notes=[f"Pièces ouvertes : balance intégrée du {AS_OF:%d/%m/%Y}."], title=COMPANY)

    cl = call_list(items, led.customers, led.actions, led.disputes, AS_OF,
                   params=CallListParams(collector_emails=EMAILS), contacts=led.contacts)
    books["call_list"] = write_call_list(out / "call_list.xlsx", cl)
    drafts = write_drafts(out / "drafts", cl, led.actions, led.contacts, led.customers, company=COMPANY, since=SINCE)
    return Written(root, books, drafts)


@pytest.fixture(scope="module")
def shown(written: Written) -> dict[str, Workbook]:
    """Each workbook reopened with openpyxl, string cells as Excel shows them."""
    return {book: load_shown(path) for book, path in written.workbooks.items()}


# --- reading a sheet back ---------------------------------------------------------------------

def cells(wb: Workbook) -> list[Cell]:
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


def table(ws: Worksheet) -> list[dict[str, Cell]]:
    """Rows below the header (the first row with more than one value) as ``{header: cell}``."""
    rows = ws.iter_rows()
    for row in rows:
        if sum(c.value is not None for c in row) > 1:
            headers = [c.value for c in row]
            break
    else:
        return []
    return [{h: c for h, c in zip(headers, row) if h is not None} for row in rows]


def by_customer(ws: Worksheet) -> list[tuple[int, dict[str, Cell]]]:
    """``(i, row)`` for each row of customer ``C{i:03d}``."""
    return [(int(r["Code client"].value[1:]), r) for r in table(ws)
            if isinstance(r["Code client"].value, str) and CODE.fullmatch(r["Code client"].value)]


def link_of(text: str) -> str | None:
    """The link a cell must carry: the buyers' clean numbers and addresses only."""
    for i in range(100):
        if is_purchasing(i) and text == buyer_phone(i):
            return "tel:+33" + re.sub(r"\D", "", text)[1:]
        if is_purchasing(i) and text == buyer_email(i):
            return "mailto:" + text
    return None


def check_rows(ws: Worksheet, expected: dict[str, Callable[[int], str]], customers: set[int],
               contains: dict[str, Callable[[int], list[str]]] | None = None) -> None:
    """Each row of ``ws`` is a customer of ``customers`` (all of them present); under each header of
    ``expected`` the cell shows exactly ``expected[header](i)`` (linked only if it is a buyer's
    clean phone or e-mail); under each header of ``contains`` the cell includes each text given."""
    rows = by_customer(ws)
    assert {i for i, _ in rows} == customers, ws.title
    problems = []
    for i, row in rows:
        for header, want in expected.items():
            cell, text = row[header], want(i)
            target = cell.hyperlink.target if cell.hyperlink else None
            if cell.value != text or cell.data_type != "s" or target != link_of(text):
                problems.append(f"{ws.title}!{cell.coordinate} {header} of {cid(i)}: {cell.value!r} "
                                f"({cell.data_type}, link {target!r}), expected {text!r} (link {link_of(text)!r})")
        for header, parts in (contains or {}).items():
            cell = row[header]
            problems += [f"{ws.title}!{cell.coordinate} {header} of {cid(i)}: {part!r} not in {cell.value!r}"
                         for part in parts(i) if part not in str(cell.value)]
    assert not problems, "\n".join(problems)


def first_column(ws: Worksheet) -> set[object]:
    return {next(iter(r.values())).value for r in table(ws)}


# --- every workbook ---------------------------------------------------------------------------

@pytest.mark.parametrize("book", BOOKS)
def test_no_cell_is_a_formula(written: Written, shown: dict[str, Workbook], book: str):
    """No cell of any sheet is a formula (openpyxl and the raw XML agree); the only formulas of the
    files are the drop-down lists' and the type checks' of the call list (data validations, which
    point at the hidden ``Listes`` sheet or hold a constant), and no part links outside the file."""
    wb = shown[book]
    assert [f"{c.parent.title}!{c.coordinate} = {c.value!r}" for c in cells(wb) if c.data_type == "f"] == []
    with zipfile.ZipFile(written.workbooks[book]) as z:
        parts = z.namelist()
        for name in parts:
            if name.startswith("xl/worksheets/sheet"):
                assert not re.search(rb"<f[ >/]", z.read(name)), name
        assert not [n for n in parts if n.startswith(("xl/externalLinks", "xl/connections", "xl/queryTables",
                                                      "xl/vbaProject", "xl/embeddings"))]
        names = re.findall(rb'<definedName name="([^"]+)"[^>]*>([^<]*)<', z.read("xl/workbook.xml"))
        footers = {f for name in parts if name.startswith("xl/worksheets/sheet")
                   for f in re.findall(rb"<oddFooter>([^<]*)<", z.read(name))}
    assert {name for name, _ in names} <= {b"_xlnm._FilterDatabase", b"_xlnm.Print_Titles", b"_xlnm.Print_Area"}
    # the header row repeated on printed pages: a range of rows of its own sheet, nothing else
    titles = [value for name, value in names if name == b"_xlnm.Print_Titles"]
    assert titles and all(re.fullmatch(rb"('([^']|'')+'|[^'!]+)!\$\d+:\$\d+", v) for v in titles), titles
    # the part of a collector's sheet that prints: a range of cells of its own sheet, nothing else
    areas = [value for name, value in names if name == b"_xlnm.Print_Area"]
    assert all(re.fullmatch(rb"('([^']|'')+'|[^'!]+)!\$[A-Z]+\$\d+:\$[A-Z]+\$\d+", v) for v in areas), areas
    assert footers == {b"&amp;L&amp;A&amp;RPage &amp;P / &amp;N"}      # sheet name and page number only
    validations = [f for ws in wb.worksheets for dv in ws.data_validations.dataValidation
                   for f in (dv.formula1, dv.formula2) if f is not None]
    assert all(re.fullmatch(r"Listes!\$[A-C]\$2:\$[A-C]\$\d+|[0-9.]+", f) for f in validations), validations
    assert bool(validations) == (book == "call_list")


@pytest.mark.parametrize("book", BOOKS)
def test_links_are_cell_hyperlinks_to_clean_numbers_and_addresses(written: Written, shown: dict[str, Workbook],
                                                                  book: str):
    """The only links are the call list's ``tel:``/``mailto:`` cell hyperlinks of the buyers' clean
    phones and e-mails: no payload (``javascript:…``, ``file:///…``, ``mailto:…``, ``tel:…``,
    ``\\\\host\\share``, an address followed by ``\\r\\nBcc:``) becomes one."""
    links = {f"{c.parent.title}!{c.coordinate}": (c.value, c.hyperlink.target) for c in cells(shown[book])
             if c.hyperlink}
    for where, (text, target) in links.items():
        assert target == link_of(text), (where, text, target)
        assert TEL.fullmatch(target) or MAILTO.fullmatch(target), (where, target)
    with zipfile.ZipFile(written.workbooks[book]) as z:
        rels = b"".join(z.read(n) for n in z.namelist() if n.endswith(".rels"))
    external = re.findall(rb'<Relationship [^>]*Target="([^"]+)"[^>]*TargetMode="External"', rels)
    assert sorted(t.decode() for t in external) == sorted(target for _, target in links.values())
    if book == "call_list":     # the buyers of the phone and side lists that show a contact
        buyers = {i for i in PHONE_LIST | SMALL | on_list("formal_notice") | on_list("litigation") if is_purchasing(i)}
        assert Counter(text for text, _ in links.values()) == Counter(
            [buyer_phone(i) for i in buyers] + [buyer_email(i) for i in buyers])
    else:
        assert links == {}


@pytest.mark.parametrize("book", ["aged_balance", "provisions", "dso", "call_list"])
def test_each_payload_reads_back_as_a_whole_cell(shown: dict[str, Workbook], book: str):
    """Each of the 100 payloads (a customer name in these workbooks) is a whole text cell, exactly."""
    texts = {c.value for c in cells(shown[book]) if c.data_type == "s"}
    assert [x for x in PAYLOADS if x not in texts] == []


def test_aged_balance(shown: dict[str, Workbook]):
    wb = shown["aged_balance"]
    check_rows(wb["Par client"], {"Raison sociale": p}, set(range(100)))
    check_rows(wb["Détail des pièces"], {"Raison sociale": p, "Recouvreur": collector, "Segment": segment},
               set(range(100)))
    docs = Counter((i, r["N° pièce"].value) for i, r in by_customer(wb["Détail des pièces"]))
    assert docs == Counter((i, d) for i in range(100) for d in documents(i))
    assert first_column(wb["Par recouvreur"]) == {*COLLECTORS, "Total général"}
    assert first_column(wb["Par segment"]) == {*SEGMENTS, "Total général"}


def test_provisions(shown: dict[str, Workbook]):
    wb = shown["provisions"]
    # every customer's document p(i), due 01/06, is 172 days overdue: provisioned; F…-2 (36 days) is not
    check_rows(wb["Pièces provisionnées"], {"Raison sociale": p, "Recouvreur": collector, "N° pièce": p},
               set(range(100)))
    check_rows(wb["Par client"], {"Raison sociale": p}, set(range(100)))
    check_rows(wb["Dotations et reprises"], {"Raison sociale": p}, set(range(100)))
    assert first_column(wb["Par recouvreur"]) == {*COLLECTORS, "Total"}


def test_dso(shown: dict[str, Workbook]):
    wb = shown["dso"]
    check_rows(wb["Par client"], {"Raison sociale": p}, set(range(100)))
    assert first_column(wb["Par recouvreur"]) == set(COLLECTORS)


def test_disputes(shown: dict[str, Workbook]):
    wb = shown["disputes"]
    owner = {"N° pièce": p, "Responsable": lambda i: p(i + 3), "Téléphone responsable": lambda i: p(i + 4),
             "E-mail responsable": lambda i: p(i + 5), "Motif": lambda i: p(i + 6)}
    check_rows(wb["Litiges ouverts"], {"Raison sociale": p, "Recouvreur": collector, **owner}, on_list("disputes"))
    check_rows(wb["Litiges résolus"], owner, on_list("claims"))


def test_legal_figures(shown: dict[str, Workbook]):
    """Every customer's p(i) is late (due 01/06): penalties per invoice and per customer; those whose
    F…-0 was paid during the week (i % 4 == 0) have a payment to invoice."""
    wb = shown["chiffres_legaux"]
    check_rows(wb["Pénalités par facture"], {"Raison sociale": p}, set(range(100)))
    check_rows(wb["Pénalités par client"], {"Raison sociale": p}, set(range(100)))
    paid = {i for i in range(100) if i % 4 == 0}
    check_rows(wb["Règlements en retard"], {"Raison sociale": p}, paid)
    check_rows(wb["À facturer par client"], {"Raison sociale": p}, paid)
    check_rows(wb["Conformité des délais"], {"Raison sociale": p}, set(range(100)))


def test_provision_file(shown: dict[str, Workbook]):
    wb = shown["dossier_provisions"]
    check_rows(wb["Pièces provisionnées"], {"Raison sociale": p, "Recouvreur": collector, "N° pièce": p},
               set(range(100)))
    texts = {c.value for c in cells(wb) if c.data_type == "s"}
    assert [x for x in PAYLOADS if x not in texts] == []


def test_payment_delays_table(shown: dict[str, Workbook]):
    wb = shown["delais_paiement"]
    check_rows(wb["Factures (A)"], {"Raison sociale": p}, set(range(100)))   # disputed: a second invoice
    check_rows(wb["Factures exclues (B)"], {"Raison sociale": p, "N° pièce": p}, on_list("disputes"))
    assert wb["Tableau D441-6"]["A1"].value == COMPANY and wb["Tableau D441-6"]["A1"].data_type == "s"


CONTACT = {"Interlocuteur": lambda i: call_contact(i)[0], "Téléphone": lambda i: call_contact(i)[1],
           "E-mail": lambda i: call_contact(i)[2]}


def test_call_list_phone_lists(shown: dict[str, Workbook]):
    """Each collector's sheet (named after the collector, control characters dropped) lists its
    customers with their name and contact as written; the buyers' clean phones and e-mails are links."""
    wb = shown["call_list"]
    summary = {r["Recouvreur"].value: r["Feuille"].value for r in table(wb["Synthèse"])
               if r["Recouvreur"].value in COLLECTORS}
    assert set(summary) == set(COLLECTORS)
    assert all(len(name) <= 31 and not re.search(r"[\x00-\x1f\x7f\[\]:*?/\\]", name) for name in wb.sheetnames)
    expected = {"Raison sociale": p, **CONTACT}
    contains = {"Autre interlocuteur": lambda i: [p(i + 7), p(i + 1), p(i + 2)] if is_purchasing(i) else [],
                "Dernières actions": lambda i: [p(i + 11)] if group(i) == "calls" and not is_small(i) else []}
    for c, sheet in summary.items():
        check_rows(wb[sheet], expected, {i for i in PHONE_LIST if collector(i) == c}, contains)
    check_rows(wb["Relances par e-mail"], {"Recouvreur": collector, **expected}, SMALL, contains)


def test_call_list_side_lists(shown: dict[str, Workbook]):
    wb = shown["call_list"]
    who = {"Recouvreur": collector, "Raison sociale": p}
    check_rows(wb["Litiges à résoudre"], {**who, "N° pièce": p, "Responsable": lambda i: p(i + 3),
                                          "Téléphone": lambda i: p(i + 4), "E-mail": lambda i: p(i + 5),
                                          "Motif": lambda i: p(i + 6)}, on_list("disputes"))
    check_rows(wb["Mises en demeure"], {**who, **CONTACT, "Lettre": lambda i: f"mise_en_demeure_{cid(i)}.html"},
               on_list("formal_notice"), {"Actions menées": lambda i: [p(i + 11), p(i + 12), p(i + 13)]})
    check_rows(wb["Contentieux"], {**who, **CONTACT}, on_list("litigation"), {"Actions menées": lambda i: [p(i + 11)]})
    check_rows(wb["Créances à déclarer"], {**who, "Interlocuteur": lambda i: call_contact(i)[0]}, on_list("claims"))


# --- e-mail drafts and letters ----------------------------------------------------------------

HEADERS = {"Subject", "To", "From", "Date", "X-Unsent", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"}


def header_text(text: str) -> str:
    """Untrusted text as a draft's ``Subject`` shows it (documented in ``calllist.drafts``)."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).replace("=?", "= ?").strip()


def display_name(text: str) -> str:
    """Untrusted text as a draft's ``To``/``From`` name: also without the RFC 5322 specials."""
    return " ".join(re.sub(r'[()<>\[\]:;@\\,"]', " ", header_text(text)).split())


def body_text(text: str) -> str:
    return re.sub(r"\r\n?", "\n", text)


def test_drafts_written(written: Written):
    d, out = written.drafts, written.root / "reports" / "drafts"

    def named(paths: list[Path]) -> list[str]:
        """File names without the ``_sans_adresse`` mark, which a draft has exactly when it has no ``To:``."""
        for f in paths:
            to = email.message_from_bytes(f.read_bytes(), policy=default_policy)["To"]
            assert (to is None) == f.stem.endswith("_sans_adresse") == (f in d.unaddressed), f.name
        return sorted(f.name.replace("_sans_adresse", "") for f in paths)

    assert named(d.recaps) == sorted(f"recap_{cid(i)}_20261105_1.eml" for i in PHONE_LIST if group(i) == "calls")
    assert named(d.reminders) == sorted(f"relance_{cid(i)}.eml" for i in SMALL)
    assert sorted(f.name for f in d.letters) == sorted(f"mise_en_demeure_{cid(i)}.html"
                                                       for i in on_list("formal_notice"))
    assert all(f.resolve().is_relative_to(out.resolve()) and f.is_file() for f in d.files)


def test_email_drafts_add_no_header(written: Written):
    """A name such as ``Dupont\\r\\nBcc: x@evil.example`` or ``=?utf-8?q?Dupont=0D=0ABcc:…?=`` (as a
    customer name in the subject, a contact name in ``To:``, a collector in ``From:``) adds no
    header: the raw header block has only the headers we write, each once, on folded lines; the
    parsed values hold no control character; ``To:`` is the buyer's clean address or absent."""
    problems = []
    for path in written.drafts.recaps + written.drafts.reminders:
        i = int(re.search(r"_C(\d{3})", path.name).group(1))
        raw = path.read_bytes()
        head, sep, _ = raw.partition(b"\r\n\r\n")
        assert sep and b"\r" not in head.replace(b"\r\n", b"") and b"\n" not in head.replace(b"\r\n", b""), path.name
        names = [line.split(b":", 1)[0].decode() for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")]
        assert set(names) <= HEADERS and len(names) == len(set(names)), (path.name, names)

        msg = email.message_from_bytes(raw, policy=default_policy)
        assert not msg.defects and all(not re.search(r"[\x00-\x1f\x7f]", str(msg[h])) for h in msg), path.name
        sender = msg["From"].addresses
        assert [(a.display_name, a.addr_spec) for a in sender] == [(display_name(collector(i)), EMAILS[collector(i)])]
        if is_purchasing(i):
            to = [(a.display_name, a.addr_spec) for a in msg["To"].addresses]
            if to != [(display_name(p(i + 55)), buyer_email(i))]:
                problems.append(f"{path.name}: To {to}")
        elif "To" in msg:
            problems.append(f"{path.name}: To {msg['To']!r} from the untrusted e-mail {p(i + 2)!r}")
        body = body_text(msg.get_content())
        if path in written.drafts.reminders:
            if str(msg["Subject"]) != header_text(f"Relance : factures échues au 20/11/2026 – {p(i)}"):
                problems.append(f"{path.name}: Subject {str(msg['Subject'])!r}")
            if body_text(p(i)) not in body:                                      # the invoice, in the list
                problems.append(f"{path.name}: {p(i)!r} not in the body")
    assert not problems, "\n".join(problems)


class _Letter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[tuple[str, tuple[tuple[str, str | None], ...]]] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add((tag, tuple(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


TEMPLATE_TAGS = {("html", (("lang", "fr"),)), ("head", ()), ("meta", (("charset", "utf-8"),)), ("title", ()),
                 ("style", ()), ("body", ()), ("p", ()), ("p", (("class", "right"),)), ("br", ()), ("b", ()),
                 ("table", ()), ("tr", ()), ("th", ()), ("td", ()), ("td", (("class", "n"),)),
                 ("td", (("colspan", "2"),)), ("ul", ()), ("li", ())}


def test_letters_escape_every_value(written: Written):
    """The formal-notice letters (HTML) hold only the template's tags and attributes; the customer's
    name and invoice, the collector and the company read back as text, exactly."""
    for path in written.drafts.letters:
        i = int(re.search(r"_C(\d{3})", path.name).group(1))
        letter = _Letter()
        letter.feed(path.read_bytes().decode("utf-8"))
        letter.close()
        assert letter.tags <= TEMPLATE_TAGS, (path.name, letter.tags - TEMPLATE_TAGS)
        text = "".join(letter.text)
        for part in (p(i), collector(i), COMPANY):        # the name (title, address), the invoice, the signature
            assert part in text, (path.name, part)
