"""Negated statements are zero claims: value 0, polarity negated, the cue+verb as span."""

from __future__ import annotations

import pytest

from gsnlp.figures import extract
from tests.conftest import corpus_file

CASES = [
    ("000_292e5f130bca3acf.txt", "2023年我中心未接收到任何依申请公开的申请。", "未接收到", "applications/new_received/total"),
    ("001_49bc154c30d92ca6.txt", "经核实，2023 年我镇未收到政府信息公开申请，未出现行政诉讼案件。", "未收到", "applications/new_received/total"),
    ("001_49bc154c30d92ca6.txt", "经核实，2023 年我镇未收到政府信息公开申请，未出现行政诉讼案件。", "未出现", "litigation_total"),
    ("平潭综合实验区_2024.txt", "2024年，无收取信息处理费情况。", "无收取", "info_processing_fee"),
    ("004_3f5f08638fb4a4d2.txt", "本年度政府信息公开事项未收取任何费用。", "未收取", "info_processing_fee"),
    ("上海市人民政府办公厅_2025.md", "2025 年度本机关未收取信息公开处理费。", "未收取", "info_processing_fee"),
]


@pytest.mark.parametrize("doc,sentence,span,metric", CASES, ids=[f"{c[2]}-{c[3]}" for c in CASES])
def test_zero_claim(doc: str, sentence: str, span: str, metric: str) -> None:
    assert sentence in corpus_file(doc).read_text(encoding="utf-8")
    hits = [f for f in extract(sentence) if f.text == span]
    assert len(hits) == 1
    f = hits[0]
    assert (f.value, f.polarity, f.negated, f.metric) == (0, "negated", True, metric)


@pytest.mark.parametrize("sentence", ["（四）无法提供", "尚未审结", "注销2个无人维护或重复建设的政务新媒体", "确保信息传递无死角。"])
def test_state_negation_is_not_a_zero_claim(sentence: str) -> None:
    assert [f for f in extract(sentence) if f.negated] == []
