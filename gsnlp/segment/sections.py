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

_TITLE_RX = {s.id: "(?:" + "|".join(s.variants) + ")" for s in SECTIONS}
_TITLE_RX["extra"] = "(?:" + "|".join(EXTRA_VARIANTS) + ")"
_HEADING = re.compile(
    r"(?:^[ \t]*(?:#{1,4}[ \t]*)?|(?<![一二三四五六七八九十第]))"
    r"(?P<num>[" + _NUMERALS + r"]{1,2})[ \t]*[、.．,，][ \t]*(?P<title>" +
    "|".join(f"(?P<{k}>{v})" for k, v in _TITLE_RX.items()) + ")",
    re.M,
)
_BARE = re.compile(r"^[ \t]*(?:#{1,4}[ \t]*)?(?P<title>" + "|".join(f"(?P<{k}>{v})" for k, v in _TITLE_RX.items()) +
                   r")[ \t]*$", re.M)
# Prefilters (scanning every position with the two patterns above is slow): a _HEADING match has
# its numeral, then the separator, on one line; a _BARE match is a whole line ending in one of
# these words. Only positions these find are tried, in text order, as ``finditer`` would.
_HEADING_HINT = re.compile(r"[" + _NUMERALS + r"][ \t]*[、.．,，]")
_BARE_HINT = re.compile(r"(?:情况|措施|事项|附表|概述|概况|统计表|计划|打算|安排|思路|重点|方向|举措|对策|建议)[ \t]*$", re.M)
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
    cands: list[_Cand] = []
    for m in _heading_matches(t):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        cands.append(_Cand(m.start("num"), m.end(), sid, m.group("num"), _is_exact(sid, m.group("title"))))
    # heading candidates do not overlap and come in text order: one bisect finds the one a bare
    # title could fall inside
    head_starts = [c.start for c in cands]
    for m in _bare_matches(t):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        p = bisect.bisect_right(head_starts, m.start("title")) - 1
        if p < 0 or not cands[p].start <= m.start("title") < cands[p].end:
            cands.append(_Cand(m.start("title"), m.end(), sid, None, _is_exact(sid, m.group("title"))))
    cands.sort(key=lambda c: c.start)

    canon = [c for c in cands if c.sid != "extra"]
    chosen = _choose(canon, len(t))
    notices: list[Notice] = []

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
