"""``run_batch``: every file under a folder through ``process_bytes``, on a local process pool
(pebble) or on Ray; then the final tables, manifest and database built by DuckDB in a child
process (``store``), so that the parent's memory does not grow with the corpus.

Accounting: every file under the input folder is an input and gets one manifest entry, ``ok``
or ``failed`` with a non-empty reason, so ``n_in = n_ok + n_failed`` always. A chunk whose
task fails (its worker died: a crash, the OOM killer, the per-input CPU budget; or it ran past
its wall-clock backstop) is retried one input at a time; an input that fails alone gets
``input_too_complex`` (time) or ``worker_died``. Resume is by content hash
(``OUT/.work/records.jsonl``). Outputs depend only on the set of inputs: ids come from content,
rows are sorted, run statistics go to ``run_stats.json``, which is not data.

Per-input budgets, in the worker: CPU time by an interval timer (``ITIMER_PROF``) whose signal
keeps its default action, so the kernel ends the worker even inside C code that holds the GIL;
memory by the address-space limit (``RLIMIT_AS``) set to the worker's size plus the budget, so an
allocation past it raises ``MemoryError`` in the stage that made it; that worker then retires.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsnlp.io import path_text
from gsnlp.tabular.rows import STAGE_NAMES, load_stages
from gsnlp.tabular.schema import SCHEMA_VERSION, TABLES

MANIFEST_SCHEMA = "gsnlp.batch.manifest/2"
ENGINES = ("local", "ray")
RETIRE_EXIT = 75  # a worker that hit its memory budget ends itself before its next chunk
TIME_SIGNAL = signal.SIGPROF
# (input number, relative path, None (the worker reads it) or its bytes or, when the driver decided it, its record)
Item = tuple[int, str, Any]


@dataclass(frozen=True)
class Options:
    """What every task needs to know (small: shipped with each task)."""

    root: str
    parts: str | None  # where a worker writes its parts; None: it returns the tables (Ray)
    stages: tuple[str, ...] | None = None
    theme_model: str | None = None
    task_timeout: float | None = 60.0
    task_memory_mb: int | None = 2048
    keep_json: bool = True
    retire: bool = True
    full_json: bool = False  # the whole Report JSON (the overview pages), else its cross-year view


@dataclass
class BatchSummary:
    n_in: int
    n_ok: int
    n_failed: int
    n_processed: int
    n_skipped: int
    out: Path
    manifest: dict[str, Any]
    """The summary (``manifest.json``); ``entries()`` reads the per-input entries."""
    stats: dict[str, Any] = field(default_factory=dict)

    def entries(self) -> Iterator[dict[str, Any]]:
        """The manifest entries, one per input in path order, read from ``out/manifest.jsonl``."""
        return read_manifest_entries(self.out / "manifest.jsonl")


def read_manifest_entries(path: str | Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        yield from (json.loads(line) for line in fh if line.strip())


def list_inputs(root: Path, exclude: Path | None = None) -> list[str]:
    """Every regular file under ``root`` (hidden names skipped), as sorted POSIX relative paths."""
    ex = exclude.resolve() if exclude is not None else None
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        if ex is not None and (d.resolve() == ex or ex in d.resolve().parents):
            dirnames[:] = []
            continue
        dirnames[:] = sorted(x for x in dirnames if not x.startswith("."))
        out.extend((d / f).relative_to(root).as_posix() for f in filenames
                   if not f.startswith(".") and (d / f).is_file())
    return sorted(out)


# ---------------------------------------------------------------------------------------
# worker side (the same functions run in a pebble worker and as Ray tasks)

_STATE: dict[str, Any] = {"retire": False, "done": frozenset()}  # done: {(sha256, path)}

# a local worker's collector: the pipeline makes many short-lived containers and a chunk's rows live
# until its part is written; with the default thresholds a full collection ran every few reports
# (0.3 ms a report); these bound the young generations' sweeps and leave full ones rare
WORKER_GC_THRESHOLDS = (5000, 20, 100)
# while a chunk's reports are processed the collector waits: each young collection would sweep the
# rows of the reports before (≈ 0.15 ms a report of collections; experiments/bench); it collects at
# a report's end only when this many tracked objects were made and not freed since its last
# collection (a chunk's rows are ≈ 40,000; a report's own reference cycles, ≈ 140 objects, wait for
# it), and runs as usual once the chunk's rows are gone
CHUNK_GC_BOUND = 200_000


def init_worker(done: set[tuple[str, str]]) -> None:
    import gc

    _STATE["done"] = done
    gc.set_threshold(*WORKER_GC_THRESHOLDS)


_STATM: dict[int, int] = {}  # {pid: its /proc/self/statm, open}: read before every input


def _vm_bytes() -> int:
    """The address space this process uses (the size ``RLIMIT_AS`` counts)."""
    pid = os.getpid()  # a forked worker opens its own: an inherited descriptor reads the parent's
    fd = _STATM.get(pid)
    if fd is None:
        fd = _STATM[pid] = os.open("/proc/self/statm", os.O_RDONLY)
    return int(os.pread(fd, 64, 0).split()[0]) * resource.getpagesize()


@contextmanager
def budget(timeout_s: float | None, memory_mb: int | None) -> Iterator[None]:
    """The body under the per-input budgets (None: no limit); only in a worker: time ends the process."""
    old = resource.getrlimit(resource.RLIMIT_AS)
    if memory_mb:
        soft = _vm_bytes() + memory_mb * (1 << 20)
        hard = old[1]
        resource.setrlimit(resource.RLIMIT_AS, (soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
    if timeout_s:
        signal.signal(TIME_SIGNAL, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_PROF, timeout_s)
    try:
        yield
    finally:
        if timeout_s:
            signal.setitimer(signal.ITIMER_PROF, 0)
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, old)


def read_failure(e: OSError) -> dict[str, str]:
    return {"stage": "read", "code": "E100", "type": type(e).__name__,
            "message": f"{e.strerror or e}; check the file's permissions"}


def run_chunk(opts: Options, items: list[Item]) -> dict[str, Any]:
    """Process a chunk of inputs; their rows become one part (written here, or returned as Arrow
    tables and the JSON spool when ``opts.parts`` is None). Returns one small record per input."""
    if _STATE["retire"]:
        os._exit(RETIRE_EXIT)  # the engine hands this chunk to a fresh worker
    import gc

    was = gc.isenabled()
    gc.disable()  # see CHUNK_GC_BOUND
    try:
        return _chunk(opts, items)  # its rows are freed when it returns
    finally:
        if was:
            gc.enable()


def _chunk(opts: Options, items: list[Item]) -> dict[str, Any]:
    import gc
    import uuid

    import orjson

    from gsnlp.batch.store import write_part
    from gsnlp.check.rules_years import years_view
    from gsnlp.tabular.rows import INPUT_TOO_COMPLEX, process_bytes
    from gsnlp.tabular.schema import arrow_without_pandas, to_table

    c0 = time.process_time()
    arrow_without_pandas()
    st = load_stages(opts.stages, opts.theme_model)
    records: list[dict[str, Any]] = []
    rows: dict[str, list[tuple[Any, ...]]] = {t: [] for t in TABLES}
    spool = bytearray()  # the reports' JSON one after another: a record keeps [offset, length]
    timings: dict[str, float] = {}
    part = uuid.uuid4().hex
    here: dict[str, dict[str, Any]] = {}  # content already in this chunk: its rows go into the part once
    for i, rel, data in items:
        if isinstance(data, dict):  # decided by the driver (Ray): skipped, or unreadable
            records.append(data)
            continue
        path = path_text(rel)
        rec: dict[str, Any] = {"i": i, "path": path, "sha256": None}
        records.append(rec)
        try:
            data = (Path(opts.root) / rel).read_bytes() if data is None else data
        except OSError as e:
            rec.update(status="failed", reason=read_failure(e))
            continue
        sha = rec["sha256"] = hashlib.sha256(data).hexdigest()
        if (sha, path) in _STATE["done"]:
            rec["status"] = "skipped"
            continue
        if sha in here:  # the rows made from the first path stand for this one too (no record of its own)
            rec.update({k: v for k, v in here[sha].items() if k not in ("i", "path")}, copy=True)
            continue
        here[sha] = rec
        with budget(opts.task_timeout, opts.task_memory_mb):
            r = process_bytes(data, path, st, sha256=sha, keep_report=opts.keep_json,
                              memory_mb=opts.task_memory_mb)
        rec.update(status=r.status, reason=r.reason, format=r.format, stages=list(r.stages),
                   nf=len(r.tuples["findings"]))
        _STATE["retire"] |= bool(r.reason and r.reason["code"] == INPUT_TOO_COMPLEX and opts.retire)
        for k, v in r.timings.items():
            timings[k] = timings.get(k, 0.0) + v
        if r.tuples["reports"]:
            rec["part"] = part
            for t in TABLES:
                rows[t] += r.tuples[t]
            if r.report is not None:
                js = orjson.dumps((r.report if opts.full_json else years_view(r.report)).to_dict())
                rec["json"] = [len(spool), len(js)]
                spool += js
        if gc.get_count()[0] > CHUNK_GC_BOUND:
            gc.collect(0)
    t0 = time.process_time()
    tables = None
    if any(r.get("part") for r in records):
        tables = {t: to_table(t, rows[t]) for t in TABLES}
        if opts.parts is not None:
            write_part(Path(opts.parts), part, tables, bytes(spool))
            tables = None
    timings["write_part"] = time.process_time() - t0
    return {"records": records, "part": part, "tables": tables, "spool": bytes(spool) if tables else b"",
            "timings": timings, "cpu_s": time.process_time() - c0, "peak_rss_mb": peak_rss_mb()}


def run_cross_year(opts: Options, batch: list[Any]) -> Any:
    """The cross-year (``cy.*``) findings of whole agencies (each report as ``(report_id, JSON)`` or
    where its JSON is, ``store.read_spool``) as a part of ``cy_findings`` (written here; returned as an
    Arrow table when ``opts.parts`` is None)."""
    import uuid

    import orjson

    from gsnlp.batch.store import read_spool, write_part
    from gsnlp.doc import Report
    from gsnlp.pipeline import cross_year, distinct_names
    from gsnlp.tabular.rows import finding_rows
    from gsnlp.tabular.schema import arrow_without_pandas, to_table

    arrow_without_pandas()
    got = read_spool(Path(opts.parts), batch) if opts.parts is not None else batch  # on Ray: the JSON came along
    # the findings name their report by file name: two files of one name are told apart
    reps = distinct_names([Report.from_dict(orjson.loads(js)) for _, js in got])
    rid = {rep.doc_id: r for (r, _), rep in zip(got, reps)}
    by_report: dict[str, list[Any]] = {}
    for f in cross_year(reps):
        if f.doc in rid:
            by_report.setdefault(rid[f.doc], []).append(f)
    tab = to_table("findings", [row for r in sorted(by_report) for row in finding_rows(by_report[r], r)])
    if opts.parts is not None and tab.num_rows:
        write_part(Path(opts.parts), f"cy{uuid.uuid4().hex}", {"cy_findings": tab})
    return tab if opts.parts is None else None


# ---------------------------------------------------------------------------------------
# engines: submit(fn, opts, payload) -> Future; cancel(future); exitcode(exception) -> int | None


class _Local:
    """A pebble process pool: a dead or cancelled worker fails only its own task and is replaced.
    Forked: the workers start with the stages the parent loaded."""

    name = "local"

    def __init__(self, workers: int, done: set[tuple[str, str]], max_tasks: int) -> None:
        import multiprocessing as mp

        from pebble import ProcessPool

        self.workers = workers
        self._new: Callable[[], Any] = lambda: ProcessPool(max_workers=workers, max_tasks=max_tasks,
                                                           initializer=init_worker, initargs=(done,),
                                                           context=mp.get_context("fork"))
        self.pool: Any = self._new()

    def submit(self, fn: Callable[..., Any], opts: Options, payload: Any) -> Future[Any]:
        try:
            return self.pool.schedule(fn, args=(opts, payload))  # type: ignore[no-any-return]
        except RuntimeError:  # the pool broke (workers killed while sending): its tasks were aborted
            old, self.pool = self.pool, self._new()
            old.stop()
            return self.submit(fn, opts, payload)

    @staticmethod
    def cancel(f: Future[Any]) -> None:
        f.cancel()  # pebble stops the worker of a running task

    @staticmethod
    def exitcode(exc: BaseException) -> int | None:
        return getattr(exc, "exitcode", None)

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


class _Ray:
    """Ray tasks (a local cluster of ``workers`` CPUs unless ``address`` names one). The driver
    reads and ships the bytes of each input and writes the parts it gets back."""

    name = "ray"

    def __init__(self, workers: int, address: str | None) -> None:
        try:
            import ray
        except ImportError as e:
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("gsnlp batch --engine ray", "ray", "ray") from e
        self.ray, self.started = ray, not ray.is_initialized()
        if self.started:
            kw: dict[str, Any] = {"address": address} if address else {"num_cpus": max(1, workers),
                                                                       "include_dashboard": False}
            ray.init(log_to_driver=False, **kw)
        self.workers = max(1, int(ray.cluster_resources().get("CPU", workers)))  # type: ignore[no-untyped-call]
        self._fns: dict[Any, Any] = {}
        self._refs: dict[Future[Any], Any] = {}

    def submit(self, fn: Callable[..., Any], opts: Options, payload: Any) -> Future[Any]:
        if fn not in self._fns:
            self._fns[fn] = self.ray.remote(max_retries=0, num_cpus=1)(fn)
        ref = self._fns[fn].remote(opts, payload)
        f: Future[Any] = ref.future()
        self._refs[f] = ref
        f.add_done_callback(lambda f: self._refs.pop(f, None))
        return f

    def cancel(self, f: Future[Any]) -> None:
        if (ref := self._refs.pop(f, None)) is not None:
            self.ray.cancel(ref, force=True)

    @staticmethod
    def exitcode(exc: BaseException) -> int | None:
        return None  # Ray does not say how its worker ended

    def close(self) -> None:
        if self.started:
            self.ray.shutdown()
            self.started = False


def _hard_timeout(opts: Options, n: int) -> float | None:
    """The wall-clock backstop of a task (the CPU budget per input is enforced in the worker)."""
    return None if not opts.task_timeout else 4 * opts.task_timeout * n + 60


def _tasks(eng: Any, fn: Callable[..., Any], opts: Options, payloads: Iterable[list[Any]],
           again: list[list[Any]] | None = None) -> Iterator[tuple[list[Any], Any, BaseException | None]]:
    """``(payload, result, None)`` or ``(payload, None, exception)`` for each payload's task, in the
    order they end, at most two per worker in flight; payloads put in ``again`` are run first. A task
    past its wall-clock backstop is cancelled and ends with ``TimeoutError``."""
    pending: dict[Future[Any], tuple[list[Any], float]] = {}
    it, again = iter(payloads), again if again is not None else []
    while True:
        while len(pending) < 2 * eng.workers and (p := (again.pop() if again else next(it, None))) is not None:
            limit = _hard_timeout(opts, len(p))
            pending[eng.submit(fn, opts, p)] = (p, time.monotonic() + limit if limit else float("inf"))
        if not pending:
            return
        first = min(d for _, d in pending.values()) - time.monotonic()
        done, _ = wait(pending, timeout=None if first == float("inf") else max(0.0, first),
                       return_when=FIRST_COMPLETED)
        for f in done:
            p, _ = pending.pop(f)
            try:
                yield p, f.result(), None
            except Exception as e:  # noqa: BLE001 - a dead worker, a task that raised
                yield p, None, e
        for f, (p, d) in list(pending.items()):
            if d <= time.monotonic():
                del pending[f]
                eng.cancel(f)
                limit = _hard_timeout(opts, len(p))
                yield p, None, TimeoutError(f"the task ran past its wall-clock limit of {limit:g} s")


def _drive(eng: Any, opts: Options, chunks: Iterable[list[Item]], stats: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The result of every chunk, in any order. A chunk whose task failed is retried one input at
    a time; an input whose solo task fails gets a failed record with the reason."""
    retry: list[list[Any]] = []
    broken: dict[int, int] = {}  # input -> times its solo task was aborted with a broken pool
    for items, res, e in _tasks(eng, run_chunk, opts, chunks, retry):
        if e is None:
            yield res
            continue
        code = eng.exitcode(e)
        if type(e).__name__ == "BrokenProcessPool" and len(items) == 1 and broken.get(items[0][0], 0) < 2:
            broken[items[0][0]] = broken.get(items[0][0], 0) + 1  # the pool's fault, not this input's
            retry.append(items)
        elif code == RETIRE_EXIT:
            retry.append(items)
            stats["retired_workers"] += 1
        elif len(items) > 1:
            retry.extend([x] for x in reversed(items))
            stats["retried_inputs"] += len(items)
        else:
            yield {"records": [_failed_record(items[0], e, code, opts)]}


def _failed_record(item: Item, exc: BaseException, code: int | None, opts: Options) -> dict[str, Any]:
    """The record of an input whose task failed when it ran alone (its worker died, or timed out)."""
    i, rel, data = item
    if isinstance(data, dict):
        return data
    try:
        sha: str | None = hashlib.sha256(data if data is not None else (Path(opts.root) / rel).read_bytes()).hexdigest()
    except OSError:
        sha = None
    to = opts.task_timeout
    how = f"exit status {code}" if code is not None else "no exit status"
    if code is not None and code < 0:
        how = f"signal {signal.Signals(-code).name if -code in signal.valid_signals() else -code}"
    if isinstance(exc, TimeoutError) or (code is not None and code == -int(TIME_SIGNAL)):
        what = f"{to:g} CPU seconds" if code is not None else f"{_hard_timeout(opts, 1):g} wall-clock seconds"
        reason = {"stage": "worker", "code": "input_too_complex", "type": "InputTooComplexError",
                  "message": f"took more than {what}; the worker was stopped and replaced "
                             "(raise --task-timeout to allow more)"}
    elif code is not None or type(exc).__name__ in ("ProcessExpired", "WorkerCrashedError", "BrokenProcessPool"):
        budgets = f"over the time budget ({to:g} CPU s), " if to and code is None else ""
        reason = {"stage": "worker", "code": "worker_died", "type": "WorkerDied",
                  "message": f"the worker process died on this input ({how}: {budgets}out of memory or a crash in "
                             "a native library), also when it was retried alone; nothing was recorded for it"}
    else:
        reason = {"stage": "batch", "code": "E999", "type": type(exc).__name__,
                  "message": (str(exc).strip() or repr(exc))[:500]}
    return {"i": i, "path": path_text(rel), "sha256": sha, "status": "failed", "reason": reason, "format": None,
            "stages": []}


def _done(work: Path, key: str) -> set[tuple[str, str]]:
    """``(sha256, path)`` of the inputs whose latest record is ok, has its part and was made from
    that path by the same work (``key``: gsnlp's version, the stages that ran and the themes
    model): what a resumed run skips. The rows name their file, so the same bytes under another
    name are done again."""
    latest: dict[tuple[str, str], bool] = {}
    p = work / "records.jsonl"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                try:
                    r = json.loads(line)
                    # a record of other stages, another model or another gsnlp (or without a key): redone
                    latest[(r["sha256"], r["path"])] = (r.get("status") == "ok" and r.get("part") is not None
                                                        and r.get("key") == key)
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash: that hash is simply redone
    return {k for k, v in latest.items() if v}


def peak_rss_mb(field: str = "VmHWM") -> float:
    """This process's peak resident memory, MB (``VmHWM``: ``ru_maxrss`` survives ``exec``)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return round(next((int(x.split()[1]) for x in fh if x.startswith(field + ":")), 0) / 1024, 1)


def _append(path: Path) -> Any:
    """A JSON Lines file opened for appending; a line cut by a crash before does not swallow the next."""
    cut = path.exists() and path.stat().st_size > 0 and path.read_bytes()[-1:] != b"\n"
    fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by the caller
    if cut:
        fh.write("\n")
    return fh


def _line(fh: Any, obj: dict[str, Any]) -> None:
    fh.write(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")


def _chunks(rels: list[str], size: int, eng: Any, root: Path, done: set[tuple[str, str]]) -> Iterator[list[Item]]:
    """Chunks of inputs; on Ray the bytes go with them (read here; an input already done or that
    cannot be read goes as its record)."""
    for j in range(0, len(rels), size):
        out: list[Item] = []
        for i, rel in enumerate(rels[j:j + size], start=j):
            if eng.name == "local":
                out.append((i, rel, None))
                continue
            path = path_text(rel)
            try:
                data = (root / rel).read_bytes()
            except OSError as e:
                out.append((i, rel, {"i": i, "path": path, "sha256": None, "status": "failed",
                                     "reason": read_failure(e)}))
                continue
            sha = hashlib.sha256(data).hexdigest()
            out.append((i, rel, {"i": i, "path": path, "sha256": sha, "status": "skipped"}
                         if (sha, path) in done else data))
        yield out


def _cy_groups(work: Path, parts: Path, engine: str) -> Iterator[list[Any]]:
    """The cross-year batches, one line of ``cy_groups.jsonl`` at a time (read as the tasks are
    submitted, so the driver holds only those in flight): where each report's JSON is, or on Ray
    the JSON itself (the bytes go along)."""
    from gsnlp.batch.store import read_spool

    with open(work / "cy_groups.jsonl", encoding="utf-8") as fh:
        for line in fh:
            items = json.loads(line)["items"]
            yield items if engine == "local" else read_spool(parts, items)


def _in_child(engine: str, fn: Callable[..., Any], *args: Any) -> Any:
    """``fn(*args)`` in a child process (the DuckDB steps: their memory is the child's, not the
    parent's); forked from a local run (it starts with what the parent imported), spawned next to
    Ray's threads."""
    import multiprocessing as mp

    from pebble import ProcessPool

    pool: Any = ProcessPool(max_workers=1, context=mp.get_context("fork" if engine == "local" else "spawn"))
    try:
        return pool.schedule(fn, args=args).result()
    except Exception as e:
        if type(e).__name__ != "ProcessExpired":
            raise
        return {"error": f"its process died ({e}: out of memory?)"}  # killed: the parent tells how to go on
    finally:
        pool.close()
        pool.join()


def run_batch(input_dir: str | Path, out_dir: str | Path, *, workers: int = 1, engine: str = "local",
              address: str | None = None, resume: bool = False, stages: tuple[str, ...] | None = None,
              theme_model: str | None = None, progress: bool | None = None, chunk: int = 64,
              database: bool = True, cross_year: bool = True, html: bool = False, task_timeout: float | None = 60.0,
              task_memory_mb: int | None = 2048, max_tasks_per_child: int = 0,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Process every file under ``input_dir``; write the manifest, Parquet tables and DuckDB to ``out_dir``.

    Without ``resume`` an existing ``out_dir/.work`` is cleared first. ``stages`` limits the
    stages (default: every stage whose module is usable). ``progress`` defaults to "stderr is a
    terminal". ``chunk`` inputs make one task (one part); it does not change the outputs.
    ``task_timeout`` (CPU seconds) and ``task_memory_mb`` are the per-input budgets (None: none);
    ``max_tasks_per_child`` replaces a local worker after that many chunks (0: never). ``html``
    also writes the overview pages (``OUT/html/index.html``, as ``gsnlp check DIR --format html``).
    """
    from gsnlp.batch import store
    from gsnlp.errors import BatchError, ConfigError, InputError, UnknownNameError

    root, out = Path(input_dir), Path(out_dir)
    if not root.is_dir():
        raise InputError("is not a folder; expected a folder of report files", origin=str(root))
    if out.resolve() == root.resolve() or out.resolve() in root.resolve().parents:  # every input would be skipped
        raise ConfigError(f"the output folder is the input folder or holds it, so no input would be read; give "
                          f"-o a folder of its own (inside {root} is fine: it is skipped)", origin=str(out))
    if set(stages or ()) - set(STAGE_NAMES):
        raise UnknownNameError("stage", min(set(stages or ()) - set(STAGE_NAMES)), STAGE_NAMES)
    if engine not in ENGINES:
        raise UnknownNameError("engine", engine, ENGINES)
    t_start, c_start = time.perf_counter(), time.process_time()
    ch_start = resource.getrusage(resource.RUSAGE_CHILDREN)
    work, parts = out / ".work", out / ".work" / "parts"
    if not resume and work.exists():
        shutil.rmtree(work)
    parts.mkdir(parents=True, exist_ok=True)
    rels = list_inputs(root, exclude=out)
    # on a terminal the bar shows at once (loading the stages takes a second or two)
    from tqdm import tqdm

    bar = tqdm(total=len(rels), unit="input", file=sys.stderr, mininterval=0.5, smoothing=0.05, desc="loading stages",
               disable=not (sys.stderr.isatty() if progress is None else progress))
    st = load_stages(stages, theme_model)  # here first: a model that cannot be loaded fails before any work
    from gsnlp import __version__

    key = f"gsnlp {__version__}; stages {','.join(st.names)}; themes {st.theme_model}"  # what made a record
    done = _done(work, key) if resume else set()
    cross = cross_year and "check" in st.names
    opts = Options(str(root.resolve()), str(parts) if engine == "local" else None, stages, theme_model,
                   task_timeout, task_memory_mb, keep_json=cross or html, retire=engine == "local", full_json=html)
    if engine == "local":  # imported once here: the forked workers and the final step start with them
        import gc

        import duckdb  # noqa: F401
        import orjson  # noqa: F401
        import pyarrow.compute  # noqa: F401 - the final step's two children use it (0.09 s to import)
        import pyarrow.parquet  # noqa: F401

        gc.collect()
        gc.freeze()  # what the workers inherit is not scanned by their collector (nor copied on write by it)
    eng: Any = _Local(max(1, workers), done, max_tasks_per_child) if engine == "local" else _Ray(workers, address)
    size = max(1, min(chunk, -(-len(rels) // (4 * eng.workers)))) if rels else 1
    with open(work / "records.jsonl", "a+", encoding="utf-8") as fh:
        fh.seek(0)
        n = sum(1 for _ in fh)  # the next record's number: a later line wins on resume
    records, inputs = _append(work / "records.jsonl"), open(work / "inputs.jsonl", "w", encoding="utf-8")
    stats: dict[str, Any] = {"retried_inputs": 0, "retired_workers": 0, "workers_peak_rss_mb": 0.0}
    n_processed = n_skipped = n_failed = 0
    timings: dict[str, float] = {"tasks": 0.0}
    bar.set_description("batch")
    try:
        for res in _drive(eng, opts, _chunks(rels, size, eng, root, done), stats):
            if res.get("tables") is not None:  # Ray: the driver writes the part
                store.write_part(parts, res["part"], res["tables"], res["spool"])
            for k, v in (res.get("timings", {}) | {"tasks": res.get("cpu_s", 0.0)}).items():
                timings[k] = timings.get(k, 0.0) + v
            stats["workers_peak_rss_mb"] = max(stats["workers_peak_rss_mb"], res.get("peak_rss_mb", 0.0))
            for rec in res["records"]:
                _line(inputs, {"i": rec["i"], "path": rec["path"], "sha256": rec["sha256"],
                               "reason": rec.get("reason") if rec["sha256"] is None else None})
                if rec["status"] == "skipped":
                    n_skipped += 1
                elif rec["sha256"] is not None:
                    n_processed += 1
                    if not rec.get("copy"):
                        _line(records, {"n": n, "key": key} | {k: rec.get(k) for k in (
                            "sha256", "path", "status", "reason", "format", "stages", "part", "json", "nf")})
                        n += 1
                n_failed += rec["status"] == "failed"
                if on_result is not None:
                    on_result(rec)
            records.flush()
            os.fsync(records.fileno())
            if n_failed:
                bar.set_postfix(failed=n_failed, refresh=False)
            bar.update(len(res["records"]))
        inputs.close()
        bar.close()
        t_process = time.perf_counter() - t_start

        # the final step: DuckDB, in a child process, builds the manifest and the sorted tables from the parts
        t0 = time.perf_counter()
        cy: dict[str, Any] = {"reports": 0, "failed_tasks": []}
        first = _in_child(engine, store.finalize_first, str(work), str(out))
        if "error" not in first and cross:
            for g, tab, e in _tasks(eng, run_cross_year, opts, _cy_groups(work, parts, engine)):
                cy["reports"] += len(g)
                if e is not None:  # recorded in the summary; the per-report results stand
                    cy["failed_tasks"].append({"reports": [x["r"] if isinstance(x, dict) else x[0] for x in g[:5]],
                                               "n": len(g), "reason": f"{type(e).__name__}: {str(e).strip()[:300]}"})
                elif tab is not None and tab.num_rows:  # Ray: the driver writes the part
                    store.write_part(parts, f"cy{g[0][0]}", {"cy_findings": tab})
        eng.close()
        second = first if "error" in first else _in_child(engine, store.finalize_second, str(work), str(out),
                                                           database)
        if "error" in second:
            raise BatchError(f"the final tables could not be written: {second['error']}; every input's result is "
                             f"kept in {work}: rerun with --resume to finish without processing them again",
                             origin=str(out))
        t_write = time.perf_counter() - t0
        if html and isinstance(err := _in_child(engine, store.write_html, str(work), str(out), str(root)), dict):
            raise BatchError(f"the overview pages could not be written: {err['error']}", origin=str(out / "html"))
    finally:
        bar.close()
        records.close()
        inputs.close()
        eng.close()

    files = {}
    for name in (*(f"{t}.parquet" for t in TABLES), "manifest.jsonl"):
        with open(out / name, "rb") as fb:
            files[name] = hashlib.file_digest(fb, "sha256").hexdigest()
    described = st.describe()
    if cross:
        described["check"]["note"] += "; cy.* rules over each agency's years after the per-report pass"
    counts = {"reports": first["reports"], **second["tables"]}
    summary = {"schema": MANIFEST_SCHEMA, "data_schema": SCHEMA_VERSION, "gsnlp_version": __version__,
               **{k: first[k] for k in ("n_in", "n_ok", "n_failed")}, "n_reports": first["reports"],
               **{k: first[k] for k in ("n_duplicates", "n_format_duplicates", "failures")}, "stages": described,
               "cross_year": cy, "tables": {t: counts[t] for t in TABLES}, "files": files}
    if summary["n_in"] != len(rels) or summary["n_in"] != summary["n_ok"] + summary["n_failed"]:
        raise BatchError(f"accounting broken: {len(rels)} inputs listed, manifest says {summary['n_in']}; "
                         "rerun with --resume", origin=str(out))
    (out / "manifest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - t_start
    stats |= {
        "engine": eng.name, "workers": eng.workers, "n_in": len(rels), "n_processed": n_processed,
        "n_skipped": n_skipped, "chunk": size, "wall_s": round(wall, 3), "process_s": round(t_process, 3),
        "final_s": round(t_write, 3), "tasks_cpu_s": round(timings.pop("tasks"), 3),
        "stage_cpu_s": {k: round(v, 3) for k, v in sorted(timings.items())},
        "parent_cpu_s": round(time.process_time() - c_start, 3),
        # local engine: every worker's and the final step's CPU (exited children only: all of them by now)
        "children_cpu_s": round(ch.ru_utime + ch.ru_stime - ch_start.ru_utime - ch_start.ru_stime, 3),
        "final_cpu_s": round(first.get("cpu_s", 0) + second.get("cpu_s", 0), 3),
        "reports_per_s": round(len(rels) / wall, 2) if wall else None, "parent_peak_rss_mb": peak_rss_mb(),
        "final_peak_rss_mb": max(first.get("peak_rss_mb", 0), second.get("peak_rss_mb", 0)),
        # the largest child the calling process ever waited for (ru_maxrss): this run's, when it is a command
        "children_peak_rss_mb": round(ch.ru_maxrss / 1024, 1)}
    (out / "run_stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return BatchSummary(summary["n_in"], summary["n_ok"], summary["n_failed"], n_processed, n_skipped, out,
                        summary, stats)
