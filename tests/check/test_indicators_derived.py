from __future__ import annotations

from decimal import Decimal

from gsnlp.check.indicators import indicators
from gsnlp.check.testing import gold_report, make_report


def test_indicators_of_huaian_2024() -> None:
    ind = {i.id: i for i in indicators(gold_report("淮安市人民政府_2024.pdf"))}
    assert ind["substantive_disclosure_rate"].value == Decimal("0.5954")  # (1362 + 454) / 3050
    assert ind["review_correction_rate"].numerator == 64 and ind["review_correction_rate"].denominator == 314
    assert ind["applications"].value == 3119


def test_indicators_are_left_out_when_the_base_is_zero_or_blank() -> None:
    assert {i.id for i in indicators(make_report())} == {"applications"}
    assert indicators(make_report({"applications/new_received/total": ""})) == []
