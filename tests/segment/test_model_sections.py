"""The narrative segmentation model: units, Viterbi, the shipped JSON model, and sections placed
where a heading is missing (origin "model" with a confidence)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import gsnlp
from gsnlp.doc import Report, Section
from gsnlp.segment import model as sm
from gsnlp.template.sections import SECTION_HEADINGS, SECTION_IDS
from gsnlp_corpus import corpus_file

BASE = "平潭综合实验区公安局_2021.txt"  # in-sample


def _without(*sids: str) -> tuple[str, str]:
    t = corpus_file(BASE).read_text(encoding="utf-8")
    for sid in sids:
        assert t.count(SECTION_HEADINGS[sid]) == 1
        t = t.replace(SECTION_HEADINGS[sid], "")
    return t, corpus_file(BASE).read_text(encoding="utf-8")


def test_units_are_inside_the_text_in_order_and_not_empty() -> None:
    t = corpus_file(BASE).read_text(encoding="utf-8")
    us = sm.units(t)
    assert us and all(0 <= a < b <= len(t) for a, b in us)
    assert all(us[i][1] <= us[i + 1][0] for i in range(len(us) - 1))
    assert all(b - a <= 160 for a, b in us)
    assert any(t[a:b].startswith("二、主动公开政府信息情况") for a, b in us)  # cut before a numbered heading


def test_units_cut_at_given_positions() -> None:
    t = "第一句话没有句号第二句话也没有"
    assert sm.units(t, cuts=[7]) == [(0, 7), (7, len(t))]


def test_viterbi_follows_transitions_and_constraints() -> None:
    lp = [[0.0, -5.0], [-1.0, -0.9], [-5.0, 0.0]]
    stay = [[-0.1, -2.3], [-2.3, -0.1]]
    # 0,1,1 scores -3.3 against -3.4 for 0,0,1; forcing unit 1 to state 0 gives 0,0,1
    assert sm.viterbi(lp, [0.0, -9.0], stay) == [0, 1, 1]
    assert sm.viterbi(lp, [0.0, -9.0], stay, [None, {0}, None]) == [0, 0, 1]
    post = sm.marginals(lp, [0.0, -9.0], stay)
    assert all(abs(sum(row) - 1) < 1e-9 for row in post) and post[0][0] > 0.99 and post[2][1] > 0.9


def test_shipped_model_loads_from_package_data_without_scikit_learn() -> None:
    code = ("import sys; from gsnlp.segment.model import SectionModel; m = SectionModel.load(); "
            "assert 'sklearn' not in sys.modules; print(len(m.sections.labels))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == 7  # front + the six sections


def test_model_alone_reads_an_intact_report_mostly_right() -> None:
    r = gsnlp.read(corpus_file(BASE))
    m = sm.SectionModel.load()
    hidden = [(s.start, s.body_start) for s in r.sections]
    view = sm.blank(sm.mask(r.text, list(r.regions)), hidden)
    spans = sm.units(view)
    states, conf = m.decode([view[a:b] for a, b in spans])
    gold = []
    for a, _ in spans:
        cur = "front"
        for s in r.sections:
            if s.start <= a:
                cur = s.id
        gold.append(cur)
    acc = sum(x == y for x, y in zip(states, gold)) / len(gold)
    assert acc >= 0.8
    assert all(0.0 <= c <= 1.0 for c in conf)


@pytest.mark.parametrize("sid", ["active_disclosure", "problems", "other_matters", "review_litigation"])
def test_missing_heading_is_placed_by_the_model(sid: str) -> None:
    t, orig = _without(sid)
    r = gsnlp.parse_text(t)
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    s = r.section(sid)
    assert s is not None and s.origin == "model" and s.title == ""
    assert s.confidence is not None and sm.MIN_CONFIDENCE <= s.confidence <= 1
    assert all(x.origin == "heading" for x in r.sections if x.id != sid)
    assert any(n.code == "sections.model_inferred" for n in r.warnings)
    assert not any(n.code == "sections.missing" for n in r.warnings)
    # the placed section holds the body of the removed one (its first words)
    full = gsnlp.parse_text(orig).section(sid)
    first = orig[full.body_start : full.body_start + 12].strip()[:6]
    assert first in r.text[s.start : s.end]


def test_sections_found_by_heading_keep_their_starts_when_the_model_fills() -> None:
    t, _ = _without("problems")
    r = gsnlp.parse_text(t)
    plain = gsnlp.parse_text(corpus_file(BASE).read_text(encoding="utf-8"))
    for sid in ("overview", "active_disclosure", "applications", "review_litigation"):
        assert r.section(sid).start == plain.section(sid).start


def test_section_origin_and_confidence_round_trip_in_json() -> None:
    t, _ = _without("problems")
    r = gsnlp.parse_text(t)
    back = Report.from_dict(json.loads(json.dumps(r.to_dict(), ensure_ascii=False)))
    assert back.sections == r.sections
    old = {"id": "overview", "title": "一、总体情况", "start": 0, "end": 5, "body_start": 6}
    assert Section.from_dict(old).origin == "heading" and Section.from_dict(old).confidence is None


def test_pre2019_reports_are_not_filled_by_the_model() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区地方税务局_2013.txt"))
    assert r.meta.template == "pre2019"
    assert all(s.origin == "heading" for s in r.sections)
    assert r.section("problems") is None


def test_fit_exports_weights_that_predict_like_scikit_learn() -> None:
    pytest.importorskip("sklearn")
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = ["本年新收政府信息公开申请", "行政复议维持纠正", "存在的问题和不足", "信息处理费未收取",
             "本年新收申请数量", "行政诉讼尚未审结", "问题不足下一步加强", "处理费收费标准"] * 3
    labels = ["a", "r", "p", "o"] * 6
    lm = sm.LinearModel.fit([sm.features(t) for t in texts], labels, max_features=500, c=2.0, seed=0)
    vec = TfidfVectorizer(analyzer=sm.features, sublinear_tf=True, min_df=2, max_features=500)
    x = vec.fit_transform(texts)
    clf = LogisticRegression(C=2.0, max_iter=2000, random_state=0).fit(x, labels)
    for t in ("新收申请", "复议诉讼", "问题加强"):
        ref = clf.predict_proba(vec.transform([t]))[0]
        got = lm.proba(t)
        assert got == pytest.approx(list(ref), abs=1e-6)


def test_overview_subtopics_from_sub_headings_and_from_the_model() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区海坛片区管理局_2020.txt"))  # 一、总体情况（一）主动公开情况…
    labs = sm.overview_subtopics(r.text, r.sections, r.regions)
    ov = r.section("overview")
    assert labs and all(ov.body_start <= u.start < u.end <= ov.end for u in labs)
    assert any(u.label == "active" and u.origin == "heading" for u in labs)
    r2 = gsnlp.read(corpus_file(BASE))  # own sub-headings (（一）责任落实更严格): the model labels them
    labs2 = sm.overview_subtopics(r2.text, r2.sections, r2.regions)
    assert any(u.origin == "model" for u in labs2)
    assert all(u.label in sm.SUB_STATES for u in labs + labs2)


def test_model_is_skipped_with_a_notice_past_its_unit_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    t, _ = _without("problems")
    monkeypatch.setattr(sm, "MAX_UNITS", 10)
    r = gsnlp.parse_text(t)
    assert r.section("problems") is None
    assert any(n.code == "sections.model_skipped" for n in r.warnings)


def test_model_card_describes_the_shipped_file() -> None:
    import hashlib

    from gsnlp_corpus import ROOT

    meta = json.loads((ROOT / "models" / "sections" / "meta.json").read_text(encoding="utf-8"))
    shipped = ROOT / meta["path"]
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == meta["sha256"]
    assert (ROOT / "models" / "sections" / "README.md").exists()
    trained = set(sm.SectionModel.load().meta["trained_on"])
    devtest = set((ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").split())
    assert trained and not trained & devtest  # the development test set never trains the model


def test_a_signature_alone_is_no_section() -> None:
    # section 六 removed with its content: the signature and date left at the end are not 六
    t = corpus_file(BASE).read_text(encoding="utf-8")
    a, b = t.index("六、其他需要报告的事项"), t.index("平潭综合实验区公安局2022年1月7日")
    r = gsnlp.parse_text(t[:a] + t[b:])
    assert r.section("other_matters") is None
    assert any(n.code == "sections.missing" for n in r.warnings)


@pytest.mark.parametrize("line", ["平潭综合实验区公安局2022年1月7日", "  2020年1月2日", "（联系人：林耀，联系方式：0591-23163407）",
                                  "附件：政府信息公开工作年度报告"])
def test_closing_lines(line: str) -> None:
    assert sm._CLOSING.match(line)


def test_content_is_not_a_closing_line() -> None:
    assert not sm._CLOSING.match("2021年，无收取信息处理费情况。")
