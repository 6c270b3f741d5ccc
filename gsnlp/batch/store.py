"""Where batch results go: an append-only spool while the run works, then deterministic
Parquet files and a DuckDB database.

The spool (``OUT/.work/``) holds one Arrow IPC file per table per flush and an index
(``index.jsonl``, one line per processed content hash, written after its spool files are
closed). It is what makes a run resumable: a hash whose latest index line has rows is done.

``finalize`` turns the spool into ``OUT/<table>.parquet``, rows sorted by
``(report_id, seq)``: the included reports are range-partitioned by their rank in the sorted
list of report ids into buckets of at most ``BUCKET_REPORTS`` (500) reports, each bucket is sorted
in memory and appended to the Parquet writer. Memory is bounded by one spool file and one
bucket, whatever the number of reports; the output depends only on the set of inputs.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import TABLES, schemas

BUCKET_REPORTS = 500
ROW_GROUP_ROWS = 65536


def _ipc_options() -> Any:
    """Spool and bucket files are LZ4-compressed: a tenth of the bytes to write and read back."""
    import pyarrow as pa

    return pa.ipc.IpcWriteOptions(compression="lz4")


class Spool:
    """Append-only store of per-report Arrow batches, flushed every ``flush_every`` reports."""

    def __init__(self, work: Path, flush_every: int = 256) -> None:
        self.dir = work / "spool"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index_path = work / "index.jsonl"
        self.flush_every = flush_every
        self._k = 1 + max((int(p.name.split(".")[0]) for p in self.dir.glob("*.reports.arrow")), default=-1)
        self._buf: dict[str, list[Any]] = {t: [] for t in TABLES}
        self._n: dict[str, int] = dict.fromkeys(TABLES, 0)
        self._pending: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any], batches: dict[str, Any] | None) -> None:
        """``record`` is the index line of one processed hash; ``batches`` its rows (None: no rows).

        The index line records where the report's rows are: ``rows[table] = [offset, length]``
        in that table's spool file, so that finalizing never has to look rows up by id."""
        if batches is not None:
            where = {}
            for t in TABLES:
                n = batches[t].num_rows
                if n:
                    self._buf[t].append(batches[t])
                    where[t] = [self._n[t], n]
                    self._n[t] += n
            record = dict(record, spool=self._k, rows=where)
        self._pending.append(record)
        if len(self._pending) >= self.flush_every:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        import pyarrow as pa

        if any(r.get("spool") == self._k for r in self._pending):
            sch = schemas()
            for t in TABLES:
                tmp = self.dir / f"{self._k:06d}.{t}.arrow.tmp"
                with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, sch[t], options=_ipc_options()) as w:
                    if self._buf[t]:
                        w.write_table(pa.Table.from_batches(self._buf[t], sch[t]).combine_chunks())
                os.replace(tmp, self.dir / f"{self._k:06d}.{t}.arrow")
            self._k += 1
        with open(self.index_path, "a", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in self._pending)
            fh.flush()
            os.fsync(fh.fileno())
        self._buf = {t: [] for t in TABLES}
        self._n = dict.fromkeys(TABLES, 0)
        self._pending = []


def read_index(work: Path) -> dict[str, dict[str, Any]]:
    """sha256 -> its latest index record (a later line wins: a retried failure, a re-run)."""
    out: dict[str, dict[str, Any]] = {}
    p = work / "index.jsonl"
    if not p.exists():
        return out
    with open(p, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash: that hash is simply redone
                continue
            out[r["sha256"]] = r
    return out


def _spool_ids(work: Path) -> list[int]:
    return sorted(int(p.name.split(".")[0]) for p in (work / "spool").glob("*.reports.arrow"))


def write_tables(work: Path, out: Path, include: dict[str, dict[str, Any]], paths: dict[str, str]) -> dict[str, int]:
    """Write ``out/<table>.parquet`` for the report ids in ``include`` (report id -> its index record,
    which says in which spool file and at which rows its data are).

    ``paths`` gives the canonical input path of each report id (the reports table's ``path``).
    Returns the number of rows per table.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    sch = schemas()
    order = sorted(include)
    n = len(order)
    n_buckets = max(1, math.ceil(n / BUCKET_REPORTS))
    counts: dict[str, int] = {}
    bdir = work / "buckets"
    bdir.mkdir(exist_ok=True)
    for t in TABLES:
        # per spool file: the (offset, length, rank) of the rows of each included report
        blocks: dict[int, list[tuple[int, int, int]]] = {}
        for rank, rid in enumerate(order):
            rec = include[rid]
            w = (rec.get("rows") or {}).get(t)
            if w:
                blocks.setdefault(rec["spool"], []).append((w[0], w[1], rank))
        ranked_schema = sch[t].append(pa.field("_rank", pa.int64()))
        writers = [pa.ipc.new_stream(str(bdir / f"{t}.{b}.arrow"), ranked_schema, options=_ipc_options())
                   for b in range(n_buckets)]
        try:
            for k in sorted(blocks):
                with pa.memory_map(str(work / "spool" / f"{k:06d}.{t}.arrow")) as src:
                    tab = pa.ipc.open_file(src).read_all()
                bl = np.array(blocks[k], dtype=np.int64)
                off, length, rank = bl[:, 0], bl[:, 1], bl[:, 2]
                starts = np.repeat(off - np.concatenate(([0], np.cumsum(length)[:-1])), length)
                rows = starts + np.arange(int(length.sum()))
                ranks = np.repeat(rank, length)
                bucket = (ranks * n_buckets) // max(n, 1)
                o = np.argsort(bucket, kind="stable")
                rows, ranks, bucket = rows[o], ranks[o], bucket[o]
                part = tab.take(pa.array(rows)).append_column("_rank", pa.array(ranks, pa.int64()))
                bounds = np.searchsorted(bucket, np.arange(n_buckets + 1))
                for b in range(n_buckets):
                    if bounds[b + 1] > bounds[b]:
                        writers[b].write_table(part.slice(int(bounds[b]), int(bounds[b + 1] - bounds[b])))
        finally:
            for w in writers:
                w.close()
        total = 0
        final = out / f"{t}.parquet"
        tmp = out / f".{t}.parquet.tmp"
        with pq.ParquetWriter(str(tmp), sch[t], compression="zstd", write_statistics=True) as pw:
            for b in range(n_buckets):
                bp = bdir / f"{t}.{b}.arrow"
                with pa.memory_map(str(bp)) as src:
                    tab = pa.ipc.open_stream(src).read_all()
                bp.unlink()
                if tab.num_rows == 0:
                    continue
                # numeric sort key: rank of the report id, then the row's position in its report
                key = tab["_rank"].to_numpy() * (1 << 24)
                if "seq" in tab.column_names:
                    key = key + tab["seq"].to_numpy().astype(np.int64)
                tab = tab.take(pa.array(np.argsort(key, kind="stable"))).drop_columns(["_rank"])
                if t == "reports":
                    tab = tab.set_column(tab.schema.get_field_index("path"), "path",
                                         pa.array([paths[r] for r in tab["report_id"].to_pylist()], pa.string()))
                pw.write_table(tab, row_group_size=ROW_GROUP_ROWS)
                total += tab.num_rows
        os.replace(tmp, final)
        counts[t] = total
    return counts


def write_duckdb(out: Path, entries: Iterable[dict[str, Any]]) -> Path:
    """``out/gsnlp.duckdb``: the six tables from the Parquet files, plus ``inputs`` (the manifest)."""
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
        con.execute("SET memory_limit = '256MB'")
        con.execute("SET temp_directory = ?", [str(out / ".work" / "duckdb_tmp")])
        for t in TABLES:
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet(?)", [str(out / f"{t}.parquet")])
        rows = [{"path": e["path"], "sha256": e.get("sha256"), "report_id": e.get("report_id"),
                 "status": e["status"], "duplicate_of": e.get("duplicate_of"),
                 "reason_stage": (e.get("reason") or {}).get("stage"), "reason_code": (e.get("reason") or {}).get("code"),
                 "reason_type": (e.get("reason") or {}).get("type"),
                 "reason_message": (e.get("reason") or {}).get("message")} for e in entries]
        inputs = pa.Table.from_pylist(rows, schema=pa.schema([(c, pa.string()) for c in (
            "path", "sha256", "report_id", "status", "duplicate_of", "reason_stage", "reason_code", "reason_type",
            "reason_message")]))
        con.register("inputs_arrow", inputs)
        con.execute("CREATE TABLE inputs AS SELECT * FROM inputs_arrow")
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


def iter_index_lines(work: Path) -> Iterator[dict[str, Any]]:
    yield from read_index(work).values()
