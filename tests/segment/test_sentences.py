from __future__ import annotations

import gsnlp
from gsnlp.segment.sentences import clauses, paragraphs, sentences
from gsnlp_corpus import corpus_file


def test_sentences_are_spans_of_the_source() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区_2023.txt"))
    s = r.section("problems")
    spans = sentences(r.text, s.body_start, s.end)
    assert len(spans) >= 4
    for a, b in spans:
        assert s.body_start <= a < b <= s.end
        assert r.text[a:b].strip() == r.text[a:b]
    assert any(r.text[a:b].endswith("。") for a, b in spans)


def test_clauses_split_at_semicolons() -> None:
    text = "一是部分单位信息发布属性界定还不够精确；二是开拓创新不够有力。"
    assert [text[a:b] for a, b in clauses(text)] == ["一是部分单位信息发布属性界定还不够精确；", "二是开拓创新不够有力。"]


def test_paragraphs_split_at_blank_lines() -> None:
    text = "第一段。\n续。\n\n第二段。"
    assert [text[a:b] for a, b in paragraphs(text)] == ["第一段。\n续。", "第二段。"]


def test_a_short_line_ends_its_sentence_a_wrapped_line_does_not() -> None:
    wrapped = "本年度共收到政府信息公开申请二十一件，其中当面申请十八件，通过电子邮件申请三件，均已按期\n答复完毕。"
    text = "一、总体情况\n" + wrapped + "\n二○一三年一月二十日\n平潭综合实验区管委会"
    assert [text[a:b] for a, b in sentences(text)] == ["一、总体情况", wrapped, "二○一三年一月二十日", "平潭综合实验区管委会"]


def test_a_short_line_ending_in_a_comma_goes_on() -> None:
    text = "按照要求，\n我们做了以下工作。"
    assert [text[a:b] for a, b in sentences(text)] == [text]
