"""The final step runs in a child process (the parent's memory does not hold DuckDB's), the
reports table carries the canonical agency beside the name as written, and ``html=True`` writes
the overview pages of ``gsnlp check DIR --format html``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "reports" / "real"
SEEDS = sorted((ROOT / "corpora" / "reports" / "seeds").glob("*.txt"))

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


def test_final_step_runs_in_a_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gsnlp.batch import run_batch, store

    real = store._connect
    pids = tmp_path / "pids.txt"

    def connect(*a: object, **k: object) -> object:
        with open(pids, "a", encoding="ascii") as fh:  # the forked child inherits this patch
            fh.write(f"{os.getpid()}\n")
        return real(*a, **k)

    monkeypatch.setattr(store, "_connect", connect)
    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, src / p.name)
    s = run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse", "check"))
    seen = {int(x) for x in pids.read_text(encoding="ascii").split()}
    assert s.n_ok == 3 and len(seen) == 2 and os.getpid() not in seen  # both halves, each in a child
    assert s.stats["final_cpu_s"] > 0 and s.stats["final_peak_rss_mb"] > 0


def test_reports_carry_canonical_agency_beside_the_original(corpus_batch: Path) -> None:
    import duckdb

    rows = duckdb.sql(f"SELECT path, agency, agency_canonical FROM read_parquet('{corpus_batch}/reports.parquet')"
                      ).fetchall()
    by_path = {Path(p).name: (a, c) for p, a, c in rows}
    # read off the sources: the 2014 report titles its agency 平潭综合实验区管委会 (the zone's
    # government), the later ones 平潭综合实验区; one canonical name across the years
    a14, c14 = by_path["平潭综合实验区管委会_2014.txt"]
    a20, c20 = by_path["平潭综合实验区_2020.txt"]
    assert c14 == c20 == "平潭综合实验区" and a14 != a20 and "管" in a14
    assert all(c is not None for a, c in by_path.values() if a)  # every named agency has its canonical name


def test_batch_writes_the_overview_when_asked(tmp_path: Path) -> None:
    from gsnlp.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    for name in ("平潭综合实验区_2023.txt", "平潭综合实验区_2024.txt", "平潭综合实验区_2024.html"):
        shutil.copy(REAL / name, src / name)
    shutil.copy(SEEDS[0], src / SEEDS[0].name)
    s = run_batch(src, tmp_path / "out", workers=2, progress=False, theme_model="keyword", html=True)
    html = tmp_path / "out" / "html"
    index = (html / "index.html").read_text(encoding="utf-8")
    assert s.n_ok == 4 and s.manifest["n_format_duplicates"] == 1
    pages = sorted(p.name for p in html.glob("*.html") if p.name != "index.html" and not p.name.startswith("agency-"))
    assert len(pages) == 3  # one page per report counted once: the 2024 text copy of the HTML page is left out
    assert all(f'href="{quote(p)}"' in index for p in pages)  # each linked from the overview
    agency = (html / "agency-平潭综合实验区.html").read_text(encoding="utf-8")
    assert "cy." in agency  # the cross-year findings of the batch are on the agency's page
    assert not (tmp_path / "out2").exists()
    run_batch(src, tmp_path / "out2", workers=1, progress=False, stages=("parse",))
    assert not (tmp_path / "out2" / "html").exists()  # not asked: not written


def test_final_step_killed_is_a_clear_error_and_resume_finishes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The final step's process killed (as the OOM killer would): the run stops with a BatchError
    saying how to go on, the parent survives, and --resume finishes without processing anything again."""
    import signal

    from gsnlp.batch import run_batch, store
    from gsnlp.errors import BatchError

    src = tmp_path / "in"
    src.mkdir()
    for p in SEEDS[:3]:
        shutil.copy(p, src / p.name)
    real = store._connect

    def killed(*a: object, **k: object) -> object:
        os.kill(os.getpid(), signal.SIGKILL)  # in the child: the parent's pid is never this one
        return real(*a, **k)

    monkeypatch.setattr(store, "_connect", killed)
    with pytest.raises(BatchError, match="final tables could not be written.*died") as e:
        run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse",))
    assert "--resume" in str(e.value)
    monkeypatch.setattr(store, "_connect", real)
    s = run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse",), resume=True)
    assert (s.n_in, s.n_ok, s.n_processed, s.n_skipped) == (3, 3, 0, 3)
