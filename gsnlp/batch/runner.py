"""``run_batch``: every input under a folder through ``process_bytes`` in N worker processes.

Accounting: every file under the input folder is an input and gets one manifest entry, ``ok``
or ``failed`` with its reason, so ``n_in = n_ok + n_failed`` always. Identical contents make
one report (the entry of each other copy names the first path as ``duplicate_of``). Resume: a
content hash whose result is already in the spool is not processed again (failures are
retried).
Determinism: data files hold no timestamps, ids derive from content, rows are sorted; run
statistics (times, worker count, memory) go to ``run_stats.json``, which is not data.
Memory: the parent keeps the paths packed and a few numpy arrays (≈ 0.1–0.2 KB per input);
what comes back for each input, the index and the manifest entries go through files in
``OUT/.work``. The final step runs in fresh processes (no stages loaded): table writers and
the database, each with memory bounded whatever the number of inputs.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import SCHEMA_VERSION, TABLES
from gsnlp.batch.stages import STAGE_NAMES, load_stages
from gsnlp.batch.store import Index, Spool, find_key
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
    """The manifest without its per-input entries (``entries()`` reads those from the file)."""
    stats: dict[str, Any] = field(default_factory=dict)

    def entries(self) -> Iterator[dict[str, Any]]:
        """The manifest entries, one per input in path order, read from ``out/manifest.json``."""
        return read_manifest_entries(self.out / "manifest.json")


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


def _init_worker(root: str, work: str, done: Any, stage_names: tuple[str, ...] | None,
                 model: str | None) -> None:
    """``done``: the sorted keys of the content hashes a resumed run skips (``Index.done``)."""
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
    if len(_W["done"]) and find_key(_W["done"], sha) >= 0:
        return {"path": rel, "sha256": sha, "status": "skipped", "timings": {}}, None
    r = process_bytes(data, rel, _W["stages"], sha256=sha)
    rec: dict[str, Any] = {"path": rel, "sha256": sha, "status": r.status, "reason": r.reason, "format": r.format,
                           "stages": list(r.stages), "timings": r.timings}
    return rec, r


def _chunk(task: tuple[int, int, list[str]]) -> dict[str, Any]:
    """Process one chunk of inputs and write their rows as spool files ``k`` (in this process).

    What goes back to the parent is only the small per-input records (path, hash, status,
    reason, timings, and where in the spool files its rows are): no rows, no Arrow data."""
    from gsnlp.batch.store import write_spool
    from gsnlp.batch.work import rows_to_batches

    c0 = time.process_time()
    k, start, rels = task
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
    return {"start": start, "records": records, "cpu": cpu, "me": _me(),
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


def _results(tasks: Iterable[tuple[int, int, list[str]]], pools: _Pools | None, initargs: tuple[Any, ...],
             next_id: Callable[[], int]) -> Any:
    """Yield the result of each chunk (``_chunk``; a task is ``(spool file, position of its first
    input, inputs)``), in any order. A worker that dies takes down only the chunks it held: their
    inputs are retried one by one, and one that kills a worker again fails."""
    if pools is None:
        _init_worker(*initargs)
        for task in tasks:
            yield _chunk(task)
        return
    suspects: list[tuple[int, str]] = []  # (position, path)
    pending: dict[Future[Any], tuple[int, int, list[str]]] = {}
    it = iter(tasks)
    exhausted = False
    while True:
        while not exhausted and len(pending) < 3 * pools.workers:
            task = next(it, None)
            if task is None:
                exhausted = True
                break
            pending[pools.get().submit(_chunk, task)] = task
        if not pending:
            break
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for f in done:
            c = pending.pop(f)
            try:
                res = f.result()
            except BrokenProcessPool:
                for _, start, rels in (c, *pending.values()):
                    suspects.extend((start + i, rel) for i, rel in enumerate(rels))
                pending.clear()
                pools.drop()
                break
            yield res
    for pos, rel in sorted(suspects):  # one at a time, in a fresh single-worker pool each time it breaks
        solo = _pool(1, initargs)
        try:
            yield solo.submit(_chunk, (next_id(), pos, [rel])).result()
        except BrokenProcessPool:
            yield {"start": pos, "records": [{"path": rel, "sha256": None, "status": "failed", "timings": {},
                                              "reason": dict(_CRASHED)}], "cpu": {}}
        finally:
            solo.shutdown(wait=True)


class _Paths:
    """The sorted input paths, packed: one UTF-8 buffer and the end offset of each path (the
    bytes of the path + 8 per input, not a Python string object each)."""

    def __init__(self, rels: list[str]) -> None:
        import numpy as np

        blob = "\0".join(rels).encode("utf-8", "surrogatepass")  # no path holds a NUL byte
        self.blob = blob
        ends = np.flatnonzero(np.frombuffer(blob, dtype=np.uint8) == 0)
        self.ends = np.append(ends, len(blob)) if rels else np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ends)

    def get(self, i: int) -> str:
        return self.slice(i, i + 1)[0]

    def slice(self, i: int, j: int) -> list[str]:
        j = min(j, len(self))
        if i >= j:
            return []
        lo = int(self.ends[i - 1]) + 1 if i else 0
        return self.blob[lo:int(self.ends[j - 1])].decode("utf-8", "surrogatepass").split("\0")


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


def _me() -> dict[str, Any]:
    """This process: its id, CPU seconds so far and peak RSS (forkserver workers are not the
    parent's children, so the parent learns their costs from them)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"pid": os.getpid(), "cpu_s": ru.ru_utime + ru.ru_stime, "rss_kb": _peak_rss_kb()}


class _Child:
    """A ``gsnlp.batch._procs`` job in a fresh process of its own (see there): names go in on
    stdin, JSON lines come back on stdout, its stderr goes to ``log``."""

    def __init__(self, job: list[str], log: Path) -> None:
        import subprocess

        env = dict(os.environ)
        pkg_root = str(Path(__file__).resolve().parents[2])  # where this gsnlp is imported from
        env["PYTHONPATH"] = pkg_root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        self.job, self.log = job[0], log
        self._err = open(log, "wb")  # noqa: SIM115 - closed in finish() / kill()
        self.p = subprocess.Popen([sys.executable, "-m", "gsnlp.batch._procs", *job], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=self._err, text=True, encoding="utf-8", env=env)

    def send(self, name: str) -> None:
        try:
            assert self.p.stdin is not None
            self.p.stdin.write(name + "\n")
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):  # it stopped: finish() says why
            pass

    def reply(self) -> dict[str, Any] | None:
        assert self.p.stdout is not None
        line = self.p.stdout.readline()
        return json.loads(line) if line.strip() else None

    def finish(self) -> dict[str, Any]:
        """Its last line (peak RSS, CPU seconds), once it has ended; a ``BatchError`` if it failed."""
        from gsnlp.errors import BatchError

        try:
            got, _ = self.p.communicate()
        except (BrokenPipeError, OSError, ValueError):
            got = ""
            self.p.wait()
        self._err.close()
        lines = got.strip().splitlines()
        if self.p.returncode != 0 or not lines:
            why = self.log.read_text(encoding="utf-8", errors="replace").strip()[-2000:] or "no message"
            what = "the database" if self.job == "db" else "the Parquet tables"
            raise BatchError(f"{what} could not be written (exit status {self.p.returncode}): {why}; every "
                             "input's result is kept in the spool: rerun with --resume to retry"
                             + (", or with --no-db" if self.job == "db" else ""), origin=str(self.log))
        return json.loads(lines[-1])

    def kill(self) -> None:
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()
        self._err.close()


def _finalize(work: Path, out: Path, writers: list[_Child],
              db: _Child | None) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    """The Parquet files, written by the ``writers`` (each takes the next table when it is free,
    the largest first); each table is announced to the database process as soon as its file is
    complete. Returns what each table's writer said (rows, buckets) and the writers' last lines."""
    import queue
    import threading

    from gsnlp.batch.store import LOAD_ORDER

    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for t in (LOAD_ORDER[-1], *LOAD_ORDER[:-1]):  # the largest first, then in the order they are loaded
        todo.put(t)
    got: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def drive(kid: _Child) -> None:
        try:
            while True:
                try:
                    t = todo.get_nowait()
                except queue.Empty:
                    break
                kid.send(t)
                r = kid.reply()
                if r is None or r.get("table") != t:
                    got.put(("error", kid))
                    return
                got.put((t, r))
            got.put(("end", kid))
        except Exception:  # noqa: BLE001 - a broken pipe or a bad line: finish() reports the child's error
            got.put(("error", kid))

    for kid in writers:
        threading.Thread(target=drive, args=(kid,), daemon=True).start()
    counts: dict[str, dict[str, Any]] = {}
    ended = 0
    while ended < len(writers):
        t, v = got.get()
        if t == "end":
            ended += 1
        elif t == "error":
            v.finish()  # raises with the child's message
            from gsnlp.errors import BatchError

            raise BatchError("a table writer stopped without an error message", origin=str(v.log))
        else:
            counts[t] = v
            if db is not None:
                db.send(t)
    return {t: counts[t] for t in TABLES}, [kid.finish() for kid in writers]


class _Records:
    """What came back for each input, in a file (``.work/records.jsonl``) rather than in memory:
    this process keeps only the byte offset of each input's line (8 bytes per input, -1 while
    nothing came back)."""

    def __init__(self, work: Path, n: int) -> None:
        import numpy as np

        self.path = work / "records.jsonl"
        self.fh = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self.pos = 0
        self.off = np.full(n, -1, dtype=np.int64)

    def add(self, i: int, rec: dict[str, Any]) -> None:
        keep = {"sha256": rec.get("sha256"), "status": rec["status"]}
        if rec.get("sha256") is None:  # nothing in the index: the reason lives here
            keep.update(reason=rec.get("reason"), format=rec.get("format"), stages=rec.get("stages"))
        b = (json.dumps(keep, ensure_ascii=False) + "\n").encode("utf-8")
        self.fh.write(b)
        self.off[i] = self.pos
        self.pos += len(b)

    def reader(self) -> Callable[[int], dict[str, Any] | None]:
        self.fh.close()
        self.fh = open(self.path, "rb")  # noqa: SIM115

        def get(i: int) -> dict[str, Any] | None:
            o = int(self.off[i])
            if o < 0:
                return None
            self.fh.seek(o)
            return json.loads(self.fh.readline())

        return get

    def close(self) -> None:
        self.fh.close()


def _entries(paths: _Paths, records: _Records, work: Path) -> dict[str, Any]:
    """One pass over the inputs in order: their manifest entries to ``.work/entries.jsonl``, the
    canonical path of each included report to ``.work/report_paths.jsonl`` and where its rows are
    to ``.work/include.npy`` (by rank: sorted report id). What stays in memory is a few numpy
    arrays over the content hashes, not one object per input."""
    import numpy as np

    from gsnlp.batch.store import new_include, save_include

    get = records.reader()
    out: dict[str, Any] = {"n_ok": 0, "n_duplicates": 0, "n_processed": 0, "failures": {}}
    with Index(work) as idx, open(work / "entries.jsonl", "w", encoding="utf-8") as fe:
        first = np.full(len(idx), -1, dtype=np.int64)  # per hash: the input that carries its rows
        processed = np.zeros(len(idx), dtype=np.bool_)
        for i in range(len(paths)):
            rel = paths.get(i)
            p = get(i) or _LOST
            sha = p.get("sha256")
            j = idx.find(sha) if sha else -1
            rec = idx.record(j) if j >= 0 else None
            if sha and rec is None:  # hashed, but no index line: should not happen
                p, sha = _LOST, None
            e: dict[str, Any] = {"path": rel, "sha256": sha, "report_id": report_id(sha) if sha else None}
            has_rows = False
            if rec is not None:
                e.update(status="ok" if rec["status"] == "ok" else "failed", reason=rec.get("reason"),
                         format=rec.get("format"), stages=rec.get("stages"))
                has_rows = rec.get("spool") is not None
                if p["status"] != "skipped":
                    processed[j] = True
            else:
                e.update(status="failed", reason=p.get("reason"), format=p.get("format"), stages=p.get("stages"))
            if has_rows:
                if first[j] >= 0:
                    e["duplicate_of"] = paths.get(int(first[j]))
                    out["n_duplicates"] += 1
                else:
                    first[j] = i
            else:
                e["report_id"] = None
            if e["status"] == "ok":
                out["n_ok"] += 1
            else:
                key = f"{(e['reason'] or {}).get('code')} {(e['reason'] or {}).get('type')}"
                out["failures"][key] = out["failures"].get(key, 0) + 1
            fe.write(json.dumps(e, ensure_ascii=False) + "\n")
        out["n_processed"] = int(processed.sum())
        # the included reports in key order, which is report-id order (the id is a prefix of the key)
        inc = np.nonzero(first >= 0)[0]
        arr = new_include(len(inc))
        with open(work / "report_paths.jsonl", "w", encoding="utf-8") as fp:
            for r, j in enumerate(inc.tolist()):
                rec = idx.record(j)
                arr[r, 0] = rec["spool"]
                for ti, t in enumerate(TABLES):
                    arr[r, 1 + 2 * ti:3 + 2 * ti] = rec["rows"].get(t) or (0, 0)
                fp.write(json.dumps(paths.get(int(first[j])), ensure_ascii=False) + "\n")
        save_include(work, arr)
    out["n_in"] = len(paths)
    out["n_reports"] = len(inc)
    records.close()
    return out


def _write_manifest(path: Path, head: dict[str, Any], entries: Path) -> None:
    """``manifest.json``: ``head`` then ``"entries"``, one entry per line (copied from the file, so
    the manifest is never whole in memory; ``BatchSummary.entries`` reads it back line by line)."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    assert text.endswith("\n}")
    tmp = path.with_name("." + path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh, open(entries, encoding="utf-8") as src:
        fh.write(text[:-2] + ',\n "entries": [')
        sep = "\n  "
        for line in src:
            fh.write(sep + line.rstrip("\n"))
            sep = ",\n  "
        fh.write("\n ]\n}\n" if sep != "\n  " else "]\n}\n")
    os.replace(tmp, path)


def read_manifest_entries(path: str | Path) -> Iterator[dict[str, Any]]:
    """The entries of a batch ``manifest.json``, one at a time (the file holds one per line)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line == ' "entries": [\n':
                break
        for line in fh:
            line = line.strip()
            if line.startswith("{"):
                yield json.loads(line.rstrip(","))


def run_batch(input_dir: str | Path, out_dir: str | Path, *, workers: int = 1, resume: bool = False,
              stages: tuple[str, ...] | None = None, theme_model: str | None = None, progress: bool | None = None,
              chunk: int = 32, flush_every: int = 256, database: bool = True,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Process every file under ``input_dir``; write the manifest, Parquet tables and DuckDB to ``out_dir``.

    Without ``resume`` an existing ``out_dir/.work`` is cleared first. ``stages`` limits the
    stages (default: every stage whose module is usable). ``progress`` defaults to "stderr is
    a terminal". ``chunk`` inputs make one task (and one spool file); ``flush_every`` index
    lines are appended at a time. Neither changes the outputs.

    Memory: see the module docstring (packed paths and numpy arrays here; per-input results,
    index and manifest entries in ``out_dir/.work``; tables and database written by fresh processes).
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
    paths = _Paths(list_inputs(root, exclude=out))
    n_in = len(paths)
    with Index(work) as idx0:
        done = idx0.done()
    initargs = (str(root.resolve()), str(work), done, stages, theme_model)
    del done
    spool = Spool(work, flush_every)
    # chunks small enough that every worker gets several (the last ones finish together)
    size = max(1, min(chunk, math.ceil(n_in / (4 * max(workers, 1)))))
    first_k = spool.reserve(math.ceil(n_in / size))
    tasks = ((first_k + i, j, paths.slice(j, j + size)) for i, j in enumerate(range(0, n_in, size)))
    pools = _Pools(workers, initargs) if workers > 1 else None
    records = _Records(work, n_in)
    timings: dict[str, float] = {s: 0.0 for s in STAGE_NAMES}
    wcpu: dict[str, float] = {}
    n_skipped = worker_rss_kb = 0
    procs: dict[int, float] = {}  # worker pid -> its CPU seconds (the latest it reported)
    bar = _Progress(n_in, sys.stderr.isatty() if progress is None else progress)
    db: _Child | None = None
    kids: list[_Child] = []
    try:
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
            for i, rec in enumerate(res["records"], start=res["start"]):
                for k2, v in rec.pop("timings", {}).items():
                    timings[k2] = timings.get(k2, 0.0) + v
                sha = rec.get("sha256")
                if rec["status"] == "skipped":
                    n_skipped += 1
                else:
                    failed += rec["status"] == "failed"
                    if sha is not None:
                        spool.add({k: rec[k] for k in ("sha256", "status", "reason", "format", "stages", "spool",
                                                        "rows") if k in rec})
                records.add(i, rec)
                if on_result is not None:
                    on_result(rec)
            bar.update(len(res["records"]), failed)
        del tasks
        spool.flush()
        bar.close()
        if st is not None:
            described = st.describe()
        elif described is None:  # no input reached a worker
            described = load_stages(stages, theme_model).describe()
        t_process = time.perf_counter() - t_start
        parent_kb_processing = _peak_rss_kb()

        t0 = time.perf_counter()
        if pools is not None:  # the processing workers are done: their memory goes back now
            pools.close()
        # fresh processes (no stages loaded) write the tables and the database; started now, they
        # import their libraries while the entries are written
        if database:
            if importlib.util.find_spec("duckdb") is None:
                from gsnlp.errors import MissingExtraError

                raise MissingExtraError("the batch database", "data", "duckdb")
            db = _Child(["db", str(out), str(work / "entries.jsonl")], work / "db.log")
        from gsnlp.batch import store

        settings = [str(x) for x in (store.BUCKET_REPORTS, store.FLUSH_BYTES, store.FLUSH_PARTS)]
        kids = [_Child(["tables", str(work), str(out), *settings], work / f"tables{i}.log")
                for i in range(max(1, min(workers, len(TABLES))))]
        acc = _entries(paths, records, work)
        if db is not None:
            db.send("inputs")
        written, kid_stats = _finalize(work, out, kids, db)
        counts = {t: written[t]["rows"] for t in TABLES}
        kids = []
        db_stats = db.finish() if db is not None else None
        db = None
        t_write = time.perf_counter() - t0
    finally:
        for kid in (*kids, *([db] if db is not None else [])):
            kid.kill()
        records.close()
        if pools is not None:
            pools.close()

    files = {}
    for t in TABLES:
        with open(out / f"{t}.parquet", "rb") as fh:
            files[f"{t}.parquet"] = hashlib.file_digest(fh, "sha256").hexdigest()
    n_ok = acc["n_ok"]
    manifest = {
        "schema": MANIFEST_SCHEMA, "data_schema": SCHEMA_VERSION, "gsnlp_version": __version__,
        "n_in": n_in, "n_ok": n_ok, "n_failed": n_in - n_ok,
        "n_reports": acc["n_reports"], "n_duplicates": acc["n_duplicates"],
        "failures": dict(sorted(acc["failures"].items())), "stages": described,
        "tables": counts, "files": files,
    }
    assert manifest["n_in"] == manifest["n_ok"] + manifest["n_failed"] == sum(manifest["failures"].values()) + n_ok
    _write_manifest(out / "manifest.json", manifest, work / "entries.jsonl")
    wall = time.perf_counter() - t_start
    rows_s = timings.pop("rows", 0.0)
    stats = {"workers": workers, "n_in": n_in, "n_processed": acc["n_processed"], "n_skipped": n_skipped,
             "chunk": size, "wall_s": round(wall, 3), "process_s": round(t_process, 3), "write_s": round(t_write, 3),
             "stage_cpu_s": {k: round(v, 3) for k, v in timings.items()},
             # CPU in the workers around the stages: building rows (inside the stage times above),
             # reading + hashing, Arrow conversion + spool files, and the whole of their work
             "worker_cpu_s": {"rows_in_stages": round(rows_s, 3),
                              **{k: round(v, 3) for k, v in sorted(wcpu.items())}},
             "reports_per_s": round(n_in / wall, 2) if wall else None,
             # peak RSS of each kind of process: this one, a processing worker, a table writer,
             # the database process (the last two fresh processes, started after the processing)
             "parent_peak_rss_mb": round(_peak_rss_kb() / 1024, 1),
             "worker_peak_rss_mb": round(worker_rss_kb / 1024, 1) if pools is not None else None,
             "writer_peak_rss_mb": round(max(k["rss_kb"] for k in kid_stats) / 1024, 1),
             "db_peak_rss_mb": round(db_stats["rss_kb"] / 1024, 1) if db_stats else None,
             # the peaks by the end of the processing (a worker's is its peak: it ends there)
             "peak_rss_mb_processing": {"parent": round(parent_kb_processing / 1024, 1),
                                        "worker": round(worker_rss_kb / 1024, 1)},
             "parent_cpu_s": round(time.process_time() - c_start, 3),
             # every processing worker's CPU seconds, from its start (stage loading excluded: done
             # once in the fork server) to its last task
             "workers_cpu_s": round(sum(procs.values()), 3),
             # the final step's processes: table writers (together) and the database
             "tables_written": {t: {k: v for k, v in written[t].items() if k != "table"} for t in TABLES},
             "final_cpu_s": {"tables": round(sum(k["cpu_s"] for k in kid_stats), 3),
                             "db": round(db_stats["cpu_s"], 3) if db_stats else None},
             "loadavg_1min_start_end": [round(load_start, 2), round(os.getloadavg()[0], 2)]}
    (out / "run_stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return BatchSummary(n_in, n_ok, n_in - n_ok, acc["n_processed"], n_skipped, out, manifest, stats)
