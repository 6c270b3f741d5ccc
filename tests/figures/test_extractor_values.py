"""Figures of real corpus sentences: span text, value, unit (and the sentence's source report)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gsnlp.figures import extract
from tests.conftest import corpus_file

CASES = [
    # (report, sentence as it stands in the report, [(span text, value, unit), ...])
    ("000_292e5f130bca3acf.txt", "截至目前，在长子县人民政府门户网站主动公开发布信息423条。",
     [("423条", "423", "条")]),
    ("001_49bc154c30d92ca6.txt", "全年通过宝丰县政府门户网站发布政府信息 27 条。", [("27 条", "27", "条")]),
    ("002_35a7a0986a780ec4.txt", "2023年全年，通过“12345”接到911件居民热线问题，现已全部办理完结。",
     [("911件", "911", "件")]),
    ("002_35a7a0986a780ec4.txt", "633项政务服务事项实现一窗办理、占比100%，网办事项622项、网办率98.26%。",
     [("633项", "633", "项"), ("100%", "100", "%"), ("622项", "622", "项"), ("98.26%", "98.26", "%")]),
    ("平潭综合实验区_2025.txt", "通过实验区政府门户网站累计主动公开政府信息7700余条，",
     [("7700余条", "7700", "条")]),
    ("平潭综合实验区_2021.txt", "全区政府信息公开单位均明确一名分管领导和一名经办人员，",
     [("一名", "1", "名"), ("一名", "1", "名")]),
    ("沭阳县人民政府_2025.txt", "其中图文及视频类产品共 17 篇，占比超八成。", [("17 篇", "17", "篇"), ("八成", "8", "成")]),
    ("上海市人民政府办公厅_2025.md", "社交媒体账号粉丝总量近 45.9 万人；", [("45.9 万人", "45.9", "人")]),
    ("平潭综合实验区_2020.txt", "汇聚数据8232万条；", [("8232万条", "8232", "条")]),
    ("平潭综合实验区地方税务局_2013.txt", "共计减免金额219062.78元；", [("219062.78元", "219062.78", "元")]),
    ("平潭综合实验区地方税务局_2013.txt", "产生的政府信息公开费用1万元。", [("1万元", "1", "万元")]),
]

SYNTHETIC = [  # forms the corpus has too rarely: full-width digits, separators, big Chinese numerals
    ("受理申请１２件。", [("１２件", "12", "件")]),
    ("发布信息1,295条。", [("1,295条", "1295", "条")]),
    ("办理一百零三件。", [("一百零三件", "103", "件")]),
    ("抽调两名工作人员，设立三个专栏。", [("两名", "2", "名"), ("三个", "3", "个")]),
]


@pytest.mark.parametrize("doc,sentence,expected", CASES, ids=[f"{c[0]}:{c[2][0][0]}" for c in CASES])
def test_extract_real_sentence(doc: str, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    text = corpus_file(doc).read_text(encoding="utf-8")
    assert sentence in text, "the case must be a real sentence of the report"
    got = [(f.text, f.value, f.unit) for f in extract(sentence) if f.polarity == "positive"]
    assert got == [(t, Decimal(v), u) for t, v, u in expected]


@pytest.mark.parametrize("sentence,expected", SYNTHETIC, ids=[s for s, _ in SYNTHETIC])
def test_extract_number_forms(sentence: str, expected: list[tuple[str, str, str]]) -> None:
    got = [(f.text, f.value, f.unit) for f in extract(sentence)]
    assert got == [(t, Decimal(v), u) for t, v, u in expected]


def test_extract_offsets_point_into_the_report_text() -> None:
    text = corpus_file("沭阳县人民政府_2025.txt").read_text(encoding="utf-8")
    figs = extract(text, [(None, 0, len(text))], "沭阳县人民政府_2025.txt")
    assert figs
    for f in figs:
        assert text[f.start:f.end] == f.text


LATE = [  # compound measure words and the fee zero claim with 不 (gaps found on reports annotated late)
    ("平潭综合实验区_2019.txt", "将8大类348项公共服务事项实现“一窗通办”", [("8大类", "8", "大类"), ("348项", "348", "项")]),
    ("平潭综合实验区_2019.txt", "其中热线电话11通，网络诉求3件", [("11通", "11", "通"), ("3件", "3", "件")]),
    ("平潭综合实验区_2019.txt", "开展互动活动42场次", [("42场次", "42", "场次")]),
    ("平潭综合实验区_2016.txt", "2016年我区各级工作部门依申请提供政府信息暂不收费。", [("不收费", "0", "")]),
]


@pytest.mark.parametrize("doc,sentence,expected", LATE, ids=[c[2][0][0] for c in LATE])
def test_extract_late_gaps(doc: str, sentence: str, expected: list[tuple[str, str, str]]) -> None:
    assert sentence in corpus_file(doc).read_text(encoding="utf-8")
    assert [(f.text, f.value, f.unit) for f in extract(sentence)] == [(t, Decimal(v), u) for t, v, u in expected]
