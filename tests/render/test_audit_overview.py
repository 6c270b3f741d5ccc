"""The overview page without a browser: its counts are the findings' counts, each agency-year
is counted once in the applications chart, the page loads nothing from outside."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest

from gsnlp_corpus import ROOT

import gsnlp
from gsnlp.check import check_reports
from gsnlp.render.audit_overview import applications_per_year, make_rows, render_overview

REAL = ROOT / "corpora" / "reports" / "real"
DOCS = ["平潭综合实验区_2024.txt", "平潭综合实验区_2024.html", "平潭综合实验区_2023.txt", "上海市人民政府办公厅_2025.md"]


@pytest.fixture(scope="module")
def rows():
    reps = [gsnlp.read(REAL / d) for d in DOCS]
    res = check_reports(reps, rules=["t3", "t4", "st"])
    return make_rows([(r, res.get(r.doc_id, []), r.doc_id + ".html", str(REAL / r.doc_id)) for r in reps])


def test_rule_counts_are_the_findings_counts(rows) -> None:
    html = render_overview(rows)
    want = Counter(f.rule for r in rows for f in r.findings if f.status == "fail")
    table = html.split('id="rules"')[1].split("</table>")[0]
    for m in re.finditer(r'<tr><td class="l">([^<]+)</td><td class="l">[^<]*</td><td>(\d+)</td><td>(\d+)</td>'
                         r"<td>(\d+)</td>", table):
        assert int(m[2]) + int(m[3]) + int(m[4]) == want[m[1]], m[1]
    assert "http://" not in html and "https://" not in html and "<link" not in html and "src=" not in html


def test_applications_per_year_counts_an_agency_year_once(rows) -> None:
    per = {y: v for y, v, _ in applications_per_year(rows)}
    txt = next(r for r in rows if r.report.doc_id == "平潭综合实验区_2024.txt")
    htm = next(r for r in rows if r.report.doc_id == "平潭综合实验区_2024.html")
    assert txt.received is not None and txt.received == htm.received  # one report, two formats
    assert Decimal(str(per["2024"])) == txt.received  # counted once, not twice
