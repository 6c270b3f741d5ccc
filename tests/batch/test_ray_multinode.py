"""``gsnlp batch --engine ray --address ADDR`` on a Ray cluster of TWO nodes started here
(``ray.cluster_utils.Cluster``: a head node with no CPU, a worker node with one), so that every
task the batch submits must run on the node that is not the driver's: the Parquet files and the
manifest are the local engine's bytes, the inputs travel as bytes (a task never opens the driver's
paths), a README among the inputs fails as ``not_a_report``, and ``--resume`` on the cluster
skips what was done and writes the same bytes; a worker node lost in the middle of a run loses
no input."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "reports" / "real"
OUT_FILES = [f"{t}.parquet" for t in ("reports", "sections", "cells", "figures", "findings", "clauses")] + [
    "manifest.json", "manifest.jsonl"]
STORE = 80 * 1024 * 1024  # object store per node: small, this is a 2-core test machine

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


@pytest.fixture
def two_nodes() -> Iterator[dict[str, Any]]:
    """A head node with 0 CPUs (it runs no task) and a worker node with 1 CPU; the driver is not
    connected (the batch connects with ``--address``); both nodes are shut down afterwards."""
    ray = pytest.importorskip("ray")
    from ray.cluster_utils import Cluster

    if ray.is_initialized():
        pytest.skip("a Ray driver is already connected in this process")
    cluster = Cluster(initialize_head=True, connect=False,
                      head_node_args={"num_cpus": 0, "object_store_memory": STORE, "include_dashboard": False})
    try:
        worker = cluster.add_node(num_cpus=1, object_store_memory=STORE)
        cluster.wait_for_nodes()
        assert cluster.head_node is not None
        yield {"address": cluster.address, "head": cluster.head_node.node_id, "worker": worker.node_id,
               "cluster": cluster, "worker_node": worker}
    finally:
        if ray.is_initialized():
            ray.shutdown()
        cluster.shutdown()  # type: ignore[no-untyped-call]


def _inputs(src: Path) -> list[str]:
    src.mkdir()
    names = ["平潭综合实验区_2023.txt", "平潭综合实验区_2024.txt", "平潭综合实验区_2024.html",
             "平潭综合实验区_2025.txt", "沭阳县人民政府_2025.txt", "平潭综合实验区公安局_2019.txt"]
    for n in names:
        shutil.copy(REAL / n, src / n)
    shutil.copy(ROOT / "README.md", src / "README.md")  # a document, not a report
    return [*names, "README.md"]


@pytest.mark.slow
def test_two_node_ray_cluster_gives_the_local_bytes(tmp_path: Path, two_nodes: dict[str, Any]) -> None:
    import ray
    from typer.testing import CliRunner

    from gsnlp.batch import run_batch
    from gsnlp.batch.runner import Item, Options, run_chunk
    from gsnlp.cli.main import app

    src = tmp_path / "in"
    names = _inputs(src)
    local = run_batch(src, tmp_path / "local", workers=1, progress=False, theme_model="keyword")
    assert not ray.is_initialized()

    t0 = time.perf_counter()
    args = ["batch", str(src), "-o", str(tmp_path / "ray"), "--engine", "ray", "--address", two_nodes["address"],
            "--model", "keyword", "--no-strict"]
    r = CliRunner().invoke(app, args)
    took = time.perf_counter() - t0
    assert r.exit_code == 0, r.output
    assert not ray.is_initialized()  # the driver disconnected; the cluster (not its to stop) still runs

    stats = json.loads((tmp_path / "ray" / "run_stats.json").read_text(encoding="utf-8"))
    # the cluster's CPUs are the worker node's alone: every num_cpus=1 task ran there
    assert stats["engine"] == "ray" and stats["workers"] == 1, stats
    for name in OUT_FILES:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name

    m = json.loads((tmp_path / "ray" / "manifest.json").read_text(encoding="utf-8"))
    assert m["n_in"] == len(names) == local.n_in and m["n_in"] == m["n_ok"] + m["n_failed"]
    assert (m["n_ok"], m["n_failed"]) == (len(names) - 1, 1)
    entries = {e["path"]: e for e in map(json.loads, (tmp_path / "ray" / "manifest.jsonl").read_text(
        encoding="utf-8").splitlines())}
    assert set(entries) == set(names)
    assert entries["README.md"]["status"] == "failed" and entries["README.md"]["reason"]["code"] == "not_a_report"
    assert all(entries[n]["status"] == "ok" for n in names if n != "README.md")
    assert m["cross_year"]["reports"] >= 3 and not m["cross_year"]["failed_tasks"]
    assert m["tables"]["findings"] > 0

    # --resume on the cluster: the six reports are skipped by hash, README retried (and fails again)
    r = CliRunner().invoke(app, [*args, "--resume"])
    assert r.exit_code == 0, r.output
    assert "1 processed, 6 already done" in r.output, r.output
    for name in OUT_FILES:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name

    # where the tasks run, and what they need: connect to the same cluster as a driver
    ray.init(address=two_nodes["address"], log_to_driver=False)

    def node_of_task() -> str:
        return str(ray.get_runtime_context().get_node_id())

    on = ray.get([ray.remote(num_cpus=1)(node_of_task).remote() for _ in range(4)])
    assert set(on) == {two_nodes["worker"]} != {two_nodes["head"]}
    assert ray.get_runtime_context().get_node_id() == two_nodes["head"]  # the driver is on the head node
    # run_chunk as the engine submits it, with inputs as bytes and a root no node can read: it
    # never opens a path (a worker node of a real cluster does not see the driver's files)
    gone = tmp_path / "no-such-folder"
    opts = Options(str(gone), None, theme_model="keyword", retire=False)
    items: list[Item] = [(i, n, (src / n).read_bytes()) for i, n in enumerate(names)]
    res = ray.get(ray.remote(max_retries=0, num_cpus=1)(run_chunk).remote(opts, items))
    got = {rec["path"]: rec["status"] for rec in res["records"]}
    assert got == {n: ("failed" if n == "README.md" else "ok") for n in names}
    assert res["tables"]["reports"].num_rows == len(names) - 1
    assert not gone.exists()
    # and the driver does ship bytes: the chunks it makes for the Ray engine carry every input's content
    from types import SimpleNamespace

    from gsnlp.batch.runner import _chunks

    shipped = [x for c in _chunks(sorted(names), 3, SimpleNamespace(name="ray"), src, set()) for x in c]
    assert [(rel, data) for _, rel, data in shipped] == [(n, (src / n).read_bytes()) for n in sorted(names)]

    # a driver already connected (a notebook): the batch uses that connection and leaves it open
    again = run_batch(src, tmp_path / "ray-connected", engine="ray", progress=False, theme_model="keyword")
    assert ray.is_initialized() and again.stats["workers"] == 1
    for name in OUT_FILES:
        assert (tmp_path / "ray-connected" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name
    print(f"two-node ray batch: {took:.1f} s for {len(names)} inputs")


@pytest.mark.slow
def test_a_node_lost_mid_run_loses_no_input(tmp_path: Path, two_nodes: dict[str, Any]) -> None:
    """The only worker node is killed (no graceful stop) while a chunk is running on it, and a
    fresh node joins: the chunk's task fails, the driver retries its inputs one at a time on the
    new node, and the outputs are the local engine's bytes."""
    import ray

    from gsnlp.batch import run_batch

    src = tmp_path / "in"
    names = _inputs(src)
    local = run_batch(src, tmp_path / "local", workers=1, progress=False, theme_model="keyword")
    cluster, lost = two_nodes["cluster"], two_nodes["worker_node"]
    new: list[Any] = []

    def kill_after_first(rec: dict[str, Any]) -> None:
        if not new:  # the first chunk is back; the next one is running on the node now
            cluster.remove_node(lost, allow_graceful=False)
            new.append(cluster.add_node(num_cpus=1, object_store_memory=STORE))
            cluster.wait_for_nodes()

    s = run_batch(src, tmp_path / "ray", engine="ray", address=two_nodes["address"], progress=False,
                  theme_model="keyword", on_result=kill_after_first)
    assert not ray.is_initialized()
    assert new and new[0].node_id != two_nodes["worker"]
    assert s.stats["retried_inputs"] >= 1, s.stats  # a chunk's task did fail with its node
    assert (s.n_in, s.n_ok, s.n_failed) == (local.n_in, local.n_ok, local.n_failed) == (len(names), len(names) - 1, 1)
    assert {e["path"]: e["reason"]["code"] for e in s.entries() if e["status"] == "failed"} == {
        "README.md": "not_a_report"}
    for name in OUT_FILES:
        assert (tmp_path / "ray" / name).read_bytes() == (tmp_path / "local" / name).read_bytes(), name


@pytest.mark.slow
def test_a_hung_ray_task_hits_the_wall_clock_backstop(two_nodes: dict[str, Any]) -> None:
    """Every task has a wall-clock limit (``_hard_timeout``, kept by ``_tasks``: the task is
    cancelled and ends with ``TimeoutError``, the input then fails as ``input_too_complex``); on a
    cluster too, the task on the other node is cancelled."""
    from unittest import mock

    from gsnlp.batch import runner

    def hang(opts: runner.Options, payload: list[float]) -> str:
        import time as t

        t.sleep(payload[0])  # sleeps: no CPU, so the per-input CPU timer never fires
        return "finished"

    eng = runner._Ray(1, two_nodes["address"])
    try:
        t0 = time.perf_counter()
        with mock.patch.object(runner, "_hard_timeout", lambda opts, n: 1.0):
            got = list(runner._tasks(eng, hang, runner.Options("/nonexistent", None), [[6.0]]))
        waited = time.perf_counter() - t0
    finally:
        eng.close()
    assert len(got) == 1 and isinstance(got[0][2], TimeoutError) and waited < 5, (got, waited)
