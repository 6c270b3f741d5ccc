"""Number strings as they stand in report text -> Decimal.

Arabic digits (half- or full-width, thousands separators, spaces), Chinese numerals
(一百零三, 两, 二〇二三) and a scale word (万, 亿). cn2an is only ever called on a span the
extractor already matched: its whole-sentence ``transform`` corrupts words (一是 -> 1是).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}


def parse_arabic(raw: str) -> Decimal:
    """'1,295' / '１２' / '98.26' / ' 27 ' -> Decimal, exactly as written (no rounding)."""
    s = raw.translate(_FULLWIDTH).replace(",", "").replace(" ", "").replace("\u3000", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {raw!r}") from None


def _cn_small(s: str) -> int:
    total, digit = 0, None
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None:  # digit sequence 二〇二三: positional
                digit = digit * 10 + _CN_DIGITS[ch]
            else:
                digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        else:
            raise ValueError(ch)
    return total + (digit or 0)


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

    Uses cn2an when installed (only on this matched span), else a small exact parser.
    """
    s = raw.strip()
    if s in _COMMON:
        return Decimal(_COMMON[s])
    try:
        import cn2an

        return Decimal(int(cn2an.cn2an(s.replace("两", "二"), "smart")))
    except ImportError:
        pass
    except Exception:  # noqa: BLE001 - fall back to our parser, which raises a clear error
        pass
    total, rest = 0, s
    for big, mult in sorted(_CN_BIG.items(), key=lambda kv: -kv[1]):
        if big in rest:
            head, rest = rest.split(big, 1)
            total += _cn_small(head or "一") * mult
    try:
        return Decimal(total + _cn_small(rest))
    except ValueError:
        raise ValueError(f"not a Chinese numeral: {raw!r}") from None


def parse_number(raw: str) -> Decimal:
    s = raw.translate(_FULLWIDTH).strip()
    if s and (s[0].isdigit()):
        return parse_arabic(s)
    return parse_chinese(s)
