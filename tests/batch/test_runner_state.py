"""The batch's per-run state lives in files: the resume records (latest line wins, a line cut by a
crash is redone), the manifest as JSON Lines; an error of the final step reaches the caller and
--resume finishes the run without processing anything again; the parent's memory per input is small."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "corpora" / "reports" / "seeds").glob("*.txt"))

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


def _sha(c: str) -> str:
    return c * 64


def _rec(n: int, c: str, status: str, part: str | None, key: str | None = "k", **kw: object) -> dict:
    r = {"n": n, "sha256": _sha(c), "path": f"{c}.txt", "status": status, "part": part, "nf": 0, **kw}
    return r if key is None else {**r, "key": key}


def test_records_latest_line_wins_and_cut_lines_are_redone(tmp_path: Path) -> None:
    from gsnlp.batch.runner import _done

    lines = [
        _rec(0, "a", "failed", None),
        _rec(1, "b", "ok", "p1"),
        _rec(2, "a", "ok", "p2"),  # the retry: wins
        _rec(3, "c", "ok", "p2"),
        _rec(4, "c", "failed", "p3"),  # a later failure: redone
        _rec(5, "e", "ok", "p3", key=None),  # an older batch's record (no key): redone
        _rec(6, "f", "ok", "p3", key="other stages"),  # made by other work: redone
    ]
    text = "".join(json.dumps(r) + "\n" for r in lines) + '{"n": 7, "sha256": "' + _sha("d")[:20]  # cut by a crash
    (tmp_path / "records.jsonl").write_text(text, encoding="utf-8")
    # done is per content and path: the same bytes under another name are read again (the rows name their file)
    assert _done(tmp_path, "k") == {(_sha("a"), "a.txt"), (_sha("b"), "b.txt")}


def test_appender_after_a_cut_line_starts_a_new_line(tmp_path: Path) -> None:
    from gsnlp.batch.runner import _append, _done, _line

    p = tmp_path / "records.jsonl"
    p.write_text(json.dumps(_rec(0, "a", "ok", "x")) + "\n" + '{"sha256": "ff', encoding="utf-8")
    with _append(p) as fh:
        _line(fh, _rec(1, "b", "ok", "y"))
    assert _done(tmp_path, "k") == {(_sha("a"), "a.txt"), (_sha("b"), "b.txt")}  # not glued to the cut line


def test_final_step_error_is_clear_and_resume_recovers(tmp_path: Path) -> None:
    """A table that cannot be written (here: its temporary file's name is taken by a folder)
    stops the run with a BatchError naming the cause; the parts are kept, and --resume finishes
    the run without processing anything again, with the files of a clean run."""
    from gsnlp.batch import run_batch
    from gsnlp.errors import BatchError

    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        (src / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    (out / ".cells.parquet.tmp").mkdir(parents=True)
    with pytest.raises(BatchError, match="final tables could not be written") as e:
        run_batch(src, out, workers=1, progress=False, stages=("parse", "check"))
    assert "resume" in str(e.value)
    (out / ".cells.parquet.tmp").rmdir()
    s = run_batch(src, out, workers=1, progress=False, resume=True, stages=("parse", "check"))
    assert (s.n_in, s.n_ok, s.n_processed, s.n_skipped) == (3, 3, 0, 3)
    clean = run_batch(src, tmp_path / "clean", workers=1, progress=False, stages=("parse", "check"))
    assert clean.manifest == s.manifest
    for t in ("reports", "cells", "findings"):
        assert (out / f"{t}.parquet").read_bytes() == (tmp_path / "clean" / f"{t}.parquet").read_bytes()


def _distinct_inputs(d: Path, n: int) -> Path:
    """``n`` inputs with distinct contents: the seed reports, each with a numbered line added."""
    d.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    for i in range(n):
        (d / f"r{i:05d}.txt").write_text(texts[i % len(texts)] + f"\n附：编号{i}\n", encoding="utf-8")
    return d


def test_parent_memory_per_input_is_small(tmp_path: Path) -> None:
    """The parent's Python heap (tracemalloc) at its peak grows by well under 1 KB per extra
    input: it holds the list of paths; results go to files as they come and the final step is
    DuckDB's (its memory is not on the Python heap; bounded by its memory_limit)."""
    from gsnlp.batch import run_batch

    def run(n: int, name: str) -> int:
        src = _distinct_inputs(tmp_path / f"in-{name}", n)
        tracemalloc.start()
        try:
            s = run_batch(src, tmp_path / f"out-{name}", workers=2, progress=False, database=False, chunk=4,
                          stages=("parse",))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert s.n_in == s.n_processed == n
        return peak

    run(20, "warm-up")
    small, big = run(100, "small"), run(500, "big")
    per_input = (big - small) / 400
    assert per_input < 500, f"{per_input:.0f} bytes per input"
