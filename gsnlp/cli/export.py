"""``gsnlp export INPUT... -o report.xlsx``: one row per report, for spreadsheets.

INPUT is report files, folders of them, parse JSON/JSONL, ``-`` or a ``gsnlp batch`` output
folder. ``.xlsx`` (default when -o ends so): one sheet per template table with one row per
report, every template cell a numeric column, the kind of every cell in a ``*_kinds`` sheet,
the findings and figures sheets. ``-f csv``: every cell of every report with its kind, one
row per cell (``--excel``: UTF-8 with a BOM for Excel on Windows).
"""

from __future__ import annotations

import io
import sys
from enum import Enum
from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_USAGE


class ExportFormat(str, Enum):
    xlsx = "xlsx"
    csv = "csv"


def run_export(inputs: list[str], output: Path | None, fmt: ExportFormat | None = None, *, excel: bool = False,
               findings: bool = True, figures: bool = True) -> int:
    from gsnlp.export import collect, write_cells_csv, write_xlsx

    if fmt is None:
        fmt = ExportFormat.csv if output is None or output.suffix.lower() == ".csv" else ExportFormat.xlsx
    if fmt is ExportFormat.xlsx and output is None:
        typer.echo("gsnlp export: error: an .xlsx workbook needs -o FILE.xlsx (it is not written to a terminal)",
                   err=True)
        return EXIT_USAGE
    if output is not None and output.is_dir():
        typer.echo(f"gsnlp export: error: -o {output} is a folder; give a file name (report.xlsx, cells.csv)",
                   err=True)
        return EXIT_USAGE
    data = collect(inputs, findings=findings and fmt is ExportFormat.xlsx, figures=figures and fmt is ExportFormat.xlsx)
    for p, why in data.failed:
        typer.echo(f"gsnlp export: {p}: {why}", err=True)
    if fmt is ExportFormat.xlsx:
        assert output is not None
        write_xlsx(data, output)
        n = len(data.reports)
    else:
        buf = io.StringIO()
        n = write_cells_csv(data, buf)
        if output is None:
            if excel:
                sys.stdout.write("\ufeff")
            sys.stdout.write(buf.getvalue())
            sys.stdout.flush()
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            with open(output, "w", encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
                fh.write(buf.getvalue())
    typer.echo(f"gsnlp export: {len(data.reports)} reports, {len(data.failed)} failed inputs; "
               f"{'wrote ' + str(output) if output else str(n) + ' rows to stdout'}", err=True)
    return EXIT_BAD_INPUT if data.failed else 0


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_cmd(
        inputs: list[str] = typer.Argument(..., help="report files, folders, parse JSON/JSONL, - (stdin), or a "
                                           "gsnlp batch output folder"),
        output: Path | None = typer.Option(None, "-o", "--output", help="FILE.xlsx (workbook) or FILE.csv; "
                                           "csv goes to stdout when left out"),
        fmt: ExportFormat | None = typer.Option(None, "--format", "-f", case_sensitive=False,
                                                help="xlsx | csv (default: from the -o suffix; csv on stdout)"),
        excel: bool = typer.Option(False, "--excel", help="csv: UTF-8 with a BOM, so that Excel reads Chinese"),
        no_findings: bool = typer.Option(False, "--no-findings", help="xlsx: skip the checks (faster)"),
        no_figures: bool = typer.Option(False, "--no-figures", help="xlsx: skip the narrative figures (faster)"),
    ) -> None:
        """Export reports as one row per report: an Excel workbook, or every cell with its kind as CSV."""
        raise typer.Exit(run_export(inputs, output, fmt, excel=excel, findings=not no_findings,
                                    figures=not no_figures))
