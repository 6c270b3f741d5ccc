"""``gsnlp batch INPUT_DIR -o OUT_DIR``: every report under a folder into Parquet + DuckDB."""

from __future__ import annotations

from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_USAGE


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_cmd(
        input_dir: Path = typer.Argument(..., help="Folder of report files (any format; searched recursively)."),
        output: Path = typer.Option(..., "-o", "--output", help="Output folder: manifest.json, <table>.parquet, "
                                    "gsnlp.duckdb, run_stats.json."),
        workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes."),
        resume: bool = typer.Option(False, "--resume", help="Skip inputs whose content was already processed "
                                    "into this output folder (failed inputs are retried)."),
        stages: str | None = typer.Option(None, "--stages", help="Comma-separated subset of "
                                             "parse,figures,check,themes (default: every stage available)."),
        model: str | None = typer.Option(None, "--model", help="Themes model name or folder (default: "
                                            "models/themes-default, else the keyword baseline)."),
        no_db: bool = typer.Option(False, "--no-db", help="Write the Parquet files only."),
        strict: bool = typer.Option(False, "--strict", help="Exit 1 when any input failed."),
    ) -> None:
        """Parse, extract figures, check and classify every report under INPUT_DIR.

        Every input is accounted for in OUT/manifest.json (n_in = n_ok + n_failed, with the
        reason of each failure). The same inputs give byte-identical Parquet files and
        manifest, whatever the number of workers and however often the run was resumed.
        """
        from gsnlp.batch import STAGE_NAMES, run_batch
        from gsnlp.errors import GsnlpError

        names = None
        if stages:
            names = tuple(s.strip() for s in stages.split(",") if s.strip())
            bad = [s for s in names if s not in STAGE_NAMES]
            if bad:
                typer.echo(f"gsnlp: error: unknown stage {bad[0]!r}; known: {', '.join(STAGE_NAMES)}", err=True)
                raise typer.Exit(EXIT_USAGE)
            if "parse" not in names:
                names = ("parse",) + names
        try:
            s = run_batch(input_dir, output, workers=workers, resume=resume, stages=names, theme_model=model,
                          database=not no_db)
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        ran = ",".join(k for k, v in s.manifest["stages"].items() if v["ran"])
        typer.echo(f"gsnlp batch: {s.n_in} inputs, {s.n_ok} ok, {s.n_failed} failed "
                   f"({s.n_processed} processed, {s.n_skipped} already done); stages {ran}; "
                   f"{s.stats['reports_per_s']} inputs/s; {s.out}", err=True)
        for key, n in s.manifest["failures"].items():
            typer.echo(f"  failed {n}: {key}", err=True)
        if strict and s.n_failed:
            raise typer.Exit(EXIT_BAD_INPUT)
