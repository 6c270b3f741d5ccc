"""PDF reader: the real reports against gold; ruled tables, vertical labels, tables over pages,
page furniture, provenance."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("pdfplumber")

from gsnlp_corpus import GOLD, corpus_file  # noqa: E402

from gsnlp.io import read, read_bytes  # noqa: E402
from gsnlp.io.pdf import read_pdf  # noqa: E402
from gsnlp.io.reading import Reading  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402

PDFS = ["淮安市人民政府_2024.pdf", "淮安市洪泽区人民政府_2023.pdf", "淮安市洪泽区人民政府_2024.pdf"]


@pytest.fixture(scope="module")
def readings() -> dict[str, Reading]:
    return {name: read_pdf(corpus_file(name).read_bytes(), name) for name in PDFS}


@pytest.mark.parametrize("name", PDFS)
def test_pdf_real_report_matches_gold(name: str) -> None:
    gold = GOLD / "tables" / f"{name}.json"
    if not gold.exists():
        pytest.skip(f"no gold for {name}")
    g = load_gold(gold)
    s = score(read(corpus_file(name)), g)
    # every gold cell is scored (200 in the 2021 template, fewer where the gold leaves rows out)
    assert s.total == sum(len(t) for t in g["tables"].values()) >= 180
    assert s.diffs == [], s.diffs[:5]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_three_tables_found(readings: dict, name: str) -> None:
    grids = readings[name].grids
    assert [len(g[0]) for g in grids] == [4, 10, 15]


@pytest.mark.parametrize("name", PDFS)
def test_pdf_vertical_label_read_whole(readings: dict, name: str) -> None:
    grids = readings[name].grids
    labels = [c.text for row in grids[1] for c in row if not c.merged]
    assert "三、本年度办理结果" in labels  # printed one character per line


@pytest.mark.parametrize("name", PDFS)
def test_pdf_table_over_pages_is_one_grid(readings: dict, name: str) -> None:
    grids = readings[name].grids
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
    grids = readings["淮安市人民政府_2024.pdf"].grids
    cell = next(row[1] for row in grids[1] if row[1].text == "（四）无法提供")
    assert cell.where["page"] == 4 and cell.where["continued"][0]["page"] == 5


@pytest.mark.parametrize("name", PDFS)
def test_pdf_page_numbers_are_furniture_not_text(readings: dict, name: str) -> None:
    r = readings[name]
    text = r.text
    extra = r.hints
    assert [f["text"] for f in extra["page_furniture"]] == [f"-{i}-" for i in range(1, extra["pages"] + 1)]
    assert not any(line.strip() in {"-1-", "-2-", "-3-"} for line in text.splitlines())


@pytest.mark.parametrize("name", PDFS)
def test_pdf_cells_have_page_and_box(readings: dict, name: str) -> None:
    r = readings[name]
    text = r.text
    grids = r.grids
    for grid in grids:
        for row in grid:
            for cell in row:
                if cell.merged:
                    continue
                assert text[cell.start : cell.end] == cell.text
                x0, top, x1, bottom = cell.where["bbox"]
                assert 1 <= cell.where["page"] <= 6 and 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842


def test_pdf_paragraphs_rebuilt_from_wrapped_lines(readings: dict) -> None:
    text = readings["淮安市人民政府_2024.pdf"].text
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
    """洪泽 2023/2024 print a 2019-style （六）其他处理 row (none of the 2021 sub-rows) in a report whose
    table 二 is 2021: the template is decided per table, so table 三 is read in the 2019 template, whose
    single row ``other`` holds the printed row (0 in all seven columns, as the gold's notes say; the
    gold's 2021 sub-row addresses are absent). Its numbers are in cells, never dropped. 淮安 2024 prints
    the 2021 sub-rows."""
    rep = read(corpus_file(name))
    assert [w for w in rep.to_dict()["warnings"] if w["code"] == "tables.row_unmatched"] == []
    app = rep.tables["applications"]
    if "洪泽" not in name:
        assert app.template == "2021"
        return
    assert (app.template, rep.tables["active_disclosure"].template, rep.meta.template) == ("2019", "2021", "2021")
    cols = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
    cells = [app.cells[f"other/{c}"] for c in cols]
    assert [(c.kind, c.value) for c in cells] == [("number", 0)] * 7
    assert cells[0].start is not None and "（六）其他处理" in rep.text[cells[0].start - 12 : cells[0].start]
