"""The Ray engine keeps the wall-clock backstop of every task (``_hard_timeout``), as pebble's
``schedule(timeout=…)`` does locally: a task that hangs without using CPU (so the per-input CPU
timer never fires) fails with ``TimeoutError`` and is cancelled; a task within its limit returns."""

from __future__ import annotations

import time

import pytest


@pytest.mark.slow
def test_ray_task_past_its_wall_clock_limit_fails_with_timeout() -> None:
    pytest.importorskip("ray")
    from gsnlp.batch.runner import Options, _Ray

    def _sleep(opts: object, payload: float) -> str:  # nested: Ray ships it by value
        import time as t

        t.sleep(payload)  # no CPU: only the wall clock can stop it
        return "finished"

    eng = _Ray(1, None)
    try:
        ok = eng.submit(_sleep, Options("/nonexistent", None), 0.0, 30.0)
        assert ok.result(timeout=60) == "finished"
        t0 = time.perf_counter()
        hung = eng.submit(_sleep, Options("/nonexistent", None), 20.0, 1.0)
        exc = hung.exception(timeout=60)
        waited = time.perf_counter() - t0
    finally:
        eng.close()
    assert isinstance(exc, TimeoutError) and waited < 10, (exc, waited)
