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
