"""``--engine ray``: the same per-report function as Ray tasks on a local cluster started here
(two CPUs), the same tables, Parquet byte-identical to the local engine."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "reports" / "real"

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


@pytest.mark.slow
def test_ray_engine_gives_the_local_bytes(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    from gsnlp.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    for p in [*sorted(REAL.glob("平潭综合实验区_202[345].*")), *sorted(REAL.glob("*_2019.txt"))[:2]]:
        shutil.copy(p, src / p.name)
    (src / "empty.txt").write_bytes(b"")
    local = run_batch(src, tmp_path / "local", workers=2, progress=False, theme_model="keyword")
    assert not ray.is_initialized()
    on_ray = run_batch(src, tmp_path / "ray", workers=2, engine="ray", progress=False, theme_model="keyword")
    assert not ray.is_initialized()  # the cluster it started is shut down again
    assert on_ray.stats["engine"] == "ray" and on_ray.stats["workers"] == 2
    assert on_ray.n_in == local.n_in == 8 and on_ray.n_failed == local.n_failed == 1
    assert on_ray.manifest["tables"]["findings"] > 0 and on_ray.manifest["cross_year"]["reports"] >= 3
    for name in [f"{t}.parquet" for t in ("reports", "sections", "cells", "figures", "findings", "clauses")] + [
            "manifest.json", "manifest.jsonl"]:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
