"""Helpers shared by the commands: reading many files, writing outputs, exit codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, TypeVar

from gsnlp.errors import GsnlpError

T = TypeVar("T")

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_FINDINGS = 0, 1, 2, 3


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files given, with directories expanded to the report files under them (sorted)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.is_file() and not q.name.startswith(".")))
        else:
            out.append(p)
    return out


def error_object(path: Path | str, exc: BaseException) -> dict[str, Any]:
    code = getattr(exc, "code", "E999")
    return {"schema": "gsnlp.error/1", "source": {"path": str(path)}, "error": {"code": code, "type": type(exc).__name__,
                                                                                 "message": str(exc)}}


def each(paths: list[Path], fn: Callable[[Path], T]) -> Iterator[tuple[Path, T | None, dict[str, Any] | None]]:
    """Apply fn to every path; a failure yields an error object and a message on stderr, never a crash."""
    for p in paths:
        try:
            yield p, fn(p), None
        except GsnlpError as e:
            print(f"gsnlp: error: {e}", file=sys.stderr)
            yield p, None, error_object(p, e)
        except (OSError, UnicodeError, ValueError, RecursionError, MemoryError) as e:  # unexpected but per-file
            print(f"gsnlp: error: {p}: {type(e).__name__}: {e}", file=sys.stderr)
            yield p, None, error_object(p, e)


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent)


class Output:
    """stdout or a file given with -o, always UTF-8."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._fh = None

    def __enter__(self):
        if self.path is None:
            return sys.stdout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "w", encoding="utf-8", newline="\n")
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
