"""The call list of a report run (``calllist.weekly``, ``report.calllist``, ``notebooks/call_list``):
collector filter and capacity overrides, amounts per list, and what ``relance weekly`` publishes
on the sample (workbook, drafts)."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import relance_analytics as ra
from relance_analytics import canonical
from relance_analytics.calllist.weekly import DRAFTS_FOLDER, WORKBOOK_NAME, publish, restrict, weekly_call_list
from relance_analytics.calllist.workbook import DEFERRED_SHEET, LISTS_SHEET, SIDE_SHEETS, SUMMARY_SHEET
from relance_analytics.charts.calllist import amount_per_collector, rows_per_rule
from relance_analytics.context import load_context
from relance_analytics.journal import Journal
from relance_analytics.report import calllist as rc
from relance_analytics.report.collectors import SHEET as PERFORMANCE_SHEET

from .helpers import actions, customers, disputes, items, run

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
LATEST = SAMPLE / "exports" / "balance_2026-11-20.xlsx"
needs_sample = pytest.mark.skipif(not LATEST.is_file(), reason="data/sample not generated")

# Claire Martin: A first reminder (1 500 €), D first reminder on FA-D2 (800 €) with FA-D1 (1 200 €)
# disputed, S first reminder below the small amount (50 € < 100 €), B in liquidation (2 000 €).
# Julien Petit: L with two broken promises and no formal notice yet (R8: formal-notice list and
# litigation list at once).
ITEMS = items(("A", "FA-A", "2026-11-10", 1500), ("B", "FA-B", "2026-10-01", 2000), ("D", "FA-D1", "2026-11-10", 1200),
              ("D", "FA-D2", "2026-11-12", 800), ("S", "FA-S", "2026-11-10", 50), ("L", "FA-L", "2026-09-01", 3000))
CUSTOMERS = customers(ITEMS, status={"B": "liquidation"}, collectors={"L": "Julien Petit"})
ACTIONS = actions(
    {"date": "2026-10-01", "customer_id": "L", "outcome": "promise", "promise_amount": 3000,
     "promise_date": "2026-10-10"},
    {"date": "2026-10-20", "customer_id": "L", "outcome": "promise", "promise_amount": 3000,
     "promise_date": "2026-10-30"})
DISPUTES = disputes({"customer_id": "D", "document_id": "FA-D1", "amount": 1200, "opened": "2026-11-15"})


@pytest.fixture(scope="module")
def tiny():
    return run(ITEMS, ACTIONS, DISPUTES, cust=CUSTOMERS)


def test_amounts_by_list_count_each_customer_once(tiny):
    amounts = rc.amounts_by_list(tiny)
    assert amounts.to_dict("index") == {
        # calls: A 150 000 + D 80 000 (FA-D2 only); deferred: S 5 000; disputes: FA-D1 120 000; claims: B 200 000
        "Claire Martin": {"calls": 230_000, "deferred": 5_000, "disputes": 120_000, "formal_notices": 0,
                          "litigation": 0, "claims": 200_000},
        # L is on both escalation lists: counted once, under litigation
        "Julien Petit": {"calls": 0, "deferred": 0, "disputes": 0, "formal_notices": 0, "litigation": 300_000,
                         "claims": 0},
    }
    assert list(tiny.formal_notices["customer_id"]) == ["L"] and list(tiny.litigation["customer_id"]) == ["L"]


def test_restrict_keeps_the_collectors_lists_and_reasons(tiny):
    assert restrict(tiny, None) is tiny
    julien = restrict(tiny, "Julien Petit")
    assert julien.collectors == ["Julien Petit"]
    assert julien.rows.empty and julien.deferred.empty and julien.disputes.empty and julien.claims.empty
    assert list(julien.litigation["customer_id"]) == ["L"]
    assert set(julien.reasons["cid"]) == {"L"}
    assert julien.reason_counts.index.tolist() == ["R1", "R4", "R8"]
    claire = restrict(tiny, ["Claire Martin"])
    assert sorted(claire.rows["customer_id"]) == ["A", "D"] and set(claire.reasons["cid"]) == {"A", "B", "D", "S"}


def test_screen_tables_use_the_workbook_headers(tiny):
    rows = rc.display_rows(tiny, "Claire Martin").data
    assert list(rows.columns[:4]) == ["Rang", "Code client", "Raison sociale", "Motifs"]
    assert rows["Montant net dû"].tolist() == ["1\u202f500,00\u00a0€", "800,00\u00a0€"]
    claims = rc.display_side(tiny, "claims").data
    assert claims["Créance à déclarer TTC"].tolist() == ["2\u202f000,00\u00a0€"]
    summary = rc.display_summary(tiny)
    assert summary.loc["Total", "Appels"] == 2 and summary.loc["Total", "Créances à déclarer"] == 1


def test_charts(tiny):
    rules = rows_per_rule(tiny, "Lignes par règle")
    assert [t.name for t in rules.data] == ["appels", "reportées", "litiges", "mises en demeure", "contentieux",
                                            "créances à déclarer"]
    assert dict(zip(rules.data[0].x, rules.data[0].y))["R3 première relance"] == 2        # A and D
    amounts = amount_per_collector(rc.amounts_by_list(tiny), "Montants")
    assert [t.name for t in amounts.data] == ["À appeler", "Relances par e-mail / lettrage", "Litiges à résoudre",
                                              "Contentieux", "Créances à déclarer"]        # no formal notice alone
    assert list(amounts.data[0].y) == [2300.0, 0.0]                                       # euros


@pytest.fixture(scope="module")
def sample_ctx(tmp_path_factory: pytest.TempPathFactory):
    """The sample's latest week in a workspace with that one snapshot and an empty journal."""
    root = tmp_path_factory.mktemp("calllist")
    ra.ingest_file(LATEST, ra.SnapshotStore(root / "ws"), force=True)
    return load_context(SAMPLE, root / "ws", None, root / "out")


@needs_sample
def test_unknown_collector_names_are_errors(sample_ctx):
    with pytest.raises(ValueError,
                       match=r"collectors : recouvreur\(s\) inconnu\(s\) 'Claire Martn' ; .*'Claire Martin'"):
        weekly_call_list(sample_ctx, ["Claire Martn"])
    with pytest.raises(ValueError, match=r"capacities : recouvreur\(s\) inconnu\(s\) 'Julien'"):
        weekly_call_list(sample_ctx, capacities={"Julien": 3})


@needs_sample
def test_collector_filter_and_capacity_override(sample_ctx, tmp_path: Path):
    roomy = weekly_call_list(sample_ctx, "Claire Martin", {"Claire Martin": 1000}).call_list
    n = len(roomy.rows)                         # every row she could call today
    assert n > 3 and roomy.cut_counts.to_dict() == {"Claire Martin": 0}
    weekly = weekly_call_list(sample_ctx, "Claire Martin", {"Claire Martin": 3})
    cl = weekly.call_list
    assert cl.collectors == ["Claire Martin"] and set(cl.rows["collector"]) == {"Claire Martin"}
    assert list(cl.rows["rank"]) == [1, 2, 3]
    assert cl.cut_counts.to_dict() == {"Claire Martin": n - 3}       # cut, counted, kept in deferred
    assert list(cl.rows["customer_id"]) == list(roomy.rows["customer_id"][:3])
    text = rc.headline(weekly)
    assert "recouvreur(s) : Claire Martin : 3 clients à appeler" in text
    assert f"{n - 3} lignes coupées par la capacité" in text
    assert "Le journal des actions est vide" in text              # nothing imported in this workspace

    published = publish(weekly, tmp_path)
    assert published.workbook == tmp_path / WORKBOOK_NAME
    sheets = openpyxl.load_workbook(published.workbook, read_only=True).sheetnames
    assert sheets == [SUMMARY_SHEET, "Claire Martin", DEFERRED_SHEET, *SIDE_SHEETS.values(), LISTS_SHEET]
    reminders = sorted(p.parent.name for p in published.drafts.reminders)
    assert reminders and set(reminders) == {"Claire_Martin"}         # the cut rows get an e-mail, hers only
    assert all(p.is_relative_to(tmp_path / DRAFTS_FOLDER) for p in published.drafts.files)


@pytest.mark.slow
@needs_sample
def test_weekly_run_publishes_the_call_list(sample_report):
    report_dir, data = sample_report
    wb = openpyxl.load_workbook(report_dir / WORKBOOK_NAME, read_only=True)
    collectors = sorted(set(canonical.read_customers(data / "customers.xlsx")["collector"].dropna()))
    assert wb.sheetnames == [SUMMARY_SHEET, *collectors, DEFERRED_SHEET, *SIDE_SHEETS.values(), PERFORMANCE_SHEET,
                             LISTS_SHEET]
    for name in collectors:
        rows = list(wb[name].iter_rows(values_only=True))
        header, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r)]
        assert body, f"no row to call for {name}"
        reasons = [r[header.index("Motifs")] for r in body]
        assert all(isinstance(t, str) and t.startswith("R") for t in reasons), name
        assert [r[header.index("Rang")] for r in body] == list(range(1, len(body) + 1))
    for title in SIDE_SHEETS.values():
        assert wb[title].max_row > 1, f"side list {title!r} is empty"

    emails = sorted((report_dir / DRAFTS_FOLDER / "emails").rglob("*.eml"))
    assert emails
    contacts = canonical.read_contacts(data / "customers.xlsx")
    reachable = set(contacts.loc[contacts["email"].notna().to_numpy(), "customer_id"].astype(str))
    addressed = 0
    for path in emails:                          # recap_<customer>_<date>_<n>.eml, relance_<customer>.eml
        customer = path.stem.split("_")[1]
        assert path.parent.parent.name == "emails" and path.parent.name in {c.replace(" ", "_") for c in collectors}
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert msg["Subject"] and msg["X-Unsent"] == "1" and msg.get_content().strip()
        if customer in reachable:                # addressed to the customer's contact
            assert "@" in msg["To"], path.name
            addressed += 1
        else:                                    # no contact on file (R11 flags it): left for the collector to address
            assert msg["To"] is None, path.name
    assert addressed >= len(emails) * 0.9
    letters = sorted((report_dir / DRAFTS_FOLDER / "mises_en_demeure").glob("*.html"))
    assert len(letters) == wb[SIDE_SHEETS["formal_notices"]].max_row - 1

    # the weekly run fed the journal with actions.xlsx, once
    with Journal.open(report_dir.parent.parent / "ws") as journal:
        assert len(journal) == len(canonical.read_actions(data / "actions.xlsx"))
        assert journal.import_file(data / "actions.xlsx") == 0


@pytest.mark.slow
@needs_sample
def test_performance_sheet_counts_the_journal_calls(sample_report):
    """The collectors' performance sheet of call_list.xlsx: the last four weeks of every collector,
    each week's calls equal to the phone actions of actions.xlsx counted here from the file."""
    report_dir, data = sample_report
    rows = list(openpyxl.load_workbook(report_dir / WORKBOOK_NAME, read_only=True)[PERFORMANCE_SHEET]
                .iter_rows(values_only=True))
    header = rows[2]                                     # title, blank row, header
    body = [dict(zip(header, r)) for r in rows[3:] if r[0] not in (None, "Total")]
    total = next(dict(zip(header, r)) for r in rows[3:] if r[0] == "Total")
    collectors = sorted(set(canonical.read_customers(data / "customers.xlsx")["collector"].dropna()))
    weeks = sorted({r["au"] for r in body})
    assert len(weeks) == 4 and sorted({r["Recouvreur"] for r in body}) == collectors
    assert len(body) == 4 * len(collectors)
    acts = canonical.read_actions(data / "actions.xlsx")
    phone = acts[acts["channel"].eq("phone").to_numpy()]
    for r in body:
        start, end = pd.Timestamp(r["Semaine du"]), pd.Timestamp(r["au"])
        assert end - start == pd.Timedelta(days=6)
        mine = phone[phone["collector"].eq(r["Recouvreur"]).to_numpy()
                     & phone["date"].between(start, end).to_numpy()]
        assert r["Appels"] == len(mine), r
        promised = mine[mine["outcome"].eq("promise").to_numpy()]["promise_amount_cents"].fillna(0).sum()
        assert round(r["Montant promis"] * 100) >= promised         # other channels' promises count too
    assert total["Appels"] == sum(r["Appels"] for r in body) > 0
