"""The example queries of the README (section "Querying a batch"), run against the bundled corpus batch."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _queries() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = {}
    for block in re.findall(r"```sql\n(.*?)```", text, re.DOTALL):
        name = re.match(r"-- name: (\w+)", block)
        assert name, f"every query in the README starts with '-- name: …': {block[:60]}"
        out[name.group(1)] = block
    return out


QUERIES = _queries()


def _run(db: Path, name: str) -> list[dict]:
    import duckdb

    con = duckdb.connect(str(db / "gsnlp.duckdb"), read_only=True)
    try:
        cur = con.execute(QUERIES[name])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, row)) for row in cur.fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_queries_every_example_runs(corpus_batch: Path, name: str) -> None:
    _run(corpus_batch, name)


def test_queries_substantive_rate_by_year(corpus_batch: Path) -> None:
    rows = _run(corpus_batch, "substantive_rate_by_year")
    years = {r["year"]: r for r in rows}
    assert set(years) >= {2019, 2020, 2021, 2022, 2023, 2024, 2025}
    for r in rows:
        assert 0 <= r["substantive_rate"] <= 1
    # 2019, read from the six sources: 平潭综合实验区 予以公开 7 + 部分公开 1 of 总计 23 (its gold table),
    # 交通与建设局 0 + 0 of 1, 公安局, 国有资产管理局, 综合执法与应急管理局, 苏平片区管理局 0 + 0 of 0
    assert years[2019]["reports"] == 6
    assert years[2019]["granted_or_partial"] == Decimal(8) and years[2019]["total_processed"] == Decimal(24)


def test_queries_count_a_report_in_two_formats_once(corpus_batch: Path) -> None:
    """平潭综合实验区 2024 is in the corpus as .txt and .html: one report in applications_by_year."""
    import duckdb

    con = duckdb.connect(str(corpus_batch / "gsnlp.duckdb"), read_only=True)
    try:
        n = con.execute("SELECT count(*) FROM reports WHERE agency = '平潭综合实验区' AND year = 2024").fetchone()[0]
        want = con.execute("SELECT count(DISTINCT report_id) FROM reports_unique r JOIN cells c USING (report_id) "
                           "WHERE r.year = 2024 AND c.table_id = 'applications' AND c.row_id = 'new_received'"
                           ).fetchone()[0]
    finally:
        con.close()
    assert n == 2
    got = {r["year"]: r["reports"] for r in _run(corpus_batch, "applications_by_year")}
    assert got[2024] == want


def test_queries_narrative_contradictions_name_agencies(corpus_batch: Path) -> None:
    pytest.importorskip("jieba")
    rows = _run(corpus_batch, "narrative_contradicts_table")
    assert rows and all(r["agency"] and r["contradictions"] >= 1 and r["rules"].startswith("nt.") for r in rows)


def test_queries_problem_themes_ranked(corpus_batch: Path) -> None:
    rows = _run(corpus_batch, "problem_themes")
    assert len(rows) >= 5
    counts = [r["reports"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_queries_no_failed_inputs_in_corpus(corpus_batch: Path) -> None:
    assert _run(corpus_batch, "failed_inputs") == []
