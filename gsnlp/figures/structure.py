"""Structure between figures: parts of a total (其中, 含, 涉及), asides (另外, 此外), the
count a percentage qualifies (…42件，占51.85%), and list items (一是, 二是 …)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Iterable

from gsnlp.figures.lexicon import lexicon

if TYPE_CHECKING:
    from gsnlp.figures.extractor import Figure

_SENT_END = "。！？!?\n"
_CLAUSE_END = "。！？!?\n；;"
_PART = re.compile(r"其中|包括|[（(，,、]\s*含|[，,]\s*涉及")
_LIST = re.compile(r"([一二三四五六七八九十])是")
_REVIEW = re.compile(r"复议|诉讼")
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _close_bracket(text: str, pos: int, hi: int) -> int:
    depth = 0
    for i in range(pos, min(hi, pos + 400)):
        ch = text[i]
        if ch in "（(":
            depth += 1
        elif ch in "）)":
            if depth == 0:
                return i
            depth -= 1
        elif ch in _SENT_END:
            return i
    return hi


def _until(text: str, pos: int, hi: int, chars: str) -> int:
    """The next sentence/clause end; a line break counts only after punctuation (PDF wrapping)."""
    i = pos
    while i < hi:
        ch = text[i]
        if ch in chars and (ch != "\n" or text[i - 1:i] in "。！？；;：:\n" or text[i + 1:i + 2] in ("\n", "#")):
            break
        i += 1
    return i


def _open_bracket_between(text: str, a: int, b: int) -> int | None:
    """Position of a bracket opened between a and b and still open at b, if any."""
    depth = 0
    for i in range(b - 1, a - 1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            if depth == 0:
                return i
            depth -= 1
    return None


def link(text: str, figs: list[Figure], ctxs: list[dict[str, Any]],
         spans: Iterable[tuple[str | None, int, int]]) -> list[Figure]:
    """Set ``parent``, ``qualifies`` and ``item`` on figures in text order (pure: returns new Figures)."""
    lx = lexicon()
    hi_of = sorted((lo, hi) for _, lo, hi in spans)

    def span_hi(pos: int) -> int:
        for lo, hi in hi_of:
            if lo <= pos < hi:
                return hi
        return len(text)

    out: list[Figure] = []
    stack: list[tuple[Figure, int]] = []  # (total, position where its parts end)
    prev: Figure | None = None
    for f, ctx in zip(figs, ctxs):
        parent = None
        qualifies = None
        gap_start = prev.end if prev is not None else max(0, f.start - 40)
        gap = text[gap_start:f.start]
        # drop totals whose parts have ended
        stack = [(t, e) for t, e in stack if f.start < e]
        if any(w in gap for w in lx.aside_markers):  # 另外/此外: what follows is not a part
            stack = []
        m = None
        for m in _PART.finditer(gap):
            pass
        if m is not None and f.polarity == "positive" and f.kind in ("count", "amount"):
            marker_pos = gap_start + m.start()
            # the total: the last count before the marker with the same unit
            total = None
            for g in reversed(out):
                if g.end > marker_pos:
                    continue
                if marker_pos - g.end > 120:
                    break
                between = text[g.end:marker_pos]
                if between.count("）") + between.count(")") > between.count("（") + between.count("("):
                    continue  # g stands inside a bracket that closed before the marker
                if g.polarity == "positive" and g.kind == f.kind and (
                        g.unit == f.unit or m.group(0) == "其中" and f.kind == "count"):
                    total = g
                    break
                if g.kind in ("percent", "rate") or g.unit != f.unit:
                    continue
            if total is not None:
                hi = span_hi(f.start)
                ob = _open_bracket_between(text, total.end, f.start)
                if ob is not None:
                    end = _close_bracket(text, ob + 1, hi)
                elif text[gap_start + m.end():gap_start + m.end() + 1] in "：:" or (
                        text[marker_pos - 1:marker_pos] in _SENT_END + "") or m.group(0) == "其中" and \
                        text[max(0, marker_pos - 1):marker_pos] in "。":
                    end = _until(text, f.start, hi, _SENT_END)
                else:
                    end = _until(text, f.start, hi, _CLAUSE_END)
                stack = [(t, e) for t, e in stack if t.id != total.id] + [(total, end)]
        # "在…的1853条政府信息中，A 324条；B 207条…": parts follow a total that ends "…中，"
        if prev is not None and prev.kind in ("count", "amount") and prev.polarity == "positive" and \
                re.match(r"[^，,。；;：:]{0,16}中[，,：:]", text[prev.end:prev.end + 20]) and \
                not any(t.id == prev.id for t, _ in stack):
            stack.append((prev, _until(text, prev.end, span_hi(prev.end), _SENT_END)))
        if stack and f.polarity == "positive" and f.kind in ("count", "amount"):
            t, _e = stack[-1]
            legal = _REVIEW.search(ctx.get("_left", "")) and not _REVIEW.search(t.subject or "")
            if (t.unit == f.unit or f.kind == "count" and t.kind == "count") and t.id != f.id and not legal:
                parent = t.id
        if f.kind in ("percent", "rate") and prev is not None and prev.kind in ("count", "amount"):
            if re.fullmatch(r"\s*[，,（(]?\s*(?:占|占比|占比为|比例为|，占)?\s*", gap):
                qualifies = prev.id
        # list item: the last 一是/（一）/1、 marker before the figure in its paragraph
        p_a = text.rfind("\n", 0, f.start) + 1
        item = None
        for lm in _LIST.finditer(text, p_a, f.start):
            item = _CN.get(lm.group(1))
        out.append(replace(f, parent=parent, qualifies=qualifies, item=item))
        prev = f
    return out
