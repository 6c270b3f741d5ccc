"""Every injectable contradiction is found by the rule it names (gsnlp.check)."""

from __future__ import annotations

import pytest

from gsnlp.synth import INJECTABLE, synth_report


@pytest.mark.parametrize("rule", INJECTABLE)
def test_synth_injection_found_by_its_rule(rule: str) -> None:
    if rule.startswith("nt."):
        pytest.importorskip("jieba")
    from gsnlp.check import check_report
    from gsnlp.io import read_bytes

    for i in range(5):
        r = synth_report(4, i, inject=[rule])
        rep = read_bytes(r.data, r.doc)
        failed = {f.rule_id for f in check_report(rep) if f.status == "fail"}
        assert r.injected["rule"] in failed, (r.doc, r.injected)


@pytest.mark.parametrize("rule", ["t3.identity", "t3.results_total", "t3.cross_foot", "t4.block_total"])
def test_synth_clean_report_passes_the_table_rules(rule: str) -> None:
    from gsnlp.check import check_report
    from gsnlp.io import read_bytes

    for i in range(5):
        r = synth_report(4, i)
        rep = read_bytes(r.data, r.doc)
        assert not [f for f in check_report(rep, rules=[rule]) if f.status == "fail"], r.doc
