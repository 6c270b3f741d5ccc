"""``gsnlp dataset build INPUT -o DIR``: Hugging Face datasets from a folder of reports."""

from __future__ import annotations

from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_USAGE


def register(app: typer.Typer) -> None:
    ds_app = typer.Typer(no_args_is_help=True, help="Build Hugging Face datasets from reports.")
    app.add_typer(ds_app, name="dataset")

    @ds_app.command("build")
    def build_cmd(
        input_dir: Path = typer.Argument(..., help="Folder of report files (a synthetic corpus's gold/ is used too)."),
        output: Path = typer.Option(..., "-o", "--output", help="Output folder, one sub-folder per dataset."),
        only: str | None = typer.Option(None, "--only", help="Comma-separated subset of "
                                           "cells,figures,clauses,findings."),
        model: str | None = typer.Option(None, "--model", help="Themes model for the batch stages."),
    ) -> None:
        """Datasets of table cells, narrative figures (character-span NER), section-五 clauses
        and findings: declared Features, deterministic keys, train/test by report, a dataset
        card each; saved with save_to_disk and as Parquet."""
        from gsnlp.datasets import BUILDERS, build_all
        from gsnlp.errors import GsnlpError

        names = tuple(x.strip() for x in only.split(",")) if only else BUILDERS
        bad = [n for n in names if n not in BUILDERS]
        if bad:
            typer.echo(f"gsnlp: error: unknown dataset {bad[0]!r}; known: {', '.join(BUILDERS)}", err=True)
            raise typer.Exit(EXIT_USAGE)
        if not input_dir.is_dir():
            typer.echo(f"gsnlp: error: {input_dir}: is not a folder of reports", err=True)
            raise typer.Exit(EXIT_BAD_INPUT)
        try:
            s = build_all(input_dir, output, names=names, theme_model=model)
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        for name, sizes in s["datasets"].items():
            typer.echo(f"gsnlp dataset: {name}: {sizes}", err=True)
        if s["failed_inputs"]:
            typer.echo(f"gsnlp dataset: {len(s['failed_inputs'])} inputs could not be read (see datasets.json)",
                       err=True)
