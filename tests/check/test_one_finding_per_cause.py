"""RULES.md "one finding per cause": a 表四 block whose total is left at 0 beside parts > 0 is one
finding (t4.total_left_zero), with the block sum it breaks as its detail, not two."""
from __future__ import annotations

from decimal import Decimal

from gsnlp.check import check_report
from gsnlp.check.engine import one_per_cause
from gsnlp.check.testing import make_report


def fails(findings, prefix=""):
    return [f for f in findings if f.status == "fail" and f.rule.startswith(prefix) and f.rule != "completeness.v1"]


def test_total_left_zero_is_one_finding_with_the_block_sum_as_detail() -> None:
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/total": "0"})
    [f] = fails(check_report(rep, rules=["t4"]))
    assert f.rule == "t4.total_left_zero.v1" and f.instance == "block review"
    assert (f.expected, f.observed) == (Decimal(3), Decimal(0))
    [also] = f.details["also_fails"]
    assert also["rule"] == "t4.block_total.v1" and (also["expected"], also["observed"]) == ("3", "0")
    assert "不另报" in f.message


def test_a_total_that_is_not_zero_keeps_its_block_sum_finding() -> None:
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/total": "2"})
    [f] = fails(check_report(rep, rules=["t4"]))
    assert f.rule == "t4.block_total.v1" and "also_fails" not in f.details


def test_the_general_rule_alone_still_reports_the_block() -> None:
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/total": "0"})
    [f] = fails(check_report(rep, rules=["t4.block_total"]))
    assert f.rule == "t4.block_total.v1"


def test_total_left_zero_is_decided_beside_blank_parts() -> None:
    # a stated part of 3 under a stated total of 0: no value of the blank part changes that
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/corrected": "",
                       "review_litigation/review/total": "0"})
    [f] = fails(check_report(rep, rules=["t4"]))
    assert f.rule == "t4.total_left_zero.v1"
    assert f.details["decided_with_unknowns"] == ["review_litigation/review/corrected"]
    assert f.details["also_fails"][0]["rule"] == "t4.block_total.v1"


def test_a_blank_total_is_not_a_total_left_at_zero() -> None:
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/total": ""})
    assert fails(check_report(rep, rules=["t4.total_left_zero"])) == []


def test_one_per_cause_leaves_other_instances_alone() -> None:
    rep = make_report({"review_litigation/review/upheld": "3", "review_litigation/review/total": "0",
                       "review_litigation/litigation_direct/upheld": "2",
                       "review_litigation/litigation_direct/total": "1"})
    out = check_report(rep, rules=["t4"])
    got = {(f.rule, f.instance) for f in fails(out)}
    assert got == {("t4.total_left_zero.v1", "block review"), ("t4.block_total.v1", "block litigation_direct")}
    assert one_per_cause(out) == out  # already folded: idempotent
