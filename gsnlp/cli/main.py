"""Entry point of the ``gsnlp`` console script.

Start-up is kept cheap: ``gsnlp --version`` answers before typer (and the pydantic/rich it
pulls) is imported, a command imports only its own module (a lazy command registry), and the
commands of ``FAST_COMMANDS`` run without typer at all when their command line is plain
(``gsnlp.cli.fastargs``; anything else, ``--help`` included, goes to typer).
``gsnlp.cli.main.app`` is the full typer app with every command, built on first access.

Exit codes (every command): 0 success, 1 bad input or configuration, 2 usage, 3 ``check``
findings at or above ``--fail-on``, 70 an internal error (a bug in gsnlp: anything that is
not a ``GsnlpError``); the traceback goes to stderr.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: ``gsnlp --version`` imports no more than it needs
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    import typer

HELP = "Read Chinese government information-disclosure annual reports into checked data."

# command -> one-line help shown by ``gsnlp --help`` (the module is imported only when the command runs)
COMMANDS: dict[str, str] = {
    "parse": "Parse reports: metadata, sections and the three template tables.",
    "extract": "Extract the figures a report states.",
    "check": "Check reports against the consistency rules.",
    "export": "Export reports as one row per report: Excel workbook or CSV tables.",
    "classify": "Classify section-五 clauses into themes.",
    "label": "Export section-五 clauses to Label Studio and import the labels.",
    "train": "Train models.",
    "batch": "Parse, extract, check and classify every report under a folder.",
    "dataset": "Build Hugging Face datasets from reports.",
    "synth": "Generate synthetic reports with gold annotations.",
}

# commands that run without typer when their command line is plain (``fast_call`` in their module)
FAST_COMMANDS = ("check", "parse", "classify", "batch")

EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug, never a verdict on the input


def build_app(only: str | None = None) -> typer.Typer:
    """The typer app with every command, or with ``only`` that command (cheaper to import)."""
    import typer

    app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)

    from gsnlp.cli._root import root

    app.callback(invoke_without_command=True)(root)
    for name in COMMANDS if only is None else (only,):
        importlib.import_module(f"gsnlp.cli.{name}").register(app)
    return app


_APP: Any = None


def __getattr__(name: str) -> Any:  # ``from gsnlp.cli.main import app``: the full app, built once
    global _APP
    if name == "app":
        if _APP is None:
            _APP = build_app()
        return _APP
    raise AttributeError(name)


def _command_of(argv: list[str]) -> str | None:
    for a in argv:
        if not a.startswith("-"):
            return a if a in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns (and exits with) the exit code."""
    for stream in (sys.stdout, sys.stderr):  # UTF-8 always, whatever the terminal says
        try:
            stream.reconfigure(encoding="utf-8")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):  # before typer: the cheapest answer
        from gsnlp import __version__

        sys.stdout.write(__version__ + "\n")
        sys.stdout.flush()
        if argv is None:
            sys.exit(0)
        return 0
    if argv is None:  # the console script: regular expressions compiled once, kept like .pyc (gsnlp.cli.recache)
        from gsnlp.cli import recache

        recache.install()
    command = _command_of(args)
    call = None
    if command in FAST_COMMANDS and args[0] == command:  # a plain command line: no typer (gsnlp.cli.fastargs)
        call = importlib.import_module(f"gsnlp.cli.{command}").fast_call(args[1:])
    code = guarded(call) if call is not None else run_app(build_app(command), args)
    if argv is None:
        recache.save()
        import gc

        # Leaving, Python collects garbage cycles over every object once more (~10 ms of `gsnlp check`,
        # issue 18): frozen objects are skipped. Nothing is lost: outputs are closed, atexit handlers
        # (temporary folders, logging, worker pools) still run, and memory goes back with the process.
        gc.freeze()
        sys.exit(code)
    return code


def run_app(app: typer.Typer, args: list[str]) -> int:
    """Invoke a typer app the way the console script does, mapping every outcome to an exit code."""
    import typer

    def invoke() -> int:
        rv = typer.main.get_command(app).main(args=args, prog_name="gsnlp", standalone_mode=True)
        return rv if isinstance(rv, int) else 0

    return guarded(invoke)


def guarded(call: Callable[[], int]) -> int:
    """Run a command body, mapping every outcome to an exit code (see the module's docstring)."""
    from gsnlp.errors import GsnlpError

    try:
        return call()
    except SystemExit as e:  # click's own handling of usage errors (2), --help (0) and typer.Exit
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except GsnlpError as e:
        sys.stderr.write(f"gsnlp: error: {e}\n")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # noqa: BLE001 - a bug: its own exit code, the traceback for the report
        import traceback

        traceback.print_exc()
        sys.stderr.write("gsnlp: internal error (a bug in gsnlp, not a problem with the input); "
                         f"exit {EXIT_INTERNAL}\n")
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    main()
