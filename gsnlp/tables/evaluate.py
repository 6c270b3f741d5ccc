"""Compare parsed tables with a gold file (corpora/gold/tables/FORMAT.md), cell by cell."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from gsnlp.doc import Report


@dataclass
class CellDiff:
    table: str
    address: str
    gold: dict[str, Any]
    got: dict[str, Any]


@dataclass
class Score:
    doc: str
    right: int = 0
    total: int = 0
    diffs: list[CellDiff] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def load_gold(path: str | Path) -> dict[str, Any]:
    gold: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    return gold


def _same(gold: dict[str, Any], got: dict[str, Any]) -> bool:
    if gold["kind"] != got["kind"]:
        return False
    if gold["kind"] == "number":
        return Decimal(gold["value"]) == Decimal(got["value"])
    if gold["kind"] == "ambiguous" and gold.get("candidates") and got.get("candidates"):
        return sorted(map(Decimal, gold["candidates"])) == sorted(map(Decimal, got["candidates"]))
    return True


def score(report: Report, gold: dict[str, Any]) -> Score:
    s = Score(gold["doc"])
    for tid, cells in gold["tables"].items():
        table = report.tables.get(tid)
        for addr, g in cells.items():
            s.total += 1
            got = table.cells[addr].to_dict() if table is not None and addr in table.cells else {"kind": "absent",
                                                                                                  "value": None}
            if _same(g, got):
                s.right += 1
            else:
                s.diffs.append(CellDiff(tid, addr, g, got))
    return s
