"""Where batch results go: Parquet parts while the run works, then DuckDB builds everything final.

During the run each chunk of inputs becomes one Parquet part per table
(``OUT/.work/parts/<table>/<part>.parquet``) and one spool of its reports' JSON
(``OUT/.work/parts/json/<part>.json``, each report found by the offset and length in its record),
each written under a temporary name and renamed, and one line per processed content hash is
appended to ``OUT/.work/records.jsonl`` after its part is complete (the resume index). The final
step runs in a child process, in two halves around the cross-year pass, with DuckDB's
``memory_limit`` and ``temp_directory`` (a bounded-memory external sort) and its state in
``OUT/.work/final.duckdb``: ``finalize_first`` writes the manifest (``manifest.jsonl``, path
order), ``reports.parquet`` and the cross-year groups;
``finalize_second`` the other tables with one copy of each content hash, the cross-year findings
merged into ``findings``, and ``gsnlp.duckdb`` loaded from the Parquet files, with its views.
Every table lists its reports in path order (the manifest's), a report's rows by ``seq``; DuckDB
selects (and, where the parts are not already in that order, sorts) the rows, pyarrow writes them
in row groups of a fixed size (``_copy``).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from gsnlp.tabular.schema import COLUMNS, TABLES

SPOOL = "json"  # parts/json/<part>.json: each report as JSON (its cross-year view), for the cy.* rules
DB_MEMORY_LIMIT = "256MB"
ROW_GROUP = 65536  # rows per row group of the final tables
KEEP_BATCH = 64  # reports whose findings are put in order at a time (the rows held)
STRUCTURED = "('html', 'docx', 'pdf')"  # preferred over text when one report has several formats
_REASON = "STRUCT(stage VARCHAR, code VARCHAR, type VARCHAR, message VARCHAR)"


def write_part(parts: Path, name: str, tables: dict[str, Any], spool: bytes = b"") -> None:
    """The part files ``parts/<table>/<name>.parquet`` and ``parts/json/<name>.json`` (the reports'
    JSON one after another, each found by the offset and length its record keeps), each complete
    under its final name."""
    import pyarrow.parquet as pq

    files: list[tuple[Path, Any]] = [(parts / t / f"{name}.parquet", tab) for t, tab in tables.items()]
    if spool:
        files.append((parts / SPOOL / f"{name}.json", spool))
    for dest, x in files:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        if isinstance(x, bytes):
            tmp.write_bytes(x)
        else:  # short-lived and read once, whole: fast rather than small
            pq.write_table(x, tmp, compression="none", write_statistics=False)
        os.replace(tmp, dest)


def read_spool(parts: Path, items: list[dict[str, Any]]) -> list[tuple[str, bytes]]:
    """``(report_id, JSON)`` of each item ``{"r": id, "p": part, "o": offset, "n": length}``, read
    from the part's spool file."""
    files: dict[str, Any] = {}
    out = []
    try:
        for it in items:
            fh = files.get(it["p"]) or files.setdefault(it["p"], open(parts / SPOOL / f"{it['p']}.json", "rb"))
            fh.seek(it["o"])
            out.append((it["r"], fh.read(it["n"])))
    finally:
        for fh in files.values():
            fh.close()
    return out


def _q(p: Path | str) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _connect(work: Path, fresh: bool) -> Any:
    import duckdb

    from gsnlp.check.agency import agency_key

    db = work / "final.duckdb"
    if fresh:
        for p in (db, Path(f"{db}.wal")):
            p.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit = '{DB_MEMORY_LIMIT}'")
    con.execute("SET temp_directory = ?", [str(work / "duckdb_tmp")])
    con.execute("SET threads = 1")  # one thread: the same row groups, hence the same bytes, whatever the run
    con.execute("SET preserve_insertion_order = true")
    con.create_function("agency_key", agency_key, ["VARCHAR"], "VARCHAR",  # type: ignore[call-overload]
                        null_handling="special", side_effects=False)
    return con


def _final(fn: Any) -> Any:
    """A final-step half: its result with its CPU and peak memory, or ``{"error": …}`` (a DuckDB or
    file error, given back as text: the parent names it and the way out)."""
    import functools

    @functools.wraps(fn)  # pickled by name: the child runs this wrapper
    def run(*args: Any) -> dict[str, Any]:
        import duckdb

        from gsnlp.batch.runner import peak_rss_mb
        from gsnlp.tabular.schema import arrow_without_pandas

        c0 = time.process_time()
        arrow_without_pandas()
        try:
            res: dict[str, Any] = fn(*args)
        except (duckdb.Error, OSError) as e:
            return {"error": f"{type(e).__name__}: {e}"}
        return {**res, "cpu_s": time.process_time() - c0, "peak_rss_mb": peak_rss_mb()}
    return run


def _copy(con: Any, select: str, dest: Path, table: str) -> int:
    """The rows of ``select``, in its order, as ``dest`` (``_write``): DuckDB runs the query (bounded
    by its memory limit) and streams the rows out."""
    return _write(con.sql(select).to_arrow_reader(2048), dest, table)  # small batches: little held at a time


def _write(batches: Iterable[Any], dest: Path, table: str) -> int:
    """Arrow batches, in their order, as ``dest``: Parquet with the declared schema of ``table`` and
    row groups of exactly ``ROW_GROUP`` rows (the last one fewer), so that the bytes depend on the
    rows alone, not on how the parts cut them into batches; pyarrow writes them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from gsnlp.tabular.schema import final_schemas

    sch = final_schemas()[table]
    tmp = dest.with_name("." + dest.name + ".tmp")
    n, held, h = 0, [], 0  # held: the batches not written yet, h rows in all (fewer than ROW_GROUP)
    with pq.ParquetWriter(tmp, sch, compression="zstd") as w:
        for b in batches:
            held.append(b)
            n += b.num_rows
            h += b.num_rows
            if h >= ROW_GROUP:
                t = pa.Table.from_batches(held)
                w.write_table(t.slice(0, ROW_GROUP).cast(sch), row_group_size=ROW_GROUP)
                held, h = t.slice(ROW_GROUP).to_batches(), h - ROW_GROUP
        if h:
            w.write_table(pa.Table.from_batches(held).cast(sch), row_group_size=ROW_GROUP)
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps what it frees: back to the system
    os.replace(tmp, dest)
    return n


class _Stream:
    """An Arrow stream taken a number of rows at a time."""

    def __init__(self, reader: Any) -> None:
        self._it, self._schema, self._n = iter(reader), reader.schema, 0
        self._held: list[Any] = []

    def _fill(self, enough: Callable[[], bool]) -> Any:
        import pyarrow as pa

        while not enough() and (b := next(self._it, None)) is not None:
            if b.num_rows:
                self._held.append(b)
                self._n += b.num_rows
        return pa.Table.from_batches(self._held, schema=self._schema)

    def take(self, n: int) -> Any:
        """The next ``n`` rows (fewer at the end)."""
        t = self._fill(lambda: self._n >= n)
        rest = t.slice(n)
        self._held, self._n = [b for b in rest.to_batches() if b.num_rows], rest.num_rows
        return t.slice(0, n)

    def below(self, column: str, limit: int) -> Any:
        """The next rows whose ``column`` (ascending in the stream) is below ``limit``."""
        import pyarrow.compute as pc

        t = self._fill(lambda: bool(self._held) and self._held[-1].column(column)[-1].as_py() >= limit)
        return self.take(int(pc.sum(pc.less(t.column(column), limit)).as_py() or 0))


def _findings_in_order(con: Any, parts: Path, files: list[str]) -> Iterator[Any]:
    """The findings in path order when the parts are (``_in_order``), without sorting them: report by
    report (``keep`` in path order, ``nf`` own findings each), the report's own findings as the parts
    give them, then its ``cy.*`` findings (sorted by DuckDB: a third of the rows or fewer), numbered
    on after its own. Holds ``KEEP_BATCH`` reports' findings at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keep = con.cursor().sql("SELECT report_id, o, nf FROM keep ORDER BY o").to_arrow_reader(KEEP_BATCH)
    own = _Stream(con.cursor().sql(_kept(parts, "findings", files)).to_arrow_reader(2048))
    cy = _Stream(con.cursor().sql(f"""
        SELECT c.* REPLACE ((c.seq + k.nf)::INTEGER AS seq), k.o
        FROM read_parquet({_q(parts / 'cy_findings' / '*.parquet')}) c JOIN keep k USING (report_id)
        ORDER BY k.o, c.seq""").to_arrow_reader(2048))
    for k in keep:
        if not k.num_rows:
            continue
        nf = pc.fill_null(k.column("nf"), 0)
        offsets = pa.concat_arrays([pa.array([0], pa.int64()), pc.cumulative_sum(nf.cast(pa.int64()))])
        which = pc.list_parent_indices(pa.ListArray.from_arrays(offsets, pa.nulls(int(offsets[-1].as_py()),
                                                                                    pa.int8())))
        mine = own.take(len(which))
        if len(mine) != len(which) or (len(which) and not pc.all(pc.equal(
                mine.column("report_id"), k.column("report_id").take(which))).as_py()):
            raise RuntimeError("the findings parts do not hold each report's own findings (nf) in path order")
        t = pa.concat_tables([mine.append_column("o", k.column("o").take(which)),
                              cy.below("o", k.column("o")[-1].as_py() + 1)])
        yield from t.sort_by([("o", "ascending"), ("seq", "ascending")]).drop_columns(["o"]).to_batches()
        del t, mine
        pa.default_memory_pool().release_unused()
    if own.take(1).num_rows or cy.take(1).num_rows:
        raise RuntimeError("findings left over after the last kept report")


def _picked(parts: Path, t: str) -> str:
    """The rows of table ``t`` from the part named by each kept report's latest record, with ``o``, the
    report's rank in path order (in no order)."""
    return (f"SELECT p.* EXCLUDE (filename), k.o FROM read_parquet({_q(parts / t / '*.parquet')}, filename = true) p "
            "JOIN keep k ON p.report_id = k.report_id AND parse_filename(p.filename, true) = k.part")


def _kept(parts: Path, t: str, files: list[str] | None) -> str:
    """The kept rows of table ``t`` in path order, then ``seq``: ``files``, the parts in path order
    (``_in_order``), read as they come; else picked and sorted."""
    if files is not None:
        return f"SELECT * FROM read_parquet([{', '.join(_q(parts / t / f'{p}.parquet') for p in files)}])"
    return f"SELECT * EXCLUDE (o) FROM ({_picked(parts, t)}) ORDER BY o, seq"


def _in_order(con: Any, parts: Path) -> list[str] | None:
    """The parts, in the order of their first path, when reading them one after another gives each
    kept report once, in path order (a run without resume or repeated content: each part holds a
    chunk of consecutive paths); else None."""
    order = [p for p, in con.execute("SELECT part FROM keep GROUP BY part ORDER BY min(o)").fetchall()]
    if not order:
        return None
    files = [str(parts / "reports" / f"{p}.parquet") for p in order]
    # the rows of those parts, numbered as they come, are the kept reports, ranked 1, 2, 3 …
    ranked = con.execute("""
        WITH f AS (SELECT unnest($files) AS filename, generate_subscripts($files, 1) AS fi),
        r AS (SELECT p.report_id, row_number() OVER (ORDER BY f.fi, p.file_row_number) AS n
              FROM read_parquet($files, filename = true, file_row_number = true) p JOIN f USING (filename))
        SELECT count(*) = (SELECT count(*) FROM keep) AND coalesce(bool_and(k.o IS NOT DISTINCT FROM r.n), false)
        FROM r LEFT JOIN keep k USING (report_id)""", {"files": files}).fetchall()[0][0]
    return ["_empty", *order] if ranked else None


@_final
def finalize_first(work_dir: str, out_dir: str, max_reports: int = 64) -> dict[str, Any]:
    """The manifest, ``reports.parquet`` and ``.work/cy_groups.jsonl``: batches (one line each) of
    where each report's JSON is (``{"r": id, "p": part, "o": offset, "n": length}``), whole
    agencies (canonical key) with reports of two years or more, one copy per report, about
    ``max_reports`` per batch.

    A report published in several formats (same canonical agency and year, another format than the
    copy kept, TXT and Markdown being one) gets ``duplicate_of``: the copy kept (the structured
    format, then the smallest report id). Two reports of one agency and year in one format are two."""
    from gsnlp.tabular.schema import to_table

    work, out = Path(work_dir), Path(out_dir)
    parts = work / "parts"
    for p in parts.glob("cy_findings/cy*.parquet"):  # those of an earlier try: this run makes its own
        p.unlink()
    # an empty part per table, so that every glob finds a file with the table's schema
    write_part(parts, "_empty", {t: to_table(t, []) for t in TABLES} | {"cy_findings": to_table("findings", [])})
    con = _connect(work, fresh=True)
    con.execute(f"""CREATE TABLE inp AS FROM read_json({_q(work / 'inputs.jsonl')}, format = 'newline_delimited',
        columns = {{'i': 'BIGINT', 'path': 'VARCHAR', 'sha256': 'VARCHAR', 'reason': '{_REASON}'}})""")
    # of the same bytes under several names, the first path (sorted) is kept: its record, the latest
    # made from it, is taken first, then the latest made from any other path
    con.execute(f"""
        CREATE TABLE rec AS
        WITH first AS (SELECT sha256, min(path) AS path FROM inp WHERE sha256 IS NOT NULL GROUP BY sha256)
        SELECT r.* FROM read_json({_q(work / 'records.jsonl')}, format = 'newline_delimited', ignore_errors = true,
            columns = {{'n': 'BIGINT', 'sha256': 'VARCHAR', 'path': 'VARCHAR', 'status': 'VARCHAR', 'part': 'VARCHAR',
                       'format': 'VARCHAR', 'stages': 'VARCHAR[]', 'json': 'BIGINT[]', 'nf': 'INTEGER',
                       'reason': '{_REASON}'}}) r LEFT JOIN first f USING (sha256)
        WHERE r.sha256 IS NOT NULL AND length(r.sha256) = 64
        QUALIFY row_number() OVER (PARTITION BY r.sha256
                                   ORDER BY r.path IS NOT DISTINCT FROM f.path DESC, r.n DESC) = 1""")
    con.execute("""
        CREATE TABLE entries AS
        WITH first AS (SELECT sha256, min(path) AS path FROM inp WHERE sha256 IS NOT NULL GROUP BY sha256)
        SELECT i.path, i.sha256, CASE WHEN r.part IS NOT NULL THEN substr(i.sha256, 1, 16) END AS report_id,
               CASE WHEN r.status = 'ok' THEN 'ok' ELSE 'failed' END AS status,
               coalesce(r.reason, i.reason, CASE WHEN r.sha256 IS NULL THEN {'stage': 'batch', 'code': 'E999',
                        'type': 'Lost', 'message': 'no record of this input came back'} END) AS reason,
               r.format, r.stages, CASE WHEN r.part IS NOT NULL AND f.path <> i.path THEN f.path END AS duplicate_of
        FROM inp i LEFT JOIN rec r ON i.sha256 = r.sha256 LEFT JOIN first f ON i.sha256 = f.sha256
        ORDER BY i.path""")
    # o: the report's rank in path order, the order of every table
    con.execute("""
        CREATE TABLE keep AS SELECT substr(e.sha256, 1, 16) AS report_id, r.part, r.json, r.nf, e.path,
                                    row_number() OVER (ORDER BY e.path) AS o
        FROM entries e JOIN rec r USING (sha256) WHERE r.part IS NOT NULL AND e.duplicate_of IS NULL""")
    tmp = out / ".manifest.jsonl.tmp"
    con.execute(f"COPY (SELECT * FROM entries ORDER BY path) TO {_q(tmp)} (FORMAT JSON)")
    os.replace(tmp, out / "manifest.jsonl")
    n_in, n_ok, n_dup = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'ok'), count(duplicate_of) "
                                    "FROM entries").fetchone()
    fails = con.execute("SELECT reason.code || ' ' || reason.type AS k, count(*) FROM entries "
                        "WHERE status <> 'ok' GROUP BY k ORDER BY k").fetchall()
    cols = ", ".join(f'"{c}"' for c, _ in COLUMNS["reports"])
    n_reports = _copy(con, f"""
        WITH r AS (SELECT p.* EXCLUDE (filename) REPLACE (k.path AS path), agency_key(p.agency) AS akey
                   FROM read_parquet({_q(parts / 'reports' / '*.parquet')}, filename = true) p
                   JOIN keep k ON p.report_id = k.report_id AND parse_filename(p.filename, true) = k.part),
        f AS (SELECT *, CASE WHEN format IN ('txt', 'md') THEN 'text' ELSE format END AS family FROM r),
        d AS (SELECT *, first_value(report_id) OVER w AS kept, first_value(family) OVER w AS kept_family FROM f
              WINDOW w AS (PARTITION BY akey, year ORDER BY format IN {STRUCTURED} DESC, report_id))
        SELECT {cols}, CASE WHEN akey IS NOT NULL AND year IS NOT NULL AND kept <> report_id
                                 AND family IS DISTINCT FROM kept_family THEN kept END AS duplicate_of
        FROM d ORDER BY path""", out / "reports.parquet", "reports")
    n_fmt = con.execute(f"SELECT count(duplicate_of) FROM read_parquet({_q(out / 'reports.parquet')})").fetchone()[0]
    # whole agencies per batch, about max_reports reports each: the running count of reports before
    # each agency, divided by max_reports, numbers its batch
    con.execute(f"""
        COPY (WITH u AS (SELECT report_id, agency_key(agency) AS akey, year
                         FROM read_parquet({_q(out / 'reports.parquet')})
                         WHERE duplicate_of IS NULL AND agency IS NOT NULL AND year IS NOT NULL),
              g AS (SELECT akey, count(*) AS n FROM u WHERE akey IS NOT NULL GROUP BY akey
                    HAVING count(DISTINCT year) >= 2),
              b AS (SELECT akey, (sum(n) OVER (ORDER BY akey) - n) // {max_reports} AS batch FROM g)
              SELECT batch, list({{'r': u.report_id, 'p': k.part, 'o': k.json[1], 'n': k.json[2]}}
                                 ORDER BY u.akey, u.year, u.report_id) AS items
              FROM u JOIN b USING (akey) JOIN keep k USING (report_id) WHERE k.json IS NOT NULL
              GROUP BY batch ORDER BY batch)
        TO {_q(work / 'cy_groups.jsonl')} (FORMAT JSON)""")
    con.close()
    return {"n_in": n_in, "n_ok": n_ok, "n_failed": n_in - n_ok, "n_duplicates": n_dup, "reports": n_reports,
            "n_format_duplicates": n_fmt, "failures": {k: n for k, n in fails}}


@_final
def finalize_second(work_dir: str, out_dir: str, database: bool) -> dict[str, Any]:
    """The child tables (``findings``: each report's own, then its ``cy.*`` findings from
    ``parts/cy_findings``, numbered on after the report's own), each in path order straight from the
    parts into its Parquet file; then ``gsnlp.duckdb`` (when ``database``), its tables loaded from
    those files, so that the Parquet bytes are the same with or without the database."""
    work, out = Path(work_dir), Path(out_dir)
    parts = work / "parts"
    con = _connect(work, fresh=False)
    files = _in_order(con, parts)
    counts = {}
    for t in TABLES[1:]:
        if t == "findings" and files is not None:
            counts[t] = _write(_findings_in_order(con, parts, files), out / f"{t}.parquet", t)
            continue
        sel = _kept(parts, t, files)
        if t == "findings":  # a report's cy.* findings are numbered on after its own (nf of them)
            sel = f"""SELECT * EXCLUDE (o) FROM ({_picked(parts, t)} UNION ALL
                SELECT c.* REPLACE ((c.seq + k.nf)::INTEGER AS seq), k.o
                FROM read_parquet({_q(parts / 'cy_findings' / '*.parquet')}) c JOIN keep k USING (report_id))
                ORDER BY o, seq"""
        counts[t] = _copy(con, sel, out / f"{t}.parquet", t)
    if database:
        tmp = out / ".gsnlp.duckdb.tmp"
        for p in (tmp, Path(f"{tmp}.wal")):
            p.unlink(missing_ok=True)
        con.execute(f"ATTACH {_q(tmp)} AS db")
        con.execute("USE db")  # the views name the tables of their own database
        for t in TABLES:  # one thread, insertion order kept: each table in its file's order
            con.execute(f"CREATE TABLE {t} AS FROM read_parquet({_q(out / f'{t}.parquet')})")
        con.execute(f"""
            CREATE TABLE inputs AS
            SELECT path, sha256, report_id, status, duplicate_of, reason.stage AS reason_stage,
                   reason.code AS reason_code, reason.type AS reason_type, reason.message AS reason_message
            FROM read_json({_q(out / 'manifest.jsonl')}, format = 'newline_delimited', columns = {{
                'path': 'VARCHAR', 'sha256': 'VARCHAR', 'report_id': 'VARCHAR', 'status': 'VARCHAR',
                'duplicate_of': 'VARCHAR', 'reason': '{_REASON}'}})
            ORDER BY path""")
        con.execute(VIEWS)
        con.execute("CHECKPOINT db")
    con.close()
    if database:
        os.replace(tmp, out / "gsnlp.duckdb")
    return {"tables": counts}


def write_html(work_dir: str, out_dir: str, root: str) -> int:
    """``OUT/html``: the overview (``index.html``), one page per report and per agency, as
    ``gsnlp check DIR --format html`` writes them, from the kept reports (``duplicate_of`` empty)
    and their findings (``cy.*`` included). Holds every kept report in memory."""
    import duckdb

    from gsnlp.check.finding import Finding
    from gsnlp.doc import Report
    from gsnlp.pipeline import distinct_names
    from gsnlp.render.audit_html import write_audit

    work, out = Path(work_dir), Path(out_dir)
    con = duckdb.connect(str(work / "final.duckdb"), read_only=True)
    kept = con.execute(f"SELECT r.report_id, k.part, k.json, r.path FROM read_parquet({_q(out / 'reports.parquet')})"
                       " r JOIN keep k USING (report_id) WHERE r.duplicate_of IS NULL ORDER BY r.report_id").fetchall()
    got = read_spool(work / "parts", [{"r": r, "p": p, "o": j[0], "n": j[1]} for r, p, j, _ in kept])
    # two files of one name in two folders: one page each
    reps = dict(zip((r for r, _ in got), distinct_names([Report.from_dict(json.loads(js)) for _, js in got])))
    results: dict[str, list[Finding]] = {rep.doc_id: [] for rep in reps.values()}
    for row in con.execute(f"SELECT report_id, rule, instance, status, severity, kind, expected, observed, evidence, "
                           f"origin, lenient, message, details FROM read_parquet({_q(out / 'findings.parquet')}) "
                           "ORDER BY report_id, seq").fetchall():
        if row[0] in reps:
            doc = reps[row[0]].doc_id
            results[doc].append(Finding.from_dict({
                "doc": doc, "rule": row[1], "instance": row[2], "status": row[3], "severity": row[4],
                "kind": row[5], "expected": row[6], "observed": row[7], "evidence": json.loads(row[8] or "[]"),
                "origin": row[9], "lenient": row[10], "message": row[11], "details": json.loads(row[12] or "{}")}))
    failed = con.execute(f"SELECT path, reason.code || ': ' || reason.message FROM read_json("
                         f"{_q(out / 'manifest.jsonl')}, format = 'newline_delimited') WHERE status <> 'ok' "
                         "ORDER BY path").fetchall()
    con.close()
    paths = {r: p for r, _, _, p in kept}
    pages = write_audit(list(reps.values()), results, out / "html", failed_inputs=failed,
                        sources={rep.doc_id: str(Path(root) / paths[r]) for r, rep in reps.items()})
    return len(pages)


# reports_unique: one row per report (a report published in several formats counts once);
# applications: the applications table as one row per unique report and row, numbers as columns.
VIEWS = """
CREATE VIEW reports_unique AS SELECT * FROM reports WHERE duplicate_of IS NULL;
CREATE VIEW applications AS
SELECT c.report_id, r.agency, r.agency_canonical, r.year, r.template, c.row_id,
       max(c.num) FILTER (WHERE c.column_id = 'natural_person') AS natural_person,
       max(c.num) FILTER (WHERE c.column_id = 'commercial') AS commercial,
       max(c.num) FILTER (WHERE c.column_id = 'research') AS research,
       max(c.num) FILTER (WHERE c.column_id = 'social_welfare') AS social_welfare,
       max(c.num) FILTER (WHERE c.column_id = 'legal_service') AS legal_service,
       max(c.num) FILTER (WHERE c.column_id = 'other_org') AS other_org,
       max(c.num) FILTER (WHERE c.column_id = 'total') AS total
FROM cells c JOIN reports_unique r USING (report_id)
WHERE c.table_id = 'applications'
GROUP BY ALL;
"""
