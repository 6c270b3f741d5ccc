"""``gsnlp parse``: one JSON object per report (schema gsnlp.report/1)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_USAGE, Output, dumps
from gsnlp.cli.fastargs import Opt, plain

if TYPE_CHECKING:
    import typer

    from gsnlp.doc import Report


class ParseFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


def report_json(report: Report, *, with_text: bool = False) -> dict[str, Any]:
    """The CLI view of a report: the model's JSON, the full text only on request."""
    d: dict[str, Any] = report.to_dict()
    if not with_text:
        d.pop("text")
    d["doc"] = report.doc_id
    return d


def run_parse(files: list[str], output: Path | None = None, fmt: ParseFormat = ParseFormat.json,
              with_text: bool = False) -> int:
    """The command body (the CLI is a thin wrapper). Returns the exit code."""
    from gsnlp.cli.common import error_object
    from gsnlp.cli.inputs import read_inputs

    failed = internal = 0
    objs = []
    for inp in read_inputs(files):
        if inp.report is not None:
            objs.append(report_json(inp.report, with_text=with_text))
            continue
        failed += 1
        if inp.error is not None:
            print(f"gsnlp: error: {inp.error}", file=sys.stderr)
            objs.append(error_object(inp.path, inp.error))
        else:
            internal += 1
            print(f"gsnlp parse: {inp.path}: internal error (a bug in gsnlp):\n{inp.internal}", file=sys.stderr)
            obj = error_object(inp.path, RuntimeError((inp.internal or "").splitlines()[0]))
            obj["error"]["internal"] = True
            objs.append(obj)
    if output is not None and output.is_dir():
        print(f"gsnlp parse: error: -o {output} is a folder; give a file name", file=sys.stderr)
        return EXIT_USAGE
    with Output(output) as out:
        if fmt is ParseFormat.jsonl:
            for o in objs:
                out.write(dumps(o) + "\n")
        else:
            out.write(dumps(objs[0] if len(objs) == 1 else objs, indent=1) + "\n")
    if internal:
        return EXIT_INTERNAL
    if failed:
        return EXIT_BAD_INPUT
    return 0


# the options of ``register`` below, read without typer when a command line is plain (gsnlp.cli.fastargs)
FAST_OPTIONS = (
    Opt("output", ("-o", "--output")),
    Opt("fmt", ("--format", "-f"), choices=tuple(f.value for f in ParseFormat)),
    Opt("with_text", ("--with-text",), "flag"),
)


def fast_call(args: list[str]) -> Callable[[], int] | None:
    """``gsnlp parse ARGS`` without typer when ``args`` is a plain command line, else None."""
    got = plain(args, FAST_OPTIONS)
    if got is None:
        return None
    files, v, out = got
    return lambda: run_parse(files, out, ParseFormat(v.get("fmt", "json")), v.get("with_text", False))


def register(app: typer.Typer) -> None:
    import typer

    @app.command("parse")
    def parse_cmd(
        files: list[str] = typer.Argument(..., help="Report files (TXT, MD, HTML, DOCX, PDF), folders, or - for "
                                          "standard input."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Write here instead of stdout."),
        fmt: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", case_sensitive=False,
                                        help="json: one object (a list for "
                                        "several files); jsonl: one object per line."),
        with_text: bool = typer.Option(False, "--with-text", help="Include the source text (lossless JSON)."),
    ) -> None:
        """Parse reports: metadata, sections and the three template tables, every cell with its source span."""
        raise typer.Exit(run_parse(files, output, fmt, with_text))
