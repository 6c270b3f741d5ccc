from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gsnlp.cli.check import register

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "corpora" / "reports" / "seeds"
REAL = ROOT / "corpora" / "reports" / "real"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    register(a)

    @a.callback()
    def _root() -> None:  # keep "check" a subcommand
        pass

    return a


def run(app: typer.Typer, *args: str):
    return CliRunner().invoke(app, ["check", *args])


def test_clean_report_exits_zero(app) -> None:
    r = run(app, str(SEEDS / "001_49bc154c30d92ca6.txt"), "--format", "jsonl")
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert lines
    for d in lines:
        assert {"doc", "rule", "status", "severity", "expected", "observed", "evidence", "origin", "message"} <= set(d)


def test_failure_at_fail_on_exits_three(app) -> None:
    # 洪泽区 2023: table 四 totals left at 0 (errors)
    r = run(app, str(REAL / "淮安市洪泽区人民政府_2023.pdf"), "--format", "jsonl")
    assert r.exit_code == 3
    rules = {json.loads(x)["rule"] for x in r.stdout.splitlines() if '"fail"' in x}
    assert "t4.total_left_zero.v1" in rules  # the block sums it breaks are its detail (one finding per cause)


def test_fail_on_warning_is_stricter(app) -> None:
    seed = str(SEEDS / "002_35a7a0986a780ec4.txt")  # only warnings (fee statement) and list errors
    strict = run(app, seed, "--fail-on", "warning", "--rule", "st")
    lax = run(app, seed, "--fail-on", "error", "--rule", "st")
    assert (strict.exit_code, lax.exit_code) == (3, 0)


def test_bad_input_exits_one_and_others_are_still_checked(app, tmp_path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    r = run(app, str(bad), str(SEEDS / "001_49bc154c30d92ca6.txt"), "--format", "csv")
    assert r.exit_code == 1
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert rows and {row["doc"] for row in rows} == {"001_49bc154c30d92ca6.txt"}


def test_blank_as_zero_is_recorded(app) -> None:
    seed = str(SEEDS / "003_898f5e2484ea1ed0.txt")
    r = run(app, seed, "--format", "jsonl", "--blank-as-zero", "--rule", "t3.identity")
    ds = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert any(d["lenient"] and d["status"] == "pass" for d in ds)


def test_table_format_and_output_dir(app, tmp_path) -> None:
    r = run(app, str(SEEDS / "000_292e5f130bca3acf.txt"), "-o", str(tmp_path / "findings.txt"))  # -o FILE
    assert r.exit_code in (0, 3), r.output
    assert (tmp_path / "findings.txt").read_text(encoding="utf-8").startswith("== 000_292e5f130bca3acf.txt")


def test_html_writes_pages_and_index(app, tmp_path) -> None:
    r = run(app, str(SEEDS / "000_292e5f130bca3acf.txt"), str(SEEDS / "002_35a7a0986a780ec4.txt"),
            "--format", "html", "-o", str(tmp_path))
    assert r.exit_code in (0, 3), r.output
    assert {p.name for p in tmp_path.glob("*.html") if not p.name.startswith("agency-")} == {
        "index.html", "000_292e5f130bca3acf.txt.html", "002_35a7a0986a780ec4.txt.html"}


def test_subprocess_once(tmp_path) -> None:
    code = ("import sys, typer; from gsnlp.cli.check import register; a = typer.Typer(); register(a);"
            "a.callback()(lambda: None); sys.argv = ['gsnlp'] + sys.argv[1:]; a()")
    p = subprocess.run([sys.executable, "-c", code, "check", str(REAL / "淮安市洪泽区人民政府_2024.pdf"),
                        "--format", "jsonl", "--rule", "nt.applications_received"],
                       capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300)
    ds = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    assert any(d["kind"] == "scope" for d in ds), p.stderr


def test_fail_on_never_reports_but_exits_zero(app) -> None:
    r = run(app, str(REAL / "淮安市洪泽区人民政府_2023.pdf"), "--format", "jsonl", "--fail-on", "never")
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    assert any(x["status"] == "fail" and x["severity"] == "error" for x in rows)


def test_a_folder_stands_for_its_reports(app, tmp_path) -> None:
    r = run(app, str(SEEDS), "--format", "jsonl", "-o", str(tmp_path / "findings.jsonl"))  # -o FILE
    docs = {json.loads(x)["doc"] for x in (tmp_path / "findings.jsonl").read_text(encoding="utf-8").splitlines()}
    assert len(docs) == len([p for p in SEEDS.iterdir() if p.is_file()]) == 5, docs
    assert "5 in, 5 checked, 0 failed" in r.output
