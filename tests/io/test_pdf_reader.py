"""PDF reader: the real reports against gold; ruled tables, vertical labels, tables over pages,
page furniture, provenance."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pdfplumber")

from gsnlp_corpus import GOLD, corpus_file  # noqa: E402

from gsnlp.io import read, read_bytes  # noqa: E402
from gsnlp.io.pdf import read_pdf  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402

PDFS = ["淮安市人民政府_2024.pdf", "淮安市洪泽区人民政府_2023.pdf", "淮安市洪泽区人民政府_2024.pdf"]


@pytest.fixture(scope="module")
def readings() -> dict[str, tuple]:
    return {name: read_pdf(corpus_file(name).read_bytes(), name) for name in PDFS}


@pytest.mark.parametrize("name", PDFS)
def test_pdf_real_report_matches_gold(name: str) -> None:
    gold = GOLD / "tables" / f"{name}.json"
    if not gold.exists():
        pytest.skip(f"no gold for {name}")
    s = score(read(corpus_file(name)), load_gold(gold))
    assert s.total == 200
    assert s.diffs == [], s.diffs[:5]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_three_tables_found(readings: dict, name: str) -> None:
    _, grids, _, _ = readings[name]
    assert [len(g[0]) for g in grids] == [4, 10, 15]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_vertical_label_read_whole(readings: dict, name: str) -> None:
    _, grids, _, _ = readings[name]
    labels = [c.text for row in grids[1] for c in row if not c.merged]
    assert "三、本年度办理结果" in labels  # printed one character per line


@pytest.mark.parametrize("name", PDFS)
def test_pdf_table_over_pages_is_one_grid(readings: dict, name: str) -> None:
    _, grids, _, _ = readings[name]
    apps = grids[1]
    pages = {c.where["page"] for row in apps for c in row if not c.merged and c.where}
    assert len(pages) == 2
    labels = [row[2].text for row in apps if not row[2].merged]
    assert "2.没有现成信息需要另行制作" in labels and "3.补正后申请内容仍不明确" in labels
    assert apps[-1][0].text == "四、结转下年度继续办理"
    # the group label cut by the page break is one cell, not a row of its own
    group = [row[1].text for row in apps if not row[1].merged]
    assert "（四）无法提供" in group


def test_pdf_group_label_cut_mid_text_is_joined(readings: dict) -> None:
    _, grids, _, _ = readings["淮安市人民政府_2024.pdf"]
    cell = next(row[1] for row in grids[1] if row[1].text == "（四）无法提供")
    assert cell.where["page"] == 4 and cell.where["continued"][0]["page"] == 5


@pytest.mark.parametrize("name", PDFS)
def test_pdf_page_numbers_are_furniture_not_text(readings: dict, name: str) -> None:
    text, _, _, extra = readings[name]
    assert [f["text"] for f in extra["page_furniture"]] == [f"-{i}-" for i in range(1, extra["pages"] + 1)]
    assert not any(line.strip() in {"-1-", "-2-", "-3-"} for line in text.splitlines())


@pytest.mark.parametrize("name", PDFS)
def test_pdf_cells_have_page_and_box(readings: dict, name: str) -> None:
    text, grids, _, _ = readings[name]
    for grid in grids:
        for row in grid:
            for cell in row:
                if cell.merged:
                    continue
                assert text[cell.start : cell.end] == cell.text
                x0, top, x1, bottom = cell.where["bbox"]
                assert 1 <= cell.where["page"] <= 6 and 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


def test_pdf_paragraphs_rebuilt_from_wrapped_lines(readings: dict) -> None:
    text, _, _, _ = readings["淮安市人民政府_2024.pdf"]
    lines = text.splitlines()
    assert lines[:2] == ["淮安市人民政府", "2024年政府信息公开工作年度报告"]
    assert "一、总体情况" in lines
    para = next(line for line in lines if line.startswith("（一）主动公开情况"))
    assert para.endswith("回应舆论关切。")  # wrapped over a page break and its page number


def test_pdf_recognised_from_bytes_not_extension() -> None:
    report = read_bytes(corpus_file(PDFS[0]).read_bytes(), "report.html")
    assert report.source.format == "pdf"


def test_pdf_gold_docs_named_like_files() -> None:
    for name in PDFS:
        path = GOLD / "tables" / f"{name}.json"
        if path.exists():
            assert json.loads(path.read_text(encoding="utf-8"))["doc"] == name


@pytest.mark.parametrize("name", PDFS)
def test_pdf_row_outside_the_template_is_reported_not_dropped(name: str) -> None:
    """洪泽 2023/2024 print a 2019-style （六）其他处理 row in the 2021 applications table: it fits
    no template row (the gold has its three sub-rows absent), so its numbers are not in any
    cell, and a warning names the row, its values and its place. 淮安 2024 has no such row."""
    rep = read(corpus_file(name))
    found = [w for w in rep.to_dict()["warnings"] if w["code"] == "tables.row_unmatched"]
    if "洪泽" not in name:
        assert found == []
        return
    assert len(found) == 1
    w = found[0]
    assert w["severity"] == "warning" and "（六）其他处理" in w["message"] and "0 0 0 0 0 0 0" in w["message"]
    assert rep.text[w["start"]:w["end"]].startswith("（六）其他处理")
