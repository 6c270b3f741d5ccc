"""Builders for tests and benchmarks of the checks: small reports made from cell values, and
corpus reports with their gold tables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from gsnlp.doc import Cell, Meta, Report, Source, Table
from gsnlp.tables.template import TABLE_IDS, table_def

ROOT = Path(__file__).resolve().parents[2]


def cell(raw: str | None) -> Cell:
    """A cell from its raw text: ``None`` absent, ``""`` blank, ``"/"`` not applicable,
    ``"?1|12"`` ambiguous with candidates, a number, or text."""
    if raw is None:
        return Cell("absent")
    if raw.strip() == "":
        return Cell("blank", raw)
    if raw.startswith("?"):
        return Cell("ambiguous", raw, candidates=tuple(raw[1:].split("|")))
    if raw.strip() in ("/", "—", "-", "无", "不适用"):
        return Cell("not_applicable", raw)
    try:
        return Cell("number", raw, Decimal(raw.strip()))
    except ArithmeticError:
        return Cell("text", raw)


def make_report(values: Mapping[str, str | None] | None = None, *, template: str = "2021", text: str = "",
                doc: str = "test.txt", meta: Meta | None = None, default: str = "0",
                sections: tuple[Any, ...] = ()) -> Report:
    """A report whose every template cell is ``default`` except ``values`` (``table/row/col`` → raw)."""
    values = dict(values or {})
    tables = {}
    for tid in TABLE_IDS:
        cells = {a: cell(values.pop(f"{tid}/{a}", default)) for a in table_def(template, tid).addresses()}
        tables[tid] = Table(tid, template, cells)
    if values:
        raise KeyError(f"unknown addresses for template {template}: {sorted(values)}")
    meta = meta or Meta(agency="测试县人民政府", year=2023, template=template, title="测试县人民政府2023年政府信息公开工作年度报告")
    return Report(text, Source(doc, "0" * 64, "txt"), meta, sections, tables)


def with_cells(report: Report, values: Mapping[str, str | None]) -> Report:
    """``report`` with some cells replaced (raw text as in ``cell``); the source text is untouched."""
    tables = dict(report.tables)
    for addr, raw in values.items():
        tid, _, rest = addr.partition("/")
        t = tables[tid]
        old = t.cells.get(rest)
        new = cell(raw)
        if old is not None and old.start is not None:
            new = replace(new, start=old.start, end=old.end)
        tables[tid] = replace(t, cells={**t.cells, rest: new})
    return replace(report, tables=tables)


def gold_report(doc: str) -> Report:
    """Corpus report ``doc`` (file name) read by gsnlp.read, with the gold tables."""
    from gsnlp.check.gold import read_with_gold

    hits = list((ROOT / "corpora" / "reports").glob(f"*/{doc}"))
    if not hits:
        raise FileNotFoundError(doc)
    return read_with_gold(hits[0], ROOT / "corpora" / "gold" / "tables" / f"{doc}.json")


def gold_docs() -> list[str]:
    """Corpus documents that have both gold tables and a source file."""
    out = []
    for p in sorted((ROOT / "corpora" / "gold" / "tables").glob("*.json")):
        doc = p.name[:-5]
        if list((ROOT / "corpora" / "reports").glob(f"*/{doc}")):
            out.append(doc)
    return out
