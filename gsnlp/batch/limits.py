"""Per-input budgets inside a batch worker.

Time: a CPU-time interval timer (``ITIMER_PROF``) whose signal keeps its default action, so the
kernel ends the worker even inside C code that holds the GIL (a regular expression backtracking,
a native parser); the engine sees the worker die with ``SIGPROF`` and fails that input with
``input_too_complex``, and the pool starts a new worker. Memory: the address-space limit
(``RLIMIT_AS``) set to what the worker uses now plus the budget, so an allocation past it raises
``MemoryError`` in the stage that made it (``input_too_complex`` too), and the worker is retired after its
chunk (its heap may stay large).
"""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from contextlib import contextmanager

TIME_SIGNAL = signal.SIGPROF
_MEMORY_MB: list[int | None] = [None]


def memory_text() -> str:
    mb = _MEMORY_MB[0]
    return f"the budget of {mb} MB" if mb else "the memory available"


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


@contextmanager
def budget(timeout_s: float | None, memory_mb: int | None) -> Iterator[None]:
    """Run the body under the per-input budgets (None: no limit). Only in a worker process: the
    time limit ends the process."""
    old = resource.getrlimit(resource.RLIMIT_AS)
    _MEMORY_MB[0] = memory_mb
    if memory_mb:
        vm = _vm_bytes()
        if vm:
            soft = vm + memory_mb * (1 << 20)
            if old[1] != resource.RLIM_INFINITY:
                soft = min(soft, old[1])
            resource.setrlimit(resource.RLIMIT_AS, (soft, old[1]))
    if timeout_s:
        if signal.getsignal(TIME_SIGNAL) is not signal.SIG_DFL:
            signal.signal(TIME_SIGNAL, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_PROF, timeout_s)
    try:
        yield
    finally:
        if timeout_s:
            signal.setitimer(signal.ITIMER_PROF, 0)
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, old)


def died_reason(exitcode: int | None, timeout_s: float | None, stage: str = "worker") -> dict[str, str]:
    """The reason of an input whose worker died on it, alone (``exitcode`` as multiprocessing gives
    it: minus the signal number; None when the engine does not say)."""
    if exitcode is not None and exitcode == -int(TIME_SIGNAL):
        return {"stage": stage, "code": "input_too_complex", "type": "InputTooComplexError",
                "message": f"took more than {timeout_s:g} CPU seconds; the worker was stopped and replaced "
                           "(raise --task-timeout to allow more)"}
    how = f"exit status {exitcode}" if exitcode is not None else "no exit status"
    if exitcode is not None and exitcode < 0:
        try:
            how = f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            how = f"signal {-exitcode}"
    budgets = f"over the time budget ({timeout_s:g} CPU s), " if timeout_s and exitcode is None else ""
    return {"stage": stage, "code": "worker_died", "type": "WorkerDied",
            "message": f"the worker process died on this input ({how}: {budgets}out of memory or a crash in a "
                       "native library), also when it was retried alone; nothing was recorded for it"}
