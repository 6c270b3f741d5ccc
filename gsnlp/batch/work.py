"""The per-report work: bytes of one input -> ``gsnlp.pipeline`` -> rows for every output table.

``process_bytes`` is pure (its result depends only on the bytes, the path's file name and
suffix, and the stages), imports nothing heavy at module level and returns plain Python
rows, so the same function runs in a local process pool, on Ray or in a Spark
``mapPartitions`` (docs/scaling.md). ``to_batches`` turns the rows into Arrow record batches
of the declared schemas (done in the worker, so the parent process only writes).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from gsnlp.batch.schema import TABLES, num
from gsnlp.batch.stages import Stages, load_stages


@dataclass(frozen=True)
class ReportResult:
    """What one input gave. ``status`` is ``ok`` or ``failed`` (then ``reason`` says why and
    ``rows`` holds whatever the stages that succeeded produced, possibly nothing)."""

    sha256: str
    status: str
    reason: dict[str, str] | None
    rows: dict[str, list[dict[str, Any]]]
    timings: dict[str, float] = field(default_factory=dict)
    stages: tuple[str, ...] = ()
    format: str | None = None
    report: Any = None  # the parsed Report, only when asked for (keep_report=True)

    @property
    def report_id(self) -> str:
        return report_id(self.sha256)


def report_id(sha256: str) -> str:
    """A stable id: the first 16 hex digits of the content's sha256."""
    return sha256[:16]


INPUT_TOO_COMPLEX = "input_too_complex"  # over the per-input time or memory budget of the batch


def _reason(exc: BaseException, stage: str) -> dict[str, str]:
    if isinstance(exc, MemoryError):
        from gsnlp.batch import limits

        return {"stage": stage, "code": INPUT_TOO_COMPLEX, "type": "MemoryError",
                "message": f"needed more than {limits.memory_text()} of memory in stage {stage} "
                           "(raise --task-memory-mb to allow more)"}
    msg = str(exc).strip() or f"{type(exc).__name__} without a message ({exc!r})"
    return {"stage": stage, "code": str(getattr(exc, "code", "E999")), "type": type(exc).__name__,
            "message": msg[:500]}


def _json(obj: Any) -> str | None:
    if obj is None or obj == {} or obj == []:
        return None
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


def _report_rows(rep: Any, rid: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    m = rep.meta
    report = {
        "report_id": rid, "sha256": rep.source.sha256, "path": rep.source.path, "doc": rep.doc_id,
        "format": rep.source.format, "encoding": rep.source.encoding, "status": "ok", "agency": m.agency,
        "year": m.year, "template": m.template, "title": m.title, "period_start": m.period_start,
        "period_end": m.period_end, "published": m.published, "n_chars": len(rep.text),
        "sections": [s.id for s in rep.sections],
        "tables_found": [t for t, tab in rep.tables.items() if tab.found],
        "layouts": [f"{t}:{tab.layout}" for t, tab in rep.tables.items() if tab.found and tab.layout],
        "warning_codes": sorted({w.code for w in rep.warnings}),
        "n_figures": 0, "n_findings_failed": 0, "n_clauses": 0, "stages": [], "stage_errors": [],
    }
    sections = [{"report_id": rid, "seq": i, "section_id": s.id, "number": s.number, "title": s.title,
                 "start": s.start, "end": s.end, "body_start": s.body_start, "n_chars": s.end - s.body_start,
                 "origin": s.origin, "confidence": s.confidence}
                for i, s in enumerate(rep.sections)]
    cells: list[dict[str, Any]] = []
    for tid, tab in rep.tables.items():
        for addr, c in tab.cells.items():
            row_id, _, col = addr.rpartition("/")
            cells.append({"report_id": rid, "seq": len(cells), "table_id": tid, "template": tab.template,
                          "address": addr, "row_id": row_id, "column_id": col, "kind": c.kind,
                          "value": None if c.value is None else str(c.value), "num": num(c.value), "raw": c.raw,
                          "start": c.start, "end": c.end, "candidates": list(c.candidates),
                          "where": _json(c.where)})
    return report, sections, cells


def _figure_rows(figs: list[Any], rid: str) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(figs):
        out.append({"report_id": rid, "seq": i, "fig_id": f.id, "section": f.section, "start": f.start, "end": f.end,
                    "text": f.text, "value": str(f.value), "num": num(f.value), "scale": f.scale,
                    "scaled": num(f.scaled), "unit": f.unit, "kind": f.kind, "approx": f.approx,
                    "subject": f.subject, "predicate": f.predicate, "channel": f.channel, "scope": f.scope,
                    "period": f.period, "polarity": f.polarity, "parent": f.parent, "qualifies": f.qualifies,
                    "item": f.item, "metric": f.metric,
                    "metric_p": None if f.metric_p is None else round(f.metric_p, 4)})
    return out


def _finding_rows(findings: list[Any], rid: str) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(findings):
        out.append({"report_id": rid, "seq": i, "rule": f.rule, "rule_id": f.rule_id,
                    "family": f.rule.split(".", 1)[0], "instance": f.instance, "status": f.status,
                    "severity": f.severity, "kind": f.kind, "origin": f.origin,
                    "expected": None if f.expected is None else str(f.expected),
                    "observed": None if f.observed is None else str(f.observed), "lenient": f.lenient,
                    "message": f.message, "cells": f.cells(),
                    # a pass keeps the cells it used; the full evidence is kept where it is read
                    "evidence": None if f.status == "pass" else _json([e.to_dict() for e in f.evidence]),
                    "details": _json(f.details)})
    return out


def _clause_rows(res: Any, rid: str, model: str | None) -> list[dict[str, Any]]:
    out = []
    for c, p in zip(res.clauses, res.predictions):
        out.append({"report_id": rid, "seq": c.index, "start": c.start, "end": c.end, "text": c.text,
                    "role": p.role, "themes": list(p.themes), "role_score": float(p.role_scores.get(p.role, 0.0)),
                    "scores": _json({"role": p.role_scores, "themes": p.theme_scores}),
                    "specificity": res.specificity, "model": model})
    return out


def _step(a: Any, stage: str, opts: Any) -> Any:
    """One stage of the pipeline on an analysis (its registered component)."""
    from gsnlp import pipeline

    return pipeline.step(stage, a, opts)


def process_bytes(data: bytes, path: str, stages: Stages | None = None, *, keep_report: bool = False,
                  sha256: str | None = None) -> ReportResult:
    """Parse one input and run every available stage on it; never raises for a bad input.

    ``path`` is used only for its name and suffix (``.md`` is Markdown text; error messages
    name it). A failure of the parse is a failed input with its reason; a failure of a later
    stage keeps the rows of the stages before it and also marks the input failed.
    ``keep_report`` also returns the parsed Report (for builders that need the text).
    ``sha256`` is the hex digest of ``data`` when the caller has it already.
    ``timings`` holds CPU seconds per stage, and under ``rows`` the part of them spent turning
    the stages' objects into table rows.
    """
    from gsnlp import pipeline

    st = stages if stages is not None else load_stages()
    sha = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
    rid = report_id(sha)
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    # CPU seconds per stage (process time: what the stage costs, whatever else runs on the machine)
    timings: dict[str, float] = {}
    t0 = time.process_time()
    try:
        from gsnlp.io import read_bytes

        rep = read_bytes(data, path)
    except Exception as e:  # noqa: BLE001 - every input is accounted for, whatever it raises
        timings["parse"] = time.process_time() - t0
        return ReportResult(sha, "failed", _reason(e, "parse"), rows, timings, ("parse",))
    t1 = time.process_time()
    report, rows["sections"], rows["cells"] = _report_rows(rep, rid)
    t2 = time.process_time()
    timings["parse"] = t2 - t0
    t_rows = t2 - t1
    ran = ["parse"]
    errors: list[dict[str, str]] = []
    a = pipeline.run(rep, replace(st.opts, stages=()), path=path)
    for stage in st.opts.stages:
        # one pipeline stage at a time: a stage that fails keeps the rows of those before it
        t0 = time.process_time()
        try:
            a = _step(a, stage, st.opts)
        except Exception as e:  # noqa: BLE001
            errors.append(_reason(e, stage))
            timings[stage] = time.process_time() - t0
            continue
        t1 = time.process_time()
        if stage == "figures":
            rows["figures"] = _figure_rows(a.figures or [], rid)
        elif stage == "check":
            rows["findings"] = _finding_rows(a.findings or [], rid)
        elif stage == "themes":
            rows["clauses"] = _clause_rows(a.themes, rid, st.theme_model)
        t2 = time.process_time()
        t_rows += t2 - t1
        timings[stage] = t2 - t0
        ran.append(stage)
    report.update(n_figures=len(rows["figures"]), n_clauses=len(rows["clauses"]), stages=ran,
                  n_findings_failed=sum(1 for f in rows["findings"] if f["status"] == "fail"),
                  stage_errors=[f"{e['stage']}: {e['type']}: {e['message']}" for e in errors])
    if errors:
        report["status"] = "partial"
    rows["reports"] = [report]
    timings["rows"] = t_rows
    status = "failed" if errors else "ok"
    reason = None
    if errors:
        reason = dict(errors[0])
        reason["message"] = "; ".join(report["stage_errors"])[:500]
    return ReportResult(sha, status, reason, rows, timings, tuple(ran), rep.source.format,
                        rep if keep_report else None)


def process_path(path: str, root: str | None = None, stages: Stages | None = None) -> ReportResult:
    """``process_bytes`` of a file; ``root`` makes the recorded path relative (stable across machines)."""
    from pathlib import Path

    p = Path(path)
    name = str(p.relative_to(root)) if root else p.name
    try:
        data = p.read_bytes()
    except OSError as e:
        return ReportResult(hashlib.sha256(b"").hexdigest(), "failed", _reason(e, "read"), {t: [] for t in TABLES})
    return process_bytes(data, PurePath(name).as_posix(), stages)


def to_batches(result: ReportResult) -> dict[str, Any]:
    """The result's rows as one Arrow RecordBatch per table (declared schemas)."""
    return rows_to_batches([result.rows])


def rows_to_batches(rows_list: list[dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    """The rows of several reports (``ReportResult.rows`` each, in this order) as one Arrow
    RecordBatch per table: one conversion per column for all of them, which is what makes a
    chunk of reports cheaper to convert than each report on its own."""
    import pyarrow as pa

    from gsnlp.batch.schema import schemas

    sch = schemas()
    out = {}
    for t in TABLES:
        rows = rows_list[0][t] if len(rows_list) == 1 else [r for rr in rows_list for r in rr[t]]
        # from_pylist walks the dicts in C++: about twice as fast as a Python list per column
        out[t] = pa.RecordBatch.from_pylist(rows, schema=sch[t])
    return out
