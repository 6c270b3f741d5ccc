"""Section-level scores: how concrete section 五 is, and how much it repeats the previous year.

``specificity`` is a transparent heuristic in [0, 1]: the share of "concrete" markers
(numbers, quoted names, named channels and columns, time rhythms) among concrete plus
boilerplate markers (进一步, 有待, 不断, 加强, …). The hand ratings (1–4) in
``corpora/gold/themes/reports.tsv`` are what it is checked against (experiments/themes).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_CONCRETE = [
    r"\d+(?:\.\d+)?\s*(?:个|件|篇|期|次|条|人|%|万|家|项)",  # counted things
    r"“[^”]{2,20}”", r"《[^》]{2,30}》",  # named measures, documents
    r"专栏|栏目|专区|公众号|APP|客户端|微博|微信|热线|模板|知识库|数据库|二维码|短视频|视频|动漫|图解|H5",
    r"每月|每季度|季度|年底|月度|每年|每周",
    r"座谈会|听证会|问卷|访谈|发布会|案例|跟班|传帮带|手把手",
]
_BOILER = [r"进一步", r"有待", r"不断", r"加强", r"提升", r"提高", r"完善", r"强化", r"切实", r"持续", r"努力", r"全面"]


def specificity(text: str) -> float:
    """0 (all boilerplate) … 1 (all concrete); 0.0 for an empty text."""
    c = sum(len(re.findall(p, text)) for p in _CONCRETE)
    b = sum(len(re.findall(p, text)) for p in _BOILER)
    return 0.0 if c + b == 0 else round(c / (c + b), 4)


def similarity(a: str, b: str) -> float:
    """Character-level similarity in [0, 1] (difflib ratio on whitespace-free text)."""
    a = re.sub(r"\s+", "", a)
    b = re.sub(r"\s+", "", b)
    if not a and not b:
        return 1.0
    return round(SequenceMatcher(None, a, b, autojunk=False).ratio(), 4)
