"""A template table row numbered like a section (表三 四、结转下年度继续办理) never starts a section the model places."""
from __future__ import annotations

import pytest

from gsnlp.segment.model import _table_row_end


@pytest.mark.parametrize(("unit", "end"), [
    ("四、结转下年度继续办理 0000000 行政复议行政诉讼结果", len("四、结转下年度继续办理 0000000")),
    ("四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0", len("四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0")),
    ("（六）其他处理\t0\t0", len("（六）其他处理\t0\t0")),
    ("四、结转下年度继续办理0000000行政复议行政诉讼", len("四、结转下年度继续办理0000000")),
    ("一、本年新收政府信息公开申请数量 21 0 0", len("一、本年新收政府信息公开申请数量 21 0 0")),
])
def test_a_table_row_opening_a_unit_is_recognised(unit: str, end: int) -> None:
    assert _table_row_end(unit) == end


@pytest.mark.parametrize("unit", [
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政许可方面共办理123件，均在法定期限内办结。",
    "2023年共受理政府信息公开申请21件。",
    "四、存在的主要问题 1 项",
    "一、本年新收政府信息公开申请数量为21件，同比增长。",
])
def test_narrative_and_headings_are_no_table_rows(unit: str) -> None:
    assert _table_row_end(unit) is None
