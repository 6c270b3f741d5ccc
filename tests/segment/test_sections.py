from __future__ import annotations

from pathlib import Path

import pytest

import gsnlp
from gsnlp.segment.sections import SECTION_IDS
from gsnlp_corpus import CORPUS, corpus_file

TEMPLATE_REPORTS = [p for p in sorted(CORPUS.rglob("*")) if p.suffix in (".txt", ".md")
                    and gsnlp.read(p).meta.template in ("2021", "2019")]


@pytest.mark.parametrize("path", TEMPLATE_REPORTS, ids=lambda p: p.name)
def test_template_reports_have_the_six_sections_in_order(path: Path) -> None:
    r = gsnlp.read(path)
    ids = [s.id for s in r.sections if s.id != "extra"]
    assert ids == list(SECTION_IDS)
    starts = [s.start for s in r.sections]
    assert starts == sorted(starts)


@pytest.mark.parametrize("path", sorted(p for p in CORPUS.rglob("*.txt")), ids=lambda p: p.name)
def test_sections_exclude_crawler_header_and_chrome(path: Path) -> None:
    r = gsnlp.read(path)
    header = [g for g in r.regions if g.kind == "crawler_header"]
    if header:
        assert all(s.start >= header[0].end for s in r.sections)
    for s in r.sections:
        assert "原文链接" not in r.text[s.start : s.end]


def test_sub_topics_are_not_sections() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区_2023.txt"))
    titles = [s.title for s in r.sections]
    assert not any(t.startswith(("（", "(")) for t in titles)
    # the applications table's own 一、二、三、四、 rows stay inside section 三
    app = r.section("applications")
    assert "本年新收" in r.text[app.start : app.end]
    assert "结转下年度继续办理" in r.text[app.start : app.end]


def test_heading_run_together_with_table_digits() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区_2023.txt"))
    s = r.section("applications")
    assert r.text[s.start : s.body_start].startswith("三、收到和处理政府信息公开申请情况")
    assert r.text[s.start - 1].isdigit()  # "…5949.088667三、收到…"


def test_missing_heading_is_inferred_with_a_warning() -> None:
    r = gsnlp.read(corpus_file("上海市人民政府办公厅_2025.md"))
    assert r.section("problems") is not None
    assert any(w.code == "sections.heading_inferred" for w in r.warnings)


def test_old_reports_keep_extra_sections() -> None:
    r = gsnlp.read(corpus_file("平潭综合实验区_2016.txt"))
    assert r.meta.template == "pre2019"
    assert "statistics_table" in r.extra
    assert r.section("overview") is not None


def test_page_footers_are_regions_not_text_of_sections() -> None:
    r = gsnlp.read(corpus_file("上海市人民政府办公厅_2025.md"))
    footers = [g for g in r.regions if g.kind == "page_footer"]
    assert len(footers) >= 4
    assert r.text[footers[0].start : footers[0].end].strip() == "— 1 —"


def test_table_of_contents_is_not_taken_for_the_body() -> None:
    src = corpus_file("001_49bc154c30d92ca6.txt").read_text(encoding="utf-8")
    toc = "目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n" \
          "五、存在的主要问题及改进情况\n六、其他需要报告的事项\n\n"
    i = src.index("一、总体情况")
    r = gsnlp.parse_text(src[:i] + toc + src[i:])
    assert [s.id for s in r.sections] == list(SECTION_IDS)
    assert r.sections[0].start > i + len(toc) - 5
    assert gsnlp.read(corpus_file("001_49bc154c30d92ca6.txt")).tables["applications"].cells == r.tables["applications"].cells or \
        all(c.kind == "number" for c in r.tables["applications"].cells.values())


def test_doubled_number_is_a_warning_not_a_failure() -> None:
    src = corpus_file("004_3f5f08638fb4a4d2.txt").read_text(encoding="utf-8")
    r = gsnlp.parse_text(src.replace("五、存在的主要问题及改进情况", "四、存在的主要问题及改进情况"))
    assert r.section("problems") is not None
    assert any(w.code == "sections.number_doubled" for w in r.warnings)
