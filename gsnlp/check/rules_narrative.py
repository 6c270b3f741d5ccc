"""NT: numbers stated in the narrative against the tables (RULES.md).

The narrative figures come from ``gsnlp.figures`` (``Figure.metric`` is a cell address or a
named quantity of ``gsnlp.figures.metrics.NAMED``). Scope matters: a figure whose subject is
narrower or wider than the table (区政府办代表区政府, 县直部门 …) that disagrees with the
table gives a 口径 (scope) finding, never an arithmetic error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from gsnlp.check.context import Context, drifted_total, fmt
from gsnlp.check.finding import Evidence, Finding
from gsnlp.check.registry import rule
from gsnlp.tables.template import LEGAL_PERSON_COLUMNS, table_def

# scopes that mean "what the table counts" (the reporting agency or its whole jurisdiction)
_SELF_SCOPES = re.compile(r"^(本机关|本单位|本级|我[局委办中心镇乡街区县市]|本[局委办中心镇乡街区县市])$")
_WHOLE = re.compile(r"^全(区|市|县|镇|乡|街道|旗|省|局|委|系统)$")


def _figs(ctx: Context) -> list[Any]:
    """The narrative figures the NT rules may use. A figure whose metric was bound with a
    probability below the binding model's accusation threshold (``gsnlp.figures.accusable``) keeps
    its value but loses its metric here: it is shown (``gsnlp extract``), never used to accuse."""
    figs = ctx.figures or []
    cached = getattr(ctx, "_nt_figs", None)
    if cached is not None and cached[0] is figs:
        hit: list[Any] = cached[1]
        return hit
    from dataclasses import replace as _replace

    from gsnlp.figures import accusable

    out = [_replace(f, metric=None) if getattr(f, "metric", None) and not accusable(f) else f for f in figs]
    ctx._nt_figs = (figs, out)  # type: ignore[attr-defined]
    return out


def _metric_cells(ctx: Context, metric: str, fig: Any = None) -> list[str] | None:
    """The table cells whose sum a narrative metric states; None when the report's template has none."""
    tmpl = ctx.template("applications")
    if metric.startswith(("applications/", "review_litigation/", "active_disclosure/")):
        tid = metric.split("/")[0]
        t = ctx.table(tid)
        if t is None:
            return None
        rest = metric.split("/", 1)[1]
        if rest not in t.cells:
            # 2019 active_disclosure: 规范性文件 issued ~ newly_made
            alt = {"regulations/issued": "regulations/newly_made",
                   "normative_documents/issued": "normative_documents/newly_made"}.get(rest)
            if alt and alt in t.cells:
                return [f"{tid}/{alt}"]
            return None
        return [metric]
    rows = [r.id for r in table_def(tmpl, "applications").rows] if tmpl else []
    if metric == "applications_legal_persons" and tmpl:
        return [f"applications/new_received/{c}" for c in LEGAL_PERSON_COLUMNS]
    if metric == "applications_granted_or_partial" and tmpl:
        return ["applications/granted/total", "applications/partially_granted/total"]
    for name, prefix in (("applications_denied", "denied."), ("applications_unavailable", "unavailable."),
                         ("applications_not_processed", "not_processed.")):
        if metric == name and tmpl:
            return [f"applications/{r}/total" for r in rows if r.startswith(prefix)]
    if metric == "applications_other" and tmpl:
        return [f"applications/{r}/total" for r in rows if r == "other" or r.startswith("other.")]
    if ctx.table("review_litigation") is None:
        return None
    if metric == "litigation_total":
        return ["review_litigation/litigation_direct/total", "review_litigation/litigation_after_review/total"]
    if metric == "review_litigation_cases":
        return [f"review_litigation/{b}/total" for b in ("review", "litigation_direct", "litigation_after_review")]
    if metric == "review_litigation_corrected":
        parent = _parent(ctx, fig)
        if parent is not None and parent.metric == "review_litigation/review/total":
            return ["review_litigation/review/corrected"]
        if parent is not None and parent.metric == "litigation_total":
            return ["review_litigation/litigation_direct/corrected", "review_litigation/litigation_after_review/corrected"]
        return [f"review_litigation/{b}/corrected" for b in ("review", "litigation_direct", "litigation_after_review")]
    return None


def _parent(ctx: Context, fig: Any) -> Any:
    if fig is None or not getattr(fig, "parent", None):
        return None
    return next((g for g in _figs(ctx) if g.id == fig.parent), None)


def _scope_kind(fig: Any) -> str:
    """``self`` (the table's own scope), ``whole`` (全区 …) or ``other`` (a narrower/other body)."""
    s = (getattr(fig, "scope", None) or "").strip()
    if not s or _SELF_SCOPES.match(s):
        return "self"
    if _WHOLE.match(s):
        return "whole"
    return "other"


def _fig_ev(ctx: Context, fig: Any, role: str = "claim") -> Evidence:
    return ctx.span_evidence(fig.start, fig.end, role)


def _claim_text(ctx: Context, fig: Any, before: int = 30) -> str:
    """The stated claim: the figure with the clause before it (from the last 。；，), as written."""
    text = ctx.report.text
    a = max(0, fig.start - before)
    left = text[a:fig.start]
    cut = max(left.rfind(ch) for ch in "。；;\n，,：:")
    if cut >= 0 and fig.start - (a + cut + 1) >= 4:
        a = a + cut + 1
    else:
        cut = max(left.rfind(ch) for ch in "。；;\n")
        a = a + cut + 1 if cut >= 0 else a
    while a < fig.start and text[a] in "，,、 \u3000":
        a += 1
    while 0 < a < fig.start and (text[a - 1].isdigit() or text[a - 1] in ".．"):
        a -= 1  # never start inside a number (2012年… is quoted whole, not as 年…)
    while 0 < a < fig.start and re.match(r"[\u4e00-\u9fff]", text[a - 1]) and re.match(r"[\u4e00-\u9fff]", text[a]) \
            and fig.start - a < before + 12:
        a -= 1  # nor inside a word: back to the start of the clause's first word
        if text[a - 1] in "。；;\n，,：:、（(“\"《":
            break
    return re.sub(r"\s+", "", text[a:fig.end])


def compare(ctx: Context, fig: Any, cells: Sequence[str], what: str, *,
            alternatives: Sequence[tuple[str, Sequence[str]]] = (), relation: str = "=") -> Finding:
    """A narrative figure against the sum of ``cells`` (or one of the named alternatives)."""
    inst = f"{fig.id} {fig.metric}"
    claim = _claim_text(ctx, fig)
    all_cells = list(dict.fromkeys(list(cells) + [c for _, cs in alternatives for c in cs]))
    vals, missing, lenient = ctx.values(all_cells)
    ev = [_fig_ev(ctx, fig)] + [ctx.cell_evidence(a, "table") for a in cells]
    if vals is None:
        by_parts = _total_from_parts(ctx, cells, missing)
        if by_parts is not None:
            part_cells, table = by_parts
            stated = fig.scaled if hasattr(fig, "scaled") else fig.value
            ev = [_fig_ev(ctx, fig)] + [ctx.cell_evidence(a, "table") for a in part_cells]
            note = f"表中{what}留空，按该行各分项之和{fmt(table)}核对"
            ok = (stated == table) if relation == "=" else (stated <= table)
            if ok:
                return ctx.finding("pass", f"叙述“{claim}”与{what}一致（{note}）。", instance=inst, expected=table,
                                   observed=stated, evidence=ev, details={"definition": "sum_of_parts"})
            return ctx.finding("fail", f"叙述与表格不一致：正文写“{claim}”，而{note}，为{fmt(table)}。",
                               instance=inst, expected=table, observed=stated, evidence=ev, origin="source",
                               details={"definition": "sum_of_parts", "total_blank": cells[0]})
        na = ctx.not_assessable(inst, missing, ev, f"叙述“{claim}”与表格")
        amb = [ctx.cell(a) for a in missing if ctx.cell(a).kind == "ambiguous"]
        if len(cells) == 1 and amb and amb[0].candidates and str(fig.value) not in amb[0].candidates:
            return ctx.finding("fail", f"叙述与表格不一致：正文写“{claim}”，而表中{what}数字连写、可读为"
                               f"{'、'.join(amb[0].candidates[:6])}{'等' if len(amb[0].candidates) > 6 else ''}，"
                               f"无论怎样拆分都不是{fmt(fig.value)}。", instance=inst, expected=None, observed=fig.value,
                               evidence=ev, origin="source", details={"candidates": list(amb[0].candidates)})
        if len(cells) == 1 and amb and str(fig.value) in amb[0].candidates:
            from dataclasses import replace as _r
            na = _r(na, message=na.message + f"正文所写{fmt(fig.value)}是该格的候选值之一，可据此确定拆分。",
                    details={**na.details, "narrative_resolves": str(fig.value)})
        return na
    stated = fig.scaled if hasattr(fig, "scaled") else fig.value
    table = sum((vals[a] for a in cells), Decimal(0))
    drift = drifted_total(ctx.report, list(cells), [])
    if drift and stated != table:  # the table's total sits in the neighbouring row: our layout doubt
        return ctx.finding("fail", f"叙述“{claim}”与{what}（{fmt(table)}）不一致，但{drift}", instance=inst,
                           expected=table, observed=stated, evidence=ev, origin="extraction",
                           details={"drift": True})
    if (stated == table) if relation == "=" else (stated <= table):
        return ctx.finding("pass", f"叙述“{claim}”与{what}（{fmt(table)}）一致。", instance=inst, expected=table,
                           observed=stated, evidence=ev, lenient=lenient, details={"definition": "default"})
    for name, alt in alternatives:
        v = sum((vals[a] for a in alt), Decimal(0))
        if stated == v:
            ev2 = [_fig_ev(ctx, fig)] + [ctx.cell_evidence(a, "table") for a in alt]
            if _says_carried(ctx, fig):
                return ctx.finding("pass", f"叙述“{claim}”与{name}（{fmt(v)}）一致（正文说明含上年结转，按此口径计算）。",
                                   instance=inst, expected=v, observed=stated, evidence=ev2, lenient=lenient,
                                   details={"definition": name})
            return ctx.finding("fail", f"口径不明：正文写“{claim}”，表中{what}为{fmt(table)}；{fmt(stated)}等于{name}，"
                               "但正文没有说明包含上年结转的申请。", instance=inst, expected=table, observed=stated,
                               evidence=ev2, origin="source", severity="warning", lenient=lenient,
                               details={"definition": name, "text_says_so": False})
    sk = _scope_kind(fig)
    scope = getattr(fig, "scope", None)
    if sk == "other" or (sk == "whole" and _dept_report(ctx)):
        return ctx.finding("fail", f"口径不同：叙述“{claim}”的主体是“{scope}”，与统计表的口径不一致，"
                           f"表中{what}为{fmt(table)}；这不一定是计算错误，请核对统计口径。", instance=inst,
                           expected=table, observed=stated, evidence=ev, origin="source", kind="scope",
                           severity="warning", lenient=lenient, details={"scope": scope})
    origin = "extraction" if any(ctx.cell(a).kind == "ambiguous" for a in cells) else "source"
    rel = "不超过" if relation == "<=" else "等于"
    return ctx.finding("fail", f"叙述与表格不一致：正文写“{claim}”，而表中{what}为{fmt(table)}（应{rel}{fmt(table)}）。",
                       instance=inst, expected=table, observed=stated, evidence=ev, origin=origin, lenient=lenient,
                       details={"scope": scope})


def _total_from_parts(ctx: Context, cells: Sequence[str], missing: Sequence[str]) -> tuple[list[str], Decimal] | None:
    """A table total left blank while its parts are filled: (the part cells, their sum); else None."""
    if len(cells) != 1 or list(missing) != list(cells) or ctx.cell(cells[0]).kind != "blank":
        return None
    table_id, _, rest = cells[0].partition("/")
    row, _, col = rest.rpartition("/")
    if col != "total":
        return None
    if table_id == "applications":
        parts = [f"applications/{row}/{c}" for c in ("natural_person", *LEGAL_PERSON_COLUMNS)]
    elif table_id == "review_litigation":
        parts = [f"review_litigation/{row}/{c}" for c in ("upheld", "corrected", "other", "pending")]
    else:
        return None
    cs = [ctx.cell(a) for a in parts]
    if any(c.kind != "number" or c.value is None or c.doubt for c in cs):
        return None
    return parts, sum((c.value for c in cs if c.value is not None), Decimal(0))


def _says_carried(ctx: Context, fig: Any) -> bool:
    """Does the sentence of ``fig`` say that its count includes last year's carried-over applications?"""
    text = ctx.report.text
    cl = ctx.report.clause_at(fig.start)  # Report.clauses: computed once
    a, b = (cl.start, cl.end) if cl else (fig.start, fig.end)
    return bool(re.search(r"(含|包括|包含|连同|加上)[^。；]{0,6}(上年|上一年|上年度)[^。；]{0,4}结转", text[a:b]))


def _dept_report(ctx: Context) -> bool:
    from gsnlp.check.agency import is_government

    return is_government(ctx.report.meta.agency) is False


def _each(ctx: Context, metrics: Callable[[str], bool], what: Callable[[Any], str],
          alternatives: Callable[[Any], Sequence[tuple[str, Sequence[str]]]] = lambda f: ()) -> Iterator[Finding]:
    n = 0
    for f in _figs(ctx):
        if not f.metric or not metrics(f.metric) or f.polarity != "positive" or getattr(f, "kind", "count") not in ("count", "amount"):
            continue
        cells = _metric_cells(ctx, f.metric, f)
        if cells is None:
            continue
        n += 1
        yield compare(ctx, f, cells, what(f), alternatives=alternatives(f))
    if n == 0:
        yield ctx.finding("not_assessable", "正文没有可与表格核对的相关数字。", instance="report", severity="info")


ROW_ZH = {"new_received": "本年新收申请", "carried_over": "上年结转", "carried_forward": "结转下年度",
          "total_processed": "办理结果总计", "granted": "予以公开", "partially_granted": "部分公开"}


def _cell_what(f: Any) -> str:
    parts = f.metric.split("/")
    if len(parts) == 3 and parts[0] == "applications":
        col = {"total": "总计", "natural_person": "自然人", "commercial": "商业企业"}.get(parts[2], parts[2])
        return f"表三“{ROW_ZH.get(parts[1], parts[1])}”{col}"
    if len(parts) == 3 and parts[0] == "active_disclosure":
        return f"表二 {parts[1]}/{parts[2]}"
    if len(parts) == 3 and parts[0] == "review_litigation":
        return f"表四 {parts[1]}/{parts[2]}"
    return str({"applications_legal_persons": "表三本年新收申请中法人或其他组织各列之和",
            "applications_granted_or_partial": "表三予以公开与部分公开之和",
            "applications_denied": "表三不予公开各项之和", "applications_unavailable": "表三无法提供各项之和",
            "applications_not_processed": "表三不予处理各项之和", "applications_other": "表三其他处理各项之和",
            "litigation_total": "表四行政诉讼两块总计之和", "review_litigation_cases": "表四复议与诉讼总计之和",
            "review_litigation_corrected": "表四结果纠正之和"}.get(f.metric, f.metric))


@rule("nt.applications_received.v1", severity="error", title="正文“收到/受理申请N件”与表三本年新收一致", needs_figures=True)
def nt_applications_received(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m == "applications/new_received/total", _cell_what,
                     lambda f: [("表三本年新收与上年结转之和",
                                 ["applications/new_received/total", "applications/carried_over/total"])])


@rule("nt.applications_carried.v1", severity="error", title="正文“上年结转/结转下年度N件”与表三一致", needs_figures=True)
def nt_applications_carried(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m in ("applications/carried_over/total", "applications/carried_forward/total"),
                     _cell_what)


@rule("nt.applications_processed.v1", severity="error", title="正文“办结/答复N件”与表三办理结果总计一致", needs_figures=True)
def nt_applications_processed(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m == "applications/total_processed/total", _cell_what)


@rule("nt.applicant_breakdown.v1", severity="error", title="正文申请人构成与表三自然人、法人或其他组织各列一致", needs_figures=True)
def nt_applicant_breakdown(ctx: Context) -> Iterator[Finding]:
    def alt(f: Any) -> list[tuple[str, list[str]]]:
        cells = _metric_cells(ctx, f.metric, f) or []
        return [("本年新收与上年结转之和（同一申请人类别）",
                 cells + [c.replace("/new_received/", "/carried_over/") for c in cells])]

    yield from _each(ctx, lambda m: m == "applications_legal_persons" or (
        m.startswith("applications/new_received/") and not m.endswith("/total")), _cell_what, alt)


@rule("nt.outcome_breakdown.v1", severity="error", title="正文办理结果构成与表三一致", needs_figures=True)
def nt_outcome_breakdown(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m in ("applications/granted/total", "applications/partially_granted/total",
                                          "applications_granted_or_partial", "applications_denied",
                                          "applications_unavailable", "applications_not_processed",
                                          "applications_other"), _cell_what,
                     lambda f: [("表三予以公开与部分公开之和", ["applications/granted/total",
                                                       "applications/partially_granted/total"])]
                     if f.metric == "applications/granted/total" else [])


@rule("nt.review_litigation.v1", severity="error", title="正文行政复议、行政诉讼、被纠错件数与表四一致", needs_figures=True)
def nt_review_litigation(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m in ("review_litigation/review/total", "litigation_total",
                                          "review_litigation_corrected", "review_litigation_cases"), _cell_what)


@rule("nt.active_disclosure.v1", severity="error", title="正文规章、规范性文件、许可处罚件数与表二一致", needs_figures=True)
def nt_active_disclosure(ctx: Context) -> Iterator[Finding]:
    yield from _each(ctx, lambda m: m.startswith("active_disclosure/"), _cell_what)


# ---- zero claims ---------------------------------------------------------------------

_EXTRA_ZERO = (
    (re.compile(r"(所有|全部|各类)?申请(均已|均|全部|已全部)(按时|依法|在法定期限内)?办结|均已办结"), "all_done"),
    (re.compile(r"均(获|被)(维持|支持)"), "all_upheld"),
    (re.compile(r"(未|没有|无)(被|出现|发生)?(纠错|纠正|被纠错)"), "no_corrected"),
)


@rule("nt.zero_claims.v1", severity="error", title="否定表述（未收到、未发生、均获维持、均已办结）与表格一致", needs_figures=True)
def nt_zero_claims(ctx: Context) -> Iterator[Finding]:
    n = 0
    for f in _figs(ctx):
        if f.polarity != "negated" or not f.metric or f.metric == "info_processing_fee":
            continue
        cells = _metric_cells(ctx, f.metric, f)
        if cells is None:
            continue
        n += 1
        yield _zero(ctx, f.start, f.end, cells, f"{f.id} {f.metric}", _claim_text(ctx, f), f)
    text = ctx.report.text
    for _sid, lo, hi in ctx.report.narrative_spans():
        if _sid not in ("overview", "applications", "review_litigation", None):
            continue
        for rx, kind in _EXTRA_ZERO:
            for m in rx.finditer(text, lo, hi):
                cl = ctx.report.clause_at(m.start())  # Report.clauses: computed once
                sent = text[max(lo, cl.start if cl else lo):m.end()]
                if kind == "all_done":
                    if re.search(r"结转|转入", text[m.start() - 40:m.end() + 40]):
                        continue
                    cells = ["applications/carried_forward/total"]
                elif kind == "all_upheld":
                    if not re.search(r"复议|诉讼", sent):
                        continue
                    blocks = [b for b, k in (("review", "复议"), ("litigation_direct", "诉讼"),
                                             ("litigation_after_review", "诉讼")) if k in sent]
                    cells = [f"review_litigation/{b}/{c}" for b in blocks for c in ("corrected", "other", "pending")]
                else:
                    if not re.search(r"复议|诉讼", sent):
                        continue
                    cells = [f"review_litigation/{b}/corrected" for b in ("review", "litigation_direct",
                                                                         "litigation_after_review")]
                if ctx.table(cells[0].split("/")[0]) is None:
                    continue
                n += 1
                yield _zero(ctx, m.start(), m.end(), cells, f"{kind} {m.start()}", re.sub(r"\s+", "", sent[-40:]))
    if n == 0:
        yield ctx.finding("not_assessable", "正文没有可与表格核对的否定表述。", instance="report", severity="info")


def _zero(ctx: Context, start: int, end: int, cells: Sequence[str], inst: str, claim: str, fig: Any = None) -> Finding:
    vals, missing, lenient = ctx.values(cells)
    ev = [ctx.span_evidence(start, end, "claim")] + [ctx.cell_evidence(a, "table") for a in cells]
    if vals is None:
        return ctx.not_assessable(inst, missing, ev, f"否定表述“{claim}”")
    total = sum((vals[a] for a in cells), Decimal(0))
    if total == 0:
        return ctx.finding("pass", f"否定表述“{claim}”与表格一致（相关单元格均为0）。", instance=inst,
                           expected=Decimal(0), observed=total, evidence=ev, lenient=lenient)
    nz = [a for a in cells if vals[a] != 0]
    if fig is not None and _scope_kind(fig) == "other":
        return ctx.finding("fail", f"口径不同：正文“{claim}”（主体“{fig.scope}”），而表中"
                           f"{'、'.join(ctx.label(a) + '为' + fmt(vals[a]) for a in nz)}。", instance=inst,
                           expected=Decimal(0), observed=total, evidence=ev, origin="source", kind="scope",
                           severity="warning", lenient=lenient)
    return ctx.finding("fail", f"否定表述与表格矛盾：正文称“{claim}”，即应为0，但表中"
                       f"{'、'.join(ctx.label(a) + '为' + fmt(vals[a]) for a in nz)}。", instance=inst,
                       expected=Decimal(0), observed=total, evidence=ev, origin="source", lenient=lenient)


# ---- percentages, ratios, breakdowns --------------------------------------------------

def _tolerance(fig: Any) -> Decimal:
    raw = re.sub(r"[^0-9.．]", "", fig.text).replace("．", ".")
    decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
    return Decimal(1).scaleb(-decimals)  # one unit of the last stated digit: rounding or truncation


def _parts_sum(figs: list[Any], base: Any) -> Decimal:
    """The sum of the counts linked as parts of ``base`` (same unit)."""
    return sum((f.value for f in figs if f.parent == base.id and f.polarity == "positive" and f.kind == base.kind
                and f.unit == base.unit), Decimal(0))


@rule("nt.percentages.v1", severity="warning", title="“N件，占p%”与N/基数一致；构成比例之和约为100%", needs_figures=True)
def nt_percentages(ctx: Context) -> Iterator[Finding]:
    figs = _figs(ctx)
    by_id = {f.id: f for f in figs}
    n = 0
    groups: dict[str, list[Any]] = {}
    for p in figs:
        if p.kind != "percent" or not p.qualifies or p.qualifies not in by_id:
            continue
        count = by_id[p.qualifies]
        base = by_id.get(count.parent or "")
        if base is None or base.value == 0:
            continue
        n += 1
        groups.setdefault(base.id, []).append(p)
        share = count.value / base.value * 100
        tol = _tolerance(p)
        ev = [_fig_ev(ctx, p, "percent"), _fig_ev(ctx, count, "part"), _fig_ev(ctx, base, "base")]
        inst = f"{p.id} of {count.id}/{base.id}"
        if abs(share - p.value) <= tol:
            yield ctx.finding("pass", f"{fmt(count.value)}/{fmt(base.value)} = {share:.2f}%，与所写{p.text}相符。",
                              instance=inst, expected=Decimal(f"{share:.4f}"), observed=p.value, evidence=ev)
        elif (psum := _parts_sum(figs, base)) not in (0, base.value) and abs(count.value / psum * 100 - p.value) <= tol:
            # 主动公开政府信息2026条 … 2475条，占62.2%；1503条，占37.8%: the share is right over the
            # listed parts (3978); what contradicts is the breakdown, which nt.breakdown_sum reports
            yield ctx.finding("not_assessable", f"{p.text}是{fmt(count.value)}占所列各部分之和{fmt(psum)}的比例"
                              f"（{count.value / psum * 100:.2f}%），而各部分之和不等于总数{fmt(base.value)}"
                              "（见“其中”分项核对）。", instance=inst, observed=p.value, evidence=ev, severity="info")
        else:
            yield ctx.finding("fail", f"比例不符：{fmt(count.value)}件占{fmt(base.value)}件应为{share:.2f}%，正文写{p.text}。",
                              instance=inst, expected=Decimal(f"{share:.4f}"), observed=p.value, evidence=ev,
                              origin="source")
    for bid, ps in groups.items():
        if len(ps) < 3:
            continue
        total = sum((p.value for p in ps), Decimal(0))
        slack = sum((_tolerance(p) for p in ps), Decimal(0))
        ev = [_fig_ev(ctx, p, "percent") for p in ps]
        if abs(total - 100) <= slack:
            yield ctx.finding("pass", f"构成比例之和为{fmt(total)}%，约为100%。", instance=f"sum {bid}",
                              expected=Decimal(100), observed=total, evidence=ev)
        elif total < 100 and any(re.search(r"等|其他", ctx.report.text[p.start - 12:p.start]) for p in ps):
            continue
        else:
            yield ctx.finding("fail", f"构成比例之和为{fmt(total)}%，不是100%。", instance=f"sum {bid}",
                              expected=Decimal(100), observed=total, evidence=ev, origin="source")
    if n == 0:
        yield ctx.finding("not_assessable", "正文没有“N件，占p%”式的比例。", instance="report", severity="info")


# the parts of these totals are a closed partition
_PARTITIONS = {
    "applications/new_received/total": {"applications/new_received/natural_person", "applications_legal_persons"},
    "applications/total_processed/total": {"applications_granted_or_partial", "applications_denied",
                                           "applications_unavailable", "applications_not_processed",
                                           "applications_other"},
}


def _drop_nested(text: str, parts: list[Any]) -> list[Any]:
    """Drop sub-parts written in brackets right after a part that they add up to:
    预决算公开197条（政府预决算32条、部门预决算公开165条） lists 197's parts, not the total's."""
    out = list(parts)
    for p in parts:
        if p not in out:
            continue
        k = p.end
        while k < len(text) and text[k] in " \u3000":
            k += 1
        if k >= len(text) or text[k] not in "（(":
            continue
        close = min((i for i in (text.find("）", k), text.find(")", k)) if i > 0), default=-1)
        if close < 0:
            continue
        inner = [q for q in out if k < q.start < close]
        if inner and sum((q.scaled for q in inner), Decimal(0)) == p.scaled:
            out = [q for q in out if q not in inner]
    return out


_HEADING = re.compile(r"[（(][一二三四五六七八九十]+[)）]|(?<![\d.])[一二三四五六七八九十]、|\n\s*\d+[、.．]")
_TOPICAL = re.compile(r"其中[，,：:]?\s*涉及")
_FAMILY: dict[str, Callable[[str], bool]] = {
    "applications/new_received/total": lambda m: m.startswith("applications/new_received/") or
    m == "applications_legal_persons",
    "applications/total_processed/total": lambda m: m in _PARTITIONS["applications/total_processed/total"] or
    m in ("applications/granted/total", "applications/partially_granted/total"),
}


@rule("nt.breakdown_sum.v1", severity="error", title="“其中”列出的各部分之和等于（开放列举时不超过）总数", needs_figures=True)
def nt_breakdown_sum(ctx: Context) -> Iterator[Finding]:
    figs = _figs(ctx)
    children: dict[str, list[Any]] = {}
    for f in figs:
        if f.parent and f.polarity == "positive" and f.kind in ("count", "amount"):
            children.setdefault(f.parent, []).append(f)
    by_id = {f.id: f for f in figs}
    n = 0
    for pid, parts in children.items():
        total = by_id.get(pid)
        if total is None or total.kind not in ("count", "amount"):
            continue
        parts = [p for p in parts if p.unit == total.unit or not p.unit or not total.unit]
        groups = [(parts, pid)]
        if total.metric in _PARTITIONS:
            # only the categories of the partition (a 复议/诉讼 count after the list is no part);
            # parts that state no table quantity (网络申请14件、信函申请44件) are another partition
            # of the same total, checked on their own
            groups = [([p for p in parts if _FAMILY[total.metric](p.metric or "")], pid),
                      ([p for p in parts if not p.metric], f"{pid} other")]
        for group, inst in groups:
            yield from _breakdown(ctx, figs, total, group, inst)
            n += int(len(group) >= 2)
    if n == 0:
        yield ctx.finding("not_assessable", "正文没有带“其中”分项的总数。", instance="report", severity="info")


_CHANGE = re.compile(r"(新增|注销|关停|撤销|撤并|减少|增加|新开设|新开通)[^，。；、\d]{0,4}$")
_MARKED = re.compile(r"其中|包括|含|涉及|分别|中[，,：:]|[：:（(]")
# 主要有/主要包括/重点…: the main items of the total, not all of them
_MAIN = re.compile(r"主要(?:有|包括|为|是|涉及|集中在?)|重点(?:包括|涉及|围绕|有|是|为|公开了?)")


def _highlighted(text: str, parts: list[Any]) -> bool:
    """Every listed part carries a comment of its own (其中，项目审批信息191条，持续保持高频更新；
    行政规范性文件3条，有效保障了公众的知情权。): a few items singled out, not a tabulation of the
    total. A comment is a clause after the part, before the next part's label, with no number."""
    for k, p in enumerate(parts):
        if k + 1 < len(parts):
            seg = text[p.end:parts[k + 1].start]
        else:
            ends = [i for i in (text.find(ch, p.end) for ch in "。！？\n") if i >= 0]
            seg = text[p.end:min(ends, default=len(text))]
        seg = re.sub(r"[（(][^（()）]*[)）]", "", seg)
        pieces = [x.strip() for x in re.split(r"[，,；;、。：:]", seg)]
        if k + 1 < len(parts):
            pieces = pieces[:-1]  # the next part's label
        if not any(len(re.findall(r"[\u4e00-\u9fff]", x)) >= 4 and not re.search(r"\d|%|％", x) for x in pieces):
            return False
    return True


def _breakdown(ctx: Context, figs: list[Any], total: Any, parts: list[Any], inst: str) -> Iterator[Finding]:
    """One total and its listed parts: equal (closed list) or no more than the total (open list)."""
    parts = _drop_nested(ctx.report.text, parts)
    # a part after a new heading or list item of the text ((二) …, 二、…) belongs elsewhere
    text = ctx.report.text
    parts = [p for p in parts if not _HEADING.search(text, total.end, p.start)]
    if len(parts) < 2:
        return
    # 新增3家、注销5家: changes to a stock, not a partition of it
    if any(_CHANGE.search(text, max(0, p.start - 6), p.start) for p in parts):
        return
    s = sum((p.scaled for p in parts), Decimal(0))
    t = total.scaled
    # 主动公开1200条，其中门户网站1000条，政务微信800条: items counted by channel, one each, overlap
    # (the same item is posted on several channels): no partition of the total, nor bounded by it.
    # Accounts are not posts: 新媒体70个，其中微博29个、微信公众号41个 is a partition
    channels = [getattr(p, "channel", None) for p in parts]
    if all(channels) and len(set(channels)) == len(parts) and s != t and total.unit in ("条", "篇", "件", "份", "次"):
        yield ctx.finding("not_assessable", f"“{_claim_text(ctx, total, 16)}”之后按发布渠道列出的条数"
                          f"（{'、'.join(str(c) for c in channels)}）可能重叠（同一信息可在多个渠道发布），"
                          "不是总数的分项，不核对其和。", instance=inst, expected=t, observed=s, severity="info",
                          evidence=[_fig_ev(ctx, total, "total")] + [_fig_ev(ctx, p, "part") for p in parts],
                          details={"by_channel": True})
        return
    after = ctx.report.text[parts[-1].end:parts[-1].end + 6]
    # the list goes on with a number the extractor did not take (不予公开信息数1402, no unit)
    sent_end = min((i for i in (text.find(ch, parts[-1].end) for ch in "。；\n") if i >= 0), default=len(text))
    covered = [(f.start, f.end) for f in figs]
    # a number inside or after the list that no figure holds (类信息 45, no unit), or a figure of the
    # same unit after the last linked part that is not linked: the list goes on beyond what was read
    unread = any(not any(a <= m.start() + parts[0].start < b for a, b in covered)
                 for m in re.finditer(r"\d+", text[parts[0].start:sent_end]))
    list_end = min((i for i in (text.find(ch, parts[-1].end) for ch in "。\n") if i >= 0), default=len(text))
    unread = unread or any(f is not total and f not in parts and f.parent is None and f.unit == total.unit and
                           parts[-1].end <= f.start < list_end and f.kind == total.kind and f.polarity == "positive"
                           for f in figs)
    # 超3170万，其中…达1360万: approximate figures list examples, not a partition
    approx = any(getattr(p, "approx", None) or re.search(r"(超过?|近|约|逾|突破|多达|累计超)\s*$",
                                                          ctx.report.text[max(0, p.start - 4):p.start])
                 for p in parts + [total])
    # 公开政府信息3636条，其中涉及财政预算…9条；保障性住房信息7条…: the items on some topics
    # (key areas), not a partition of the total
    topical = bool(_TOPICAL.search(text, total.end, parts[0].start))
    # a list that ends with the rest (其他…N条) names all of the total: closed, whatever its wording
    last_label = re.split(r"[，,、；;：:（(。]", text[max(0, parts[-1].start - 30):parts[-1].start])[-1].strip()
    residual = bool(re.match(r"其他|其它|其余", last_label))
    metrics = {p.metric for p in parts}
    closed = total.metric in _PARTITIONS and metrics >= _PARTITIONS[total.metric]
    # every category of a template partition listed, or the rest (其他…) listed: the wording
    # (主要有…, a comment after each item) does not open the list
    main_only = not residual and not closed and bool(_MAIN.search(text, total.end, parts[0].start))
    highlighted = not residual and not closed and _highlighted(text, parts)
    # 主动公开政府信息312条，A类信息280条，B类信息5条: items named after their total with no word
    # that makes them its parts (其中, 包括, 含, 分别, 在…中, a colon or bracket) and no rest (其他…)
    # may be a few kinds singled out; only "no more than the total" is certain
    unmarked = not residual and not closed and not _MARKED.search(text, total.end, parts[0].start)
    open_list = bool(re.match(r"\s*(等|以及其他|及其他)", after)) or approx or unread or topical or main_only or \
        highlighted or unmarked
    ev = [_fig_ev(ctx, total, "total")] + [_fig_ev(ctx, p, "part") for p in parts]
    claim = _claim_text(ctx, total, 16)
    # a partition total whose categories are not all linked as parts: the extractor saw only
    # some of them, so only "no more than the total" can be asserted
    partial = total.metric in _PARTITIONS and not closed
    # 办理人大代表建议45件、政协提案62件，其中主办28件、协办79件: 其中 after totals joined by 、/和
    # may split all of them; the list is decided only where both readings agree
    co = [f for f in figs if f is not total and f.end is not None and f.end <= total.start and f.parent is None and
          f.unit == total.unit and f.kind == total.kind and f.polarity == "positive" and
          re.fullmatch(r"\s*[、和及与][^，,。；;：:\d]{0,20}", text[f.end:total.start])]
    both = t + co[-1].scaled if co else None
    if both is not None and s != t and (s == both or (open_list or partial) and t < s <= both):
        ev2 = [_fig_ev(ctx, co[-1], "total")] + ev
        if s == both:
            yield ctx.finding("pass", f"各部分之和{fmt(s)}{total.unit}等于并列的两个总数之和"
                              f"（{fmt(co[-1].scaled)} + {fmt(t)}）。", instance=inst, expected=both, observed=s,
                              evidence=ev2, details={"coordinated": True})
        else:
            yield ctx.finding("not_assessable", f"“其中”之前并列两个总数（{co[-1].text}、{total.text}），各部分之和"
                              f"{fmt(s)}{total.unit}超过后者而不超过两者之和，无法判断列举的是哪一个的分项。",
                              instance=inst, expected=t, observed=s, evidence=ev2, severity="info",
                              details={"coordinated": True})
        return
    strict_fail = (s > t) if (open_list or partial) else (s != t)
    ok = not strict_fail
    if not strict_fail:
        why = ("（列举的是主要项，不是全部）" if main_only else "（逐项带说明的重点项，不是全部）" if highlighted else
               "（未标明为全部分项，也没有“其他”项）" if unmarked else "") if s < t else ""
        yield ctx.finding("pass", f"“{claim}”的各部分之和为{fmt(s)}{total.unit}，{'等于' if s == t else '不超过'}总数{why}。",
                          instance=inst, expected=t, observed=s, evidence=ev,
                          details={"closed": closed, "open": open_list, "main_items": main_only, "highlighted": highlighted,
                                   "unmarked": unmarked})
    else:
        yield ctx.finding("fail", f"分项与总数不符：“{claim}”，而列出的各部分之和为"
                          f"{' + '.join(fmt(p.scaled) for p in parts)} = {fmt(s)}{total.unit}"
                          f"（{'不应超过' if open_list or partial else '应等于'}总数）。", instance=inst, expected=t, observed=s,
                          evidence=ev, origin="source", details={"closed": closed, "open": open_list, "ok": ok})


_SURVEY_RATE = re.compile(r"(满意|好评|知晓|认可|认同|支持)(率|度)")


@rule("nt.ratio.v1", severity="warning", title="所写比率与其分子分母一致", needs_figures=True)
def nt_ratio(ctx: Context) -> Iterator[Finding]:
    figs = _figs(ctx)
    text = ctx.report.text
    n = 0
    for r in figs:
        if r.kind != "rate" or r.metric == "applications_completion_rate":
            continue
        # a survey result (满意率 …) is not computed from the counts stated beside it
        if _SURVEY_RATE.search(text, max(0, r.start - 8), r.start):
            continue
        sa = max(text.rfind(ch, 0, r.start) for ch in "。；\n") + 1
        counts = [f for f in figs if sa <= f.start < r.start and f.kind == "count" and f.polarity == "positive"
                  and f.value > 0]
        if len(counts) < 2:
            continue
        tol = _tolerance(r)
        match = None
        for a in counts:
            for b in counts:
                if a is b or a.unit != b.unit or a.value > b.value:
                    continue
                for base, name in ((b.value, "b"), (a.value + b.value, "a+b")):
                    if base and abs(a.value / base * 100 - r.value) <= tol:
                        match = (a, b, name)
        n += 1
        ev = [_fig_ev(ctx, r, "rate")] + [_fig_ev(ctx, c, "operand") for c in counts]
        if match:
            a, b, name = match
            yield ctx.finding("pass", f"比率{r.text}与{fmt(a.value)}/{fmt(b.value if name == 'b' else a.value + b.value)}相符。",
                              instance=r.id, observed=r.value, evidence=ev)
        elif len(counts) == 2:
            a, b = sorted(counts, key=lambda f: f.value)
            exp = a.value / b.value * 100
            yield ctx.finding("fail", f"比率不符：{fmt(a.value)}/{fmt(b.value)} = {exp:.2f}%，正文写{r.text}。",
                              instance=r.id, expected=Decimal(f"{exp:.4f}"), observed=r.value, evidence=ev,
                              origin="source")
        else:
            yield ctx.finding("not_assessable", f"无法确定比率{r.text}的分子和分母。", instance=r.id, evidence=ev,
                              severity="info")
    if n == 0:
        yield ctx.finding("not_assessable", "正文没有可核对的比率。", instance="report", severity="info")


@rule("nt.fee_claims.v1", severity="error", title="“未收取信息处理费”与所写的信息处理费金额一致", needs_figures=True)
def nt_fee_claims(ctx: Context) -> Iterator[Finding]:
    fees = [f for f in _figs(ctx) if f.metric == "info_processing_fee"]
    neg = [f for f in fees if f.polarity == "negated"]
    pos = [f for f in fees if f.polarity == "positive" and f.value > 0]
    if not fees:
        yield ctx.finding("not_assessable", "正文没有关于信息处理费的表述。", instance="report", severity="info")
        return
    if neg and pos:
        ev = [_fig_ev(ctx, f, "claim") for f in neg] + [_fig_ev(ctx, f, "amount") for f in pos]
        yield ctx.finding("fail", f"信息处理费说法矛盾：正文称“{_claim_text(ctx, neg[0])}”，又写收取"
                          f"{'、'.join(f.text for f in pos)}。", instance="report", expected=Decimal(0),
                          observed=max(f.value for f in pos), evidence=ev, origin="source")
    else:
        yield ctx.finding("pass", "信息处理费的表述前后一致（不与表二行政事业性收费比较）。", instance="report",
                          evidence=[_fig_ev(ctx, f) for f in fees])


_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


@rule("nt.period.v1", severity="warning", title="数据表述所指年度与报告年度一致", needs_figures=True)
def nt_period(ctx: Context) -> Iterator[Finding]:
    year = ctx.report.meta.year
    if year is None:
        yield ctx.finding("not_assessable", "报告年度不明。", instance="report", severity="info")
        return
    n = 0
    bad = 0
    for f in _figs(ctx):
        if not f.metric or not f.period:
            continue
        m = _YEAR.search(f.period)
        if not m:
            continue
        n += 1
        y = int(m.group(1))
        if y == year or (y == year + 1 and "carried_forward" in f.metric) or getattr(f, "section", None) == "problems":
            continue
        bad += 1
        yield ctx.finding("fail", f"“{_claim_text(ctx, f)}”所指年度为{y}年，而报告年度为{year}年。", instance=f.id,
                          expected=str(year), observed=str(y), evidence=[_fig_ev(ctx, f)], origin="source")
    if n and not bad:
        yield ctx.finding("pass", f"{n}处带年度的数据表述均指{year}年。", instance="report")
    elif not n:
        yield ctx.finding("not_assessable", "正文数据没有标明年度。", instance="report", severity="info")
