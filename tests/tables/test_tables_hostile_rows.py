"""Regression tests for the table items of issue 19 (hostile inputs) and issue 13 (table rows on
unseen reports), each built from the issue's description.

The base text is a real run-together report of the development part (not the development test
set): 平潭综合实验区行政审批局_2025.txt, whose applications table reads 6 0 0 0 0 0 6 for
本年新收, 3 0 0 0 0 0 3 for 行政查询事项 and 本机关不掌握, 6 0 0 0 0 0 6 for （七）总计 and zeros elsewhere.
"""

from __future__ import annotations

import time
import tracemalloc
from decimal import Decimal

import pytest

import gsnlp
from gsnlp.check.engine import check_report
from gsnlp.errors import GsnlpError
from gsnlp.tables.align import align
from gsnlp.tables.runtogether import RunRow, solve
from gsnlp.tables.template import table_def
from gsnlp.tables.text_tables import _label_values, tokenize
from gsnlp_corpus import corpus_file

BASE = "平潭综合实验区行政审批局_2025.txt"
NEW = "一、本年新收政府信息公开申请数量6000006"
CARRIED = "二、上年结转政府信息公开申请数量0000000"
COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")


def base_text() -> str:
    return corpus_file(BASE).read_text(encoding="utf-8")


def read_with(old: str, new: str, text: str | None = None) -> gsnlp.Report:
    text = base_text() if text is None else text
    assert text.count(old) == 1, old
    return gsnlp.read_bytes(text.replace(old, new).encode("utf-8"), BASE)


def app(report: gsnlp.Report, row: str) -> list:
    cells = report.tables["applications"].cells
    return [cells[f"{row}/{c}"].value if cells[f"{row}/{c}"].kind == "number" else cells[f"{row}/{c}"].kind
            for c in COLS]


def test_base_report_reads_as_described() -> None:
    rep = gsnlp.read(corpus_file(BASE))
    assert app(rep, "new_received") == [6, 0, 0, 0, 0, 0, 6]
    assert app(rep, "denied.query_matters") == [3, 0, 0, 0, 0, 0, 3]
    assert app(rep, "carried_forward") == [0] * 7


# ---- issue 19: bounded solver, no catastrophic backtracking ----------------------------------

@pytest.mark.parametrize("n", [1_000, 5_000])
def test_long_digit_run_fails_fast_with_input_too_complex(n: int) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(GsnlpError) as err:
        read_with(NEW, "一、本年新收政府信息公开申请数量" + "1" * n)
    dt = time.perf_counter() - t0
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert err.value.code == "input_too_complex"
    assert "table applications row new_received" in str(err.value)
    assert dt < 5 and peak < 200 * 2**20


def test_solver_run_just_under_the_cap_is_fast() -> None:
    t0 = time.perf_counter()
    res = solve("2021", "applications", [RunRow("new_received", "1" * 390, 0)])
    assert time.perf_counter() - t0 < 2
    assert {c.kind for c in res.cells.values()} == {"ambiguous"}  # 390 digits never make 7 cells


def test_label_and_long_digit_run_does_not_backtrack() -> None:
    for n in (24, 40, 200):
        t0 = time.perf_counter()
        row = _label_values(f"行政许可 {'1' * n}人", 0)  # 人 is no unit of a template cell
        assert time.perf_counter() - t0 < 0.05
        assert len(row) == 1  # not a label-and-values line: one cell, never split digits
        t0 = time.perf_counter()
        row = _label_values(f"行政许可 {'1' * n}件", 0)  # 件 is a cell's unit (CELL_UNITS): one value cell
        assert time.perf_counter() - t0 < 0.05
        assert [c.text for c in row] == ["行政许可", "1" * n + "件"]  # the digits are never split


def test_label_values_line_still_reads() -> None:
    row = _label_values("行政许可 1 22  333", 10)
    assert [(c.text, c.start) for c in row] == [("行政许可", 10), ("1", 15), ("22", 17), ("333", 21)]


# ---- issue 19: markers are cells, blanks are never numbers, thousands separators ------------

@pytest.mark.parametrize(("marker", "raw"), [("/", "/"), ("无", "无"), ("—", "—"), ("-", "-"), ("不适用", "不适用")])
def test_marker_in_a_run_together_row_is_a_cell_of_its_own(marker: str, raw: str) -> None:
    rep = read_with(NEW, "一、本年新收政府信息公开申请数量600000" + marker)
    cell = rep.tables["applications"].cells["new_received/total"]
    assert (cell.kind, cell.raw) == ("not_applicable", raw)
    assert app(rep, "new_received")[:6] == [6, 0, 0, 0, 0, 0]


def test_marker_in_the_middle_of_a_run_keeps_the_digits_around_it() -> None:
    rep = read_with(NEW, "一、本年新收政府信息公开申请数量60/0006")
    assert app(rep, "new_received") == [6, 0, "not_applicable", 0, 0, 0, 6]


def test_row_without_values_is_blank_never_a_number() -> None:
    # the label runs straight into the next label: the row's cells are blank (gold FORMAT.md)
    rep = read_with(CARRIED, "二、上年结转政府信息公开申请数量")
    assert app(rep, "carried_over") == ["blank"] * 7
    assert app(rep, "new_received") == [6, 0, 0, 0, 0, 0, 6]
    assert app(rep, "granted") == [0] * 7


def test_thousands_separator_read_when_it_is_the_only_consistent_reading() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "1,234 0 0 0 0 0 1,234", 0)])
    assert res.cells["new_received/natural_person"].value == Decimal(1234)
    assert res.cells["new_received/total"].raw == "1,234"


def test_comma_that_is_not_a_thousands_separator_separates_cells() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "1,2 0 0 0 0 3", 0)])
    got = [res.cells[f"new_received/{c}"].value for c in COLS]
    assert got == [1, 2, 0, 0, 0, 0, 3]
    assert not [n for n in res.notices if n.code == "runtogether.unexpected_char"]


# ---- issue 19: tab and pipe rows --------------------------------------------------------------

TAB = ("申请人情况\t\t自然人\t法人或其他组织\t\t\t\t\t总计\t\n"
       "一、本年新收政府信息公开申请数量\t\t5\t0\t0\t0\t0\t0\t5\t\n"
       "二、上年结转政府信息公开申请数量\t\t1\t0\t0\t0\t0\t0\t\t\n"
       "三、本年度办理结果\t(一) 予以公开\t\t0\t0\t0\t0\t0\t0\t\n")


def test_tab_row_with_blank_total_does_not_shift() -> None:
    rows = tokenize(TAB, 0, len(TAB), "tab_rows")
    cells, _notices, _ = align(rows, table_def("2021", "applications"), TAB)
    got = [(cells[f"carried_over/{c}"].kind, cells[f"carried_over/{c}"].raw) for c in COLS]
    assert got == [("number", "1")] + [("number", "0")] * 5 + [("blank", "")]
    assert cells["carried_over/total"].doubt is None


def test_tab_row_whose_placeholders_cannot_be_told_carries_a_notice() -> None:
    rows = tokenize(TAB, 0, len(TAB), "tab_rows")
    cells, notices, _ = align(rows, table_def("2021", "applications"), TAB)
    (guess,) = [n for n in notices if n.code == "tables.alignment_guess"]
    assert (guess.table, guess.row, guess.column) == ("applications", "granted", "natural_person")
    assert {cells[f"granted/{c}"].doubt for c in COLS} == {"shifted"}


def test_pipe_row_with_blank_first_cell_keeps_its_columns() -> None:
    text = "".join(f"{x} |\n" for x in ["一、本年新收政府信息公开申请数量", "", "0", "0", "0", "0", "0", "5"]) + "||\n"
    rows = tokenize(text, 0, len(text), "pipe_cells")
    cells, notices, _ = align(rows, table_def("2021", "applications"), text)
    assert [cells[f"new_received/{c}"].kind for c in COLS] == ["blank"] + ["number"] * 6
    assert cells["new_received/total"].value == 5
    assert not [n for n in notices if n.code in ("tables.missing_cells", "tables.extra_cells")]


def test_ambiguous_cell_raw_is_the_source_at_its_span() -> None:
    text = "规章\t22\t235\n"
    rows = tokenize(text, 0, len(text), "tab_rows")
    cells, _n, _ = align(rows, table_def("2021", "active_disclosure"), text)
    c = cells["regulations/issued"]
    assert c.kind == "ambiguous" and c.raw == text[c.start:c.end] == "22\t235"
    assert c.candidates == ("22", "235")


def test_run_together_ambiguous_raw_is_the_source_at_its_span() -> None:
    rep = gsnlp.read(corpus_file(BASE))
    for t in rep.tables.values():
        for c in t.cells.values():
            if c.kind == "ambiguous" and c.start is not None:
                assert rep.text[c.start:c.end] == c.raw


# ---- issue 13: table rows on unseen reports ---------------------------------------------------

def _narrative_after_applications(glue: str) -> str:
    # narrative text right after the last row of the applications table, before section 四
    head = "四、结转下年度继续办理0000000"
    return base_text().replace(head, head[:-7] + "2000002" + glue + "2025年，我局政府信息公开工作整体推进有序。")


@pytest.mark.parametrize("glue", ["\n", " ", ""])
def test_run_together_row_does_not_eat_the_next_sentence(glue: str) -> None:
    text = _narrative_after_applications(glue)
    rep = gsnlp.read_bytes(text.encode("utf-8"), BASE)
    assert app(rep, "carried_forward") == [2, 0, 0, 0, 0, 0, 2]
    cut = [n for n in rep.warnings if n.code == "tables.run_cut"]
    assert cut and rep.text[cut[0].start:cut[0].end] == "2025"


@pytest.mark.parametrize(("old", "new", "row"), [
    ("7.属于行政执法案卷", "7.属于行政执法案件", "denied.enforcement_files"),
    ("2.其他法律行政法规禁止公开", "2.其他法律和行政法规禁止公开", "denied.prohibited_by_law"),
])
def test_row_label_variants_are_read(old: str, new: str, row: str) -> None:
    rep = read_with(old, new)
    assert app(rep, row) == [0] * 7
    assert app(rep, "denied.query_matters") == [3, 0, 0, 0, 0, 0, 3]


def test_variant_label_match_is_reported_in_grids() -> None:
    rows = [[tokenize("7.属于行政执法案件\t1\t0\t0\t0\t0\t0\t1", 0, 24, "tab_rows")[0]][0]]
    cells, notices, _ = align(rows, table_def("2021", "applications"))
    assert cells["denied.enforcement_files/total"].value == 1
    (v,) = [n for n in notices if n.code == "tables.label_variant"]
    assert (v.table, v.row) == ("applications", "denied.enforcement_files")


def test_template_row_missing_from_the_report_is_absent_not_shifted() -> None:
    rep = read_with("3.危及“三安全一稳定”0000000", "")
    assert app(rep, "denied.security_stability") == ["absent"] * 7
    assert app(rep, "denied.query_matters") == [3, 0, 0, 0, 0, 0, 3]
    missing = [n for n in rep.warnings if n.code == "tables.row_missing" and n.table == "applications"]
    assert [(n.table, n.row) for n in missing] == [("applications", "denied.security_stability")]


def test_total_drifted_into_the_next_row_is_our_doubt_not_the_reports_fail() -> None:
    text = base_text().replace(NEW, "一、本年新收政府信息公开申请数量6000000").replace(
        CARRIED, "二、上年结转政府信息公开申请数量0000006")
    rep = gsnlp.read_bytes(text.encode("utf-8"), BASE)
    cells = rep.tables["applications"].cells
    assert cells["new_received/total"].value == 0 and cells["carried_over/total"].value == 6  # never rewritten
    assert cells["new_received/total"].doubt == cells["carried_over/total"].doubt == "shifted"
    (n,) = [w for w in rep.warnings if w.code == "tables.total_drifted"]
    assert n.cells == ("applications/new_received/total", "applications/carried_over/total")
    fails = [f for f in check_report(rep) if f.status == "fail" and f.rule.startswith("t3.cross_foot")]
    assert fails and all(f.origin == "extraction" and f.severity == "info" for f in fails)


def test_split_chosen_by_relaxed_arithmetic_carries_a_doubt() -> None:
    # 23 0 0 0 0 0 22 cannot add up under any split; several splits exist ("2300000 22" …)
    res = solve("2021", "applications", [RunRow("new_received", "230000022", 0)])
    assert any(n.code == "runtogether.relaxed" and n.row == "new_received" for n in res.notices)
    assert {c.doubt for c in res.cells.values() if c.kind == "number"} == {"split"}


def test_unique_split_that_breaks_its_row_is_the_reports_not_ours() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "5 0 0 0 0 0 6", 0)])
    assert {c.doubt for c in res.cells.values()} == {None}


@pytest.mark.parametrize(("old", "new", "row"), [
    ("8.属于行政查询事项3000003", "8.属于行政查\n询事项3000003", "denied.query_matters"),
    ("（七）总计6000006", "（七）总\n计6000006", "total_processed"),
])
def test_label_split_across_lines_is_found(old: str, new: str, row: str) -> None:
    rep = read_with(old, new)
    assert app(rep, row) == [int(new[-7]), 0, 0, 0, 0, 0, int(new[-1])]
    assert app(rep, "denied.enforcement_files") == [0] * 7  # the row before does not swallow it
    assert not [w for w in rep.warnings if w.code == "tables.row_missing" and w.table == "applications"]


def test_stray_digit_in_a_row_is_our_doubt() -> None:
    rep = read_with("8.属于行政查询事项3000003", "8.属于行政查询事项 1 3000003")
    cells = rep.tables["applications"].cells
    assert {cells[f"denied.query_matters/{c}"].doubt for c in COLS} == {"split"}
    (n,) = [w for w in rep.warnings if w.code == "runtogether.stray_digit"]
    assert (n.table, n.row, rep.text[n.start:n.end]) == ("applications", "denied.query_matters", "1")
    fails = [f for f in check_report(rep) if f.status == "fail" and f.rule.startswith("t3.")]
    assert fails and all(f.origin == "extraction" for f in fails)


def test_marker_in_a_later_header_is_not_a_cell_of_an_empty_row() -> None:
    from gsnlp.tables.text_tables import _run_together

    t = ("第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章123规范性文件"
         "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可456")
    cells, _notices, _span, _splits = _run_together(t, 0, len(t), table_def("2019", "active_disclosure"))
    assert [cells[f"normative_documents/{c}"].kind for c in ("newly_made", "newly_published", "total_published")] == [
        "blank"] * 3
    assert cells["administrative_license/change"].value == 5
