"""The template module: ids exactly those of the project's contract (TEMPLATE.md, copied here by
hand), identities over real addresses, and the solver's constraints built from the identities."""

from __future__ import annotations

import pytest

from gsnlp.tables import runtogether as rt
from gsnlp.tables import template as legacy_tpl
from gsnlp.template import tables as tpl
from gsnlp.template.identities import FAMILIES, identities

APP_2021 = ["new_received", "carried_over", "granted", "partially_granted", "denied.state_secret",
            "denied.prohibited_by_law", "denied.security_stability", "denied.third_party", "denied.internal_affairs",
            "denied.process_info", "denied.enforcement_files", "denied.query_matters", "unavailable.not_held",
            "unavailable.needs_creation", "unavailable.unclear", "not_processed.petition", "not_processed.duplicate",
            "not_processed.publication", "not_processed.excessive", "not_processed.confirmation",
            "other.no_correction", "other.unpaid_fee", "other.other", "total_processed", "carried_forward"]
APP_2019 = APP_2021[:20] + ["other", "total_processed", "carried_forward"]
ACTIVE = {
    "2021": {"regulations": ("issued", "repealed", "in_force"), "normative_documents": ("issued", "repealed", "in_force"),
             "administrative_license": ("decisions",), "administrative_penalty": ("decisions",),
             "administrative_coercion": ("decisions",), "administrative_fees": ("amount",)},
    "2019": {"regulations": ("newly_made", "newly_published", "total_published"),
             "normative_documents": ("newly_made", "newly_published", "total_published"),
             "administrative_license": ("previous_items", "change", "decisions"),
             "other_external_services": ("previous_items", "change", "decisions"),
             "administrative_penalty": ("previous_items", "change", "decisions"),
             "administrative_coercion": ("previous_items", "change", "decisions"),
             "administrative_fees": ("previous_items", "change"), "centralized_procurement": ("items", "amount")},
}
APP_COLS = ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other_org", "total")
REV_COLS = ("upheld", "corrected", "other", "pending", "total")


@pytest.mark.parametrize(("template", "rows"), [("2021", APP_2021), ("2019", APP_2019)])
def test_applications_ids_are_the_contract(template: str, rows: list[str]) -> None:
    t = tpl.table_def(template, "applications")
    assert [r.id for r in t.rows] == rows
    assert all(r.columns == APP_COLS for r in t.rows)


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_active_and_review_ids_are_the_contract(template: str) -> None:
    assert {r.id: r.columns for r in tpl.table_def(template, "active_disclosure").rows} == ACTIVE[template]
    rev = tpl.table_def(template, "review_litigation")
    assert [r.id for r in rev.rows] == ["review", "litigation_direct", "litigation_after_review"]
    assert all(r.columns == REV_COLS for r in rev.rows)


def test_old_import_path_is_the_same_definition() -> None:
    assert legacy_tpl.table_def("2021", "applications") is tpl.table_def("2021", "applications")


def test_label_variants_are_data() -> None:
    app = tpl.table_def("2021", "applications")
    assert "执法案件" in app.row("denied.enforcement_files").variants
    assert "不再受理" in app.row("other.no_correction").variants
    assert "本年废纸件数" in tpl.column_labels("repealed")
    assert {"其他", "其他组织"} <= set(tpl.column_labels("other_org"))
    assert {"处理决定数量", "本年处理决定数量"} <= set(tpl.column_labels("decisions"))
    assert "钩稽关系" in tpl.TABLE_ANCHORS["applications"]
    assert tpl.table_def("2019", "active_disclosure").row("normative_documents").label == "规范性文件"
    assert tpl.table_def("2021", "active_disclosure").row("normative_documents").label == "行政规范性文件"


@pytest.mark.parametrize(("template", "n"), [("2021", 42), ("2019", 40)])
def test_identities_cover_real_addresses(template: str, n: int) -> None:
    ids = identities(template)
    assert len(ids) == n
    known = {f"{t}/{a}" for t, addrs in tpl.addresses(template).items() for a in addrs}
    for i in ids:
        assert set(i.cells) <= known, i
        assert i.family in FAMILIES and i.rule.endswith(".v1") and i.zh
    assert len({(i.rule, i.name) for i in ids}) == n


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_solver_constraints_are_the_identities(template: str) -> None:
    for table in ("applications", "review_litigation"):
        cons = {(c.family, c.lhs, c.rhs) for c in rt._constraints(template, table)}
        cut = len(table) + 1
        want = {(i.family, tuple(a[cut:] for a in i.lhs), tuple(a[cut:] for a in i.rhs))
                for i in identities(template, table)}
        assert cons == want


def test_balance_identity_is_the_templates_note() -> None:
    (total,) = [i for i in identities("2021", "applications") if i.family == "balance" and i.name == "column total"]
    assert total.lhs == ("applications/new_received/total", "applications/carried_over/total")
    assert total.rhs == ("applications/total_processed/total", "applications/carried_forward/total")
    assert total.rule == "t3.identity.v1" and "勾稽关系" in total.zh
