"""Running the rules: one report, or several (then the years of one agency are compared)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from gsnlp.check.agency import agency_key
from gsnlp.check.context import KIND_NAMES, TABLE_NAMES, Context, YearsContext
from gsnlp.check.finding import SEVERITY_RANK, Finding
from gsnlp.check.registry import all_rules
from gsnlp.doc import Report
from gsnlp.tables.template import table_def

COMPLETENESS_RULE = "completeness.v1"


def _figures(report: Report) -> tuple[list[Any] | None, str | None]:
    try:
        from gsnlp.figures import extract_report
    except ImportError as e:
        return None, f"叙述数字抽取器不可用（{e}）"
    try:
        return list(extract_report(report)), None
    except ImportError as e:  # a missing optional library (MissingExtraError)
        return None, f"叙述数字抽取器不可用（{e}）"


def _completeness(ctx: Context, second_opinion: dict[str, list[Finding]] | None = None) -> list[Finding]:
    """One finding per table whose cells some rule needed but which are not numbers, the cells
    grouped by row; with it, where blank cells were among them, the lenient second opinion
    (``second_opinion``: what those rules say if the blanks are zeros), shown beside the strict
    result and never replacing it."""
    by_table: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for addr in ctx.incomplete:
        if ":" in addr:  # a cell of another report (cy.*): reported with that report
            continue
        table_id, _, rest = addr.partition("/")
        by_table[table_id][rest.rpartition("/")[0]].append(addr)
    out = []
    ctx.rule, ctx.severity = COMPLETENESS_RULE, "warning"
    for table_id, rows in sorted(by_table.items()):
        addrs = sorted(a for row in rows.values() for a in row)
        rules = sorted(set().union(*(ctx.incomplete[a] for a in addrs)))
        if any(a.endswith("/*") for a in addrs) or "*" in rows:
            out.append(ctx.finding("fail", f"报告没有可核对的{TABLE_NAMES.get(table_id, table_id)}，相关规则均无法核对。",
                                   instance=f"table {table_id}", kind="completeness", origin="source",
                                   details={"rules": rules}))
            continue
        kinds = sorted({ctx.cell(a).kind for a in addrs})
        parts = []
        for row in _template_order(ctx, table_id, rows):
            row_addrs = rows[row]
            rk = sorted({ctx.cell(a).kind for a in row_addrs})
            what = "、".join(KIND_NAMES.get(k, k) for k in rk)
            label = ctx.label(row_addrs[0]).split("「", 1)[-1]
            label = label.split("」行", 1)[0] if "」行" in label else label.split("·", 1)[0]
            parts.append(f"「{label}」{len(row_addrs)}格{what}")
        origin = "extraction" if "ambiguous" in kinds else "source"
        msg = (f"{TABLE_NAMES.get(table_id, table_id)}有{len(addrs)}个单元格不是数字（{'；'.join(parts)}），"
               f"规则 {', '.join(rules)} 的相应部分因此无法核对。")
        details: dict[str, Any] = {"rules": rules, "cells": addrs, "rows": {r: sorted(a) for r, a in sorted(rows.items())}}
        if ctx.blank_as_zero:
            msg += "（宽松模式只把空白读作0，其余仍无法核对）"
        elif second_opinion and "blank" in kinds:
            opinion = second_opinion.get(table_id, [])
            if opinion:
                bad = [f for f in opinion if f.status == "fail"]
                held = [f for f in opinion if f.status == "pass"]
                if bad:
                    msg += (f"若把空白按0计：{len(held)}项成立，{len(bad)}项不成立（"
                            + "；".join(f"{f.rule_id} {f.instance}" for f in bad[:5])
                            + ("等" if len(bad) > 5 else "") + "）。")
                elif held:
                    msg += f"若把空白按0计：这些核对全部成立（{len(held)}项）。"
                details["if_blank_zero"] = [{"rule": f.rule, "instance": f.instance, "status": f.status,
                                             "message": f.message} for f in opinion]
        out.append(ctx.finding("fail", msg, instance=f"table {table_id}", kind="completeness", origin=origin,
                               evidence=[ctx.cell_evidence(a, "missing") for a in addrs],
                               expected="number", observed="、".join(KIND_NAMES.get(k, k) for k in kinds),
                               details=details))
    # the lenient mode never drops a blank silently: each table's cells read as 0 are on record
    ztabs: dict[str, list[str]] = defaultdict(list)
    for addr in ctx.zeroed:
        ztabs[addr.partition("/")[0]].append(addr)
    for table_id, addrs in sorted(ztabs.items()):
        addrs = sorted(addrs)
        zr = sorted(set().union(*(ctx.zeroed[a] for a in addrs)))
        out.append(ctx.finding("fail", f"{ctx.label(addrs[0])}等{len(addrs)}个空白单元格按0计算（--blank-as-zero），"
                               f"规则 {', '.join(zr)} 的结论依赖这一假定。", instance=f"table {table_id} blank_as_zero",
                               kind="completeness", severity="info", origin="source", lenient=True,
                               evidence=[ctx.cell_evidence(a, "read_as_zero") for a in addrs],
                               expected="number", observed="blank", details={"rules": zr, "cells": addrs}))
    return out


def _template_order(ctx: Context, table_id: str, rows: dict[str, list[str]]) -> list[str]:
    """The row ids of ``rows`` in the order of the template (unknown ones last, by name)."""
    try:
        order = {r.id: i for i, r in enumerate(table_def(ctx.template(table_id) or "2021", table_id).rows)}
    except (KeyError, ValueError):
        order = {}
    return sorted(rows, key=lambda r: (order.get(r, len(order)), r))


def _second_opinion(report: Report, ctx: Context, selected: Sequence[Any], strict: list[Finding],
                    figures: Sequence[Any] | None) -> dict[str, list[Finding]]:
    """Table id -> what the rules that stopped at a blank cell of that table say when blanks are 0
    (only the instances the strict reading could not assess)."""
    blank_rules: dict[str, set[str]] = defaultdict(set)
    for addr, names in ctx.incomplete.items():
        if ":" not in addr and ctx.cell(addr).kind == "blank":
            blank_rules[addr.partition("/")[0]].update(names)
    if not blank_rules:
        return {}
    wanted = set().union(*blank_rules.values())
    undecided = {(f.rule, f.instance) for f in strict if f.status == "not_assessable"}
    lctx = Context(report, True, figures)
    lenient: dict[tuple[str, str], Finding] = {}
    for r in selected:
        if r.name not in wanted or (r.needs_figures and figures is None):
            continue
        lctx.rule, lctx.severity = r.name, r.severity
        for f in r.func(lctx):
            if (f.rule, f.instance) in undecided:
                lenient[(f.rule, f.instance)] = f
    out: dict[str, list[Finding]] = {}
    for table_id, names in blank_rules.items():
        out[table_id] = [f for (rn, _), f in sorted(lenient.items()) if rn in names]
    return out


# One finding per cause (RULES.md): where a more specific rule fails on an instance, the failure of
# the general rule it names on the same instance is the same problem seen more broadly (a 表四
# block total left at 0 also breaks the block's sum). It is kept as a detail of the specific
# finding (``details["also_fails"]``), not reported a second time.
SUBSUMES: dict[str, tuple[str, ...]] = {"t4.total_left_zero": ("t4.block_total",)}


def one_per_cause(findings: list[Finding]) -> list[Finding]:
    """``findings`` with each failure that a more specific failure on the same instance explains
    folded into that finding (``SUBSUMES``); everything else unchanged and in order."""
    specific = {(f.rule_id, f.instance): i for i, f in enumerate(findings)
                if f.status == "fail" and f.rule_id in SUBSUMES}
    if not specific:
        return findings
    folded: dict[int, list[Finding]] = defaultdict(list)
    drop: set[int] = set()
    for i, f in enumerate(findings):
        if f.status != "fail":
            continue
        for (rule_id, instance), j in specific.items():
            if f.instance == instance and f.rule_id in SUBSUMES[rule_id] and f.doc == findings[j].doc:
                folded[j].append(f)
                drop.add(i)
                break
    out = []
    for i, f in enumerate(findings):
        if i in drop:
            continue
        if i in folded:
            also = [{"rule": g.rule, "message": g.message, "expected": None if g.expected is None else str(g.expected),
                     "observed": None if g.observed is None else str(g.observed), "origin": g.origin}
                    for g in folded[i]]
            said = "；".join(g.message.rstrip("。") for g in folded[i])
            f = replace(f, message=f"{f.message}（同一原因，不另报：{said}。）", details={**f.details, "also_fails": also})
        out.append(f)
    return out


def check_report(report: Report, *, rules: Iterable[str] | None = None, blank_as_zero: bool = False,
                 figures: Sequence[Any] | None = None) -> list[Finding]:
    """Every report rule on ``report``, then the completeness findings.

    ``figures`` are the narrative figures (``gsnlp.figures``); extracted here when None and
    an NT rule is selected.
    """
    selected = all_rules("report", rules)
    fig_error = None
    if figures is None and any(r.needs_figures for r in selected):
        figures, fig_error = _figures(report)
    ctx = Context(report, blank_as_zero, figures)
    out: list[Finding] = []
    for r in selected:
        ctx.rule, ctx.severity = r.name, r.severity
        if r.needs_figures and figures is None:
            out.append(ctx.finding("not_assessable", f"无法核对叙述与表格：{fig_error}。", instance="report"))
            continue
        out.extend(r.func(ctx))
    out = one_per_cause(out)
    opinion = None if blank_as_zero else _second_opinion(report, ctx, selected, out, figures)
    ctx.rule, ctx.severity = COMPLETENESS_RULE, "warning"
    out.extend(_completeness(ctx, opinion))
    return out


def check_years(reports: Sequence[Report], *, rules: Iterable[str] | None = None,
                blank_as_zero: bool = False) -> list[Finding]:
    """The CY rules over reports grouped by agency (``Report.meta.agency``) and year."""
    groups: dict[str, dict[int, list[Report]]] = defaultdict(lambda: defaultdict(list))
    for rep in reports:
        k = agency_key(rep.meta.agency)
        if k is not None and rep.meta.year is not None:
            groups[k][rep.meta.year].append(rep)
    out: list[Finding] = []
    selected = all_rules("years", rules)
    for k, by_year in groups.items():
        if len(by_year) < 2:
            continue
        yc = YearsContext(k, dict(by_year), blank_as_zero)
        for r in selected:
            yc.rule, yc.severity = r.name, r.severity
            out.extend(r.func(yc))
    return out


def check_reports(reports: Sequence[Report], *, rules: Iterable[str] | None = None, blank_as_zero: bool = False,
                  figures: dict[str, Sequence[Any]] | None = None) -> dict[str, list[Finding]]:
    """Findings per report (by ``doc_id``): the report rules, and the CY rules across years."""
    rules = list(rules) if rules is not None else None
    rep_rules = [r for r in (rules or []) if any(x.name == r or x.id == r or x.family == r
                                                for x in all_rules("report"))] if rules else None
    yr_rules = [r for r in (rules or []) if any(x.name == r or x.id == r or x.family == r
                                               for x in all_rules("years"))] if rules else None
    out: dict[str, list[Finding]] = {}
    for rep in reports:
        if rules is not None and not rep_rules:
            out[rep.doc_id] = []
            continue
        out[rep.doc_id] = check_report(rep, rules=rep_rules, blank_as_zero=blank_as_zero,
                                       figures=(figures or {}).get(rep.doc_id))
    if rules is None or yr_rules:
        for f in check_years(reports, rules=yr_rules, blank_as_zero=blank_as_zero):
            out.setdefault(f.doc, []).append(f)
    return out


def worst(findings: Iterable[Finding]) -> str | None:
    """The highest severity among failing findings (None when nothing failed)."""
    sev = [f.severity for f in findings if f.status == "fail"]
    return max(sev, key=SEVERITY_RANK.__getitem__) if sev else None


def at_or_above(findings: Iterable[Finding], level: str) -> list[Finding]:
    return [f for f in findings if f.status == "fail" and SEVERITY_RANK[f.severity] >= SEVERITY_RANK[level]]
