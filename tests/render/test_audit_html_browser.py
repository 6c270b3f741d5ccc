"""The auditor's HTML report in real headless Chromium: every failing finding's evidence is
highlighted, its links bring the evidence into view, and the page loads nothing from outside."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from gsnlp_corpus import load_cdp

from gsnlp.check import check_reports
from gsnlp.check.testing import gold_report
from gsnlp.render.audit_html import page_name, write_audit

ROOT = Path(__file__).resolve().parents[2]
DOCS = ["淮安市洪泽区人民政府_2024.pdf", "淮安市洪泽区人民政府_2023.pdf", "平潭综合实验区_2020.txt"]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("audit")
    reports = [gold_report(d) for d in DOCS]
    write_audit(reports, check_reports(reports), out)
    return out


@pytest.fixture(scope="module")
def browser():
    cdp = load_cdp()
    if cdp.find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    b = cdp.Browser(1280, 900)
    yield b
    b.close()


FAILING_EVIDENCE_JS = r"""
(() => {
  const out = [];
  for (const li of document.querySelectorAll('li.finding[data-status="fail"]')) {
    for (const a of li.querySelectorAll('a.ev-link')) {
      const id = decodeURIComponent(a.getAttribute('href').slice(1));
      const el = document.getElementById(id);
      let marked = false, back = false;
      if (el && el.tagName === 'TD') {
        const bg = getComputedStyle(el).backgroundColor;
        marked = (el.classList.contains('fail') || el.classList.contains('warn') || el.classList.contains('ev'))
                 && bg !== 'rgba(0, 0, 0, 0)' && bg !== 'rgb(255, 255, 255)';
        back = !!el.querySelector('a[href="#' + li.id + '"]');
      } else if (el) {
        const marks = [...document.querySelectorAll('mark.ev')].filter(m => m.dataset.spans.split(' ').includes(id));
        marked = marks.length > 0 && marks.every(m => getComputedStyle(m).backgroundColor !== 'rgba(0, 0, 0, 0)');
        back = !!document.querySelector('.back a[href="#' + li.id + '"]');
      }
      out.push({finding: li.id, rule: li.dataset.rule, target: id, exists: !!el, marked, back});
    }
  }
  return out;
})()
"""

CLICK_JS = r"""
(async (fid, k) => {
  window.scrollTo(0, 0);
  const a = document.querySelectorAll('#' + fid + ' a.ev-link')[k];
  a.click();
  await new Promise(r => setTimeout(r, 150));
  const el = document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
  const target = el.tagName === 'TD' ? el : (el.nextElementSibling || el);
  const r = target.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, h: window.innerHeight, hash: location.hash};
})
"""


@pytest.mark.parametrize("doc", DOCS)
def test_every_failing_finding_has_highlighted_linked_evidence(pages, browser, doc) -> None:
    browser.goto(pages / page_name(doc))
    n_fail = browser.eval("document.querySelectorAll('li.finding[data-status=\"fail\"]').length")
    assert n_fail > 0
    rows = browser.eval(FAILING_EVIDENCE_JS)
    with_ev = {r["finding"] for r in rows}
    # every failing finding that has evidence in this report shows it
    assert rows, "no evidence links"
    for r in rows:
        assert r["exists"], r
        assert r["marked"], r
        assert r["back"], r
    assert len(with_ev) >= 1


@pytest.mark.parametrize("doc", DOCS[:2])
def test_evidence_links_bring_the_evidence_into_view(pages, browser, doc) -> None:
    browser.goto(pages / page_name(doc))
    rows = browser.eval(FAILING_EVIDENCE_JS)
    seen = {}
    for r in rows:
        seen.setdefault(r["finding"], 0)
        k = seen[r["finding"]]
        seen[r["finding"]] += 1
        if k > 1:
            continue  # two links per finding are enough
        res = browser.eval(f"({CLICK_JS})('{r['finding']}', {k})")
        assert res["hash"] == "#" + r["target"]
        assert 0 <= res["top"] < res["h"] and res["bottom"] > 0, (r, res)


def test_page_is_self_contained(pages, browser) -> None:
    browser.goto(pages / page_name(DOCS[0]))
    assert browser.eval("performance.getEntriesByType('resource').length") == 0
    html = (pages / page_name(DOCS[0])).read_text(encoding="utf-8")
    assert "http://" not in html.split("<main>")[0] and 'src="http' not in html and "<link" not in html


def test_index_lists_reports_by_failures(pages, browser) -> None:
    browser.goto(pages / "index.html")
    docs = browser.eval("[...document.querySelectorAll('#reports tbody tr td:first-child a')].map(a => a.textContent)")
    assert set(docs) == set(DOCS)
    errors = browser.eval("[...document.querySelectorAll('#reports tbody tr')].map(r => +r.children[5].textContent)")
    assert errors == sorted(errors, reverse=True)


def test_screenshot_artefact(pages, browser, tmp_path) -> None:
    browser.goto(pages / page_name(DOCS[1]))
    out_dir = Path(os.environ.get("GSNLP_TEST_ARTIFACTS", tmp_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    shot = browser.screenshot(out_dir / "audit_html_hongze_2023.png")
    assert shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
