"""One input as rows of the output tables: bytes -> ``gsnlp.pipeline`` -> a tuple per row.

``process_bytes`` is pure (its result depends only on the bytes, the path's file name and
suffix, and the stages), imports nothing heavy at module level and returns plain Python
rows: one tuple per row in the schema's column order (``schema.COLUMNS``), the cheapest
projection of the pipeline's objects; many of them become Arrow tables (``schema.to_table``).
The batch runs it in a local process pool, on Ray or in a Spark ``mapPartitions``
(docs/scaling.md); the datasets (``gsnlp dataset build``) read reports through it too, and the
exports (``gsnlp export``) through ``analysis_rows``.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass, field, replace
from typing import Any

from gsnlp.pipeline import report_id
from gsnlp.tabular.schema import COLUMNS, TABLES

STAGE_NAMES = ("parse", "figures", "check", "themes")
INPUT_TOO_COMPLEX = "input_too_complex"  # over the per-input time or memory budget (of a batch)
Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class ReportResult:
    """What one input gave. ``status`` is ``ok`` or ``failed`` (then ``reason`` says why and
    ``tuples`` holds whatever the stages that succeeded produced, possibly nothing)."""

    sha256: str
    status: str
    reason: dict[str, str] | None
    tuples: Rows
    timings: dict[str, float] = field(default_factory=dict)
    stages: tuple[str, ...] = ()
    format: str | None = None
    report: Any = None  # the parsed Report, only when asked for (keep_report=True)

    @property
    def report_id(self) -> str:
        return report_id(self.sha256)

    @property
    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The rows as dicts keyed by column name (for readers; the batch uses ``tuples``)."""
        return {t: [dict(zip((n for n, _ in COLUMNS[t]), r)) for r in rr] for t, rr in self.tuples.items()}


@dataclass(frozen=True)
class Stages:
    """The pipeline options of the stages that can run here, and a note per stage (what ran, or
    why not: the figure extractor needs jieba, themes a model, else the built-in keyword rules)."""

    opts: Any  # gsnlp.pipeline.Options
    theme_model: str | None = None  # the themes model's name as the clauses table records it
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return ("parse", *self.opts.stages)

    def describe(self) -> dict[str, dict[str, Any]]:
        return {n: {"ran": n in self.names, "note": self.notes.get(n, "")} for n in STAGE_NAMES}


@functools.cache
def load_stages(names: tuple[str, ...] | None = None, theme_model: str | None = None) -> Stages:
    """The stages to run (all that can run when ``names`` is None), once per process; a themes model
    the user named must load."""
    from gsnlp import pipeline
    from gsnlp.errors import UnknownNameError

    if set(names or ()) - set(STAGE_NAMES):
        raise UnknownNameError("stage", min(set(names or ()) - set(STAGE_NAMES)), STAGE_NAMES)
    notes, run, label = {"parse": "gsnlp.io.read_bytes"}, [], None
    for s in pipeline.STAGES:
        try:
            if names is not None and s not in names:
                notes[s] = "not asked for"
                continue
            if s == "figures":
                from gsnlp.figures.lexicon import tokenizer

                tokenizer()  # the extractor needs jieba: find out now rather than on every report
                notes[s] = "gsnlp.figures.extract_report"
            elif s == "check":
                import gsnlp.check  # noqa: F401

                notes[s] = "gsnlp.check.check_report (report rules)"
            else:
                label = pipeline.theme_model(theme_model)[1]
                notes[s] = f"gsnlp.themes.pipeline.classify_report with model {label}"
            run.append(s)
        except (ImportError, LookupError, ValueError, OSError) as e:
            if s == "themes" and theme_model not in (None, "keyword"):
                raise
            notes[s] = f"cannot run: {type(e).__name__}: {e}"
    return Stages(pipeline.options(run, theme_model=theme_model), label, notes)


def _reason(exc: BaseException, stage: str, memory_mb: int | None = None) -> dict[str, str]:
    if isinstance(exc, MemoryError):
        what = f"the budget of {memory_mb} MB (raise --task-memory-mb to allow more)" if memory_mb else \
            "the memory available"
        return {"stage": stage, "code": INPUT_TOO_COMPLEX, "type": "MemoryError",
                "message": f"needed more memory in stage {stage} than {what}"}
    msg = str(exc).strip() or f"{type(exc).__name__} without a message ({exc!r})"
    return {"stage": stage, "code": str(getattr(exc, "code", "E999")), "type": type(exc).__name__,
            "message": msg[:500]}


def _json(obj: Any) -> str | None:
    """Compact JSON, keys sorted (orjson, of the data extra: a tenth of json's CPU); None for nothing."""
    if obj is None or obj == {} or obj == []:
        return None
    try:
        import orjson
    except ImportError as e:  # no silent fallback: the data extra brings it
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the batch's rows", "data", "orjson") from e
    return orjson.dumps(obj, default=str, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode("utf-8")


def _str(v: Any) -> str | None:
    return None if v is None else str(v)


def _sections(rep: Any, rid: str) -> list[tuple[Any, ...]]:
    return [(rid, i, s.id, s.number, s.title, s.start, s.end, s.body_start, s.end - s.body_start, s.origin,
             s.confidence) for i, s in enumerate(rep.sections)]


def _report_row(rep: Any, rid: str, rows: Rows, ran: list[str], stage_errors: list[str]) -> tuple[Any, ...]:
    from gsnlp.agency import canonical_agency

    m, src = rep.meta, rep.source
    return (rid, src.sha256, src.path, rep.doc_id, src.format, src.encoding, "partial" if stage_errors else "ok",
            m.agency, canonical_agency(m.agency), m.year, m.template, m.title, m.period_start, m.period_end,
            m.published, len(rep.text), [s.id for s in rep.sections],
            [t for t, tab in rep.tables.items() if tab.found],
            [f"{t}:{tab.layout}" for t, tab in rep.tables.items() if tab.found and tab.layout],
            sorted({w.code for w in rep.warnings}), len(rows["figures"]),
            sum(1 for f in rows["findings"] if f[6] == "fail"), len(rows["clauses"]), ran, stage_errors)


def analysis_rows(a: Any, theme_model: str | None = None, stage_errors: list[str] | None = None) -> Rows:
    """The rows of every table for an analysis already run (``gsnlp.pipeline.run``), by the same
    functions as ``process_bytes``: what the exports read reports through."""
    rep, rid = a.report, a.report_id
    rows: Rows = {"sections": _sections(rep, rid), "cells": _cells(rep, rid),
                  "figures": _figures(a.figures or [], rid), "findings": finding_rows(a.findings or [], rid),
                  "clauses": [] if a.themes is None else _clauses(a.themes, rid, theme_model)}
    ran = ["parse", *(s for s in a.stages if s != "read")]
    rows["reports"] = [_report_row(rep, rid, rows, ran, stage_errors or [])]
    return rows


def _cells(rep: Any, rid: str) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for tid, tab in rep.tables.items():
        for addr, c in tab.cells.items():
            row_id, _, col = addr.rpartition("/")
            out.append((rid, len(out), tid, tab.template, addr, row_id, col, c.kind, _str(c.value), c.value, c.raw,
                        c.start, c.end, list(c.candidates), _json(c.where) if c.where else None))
    return out


def _figures(figs: list[Any], rid: str) -> list[tuple[Any, ...]]:
    return [(rid, i, f.id, f.section, f.start, f.end, f.text, str(f.value), f.value, f.scale, f.scaled, f.unit,
             f.kind, f.approx, f.subject, f.predicate, f.channel, f.scope, f.period, f.polarity, f.parent,
             f.qualifies, f.item, f.metric, None if f.metric_p is None else round(f.metric_p, 4))
            for i, f in enumerate(figs)]


def finding_rows(findings: list[Any], rid: str) -> list[tuple[Any, ...]]:
    # a pass keeps the cells it used; the full evidence is kept where it is read
    return [(rid, i, f.rule, f.rule_id, f.rule.split(".", 1)[0], f.instance, f.status, f.severity, f.kind, f.origin,
             _str(f.expected), _str(f.observed), f.lenient, f.message, f.cells(),
             None if f.status == "pass" else _json([e.to_dict() for e in f.evidence]), _json(f.details))
            for i, f in enumerate(findings)]


def _clauses(res: Any, rid: str, model: str | None) -> list[tuple[Any, ...]]:
    return [(rid, c.index, c.start, c.end, c.text, p.role, list(p.themes), float(p.role_scores.get(p.role, 0.0)),
             _json({"role": p.role_scores, "themes": p.theme_scores}), res.specificity, model)
            for c, p in zip(res.clauses, res.predictions)]


def process_bytes(data: bytes, path: str, stages: Stages | None = None, *, keep_report: bool = False,
                  sha256: str | None = None, memory_mb: int | None = None) -> ReportResult:
    """Parse one input and run every available stage on it; never raises for a bad input.

    ``path`` is used only for its name and suffix (``.md`` is Markdown text; error messages
    name it). A failure of the parse is a failed input with its reason; a failure of a later
    stage keeps the rows of the stages before it and also marks the input failed.
    ``keep_report`` also returns the parsed Report; ``sha256`` is the digest of ``data`` when the
    caller has it; ``memory_mb``, the memory budget the caller set (named in a ``MemoryError``'s
    reason). ``timings`` holds CPU seconds per stage, ``rows`` the part of them spent projecting
    the stages' objects into rows.
    """
    from gsnlp import pipeline
    from gsnlp.io import read_bytes

    st = stages if stages is not None else load_stages()
    sha = sha256 if sha256 is not None else hashlib.sha256(data).hexdigest()
    rid = report_id(sha)
    rows: Rows = {t: [] for t in TABLES}
    timings: dict[str, float] = {}  # CPU seconds (process time: what it costs, whatever else runs)
    t0 = time.process_time()
    try:
        rep = read_bytes(data, path)
    except Exception as e:  # noqa: BLE001 - every input is accounted for, whatever it raises
        timings["parse"] = time.process_time() - t0
        return ReportResult(sha, "failed", _reason(e, "parse", memory_mb), rows, timings, ("parse",))
    t1 = time.process_time()
    rows["sections"], rows["cells"] = _sections(rep, rid), _cells(rep, rid)
    t2 = time.process_time()
    timings["parse"], t_rows = t2 - t0, t2 - t1
    ran, errors = ["parse"], []
    a = pipeline.run(rep, replace(st.opts, stages=()), path=path)
    for stage in st.opts.stages:  # one stage at a time: a stage that fails keeps the rows of those before
        t0 = time.process_time()
        try:
            a = pipeline.step(stage, a, st.opts)
        except Exception as e:  # noqa: BLE001
            errors.append(_reason(e, stage, memory_mb))
            timings[stage] = time.process_time() - t0
            continue
        t1 = time.process_time()
        if stage == "figures":
            rows["figures"] = _figures(a.figures or [], rid)
        elif stage == "check":
            rows["findings"] = finding_rows(a.findings or [], rid)
        elif stage == "themes":
            rows["clauses"] = _clauses(a.themes, rid, st.theme_model)
        t2 = time.process_time()
        t_rows += t2 - t1
        timings[stage] = t2 - t0
        ran.append(stage)
    stage_errors = [f"{e['stage']}: {e['type']}: {e['message']}" for e in errors]
    rows["reports"] = [_report_row(rep, rid, rows, ran, stage_errors)]
    timings["rows"] = t_rows
    reason = None
    if errors:
        reason = dict(errors[0], message="; ".join(stage_errors)[:500])
    return ReportResult(sha, "failed" if errors else "ok", reason, rows, timings, tuple(ran), rep.source.format,
                        rep if keep_report else None)
