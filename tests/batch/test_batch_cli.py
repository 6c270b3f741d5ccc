"""The batch, synth and dataset commands, in-process and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


def _app():
    from gsnlp.cli.main import app

    return app


def test_cli_synth_then_batch(tmp_path: Path) -> None:
    r = CliRunner().invoke(_app(), ["synth", "6", "-o", str(tmp_path / "s"), "--seed", "4", "--inject", "all"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(_app(), ["batch", str(tmp_path / "s" / "reports"), "-o", str(tmp_path / "b"),
                                    "--model", "keyword"])
    assert r.exit_code == 0, r.output
    m = json.loads((tmp_path / "b" / "manifest.json").read_text(encoding="utf-8"))
    assert (m["n_in"], m["n_ok"], m["n_failed"]) == (6, 6, 0)
    assert all(m["stages"][s]["ran"] for s in ("parse", "check"))


def test_cli_batch_html_writes_the_overview(tmp_path: Path) -> None:
    seeds = sorted((Path(__file__).resolve().parents[2] / "corpora" / "reports" / "seeds").glob("*.txt"))[:2]
    (tmp_path / "in").mkdir()
    for p in seeds:
        (tmp_path / "in" / p.name).write_bytes(p.read_bytes())
    r = CliRunner().invoke(_app(), ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--html",
                                    "--stages", "parse,check"])
    assert r.exit_code == 0, r.output
    index = (tmp_path / "o" / "html" / "index.html").read_text(encoding="utf-8")
    assert all(f"{p.name}.html" in index for p in seeds)


def test_cli_batch_unknown_stage_is_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(_app(), ["batch", str(tmp_path), "-o", str(tmp_path / "o"), "--stages", "parse,nope"])
    assert r.exit_code == 2


def test_cli_batch_strict_exit_code(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    r = CliRunner().invoke(_app(), ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "o"), "--strict",
                                    "--stages", "parse"])
    assert r.exit_code == 1
    m = json.loads((tmp_path / "o" / "manifest.json").read_text(encoding="utf-8"))
    entries = [json.loads(x) for x in (tmp_path / "o" / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert m["n_failed"] == 1 and entries[0]["reason"]["code"] == "E101"


def test_cli_batch_unknown_engine_is_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(_app(), ["batch", str(tmp_path), "-o", str(tmp_path / "o"), "--engine", "spark"])
    assert r.exit_code == 2


def test_cli_synth_unknown_rule_is_usage_error(tmp_path: Path) -> None:
    r = CliRunner().invoke(_app(), ["synth", "2", "-o", str(tmp_path), "--inject", "t9.nothing"])
    assert r.exit_code == 2


def test_cli_batch_subprocess_quiet_in_pipe(tmp_path: Path) -> None:
    from gsnlp.synth import write_corpus

    write_corpus(tmp_path / "s", 4, seed=8)
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "batch", str(tmp_path / "s" / "reports"), "-o",
                        str(tmp_path / "b"), "--workers", "2", "--stages", "parse,check"],
                       capture_output=True, text=True, encoding="utf-8")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "" and "\r" not in p.stderr  # no progress bar in a pipe
    assert "4 inputs, 4 ok, 0 failed" in p.stderr


def test_batch_progress_bar_with_count_rate_and_time_left(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from gsnlp.batch import run_batch
    from gsnlp.synth import write_corpus

    write_corpus(tmp_path / "s", 3, seed=5)
    run_batch(tmp_path / "s" / "reports", tmp_path / "b", progress=True, stages=("parse",), database=False)
    err = capsys.readouterr().err
    assert "0/3" in err and "3/3" in err and "input/s" in err and "<" in err  # tqdm: n/total [elapsed<left, rate]
