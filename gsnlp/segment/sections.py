"""The six template sections (and the extra ones of old reports), as spans of the source.

Headings are found in a normalised, region-masked view of the text (so crawler chrome and
full-width punctuation do not matter), by their title phrases, numbered (一、…) anywhere —
crawler output runs headings into the text — or unnumbered alone on a line. One candidate
per section is chosen by dynamic programming: sections in template order, most found,
numbering agreeing, no body shorter than a line (that is a table of contents).
Sub-topics (（一）, 1、, 一是) never match: they lack the "numeral + 、" form or the title.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from gsnlp.doc import Notice, Region, Section
from gsnlp.normalize import NormalizedText
from gsnlp.segment.regions import mask
from gsnlp.template.sections import EXTRA_VARIANTS, NUMERALS, SECTION_HEADINGS, SECTIONS
from gsnlp.template.sections import SECTION_IDS as SECTION_IDS

SECTION_TITLES = SECTION_HEADINGS  # kept for callers of the old name
_NUMERALS = NUMERALS

# after a number, a title is matched by its wordings and by its words (title_rules); alone on a
# line, only by its wordings (a table's own lines have the words too)
_TITLE_RX = {s.id: "(?:" + "|".join(s.variants + s.title_rules) + ")" for s in SECTIONS}
_TITLE_RX["extra"] = "(?:" + "|".join(EXTRA_VARIANTS) + ")"
_BARE_TITLE_RX = {s.id: "(?:" + "|".join(s.variants) + ")" for s in SECTIONS}
_BARE_TITLE_RX["extra"] = _TITLE_RX["extra"]
_HEADING = re.compile(
    r"(?:^[ \t]*(?:#{1,4}[ \t]*)?|(?<![一二三四五六七八九十第]))"
    r"(?P<num>[" + _NUMERALS + r"]{1,2})[ \t]*[、.．,，][ \t]*(?:\n[ \t]*)?(?P<title>" +
    "|".join(f"(?P<{k}>{v})" for k, v in _TITLE_RX.items()) + ")",
    re.M,
)
_BARE = re.compile(r"^[ \t]*(?:#{1,4}[ \t]*)?(?P<title>" + "|".join(f"(?P<{k}>{v})" for k, v in _BARE_TITLE_RX.items()) +
                   r")[ \t]*$", re.M)
# Prefilters (scanning every position with the two patterns above is slow): a _HEADING match has
# its numeral, then the separator, on one line; a _BARE match is a whole line ending in one of
# these words. Only positions these find are tried, in text order, as ``finditer`` would.
_HEADING_HINT = re.compile(r"[" + _NUMERALS + r"][ \t]*[、.．,，]")
_BARE_HINT = re.compile(r"(?:情况|措施|事项|附表|概述|概况|综述|总述|统计表|数据|计划|打算|安排|思路|重点|方向|举措|对策|建议|"
                        r"改进|整改|工作|说明)[ \t]*$", re.M)
# Other numbering styles of top-level headings: （一）, 1. / 1、 (full-width digits are half-width in
# the view), 第一部分. Anywhere (crawler text runs headings into the text), but only used when a
# report's headings in that style find more sections than the "一、" ones (inside sections these
# forms number sub-headings).
_ALT_NUM = {
    "paren": r"[(（](?P<num>[" + _NUMERALS + r"]{1,2})[)）][ \t]*[、.．:：]?",
    "arabic": r"(?P<num>1[0-2]|[1-9])(?![0-9])[ \t]*[、.．](?![0-9])",
    "part": r"第(?P<num>[" + _NUMERALS + r"]{1,2})(?:部分|章|节)[ \t]*[、.．,，:：]?",
}
_ALT_HEADING_RX = {
    k: (r"(?:^[ \t]*(?:#{1,4}[ \t]*)?)?" + v + r"[ \t]*(?:\n[ \t]*)?(?P<title>" +
        "|".join(f"(?P<{k2}>{v2})" for k2, v2 in _TITLE_RX.items()) + ")")
    for k, v in _ALT_NUM.items()
}


class _OnFirstUse(dict[str, "re.Pattern[str]"]):
    """Each pattern compiled when first asked for: ~11 ms apiece, and only a report short of sections
    needs them (issue 18)."""

    def __missing__(self, style: str) -> re.Pattern[str]:
        pat = self[style] = re.compile(_ALT_HEADING_RX[style], re.M)
        return pat


_ALT_HEADING = _OnFirstUse()
# A number and a short title broken by a line end (PDF extraction wrapped the heading, "五、存在的主要
# 问题\n及改进情况", or put the number on a line of its own, "一、\n总体情况"): read as one line.
_NUM_ANY = r"(?:[" + _NUMERALS + r"]{1,2}[ \t]*[、.．]|" + "|".join(_ALT_NUM.values()).replace("?P<num>", "?:") + ")"
_WRAPPED = re.compile(r"((?<![" + _NUMERALS + r"第])" + _NUM_ANY + r"[^\n。；;：:，,]{0,24}?)[ \t]*\n[ \t]*"
                      r"(?![ \t]*" + _NUM_ANY + r")(?=[^\s])")
# The template's own title, unnumbered, run into crawler text after a sentence or table digits
# (with their unit: "…895.90元收到和处理…"; "…月31日。总体情况2025年，…"): a heading only where
# these titles add sections (at least four in all, in order) to the numbered and bare ones. A
# reworded title needs its number or its own line.
_RUNON = re.compile(r"(?:^|(?<=[。；;！!？?\d\s])|(?<=\d[元件条个次项%]))(?P<title>" + "|".join(
    f"(?P<{s.id}>{re.escape(s.title)})" for s in SECTIONS) + ")", re.M)
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])")
# a title spaced out letter by letter ("总 体 情 况"), anywhere: three or more single characters
_LETTERSPACED = re.compile(r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff][ \t]+){2,}[\u4e00-\u9fff]")
_TOC_SPAN = 300  # a body shorter than this that holds later headings is a table of contents
_PROBLEMS_SUB = re.compile(r"^[ \t]*[(（][一二][)）][^\n]{0,24}?存在[^\n]{0,12}?问题", re.M)


@dataclass(frozen=True, slots=True)
class _Cand:
    start: int  # view offsets
    end: int
    sid: str
    num: str | None
    exact: bool = False  # the title is the template's own wording (preferred over a variant)


def _heading_matches(t: str) -> list[re.Match[str]]:
    """``_HEADING.finditer(t)``, trying only where a match can start: the numeral before a
    separator, the one before it, or the start of their line."""
    starts: set[int] = set()
    for h in _HEADING_HINT.finditer(t):
        k = h.start()
        starts.add(k)
        if k > 0 and t[k - 1] in _NUMERALS:
            starts.add(k - 1)
        starts.add(t.rfind("\n", 0, k) + 1)
    out = []
    end = 0
    for s0 in sorted(starts):
        if s0 < end:
            continue
        m = _HEADING.match(t, s0)
        if m:
            out.append(m)
            end = m.end()
    return out


def _bare_matches(t: str) -> list[re.Match[str]]:
    """``_BARE.finditer(t)``, trying only the lines that end in a title word."""
    out = []
    last = -1
    for h in _BARE_HINT.finditer(t):
        ls = t.rfind("\n", 0, h.start()) + 1
        if ls == last:
            continue
        last = ls
        m = _BARE.match(t, ls)
        if m:
            out.append(m)
    return out


def _expected_num(i: int) -> str:
    return _NUMERALS[i]


def find_sections(text: str, regions: list[Region] | tuple[Region, ...] = ()) -> tuple[list[Section], list[Notice]]:
    view = NormalizedText.of(mask(text, list(regions)))
    t = view.text
    # headings are matched in a view of the view where a title spaced out ("总 体 情 况") or
    # wrapped onto the next line is whole again; candidates are mapped back to ``t``
    hv, pos = _heading_view(t)
    cands: list[_Cand] = []
    for m in _heading_matches(hv):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        cands.append(_Cand(m.start("num"), m.end(), sid, m.group("num"), _is_exact(sid, m.group("title"))))
    # heading candidates do not overlap and come in text order: one bisect finds the one a bare
    # title could fall inside
    head_starts = [c.start for c in cands]
    for m in _bare_matches(hv):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        p = bisect.bisect_right(head_starts, m.start("title")) - 1
        if p < 0 or not cands[p].start <= m.start("title") < cands[p].end:
            cands.append(_Cand(m.start("title"), m.end(), sid, None, _is_exact(sid, m.group("title"))))
    cands = sorted((_to_view(c, pos) for c in cands), key=lambda c: c.start)

    canon = [c for c in cands if c.sid != "extra"]
    chosen = _choose(canon, len(t))
    how = ""  # the numbering style read, where it is not 一、 (or bare lines)
    if len(chosen) < len(SECTION_IDS):
        # headings numbered （一）/ 1. / 第一部分 instead of 一、: that style, where it finds more sections
        bare = [c for c in cands if c.num is None]
        for style in _ALT_NUM:
            # numbered as the template numbers it (or one later, after an extra part): a sub-heading
            # "（一）主动公开情况" inside 总体情况 is no top-level heading
            alt = [c for c in _alt_candidates(hv, pos, style)
                   if c.sid == "extra" or 0 <= _NUMERALS.find(c.num or "") - SECTION_IDS.index(c.sid) <= 1]
            if sum(1 for c in alt if c.sid != "extra") < 2:
                continue
            pool = sorted(alt + bare, key=lambda c: c.start)
            ch = _choose([c for c in pool if c.sid != "extra"], len(t))
            if len(ch) > len(chosen) and len(ch) >= 3 and sum(1 for c in ch if c.num is not None) >= 2:
                chosen, cands, how = ch, pool, style
        if len(chosen) < len(SECTION_IDS):
            canon = [c for c in cands if c.sid != "extra"]
            starts = [c.start for c in canon]
            runon = []
            for m in _RUNON.finditer(hv):
                r = _to_view(_Cand(m.start(), m.end(), next(k for k in _TITLE_RX if m.group(k) is not None), None,
                                   True), pos)
                k = bisect.bisect_right(starts, r.start) - 1
                if k < 0 or not canon[k].start <= r.start < canon[k].end:  # not inside a heading found already
                    runon.append(r)
            pool = sorted(canon + runon, key=lambda c: c.start)
            ch = _choose(pool, len(t))
            if len(ch) > len(chosen) and len(ch) >= 4:
                chosen, cands, how = ch, pool, "run_on"
    notices: list[Notice] = []
    if how:
        notices.append(Notice("sections.heading_style", "the section headings were read as "
                              + {"paren": "numbered （一）…", "arabic": "numbered 1. / 1、…", "part": "numbered 第一部分…",
                                 "run_on": "the template's titles run into the text without a number"}[how]
                              + " instead of 一、…; check the sections", None, None, "info"))

    # A missing 五 heading: the body often starts with a sub-heading "(一)…存在…问题…".
    have = {c.sid for c in chosen}
    if "problems" not in have:
        prev = [c for c in chosen if SECTION_IDS.index(c.sid) < SECTION_IDS.index("problems")]
        nxt = [c for c in chosen if SECTION_IDS.index(c.sid) > SECTION_IDS.index("problems")]
        lo = prev[-1].end if prev else 0
        hi = nxt[0].start if nxt else len(t)
        pm = _PROBLEMS_SUB.search(t, lo, hi)
        if pm:
            ps = pm.start() + len(pm.group(0)) - len(pm.group(0).lstrip())
            chosen.append(_Cand(ps, ps, "problems", None))
            chosen.sort(key=lambda c: c.start)
            a, b = view.span_to_source(ps, pm.end())
            notices.append(Notice("sections.heading_inferred",
                                  "section 五 (problems) has no heading; it is taken to start at the sub-heading "
                                  f"{text[a:b].strip()!r}", a, b))

    # Extra headings of old reports, between chosen ones, also end the section before them.
    chosen_starts = {c.start for c in chosen}
    extras = [c for c in cands if c.sid == "extra" and c.start not in chosen_starts and c.num is not None]
    allc = sorted(chosen + extras, key=lambda c: c.start)

    sections: list[Section] = []
    tail = _content_end(text, regions)
    for i, c in enumerate(allc):
        end_view = allc[i + 1].start if i + 1 < len(allc) else len(t)
        s0, _ = view.span_to_source(c.start, c.start + 1) if c.end > c.start else (view.to_source(c.start), 0)
        body0 = view.to_source(c.end)
        e0 = view.to_source(end_view) if i + 1 < len(allc) else tail
        title = text[s0:body0].strip()
        sections.append(Section(c.sid, title, s0, max(e0, body0), body0, c.num))

    # Warnings: missing, out of order numbering, doubled numbers.
    found = [s.id for s in sections if s.id != "extra"]
    for i, sid in enumerate(SECTION_IDS):
        if sid not in found:
            notices.append(Notice("sections.missing", f"section {SECTION_TITLES[sid]!r} ({sid}) not found"))
    nums = [(s.number, s) for s in sections if s.number]
    seen: dict[str, Section] = {}
    for n, s in nums:
        if n in seen:
            notices.append(Notice("sections.number_doubled",
                                  f"heading number {n}、 is used twice ({seen[n].title!r} and {s.title!r})",
                                  s.start, s.body_start))
        seen[n] = s
    canon_secs = [s for s in sections if s.id != "extra"]
    if len(canon_secs) == len(sections):
        for s in canon_secs:
            exp = _expected_num(SECTION_IDS.index(s.id))
            if s.number and s.number != exp:
                notices.append(Notice("sections.numbering",
                                      f"section {s.title!r} is numbered {s.number}、, the template numbers it {exp}、",
                                      s.start, s.body_start, "info"))
    return sections, notices


def _heading_view(t: str) -> tuple[str, list[int]]:
    """``t`` with the line break inside a wrapped numbered heading and the spaces between the
    characters of a short spaced-out line removed, and for each of its positions (plus its end)
    the position in ``t``."""
    cut: list[tuple[int, int]] = [(m.end(1), m.end()) for m in _WRAPPED.finditer(t)]
    ls = 0
    for line in t.split("\n"):
        if len(line) <= 40 and (" " in line or "\t" in line):
            cut += [(ls + m.start(), ls + m.end()) for m in _SPACED.finditer(line)]
        ls += len(line) + 1
    for m in _LETTERSPACED.finditer(t):
        cut += [(m.start() + k.start(), m.start() + k.end()) for k in re.finditer(r"[ \t]+", m.group(0))]
    if not cut:
        return t, list(range(len(t) + 1))
    out: list[str] = []
    pos: list[int] = []
    i = 0
    for a, b in sorted(cut):
        if a < i:
            a = i
        if a >= b:
            continue
        out.append(t[i:a])
        pos.extend(range(i, a))
        i = b
    out.append(t[i:])
    pos.extend(range(i, len(t) + 1))
    return "".join(out), pos


def _to_view(c: _Cand, pos: list[int]) -> _Cand:
    """A candidate found in the heading view, in the view's offsets."""
    end = pos[c.end - 1] + 1 if c.end > c.start else pos[c.start]
    return _Cand(pos[c.start], end, c.sid, c.num, c.exact)


def _alt_candidates(hv: str, pos: list[int], style: str) -> list[_Cand]:
    """Headings numbered in ``style`` (``_ALT_NUM``), with the number as a Chinese numeral."""
    out = []
    for m in _ALT_HEADING[style].finditer(hv):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        num = m.group("num")
        if num.isdigit():
            num = _NUMERALS[int(num) - 1] if int(num) <= 10 else "十" + _NUMERALS[int(num) - 11]
        s0 = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t#"))
        out.append(_to_view(_Cand(s0, m.end(), sid, num, _is_exact(sid, m.group("title"))), pos))
    return out


def _is_exact(sid: str, title: str) -> bool:
    if sid not in SECTION_HEADINGS:
        return False
    want = SECTION_HEADINGS[sid].split("、", 1)[1]
    return title.replace(" ", "").replace("\t", "") == want


def _content_end(text: str, regions: list[Region] | tuple[Region, ...]) -> int:
    """Where the report's own text ends: before trailing blanks and trailing page chrome."""
    end = len(text.rstrip())
    for r in sorted(regions, key=lambda r: -r.end):
        if r.start < end <= r.end:  # a region reaching the end: the text ends before it
            end = len(text[: r.start].rstrip())
    return end


def _choose(cands: list[_Cand], n: int) -> list[_Cand]:
    """Best increasing choice: one candidate per section id, in template order.

    Each candidate ``c`` scores 1000 plus its numbering and wording; following ``a`` it loses
    600 when the body of ``a`` is shorter than a line, and 500 for each candidate of a later
    section than ``a`` lying between them within ``_TOC_SPAN`` characters after ``a`` (a body
    opening with later headings is a table of contents; numbered parts of the narrative further
    on are not). That penalty depends on ``a`` alone once ``c`` is farther than ``_TOC_SPAN``:
    those predecessors are summed up per section (best value so far), the few nearer ones are
    tried one by one. Near-linear in the number of candidates (it used to be cubic).
    """
    import heapq

    if not cands:
        return []
    order = {sid: i for i, sid in enumerate(SECTION_IDS)}
    k = len(cands)
    ns = len(SECTION_IDS)
    ords = [order[c.sid] for c in cands]
    # later[s][m]: candidates among cands[:m] of a section after s
    later = [[0] * (k + 1) for _ in range(ns)]
    for s_ in range(ns):
        row = later[s_]
        for m, o in enumerate(ords):
            row[m + 1] = row[m] + (o > s_)

    def own(c: _Cand) -> float:
        s = 1.5 if c.exact else 0.0  # "四、主动公开政府信息情况" over the narrative's own "二、主动公开情况"
        if c.num is not None:
            s += 2.0 if c.num == _expected_num(order[c.sid]) else 1.0
        return s

    starts = [c.start for c in cands]
    # toc[i]: later-section candidates within _TOC_SPAN after candidate i ends
    toc = [later[ords[i]][bisect.bisect_left(starts, cands[i].end + _TOC_SPAN)] - later[ords[i]][i + 1]
           for i in range(k)]
    best = [0.0] * k
    prev = [-1] * k
    settled: list[tuple[float, int] | None] = [None] * ns  # per section: (best value, -index)
    pending: list[tuple[int, int]] = []  # (end, index) of candidates nearer than _TOC_SPAN
    for j, c in enumerate(cands):
        while pending and pending[0][0] <= c.start - _TOC_SPAN:
            _, i = heapq.heappop(pending)
            key = (best[i] - 500.0 * max(toc[i], 0), -i)
            cur = settled[ords[i]]
            if cur is None or key > cur:
                settled[ords[i]] = key
        base = 1000 + own(c)
        best[j], prev[j] = base, -1
        top: tuple[float, int] | None = None  # (value, -index): the highest value, then the lowest index
        for s_ in range(ords[j]):
            cur = settled[s_]
            if cur is not None:
                cand = (cur[0] + base, cur[1])
                if top is None or cand > top:
                    top = cand
        for _, i in pending:
            a = cands[i]
            if a.start < c.start and ords[i] < ords[j] and a.end <= c.start:
                pen = 0.0 if c.start - a.end >= 20 else -600.0
                pen -= 500.0 * (later[ords[i]][j] - later[ords[i]][i + 1])
                cand = (best[i] + base + pen, -i)
                if top is None or cand > top:
                    top = cand
        if top is not None and top[0] > best[j]:
            best[j], prev[j] = top[0], -top[1]
        heapq.heappush(pending, (c.end, j))
    # the last section's body runs to the end
    score = [best[j] + (0.0 if n - cands[j].end >= 2 else -600.0) for j in range(k)]
    j = max(range(k), key=lambda x: (score[x], -x))
    out = []
    while j >= 0:
        out.append(cands[j])
        j = prev[j]
    return out[::-1]
