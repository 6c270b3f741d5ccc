"""A file name that is not UTF-8 (a GBK name unpacked from a zip archive on Linux is the usual
case) is an input like any other: every command reads it and writes its path with the bytes that
are not UTF-8 as ``\\xNN``; none of them stops with an internal error (each did: exit 70 when the
path was written out)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gsnlp_corpus import REAL
GBK_NAME = "政府_2023.txt".encode("gbk")  # b"\xd5\xfe\xb8\xae_2023.txt": not UTF-8
SHOWN = "\\xd5\\xfe\\xb8\\xae_2023.txt"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    with open(os.path.join(os.fsencode(d), GBK_NAME), "wb") as fh:
        fh.write((REAL / "平潭综合实验区_2023.txt").read_bytes())
    (d / "ok.txt").write_bytes((REAL / "平潭综合实验区_2022.txt").read_bytes())
    return d


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    return subprocess.run([sys.executable, "-m", "gsnlp.cli.main", *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=300)


def test_check_and_extract_write_the_escaped_path(folder: Path) -> None:
    r = _cli("check", "-f", "jsonl", "--fail-on", "never", str(folder))
    assert r.returncode == 0, r.stderr[-2000:]
    paths = {json.loads(x)["path"] for x in r.stdout.splitlines() if x.strip()}
    assert {Path(p).name for p in paths} == {SHOWN, "ok.txt"}
    r = _cli("extract", str(folder))
    assert r.returncode == 0, r.stderr[-2000:]
    assert {Path(json.loads(x)["path"]).name for x in r.stdout.splitlines() if x.strip()} == {SHOWN, "ok.txt"}


def test_batch_and_dataset_account_for_it(folder: Path, tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    from gsnlp.batch import run_batch

    s = run_batch(folder, tmp_path / "out", workers=1, progress=False, stages=("parse", "check"))
    assert (s.n_in, s.n_ok) == (2, 2)
    assert sorted(e["path"] for e in s.entries()) == [SHOWN, "ok.txt"]
    pytest.importorskip("datasets")
    from gsnlp.datasets.build import collect

    c = collect(folder, stages=("parse",))
    assert c.failed == [] and len(c.docs) == 2
