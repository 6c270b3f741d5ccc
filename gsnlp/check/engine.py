"""Running the rules: one report, or several (then the years of one agency are compared)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from gsnlp.check.agency import agency_key
from gsnlp.check.context import KIND_NAMES, Context, YearsContext
from gsnlp.check.finding import SEVERITY_RANK, Finding
from gsnlp.check.registry import all_rules
from gsnlp.doc import Report

COMPLETENESS_RULE = "completeness.v1"


def _figures(report: Report) -> tuple[list[Any] | None, str | None]:
    try:
        from gsnlp.figures import extract_report  # type: ignore[attr-defined]
    except ImportError as e:
        return None, f"叙述数字抽取器不可用（{e}）"
    try:
        return list(extract_report(report)), None
    except ImportError as e:  # a missing optional library (MissingExtraError)
        return None, f"叙述数字抽取器不可用（{e}）"


def _completeness(ctx: Context) -> list[Finding]:
    """One finding per table row whose cells some rule needed but which are not numbers."""
    rows: dict[str, list[str]] = defaultdict(list)
    for addr in ctx.incomplete:
        if ":" in addr:  # a cell of another report (cy.*): reported with that report
            continue
        rows[addr.rsplit("/", 1)[0]].append(addr)
    out = []
    ctx.rule, ctx.severity = COMPLETENESS_RULE, "warning"
    for row, addrs in sorted(rows.items()):
        if row.endswith("*") or addrs[0].endswith("/*"):
            table_id = row.split("/")[0]
            out.append(ctx.finding("fail", f"报告没有可核对的{table_id}统计表，相关规则均无法核对。",
                                   instance=row, kind="completeness", origin="source",
                                   details={"rules": sorted(set().union(*(ctx.incomplete[a] for a in addrs)))}))
            continue
        kinds = sorted({ctx.cell(a).kind for a in addrs})
        rules = sorted(set().union(*(ctx.incomplete[a] for a in addrs)))
        desc = "、".join(KIND_NAMES.get(k, k) for k in kinds)
        origin = "extraction" if "ambiguous" in kinds else "source"
        first = ctx.label(addrs[0])
        msg = (f"{first}等{len(addrs)}个单元格{desc}（不是数字），规则 {', '.join(rules)} 因此无法核对。"
               if len(addrs) > 1 else f"{first}{desc}（不是数字），规则 {', '.join(rules)} 因此无法核对。")
        if ctx.blank_as_zero:
            msg += "（宽松模式只把空白读作0，其余仍无法核对）"
        out.append(ctx.finding("fail", msg, instance=row, kind="completeness", origin=origin,
                               evidence=[ctx.cell_evidence(a, "missing") for a in sorted(addrs)],
                               expected="number", observed=desc, details={"rules": rules, "cells": sorted(addrs)}))
    # the lenient mode never drops a blank silently: each row read as 0 is on record
    zrows: dict[str, list[str]] = defaultdict(list)
    for addr in ctx.zeroed:
        zrows[addr.rsplit("/", 1)[0]].append(addr)
    for row, addrs in sorted(zrows.items()):
        zr = sorted(set().union(*(ctx.zeroed[a] for a in addrs)))
        out.append(ctx.finding("fail", f"{ctx.label(addrs[0])}等{len(addrs)}个空白单元格按0计算（--blank-as-zero），"
                               f"规则 {', '.join(zr)} 的结论依赖这一假定。", instance=f"{row} blank_as_zero",
                               kind="completeness", severity="info", origin="source", lenient=True,
                               evidence=[ctx.cell_evidence(a, "read_as_zero") for a in sorted(addrs)],
                               expected="number", observed="blank", details={"rules": zr, "cells": sorted(addrs)}))
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
    out.extend(_completeness(ctx))
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
