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
# A marker counts only at the start of the section, after punctuation or at a line start.
_MARKER_PREV = set("。；;：:！？!?\n\r\u3000 \t」”\"]")
# Sub-headings inside the section ("（一）存在问题", "（二）改进措施:"), often run into the text.
_SUBHEAD = re.compile(rf"[（(]\s*[{_CN}]\s*[）)]\s*[^\n。；;：:，,（(]{{0,18}}(?:问题|措施|打算|改进情况|整改情况)\s*[:：]?")
# A numbered heading run into its first "1、" item: "（三）进一步规范政府信息公开行为1、加强…".
_HEAD_BEFORE_ITEM = re.compile(rf"[（(]\s*[{_CN}]\s*[）)][^。；;：:，,\n]{{2,24}}?(?=\s*1\s*[、．.])")
_ENDS = set("。！？!?；;")
_FOOTER = re.compile(r"\n?\s*[-—–]\s*\d{1,3}\s*[-—–]\s*\n?")
_WS = re.compile(r"[\s\u3000]+")


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
    text = re.sub(r"(?<=[\u4e00-\u9fff，。、；：“”（）])\s*\n\s*(?=[\u4e00-\u9fff，。、；：“”（）])", "", text)
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
    return sorted(cuts)


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
