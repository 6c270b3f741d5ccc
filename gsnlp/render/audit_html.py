"""The auditor's report: one self-contained HTML page per report and an index page.

A page shows the failures first, then the three tables drawn in the template layout with
failing cells marked, then the narrative with every evidence span highlighted. Each finding
links to its cells and spans, and each cell and span links back to its findings. No network,
no external assets: CSS and the few lines of script are inline.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gsnlp.template.sections import SECTIONS
from gsnlp.check.finding import SEVERITY_RANK, Finding
from gsnlp.doc import Report
from gsnlp.tables.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, table_def

SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"fail": "不通过", "not_assessable": "无法核对", "pass": "通过"}
ORIGIN_ZH = {"source": "报告本身", "extraction": "读取可疑"}
SECTION_ZH = {s.id: s.heading for s in SECTIONS}  # the template's headings (gsnlp.template.sections)

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:0;color:#222;
 line-height:1.55;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:16px 24px 80vh}
h1{font-size:1.4em;margin:.4em 0} h2{font-size:1.15em;border-bottom:2px solid #ccc;padding-bottom:3px;margin-top:1.6em}
.meta{color:#555;font-size:.9em}
.summary{display:flex;gap:12px;margin:10px 0}
.badge{padding:4px 10px;border-radius:4px;font-weight:bold;color:#fff}
.b-error{background:#c62828}.b-warning{background:#ef6c00}.b-info{background:#1565c0}.b-na{background:#757575}
.b-pass{background:#2e7d32}
ol.findings{padding-left:1.5em} ol.findings li{margin:6px 0;padding:6px 8px;background:#fff;border-left:5px solid #999}
li.sev-error{border-color:#c62828!important} li.sev-warning{border-color:#ef6c00!important}
li.sev-info{border-color:#1565c0!important}
.rule{font-family:monospace;font-size:.85em;color:#444}
.ev-links a,.back a{font-size:.8em;margin-right:6px;text-decoration:none;background:#eef;padding:0 4px;
 border-radius:3px}
.origin-extraction{color:#6a1b9a;font-weight:bold}
table.tpl{border-collapse:collapse;background:#fff;font-size:.85em;margin:8px 0}
table.tpl th,table.tpl td{border:1px solid #bbb;padding:2px 6px;text-align:center}
table.tpl td.lbl{text-align:left;max-width:380px}
td.cell.fail{background:#ffcdd2;outline:2px solid #c62828;font-weight:bold}
td.cell.warn{background:#ffe0b2;outline:2px solid #ef6c00}
td.cell.na{background:#eeeeee;color:#777;font-style:italic}
td.cell.ev{background:#fff9c4}
.narr{white-space:pre-wrap;background:#fff;padding:10px 14px;border:1px solid #ddd;font-size:.95em}
mark.ev{background:#fff59d;padding:0 1px}
mark.ev.fail{background:#ffab91;border-bottom:2px solid #c62828}
mark.ev.warn{background:#ffe0b2;border-bottom:2px solid #ef6c00}
td.cell,.span-anchor,li.finding{scroll-margin-top:80px}
:target{animation:flash 1.5s ease-out 1;outline:3px solid #1565c0}
@keyframes flash{from{background:#64b5f6}}
.details-na summary{cursor:pointer;color:#555}
.small{font-size:.85em;color:#555}
"""

JS = """
document.addEventListener('click',function(e){var a=e.target.closest('a[href^="#"]');if(!a)return;
var el=document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1)));
if(el){var d=el.closest('details');if(d)d.open=true;}});
"""


TABLE_ZH = {"active_disclosure": "表二 主动公开政府信息情况", "applications": "表三 收到和处理政府信息公开申请情况",
            "review_litigation": "表四 行政复议、行政诉讼情况"}


def _rule_title(rule: str) -> str:
    """The Chinese title of a rule (its one-line explanation); "" for an unknown rule."""
    from gsnlp.check.registry import RULES, _load

    _load()
    r = RULES.get(rule)
    return r.title if r is not None else ""


def esc(s: Any) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def cell_id(address: str) -> str:
    return "c-" + re.sub(r"[^A-Za-z0-9_-]", "-", address)


def page_name(doc: str) -> str:
    return re.sub(r"[\\/:*?\"<>|\s]", "_", doc) + ".html"


def _val(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        return format(v, "f")
    return str(v)


class _Page:
    def __init__(self, report: Report, findings: Sequence[Finding], source_href: str | None = None) -> None:
        self.report = report
        self.source_href = source_href
        order = {"fail": 0, "not_assessable": 1, "pass": 2}
        self.findings = sorted(findings, key=lambda f: (order[f.status], -SEVERITY_RANK[f.severity], f.rule))
        self.fid = {id(f): f"f-{i + 1}" for i, f in enumerate(self.findings)}
        # evidence of this report: cells and spans, with the findings that use them
        self.cell_findings: dict[str, list[Finding]] = defaultdict(list)
        self.spans: list[tuple[int, int, str]] = []  # (start, end, span id)
        self.span_findings: dict[str, list[Finding]] = defaultdict(list)
        self.span_of: dict[tuple[int, int], str] = {}
        for f in self.findings:
            if f.status == "pass":
                continue
            for e in f.evidence:
                if e.doc is not None and e.doc != report.doc_id:
                    continue
                if e.kind == "cell" and e.ref:
                    if f.status == "fail":  # only failing cells are marked; other links still land on the cell
                        self.cell_findings[e.ref].append(f)
                elif e.kind == "span" and e.start is not None and e.end is not None and e.end > e.start:
                    key = (e.start, e.end)
                    if key not in self.span_of:
                        sid = f"s-{len(self.span_of) + 1}"
                        self.span_of[key] = sid
                        self.spans.append((e.start, e.end, sid))
                    self.span_findings[self.span_of[key]].append(f)

    # ---- pieces ----
    def cell_page(self, address: str) -> int | None:
        """The PDF page of a cell (from the reader's ``where``), None when unknown."""
        tid, _, rest = address.partition("/")
        t = self.report.tables.get(tid)
        c = t.cells.get(rest) if t is not None else None
        w = c.where if c is not None else None
        pg = w.get("page") if isinstance(w, dict) else None
        return pg if isinstance(pg, int) else None

    def span_page(self, offset: int) -> int | None:
        """The PDF page of a text offset, when the reader recorded where each page starts
        (``extra["page_starts"]``: the text offset of each page, in order)."""
        starts = self.report.extra.get("page_starts") if isinstance(self.report.extra, dict) else None
        if not isinstance(starts, list) or not starts:
            return None
        page = None
        for i, st in enumerate(starts, 1):
            if isinstance(st, int) and st <= offset:
                page = i
        return page

    def unknown_rows(self) -> str:
        """Rows of the source that fit no template row (their numbers are in no table)."""
        ws = [w for w in self.report.warnings if w.code in ("tables.row_unmatched", "tables.extra_cells")]
        if not ws:
            return ""
        items = []
        for w in ws:
            src = (self.report.text[w.start:w.end] if w.start is not None and w.end is not None else "").strip()
            items.append(f'<li><code class="src">{esc(src) or "（无原文位置）"}</code><br>'
                         f'<span class="small">{esc(w.message)}</span></li>')
        return (f'<h2>模板中没有的行（{len(ws)}）</h2><p class="small">报告表格里有以下各行，但它们与模板的任何一行都'
                f'对不上；其中的数字没有进入上面的表格，也没有参与核对。</p><ul id="unknown-rows">{"".join(items)}</ul>')

    def _backlinks(self, fs: Iterable[Finding]) -> str:
        seen = []
        for f in fs:
            if self.fid[id(f)] not in seen:
                seen.append(self.fid[id(f)])
        return "".join(f'<a href="#{i}" class="back-link">{i.split("-")[1]}</a>' for i in seen)

    def _cls(self, fs: Sequence[Finding]) -> str:
        fails = [f for f in fs if f.status == "fail"]
        if any(f.severity == "error" for f in fails):
            return "fail"
        if fails:
            return "warn"
        return "ev"

    def finding_li(self, f: Finding) -> str:
        links = []
        for e in f.evidence:
            if e.doc is not None and e.doc != self.report.doc_id:
                other = page_name(e.doc)
                target = cell_id(e.ref) if e.kind == "cell" and e.ref else ""
                links.append(f'<a href="{quote(other)}#{target}" class="ext">{esc(e.doc)}：{esc(e.ref or "片段")}'
                             f'={esc(_val(e.value) if e.value is not None else e.cell_kind or "")}</a>')
            elif e.kind == "cell" and e.ref:
                v = _val(e.value) if e.value is not None else (e.cell_kind or "")
                short = e.ref.split("/", 1)[1] if "/" in e.ref else e.ref
                pg = self.cell_page(e.ref)
                links.append(f'<a href="#{cell_id(e.ref)}" class="ev-link cell-link" title="{esc(e.ref)}">'
                             f'{esc(short)} = {esc(v)}{f" · 第{pg}页" if pg else ""}</a>')
            elif e.kind == "span" and e.start is not None and e.end is not None and e.end > e.start:
                sid = self.span_of.get((e.start, e.end))
                if sid:
                    t = self.report.text[e.start:e.end].replace("\n", " ")
                    pg = self.span_page(e.start)
                    more = "…" if len(t) > 24 else ""
                    links.append(f'<a href="#{sid}" class="ev-link span-link">“{esc(t[:24])}{more}”'
                                 f'{f" · 第{pg}页" if pg else ""}</a>')
        origin = (f' · 可能来源：<span class="origin-{f.origin}">{ORIGIN_ZH[f.origin]}</span>' if f.origin else "")
        exp = (f' · 应为 <b>{esc(_val(f.expected))}</b>，实为 <b>{esc(_val(f.observed))}</b>'
               if f.status == "fail" and (f.expected is not None or f.observed is not None) else "")
        lenient = ' · <i>宽松模式（空白按0）</i>' if f.lenient else ""
        return (f'<li id="{self.fid[id(f)]}" class="finding sev-{f.severity} st-{f.status}" data-rule="{esc(f.rule)}" '
                f'data-status="{f.status}"><span class="badge b-{f.severity if f.status == "fail" else "na"}">'
                f'{SEV_ZH[f.severity]}·{STATUS_ZH[f.status]}</span> '
                f'<b class="rule-title">{esc(_rule_title(f.rule))}</b>'
                f'<br>{esc(f.message)}<br>'
                f'<span class="rule">{esc(f.rule)} {esc(f.instance)}</span>{exp}{origin}{lenient}'
                f'<div class="ev-links">{"".join(links)}</div></li>')

    def cell_td(self, table_id: str, addr_rest: str) -> str:
        addr = f"{table_id}/{addr_rest}"
        t = self.report.tables.get(table_id)
        c = t.cells.get(addr_rest) if t is not None else None
        fs = self.cell_findings.get(addr, [])
        classes = ["cell"]
        if c is None or c.kind != "number":
            classes.append("na")
        if fs:
            classes.append(self._cls(fs))
        if c is None:
            shown = ""
        elif c.kind == "number":
            shown = esc(c.raw.strip() or _val(c.value))
        elif c.kind == "ambiguous":
            shown = "?" + esc("|".join(c.candidates[:4]))
        else:
            shown = {"blank": "（空）", "absent": "（缺）"}.get(c.kind, esc(c.raw or c.kind))
        pg = self.cell_page(addr)
        title = f' title="{esc(addr)}{f" · 第{pg}页" if pg else ""}"'
        back = f'<div class="back">{self._backlinks(fs)}</div>' if fs else ""
        return f'<td id="{cell_id(addr)}" class="{" ".join(classes)}"{title}>{shown}{back}</td>'

    def table_applications(self) -> str:
        t = self.report.tables.get("applications")
        if t is None or not t.found or t.template not in ("2021", "2019"):
            return '<p class="small">（报告没有可识别的表三）</p>'
        cols = [c for c, _ in APPLICANT_COLUMNS]
        head = ('<tr><th rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>'
                '<th colspan="7">申请人情况</th></tr><tr><th rowspan="2">自然人</th><th colspan="5">法人或其他组织</th>'
                '<th rowspan="2">总计</th></tr><tr>' + "".join(f"<th>{lab}</th>" for _c, lab in APPLICANT_COLUMNS[1:6])
                + "</tr>")
        rows = []
        for r in table_def(t.template, "applications").rows:
            label = (r.group + " " if r.group else "") + r.label
            rows.append(f'<tr><td class="lbl">{esc(label)}</td>' +
                        "".join(self.cell_td("applications", f"{r.id}/{c}") for c in cols) + "</tr>")
        return f'<table class="tpl" id="t-applications">{head}{"".join(rows)}</table>'

    def table_review(self) -> str:
        t = self.report.tables.get("review_litigation")
        if t is None or not t.found or t.template not in ("2021", "2019"):
            return '<p class="small">（报告没有可识别的表四）</p>'
        cols = [c for c, _ in REVIEW_COLUMNS]
        sub = "".join(f"<th>{lab}</th>" for _, lab in REVIEW_COLUMNS)
        head = ('<tr><th colspan="5" rowspan="2">行政复议</th><th colspan="10">行政诉讼</th></tr>'
                '<tr><th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>'
                f"<tr>{sub * 3}</tr>")
        body = "<tr>" + "".join(self.cell_td("review_litigation", f"{b}/{c}")
                                for b in ("review", "litigation_direct", "litigation_after_review")
                                for c in cols) + "</tr>"
        return f'<table class="tpl" id="t-review_litigation">{head}{body}</table>'

    def table_active(self) -> str:
        t = self.report.tables.get("active_disclosure")
        if t is None or not t.found or t.template not in ("2021", "2019"):
            return '<p class="small">（报告没有可识别的表二）</p>'
        out = []
        tdef = table_def(t.template, "active_disclosure")
        for r in tdef.rows:
            out.append(f'<tr><td class="lbl">{esc(r.label)}</td>' +
                       "".join(f'<td class="small">{esc(tdef.column_labels.get(c, c))}</td>'
                               f'{self.cell_td("active_disclosure", f"{r.id}/{c}")}' for c in r.columns) + "</tr>")
        return f'<table class="tpl" id="t-active_disclosure">{"".join(out)}</table>'

    def narrative(self) -> str:
        rep = self.report
        ranges: list[tuple[str | None, int, int]] = list(rep.narrative_spans())
        if not ranges:
            ranges = [(None, 0, len(rep.text))]
        covered = [(a, b) for _, a, b in ranges]
        # evidence outside the narrative (in a table's text, a title): shown with its context
        for a, b, _sid in self.spans:
            if not any(x <= a and b <= y for x, y in covered):
                lo = max(0, a - 30)
                hi = min(len(rep.text), b + 30)
                ranges.append(("context", lo, hi))
                covered.append((lo, hi))
        ranges.sort(key=lambda r: r[1])
        # merge overlaps so every character is rendered once
        merged: list[list[Any]] = []
        for sec, a, b in ranges:
            if merged and a <= merged[-1][2]:
                merged[-1][2] = max(merged[-1][2], b)
            else:
                merged.append([sec, a, b])
        parts = []
        last_sec = object()
        tables = sorted((t.start, t.end, tid) for tid, t in rep.tables.items()
                        if t.found and t.start is not None and t.end is not None)
        pos = 0
        for sec, a, b in merged:
            if not rep.text[a:b].strip() and not any(x < b and y > a for x, y, _ in self.spans):
                continue  # nothing to show: no empty box where a table stood
            if sec != last_sec:
                title = SECTION_ZH.get(sec or "", "（表格或标题中的证据片段）" if sec == "context" else "")
                if title:
                    parts.append(f'<h3 class="small">{esc(title)}</h3>')
                last_sec = sec
            for ts, _te, tid in tables:
                if pos <= ts < a:
                    parts.append(f'<p class="small table-here">〔此处是{esc(TABLE_ZH.get(tid, tid))}，'
                                 f'见上方<a href="#t-{esc(tid)}">表格</a>〕</p>')
            parts.append(f'<div class="narr">{self._marked(a, b)}</div>')
            pos = b
        return "".join(parts)

    def _marked(self, lo: int, hi: int) -> str:
        text = self.report.text
        spans = [(max(a, lo), min(b, hi), sid) for a, b, sid in self.spans if a < hi and b > lo]
        bounds = sorted({lo, hi, *[a for a, _, _ in spans], *[b for _, b, _ in spans]})
        out = []
        for x, y in zip(bounds, bounds[1:]):
            cover = [sid for a, b, sid in spans if a <= x and y <= b]
            seg = esc(text[x:y])
            starts = [sid for a, _, sid in spans if a == x]
            anchors = "".join(f'<span id="{sid}" class="span-anchor"></span>' for sid in starts)
            if cover:
                fs = [f for sid in cover for f in self.span_findings[sid]]
                back = ""
                ends = [sid for _, b, sid in spans if b == y]
                if ends:
                    links = self._backlinks(f for sid in ends for f in self.span_findings[sid])
                    back = f'<sup class="back">{links}</sup>'
                out.append(f'{anchors}<mark class="ev {self._cls(fs)}" data-spans="{" ".join(cover)}">{seg}</mark>'
                           f'{back}')
            else:
                out.append(anchors + seg)
        return "".join(out)

    def indicators(self) -> str:
        from gsnlp.check.indicators import indicators

        rows = [(i.label, f"{i.value:.1%}" if i.denominator is not None else format(i.value, "f"),
                 "" if i.denominator is None else f"{format(i.numerator, 'f')} / {format(i.denominator, 'f')}")
                for i in indicators(self.report)]
        if not rows:
            return ""
        return ("<h2>派生指标（仅供参考，不作判定）</h2><table class='tpl' id='indicators'>" +
                "".join(f"<tr><td class='lbl'>{esc(k)}</td><td>{esc(x)}</td><td class='small'>{esc(f)}</td></tr>"
                        for k, x, f in rows) + "</table>")

    def render(self) -> str:
        rep = self.report
        fails = [f for f in self.findings if f.status == "fail"]
        na = [f for f in self.findings if f.status == "not_assessable"]
        npass = sum(1 for f in self.findings if f.status == "pass")
        count = {s: sum(1 for f in fails if f.severity == s) for s in ("error", "warning", "info")}
        m = rep.meta
        summary = (f'<div class="summary"><span class="badge b-error">错误 {count["error"]}</span>'
                   f'<span class="badge b-warning">警告 {count["warning"]}</span>'
                   f'<span class="badge b-info">提示 {count["info"]}</span>'
                   f'<span class="badge b-na">无法核对 {len(na)}</span><span class="badge b-pass">通过 {npass}</span></div>')
        fail_list = ("<ol class='findings' id='failures'>" + "".join(self.finding_li(f) for f in fails) + "</ol>"
                     if fails else "<p>没有发现不通过的项目。</p>")
        na_list = (f"<details class='details-na'><summary>无法核对的规则（{len(na)}）</summary><ol class='findings'>" +
                   "".join(self.finding_li(f) for f in na) + "</ol></details>") if na else ""
        src_link = (f'<a href="{self.source_href}" id="source-link">{esc(rep.doc_id)}</a>（源文件）' if self.source_href
                    else esc(rep.doc_id))
        return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>审核报告 · {esc(rep.doc_id)}</title><style>{CSS}</style></head>
<body><main>
<p class="small"><a href="index.html">← 全部报告</a></p>
<h1>政府信息公开年度报告审核：{esc(m.agency or rep.doc_id)} {esc(m.year or "")}</h1>
<p class="meta">文件 {src_link} · 模板 {esc(m.template)} · 发布 {esc(m.published or "未知")} ·
sha256 {esc(rep.source.sha256[:12])}</p>
<h2>不通过的项目</h2>{summary}{fail_list}{na_list}
<h2>表二 主动公开政府信息情况</h2>{self.table_active()}
<h2>表三 收到和处理政府信息公开申请情况</h2>{self.table_applications()}
<h2>表四 政府信息公开行政复议、行政诉讼情况</h2>{self.table_review()}
{self.unknown_rows()}
{self.indicators()}
<h2>报告正文（证据片段已标出）</h2>{self.narrative()}
<p class="small">gsnlp check · 数字按报告原文照录，从不改写。</p>
</main><script>{JS}</script></body></html>
"""


def render_report(report: Report, findings: Sequence[Finding], source_href: str | None = None) -> str:
    """The self-contained HTML page of one report (``source_href``: a link to the source file)."""
    return _Page(report, findings, source_href).render()


def render_index(rows: Sequence[tuple[Report, Sequence[Finding]]],
                 failed_inputs: Sequence[tuple[str, str]] = ()) -> str:
    """The overview page across reports (see :mod:`gsnlp.render.audit_overview`)."""
    from gsnlp.render.audit_overview import make_rows, render_overview

    return render_overview(make_rows([(r, fs, page_name(r.doc_id), r.source.path) for r, fs in rows]), failed_inputs)


def write_audit(reports: Sequence[Report], results: Mapping[str, Sequence[Finding]], out_dir: str | Path,
                failed_inputs: Sequence[tuple[str, str]] = (), sources: dict[str, str] | None = None) -> list[Path]:
    """Write one page per report, ``index.html`` (the overview across reports) and one page per
    agency across its years into ``out_dir``; returns the report pages.

    ``results`` and ``sources`` (the path each report was read from, for the link to the source
    file) are keyed by ``Report.doc_id``, which must be unique (``gsnlp.cli.inputs.unique_names``).
    """
    from gsnlp.render.audit_overview import agency_page_name, make_rows, render_agency, render_overview

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    items = []
    for rep in reports:
        name = page_name(rep.doc_id)
        src = (sources or {}).get(rep.doc_id, rep.source.path)
        p = out / name
        if p in pages:
            from gsnlp.errors import GsnlpError

            raise GsnlpError(f"two reports would share the page {name}; give reports with distinct names",
                             origin=str(out))
        p.write_text(render_report(rep, results.get(rep.doc_id, []), source_href=_href(src, out)), encoding="utf-8")
        pages.append(p)
        items.append((rep, results.get(rep.doc_id, []), name, src))
    rows = make_rows(items)
    (out / "index.html").write_text(render_overview(rows, failed_inputs), encoding="utf-8")
    by_agency: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if r.agency:
            by_agency[r.agency].append(r)
    for ag, rs in by_agency.items():
        (out / agency_page_name(ag)).write_text(render_agency(ag, rs), encoding="utf-8")
    return pages


def _href(src: str, out: Path) -> str | None:
    """A relative link from the audit folder to the source file (None when it is not a file)."""
    import os

    sp = Path(src.split("#", 1)[0])
    if not sp.is_file():
        return None
    try:
        rel = os.path.relpath(sp.resolve(), out.resolve())
    except ValueError:  # another drive
        return sp.resolve().as_uri()
    return quote(rel.replace(os.sep, "/"))
