"""``run_batch``: every file under a folder through ``process_bytes``, on a local process pool
(pebble) or on Ray, then the final tables, manifest and database built by DuckDB (``store``).

Accounting: every file under the input folder is an input and gets one manifest entry, ``ok``
or ``failed`` with a non-empty reason, so ``n_in = n_ok + n_failed`` always. A chunk whose
worker dies (a crash, the kernel's OOM killer, the per-input time budget) is retried one input
at a time; an input that kills its worker alone fails with ``input_too_complex`` (time) or
``worker_died``. Resume is by content hash (``OUT/.work/records.jsonl``). Outputs depend
only on the set of inputs: ids come from content, rows are sorted, run statistics go to
``run_stats.json``, which is not data.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gsnlp.batch import limits
from gsnlp.batch.schema import SCHEMA_VERSION, TABLES
from gsnlp.batch.stages import STAGE_NAMES, load_stages

MANIFEST_SCHEMA = "gsnlp.batch.manifest/2"
ENGINES = ("local", "ray")
RETIRE_EXIT = 75  # a worker that hit its memory budget ends itself before its next chunk

Item = tuple[int, str, bytes | None]  # (input number, relative path, bytes when shipped)


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
        for line in fh:
            if line.strip():
                yield json.loads(line)


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

_DONE: set[str] = set()
_RETIRE = [False]


def init_worker(done: set[str]) -> None:
    global _DONE
    _DONE = done


def run_chunk(opts: Options, items: list[Item]) -> dict[str, Any]:
    """Process a chunk of inputs; their rows become one part (written here, or returned as Arrow
    tables when ``opts.parts`` is None). Returns one small record per input."""
    if _RETIRE[0]:
        os._exit(RETIRE_EXIT)  # the engine hands this chunk to a fresh worker
    from gsnlp.batch.store import REPORT_JSON, rows_to_tables, write_part
    from gsnlp.batch.work import INPUT_TOO_COMPLEX, process_bytes

    c0 = time.process_time()
    st = load_stages(opts.stages, opts.theme_model)
    records: list[dict[str, Any]] = []
    rows: dict[str, list[dict[str, Any]]] = {}
    timings: dict[str, float] = {}
    for i, rel, data in items:
        rec: dict[str, Any] = {"i": i, "path": rel, "sha256": None}
        records.append(rec)
        if data is None:
            try:
                data = (Path(opts.root) / rel).read_bytes()
            except OSError as e:
                rec.update(status="failed", reason={"stage": "read", "code": "E100", "type": type(e).__name__,
                                                    "message": f"{e.strerror or e}; check the file's permissions"})
                continue
        sha = rec["sha256"] = hashlib.sha256(data).hexdigest()
        if sha in _DONE:
            rec["status"] = "skipped"
            continue
        with limits.budget(opts.task_timeout, opts.task_memory_mb):
            r = process_bytes(data, rel, st, sha256=sha, keep_report=opts.keep_json)
        del data
        rec.update(status=r.status, reason=r.reason, format=r.format, stages=list(r.stages))
        if r.reason and r.reason["code"] == INPUT_TOO_COMPLEX and opts.retire:
            _RETIRE[0] = True
        for k, v in r.timings.items():
            timings[k] = timings.get(k, 0.0) + v
        if r.rows["reports"]:
            rec["part"] = True
            for t, rr in r.rows.items():
                rows.setdefault(t, []).extend(rr)
            if r.report is not None:
                rows.setdefault(REPORT_JSON, []).append({"report_id": r.report_id, "json": _dumps(r.report.to_dict())})
    t0 = time.process_time()
    tables = None
    if rows:
        import uuid

        name = uuid.uuid4().hex
        tables = rows_to_tables(rows)
        if opts.parts is not None:
            write_part(Path(opts.parts), name, tables)
            tables = None
        for rec in records:
            if rec.pop("part", None):
                rec["part"] = name
    timings["write_part"] = time.process_time() - t0
    return {"records": records, "tables": tables, "timings": timings, "cpu_s": time.process_time() - c0,
            "pid": os.getpid()}


def _dumps(obj: Any) -> str:
    """JSON text of the report for the cross-year pass (orjson, of the ``data`` extra: a tenth of
    json's CPU; the text is read back by the batch only, never written to an output)."""
    import orjson

    return str(orjson.dumps(obj).decode("utf-8"))


def run_cross_year(opts: Options, reports: list[tuple[str, str]]) -> Any:
    """The cross-year (``cy.*``) findings of whole agencies (``(report_id, Report JSON)`` pairs) as
    an Arrow table of the findings schema (``seq`` in the order the rules give them)."""
    import pyarrow as pa

    from gsnlp.batch.schema import schemas
    from gsnlp.batch.work import _finding_rows
    from gsnlp.doc import Report
    from gsnlp.pipeline import cross_year

    reps = [Report.from_dict(json.loads(js)) for _, js in reports]
    rid = {rep.doc_id: r for (r, _), rep in zip(reports, reps)}
    by_report: dict[str, list[Any]] = {}
    for f in cross_year(reps):
        if f.doc in rid:
            by_report.setdefault(rid[f.doc], []).append(f)
    rows = [row for r in sorted(by_report) for row in _finding_rows(by_report[r], r)]
    return pa.Table.from_pylist(rows, schema=schemas()["findings"])


# ---------------------------------------------------------------------------------------
# engines: submit(fn, opts, payload, timeout) -> Future


class _Local:
    """A pebble process pool: a dead or timed-out worker fails only its own task and is replaced."""

    name = "local"

    def __init__(self, workers: int, done: set[str], max_tasks: int) -> None:
        import multiprocessing as mp

        from pebble import ProcessPool

        # fork: workers start with the stages the parent loaded (no second load per worker)
        ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
        self.workers = workers
        def new() -> Any:
            return ProcessPool(max_workers=workers, max_tasks=max_tasks, initializer=init_worker,
                               initargs=(done,), context=ctx)

        self._new = new
        self.pool: Any = self._new()

    def submit(self, fn: Callable[..., Any], opts: Options, payload: Any, timeout: float | None) -> Future[Any]:
        try:
            fut: Future[Any] = self.pool.schedule(fn, args=(opts, payload), timeout=timeout)
        except RuntimeError:  # the pool broke (workers killed while sending): its tasks were aborted
            old, self.pool = self.pool, self._new()
            old.stop()
            fut = self.pool.schedule(fn, args=(opts, payload), timeout=timeout)
        return fut

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
        self.ray = ray
        self.started = not ray.is_initialized()
        if self.started:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
        self.workers = max(1, int(ray.cluster_resources().get("CPU", workers)))  # type: ignore[no-untyped-call]
        self._fns: dict[Any, Any] = {}

    def submit(self, fn: Callable[..., Any], opts: Options, payload: Any, timeout: float | None) -> Future[Any]:
        if fn not in self._fns:
            self._fns[fn] = self.ray.remote(max_retries=0, num_cpus=1)(fn)
        fut: Future[Any] = self._fns[fn].remote(opts, payload).future()
        return fut

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


def _drive(eng: Any, opts: Options, chunks: Iterable[list[Item]], ready: Callable[[], list[dict[str, Any]]],
           stats: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The result of every chunk, in any order. A chunk whose task failed is retried one input at
    a time; an input whose solo task fails gets a failed record with the reason. ``ready``
    gives records made without a task (inputs the driver skipped), yielded as they come.
    ``stats`` counts the inputs retried alone and the workers retired."""
    pending: dict[Future[Any], list[Item]] = {}
    retry: list[list[Item]] = []
    broken: dict[int, int] = {}  # input -> times its solo task was aborted with a broken pool
    it = iter(chunks)
    exhausted = False
    while True:
        while len(pending) < 2 * eng.workers and (retry or not exhausted):
            items = retry.pop() if retry else next(it, None)
            if items is None:
                exhausted = True
                break
            if items:
                pending[eng.submit(run_chunk, opts, items, _hard_timeout(opts, len(items)))] = items
        done_records = ready()
        if done_records:
            yield {"records": done_records}
        if not pending:
            if exhausted and not retry:
                break
            continue
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for f in done:
            items = pending.pop(f)
            try:
                yield f.result()
            except Exception as e:  # noqa: BLE001 - a dead worker, a timeout, a task that raised
                code = eng.exitcode(e)
                pool_broke = type(e).__name__ == "BrokenProcessPool"  # the pool's fault, not this input's
                if pool_broke and len(items) == 1 and broken.get(items[0][0], 0) < 2:
                    broken[items[0][0]] = broken.get(items[0][0], 0) + 1
                    retry.append(items)
                elif code == RETIRE_EXIT:
                    retry.append(items)
                    stats["retired_workers"] = stats.get("retired_workers", 0) + 1
                elif len(items) > 1:
                    retry.extend([x] for x in reversed(items))
                    stats["retried_inputs"] = stats.get("retried_inputs", 0) + len(items)
                else:
                    yield {"records": [_failed_record(items[0], e, code, opts)]}


def _failed_record(item: Item, exc: BaseException, code: int | None, opts: Options) -> dict[str, Any]:
    from concurrent.futures import TimeoutError as FutTimeout

    i, rel, data = item
    sha = hashlib.sha256(data).hexdigest() if data is not None else _sha_of(Path(opts.root) / rel)
    if isinstance(exc, FutTimeout):
        reason = {"stage": "worker", "code": "input_too_complex", "type": "InputTooComplexError",
                  "message": f"took more than {_hard_timeout(opts, 1):g} wall-clock seconds; the worker was stopped "
                             "and replaced (raise --task-timeout to allow more)"}
    elif code is not None or type(exc).__name__ in ("ProcessExpired", "WorkerCrashedError", "BrokenProcessPool"):
        reason = limits.died_reason(code, opts.task_timeout)
    else:
        msg = str(exc).strip() or repr(exc)
        reason = {"stage": "batch", "code": "E999", "type": type(exc).__name__, "message": msg[:500]}
    return {"i": i, "path": rel, "sha256": sha, "status": "failed", "reason": reason, "format": None, "stages": []}


def _sha_of(p: Path) -> str | None:
    try:
        with open(p, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def _done_hashes(work: Path) -> set[str]:
    """Hashes whose latest record is ok and has its part: what a resumed run skips."""
    latest: dict[str, bool] = {}
    p = work / "records.jsonl"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                try:
                    r = json.loads(line)
                    latest[r["sha256"]] = r.get("status") == "ok" and r.get("part") is not None
                except (ValueError, KeyError, TypeError):
                    continue  # a line cut by a crash: that hash is simply redone
    return {k for k, v in latest.items() if v}


def _peak_rss_kb() -> int:
    """This process's peak resident memory, KiB (``VmHWM``: ``ru_maxrss`` survives ``exec``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class _Appender:
    """A JSON Lines file appended to, each batch of lines flushed and fsynced; a line cut by a
    crash before does not swallow the first new one."""

    def __init__(self, path: Path, fresh: bool = False) -> None:
        cut = not fresh and path.exists() and path.stat().st_size > 0 and _last_byte(path) != b"\n"
        self.fh = open(path, "w" if fresh else "a", encoding="utf-8")  # noqa: SIM115 - closed in close()
        if cut:
            self.fh.write("\n")

    def write(self, objs: Iterable[dict[str, Any]]) -> None:
        self.fh.writelines(json.dumps(o, ensure_ascii=False, sort_keys=True) + "\n" for o in objs)

    def sync(self) -> None:
        self.fh.flush()
        os.fsync(self.fh.fileno())

    def close(self) -> None:
        self.fh.close()


def _last_byte(path: Path) -> bytes:
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


def _chunks(rels: list[str], size: int, eng: Any, root: Path, done: set[str],
            skipped: list[dict[str, Any]]) -> Iterator[list[Item]]:
    """Chunks of inputs; on Ray the bytes go with them (read here, inputs already done skipped)."""
    for j in range(0, len(rels), size):
        items = list(enumerate(rels[j:j + size], start=j))
        if eng.name == "local":
            yield [(i, rel, None) for i, rel in items]
            continue
        out: list[Item] = []
        for i, rel in items:
            try:
                data = (root / rel).read_bytes()
            except OSError as e:
                skipped.append({"i": i, "path": rel, "sha256": None, "status": "failed",
                                "reason": {"stage": "read", "code": "E100", "type": type(e).__name__,
                                           "message": f"{e.strerror or e}; check the file's permissions"}})
                continue
            sha = hashlib.sha256(data).hexdigest()
            if sha in done:
                skipped.append({"i": i, "path": rel, "sha256": sha, "status": "skipped"})
            else:
                out.append((i, rel, data))
        yield out


def run_batch(input_dir: str | Path, out_dir: str | Path, *, workers: int = 1, engine: str = "local",
              address: str | None = None, resume: bool = False, stages: tuple[str, ...] | None = None,
              theme_model: str | None = None, progress: bool | None = None, chunk: int = 32,
              database: bool = True, cross_year: bool = True, task_timeout: float | None = 60.0,
              task_memory_mb: int | None = 2048, max_tasks_per_child: int = 0,
              on_result: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Process every file under ``input_dir``; write the manifest, Parquet tables and DuckDB to ``out_dir``.

    Without ``resume`` an existing ``out_dir/.work`` is cleared first. ``stages`` limits the
    stages (default: every stage whose module is usable). ``progress`` defaults to "stderr is a
    terminal". ``chunk`` inputs make one task (one part); it does not change the outputs.
    ``task_timeout`` (CPU seconds) and ``task_memory_mb`` are the per-input budgets (None: none);
    ``max_tasks_per_child`` replaces a local worker after that many chunks (0: never).
    """
    from tqdm import tqdm

    from gsnlp import __version__
    from gsnlp.batch import store
    from gsnlp.errors import InputError, UnknownNameError

    root, out = Path(input_dir), Path(out_dir)
    if not root.is_dir():
        raise InputError("is not a folder; expected a folder of report files", origin=str(root))
    unknown = set(stages or ()) - set(STAGE_NAMES)
    if unknown:
        raise UnknownNameError("stage", min(unknown), STAGE_NAMES)
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
    bar = tqdm(total=len(rels), disable=not (sys.stderr.isatty() if progress is None else progress),
               unit="input", file=sys.stderr, mininterval=0.5, smoothing=0.05, desc="loading stages")
    st = load_stages(stages, theme_model)  # here first: a model that cannot be loaded fails before any work
    done = _done_hashes(work) if resume else set()
    opts = Options(str(root.resolve()), str(parts) if engine == "local" else None, stages, theme_model,
                   task_timeout, task_memory_mb, keep_json=cross_year and "check" in st.names,
                   retire=engine == "local")
    if engine == "local":
        # the first Arrow conversion imports pandas (pyarrow checks for it: ≈ 1 CPU s); done here once,
        # the forked workers start with it
        store.rows_to_tables({})
    eng: Any = _Local(max(1, workers), done, max_tasks_per_child) if engine == "local" else _Ray(workers, address)
    size = max(1, min(chunk, -(-len(rels) // (4 * eng.workers)))) if rels else 1
    records, inputs = _Appender(work / "records.jsonl"), _Appender(work / "inputs.jsonl", fresh=True)
    with open(work / "records.jsonl", encoding="utf-8") as fr:
        n = sum(1 for _ in fr)  # the next record's number: a later line wins on resume
    skipped_now: list[dict[str, Any]] = []
    drive_stats: dict[str, int] = {"retried_inputs": 0, "retired_workers": 0}
    n_processed = n_skipped = n_failed = 0
    timings: dict[str, float] = {}
    worker_cpu = 0.0
    bar.set_description("batch")
    try:
        def take() -> list[dict[str, Any]]:
            got = list(skipped_now)
            skipped_now.clear()
            return got

        for res in _drive(eng, opts, _chunks(rels, size, eng, root, done, skipped_now), take, drive_stats):
            if res.get("tables") is not None:  # Ray: the driver writes the part
                name = next(r["part"] for r in res["records"] if r.get("part"))
                store.write_part(parts, name, res["tables"])
            for k, v in res.get("timings", {}).items():
                timings[k] = timings.get(k, 0.0) + v
            worker_cpu += res.get("cpu_s", 0.0)
            for rec in res["records"]:
                inputs.write([{"i": rec["i"], "path": rec["path"], "sha256": rec["sha256"],
                               "reason": rec.get("reason") if rec["sha256"] is None else None}])
                if rec["status"] == "skipped":
                    n_skipped += 1
                elif rec["sha256"] is not None:
                    n_processed += 1
                    records.write([{"n": n, "sha256": rec["sha256"], "status": rec["status"], "reason": rec["reason"],
                                    "format": rec.get("format"), "stages": rec.get("stages"),
                                    "part": rec.get("part")}])
                    n += 1
                n_failed += rec["status"] == "failed"
                if on_result is not None:
                    on_result(rec)
            records.sync()
            if n_failed:
                bar.set_postfix(failed=n_failed, refresh=False)
            bar.update(len(res["records"]))
        inputs.sync()
        t_process = time.perf_counter() - t_start
        bar.close()
        records.close()
        inputs.close()

        # the final step: DuckDB builds the manifest and the sorted tables from the parts
        t0 = time.perf_counter()
        store.write_empty_parts(parts)
        cy_dir = parts / "cy_findings"
        for p in cy_dir.glob("*.parquet"):
            if p.name != "_empty.parquet":
                p.unlink()
        con = store.connect(work, threads=1)  # one thread: the same row groups whatever the run
        cy_stats: dict[str, Any] = {"groups_reports": 0, "tasks": 0, "failed": []}
        try:
            store.prepare(con, work)
            counts_in = store.write_manifest(con, out)

            def cross() -> None:
                if not opts.keep_json:
                    return
                batches = store.cross_year_groups(con, parts, out)
                for k, (tab, err) in enumerate(_map_cross_year(eng, opts, batches, cy_stats)):
                    if tab is not None and tab.num_rows:
                        store.write_part(parts, f"cy{k:06d}", {"cy_findings": tab})

            counts = store.write_tables(con, parts, out, cross)
            n_fmt_dup = con.execute(f"SELECT count(duplicate_of) FROM read_parquet({store._q(out / 'reports.parquet')})"
                                    ).fetchone()[0]
            eng.close()
            if database:
                store.write_duckdb(out, work)
        except Exception as e:
            if "duckdb" not in type(e).__module__:
                raise
            from gsnlp.errors import BatchError

            raise BatchError(f"the final tables could not be written: {e}; every input's result is kept in "
                             f"{work}: rerun with --resume to finish without processing them again",
                             origin=str(out)) from e
        finally:
            con.close()
        t_write = time.perf_counter() - t0
    finally:
        bar.close()
        records.close()
        inputs.close()
        eng.close()

    files = {}
    for t in TABLES:
        with open(out / f"{t}.parquet", "rb") as fh:
            files[f"{t}.parquet"] = hashlib.file_digest(fh, "sha256").hexdigest()
    with open(out / "manifest.jsonl", "rb") as fh:
        files["manifest.jsonl"] = hashlib.file_digest(fh, "sha256").hexdigest()
    described = st.describe()
    if opts.keep_json:
        described["check"]["note"] += "; cy.* rules over each agency's years after the per-report pass"
    summary = {"schema": MANIFEST_SCHEMA, "data_schema": SCHEMA_VERSION, "gsnlp_version": __version__,
               **{k: counts_in[k] for k in ("n_in", "n_ok", "n_failed")},
               "n_reports": counts["reports"], "n_duplicates": counts_in["n_duplicates"],
               "n_format_duplicates": n_fmt_dup, "failures": counts_in["failures"], "stages": described,
               "cross_year": {"reports": cy_stats["groups_reports"], "failed_tasks": cy_stats["failed"]},
               "tables": counts, "files": files}
    if summary["n_in"] != len(rels) or summary["n_in"] != summary["n_ok"] + summary["n_failed"]:
        from gsnlp.errors import BatchError

        raise BatchError(f"accounting broken: {len(rels)} inputs listed, manifest says {summary['n_in']}; "
                         "rerun with --resume", origin=str(out))
    (out / "manifest.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - t_start
    stats = {"engine": eng.name, "workers": eng.workers, "n_in": len(rels), "n_processed": n_processed,
             "n_skipped": n_skipped, "chunk": size, **drive_stats, "wall_s": round(wall, 3), "process_s": round(t_process, 3),
             "final_s": round(t_write, 3), "stage_cpu_s": {k: round(v, 3) for k, v in sorted(timings.items())},
             "tasks_cpu_s": round(worker_cpu, 3), "parent_cpu_s": round(time.process_time() - c_start, 3),
             # local engine: every worker's CPU from its start (exited workers only: all of them by now)
             "children_cpu_s": round(ch.ru_utime + ch.ru_stime - ch_start.ru_utime - ch_start.ru_stime, 3),
             "reports_per_s": round(len(rels) / wall, 2) if wall else None,
             "parent_peak_rss_mb": round(_peak_rss_kb() / 1024, 1),
             "children_peak_rss_mb": round(ch.ru_maxrss / 1024, 1)}
    (out / "run_stats.json").write_text(json.dumps(stats, indent=1) + "\n", encoding="utf-8")
    return BatchSummary(summary["n_in"], summary["n_ok"], summary["n_failed"], n_processed, n_skipped, out,
                        summary, stats)


def _map_cross_year(eng: Any, opts: Options, batches: Iterator[list[tuple[str, str]]],
                    stats: dict[str, Any]) -> Iterator[tuple[Any, str | None]]:
    """``run_cross_year`` over the batches on the engine, results in submission order."""
    pending: list[tuple[Future[Any], list[str]]] = []

    def collect(f: Future[Any], ids: list[str]) -> tuple[Any, str | None]:
        try:
            return f.result(), None
        except Exception as e:  # noqa: BLE001 - recorded in the summary; the per-report results stand
            why = f"{type(e).__name__}: {str(e).strip()[:300]}"
            stats["failed"].append({"reports": ids[:5], "n": len(ids), "reason": why})
            return None, why

    for b in batches:
        stats["groups_reports"] += len(b)
        stats["tasks"] += 1
        pending.append((eng.submit(run_cross_year, opts, b, _hard_timeout(opts, len(b))), [r for r, _ in b]))
        if len(pending) >= 2 * eng.workers:
            yield collect(*pending.pop(0))
    while pending:
        yield collect(*pending.pop(0))
