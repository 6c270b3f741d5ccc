"""``gsnlp parse``: one JSON object per report (schema gsnlp.report/1)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, Optional

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, Output, dumps, each, expand


class ParseFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


def report_json(report, *, with_text: bool = False) -> dict[str, Any]:
    """The CLI view of a report: the model's JSON, the full text only on request."""
    d = report.to_dict()
    if not with_text:
        d.pop("text")
    d["doc"] = report.doc_id
    return d


def register(app: typer.Typer) -> None:
    @app.command("parse")
    def parse_cmd(
        files: list[Path] = typer.Argument(..., help="Report files (TXT, MD, HTML, DOCX, PDF) or folders."),
        output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write here instead of stdout."),
        fmt: ParseFormat = typer.Option(ParseFormat.json, "--format", "-f", help="json: one object (a list for "
                                        "several files); jsonl: one object per line."),
        with_text: bool = typer.Option(False, "--with-text", help="Include the source text (lossless JSON)."),
    ) -> None:
        """Parse reports: metadata, sections and the three template tables, every cell with its source span."""
        from gsnlp.io import read

        paths = expand(files)
        failed = 0
        objs = []
        for _p, rep, err in each(paths, read):
            if err is not None:
                failed += 1
                objs.append(err)
            else:
                objs.append(report_json(rep, with_text=with_text))
        with Output(output) as out:
            if fmt is ParseFormat.jsonl:
                for o in objs:
                    out.write(dumps(o) + "\n")
            else:
                out.write(dumps(objs[0] if len(objs) == 1 else objs, indent=1) + "\n")
        if failed:
            raise typer.Exit(EXIT_BAD_INPUT)
