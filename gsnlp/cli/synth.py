"""``gsnlp synth N -o DIR``: synthetic reports with exact gold tables."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from gsnlp.cli.common import EXIT_USAGE


def _list(s: str | None) -> list[str]:
    return [x.strip() for x in (s or "").split(",") if x.strip()]


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth_cmd(
        n: int = typer.Argument(..., min=1, help="Number of reports."),
        output: Path = typer.Option(..., "-o", "--output", help="Output folder (reports/, gold/tables/, gold/synth/, "
                                    "synth.json)."),
        formats: str = typer.Option("txt", "--formats", help="Comma-separated formats, assigned in turn: "
                                    "txt,docx,html,pdf."),
        layouts: str | None = typer.Option(None, "--layouts", help="Text layouts for txt reports, in turn "
                                              "(default: tab_lines,tab_rows,pipe_cells,markdown,run_together)."),
        inject: str | None = typer.Option(None, "--inject", help="Inject one contradiction per report, the rules "
                                             "taken in turn (e.g. t3.identity,nt.zero_claims; 'all' for every "
                                             "injectable rule)."),
        seed: int = typer.Option(0, "--seed", help="Random seed; the same seed gives byte-identical reports."),
    ) -> None:
        """Write N synthetic reports with their exact gold (corpora/gold/tables/FORMAT.md).

        Values follow the corpus (agency levels, template identities), narratives use the
        corpus' sentence patterns, and each text report places its tables in one of the
        corpus' text layouts. With --inject, each report carries one contradiction that the
        named rule must find; gold/synth/<doc>.json says which.
        """
        from gsnlp.errors import GsnlpError
        from gsnlp.synth import INJECTABLE, LAYOUTS, write_corpus

        inj = list(INJECTABLE) if inject == "all" else _list(inject)
        lay = _list(layouts) or list(LAYOUTS)
        tty = sys.stderr.isatty()

        def progress(i: int) -> None:
            if tty and (i + 1) % 50 == 0:
                sys.stderr.write(f"\r{i + 1}/{n}")
                sys.stderr.flush()

        try:
            bad = [x for x in lay if x not in LAYOUTS]
            if bad:
                typer.echo(f"gsnlp: error: unknown layout {bad[0]!r}; known: {', '.join(LAYOUTS)}", err=True)
                raise typer.Exit(EXIT_USAGE)
            s = write_corpus(output, n, seed=seed, formats=_list(formats) or ["txt"], inject=inj, layouts=lay,
                             progress=progress)
        except GsnlpError as e:
            typer.echo(f"gsnlp: error: {e}", err=True)
            raise typer.Exit(EXIT_USAGE) from None
        if tty:
            sys.stderr.write("\n")
        typer.echo(f"gsnlp synth: {n} reports in {output} (formats {s['counts']['format']}, "
                   f"injected {s['counts']['injected']})", err=True)
