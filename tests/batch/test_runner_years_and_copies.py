"""Cross-year rules in the batch (``cy.*`` findings in the findings table for the 平潭 reports of
several years), and one report published in several formats linked (``duplicate_of``) and
counted once by the views."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REAL = ROOT / "corpora" / "reports" / "real"

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")
pytest.importorskip("pebble")


@pytest.fixture(scope="module")
def pingtan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    from gsnlp.batch import run_batch

    src = tmp_path_factory.mktemp("pingtan-in")
    for p in sorted(REAL.glob("平潭综合实验区_20*.*")):
        shutil.copy(p, src / p.name)
    out = tmp_path_factory.mktemp("pingtan-out")
    s = run_batch(src, out, workers=2, progress=False, theme_model="keyword")
    return out, s


def _sql(out: Path, q: str) -> list[tuple]:
    import duckdb

    con = duckdb.connect(str(out / "gsnlp.duckdb"), read_only=True)
    try:
        return con.execute(q).fetchall()
    finally:
        con.close()


def test_batch_cross_year_findings_in_findings_table(pingtan: tuple[Path, object]) -> None:
    out, s = pingtan
    years = _sql(out, "SELECT DISTINCT year FROM reports_unique ORDER BY year")
    assert len(years) >= 3
    rows = _sql(out, "SELECT f.rule_id, r.year, f.status FROM findings f JOIN reports r USING (report_id) "
                     "WHERE f.family = 'cy'")
    assert {"cy.carry_over"} <= {r[0] for r in rows}
    # a cy finding belongs to the later year of its pair: never to the earliest year of the agency
    assert min(r[1] for r in rows) > years[0][0]
    # only kept copies take part: no cy finding on a report that is a copy in another format
    assert _sql(out, "SELECT count(*) FROM findings f JOIN reports r USING (report_id) "
                     "WHERE f.family = 'cy' AND r.duplicate_of IS NOT NULL") == [(0,)]
    # seq stays a key: the report's own findings first, then its cy findings
    assert _sql(out, "SELECT count(*) - count(DISTINCT (report_id, seq)) FROM findings") == [(0,)]


def test_batch_same_report_in_two_formats_is_linked(pingtan: tuple[Path, object]) -> None:
    out, s = pingtan
    rows = _sql(out, "SELECT r.path, r.format, k.path, k.format FROM reports r JOIN reports k "
                     "ON r.duplicate_of = k.report_id ORDER BY r.path")
    names = {(Path(a).name, Path(c).name) for a, _, c, _ in rows}
    assert ("平潭综合实验区_2024.txt", "平潭综合实验区_2024.html") in names
    assert all(fmt == "txt" and kfmt == "html" for _, fmt, _, kfmt in rows)
    assert s.manifest["n_format_duplicates"] == len(rows)
    # the views count each report once
    assert _sql(out, "SELECT count(*) FROM reports_unique WHERE year = 2024") == [(1,)]
    assert _sql(out, "SELECT count(DISTINCT report_id) FROM applications WHERE year = 2024") == [(1,)]


def test_batch_same_agency_year_same_format_is_not_a_copy(tmp_path: Path) -> None:
    """Two different texts of one agency and year in one format (a corrected re-publication, or
    two synthetic reports; TXT and Markdown are one format) are two reports: only a copy in
    another format is linked."""
    from gsnlp.batch import run_batch

    src = tmp_path / "in"
    src.mkdir()
    text = (REAL / "平潭综合实验区_2024.txt").read_text(encoding="utf-8")
    (src / "a.txt").write_text(text, encoding="utf-8")
    (src / "b.txt").write_text(text + "\n附：更正版。\n", encoding="utf-8")
    shutil.copy(REAL / "平潭综合实验区_2024.html", src / "c.html")
    s = run_batch(src, tmp_path / "out", workers=1, progress=False, stages=("parse",))
    rows = dict(_sql(tmp_path / "out", "SELECT path, duplicate_of IS NOT NULL FROM reports"))
    assert rows == {"a.txt": True, "b.txt": True, "c.html": False}
    (src / "c.html").unlink()
    (src / "b.txt").rename(src / "b.md")  # Markdown is text too: still two reports
    s = run_batch(src, tmp_path / "out2", workers=1, progress=False, stages=("parse",))
    assert s.manifest["n_format_duplicates"] == 0
    assert _sql(tmp_path / "out2", "SELECT count(*) FROM reports_unique") == [(2,)]


def test_batch_cross_year_findings_of_two_files_of_one_name(tmp_path: Path) -> None:
    """Two folders with files of the same names (two sources' versions of one agency's reports:
    different texts, one format) give two reports a year; each later-year report gets its own
    cy.* findings, never those of the other file of its name."""
    from gsnlp.batch import run_batch

    src = tmp_path / "in"
    for folder, extra in (("a", ""), ("b", "\n附：另一来源的版本。\n")):
        (src / folder).mkdir(parents=True)
        for y in (2022, 2023):
            text = (REAL / f"平潭综合实验区_{y}.txt").read_text(encoding="utf-8")
            (src / folder / f"平潭综合实验区_{y}.txt").write_text(text + extra, encoding="utf-8")
    out = tmp_path / "out"
    s = run_batch(src, out, workers=1, progress=False, stages=("parse", "check"))
    assert s.n_failed == 0
    got = dict(_sql(out, "SELECT r.path, count(f.seq) FROM reports r LEFT JOIN findings f "
                         "ON f.report_id = r.report_id AND f.family = 'cy' GROUP BY r.path"))
    assert got["a/平潭综合实验区_2023.txt"] > 0
    assert got["a/平潭综合实验区_2023.txt"] == got["b/平潭综合实验区_2023.txt"]
    assert got["a/平潭综合实验区_2022.txt"] == got["b/平潭综合实验区_2022.txt"] == 0


def test_findings_put_in_order_report_by_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain run puts each report's ``cy.*`` findings after its own, a few reports at a time, with
    no sort: the same bytes as DuckDB's sort of every finding (forced here), however many reports
    are merged at a time (the final step is forked: it sees the patches)."""
    import duckdb

    from gsnlp.batch import run_batch, store

    src = tmp_path / "src"
    src.mkdir()
    for p in sorted(REAL.glob("平潭综合实验区_20*.*")):
        shutil.copy(p, src / p.name)
    with monkeypatch.context() as m:
        m.setattr(store, "_in_order", lambda con, parts: None)
        run_batch(src, tmp_path / "sorted", workers=1, progress=False, chunk=2, database=False, theme_model="keyword")
    want = (tmp_path / "sorted" / "findings.parquet").read_bytes()
    rules = duckdb.sql(f"SELECT rule FROM '{tmp_path / 'sorted' / 'findings.parquet'}'").fetchall()
    assert sum(r.startswith("cy.") for r, in rules) >= 30
    for size in (1, 3, 256):
        monkeypatch.setattr(store, "KEEP_BATCH", size)
        run_batch(src, tmp_path / f"k{size}", workers=1, progress=False, chunk=2, database=False,
                  theme_model="keyword")
        assert (tmp_path / f"k{size}" / "findings.parquet").read_bytes() == want, size
