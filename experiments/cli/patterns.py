"""The regular expressions one `gsnlp check` compiles, each timed alone (run by run.py in a fresh
interpreter without the start-up cache; prints one JSON object).

Every pattern compiled during the command is recorded with the gsnlp line that compiled it; then
each is compiled again `repeat` times (``re``'s own cache bypassed) and its fastest time kept: what
that pattern costs a run without the cache (a first run). Totals per file and the costliest
patterns.

    python experiments/cli/patterns.py REPEAT ARGS...   (the gsnlp command line, e.g. check one.txt)
"""

from __future__ import annotations

import contextlib
import io
import json
import re._compiler as rc
import sys
import time
import traceback
from typing import Any


def main(argv: list[str]) -> None:
    repeat = int(argv[0])
    seen: list[tuple[Any, int, str]] = []
    orig = rc.compile

    def recording(p: Any, flags: int = 0) -> Any:
        where = [f for f in traceback.extract_stack(limit=14) if "/gsnlp/" in f.filename.replace("\\", "/")]
        loc = f"gsnlp/{where[-1].filename.replace(chr(92), '/').split('/gsnlp/')[-1]}:{where[-1].lineno}" if where else "?"
        seen.append((p, flags, loc))
        return orig(p, flags)

    rc.compile = recording
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        from gsnlp.cli.main import main as gsnlp_main

        gsnlp_main(argv[1:])
    rc.compile = orig
    rows = []
    for p, flags, loc in seen:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            orig(p, flags)
            best = min(best, time.perf_counter() - t)
        rows.append({"ms": round(best * 1000, 3), "where": loc, "flags": int(flags),
                     "pattern": p if isinstance(p, str) else repr(p)})
    rows.sort(key=lambda r: -r["ms"])
    per_file: dict[str, list[float]] = {}
    for r in rows:
        f = r["where"].rsplit(":", 1)[0]
        per_file.setdefault(f, [0.0, 0])
        per_file[f][0] += r["ms"]
        per_file[f][1] += 1
    print(json.dumps({"total_ms": round(sum(r["ms"] for r in rows), 1), "n": len(rows),
                      "per_file": sorted(([f, round(v[0], 1), v[1]] for f, v in per_file.items()),
                                         key=lambda x: -x[1]),
                      "costliest": rows[:15]}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
