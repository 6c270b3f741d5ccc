"""A typer-free reading of a plain command line, for the commands whose start-up matters (issue 18).

typer imports click, pydantic and rich and builds a pydantic adapter per parameter: about 0.1 s
before a command starts, more than a whole ``gsnlp check one.txt`` should take. A command that
declares its options here (``FAST_OPTIONS`` beside its typer ``register``) is run directly when its
command line is plain: known options with valid values, at least one argument. Anything else —
``--help``, an unknown option, a bad choice, ``--``, an option value that starts with ``-`` — returns
None and typer parses it as before, so usage errors, help texts and exit codes stay typer's.
tests/cli/test_startup.py keeps every ``FAST_OPTIONS`` equal to its typer command's options.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS = ("value", "flag", "off", "multi")


@dataclass(frozen=True, slots=True)
class Opt:
    """One option: ``dest`` is the typer parameter's name; ``kind`` value (last one wins), flag
    (True), off (False: the ``--no-x`` of a typer ``--x/--no-x`` pair; the last of the two wins), or
    multi (repeatable, a list); ``choices`` are matched case-insensitively (typer's
    ``case_sensitive=False``)."""

    dest: str
    flags: tuple[str, ...]
    kind: str = "value"
    choices: tuple[str, ...] | None = None


def parse(args: list[str], opts: tuple[Opt, ...]) -> tuple[list[str], dict[str, Any]] | None:
    """(arguments, option values) of a plain command line, or None when typer should read it."""
    by_flag = {f: o for o in opts for f in o.flags}
    values: dict[str, Any] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == "-" or not a.startswith("-"):
            positional.append(a)
            continue
        if a == "--":
            return None
        attached: str | None = None
        if a.startswith("--"):
            name, eq, rest = a.partition("=")
            attached = rest if eq else None
        elif len(a) > 2:  # -fjsonl
            name, attached = a[:2], a[2:]
        else:
            name = a
        o = by_flag.get(name)
        if o is None:
            return None
        if o.kind in ("flag", "off"):
            if attached is not None:
                return None
            values[o.dest] = o.kind == "flag"
            continue
        if attached is None:
            if i >= len(args):
                return None
            attached = args[i]
            i += 1
            if attached.startswith("-") and attached != "-":
                return None
        if not attached:
            return None
        if o.choices is not None:
            attached = attached.lower()
            if attached not in o.choices:
                return None
        if o.kind == "multi":
            values.setdefault(o.dest, []).append(attached)
        else:
            values[o.dest] = attached
    return positional, values


def plain(args: list[str], opts: tuple[Opt, ...]) -> tuple[list[str], dict[str, Any], Path | None] | None:
    """(inputs, option values, ``-o`` path) of a plain command line with at least one input, or None
    when typer should read it (the common start of every command's ``fast_call``)."""
    got = parse(args, opts)
    if got is None or not got[0]:
        return None
    files, values = got
    return files, values, Path(values["output"]) if "output" in values else None
