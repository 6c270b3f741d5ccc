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
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import SCHEMA_VERSION, TABLES
from gsnlp.batch.stages import STAGE_NAMES, load_stages
from gsnlp.batch.store import Spool, read_index, write_duckdb, write_tables
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


def _init_worker(root: str, done: frozenset[str], stage_names: tuple[str, ...] | None, model: str | None) -> None:
    _W["root"] = root
    _W["done"] = done
    _W["stages"] = load_stages(stage_names, model)


def _one(rel: str) -> dict[str, Any]:
    from gsnlp.batch.work import process_bytes, to_batches

    p = Path(_W["root"]) / rel
    try:
        data = p.read_bytes()
    except OSError as e:
        return {"path": rel, "sha256": None, "status": "failed", "timings": {},
                "reason": {"stage": "read", "code": "E100", "type": type(e).__name__, "message": str(e)[:500]}}
    sha = hashlib.sha256(data).hexdigest()
    if sha in _W["done"]:
        return {"path": rel, "sha256": sha, "status": "skipped", "timings": {}}
    r = process_bytes(data, rel, _W["stages"])
    rec: dict[str, Any] = {"path": rel, "sha256": sha, "status": r.status, "reason": r.reason, "format": r.format,
                           "stages": list(r.stages), "timings": r.timings}
    if r.rows["reports"]:
        rec["batches"] = to_batches(r)
    return rec


def _chunk(rels: list[str]) -> list[dict[str, Any]]:
    out = [_one(r) for r in rels]
    if out:  # the worker's own peak memory (forkserver workers are not our children)
        out[-1]["rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return out


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
        ctx.set_forkserver_preload(["gsnlp.batch.runner", "gsnlp.batch.work", "gsnlp.io"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=initargs)


def _results(rels: list[str], workers: int, initargs: tuple[Any, ...], chunk: int) -> Any:
    """Yield per-input result records, in any order. A worker that dies takes down only the
    inputs it held: they are retried one by one, and one that kills a worker again fails."""
    if workers <= 1:
        _init_worker(*initargs)
        for r in rels:
            yield _one(r)
        return
    chunks = [rels[i:i + chunk] for i in range(0, len(rels), chunk)]
    suspects: list[str] = []
    ex = _pool(workers, initargs)
    try:
        pending: dict[Future[Any], list[str]] = {}
        it = iter(chunks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < 4 * workers:
                c = next(it, None)
                if c is None:
                    exhausted = True
                    break
                pending[ex.submit(_chunk, c)] = c
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for f in done:
                c = pending.pop(f)
                try:
                    yield from f.result()
                except BrokenProcessPool:
                    suspects.extend(c)
                    for g, cc in pending.items():
                        suspects.extend(cc)
                    pending.clear()
                    ex.shutdown(wait=False, cancel_futures=True)
                    ex = _pool(workers, initargs)
                    break
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
    for rel in sorted(suspects):  # one at a time, in a fresh single-worker pool each time it breaks
        solo = _pool(1, initargs)
        try:
            yield from solo.submit(_chunk, [rel]).result()
        except BrokenProcessPool:
            yield {"path": rel, "sha256": None, "status": "failed", "timings": {},
                   "reason": {"stage": "worker", "code": "E999", "type": "WorkerCrashed",
                              "message": "the worker process died on this input (out of memory or a crash in a "
                                         "native library); nothing was recorded for it"}}
        finally:
            solo.shutdown(wait=True)


def _rss_mb(worker_kb: int) -> dict[str, float]:
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"parent_peak_rss_mb": round(self_kb / 1024, 1), "worker_peak_rss_mb": round(worker_kb / 1024, 1)}


def run_batch(input_dir: str | Path, out_dir: str | Path, *, workers: int = 1, resume: bool = False,
              stages: tuple[str, ...] | None = None, theme_model: str | None = None, progress: bool | None = None,
              chunk: int = 8, flush_every: int = 256, database: bool = True,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Process every file under ``input_dir``; write the manifest, Parquet tables and DuckDB to ``out_dir``.

    Without ``resume`` an existing ``out_dir/.work`` is cleared first. ``stages`` limits the
    stages (default: every stage whose module is usable). ``progress`` defaults to "stderr is
    a terminal".
    """
    from gsnlp import __version__
    from gsnlp.errors import InputError

    root = Path(input_dir)
    out = Path(out_dir)
    if not root.is_dir():
        raise InputError("is not a folder; expected a folder of report files", origin=str(root))
    out.mkdir(parents=True, exist_ok=True)
    work = out / ".work"
    if not resume and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    st = load_stages(stages, theme_model)  # in the parent too: the manifest says which stages ran
    t_start = time.perf_counter()
    load_start = os.getloadavg()[0]
    rels = list_inputs(root, exclude=out)
    index = read_index(work)
    done = frozenset(s for s, r in index.items() if r["status"] != "failed" and r.get("spool") is not None)
    initargs = (str(root.resolve()), done, stages, theme_model)
    spool = Spool(work, flush_every)
    per_path: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    timings = {s: 0.0 for s in STAGE_NAMES}
    n_processed = n_skipped = worker_rss_kb = 0
    bar = _Progress(len(rels), sys.stderr.isatty() if progress is None else progress)
    for rec in _results(rels, workers, initargs, chunk):
        batches = rec.pop("batches", None)
        worker_rss_kb = max(worker_rss_kb, rec.pop("rss_kb", 0))
        for k, v in rec.pop("timings", {}).items():
            timings[k] = timings.get(k, 0.0) + v
        sha = rec.get("sha256")
        if rec["status"] == "skipped":
            n_skipped += 1
            per_path[rec["path"]] = {"path": rec["path"], "sha256": sha}
        else:
            per_path[rec["path"]] = {k: rec.get(k) for k in ("path", "sha256", "status", "reason", "format", "stages")}
            if sha is not None and sha not in seen:
                n_processed += 1
                line = {k: rec.get(k) for k in ("sha256", "status", "reason", "format", "stages")}
                spool.add(line, batches)
        if sha is not None:
            seen.add(sha)
        if on_result is not None:
            on_result(rec)
        bar.update(1, rec["status"] == "failed")
    spool.flush()
    bar.close()
    t_process = time.perf_counter() - t_start

    index = read_index(work)
    entries = []
    first_path: dict[str, str] = {}
    for rel in rels:
        p = per_path.get(rel, {"path": rel, "sha256": None, "status": "failed",
                               "reason": {"stage": "read", "code": "E999", "type": "Lost",
                                          "message": "no result came back for this input"}})
        sha = p.get("sha256")
        rec = index.get(sha) if sha else None
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
    paths = {report_id(s): p for s, p in first_path.items()}
    t0 = time.perf_counter()
    counts = write_tables(work, out, include, paths)
    if database:
        write_duckdb(out, entries)
    t_write = time.perf_counter() - t0

    n_ok = sum(1 for e in entries if e["status"] == "ok")
    failures: dict[str, int] = {}
    for e in entries:
        if e["status"] == "failed":
            key = f"{(e['reason'] or {}).get('code')} {(e['reason'] or {}).get('type')}"
            failures[key] = failures.get(key, 0) + 1
    files = {}
    for t in TABLES:
        files[f"{t}.parquet"] = hashlib.sha256((out / f"{t}.parquet").read_bytes()).hexdigest()
    manifest = {
        "schema": MANIFEST_SCHEMA, "data_schema": SCHEMA_VERSION, "gsnlp_version": __version__,
        "n_in": len(entries), "n_ok": n_ok, "n_failed": len(entries) - n_ok,
        "n_reports": len(include), "n_duplicates": sum(1 for e in entries if e.get("duplicate_of")),
        "failures": dict(sorted(failures.items())), "stages": st.describe(),
        "tables": counts, "files": files, "entries": entries,
    }
    assert manifest["n_in"] == manifest["n_ok"] + manifest["n_failed"]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n",
                                       encoding="utf-8")
    wall = time.perf_counter() - t_start
    stats = {"workers": workers, "n_in": len(entries), "n_processed": n_processed, "n_skipped": n_skipped,
             "wall_s": round(wall, 3), "process_s": round(t_process, 3), "write_s": round(t_write, 3),
             "stage_cpu_s": {k: round(v, 3) for k, v in timings.items()},
             "reports_per_s": round(len(entries) / wall, 2) if wall else None, **_rss_mb(worker_rss_kb),
             "parent_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 3),
             "loadavg_1min_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)]}
    (out / "run_stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return BatchSummary(len(entries), n_ok, len(entries) - n_ok, n_processed, n_skipped, out, manifest, stats)
