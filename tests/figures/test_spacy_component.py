"""The figure extractor as a spaCy component (factory gsnlp_figures_v1) on a blank zh pipeline
with the jieba segmenter."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")
pytest.importorskip("jieba")

from gsnlp.figures.spacy_component import FACTORY, blank_pipeline  # noqa: E402

S = "截至目前，在长子县人民政府门户网站主动公开发布信息423条。其中，规划计划12条，社会救助90条。2023年我中心未接收到任何依申请公开的申请。"


def test_factory_is_registered() -> None:
    from spacy.language import Language

    assert FACTORY in Language.factories


def test_spans_expose_figures() -> None:
    nlp = blank_pipeline()
    doc = nlp(S)
    spans = list(doc.spans["figures"])
    assert [s.text for s in spans] == ["423条", "12条", "90条", "未接收到"]
    total, part = spans[0], spans[1]
    assert total._.value == 423 and total._.unit == "条" and total._.metric == "active_disclosure_items"
    assert part._.parent == total
    assert spans[3]._.negated and spans[3]._.metric == "applications/new_received/total"
    assert len(doc._.figures) == 4


def test_component_added_to_user_pipeline() -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(FACTORY, config={"spans_key": "nums"})
    doc = nlp("全年发布政策文件解读96篇。")
    assert [(s.text, s.label_) for s in doc.spans["nums"]] == [("96篇", "count")]
