"""`gsnlp check INPUT...`: consistency checks (RULES.md) with findings as a table, JSONL, CSV or
an auditor's HTML report (one page per report, ``index.html`` with the overview across
reports, one page per agency across its years).

Inputs are report files, folders, ``-`` (standard input) or gsnlp's parse JSON/JSONL. Reports
are identified by content (``report_id``), never by file name. Each input is checked on its
own: a bad input (exit 1) or a bug (exit 70, traceback on stderr) never hides the results of
the others. Exit 3 when a failing finding reaches ``--fail-on``; 2 on a usage error (an
unknown ``--rule`` lists the known ones).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_USAGE
from gsnlp.cli.fastargs import Opt, plain

if TYPE_CHECKING:
    import typer

    from gsnlp.doc import Report

EXIT_INTERNAL = 70
FIELDS = ("report_id", "path", "agency", "agency_canonical", "year", "doc", "rule", "instance", "status", "severity",
          "kind", "origin", "expected", "observed", "lenient", "evidence", "message")


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


def load_report(path: Path | str) -> Any:
    """One Report from a source file or a report JSON (with or without text); the first of a JSONL."""
    from gsnlp.cli.inputs import read_inputs

    for inp in read_inputs([path]):
        if inp.error is not None:
            raise inp.error
        if inp.internal is not None:
            raise RuntimeError(inp.internal)
        return inp.report
    from gsnlp.errors import EmptyInputError

    raise EmptyInputError("holds no report", origin=str(path))


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
            v = e.get("value") if e.get("value") is not None else e.get("cell_kind")
            parts.append(f"{doc}{e['ref']}={v}{where}")
        else:
            t = (e.get("text") or "").replace("\n", " ")
            parts.append(f"{doc}“{t[:30]}”{where}")
    return "; ".join(parts)


def report_columns(rep: Any, path: str | None = None) -> dict[str, Any]:
    """The identity columns every output row of a report carries."""
    from gsnlp.agency import canonical_agency
    from gsnlp.pipeline import report_id

    return {"report_id": report_id(rep.source.sha256), "path": path or rep.source.path, "agency": rep.meta.agency,
            "agency_canonical": canonical_agency(rep.meta.agency), "year": rep.meta.year}


def finding_row(f: Any, ident: dict[str, Any]) -> dict[str, Any]:
    return {**ident, **f.to_dict()}


def write_jsonl(rows: Iterable[dict[str, Any]], out: Any) -> None:
    for d in rows:
        out.write(json.dumps(d, ensure_ascii=False) + "\n")


def write_csv(rows: Iterable[dict[str, Any]], out: Any) -> None:
    import csv

    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(FIELDS)
    for d in rows:
        w.writerow([_evidence_str(d["evidence"]) if k == "evidence" else _flat(d.get(k)) for k in FIELDS])


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
                    f"{i.label} {i.value:.1%}" if i.denominator is not None else f"{i.label} {i.value}"
                    for i in ind) + "\n")


def list_rules(out: Any) -> None:
    """Every rule: versioned id, scope, severity, Chinese title (its one-line explanation)."""
    from gsnlp.check.registry import all_rules

    for r in all_rules():
        out.write(f"{r.name}\t{r.scope}\t{r.severity}\t{r.title}\n")


def validate_rules(rules: Sequence[str] | None) -> str | None:
    """None when every selector names a rule, an id or a family; else the usage message."""
    if not rules:
        return None
    from gsnlp.check.registry import all_rules

    known = all_rules()
    names = {r.name for r in known} | {r.id for r in known} | {r.family for r in known}
    bad = [r for r in rules if r not in names]
    if bad:
        return (f"unknown rule {bad[0]!r}; known rules: {', '.join(r.name for r in known)}; "
                f"families: {', '.join(sorted({r.family for r in known}))} (gsnlp check --list-rules)")
    return None


def _say(msg: str) -> None:
    """A message on standard error (typer.echo's behaviour, without importing typer on the fast path)."""
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def _html_out_problem(fmt: Format, out: Path | None) -> str | None:
    if fmt is Format.html:
        if out is None:
            return "--format html writes a folder; give it with -o DIR"
        if out.exists() and not out.is_dir():
            return f"-o {out}: html writes a folder (index.html and one page per report), but this is a file"
        return None
    if out is not None and out.is_dir():
        return f"-o {out} is a folder; --format {fmt.value} writes one file (give a file name)"
    return None


def run_check(files: Sequence[Path | str], fmt: Format = Format.table, out_path: Path | None = None,
              fail_on: Level = Level.error, blank_as_zero: bool = False, rules: list[str] | None = None,
              show_pass: bool = False, excel: bool = False) -> int:
    """The command body, importable (the CLI is a thin wrapper). Returns the exit code."""
    from gsnlp import pipeline
    from gsnlp.check import at_or_above
    from gsnlp.cli.inputs import read_inputs, unique_names

    problem = validate_rules(rules) or _html_out_problem(fmt, out_path)
    if problem:
        _say(f"gsnlp check: error: {problem}")
        return EXIT_USAGE
    # the check stage extracts the narrative figures itself when a selected rule needs them
    opts = pipeline.options(("check",), rules=_scoped(rules, "report"), blank_as_zero=blank_as_zero)
    inputs = unique_names(list(read_inputs(files)))
    bad: list[tuple[str, str]] = []
    n_internal = 0
    shown: set[str] = set()
    results: dict[str, list[Any]] = {}
    checked: list[tuple[str, Report]] = []  # (path as given, report)
    for inp in inputs:
        if inp.error is not None:
            bad.append((inp.path, str(inp.error)))
            _say(f"gsnlp check: {inp.error}")
            continue
        if inp.internal is not None:
            n_internal += 1
            bad.append((inp.path, f"internal error: {inp.internal.splitlines()[0]}"))
            _say(f"gsnlp check: {inp.path}: internal error (a bug in gsnlp):\n{inp.internal}")
            continue
        rep = inp.report
        if rep is None:  # pragma: no cover - an Input has a report, an error or a traceback
            continue
        try:
            results[rep.doc_id] = list(pipeline.run(rep, opts, path=inp.path).findings or [])
            checked.append((inp.path, rep))
        except Exception as e:  # noqa: BLE001 - one report's bug never hides the others' results
            from gsnlp.errors import GsnlpError

            if isinstance(e, GsnlpError):
                bad.append((inp.path, str(e)))
                _say(f"gsnlp check: {inp.path}: {e}")
            else:
                n_internal += 1
                bad.append((inp.path, f"internal error: {type(e).__name__}: {e}"))
                import traceback

                tb = traceback.format_exc()
                if tb in shown:  # the same bug again: one line, the traceback was printed once
                    _say(f"gsnlp check: {inp.path}: internal error (same traceback as above): "
                         f"{type(e).__name__}: {e}")
                else:
                    shown.add(tb)
                    _say(f"gsnlp check: {inp.path}: internal error (a bug in gsnlp):\n{tb}")
    yr = _scoped(rules, "years")
    if rules is None or yr:
        try:
            for f in pipeline.cross_year([r for _, r in checked], rules=yr, blank_as_zero=blank_as_zero):
                results.setdefault(f.doc, []).append(f)
        except Exception:  # noqa: BLE001
            import traceback

            n_internal += 1
            _say(f"gsnlp check: cross-year rules: internal error (a bug in gsnlp):\n{traceback.format_exc()}")
    reports = [r for _, r in checked]
    idents = {r.doc_id: report_columns(r, p) for p, r in checked}
    all_findings = [f for fs in results.values() for f in fs]
    if fmt is Format.html:
        assert out_path is not None
        from gsnlp.render.audit_html import write_audit

        pages = write_audit(reports, results, out_path, failed_inputs=bad,
                            sources={r.doc_id: p for p, r in checked})
        _say(f"gsnlp check: wrote {len(pages)} report pages and index.html to {out_path}")
    else:
        buf = io.StringIO()
        rows = (finding_row(f, idents.get(doc, {})) for doc, fs in results.items() for f in fs)
        if fmt is Format.jsonl:
            write_jsonl(rows, buf)
        elif fmt is Format.csv:
            write_csv(rows, buf)
        else:
            write_table(results, buf, show_pass, {r.doc_id: r for r in reports})
        text = buf.getvalue()
        if out_path is not None:
            out_path.parent.mkdir(parents=True, exist_ok=True)
            with open(out_path, "w", encoding="utf-8-sig" if excel and fmt is Format.csv else "utf-8",
                      newline="") as fh:
                fh.write(text)
        else:
            if excel and fmt is Format.csv:
                sys.stdout.write("\ufeff")
            sys.stdout.write(text)
            sys.stdout.flush()
    _say(f"gsnlp check: {len(inputs)} in, {len(checked)} checked, {len(bad)} failed"
         f"{f' ({n_internal} internal errors)' if n_internal else ''}")
    if n_internal:
        return EXIT_INTERNAL
    if bad:
        return EXIT_BAD_INPUT
    if fail_on is not Level.never and at_or_above(all_findings, fail_on.value):
        return EXIT_FINDINGS
    return 0


def _scoped(rules: list[str] | None, scope: str) -> list[str] | None:
    """The selectors that name a rule of ``scope`` (None: every rule)."""
    if rules is None:
        return None
    from gsnlp.check.registry import all_rules

    rs = all_rules(scope)
    return [s for s in rules if any(s in (r.name, r.id, r.family) for r in rs)]


# the options of ``register`` below, read without typer when a command line is plain (gsnlp.cli.fastargs;
# tests/cli/test_startup.py keeps the two equal). --list-rules and --help go through typer.
FAST_OPTIONS = (
    Opt("format", ("--format", "-f"), choices=tuple(f.value for f in Format)),
    Opt("output", ("-o", "--output")),
    Opt("fail_on", ("--fail-on",), choices=tuple(v.value for v in Level)),
    Opt("blank_as_zero", ("--blank-as-zero",), "flag"),
    Opt("rule", ("--rule",), "multi"),
    Opt("show_pass", ("--show-pass",), "flag"),
    Opt("excel", ("--excel",), "flag"),
)


def fast_call(args: list[str]) -> Callable[[], int] | None:
    """``gsnlp check ARGS`` without typer when ``args`` is a plain command line, else None."""
    got = plain(args, FAST_OPTIONS)
    if got is None:
        return None
    files, v, out = got
    return lambda: run_check(files, Format(v.get("format", "table")), out, Level(v.get("fail_on", "error")),
                             v.get("blank_as_zero", False), v.get("rule"), v.get("show_pass", False),
                             v.get("excel", False))


def register(app: typer.Typer) -> None:
    import typer

    @app.command("check")
    def check(
        files: list[str] = typer.Argument(None, help="report files (txt, html, pdf, docx, md), parse JSON/JSONL, "
                                          "folders of them, or - for standard input"),
        format: Format = typer.Option(Format.table, "--format", "-f", case_sensitive=False,
                                      help="table | jsonl | csv | html (case-insensitive)"),
        output: Path | None = typer.Option(None, "-o", "--output", help="a FILE for table/jsonl/csv; a FOLDER for "
                                           "html (index.html, one page per report and per agency); stdout when "
                                           "left out"),
        fail_on: Level = typer.Option(Level.error, "--fail-on", case_sensitive=False,
                                      help="exit 3 when a failing finding reaches this severity (never: do not)"),
        blank_as_zero: bool = typer.Option(False, "--blank-as-zero",
                                           help="lenient: read blank cells as 0 (findings say so)"),
        rule: list[str] | None = typer.Option(None, "--rule", help="only these rules, ids or families (t3, "
                                              "nt.zero_claims); see --list-rules"),
        show_pass: bool = typer.Option(False, "--show-pass", help="table format: list passing findings too"),
        excel: bool = typer.Option(False, "--excel", help="csv: UTF-8 with a BOM, so that Excel reads Chinese"),
        list_rules_: bool = typer.Option(False, "--list-rules", help="print every rule id with its Chinese title "
                                         "and exit"),
    ) -> None:
        """Check reports against the consistency rules (RULES.md)."""
        if list_rules_:
            list_rules(sys.stdout)
            raise typer.Exit(0)
        if not files:
            typer.echo("gsnlp check: error: give report files, folders or - (see gsnlp check --help)", err=True)
            raise typer.Exit(EXIT_USAGE)
        code = run_check(files, format, output, fail_on, blank_as_zero, rule, show_pass, excel)
        raise typer.Exit(code)
