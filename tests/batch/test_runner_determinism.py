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
    b = run_batch(synth_in, tmp_path / "b", workers=2, progress=False, chunk=1, flush_every=5)
    assert a.n_ok == b.n_ok == 12
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_runner_resume_skips_done_and_keeps_bytes(synth_in: Path, tmp_path: Path) -> None:
    from gsnlp.batch import run_batch

    inp = tmp_path / "in"
    shutil.copytree(synth_in, inp)
    extra = sorted(inp.iterdir())[-1]
    held = tmp_path / extra.name
    shutil.move(extra, held)
    first = run_batch(inp, tmp_path / "out", workers=1, progress=False, flush_every=4)
    assert first.n_processed == 11
    shutil.move(held, inp / extra.name)
    again = run_batch(inp, tmp_path / "out", workers=1, resume=True, progress=False)
    assert (again.n_processed, again.n_skipped) == (1, 11)
    fresh = run_batch(inp, tmp_path / "fresh", workers=1, progress=False)
    assert fresh.n_processed == 12
    assert _bytes(tmp_path / "out") == _bytes(tmp_path / "fresh")


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
    for t in DATA_FILES:
        assert con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == pq.read_table(run_batch_out / f"{t}.parquet").num_rows
    con.close()


def test_runner_buckets_do_not_change_the_rows(synth_in: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyarrow.parquet as pq

    from gsnlp.batch import run_batch, store

    one = run_batch(synth_in, tmp_path / "one", workers=1, progress=False, database=False)
    monkeypatch.setattr(store, "BUCKET_REPORTS", 3)  # 12 reports: 4 buckets
    four = run_batch(synth_in, tmp_path / "four", workers=1, progress=False, database=False)
    # the setting reached the writer processes
    assert {w["buckets"] for w in one.stats["tables_written"].values()} == {1}
    assert {w["buckets"] for w in four.stats["tables_written"].values()} == {4}
    for t in DATA_FILES:
        assert pq.read_table(tmp_path / "one" / f"{t}.parquet").equals(pq.read_table(tmp_path / "four" / f"{t}.parquet"))


def test_runner_bucket_files_do_not_change_the_bytes(synth_in: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows that go through the bucket files (many buckets, a small in-memory buffer) and rows
    that stay in memory give the same files."""
    from gsnlp.batch import run_batch, store

    monkeypatch.setattr(store, "BUCKET_REPORTS", 5)  # 12 reports: 3 buckets (3 row groups at least)
    mem = run_batch(synth_in, tmp_path / "mem", workers=1, progress=False, database=False)
    monkeypatch.setattr(store, "FLUSH_BYTES", 2000)  # most rows go through the bucket files
    files = run_batch(synth_in, tmp_path / "files", workers=1, progress=False, database=False, chunk=4)
    assert all(w["bucket_files"] == 0 for w in mem.stats["tables_written"].values())
    assert files.stats["tables_written"]["cells"]["bucket_files"] == 3
    for t in DATA_FILES:
        assert (tmp_path / "mem" / f"{t}.parquet").read_bytes() == (tmp_path / "files" / f"{t}.parquet").read_bytes()


def _workers_of(parent: int) -> list[int]:
    """Pids of the pool workers: children of our children (the fork server's), from /proc."""
    ppid = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                ppid[int(d.name)] = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    ours = {p for p, pp in ppid.items() if pp == parent}
    return sorted(p for p, pp in ppid.items() if pp in ours)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_runner_worker_killed_mid_run_loses_nothing(synth_in: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker killed while chunks are in flight (as the OOM killer would): the chunks it and
    its pool held are retried one input at a time, and the outputs are those of a clean run."""
    import os
    import signal

    from gsnlp.batch import run_batch, runner

    solo = []
    real_pool = runner._pool

    def counting_pool(workers: int, initargs: tuple) -> object:
        if workers == 1:
            solo.append(1)
        return real_pool(workers, initargs)

    monkeypatch.setattr(runner, "_pool", counting_pool)
    killed: list[int] = []

    def kill_one(rec: dict) -> None:
        if not killed:
            pids = _workers_of(os.getpid())
            assert pids, "no worker process found"
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    clean = run_batch(synth_in, tmp_path / "clean", workers=1, progress=False)
    hit = run_batch(synth_in, tmp_path / "hit", workers=2, progress=False, chunk=1, on_result=kill_one)
    assert killed and solo, "the kill did not reach a pool with work left (the retry path did not run)"
    assert (hit.n_in, hit.n_ok, hit.n_failed) == (clean.n_in, clean.n_ok, clean.n_failed) == (12, 12, 0)
    assert _bytes(tmp_path / "hit") == _bytes(tmp_path / "clean")
