"""Entry point of the ``gsnlp`` console script."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Read Chinese government information-disclosure annual reports into checked data.")

# Command modules; a module that is absent (not yet built) or whose optional dependency is
# missing is skipped here and reported when its command is asked for.
COMMANDS = ("parse", "extract", "check", "classify", "train", "batch", "dataset", "synth")


def _register_all() -> None:
    for name in COMMANDS:
        try:
            mod = importlib.import_module(f"gsnlp.cli.{name}")
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith("gsnlp.cli."):
                continue
            raise
        mod.register(app)


@app.callback()
def _root(version: bool = typer.Option(False, "--version", help="Print the version and exit.")) -> None:
    if version:
        from gsnlp import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


_register_all()


def main() -> None:
    # UTF-8 always, whatever the terminal says
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError):
            pass
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
