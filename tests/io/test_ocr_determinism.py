"""OCR is deterministic by construction: each onnxruntime session (detector, classifier,
recognizer) runs one thread, operators in sequence, so a scan read twice, in two fresh processes
and under concurrent CPU load, gives byte-identical report JSON (the batch's byte-identity promise
holds for scans too)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gsnlp.errors import ConfigError

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "ocr"
PNG = FIX / "page2_150dpi.png"  # a page with two ruled tables: detection, recognition and the second look
READ = ("import json, sys\nfrom gsnlp.io import read\n"
        "sys.stdout.write(json.dumps(read(sys.argv[1]).to_dict(), ensure_ascii=False, sort_keys=True))\n")
BURN = "import time\nend = time.time() + 300\nwhile time.time() < end:\n    pass\n"


def _needs_ocr() -> None:
    for m in ("rapidocr_onnxruntime", "onnxruntime", "cv2"):
        pytest.importorskip(m)


@pytest.fixture
def fresh_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's OCR engine built anew for this test (and again after it)."""
    from gsnlp.io import ocr

    monkeypatch.delenv("GSNLP_OCR_THREADS", raising=False)
    ocr._engine.cache_clear()
    yield
    ocr._engine.cache_clear()


def _options(session: object) -> tuple[int, int, str]:
    o = session.get_session_options()  # type: ignore[attr-defined]
    return o.intra_op_num_threads, o.inter_op_num_threads, str(o.execution_mode)


def test_ocr_sessions_run_one_thread_in_sequence(fresh_engine: None) -> None:
    _needs_ocr()
    from gsnlp.io.ocr import _engine, engine_sessions

    sessions = engine_sessions(_engine())
    assert sorted(sessions) == ["cls", "det", "rec"]
    for name, session in sessions.items():
        assert _options(session) == (1, 1, "ExecutionMode.ORT_SEQUENTIAL"), name


def test_ocr_threads_env_sets_the_sessions(fresh_engine: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _needs_ocr()
    from gsnlp.io.ocr import _engine, engine_sessions

    monkeypatch.setenv("GSNLP_OCR_THREADS", "2")
    assert {_options(s)[:2] for s in engine_sessions(_engine()).values()} == {(2, 2)}


def test_pin_sessions_rebuilds_sessions_built_with_default_threads() -> None:
    """The guard for a rapidocr version that does not pass the thread options on: an engine built
    without them (onnxruntime's default, 0 = one thread per core) is rebuilt to one thread and reads
    the same text and scores as before."""
    _needs_ocr()
    import numpy as np
    from PIL import Image
    from rapidocr_onnxruntime import RapidOCR

    from gsnlp.io.ocr import engine_sessions, pin_sessions

    engine = RapidOCR(max_side_len=4000, use_cls=False, print_verbose=False)
    assert {_options(s)[:2] for s in engine_sessions(engine).values()} == {(0, 0)}
    grey = np.asarray(Image.open(PNG).convert("L"))
    top = np.stack([grey[:300]] * 3, axis=-1)  # the title and three table rows: det and rec both run
    before, _ = engine(top, use_cls=False)
    pin_sessions(engine, 1)
    for name, session in engine_sessions(engine).items():
        assert _options(session) == (1, 1, "ExecutionMode.ORT_SEQUENTIAL"), name
    after, _ = engine(top, use_cls=False)
    assert repr(after) == repr(before)  # boxes, texts and float scores, bit for bit
    assert any("年度报告" in line[1] for line in before)  # a real reading, not two empty ones


def test_ocr_threads_env_rejects_what_is_not_a_count(monkeypatch: pytest.MonkeyPatch) -> None:
    from gsnlp.io.ocr import session_threads

    monkeypatch.delenv("GSNLP_OCR_THREADS", raising=False)
    assert session_threads() == 1
    monkeypatch.setenv("GSNLP_OCR_THREADS", " 3 ")
    assert session_threads() == 3
    for bad in ("0", "-1", "two", "1.5", "1000"):
        monkeypatch.setenv("GSNLP_OCR_THREADS", bad)
        with pytest.raises(ConfigError, match="GSNLP_OCR_THREADS"):
            session_threads()


def _read_in_fresh_process(path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("GSNLP_OCR_THREADS", "GSNLP_OCR")}
    done = subprocess.run([sys.executable, "-c", READ, str(path)], capture_output=True, env=env, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done.stdout.decode("utf-8")


@pytest.mark.slow
def test_ocr_scan_read_in_two_fresh_processes_one_under_load_is_identical() -> None:
    """Two fresh processes (models loaded anew each time), the second while two CPU-bound
    processes compete for the cores (threads scheduled differently): the same JSON, byte for byte,
    and the same as a read in this process."""
    _needs_ocr()
    from gsnlp.io import read

    first = _read_in_fresh_process(PNG)
    burners = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    try:
        loaded = _read_in_fresh_process(PNG)
    finally:
        for b in burners:
            b.kill()
            b.wait()
    here = json.dumps(read(PNG).to_dict(), ensure_ascii=False, sort_keys=True)
    doc = json.loads(first)
    assert doc["extra"]["ocr"]["pages"][0]["chars"] > 100  # a real reading, not an empty one
    assert len(doc["tables"]["review_litigation"]["cells"]) > 10  # the page's table was read
    assert loaded == first
    assert here == first
