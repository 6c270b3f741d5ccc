"""The overview across reports (``index.html``) and one page per agency across its years.

Self-contained pages: inline CSS, a few lines of plain JavaScript (sorting and filtering the
table of reports), charts drawn as inline SVG. Nothing is loaded from the network.

- index.html: a sortable, filterable table of reports (agency as canonical name with the
  original beside it, year, template, counts of findings, 新收申请, 实质公开率, 不予公开率),
  totals, counts per rule and per agency, and four charts: applications per year, 实质公开率
  and 不予公开率 across agencies, the most common failing rules.
- agency-<name>.html: the agency's years side by side, its cross-year findings, a chart of its
  applications per year, links to each year's report page.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any
from urllib.parse import quote

from gsnlp.check.finding import Finding
from gsnlp.doc import Report

SEV = ("error", "warning", "info")


def esc(s: Any) -> str:
    return escape("" if s is None else str(s), quote=True)


def agency_page_name(agency: str) -> str:
    return "agency-" + re.sub(r"[\\/:*?\"<>|\s]", "_", agency) + ".html"


@dataclass(frozen=True, slots=True)
class Row:
    """One report in the overview."""

    report: Report
    findings: Sequence[Finding]
    page: str
    source: str
    agency: str  # canonical ("" when unknown)
    received: Decimal | None
    rates: dict[str, tuple[Decimal, Decimal, Decimal]]  # id -> (value, numerator, denominator)

    def count(self, sev: str) -> int:
        return sum(1 for f in self.findings if f.status == "fail" and f.severity == sev)

    @property
    def not_assessable(self) -> int:
        return sum(1 for f in self.findings if f.status == "not_assessable")


def make_rows(items: Sequence[tuple[Report, Sequence[Finding], str, str]]) -> list[Row]:
    """Rows from (report, findings, page file name, source path)."""
    from gsnlp.agency import canonical_agency
    from gsnlp.check.indicators import indicators

    rows = []
    for rep, fs, page, src in items:
        ind = {i.id: i for i in indicators(rep)}
        rates: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
        for k in ("substantive_disclosure_rate", "denial_rate"):
            den = ind[k].denominator if k in ind else None
            if den is not None:
                rates[k] = (ind[k].value, ind[k].numerator, den)
        rec = ind["applications"].value if "applications" in ind else None
        rows.append(Row(rep, fs, page, src, canonical_agency(rep.meta.agency) or "", rec, rates))
    return rows


# ---------------------------------------------------------------- charts (inline SVG)

def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in s)  # a CJK character is two Latin ones wide


def _fit(label: str, units: int) -> str:
    """The label cut to ``units`` (CJK = 2), keeping its tail: agency names share their head
    (平潭综合实验区…), rule names their family (nt.…)."""
    if _width(label) <= units:
        return label
    out = ""
    for ch in reversed(label):
        if _width(out) + _width(ch) > units - 1:
            break
        out = ch + out
    return "…" + out


def bar_chart(title: str, items: Sequence[tuple[str, float, str]], *, chart_id: str, pct: bool = False,
              width: int = 560) -> str:
    """A horizontal bar chart: (label, value, tooltip) per bar."""
    if not items:
        return (f'<figure class="chart" id="{chart_id}"><figcaption>{esc(title)}</figcaption>'
                '<p class="small">（没有可用的数据）</p></figure>')
    bar_h, gap, left, right = 18, 6, 190, 70
    h = len(items) * (bar_h + gap) + 10
    top = max(v for _, v, _ in items) or 1.0
    scale = (width - left - right) / top
    parts = []
    for i, (label, v, tip) in enumerate(items):
        y = 5 + i * (bar_h + gap)
        w = max(v * scale, 0.5)
        shown = f"{v:.1%}" if pct else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
        lab = _fit(label, 28)
        parts.append(f'<g class="bar"><title>{esc(tip)}</title>'
                     f'<text x="{left - 6}" y="{y + 13}" text-anchor="end" font-size="12">{esc(lab)}</text>'
                     f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="#1565c0"></rect>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 13}" font-size="12">{esc(shown)}</text></g>')
    return (f'<figure class="chart" id="{chart_id}"><figcaption>{esc(title)}</figcaption>'
            f'<svg width="{width}" height="{h}" viewBox="0 0 {width} {h}" '
            f'role="img" aria-label="{esc(title)}">{"".join(parts)}</svg></figure>')


def column_chart(title: str, items: Sequence[tuple[str, float, str]], *, chart_id: str, width: int = 560) -> str:
    """A vertical bar chart over an ordered axis (years)."""
    if not items:
        return (f'<figure class="chart" id="{chart_id}"><figcaption>{esc(title)}</figcaption>'
                '<p class="small">（没有可用的数据）</p></figure>')
    h, bottom, top_pad = 220, 24, 18
    n = len(items)
    slot = (width - 20) / n
    top = max(v for _, v, _ in items) or 1.0
    scale = (h - bottom - top_pad) / top
    parts = []
    for i, (label, v, tip) in enumerate(items):
        bh = max(v * scale, 0.5)
        x = 10 + i * slot + slot * 0.15
        bw = slot * 0.7
        y = h - bottom - bh
        parts.append(f'<g class="bar"><title>{esc(tip)}</title>'
                     f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{bh:.1f}" fill="#2e7d32"></rect>'
                     f'<text x="{x + bw / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="11">{v:,.0f}</text>'
                     f'<text x="{x + bw / 2:.1f}" y="{h - 8}" text-anchor="middle" font-size="11">{esc(label)}</text>'
                     "</g>")
    return (f'<figure class="chart" id="{chart_id}"><figcaption>{esc(title)}</figcaption>'
            f'<svg width="{width}" height="{h}" viewBox="0 0 {width} {h}" '
            f'role="img" aria-label="{esc(title)}">{"".join(parts)}</svg></figure>')


def _pooled(rows: Sequence[Row], rate: str) -> tuple[Decimal, Decimal, Decimal] | None:
    got = [r.rates[rate] for r in rows if rate in r.rates]
    if not got:
        return None
    n = sum((g[1] for g in got), Decimal(0))
    d = sum((g[2] for g in got), Decimal(0))
    return (n / d, n, d) if d > 0 else None


def applications_per_year(rows: Sequence[Row]) -> list[tuple[str, float, str]]:
    """Sum of 本年新收申请 (new_received/total) per year, over the reports where it is a number;
    each report counted once (a report given twice, e.g. as .txt and .html, by content)."""
    per: dict[int, list[Decimal]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    for r in rows:
        y = r.report.meta.year
        if y is None or r.received is None:
            continue
        key = (r.agency or r.report.source.sha256, y)
        if key in seen:  # one agency-year once, whatever the number of copies (txt and html of one report)
            continue
        seen.add(key)
        per[y].append(r.received)
    return [(str(y), float(sum(v, Decimal(0))), f"{y}年：{sum(v, Decimal(0))}件，{len(v)}份报告")
            for y, v in sorted(per.items())]


# ---------------------------------------------------------------- pages

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#222;
 line-height:1.5;background:#fafafa}
main{max-width:1280px;margin:0 auto;padding:16px 24px 40px}
h1{font-size:1.4em} h2{font-size:1.15em;border-bottom:2px solid #ccc;padding-bottom:3px;margin-top:1.6em}
.small{font-size:.85em;color:#555}
table.grid{border-collapse:collapse;background:#fff;font-size:.85em}
table.grid th,table.grid td{border:1px solid #ccc;padding:3px 6px;text-align:right}
table.grid td.l,table.grid th.l{text-align:left}
table.grid th{background:#eee;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th.asc::after{content:" ▲"} table.sortable th.desc::after{content:" ▼"}
tr.sev-error td:first-child{border-left:5px solid #c62828} tr.sev-warning td:first-child{border-left:5px solid #ef6c00}
tfoot td{font-weight:bold;background:#f3f3f3}
.charts{display:flex;flex-wrap:wrap;gap:18px}
figure.chart{background:#fff;border:1px solid #ddd;margin:0;padding:8px}
figcaption{font-weight:bold;margin-bottom:4px}
#filter{font-size:1em;padding:4px 8px;width:22em}
"""

JS = r"""
(function(){
  function val(td){var v=td.getAttribute('data-v');if(v===null)v=td.textContent.trim();
    var n=parseFloat(v);return (v!==''&&!isNaN(n)&&/^-?[0-9.]+%?$/.test(v))?n:v.toLowerCase();}
  document.querySelectorAll('table.sortable').forEach(function(t){
    t.querySelectorAll('thead th').forEach(function(th,i){th.addEventListener('click',function(){
      var asc=!th.classList.contains('asc');
      t.querySelectorAll('thead th').forEach(function(x){x.classList.remove('asc','desc')});
      th.classList.add(asc?'asc':'desc');var tb=t.tBodies[0];var rows=Array.prototype.slice.call(tb.rows);
      rows.sort(function(a,b){var x=val(a.cells[i]),y=val(b.cells[i]);
        if(x===''&&y!=='')return 1;if(y===''&&x!=='')return -1;
        if(typeof x===typeof y){return (x<y?-1:x>y?1:0)*(asc?1:-1);}return (typeof x==='number'?-1:1);});
      rows.forEach(function(r){tb.appendChild(r)});});});});
  var f=document.getElementById('filter');
  if(f){f.addEventListener('input',function(){var q=f.value.trim().toLowerCase();var n=0;
    document.querySelectorAll('#reports tbody tr').forEach(function(r){
      var show=!q||r.textContent.toLowerCase().indexOf(q)>=0;r.style.display=show?'':'none';if(show)n++;});
    var c=document.getElementById('shown');if(c)c.textContent=n;});}
})();
"""


def _pct(x: tuple[Decimal, Decimal, Decimal] | None) -> tuple[str, str]:
    if x is None:
        return "", ""
    return f"{x[0]:.1%}", format(x[0], "f")


def render_overview(rows: Sequence[Row], failed_inputs: Sequence[tuple[str, str]] = (),
                    years_findings: Sequence[Finding] = ()) -> str:
    """The ``index.html`` across reports."""
    from gsnlp.check.registry import all_rules

    titles = {r.name: r.title for r in all_rules()}
    body = []
    for r in sorted(rows, key=lambda r: (-r.count("error"), -r.count("warning"), r.agency, r.report.meta.year or 0)):
        m = r.report.meta
        worst = next((s for s in SEV if r.count(s)), "")
        sub, sub_v = _pct(r.rates.get("substantive_disclosure_rate"))
        den, den_v = _pct(r.rates.get("denial_rate"))
        ag = f'<a href="{quote(agency_page_name(r.agency))}">{esc(r.agency)}</a>' if r.agency else ""
        body.append(
            f'<tr class="sev-{worst}"><td class="l"><a href="{quote(r.page)}">{esc(r.report.doc_id)}</a></td>'
            f'<td class="l">{ag}</td><td class="l">{esc(m.agency or "")}</td><td>{esc(m.year or "")}</td>'
            f'<td>{esc(m.template)}</td><td>{r.count("error")}</td><td>{r.count("warning")}</td>'
            f'<td>{r.count("info")}</td><td>{r.not_assessable}</td>'
            f'<td data-v="{"" if r.received is None else r.received}">{"" if r.received is None else r.received}</td>'
            f'<td data-v="{sub_v}">{sub}</td><td data-v="{den_v}">{den}</td></tr>')
    tot = {s: sum(r.count(s) for r in rows) for s in SEV}
    tot_na = sum(r.not_assessable for r in rows)
    foot = (f'<tfoot><tr><td class="l">合计 {len(rows)} 份</td><td></td><td></td><td></td><td></td><td>{tot["error"]}</td>'
            f'<td>{tot["warning"]}</td><td>{tot["info"]}</td><td>{tot_na}</td><td></td><td></td><td></td></tr></tfoot>')
    head = ("<thead><tr>" + "".join(
        f'<th class="{"l" if i < 3 else ""}">{h}</th>' for i, h in enumerate(
            ("文件", "机关（规范名）", "机关（原文）", "年度", "模板", "错误", "警告", "提示", "无法核对", "新收申请",
             "实质公开率", "不予公开率"))) + "</tr></thead>")
    reports_table = (f'<p><input id="filter" type="search" placeholder="筛选：机关、年度、文件名……"> '
                     f'<span class="small">显示 <span id="shown">{len(rows)}</span> / {len(rows)} 份；'
                     '点击表头排序</span></p>'
                     f'<table class="grid sortable" id="reports">{head}<tbody>{"".join(body)}</tbody>{foot}</table>')

    # counts per rule
    per_rule: dict[str, dict[str, Any]] = defaultdict(lambda: {"error": 0, "warning": 0, "info": 0, "na": 0,
                                                               "reports": set()})
    for r in rows:
        for f in r.findings:
            if f.status == "fail":
                per_rule[f.rule][f.severity] += 1
                per_rule[f.rule]["reports"].add(r.report.source.sha256)
            elif f.status == "not_assessable":
                per_rule[f.rule]["na"] += 1
    rule_rows = "".join(
        f'<tr><td class="l">{esc(k)}</td><td class="l">{esc(titles.get(k, ""))}</td><td>{v["error"]}</td>'
        f'<td>{v["warning"]}</td><td>{v["info"]}</td><td>{v["na"]}</td><td>{len(v["reports"])}</td></tr>'
        for k, v in sorted(per_rule.items(), key=lambda kv: (-(kv[1]["error"] + kv[1]["warning"] + kv[1]["info"]),
                                                            kv[0])))
    rules_table = ('<table class="grid sortable" id="rules"><thead><tr><th class="l">规则</th><th class="l">说明</th>'
                   '<th>错误</th><th>警告</th><th>提示</th><th>无法核对</th><th>涉及报告</th></tr></thead>'
                   f"<tbody>{rule_rows}</tbody></table>")

    # counts per agency
    by_agency: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_agency[r.agency or "（未识别机关）"].append(r)
    ag_rows = []
    for ag, rs in sorted(by_agency.items()):
        years = sorted({r.report.meta.year for r in rs if r.report.meta.year})
        names = sorted({r.report.meta.agency for r in rs if r.report.meta.agency and r.report.meta.agency != ag})
        link = f'<a href="{quote(agency_page_name(ag))}">{esc(ag)}</a>' if ag != "（未识别机关）" else esc(ag)
        ag_rows.append(f'<tr><td class="l">{link}</td><td class="l">{esc("、".join(names))}</td><td>{len(rs)}</td>'
                       f'<td class="l">{esc(", ".join(map(str, years)))}</td>'
                       f'<td>{sum(r.count("error") for r in rs)}</td>'
                       f'<td>{sum(r.count("warning") for r in rs)}</td></tr>')
    agency_table = ('<table class="grid sortable" id="agencies"><thead><tr><th class="l">机关</th>'
                    '<th class="l">报告中的其他写法</th><th>报告数</th><th class="l">年度</th><th>错误</th><th>警告</th>'
                    f'</tr></thead><tbody>{"".join(ag_rows)}</tbody></table>')

    # charts
    per_year = applications_per_year(rows)
    rate_items: dict[str, list[tuple[str, float, str]]] = {}
    for rate in ("substantive_disclosure_rate", "denial_rate"):
        items = []
        for ag, rs in by_agency.items():
            p = _pooled(rs, rate)
            if p is not None:
                items.append((ag, float(p[0]), f"{ag}：{p[0]:.1%}（{p[1]}/{p[2]}，{len(rs)}份报告合计）"))
        rate_items[rate] = sorted(items, key=lambda x: -x[1])[:20]
    common = sorted(((k, v["error"] + v["warning"] + v["info"]) for k, v in per_rule.items()), key=lambda x: -x[1])
    common_items = [(k.rsplit(".v", 1)[0], float(n), f"{k} {titles.get(k, '')}：{n} 次") for k, n in common if n][:10]
    charts = ('<div class="charts">'
              + column_chart("本年新收申请（件）· 按年度", per_year, chart_id="chart-applications")
              + bar_chart("实质公开率 · 按机关（各年合计）", rate_items["substantive_disclosure_rate"],
                          chart_id="chart-substantive", pct=True)
              + bar_chart("不予公开率 · 按机关（各年合计）", rate_items["denial_rate"], chart_id="chart-denial", pct=True)
              + bar_chart("最常见的不通过规则（次）", common_items, chart_id="chart-rules")
              + "</div>")
    bad = "".join(f'<li>{esc(p)}：{esc(e)}</li>' for p, e in failed_inputs)
    bad_html = f'<h2>未能读取的文件（{len(failed_inputs)}）</h2><ul id="failed">{bad}</ul>' if bad else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>审核报告 · 总览</title><style>{CSS}</style></head>
<body><main><h1>政府信息公开年度报告审核 · 总览</h1>
<p class="small">{len(rows)} 份报告，{len(by_agency)} 个机关；错误 {tot["error"]}，警告 {tot["warning"]}，提示 {tot["info"]}，
无法核对 {tot_na}。数字按报告原文照录；比率只在所需单元格都是数字时计算。</p>
<h2>图表</h2>{charts}
<h2>报告</h2>{reports_table}
<h2>按规则统计</h2>{rules_table}
<h2>按机关统计（跨年度页面）</h2>{agency_table}
{bad_html}
</main><script>{JS}</script></body></html>
"""


def render_agency(agency: str, rows: Sequence[Row]) -> str:
    """One agency across its years: key numbers per year, cross-year findings, links to the reports."""
    from gsnlp.check.registry import all_rules

    titles = {r.name: r.title for r in all_rules()}
    rows = sorted(rows, key=lambda r: (r.report.meta.year or 0, r.report.doc_id))
    trs = []
    for r in rows:
        sub, sub_v = _pct(r.rates.get("substantive_disclosure_rate"))
        den, den_v = _pct(r.rates.get("denial_rate"))
        trs.append(f'<tr><td>{esc(r.report.meta.year or "")}</td><td class="l"><a href="{quote(r.page)}">'
                   f'{esc(r.report.doc_id)}</a></td><td class="l">{esc(r.report.meta.agency or "")}</td>'
                   f'<td>{esc(r.report.meta.template)}</td><td>{r.count("error")}</td><td>{r.count("warning")}</td>'
                   f'<td data-v="{"" if r.received is None else r.received}">'
                   f'{"" if r.received is None else r.received}</td>'
                   f'<td data-v="{sub_v}">{sub}</td><td data-v="{den_v}">{den}</td></tr>')
    cy = [(r, f) for r in rows for f in r.findings if f.rule.startswith("cy.") and f.status != "pass"]
    cy_html = "".join(f'<li><b>{esc(f.rule)}</b> {esc(titles.get(f.rule, ""))}（{esc(r.report.meta.year)}）：'
                      f'{esc(f.message)}</li>' for r, f in cy)
    chart = column_chart("本年新收申请（件）· 按年度", applications_per_year(rows), chart_id="chart-applications")
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>机关 · {esc(agency)}</title><style>{CSS}</style></head>
<body><main><p class="small"><a href="index.html">← 总览</a></p><h1>{esc(agency)} · 各年度</h1>
<p class="small">规范名 {esc(agency)}；报告中的写法：{esc("、".join(sorted({r.report.meta.agency or "" for r in rows})))}</p>
<div class="charts">{chart}</div>
<h2>各年度报告</h2>
<table class="grid sortable" id="years"><thead><tr><th>年度</th><th class="l">文件</th><th class="l">机关（原文）</th>
<th>模板</th><th>错误</th><th>警告</th><th>新收申请</th><th>实质公开率</th><th>不予公开率</th></tr></thead>
<tbody>{"".join(trs)}</tbody></table>
<h2>跨年度核对（{len(cy)}）</h2>{f"<ul id='cy'>{cy_html}</ul>" if cy else "<p>没有跨年度的不通过项目。</p>"}
</main><script>{JS}</script></body></html>
"""
