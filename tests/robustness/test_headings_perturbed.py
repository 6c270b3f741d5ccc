"""The checks do not move when a real report's headings are written differently (issues 13, 14).

Each case rewrites only the section headings of a real in-sample report (not in
corpora/devtest.txt) the way real reports write them — numbering style, wording, line breaks,
widths and spaces, a heading run into its first sentence, extra sub-headings — and the report
must keep its six sections (found by their headings, at the same places) and exactly the
failing findings it has as written: no false alarm, no lost contradiction.
(experiments/robustness measures the same families over every such report.)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest

from gsnlp.pipeline import Analysis, analyze_bytes
from gsnlp.template.sections import NUMERALS, SECTION_IDS
from gsnlp_corpus import ROOT, corpus_file

# crawler texts with every heading run into the text, and a line-based one (Markdown headings)
REPORTS = ("平潭综合实验区_2022.txt", "平潭综合实验区农业农村局_2023.txt", "沭阳县人民政府_2025.txt")
_HEAD = re.compile(r"^(?P<num>[" + NUMERALS + r"])、(?P<title>.*?)\s*$", re.S)
_IDX = re.compile(r"\b[a-z]?\d+\b")
_FW = str.maketrans("0123456789", "０１２３４５６７８９")

Heading = tuple[str, int, str]  # (section id, number 1-6, title)
Rewrite = Callable[[Heading], str]


def _devtest() -> set[str]:
    return {ln.strip() for ln in (ROOT / "corpora" / "devtest.txt").read_text(encoding="utf-8").splitlines()}


def _analyze(text: str, name: str) -> Analysis:
    return analyze_bytes(text.encode("utf-8"), name, stages=["figures", "check"])


_BASE: dict[str, tuple[str, Analysis]] = {}


def _base(name: str) -> tuple[str, Analysis]:
    if name not in _BASE:
        assert name not in _devtest()
        text = corpus_file(name).read_text(encoding="utf-8")
        _BASE[name] = (text, _analyze(text, name))
    return _BASE[name]


def _claims(a: Analysis) -> Counter[tuple[str, str, str, str, str]]:
    """Failing findings, with the figure indices and offsets their instances carry blanked."""
    return Counter((f.rule_id, _IDX.sub("#", f.instance or ""), str(f.expected), str(f.observed), f.origin or "")
                   for f in a.findings or [] if f.status == "fail")


def _perturb(name: str, rewrite: Rewrite, *, run_on: set[str] = frozenset()) -> tuple[Analysis, Analysis, str]:
    """The report as written and with each numbered heading ``一、title`` replaced by ``rewrite``;
    a section in ``run_on`` also loses the line break after its heading."""
    text, base = _base(name)
    edits = []
    for s in base.report.sections:
        m = _HEAD.match(text[s.start:s.body_start])
        assert s.id in SECTION_IDS and m, f"{name}: heading {text[s.start:s.body_start]!r}"
        end = s.body_start
        if s.id in run_on:
            while end < len(text) and text[end] in " \t\r\n\u3000":
                end += 1
        edits.append((s.start, end, rewrite((s.id, NUMERALS.index(m.group("num")) + 1, m.group("title")))))
    out, last = [], 0
    for a, b, new in sorted(edits):
        out += [text[last:a], new]
        last = b
    new_text = "".join(out) + text[last:]
    return base, _analyze(new_text, name), new_text


def _same(base: Analysis, var: Analysis, new_text: str) -> None:
    heads = [s.id for s in var.report.sections if s.origin == "heading"]
    assert heads == list(SECTION_IDS), [(s.id, s.origin, new_text[s.start:s.body_start]) for s in var.report.sections]
    assert _claims(var) == _claims(base)
    st = [f for f in var.findings or [] if f.rule_id.startswith("st.") and f.status == "fail"]
    assert not st, [f.message for f in st]
    # the sections keep their text: each body starts with what it started with as written
    bt = base.report.text
    for s0, s1 in zip(base.report.sections, var.report.sections, strict=True):
        first = bt[s0.body_start:s0.end].strip()[:12]
        assert first and first in new_text[s1.start:s1.end], (s0.id, first)


def _cn(n: int) -> str:
    return NUMERALS[n - 1]


NUMBERING: dict[str, Rewrite] = {
    "paren": lambda h: f"（{_cn(h[1])}）{h[2]}",
    "arabic_dot": lambda h: f"{h[1]}.{h[2]}",
    "arabic_dun": lambda h: f"{h[1]}、{h[2]}",
    "fullwidth_digit": lambda h: f"{str(h[1]).translate(_FW)}．{h[2]}",
    "part": lambda h: f"第{_cn(h[1])}部分 {h[2]}",
    "cn_dot": lambda h: f"{_cn(h[1])}．{h[2]}",
    "spaced_separator": lambda h: f"{_cn(h[1])} 、 {h[2]}",
    "ideographic_space": lambda h: f"{_cn(h[1])}、\u3000{h[2]}",
}


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("style", sorted(NUMBERING))
def test_numbering_style_keeps_findings(name: str, style: str) -> None:
    _same(*_perturb(name, NUMBERING[style]))


def test_unnumbered_template_titles_in_crawler_text_keep_findings() -> None:
    """The template's own titles without any number, run into crawler text."""
    _same(*_perturb("平潭综合实验区_2023.txt", lambda h: h[2]))  # its six titles are the template's


# wordings written from what each title means (none of them is in the corpus)
PARAPHRASES: dict[str, tuple[str, ...]] = {
    "overview": ("年度工作总体情况", "综述", "政府信息公开工作基本情况", "全年工作概况"),
    "active_disclosure": ("主动公开政府信息的情况", "主动公开政府信息数据", "主动公开工作开展情况"),
    "applications": ("政府信息公开申请办理情况", "受理和答复政府信息公开申请情况", "收到和处理依申请公开情况"),
    "review_litigation": ("行政复议、诉讼情况", "因政府信息公开引起的行政复议、行政诉讼情况", "政府信息公开复议诉讼情况"),
    "problems": ("存在的不足和改进方向", "问题与改进", "存在问题和下一步工作安排"),
    "other_matters": ("其他事项", "需要报告的其他事项", "其他有关事项"),
}


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("k", range(3))
def test_paraphrased_titles_keep_findings(name: str, k: int) -> None:
    _same(*_perturb(name, lambda h: f"{_cn(h[1])}、{PARAPHRASES[h[0]][k]}"))


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("how", ["number_line", "wrapped_title", "letter_spaced"])
def test_heading_over_two_lines_or_spaced_keeps_findings(name: str, how: str) -> None:
    def rw(h: Heading) -> str:
        t = h[2]
        if how == "number_line":
            return f"{_cn(h[1])}、\n{t}"
        if how == "wrapped_title":
            k = max(2, len(t) // 2)
            return f"{_cn(h[1])}、{t[:k]}\n{t[k:]}"
        return f"{_cn(h[1])}、{' '.join(t)}" if len(t) <= 8 else f"{_cn(h[1])}、{t}"

    _same(*_perturb(name, rw))


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("sep", ["", "。", "："])
def test_heading_run_into_first_sentence_keeps_findings(name: str, sep: str) -> None:
    _same(*_perturb(name, lambda h: f"{_cn(h[1])}、{h[2]}{sep}", run_on={"overview", "problems", "other_matters"}))


@pytest.mark.parametrize("name", REPORTS)
def test_extra_sub_headings_keep_findings(name: str) -> None:
    """Sub-headings that name template sections (（二）依申请公开情况, 1.主动公开政府信息情况) inside
    总体情况 and 五 are no top-level headings."""
    subs = {"overview": "\n（一）主动公开情况\n1.主动公开政府信息情况\n（二）依申请公开情况\n",
            "problems": "\n（一）存在的主要问题\n（二）改进措施\n"}
    _same(*_perturb(name, lambda h: f"{_cn(h[1])}、{h[2]}{subs.get(h[0], '')}"))


def test_deleted_review_heading_keeps_findings() -> None:
    """With 四's heading deleted the model places 四; table 三's last row (四、结转下年度继续办理, numbered like a
    section) stays in table 三 instead of starting 四 (no false t3.labels)."""
    name = "平潭综合实验区农业农村局_2023.txt"
    text, base = _base(name)
    s = next(s for s in base.report.sections if s.id == "review_litigation")
    var = _analyze(text[:s.start] + text[s.body_start:], name)
    assert _claims(var) == _claims(base)


def test_deleted_heading_is_never_a_structure_fail() -> None:
    """A section whose heading is gone but whose content is there: placed by the model, no st.sections fail."""
    name = "平潭综合实验区_2022.txt"
    text, base = _base(name)
    for sid in ("active_disclosure", "other_matters"):
        s = next(s for s in base.report.sections if s.id == sid)
        var = _analyze(text[:s.start] + text[s.body_start:], name)
        st = [f for f in var.findings or [] if f.rule_id == "st.sections" and f.status == "fail"
              and f.origin != "extraction"]
        assert not st, (sid, [f.message for f in st])
