"""Issue 12: a file that is not an annual report is an error with code ``not_a_report``
(a README, a TSV, a catalogue page listing reports, gsnlp's own audit page); every report of
the corpus, pre-2019 ones included (no template tables, but report sections), still reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from gsnlp_corpus import CORPUS, ROOT

from gsnlp.errors import NotAReportError
from gsnlp.io import read, read_bytes

CORPUS_FILES = sorted(p for p in CORPUS.glob("*/*") if p.is_file())


def test_corpus_is_there() -> None:
    assert len(CORPUS_FILES) >= 55


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_every_corpus_report_reads(path: Path) -> None:
    if path.suffix == ".pdf":
        pytest.importorskip("pdfplumber")
    if path.suffix in (".html", ".htm"):
        pytest.importorskip("lxml")
    rep = read(path)
    assert any(s.id != "extra" for s in rep.sections) or any(t.found for t in rep.tables.values())


def _assert_not_a_report(data: bytes, name: str) -> None:
    with pytest.raises(NotAReportError) as e:
        read_bytes(data, name)
    assert e.value.code == "not_a_report"
    assert name in str(e.value) and "年度报告" in str(e.value)


@pytest.mark.parametrize("name", ["README.md", "docs/DEVELOPING.md", "pyproject.toml", "corpora/MANIFEST.tsv",
                                  "corpora/SOURCES.tsv"])
def test_project_files_are_not_reports(name: str) -> None:
    path = ROOT / name
    if not path.exists():
        pytest.skip(f"{name} not in this checkout")
    _assert_not_a_report(path.read_bytes(), name)


def test_tsv_with_a_section_word_in_a_cell_is_not_a_report() -> None:
    rows = ["doc\tyear\tnote"] + [f"r{i}.txt\t20{i:02d}\t一、总体情况; 缺表" for i in range(10)]
    _assert_not_a_report("\n".join(rows).encode(), "list.tsv")


def test_tab_rows_report_is_not_taken_for_a_tsv() -> None:
    from gsnlp.synth.generate import synth_report

    r = synth_report(0, 1, layouts=("tab_rows",))
    rep = read_bytes(r.data, r.doc)
    assert any(t.found for t in rep.tables.values())


def test_catalogue_page_listing_reports_is_not_a_report() -> None:
    pytest.importorskip("lxml")
    items = "".join(f"<li><a href='/n{y}.html'>某某市{y}年政府信息公开工作年度报告</a> {y + 1}-01-31</li>"
                    for y in range(2010, 2025))
    page = f"<html><head><title>政府信息公开年报_某某市人民政府</title></head><body><ul>{items}</ul></body></html>"
    _assert_not_a_report(page.encode(), "catalogue.html")


def test_gsnlp_audit_page_is_not_a_report() -> None:
    pytest.importorskip("lxml")
    from gsnlp.render.audit_html import render_report

    rep = read(CORPUS / "real" / "平潭综合实验区_2021.txt")
    _assert_not_a_report(render_report(rep, []).encode("utf-8"), "audit.html")


def test_meeting_notice_is_not_a_report() -> None:
    _assert_not_a_report("会议通知\n请各单位于周五下午三点到会议室开会。\n".encode(), "notice.txt")


def test_parse_readme_exits_1_with_the_code(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# A project\n\nSome words about it.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n", encoding="utf-8")
    exe = Path(sys.executable).parent / "gsnlp"
    if not exe.exists():
        pytest.skip("the gsnlp console script is not installed next to this Python")
    p = subprocess.run([str(exe), "parse", str(readme)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stderr
    assert "not_a_report" in p.stderr


@pytest.mark.parametrize("name", ["平潭综合实验区_2024.txt", "平潭综合实验区_2016.txt"])
def test_report_with_its_line_breaks_lost_is_still_a_report(name: str) -> None:
    """All on one line (crawler header included), no heading is found; the template table's
    labels are still in the text, so it is a report with a reading problem, not a non-report."""
    text = (CORPUS / "real" / name).read_text(encoding="utf-8").replace("\n", "")
    rep = read_bytes(text.encode("utf-8"), name)
    assert rep.text == text


def test_a_report_titled_as_one_with_headings_of_its_own_and_tables_as_images_is_read() -> None:
    """Headings the template does not use and tables published as images are a reading problem,
    not a non-report: a text titled as one annual report, with prose of its own, is read."""
    lines = ["某某县审计局2024年政府信息公开工作年度报告",
             "本报告依据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
             "第一部分 工作概况",
             "2024年，我局认真贯彻落实条例要求。全年主动公开政府信息120条。我局进一步完善公开目录。我局加强了审核把关。",
             "第二部分 统计数据（见附图）",
             "相关统计表以图片形式附后。我局全年收到政府信息公开申请3件，均已按期答复。",
             "第三部分 问题与改进",
             "一是公开内容还不够丰富。二是解读形式较单一。下一步将加强培训。",
             "第四部分 其他事项", "本年度未收取信息处理费。特此报告。"]
    rep = read_bytes("\n".join(lines).encode("utf-8"), "odd.txt")
    assert rep.meta.agency == "某某县审计局" and rep.meta.year == 2024
