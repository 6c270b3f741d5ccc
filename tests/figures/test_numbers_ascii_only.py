"""Only ASCII and full-width decimal digits make numbers (issue 19); cn2an is the one parser of
Chinese numerals beyond the common table (no silent switch to another parser)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gsnlp.figures.numbers import parse_number


@pytest.mark.parametrize("raw", ["③", "٣", "²", "३", "Ⅲ"])
def test_other_unicode_digits_are_not_numbers(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_number(raw)


@pytest.mark.parametrize("raw,value", [("1,295", "1295"), ("１２", "12"), ("98.26", "98.26"), ("-185", "-185"),
                                       ("三万五千", "35000"), ("二〇二三", "2023"), ("两千零五", "2005")])
def test_numbers_as_written(raw: str, value: str) -> None:
    assert parse_number(raw) == Decimal(value)
