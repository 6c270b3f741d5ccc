"""`gsnlp check FILE...`: consistency checks (RULES.md) with findings as a table, JSONL, CSV or
an auditor's HTML report. Exit 3 when a failing finding reaches ``--fail-on``; 1 on bad input
(the other files are still checked)."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import Any

import typer

FIELDS = ("doc", "rule", "instance", "status", "severity", "kind", "origin", "expected", "observed", "lenient",
          "evidence", "message")


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"
    html = "html"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"  # report findings, never exit 3 (a run over a corpus, not a gate)


def load_report(path: Path) -> Any:
    """A Report from a source file (``gsnlp.read``) or from a report JSON (``gsnlp.report/1``)."""
    from gsnlp.doc import Report

    if path.suffix == ".json":
        return Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    import gsnlp

    read = getattr(gsnlp, "read", None)
    if read is None:
        from gsnlp.errors import GsnlpError

        raise GsnlpError("the reader gsnlp.read is not available in this build", origin=str(path))
    return read(path)


def _flat(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dict) and "decimal" in v:
        return str(v["decimal"])
    return str(v)


def _evidence_str(ev: list[dict[str, Any]]) -> str:
    parts = []
    for e in ev:
        where = f"@{e['start']}-{e['end']}" if e.get("start") is not None else ""
        doc = f"{e['doc']}:" if e.get("doc") else ""
        if e["kind"] == "cell":
            parts.append(f"{doc}{e['ref']}={e.get('value') if e.get('value') is not None else e.get('cell_kind')}{where}")
        else:
            t = (e.get("text") or "").replace("\n", " ")
            parts.append(f"{doc}“{t[:30]}”{where}")
    return "; ".join(parts)


def write_jsonl(findings: Iterable[Any], out: io.TextIOBase | Any) -> None:
    for f in findings:
        out.write(json.dumps(f.to_dict(), ensure_ascii=False) + "\n")


def write_csv(findings: Iterable[Any], out: Any) -> None:
    w = csv.writer(out)
    w.writerow(FIELDS)
    for f in findings:
        d = f.to_dict()
        w.writerow([_evidence_str(d["evidence"]) if k == "evidence" else _flat(d[k]) for k in FIELDS])


def write_table(results: dict[str, list[Any]], out: Any, show_pass: bool = False,
                reports: dict[str, Any] | None = None) -> None:
    from gsnlp.check.engine import worst
    from gsnlp.check.indicators import indicators

    for doc, fs in results.items():
        n = {s: sum(1 for f in fs if f.status == s) for s in ("fail", "not_assessable", "pass")}
        out.write(f"== {doc}: {n['fail']} fail, {n['not_assessable']} not assessable, {n['pass']} pass"
                  f" (worst: {worst(fs) or '-'})\n")
        for f in sorted(fs, key=lambda f: ({"fail": 0, "not_assessable": 1, "pass": 2}[f.status],
                                           {"error": 0, "warning": 1, "info": 2}[f.severity])):
            if f.status == "pass" and not show_pass:
                continue
            origin = f" [{f.origin}]" if f.origin else ""
            out.write(f"  {f.status.upper():<14} {f.severity:<7} {f.rule} {f.instance}{origin}\n      {f.message}\n")
            ev = _evidence_str([e.to_dict() for e in f.evidence])
            if ev and f.status == "fail":
                out.write(f"      evidence: {ev[:300]}\n")
        rep = (reports or {}).get(doc)
        if rep is not None:
            ind = indicators(rep)
            if ind:  # reported, never pass/fail (RULES.md)
                out.write("  indicators: " + "; ".join(
                    f"{i.label} {i.value:.1%}" if i.denominator is not None else f"{i.label} {i.value}" for i in ind) + "\n")


def run_check(files: Sequence[Path], fmt: Format = Format.table, out_dir: Path | None = None,
              fail_on: Level = Level.error, blank_as_zero: bool = False, rules: list[str] | None = None,
              show_pass: bool = False) -> int:
    """The command body, importable (the CLI is a thin wrapper). Returns the exit code."""
    from gsnlp.check import at_or_above, check_reports
    from gsnlp.cli.common import expand
    from gsnlp.errors import GsnlpError

    files = expand(Path(p) for p in files)  # a directory stands for the report files under it
    reports = []
    bad: list[tuple[str, str]] = []
    for p in files:
        try:
            reports.append(load_report(Path(p)))
        except (GsnlpError, OSError, ValueError, UnicodeError) as e:
            bad.append((str(p), str(e)))
            typer.echo(f"gsnlp check: {p}: {e}", err=True)
    try:
        results = check_reports(reports, rules=rules, blank_as_zero=blank_as_zero)
    except GsnlpError as e:  # e.g. an unknown rule name
        typer.echo(f"gsnlp check: {e}", err=True)
        return 1
    all_findings = [f for fs in results.values() for f in fs]
    if fmt is Format.html:
        if out_dir is None:
            typer.echo("gsnlp check: --format html needs -o DIR", err=True)
            return 2
        from gsnlp.render.audit_html import write_audit

        pages = write_audit(reports, results, out_dir, failed_inputs=bad)
        typer.echo(f"gsnlp check: wrote {len(pages)} report pages and index.html to {out_dir}", err=True)
    else:
        ext = {"table": "txt", "jsonl": "jsonl", "csv": "csv"}[fmt.value]
        buf = io.StringIO()
        if fmt is Format.jsonl:
            write_jsonl(all_findings, buf)
        elif fmt is Format.csv:
            write_csv(all_findings, buf)
        else:
            write_table(results, buf, show_pass, {r.doc_id: r for r in reports})
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / f"findings.{ext}").write_text(buf.getvalue(), encoding="utf-8")
        else:
            sys.stdout.write(buf.getvalue())
            sys.stdout.flush()
    typer.echo(f"gsnlp check: {len(files)} in, {len(reports)} checked, {len(bad)} failed to read", err=True)
    if bad:
        return 1
    if fail_on is not Level.never and at_or_above(all_findings, fail_on.value):
        return 3
    return 0


def register(app: typer.Typer) -> None:
    @app.command("check")
    def check(
        files: list[Path] = typer.Argument(..., help="report files (txt, html, pdf, docx, md), report JSON, or folders of them"),
        format: Format = typer.Option(Format.table, "--format", "-f", help="table | jsonl | csv | html"),
        output: Path | None = typer.Option(None, "-o", "--output", help="output directory: findings.txt/.jsonl/.csv, or one page per report and index.html for html "
                                             "(required for html); stdout when left out"),
        fail_on: Level = typer.Option(Level.error, "--fail-on", help="exit 3 when a failing finding reaches this severity (never: do not)"),
        blank_as_zero: bool = typer.Option(False, "--blank-as-zero",
                                           help="lenient: read blank cells as 0 (findings say so)"),
        rule: list[str] | None = typer.Option(None, "--rule", help="only these rules, ids or families (t3, nt.zero_claims)"),
        show_pass: bool = typer.Option(False, "--show-pass", help="table format: list passing findings too"),
    ) -> None:
        """Check reports against the consistency rules (RULES.md)."""
        code = run_check(files, format, output, fail_on, blank_as_zero, rule, show_pass)
        raise typer.Exit(code)
