"""Per-input budgets: an input past its time or memory budget fails with input_too_complex and a reason, its
worker is replaced, every other input is processed; a poisoned report does not take the batch down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpora" / "reports" / "seeds").glob("*.txt"))

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


def _entries(out: Path) -> dict[str, dict]:
    return {e["path"]: e for e in map(json.loads, (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines())}


def _folder(d: Path, extra: dict[str, bytes]) -> Path:
    d.mkdir()
    for p in SEEDS[:4]:
        (d / p.name).write_bytes(p.read_bytes())
    for name, data in extra.items():
        (d / name).write_bytes(data)
    return d


def _hostile_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reader misbehaves on marked inputs (the workers are forked: they inherit the patch).
    ``HANG``: catastrophic backtracking inside the regular-expression engine (C code holding the
    GIL, as the issue's label/values pattern did); ``HOG``: an allocation far past the budget."""
    import re

    import gsnlp.io

    real = gsnlp.io.read_bytes

    def reader(data: bytes, path: str, *a: object, **k: object) -> object:
        if data.startswith(b"HANG"):
            re.match(r"(a+)+$", "a" * 64 + "b")
        if data.startswith(b"HOG"):
            return bytearray(8 << 30)
        return real(data, path, *a, **k)

    monkeypatch.setattr(gsnlp.io, "read_bytes", reader)


def test_input_over_time_budget_fails_and_the_rest_is_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gsnlp.batch import run_batch

    _hostile_reader(monkeypatch)
    src = _folder(tmp_path / "in", {"000_hang.txt": b"HANG"})  # first: in a chunk with a good input
    s = run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse",), task_timeout=1.0, chunk=2)
    e = _entries(tmp_path / "out")
    assert (s.n_in, s.n_ok, s.n_failed) == (5, 4, 1)
    r = e["000_hang.txt"]["reason"]
    assert r["code"] == "input_too_complex" and "took more than 1 CPU seconds" in r["message"]
    assert all(e[p.name]["status"] == "ok" for p in SEEDS[:4])
    assert s.stats["retried_inputs"] >= 2  # the chunk that held it was retried input by input


def test_input_over_memory_budget_fails_and_its_worker_is_replaced(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from gsnlp.batch import run_batch

    _hostile_reader(monkeypatch)
    src = _folder(tmp_path / "in", {"000_hog.txt": b"HOG"})
    s = run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse",), task_memory_mb=256, chunk=1)
    e = _entries(tmp_path / "out")
    assert (s.n_in, s.n_ok, s.n_failed) == (5, 4, 1)
    r = e["000_hog.txt"]["reason"]
    assert r["code"] == "input_too_complex" and "budget of 256 MB" in r["message"] and r["stage"] == "parse"
    assert s.stats["retired_workers"] == 1  # the next chunk went to a fresh worker
    # this run's own processes (ru_maxrss of the children would count earlier tests' children too)
    assert max(s.stats["workers_peak_rss_mb"], s.stats["final_peak_rss_mb"]) < 1024


def test_poisoned_report_is_contained(tmp_path: Path) -> None:
    """A report whose applications table has a 5,000-digit run-together row (issue 19: the
    平潭 layout, where a row's cells are written without separators): every other input is ok,
    the poisoned one failed with a reason (the reader's own cap or the batch's budget), and no
    process of the run went far past the memory budget."""
    from gsnlp.batch import run_batch

    text = (ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2024.txt").read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量21710000218"
    assert row in text
    poisoned = text.replace(row, row[:-11] + ("21710000218" * 455)[:5000])
    src = _folder(tmp_path / "in", {"poisoned.txt": poisoned.encode("utf-8")})
    s = run_batch(src, tmp_path / "out", workers=2, progress=False, stages=("parse",), task_timeout=20.0,
                  task_memory_mb=512)
    e = _entries(tmp_path / "out")
    assert (s.n_in, s.n_ok, s.n_failed) == (5, 4, 1)
    assert all(e[p.name]["status"] == "ok" for p in SEEDS[:4])
    assert e["poisoned.txt"]["status"] == "failed"
    assert e["poisoned.txt"]["reason"]["message"] and e["poisoned.txt"]["reason"]["code"]
    # this run's own processes (ru_maxrss of the children would count earlier tests' children too)
    assert max(s.stats["workers_peak_rss_mb"], s.stats["final_peak_rss_mb"]) < 1024
