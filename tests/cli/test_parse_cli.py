from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gsnlp.cli.main import app
from gsnlp_corpus import corpus_file

runner = CliRunner()


def test_parse_one_file_prints_one_object() -> None:
    res = runner.invoke(app, ["parse", str(corpus_file("平潭综合实验区_2023.txt"))])
    assert res.exit_code == 0, res.output
    obj = json.loads(res.stdout)
    assert obj["schema"] == "gsnlp.report/1"
    assert obj["meta"]["year"] == 2023 and obj["meta"]["template"] == "2021"
    cell = obj["tables"]["applications"]["cells"]["new_received/total"]
    assert cell == {"kind": "number", "value": "81", "raw": "81", "start": cell["start"], "end": cell["end"]}
    src = corpus_file("平潭综合实验区_2023.txt").read_text(encoding="utf-8")
    assert src[cell["start"] : cell["end"]] == "81"
    assert [s["id"] for s in obj["sections"]][:3] == ["overview", "active_disclosure", "applications"]


def test_parse_bad_file_among_several_gives_error_object_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    good = corpus_file("000_292e5f130bca3acf.txt")
    res = runner.invoke(app, ["parse", str(good), str(bad), "--format", "jsonl"])
    assert res.exit_code == 1
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert lines[0]["schema"] == "gsnlp.report/1"
    assert lines[1]["schema"] == "gsnlp.error/1" and "empty.txt" in lines[1]["error"]["message"]


def test_parse_as_a_real_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    proc = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "parse", str(corpus_file("004_3f5f08638fb4a4d2.txt")),
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(out.read_text(encoding="utf-8"))
    assert obj["meta"]["agency"] == "沅江市库区移民事务中心"
