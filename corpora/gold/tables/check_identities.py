"""Recompute the template identities from the GOLD numbers of gold table files (never runs the gsnlp parser).

    python corpora/gold/tables/check_identities.py [GOLD.json ...] [--json]

With no file arguments every ``*.json`` next to this script is checked. For each file it prints the identities
that FAIL with the gold numbers (these are contradictions of the report as printed: the gold keeps what the
report states) and how many could not be decided because a cell is ``ambiguous``.

Identities (TEMPLATE.md):
- ``row_total/<row>``: applications row, total = sum of the six applicant columns;
- ``balance/<column>``: new_received + carried_over = total_processed + carried_forward;
- ``results/<column>``: total_processed = sum of the result rows;
- ``block/<block>``: review_litigation, upheld + corrected + other + pending = total.

A ``blank`` or ``absent`` cell counts as 0 inside a sum (a row the report does not print adds nothing), but
an identity whose own total or whose every part is blank/absent is not checked. An ``ambiguous`` cell makes
the identity undecided (reported as such, never as a failure). ``not_applicable`` and ``text`` cells also
make it undecided.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

Cell = dict[str, Any]

HERE = Path(__file__).resolve().parent
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org")
COLUMNS = APPLICANTS + ("total",)
BLOCKS = ("review", "litigation_direct", "litigation_after_review")
PARTS = ("upheld", "corrected", "other", "pending")
FLOW = ("new_received", "carried_over", "total_processed", "carried_forward")


@dataclass(frozen=True, slots=True)
class Result:
    doc: str
    failed: tuple[str, ...]
    undecided: tuple[str, ...]
    checked: int


class _Undecided(Exception):
    pass


def _val(cell: Cell | None, *, zero_if_missing: bool) -> Decimal | None:
    """The number of a gold cell; None for blank/absent (0 inside a sum when zero_if_missing)."""
    if cell is None or cell["kind"] in ("blank", "absent"):
        return Decimal(0) if zero_if_missing else None
    if cell["kind"] == "number":
        return Decimal(cell["value"])
    raise _Undecided


def _rows(app: dict[str, Cell]) -> list[str]:
    seen: list[str] = []
    for addr in app:
        row = addr.rsplit("/", 1)[0]
        if row not in seen:
            seen.append(row)
    return seen


def check(gold: dict[str, Any]) -> Result:
    failed: list[str] = []
    undecided: list[str] = []
    n = 0

    def judge(name: str, total: Cell | None, parts: list[Cell | None]) -> None:
        nonlocal n
        try:
            t = _val(total, zero_if_missing=False)
            ps = [_val(p, zero_if_missing=True) for p in parts]
            printed = [p for p in parts if p is not None and p["kind"] not in ("blank", "absent")]
        except _Undecided:
            undecided.append(name)
            return
        if t is None or not printed:
            return
        n += 1
        if sum(p for p in ps if p is not None) != t:
            failed.append(name)

    app = gold["tables"]["applications"]
    rows = _rows(app)
    results = [r for r in rows if r not in FLOW]
    for row in rows:
        judge(f"row_total/{row}", app.get(f"{row}/total"), [app.get(f"{row}/{c}") for c in APPLICANTS])
    for c in COLUMNS:
        # new_received + carried_over = total_processed + carried_forward, written as a sum equal to a total:
        # (new_received + carried_over) - carried_forward = total_processed
        try:
            left = [_val(app.get(f"{r}/{c}"), zero_if_missing=True) for r in ("new_received", "carried_over")]
            right = [_val(app.get(f"{r}/{c}"), zero_if_missing=True) for r in ("total_processed", "carried_forward")]
            present = [app.get(f"{r}/{c}") for r in FLOW]
        except _Undecided:
            undecided.append(f"balance/{c}")
        else:
            if any(p is not None and p["kind"] == "number" for p in present):
                n += 1
                if sum(x for x in left if x is not None) != sum(x for x in right if x is not None):
                    failed.append(f"balance/{c}")
        judge(f"results/{c}", app.get(f"total_processed/{c}"), [app.get(f"{r}/{c}") for r in results])
    rev = gold["tables"]["review_litigation"]
    for b in BLOCKS:
        judge(f"block/{b}", rev.get(f"{b}/total"), [rev.get(f"{b}/{p}") for p in PARTS])
    return Result(gold["doc"], tuple(failed), tuple(undecided), n)


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    files = [Path(a) for a in argv if a != "--json"] or sorted(HERE.glob("*.json"))
    out = []
    for f in files:
        r = check(json.loads(f.read_text(encoding="utf-8")))
        out.append(r)
        if not as_json:
            status = "FAIL " + ", ".join(r.failed) if r.failed else "ok"
            extra = f" (undecided: {', '.join(r.undecided)})" if r.undecided else ""
            print(f"{r.doc}: {r.checked} identities checked, {status}{extra}")
    if as_json:
        rows = [{"doc": r.doc, "checked": r.checked, "failed": list(r.failed), "undecided": list(r.undecided)} for r in out]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
