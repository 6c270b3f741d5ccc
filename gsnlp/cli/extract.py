"""``gsnlp extract [--narrative] FILE...``: the figures a report states, one per row.

``--narrative``: figures of the narrative (section text outside tables and page chrome).
Without it, the numbers of the template tables are emitted too, each with its cell address
as ``metric``. Formats: a readable table on a terminal (default there), ``jsonl`` (default
in a pipe; one figure per line) and ``csv``. A file that cannot be read is reported on
stderr, the others are still processed, and the exit code is 1.
"""

from __future__ import annotations

import csv
import io
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, Output, dumps, each, expand

FIELDS = ("doc", "id", "value", "unit", "scale", "kind", "start", "end", "text", "subject", "predicate", "channel",
          "scope", "period", "polarity", "parent", "qualifies", "item", "metric", "section")


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def figures_of(path: Path, *, narrative: bool) -> list[dict[str, Any]]:
    """The figures of one report file as JSON-ready dicts (the CLI's rows)."""
    from gsnlp.cli.check import load_report
    from gsnlp.figures import extract_report

    report = load_report(path)
    return [f.to_dict() for f in extract_report(report, narrative=narrative)]


def _table(rows: list[dict[str, Any]]) -> str:
    cols = ("doc", "id", "text", "value", "unit", "subject", "predicate", "metric", "parent")
    out = io.StringIO()
    try:
        from rich.console import Console
        from rich.table import Table

        t = Table(*cols, show_lines=False)
        for r in rows:
            t.add_row(*("" if r.get(c) is None else str(r.get(c)) for c in cols))
        Console(file=out, width=200, force_terminal=False).print(t)
        return out.getvalue()
    except ImportError:
        out.write("\t".join(cols) + "\n")
        for r in rows:
            out.write("\t".join("" if r.get(c) is None else str(r.get(c)) for c in cols) + "\n")
        return out.getvalue()


def run(files: list[Path], *, narrative: bool, fmt: Format | None, output: Path | None) -> int:
    """Importable body of the command; returns the exit code."""
    paths = expand(files)
    rows: list[dict[str, Any]] = []
    failed = 0
    for _p, figs, err in each(paths, lambda p: figures_of(p, narrative=narrative)):
        if err is not None:
            failed += 1
            continue
        rows.extend(figs or [])
    if fmt is None:
        fmt = Format.table if output is None and sys.stdout.isatty() else Format.jsonl
    with Output(output) as out:
        if fmt is Format.jsonl:
            for r in rows:
                out.write(dumps(r) + "\n")
        elif fmt is Format.csv:
            w = csv.DictWriter(out, fieldnames=list(FIELDS), extrasaction="ignore", lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in FIELDS})
        else:
            out.write(_table(rows))
    print(f"gsnlp extract: {len(paths)} file(s), {len(paths) - failed} ok, {failed} failed, {len(rows)} figure(s)",
          file=sys.stderr)
    return EXIT_BAD_INPUT if failed else 0


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_cmd(
        files: list[Path] = typer.Argument(..., help="Report files (TXT, MD, HTML, DOCX, PDF, report JSON) or folders."),
        narrative: bool = typer.Option(False, "--narrative", help="Only the narrative (text outside tables)."),
        fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="table (default on a terminal), jsonl "
                                             "(default in a pipe) or csv."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here instead of stdout."),
    ) -> None:
        """Extract the figures a report states: value, unit, span, subject, predicate, metric, parent."""
        code = run(files, narrative=narrative, fmt=fmt, output=output)
        if code:
            raise typer.Exit(code)
