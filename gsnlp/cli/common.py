"""Helpers shared by the commands: reading many files, writing outputs, exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from gsnlp.errors import GsnlpError

T = TypeVar("T")

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE, EXIT_FINDINGS = 0, 1, 2, 3
EXIT_INTERNAL = 70  # a bug in gsnlp (anything that is not a GsnlpError), never a verdict on the input


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
    return {"schema": "gsnlp.error/1", "source": {"path": str(path)},
            "error": {"code": code, "type": type(exc).__name__, "message": str(exc)}}


def each(paths: list[Path], fn: Callable[[Path], T]) -> Iterator[tuple[Path, T | None, dict[str, Any] | None]]:
    """Apply fn to every path; a failure yields an error object and a message on stderr, never a crash."""
    for p in paths:
        try:
            yield p, fn(p), None
        except GsnlpError as e:
            print(f"gsnlp: error: {e}", file=sys.stderr)
            yield p, None, error_object(p, e)
        except Exception as e:  # noqa: BLE001 - a bug: per file, never hiding the other files' results
            import traceback

            print(f"gsnlp: internal error (a bug in gsnlp): {p}:\n{traceback.format_exc()}", file=sys.stderr)
            obj = error_object(p, e)
            obj["error"]["internal"] = True
            yield p, None, obj


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent)


class Output:
    """stdout or a FILE given with -o (never a folder), always UTF-8; ``bom``: with a byte-order
    mark first (``--excel``: Excel on Windows reads UTF-8 CSV only with it)."""

    def __init__(self, path: Path | None, *, bom: bool = False) -> None:
        self.path = path
        self.bom = bom
        self._fh: Any = None

    def __enter__(self) -> Any:
        if self.path is None:
            if self.bom:
                sys.stdout.write("\ufeff")
            return sys.stdout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "w", encoding="utf-8-sig" if self.bom else "utf-8", newline="")
        return self._fh

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            self._fh.close()
