"""T3, T4, T2 on reports made from cell values and on corpus reports with gold tables."""
from __future__ import annotations

from decimal import Decimal

import pytest

from gsnlp.check import check_report
from gsnlp.check.testing import gold_docs, gold_report, make_report, with_cells


def fails(findings, rule=None):
    return [f for f in findings if f.status == "fail" and (rule is None or f.rule.startswith(rule))]


def by(findings, rule, instance=None):
    return [f for f in findings if f.rule.startswith(rule) and (instance is None or f.instance == instance)]


def test_all_zero_report_passes_every_table_rule() -> None:
    out = check_report(make_report(), rules=["t3", "t4", "t2"])
    assert not fails(out)
    assert {f.status for f in out} == {"pass"}


def test_identity_fails_with_expected_and_observed_and_cells() -> None:
    rep = make_report({"applications/new_received/total": "5", "applications/new_received/natural_person": "5"})
    f = by(check_report(rep, rules=["t3.identity"]), "t3.identity", "column total")[0]
    assert f.status == "fail" and f.severity == "error" and f.origin == "source"
    assert (f.expected, f.observed) == (Decimal(5), Decimal(0))
    assert "applications/new_received/total" in f.cells()
    assert "勾稽关系" in f.message


def test_results_total_and_cross_foot() -> None:
    rep = make_report({"applications/granted/total": "2", "applications/total_processed/total": "1"})
    out = check_report(rep, rules=["t3.results_total", "t3.cross_foot"])
    assert by(out, "t3.results_total", "column total")[0].status == "fail"
    assert by(out, "t3.cross_foot", "row granted")[0].status == "fail"
    assert by(out, "t3.cross_foot", "row new_received")[0].status == "pass"


def test_domain_and_bounds() -> None:
    rep = make_report({"applications/granted/commercial": "-1", "applications/carried_forward/natural_person": "3"})
    out = check_report(rep, rules=["t3.domain", "t3.bounds"])
    assert by(out, "t3.domain", "cell granted/commercial")[0].status == "fail"
    assert by(out, "t3.bounds", "carried_forward natural_person")[0].status == "fail"


@pytest.mark.parametrize("raw,kind", [("", "blank"), ("/", "not_applicable"), ("减4", "text"), (None, "absent")])
def test_non_number_cell_makes_rule_not_assessable_with_completeness_finding(raw, kind) -> None:
    rep = make_report({"applications/carried_over/total": raw})
    out = check_report(rep, rules=["t3.identity"])
    f = by(out, "t3.identity", "column total")[0]
    assert f.status == "not_assessable" and f.origin is None
    comp = [g for g in out if g.rule == "completeness.v1"]
    assert len(comp) == 1 and comp[0].cells() == ["applications/carried_over/total"]
    assert comp[0].evidence[0].cell_kind == kind
    assert "t3.identity.v1" in comp[0].details["rules"]


def test_blank_as_zero_is_explicit_and_said() -> None:
    rep = make_report({"applications/carried_over/total": ""})
    strict = by(check_report(rep, rules=["t3.identity"]), "t3.identity", "column total")[0]
    lenient = by(check_report(rep, rules=["t3.identity"], blank_as_zero=True), "t3.identity", "column total")[0]
    assert strict.status == "not_assessable"
    assert lenient.status == "pass" and lenient.lenient and "宽松模式" in lenient.message


def test_blank_as_zero_never_reads_text_or_not_applicable() -> None:
    rep = make_report({"applications/carried_over/total": "/"})
    f = by(check_report(rep, rules=["t3.identity"], blank_as_zero=True), "t3.identity", "column total")[0]
    assert f.status == "not_assessable"


def test_ambiguous_cell_is_not_assessable_and_suspects_extraction() -> None:
    rep = make_report({"applications/new_received/total": "?1|10"})
    f = by(check_report(rep, rules=["t3.identity"]), "t3.identity", "column total")[0]
    assert f.status == "not_assessable" and f.origin == "extraction"


def test_two_adjacent_one_digit_cells_that_would_add_up_suspect_extraction() -> None:
    # the row total says 12; the reader split "12" of natural_person into "1" and "2"
    rep = make_report({"applications/new_received/natural_person": "1", "applications/new_received/commercial": "2",
                       "applications/new_received/total": "12"})
    f = by(check_report(rep, rules=["t3.cross_foot"]), "t3.cross_foot", "row new_received")[0]
    assert f.status == "fail" and f.origin == "extraction"
    assert "12" in f.message


def test_numbers_are_never_rewritten() -> None:
    rep = gold_report("平潭综合实验区_2020.txt")
    before = {t: dict(tb.cells) for t, tb in rep.tables.items()}
    check_report(rep, rules=["t3", "t4", "t2"])
    assert {t: dict(tb.cells) for t, tb in rep.tables.items()} == before


def test_pingtan_2020_result_rows_do_not_add_up_in_the_source() -> None:
    out = check_report(gold_report("平潭综合实验区_2020.txt"), rules=["t3.results_total"])
    f = by(out, "t3.results_total", "column total")[0]
    assert f.status == "fail" and (f.expected, f.observed) == (Decimal(27), Decimal(21)) and f.origin == "source"


def test_hongze_2023_review_total_left_zero() -> None:
    out = check_report(gold_report("淮安市洪泽区人民政府_2023.pdf"), rules=["t4"])
    left = fails(out, "t4.total_left_zero")
    assert {f.instance for f in left} == {"block review", "block litigation_after_review"}
    # one finding per cause: the broken block sum is a detail of the total left at 0, not a second finding
    assert fails(out, "t4.block_total") == []
    assert all(f.details["also_fails"][0]["rule"] == "t4.block_total.v1" for f in left)
    assert {(f.instance, f.expected, f.observed) for f in left} == {("block review", Decimal(11), Decimal(0)),
                                                                  ("block litigation_after_review", Decimal(5), Decimal(0))}


def test_template_version_and_regulation_power() -> None:
    assert fails(check_report(gold_report("003_898f5e2484ea1ed0.txt"), rules=["t2.template_version"]))
    f = fails(check_report(gold_report("004_3f5f08638fb4a4d2.txt"), rules=["t2.regulation_power"]))
    assert f and f[0].severity == "warning"


def test_regulations_of_a_city_government_pass() -> None:
    assert not fails(check_report(gold_report("淮安市人民政府_2024.pdf"), rules=["t2.regulation_power"]))


def test_injected_cell_change_is_caught_on_every_gold_report() -> None:
    for doc in gold_docs():
        rep = gold_report(doc)
        t = rep.tables["applications"]
        c = t.cells.get("new_received/natural_person")
        if c is None or c.kind != "number":
            continue
        bad = with_cells(rep, {"applications/new_received/natural_person": str(c.value + 7)})
        assert fails(check_report(bad, rules=["t3.cross_foot"]), "t3.cross_foot"), doc


def test_blank_as_zero_records_every_blank_it_read() -> None:
    rep = make_report({"applications/carried_over/total": ""})
    out = check_report(rep, rules=["t3.identity"], blank_as_zero=True)
    rec = [f for f in out if f.rule == "completeness.v1" and f.lenient]
    assert len(rec) == 1 and rec[0].cells() == ["applications/carried_over/total"] and rec[0].severity == "info"
