"""Number strings as they stand in report text -> Decimal.

Arabic digits (half- or full-width, thousands separators, spaces), Chinese numerals
(一百零三, 两, 二〇二三) and a scale word (万, 亿). cn2an is only ever called on a span the
extractor already matched: its whole-sentence ``transform`` corrupts words (一是 -> 1是).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_arabic(raw: str) -> Decimal:
    """'1,295' / '１２' / '98.26' / ' 27 ' -> Decimal, exactly as written (no rounding)."""
    s = raw.translate(_FULLWIDTH).replace(",", "").replace(" ", "").replace("\u3000", "")
    if not _ASCII_NUMBER.fullmatch(s):  # only ASCII and full-width decimal digits make numbers (not ③, ٣, ²)
        raise ValueError(f"not a number: {raw!r}")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None


def _common() -> dict[str, int]:
    """The numerals reports write most (一 … 九十九, 两, 一百 … 九千): their values, which are
    cn2an's (tests/figures/test_numbers_parse.py checks every entry against cn2an). Looking them
    up spares each process cn2an's import (about 0.2 s: it compiles large regexes)."""
    d = "一二三四五六七八九"
    out = {"零": 0, "〇": 0, "两": 2, "十": 10}
    for i, a in enumerate(d, 1):
        out[a] = i
        out["十" + a] = 10 + i
        out[a + "十"] = 10 * i
        out[a + "百"] = 100 * i
        out[a + "千"] = 1000 * i
        for j, b in enumerate(d, 1):
            out[a + "十" + b] = 10 * i + j
    out["两百"], out["两千"] = 200, 2000
    return out


_COMMON = _common()


def parse_chinese(raw: str) -> Decimal:
    """'一百零三' -> 103, '两' -> 2, '十二' -> 12, '三万五千' -> 35000.

    The common numerals come from a table (cn2an's values); any other goes to cn2an (a hard
    dependency of the ``figures`` extra), on this matched span only.
    """
    s = raw.strip()
    if s in _COMMON:
        return Decimal(_COMMON[s])
    try:
        import cn2an
    except ImportError:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("reading Chinese numerals", "figures", "cn2an") from None
    try:
        return Decimal(int(cn2an.cn2an(s.replace("两", "二"), "smart")))
    except (ValueError, KeyError, TypeError, IndexError) as e:
        raise ValueError(f"not a Chinese numeral: {raw!r} ({e})") from None


def parse_number(raw: str) -> Decimal:
    s = raw.translate(_FULLWIDTH).strip()
    if s and "0" <= s[0] <= "9":
        return parse_arabic(s)
    return parse_chinese(s)
