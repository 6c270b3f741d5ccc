"""Headings by meaning: reworded, renumbered, restarted or split sections, a covering letter,
crawler chrome. Built from a real in-sample report (not a devtest one) with its headings changed
the way unseen reports write them (issue 13)."""

from __future__ import annotations

import pytest

import gsnlp
from gsnlp.segment.sections import SECTION_IDS, find_sections
from gsnlp.template.sections import SECTION_HEADINGS, subtopic_of_title
from gsnlp_corpus import corpus_file

BASE = "平潭综合实验区公安局_2021.txt"  # in-sample (corpora/devtest.txt does not list it)


def _text() -> str:
    return corpus_file(BASE).read_text(encoding="utf-8")


def _with(old: str, new: str) -> gsnlp.Report:
    t = _text()
    assert t.count(old) == 1
    return gsnlp.parse_text(t.replace(old, new))


@pytest.mark.parametrize(("sid", "heading"), [
    ("problems", "五、存在的主要问题及明年工作计划"),
    ("problems", "五、存在的问题和改进措施"),
    ("problems", "五、政府信息公开工作存在的主要问题及改进情况"),
    ("problems", "五、存在的主要问题及下一步工作打算"),
    ("other_matters", "六、需要说明的其他事项与附表"),
    ("other_matters", "六、其他需报告的事项"),
    ("other_matters", "六、其它需要报告的事项"),
    ("review_litigation", "四、政府信息公开行政复议与行政诉讼情况"),
    ("review_litigation", "四、因政府信息公开申请行政复议、提起行政诉讼情况"),
    ("applications", "三、依申请公开政府信息情况"),
    ("overview", "一、工作概况"),
])
def test_reworded_heading_is_found_by_meaning(sid: str, heading: str) -> None:
    r = _with(SECTION_HEADINGS[sid], heading)
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    s = r.section(sid)
    assert s is not None and s.origin == "heading"
    assert r.text[s.start : s.body_start] == heading


def test_seven_top_level_parts_with_a_fee_table_as_section_five() -> None:
    t = _text()
    t = t.replace("五、存在的主要问题及改进情况", "五、政府信息公开收费及减免情况本年度未收取任何费用。六、存在的主要问题及改进情况")
    t = t.replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    r = gsnlp.parse_text(t)
    ids = [s.id for s in r.sections]
    assert ids == ["overview", "active_disclosure", "applications", "review_litigation", "extra", "problems",
                   "other_matters"]
    assert r.section("problems").number == "六" and r.section("other_matters").number == "七"
    assert "收费" not in r.section_text("problems")


def test_renumbered_sections_with_the_narratives_own_numbers_before_them() -> None:
    t = _text()
    i = t.index("（二）工作机制更完善")
    t = t[:i] + "二、强化组织领导。我局成立领导小组。三、完善工作制度。我局修订制度三项。" + t[i:]
    for k, n in zip(SECTION_IDS[1:], "四五六七八"):
        h = SECTION_HEADINGS[k]
        t = t.replace(h, n + h[1:])
    r = gsnlp.parse_text(t)
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    assert r.section("applications").number == "五"
    assert "强化组织领导" in r.section_text("overview")  # the narrative's 二、三、 stay in 总体情况


def test_covering_letter_around_the_report() -> None:
    t = _text()
    i = t.index("根据《中华人民共和国政府信息公开条例》")
    letter = ("关于报送平潭综合实验区公安局2021年政府信息公开工作年度报告的函\n区政务公开办：\n"
              "现将我局2021年政府信息公开工作年度报告报送你们，请审阅。\n")
    r = gsnlp.parse_text(t[:i] + letter + t[i:] + "\n联系人：林某，电话：0591-12345678\n")
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    assert r.sections[0].start > t.index("根据《中华人民共和国") + len(letter) - 5


def test_word_style_sheet_junk_is_a_region() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区君山片区管理局_2021.txt"))
    last = r.sections[-1]
    assert "mso-" not in r.text[last.start : last.end]
    assert r.text[last.start : last.end].rstrip().endswith("2022年1月7日")


@pytest.mark.parametrize(("title", "topic"), [
    ("主动公开情况", "active"), ("依申请公开情况", "on_request"), ("政府信息管理。2023年", "management"),
    ("政府信息公开平台建设", "platforms"), ("监督保障", "oversight"), ("责任落实更严格", None),
])
def test_subtopic_of_a_sub_heading(title: str, topic: str | None) -> None:
    assert subtopic_of_title(title) == topic


def test_find_sections_without_regions_keeps_offsets() -> None:
    t = _text()
    secs, _ = find_sections(t)
    for s in secs:
        assert 0 <= s.start <= s.body_start <= s.end <= len(t)


def test_promoted_sub_topics_before_renumbered_template_headings_stay_in_the_overview() -> None:
    # the narrative's own 二、主动公开情况 三、依申请公开情况, then the template parts numbered 四 … 八
    t = _text()
    i = t.index("（二）工作机制更完善")
    t = t[:i] + "二、主动公开情况。全年主动公开信息184条。三、依申请公开情况。全年收到申请1件。" + t[i:]
    for k, n in zip(SECTION_IDS[1:], "四五六七八"):
        t = t.replace(SECTION_HEADINGS[k], n + SECTION_HEADINGS[k][1:])
    r = gsnlp.parse_text(t)
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    assert r.section("active_disclosure").number == "四"
    assert r.section("applications").number == "五"
    assert "全年收到申请1件" in r.section_text("overview")
