from __future__ import annotations

import pytest
from gsnlp_corpus import corpus_file

from gsnlp.themes.segment import clean, section_parts, split_clauses
from gsnlp.themes.source import load_report, trim_body


def _texts(text: str) -> list[str]:
    return [c.text for c in split_clauses(text, 0, len(text))]


def test_split_clauses_list_items_and_semicolons() -> None:
    text = "仍存在短板：一是政策解读多样性需进一步加强。二是依申请办件质量需进一步提升；三是联系群众工作需要进一步巩固。"
    assert _texts(text) == ["仍存在短板：", "一是政策解读多样性需进一步加强。", "二是依申请办件质量需进一步提升；",
                            "三是联系群众工作需要进一步巩固。"]


def test_split_clauses_subheading_run_into_items() -> None:
    got = _texts("（三）进一步规范政府信息公开行为1、加强信息公开培训指导工作。2、规范政府信息公开行为，切实履行公开责任。")
    assert got[0] == "（三）进一步规范政府信息公开行为"
    assert got[1].startswith("1、加强") and got[2].startswith("2、规范")


def test_split_clauses_framing_before_first_item_after_comma() -> None:
    # 财政金融局_2020: the framing clause ends with a comma and runs into 一是
    got = _texts("2021年，我局将坚持部署要求，补短板、强弱项，一是坚持公开为常态；二是拓宽公开载体和渠道。")
    assert got == ["2021年，我局将坚持部署要求，补短板、强弱项，", "一是坚持公开为常态；", "二是拓宽公开载体和渠道。"]


def test_split_clauses_items_joined_by_commas() -> None:
    got = _texts("一是政府信息公开的覆盖面还不够广，二是内设处室政府信息公开的主动性不够。")
    assert got == ["一是政府信息公开的覆盖面还不够广，", "二是内设处室政府信息公开的主动性不够。"]


def test_split_clauses_heading_run_into_yishi_item() -> None:
    got = _texts("（一） 提高对政府信息公开的认识一是按照要求，完善目录；二是强化宣传解读。")
    assert got[0] == "（一） 提高对政府信息公开的认识" and got[1].startswith("一是按照")


@pytest.mark.parametrize("text,expected", [
    ("1、加强培训。2加强宣传，提升意识。", ["1、加强培训。", "2加强宣传，提升意识。"]),  # marker without 、
    ("1、加强培训。3个部门参与。", ["1、加强培训。", "3个部门参与。"]),  # a quantity, not a marker
    ("1. 细化目录，增加解读，2. 优化机制。", ["1. 细化目录，增加解读，", "2. 优化机制。"]),  # 2. after a comma
])
def test_split_clauses_malformed_numeric_markers(text: str, expected: list[str]) -> None:
    assert _texts(text) == expected


def test_split_clauses_bare_number_needs_the_previous_number() -> None:
    # "2加强" without a "1" before it is not a marker
    assert _texts("目前仍有不足。2加强宣传。") == ["目前仍有不足。", "2加强宣传。"]
    assert len(_texts("目前仍有不足，2加强宣传。")) == 1


@pytest.mark.parametrize("text,first", [
    ("（二）下一步改进措施针对上述问题，我局将严格按规定。", "（二）下一步改进措施"),
    ("（一）工作中存在主要问题\n和困难目前，我局仍有不足。", "（一）工作中存在主要问题\n和困难"),
    ("（一）2024 年工作中存在问题\n的改进情况针对 2024 年工作中存在的主要问题，重点采取如下改进措施。",
     "（一）2024 年工作中存在问题\n的改进情况"),
])
def test_split_clauses_subheading_is_its_own_clause(text: str, first: str) -> None:
    assert _texts(text)[0] == first


def test_split_clauses_offsets_point_into_text() -> None:
    text = "前言。五、问题\n(一) 存在问题\n\n一是认识程度不高。公开内容时效慢。"
    start = text.index("(一)")
    for c in split_clauses(text, start, len(text), "x"):
        assert text[c.start : c.end] == c.text and c.start >= start


def test_clean_removes_pdf_footer_and_line_wraps() -> None:
    assert clean("还有一些需要加强和改进的\n- 5 -\n地方。") == "还有一些需要加强和改进的地方。"


def test_trim_body_cuts_a_later_top_level_heading() -> None:
    text = "五、存在的主要问题及改进情况一是解读不够。二是加强培训。六、需要说明的其他事项与附表本年度没有收费。"
    start, end, cut = trim_body(text, text.index("一是"), len(text), "五")
    assert cut and text[start:end] == "一是解读不够。二是加强培训。"


def test_trim_body_keeps_numbers_inside_the_section() -> None:
    text = "五、问题一是不足。二是、三是重复编号。"
    start, end, cut = trim_body(text, text.index("一是"), len(text), "五")
    assert not cut and text[start:end] == "一是不足。二是、三是重复编号。"


def test_section_six_heading_left_by_the_section_segmenter_is_not_a_clause() -> None:
    rt = load_report(corpus_file("平潭综合实验区农业农村局_2023.txt"))
    assert rt.section is not None  # "report+cut" while the section segmenter leaves 六 inside the span
    cl = split_clauses(rt.text, rt.section.start, rt.section.end, rt.doc)
    assert cl[-1].text.startswith("继续加强政策解读")
    assert all("六、" not in c.text for c in cl)


@pytest.mark.parametrize("name,first,n_min", [
    ("000_292e5f130bca3acf.txt", "2023年本中心政府信息公开工作取得了一些成绩", 6),
    ("平潭综合实验区_2023.txt", "存在的问题主要有以下几个方面：", 8),
    ("平潭县人民政府_2011.txt", "目前，我县在政府信息公开工作的开展中", 15),
    ("淮安市人民政府_2024.pdf", "对照上级新要求和公众新期待", 5),
    ("上海市人民政府办公厅_2025.md", "（一）2024 年工作中存在问题", 15),
    ("平潭综合实验区财政金融局_2024.txt", "(一)存在问题。", 14),
])
def test_real_reports_section_and_clauses(name: str, first: str, n_min: int) -> None:
    rt = load_report(corpus_file(name))
    assert rt.section is not None and rt.section.how.startswith("report")
    cl = split_clauses(rt.text, rt.section.start, rt.section.end, rt.doc)
    assert len(cl) >= n_min
    assert cl[0].text.startswith(first)
    assert "附件" not in cl[-1].text and "六、" not in cl[-1].text


def test_report_without_problems_section() -> None:
    assert load_report(corpus_file("平潭综合实验区地方税务局_2013.txt")).section is None


def test_source_has_no_second_section_finder() -> None:
    import gsnlp.themes.source as source

    assert not hasattr(source, "find_problems_section")


def test_section_parts_follow_the_section() -> None:
    texts = ["（一）存在问题", "一是公开质量不高；", "（二）改进措施", "一是加强培训。", "二是完善制度。"]
    assert section_parts(texts) == ["start", "problems", "problems", "measures", "measures"]


def test_section_parts_progress_part_is_sticky_for_last_year() -> None:
    texts = ["（一）2024 年工作中存在问题的改进情况", "针对 2024 年工作中存在的主要问题，重点采取如下改进措施。",
             "一是进一步提升政策公开质效。", "（二）存在的主要问题和改进措施", "下一步将加强解读。"]
    assert section_parts(texts)[:4] == ["start", "progress", "progress", "progress"]
    assert section_parts(texts)[4] == "measures"
