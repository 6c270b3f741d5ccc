"""What a rule sees: the report, its cells by address, and helpers that build Findings.

Every number a rule uses goes through ``Context.values``: a cell that is not a ``number``
makes the instance NOT_ASSESSABLE and is remembered for the completeness findings, unless
the explicit lenient mode ``blank_as_zero`` reads a ``blank`` as 0 (the finding then says so).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gsnlp.check.finding import Evidence, Finding, Value
from gsnlp.doc import ABSENT, Cell, Report, Table
from gsnlp.tables.template import table_def

TABLE_NAMES = {"active_disclosure": "表二（主动公开）", "applications": "表三（依申请公开）",
               "review_litigation": "表四（行政复议、行政诉讼）"}
KIND_NAMES = {"blank": "空白", "not_applicable": "标为不适用", "text": "为文字", "absent": "缺失",
              "ambiguous": "数字连写、拆分不唯一"}
DOUBT_NAMES = {"recovered": "从行外找回", "fuzzy_label": "行名模糊匹配", "aligned": "列位置为推断",
               "split": "连写数字的拆分由算术推定", "ocr": "OCR识别未经算术确认", "shifted": "单元格可能错位",
               "no_values": "行名后未读到数值"}


def fmt(v: Decimal | None) -> str:
    return "—" if v is None else format(v, "f")


@dataclass
class Context:
    report: Report
    blank_as_zero: bool = False
    figures: Sequence[Any] | None = None
    # address -> names of the rules that needed it while it was not a number
    incomplete: dict[str, set[str]] = field(default_factory=dict)
    rule: str = ""
    severity: str = "error"
    doc: str = ""
    # blank cells read as 0 in the lenient mode: address -> rules (each is recorded as a finding)
    zeroed: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.doc = self.report.doc_id  # computed once: findings are many
        self._cells: dict[str, Cell] = {}  # address -> cell: rules look up the same cells many times
        self._cells_of: Report | None = self.report
        self._evidence: dict[tuple[str, str | None], tuple[Cell, Evidence]] = {}

    # ---- cells -------------------------------------------------------------------------
    def table(self, table_id: str) -> Table | None:
        t = self.report.tables.get(table_id)
        return t if t is not None and t.found else None

    def template(self, table_id: str) -> str | None:
        t = self.table(table_id)
        return t.template if t is not None and t.template in ("2021", "2019") else None

    def cell(self, address: str) -> Cell:
        if self._cells_of is not self.report:  # the report was swapped: forget its cells
            self._cells, self._cells_of = {}, self.report
        c = self._cells.get(address)
        if c is None:
            table_id, _, rest = address.partition("/")
            t = self.report.tables.get(table_id)
            c = self._cells[address] = ABSENT if t is None else t.cells.get(rest, ABSENT)
        return c

    def label(self, address: str) -> str:
        """A Chinese label of a cell an auditor recognises: 表三「本年新收…」行「总计」列."""
        table_id, _, rest = address.partition("/")
        row_id, _, col = rest.rpartition("/")
        tname = TABLE_NAMES.get(table_id, table_id)
        tmpl = self.template(table_id) or "2021"
        try:
            tdef = table_def(tmpl, table_id)
            rlabel = tdef.row(row_id).label
            if tdef.rows and tdef.row(row_id).group:
                rlabel = f"{tdef.row(row_id).group}{rlabel}"
            clabel = tdef.column_labels.get(col) or col
        except (KeyError, ValueError):
            rlabel, clabel = row_id, col
        if table_id == "review_litigation":
            return f"{tname}「{rlabel}·{clabel}」"
        return f"{tname}「{rlabel}」行「{clabel}」列"

    def values(self, addresses: Iterable[str]) -> tuple[dict[str, Decimal] | None, list[str], bool]:
        """The numbers of ``addresses``; (None, missing, lenient) when some are not numbers."""
        out: dict[str, Decimal] = {}
        missing: list[str] = []
        lenient = False
        for a in addresses:
            c = self.cell(a)
            if c.kind == "number" and c.value is not None:
                out[a] = c.value
            elif c.kind == "blank" and self.blank_as_zero:
                out[a] = Decimal(0)
                lenient = True
                self.zeroed.setdefault(a, set()).add(self.rule)
            else:
                missing.append(a)
                self.incomplete.setdefault(a, set()).add(self.rule)
        return (None if missing else out), missing, lenient

    def row_readings(self, table_id: str, row_id: str, cols: Sequence[str]) -> list[tuple[Decimal, ...]] | None:
        """Every reading of a row's cells: one when they are numbers, one per candidate split
        of a run-together row (``Table.splits``), None when neither."""
        t = self.table(table_id)
        if t is None:
            return None
        cells = [t.cells.get(f"{row_id}/{c}") for c in cols]
        if all(c is not None and c.kind == "number" for c in cells):
            return [tuple(c.value for c in cells if c is not None and c.value is not None)]
        splits = t.splits.get(row_id)
        if not splits:
            return None
        try:
            row_cols = list(table_def(t.template, table_id).row(row_id).columns)
            idx = [row_cols.index(c) for c in cols]
            return [tuple(Decimal(sp[i]) for i in idx) for sp in splits if len(sp) == len(row_cols)]
        except (KeyError, ValueError, ArithmeticError):
            return None

    def cell_evidence(self, address: str, role: str | None = None, value: Decimal | None = None) -> Evidence:
        c = self.cell(address)
        if value is not None:
            return Evidence("cell", address, c.start, c.end, c.raw, value, c.kind, role, c.where)
        # Evidence is immutable: one object per (cell, role) serves every finding that cites it
        key = (address, role)
        hit = self._evidence.get(key)
        if hit is None or hit[0] is not c:
            hit = self._evidence[key] = (c, Evidence("cell", address, c.start, c.end, c.raw, c.value, c.kind, role,
                                                     c.where))
        return hit[1]

    def span_evidence(self, start: int, end: int, role: str | None = "claim") -> Evidence:
        return Evidence("span", None, start, end, self.report.text[start:end], None, None, role,
                        self._page_of(start))

    def _page_of(self, pos: int) -> dict[str, Any] | None:
        """``{"page": n}`` for a position in the text of a paged source (PDF, OCR): the reader
        records where each page starts (``Report.extra["page_starts"]``, offsets, page 1 first)."""
        starts = self.report.extra.get("page_starts")
        if not starts:
            return None
        from bisect import bisect_right

        return {"page": max(1, bisect_right(starts, pos))}

    # ---- findings ----------------------------------------------------------------------
    def finding(self, status: str, message: str, *, instance: str = "", expected: Value = None,
                observed: Value = None, evidence: Iterable[Evidence] = (), origin: str | None = None,
                kind: str = "consistency", severity: str | None = None, lenient: bool = False,
                details: dict[str, Any] | None = None) -> Finding:
        if lenient:
            message += "（宽松模式：空白单元格按0计）"
        evidence = tuple(evidence)
        if status == "fail":
            doubts = self.doubts(evidence)
            if doubts:  # our reading is in doubt: a reader notice, never an accusation (RULES.md)
                where = "；".join(f"{self.label(a)}（{DOUBT_NAMES.get(r, r)}）" for a, r in sorted(doubts.items()))
                message += f"（读取存疑：{where}。这是读取上的疑问，不是报告的错误，请核对原文。）"
                origin = "extraction"
                details = {**(details or {}), "doubts": dict(sorted(doubts.items()))}
            if origin == "extraction":
                severity = "info"
        return Finding(self.doc, self.rule, status, severity or self.severity, message, expected, observed,
                       evidence, origin if status == "fail" or origin == "extraction" else None, kind,
                       instance, lenient, details or {})

    def doubts(self, evidence: Iterable[Evidence]) -> dict[str, str]:
        """Cell address -> the reading doubt of each cited cell of this report that carries one."""
        out: dict[str, str] = {}
        for e in evidence:
            if e.kind == "cell" and e.ref and e.doc is None:
                c = self.cell(e.ref)
                if c.doubt:
                    out[e.ref] = c.doubt
        return out

    def _decided_despite(self, lhs: Sequence[str], rhs: Sequence[str],
                         missing: Sequence[str]) -> tuple[str, str, Decimal, Decimal] | None:
        """sum(lhs) = sum(rhs) with some cells unknown: a table's counts are non-negative, so the
        equation fails whatever the unknowns when every unknown stands on one side and the known
        numbers of that side already exceed the other side (fully known). None: not decided."""
        unknown_ok = {"blank", "not_applicable", "absent", "ambiguous"}
        if any(self.cell(a).kind not in unknown_ok for a in missing):
            return None  # text (减4 …) may stand for a negative number
        miss = set(missing)
        for side, other, names in ((lhs, rhs, ("等式左边", "等式右边")), (rhs, lhs, ("等式右边", "等式左边"))):
            if miss.isdisjoint(other):
                known = [self.cell(a).value for a in side if a not in miss]
                other_vals = [self.cell(a).value for a in other]
                if any(v is None for v in known + other_vals):
                    return None
                k = sum((v for v in known if v is not None), Decimal(0))
                o = sum((v for v in other_vals if v is not None), Decimal(0))
                if k > o and all(v >= 0 for v in known + other_vals if v is not None):
                    return names[0], names[1], k, o
        return None

    def not_assessable(self, instance: str, missing: Sequence[str], evidence: Iterable[Evidence] = (),
                       what: str = "") -> Finding:
        parts = "；".join(f"{self.label(a)}{KIND_NAMES.get(self.cell(a).kind, self.cell(a).kind)}" for a in missing[:3])
        more = f"等{len(missing)}个单元格" if len(missing) > 3 else ""
        origin = "extraction" if any(self.cell(a).kind == "ambiguous" for a in missing) else None
        ev = list(evidence) or [self.cell_evidence(a, "missing") for a in missing]
        return self.finding("not_assessable", f"无法核对{what}：{parts}{more}，不是数字。", instance=instance,
                            evidence=ev, origin=origin, details={"missing": list(missing)})

    def equation(self, instance: str, lhs: Sequence[str], rhs: Sequence[str], what: str,
                 severity: str | None = None, roles: tuple[str, str] = ("part", "total")) -> Finding:
        """Check sum(lhs) == sum(rhs) over cells; ``what`` describes the relation in Chinese."""
        vals, missing, lenient = self.values(list(lhs) + list(rhs))
        ev = [self.cell_evidence(a, roles[0]) for a in lhs] + [self.cell_evidence(a, roles[1]) for a in rhs]
        if vals is None:
            decided = self._decided_despite(lhs, rhs, missing)
            if decided is None:
                return self.not_assessable(instance, missing, ev, what)
            known_side, other_side, left, right = decided
            names = "、".join(self.label(a) for a in missing[:3]) + (f"等{len(missing)}格" if len(missing) > 3 else "")
            msg = (f"{what}不成立：已填数字的一侧（{known_side}）之和已达 {fmt(left)}，超过另一侧（{other_side}）"
                   f"的 {fmt(right)}；{names}不是数字，但它们取任何非负整数都不能使等式成立。")
            return self.finding("fail", msg, instance=instance, expected=left, observed=right, evidence=ev,
                                origin="source", severity=severity,
                                details={"decided_with_unknowns": list(missing)})
        left = sum((vals[a] for a in lhs), Decimal(0))
        right = sum((vals[a] for a in rhs), Decimal(0))
        if left == right:
            return self.finding("pass", f"{what}成立：{fmt(left)} = {fmt(right)}。", instance=instance,
                                expected=left, observed=right, evidence=ev, severity=severity, lenient=lenient)
        origin, why = guess_origin(self.report, lhs, rhs)
        lt = " + ".join(fmt(vals[a]) for a in lhs)
        rt = " + ".join(fmt(vals[a]) for a in rhs)
        msg = f"{what}不成立：{lt} = {fmt(left)}，而 {rt} = {fmt(right)}，相差 {fmt(abs(left - right))}。"
        if why:
            msg += why
        return self.finding("fail", msg, instance=instance, expected=left, observed=right, evidence=ev,
                            origin=origin, severity=severity, lenient=lenient,
                            details={"difference": str(right - left)})


@dataclass
class YearsContext:
    """The reports of one agency, by year (a year may have several readings: txt and html)."""

    agency: str
    reports: dict[int, list[Report]]
    blank_as_zero: bool = False
    rule: str = ""
    severity: str = "warning"
    incomplete: dict[str, set[str]] = field(default_factory=dict)

    def context(self, report: Report) -> Context:
        return Context(report, self.blank_as_zero, None, self.incomplete, self.rule, self.severity)


# ---- where a failure most likely comes from ---------------------------------------------

def _digits(c: Cell) -> str | None:
    raw = c.raw.strip()
    return raw if c.kind == "number" and raw.isdigit() else None


def _row_parts_total(t: Table, row: str, cols: Sequence[str]) -> tuple[Decimal, Decimal] | None:
    cs = [t.cells.get(f"{row}/{c}") for c in cols]
    if any(c is None or c.kind != "number" or c.value is None for c in cs):
        return None
    vals = [c.value for c in cs if c is not None and c.value is not None]
    return sum(vals[:-1], Decimal(0)), vals[-1]


def drifted_total(report: Report, lhs: Sequence[str], rhs: Sequence[str]) -> str:
    """A row total that moved into a neighbouring row: one row's parts sum to S with a total of 0,
    and the row next to it in the template has parts of 0 with a total of S. Moving the one
    number makes both rows hold, so the layout (a shifted cell), not the report's arithmetic, is
    in doubt. Returns the explanation, or "" when no such drift explains a row of the relation."""
    rows = {(a.partition("/")[0], a.partition("/")[2].rpartition("/")[0]) for a in list(lhs) + list(rhs)}
    for table_id, row in rows:
        t = report.tables.get(table_id)
        if t is None or not t.found:
            continue
        try:
            tdef = table_def(t.template, table_id)
            order = [r.id for r in tdef.rows]
            cols = list(tdef.row(row).columns)
        except (KeyError, ValueError):
            continue
        if row not in order or not cols or cols[-1] != "total":
            continue
        here = _row_parts_total(t, row, cols)
        if here is None:
            continue
        i = order.index(row)
        for j in (i - 1, i + 1):
            if not 0 <= j < len(order):
                continue
            there = _row_parts_total(t, order[j], cols)
            if there is None:
                continue
            (p1, t1), (p2, t2) = here, there
            if (p1 > 0 and t1 == 0 and p2 == 0 and t2 == p1) or (p2 > 0 and t2 == 0 and p1 == 0 and t1 == p2):
                a, b = (tdef.row(x).label for x in ((row, order[j]) if t1 == 0 else (order[j], row)))
                return (f"「{a}」行各列之和为{fmt(max(p1, p2))}而总计为0，相邻的「{b}」行各列为0而总计为"
                        f"{fmt(max(t1, t2))}：很可能是总计错位到了相邻一行（表格排版或读取错位），请核对原表。")
    return ""


def guess_origin(report: Report, lhs: Sequence[str], rhs: Sequence[str]) -> tuple[str, str]:
    """``("extraction", why)`` when our reading of the cells is suspect, else ``("source", "")``.

    Suspect: a row whose digits ran together and had several valid splits; or two cells that
    stand next to each other in the text with no separator and whose concatenation (or the
    reverse split) would make the relation hold.
    """
    cells: dict[str, Cell] = {}
    for a in list(lhs) + list(rhs):
        table_id, _, rest = a.partition("/")
        t = report.tables.get(table_id)
        cells[a] = t.cells.get(rest, ABSENT) if t is not None else ABSENT
        if t is not None:
            row = rest.rpartition("/")[0]
            if len(t.splits.get(row, [])) > 1:
                return "extraction", f"该行数字连写，存在{len(t.splits[row])}种拆分，读取可能有误。"
    drift = drifted_total(report, lhs, rhs)
    if drift:
        return "extraction", drift
    sign = {a: Decimal(1) for a in lhs}
    for a in rhs:
        sign[a] = sign.get(a, Decimal(0)) - 1

    # two neighbouring cells of one row, both one digit: was a two-digit number split in two?
    def total(over: dict[str, Decimal]) -> Decimal:
        return sum((sign[a] * over.get(a, cells[a].value or Decimal(0)) for a in sign), Decimal(0))

    seen: set[tuple[str, str]] = set()
    for a in list(cells):
        table_id, _, rest = a.partition("/")
        row = rest.rpartition("/")[0]
        t = report.tables.get(table_id)
        if t is None or (table_id, row) in seen:
            continue
        seen.add((table_id, row))
        try:
            cols = table_def(t.template, table_id).row(row).columns
        except Exception:
            continue
        for ca_id, cb_id in zip(cols, cols[1:]):
            aa, bb = f"{table_id}/{row}/{ca_id}", f"{table_id}/{row}/{cb_id}"
            if aa not in sign and bb not in sign:
                continue
            for x in (aa, bb):
                if x not in cells:
                    cells[x] = t.cells.get(f"{row}/{x.rsplit('/', 1)[1]}", ABSENT)
                    sign.setdefault(x, Decimal(0))
            da, db = _digits(cells[aa]), _digits(cells[bb])
            if not da or not db or len(da) != 1 or len(db) != 1 or da == "0":
                continue
            joined = Decimal(da + db)
            for over, into in (({aa: joined, bb: Decimal(0)}, aa), ({aa: Decimal(0), bb: joined}, bb)):
                if sign[into] != 0 and total(over) == 0:
                    return "extraction", (f"同一行相邻两格“{da}”“{db}”若合读为{da}{db}，等式即成立："
                                          "可能是读取时把一个两位数拆成了两格。")
    return "source", ""
