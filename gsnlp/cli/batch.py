"""``gsnlp batch INPUT_DIR -o OUT_DIR``: every report under a folder into Parquet + DuckDB."""

from __future__ import annotations

from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_USAGE


def register(app: typer.Typer) -> None:
    @app.command("batch")
    def batch_cmd(
        input_dir: Path = typer.Argument(..., help="Folder of report files (any format; searched recursively)."),
        output: Path = typer.Option(..., "-o", "--output", help="Output folder: manifest.json (summary), "
                                    "manifest.jsonl (one entry per input), <table>.parquet, gsnlp.duckdb, "
                                    "run_stats.json."),
        workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (with --engine ray and "
                                    "no --address: the CPUs of the local Ray cluster)."),
        engine: str = typer.Option("local", "--engine", help="local (a process pool) or ray."),
        address: str | None = typer.Option(None, "--address", help="Ray cluster address (--engine ray; default: "
                                           "start a local cluster)."),
        task_timeout: float = typer.Option(60.0, "--task-timeout", min=0, help="CPU seconds one input may take; "
                                           "past it the input fails (input_too_complex) and its worker is replaced. 0: no limit."),
        task_memory_mb: int = typer.Option(2048, "--task-memory-mb", min=0, help="Memory one input may add to "
                                           "its worker, MB; past it the input fails (input_too_complex). 0: no limit."),
        max_tasks_per_child: int = typer.Option(0, "--max-tasks-per-child", min=0, help="Replace a local worker "
                                                "after this many chunks of inputs (0: never)."),
        resume: bool = typer.Option(False, "--resume", help="Skip inputs whose content was already processed "
                                    "into this output folder (failed inputs are retried)."),
        stages: str | None = typer.Option(None, "--stages", help="Comma-separated subset of "
                                             "parse,figures,check,themes (default: every stage available)."),
        model: str | None = typer.Option(None, "--model", help="Themes model name or folder (default: "
                                            "models/themes-default, else the keyword baseline)."),
        no_db: bool = typer.Option(False, "--no-db", help="Write the Parquet files only."),
        html: bool = typer.Option(False, "--html", help="Also write OUT/html: the overview across reports "
                                  "(index.html, as `gsnlp check DIR --format html`), one page per report and agency."),
        strict: bool = typer.Option(True, "--strict/--no-strict", help="Exit 1 when any input failed (default); "
                                    "--no-strict: exit 0 all the same (the manifest lists the failures)."),
    ) -> None:
        """Parse, extract figures, check and classify every report under INPUT_DIR.

        Every input is accounted for in OUT/manifest.jsonl (n_in = n_ok + n_failed in
        OUT/manifest.json, with the reason of each failure). The same inputs give byte-identical
        Parquet files and manifest, whatever the engine, the number of workers and however often
        the run was resumed.
        """
        from gsnlp.batch import run_batch
        from gsnlp.errors import GsnlpError
        from gsnlp.tabular import STAGE_NAMES

        names = None
        if engine not in ("local", "ray"):
            typer.echo(f"gsnlp: error: unknown engine {engine!r}; known: local, ray", err=True)
            raise typer.Exit(EXIT_USAGE)
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
                          database=not no_db, html=html, engine=engine, address=address,
                          task_timeout=task_timeout or None, task_memory_mb=task_memory_mb or None,
                          max_tasks_per_child=max_tasks_per_child)
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        ran = ",".join(k for k, v in s.manifest["stages"].items() if v["ran"])
        typer.echo(f"gsnlp batch: {s.n_in} inputs, {s.n_ok} ok, {s.n_failed} failed "
                   f"({s.n_processed} processed, {s.n_skipped} already done); stages {ran}; "
                   f"{s.stats['reports_per_s']} inputs/s; {s.out}", err=True)
        for f in s.manifest["cross_year"]["failed_tasks"]:
            typer.echo(f"  cross-year rules failed for {f['n']} reports: {f['reason']}", err=True)
        for key, n in s.manifest["failures"].items():
            typer.echo(f"  failed {n}: {key}", err=True)
        if strict and s.n_failed:
            raise typer.Exit(EXIT_BAD_INPUT)
