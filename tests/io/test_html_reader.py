"""HTML reader: real CMS pages against gold, the txt twins, charsets, merged cells, Word markup."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

pytest.importorskip("lxml")

from gsnlp_corpus import GOLD, corpus_file  # noqa: E402

from gsnlp.io import read, read_bytes  # noqa: E402
from gsnlp.io.html import decode_html, read_html  # noqa: E402
from gsnlp.tables.evaluate import load_gold, score  # noqa: E402

PAGES = ["平潭综合实验区_2024.html", "平潭综合实验区_2025.html"]


@pytest.mark.parametrize("name", PAGES)
def test_html_real_page_matches_gold(name: str) -> None:
    gold = GOLD / "tables" / f"{name}.json"
    if not gold.exists():
        pytest.skip(f"no gold for {name}")
    s = score(read(corpus_file(name)), load_gold(gold))
    assert s.total == 200
    assert s.diffs == [], s.diffs[:5]


@pytest.mark.parametrize("name", PAGES)
def test_html_page_agrees_with_txt_twin(name: str) -> None:
    html = read(corpus_file(name))
    txt = read(corpus_file(name.replace(".html", ".txt")))
    for tid, table in html.tables.items():
        for addr, cell in table.cells.items():
            other = txt.tables[tid].cells[addr]
            if other.kind == "ambiguous":
                assert str(cell.value) in other.candidates, (tid, addr)
            else:
                assert (other.kind, other.value) == (cell.kind, cell.value), (tid, addr)


@pytest.mark.parametrize("name", PAGES)
def test_html_body_excludes_site_chrome(name: str) -> None:
    r = read_html(corpus_file(name).read_bytes(), name)
    text = r.text
    grids = r.grids
    extra = r.hints
    assert text.splitlines()[0].startswith("平潭综合实验区")  # the page title
    for chrome in ("首页", "function", "var ", "版权所有", "分享到", "{"):
        assert chrome not in text, chrome
    assert "一、总体情况" in text and "六、其他需要报告的事项" in text
    assert extra["encoding"] == "utf-8" and extra["encoding_from"] == "meta"
    assert len(grids) == 3


@pytest.mark.parametrize("name", PAGES)
def test_html_cells_have_spans_and_paths(name: str) -> None:
    data = corpus_file(name).read_bytes()
    r = read_html(data, name)
    text = r.text
    grids = r.grids
    import lxml.html

    root = lxml.html.fromstring(data)
    for grid in grids:
        for row in grid:
            for cell in row:
                if cell.merged:
                    continue
                assert text[cell.start : cell.end] == cell.text
                (td,) = root.getroottree().xpath(cell.where["path"])
                assert td.tag in ("td", "th")


def _page(body: str, charset: str | None = "utf-8") -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return (f"<html><head>{meta}<title>某县2024年政府信息公开工作年度报告_年报</title><script>var x = '一、总体情况';</script>"
            f"<style>p {{ color: red }}</style></head><body><div class='nav'><a href='/'>首页</a></div>"
            f"<div class='article'><p>一、总体情况</p>{body}<p>六、其他需要报告的事项</p></div>"
            f"<div class='footer'>版权所有</div></body></html>")


@pytest.mark.parametrize("enc", ["gbk", "gb2312", "gb18030", "utf-8"])
def test_html_charset_from_meta(enc: str) -> None:
    data = _page("<p>收到和处理政府信息公开申请情况</p>", enc).encode("gb18030" if enc != "utf-8" else "utf-8")
    r = read_html(data, "x.html")
    text = r.text
    extra = r.hints
    assert "收到和处理政府信息公开申请情况" in text
    assert extra["encoding_from"] == "meta"


@pytest.mark.parametrize("enc", ["gbk", "utf-8"])
def test_html_charset_sniffed_without_meta(enc: str) -> None:
    data = _page("<p>收到和处理政府信息公开申请情况</p>", None).encode(enc)
    r = read_html(data, "x.html")
    text = r.text
    extra = r.hints
    assert "收到和处理政府信息公开申请情况" in text
    assert extra["encoding_from"] == "sniff"


def test_html_charset_from_bom_beats_wrong_meta() -> None:
    data = b"\xef\xbb\xbf" + _page("<p>本年新收</p>", "gbk").encode("utf-8")
    r = read_html(data, "x.html")
    text = r.text
    extra = r.hints
    assert "本年新收" in text and extra["encoding_from"] == "bom"


def test_html_wrong_meta_falls_back_to_sniffing() -> None:
    data = _page("<p>本年新收政府信息公开申请数量</p>", "utf-8").encode("gbk")
    r = read_html(data, "x.html")
    text = r.text
    extra = r.hints
    assert "本年新收政府信息公开申请数量" in text
    assert extra["encoding"] == "gb18030" and "encoding_note" in extra


def test_html_rowspan_colspan_expand_without_copies() -> None:
    table = ("<table><tr><td rowspan='2'>（三）不予公开</td><td>1.属于国家秘密</td><td>3</td></tr>"
             "<tr><td>2.其他法律行政法规禁止公开</td><td>&nbsp;</td></tr>"
             "<tr><td colspan='2'>（七）总计</td><td>3</td></tr></table>")
    r = read_html(_page(table).encode(), "x.html")
    grids = r.grids
    (grid,) = grids
    assert [[c.text if not c.merged else None for c in row] for row in grid] == [
        ["（三）不予公开", "1.属于国家秘密", "3"],
        [None, "2.其他法律行政法规禁止公开", ""],
        ["（七）总计", None, "3"],
    ]
    assert grid[1][2].merged is False  # &nbsp; is a blank cell, not a merge and not a value


def test_html_word_markup_joins_split_numbers_and_labels() -> None:
    table = ("<table><tr><td><p class=MsoNormal><span>本年新收政府</span>\n<span>信息公开申请数量</span></p></td>"
             "<td><p class=MsoNormal><span lang=EN-US>20</span><span lang=EN-US>23</span></p></td>"
             "<td><p><span>1</span>\n   <span>5</span></p></td></tr></table>")
    grids = read_html(_page(table).encode(), "x.html").grids
    assert [c.text for c in grids[0][0]] == ["本年新收政府信息公开申请数量", "2023", "15"]


def test_html_layout_table_is_walked_not_read_as_a_grid() -> None:
    inner = "<table><tr><td>规章</td><td>0</td></tr></table>"
    page = _page(f"<table><tr><td><p>二、主动公开政府信息情况</p>{inner}</td></tr></table>")
    r = read_html(page.encode(), "x.html")
    text = r.text
    grids = r.grids
    assert len(grids) == 1 and [c.text for c in grids[0][0]] == ["规章", "0"]
    assert "二、主动公开政府信息情况" in text


def test_html_recognised_from_bytes_not_extension() -> None:
    report = read_bytes(corpus_file(PAGES[0]).read_bytes(), "report.txt")
    assert report.source.format == "html"
    assert report.tables["applications"]["new_received/total"].value == Decimal(218)


def test_html_gold_file_is_complete() -> None:
    for name in PAGES:
        path = GOLD / "tables" / f"{name}.json"
        if path.exists():
            assert json.loads(path.read_text(encoding="utf-8"))["doc"] == name


def test_decode_html_rejects_undecodable() -> None:
    from gsnlp.errors import EncodingError

    with pytest.raises(EncodingError):
        decode_html(b"<html>\xff\xfe\xfa\x80\x81\xff</html>", "x.html")


def test_html_word_spacer_row_is_not_a_table_row() -> None:
    table = ("<table><tr><td>规章</td><td>0</td></tr><![if !supportMisalignedColumns]>"
             "<tr height=0><td width=108 style='border:none'></td><td width=60 style='border:none'></td></tr>"
             "<![endif]></table>")
    grids = read_html(_page(table).encode(), "x.html").grids
    assert [[c.text for c in row] for row in grids[0]] == [["规章", "0"]]


def test_html_table_caption_is_text_before_the_table() -> None:
    table = "<table><caption>第二十条第（一）项</caption><tr><td>规章</td><td>0</td></tr></table>"
    r = read_html(_page(table).encode(), "x.html")
    text = r.text
    assert "第二十条第（一）项\n规章\t0\n" in text


def test_html_navigation_links_naming_sections_do_not_hide_the_body() -> None:
    nav = ("<div class='menu'><a href='/fy'>行政复议</a><a href='/nb'>政府信息公开年报</a>"
           "<a href='/zdgk'>主动公开政府信息情况</a><a href='/ysq'>收到和处理政府信息公开申请情况</a></div>")
    body = ("<div class='text'><p>一、总体情况</p><p>本年度工作有序推进。</p><p>二、主动公开政府信息情况</p>"
            "<p>四、政府信息公开行政复议、行政诉讼情况</p><p>六、其他需要报告的事项</p></div>")
    page = f"<html><body><div class='page'>{nav}<div class='side'>热点专题</div>{body}</div></body></html>"
    r = read_html(page.encode(), "x.html")
    text = r.text
    extra = r.hints
    assert text.startswith("一、总体情况") and "热点专题" not in text and "政府信息公开年报" not in text
    assert extra["body_path"].endswith("div[3]")
