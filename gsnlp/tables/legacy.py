"""Pre-2019 reports: the 统计表 as found, without forcing it into the new schema."""

from __future__ import annotations

import re
from typing import Any

from gsnlp.doc import Region, Section
from gsnlp.segment.regions import mask

_ITEM = re.compile(r"(?P<label>(?:\d{1,2}[、.．])?[\u4e00-\u9fff、，（）()：:]{2,30}?)\s*(?P<unit>条|件|元|个|人次|次)\s*(?P<values>\d+(?:[ \t]+\d+)*)")


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
    for m in _ITEM.finditer(masked, k, end):
        label = m.group("label").strip()
        if "指标名称" in label or "计量" in label:
            continue
        vals = m.group("values").strip()
        rows.append({"label": label, "unit": m.group("unit"), "raw": vals, "values": vals.split() if " " in vals else None,
                     "start": m.start("values"), "end": m.start("values") + len(vals)})
    return {"start": k, "end": end, "rows": rows,
            "note": "values are kept raw: columns run together in crawler text are not split (no arithmetic to split by)"}
