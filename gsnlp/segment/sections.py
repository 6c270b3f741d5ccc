"""The six template sections (and the extra ones of old reports), as spans of the source.

Headings are found in a normalised, region-masked view of the text (so crawler chrome and
full-width punctuation do not matter), by their title phrases, numbered (一、…) anywhere —
crawler output runs headings into the text — or unnumbered alone on a line. One candidate
per section is chosen by dynamic programming: sections in template order, most found,
numbering agreeing, no body shorter than a line (that is a table of contents).
Sub-topics (（一）, 1、, 一是) never match: they lack the "numeral + 、" form or the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gsnlp.doc import Notice, Region, Section
from gsnlp.normalize import NormalizedText
from gsnlp.segment.regions import mask

SECTION_IDS = ("overview", "active_disclosure", "applications", "review_litigation", "problems", "other_matters")
SECTION_TITLES = {
    "overview": "一、总体情况",
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "review_litigation": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
_NUMERALS = "一二三四五六七八九十"

_TITLE_RX = {
    "overview": r"(?:总体情况|概述|基本情况|概况)",
    "active_disclosure": r"(?:政府信息)?主动公开(?:政府信息)?(?:工作)?的?情况",
    "applications": r"(?:收到和处理政府信息公开申请的?情况|(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?的?情况)",
    "review_litigation": r"[^。\n]{0,16}?行政\S?复议[^。\n]{0,12}?行政\S?诉讼[^。\n]{0,4}?情况",
    "problems": r"(?:政府信息公开工作)?存在的?(?:主要)?问题(?:及|和|与)?(?:改进|整改)(?:情况|措施)",
    "other_matters": r"(?:其他|其它)需要报告的事项",
    "extra": r"(?:政府信息公开的?收费及减免情况|[^。\n]{0,12}统计表|[^。\n]{0,8}重点领域[^。\n]{0,10}情况)",
}
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
_BARE_HINT = re.compile(r"(?:情况|措施|事项|概述|概况|统计表)[ \t]*$", re.M)
_PROBLEMS_SUB = re.compile(r"^[ \t]*[(（][一二][)）][^\n]{0,24}?存在[^\n]{0,12}?问题", re.M)


@dataclass(frozen=True, slots=True)
class _Cand:
    start: int  # view offsets
    end: int
    sid: str
    num: str | None


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
        cands.append(_Cand(m.start("num"), m.end(), sid, m.group("num")))
    for m in _bare_matches(t):
        sid = next(k for k in _TITLE_RX if m.group(k) is not None)
        if not any(c.start <= m.start("title") < c.end for c in cands):
            cands.append(_Cand(m.start("title"), m.end(), sid, None))
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
        m = _PROBLEMS_SUB.search(t, lo, hi)
        if m:
            s = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
            chosen.append(_Cand(s, s, "problems", None))
            chosen.sort(key=lambda c: c.start)
            a, b = view.span_to_source(s, m.end())
            notices.append(Notice("sections.heading_inferred",
                                  "section 五 (problems) has no heading; it is taken to start at the sub-heading "
                                  f"{text[a:b].strip()!r}", a, b))

    # Extra headings of old reports, between chosen ones, also end the section before them.
    chosen_starts = {c.start for c in chosen}
    extras = [c for c in cands if c.sid == "extra" and c.start not in chosen_starts and c.num is not None]
    allc = sorted(chosen + extras, key=lambda c: c.start)

    sections: list[Section] = []
    for i, c in enumerate(allc):
        end_view = allc[i + 1].start if i + 1 < len(allc) else len(t)
        s0, _ = view.span_to_source(c.start, c.start + 1) if c.end > c.start else (view.to_source(c.start), 0)
        body0 = view.to_source(c.end)
        e0 = view.to_source(end_view)
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


def _choose(cands: list[_Cand], n: int) -> list[_Cand]:
    """Best increasing choice: one candidate per section id, in template order."""
    if not cands:
        return []
    order = {sid: i for i, sid in enumerate(SECTION_IDS)}
    k = len(cands)

    def own(c: _Cand) -> float:
        s = 0.0
        if c.num is not None:
            s += 2.0 if c.num == _expected_num(order[c.sid]) else 1.0
        return s

    best = [0.0] * k
    prev = [-1] * k
    for j, c in enumerate(cands):
        best[j] = 1000 + own(c)
        for i in range(j):
            a = cands[i]
            if a.start < c.start and order[a.sid] < order[c.sid] and a.end <= c.start:
                gap = c.start - a.end
                pen = 0.0 if gap >= 20 else -600.0  # a body shorter than a line: a table of contents
                # a body that holds headings of later sections is a table of contents
                pen -= 500.0 * sum(1 for x in cands[i + 1 : j] if order[x.sid] > order[a.sid])
                v = best[i] + 1000 + own(c) + pen
                if v > best[j]:
                    best[j], prev[j] = v, i
    # the last section's body runs to the end
    score = [best[j] + (0.0 if n - cands[j].end >= 2 else -600.0) for j in range(k)]
    j = max(range(k), key=lambda x: (score[x], -x))
    out = []
    while j >= 0:
        out.append(cands[j])
        j = prev[j]
    return out[::-1]
