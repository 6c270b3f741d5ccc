"""`gsnlp label export|import` (Label Studio round trip)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gsnlp_corpus import corpus_file
from typer.testing import CliRunner

from gsnlp.cli.main import build_app

runner = CliRunner()


def _export(tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "tasks.json"
    res = runner.invoke(build_app("label"), ["label", "export", str(corpus_file("平潭综合实验区经济发展局_2025.txt")),
                                             "-o", str(out), *extra])
    assert res.exit_code == 0, res.output
    return out


def test_label_export_known_labels_are_annotations(tmp_path: Path) -> None:
    tasks = json.loads(_export(tmp_path, "--no-predict").read_text(encoding="utf-8"))
    assert len(tasks) == 6
    t = tasks[1]
    assert t["data"]["text"].startswith("一是公开内容精准度有待提升")
    roles = [r["value"]["choices"] for r in t["annotations"][0]["result"] if r["from_name"] == "role"]
    assert roles == [["problem"]]


def test_label_export_unlabeled_clauses_get_predictions_only(tmp_path: Path) -> None:
    empty = tmp_path / "labels.tsv"
    empty.write_text("text\trole\tthemes\tunsure\tnote\n", encoding="utf-8")
    tasks = json.loads(_export(tmp_path, "--labels", str(empty)).read_text(encoding="utf-8"))
    assert all("annotations" not in t and t["predictions"][0]["result"] for t in tasks)


def test_label_import_refuses_predictions_as_labels(tmp_path: Path) -> None:
    empty = tmp_path / "labels.tsv"
    empty.write_text("text\trole\tthemes\tunsure\tnote\n", encoding="utf-8")
    tasks = _export(tmp_path, "--labels", str(empty))
    res = runner.invoke(build_app("label"), ["label", "import", str(tasks)])
    assert res.exit_code == 1 and "no annotation" in res.output
    res = runner.invoke(build_app("label"), ["label", "import", str(tasks), "--skip-unlabeled"])
    assert res.exit_code == 0 and res.stdout == ""


def test_label_round_trip_subprocess(tmp_path: Path) -> None:
    tasks = _export(tmp_path, "--no-predict", "--config", str(tmp_path / "config.xml"))
    assert "<Choices name=\"themes\"" in (tmp_path / "config.xml").read_text(encoding="utf-8")
    out, tsv = tmp_path / "clauses.jsonl", tmp_path / "labels.tsv"
    p = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "label", "import", str(tasks), "-o", str(out), "--tsv", str(tsv)],
                       capture_output=True, text=True, timeout=120, check=False)
    assert p.returncode == 0, p.stderr
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["role"] for r in recs] == ["other", "problem", "problem", "other", "measure", "measure"]
    assert recs[2]["themes"] == ["channels"]
    assert len(tsv.read_text(encoding="utf-8").splitlines()) == 7


def test_label_import_bad_json_is_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text("{not json", encoding="utf-8")
    res = runner.invoke(build_app("label"), ["label", "import", str(bad)])
    assert res.exit_code == 1 and "not a JSON file" in res.output
