from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from gsnlp.check import check_report, check_reports, check_years
from gsnlp.check.testing import gold_report, make_report, with_cells
from gsnlp.doc import Meta


def test_fee_statement_missing_in_2023_report() -> None:
    out = check_report(gold_report("002_35a7a0986a780ec4.txt"), rules=["st.fee_statement"])
    assert out[0].status == "fail" and out[0].evidence


def test_fee_statement_not_required_before_2021() -> None:
    out = check_report(gold_report("平潭综合实验区_2020.txt"), rules=["st.fee_statement"])
    assert out[0].status == "not_assessable"


def test_sections_complete_in_seed() -> None:
    out = check_report(gold_report("000_292e5f130bca3acf.txt"), rules=["st.sections", "st.problems_substantive"])
    assert all(f.status == "pass" for f in out)


def test_deadline_department_and_government() -> None:
    late = make_report(meta=Meta(agency="某县财政局", year=2023, published="2024-02-10"))
    ok = make_report(meta=Meta(agency="某县人民政府", year=2023, published="2024-02-10"))
    assert check_report(late, rules=["st.deadline"])[0].status == "fail"
    assert check_report(ok, rules=["st.deadline"])[0].status == "pass"


def _year(rep, year, doc):
    return replace(rep, meta=replace(rep.meta, year=year), source=replace(rep.source, path=doc))


def test_carry_over_across_years_with_evidence_in_both_reports() -> None:
    y1 = _year(make_report({"applications/carried_forward/total": "4", "applications/carried_forward/natural_person": "4",
                            "applications/new_received/total": "4", "applications/new_received/natural_person": "4"}),
               2022, "a_2022.txt")
    y2 = _year(make_report({"applications/carried_over/total": "3", "applications/carried_over/natural_person": "3",
                            "applications/total_processed/total": "3", "applications/total_processed/natural_person": "3",
                            "applications/granted/total": "3", "applications/granted/natural_person": "3"}),
               2023, "a_2023.txt")
    out = check_years([y1, y2], rules=["cy.carry_over"])
    f = [x for x in out if x.instance.startswith("column total")][0]
    assert f.status == "fail" and f.doc == "a_2023.txt" and (f.expected, f.observed) == (Decimal(4), Decimal(3))
    assert {e.doc for e in f.evidence} == {None, "a_2022.txt"}


def test_years_are_grouped_by_agency() -> None:
    a = _year(make_report(), 2022, "a.txt")
    b = replace(_year(make_report(), 2023, "b.txt"), meta=Meta(agency="另一个县人民政府", year=2023))
    assert check_years([a, b]) == []


def test_stock_flow_and_anomaly() -> None:
    y1 = _year(make_report({"active_disclosure/normative_documents/in_force": "10",
                            "active_disclosure/administrative_license/decisions": "100"}), 2022, "a_2022.txt")
    y2 = _year(make_report({"active_disclosure/normative_documents/issued": "2",
                            "active_disclosure/normative_documents/in_force": "20",
                            "active_disclosure/administrative_license/decisions": "900"}), 2023, "a_2023.txt")
    out = check_years([y1, y2], rules=["cy.stock_flow", "cy.anomaly"])
    sf = [f for f in out if f.rule == "cy.stock_flow.v1" and f.instance.startswith("normative")][0]
    assert sf.status == "fail" and sf.severity == "warning" and sf.expected == Decimal(12)
    an = [f for f in out if f.rule == "cy.anomaly.v1" and "license" in f.instance][0]
    assert an.status == "fail"


def test_pingtan_years_carry_over_hold() -> None:
    docs = [f"平潭综合实验区_{y}.txt" for y in (2021, 2022, 2023)]
    res = check_reports([gold_report(d) for d in docs], rules=["cy.carry_over"])
    assert all(f.status == "pass" for fs in res.values() for f in fs)


def test_cell_change_breaks_carry_over() -> None:
    a = gold_report("平潭综合实验区_2021.txt")
    b = with_cells(gold_report("平潭综合实验区_2022.txt"), {"applications/carried_over/total": "5"})
    res = check_reports([a, b], rules=["cy.carry_over"])
    assert any(f.status == "fail" for f in res["平潭综合实验区_2022.txt"])


def test_stock_flow_fails_under_every_split_of_run_together_rows() -> None:
    # 平潭 2024 (77132470 in 2023, 6233440 in 2024): no split of either row carries the stock over
    res = check_reports([gold_report("平潭综合实验区_2023.txt"), gold_report("平潭综合实验区_2024.txt")],
                        rules=["cy.stock_flow"])
    f = [x for x in res["平潭综合实验区_2024.txt"] if x.instance.startswith("normative_documents")][0]
    assert f.status == "fail" and f.details["hold"] == 0 and f.details["readings"] > 1
