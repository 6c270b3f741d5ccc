"""`gsnlp extract`: in-process through typer, once as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from gsnlp.cli.extract import register
from tests.conftest import ROOT, corpus_file

REQUIRED = ("doc", "id", "value", "unit", "start", "end", "text", "subject", "predicate", "scope", "metric",
            "polarity", "parent")


@pytest.fixture()
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keep "extract" a subcommand
        pass

    return a


def test_jsonl_rows(app: typer.Typer) -> None:
    p = corpus_file("000_292e5f130bca3acf.txt")
    res = CliRunner().invoke(app, ["extract", "--narrative", str(p), "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert rows and all(all(k in r for k in REQUIRED) for r in rows)
    by = {r["text"]: r for r in rows}
    assert by["423条"]["value"] == "423" and isinstance(by["423条"]["value"], str)
    assert by["12条"]["parent"] == by["423条"]["id"]
    assert by["未接收到"]["polarity"] == "negated"
    text = p.read_text(encoding="utf-8")
    assert all(text[r["start"]:r["end"]] == r["text"] for r in rows)


def test_without_narrative_table_cells_are_figures(app: typer.Typer) -> None:
    p = corpus_file("001_49bc154c30d92ca6.txt")
    res = CliRunner().invoke(app, ["extract", str(p), "-f", "jsonl"])
    assert res.exit_code == 0
    metrics = {json.loads(x)["metric"] for x in res.stdout.splitlines() if x.startswith("{")}
    assert "applications/new_received/total" in metrics
    assert "active_disclosure/administrative_fees/amount" in metrics


def test_csv_and_output_file(app: typer.Typer, tmp_path) -> None:
    out = tmp_path / "f.csv"
    res = CliRunner().invoke(app, ["extract", "--narrative", str(corpus_file("平潭综合实验区_2025.txt")), "-f", "csv",
                                   "-o", str(out)])
    assert res.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert any(r["text"] == "154件" and r["metric"] == "applications/new_received/total" for r in rows)


def test_bad_file_reported_others_processed_exit_1(app: typer.Typer, tmp_path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary")
    good = corpus_file("004_3f5f08638fb4a4d2.txt")
    res = CliRunner().invoke(app, ["extract", "--narrative", str(bad), str(good), "-f", "jsonl"])
    assert res.exit_code == 1
    assert "bad.txt" in res.stderr
    assert any(json.loads(x)["doc"] == good.name for x in res.stdout.splitlines() if x.startswith("{"))


def test_table_format(app: typer.Typer) -> None:
    res = CliRunner().invoke(app, ["extract", "--narrative", str(corpus_file("001_49bc154c30d92ca6.txt")), "-f", "table"])
    assert res.exit_code == 0 and "27" in res.stdout


@pytest.mark.slow
def test_subprocess() -> None:
    p = corpus_file("平潭综合实验区_2024.txt")
    r = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", "extract", "--narrative", str(p), "-f", "jsonl"],
                       cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert r.returncode == 0, r.stderr
    assert any(json.loads(x)["text"] == "10407条" for x in r.stdout.splitlines() if x.startswith("{"))
