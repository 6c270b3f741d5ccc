"""Exports for people who work in spreadsheets: one row per report.

``collect(inputs)`` reads report files, folders, parse JSON or a batch output folder into an
:class:`ExportData` (reports with every template cell, their findings and figures);
``write_xlsx(data, path)`` writes the workbook (one sheet per template table, one row per
report, every template cell a numeric column; a companion ``*_kinds`` sheet with each cell's
kind, a comment with the source text on every cell that is not a number, a findings sheet, a
figures sheet, a reports sheet and a sheet of column labels); ``write_cells_csv`` writes every
cell with its kind as one long CSV.

A blank cell is never a zero: a cell that is not a number stays empty in the numeric sheet
and its kind (blank, not_applicable, ambiguous, text, absent, not_in_template) is in the kinds
sheet.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "NOT_IN_TEMPLATE",
    "ExportCell",
    "ExportData",
    "ExportReport",
    "collect",
    "from_batch",
    "table_columns",
    "write_cells_csv",
    "write_xlsx",
]

NOT_IN_TEMPLATE = "not_in_template"  # the report's template has no such cell (2019 vs 2021)
IDENT_COLUMNS = ("report_id", "agency", "agency_original", "year", "template", "source", "table_found")


@dataclass(frozen=True, slots=True)
class ExportCell:
    kind: str
    value: Decimal | None = None
    raw: str = ""


@dataclass(frozen=True, slots=True)
class ExportReport:
    """One report as the exports see it (from a Report or from a batch's Parquet rows)."""

    report_id: str
    source: str
    agency: str | None
    agency_canonical: str | None
    year: int | None
    template: str
    cells: dict[str, dict[str, ExportCell]]  # table id -> address -> cell
    found: dict[str, bool] = field(default_factory=dict)
    format: str | None = None


@dataclass(frozen=True, slots=True)
class ExportData:
    reports: list[ExportReport]
    findings: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def table_columns(table_id: str) -> list[tuple[str, str]]:
    """(address, Chinese label) of every cell of ``table_id`` in either template, 2021 first."""
    from gsnlp.tables.template import TEMPLATES, table_def

    out: dict[str, str] = {}
    for t in TEMPLATES:
        td = table_def(t, table_id)
        for r in td.rows:
            for c in r.columns:
                addr = f"{r.id}/{c}"
                if addr not in out:
                    out[addr] = f"{r.label} · {td.column_labels.get(c, c)}"
    return list(out.items())


def _template_addresses(template: str, table_id: str) -> set[str]:
    from gsnlp.tables.template import TEMPLATES, table_def

    return set(table_def(template, table_id).addresses()) if template in TEMPLATES else set()


def collect(inputs: Sequence[str | Path], *, findings: bool = True, figures: bool = True) -> ExportData:
    """Everything the exports need from files, folders, parse JSON, or a batch output folder
    (recognised by its ``manifest.json`` and Parquet files). Reports read here go through the same
    row projection as the batch's (``gsnlp.tabular``), so both give the same sheets."""
    if len(inputs) == 1 and str(inputs[0]) != "-" and (Path(inputs[0]) / "manifest.json").is_file() \
            and (Path(inputs[0]) / "cells.parquet").is_file():
        return from_batch(Path(inputs[0]))
    from gsnlp import pipeline
    from gsnlp.cli.inputs import read_inputs, unique_names
    from gsnlp.tabular import COLUMNS
    from gsnlp.tabular.rows import analysis_rows, finding_rows

    ins = unique_names(list(read_inputs(inputs)))
    failed = [(i.path, str(i.error) if i.error is not None else f"internal error: {(i.internal or '').splitlines()[0]}")
              for i in ins if i.report is None]
    opts = pipeline.options((["figures"] if figures else []) + (["check"] if findings else []))
    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in ("reports", "cells", "findings", "figures")}
    rid: dict[str, str] = {}
    reports = []
    for i in ins:
        if i.report is None:
            continue
        errors: list[str] = []
        try:
            a = pipeline.run(i.report, opts, path=i.path)
        except Exception as e:  # noqa: BLE001 - listed (partial); the report's tables are exported all the same
            what = "figures and findings not computed" if isinstance(e, ImportError) else "internal error in the pipeline"
            errors.append(f"{what}: {type(e).__name__}: {e}")
            a = pipeline.run(i.report, pipeline.options(()), path=i.path)
        got = analysis_rows(a, stage_errors=errors)
        got["reports"] = [r[:2] + (i.path,) + r[3:] for r in got["reports"]]  # the path as the user gave it
        for t in rows:
            rows[t] += got[t]
        rid[a.report.doc_id] = a.report_id
        reports.append(a.report)
    if findings:
        by_doc: dict[str, list[Any]] = {}
        for f in pipeline.cross_year(reports):
            by_doc.setdefault(f.doc, []).append(f)
        rows["findings"] += [r for doc, fs in by_doc.items() if doc in rid for r in finding_rows(fs, rid[doc])]
    dicts = {t: [dict(zip((c for c, _ in COLUMNS[t]), r)) for r in rr] for t, rr in rows.items()}
    return _from_rows(dicts["reports"], dicts["cells"], dicts["findings"] if findings else [],
                      dicts["figures"] if figures else [], failed)


def from_batch(folder: Path) -> ExportData:
    """ExportData from a ``gsnlp batch`` output folder (its Parquet files)."""
    import pyarrow.parquet as pq

    def table(name: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        return pq.read_table(folder / f"{name}.parquet", columns=columns).to_pylist() \
            if (folder / f"{name}.parquet").is_file() else []

    return _from_rows(table("reports"), table("cells", ["report_id", "table_id", "address", "kind", "value", "raw"]),
                      table("findings"), table("figures"), [])


def _from_rows(reps: list[dict[str, Any]], cell_rows: list[dict[str, Any]], finding_rows: list[dict[str, Any]],
               figure_rows: list[dict[str, Any]], failed: list[tuple[str, str]]) -> ExportData:
    """ExportData from the rows of the output tables (``gsnlp.tabular.COLUMNS``), as dicts. A report
    whose later stage failed (``partial``) keeps its tables and is listed with its reason."""
    from gsnlp.tables.template import TABLE_IDS

    cells: dict[str, dict[str, dict[str, ExportCell]]] = {}
    for c in cell_rows:
        addr = c["address"].split("/", 1)[1] if c["address"].startswith(c["table_id"] + "/") else c["address"]
        cells.setdefault(c["report_id"], {}).setdefault(c["table_id"], {})[addr] = ExportCell(
            c["kind"], None if c["value"] is None or c["kind"] != "number" else Decimal(c["value"]), c["raw"] or "")
    out, failed = [], list(failed)
    for r in reps:
        if r.get("status") not in (None, "ok"):
            failed.append((r["path"], f"{r['status']}: {'; '.join(r.get('stage_errors') or [])}"))
        found = {t: t in (r.get("tables_found") or []) for t in TABLE_IDS}
        out.append(ExportReport(r["report_id"], r["path"], r.get("agency"), r.get("agency_canonical"), r.get("year"),
                                r.get("template") or "unknown", cells.get(r["report_id"], {}), found, r.get("format")))
    src = {r.report_id: r.source for r in out}
    keys = ("rule", "instance", "status", "severity", "kind", "origin", "expected", "observed", "lenient", "message")
    frows = [{"report_id": f["report_id"], "source": src.get(f["report_id"], ""), **{k: f.get(k) for k in keys}}
             for f in finding_rows]
    grows = [{"source": src.get(g["report_id"], ""), "id": g.get("fig_id"),
              **{k: v for k, v in g.items() if k not in ("seq", "num", "scaled", "fig_id")}} for g in figure_rows]
    return ExportData(sorted(out, key=lambda r: (r.source, r.report_id)), frows, grows, failed)


def _cell_of(rep: ExportReport, table_id: str, addr: str) -> ExportCell:
    c = rep.cells.get(table_id, {}).get(addr)
    if c is not None:
        return c
    if rep.template in ("2019", "2021") and addr not in _template_addresses(rep.template, table_id):
        return ExportCell(NOT_IN_TEMPLATE)
    return ExportCell("absent")


def _num(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(v)


def _ident(rep: ExportReport, table_id: str | None = None) -> list[Any]:
    found = "" if table_id is None else ("yes" if rep.found.get(table_id) else "no")
    return [rep.report_id, rep.agency_canonical or "", rep.agency or "", rep.year if rep.year is not None else "",
            rep.template, rep.source, found]


SHEET_TITLES = {"active_disclosure": "表二 主动公开", "applications": "表三 依申请公开", "review_litigation": "表四 复议诉讼"}
KIND_ZH = {"number": "数字", "blank": "空白", "not_applicable": "不适用（/、—）", "text": "文字", "absent": "缺失",
           "ambiguous": "歧义（多种读法）", NOT_IN_TEMPLATE: "模板无此格"}


def write_xlsx(data: ExportData, path: str | Path) -> Path:
    """Write the workbook; returns its path."""
    try:
        import xlsxwriter
    except ImportError:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("gsnlp export to .xlsx", "export", "xlsxwriter") from None
    from gsnlp.tables.template import TABLE_IDS

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDDDDD", "text_wrap": True, "valign": "top"})
    kind_fmt = {"blank": wb.add_format({"bg_color": "#EEEEEE"}),
                "not_applicable": wb.add_format({"bg_color": "#E0E0F8"}),
                "ambiguous": wb.add_format({"bg_color": "#FFE0B2"}),
                "text": wb.add_format({"bg_color": "#FFF9C4"}),
                "absent": wb.add_format({"bg_color": "#F5F5F5", "font_color": "#999999"}),
                NOT_IN_TEMPLATE: wb.add_format({"pattern": 4, "fg_color": "#DDDDDD"})}
    reports = sorted(data.reports, key=lambda r: (r.agency_canonical or "", r.year or 0, r.source, r.report_id))

    ws = wb.add_worksheet("reports")
    cols = list(IDENT_COLUMNS[:-1]) + ["format"] + [f"found:{t}" for t in TABLE_IDS]
    ws.write_row(0, 0, cols, head)
    for i, r in enumerate(reports, 1):
        ws.write_row(i, 0, _ident(r)[:-1] + [r.format or ""] + ["yes" if r.found.get(t) else "no" for t in TABLE_IDS])
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(reports), len(cols) - 1)

    labels: list[list[str]] = []
    for tid in TABLE_IDS:
        tcols = table_columns(tid)
        vs = wb.add_worksheet(tid)
        ks = wb.add_worksheet(f"{tid}_kinds")
        header = list(IDENT_COLUMNS) + [a for a, _ in tcols]
        for s in (vs, ks):
            s.write_row(0, 0, header, head)
            s.freeze_panes(1, 3)
            s.autofilter(0, 0, len(reports), len(header) - 1)
            s.set_column(0, 0, 18)
            s.set_column(1, 2, 24)
        for j, (addr, lab) in enumerate(tcols, len(IDENT_COLUMNS)):
            vs.write_comment(0, j, f"{SHEET_TITLES[tid]}：{lab}", {"x_scale": 2})
            labels.append([tid, addr, lab])
        for i, r in enumerate(reports, 1):
            ident = _ident(r, tid)
            vs.write_row(i, 0, ident)
            ks.write_row(i, 0, ident)
            for j, (addr, _lab) in enumerate(tcols, len(IDENT_COLUMNS)):
                c = _cell_of(r, tid, addr)
                ks.write_string(i, j, c.kind)
                if c.kind == "number" and c.value is not None:
                    vs.write_number(i, j, _num(c.value))
                else:  # never a zero: empty, coloured by kind, the source text in a comment
                    vs.write_blank(i, j, None, kind_fmt.get(c.kind))
                    if c.kind not in ("absent", NOT_IN_TEMPLATE) or c.raw:
                        vs.write_comment(i, j, f"{KIND_ZH.get(c.kind, c.kind)}；原文：{c.raw!r}"[:500])

    ls = wb.add_worksheet("labels")
    ls.write_row(0, 0, ["table", "address", "label (zh)"], head)
    for i, row in enumerate(labels, 1):
        ls.write_row(i, 0, row)
    ls.write_row(len(labels) + 2, 0, ["kind", "meaning"], head)
    for i, (k, v) in enumerate(KIND_ZH.items(), len(labels) + 3):
        ls.write_row(i, 0, [k, v])

    _records_sheet(wb, "findings", data.findings, ["report_id", "source", "rule", "instance", "status", "severity",
                                                    "kind", "origin", "expected", "observed", "lenient", "message"],
                   head, reports)
    _records_sheet(wb, "figures", data.figures, ["report_id", "source", "id", "section", "start", "end", "text",
                                                  "value",
                                                  "unit", "approx", "scale", "kind", "subject", "predicate", "channel",
                                                  "scope", "period", "polarity", "parent", "qualifies", "item",
                                                  "metric"], head, reports)
    if data.failed:
        fs = wb.add_worksheet("failed_inputs")
        fs.write_row(0, 0, ["source", "reason"], head)
        for i, (p, why) in enumerate(data.failed, 1):
            fs.write_row(i, 0, [p, why])
    wb.close()
    return path


def _plain(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dict) and "decimal" in v:
        return str(v["decimal"])
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, Decimal):
        return str(v)
    return v


def _records_sheet(wb: Any, name: str, rows: Iterable[dict[str, Any]], cols: list[str], head: Any,
                   reports: Sequence[ExportReport]) -> None:
    by_id = {r.report_id: r for r in reports}
    ws = wb.add_worksheet(name)
    allcols = ["report_id", "agency", "year"] + [c for c in cols if c != "report_id"]
    ws.write_row(0, 0, allcols, head)
    n = 0
    for n, d in enumerate(rows, 1):
        r = by_id.get(d.get("report_id", ""))
        vals = [d.get("report_id", ""), (r.agency_canonical or "") if r else "", (r.year or "") if r else ""]
        vals += [_plain(d.get(c)) for c in cols if c != "report_id"]
        for j, v in enumerate(vals):
            if isinstance(v, str):
                ws.write_string(n, j, v)
            else:
                ws.write(n, j, v)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(n, 1), len(allcols) - 1)


CELL_CSV_FIELDS = ("report_id", "agency", "agency_original", "year", "template", "source", "table", "address",
                   "label", "kind", "value", "raw")


def write_cells_csv(data: ExportData, out: Any) -> int:
    """Every template cell of every report as one CSV row with its kind (blank never 0); returns rows."""
    from gsnlp.tables.template import TABLE_IDS

    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CELL_CSV_FIELDS)
    n = 0
    for r in sorted(data.reports, key=lambda r: (r.agency_canonical or "", r.year or 0, r.source)):
        for tid in TABLE_IDS:
            for addr, lab in table_columns(tid):
                c = _cell_of(r, tid, addr)
                if c.kind == NOT_IN_TEMPLATE:
                    continue
                w.writerow([r.report_id, r.agency_canonical or "", r.agency or "", r.year or "", r.template, r.source,
                            tid, addr, lab, c.kind, "" if c.value is None else str(c.value), c.raw])
                n += 1
    return n
