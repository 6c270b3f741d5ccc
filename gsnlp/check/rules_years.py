"""CY: consistency across the years of one agency (RULES.md). Findings belong to the later year."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

from gsnlp.check.context import YearsContext, fmt
from gsnlp.check.finding import Evidence, Finding
from gsnlp.check.registry import rule
from gsnlp.check.rules_tables import APP_COLUMNS, COLUMN_ZH
from gsnlp.doc import Report


def _pairs(ctx: YearsContext) -> Iterator[tuple[Report, Report]]:
    for y in sorted(ctx.reports):
        for cur in ctx.reports[y]:
            for prev in ctx.reports.get(y - 1, []):
                yield prev, cur


def _other(ev: Evidence, doc: str) -> Evidence:
    return replace(ev, doc=doc)


@rule("cy.carry_over.v1", scope="years", severity="error", title="本年“上年结转”等于上年“结转下年度”")
def cy_carry_over(ctx: YearsContext) -> Iterator[Finding]:
    for prev, cur in _pairs(ctx):
        c_cur, c_prev = ctx.context(cur), ctx.context(prev)
        if c_cur.template("applications") is None or c_prev.template("applications") is None:
            continue
        for col in APP_COLUMNS:
            a_cur, a_prev = f"applications/carried_over/{col}", f"applications/carried_forward/{col}"
            v1, m1, l1 = c_cur.values([a_cur])
            v0, m0, l0 = c_prev.values([a_prev])
            ev = [c_cur.cell_evidence(a_cur, "carried_over"),
                  _other(c_prev.cell_evidence(a_prev, "previous_year"), prev.doc_id)]
            inst = f"column {col} vs {prev.doc_id}"
            if v1 is None or v0 is None:
                yield c_cur.not_assessable(inst, m1 + [f"{prev.doc_id}:{a}" for a in m0], ev, "跨年度结转")
                continue
            x, y = v0[a_prev], v1[a_cur]
            if x == y:
                yield c_cur.finding("pass", f"「{COLUMN_ZH[col]}」列上年结转{fmt(y)}件，与{prev.meta.year}年报告结转下年度一致。",
                                    instance=inst, expected=x, observed=y, evidence=ev, lenient=l0 or l1)
            else:
                yield c_cur.finding("fail", f"{cur.meta.year}年报告表三「{COLUMN_ZH[col]}」列“上年结转”为{fmt(y)}件，"
                                    f"而{prev.meta.year}年报告（{prev.doc_id}）“结转下年度继续办理”为{fmt(x)}件。",
                                    instance=inst, expected=x, observed=y, evidence=ev, origin="source",
                                    lenient=l0 or l1, details={"previous_doc": prev.doc_id})


STOCK_ROWS = (("regulations", "规章"), ("normative_documents", "行政规范性文件"))  # rows of cy.stock_flow


@rule("cy.stock_flow.v1", scope="years", severity="warning",
      title="现行有效件数(Y)=现行有效件数(Y−1)+本年制发−本年废止")
def cy_stock_flow(ctx: YearsContext) -> Iterator[Finding]:
    for prev, cur in _pairs(ctx):
        c_cur, c_prev = ctx.context(cur), ctx.context(prev)
        if c_cur.template("active_disclosure") != "2021" or c_prev.template("active_disclosure") != "2021":
            continue
        for row, zh in STOCK_ROWS:
            a = {k: f"active_disclosure/{row}/{k}" for k in ("issued", "repealed", "in_force")}
            v1, m1, l1 = c_cur.values(a.values())
            v0, m0, l0 = c_prev.values([a["in_force"]])
            ev = [c_cur.cell_evidence(a["issued"], "issued"), c_cur.cell_evidence(a["repealed"], "repealed"),
                  c_cur.cell_evidence(a["in_force"], "in_force"),
                  _other(c_prev.cell_evidence(a["in_force"], "previous_year"), prev.doc_id)]
            inst = f"{row} vs {prev.doc_id}"
            if v1 is None or v0 is None:
                # run-together digits: decide only if every reading agrees
                r1 = c_cur.row_readings("active_disclosure", row, ("issued", "repealed", "in_force"))
                r0 = c_prev.row_readings("active_disclosure", row, ("in_force",))
                if r1 and r0 and len(r1) * len(r0) <= 10000:
                    holds = [p0[0] + i - r == f for p0 in r0 for (i, r, f) in r1]
                    if not any(holds):
                        yield c_cur.finding("fail", f"{zh}：数字连写，但无论怎样拆分（本年{len(r1)}种、上年{len(r0)}种读法），"
                                            "“上年现行有效 + 本年制发 − 本年废止 = 本年现行有效”都不成立"
                                            "（机构调整、清理等可能解释差额）。", instance=inst, evidence=ev,
                                            origin="source", details={"readings": len(holds), "hold": 0})
                        continue
                    if all(holds):
                        yield c_cur.finding("pass", f"{zh}存量在所有拆分读法下都相符。", instance=inst, evidence=ev,
                                            details={"readings": len(holds), "hold": len(holds)})
                        continue
                yield c_cur.not_assessable(inst, m1 + [f"{prev.doc_id}:{x}" for x in m0], ev, f"{zh}存量")
                continue
            exp = v0[a["in_force"]] + v1[a["issued"]] - v1[a["repealed"]]
            obs = v1[a["in_force"]]
            if exp == obs:
                yield c_cur.finding("pass", f"{zh}现行有效件数与上年存量和本年增减相符（{fmt(obs)}件）。", instance=inst,
                                    expected=exp, observed=obs, evidence=ev, lenient=l0 or l1)
            else:
                yield c_cur.finding("fail", f"{zh}：上年现行有效{fmt(v0[a['in_force']])}件 + 本年制发{fmt(v1[a['issued']])}件 − "
                                    f"本年废止{fmt(v1[a['repealed']])}件 = {fmt(exp)}件，但本年现行有效为{fmt(obs)}件"
                                    "（机构调整、清理等可能解释差额）。", instance=inst, expected=exp, observed=obs,
                                    evidence=ev, origin="source", lenient=l0 or l1)


ANOMALY_CELLS = (
    "applications/new_received/total", "applications/total_processed/total", "applications/granted/total",
    "review_litigation/review/total", "review_litigation/litigation_direct/total",
    "active_disclosure/normative_documents/issued", "active_disclosure/administrative_license/decisions",
    "active_disclosure/administrative_penalty/decisions", "active_disclosure/administrative_coercion/decisions",
)


@rule("cy.anomaly.v1", scope="years", severity="warning", title="逐年变化超过5倍或不足0.2倍（基数≥10）")
def cy_anomaly(ctx: YearsContext) -> Iterator[Finding]:
    for prev, cur in _pairs(ctx):
        c_cur, c_prev = ctx.context(cur), ctx.context(prev)
        for addr in ANOMALY_CELLS:
            tid = addr.split("/")[0]
            if c_cur.template(tid) is None or c_cur.template(tid) != c_prev.template(tid):
                continue
            x, y = c_prev.cell(addr), c_cur.cell(addr)
            if x.kind != "number" or y.kind != "number" or x.value is None or y.value is None or x.value < 10:
                continue
            ratio = y.value / x.value
            ev = [c_cur.cell_evidence(addr, "this_year"), _other(c_prev.cell_evidence(addr, "previous_year"), prev.doc_id)]
            inst = f"{addr} vs {prev.doc_id}"
            if ratio > 5 or ratio < Decimal("0.2"):
                yield c_cur.finding("fail", f"{c_cur.label(addr)}由{prev.meta.year}年的{fmt(x.value)}变为{fmt(y.value)}"
                                    f"（{ratio:.2f}倍），变化异常，请核实。", instance=inst, expected=x.value,
                                    observed=y.value, evidence=ev, origin="source", kind="plausibility",
                                    details={"ratio": f"{ratio:.4f}"})
            else:
                yield c_cur.finding("pass", f"{c_cur.label(addr)}逐年变化{ratio:.2f}倍，在正常范围。", instance=inst,
                                    expected=x.value, observed=y.value, evidence=ev, kind="plausibility")


def _ngrams(s: str, n: int = 3) -> set[str]:
    s = re.sub(r"[\s　，。、；：,.;:（）()“”\"]", "", s)
    return {s[i:i + n] for i in range(max(0, len(s) - n + 1))}


_STAT_TABLE = re.compile(r"(附[件表]?\s*\d?\s*[：:]?[^。\n]{0,40}?统计表|指标名称\s*计量\s*单位)")
# a sentence with no punctuation inside is a heading, a signature, a signing date or a table title
_PUNCT = re.compile(r"[，,、；;：:。！？!?]")
# a numbered heading on its own: （二）进一步拓展政府信息公开形式。
_HEADING = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,2}[、.．])"
                      r"\s*[^，,、；;：:。！？!?\s]{1,25}[。：:]?$")


def _prose(rep: Report, sec: Any) -> str:
    """What a copy repeats: the sentences the agency wrote in the section (``Report.sentences``,
    so no template table), up to the pre-2019 statistics table (指标名称/计量单位) that a last
    section runs into, without what is not prose: headings (the template's and the report's own
    numbered ones), the signature and signing date, a table's title. A date or a title differs
    every year by nature and would hide a copy; a template heading is the same every year and
    would fake one."""
    end = sec.end
    m = _STAT_TABLE.search(rep.text, sec.body_start, sec.end)
    if m:
        end = m.start()
    out: list[str] = []
    for st in rep.sentences:
        a, b = max(st.start, sec.body_start), min(st.end, end)
        if b <= a:
            continue
        # a heading on a line of its own is inside the sentence that follows it
        out.extend(t for t in (ln.strip() for ln in rep.text[a:b].splitlines())
                   if t and _PUNCT.search(t) and not _HEADING.match(t))
    return "\n".join(out)


@rule("cy.copied_text.v1", scope="years", severity="warning", title="第五部分与上年几乎相同")
def cy_copied_text(ctx: YearsContext) -> Iterator[Finding]:
    for prev, cur in _pairs(ctx):
        s1, s0 = cur.section("problems"), prev.section("problems")
        if s1 is None or s0 is None:
            continue
        c_cur = ctx.context(cur)
        t1, t0 = _prose(cur, s1), _prose(prev, s0)
        g1, g0 = _ngrams(t1), _ngrams(t0)
        if len(g1) < 20 or len(g0) < 20:
            continue
        # containment of the shorter in the longer: robust to a table or attachment list that
        # the section of one year runs into
        sim = len(g1 & g0) / min(len(g1), len(g0))
        ev = [c_cur.span_evidence(s1.body_start, s1.end, "section"),
              Evidence("span", None, s0.body_start, s0.end, t0, role="previous_year", doc=prev.doc_id)]
        inst = f"problems vs {prev.doc_id}"
        simd = Decimal(f"{sim:.3f}")
        if sim >= 0.8:
            yield c_cur.finding("fail", f"第五部分“存在的主要问题及改进情况”与{prev.meta.year}年报告的相似度为{sim:.0%}，几乎照搬上年。",
                                instance=inst, expected=Decimal("0.8"), observed=simd, evidence=ev, origin="source",
                                kind="plausibility")
        else:
            yield c_cur.finding("pass", f"第五部分与上年相似度{sim:.0%}。", instance=inst, expected=Decimal("0.8"),
                                observed=simd, evidence=ev, kind="plausibility")


def _read_cells() -> dict[str, frozenset[str]]:
    """``{table id: cell addresses}`` that the rules of this module read."""
    full = {f"applications/{r}/{c}" for r in ("carried_over", "carried_forward") for c in APP_COLUMNS}
    full |= {f"active_disclosure/{r}/{c}" for r, _ in STOCK_ROWS for c in ("issued", "repealed", "in_force")}
    full |= set(ANOMALY_CELLS)
    out: dict[str, set[str]] = {}
    for a in full:
        tid, _, rest = a.partition("/")
        out.setdefault(tid, set()).add(rest)
    return {t: frozenset(v) for t, v in out.items()}


_READ = _read_cells()


def years_view(rep: Report) -> Report:
    """The report as these rules see it: text, source, meta, sections, regions and each table's
    frame (template, span, splits), but only the cells they read and no warnings. ``cross_year``
    gives the same findings on it (tested) for a tenth of its JSON: what the batch keeps of each
    report for its cross-year pass."""
    tables = {tid: replace(t, cells={a: c for a, c in t.cells.items() if a in _READ.get(tid, ())})
              for tid, t in rep.tables.items()}
    return replace(rep, tables=tables, warnings=())
