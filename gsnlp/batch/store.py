"""Where batch results go: Parquet parts while the run works, then DuckDB builds everything final.

During the run each chunk of inputs becomes one Parquet part per table
(``OUT/.work/parts/<table>/<part>.parquet``, written under a temporary name and renamed), and
one line per processed content hash is appended to ``OUT/.work/records.jsonl`` after its part
is complete (the resume index). ``finalize`` then lets DuckDB do the rest, with
``memory_limit`` and ``temp_directory`` (a bounded-memory external sort): the manifest
(``manifest.jsonl``, one entry per input, path order), the six tables sorted by
``(report_id, seq)`` with one copy of each content hash (``COPY (SELECT … ORDER BY …)``), the
cross-year findings merged into ``findings``, and ``gsnlp.duckdb`` with its views.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

from gsnlp.batch.schema import TABLES, schemas

# hidden part table: each report as JSON (Report.to_dict), read back for the cross-year rules
REPORT_JSON = "report_json"
PART_TABLES = (*TABLES, REPORT_JSON)
DB_MEMORY_LIMIT = "256MB"
STRUCTURED = "('html', 'docx', 'pdf')"  # preferred over text when one report has several formats


def part_schemas() -> dict[str, Any]:
    import pyarrow as pa

    sch = schemas()
    sch[REPORT_JSON] = pa.schema([("report_id", pa.string()), ("json", pa.string())])
    return sch


def rows_to_tables(rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Rows (``{table: [row, …]}``) as Arrow tables of the declared schemas (one per part table)."""
    import pyarrow as pa

    sch = part_schemas()
    # columns first, then one conversion per column: faster than from_pylist's walk over the dicts,
    # and from_pydict would import pandas (a second of CPU in every worker)
    out = {}
    for t in PART_TABLES:
        rr = rows.get(t, [])
        out[t] = pa.Table.from_arrays([pa.array(list(map(itemgetter(f.name), rr)), type=f.type) for f in sch[t]],
                                      schema=sch[t])
    return out


def write_part(parts: Path, name: str, tables: dict[str, Any]) -> None:
    """The part files ``parts/<table>/<name>.parquet`` (each complete under its final name)."""
    import pyarrow.parquet as pq

    for t, tab in tables.items():
        d = parts / t
        d.mkdir(parents=True, exist_ok=True)
        tmp = d / f".{name}.tmp"
        # short-lived: fast rather than small; report JSON one row per row group, so that the
        # cross-year pass reads only the reports it asks for
        pq.write_table(tab, tmp, compression="none", row_group_size=1 if t == REPORT_JSON else None)
        os.replace(tmp, d / f"{name}.parquet")


def write_empty_parts(parts: Path) -> None:
    """One empty part per table, so that every glob finds a file with the table's schema."""
    tables = rows_to_tables({})
    tables["cy_findings"] = tables["findings"]
    write_part(parts, "_empty", tables)


_RECORD_COLS = ("{'n': 'BIGINT', 'sha256': 'VARCHAR', 'status': 'VARCHAR', 'part': 'VARCHAR', 'format': 'VARCHAR', "
                "'stages': 'VARCHAR[]', 'reason': 'STRUCT(stage VARCHAR, code VARCHAR, type VARCHAR, message VARCHAR)'}")
_INPUT_COLS = ("{'i': 'BIGINT', 'path': 'VARCHAR', 'sha256': 'VARCHAR', "
               "'reason': 'STRUCT(stage VARCHAR, code VARCHAR, type VARCHAR, message VARCHAR)'}")


def connect(work: Path, threads: int = 2) -> Any:
    try:
        import duckdb
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("gsnlp batch", "data", "duckdb") from e

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{DB_MEMORY_LIMIT}'")
    con.execute("SET temp_directory = ?", [str(work / "duckdb_tmp")])
    con.execute(f"SET threads = {max(1, threads)}")
    con.execute("SET preserve_insertion_order = true")
    from gsnlp.check.agency import agency_key

    con.create_function("agency_key", agency_key, ["VARCHAR"], "VARCHAR",  # type: ignore[call-overload]
                        null_handling="special", side_effects=False)
    return con


def _q(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def _glob(parts: Path, t: str) -> str:
    return _q(parts / t / "*.parquet")


def prepare(con: Any, work: Path) -> None:
    """Tables of the run's in-memory database: ``rec`` (the latest record per hash), ``entries`` (one manifest entry per
    input of this run) and ``keep`` (per report: its part and its canonical path)."""
    con.execute(f"""
        CREATE TABLE rec AS
        SELECT * FROM read_json({_q(work / 'records.jsonl')}, format = 'newline_delimited', ignore_errors = true,
                                columns = {_RECORD_COLS})
        WHERE sha256 IS NOT NULL AND length(sha256) = 64
        QUALIFY row_number() OVER (PARTITION BY sha256 ORDER BY n DESC) = 1""")
    con.execute(f"""
        CREATE TABLE entries AS
        WITH inp AS (SELECT * FROM read_json({_q(work / 'inputs.jsonl')}, format = 'newline_delimited',
                                             columns = {_INPUT_COLS})),
        first AS (SELECT sha256, min(path) AS path FROM inp WHERE sha256 IS NOT NULL GROUP BY sha256)
        SELECT i.path, i.sha256,
               CASE WHEN r.part IS NOT NULL THEN substr(i.sha256, 1, 16) END AS report_id,
               CASE WHEN r.status = 'ok' THEN 'ok' ELSE 'failed' END AS status,
               coalesce(r.reason, i.reason,
                        CASE WHEN r.sha256 IS NULL THEN {{'stage': 'batch', 'code': 'E999', 'type': 'Lost',
                             'message': 'no record of this input came back'}} END) AS reason,
               r.format, r.stages,
               CASE WHEN r.part IS NOT NULL AND f.path <> i.path THEN f.path END AS duplicate_of
        FROM inp i LEFT JOIN rec r ON i.sha256 = r.sha256 LEFT JOIN first f ON i.sha256 = f.sha256
        ORDER BY i.path""")
    con.execute("""
        CREATE TABLE keep AS
        SELECT substr(e.sha256, 1, 16) AS report_id, r.part, e.path
        FROM entries e JOIN rec r USING (sha256)
        WHERE r.part IS NOT NULL AND e.duplicate_of IS NULL""")


def write_manifest(con: Any, out: Path) -> dict[str, Any]:
    """``out/manifest.jsonl`` (one entry per input, path order) and the counts."""
    tmp = out / ".manifest.jsonl.tmp"
    con.execute(f"COPY (SELECT * FROM entries ORDER BY path) TO {_q(tmp)} (FORMAT JSON)")
    os.replace(tmp, out / "manifest.jsonl")
    n_in, n_ok, n_dup = con.execute("SELECT count(*), count(*) FILTER (WHERE status = 'ok'), "
                                    "count(duplicate_of) FROM entries").fetchone()
    fails = con.execute("SELECT reason.code || ' ' || reason.type AS k, count(*) FROM entries "
                        "WHERE status <> 'ok' GROUP BY k ORDER BY k").fetchall()
    return {"n_in": n_in, "n_ok": n_ok, "n_failed": n_in - n_ok, "n_duplicates": n_dup,
            "failures": {k: n for k, n in fails}}


def _kept_rows(parts: Path, t: str) -> str:
    return (f"SELECT p.* EXCLUDE (filename) FROM read_parquet({_glob(parts, t)}, filename = true) p "
            "JOIN keep k ON p.report_id = k.report_id AND parse_filename(p.filename, true) = k.part")


def _copy(con: Any, select: str, dest: Path) -> int:
    tmp = dest.with_name("." + dest.name + ".tmp")
    con.execute(f"COPY ({select}) TO {_q(tmp)} (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 65536)")
    os.replace(tmp, dest)
    return int(con.execute(f"SELECT count(*) FROM read_parquet({_q(dest)})").fetchone()[0])


def write_reports(con: Any, parts: Path, out: Path) -> int:
    """``reports.parquet``: the canonical path of each report, and ``duplicate_of`` (the report id
    of the copy kept) for a report published in several formats (same canonical agency and year,
    another format than the copy kept, TXT and Markdown being one; the structured format is kept,
    then the smallest report id). Two reports of one agency and year in one format are two reports."""
    cols = ", ".join(f'"{c}"' for c in schemas()["reports"].names)
    sel = f"""
        WITH r AS (SELECT p.* EXCLUDE (filename) REPLACE (k.path AS path), agency_key(p.agency) AS akey
                   FROM read_parquet({_glob(parts, 'reports')}, filename = true) p
                   JOIN keep k ON p.report_id = k.report_id AND parse_filename(p.filename, true) = k.part),
        f AS (SELECT *, CASE WHEN format IN ('txt', 'md') THEN 'text' ELSE format END AS family FROM r),
        d AS (SELECT *, first_value(report_id) OVER w AS kept, first_value(family) OVER w AS kept_family FROM f
              WINDOW w AS (PARTITION BY akey, year ORDER BY format IN {STRUCTURED} DESC, report_id))
        SELECT {cols}, CASE WHEN akey IS NOT NULL AND year IS NOT NULL AND kept <> report_id
                                 AND family IS DISTINCT FROM kept_family THEN kept END AS duplicate_of
        FROM d ORDER BY report_id"""
    return _copy(con, sel, out / "reports.parquet")


def cross_year_groups(con: Any, parts: Path, out: Path, max_reports: int = 64) -> Iterator[list[tuple[str, str]]]:
    """Batches of ``(report_id, report JSON)`` of whole agencies (canonical agency key) that have
    reports of at least two years; one copy per report (``duplicate_of`` is NULL). The list is
    sorted without the JSON; each batch's JSON is then read from the parts that hold it, so one
    batch is in memory at a time."""
    cur = con.cursor()  # a second cursor: the lookups below run while this one is read
    cur.execute(f"""
        WITH u AS (SELECT report_id, agency_key(agency) AS akey, year FROM read_parquet({_q(out / 'reports.parquet')})
                   WHERE duplicate_of IS NULL AND agency IS NOT NULL AND year IS NOT NULL),
        g AS (SELECT akey FROM u WHERE akey IS NOT NULL GROUP BY akey HAVING count(DISTINCT year) >= 2)
        SELECT u.akey, u.report_id, k.part FROM u JOIN g USING (akey) JOIN keep k USING (report_id)
        ORDER BY u.akey, u.year, u.report_id""")

    def with_json(batch: list[tuple[str, str]]) -> list[tuple[str, str]]:
        files = sorted({str(parts / REPORT_JSON / f"{p}.parquet") for _, p in batch})
        ids = [r for r, _ in batch]
        got = dict(con.execute("SELECT report_id, json FROM read_parquet(?) WHERE list_contains(?, report_id)",
                               [files, ids]).fetchall())
        return [(r, got[r]) for r in ids]

    batch: list[tuple[str, str]] = []
    group: list[tuple[str, str]] = []
    key = None
    try:
        while True:
            rows = cur.fetchmany(1024)
            for akey, rid, part in rows:
                if akey != key and group:
                    if batch and len(batch) + len(group) > max_reports:
                        yield with_json(batch)
                        batch = []
                    batch += group
                    group = []
                key = akey
                group.append((rid, part))
            if not rows:
                break
        batch += group
        if batch:
            yield with_json(batch)
    finally:
        cur.close()


def write_findings(con: Any, parts: Path, out: Path) -> int:
    """``findings.parquet``: each report's own findings, then its cross-year (``cy.*``) findings
    (``parts/cy_findings``), numbered on after the report's own (``seq`` stays a key)."""
    cy = f"read_parquet({_glob(parts, 'cy_findings')})"
    # how many findings each report has of its own (one small row per report: no findings held)
    con.execute(f"CREATE OR REPLACE TABLE base AS SELECT report_id, count(*) AS n FROM ({_kept_rows(parts, 'findings')}) "
                "GROUP BY report_id")
    sel = f"""
        {_kept_rows(parts, 'findings')}
        UNION ALL
        SELECT c.* REPLACE ((c.seq + coalesce(b.n, 0))::INTEGER AS seq) FROM {cy} c LEFT JOIN base b USING (report_id)
        ORDER BY report_id, seq"""
    return _copy(con, sel, out / "findings.parquet")


def write_tables(con: Any, parts: Path, out: Path, cross_year: Callable[[], None] | None = None) -> dict[str, int]:
    """Every final table; ``cross_year`` (called after ``reports.parquet`` exists) fills
    ``parts/cy_findings``."""
    counts = {"reports": write_reports(con, parts, out)}
    if cross_year is not None:
        cross_year()
    for t in TABLES:
        if t == "findings":
            counts[t] = write_findings(con, parts, out)
        elif t != "reports":
            counts[t] = _copy(con, f"{_kept_rows(parts, t)} ORDER BY report_id, seq", out / f"{t}.parquet")
    return {t: counts[t] for t in TABLES}


def write_duckdb(out: Path, work: Path) -> Path:
    """``out/gsnlp.duckdb``: the six tables from their Parquet files, ``inputs`` from the
    manifest, and the views."""
    import duckdb

    db, tmp = out / "gsnlp.duckdb", out / ".gsnlp.duckdb.tmp"
    for p in (tmp, Path(str(tmp) + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(f"SET memory_limit = '{DB_MEMORY_LIMIT}'")
        con.execute("SET temp_directory = ?", [str(work / "duckdb_tmp")])
        for t in TABLES:
            con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_parquet({_q(out / (t + '.parquet'))})")
        con.execute(f"""
            CREATE TABLE inputs AS
            SELECT path, sha256, report_id, status, duplicate_of, reason.stage AS reason_stage,
                   reason.code AS reason_code, reason.type AS reason_type, reason.message AS reason_message
            FROM read_json({_q(out / 'manifest.jsonl')}, format = 'newline_delimited', columns = {{
                'path': 'VARCHAR', 'sha256': 'VARCHAR', 'report_id': 'VARCHAR', 'status': 'VARCHAR',
                'duplicate_of': 'VARCHAR',
                'reason': 'STRUCT(stage VARCHAR, code VARCHAR, type VARCHAR, message VARCHAR)'}})
            ORDER BY path""")
        con.execute(VIEWS)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, db)
    return db


# reports_unique: one row per report (a report published in several formats counts once);
# applications: the applications table as one row per unique report and row, numbers as columns.
VIEWS = """
CREATE VIEW reports_unique AS SELECT * FROM reports WHERE duplicate_of IS NULL;
CREATE VIEW applications AS
SELECT c.report_id, r.agency, r.year, r.template, c.row_id,
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
