"""Parts of a total linked by what the words mean, not by whether the numbers add up: an unmarked
classification that opens with its total, a restated total, and the total a 其中 list belongs to
(not a listed part with a clause of its own, not what is left over)."""
from __future__ import annotations

from pathlib import Path

import pytest

from gsnlp.figures.extractor import Figure, extract

ROOT = Path(__file__).resolve().parents[2]


def parents(text: str) -> dict[str, str | None]:
    """figure text -> its parent's text (figure texts are unique in these snippets)."""
    figs = extract(text)
    by_id = {f.id: f for f in figs}
    return {f.text: (by_id[f.parent].text if f.parent else None) for f in figs}


@pytest.mark.parametrize("first", ["1条", "2条", "9条"])  # 1 adds up (356); 2 and 9 do not
def test_classification_opened_by_its_total_is_linked_whatever_the_sum(first: str) -> None:
    text = (f"今年我局公开356条政务信息，行政许可类信息{first}，重大建设项目类信息345条，"
            "其他应主动公开的政府信息10条。")
    p = parents(text)
    assert p[first] == p["345条"] == p["10条"] == "356条"


def test_classification_may_close_with_the_rest_in_the_next_sentence() -> None:
    text = "2023年，主动公开政府信息312条，重大建设项目类信息281条，规范性文件类信息5条，行政许可类信息3条。其他应主动公开的政府信息24条。"
    p = parents(text)
    assert [p[k] for k in ("281条", "5条", "3条", "24条")] == ["312条"] * 4


def test_the_first_kind_listed_is_no_total_of_the_others() -> None:
    text = "2020年共发布生态环境保护类信息40条，征地信息类121条，土地出让类信息39条。"
    p = parents(text)
    assert p["121条"] is None and p["39条"] is None


def test_a_count_with_a_verb_of_its_own_is_no_category_part() -> None:
    text = "主动公开政府信息120条，行政许可类信息30条，发布政策解读类信息50条。"
    assert parents(text)["50条"] is None


def test_restated_total_is_not_a_part_and_attribute_counts_are_siblings() -> None:
    # 主动公开 48 and 依申请公开 0 are documents by disclosure attribute, side by side; the second
    # 48 restates the first to split it
    text = ("2022年，我局通过门户网站主动公开政府信息48条，依申请公开信息数0条。"
            "在主动公开的48条政府信息中，政策、规范性文件类信息3条，其他类信息45条。")
    figs = extract(text)
    by_text = {(f.text, f.start): f for f in figs}
    first, zero = figs[0], figs[1]
    restated = next(f for (t, s), f in by_text.items() if t == "48条" and s != first.start)
    assert zero.text == "0条" and zero.parent is None
    assert restated.parent is None
    assert [f.parent for f in figs if f.text in ("3条", "45条")] == [restated.id, restated.id]


def test_a_listed_part_with_a_clause_of_its_own_does_not_head_the_next_list() -> None:
    text = ("本年度共收到政府信息公开申请58件，其中网络申请40件、信函申请18件，均已按时答复。"
            "其中予以公开30件、部分公开10件、不予公开8件。")
    figs = extract(text)
    total = figs[0]
    assert total.text == "58件"
    assert all(f.parent == total.id for f in figs[1:]), [(f.text, f.parent) for f in figs]


def test_a_marker_right_after_a_part_still_opens_its_sub_list() -> None:
    p = parents("共收到申请58件，其中网络申请40件、信函申请18件，其中2件为挂号信。")
    assert p["18件"] == "58件" and p["2件"] == "18件"


def test_outcomes_are_parts_of_the_processed_total_not_of_what_is_carried_forward() -> None:
    text = "2023年共收到政府信息公开申请58件，办结55件，结转下年度3件。其中予以公开30件、部分公开10件、不予公开15件。"
    figs = extract(text)
    by_text = {f.text: f for f in figs}
    assert {by_text[k].parent for k in ("30件", "10件", "15件")} == {by_text["55件"].id}


def test_a_carried_forward_count_keeps_a_list_that_follows_it_directly() -> None:
    p = parents("收到申请60件，办结55件，结转下年度5件，其中3件已于次年1月办结。")
    assert p["3件"] == "5件"


def test_real_report_classification_is_linked() -> None:
    import gsnlp
    from gsnlp.figures import extract_report

    rep = gsnlp.read(ROOT / "corpora" / "reports" / "real" / "平潭综合实验区行政审批局_2020.txt")
    figs: list[Figure] = extract_report(rep)
    total = next(f for f in figs if f.text == "356条")
    kids = sorted(f.text for f in figs if f.parent == total.id)
    assert kids == sorted(["1条", "345条", "10条"])


def test_a_bracket_after_two_totals_splits_each_by_its_unit() -> None:
    p = parents("入驻审批事项130大项、259小项（行政审批73大项、154小项，公共服务57大项、105小项），明确了权限。")
    assert p["73大项"] == p["57大项"] == "130大项"
    assert p["154小项"] == p["105小项"] == "259小项"


def test_a_bracketed_han_part_may_count_documents_in_another_measure_word() -> None:
    p = parents("2022年共发布信息2479条（含行政规范性文件34件），办结政府信息依申请公开16件。")
    assert p["34件"] == "2479条" and p["16件"] is None


def test_a_marker_waits_for_the_next_figure_of_its_totals_unit() -> None:
    p = parents("全县收取信息处理费共计380元，其中民政局1件，收取200元。")
    assert p["200元"] == "380元" and p["1件"] is None


def test_a_waiting_marker_does_not_mix_measure_words() -> None:
    p = parents("发布环境信息131条，并解答群众问题，其中热线电话11通，网络诉求3件，创新了公开形式。")
    assert p["3件"] is None and p["11通"] is None


@pytest.mark.parametrize("lead", ["本年新收", "全年新收", "2023年新收"])
def test_the_templates_own_word_for_new_applications_binds_new_received(lead: str) -> None:
    [f] = extract(f"{lead}政府信息公开申请58件。")
    assert f.metric == "applications/new_received/total"


def test_outcomes_after_a_sentence_naming_the_processed_applications_are_their_parts() -> None:
    text = ("全年新收政府信息公开申请58件，上年结转2件，已办结57件，结转下年度3件。"
            "办结的申请中，予以公开30件、部分公开10件、不予公开17件。")
    figs = extract(text)
    by_text = {f.text: f for f in figs}
    assert {by_text[k].parent for k in ("30件", "10件", "17件")} == {by_text["57件"].id}
    assert by_text["57件"].metric == "applications/total_processed/total"



@pytest.mark.parametrize("text", ["全年共受理政府信息公开申请17件，自然人、法人或其他组织申请分别为15件、2件。",
                                  "全年共受理政府信息公开申请17件，其中自然人和法人或其他组织分别有15件和2件。"])
def test_respective_lists_pair_each_number_with_its_own_name(text: str) -> None:
    by_text = {f.text: f for f in extract(text)}
    assert by_text["15件"].metric == "applications/new_received/natural_person"
    assert by_text["2件"].metric == "applications_legal_persons"
    assert by_text["15件"].parent == by_text["2件"].parent == by_text["17件"].id


def test_respective_outcomes_pair_in_order() -> None:
    figs = extract("办结申请17件，予以公开、部分公开、不予公开分别为10件、3件、4件。")
    assert [f.metric for f in figs[1:]] == ["applications/granted/total", "applications/partially_granted/total",
                                           "applications_denied"]


def test_a_respective_list_that_does_not_pair_is_left_alone() -> None:
    # three names, two numbers: no pairing is made up
    figs = extract("自然人、商业企业、科研机构分别为15件、2件。")
    assert [f.subject for f in figs] != ["自然人", "商业企业"]
    paired = extract("自然人、商业企业分别为15件、2件。")
    assert [f.subject for f in paired] == ["自然人", "商业企业"]


def test_litigation_cases_after_a_review_list_are_not_its_parts() -> None:
    figs = extract("全年共发生政府信息公开行政复议案件2件，其中维持1件，纠错1件；行政诉讼案件1件，维持1件。")
    assert [f.parent for f in figs] == [None, "f1", "f1", None, None]


def test_a_change_from_last_year_is_no_total() -> None:
    p = parents("全年主动公开政府信息1356条，较上年增加200条，其中政策文件56条、工作动态1300条。")
    assert p["56条"] == p["1300条"] == "1356条"
