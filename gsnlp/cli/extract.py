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
from typing import Any

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_USAGE, Output, dumps
from gsnlp.errors import GsnlpError

FIELDS = ("report_id", "path", "agency", "agency_canonical", "year", "doc", "id", "value", "unit", "approx", "scale",
          "kind", "start", "end", "text", "subject", "predicate", "channel", "scope", "period", "polarity", "parent",
          "qualifies", "item", "metric", "section")


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def figures_of(path: Path, *, narrative: bool) -> list[dict[str, Any]]:
    """The figures of one report file as JSON-ready dicts (the CLI's rows)."""
    from gsnlp import pipeline
    from gsnlp.cli.check import load_report

    a = pipeline.run(load_report(path), pipeline.options(("figures",), table_cells=not narrative), path=str(path))
    return [f.to_dict() for f in a.figures or []]


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


def run(files: list[Path] | list[str], *, narrative: bool, fmt: Format | None, output: Path | None,
        excel: bool = False) -> int:
    """Importable body of the command; returns the exit code (1 bad input, 70 a bug; the rest still run)."""
    import traceback

    from gsnlp import pipeline
    from gsnlp.cli.check import report_columns
    from gsnlp.cli.inputs import read_inputs, unique_names

    if output is not None and output.is_dir():
        print(f"gsnlp extract: error: -o {output} is a folder; give a file name", file=sys.stderr)
        return EXIT_USAGE
    opts = pipeline.options(("figures",), table_cells=not narrative)
    rows: list[dict[str, Any]] = []
    not_numbers: dict[str, int] = {}
    failed = internal = n = 0
    for inp in unique_names(list(read_inputs(files))):
        n += 1
        if inp.report is None:
            failed += 1
            if inp.internal is not None:
                internal += 1
                print(f"gsnlp extract: {inp.path}: internal error (a bug in gsnlp):\n{inp.internal}", file=sys.stderr)
            else:
                print(f"gsnlp: error: {inp.error}", file=sys.stderr)
            continue
        ident = report_columns(inp.report, inp.path)
        if not narrative:  # table cells that are not numbers are no figures: say so, never drop them silently
            for t in inp.report.tables.values():
                for c in t.cells.values() if t.found else ():
                    if c.kind not in ("number", "absent"):
                        not_numbers[c.kind] = not_numbers.get(c.kind, 0) + 1
        try:
            a = pipeline.run(inp.report, opts, path=inp.path)
            rows.extend({**ident, **f.to_dict()} for f in a.figures or [])
        except GsnlpError as e:
            failed += 1
            print(f"gsnlp: error: {e}", file=sys.stderr)
        except Exception:  # noqa: BLE001 - a bug in one report never hides the others
            failed += 1
            internal += 1
            print(f"gsnlp extract: {inp.path}: internal error (a bug in gsnlp):\n{traceback.format_exc()}",
                  file=sys.stderr)
    if fmt is None:
        fmt = Format.table if output is None and sys.stdout.isatty() else Format.jsonl
    with Output(output, bom=excel and fmt is Format.csv) as out:
        if fmt is Format.jsonl:
            for r in rows:
                out.write(dumps(r) + "\n")
        elif fmt is Format.csv:
            w = csv.DictWriter(out, fieldnames=list(FIELDS), extrasaction="ignore", lineterminator="\r\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in FIELDS})
        else:
            out.write(_table(rows))
    print(f"gsnlp extract: {n} input(s), {n - failed} ok, {failed} failed, {len(rows)} figure(s)", file=sys.stderr)
    if not_numbers:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(not_numbers.items()))
        print(f"gsnlp extract: {sum(not_numbers.values())} table cells are not numbers ({kinds}) and are not figures; "
              "every cell with its kind: gsnlp export -f csv", file=sys.stderr)
    return EXIT_INTERNAL if internal else EXIT_BAD_INPUT if failed else 0


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract_cmd(
        files: list[str] = typer.Argument(..., help="Report files (TXT, MD, HTML, DOCX, PDF), parse JSON/JSONL, "
                                          "folders, or - for standard input."),
        narrative: bool = typer.Option(False, "--narrative", help="Only the narrative (text outside tables)."),
        fmt: Format | None = typer.Option(None, "--format", "-f", case_sensitive=False,
                                          help="table (default on a terminal), jsonl "
                                             "(default in a pipe) or csv."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write this FILE instead of stdout."),
        excel: bool = typer.Option(False, "--excel", help="csv: UTF-8 with a BOM, so that Excel reads Chinese"),
    ) -> None:
        """Extract the figures a report states: value, unit, span, subject, predicate, metric, parent."""
        code = run(files, narrative=narrative, fmt=fmt, output=output, excel=excel)
        if code:
            raise typer.Exit(code)
