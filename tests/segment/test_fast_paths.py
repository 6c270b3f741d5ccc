"""The section-heading fast paths find exactly what the plain regex scans find (they only skip
positions where no match can start), and the one-entry caches of the segmenters never hand
one text's result to another."""

from __future__ import annotations

import random

import pytest
from gsnlp_corpus import CORPUS

from gsnlp.doc import Region
from gsnlp.normalize import normalize
from gsnlp.segment import sections as S
from gsnlp.segment.regions import _mask, mask

TEXTS = [normalize(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*/*")) if p.suffix in (".txt", ".md")]
_FRAGS = ["一", "二", "三", "十", "十一", "第", "、", ".", "．", ",", "，", " ", "\t", "\n", "\r\n", "#", "## ", "总体情况",
          "概述", "基本情况", "主动公开政府信息情况", "政府信息", "收到和处理政府信息公开申请情况", "依申请公开情况", "行政复议",
          "行政诉讼", "情况", "存在的主要问题及改进情况", "措施", "其他需要报告的事项", "统计表", "重点领域", "。", "工作", "的",
          "abc", "1", "（一）", "减免情况", "政府信息公开的收费及减免情况"]


def _fuzz(n: int, seed: int = 5) -> list[str]:
    rnd = random.Random(seed)
    return ["".join(rnd.choice(_FRAGS) for _ in range(rnd.randint(1, 40))) for _ in range(n)]


def _found(ms) -> list:
    return [(m.span(), m.groupdict()) for m in ms]


@pytest.mark.parametrize("texts", [TEXTS, _fuzz(3000)], ids=["corpus", "fuzz"])
def test_heading_and_bare_matches_equal_the_plain_scan(texts: list[str]) -> None:
    for t in texts:
        assert _found(S._heading_matches(t)) == _found(S._HEADING.finditer(t)), t[:80]
        assert _found(S._bare_matches(t)) == _found(S._BARE.finditer(t)), t[:80]


def test_mask_cache_is_per_text_and_regions() -> None:
    a = "甲乙丙丁\n戊己庚辛"
    b = "子丑寅卯\n辰巳午未"
    ra = [Region("page_footer", 1, 3)]
    rb = [Region("page_footer", 5, 7)]
    assert mask(a, ra) == _mask(a, ra) == "甲  丁\n戊己庚辛"
    assert mask(a, rb) == _mask(a, rb)
    assert mask(b, rb) == _mask(b, rb)
    assert mask(a, ra) == "甲  丁\n戊己庚辛"
    assert mask(a, []) is a
