"""Reports whose tables are the hand-made gold (``corpora/gold/tables``): the base of the
check tests and of the injection benchmark, independent of the table parser's accuracy."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from gsnlp.doc import Cell, Report, Table
from gsnlp.errors import SchemaError
from gsnlp.tables.template import TABLE_IDS

GOLD_SCHEMA = "gsnlp.gold.tables/1"


def gold_tables(gold: dict[str, Any]) -> dict[str, Table]:
    """Table objects from a gold document (``gsnlp.gold.tables/1``)."""
    if gold.get("schema") != GOLD_SCHEMA:
        raise SchemaError(f"expected schema {GOLD_SCHEMA!r}, found {gold.get('schema')!r}", origin=gold.get("doc"))
    tmpl = gold.get("template", "2021")
    out: dict[str, Table] = {}
    for tid in TABLE_IDS:
        cells_d = gold.get("tables", {}).get(tid)
        if not cells_d:
            out[tid] = Table(tid, tmpl, {}, found=False)
            continue
        cells: dict[str, Cell] = {}
        for addr, c in cells_d.items():
            v = c.get("value")
            kind = c["kind"]
            cells[addr] = Cell(kind, c.get("raw", v if v is not None else ""),
                               Decimal(v) if kind == "number" and v is not None else None,
                               candidates=tuple(c.get("candidates", ())))
        # a report may mix templates (table 二 of 2019, table 三 of 2021): ``table_templates`` says so
        t_tmpl = gold.get("table_templates", {}).get(tid, tmpl)
        out[tid] = Table(tid, t_tmpl, cells, found=any(c.kind != "absent" for c in cells.values()))
    return out


def read_with_gold(source: str | Path, gold_file: str | Path) -> Report:
    """The report at ``source`` read by ``gsnlp.read``, with its tables replaced by the gold
    tables. Template and year from the gold/manifest win."""
    import gsnlp

    source, gold_file = Path(source), Path(gold_file)
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    rep = gsnlp.read(source)
    tables = gold_tables(gold)
    # keep the reader's table positions (for drawing and evidence) but the gold values
    for tid, t in list(tables.items()):
        old = rep.tables.get(tid)
        if old is not None and old.found:
            # the reader's candidate splits of run-together rows stay where the gold is ambiguous too
            amb_rows = {a.rsplit("/", 1)[0] for a, c in t.cells.items() if c.kind == "ambiguous"}
            tables[tid] = replace(t, start=old.start, end=old.end, layout=old.layout,
                                  cells={a: _keep_pos(c, old.cells.get(a)) for a, c in t.cells.items()},
                                  splits={r: v for r, v in old.splits.items() if r in amb_rows})
    meta = rep.meta
    if meta.template in ("unknown", None):
        meta = replace(meta, template=gold.get("template", "unknown"))
    return replace(rep, tables=tables, meta=meta)


def _keep_pos(gold: Cell, read: Cell | None) -> Cell:
    if read is None or read.start is None or gold.kind != read.kind or gold.value != read.value:
        return gold
    return replace(gold, raw=read.raw, start=read.start, end=read.end, where=read.where)
