"""Reading the inputs of ``check``, ``extract`` and ``export``: report files, folders, ``-``
(standard input), and gsnlp's own parse output (one JSON object, a JSON list, or JSONL; with
or without the source text).

Every input is identified by its content (``report_id``: the first 16 hex digits of the
source's sha256), never by its file name: two different ``r.txt`` in two folders are two
reports. A failure is per input: it is returned as an ``Input`` with ``error`` set and the
other inputs are still read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import Any

from gsnlp.doc import Report
from gsnlp.errors import GsnlpError, InputError, SchemaError

STDIN = "-"
REPORT_SCHEMA = "gsnlp.report/1"


@dataclass(frozen=True, slots=True)
class Input:
    """One report read from an input (a JSON list or JSONL file gives several)."""

    path: str  # the file as given ("-" for standard input; "file.jsonl:3" for a JSONL line)
    report: Report | None = None
    error: GsnlpError | None = None
    internal: str | None = None  # a traceback: a bug in gsnlp, not a problem with the input

    @property
    def ok(self) -> bool:
        return self.report is not None


def expand(paths: Iterable[str | Path]) -> list[str]:
    """Inputs as given, with folders expanded to the files under them (sorted; dot files skipped)."""
    out: list[str] = []
    for p in paths:
        s = str(p)
        if s == STDIN:
            out.append(STDIN)
            continue
        q = Path(s)
        if q.is_dir():
            out.extend(str(f) for f in sorted(q.rglob("*"))
                       if f.is_file() and not any(part.startswith(".") for part in f.relative_to(q).parts))
        else:
            out.append(s)
    return out


def _looks_like_json_report(head: bytes) -> bool:
    h = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return h[:1] in (b"{", b"[") and b'"schema"' in head[:4096] and b"gsnlp." in head[:4096]


def _from_dict(d: Any, origin: str) -> Report:
    if not isinstance(d, dict):
        raise SchemaError(f"expected a {REPORT_SCHEMA} object, found {type(d).__name__}", origin=origin)
    if d.get("schema") == "gsnlp.error/1":
        err = d.get("error", {})
        raise InputError(f"this entry of the parse output is a failed input ({err.get('code')}: "
                         f"{err.get('message')}); fix that input and parse it again", origin=origin)
    if d.get("schema") != REPORT_SCHEMA:
        raise SchemaError(f"expected schema {REPORT_SCHEMA!r}, found {d.get('schema')!r}; give a report file or the "
                          "output of `gsnlp parse`", origin=origin)
    if "text" not in d:  # parse output without --with-text: re-read the source when it is at hand
        src = (d.get("source") or {}).get("path")
        sha = (d.get("source") or {}).get("sha256")
        if src and Path(src).is_file():
            from gsnlp.io import read

            rep = read(src)
            if sha and rep.source.sha256 != sha:
                raise InputError(f"the JSON has no text and its source {src} has changed since it was parsed "
                                 "(sha256 differs); parse it again with `gsnlp parse --with-text`", origin=origin)
            return rep
        raise InputError(f"the JSON has no report text and its source {src!r} is not at hand; write it with "
                         "`gsnlp parse --with-text` (or run from the folder where the source is)", origin=origin)
    return Report.from_dict(d)


def _json_reports(data: bytes, origin: str) -> Iterator[tuple[str, Report | GsnlpError]]:
    text = data.decode("utf-8-sig")
    stripped = text.lstrip()
    try:
        doc = json.loads(stripped) if stripped.startswith("[") else None
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, list):
        for i, d in enumerate(doc):
            o = f"{origin}[{i}]"
            try:
                yield o, _from_dict(d, o)
            except GsnlpError as e:
                yield o, e
        return
    # one object, or JSONL: one object per line
    lines = [ln for ln in text.splitlines() if ln.strip()]
    try:
        whole = json.loads(text)
        lines = []
        items: list[tuple[str, Any]] = [(origin, whole)]
    except json.JSONDecodeError:
        items = []
        for n, ln in enumerate(lines, 1):
            o = f"{origin}:{n}"
            try:
                items.append((o, json.loads(ln)))
            except json.JSONDecodeError as e:
                yield o, SchemaError(f"line {n} is not JSON ({e.msg}); expected one report object per line", origin=o)
    for o, d in items:
        try:
            yield o, _from_dict(d, o)
        except GsnlpError as e:
            yield o, e


def read_inputs(paths: Iterable[str | Path]) -> Iterator[Input]:
    """Every report of every input, in order; failures as ``Input(error=...)``, bugs as ``internal``."""
    from gsnlp.io import path_text

    for raw in expand(paths):
        p = path_text(raw)  # the name outputs give it (a file name that is not UTF-8: its bytes as \\xNN)
        try:
            from gsnlp.io import load_bytes

            data, name = load_bytes("-" if raw == STDIN else raw)
            if PurePath(name).suffix.lower() in (".json", ".jsonl") or _looks_like_json_report(data[:4096]):
                for o, r in _json_reports(data, name):
                    yield Input(o, r, None) if isinstance(r, Report) else Input(o, None, r)
                continue
            from gsnlp.io import read_bytes

            yield Input(p, read_bytes(data, name))
        except GsnlpError as e:
            yield Input(p, None, e)
        except Exception as e:  # noqa: BLE001 - a bug: recorded for this input, the others go on
            import traceback

            yield Input(p, None, None, f"{type(e).__name__}: {e}\n{traceback.format_exc()}")


def unique_names(inputs: list[Input]) -> list[Input]:
    """Reports whose file names collide get a name that tells them apart (``pipeline.distinct_names``),
    so that findings and pages keyed by ``Report.doc_id`` never mix two reports."""
    from gsnlp.pipeline import distinct_names

    named = iter(distinct_names([i.report for i in inputs if i.report is not None]))
    return [i if i.report is None else replace(i, report=next(named)) for i in inputs]
