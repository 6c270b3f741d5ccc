"""``Report.sentences``/``clauses``: the narrative's sentence spans, computed once."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from gsnlp_corpus import corpus_file

import gsnlp
from gsnlp.doc import Report, Sentence
from gsnlp.segment.sentences import clauses, sentences

NAMES = ["平潭综合实验区_2024.txt", "平潭综合实验区_2012.txt", "淮安市洪泽区人民政府_2023.pdf", "平潭综合实验区_2025.html"]


@pytest.fixture(scope="module", params=NAMES)
def rep(request: pytest.FixtureRequest) -> Report:
    return gsnlp.read(corpus_file(request.param))


def test_sentences_are_computed_once(rep: Report) -> None:
    assert rep.sentences is rep.sentences and rep.clauses is rep.clauses
    assert len(rep.sentences) > 10 and len(rep.clauses) >= len(rep.sentences)


def test_sentences_lie_in_the_narrative_and_in_one_section(rep: Report) -> None:
    tables = rep.table_spans()
    for s in rep.sentences:
        assert 0 <= s.start < s.end <= len(rep.text)
        assert not any(a < s.end and s.start < b for a, b in tables)  # a table is no narrative
        sec = rep.section(s.section) if s.section else None
        if sec is not None:
            assert sec.start <= s.start and s.end <= sec.end
        assert not s.text(rep.text)[0].isspace() and not s.text(rep.text)[-1].isspace()
    starts = [s.start for s in rep.sentences]
    assert starts == sorted(starts)


def test_sentences_are_the_segmenters_sentences_of_each_narrative_piece(rep: Report) -> None:
    want = [(a, b) for _sid, lo, hi in rep.narrative_spans() for a, b in sentences(rep.text, lo, hi)]
    assert [(s.start, s.end) for s in rep.sentences] == want
    want_cl = [(a, b) for _sid, lo, hi in rep.narrative_spans() for a, b in clauses(rep.text, lo, hi)]
    assert [(c.start, c.end) for c in rep.clauses] == want_cl


def test_sentence_at_and_clause_at(rep: Report) -> None:
    s = rep.sentences[len(rep.sentences) // 2]
    assert rep.sentence_at(s.start) == s and rep.sentence_at(s.end - 1) == s
    c = rep.clause_at(s.start)
    assert c is not None and s.start <= c.start and c.end <= s.end
    t = rep.table_spans()
    if t:
        assert rep.sentence_at(t[0][0] + 1) is None


def test_memo_is_not_data() -> None:
    rep = gsnlp.read(corpus_file(NAMES[0]))
    _ = rep.sentences
    d = rep.to_dict()
    assert "_memo" not in json.dumps(d, ensure_ascii=False, default=str)
    again = Report.from_dict(json.loads(json.dumps(d, ensure_ascii=False, default=str)))
    assert again == rep and again.sentences == rep.sentences


def test_replace_starts_a_new_memo() -> None:
    rep = gsnlp.read(corpus_file(NAMES[0]))
    old = rep.sentences
    short = replace(rep, text="一、总体情况\n今年收到申请3件。已全部办结。", sections=(), tables={}, regions=())
    # the heading line is a sentence of its own
    assert short.sentences == (Sentence(0, 6, None), Sentence(7, 16, None), Sentence(16, 22, None))
    assert rep.sentences is old
