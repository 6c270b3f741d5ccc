"""Where batch results go: an append-only spool while the run works, then deterministic
Parquet files and a DuckDB database.

The spool (``OUT/.work/``) holds one Arrow IPC file per table per chunk of reports, written by
the worker that processed the chunk (``write_spool``), and an index (``index.jsonl``, one line
per processed content hash, appended by the parent after the chunk's spool files are closed).
It is what makes a run resumable: a hash whose latest index line has rows is done. ``Index``
reads it back compactly (sorted 128-bit keys and line offsets; the lines stay on disk).

``write_table`` turns the spool into ``OUT/<table>.parquet`` (one call per table, so the six
tables can be written by different processes; ``run_batch`` runs it in fresh processes, see
``gsnlp.batch._procs``), rows sorted by ``(report_id, seq)``: the included reports
(``save_include``) are range-partitioned by their rank in the sorted list of report ids into
buckets of at most ``BUCKET_REPORTS`` (200) reports, each bucket is sorted in memory and
appended to the Parquet writer. Memory is bounded by the rows buffered between spool and bucket
files (``FLUSH_BYTES``, ``FLUSH_PARTS``) and one bucket, whatever the number of reports; the
output depends only on the set of inputs. ``write_duckdb`` loads the database from the Parquet
files and the manifest entries, each table as soon as its file is complete.
"""

from __future__ import annotations

import json
import math
import os
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import TABLES, schemas

BUCKET_REPORTS = 200
ROW_GROUP_ROWS = 65536
# bytes of rows held in memory between the spool files and the bucket files. With
# BUCKET_REPORTS this bounds the memory of writing a table, whatever the number of reports
FLUSH_BYTES = 16 << 20
FLUSH_PARTS = 32  # and at most this many spool files' worth (each costs its column objects)


def _ipc_options() -> Any:
    """Spool files are LZ4-compressed: a tenth of the bytes to write and read back (bucket files,
    read back at once, are not)."""
    import pyarrow as pa

    return pa.ipc.IpcWriteOptions(compression="lz4")


def write_spool(spool_dir: Path, k: int, batches: dict[str, Any]) -> None:
    """The spool files ``<k>.<table>.arrow`` of one chunk (each written to a temporary name,
    then renamed: a file under its final name is complete)."""
    import pyarrow as pa

    sch = schemas()
    for t in TABLES:
        tmp = spool_dir / f"{k:06d}.{t}.arrow.tmp"
        with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, sch[t], options=_ipc_options()) as w:
            if batches[t].num_rows:
                w.write_batch(batches[t])
        os.replace(tmp, spool_dir / f"{k:06d}.{t}.arrow")


class Spool:
    """The index side of the spool: the workers write the spool files of each chunk
    (``write_spool``); this process reserves their numbers and appends the index lines, every
    ``flush_every`` lines and at the end (each line after its chunk's files are complete)."""

    def __init__(self, work: Path, flush_every: int = 256) -> None:
        self.dir = work / "spool"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index_path = work / "index.jsonl"
        self.flush_every = flush_every
        # the first spool file number not used by an earlier (resumed) run
        self._k = 1 + max((int(p.name.split(".")[0]) for p in self.dir.glob("*.reports.arrow")), default=-1)
        self._pending: list[dict[str, Any]] = []
        # a line cut by a crash must not swallow the first line appended now
        self._newline = False
        if self.index_path.exists() and self.index_path.stat().st_size:
            with open(self.index_path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                self._newline = fh.read(1) != b"\n"

    def reserve(self, n: int) -> int:
        """The first of ``n`` fresh spool file numbers."""
        k = self._k
        self._k += n
        return k

    def add(self, record: dict[str, Any]) -> None:
        """``record`` is the index line of one processed hash (with ``spool`` and ``rows`` when it
        has rows, already written by a worker)."""
        self._pending.append(record)
        if len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        with open(self.index_path, "a", encoding="utf-8") as fh:
            if self._newline:
                fh.write("\n")
                self._newline = False
            fh.writelines(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in self._pending)
            fh.flush()
            os.fsync(fh.fileno())
        self._pending = []


KEY_LEN = 32  # hex digits of the sha256 kept as the key (128 bits; the report id is the first 64)


class Index:
    """sha256 -> its latest line of ``index.jsonl`` (a later line wins: a retried failure, a
    re-run), without holding the lines: the keys sorted (the first ``KEY_LEN`` hex digits of the
    hash, 32 bytes) and the byte offset of each key's latest line (8 bytes); ``record(j)`` reads a
    line back. A line cut by a crash is
    skipped (that hash is simply redone). Use as a context manager (it keeps the file open)."""

    def __init__(self, work: Path) -> None:
        import numpy as np

        self.path = work / "index.jsonl"
        keys = bytearray()
        offs = array("q")
        done = bytearray()
        if self.path.exists():
            with open(self.path, "rb") as fh:
                pos = 0
                for line in fh:
                    n = len(line)
                    try:
                        r = json.loads(line)
                        sha = r["sha256"]
                        ok = len(sha) == 64 and sha.isascii()
                    except (ValueError, KeyError, TypeError):
                        ok = False
                    if ok:
                        keys += sha[:KEY_LEN].encode("ascii")
                        offs.append(pos)
                        done.append(r.get("status") != "failed" and r.get("spool") is not None)
                    pos += n
        # no copy of the keys but the sorted one (32 bytes + 17 per line while sorting)
        dt = f"S{KEY_LEN}"
        order = np.argsort(np.frombuffer(keys, dtype=dt), kind="stable")  # equal keys: file order, last = latest
        k = np.frombuffer(keys, dtype=dt)[order]
        del keys
        o = np.frombuffer(offs, dtype=np.int64)[order]
        d = np.frombuffer(done, dtype=np.bool_)[order]
        del order, offs, done
        last = np.append(k[1:] != k[:-1], True) if len(k) else np.zeros(0, dtype=np.bool_)
        if not last.all():  # a hash with more than one line (retried, re-run): keep the latest
            k, o, d = k[last], o[last], d[last]
        self.keys, self.offsets, self._done = k, o, d
        self._fh: Any = None

    def __len__(self) -> int:
        return len(self.keys)

    def done(self) -> Any:
        """The sorted keys whose latest line has rows: what a resumed run skips."""
        return self.keys[self._done]

    def find(self, sha: str) -> int:
        """The position of ``sha`` among the keys, -1 when it has no line."""
        return find_key(self.keys, sha)

    def record(self, j: int) -> dict[str, Any]:
        if self._fh is None:
            self._fh = open(self.path, "rb")
        self._fh.seek(int(self.offsets[j]))
        return json.loads(self._fh.readline())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def find_key(keys: Any, sha: str) -> int:
    """Position of ``sha`` in sorted keys (``Index.keys``), or -1."""
    import numpy as np

    b = sha[:KEY_LEN].encode("ascii")
    i = int(np.searchsorted(keys, b))
    return i if i < len(keys) and keys[i] == b else -1


def new_include(n: int) -> Any:
    """The array ``save_include`` writes, for ``n`` included reports, zeros: column 0 the spool
    file of each report (by rank: sorted report id), then ``(offset, length)`` of its rows in each
    table (``TABLES`` order). int32 and column-major, so that a table writer maps the file and
    reads only its own columns."""
    import numpy as np

    return np.zeros((n, 1 + 2 * len(TABLES)), dtype=np.int32, order="F")


def save_include(work: Path, include: Any) -> Path:
    """``.work/include.npy`` (see ``new_include``)."""
    import numpy as np

    p = work / "include.npy"
    np.save(p, include)
    return p


def table_blocks(include: Path, t: str) -> Any:
    """Where the rows of table ``t`` of the included reports are: an int64 array of
    ``(spool file, offset, length, rank)`` rows (reports without rows in ``t`` left out)."""
    import numpy as np

    a = np.load(include, mmap_mode="r")
    i = TABLES.index(t)
    length = np.asarray(a[:, 2 + 2 * i], dtype=np.int64)
    rank = np.nonzero(length)[0]
    spool = np.asarray(a[:, 0], dtype=np.int64)[rank]
    offset = np.asarray(a[:, 1 + 2 * i], dtype=np.int64)[rank]
    return np.column_stack([spool, offset, length[rank], rank]).reshape(-1, 4)


def _bucket_count(n: int) -> int:
    """Buckets of ``BUCKET_REPORTS`` reports, each an open file while the spool is read: the limit
    on open files is raised to fit them where the system allows; where it does not (≈ 200,000
    reports and more under a hard limit of 1,024), buckets hold more reports instead."""
    want = max(1, math.ceil(n / BUCKET_REPORTS))
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        need = want + 64  # spool files, the Parquet writer, Python's own
        if soft != resource.RLIM_INFINITY and soft < need:
            new = need if hard == resource.RLIM_INFINITY else min(need, hard)
            resource.setrlimit(resource.RLIMIT_NOFILE, (new, hard))
            soft = new
        if soft != resource.RLIM_INFINITY and soft < need:
            return max(1, min(want, soft - 64))
    except (ImportError, ValueError, OSError):
        pass
    return want


def write_table(work: Path, out: Path, t: str, include: Path, n: int, paths: Path | None = None) -> dict[str, int]:
    """Write ``out/<t>.parquet`` from the spool: ``include`` as written by ``save_include``, ``n``
    the number of included reports, ``paths`` (reports table only) a file of the canonical input
    path of each report, one JSON string per line, by rank. Returns the number of rows written
    (``rows``), of buckets and of bucket files written (``buckets``, ``bucket_files``)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schemas()[t]
    n_buckets = _bucket_count(n)
    bdir = work / "buckets"
    bdir.mkdir(exist_ok=True)
    ranked_schema = sch.append(pa.field("_rank", pa.int64()))
    # Rows taken from the spool files wait in memory (one table per spool file, with the bucket
    # of each row) until FLUSH_BYTES of them have gathered; then each bucket's share goes to its
    # file in one write. What is left at the end is read from memory (a small batch never touches
    # the bucket files). Per spool file one table, not one slice per bucket: a slice costs its
    # own column objects (≈ 10 KB), more than the rows of a small table.
    pending: list[Any] = []
    pending_bucket: list[Any] = []
    writers: dict[int, Any] = {}
    buffered = 0

    def by_bucket() -> Iterator[tuple[int, Any]]:
        """The pending rows, bucket by bucket (and nothing pending after)."""
        nonlocal buffered
        if not pending:
            return
        bk = np.concatenate(pending_bucket)
        o = np.argsort(bk, kind="stable")
        big = pa.concat_tables(pending).take(pa.array(o))  # one copy, in bucket order
        pending.clear()
        pending_bucket.clear()
        buffered = 0
        bounds = np.searchsorted(bk[o], np.arange(n_buckets + 1))
        for b in range(n_buckets):
            if bounds[b + 1] > bounds[b]:
                yield b, big.slice(int(bounds[b]), int(bounds[b + 1] - bounds[b]))

    def flush() -> None:
        for b, part in by_bucket():
            if b not in writers:  # bucket files are short-lived and read back at once: not compressed
                writers[b] = pa.ipc.new_stream(str(bdir / f"{t}.{b}.arrow"), ranked_schema)
            writers[b].write_table(part)

    blocks = table_blocks(include, t)
    try:
        if len(blocks):
            blocks = blocks[np.argsort(blocks[:, 0], kind="stable")]
            ks, starts_at = np.unique(blocks[:, 0], return_index=True)
            ends_at = np.append(starts_at[1:], len(blocks))
            for k, i0, i1 in zip(ks.tolist(), starts_at.tolist(), ends_at.tolist()):
                with pa.memory_map(str(work / "spool" / f"{k:06d}.{t}.arrow")) as src:
                    tab = pa.ipc.open_file(src).read_all()
                bl = blocks[i0:i1]
                off, length, rank = bl[:, 1], bl[:, 2], bl[:, 3]
                starts = np.repeat(off - np.concatenate(([0], np.cumsum(length)[:-1])), length)
                rows = starts + np.arange(int(length.sum()))
                ranks = np.repeat(rank, length)
                part = tab.take(pa.array(rows)).append_column("_rank", pa.array(ranks, pa.int64()))
                pending.append(part)
                pending_bucket.append((ranks * n_buckets) // max(n, 1))
                buffered += part.nbytes
                if buffered >= FLUSH_BYTES or len(pending) >= FLUSH_PARTS:
                    flush()
    finally:
        for w in writers.values():
            w.close()
    n_files = len(writers)
    left = dict(by_bucket())
    total = 0
    final = out / f"{t}.parquet"
    tmp = out / f".{t}.parquet.tmp"
    # the canonical paths (reports table), read bucket by bucket: bucket b holds ranks [lo(b), lo(b + 1))
    path_fh = open(paths, encoding="utf-8") if paths is not None else None  # noqa: SIM115
    try:
        with pq.ParquetWriter(str(tmp), sch, compression="zstd", write_statistics=True) as pw:
            for b in range(n_buckets):
                got = [left.pop(b)] if b in left else []
                if b in writers:
                    bp = bdir / f"{t}.{b}.arrow"
                    with pa.memory_map(str(bp)) as src:
                        got.insert(0, pa.ipc.open_stream(src).read_all())
                    bp.unlink()
                lo, hi = -(-b * n // n_buckets), -(-(b + 1) * n // n_buckets)
                path_arr = None
                if path_fh is not None:
                    path_arr = pa.array([json.loads(path_fh.readline()) for _ in range(hi - lo)], pa.string())
                if not got or sum(x.num_rows for x in got) == 0:
                    continue
                tab = pa.concat_tables(got)
                # numeric sort key: rank of the report id, then the row's position in its report
                key = tab["_rank"].to_numpy() * (1 << 24)
                if "seq" in tab.column_names:
                    key = key + tab["seq"].to_numpy().astype(np.int64)
                tab = tab.take(pa.array(np.argsort(key, kind="stable")))
                if path_arr is not None:
                    local = pa.array(tab["_rank"].to_numpy() - lo)
                    tab = tab.set_column(tab.schema.get_field_index("path"), "path", path_arr.take(local))
                tab = tab.drop_columns(["_rank"])
                pw.write_table(tab, row_group_size=ROW_GROUP_ROWS)
                total += tab.num_rows
    finally:
        if path_fh is not None:
            path_fh.close()
    os.replace(tmp, final)
    return {"rows": total, "buckets": n_buckets, "bucket_files": n_files}


# the order in which run_batch hands the tables to its writer processes: the largest (last here)
# first, then the others in this order; write_duckdb loads each as soon as it is announced
LOAD_ORDER = ("reports", "sections", "figures", "clauses", "findings", "cells")
DB_MEMORY_LIMIT = "64MB"
# the inputs table from the manifest entries (one JSON object per line), the reason flattened
_INPUTS_SQL = """
CREATE TABLE inputs AS
SELECT path, sha256, report_id, status, duplicate_of, reason.stage AS reason_stage, reason.code AS reason_code,
       reason.type AS reason_type, reason.message AS reason_message
FROM read_json(?, format = 'newline_delimited', columns = {
    'path': 'VARCHAR', 'sha256': 'VARCHAR', 'report_id': 'VARCHAR', 'status': 'VARCHAR', 'duplicate_of': 'VARCHAR',
    'reason': 'STRUCT(stage VARCHAR, code VARCHAR, type VARCHAR, message VARCHAR)'})
"""


def write_duckdb(out: Path, entries: Path, announced: Iterable[str]) -> Path:
    """``out/gsnlp.duckdb``: the six tables from the Parquet files, plus ``inputs`` from
    ``entries`` (the manifest entries, one JSON object per line).

    ``announced`` yields the names of the tables (and ``inputs``) as their files become complete,
    in any order; each is loaded when it is announced. Run by ``gsnlp.batch._procs db`` in a
    process of its own: DuckDB's memory (bounded by ``DB_MEMORY_LIMIT`` plus ≈ 80 MB of its own, whatever
    the number of rows) is then not added to the batch's parent."""
    try:
        import duckdb
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the batch database", "data", "duckdb") from e

    db = out / "gsnlp.duckdb"
    tmp = out / ".gsnlp.duckdb.tmp"
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    want = {*TABLES, "inputs"}
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET threads = 1")  # one thread: tables keep the Parquet (and manifest) row order
        # bounded memory whatever the corpus size: DuckDB writes blocks out instead of holding them
        con.execute(f"SET memory_limit = '{DB_MEMORY_LIMIT}'")
        con.execute("SET temp_directory = ?", [str(out / ".work" / "duckdb_tmp")])
        for t in announced:
            if t not in want:
                raise ValueError(f"unexpected or repeated table {t!r}; expected one of {sorted(want)}")
            want.discard(t)
            if t == "inputs":
                con.execute(_INPUTS_SQL, [str(entries)])
            else:
                con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(out / f"{t}.parquet")])
        if want:
            raise ValueError(f"the run ended before these tables were ready: {sorted(want)}")
        con.execute(VIEWS)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, db)
    return db


# Convenience views: the applications table as one row per report and row, numbers as columns.
VIEWS = """
CREATE VIEW applications AS
SELECT c.report_id, r.agency, r.year, r.template, c.row_id,
       max(c.num) FILTER (WHERE c.column_id = 'natural_person') AS natural_person,
       max(c.num) FILTER (WHERE c.column_id = 'commercial') AS commercial,
       max(c.num) FILTER (WHERE c.column_id = 'research') AS research,
       max(c.num) FILTER (WHERE c.column_id = 'social_welfare') AS social_welfare,
       max(c.num) FILTER (WHERE c.column_id = 'legal_service') AS legal_service,
       max(c.num) FILTER (WHERE c.column_id = 'other_org') AS other_org,
       max(c.num) FILTER (WHERE c.column_id = 'total') AS total
FROM cells c JOIN reports r USING (report_id)
WHERE c.table_id = 'applications'
GROUP BY ALL;
"""

