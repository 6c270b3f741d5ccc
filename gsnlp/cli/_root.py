"""The root callback of the typer app (kept apart so that ``gsnlp --version`` needs no typer)."""

from __future__ import annotations

import typer


def root(ctx: typer.Context,
         version: bool = typer.Option(False, "--version", "-V", help="Print the version and exit.")) -> None:
    if version:
        from gsnlp import __version__

        typer.echo(__version__)
        raise typer.Exit(0)
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(2)
