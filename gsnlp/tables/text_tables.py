"""Tables in plain text, in every layout the corpus shows.

Layouts: ``tab_lines`` (one cell per line, tab-prefixed, blank line between rows),
``tab_rows`` (tab-separated rows with empty merge columns), ``pipe_cells`` (one cell per
line ending in " |", "||" for merges), ``markdown`` (| a | b | rows), and ``run_together``
(crawler text where cells follow each other with no separator; split by the template's
arithmetic in ``gsnlp.tables.runtogether``).
"""

from __future__ import annotations

import re

from gsnlp.doc import Notice, Region, Section, Table
from gsnlp.normalize import NormalizedText
from gsnlp.segment.regions import mask
from gsnlp.tables.align import align, complete
from gsnlp.tables.grid import RawCell, RawRow
from gsnlp.tables.template import TABLE_IDS, TableDef, table_def

SECTION_OF = {"active_disclosure": "active_disclosure", "applications": "applications",
              "review_litigation": "review_litigation"}
_ANCHORS = {
    "active_disclosure": ("第二十条", "信息内容"),
    "applications": ("申请人情况", "勾稽关系", "本年新收"),
    "review_litigation": ("行政复议",),
}
_PIPES_ONLY = re.compile(r"^[\s|｜]*$")


def _lines(text: str, a: int, b: int) -> list[tuple[int, str]]:
    out = []
    pos = a
    for line in text[a:b].split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def detect_layout(text: str, a: int, b: int) -> str:
    n_md = n_pipe = n_tab_start = n_tab_inner = 0
    for ln in text[a:b].split("\n"):
        if "|" in ln:
            starts = ln.lstrip().startswith("|")
            if starts and ln.count("|") >= 3:
                n_md += 1
            if not starts and ln.rstrip().endswith("|"):
                n_pipe += 1
        if "\t" in ln:
            if ln.startswith("\t") and "\t" not in ln[1:].rstrip("\t"):
                n_tab_start += 1
            if "\t" in ln.strip("\t") or ln.count("\t") >= 2:
                n_tab_inner += 1
    counts = {"markdown": n_md, "pipe_cells": n_pipe, "tab_lines": n_tab_start, "tab_rows": n_tab_inner}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] >= 2:
        return best
    return "run_together"


def tokenize(text: str, a: int, b: int, layout: str, source: str | None = None) -> list[RawRow]:
    """Rows of raw cells of ``text[a:b]`` in ``layout``. Cell boundaries are found in ``text``
    (the masked view); each cell's text is taken from ``source`` (default ``text``), which has
    the same offsets."""
    src = text if source is None else source
    rows: list[RawRow] = []
    if layout == "tab_lines":
        cur: list[list] = []  # [start, end] per cell
        for pos, line in _lines(text, a, b):
            if line == "" or line.strip("\r") == "":
                if cur:
                    rows.append([RawCell(src[s:e], s, e) for s, e in cur])
                    cur = []
                continue
            if line.startswith("\t"):
                s = pos + 1
                for part in line.split("\t")[1:]:
                    cur.append([s, s + len(part)])
                    s += len(part) + 1
            elif cur:
                cur[-1][1] = pos + len(line)
            else:
                cur.append([pos, pos + len(line)])
        if cur:
            rows.append([RawCell(src[s:e], s, e) for s, e in cur])
        return rows
    if layout == "tab_rows":
        for pos, line in _lines(text, a, b):
            if not line.strip():
                continue
            row, p = [], pos
            for part in line.split("\t"):
                row.append(RawCell(src[p : p + len(part)], p, p + len(part)))
                p += len(part) + 1
            rows.append(row)
        return rows
    if layout == "pipe_cells":
        for pos, line in _lines(text, a, b):
            if _PIPES_ONLY.match(line):
                continue
            body = line.rstrip()
            if body.endswith("|"):
                body = body[:-1]
            rows.append([RawCell(src[pos : pos + len(body)], pos, pos + len(body))])
        return rows
    if layout == "markdown":
        for pos, line in _lines(text, a, b):
            s = line.strip()
            if not s or _MD_RULE.fullmatch(s):
                continue
            if s.startswith("|"):
                parts = line.split("|")
                row, p = [], pos
                for k, part in enumerate(parts):
                    if 0 < k < len(parts) - 1 or (k == len(parts) - 1 and part.strip()):
                        row.append(RawCell(src[p : p + len(part)], p, p + len(part)))
                    p += len(part) + 1
                rows.append(row)
            else:
                body = _MD_HASHES.sub("", line)
                off = len(line) - len(body)
                rows.append(_label_values(body, pos + off, src))
        return rows
    raise ValueError(layout)


_MD_RULE = re.compile(r"\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*")
_MD_HASHES = re.compile(r"^#+\s*")
_LABEL_VALUES = re.compile(r"^(?P<label>.*?[\u4e00-\u9fff）)])[ \t\u3000]+(?P<values>(?:-?\d[\d,.]*[ \t\u3000]*)+)$")


def _label_values(line: str, pos: int, src: str | None = None) -> RawRow:
    """A plain line "行政许可 0" (label, spaces, numbers) as label and value cells; ``src`` (the
    source text, offsets as ``pos``) gives the cells' text, default ``line`` itself."""
    m = _LABEL_VALUES.match(line.rstrip())
    if not m:
        return [RawCell(line if src is None else src[pos : pos + len(line)], pos, pos + len(line))]
    le = pos + m.end("label")
    row = [RawCell(m.group("label") if src is None else src[pos:le], pos, le)]
    for v in _VALUE.finditer(m.group("values")):
        s = pos + m.start("values") + v.start()
        e = s + len(v.group(0))
        row.append(RawCell(v.group(0) if src is None else src[s:e], s, e))
    return row


_VALUE = re.compile(r"-?\d[\d,.]*")


def _region(text: str, masked: str, sec: Section | None, tid: str) -> tuple[int, int] | None:
    if sec is None:
        return None
    a, b = sec.body_start, sec.end
    found = [masked.find(k, a, b) for k in _ANCHORS[tid]]
    found = [f for f in found if f >= 0]
    if not found:
        return None
    start = min(found)
    # start at the beginning of the anchor's line (tab-prefixed cells)
    ls = masked.rfind("\n", a, start) + 1
    return max(a, ls), b


def parse_text_tables(text: str, sections: list[Section] | tuple[Section, ...], template: str,
                      regions: list[Region] | tuple[Region, ...] = ()) -> tuple[dict[str, Table], list[Notice]]:
    notices: list[Notice] = []
    tables: dict[str, Table] = {}
    if template not in ("2021", "2019"):
        if template == "unknown":
            notices.append(Notice("tables.template_unknown", "no 2021 or 2019 template table header was recognised; "
                                  "the template tables were not read"))
        return tables, notices
    masked = mask(text, list(regions))
    secs = {s.id: s for s in sections}
    for tid in TABLE_IDS:
        tdef = table_def(template, tid)
        reg = _region(text, masked, secs.get(SECTION_OF[tid]), tid)
        if reg is None:
            tables[tid] = Table(tid, template, complete(tdef, {}), found=False)
            notices.append(Notice("tables.not_found", f"table {tid} ({tdef.title}) not found: its section or header "
                                  "is missing", severity="warning"))
            continue
        a, b = reg
        layout = detect_layout(masked, a, b)
        if layout == "run_together":
            cells, ns, span, splits = _run_together(masked, a, b, tdef)
        else:
            rows = tokenize(masked, a, b, layout, text)  # boundaries from the masked view, raw from the source
            cells, ns, span = align(rows, tdef)
            splits = {}
        notices.extend(ns)
        found = bool(cells)
        tables[tid] = Table(tid, template, complete(tdef, cells), found, span[0] if span else a,
                            span[1] if span else b, layout, splits)
    return tables, notices


# ---- run-together crawler text -------------------------------------------------------------

_VALUE_RUN = re.compile(r"-?\d[\d\s.,\-]*(?:万元|元)?")


def _run_together(masked: str, a: int, b: int, tdef: TableDef):
    from gsnlp.tables.runtogether import RunRow, solve

    view = NormalizedText.of(masked[a:b])
    t = view.text
    notices: list[Notice] = []
    if tdef.id == "review_litigation":
        head = max(t.rfind("总计"), t.rfind("审结"))
        m = _VALUE_RUN.search(t, head + 2 if head >= 0 else 0)
        if head < 0 or m is None:
            return {}, [Notice("tables.not_found", "table review_litigation: no values after the header")], None, {}
        run = m.group(0).rstrip()
        s0, s1 = view.span_to_source(m.start(), m.start() + len(run))
        res = solve(tdef.template, tdef.id, [RunRow("*", masked[a + s0 : a + s1], a + s0)])
        return res.cells, list(res.notices), (a + view.to_source(max(head, 0)), a + s1), res.splits
    # locate every row's key in order
    pos = 0
    found: list[tuple[int, int, int]] = []  # (row index, key start, key end) in view offsets
    for i, row in enumerate(tdef.rows):
        best = None
        for key in row.keys:
            k = t.find(key, pos)
            while k >= 0 and row.id == "other.other" and t[k : k + 3] == "其他处":
                k = t.find(key, k + 1)
            if k >= 0 and (best is None or k < best[0]):
                best = (k, k + len(key))
        if best is None:
            notices.append(Notice("tables.row_missing", f"table {tdef.id}: row {row.id} ({row.label}) not found"))
            continue
        found.append((i, best[0], best[1]))
        pos = best[1]
    runs: list = []
    span = []
    for j, (i, ks, ke) in enumerate(found):
        nxt = found[j + 1][1] if j + 1 < len(found) else len(t)
        m = _VALUE_RUN.search(t, ke, nxt)
        if m is None:
            notices.append(Notice("tables.no_values", f"table {tdef.id} row {tdef.rows[i].id}: no value after its label"))
            continue
        vs, ve = m.start(), m.end()
        run = t[vs:ve]
        # the list number of the next label ("…31 2.没有现成…") is not a value
        if j + 1 < len(found):
            nrow = tdef.rows[found[j + 1][0]]
            stripped = run.rstrip()
            if stripped.endswith(".") and nrow.number is not None and stripped[:-1].endswith(str(nrow.number)):
                run = stripped[: -1 - len(str(nrow.number))]
            elif nrow.number is not None and re.match(r"[.．、]", t[ve : ve + 1]) and stripped.endswith(str(nrow.number)):
                run = stripped[: -len(str(nrow.number))]
        run = run.rstrip(" ,.-")
        if not run:
            continue
        s0, s1 = view.span_to_source(vs, vs + len(run))
        runs.append(RunRow(tdef.rows[i].id, masked[a + s0 : a + s1], a + s0))
        span += [a + view.to_source(ks), a + s1]
    if not runs:
        return {}, notices, None, {}
    res = solve(tdef.template, tdef.id, runs)
    return res.cells, notices + list(res.notices), (min(span), max(span)), res.splits
