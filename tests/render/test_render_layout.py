"""The table layouts the renderers share: real reports' merged cells, every address once."""

from __future__ import annotations

import json

import pytest

from gsnlp_corpus import GOLD

from gsnlp.render._layout import grid_addresses, report_from_gold, rendered_truth, table_layout
from gsnlp.tables.template import table_def


@pytest.mark.parametrize("name", ["000_292e5f130bca3acf.txt.json", "平潭综合实验区_2019.txt.json"])
def test_layout_shows_every_address_once(name: str) -> None:
    report = report_from_gold(json.loads((GOLD / "tables" / name).read_text(encoding="utf-8")))
    for tid, table in report.tables.items():
        layout = table_layout(table)
        assert layout is not None
        shown = [a for row in grid_addresses(layout) for a in row if a]
        assert sorted(shown) == sorted(table_def(table.template, tid).addresses())


def test_layout_group_labels_span_their_rows() -> None:
    report = report_from_gold(json.loads((GOLD / "tables" / "000_292e5f130bca3acf.txt.json").read_text("utf-8")))
    layout = table_layout(report.tables["applications"])
    spans = {c.text: (c.rowspan, c.colspan) for row in layout.rows for c in row if c.role in ("group", "results")}
    assert spans == {"三、本年度办理结果": (22, 1), "（三）不予公开": (8, 1), "（四）无法提供": (3, 1),
                     "（五）不予处理": (5, 1), "（六）其他处理": (3, 1)}
    heads = {c.text: (c.rowspan, c.colspan) for row in layout.rows for c in row if c.header}
    assert heads["申请人情况"] == (1, 7) and heads["法人或其他组织"] == (1, 5) and heads["自然人"] == (2, 1)


def test_layout_omits_absent_rows_and_tables() -> None:
    gold = json.loads((GOLD / "tables" / "000_292e5f130bca3acf.txt.json").read_text("utf-8"))
    for addr in list(gold["tables"]["applications"]):
        if addr.startswith("other."):
            gold["tables"]["applications"][addr] = {"kind": "absent", "value": None}
    gold["tables"]["review_litigation"] = {a: {"kind": "absent", "value": None} for a in gold["tables"]["review_litigation"]}
    report = report_from_gold(gold)
    assert table_layout(report.tables["review_litigation"]) is None
    texts = [c.text for row in table_layout(report.tables["applications"]).rows for c in row]
    assert "（六）其他处理" not in texts and "3.其他" not in texts


def test_rendered_truth_states_one_value_for_ambiguous_cells() -> None:
    gold = json.loads((GOLD / "tables" / "平潭综合实验区_2024.txt.json").read_text("utf-8"))
    amb = {(t, a): c for t, cells in gold["tables"].items() for a, c in cells.items() if c["kind"] == "ambiguous"}
    assert amb
    truth = rendered_truth(report_from_gold(gold))
    for (t, a), c in amb.items():
        assert truth[t][a] == {"kind": "number", "value": c["candidates"][0]}
