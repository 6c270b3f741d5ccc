"""Small edge cases of the text layouts, as they occur in the corpus."""

from __future__ import annotations

from decimal import Decimal

from gsnlp.tables.align import align_label_rows, match_row
from gsnlp.tables.cells import make_cell
from gsnlp.tables.grid import RawCell
from gsnlp.tables.template import table_def


def test_cells_keep_blank_zero_and_not_applicable_apart() -> None:
    assert make_cell("\u3000\u3000").kind == "blank"
    assert make_cell("\xa0").kind == "blank"
    assert make_cell("0").value == Decimal("0")
    assert make_cell("\u3000\n0\xa0").value == Decimal("0")
    assert make_cell("/").kind == "not_applicable"
    assert make_cell("—").kind == "not_applicable"
    assert make_cell("无").kind == "not_applicable"
    assert make_cell("减4").kind == "text"
    assert make_cell("５９４９.０８８６６７").value == Decimal("5949.088667")
    assert make_cell("-185").value == Decimal("-185")


def test_header_cells_do_not_steal_rows() -> None:
    app = table_def("2021", "applications")
    assert match_row("总计", app, 0) is None  # a column header before the first row
    assert match_row("法人或其他组织", app, 0) is None
    assert match_row("（六）其他处理", app, 20) is None  # a group heading, not the row 3.其他
    assert match_row("3.其他", app, 22) == 22
    assert match_row("2.其他法律行政止公开", app, 5) == 5  # the typo of the corpus


def test_label_typo_and_group_label_in_one_row() -> None:
    app = table_def("2021", "applications")
    assert app.rows[match_row("（三）不予公开1.属于国家秘密", app, 4)].id == "denied.state_secret"


def test_short_row_is_ambiguous_not_shifted() -> None:
    tdef = table_def("2021", "active_disclosure")
    rows = [[RawCell("规章"), RawCell("22"), RawCell("235")]]
    cells, notices, _ = align_label_rows(rows, tdef)
    assert {cells[f"regulations/{c}"].kind for c in ("issued", "repealed", "in_force")} == {"ambiguous"}
    assert cells["regulations/issued"].candidates == ("22", "235")
    assert any(n.code == "tables.missing_cells" for n in notices)


def _pushed_out(first: list[str], second: list[str]) -> list[list[RawCell]]:
    """Table 二（一） as 上海 2025's PDF extraction left it: each row's two-line cell (a number and
    a parenthetical note) stands above the table, the rows hold two of three cells."""
    return [[RawCell("第二十条第（一）项")], *[[RawCell(t)] for t in first + second],
            [RawCell("信息内容"), RawCell("本年制发件数"), RawCell("本年废止件数"), RawCell("现行有效件数")],
            [RawCell("规章"), RawCell("22"), RawCell("235")], [RawCell("行政规范性文件"), RawCell("34"), RawCell("189")]]


def _row(cells, row: str) -> list:
    return [cells[f"{row}/{c}"].value if cells[f"{row}/{c}"].kind == "number" else cells[f"{row}/{c}"].kind
            for c in ("issued", "repealed", "in_force")]


def test_pushed_out_cells_go_back_to_the_column_their_note_names() -> None:
    tdef = table_def("2021", "active_disclosure")
    cells, notices, _ = align_label_rows(_pushed_out(["22", "（其中修订 16 件）"], ["55", "（含自然失效 29 件）"]), tdef)
    assert _row(cells, "regulations") == [22, 22, 235]
    assert _row(cells, "normative_documents") == [34, 55, 189]
    assert sum(n.code == "tables.cell_recovered" for n in notices) == 2


def test_pushed_out_cells_without_a_deciding_note_stay_ambiguous() -> None:
    tdef = table_def("2021", "active_disclosure")
    # no notes: 22 fits issued or repealed (same row) or in_force (another row); 55 fits any column
    cells, notices, _ = align_label_rows(_pushed_out(["22"], ["55"]), tdef)
    assert _row(cells, "regulations") == ["ambiguous"] * 3
    assert _row(cells, "normative_documents") == ["ambiguous"] * 3
    assert not any(n.code == "tables.cell_recovered" for n in notices)
    # a note naming no column, or two of them, decides nothing either
    cells, _, _ = align_label_rows(_pushed_out(["22", "（备注）"], ["55", "（制发后废止）"]), tdef)
    assert _row(cells, "normative_documents") == ["ambiguous"] * 3


def test_pushed_out_cells_are_not_placed_when_their_count_differs() -> None:
    tdef = table_def("2021", "active_disclosure")
    cells, _, _ = align_label_rows(_pushed_out(["22", "（其中修订 16 件）"], []), tdef)  # which row is it?
    assert _row(cells, "regulations") == ["ambiguous"] * 3
    assert _row(cells, "normative_documents") == ["ambiguous"] * 3
