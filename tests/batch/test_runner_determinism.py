"""Same inputs, byte-identical outputs: whatever the worker count, and across resumed runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")

DATA_FILES = ("reports", "sections", "cells", "figures", "findings", "clauses")


def _bytes(out: Path) -> dict[str, bytes]:
    d = {t: (out / f"{t}.parquet").read_bytes() for t in DATA_FILES}
    d["manifest"] = (out / "manifest.json").read_bytes()
    d["entries"] = (out / "manifest.jsonl").read_bytes()
    return d


@pytest.fixture(scope="module")
def synth_in(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from gsnlp.synth import write_corpus

    d = tmp_path_factory.mktemp("synth")
    write_corpus(d, 12, seed=7)
    return d / "reports"


def test_runner_same_bytes_for_1_and_2_workers(synth_in: Path, tmp_path: Path) -> None:
    from gsnlp.batch import run_batch

    a = run_batch(synth_in, tmp_path / "a", workers=1, progress=False)
    b = run_batch(synth_in, tmp_path / "b", workers=2, progress=False, chunk=1)
    assert a.n_ok == b.n_ok == 12
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_runner_resume_skips_done_and_keeps_bytes(synth_in: Path, tmp_path: Path) -> None:
    from gsnlp.batch import run_batch

    inp = tmp_path / "in"
    shutil.copytree(synth_in, inp)
    extra = sorted(inp.iterdir())[-1]
    held = tmp_path / extra.name
    shutil.move(extra, held)
    first = run_batch(inp, tmp_path / "out", workers=1, progress=False)
    assert first.n_processed == 11
    shutil.move(held, inp / extra.name)
    again = run_batch(inp, tmp_path / "out", workers=1, resume=True, progress=False)
    assert (again.n_processed, again.n_skipped) == (1, 11)
    fresh = run_batch(inp, tmp_path / "fresh", workers=1, progress=False)
    assert fresh.n_processed == 12
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")


def test_runner_resume_with_other_stages_redoes_and_keeps_bytes(synth_in: Path, tmp_path: Path) -> None:
    """A record is done only for the same work: resuming a parse-only run with every stage redoes
    each input (before, it kept the parse-only rows: no figures, no findings) and gives the fresh
    run's bytes; resuming again with the same stages skips them all."""
    from gsnlp.batch import run_batch

    first = run_batch(synth_in, tmp_path / "out", workers=1, progress=False, stages=("parse",))
    assert first.manifest["tables"]["findings"] == 0
    again = run_batch(synth_in, tmp_path / "out", workers=1, resume=True, progress=False)
    assert (again.n_processed, again.n_skipped) == (first.n_in, 0)
    fresh = run_batch(synth_in, tmp_path / "fresh", workers=1, progress=False)
    assert fresh.manifest["tables"]["findings"] > 0
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")
    third = run_batch(synth_in, tmp_path / "out", workers=1, resume=True, progress=False)
    assert (third.n_processed, third.n_skipped) == (0, first.n_in)


def test_runner_same_content_twice_in_one_chunk_gives_its_rows_once(synth_in: Path, tmp_path: Path) -> None:
    """Two inputs with the same bytes in one chunk are one report: its rows are written once (they
    were written twice, one per input, when both fell in one chunk) and the tables are the bytes of
    a run without the copy; the manifest lists both, the copy with ``duplicate_of``."""
    from gsnlp.batch import run_batch

    inp = tmp_path / "in"
    shutil.copytree(synth_in, inp)
    first = sorted(inp.iterdir())[0]
    shutil.copy(first, inp / f"{first.stem}_copy{first.suffix}")  # sorts next to it: the same chunk
    s = run_batch(inp, tmp_path / "out", workers=1, progress=False, chunk=4)
    assert s.n_in == s.n_ok == 13 and s.manifest["n_duplicates"] == 1
    run_batch(synth_in, tmp_path / "without", workers=1, progress=False, chunk=4)
    got, want = _bytes(tmp_path / "out"), _bytes(tmp_path / "without")
    assert {t: got[t] == want[t] for t in DATA_FILES} == {t: True for t in DATA_FILES}
    copy = [e for e in s.entries() if e["path"].endswith("_copy.txt")]
    assert copy[0]["duplicate_of"] == first.name


def test_runner_same_content_in_two_chunks_keeps_the_first_paths_rows(synth_in: Path, tmp_path: Path) -> None:
    """The same bytes under a name that sorts last (another chunk, processed later): the tables hold
    the rows made from the kept (first) path — the report's ``doc`` names that file — and are the
    bytes of a run without the copy, for 1 and 2 workers and after a resume."""
    from gsnlp.batch import run_batch

    inp = tmp_path / "in"
    shutil.copytree(synth_in, inp)
    first = sorted(inp.iterdir())[0]
    shutil.copy(first, inp / f"zzz_copy{first.suffix}")
    run_batch(synth_in, tmp_path / "without", workers=1, progress=False, chunk=4)
    want = _bytes(tmp_path / "without")
    for w in (1, 2):
        s = run_batch(inp, tmp_path / f"w{w}", workers=w, progress=False, chunk=4)
        assert s.n_in == s.n_ok == 13 and s.manifest["n_duplicates"] == 1
        got = _bytes(tmp_path / f"w{w}")
        assert {t: got[t] == want[t] for t in DATA_FILES} == {t: True for t in DATA_FILES}, w
    (inp / first.name).unlink()  # resumed without the first path: the copy is now the kept one, read anew
    s = run_batch(inp, tmp_path / "w1", workers=1, progress=False, chunk=4, resume=True)
    assert (s.n_processed, s.n_skipped) == (0, 12)  # its own record exists (it was processed as itself)
    import duckdb

    doc = duckdb.sql(f"SELECT doc FROM '{tmp_path / 'w1' / 'reports.parquet'}' WHERE path = 'zzz_copy.txt'").fetchall()
    assert doc == [("zzz_copy.txt",)]


def test_runner_data_files_hold_no_run_statistics(synth_in: Path, tmp_path: Path) -> None:
    from gsnlp.batch import run_batch

    run_batch(synth_in, tmp_path / "o", workers=1, progress=False)
    m = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    assert "wall_s" not in json.dumps(m) and "workers" not in m
    assert "wall_s" in json.loads((tmp_path / "o" / "run_stats.json").read_text(encoding="utf-8"))


def test_runner_database_matches_parquet(synth_in: Path, tmp_path: Path) -> None:
    import duckdb
    import pyarrow.parquet as pq

    run_batch_out = tmp_path / "db"
    from gsnlp.batch import run_batch

    run_batch(synth_in, run_batch_out, workers=1, progress=False)
    con = duckdb.connect(str(run_batch_out / "gsnlp.duckdb"), read_only=True)
    for t in DATA_FILES:  # the same rows in the same order
        got = con.sql(f"SELECT * FROM {t}").to_arrow_table()
        want = pq.read_table(run_batch_out / f"{t}.parquet")
        assert got.num_rows == want.num_rows > 0 and got.to_pylist() == want.to_pylist(), t
    con.close()
    # and the Parquet files do not depend on whether the database is written
    run_batch(synth_in, tmp_path / "no-db", workers=1, progress=False, database=False)
    assert not (tmp_path / "no-db" / "gsnlp.duckdb").exists()
    assert _bytes(tmp_path / "no-db") == _bytes(run_batch_out)


def test_runner_chunk_size_does_not_change_the_bytes(synth_in: Path, tmp_path: Path) -> None:
    """One part per input or a few parts, read one after another: the same files."""
    from gsnlp.batch import run_batch

    run_batch(synth_in, tmp_path / "one", workers=1, progress=False, database=False, chunk=1)
    run_batch(synth_in, tmp_path / "many", workers=1, progress=False, database=False, chunk=5)
    assert len(list((tmp_path / "one" / ".work" / "parts" / "cells").glob("*.parquet"))) == 12 + 1  # + _empty
    assert _bytes(tmp_path / "one") == _bytes(tmp_path / "many")


def _children_of(parent: int) -> list[int]:
    """Pids of the pool's workers: the live children of this process, from /proc."""
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat[1]) == parent and stat[0] not in ("Z", "X"):
                out.append(int(d.name))
    return sorted(out)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_runner_worker_killed_mid_run_loses_nothing(synth_in: Path, tmp_path: Path) -> None:
    """A worker killed while chunks are in flight (as the OOM killer would): the chunk it held is
    retried one input at a time in fresh workers, and the outputs are those of a clean run."""
    import os
    import signal

    from gsnlp.batch import run_batch

    killed: list[int] = []

    def kill_one(rec: dict) -> None:
        if not killed:
            pids = _children_of(os.getpid())
            assert pids, "no worker process found"
            for p in pids:  # every worker: whichever holds the next chunk dies with it
                os.kill(p, signal.SIGKILL)
            killed.extend(pids)

    clean = run_batch(synth_in, tmp_path / "clean", workers=1, progress=False)
    hit = run_batch(synth_in, tmp_path / "hit", workers=2, progress=False, chunk=2, on_result=kill_one)
    assert killed
    assert (hit.n_in, hit.n_ok, hit.n_failed) == (clean.n_in, clean.n_ok, clean.n_failed) == (12, 12, 0)
    assert _bytes(tmp_path / "hit") == _bytes(tmp_path / "clean")


def _order(out: Path) -> tuple[list[str], list[tuple[str, str, int]]]:
    """The reports' paths in ``reports.parquet``, and ``(table, path, seq)`` of every child-table row
    in file order."""
    import pyarrow.parquet as pq

    reps = pq.read_table(out / "reports.parquet", columns=["report_id", "path"]).to_pylist()
    path = {r["report_id"]: r["path"] for r in reps}
    rows = [(t, path[r["report_id"]], r["seq"]) for t in DATA_FILES[1:]
            for r in pq.read_table(out / f"{t}.parquet", columns=["report_id", "seq"]).to_pylist()]
    return [r["path"] for r in reps], rows


def test_runner_tables_follow_the_paths(synth_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every table lists its reports in path order (the manifest's), a report's rows by ``seq``, with
    the same bytes whether the parts are read as they come (a plain run) or sorted: when a part
    holds a copy beside kept reports, and when forced (the final step is forked: it sees the patch)."""
    from gsnlp.batch import run_batch, store

    inp = tmp_path / "in"
    shutil.copytree(synth_in, inp)
    names = sorted(p.name for p in inp.iterdir())
    # the same bytes as the 4th file under a name that sorts just before the last one: in a chunk with others
    shutil.copy(inp / names[3], inp / (Path(names[-2]).stem + "a.txt"))
    seen = tmp_path / "in_order.txt"
    real = store._in_order

    def spy(con: object, parts: Path) -> list[str] | None:
        got = real(con, parts)
        with open(seen, "a", encoding="utf-8") as fh:
            fh.write(f"{got is not None}\n")
        return got

    monkeypatch.setattr(store, "_in_order", spy)
    for name, src in (("plain", synth_in), ("copy", inp)):
        s = run_batch(src, tmp_path / name, workers=2, progress=False, chunk=3, database=False)
        assert s.manifest["n_reports"] == 12
    monkeypatch.setattr(store, "_in_order", lambda con, parts: None)
    run_batch(synth_in, tmp_path / "sorted", workers=2, progress=False, chunk=3, database=False)
    assert seen.read_text(encoding="utf-8").split() == ["True", "False"]  # read as they come; sorted
    want = _bytes(tmp_path / "plain")
    for name in ("plain", "copy", "sorted"):
        paths, rows = _order(tmp_path / name)
        assert paths == sorted(paths) and len(paths) == 12, name
        for t in DATA_FILES[1:]:
            mine = [(p, q) for tt, p, q in rows if tt == t]
            assert mine == sorted(mine) and len(mine) > 0, (name, t)
        got = _bytes(tmp_path / name)
        assert {t: got[t] == want[t] for t in DATA_FILES} == {t: True for t in DATA_FILES}, name


def test_final_row_groups_do_not_depend_on_how_the_rows_come(tmp_path: Path) -> None:
    """The same 150,000 rows as one stream or cut into pieces of odd sizes: the same bytes, row
    groups of exactly ``ROW_GROUP`` rows (the bytes of 1 and 2 workers, or of a resumed run, whose
    parts cut the rows differently)."""
    import duckdb
    import pyarrow.parquet as pq

    from gsnlp.batch.store import ROW_GROUP, _copy

    con = duckdb.connect()
    con.execute("SET threads = 1")
    con.execute("SET preserve_insertion_order = true")
    cols = ("printf('%016d', i // 7) AS report_id, (i % 7)::INTEGER AS seq, 's' || (i % 5) AS section_id, "
            "NULL AS number, repeat('题', (i % 13)::INTEGER) AS title, i AS start, i + 3 AS \"end\", i + 1 AS body_start, "
            "2::BIGINT AS n_chars, 'heading' AS origin, NULL::DOUBLE AS confidence")
    whole = f"SELECT {cols} FROM range(150000) t(i)"
    cuts = [0, 1, 999, 65537, 65538, 100000, 150000]
    pieces = " UNION ALL ".join(f"(SELECT {cols} FROM range({a}, {b}) t(i))" for a, b in zip(cuts, cuts[1:]))
    for name, sel in (("whole", whole), ("pieces", pieces)):
        assert _copy(con, sel, tmp_path / f"{name}.parquet", "sections") == 150000
    md = pq.ParquetFile(tmp_path / "pieces.parquet").metadata
    assert [md.row_group(i).num_rows for i in range(md.num_row_groups)] == [ROW_GROUP, ROW_GROUP,
                                                                             150000 - 2 * ROW_GROUP]
    assert (tmp_path / "whole.parquet").read_bytes() == (tmp_path / "pieces.parquet").read_bytes()
    assert pq.read_table(tmp_path / "pieces.parquet").column("start").to_pylist() == list(range(150000))

