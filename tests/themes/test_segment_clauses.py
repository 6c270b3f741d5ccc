from __future__ import annotations

import pytest
from gsnlp_corpus import corpus_file

from gsnlp.themes.segment import clean, split_clauses
from gsnlp.themes.source import find_problems_section, load_report


def test_split_clauses_list_items_and_semicolons() -> None:
    text = "仍存在短板：一是政策解读多样性需进一步加强。二是依申请办件质量需进一步提升；三是联系群众工作需要进一步巩固。"
    got = [c.text for c in split_clauses(text, 0, len(text))]
    assert got == ["仍存在短板：", "一是政策解读多样性需进一步加强。", "二是依申请办件质量需进一步提升；",
                   "三是联系群众工作需要进一步巩固。"]


def test_split_clauses_subheading_run_into_items() -> None:
    text = "（三）进一步规范政府信息公开行为1、加强信息公开培训指导工作。2、规范政府信息公开行为，切实履行公开责任。"
    got = [c.text for c in split_clauses(text, 0, len(text))]
    assert got[0] == "（三）进一步规范政府信息公开行为"
    assert got[1].startswith("1、加强") and got[2].startswith("2、规范")


def test_split_clauses_offsets_point_into_text() -> None:
    text = "前言。五、问题\n(一) 存在问题\n\n一是认识程度不高。公开内容时效慢。"
    start = text.index("(一)")
    for c in split_clauses(text, start, len(text), "x"):
        assert text[c.start : c.end] == c.text and c.start >= start


def test_clean_removes_pdf_footer_and_line_wraps() -> None:
    assert clean("还有一些需要加强和改进的\n- 5 -\n地方。") == "还有一些需要加强和改进的地方。"


@pytest.mark.parametrize("name,first,n_min", [
    ("000_292e5f130bca3acf.txt", "2023年本中心政府信息公开工作取得了一些成绩", 6),
    ("平潭综合实验区_2023.txt", "存在的问题主要有以下几个方面：", 8),
    ("平潭县人民政府_2011.txt", "目前，我县在政府信息公开工作的开展中", 15),
    ("淮安市人民政府_2024.pdf", "对照上级新要求和公众新期待", 5),
    ("上海市人民政府办公厅_2025.md", "（一）2024 年工作中存在问题的改进情况", 15),
])
def test_real_reports_section_and_clauses(name: str, first: str, n_min: int) -> None:
    rt = load_report(corpus_file(name))
    assert rt.section is not None
    cl = split_clauses(rt.text, rt.section.start, rt.section.end, rt.doc)
    assert len(cl) >= n_min
    assert cl[0].text.startswith(first)
    assert "附件" not in cl[-1].text and "六、" not in cl[-1].text


def test_report_without_problems_section() -> None:
    assert load_report(corpus_file("平潭综合实验区地方税务局_2013.txt")).section is None


def test_find_problems_section_old_numbering_stops_at_signature() -> None:
    text = ("四、政府信息公开工作存在的主要问题及改进情况目前仍存在一些不足。一是宣传力度还不够。 "
            "平潭县人民政府 2013年1月16日 附件1：统计表")
    s = find_problems_section(text)
    assert s is not None and s.number == "四"
    assert text[s.start : s.end] == "目前仍存在一些不足。一是宣传力度还不够。"
