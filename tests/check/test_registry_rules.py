from __future__ import annotations

import pytest

from gsnlp.check import all_rules, get_rule, rule
from gsnlp.errors import UnknownNameError

RULES_MD_IDS = {
    "t3.identity", "t3.results_total", "t3.cross_foot", "t3.domain", "t3.bounds", "t3.labels",
    "t4.block_total", "t4.total_left_zero", "t2.domain", "t2.regulation_power", "t2.template_version",
    "nt.applications_received", "nt.applications_carried", "nt.applications_processed", "nt.applicant_breakdown",
    "nt.outcome_breakdown", "nt.percentages", "nt.review_litigation", "nt.zero_claims", "nt.active_disclosure",
    "nt.breakdown_sum", "nt.ratio", "nt.fee_claims", "nt.period",
    "st.sections", "st.problems_substantive", "st.fee_statement", "st.metadata", "st.deadline",
    "cy.carry_over", "cy.stock_flow", "cy.anomaly", "cy.copied_text",
}


def test_every_rule_of_rules_md_is_registered_with_a_version() -> None:
    names = {r.name for r in all_rules()}
    assert {n.rsplit(".", 1)[0] for n in names} == RULES_MD_IDS
    assert all(n.rsplit(".", 1)[1].startswith("v") for n in names)


def test_get_rule_by_bare_id_gives_latest_version() -> None:
    assert get_rule("t3.identity").name == "t3.identity.v1"


def test_unknown_rule_lists_known_ones() -> None:
    with pytest.raises(UnknownNameError) as e:
        get_rule("t9.nothing")
    assert "t3.identity.v1" in str(e.value)
    with pytest.raises(KeyError):
        all_rules(select=["nope"])


def test_rule_needs_version_suffix() -> None:
    with pytest.raises(ValueError):
        rule("x.unversioned", severity="error", title="")


def test_select_by_family() -> None:
    assert {r.family for r in all_rules(select=["t4"])} == {"t4"}
