from __future__ import annotations

import pytest

import gsnlp
from gsnlp_corpus import corpus_file


@pytest.mark.parametrize(
    "doc, agency, year, template",
    [
        ("000_292e5f130bca3acf.txt", "长子县横水林区服务中心", 2023, "2021"),
        ("001_49bc154c30d92ca6.txt", "宝丰县大营镇人民政府", 2023, "2021"),
        ("003_898f5e2484ea1ed0.txt", None, 2023, "2019"),
        ("平潭综合实验区_2023.txt", "平潭综合实验区", 2023, "2021"),
        ("平潭综合实验区_2020.txt", "平潭综合实验区", 2020, "2019"),
        ("平潭综合实验区_2018.txt", "平潭综合实验区", 2018, "pre2019"),
        ("平潭县人民政府_2012.txt", "平潭县人民政府", 2012, "pre2019"),
    ],
)
def test_meta(doc: str, agency: str | None, year: int, template: str) -> None:
    m = gsnlp.read(corpus_file(doc)).meta
    assert (m.agency, m.year, m.template) == (agency, year, template)


def test_period_and_publication_date() -> None:
    m = gsnlp.read(corpus_file("平潭综合实验区_2023.txt")).meta
    assert (m.period_start, m.period_end) == ("2023-01-01", "2023-12-31")
    assert m.published == "2024-03-08"


def test_yuanyue_is_january() -> None:
    assert gsnlp.read(corpus_file("004_3f5f08638fb4a4d2.txt")).meta.published == "2024-01-06"


def test_year_before_agency_over_a_line_break() -> None:
    m = gsnlp.read(corpus_file("上海市人民政府办公厅_2025.md")).meta
    assert (m.agency, m.year) == ("上海市人民政府办公厅", 2025)


def test_markdown_heading_mark_is_not_part_of_the_agency() -> None:
    m = gsnlp.read(corpus_file("沭阳县人民政府_2025.txt")).meta
    assert m.agency == "沐阳县人民政府"  # the source's OCR error 沭→沐 is kept, never corrected
    assert not m.title.startswith("#")
