"""Every task of the batch has a wall-clock backstop (``_hard_timeout``), kept by ``_tasks`` for
both engines: a task that hangs without using CPU (so the per-input CPU timer never fires) is
cancelled and ends with ``TimeoutError``; a task within its limit returns."""

from __future__ import annotations

import time
from typing import Any

import pytest


def _sleep(opts: object, payload: list[float]) -> str:
    import time as t

    t.sleep(payload[0])  # no CPU: only the wall clock can stop it
    return "finished"


def _run(eng: Any, fn: Any = _sleep) -> tuple[dict[float, Any], float]:
    from unittest import mock

    from gsnlp.batch import runner

    opts = runner.Options("/nonexistent", None, task_timeout=0.25)
    assert runner._hard_timeout(opts, 1) == 61.0  # 4 × the CPU budget per input + 60 s per task
    t0 = time.perf_counter()
    # not a minute in a test, but room for a worker to start on a loaded machine (Ray: a process)
    with mock.patch.object(runner, "_hard_timeout", lambda opts, n: 8.0):
        got = {p[0]: (res, e) for p, res, e in runner._tasks(eng, fn, opts, [[0.0], [60.0]])}
    return got, time.perf_counter() - t0


@pytest.mark.slow
def test_local_task_past_its_wall_clock_limit_is_cancelled() -> None:
    from gsnlp.batch.runner import _Local

    eng = _Local(1, set(), 0)
    t0 = time.perf_counter()
    try:
        got, waited = _run(eng)
    finally:
        eng.close()  # waits for running tasks: the cancelled one's worker must be gone
    closed = time.perf_counter() - t0
    assert got[0.0] == ("finished", None)
    assert isinstance(got[60.0][1], TimeoutError) and waited < 40 and closed < 40, (got, waited, closed)


@pytest.mark.slow
def test_ray_task_past_its_wall_clock_limit_is_cancelled() -> None:
    pytest.importorskip("ray")
    from gsnlp.batch.runner import _Ray

    def sleep(opts: object, payload: list[float]) -> str:  # nested: Ray ships it by value
        import time as t

        t.sleep(payload[0])
        return "finished"

    eng = _Ray(1, None)
    try:
        got, waited = _run(eng, sleep)
    finally:
        eng.close()
    assert got[0.0] == ("finished", None)
    assert isinstance(got[60.0][1], TimeoutError) and waited < 40, (got, waited)
