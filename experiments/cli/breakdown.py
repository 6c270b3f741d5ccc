"""Where the time of one `gsnlp check` goes, measured inside the process (run by run.py in a fresh
interpreter each time; prints one JSON object).

Every call of a few functions is timed, and its time less the time of the timed calls inside it is
charged to its kind: ``import`` (a module's own code, as `import` statements and
importlib.import_module run it), ``regex`` (re compiling a pattern), ``dataclass`` (creating a
dataclass), ``json`` (json.loads: the lexicon, the jieba index, the metric model); ``other`` is the
rest (reading, parsing, checking, writing). The interpreter's own start-up is not in here: that is
`python -c pass` in run.py.

    python experiments/cli/breakdown.py ARGS...   (the gsnlp command line, e.g. check one.txt)
"""

from __future__ import annotations

import builtins
import contextlib
import dataclasses
import importlib
import io
import json
import re._compiler as rc
import sys
import time
from collections.abc import Callable
from typing import Any

KINDS = ("import", "regex", "dataclass", "json")
spent = {k: 0.0 for k in KINDS}
count = {k: 0 for k in KINDS}
inner: list[float] = [0.0]  # time of timed calls inside the current one


def timed(kind: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*a: Any, **k: Any) -> Any:
        inner.append(0.0)
        t = time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            dt = time.perf_counter() - t
            nested = inner.pop()
            spent[kind] += dt - nested
            count[kind] += 1
            inner[-1] += dt

    return wrapper


def main(argv: list[str]) -> None:
    from gsnlp.cli import recache

    recache.install()  # as the console script does (main() with no arguments): "regex" is then the time to
    # get every pattern, from the cache or compiled (recache.py), "dataclass" with the methods' code cached
    builtins.__import__ = timed("import", builtins.__import__)
    importlib.import_module = timed("import", importlib.import_module)
    rc.compile = timed("regex", rc.compile)
    dataclasses._process_class = timed("dataclass", dataclasses._process_class)  # type: ignore[attr-defined]
    json.loads = timed("json", json.loads)
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from gsnlp.cli.main import main as gsnlp_main

        gsnlp_main(argv)
    total = time.perf_counter() - t
    recache.save()
    out: dict[str, Any] = {"total_ms": round(total * 1000, 1)}
    for k in KINDS:
        out[f"{k}_ms"] = round(spent[k] * 1000, 1)
        out[f"{k}_n"] = count[k]
    out["other_ms"] = round((total - sum(spent.values())) * 1000, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
