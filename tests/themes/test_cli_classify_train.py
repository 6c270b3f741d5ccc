from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from gsnlp_corpus import ROOT, corpus_file
from typer.testing import CliRunner

from gsnlp.cli import classify as classify_cmd
from gsnlp.cli import train as train_cmd

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    classify_cmd.register(a)
    train_cmd.register(a)
    return a


@pytest.fixture(scope="module")
def keyword_model(tmp_path_factory) -> Path:
    """A model trained through the CLI (the cheap keyword backend)."""
    d = tmp_path_factory.mktemp("models")
    res = CliRunner().invoke(_app(), ["train", "themes", "--backend", "keyword", "--models-dir", str(d), "--no-cv"])
    assert res.exit_code == 0, res.output
    return d / "themes-keyword"


def _app() -> typer.Typer:
    a = typer.Typer()
    classify_cmd.register(a)
    train_cmd.register(a)
    return a


def test_train_writes_weights_and_model_card(keyword_model: Path) -> None:
    meta = json.loads((keyword_model / "meta.json").read_text(encoding="utf-8"))
    assert meta["backend"] == "keyword" and meta["schema"] == "gsnlp.themes.model/1"
    assert len(meta["data"]["sha256"]) == 64 and meta["gsnlp_version"]
    assert (keyword_model / "README.md").read_text(encoding="utf-8").startswith("# themes-keyword")
    assert (keyword_model / "lexicon.json").exists()


def test_train_unknown_backend_exit_2(app: typer.Typer, tmp_path: Path) -> None:
    res = runner.invoke(app, ["train", "themes", "--backend", "nope", "--models-dir", str(tmp_path), "--no-cv"])
    assert res.exit_code == 2  # a usage error (issue 18)
    assert "known:" in res.output


def test_classify_jsonl_one_clause_per_line(app: typer.Typer, keyword_model: Path) -> None:
    f = corpus_file("000_292e5f130bca3acf.txt")
    res = runner.invoke(app, ["classify", str(f), "--model", str(keyword_model), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) >= 6
    import gsnlp

    text = gsnlp.read(f).text
    for d in lines:
        assert {"doc", "start", "end", "text", "role", "themes", "scores"} <= set(d)
        assert text[d["start"] : d["end"]] == d["text"]
        assert d["report_specificity"] is not None
    assert lines[0]["role"] == "problem" and "timeliness" in lines[0]["themes"]


def test_classify_table_and_missing_section(app: typer.Typer, keyword_model: Path) -> None:
    res = runner.invoke(app, ["classify", str(corpus_file("平潭综合实验区地方税务局_2013.txt")),
                              str(corpus_file("003_898f5e2484ea1ed0.txt")), "--model", str(keyword_model)])
    assert res.exit_code == 0, res.output
    assert "no section 五 found" in res.stdout and "003_898f5e2484ea1ed0.txt: 2 clauses" in res.stdout


def test_classify_bad_file_exit_1(app: typer.Typer, keyword_model: Path, tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    res = runner.invoke(app, ["classify", str(bad), "--model", str(keyword_model), "--format", "jsonl"])
    assert res.exit_code == 1
    assert json.loads(res.stdout.splitlines()[0])["schema"] == "gsnlp.error/1"


def test_classify_unknown_model_lists_known(app: typer.Typer) -> None:
    res = runner.invoke(app, ["classify", str(corpus_file("000_292e5f130bca3acf.txt")), "--model", "no-such-model"])
    assert res.exit_code == 1 and "known:" in res.output


@pytest.mark.slow
def test_classify_default_model_as_subprocess() -> None:
    if not (ROOT / "models" / "themes-default" / "meta.json").exists():
        pytest.skip("no default model shipped")
    if not (ROOT / "gsnlp" / "cli" / "main.py").exists():
        pytest.skip("no gsnlp.cli.main")
    proc = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "classify", "--format", "jsonl",
                           str(corpus_file("淮安市人民政府_2024.pdf"))], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(lines) >= 5 and any("interpretation" in d["themes"] for d in lines)
