"""The fast paths give exactly what the plain regex scans give (they only skip positions that
cannot match)."""

from __future__ import annotations

from gsnlp_corpus import CORPUS

from gsnlp.segment import regions as R
from gsnlp.tables import legacy

TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*/*")) if p.suffix in (".txt", ".md")]
TRICKY = [
    "统计表\n指标名称 计量单位\n1、主动公开信息数 条 12 30\n其中：主动公开规范性文件数 条 3\n受理申请总数 件 4\n",
    "统计表" + "一二三四五六七八九十" * 8 + " 件 5\n人次 7 8\n  人 次 9\n参加培训人数人次 12\n",
    "统计表 1.甲乙件件件 件 3 4\t5 条12\n" + "政府信息公开" * 20 + "元 0 ",
    "指标名称\n收费金额 元 0.5\n咨询 人次\n 12\n依申请 件\t\t\t7",
]


def test_statistics_items_equal_the_plain_scan() -> None:
    for text in TEXTS + TRICKY:
        k, end = 0, len(text)
        fast = [(m.span(), m.groupdict()) for m in legacy._items(text, k, end)]
        plain = [(m.span(), m.groupdict()) for m in legacy._ITEM.finditer(text, k, end)]
        assert fast == plain


def test_region_prefilters_skip_only_texts_without_a_match() -> None:
    for text in TEXTS:
        for rx, needs in zip(R._CHROME, R._CHROME_NEEDS):
            if not any(w in text for w in needs):
                assert rx.search(text) is None
        for rx, need in ((R._MD_SEP, "---"), (R._MD_HEAD, "##"), (R._BODY_MARK, "正文")):
            if need not in text:
                assert rx.search(text) is None
