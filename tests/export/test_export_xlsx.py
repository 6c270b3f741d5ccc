"""`gsnlp export corpora/reports -o out.xlsx` (issue 18): opened with openpyxl, one row per report
in each table sheet, every template cell a column, kinds kept apart, and the applications
totals by year equal to a straight sum over the parsed reports (and to the batch's DuckDB
query in the slow test)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from gsnlp_corpus import ROOT

from gsnlp.cli.main import main

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("xlsxwriter")

CORPUS = ROOT / "corpora" / "reports"
TABLES = ("active_disclosure", "applications", "review_litigation")
IDENT = ["report_id", "agency", "agency_original", "year", "template", "source", "table_found"]


def _files() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    out = tmp_path_factory.mktemp("x") / "out.xlsx"
    assert main(["export", str(CORPUS), "-o", str(out)]) == 0
    return openpyxl.load_workbook(out)


def _rows(ws) -> list[dict]:
    it = ws.iter_rows(values_only=True)
    head = list(next(it))
    return [dict(zip(head, r)) for r in it]


def test_one_row_per_report_in_every_table_sheet(book) -> None:
    n = len(_files())
    for t in TABLES:
        for name in (t, f"{t}_kinds"):
            rows = _rows(book[name])
            assert len(rows) == n, name
            assert len({r["report_id"] for r in rows}) == len({p.read_bytes() for p in _files()})
            assert sorted(r["source"] for r in rows) == sorted(str(p) for p in _files())


def test_every_template_cell_is_a_column(book) -> None:
    from gsnlp.tables.template import TEMPLATES, table_def

    for t in TABLES:
        head = [c.value for c in book[t][1]]
        assert head[:len(IDENT)] == IDENT
        want = {a for v in TEMPLATES for a in table_def(v, t).addresses()}
        assert set(head[len(IDENT):]) == want and len(head) == len(IDENT) + len(want)
        assert [c.value for c in book[f"{t}_kinds"][1]] == head


def test_kinds_are_kept_apart_and_numbers_only_where_number(book) -> None:
    import gsnlp

    reps = {str(p): gsnlp.read(p) for p in _files()}
    seen = set()
    for t in TABLES:
        vals, kinds = _rows(book[t]), _rows(book[f"{t}_kinds"])
        for v, k in zip(vals, kinds):
            assert v["source"] == k["source"]
            rep = reps[v["source"]]
            for addr, kind in k.items():
                if addr in IDENT:
                    continue
                cell = rep.tables[t].cells.get(addr) if t in rep.tables else None
                if cell is None:
                    assert kind in ("absent", "not_in_template")
                    assert v[addr] is None
                    continue
                assert kind == cell.kind
                seen.add(kind)
                if kind == "number":
                    assert Decimal(str(v[addr])) == cell.value
                else:  # a blank is never a zero
                    assert v[addr] is None
    assert {"number", "blank"} <= seen


def test_a_hand_read_value(book) -> None:
    # corpora/reports/real/上海市人民政府办公厅_2025.md line 115: | 一、本年新收… | 1259 | 36 | 0 | 0 | 0 | 0 | 1295 |
    rows = [r for r in _rows(book["applications"]) if r["source"].endswith("上海市人民政府办公厅_2025.md")]
    assert len(rows) == 1
    r = rows[0]
    assert (r["new_received/natural_person"], r["new_received/commercial"], r["new_received/total"]) == (1259, 36, 1295)
    assert r["agency"] == "上海市人民政府办公厅" and r["year"] == 2025


def test_agency_canonical_beside_the_original(book) -> None:
    rows = _rows(book["applications"])
    hz = [r for r in rows if "洪泽区" in (r["agency_original"] or "")]
    assert {r["agency"] for r in hz} == {"淮安市洪泽区人民政府"}
    assert {r["agency_original"] for r in hz} == {"洪泽区人民政府", "淮安市洪泽区人民政府"}
    sy = [r for r in rows if r["source"].endswith("沭阳县人民政府_2025.txt")]
    assert sy[0]["agency"] == "沭阳县人民政府" and sy[0]["agency_original"] == "沐阳县人民政府"


def test_applications_totals_by_year_equal_a_straight_sum(book) -> None:
    import gsnlp

    want: dict[int, Decimal] = defaultdict(Decimal)
    for p in _files():
        rep = gsnlp.read(p)
        t = rep.tables.get("applications")
        c = t.cells.get("new_received/total") if t is not None else None
        if c is not None and c.kind == "number" and rep.meta.year is not None:
            want[rep.meta.year] += c.value
    got: dict[int, Decimal] = defaultdict(Decimal)
    for r in _rows(book["applications"]):
        if r["new_received/total"] is not None and r["year"] is not None:
            got[r["year"]] += Decimal(str(r["new_received/total"]))
    assert got == want and len(got) >= 5


def test_findings_and_figures_sheets(book) -> None:
    f = _rows(book["findings"])
    assert f and {"rule", "status", "severity", "report_id", "agency", "year"} <= set(f[0])
    g = _rows(book["figures"])
    assert g and {"value", "unit", "approx", "text", "report_id"} <= set(g[0])
    assert any(r["approx"] == "余" for r in g)


def test_blank_cells_carry_a_comment_with_the_source_text(book) -> None:
    ws = book["applications"]
    kinds = book["applications_kinds"]
    found = 0
    for row_v, row_k in zip(ws.iter_rows(min_row=2), kinds.iter_rows(min_row=2)):
        for cv, ck in zip(row_v, row_k):
            if ck.value in ("blank", "not_applicable", "ambiguous"):
                assert cv.value is None and cv.comment is not None
                found += 1
    assert found


def test_cells_csv_has_every_cell_with_its_kind(tmp_path, capsys) -> None:
    src = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区_2022.txt"
    out = tmp_path / "cells.csv"
    assert main(["export", str(src), "-o", str(out), "--excel"]) == 0
    import csv
    import io

    import gsnlp

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    rep = gsnlp.read(src)
    n = sum(len(t.cells) for t in rep.tables.values())
    assert len(rows) == n
    for r in rows:
        c = rep.tables[r["table"]].cells[r["address"]]
        assert r["kind"] == c.kind and r["raw"] == c.raw and r["value"] == ("" if c.value is None else str(c.value))


def test_xlsx_needs_an_output_file(capsys) -> None:
    assert main(["export", str(CORPUS), "-f", "xlsx"]) == 2


@pytest.mark.slow
def test_applications_totals_by_year_equal_the_duckdb_query(book, tmp_path) -> None:
    """The same totals from the batch's DuckDB (the README's applications_by_year query, one
    report per row) and from the workbook built on the batch's output folder."""
    duckdb = pytest.importorskip("duckdb")
    from gsnlp.batch import run_batch

    s = run_batch(CORPUS, tmp_path / "b", workers=1, stages=("parse",))
    if s.n_failed:
        pytest.skip(f"the batch failed on {s.n_failed} inputs")
    con = duckdb.connect(str(tmp_path / "b" / "gsnlp.duckdb"), read_only=True)
    q = """SELECT r.year, sum(c.num) FROM cells c JOIN reports r USING (report_id)
           WHERE c.table_id = 'applications' AND c.address LIKE '%new_received/total' AND c.kind = 'number'
           GROUP BY r.year ORDER BY r.year"""
    db = {int(y): Decimal(v) for y, v in con.execute(q).fetchall() if y is not None}
    got: dict[int, Decimal] = defaultdict(Decimal)
    for r in _rows(book["applications"]):
        if r["new_received/total"] is not None and r["year"] is not None:
            got[r["year"]] += Decimal(str(r["new_received/total"]))
    assert dict(got) == db
    out = tmp_path / "from_batch.xlsx"
    assert main(["export", str(tmp_path / "b"), "-o", str(out)]) == 0
    b2 = openpyxl.load_workbook(out)
    got2: dict[int, Decimal] = defaultdict(Decimal)
    for r in _rows(b2["applications"]):
        if r["new_received/total"] is not None and r["year"] is not None:
            got2[r["year"]] += Decimal(str(r["new_received/total"]))
    assert dict(got2) == db
