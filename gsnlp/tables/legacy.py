"""Pre-2019 reports: the 统计表 as found, without forcing it into the new schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gsnlp.doc import Region, Section
from gsnlp.segment.regions import mask

_ITEM = re.compile(r"(?P<label>(?:\d{1,2}[、.．])?[\u4e00-\u9fff、，（）()：:]{2,30}?)\s*(?P<unit>条|件|元|个|人次|次)\s*(?P<values>\d+(?:[ \t]+\d+)*)")
# Where an _ITEM match can end its label: a unit followed by a digit. A match's label ends where
# the whitespace before its unit begins and starts at most 30 + 3 (list number) characters before.
_UNIT_DIGIT = re.compile(r"[条件元个次]\s*\d")
_REACH = 33


def _ws_start(s: str, i: int) -> int:
    while i > 0 and s[i - 1].isspace():
        i -= 1
    return i


def _items(masked: str, k: int, end: int) -> Iterator[re.Match[str]]:
    """The matches of ``_ITEM.finditer(masked, k, end)``, trying only starts near a unit.

    Scanning every position with the lazy label is quadratic-ish; a match can only start
    within _REACH characters before a label end (see _UNIT_DIGIT), so only those starts are tried.
    """
    ends: set[int] = set()
    for u in _UNIT_DIGIT.finditer(masked, k, end):
        i = u.start()
        ends.add(_ws_start(masked, i))
        if i > 0 and masked[i - 1] == "人":  # the unit 人次
            ends.add(_ws_start(masked, i - 1))
    pos = k  # no match may start before pos
    tried = k  # starts below this were tried already (or are before pos)
    for e in sorted(ends):
        hi = e - 2  # the label has two characters at least
        s = max(pos, tried, e - _REACH)
        while s <= hi:
            m = _ITEM.match(masked, s, end)
            if m:
                yield m
                pos = tried = m.end()
                break
            s += 1
        else:
            tried = max(tried, hi + 1)


def statistics_table(text: str, sections: tuple[Section, ...] | list[Section], regions: list[Region]) -> dict[str, Any] | None:
    """The 统计表's span and its rows (label, unit, the raw digits that follow, not split)."""
    masked = mask(text, regions)
    k = masked.find("统计表")
    if k < 0:
        k = masked.find("指标名称")
    if k < 0:
        return None
    end = len(masked.rstrip())
    rows = []
    for m in _items(masked, k, end):
        label = m.group("label").strip()
        if "指标名称" in label or "计量" in label:
            continue
        vals = m.group("values").strip()
        rows.append({"label": label, "unit": m.group("unit"), "raw": vals, "values": vals.split() if " " in vals else None,
                     "start": m.start("values"), "end": m.start("values") + len(vals)})
    return {"start": k, "end": end, "rows": rows,
            "note": "values are kept raw: columns run together in crawler text are not split (no arithmetic to split by)"}
