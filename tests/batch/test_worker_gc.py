"""A local batch worker runs with the batch's collector thresholds; the caller's process keeps its own."""

from __future__ import annotations

import gc

import pytest

pytest.importorskip("pebble")


def _thresholds() -> tuple[int, ...]:
    return gc.get_threshold()


def test_local_worker_gc_thresholds() -> None:
    import multiprocessing as mp

    from pebble import ProcessPool

    from gsnlp.batch.runner import WORKER_GC_THRESHOLDS, init_worker

    before = gc.get_threshold()
    with ProcessPool(max_workers=1, initializer=init_worker, initargs=(set(),),
                     context=mp.get_context("fork")) as pool:
        got = pool.schedule(_thresholds).result(timeout=60)
    assert tuple(got) == WORKER_GC_THRESHOLDS != before
    assert gc.get_threshold() == before


def _run_chunk_watching(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> tuple[list[bool], int, int]:
    """run_chunk on three corpus reports: whether the collector was on during each report, the young
    collections during the chunk, and the reports."""
    from pathlib import Path

    from gsnlp_corpus import REAL

    from gsnlp.batch import runner
    from gsnlp.tabular import rows

    names = sorted(p.name for p in REAL.glob("*.txt"))[:3]
    on: list[bool] = []
    real = rows.process_bytes

    def watched(*a: object, **k: object) -> object:
        on.append(gc.isenabled())
        return real(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(rows, "process_bytes", watched)
    young = []
    cb = lambda phase, info: young.append(1) if phase == "start" and info["generation"] == 0 else None  # noqa: E731
    # no per-input budgets: they would set this test process's timer and address-space limit
    opts = runner.Options(str(REAL), str(Path(str(tmp_path))), stages=("parse",), task_timeout=None,
                          task_memory_mb=None)
    gc.callbacks.append(cb)
    try:
        res = runner.run_chunk(opts, [(i, n, None) for i, n in enumerate(names)])
    finally:
        gc.callbacks.remove(cb)
    assert [r["status"] for r in res["records"]] == ["ok"] * len(names)
    return on, len(young), len(names)


def test_chunk_reports_run_with_the_collector_waiting(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    assert gc.isenabled()
    on, _, n = _run_chunk_watching(tmp_path, monkeypatch)
    assert on == [False] * n
    assert gc.isenabled()  # on again once the chunk is done


def test_chunk_collects_when_objects_pile_up(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from gsnlp.batch import runner

    monkeypatch.setattr(runner, "CHUNK_GC_BOUND", -1)  # every report's end is past the bound
    _, young, n = _run_chunk_watching(tmp_path, monkeypatch)
    assert young >= n
