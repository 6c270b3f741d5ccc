"""``run_batch``: every input under a folder through ``process_bytes`` in N worker processes.

Accounting: every file under the input folder is an input and gets one manifest entry, ``ok``
or ``failed`` with its reason, so ``n_in = n_ok + n_failed`` always. Identical contents are
processed once (the entry of each copy names the first path). Resume: a content hash whose
result is already in the spool is not processed again (failures are retried).
Determinism: data files hold no timestamps, ids derive from content, rows are sorted; run
statistics (times, worker count, memory) go to ``run_stats.json``, which is not data.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import resource
import shutil
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import SCHEMA_VERSION, TABLES
from gsnlp.batch.stages import STAGE_NAMES, load_stages
from gsnlp.batch.store import Spool, read_index
from gsnlp.batch.work import report_id

MANIFEST_SCHEMA = "gsnlp.batch.manifest/1"


@dataclass
class BatchSummary:
    n_in: int
    n_ok: int
    n_failed: int
    n_processed: int
    n_skipped: int
    out: Path
    manifest: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)


def list_inputs(root: Path, exclude: Path | None = None) -> list[str]:
    """Every regular file under ``root`` (hidden names skipped), as sorted POSIX relative paths."""
    ex = exclude.resolve() if exclude is not None else None
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if ex is not None and (d.resolve() == ex or ex in d.resolve().parents):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(x for x in dirnames if not x.startswith("."))
        for f in filenames:
            if f.startswith("."):
                continue
            p = d / f
            if p.is_file():
                out.append(p.relative_to(root).as_posix())
    return sorted(out)


# ---------------------------------------------------------------------------------------
# worker side

_W: dict[str, Any] = {}


def _init_worker(root: str, work: str, done: frozenset[str], stage_names: tuple[str, ...] | None,
                 model: str | None) -> None:
    _W["root"] = root
    _W["work"] = Path(work)
    _W["done"] = done
    _W["stages"] = load_stages(stage_names, model)


def _one(rel: str, cpu: dict[str, float]) -> tuple[dict[str, Any], Any]:
    from gsnlp.batch.work import process_bytes

    t0 = time.process_time()
    p = Path(_W["root"]) / rel
    try:
        data = p.read_bytes()
    except OSError as e:
        return {"path": rel, "sha256": None, "status": "failed", "timings": {},
                "reason": {"stage": "read", "code": "E100", "type": type(e).__name__, "message": str(e)[:500]}}, None
    sha = hashlib.sha256(data).hexdigest()
    cpu["read_hash"] = cpu.get("read_hash", 0.0) + time.process_time() - t0
    if sha in _W["done"]:
        return {"path": rel, "sha256": sha, "status": "skipped", "timings": {}}, None
    r = process_bytes(data, rel, _W["stages"], sha256=sha)
    rec: dict[str, Any] = {"path": rel, "sha256": sha, "status": r.status, "reason": r.reason, "format": r.format,
                           "stages": list(r.stages), "timings": r.timings}
    return rec, r


def _chunk(task: tuple[int, list[str]]) -> dict[str, Any]:
    """Process one chunk of inputs and write their rows as spool files ``k`` (in this process).

    What goes back to the parent is only the small per-input records (path, hash, status,
    reason, timings, and where in the spool files its rows are): no rows, no Arrow data."""
    from gsnlp.batch.store import write_spool
    from gsnlp.batch.work import rows_to_batches

    c0 = time.process_time()
    k, rels = task
    cpu: dict[str, float] = {}
    records = []
    with_rows: list[dict[str, list[dict[str, Any]]]] = []
    n = dict.fromkeys(TABLES, 0)
    for rel in rels:
        rec, r = _one(rel, cpu)
        if r is not None and r.rows["reports"]:
            where = {}
            for t in TABLES:
                m = len(r.rows[t])
                if m:
                    where[t] = [n[t], m]
                    n[t] += m
            rec["spool"], rec["rows"] = k, where
            with_rows.append(r.rows)
        records.append(rec)
    t0 = time.process_time()
    if with_rows:
        spool_dir = _W["work"] / "spool"
        spool_dir.mkdir(parents=True, exist_ok=True)
        write_spool(spool_dir, k, rows_to_batches(with_rows))
    cpu["arrow_spool"] = time.process_time() - t0
    cpu["chunks_total"] = time.process_time() - c0
    # the worker's own peak memory (forkserver workers are not our children)
    return {"records": records, "cpu": cpu, "me": _me(),
            "stages": _W["stages"].describe()}


# ---------------------------------------------------------------------------------------
# progress on a terminal only


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.n = self.failed = 0
        self.t0 = time.perf_counter()
        self._last = 0.0

    def update(self, k: int, failed: int) -> None:
        self.n += k
        self.failed += failed
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.n == self.total):
            self._last = now
            rate = self.n / max(now - self.t0, 1e-9)
            width = 30
            done = int(width * self.n / max(self.total, 1))
            sys.stderr.write(f"\r[{'#' * done}{'.' * (width - done)}] {self.n}/{self.total} "
                             f"{rate:6.1f}/s failed {self.failed}  ")
            sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _pool(workers: int, initargs: tuple[Any, ...]) -> ProcessPoolExecutor:
    import multiprocessing as mp

    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        # the fork server imports the stages once (gsnlp.batch._preload reads which from the
        # environment), so that each worker starts with them loaded instead of loading its own
        os.environ["GSNLP_BATCH_PRELOAD"] = json.dumps([initargs[3], initargs[4]])
        ctx.set_forkserver_preload(["gsnlp.batch.runner", "gsnlp.batch.work", "gsnlp.batch.store", "gsnlp.io",
                                    "gsnlp.batch._preload"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=initargs)


_LOST = {"status": "failed", "reason": {"stage": "read", "code": "E999", "type": "Lost",
                                        "message": "no result came back for this input"}}
_CRASHED = {"stage": "worker", "code": "E999", "type": "WorkerCrashed",
            "message": "the worker process died on this input (out of memory or a crash in a native library); "
                       "nothing was recorded for it"}


class _Pools:
    """The worker pool of a run (replaced when a worker dies), kept for the final writing."""

    def __init__(self, workers: int, initargs: tuple[Any, ...]) -> None:
        self.workers, self.initargs = workers, initargs
        self.ex: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self.ex is None:
            self.ex = _pool(self.workers, self.initargs)
        return self.ex

    def drop(self) -> None:
        if self.ex is not None:
            self.ex.shutdown(wait=False, cancel_futures=True)
            self.ex = None

    def close(self) -> None:
        if self.ex is not None:
            self.ex.shutdown(wait=True, cancel_futures=True)
            self.ex = None


def _results(tasks: list[tuple[int, list[str]]], pools: _Pools | None, initargs: tuple[Any, ...],
             next_id: Callable[[], int]) -> Any:
    """Yield the result of each chunk (``_chunk``), in any order. A worker that dies takes down
    only the chunks it held: their inputs are retried one by one, and one that kills a worker
    again fails."""
    if pools is None:
        _init_worker(*initargs)
        for task in tasks:
            yield _chunk(task)
        return
    suspects: list[str] = []
    pending: dict[Future[Any], list[str]] = {}
    it = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < 3 * pools.workers:
            task = next(it, None)
            if task is None:
                exhausted = True
                break
            pending[pools.get().submit(_chunk, task)] = task[1]
        if not pending:
            break
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for f in done:
            c = pending.pop(f)
            try:
                res = f.result()
            except BrokenProcessPool:
                suspects.extend(c)
                for cc in pending.values():
                    suspects.extend(cc)
                pending.clear()
                pools.drop()
                break
            yield res
    for rel in sorted(suspects):  # one at a time, in a fresh single-worker pool each time it breaks
        solo = _pool(1, initargs)
        try:
            yield solo.submit(_chunk, (next_id(), [rel])).result()
        except BrokenProcessPool:
            yield {"records": [{"path": rel, "sha256": None, "status": "failed", "timings": {},
                                "reason": dict(_CRASHED)}], "cpu": {}}
        finally:
            solo.shutdown(wait=True)


def _peak_rss_kb() -> int:
    """This process's peak resident memory, KiB. On Linux the high-water mark of its own address
    space (``VmHWM``): ``ru_maxrss`` survives ``exec`` and so also counts the memory of
    whatever process forked this one (a big benchmark driver, a notebook)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_mb(worker_kb: int) -> dict[str, float]:
    self_kb = _peak_rss_kb()
    return {"parent_peak_rss_mb": round(self_kb / 1024, 1), "worker_peak_rss_mb": round(worker_kb / 1024, 1)}


def _warm_imports() -> None:
    try:
        import duckdb  # noqa: F401
        import numpy  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:  # reported where it is needed
        pass


def _me() -> dict[str, Any]:
    """This process: its id, CPU seconds so far and peak RSS (forkserver workers are not the
    parent's children, so the parent learns their costs from them)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"pid": os.getpid(), "cpu_s": ru.ru_utime + ru.ru_stime, "rss_kb": _peak_rss_kb()}


def _write_table_task(args: tuple[Any, ...]) -> tuple[str, int, dict[str, Any]]:
    from gsnlp.batch.store import write_table

    r = write_table(*args)
    return args[2], r, _me()


def _finalize(work: Path, out: Path, include: dict[str, dict[str, Any]], first_path: dict[str, str],
              entries: list[dict[str, Any]], pools: _Pools | None, database: bool,
              procs: dict[int, float]) -> tuple[dict[str, int], int]:
    """The Parquet files (and the database): with a pool, the tables are written by the workers,
    the largest first, while this process loads each finished table into DuckDB."""
    from gsnlp.batch.store import LOAD_ORDER, table_blocks, write_duckdb, write_table

    blocks = table_blocks(include)
    order = sorted(include)
    by_rid = {report_id(s): p for s, p in first_path.items()}
    args = {t: (work, out, t, blocks[t], len(order), [by_rid[r] for r in order] if t == "reports" else None)
            for t in TABLES}
    counts: dict[str, int] = {}
    rss = 0
    futs: dict[str, Future[Any]] = {}
    if pools is not None:
        try:
            ex = pools.get()
            # the largest (loaded last) first, then the others in the order they are loaded
            for t in (LOAD_ORDER[-1], *LOAD_ORDER[:-1]):
                futs[t] = ex.submit(_write_table_task, args[t])
        except (BrokenProcessPool, RuntimeError):
            futs = {}

    def ready(t: str) -> None:
        nonlocal rss
        if t in counts:
            return
        f = futs.get(t)
        if f is not None:
            try:
                _, counts[t], me = f.result()
                rss = max(rss, me["rss_kb"])
                procs[me["pid"]] = max(procs.get(me["pid"], 0.0), me["cpu_s"])
                return
            except BrokenProcessPool:
                pass
        counts[t] = write_table(*args[t])  # no pool, or it broke: here

    if database:
        write_duckdb(out, entries, ready)
    for t in LOAD_ORDER:
        ready(t)
    return {t: counts[t] for t in TABLES}, rss


def run_batch(input_dir: str | Path, out_dir: str | Path, *, workers: int = 1, resume: bool = False,
              stages: tuple[str, ...] | None = None, theme_model: str | None = None, progress: bool | None = None,
              chunk: int = 32, flush_every: int = 256, database: bool = True,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Process every file under ``input_dir``; write the manifest, Parquet tables and DuckDB to ``out_dir``.

    Without ``resume`` an existing ``out_dir/.work`` is cleared first. ``stages`` limits the
    stages (default: every stage whose module is usable). ``progress`` defaults to "stderr is
    a terminal". ``chunk`` inputs make one task (and one spool file); ``flush_every`` index
    lines are appended at a time. Neither changes the outputs.
    """
    from gsnlp import __version__
    from gsnlp.errors import InputError, UnknownNameError

    root = Path(input_dir)
    out = Path(out_dir)
    if not root.is_dir():
        raise InputError("is not a folder; expected a folder of report files", origin=str(root))
    unknown = set(stages or ()) - set(STAGE_NAMES)
    if unknown:
        raise UnknownNameError("stage", min(unknown), STAGE_NAMES)
    t_start = time.perf_counter()
    c_start = time.process_time()
    load_start = os.getloadavg()[0]
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    if not resume and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    st = None
    if workers <= 1 or theme_model not in (None, "keyword"):
        # in this process first: a model that cannot be loaded is an error before any work
        st = load_stages(stages, theme_model)
    rels = list_inputs(root, exclude=out)
    index = read_index(work)
    done = frozenset(s for s, r in index.items() if r["status"] != "failed" and r.get("spool") is not None)
    initargs = (str(root.resolve()), str(work), done, stages, theme_model)
    spool = Spool(work, flush_every)
    # chunks small enough that every worker gets several (the last ones finish together)
    size = max(1, min(chunk, math.ceil(len(rels) / (4 * max(workers, 1)))))
    first_k = spool.reserve(math.ceil(len(rels) / size))
    tasks = [(first_k + i, rels[j:j + size]) for i, j in enumerate(range(0, len(rels), size))]
    pools = _Pools(workers, initargs) if workers > 1 else None
    per_path: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    timings: dict[str, float] = {s: 0.0 for s in STAGE_NAMES}
    wcpu: dict[str, float] = {}
    n_processed = n_skipped = worker_rss_kb = 0
    procs: dict[int, float] = {}  # worker pid -> its CPU seconds (the latest it reported)
    bar = _Progress(len(rels), sys.stderr.isatty() if progress is None else progress)
    try:
        if pools is not None and database:
            # while the pool starts (this thread waits on the fork server) and the workers run, the
            # parent is idle: import what the final step needs now rather than on the critical path
            threading.Thread(target=_warm_imports, daemon=True).start()
        described: dict[str, Any] | None = None  # which stages ran, as the workers say
        for res in _results(tasks, pools, initargs, lambda: spool.reserve(1)):
            described = described or res.get("stages")
            me = res.get("me")
            if me:
                worker_rss_kb = max(worker_rss_kb, me["rss_kb"])
            if me and pools is not None:
                procs[me["pid"]] = max(procs.get(me["pid"], 0.0), me["cpu_s"])
            for k2, v in res.get("cpu", {}).items():
                wcpu[k2] = wcpu.get(k2, 0.0) + v
            failed = 0
            for rec in res["records"]:
                for k2, v in rec.pop("timings", {}).items():
                    timings[k2] = timings.get(k2, 0.0) + v
                sha = rec.get("sha256")
                if rec["status"] == "skipped":
                    n_skipped += 1
                    per_path[rec["path"]] = sha
                else:
                    failed += rec["status"] == "failed"
                    per_path[rec["path"]] = sha if sha is not None else {
                        k: rec.get(k) for k in ("status", "reason", "format", "stages")}
                    if sha is not None and sha not in seen:
                        n_processed += 1
                        line = {k: rec[k] for k in ("sha256", "status", "reason", "format", "stages", "spool", "rows")
                                if k in rec}
                        spool.add(line)
                if sha is not None:
                    seen.add(sha)
                if on_result is not None:
                    on_result(rec)
            bar.update(len(res["records"]), failed)
        spool.flush()
        bar.close()
        if st is not None:
            described = st.describe()
        elif described is None:  # no input reached a worker
            described = load_stages(stages, theme_model).describe()
        t_process = time.perf_counter() - t_start

        index = read_index(work)
        entries = []
        first_path: dict[str, str] = {}
        for rel in rels:
            p = per_path.get(rel, _LOST)
            sha = p if isinstance(p, str) else None
            rec = index.get(sha) if sha else None
            if sha and rec is None:  # hashed, but no index line: should not happen
                p = _LOST
            e: dict[str, Any] = {"path": rel, "sha256": sha, "report_id": report_id(sha) if sha else None}
            if rec is not None:
                e.update(status="ok" if rec["status"] == "ok" else "failed", reason=rec.get("reason"),
                         format=rec.get("format"), stages=rec.get("stages"))
                has_rows = rec.get("spool") is not None
            else:
                e.update(status="failed", reason=p.get("reason"), format=p.get("format"), stages=p.get("stages"))
                has_rows = False
            if sha and has_rows:
                if sha in first_path:
                    e["duplicate_of"] = first_path[sha]
                else:
                    first_path[sha] = rel
            if not has_rows:
                e["report_id"] = None
            entries.append(e)
        include = {report_id(s): index[s] for s in first_path}
        t0 = time.perf_counter()
        parent_kb_processing = _peak_rss_kb()
        worker_kb_processing = worker_rss_kb
        counts, final_rss = _finalize(work, out, include, first_path, entries, pools, database, procs)
        worker_rss_kb = max(worker_rss_kb, final_rss)
        t_write = time.perf_counter() - t0
    finally:
        if pools is not None:
            pools.close()

    n_ok = sum(1 for e in entries if e["status"] == "ok")
    failures: dict[str, int] = {}
    for e in entries:
        if e["status"] == "failed":
            key = f"{(e['reason'] or {}).get('code')} {(e['reason'] or {}).get('type')}"
            failures[key] = failures.get(key, 0) + 1
    files = {}
    for t in TABLES:
        with open(out / f"{t}.parquet", "rb") as fh:
            files[f"{t}.parquet"] = hashlib.file_digest(fh, "sha256").hexdigest()
    manifest = {
        "schema": MANIFEST_SCHEMA, "data_schema": SCHEMA_VERSION, "gsnlp_version": __version__,
        "n_in": len(entries), "n_ok": n_ok, "n_failed": len(entries) - n_ok,
        "n_reports": len(include), "n_duplicates": sum(1 for e in entries if e.get("duplicate_of")),
        "failures": dict(sorted(failures.items())), "stages": described,
        "tables": counts, "files": files, "entries": entries,
    }
    assert manifest["n_in"] == manifest["n_ok"] + manifest["n_failed"]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                       encoding="utf-8")
    wall = time.perf_counter() - t_start
    rows_s = timings.pop("rows", 0.0)
    stats = {"workers": workers, "n_in": len(entries), "n_processed": n_processed, "n_skipped": n_skipped,
             "chunk": size, "wall_s": round(wall, 3), "process_s": round(t_process, 3), "write_s": round(t_write, 3),
             "stage_cpu_s": {k: round(v, 3) for k, v in timings.items()},
             # CPU in the workers around the stages: building rows (inside the stage times above),
             # reading + hashing, Arrow conversion + spool files, and the whole of their work
             "worker_cpu_s": {"rows_in_stages": round(rows_s, 3),
                              **{k: round(v, 3) for k, v in sorted(wcpu.items())}},
             "reports_per_s": round(len(entries) / wall, 2) if wall else None, **_rss_mb(worker_rss_kb),
             # the peaks by the end of the processing (before the Parquet files and the database)
             "peak_rss_mb_processing": {"parent": round(parent_kb_processing / 1024, 1),
                                        "worker": round(worker_kb_processing / 1024, 1)},
             "parent_cpu_s": round(time.process_time() - c_start, 3),
             # every worker's CPU seconds, from its start (stage loading excluded: done once in the
             # fork server) to its last task, final table writing included
             "workers_cpu_s": round(sum(procs.values()), 3),
             "loadavg_1min_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)]}
    (out / "run_stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return BatchSummary(len(entries), n_ok, len(entries) - n_ok, n_processed, n_skipped, out, manifest, stats)

