"""The run-together solver on real rows of the 平潭综合实验区 reports (2019–2025).

Row texts are hand-copied from corpora/reports/real/平潭综合实验区_<year>.txt (the value text
between a row label and the next label, list number of the next label stripped). Expected
values were checked by hand against the template sums and, for 2024/2025, against the
table in the .html version of the same report.
"""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path

import pytest

from gsnlp.doc import Cell
from gsnlp.errors import UnknownNameError
from gsnlp.tables import runtogether as rt
from gsnlp.tables import template as tpl
from gsnlp.tables.runtogether import RunRow, solve

REAL = Path(__file__).resolve().parents[2] / "corpora" / "reports" / "real"
Z = "0000000"

# applications rows in template order (tpl.table_def(template, "applications").rows)
APPLICATIONS: dict[int, tuple[str, list[str]]] = {
    2019: ("2019", ["230 000023", Z, "7000007", "1000001", Z, Z, Z, Z, Z, Z, Z, Z, "7000007", Z, "5000005", Z,
                    "3000003", Z, Z, Z, "0 0 0 0 0 00", "23 0 00 0 023", " 0 0 00 00 0 "]),
    2020: ("2019", ["200 000121", Z, "6000017", "6000006", Z, Z, Z, Z, Z, Z, Z, Z, "4000004", Z, "3000003", Z,
                    "3000003", Z, Z, Z, "4 0 0 0 0 0 4", "20 0 00 0 121", " 0 0 00 00 0 "]),
    2021: ("2021", ["640020470", Z, "270020130", "500000 5", Z, Z, Z, Z, "1000001", Z, "6000006", "1000001",
                    "220000325", Z, Z, Z, Z, Z, Z, Z, Z, Z, "1000001", "630020469", "1000001"]),
    2022: ("2021", ["713000074", "1000001", "210000021", "8100009", Z, Z, Z, Z, "1000001", "2000002", "1000001", Z,
                    "370000037", Z, Z, Z, Z, Z, Z, Z, "2000002", Z, "0200002", "723000075", Z]),
    2023: ("2021", ["801000081", Z, "220000022", "191000020", Z, Z, Z, "1000001", Z, "1000001", "1000001",
                    "2000002", "310000031", Z, Z, Z, "1000001", Z, Z, Z, "1000001", Z, "1000001", "801000081", Z]),
    2024: ("2021", ["21710000218", Z, "710000071", "290000029", "4000004", Z, Z, "3000003", "320000032", Z, Z, Z,
                    "750000075", Z, Z, Z, "1000001", Z, Z, Z, "1000001", Z, "1100002", "21710000218", Z]),
    2025: ("2021", ["15130000154", Z, "330000033", "380000038", Z, Z, Z, Z, "3000003", "2000002", "3000003",
                    "3000003", "491000050", "3000003", Z, "2000002", Z, Z, Z, Z, "8000008", "2000002", "1000001",
                    "14710000148", "4200006"]),
}

# Non-zero cells per year (row id -> the 7 values); every other cell is 0.
NONZERO: dict[int, dict[str, tuple[int, ...]]] = {
    2019: {"new_received": (23, 0, 0, 0, 0, 0, 23), "granted": (7, 0, 0, 0, 0, 0, 7),
           "partially_granted": (1, 0, 0, 0, 0, 0, 1), "unavailable.not_held": (7, 0, 0, 0, 0, 0, 7),
           "unavailable.unclear": (5, 0, 0, 0, 0, 0, 5), "not_processed.duplicate": (3, 0, 0, 0, 0, 0, 3),
           "total_processed": (23, 0, 0, 0, 0, 0, 23)},
    2021: {"new_received": (64, 0, 0, 2, 0, 4, 70), "granted": (27, 0, 0, 2, 0, 1, 30),
           "partially_granted": (5, 0, 0, 0, 0, 0, 5), "denied.internal_affairs": (1, 0, 0, 0, 0, 0, 1),
           "denied.enforcement_files": (6, 0, 0, 0, 0, 0, 6), "denied.query_matters": (1, 0, 0, 0, 0, 0, 1),
           "unavailable.not_held": (22, 0, 0, 0, 0, 3, 25), "other.other": (1, 0, 0, 0, 0, 0, 1),
           "total_processed": (63, 0, 0, 2, 0, 4, 69), "carried_forward": (1, 0, 0, 0, 0, 0, 1)},
    2022: {"new_received": (71, 3, 0, 0, 0, 0, 74), "carried_over": (1, 0, 0, 0, 0, 0, 1),
           "granted": (21, 0, 0, 0, 0, 0, 21), "partially_granted": (8, 1, 0, 0, 0, 0, 9),
           "denied.internal_affairs": (1, 0, 0, 0, 0, 0, 1), "denied.process_info": (2, 0, 0, 0, 0, 0, 2),
           "denied.enforcement_files": (1, 0, 0, 0, 0, 0, 1), "unavailable.not_held": (37, 0, 0, 0, 0, 0, 37),
           "other.no_correction": (2, 0, 0, 0, 0, 0, 2), "other.other": (0, 2, 0, 0, 0, 0, 2),
           "total_processed": (72, 3, 0, 0, 0, 0, 75)},
    2023: {"new_received": (80, 1, 0, 0, 0, 0, 81), "granted": (22, 0, 0, 0, 0, 0, 22),
           "partially_granted": (19, 1, 0, 0, 0, 0, 20), "denied.third_party": (1, 0, 0, 0, 0, 0, 1),
           "denied.process_info": (1, 0, 0, 0, 0, 0, 1), "denied.enforcement_files": (1, 0, 0, 0, 0, 0, 1),
           "denied.query_matters": (2, 0, 0, 0, 0, 0, 2), "unavailable.not_held": (31, 0, 0, 0, 0, 0, 31),
           "not_processed.duplicate": (1, 0, 0, 0, 0, 0, 1), "other.no_correction": (1, 0, 0, 0, 0, 0, 1),
           "other.other": (1, 0, 0, 0, 0, 0, 1), "total_processed": (80, 1, 0, 0, 0, 0, 81)},
    # 2024 and 2025: confirmed against the .html tables
    2024: {"new_received": (217, 1, 0, 0, 0, 0, 218), "granted": (71, 0, 0, 0, 0, 0, 71),
           "partially_granted": (29, 0, 0, 0, 0, 0, 29), "denied.state_secret": (4, 0, 0, 0, 0, 0, 4),
           "denied.third_party": (3, 0, 0, 0, 0, 0, 3), "denied.internal_affairs": (32, 0, 0, 0, 0, 0, 32),
           "unavailable.not_held": (75, 0, 0, 0, 0, 0, 75), "not_processed.duplicate": (1, 0, 0, 0, 0, 0, 1),
           "other.no_correction": (1, 0, 0, 0, 0, 0, 1), "other.other": (1, 1, 0, 0, 0, 0, 2),
           "total_processed": (217, 1, 0, 0, 0, 0, 218)},
    2025: {"new_received": (151, 3, 0, 0, 0, 0, 154), "granted": (33, 0, 0, 0, 0, 0, 33),
           "partially_granted": (38, 0, 0, 0, 0, 0, 38), "denied.internal_affairs": (3, 0, 0, 0, 0, 0, 3),
           "denied.process_info": (2, 0, 0, 0, 0, 0, 2), "denied.enforcement_files": (3, 0, 0, 0, 0, 0, 3),
           "denied.query_matters": (3, 0, 0, 0, 0, 0, 3), "unavailable.not_held": (49, 1, 0, 0, 0, 0, 50),
           "unavailable.needs_creation": (3, 0, 0, 0, 0, 0, 3), "not_processed.petition": (2, 0, 0, 0, 0, 0, 2),
           "other.no_correction": (8, 0, 0, 0, 0, 0, 8), "other.unpaid_fee": (2, 0, 0, 0, 0, 0, 2),
           "other.other": (1, 0, 0, 0, 0, 0, 1), "total_processed": (147, 1, 0, 0, 0, 0, 148),
           "carried_forward": (4, 2, 0, 0, 0, 0, 6)},
}

COLS = [c for c, _ in tpl.APPLICANT_COLUMNS]


def app_rows(year: int, start: int = 0) -> tuple[str, list[RunRow]]:
    template, texts = APPLICATIONS[year]
    ids = [r.id for r in tpl.table_def(template, "applications").rows]
    assert len(ids) == len(texts)
    return template, [RunRow(i, t, start + 100 * k) for k, (i, t) in enumerate(zip(ids, texts))]


def values(cells: dict[str, Cell], row: str, cols: list[str]) -> tuple[int | None, ...]:
    return tuple(None if cells[f"{row}/{c}"].value is None else int(cells[f"{row}/{c}"].value) for c in cols)


def codes(result: rt.SolveResult) -> list[str]:
    return [n.code for n in result.notices]


# --------------------------------------------------------------------------- applications


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2023, 2024, 2025])
def test_applications_whole_table_solved(year: int) -> None:
    template, rows = app_rows(year)
    res = solve(template, "applications", rows)
    assert all(c.kind == "number" for c in res.cells.values())
    assert len(res.cells) == len(tpl.table_def(template, "applications").addresses())
    for r in tpl.table_def(template, "applications").rows:
        assert values(res.cells, r.id, COLS) == NONZERO[year].get(r.id, (0,) * 7), r.id
    assert res.splits == {}
    assert "runtogether.relaxed" not in codes(res)


def test_example_row_of_the_brief() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "801000081", 0)])
    assert values(res.cells, "new_received", COLS) == (80, 1, 0, 0, 0, 0, 81)


@pytest.mark.parametrize(("row_id", "text", "expected"), [
    ("granted", "270020130", (27, 0, 0, 2, 0, 1, 30)),
    ("unavailable.not_held", "220000325", (22, 0, 0, 0, 0, 3, 25)),
])
def test_row_ambiguous_alone_is_resolved_by_the_columns(row_id: str, text: str, expected: tuple[int, ...]) -> None:
    alone = solve("2021", "applications", [RunRow(row_id, text, 0)])
    assert len(alone.splits[row_id]) == 2
    assert alone.cells[f"{row_id}/natural_person"].kind == "ambiguous"
    template, rows = app_rows(2021)
    together = solve(template, "applications", rows)
    assert values(together.cells, row_id, COLS) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("200 000121", (20, 0, 0, 0, 0, 1, 21)),  # 2020 new_received
    ("230 000023", (23, 0, 0, 0, 0, 0, 23)),  # 2019 new_received
    ("20 0 00 0 121", (20, 0, 0, 0, 0, 1, 21)),  # 2020 total_processed
    ("4 0 0 0 0 0 4", (4, 0, 0, 0, 0, 0, 4)),  # 2020 other
    (" 0 0 00 00 0 ", (0,) * 7),  # 2019/2020 carried_forward
])
def test_spaces_separate_cells(text: str, expected: tuple[int, ...]) -> None:
    res = solve("2019", "applications", [RunRow("new_received", text, 0)])
    assert values(res.cells, "new_received", COLS) == expected
    assert res.splits == {}


def test_wrong_source_total_relaxes_column_constraints() -> None:
    # 2020: the result rows add up to 26 (natural_person) and 27 (total), the report says 20 and 21.
    template, rows = app_rows(2020)
    res = solve(template, "applications", rows)
    relaxed = [n for n in res.notices if n.code == "runtogether.relaxed"]
    assert len(relaxed) == 1
    assert "dropped results" in relaxed[0].message and "balance" not in relaxed[0].message
    assert "in columns natural_person, total;" in relaxed[0].message  # the other columns keep their sums
    assert "results natural_person: 26 ≠ 20" in relaxed[0].message
    assert "results total: 27 ≠ 21" in relaxed[0].message
    # the row sums and the balance still pin every cell; the values are the report's, not repaired
    assert all(c.kind == "number" for c in res.cells.values())
    assert values(res.cells, "total_processed", COLS) == (20, 0, 0, 0, 0, 1, 21)
    assert values(res.cells, "granted", COLS) == (6, 0, 0, 0, 0, 1, 7)
    assert values(res.cells, "other", COLS) == (4, 0, 0, 0, 0, 0, 4)


def test_broken_balance_drops_the_balance_family() -> None:
    # 2023 with carried_forward altered to 1 (natural_person): 80 + 0 ≠ 80 + 1, results still hold.
    template, rows = app_rows(2023)
    rows[-1] = RunRow("carried_forward", "1000001", rows[-1].start)
    res = solve(template, "applications", rows)
    (relaxed,) = [n for n in res.notices if n.code == "runtogether.relaxed"]
    assert "dropped balance" in relaxed.message and "results" not in relaxed.message.split("break")[0]
    assert "balance natural_person: 80 ≠ 81" in relaxed.message
    assert values(res.cells, "total_processed", COLS) == (80, 1, 0, 0, 0, 0, 81)


def test_row_with_wrong_total_relaxes_its_row_constraint() -> None:
    # 2023 new_received with the total changed from 81 to 82: no split adds up.
    res = solve("2021", "applications", [RunRow("new_received", "801000082", 0)])
    (relaxed,) = [n for n in res.notices if n.code == "runtogether.relaxed"]
    assert "row new_received" in relaxed.message
    assert res.cells["new_received/total"].kind == "ambiguous"  # several splits break only the row sum


def test_row_with_wrong_total_is_pinned_by_the_columns() -> None:
    # The same altered row inside the whole 2023 table: the column sums decide every cell, the
    # total stays the report's 82, and the notices say which row and column constraints were dropped.
    template, rows = app_rows(2023)
    rows[0] = RunRow("new_received", "801000082", 0)
    res = solve(template, "applications", rows)
    assert any(n.code == "runtogether.relaxed" and "row new_received" in n.message for n in res.notices)
    assert values(res.cells, "new_received", COLS) == (80, 1, 0, 0, 0, 0, 82)  # the report's total, not repaired
    (col,) = [n for n in res.notices if n.code == "runtogether.relaxed" and "column" in n.message]
    assert "dropped balance" in col.message and "in columns total;" in col.message


def test_too_few_digits_is_unsplittable() -> None:
    # six cells for seven columns: one blank is hidden in the run; every cell is 0 or that blank
    res = solve("2021", "applications", [RunRow("carried_over", "000000", 40)])
    assert codes(res) == ["runtogether.unsplittable"]
    for c in COLS:
        cell = res.cells[f"carried_over/{c}"]
        assert (cell.kind, cell.value, cell.candidates, cell.raw, cell.start, cell.end) == (
            "ambiguous", None, ("0",), "000000", 40, 46)


def test_hidden_blank_candidates_follow_the_cell_order() -> None:
    # "5 00000": the 5 comes first, so only the first two cells can hold it (each cell may be the blank)
    res = solve("2021", "applications", [RunRow("carried_over", "5 00000", 0)])
    got = [res.cells[f"carried_over/{c}"].candidates for c in COLS]
    assert got == [("5",), ("0", "5")] + [("0",)] * 5


def test_unsplittable_row_does_not_block_the_others() -> None:
    template, rows = app_rows(2023)
    rows[1] = RunRow("carried_over", "000000", rows[1].start)  # one blank cell hidden in the run
    res = solve(template, "applications", rows)
    assert "runtogether.unsplittable" in codes(res) and "runtogether.relaxed" not in codes(res)
    assert values(res.cells, "total_processed", COLS) == (80, 1, 0, 0, 0, 0, 81)


def test_fixed_cells_take_part_in_the_column_constraints() -> None:
    # Every 2021 row read elsewhere except 本机关不掌握 (ambiguous alone: 2|20|…|3|25 or 22|0|…|3|25).
    template, rows = app_rows(2021)
    fixed = {}
    for r in tpl.table_def(template, "applications").rows:
        if r.id != "unavailable.not_held":
            for c, v in zip(COLS, NONZERO[2021].get(r.id, (0,) * 7)):
                fixed[f"applications/{r.id}/{c}"] = Cell("number", str(v), Decimal(v))
    res = solve(template, "applications", [RunRow("unavailable.not_held", "220000325", 0)], fixed)
    assert set(res.cells) == {f"unavailable.not_held/{c}" for c in COLS}
    assert values(res.cells, "unavailable.not_held", COLS) == (22, 0, 0, 0, 0, 3, 25)


def test_fixed_cell_of_the_same_row_is_not_in_the_run() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "8010000", 0)],
                {"new_received/total": Cell("number", "81", Decimal(81))})
    assert "new_received/total" not in res.cells
    assert values(res.cells, "new_received", COLS[:6]) == (80, 1, 0, 0, 0, 0)


def test_fixed_blank_cell_disables_its_constraints() -> None:
    # a blank is never a zero: the row sum cannot be used, so the run stays ambiguous
    res = solve("2021", "applications", [RunRow("new_received", "80100008", 0)],
                {"new_received/total": Cell("blank")})
    assert res.cells["new_received/natural_person"].kind == "ambiguous"


# --------------------------------------------------------------------------- review_litigation

REVIEW = [
    (2019, "000000000000000", [(0,) * 5] * 3),
    (2021, "10203120001200000", [(1, 0, 2, 0, 3), (12, 0, 0, 0, 12), (0, 0, 0, 0, 0)]),
    (2022, "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0", [(0, 1, 1, 0, 2), (1, 0, 0, 0, 1), (0, 0, 0, 0, 0)]),
    (2023, "110024001510102", [(1, 1, 0, 0, 2), (4, 0, 0, 1, 5), (1, 0, 1, 0, 2)]),
    (2024, "21317000001324019", [(2, 1, 3, 1, 7), (0, 0, 0, 0, 0), (13, 2, 4, 0, 19)]),  # html confirms
    (2025, "25380363300630003", [(25, 3, 8, 0, 36), (3, 3, 0, 0, 6), (3, 0, 0, 0, 3)]),  # html confirms
]
REV_COLS = [c for c, _ in tpl.REVIEW_COLUMNS]
BLOCKS = ["review", "litigation_direct", "litigation_after_review"]


@pytest.mark.parametrize(("year", "text", "expected"), REVIEW, ids=[str(y) for y, _, _ in REVIEW])
def test_review_one_run_for_all_blocks(year: int, text: str, expected: list[tuple[int, ...]]) -> None:
    res = solve("2021", "review_litigation", [RunRow("*", text, 0)])
    assert [values(res.cells, b, REV_COLS) for b in BLOCKS] == expected
    assert res.splits == {} and res.notices == []


def test_review_one_run_per_block() -> None:
    rows = [RunRow("review", "11002", 0), RunRow("litigation_direct", "40015", 10),
            RunRow("litigation_after_review", "10102", 20)]
    res = solve("2021", "review_litigation", rows)
    assert [values(res.cells, b, REV_COLS) for b in BLOCKS] == [(1, 1, 0, 0, 2), (4, 0, 0, 1, 5), (1, 0, 1, 0, 2)]


def test_review_joined_row_ids() -> None:
    res = solve("2021", "review_litigation",
                [RunRow("review", "11002", 0), RunRow("litigation_direct+litigation_after_review", "4001510102", 5)])
    assert values(res.cells, "litigation_after_review", REV_COLS) == (1, 0, 1, 0, 2)


def test_review_block_with_wrong_total_is_relaxed() -> None:
    # 2023 with the last total altered 2 -> 3: the splits breaking the fewest block sums are kept
    res = solve("2021", "review_litigation", [RunRow("*", "110024001510103", 0)])
    (relaxed,) = [n for n in res.notices if n.code == "runtogether.relaxed"]
    assert "row litigation_after_review" in relaxed.message
    assert values(res.cells, "review", REV_COLS) == (1, 1, 0, 0, 2)


# --------------------------------------------------------------------------- active_disclosure


@pytest.mark.parametrize(("template", "row_id", "text", "expected"), [
    ("2021", "regulations", "000", (0, 0, 0)),  # 2023
    ("2021", "administrative_license", "2629", (2629,)),  # 2023
    ("2021", "administrative_penalty", "1330", (1330,)),  # 2023
    ("2021", "administrative_fees", "5949.088667", (Decimal("5949.088667"),)),  # 2023
    ("2021", "administrative_fees", "18651.06", (Decimal("18651.06"),)),  # 2024, html confirms
    ("2019", "regulations", "000", (0, 0, 0)),  # 2019
    ("2019", "administrative_fees", "35-15", (35, -15)),  # 2020
])
def test_active_disclosure_unique(template: str, row_id: str, text: str, expected: tuple) -> None:
    res = solve(template, "active_disclosure", [RunRow(row_id, text, 0)])
    cols = tpl.table_def(template, "active_disclosure").row(row_id).columns
    assert tuple(res.cells[f"{row_id}/{c}"].value for c in cols) == expected
    assert res.splits == {}


def test_active_disclosure_many_splits_are_ambiguous() -> None:
    # 2023 行政规范性文件77132470: issued / repealed / in_force, no arithmetic to decide
    res = solve("2021", "active_disclosure", [RunRow("normative_documents", "77132470", 500)])
    splits = res.splits["normative_documents"]
    assert len(splits) == 21 and ["77", "13", "2470"] in splits and ["7", "713247", "0"] in splits
    cell = res.cells["normative_documents/issued"]
    assert (cell.kind, cell.value, cell.raw, cell.start, cell.end) == ("ambiguous", None, "77132470", 500, 508)
    assert cell.candidates == ("7", "77", "771", "7713", "77132", "771324")
    assert res.cells["normative_documents/in_force"].candidates[:2] == ("0", "70")


def test_html_split_is_among_the_candidates() -> None:
    # 2024 行政规范性文件6233440 is 62 | 33 | 440 in the .html
    res = solve("2021", "active_disclosure", [RunRow("normative_documents", "6233440", 0)])
    assert ["62", "33", "440"] in res.splits["normative_documents"]


def test_negative_change_starts_a_new_number() -> None:
    # 2020 行政处罚2648-18538 (2019 template: previous_items, change, decisions); only change may be
    # negative, so the minus opens the change cell
    res = solve("2019", "active_disclosure", [RunRow("administrative_penalty", "2648-18538", 0)])
    assert res.splits["administrative_penalty"] == [
        ["2648", "-1", "8538"], ["2648", "-18", "538"], ["2648", "-185", "38"], ["2648", "-1853", "8"]]
    assert res.cells["administrative_penalty/previous_items"].value == 2648
    assert res.cells["administrative_penalty/change"].candidates == ("-1853", "-185", "-18", "-1")  # by value
    assert res.cells["administrative_penalty/decisions"].candidates == ("8", "38", "538", "8538")


def test_dash_outside_a_change_column_is_a_not_applicable_cell() -> None:
    # no applications column may be negative: the '-' is a cell of its own (issue 19), never a sign
    res = solve("2021", "applications", [RunRow("new_received", "80-100081", 0)])
    for split in res.splits["new_received"]:
        assert "-" in split and not any(v.startswith("-") and v != "-" for v in split)
    assert {res.cells["new_received/commercial"].candidates, res.cells["new_received/research"].candidates} >= {
        ("0", "-")}


@pytest.mark.parametrize(("text", "n_splits", "start", "items", "amount"), [
    ("39573802895.90元", 9, 10, "395", "73802895.90"),  # 2020
    ("13575394432.52元", 10, 10, "13575", "394432.52"),  # 2019
])
def test_trailing_unit_belongs_to_the_last_number(text: str, n_splits: int, start: int, items: str,
                                                  amount: str) -> None:
    # 政府集中采购 (items, amount): items is a count, so the decimal part stays with amount
    res = solve("2019", "active_disclosure", [RunRow("centralized_procurement", text, start)])
    (unit,) = [n for n in res.notices if n.code == "runtogether.unit"]
    assert (unit.start, unit.end, unit.severity) == (start + len(text) - 1, start + len(text), "info")
    splits = res.splits["centralized_procurement"]
    assert len(splits) == n_splits and [items, amount] in splits
    assert all("." not in i and not a.endswith("元") for i, a in splits)
    assert amount in res.cells["centralized_procurement/amount"].candidates


def test_decimal_in_a_count_column_is_unsplittable() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "80.51000081", 0)])
    assert codes(res) == ["runtogether.unsplittable"]


def test_decimal_point_needs_digits_after_it() -> None:
    res = solve("2021", "active_disclosure", [RunRow("regulations", "1.2.", 0)])
    assert codes(res) == ["runtogether.unsplittable"]


def test_not_applicable_markers_are_cells() -> None:
    res = solve("2021", "active_disclosure", [RunRow("regulations", "/ — 3", 0)])
    assert [res.cells[f"regulations/{c}"].kind for c in ("issued", "repealed", "in_force")] == [
        "not_applicable", "not_applicable", "number"]


# --------------------------------------------------------------------------- spans


def test_spans_point_at_the_digits_in_the_report() -> None:
    text = (REAL / "平潭综合实验区_2023.txt").read_text(encoding="utf-8")
    label = "一、本年新收政府信息公开申请数量"
    start = text.index(label + "801000081") + len(label)
    rev = text.index("110024001510102")
    res = solve("2021", "applications", [RunRow("new_received", "801000081", start)])
    res2 = solve("2021", "review_litigation", [RunRow("*", "110024001510102", rev)])
    for cell in [*res.cells.values(), *res2.cells.values()]:
        assert cell.kind == "number"
        assert text[cell.start:cell.end] == cell.raw == str(cell.value)
    assert (res.cells["new_received/natural_person"].start, res.cells["new_received/total"].end) == (
        start, start + 9)


def test_space_separated_spans() -> None:
    res = solve("2019", "applications", [RunRow("new_received", "200 000121", 1000)])
    assert [(res.cells[f"new_received/{c}"].raw, res.cells[f"new_received/{c}"].start) for c in COLS] == [
        ("20", 1000), ("0", 1002), ("0", 1004), ("0", 1005), ("0", 1006), ("1", 1007), ("21", 1008)]


# --------------------------------------------------------------------------- errors, bounds, speed


def test_unknown_row_id() -> None:
    with pytest.raises(UnknownNameError):
        solve("2021", "applications", [RunRow("no_such_row", "0000000", 0)])


def test_row_given_twice() -> None:
    with pytest.raises(ValueError):
        solve("2021", "applications", [RunRow("granted", Z, 0), RunRow("granted", Z, 10)])


def test_enumeration_bound_gives_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "ENUM_NODE_LIMIT", 5)
    res = solve("2021", "review_litigation", [RunRow("*", "110024001510102", 0)])
    assert "runtogether.bound" in codes(res)
    assert all(c.kind == "ambiguous" and c.candidates == () for c in res.cells.values())


def test_joint_search_bound_keeps_candidates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rt, "SEARCH_NODE_LIMIT", 0)
    template, rows = app_rows(2021)
    res = solve(template, "applications", rows)
    assert "runtogether.bound" in codes(res)
    assert res.cells["granted/natural_person"].candidates == ("2", "27")  # not decided, not guessed


@pytest.mark.parametrize("text", ["1" * 40, "9876543210" * 5])
def test_garbage_run_stays_bounded(text: str) -> None:
    t0 = time.perf_counter()
    res = solve("2021", "review_litigation", [RunRow("*", text, 0)])
    assert time.perf_counter() - t0 < 2.0
    assert all(c.kind == "ambiguous" for c in res.cells.values())


@pytest.mark.parametrize("year", sorted(APPLICATIONS))
def test_speed(year: int) -> None:
    template, rows = app_rows(year)
    best = float("inf")
    for _ in range(7):
        t0 = time.perf_counter()
        solve(template, "applications", rows)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.010, f"{best * 1000:.1f} ms"


def test_unexpected_character_is_a_recorded_boundary() -> None:
    res = solve("2021", "applications", [RunRow("new_received", "80，1，0，0，0，0，81", 0)])
    assert values(res.cells, "new_received", COLS) == (80, 1, 0, 0, 0, 0, 81)
    assert codes(res) == ["runtogether.unexpected_char"] * 6
