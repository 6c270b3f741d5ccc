"""Where batch results go: an append-only spool while the run works, then deterministic
Parquet files and a DuckDB database.

The spool (``OUT/.work/``) holds one Arrow IPC file per table per chunk of reports, written by
the worker that processed the chunk (``write_spool``), and an index (``index.jsonl``, one line
per processed content hash, appended by the parent after the chunk's spool files are closed).
It is what makes a run resumable: a hash whose latest index line has rows is done.

``write_table`` turns the spool into ``OUT/<table>.parquet`` (one call per table, so the six
tables can be written by different processes), rows sorted by
``(report_id, seq)``: the included reports are range-partitioned by their rank in the sorted
list of report ids into buckets of at most ``BUCKET_REPORTS`` (200) reports, each bucket is sorted
in memory and appended to the Parquet writer. Memory is bounded by the rows buffered between
spool and bucket files (``FLUSH_BYTES``, ``FLUSH_PARTS``) and one bucket, whatever the number of
reports; the output depends only on the set of inputs.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
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
            fh.writelines(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in self._pending)
            fh.flush()
            os.fsync(fh.fileno())
        self._pending = []


def read_index(work: Path) -> dict[str, dict[str, Any]]:
    """sha256 -> its latest index record (a later line wins: a retried failure, a re-run).

    The records are kept compact, as the whole index is in memory at the end of a run: keys and
    short values interned, ``stages`` a shared tuple, and ``rows`` (a ``{table: [offset,
    length]}`` object in the file) a flat tuple ``(offset, length) * len(TABLES)`` in
    ``TABLES`` order, length 0 where the report has no rows in that table."""
    out: dict[str, dict[str, Any]] = {}
    p = work / "index.jsonl"
    if not p.exists():
        return out
    shared: dict[Any, Any] = {}
    with open(p, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash: that hash is simply redone
                continue
            rec: dict[str, Any] = {}
            for k, v in r.items():
                if k == "rows" and v is not None:
                    v = tuple(x for t in TABLES for x in (v.get(t) or (0, 0)))
                elif k == "stages" and v is not None:
                    v = shared.setdefault(tuple(v), tuple(v))
                elif k in ("status", "format") and isinstance(v, str):
                    v = sys.intern(v)
                rec[sys.intern(k)] = v
            out[rec["sha256"]] = rec
    return out


def table_blocks(include: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per table, where the rows of the included reports are: an int64 array of
    ``(spool file, offset, length, rank)`` rows, ``rank`` the position of the report id in
    sorted order. Compact, so that another process can be given it."""
    import numpy as np

    acc: dict[str, list[tuple[int, int, int, int]]] = {t: [] for t in TABLES}
    for rank, rid in enumerate(sorted(include)):
        rec = include[rid]
        rows = rec.get("rows")
        if rows:
            for i, t in enumerate(TABLES):
                if rows[2 * i + 1]:
                    acc[t].append((rec["spool"], rows[2 * i], rows[2 * i + 1], rank))
    return {t: np.array(v, dtype=np.int64).reshape(-1, 4) for t, v in acc.items()}


def write_table(work: Path, out: Path, t: str, blocks: Any, n: int, paths: list[str] | None = None) -> int:
    """Write ``out/<t>.parquet`` from the spool: ``blocks`` as given by ``table_blocks``, ``n``
    the number of included reports, ``paths`` (reports table only) the canonical input path of
    each, by rank. Returns the number of rows written."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schemas()[t]
    n_buckets = max(1, math.ceil(n / BUCKET_REPORTS))
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
    left = dict(by_bucket())
    total = 0
    final = out / f"{t}.parquet"
    tmp = out / f".{t}.parquet.tmp"
    path_arr = pa.array(paths, pa.string()) if paths is not None else None
    with pq.ParquetWriter(str(tmp), sch, compression="zstd", write_statistics=True) as pw:
        for b in range(n_buckets):
            got = [left.pop(b)] if b in left else []
            if b in writers:
                bp = bdir / f"{t}.{b}.arrow"
                with pa.memory_map(str(bp)) as src:
                    got.insert(0, pa.ipc.open_stream(src).read_all())
                bp.unlink()
            if not got or sum(x.num_rows for x in got) == 0:
                continue
            tab = pa.concat_tables(got)
            # numeric sort key: rank of the report id, then the row's position in its report
            key = tab["_rank"].to_numpy() * (1 << 24)
            if "seq" in tab.column_names:
                key = key + tab["seq"].to_numpy().astype(np.int64)
            tab = tab.take(pa.array(np.argsort(key, kind="stable")))
            if path_arr is not None:
                tab = tab.set_column(tab.schema.get_field_index("path"), "path", path_arr.take(tab["_rank"]))
            tab = tab.drop_columns(["_rank"])
            pw.write_table(tab, row_group_size=ROW_GROUP_ROWS)
            total += tab.num_rows
    os.replace(tmp, final)
    return total


# the order in which write_duckdb loads the tables, and in which run_batch has them written:
# the largest last (written first by one process while another writes the rest)
LOAD_ORDER = ("reports", "sections", "figures", "clauses", "findings", "cells")


def write_duckdb(out: Path, entries: Iterable[dict[str, Any]], ready: Callable[[str], None] | None = None) -> Path:
    """``out/gsnlp.duckdb``: the six tables from the Parquet files, plus ``inputs`` (the manifest).

    Tables are loaded in ``LOAD_ORDER``; ``ready(table)``, when given, is called before a table is
    loaded and returns once its Parquet file is written (other processes may still be writing)."""
    try:
        import duckdb
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the batch database", "data", "duckdb") from e
    import pyarrow as pa

    db = out / "gsnlp.duckdb"
    tmp = out / ".gsnlp.duckdb.tmp"
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    con = duckdb.connect(str(tmp))
    try:
        con.execute("SET threads = 1")  # one thread: tables keep the Parquet row order
        # bounded memory whatever the corpus size: DuckDB writes blocks out instead of holding them
        con.execute("SET memory_limit = '128MB'")
        con.execute("SET temp_directory = ?", [str(out / ".work" / "duckdb_tmp")])
        for t in LOAD_ORDER:
            if ready is not None:
                ready(t)
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(out / f"{t}.parquet")])
        cols = ("path", "sha256", "report_id", "status", "duplicate_of", "reason_stage", "reason_code",
                "reason_type", "reason_message")
        con.execute("CREATE TABLE inputs (" + ", ".join(f"{c} VARCHAR" for c in cols) + ")")
        schema = pa.schema([(c, pa.string()) for c in cols])

        def rows(e: dict[str, Any]) -> dict[str, Any]:
            why = e.get("reason") or {}
            return {"path": e["path"], "sha256": e.get("sha256"), "report_id": e.get("report_id"),
                    "status": e["status"], "duplicate_of": e.get("duplicate_of"), "reason_stage": why.get("stage"),
                    "reason_code": why.get("code"), "reason_type": why.get("type"),
                    "reason_message": why.get("message")}

        it = iter(entries)
        while part := [rows(e) for _, e in zip(range(8192), it)]:  # in slices: no second copy of the manifest
            con.register("inputs_arrow", pa.Table.from_pylist(part, schema=schema))
            con.execute("INSERT INTO inputs SELECT * FROM inputs_arrow")
            con.unregister("inputs_arrow")
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

