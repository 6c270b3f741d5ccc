"""nt.breakdown_sum on open and closed lists, read by what the words mean: a few items singled
out with a comment each, or the main items (主要有…), may fall short of their total; a list that
ends with the rest (其他…) is closed whatever its wording; a list is checked against the total it
belongs to."""
from __future__ import annotations

from pathlib import Path

import pytest

from gsnlp.check import check_report
from gsnlp.check.testing import make_report
from gsnlp.figures.extractor import extract

ROOT = Path(__file__).resolve().parents[2]


def breakdown(text: str) -> list:
    rep = make_report(text=text)
    return [f for f in check_report(rep, rules=["nt.breakdown_sum"], figures=extract(text))
            if f.instance != "report"]


HIGHLIGHTED = "2025年，主动公开政府信息251条。其中，项目审批信息191条，持续保持高频更新；行政规范性文件3条，有效保障了公众的知情权。"
PLAIN = "2025年，主动公开政府信息251条。其中，项目审批信息191条；行政规范性文件3条。"


def test_items_each_with_a_comment_are_an_open_list() -> None:
    [f] = breakdown(HIGHLIGHTED)
    assert f.status == "pass" and f.details["highlighted"] and f.details["open"]


def test_the_same_items_without_comments_are_a_closed_list() -> None:
    [f] = breakdown(PLAIN)
    assert f.status == "fail" and f.expected == 251 and f.observed == 194


def test_highlighted_items_above_their_total_still_fail() -> None:
    [f] = breakdown(HIGHLIGHTED.replace("191条", "291条"))
    assert f.status == "fail" and f.observed == 294


@pytest.mark.parametrize("lead", ["主要有", "主要包括", "重点公开了"])
def test_main_items_are_an_open_list(lead: str) -> None:
    text = f"全年主动公开政府信息300条，{lead}：机构职能类信息40条，规划计划类信息20条，财政预决算类信息30条。"
    [f] = breakdown(text)
    assert f.status == "pass" and f.details["main_items"]
    [g] = breakdown(text.replace("40条", "290条"))
    assert g.status == "fail"


def test_a_list_ending_with_the_rest_is_closed_even_if_introduced_as_main_items() -> None:
    text = "全年主动公开政府信息300条，主要有：机构职能类信息40条，规划计划类信息20条，其他应主动公开的信息230条。"
    [f] = breakdown(text)
    assert f.status == "fail" and f.observed == 290 and not f.details["open"]


def test_outcomes_after_what_is_carried_forward_are_checked_against_the_processed_total() -> None:
    text = "2023年共收到政府信息公开申请58件，办结55件，结转下年度3件。其中予以公开30件、部分公开10件、不予公开15件。"
    fs = breakdown(text)
    assert all(f.status != "fail" for f in fs), [f.message for f in fs]


def test_real_report_highlighted_list_is_no_contradiction() -> None:
    import gsnlp

    rep = gsnlp.read(ROOT / "corpora" / "reports" / "real" / "平潭综合实验区行政审批局_2025.txt")
    fails = [f for f in check_report(rep, rules=["nt.breakdown_sum"]) if f.status == "fail"]
    assert fails == []


def test_real_report_classification_with_a_raised_part_fails() -> None:
    import gsnlp

    path = ROOT / "corpora" / "reports" / "real" / "平潭综合实验区行政审批局_2023.txt"
    text = path.read_text(encoding="utf-8")
    assert "重大建设项目类信息280条" in text
    rep = gsnlp.read_bytes(text.replace("重大建设项目类信息280条", "重大建设项目类信息282条").encode("utf-8"), path.name)
    fails = [f for f in check_report(rep, rules=["nt.breakdown_sum"]) if f.status == "fail"]
    assert len(fails) == 1 and fails[0].expected == 312 and fails[0].observed == 314


def test_unmarked_kinds_without_the_rest_may_fall_short() -> None:
    [f] = breakdown("今年我局公开356条政务信息，行政许可类信息1条，重大建设项目类信息300条。")
    assert f.status == "pass" and f.details["unmarked"] and f.observed == 301


def test_unmarked_kinds_closed_by_the_rest_must_add_up() -> None:
    [f] = breakdown("今年我局公开356条政务信息，行政许可类信息1条，重大建设项目类信息300条，其他应主动公开的政府信息10条。")
    assert f.status == "fail" and (f.expected, f.observed) == (356, 311)


def test_unmarked_kinds_above_their_total_fail() -> None:
    [f] = breakdown("今年我局公开356条政务信息，行政许可类信息100条，重大建设项目类信息300条。")
    assert f.status == "fail" and f.observed == 400


@pytest.mark.parametrize("text", ["全年主动公开政府信息1200条，其中通过门户网站公开1000条，通过政务微信发布800条。",
                                  "全年主动公开政府信息1200条，其中门户网站1000条，政务微信800条，政务微博300条。"])
def test_counts_by_channel_may_overlap_and_are_not_parts(text: str) -> None:
    [f] = breakdown(text)
    assert f.status == "not_assessable" and f.severity == "info" and f.details["by_channel"]


def test_counts_by_channel_that_add_up_pass() -> None:
    [f] = breakdown("全年主动公开政府信息1200条，其中在政府门户网站公开1000条、通过微信公众号发布200条。")
    assert f.status == "pass"


def test_accounts_by_channel_are_a_partition() -> None:
    [f] = breakdown("我区各部门共开设新媒体数量70个。其中微博31个，共发布信息1992条；微信公众号41个，共发布信息3404条。")
    assert f.status == "fail" and (f.expected, f.observed) == (70, 72)


COORD = "办理人大代表建议45件、政协提案62件，其中主办28件、协办{}件{}。"


@pytest.mark.parametrize(("other", "tail", "status"), [
    ("79", "", "pass"),              # 28 + 79 = 45 + 62: the list splits both totals
    ("90", "", "fail"),              # 118: above either reading
    ("20", "", "fail"),              # 48: a closed list equal to neither
    ("50", "等", "not_assessable"),  # 78, open: above 62 but not above 107, undecided
])
def test_a_list_after_two_coordinated_totals(other: str, tail: str, status: str) -> None:
    [f] = breakdown(COORD.format(other, tail))
    assert f.status == status
