"""The README's two commands: the test command is what CI runs, and the main job's gsnlp
commands work on the bundled corpus (run here in a temporary folder, the install part skipped)."""
from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gsnlp_corpus import ROOT


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [ln for ln in block.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]


def test_readme_starts_with_exactly_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert text.index("```bash") < text.index("\n## "), "the two commands come before any section"
    cmds = _commands()
    assert len(cmds) == 2
    assert all(c.startswith("python3 -m venv .venv && ") for c in cmds)


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in ci.splitlines()


def test_readme_main_job_runs_on_the_bundled_corpus(tmp_path: Path) -> None:
    pytest.importorskip("duckdb")
    parts = [p.strip() for p in _commands()[0].split("&&")]
    jobs = [shlex.split(p) for p in parts if p.startswith("gsnlp ")]
    assert jobs, "the first command runs gsnlp"
    for argv in jobs:
        argv = [str(tmp_path / a) if a.startswith("out/") else a for a in argv]
        r = subprocess.run([sys.executable, "-m", "gsnlp.cli.main", *argv[1:]], cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, (argv, r.stderr[-2000:])
    n_files = len([p for p in (ROOT / "corpora" / "reports").rglob("*") if p.is_file()])
    manifest = json.loads((tmp_path / "out" / "batch" / "manifest.json").read_text(encoding="utf-8"))
    summary = manifest.get("summary", manifest)
    assert summary["n_in"] == n_files and summary["n_failed"] == 0, summary
    pages = [p for p in (tmp_path / "out" / "audit").glob("*.html") if not p.name.startswith("agency-")]
    assert (tmp_path / "out" / "audit" / "index.html").exists() and len(pages) == n_files + 1
    assert list((tmp_path / "out" / "audit").glob("agency-*.html")), "one page per agency"
