"""`gsnlp classify FILE...`: the clauses of section 五 with role, themes and scores."""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsnlp.cli.fastargs import Opt, plain

if TYPE_CHECKING:
    import typer


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"


def _table(res: Any, extra: dict[str, Any] | None, out: Any) -> None:
    spec = "—" if res.specificity is None else f"{res.specificity:.2f}"
    line = f"{res.doc}: {len(res.clauses)} clauses, specificity {spec}"
    if extra:
        line += f", similarity to {extra['doc']} {extra['similarity']:.2f}"
    out.write(line + "\n")
    if res.section is None:
        out.write("  (no section 五 found)\n")
    for c, p in zip(res.clauses, res.predictions):
        text = " ".join(c.text.split())
        text = text if len(text) <= 40 else text[:39] + "…"
        themes = ",".join(p.themes) or "-"
        out.write(f"  {c.start:>6}-{c.end:<6} {p.role:<8} {p.role_scores[p.role]:.2f}  {themes:<34} {text}\n")


def classify_files(files: list[Path], model: str | None, fmt: Format, out: Any) -> int:
    from gsnlp.cli.common import dumps, each, expand
    from gsnlp.themes.pipeline import classify_report, copied_from, load

    clf = load(model)
    paths = expand(files)
    results = []
    n_failed = 0

    def read(p: Path) -> Any:
        import gsnlp

        return gsnlp.read(p) if hasattr(gsnlp, "read") else p

    for p, rep, err in each(paths, read):
        if err is not None:
            n_failed += 1
            if fmt is Format.jsonl:
                out.write(dumps(err) + "\n")
            continue
        try:
            results.append(classify_report(rep, clf))
        except (ValueError, OSError) as e:
            from gsnlp.cli.common import error_object

            print(f"gsnlp: error: {p}: {e}", file=sys.stderr)
            n_failed += 1
            if fmt is Format.jsonl:
                out.write(dumps(error_object(p, e)) + "\n")
    similar = copied_from(results)
    for r in results:
        if r.section is None:
            print(f"gsnlp: {r.doc}: no section 五 (存在的主要问题及改进情况) found", file=sys.stderr)
        if fmt is Format.jsonl:
            for d in r.clause_dicts():
                if r.doc in similar:
                    d["report_copied_from"] = similar[r.doc]
                out.write(dumps(d) + "\n")
        else:
            _table(r, similar.get(r.doc), out)
    print(f"gsnlp classify: {len(paths)} files, {len(paths) - n_failed} classified, {n_failed} failed",
          file=sys.stderr)
    return 1 if n_failed else 0


def run_classify(files: list[Path], model: str | None = None, fmt: Format = Format.table,
                 output: Path | None = None) -> int:
    """The command body (the CLI is a thin wrapper). Returns the exit code."""
    from gsnlp.cli.common import Output
    from gsnlp.errors import GsnlpError

    try:
        with Output(output) as out:
            return classify_files(files, model, fmt, out)
    except GsnlpError as e:
        print(f"gsnlp: error: {e}", file=sys.stderr)
        return 1


# the options of ``register`` below, read without typer when a command line is plain (gsnlp.cli.fastargs)
FAST_OPTIONS = (
    Opt("model", ("--model", "-m")),
    Opt("fmt", ("--format", "-f"), choices=tuple(f.value for f in Format)),
    Opt("output", ("--output", "-o")),
)


def fast_call(args: list[str]) -> Callable[[], int] | None:
    """``gsnlp classify ARGS`` without typer when ``args`` is a plain command line, else None."""
    got = plain(args, FAST_OPTIONS)
    if got is None:
        return None
    files, v, out = got
    return lambda: run_classify([Path(f) for f in files], v.get("model"), Format(v.get("fmt", "table")), out)


def register(app: typer.Typer) -> None:
    import typer

    @app.command("classify")
    def classify(
        files: list[Path] = typer.Argument(..., help="Report files or folders."),
        model: str | None = typer.Option(None, "--model", "-m",
                                         help="Model name under models/ or a model folder (default "
                                         "themes-default)."),
        fmt: Format = typer.Option(Format.table, "--format", "-f", case_sensitive=False,
                                   help="table or jsonl (one clause per line)."),
        output: Path | None = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    ) -> None:
        """Label each clause of section 五 (problems and improvements) with a role and themes."""
        raise typer.Exit(run_classify(files, model, fmt, output))
