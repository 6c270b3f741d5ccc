"""The layout real reports give the template tables, shared by the DOCX, HTML and PDF renderers.

A layout is rows of ``LCell`` (the cells that start at that row, HTML style, with row and
column spans). It reproduces what agencies publish: two-level headers (申请人情况 → 法人或其他组织
→ 商业企业 …; 行政诉讼 → 未经复议直接起诉 → 结果维持 …), the merged label column
三、本年度办理结果 and group labels such as （三）不予公开 spanning their numbered sub-rows,
and 第二十条 blocks with their own header rows in the active-disclosure table.

Also here: ``report_from_gold`` (a Report whose tables are a gold file's cells, with a short
narrative around them) and ``rendered_truth`` (what a perfect reader of the rendering must
return, cell by cell).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from gsnlp.doc import Cell, Meta, Report, Section, Source, Table
from gsnlp.tables.template import APPLICANT_COLUMNS, REVIEW_COLUMNS, TABLE_IDS, table_def
from gsnlp.template.sections import SECTIONS

SECTION_HEADINGS = tuple((s.id, s.heading) for s in SECTIONS)  # the template's headings (gsnlp.template)
GROUP_LABELS = {"不予公开": "（三）不予公开", "无法提供": "（四）无法提供", "不予处理": "（五）不予处理",
                "其他处理": "（六）其他处理"}
RESULTS_LABEL = "三、本年度办理结果"


@dataclass(frozen=True, slots=True)
class LCell:
    """One rendered cell: its text, spans, the template address it shows (None for labels)."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    address: str | None = None
    header: bool = False
    role: str = "value"  # value | label | group | results | head | block


@dataclass(frozen=True, slots=True)
class Layout:
    table_id: str
    width: int
    rows: tuple[tuple[LCell, ...], ...]
    col_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Placed:
    """A layout cell at its grid position (row, column of its top-left corner)."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


def place(layout: Layout) -> list[Placed]:
    """Grid positions of the layout's cells, skipping places covered by earlier merged cells."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(layout.rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            out.append(Placed(r, c, cell.rowspan, cell.colspan, cell.text))
            c += cell.colspan
    return out


def cell_text(cell: Cell) -> str:
    """The text a rendering prints for a cell (a blank prints nothing, never 0)."""
    if cell.kind == "number":
        return cell.raw if cell.raw.strip() else str(cell.value)
    if cell.kind == "ambiguous":
        return cell.candidates[0] if cell.candidates else ""
    if cell.kind in ("blank", "absent"):
        return ""
    return cell.raw


def _present(cells: dict[str, Cell], row_id: str, columns: tuple[str, ...]) -> bool:
    return any(cells.get(f"{row_id}/{c}", Cell("absent")).kind != "absent" for c in columns)


def _values(cells: dict[str, Cell], row_id: str, columns: tuple[str, ...], spans: tuple[int, ...] | None = None
            ) -> list[LCell]:
    spans = spans or (1,) * len(columns)
    return [LCell(cell_text(cells.get(f"{row_id}/{c}", Cell("absent"))), 1, s, f"{row_id}/{c}")
            for c, s in zip(columns, spans)]


def _active(template: str, cells: dict[str, Cell]) -> Layout:
    tdef = table_def(template, "active_disclosure")
    rows: list[tuple[LCell, ...]] = []
    if template == "2021":
        blocks = [("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("regulations", "normative_documents")),
                  ("第二十条第（五）项", ("本年处理决定数量",), ("administrative_license",)),
                  ("第二十条第（六）项", ("本年处理决定数量",), ("administrative_penalty", "administrative_coercion")),
                  ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("administrative_fees",))]
    else:
        items = ("上一年项目数量", "本年增/减", "处理决定数量")
        blocks = [("第二十条第（一）项", ("本年新制作数量", "本年新公开数量", "对外公开总数量"), ("regulations", "normative_documents")),
                  ("第二十条第（五）项", items, ("administrative_license", "other_external_services")),
                  ("第二十条第（六）项", items, ("administrative_penalty", "administrative_coercion")),
                  ("第二十条第（八）项", items[:2], ("administrative_fees",)),
                  ("第二十条第（九）项", ("采购项目数量", "采购总金额"), ("centralized_procurement",))]
    for title, heads, row_ids in blocks:
        present = [r for r in row_ids if _present(cells, r, tdef.row(r).columns)]
        if not present:
            continue
        spans = tuple([1] * (len(heads) - 1) + [3 - (len(heads) - 1)])
        rows.append((LCell(title, 1, 4, None, True, "block"),))
        rows.append((LCell("信息内容", header=True, role="head"),)
                    + tuple(LCell(h, 1, s, None, True, "head") for h, s in zip(heads, spans)))
        for r in present:
            rd = tdef.row(r)
            rows.append((LCell(rd.label, role="label"),) + tuple(_values(cells, r, rd.columns, spans)))
    return Layout("active_disclosure", 4, tuple(rows), (2.2, 1.3, 1.3, 1.3))


def _applications(template: str, cells: dict[str, Cell]) -> Layout:
    tdef = table_def(template, "applications")
    cols = tuple(c for c, _ in APPLICANT_COLUMNS)
    rows: list[tuple[LCell, ...]] = [
        (LCell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3, None, True, "head"),
         LCell("申请人情况", 1, 7, None, True, "head")),
        (LCell("自然人", 2, 1, None, True, "head"), LCell("法人或其他组织", 1, 5, None, True, "head"),
         LCell("总计", 2, 1, None, True, "head")),
        tuple(LCell(label, 1, 1, None, True, "head") for c, label in APPLICANT_COLUMNS[1:6]),
    ]
    present = [r for r in tdef.rows if _present(cells, r.id, r.columns)]
    results = [r for r in present if r.id not in ("new_received", "carried_over", "carried_forward")]
    n_results = len(results)
    first_result = True
    i = 0
    while i < len(present):
        r = present[i]
        if r.id in ("new_received", "carried_over", "carried_forward"):
            rows.append((LCell(r.label, 1, 3, role="label"),) + tuple(_values(cells, r.id, cols)))
            i += 1
            continue
        lead: tuple[LCell, ...] = ()
        if first_result:
            lead = (LCell(RESULTS_LABEL, n_results, 1, role="results"),)
            first_result = False
        if r.group:
            group = [x for x in present[i:] if x.group == r.group]
            for k, sub in enumerate(group):
                g = (LCell(GROUP_LABELS.get(r.group, r.group), len(group), 1, role="group"),) if k == 0 else ()
                rows.append((lead if k == 0 else ()) + g + (LCell(sub.label, role="label"),)
                            + tuple(_values(cells, sub.id, cols)))
            i += len(group)
            continue
        rows.append(lead + (LCell(r.label, 1, 2, role="label"),) + tuple(_values(cells, r.id, cols)))
        i += 1
    return Layout("applications", 10, tuple(rows), (0.55, 1.2, 3.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9))


def _review(cells: dict[str, Cell]) -> Layout:
    heads = [label for _, label in REVIEW_COLUMNS]
    cols = tuple(c for c, _ in REVIEW_COLUMNS)
    rows: list[tuple[LCell, ...]] = [
        (LCell("行政复议", 1, 5, None, True, "head"), LCell("行政诉讼", 1, 10, None, True, "head")),
        tuple(LCell(h, 2, 1, None, True, "head") for h in heads)
        + (LCell("未经复议直接起诉", 1, 5, None, True, "head"), LCell("复议后起诉", 1, 5, None, True, "head")),
        tuple(LCell(h, 1, 1, None, True, "head") for h in heads * 2),
    ]
    values: list[LCell] = []
    for block in ("review", "litigation_direct", "litigation_after_review"):
        values += _values(cells, block, cols)
    rows.append(tuple(values))
    return Layout("review_litigation", 15, tuple(rows), (1.0,) * 15)


def table_layout(table: Table) -> Layout | None:
    """The layout of one template table, or None when the report has no such table."""
    if not table.found or all(c.kind == "absent" for c in table.cells.values()):
        return None
    if table.id == "active_disclosure":
        lay = _active(table.template, table.cells)
    elif table.id == "applications":
        lay = _applications(table.template, table.cells)
    else:
        lay = _review(table.cells)
    return lay


def grid_addresses(layout: Layout) -> list[list[str | None]]:
    """The layout expanded to a grid: the address shown at each position (covered → None)."""
    grid: list[list[str | None]] = [[None] * layout.width for _ in layout.rows]
    cells = (cell for row in layout.rows for cell in row)  # in the order place() returns them
    for p, cell in zip(place(layout), cells):
        if p.col < layout.width:
            grid[p.row][p.col] = cell.address
    return grid


# ---------------------------------------------------------------- reports from gold files

_FILLER = ("本年度，本机关坚持以公开为常态、不公开为例外，认真落实政府信息公开条例各项规定，"
           "持续深化政务公开，推进决策、执行、管理、服务、结果公开，不断提升政务公开质量和实效。")


def _gold_cell(d: dict[str, Any]) -> Cell:
    kind = d["kind"]
    if kind == "number":
        return Cell("number", d.get("raw") or d["value"], Decimal(d["value"]))
    if kind == "ambiguous":
        return Cell("ambiguous", "", None, candidates=tuple(d.get("candidates", ())))
    return Cell(kind, d.get("raw") or ("/" if kind == "not_applicable" else ""))


def report_from_gold(gold: dict[str, Any], *, paragraphs: int = 3) -> Report:
    """A Report whose tables hold the gold cells, with the six section headings and a short
    narrative (``paragraphs`` filler paragraphs in 一、总体情况, to move tables across pages)."""
    template = gold["template"]
    doc = gold.get("doc", "gold")
    name = PurePath(doc).name.split(".")[0]
    agency = name.split("_")[0] if "_" in name else "某某县人民政府"
    year = next((int(p) for p in name.split("_") if p.isdigit() and len(p) == 4), 2024)
    title = f"{agency}{year}年政府信息公开工作年度报告"
    basis = "国办公开办函〔2021〕30号" if template == "2021" else "国办公开办函〔2019〕60号"
    parts: list[tuple[str | None, str]] = [(None, title),
                                          (None, f"本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》（{basis}）编制。"
                                                 f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")]
    sections = []
    text = ""
    for tid, heading in SECTION_HEADINGS:
        parts.append((tid, heading))
        if tid == "overview":
            parts += [(None, _FILLER)] * paragraphs
        elif tid in ("problems", "other_matters"):
            parts.append((None, "一是政策解读的形式还需丰富；二是信息发布的及时性还需提高。下一步将持续改进。"
                          if tid == "problems" else f"{year}年，本机关未收取信息处理费。"))
    starts: dict[str, tuple[int, int]] = {}
    for sid, para in parts:
        if sid:
            starts[sid] = (len(text), len(text) + len(para) + 1)
        text += para + "\n"
    ids = [s for s, _ in SECTION_HEADINGS]
    for k, sid in enumerate(ids):
        s, b = starts[sid]
        e = starts[ids[k + 1]][0] if k + 1 < len(ids) else len(text)
        sections.append(Section(sid, dict(SECTION_HEADINGS)[sid], s, e, b))
    tables = {}
    for tid in TABLE_IDS:
        t_tmpl = gold.get("table_templates", {}).get(tid, template)  # a report may mix templates
        cells = {a: _gold_cell(c) for a, c in gold["tables"].get(tid, {}).items()}
        for a in table_def(t_tmpl, tid).addresses():
            cells.setdefault(a, Cell("absent"))
        found = any(c.kind != "absent" for c in cells.values())
        tables[tid] = Table(tid, t_tmpl, cells, found)
    sha = hashlib.sha256(json.dumps(gold, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    return Report(text, Source(doc, sha, "gold"), Meta(agency, year, template=template, title=title),
                  tuple(sections), tables)


def rendered_truth(report: Report) -> dict[str, dict[str, dict[str, Any]]]:
    """What a perfect reader of a rendering of ``report`` returns: kind and value per address.

    Equal to the report's own cells, except that an ``ambiguous`` cell is rendered as its
    first candidate (a rendering states one value).
    """
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for tid, table in report.tables.items():
        cells = {}
        for addr, c in table.cells.items():
            if c.kind == "ambiguous" and c.candidates:
                cells[addr] = {"kind": "number", "value": c.candidates[0]}
            else:
                cells[addr] = {"kind": c.kind, "value": None if c.value is None else str(c.value)}
        out[tid] = cells
    return out


def narrative(report: Report) -> list[tuple[str, str]]:
    """The report as a sequence of ("p", text) paragraphs and ("table", table_id) markers.

    Each template table follows its section's heading (and the paragraphs before the next
    heading when the report states them)."""
    out: list[tuple[str, str]] = []
    placed: set[str] = set()
    sec_at = {s.start: s for s in report.sections}
    pos = 0
    text = report.text
    pending: str | None = None
    for line in text.split("\n"):
        start = pos
        pos += len(line) + 1
        sec = sec_at.get(start)
        if sec is not None:
            if pending:
                out.append(("table", pending))
                placed.add(pending)
                pending = None
            out.append(("p", line))
            if sec.id in report.tables and report.tables[sec.id].found:
                pending = sec.id
            continue
        if line.strip():
            out.append(("p", line))
    if pending:
        out.append(("table", pending))
        placed.add(pending)
    for tid in TABLE_IDS:
        if tid not in placed and tid in report.tables and report.tables[tid].found:
            out.append(("table", tid))
    return out
