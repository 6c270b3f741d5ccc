"""``gsnlp batch INPUT_DIR -o OUT_DIR``: every report under a folder into Parquet + DuckDB."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from gsnlp.cli.common import EXIT_BAD_INPUT, EXIT_USAGE
from gsnlp.cli.fastargs import Opt, plain

if TYPE_CHECKING:
    import typer


def run_batch_cli(input_dir: Path, output: Path, workers: int = 1, engine: str = "local", address: str | None = None,
                  task_timeout: float = 60.0, task_memory_mb: int = 2048, max_tasks_per_child: int = 0,
                  resume: bool = False, stages: str | None = None, model: str | None = None, no_db: bool = False,
                  html: bool = False, strict: bool = True) -> int:
    """The command body (the CLI is a thin wrapper): the run, its summary on stderr; the exit code."""
    from gsnlp.batch import run_batch
    from gsnlp.errors import GsnlpError
    from gsnlp.tabular import STAGE_NAMES

    def say(line: str) -> None:
        print(line, file=sys.stderr)

    names = None
    if engine not in ("local", "ray"):
        say(f"gsnlp: error: unknown engine {engine!r}; known: local, ray")
        return EXIT_USAGE
    if stages:
        names = tuple(s.strip() for s in stages.split(",") if s.strip())
        bad = [s for s in names if s not in STAGE_NAMES]
        if bad:
            say(f"gsnlp: error: unknown stage {bad[0]!r}; known: {', '.join(STAGE_NAMES)}")
            return EXIT_USAGE
        if "parse" not in names:
            names = ("parse",) + names
    try:
        s = run_batch(input_dir, output, workers=workers, resume=resume, stages=names, theme_model=model,
                      database=not no_db, html=html, engine=engine, address=address,
                      task_timeout=task_timeout or None, task_memory_mb=task_memory_mb or None,
                      max_tasks_per_child=max_tasks_per_child)
    except GsnlpError as e:
        say(f"gsnlp: error: {e}")
        return EXIT_BAD_INPUT
    ran = ",".join(k for k, v in s.manifest["stages"].items() if v["ran"])
    say(f"gsnlp batch: {s.n_in} inputs, {s.n_ok} ok, {s.n_failed} failed ({s.n_processed} processed, "
        f"{s.n_skipped} already done); stages {ran}; {s.stats['reports_per_s']} inputs/s; {s.out}")
    for f in s.manifest["cross_year"]["failed_tasks"]:
        say(f"  cross-year rules failed for {f['n']} reports: {f['reason']}")
    for key, n in s.manifest["failures"].items():
        say(f"  failed {n}: {key}")
    return EXIT_BAD_INPUT if strict and s.n_failed else 0


# the options of ``register`` below, read without typer when a command line is plain (gsnlp.cli.fastargs)
FAST_OPTIONS = (
    Opt("output", ("-o", "--output")),
    Opt("workers", ("--workers", "-w")),
    Opt("engine", ("--engine",)),
    Opt("address", ("--address",)),
    Opt("task_timeout", ("--task-timeout",)),
    Opt("task_memory_mb", ("--task-memory-mb",)),
    Opt("max_tasks_per_child", ("--max-tasks-per-child",)),
    Opt("resume", ("--resume",), "flag"),
    Opt("stages", ("--stages",)),
    Opt("model", ("--model",)),
    Opt("no_db", ("--no-db",), "flag"),
    Opt("html", ("--html",), "flag"),
    Opt("strict", ("--strict",), "flag"),
    Opt("strict", ("--no-strict",), "off"),
)
# numeric options and their least value (as ``register`` declares them)
_NUMBERS: dict[str, tuple[type, float]] = {"workers": (int, 1), "task_timeout": (float, 0), "task_memory_mb": (int, 0),
                                           "max_tasks_per_child": (int, 0)}


def fast_call(args: list[str]) -> Callable[[], int] | None:
    """``gsnlp batch ARGS`` without typer when ``args`` is a plain command line (one folder, ``-o``,
    numbers that typer would accept), else None."""
    got = plain(args, FAST_OPTIONS)
    if got is None or len(got[0]) != 1 or got[2] is None:
        return None
    (folder,), v, out = got
    for k, (kind, least) in _NUMBERS.items():
        if k in v:
            try:
                v[k] = kind(v[k])
            except ValueError:
                return None
            if not v[k] >= least:  # nan too
                return None
    v.pop("output")
    return lambda: run_batch_cli(Path(folder), out, **v)


def register(app: typer.Typer) -> None:
    import typer

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
        code = run_batch_cli(input_dir, output, workers, engine, address, task_timeout, task_memory_mb,
                             max_tasks_per_child, resume, stages, model, no_db, html, strict)
        if code:
            raise typer.Exit(code)
