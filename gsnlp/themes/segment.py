"""Split section 五 into clauses, each keeping its span into the report text.

A clause is a list item (一是…, （一）, 1、, ①), a sentence, or a "；"-separated part. Page
chrome inside the section (PDF footers "- 5 -", "— 6 —") stays inside the span but is removed
by ``clean`` before a clause is classified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

SEGMENTER = "gsnlp.themes.clauses.v1"

_CN = "一二三四五六七八九十"
# Markers that open a list item; a split goes before them.
_MARKER = re.compile(
    rf"(?:[{_CN}]{{1,2}}\s?是(?![否非])"  # 一是 … 十是
    rf"|[（(]\s*[{_CN}]{{1,2}}\s*[）)]"  # （一）
    r"|(?<![\d.．])\d{1,2}\s*[、．.](?![\d])"  # 1、 1．
    r"|[①②③④⑤⑥⑦⑧⑨⑩])"
)
# A marker counts only at the start of the section, after punctuation or at a line start. A comma
# counts too: "…补短板、强弱项，一是坚持…" (framing before the first item), "…等内容，2. 优化…".
_MARKER_PREV = set("。；;：:！？!?，,\n\r\u3000 \t」”\"]")
# A malformed numeric marker without a separator ("2加强…"): cut only when it continues the
# numbering (the previous numeric marker was n-1) and is not a quantity ("2个", "3项", "10月").
_BARE_NUM = re.compile(r"(?<![\d.．])([1-9])(?=[\u4e00-\u9fff])(?![个项件次条家名万亿元年月日号人天批期类种份篇])")
_NUM_MARKER = re.compile(r"(?<![\d.．])(\d{1,2})\s*[、．.](?![\d])")
# Sub-headings inside the section ("（一）存在问题", "（二）改进措施:"), often run into the text.
# The shortest such heading: "（二）下一步改进措施针对上述问题，…" is cut after 措施; "（一）工作中存在
#主要问题和困难" keeps its 和困难.
_SUBHEAD = re.compile(rf"[（(]\s*[{_CN}]\s*[）)]\s*[^\n。；;：:，,（(]{{0,18}}?"
                      r"(?:问题\s*的\s*(?:改进|整改)情况|问题(?:\s*和\s*困难)?|措施|打算|改进情况|整改情况)\s*[:：]?")
# A numbered heading run into its first "1、" item: "（三）进一步规范政府信息公开行为1、加强…".
# … or into its 一是 item: "（一） 提高对政府信息公开的认识一是按照…".
_HEAD_BEFORE_ITEM = re.compile(rf"[（(]\s*[{_CN}]\s*[）)][^。；;：:，,\n]{{2,24}}?(?=\s*(?:1\s*[、．.]|一是))")
_ENDS = set("。！？!?；;")
_FOOTER = re.compile(r"\n?\s*[-—–]\s*\d{1,3}\s*[-—–]\s*\n?")
_WS = re.compile(r"[\s\u3000]+")
_WRAP = re.compile(r"(?<=[\u4e00-\u9fff，。、；：“”（）])\s*\n\s*(?=[\u4e00-\u9fff，。、；：“”（）])")  # a line wrap


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause of section 五: ``text == report_text[start:end]``."""

    doc: str
    index: int
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "index": self.index, "start": self.start, "end": self.end, "text": self.text}


def clean(text: str) -> str:
    """The clause as a model sees it: page footers and line wraps removed, spaces collapsed."""
    text = _FOOTER.sub("", text)
    text = _WRAP.sub("", text)
    return _WS.sub(" ", text).strip()


def _cut_points(text: str, start: int, end: int) -> list[int]:
    cuts = {start, end}
    for i in range(start, end):
        ch = text[i]
        if ch in _ENDS:
            cuts.add(i + 1)
    for pat in (_SUBHEAD, _HEAD_BEFORE_ITEM):
        for m in pat.finditer(text, start, end):
            cuts.add(m.end())
    for m in _MARKER.finditer(text, start, end):
        i = m.start()
        if i == start:
            continue
        j = i - 1
        while j > start and text[j] in " \t\u3000":
            j -= 1
        if text[j] in _MARKER_PREV or text[i - 1] in "\n":
            cuts.add(i)
    cuts.update(_bare_number_cuts(text, start, end))
    return sorted(cuts)


def _bare_number_cuts(text: str, start: int, end: int) -> list[int]:
    """Cuts before malformed markers "2加强…" that continue a numbering (1、… then 2加强…)."""
    nums = [(m.start(), int(m.group(1))) for m in _NUM_MARKER.finditer(text, start, end)]
    bare = [(m.start(), int(m.group(1))) for m in _BARE_NUM.finditer(text, start, end)
            if m.start() == start or text[m.start() - 1] in _MARKER_PREV]
    out = []
    for i, n in bare:
        prev = [k for (p, k) in nums + [(b, k) for b, k in bare if b in out] if p < i]
        if n > 1 and prev and prev[-1] == n - 1 and i != start:
            out.append(i)
    return out


def _is_content(s: str) -> bool:
    core = _FOOTER.sub("", s)
    return bool(re.search(r"[\u4e00-\u9fffA-Za-z]", core))


def split_clauses(text: str, start: int, end: int, doc: str = "") -> list[Clause]:
    """Clauses of ``text[start:end]`` (section 五's body) with offsets into ``text``."""
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"bad section span [{start}, {end}) for a text of {len(text)} characters")
    cuts = _cut_points(text, start, end)
    pieces: list[tuple[int, int]] = []
    for a, b in pairwise(cuts):
        while a < b and text[a] in " \t\r\n\u3000":
            a += 1
        while b > a and text[b - 1] in " \t\r\n\u3000":
            b -= 1
        if a < b:
            pieces.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in pieces:
        s = text[a:b]
        if merged and (not _is_content(s) or len(clean(s)) < 2):
            # punctuation or a lone footer: glue to the previous clause
            merged[-1] = (merged[-1][0], b)
        elif merged and _MARKER.fullmatch(text[merged[-1][0] : merged[-1][1]].strip() or "x"):
            merged[-1] = (merged[-1][0], b)  # a bare marker ("1、") joins what follows
        else:
            merged.append((a, b))
    return [Clause(doc, i, a, b, text[a:b]) for i, (a, b) in enumerate(merged)]


PARTS: tuple[str, ...] = ("start", "problems", "measures", "progress")
# What a clause announces for the clauses after it (checked in this order).
_PART_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("progress", re.compile(r"(?:问题|上年度?).{0,6}(?:改进|整改)情况|整改落实情况")),
    ("measures", re.compile(r"改进措施|工作打算|下一步|下步|今后|接下来|下阶段|针对.{0,16}(?:问题|不足|短板)"
                            r"|将.{0,40}(?:以下|如下|几个方面|方面的?工作|方面加以)|(?:19|20)\d\d\s*年.{0,12}将"
                            r"|(?:以下|如下).{0,12}(?:方面|工作|措施|改进)|(?:改进|措施|工作)\s*[：:]\s*$")),
    ("problems", re.compile(r"存在.{0,14}(?:问题|不足|短板|薄弱环节|差距|困难)|主要(?:表现|体现)在|问题主要有")),
)


_LAST_YEAR = re.compile(r"针对\s*(?:19|20)\d\d\s*年|上年度?")
# A clause that opens the measures itself ("下一步，将…", "2024年，我们将…", "针对存在问题，…") sits in
# the measures part, whatever came before it.
_OPENS_MEASURES = re.compile(r"^(?:下一步|下步|今后|接下来|下阶段|针对.{0,16}(?:问题|不足|短板)|(?:19|20)\d\d\s*年.{0,12}将)")
# A sub-heading that names the problems ("（二）2025 年工作中存在的主要问题") opens the problems part
# even after a progress or measures part.
_PROBLEMS_HEADING = re.compile(r"^[（(]\s*[一二三四五六七八九十]\s*[）)][^。；;，,]{0,24}(?:问题|不足)(?:和困难)?\s*[:：]?$")


def section_parts(texts: list[str]) -> list[str]:
    """The part of section 五 each clause sits in (one of ``PARTS``), read from the clauses before
    it: after "存在的主要问题" / "主要表现在" the problems part, after "改进措施" / "下一步" / "将…以下"
    the measures part, after "…问题的改进情况" the progress part. A clause that itself opens the
    measures ("下一步，…", "2024年，我们将…") is in the measures part; a sub-heading naming the problems
    opens the problems part even after a progress part. The guidelines read a clause in its part (a
    clause in the measures part is a measure unless its wording says otherwise)."""
    part, out = "start", []
    for t in texts:
        if part != "progress" and _OPENS_MEASURES.match(t):
            part = "measures"
        out.append(part)
        if part == "progress" and _LAST_YEAR.search(t):
            continue  # "针对 2024 年工作中存在的主要问题，重点采取如下改进措施": still last year's
        if _PROBLEMS_HEADING.match(t):
            part = "problems"
            continue
        for name, pat in _PART_CUES:
            if pat.search(t) and not (name == "problems" and part in ("measures", "progress")):
                part = name
                break
    return out
