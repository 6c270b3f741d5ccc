from __future__ import annotations

from decimal import Decimal

import pytest

from gsnlp.figures.numbers import parse_number


@pytest.mark.parametrize("raw,value", [("423", "423"), ("98.26", "98.26"), ("1,295", "1295"), ("１２", "12"),
                                       ("27 ", "27"), ("一百零三", "103"), ("两", "2"), ("十二", "12"),
                                       ("二〇二三", "2023"), ("八", "8"), ("5949.088667", "5949.088667")])
def test_parse_number(raw: str, value: str) -> None:
    assert parse_number(raw) == Decimal(value)


def test_parse_number_rejects_words() -> None:
    with pytest.raises(ValueError):
        parse_number("abc")


def test_common_numerals_agree_with_cn2an() -> None:
    # the lookup table of frequent numerals must give what cn2an gives (it stands in for it)
    cn2an = pytest.importorskip("cn2an")
    from gsnlp.figures.numbers import _COMMON

    for raw, value in _COMMON.items():
        assert Decimal(int(cn2an.cn2an(raw.replace("两", "二"), "smart"))) == value, raw
