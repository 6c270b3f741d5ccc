"""Where batch results go: an append-only spool while the run works, then deterministic
Parquet files and a DuckDB database.

The spool (``OUT/.work/``) holds one Arrow IPC file per table per flush and an index
(``index.jsonl``, one line per processed content hash, written after its spool files are
closed). It is what makes a run resumable: a hash whose latest index line has rows is done.

``finalize`` turns the spool into ``OUT/<table>.parquet``, rows sorted by
``(report_id, seq)``: the included reports are range-partitioned by their rank in the sorted
list of report ids into buckets of at most ``BUCKET_REPORTS`` reports, each bucket is sorted
in memory and appended to the Parquet writer. Memory is bounded by one spool file and one
bucket, whatever the number of reports; the output depends only on the set of inputs.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Iterator

from gsnlp.batch.schema import TABLES, schemas

BUCKET_REPORTS = 2000
ROW_GROUP_ROWS = 65536


class Spool:
    """Append-only store of per-report Arrow batches, flushed every ``flush_every`` reports."""

    def __init__(self, work: Path, flush_every: int = 256) -> None:
        self.dir = work / "spool"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.index_path = work / "index.jsonl"
        self.flush_every = flush_every
        self._k = 1 + max((int(p.name.split(".")[0]) for p in self.dir.glob("*.reports.arrow")), default=-1)
        self._buf: dict[str, list[Any]] = {t: [] for t in TABLES}
        self._pending: list[dict[str, Any]] = []

    def add(self, record: dict[str, Any], batches: dict[str, Any] | None) -> None:
        """``record`` is the index line of one processed hash; ``batches`` its rows (None: no rows)."""
        if batches is not None:
            for t in TABLES:
                if batches[t].num_rows:
                    self._buf[t].append(batches[t])
            record = dict(record, spool=self._k)
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
                with pa.OSFile(str(tmp), "wb") as sink, pa.ipc.new_file(sink, sch[t]) as w:
                    for b in self._buf[t]:
                        w.write_batch(b)
                os.replace(tmp, self.dir / f"{self._k:06d}.{t}.arrow")
            self._k += 1
        with open(self.index_path, "a", encoding="utf-8") as fh:
            for r in self._pending:
                fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self._buf = {t: [] for t in TABLES}
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


def write_tables(work: Path, out: Path, include: dict[str, int], paths: dict[str, str]) -> dict[str, int]:
    """Write ``out/<table>.parquet`` for the report ids in ``include`` (report id -> spool number).

    ``paths`` gives the canonical input path of each report id (the reports table's ``path``).
    Returns the number of rows per table.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    sch = schemas()
    order = sorted(include)
    n = len(order)
    n_buckets = max(1, math.ceil(n / BUCKET_REPORTS))
    ranked = pa.array(order, pa.string())
    by_spool: dict[int, list[str]] = {}
    for rid, k in include.items():
        by_spool.setdefault(k, []).append(rid)
    counts: dict[str, int] = {}
    bdir = work / "buckets"
    bdir.mkdir(exist_ok=True)
    for t in TABLES:
        writers = [pa.ipc.new_stream(str(bdir / f"{t}.{b}.arrow"), sch[t]) for b in range(n_buckets)]
        try:
            for k in _spool_ids(work):
                keep = by_spool.get(k)
                if not keep:
                    continue
                with pa.memory_map(str(work / "spool" / f"{k:06d}.{t}.arrow")) as src:
                    tab = pa.ipc.open_file(src).read_all()
                if tab.num_rows == 0:
                    continue
                tab = tab.filter(pc.is_in(tab["report_id"], value_set=pa.array(keep, pa.string())))
                if tab.num_rows == 0:
                    continue
                rank = pc.index_in(tab["report_id"], value_set=ranked).to_numpy(zero_copy_only=False)
                bucket = (rank * n_buckets) // max(n, 1)
                for b in sorted(set(bucket.tolist())):
                    writers[b].write_table(tab.filter(pa.array(bucket == b)))
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
                tab = tab.sort_by([("report_id", "ascending"), ("seq", "ascending")] if "seq" in tab.column_names
                                  else [("report_id", "ascending")])
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
