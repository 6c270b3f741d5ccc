"""Years, dates, hotlines, phone numbers, document/order/article numbers, list numbering,
quoted slogans and idioms are never figures — in real sentences and over the whole corpus."""

from __future__ import annotations

import re

import pytest

import gsnlp
from gsnlp.figures import extract
from gsnlp.figures.extractor import report_spans
from tests.conftest import CORPUS, corpus_file

NON_FIGURES = [
    ("002_35a7a0986a780ec4.txt", "按照《中华人民共和国政府信息公开条例》（国务院令第711号）规定和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求"),
    ("002_35a7a0986a780ec4.txt", "本报告中所列数据的统计期限自2023年1月1日至2023年12月31日止。"),
    ("平潭综合实验区_2023.txt", "通讯地址：平潭综合实验区商务营运中心7号楼14层；邮编：350400；电话：0591-23165385。"),
    ("004_3f5f08638fb4a4d2.txt", "积极回应百姓关注,做好市长信箱、12345市长热线等各类舆情诉求"),
    ("000_292e5f130bca3acf.txt", "我中心高度重视政府信息公开工作，把推进政务公开工作作为一项重要工作来抓"),
    ("000_292e5f130bca3acf.txt", "落实分管领导、落实专门机构、落实专职人员、落实有关工作措施和制度"),
    ("平潭综合实验区_2021.txt", "发布了实验区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要、文化发展规划（2021-2035）、村庄规划等专项规划"),
    ("平潭综合实验区_2021.txt", "召开68海里景区观光区收费标准定价听证会并将相关信息上网公开。"),
    ("平潭综合实验区_2025.txt", "本报告共分6个部分：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况"),
    ("000_292e5f130bca3acf.txt", "第二十条第（一）项"),
    ("平潭综合实验区_2020.txt", "《平潭综合实验区关于支持中小微企业应对疫情度过难关二十条措施的通知》"),
    ("平潭综合实验区_2020.txt", "全部事项均可在30分钟内办结。"),
    ("平潭县人民政府_2013.txt", "因此，我们考虑从以下三个方面作进一步的改进："),
    ("沭阳县人民政府_2025.txt", "《基层政务公开标准目录》（2025版）"),
]


@pytest.mark.parametrize("doc,sentence", NON_FIGURES, ids=[s[:14] for _, s in NON_FIGURES])
def test_no_figure_in(doc: str, sentence: str) -> None:
    assert sentence in corpus_file(doc).read_text(encoding="utf-8")
    assert [f.text for f in extract(sentence)] == []


_REPORTS = sorted(p for p in CORPUS.glob("*/*") if p.suffix in (".txt", ".md", ".html", ".pdf"))


@pytest.mark.slow
@pytest.mark.parametrize("path", _REPORTS, ids=[p.name for p in _REPORTS])
def test_corpus_never_reports_a_year_hotline_or_document_number(path) -> None:
    try:
        rep = gsnlp.read(path)
    except Exception as e:  # noqa: BLE001 - a report the reader refuses is not this test's business
        pytest.skip(f"unreadable here: {e}")
    text = rep.text
    for f in extract(text, report_spans(rep), path.name):
        if f.polarity == "negated":
            continue
        digits = re.sub(r"\D", "", f.text.split(".")[0])
        before, after = text[max(0, f.start - 2):f.start], text[f.end:f.end + 1]
        assert not (re.fullmatch(r"(?:19|20)\d\d", digits) and after in "年-—至"), f.text
        assert digits not in ("12345", "12315", "350400"), f.text
        assert "〔" not in before and not before.endswith("第") and after != "号", f.text
        assert not re.search(r"(?:电话|传真|邮编)\s*[:：]\s*$|热线\s*$", text[max(0, f.start - 8):f.start]), f.text


@pytest.mark.parametrize("sentence,expected", [
    ("梳理罗列236个重点项目", ["236个"]),   # 项目 after 个 is the counted noun
    ("对全区现存的33个政务新媒体加强信息更新", ["33个"]),
    ("构建“处（科）长讲政策、专家评政策、媒体看政策”三位一体短视频政策解读矩阵", []),
    ("全部事项均可在30分钟内办结，10个工作日内答复", []),
    ("确定每一类企业的检查项目", []),
])
def test_measure_word_boundaries(sentence: str, expected: list[str]) -> None:
    assert [f.text for f in extract(sentence)] == expected
