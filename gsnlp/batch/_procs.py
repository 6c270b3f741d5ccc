"""The batch's final step in processes of their own, fresh (no stages loaded), so that each
kind of process has its own bounded memory and the parent stays small:

    python -m gsnlp.batch._procs tables WORK OUT BUCKET_REPORTS FLUSH_BYTES FLUSH_PARTS
                                                     # write Parquet tables (store.write_table)
    python -m gsnlp.batch._procs db OUT ENTRIES       # the DuckDB database (store.write_duckdb)

Both read table names from stdin, one per line. ``tables`` writes each named table and answers
``{"table": t, "rows": n, ...}`` on stdout as soon as its file is complete; ``db`` loads each table as
it is announced. At the end of stdin each prints one JSON line with its peak RSS and CPU time and
exits 0; on an error the message goes to stderr and the exit status is 1."""

from __future__ import annotations

import json
import resource
import sys
from collections.abc import Iterator
from pathlib import Path


def _names() -> Iterator[str]:
    for line in sys.stdin:
        name = line.strip()
        if name:
            yield name


def _say(obj: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    from gsnlp.batch.runner import _peak_rss_kb
    from gsnlp.batch import store
    from gsnlp.batch.store import write_duckdb, write_table

    try:
        if argv[0] == "tables":
            work, out = Path(argv[1]), Path(argv[2])
            # the parent's settings (the same code, but a test or a caller may have changed them)
            store.BUCKET_REPORTS, store.FLUSH_BYTES, store.FLUSH_PARTS = (int(x) for x in argv[3:6])
            n = -1
            for t in _names():
                if n < 0:  # written by the parent before it names the first table
                    import numpy as np

                    n = len(np.load(work / "include.npy", mmap_mode="r"))
                paths = work / "report_paths.jsonl" if t == "reports" else None
                _say({"table": t, **write_table(work, out, t, work / "include.npy", n, paths)})
        elif argv[0] == "db":
            write_duckdb(Path(argv[1]), Path(argv[2]), _names())
        else:
            raise ValueError(f"unknown job {argv[0]!r}; expected 'tables' or 'db'")
    except Exception as e:  # noqa: BLE001 - reported to the parent, which raises it
        sys.stderr.write(f"{type(e).__name__}: {e}\n")
        return 1
    ru = resource.getrusage(resource.RUSAGE_SELF)
    _say({"rss_kb": _peak_rss_kb(), "cpu_s": ru.ru_utime + ru.ru_stime})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
