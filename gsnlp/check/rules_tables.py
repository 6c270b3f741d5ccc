"""T3, T4 and T2: the three template tables (RULES.md)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from gsnlp.check.agency import may_make_regulations
from gsnlp.check.context import TABLE_NAMES, Context, fmt
from gsnlp.check.finding import Finding
from gsnlp.check.registry import rule
from gsnlp.template.tables import APPLICANT_COLUMN_NAMES, LEGAL_PERSON_COLUMNS, REVIEW_COLUMNS, result_rows, table_def
from gsnlp.template.identities import identities

APP_COLUMNS = ("natural_person",) + LEGAL_PERSON_COLUMNS + ("total",)
COLUMN_ZH = APPLICANT_COLUMN_NAMES  # defined once, in gsnlp.template.tables
BLOCK_ZH = {"review": "行政复议", "litigation_direct": "行政诉讼（未经复议直接起诉）",
            "litigation_after_review": "行政诉讼（复议后起诉）"}


def _no_table(ctx: Context, table_id: str, what: str) -> Finding:
    t = ctx.report.tables.get(table_id)
    why = "报告没有该统计表" if t is None or not t.found else f"表格模板“{t.template}”不是2019/2021模板"
    ctx.incomplete.setdefault(f"{table_id}/*", set()).add(ctx.rule)
    return ctx.finding("not_assessable", f"无法核对{what}：{why}。", instance="table",
                       details={"missing": [f"{table_id}/*"]})


def _a(row: str, col: str) -> str:
    return f"applications/{row}/{col}"


# ---- T3 -------------------------------------------------------------------------------

@rule("t3.identity.v1", severity="error", title="表三勾稽关系：新收+上年结转=办理结果总计+结转下年度")
def t3_identity(ctx: Context) -> Iterator[Finding]:
    if ctx.template("applications") is None:
        yield _no_table(ctx, "applications", "表三勾稽关系")
        return
    for ident in identities(ctx.template("applications") or "2021", "applications"):
        if ident.family == "balance":
            yield ctx.equation(ident.name, ident.lhs, ident.rhs, ident.zh)


@rule("t3.results_total.v1", severity="error", title="表三办理结果各项之和等于（七）总计")
def t3_results_total(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("applications")
    if tmpl is None:
        yield _no_table(ctx, "applications", "表三办理结果合计")
        return
    for ident in identities(tmpl, "applications"):
        if ident.family == "results":
            yield ctx.equation(ident.name, ident.lhs, ident.rhs, ident.zh)


@rule("t3.cross_foot.v1", severity="error", title="表三每行：总计=自然人+法人或其他组织")
def t3_cross_foot(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("applications")
    if tmpl is None:
        yield _no_table(ctx, "applications", "表三行合计")
        return
    for ident in identities(tmpl, "applications"):
        if ident.family == "row":
            yield ctx.equation(ident.name, ident.lhs, ident.rhs, ident.zh)


def _domain(ctx: Context, table_id: str, allow_negative: tuple[str, ...] = (),
            integer_exempt: tuple[str, ...] = ()) -> Iterator[Finding]:
    t = ctx.table(table_id)
    assert t is not None
    bad = 0
    n = 0
    for addr_rest, c in t.cells.items():
        if c.kind != "number" or c.value is None:
            continue
        n += 1
        col = addr_rest.rsplit("/", 1)[1]
        addr = f"{table_id}/{addr_rest}"
        problems = []
        if c.value < 0 and col not in allow_negative:
            problems.append("为负数")
        if c.value != c.value.to_integral_value() and col not in integer_exempt:
            problems.append("不是整数")
        if problems:
            bad += 1
            yield ctx.finding("fail", f"{ctx.label(addr)}为“{c.raw or fmt(c.value)}”，{'、'.join(problems)}；"
                              "件数应为非负整数。", instance=f"cell {addr_rest}", expected="非负整数",
                              observed=c.value, evidence=[ctx.cell_evidence(addr, "cell")], origin="source")
    if not bad:
        yield ctx.finding("pass", f"{TABLE_NAMES[table_id]}全部{n}个数字均为非负整数。",
                          instance="table", details={"numbers": n})


@rule("t3.domain.v1", severity="error", title="表三每个数字都是非负整数")
def t3_domain(ctx: Context) -> Iterator[Finding]:
    if ctx.template("applications") is None:
        yield _no_table(ctx, "applications", "表三数值范围")
        return
    yield from _domain(ctx, "applications")


@rule("t3.bounds.v1", severity="error", title="表三上下界：结转下年度不超过新收+上年结转；各办理结果不超过总计")
def t3_bounds(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("applications")
    if tmpl is None:
        yield _no_table(ctx, "applications", "表三上下界")
        return
    fails = 0
    assessed = 0
    for c in APP_COLUMNS:
        addrs = [_a("carried_forward", c), _a("new_received", c), _a("carried_over", c)]
        vals, missing, lenient = ctx.values(addrs)
        if vals is None:
            yield ctx.not_assessable(f"carried_forward {c}", missing, what="结转下年度上界")
            continue
        assessed += 1
        cap = vals[addrs[1]] + vals[addrs[2]]
        if vals[addrs[0]] > cap:
            fails += 1
            yield ctx.finding("fail", f"表三「{COLUMN_ZH[c]}」列结转下年度{fmt(vals[addrs[0]])}件，超过本年新收与上年结转之和"
                              f"{fmt(cap)}件。", instance=f"carried_forward {c}", expected=cap,
                              observed=vals[addrs[0]], evidence=[ctx.cell_evidence(a) for a in addrs],
                              origin="source", lenient=lenient, details={"relation": "<="})
        for r in result_rows(tmpl):
            pair = [_a(r, c), _a("total_processed", c)]
            v2, _missing, len2 = ctx.values(pair)
            if v2 is None:
                continue  # the sum rule already reports the missing cells
            assessed += 1
            if v2[pair[0]] > v2[pair[1]]:
                fails += 1
                yield ctx.finding("fail", f"{ctx.label(pair[0])}为{fmt(v2[pair[0]])}件，超过该列（七）总计"
                                  f"{fmt(v2[pair[1]])}件。", instance=f"row {r} {c}", expected=v2[pair[1]],
                                  observed=v2[pair[0]], evidence=[ctx.cell_evidence(a) for a in pair],
                                  origin="source", lenient=len2, details={"relation": "<="})
    if not fails and assessed:
        yield ctx.finding("pass", f"表三{assessed}项上下界关系均成立。", instance="table")


@rule("t3.labels.v1", severity="warning", title="表三每个模板行都能找到")
def t3_labels(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("applications")
    if tmpl is None:
        yield _no_table(ctx, "applications", "表三行标签")
        return
    t = ctx.table("applications")
    assert t is not None
    missing_rows = []
    for r in table_def(tmpl, "applications").rows:
        if all(t.cells.get(f"{r.id}/{c}") is None or t.cells[f"{r.id}/{c}"].kind == "absent" for c in r.columns):
            missing_rows.append(r)
    for r in missing_rows:
        ctx.incomplete.setdefault(_a(r.id, "total"), set()).add(ctx.rule)
        yield ctx.finding("fail", f"表三缺少模板行「{r.group or ''}{r.label}」。", instance=f"row {r.id}",
                          expected=r.label, observed=None, kind="completeness",
                          evidence=[ctx.cell_evidence(_a(r.id, "total"), "missing")], origin="source")
    for w in ctx.report.warnings:
        # the reader's notes on row labels: a known typo or variant (the report's), or a label
        # it could only place by fragment or position (our reading)
        if not w.code.startswith("tables.") or not re.search(r"label|typo|variant|row_by_position", w.code):
            continue
        if "applications" not in w.message and "表三" not in w.message:
            continue
        ours = "fragment" in w.code or "position" in w.code
        ev = [ctx.span_evidence(w.start, w.end, "label")] if w.start is not None and w.end is not None else []
        what = "行标签只能按片段或位置对应（读取存疑）" if ours else "行标签有已知笔误或变体（已容忍）"
        yield ctx.finding("fail", f"表三{what}：{w.message}", instance=f"label {w.code} {w.start}",
                          severity="info", kind="info", evidence=ev, origin="extraction" if ours else "source")
    if not missing_rows:
        yield ctx.finding("pass", f"表三全部{len(table_def(tmpl, 'applications').rows)}个模板行均已找到。",
                          instance="table")


# ---- T4 -------------------------------------------------------------------------------

_REV = tuple(c for c, _ in REVIEW_COLUMNS)


def _r(block: str, col: str) -> str:
    return f"review_litigation/{block}/{col}"


@rule("t4.block_total.v1", severity="error", title="表四每块：维持+纠正+其他+尚未审结=总计")
def t4_block_total(ctx: Context) -> Iterator[Finding]:
    if ctx.template("review_litigation") is None:
        yield _no_table(ctx, "review_litigation", "表四合计")
        return
    for ident in identities(ctx.template("review_litigation") or "2021", "review_litigation"):
        yield ctx.equation(ident.name, ident.lhs, ident.rhs, ident.zh)


@rule("t4.total_left_zero.v1", severity="error", title="表四总计留作0而分项之和大于0")
def t4_total_left_zero(ctx: Context) -> Iterator[Finding]:
    if ctx.template("review_litigation") is None:
        yield _no_table(ctx, "review_litigation", "表四总计")
        return
    for b in BLOCK_ZH:
        addrs = [_r(b, c) for c in _REV]
        vals, missing, lenient = ctx.values(addrs)
        ev = [ctx.cell_evidence(a) for a in addrs]
        if vals is None:
            # counts are non-negative: a total stated as 0 beside a stated part > 0 is left at 0
            # whatever the blank parts hold (RULES.md: decide what can be decided)
            total_c = ctx.cell(addrs[-1])
            known = [ctx.cell(a).value for a in addrs[:-1] if a not in missing]
            stated = sum((v for v in known if v is not None), Decimal(0))
            if addrs[-1] not in missing and total_c.value == 0 and stated > 0 and all(
                    ctx.cell(a).kind in ("blank", "absent", "not_applicable") for a in missing):
                yield ctx.finding("fail", f"表四「{BLOCK_ZH[b]}」总计填0，而已填分项之和已达{fmt(stated)}：总计可能未填写"
                                  "（保留了默认值）。", instance=f"block {b}", expected=stated, observed=Decimal(0),
                                  evidence=ev, origin="source", details={"decided_with_unknowns": list(missing)})
                continue
            yield ctx.not_assessable(f"block {b}", missing, ev, f"表四「{BLOCK_ZH[b]}」总计")
            continue
        parts = sum((vals[a] for a in addrs[:-1]), Decimal(0))
        total = vals[addrs[-1]]
        if total == 0 and parts > 0:
            yield ctx.finding("fail", f"表四「{BLOCK_ZH[b]}」总计填0，而分项之和为{fmt(parts)}：总计可能未填写（保留了默认值）。",
                              instance=f"block {b}", expected=parts, observed=total, evidence=ev, origin="source",
                              lenient=lenient)
        else:
            yield ctx.finding("pass", f"表四「{BLOCK_ZH[b]}」总计不是遗留的0。", instance=f"block {b}",
                              expected=parts, observed=total, evidence=ev, lenient=lenient)


# ---- T2 -------------------------------------------------------------------------------

_UNIT = re.compile(r"(万元|千元|亿元|元|件|项|个|份|次)")


@rule("t2.domain.v1", severity="error", title="表二件数为非负整数，收费非负，单位与模板一致")
def t2_domain(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("active_disclosure")
    if tmpl is None:
        yield _no_table(ctx, "active_disclosure", "表二数值范围")
        return
    # 2019: 本年增/减 may be negative; amounts may be decimals
    yield from _domain(ctx, "active_disclosure", allow_negative=("change",), integer_exempt=("amount",))
    t = ctx.table("active_disclosure")
    assert t is not None
    for addr_rest, c in t.cells.items():
        m = _UNIT.search(c.raw or "")
        if c.kind in ("number", "text") and m:
            col = addr_rest.rsplit("/", 1)[1]
            expected_unit = "万元" if col == "amount" else "件"
            if tmpl == "2019" and col == "amount" and m.group(1).endswith("元"):
                continue  # 采购总金额: the 2019 template names no unit, so 元 and 万元 both agree with it
            if m.group(1) != expected_unit:
                addr = f"active_disclosure/{addr_rest}"
                yield ctx.finding("fail", f"{ctx.label(addr)}写作“{c.raw}”，单位“{m.group(1)}”与模板的“{expected_unit}”不同。",
                                  instance=f"unit {addr_rest}", expected=expected_unit, observed=m.group(1),
                                  evidence=[ctx.cell_evidence(addr)], origin="source", severity="warning")


@rule("t2.regulation_power.v1", severity="warning", title="只有国务院部门和省、设区的市政府能制定规章")
def t2_regulation_power(ctx: Context) -> Iterator[Finding]:
    tmpl = ctx.template("active_disclosure")
    if tmpl is None:
        yield _no_table(ctx, "active_disclosure", "规章制定权")
        return
    cols = ("issued", "in_force") if tmpl == "2021" else ("newly_made",)
    addrs = [f"active_disclosure/regulations/{c}" for c in cols]
    agency = ctx.report.meta.agency
    power = may_make_regulations(agency)
    vals, missing, lenient = ctx.values(addrs)
    ev = [ctx.cell_evidence(a) for a in addrs]
    if vals is None:
        # a run-together row whose every reading is above 0 still says that 规章 were made
        sure = {a: min(Decimal(x) for x in ctx.cell(a).candidates) for a in missing
                if ctx.cell(a).kind == "ambiguous" and ctx.cell(a).candidates
                and all(x.isascii() and x.isdigit() for x in ctx.cell(a).candidates)}
        if power is False and any(v > 0 for v in sure.values()):
            vals = {a: sure.get(a, Decimal(0)) for a in addrs}
            lenient = False
            ev = [ctx.cell_evidence(a) for a in addrs]
        else:
            yield ctx.not_assessable("regulations", missing, ev, "规章数量")
            return
    if power is None:
        yield ctx.finding("not_assessable", f"无法从机关名称“{agency or '（未知）'}”判断其是否有规章制定权。",
                          instance="regulations", evidence=ev)
        return
    positive = [a for a in addrs if vals[a] > 0]
    if positive and not power:
        yield ctx.finding("fail", f"“{agency}”不是国务院部门，也不是省级或设区的市人民政府，没有规章制定权，"
                          f"但表二规章一行填了 {'、'.join(_reg_cell(ctx, a, vals[a]) for a in addrs)}"
                          "（可能把上级规章或规范性文件计入了规章）。",
                          instance="regulations", expected=Decimal(0), observed=max(vals[a] for a in positive),
                          evidence=ev, origin="source", lenient=lenient)
    else:
        yield ctx.finding("pass", "表二规章数量与机关的规章制定权相符。", instance="regulations", evidence=ev,
                          lenient=lenient)


def _reg_cell(ctx: Context, address: str, value: Decimal) -> str:
    c = ctx.cell(address)
    if c.kind == "ambiguous":
        return f"“{c.raw}”（数字连写，可读为{'、'.join(c.candidates)}，都大于0）"
    return fmt(value)


@rule("t2.template_version.v1", severity="warning", title="2021年度起的报告应使用2021年模板")
def t2_template_version(ctx: Context) -> Iterator[Finding]:
    year = ctx.report.meta.year
    used = {t.template for t in ctx.report.tables.values() if t.found} or {ctx.report.meta.template}
    if year is None:
        yield ctx.finding("not_assessable", "报告年度不明，无法判断应使用的模板。", instance="report")
        return
    old = sorted(u for u in used if u.replace("-", "") in ("2019", "pre2019"))
    ev = []
    for t in ctx.report.tables.values():
        if t.found and t.template in old and t.start is not None and t.end is not None:
            ev.append(ctx.span_evidence(t.start, min(t.end, t.start + 40), "table"))
    if year >= 2021 and old:  # 国办公开办函〔2021〕30号 applies from the 2021 reports on
        found = [t for t in ctx.report.tables.values() if t.found]
        stale = [t.id for t in found if t.template in old]
        which = ("统计表" if not stale or len(stale) == len(found)
                 else "、".join(TABLE_NAMES.get(i, i) for i in stale))
        yield ctx.finding("fail", f"{year}年度报告的{which}仍使用{old[0]}年版格式；自2021年度起应使用国办公开办函〔2021〕30号的新模板。",
                          instance="report", expected="2021", observed=old[0], evidence=ev, origin="source",
                          kind="structure")
    elif "unknown" in used and not (used - {"unknown"}):
        yield ctx.finding("not_assessable", "未能识别报告所用的表格模板。", instance="report")
    else:
        yield ctx.finding("pass", f"{year}年度报告使用的表格模板（{'、'.join(sorted(used))}）与年度相符。",
                          instance="report", kind="structure")
