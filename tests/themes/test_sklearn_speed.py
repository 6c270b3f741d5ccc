from __future__ import annotations

import time

import pytest

pytest.importorskip("sklearn")

from gsnlp.themes.dataset import dedupe, load_gold
from gsnlp.themes.registry import create


@pytest.mark.slow
def test_sklearn_backend_predicts_1000_clauses_per_second() -> None:
    recs = dedupe(load_gold())
    X = [r["input"] for r in recs]
    clf = create("sklearn").fit(X, [{"role": r["role"], "themes": r["themes"]} for r in recs])
    batch = (X * 10)[:2000]
    clf.predict(batch[:20])
    best = min(_timed(clf, batch) for _ in range(3))  # best of three: other processes share the CPUs
    assert len(batch) / best >= 1000


def _timed(clf, batch) -> float:
    t = time.perf_counter()
    clf.predict(batch)
    return time.perf_counter() - t
