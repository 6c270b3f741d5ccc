"""Derived indicators of RULES.md: reported beside the findings, never pass/fail.

实质公开率 = (granted + partially_granted) / total_processed; 不予公开率 = sum(denied.*) /
total_processed; 复议纠错率 = review/corrected / (review/total − review/pending); 诉讼纠错率
likewise over both litigation blocks; 申请量 = new_received/total. An indicator whose cells are
not all numbers (or whose base is 0) is left out, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gsnlp.doc import Report
from gsnlp.tables.template import table_def


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    value: Decimal
    numerator: Decimal
    denominator: Decimal | None
    cells: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "value": str(self.value), "numerator": str(self.numerator),
                "denominator": None if self.denominator is None else str(self.denominator), "cells": list(self.cells)}


def _v(report: Report, addr: str) -> Decimal | None:
    tid, _, rest = addr.partition("/")
    t = report.tables.get(tid)
    c = t.cells.get(rest) if t is not None and t.found else None
    return c.value if c is not None and c.kind == "number" else None


def _ratio(report: Report, id_: str, label: str, num: Sequence[str], den_plus: Sequence[str],
           den_minus: Sequence[str] = ()) -> Indicator | None:
    vals: dict[str, Decimal] = {}
    for a in [*num, *den_plus, *den_minus]:
        v = _v(report, a)
        if v is None:
            return None
        vals[a] = v
    n = sum((vals[a] for a in num), Decimal(0))
    d = sum((vals[a] for a in den_plus), Decimal(0)) - sum((vals[a] for a in den_minus), Decimal(0))
    if d <= 0:
        return None
    return Indicator(id_, label, (n / d).quantize(Decimal("0.0001")), n, d, tuple(vals))


def indicators(report: Report) -> list[Indicator]:
    """The derived indicators that the report's tables allow."""
    out: list[Indicator | None] = []
    t = report.tables.get("applications")
    if t is not None and t.found and t.template in ("2021", "2019"):
        rows = [r.id for r in table_def(t.template, "applications").rows]
        tp = ["applications/total_processed/total"]
        out.append(_ratio(report, "substantive_disclosure_rate", "实质公开率",
                          ["applications/granted/total", "applications/partially_granted/total"], tp))
        out.append(_ratio(report, "denial_rate", "不予公开率",
                          [f"applications/{r}/total" for r in rows if r.startswith("denied.")], tp))
        nr = _v(report, "applications/new_received/total")
        if nr is not None:
            out.append(Indicator("applications", "本年新收申请量", nr, nr, None, ("applications/new_received/total",)))
    r = report.tables.get("review_litigation")
    if r is not None and r.found and r.template in ("2021", "2019"):
        out.append(_ratio(report, "review_correction_rate", "复议纠错率", ["review_litigation/review/corrected"],
                          ["review_litigation/review/total"], ["review_litigation/review/pending"]))
        lit = ("litigation_direct", "litigation_after_review")
        out.append(_ratio(report, "litigation_correction_rate", "诉讼纠错率",
                          [f"review_litigation/{b}/corrected" for b in lit], [f"review_litigation/{b}/total" for b in lit],
                          [f"review_litigation/{b}/pending" for b in lit]))
    return [i for i in out if i is not None]
