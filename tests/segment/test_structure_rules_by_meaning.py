"""st.sections, st.problems_substantive and st.fee_statement judge content, not wording: an
unusual or missing heading over content that is there is no finding; content really missing is."""

from __future__ import annotations

from pathlib import Path

import pytest

import gsnlp
from gsnlp.check import check_report
from gsnlp.template.sections import SECTION_HEADINGS
from gsnlp_corpus import ROOT, corpus_file

BASE = "平潭综合实验区公安局_2021.txt"  # in-sample
RULES = ["st.sections", "st.problems_substantive", "st.fee_statement"]


def _check(text: str) -> dict[str, object]:
    out = check_report(gsnlp.parse_text(text), rules=RULES)
    return {f.rule.split(".v")[0]: f for f in out}


def _text() -> str:
    return corpus_file(BASE).read_text(encoding="utf-8")


@pytest.mark.parametrize(("old", "new"), [
    ("五、存在的主要问题及改进情况", "五、存在的主要问题及明年工作计划"),
    ("五、存在的主要问题及改进情况", "五、存在的问题和改进措施"),
    ("六、其他需要报告的事项", "六、需要说明的其他事项与附表"),
    ("六、其他需要报告的事项", "六、其他需报告的事项"),
    ("五、存在的主要问题及改进情况", "五、政府信息公开收费及减免情况本年度未收取费用。六、存在的主要问题及改进情况"),
])
def test_unusual_heading_is_no_finding(old: str, new: str) -> None:
    t = _text().replace(old, new)
    if "收费及减免" in new:
        t = t.replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    got = _check(t)
    assert all(f.status == "pass" for f in got.values()), {k: f.message for k, f in got.items()}


@pytest.mark.parametrize("sid", ["active_disclosure", "problems", "other_matters"])
def test_missing_heading_over_present_content_is_no_finding(sid: str) -> None:
    got = _check(_text().replace(SECTION_HEADINGS[sid], ""))
    assert all(f.status == "pass" for f in got.values()), {k: f.message for k, f in got.items()}
    assert "没有标题" in got["st.sections"].message


def test_problems_really_missing_is_a_finding() -> None:
    t = _text()
    a = t.index("五、存在的主要问题及改进情况")
    b = t.index("六、其他需要报告的事项")
    got = _check(t[:a] + t[b:])
    assert got["st.sections"].status == "fail"
    assert got["st.problems_substantive"].status == "fail"


def test_fee_statement_outside_a_section_six_passes() -> None:
    t = _text()
    b = t.index("六、其他需要报告的事项")
    # section 六 gone, its statement moved to the end of 五
    body = t[b + len("六、其他需要报告的事项"):]
    got = _check(t[:b] + body)
    assert got["st.fee_statement"].status == "pass"


def test_devtest_has_no_structure_finding_from_headings() -> None:
    names = (ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").split()
    for n in names:
        out = check_report(gsnlp.read(corpus_file(n)), rules=RULES)
        bad = [f for f in out if f.status == "fail" and f.origin != "source"]
        assert not bad, (n, [f.message for f in bad])
        for f in out:
            if f.status == "fail":  # a fail must be about content: the body is there but says nothing
                assert f.rule.startswith(("st.problems_substantive", "st.fee_statement")), (n, f.message)


def test_report_paths_exist() -> None:
    assert Path(corpus_file(BASE)).exists()
