"""The heading rules behind the robustness of the checks, on small texts: titles by their words,
other numbering styles only where they number the top level, sub-headings never promoted."""

from __future__ import annotations

import pytest

from gsnlp.segment.sections import SECTION_IDS, find_sections
from gsnlp.template.sections import SECTIONS

BODY = {
    "overview": "2023年，本局认真贯彻落实《条例》，全年主动公开政府信息120条。",
    "active_disclosure": "第二十条第（一）项 信息内容 本年制发件数 规章 0 行政规范性文件 3",
    "applications": "本年新收政府信息公开申请数量 5 上年结转 0 予以公开 3 结转下年度继续办理 0",
    "review_litigation": "行政复议 结果维持 0 结果纠正 0 总计 0 行政诉讼 0",
    "problems": "一是公开内容不够全面；二是解读形式单一。下一步，本局将加强培训，提升质量。",
    "other_matters": "本年度未收取信息处理费。",
}
TITLE = {s.id: s.title for s in SECTIONS}


def _doc(heads: dict[str, str], sep: str = "\n") -> str:
    return "XX局2023年政府信息公开工作年度报告\n" + "".join(f"{heads[sid]}{sep}{BODY[sid]}\n" for sid in SECTION_IDS)


def _found(text: str) -> list[tuple[str, str]]:
    secs, _ = find_sections(text)
    return [(s.id, text[s.start:s.body_start].strip()) for s in secs]


@pytest.mark.parametrize(("sid", "title"), [
    ("overview", "政府信息公开工作基本情况"), ("overview", "全年工作概况"), ("overview", "年度工作综述"),
    ("overview", "总体工作开展情况"),
    ("active_disclosure", "主动公开工作开展情况"), ("active_disclosure", "主动公开政府信息的基本情况"),
    ("active_disclosure", "主动公开政府信息数据"),
    ("applications", "依申请公开办理情况"), ("applications", "政府信息公开申请的收到和处理情况"),
    ("applications", "办理政府信息公开申请情况"),
    ("review_litigation", "行政复议、诉讼情况"), ("review_litigation", "政府信息公开复议诉讼情况"),
    ("review_litigation", "因政府信息公开被申请行政复议、提起行政诉讼的情况"),
    ("problems", "存在的不足和改进方向"), ("problems", "问题与改进"), ("problems", "存在问题和下一步工作安排"),
    ("problems", "工作中存在的问题和不足及改进措施"),
    ("other_matters", "其他事项"), ("other_matters", "其他有关事项"), ("other_matters", "需要说明的事项"),
])
def test_title_is_found_by_its_words(sid: str, title: str) -> None:
    num = "一二三四五六"[SECTION_IDS.index(sid)]
    heads = {k: f"{'一二三四五六'[i]}、{TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads[sid] = f"{num}、{title}"
    assert _found(_doc(heads)) == [(k, heads[k]) for k in SECTION_IDS]


@pytest.mark.parametrize("title", ["主动公开情况良好", "加强政府信息管理"])
def test_a_title_of_another_section_is_not_overview(title: str) -> None:
    """总体情况's wordings name none of the other sections' words."""
    heads = {k: f"{'一二三四五六'[i]}、{TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads["overview"] = f"一、{title}"
    ids = [sid for sid, _ in _found(_doc(heads))]
    assert "overview" not in ids


@pytest.mark.parametrize("fmt", ["（{cn}）{t}", "{n}.{t}", "{n}、{t}", "第{cn}部分 {t}", "{fw}．{t}"])
def test_other_numbering_styles_number_the_top_level(fmt: str) -> None:
    heads = {k: fmt.format(cn="一二三四五六"[i], n=i + 1, fw="１２３４５６"[i], t=TITLE[k])
             for i, k in enumerate(SECTION_IDS)}
    secs, notices = find_sections(_doc(heads))
    assert [s.id for s in secs] == list(SECTION_IDS)
    assert [s.number for s in secs] == list("一二三四五六")  # the number's value, as the template numbers it
    assert not [n for n in notices if n.code in ("sections.numbering", "sections.number_doubled")]
    assert [n.severity for n in notices if n.code == "sections.heading_style"] == ["info"]  # said, not blamed


def test_paren_sub_headings_inside_overview_are_not_top_level() -> None:
    """Top level in （一） style, 总体情况 with its own （一）主动公开（二）依申请公开: the sub-headings
    are numbered as no template section is, so they stay in 总体情况."""
    heads = {k: f"（{'一二三四五六'[i]}）{TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads["overview"] += "\n（一）主动公开情况\n本年主动公开信息。\n（二）依申请公开情况\n本年收到申请5件。"
    assert _found(_doc(heads)) == [(k, heads[k].split("\n")[0]) for k in SECTION_IDS]


def test_sub_headings_do_not_replace_a_missing_numbered_heading() -> None:
    """一、 headings with one of them unreadable: the numbered style stays; a （二）依申请公开情况
    sub-heading inside 总体情况 is not taken for section 三."""
    heads = {k: f"{'一二三四五六'[i]}、{TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads["overview"] += "\n（一）主动公开情况\n本年主动公开信息。\n（二）依申请公开情况\n本年收到申请5件。"
    heads["other_matters"] = "六、附则"
    found = _found(_doc(heads))
    assert [sid for sid, _ in found] == list(SECTION_IDS[:5])
    assert dict(found)["applications"] == "三、收到和处理政府信息公开申请情况"


@pytest.mark.parametrize(("heading", "sid"), [
    ("一、\n总体情况", "overview"), ("五、存在的主要问题\n及改进情况", "problems"),
    ("二、主动公开\n政府信息情况", "active_disclosure"), ("一、总 体 情 况", "overview"),
])
def test_heading_broken_or_spaced_is_found(heading: str, sid: str) -> None:
    heads = {k: f"{'一二三四五六'[i]}、{TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads[sid] = heading
    text = _doc(heads)
    secs, _ = find_sections(text)
    s = next(s for s in secs if s.id == sid)
    assert text[s.start:s.body_start].strip() == heading
    assert [s.id for s in secs] == list(SECTION_IDS)


def test_unnumbered_template_titles_run_into_text() -> None:
    """Crawler text without numbers or line breaks: the template's own titles after a sentence end."""
    text = "XX局2023年政府信息公开工作年度报告。" + "".join(f"{TITLE[k]}{BODY[k]}" for k in SECTION_IDS)
    assert [sid for sid, _ in _found(text)] == list(SECTION_IDS)


def test_unnumbered_titles_never_override_numbered_headings() -> None:
    heads = {k: f"{'一二三四五六'[i]}、 {TITLE[k]}" for i, k in enumerate(SECTION_IDS)}
    heads["problems"] = "五、附表"  # 五 unreadable: the fallback must keep the numbered headings
    found = _found(_doc(heads))
    assert [h for _, h in found] == [heads[k] for k in SECTION_IDS if k != "problems"]


@pytest.mark.parametrize("line", ["申请人情况", "其他对外管理服务事项", "政府信息公开申请情况"])
def test_a_table_line_with_title_words_is_no_heading(line: str) -> None:
    """Titles matched by their words need a heading number: a table's own lines carry the words
    too (seen with every heading of a report blanked, experiments/sections)."""
    text = "XX局2023年政府信息公开工作年度报告\n本局全年工作稳步推进。\n" + line + "\n自然人 3 商业企业 0\n"
    assert _found(text) == []


def test_the_same_words_after_a_number_are_a_heading() -> None:
    text = "XX局2023年政府信息公开工作年度报告\n本局全年工作稳步推进。\n三、政府信息公开申请情况\n自然人 3 商业企业 0\n"
    assert _found(text) == [("applications", "三、政府信息公开申请情况")]
