"""Names from the ERP never become live HTML in the report: the screen tables and Markdown
headings of the notebooks show them as text (nbconvert keeps raw HTML of Markdown and Styler)."""

from __future__ import annotations

import mistune
import pandas as pd

from relance_analytics.config import Buckets
from relance_analytics.metrics.disputes import dispute_summary
from relance_analytics.report import calllist as rc
from relance_analytics.report.common import markdown_text
from relance_analytics.report.disputes import display_list, highlight_long
from tests.calllist.helpers import customers, items, run
from tests.test_disputes import AS_OF, CASES
from tests.test_disputes import items as dispute_items

HOSTILE = '<img src=x onerror=alert(1)>'
COMMENT = "=1+1<!--"


def test_markdown_text_is_inert_once_rendered():
    for text in (HOSTILE, COMMENT, "[clic](javascript:alert(1))", "# Titre\n* puce", "Dupont & Fils_SARL"):
        rendered = mistune.html(markdown_text(text))
        assert "<img" not in rendered and "<!--" not in rendered and "<a " not in rendered
        assert "<h1" not in rendered and "<li" not in rendered and "<em" not in rendered, rendered
    assert mistune.html(markdown_text("Dupont & Fils_SARL")).strip() == "<p>Dupont &amp; Fils_SARL</p>"
    assert mistune.html(rc.collector_heading(HOSTILE)).startswith("<h3>&lt;img src=x onerror=alert(1)&gt;")


def test_call_list_screen_table_escapes_customer_names():
    it = items(("C1", "FA-1", "2026-10-20", 9000))
    it["customer_name"] = pd.array([HOSTILE + COMMENT], dtype="string")
    html = rc.display_rows(run(it, cust=customers(it)), "Claire Martin").to_html()
    assert "&lt;img src=x onerror=alert(1)&gt;=1+1&lt;!--" in html
    assert "<img" not in html and "<!--" not in html


def test_dispute_screen_table_escapes_owners():
    cases = CASES.assign(owner=pd.array([HOSTILE] * len(CASES), dtype="string"))
    summary = dispute_summary(dispute_items(), cases, AS_OF)
    html = highlight_long(display_list(summary, Buckets()), summary).to_html()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
