"""Binding by meaning (issue 14): each class of binding error, written as the template's meaning."""

from __future__ import annotations

import pytest

from gsnlp.figures import extract


def _m(text: str, span: str, nth: int = 0) -> str | None:
    figs = [f for f in extract(text, binding="rules") if f.text.replace(" ", "") == span]
    assert len(figs) > nth, (span, [f.text for f in extract(text, binding="rules")])
    return figs[nth].metric


@pytest.mark.parametrize("text", [
    "2023年共制发政府信息300条，其中主动公开政府信息120条、依申请公开110条、不予公开70条。",
    "2022年制作、获取政府信息总数425条，其中主动公开政府信息148条，依申请公开信息数182条，不予公开信息数95条。",
])
def test_document_attribute_counts_are_not_application_outcomes(text: str) -> None:
    figs = extract(text, binding="rules")
    by = {f.text: f.metric for f in figs}
    active = [f for f in figs if f.metric == "active_disclosure_items"]
    assert len(active) == 1  # the documents disclosed proactively: the active-disclosure total
    assert not any((m or "").startswith("applications") for m in by.values())


def test_outcomes_of_applications_still_bind() -> None:
    text = "本年度共收到政府信息公开申请12件，办结12件，其中予以公开5件，不予公开3件，无法提供4件。"
    assert _m(text, "5件") == "applications/granted/total"
    assert _m(text, "3件") == "applications_denied"
    assert _m(text, "4件") == "applications_unavailable"


def test_a_part_is_not_the_whole() -> None:
    text = "本年度共办结政府信息公开申请10件，其中同意公开答复8件，部分公开答复0件，区分处理后公开2件。"
    assert _m(text, "10件") == "applications/total_processed/total"
    assert _m(text, "0件") == "applications/partially_granted/total"
    assert _m(text, "2件") == "applications/partially_granted/total"


def test_granted_split_further_is_granted_or_partial() -> None:
    text = "本年度办结申请10件，同意公开答复10件（其中部分公开2件）。"
    assert _m(text, "10件", 1) == "applications_granted_or_partial"


def test_category_of_published_information_is_not_issued_documents() -> None:
    text = "全年主动公开政府信息200条，其中政策、规范性文件类信息12件，机构职能类信息30条。"
    assert _m(text, "12件") is None
    assert _m(text, "200条") == "active_disclosure_items"


def test_issued_normative_documents_and_in_force_count() -> None:
    text = "本年度制发行政规范性文件5件，现行有效件数40件。"
    assert _m(text, "5件") == "active_disclosure/normative_documents/issued"
    assert _m(text, "40件") == "active_disclosure/normative_documents/in_force"


def test_cumulative_figures_get_no_table_metric() -> None:
    assert _m("截至目前，历年累计受理政府信息公开申请300件。", "300件") is None
    assert _m("本年度受理政府信息公开申请30件。", "30件") == "applications/new_received/total"


def test_rates_not_computed_from_the_counts() -> None:
    text = "全年受理依申请公开3件，答复准确率100%，群众满意率98%。"
    assert _m(text, "100%") is None and _m(text, "98%") is None
    assert _m("本年度收到申请16件，均已办结，办结率100%。", "100%") == "applications_completion_rate"


def test_number_word_inside_an_expression_is_not_a_count() -> None:
    assert extract("按四个季度开展政务公开检查。") == []
    assert [f.text for f in extract("全年组织4次季度检查。")] == ["4次"]


def test_carried_forward_and_carried_over() -> None:
    text = "共收到政府信息公开申请20件，另有3件因需征求第三方意见，顺延到下年度办理。"
    assert _m(text, "3件") == "applications/carried_forward/total"
    assert _m("结转上年度政府信息公开申请2件。", "2件") == "applications/carried_over/total"
    # a carried-forward phrase that belongs to the next figure does not move the total
    text = "共办理718件，结转下一年31件。"
    assert _m("全年受理申请749件，" + text, "718件") == "applications/total_processed/total"


def test_fee_zero_claims() -> None:
    assert _m("2024年未发生收费。", "未发生") == "info_processing_fee"
    assert _m("本年度没有产生信息公开处理费。", "没有产生") == "info_processing_fee"


def test_outcome_list_after_answered_total_are_its_parts() -> None:
    figs = extract("本年度共答复12件，予以公开5件，不予公开3件，无法提供4件。", binding="rules")
    total = figs[0]
    assert total.metric == "applications/total_processed/total"
    assert [f.parent for f in figs[1:]] == [total.id] * 3


def test_zero_applications_extracted() -> None:
    assert _m("本年度共收到政府信息公开申请0条。", "0条") == "applications/new_received/total"


def test_zero_claim_about_something_an_applicant_sent_is_not_an_application() -> None:
    text = "收到申请1件，已作出补正告知，目前未收到该申请人提交的补正。"
    assert _m(text, "未收到") is None


def test_published_total_of_the_body_versus_a_channel() -> None:
    assert _m("全年累计公开公安政府信息184条。", "184条") == "active_disclosure_items"
    assert _m("今年我局公开356条政务信息。", "356条") == "active_disclosure_items"
    assert _m("通过微信公众号及时公开各类政府信息756条。", "756条") is None


def test_new_media_accounts_closed_or_listed() -> None:
    assert _m("注销5家维护更新不及时的政务新媒体。", "5家") == "new_media_accounts"
    assert _m("关停政府网站1个、政务新媒体2个。", "1个") is None
