"""NT rules with Figure-like objects and with the real extractor on corpus reports."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from gsnlp.check import check_report
from gsnlp.check.testing import gold_report, make_report


def fig(id, start, end, value, metric, unit="件", polarity="positive", parent=None, scope=None, kind="count",
        qualifies=None, period=None, text=None):
    return SimpleNamespace(id=id, start=start, end=end, value=Decimal(value), scaled=Decimal(value), unit=unit,
                           metric=metric, polarity=polarity, parent=parent, scope=scope, kind=kind,
                           qualifies=qualifies, period=period, text=text or f"{value}{unit}", approx=None,
                           section="overview")


TEXT = "2023年，我县共受理政府信息公开申请17件，其中自然人15件、法人或其他组织2件。"
A17 = TEXT.index("17件")


def test_received_matches_table() -> None:
    rep = make_report({"applications/new_received/total": "17", "applications/new_received/natural_person": "17",
                       "applications/total_processed/total": "17", "applications/total_processed/natural_person": "17",
                       "applications/granted/total": "17", "applications/granted/natural_person": "17"}, text=TEXT)
    f = check_report(rep, rules=["nt.applications_received"], figures=[fig("f1", A17, A17 + 3, 17,
                                                                           "applications/new_received/total")])[0]
    assert f.status == "pass" and f.evidence[0].kind == "span" and f.evidence[0].text == "17件"


def test_received_differs_is_an_error_with_span_and_cell() -> None:
    rep = make_report(text=TEXT)
    f = check_report(rep, rules=["nt.applications_received"],
                     figures=[fig("f1", A17, A17 + 3, 17, "applications/new_received/total")])[0]
    assert f.status == "fail" and f.kind == "consistency" and f.severity == "error"
    assert [e.kind for e in f.evidence[:2]] == ["span", "cell"]


def test_scope_difference_is_its_own_kind() -> None:
    rep = make_report({"applications/new_received/total": "95", "applications/new_received/natural_person": "95",
                       "applications/total_processed/total": "95", "applications/total_processed/natural_person": "95",
                       "applications/granted/total": "95", "applications/granted/natural_person": "95"}, text=TEXT)
    f = check_report(rep, rules=["nt.applications_received"],
                     figures=[fig("f1", A17, A17 + 3, 17, "applications/new_received/total", scope="区政府办代表区政府")])[0]
    assert f.status == "fail" and f.kind == "scope" and "口径" in f.message


def test_zero_claim_against_table_with_applications() -> None:
    text = "2023年我镇未收到政府信息公开申请。"
    rep = make_report({"applications/new_received/total": "2", "applications/new_received/natural_person": "2",
                       "applications/total_processed/total": "2", "applications/total_processed/natural_person": "2",
                       "applications/granted/total": "2", "applications/granted/natural_person": "2"}, text=text)
    f = check_report(rep, rules=["nt.zero_claims"], figures=[fig("f1", 7, 10, 0, "applications/new_received/total",
                                                                 unit="", polarity="negated")])
    assert f[0].status == "fail" and f[0].expected == 0 and f[0].observed == 2


def test_breakdown_sum_closed_list() -> None:
    text = "共受理17件，其中自然人14件、法人或其他组织2件。"
    figs = [fig("f1", 3, 6, 17, "applications/new_received/total"),
            fig("f2", 11, 14, 14, "applications/new_received/natural_person", parent="f1"),
            fig("f3", 22, 24, 2, "applications_legal_persons", parent="f1")]
    f = check_report(make_report(text=text), rules=["nt.breakdown_sum"], figures=figs)[0]
    assert f.status == "fail" and (f.expected, f.observed) == (Decimal(17), Decimal(16))


def test_percentage_mismatch() -> None:
    text = "办结81件，其中予以公开42件，占50.85%。"
    figs = [fig("f1", 2, 5, 81, "applications/total_processed/total"),
            fig("f2", 12, 15, 42, "applications/granted/total", parent="f1"),
            fig("f3", 17, 23, Decimal("50.85"), None, unit="%", kind="percent", qualifies="f2", text="50.85%")]
    out = check_report(make_report(text=text), rules=["nt.percentages"], figures=figs)
    assert out[0].status == "fail" and "51.85" in out[0].message


def test_fee_claims_contradiction() -> None:
    text = "本机关未收取信息处理费。共收取信息处理费380元。"
    figs = [fig("f1", 3, 9, 0, "info_processing_fee", unit="", polarity="negated"),
            fig("f2", 19, 23, 380, "info_processing_fee", unit="元", kind="amount")]
    assert check_report(make_report(text=text), rules=["nt.fee_claims"], figures=figs)[0].status == "fail"


def test_missing_extractor_makes_nt_not_assessable() -> None:
    out = check_report(make_report(text=TEXT), rules=["nt.applications_received"], figures=[])
    assert out[0].status == "not_assessable"


# --- with the real extractor -------------------------------------------------------------

pytest.importorskip("jieba")


def test_hongze_2024_scope_finding_from_real_text() -> None:
    out = check_report(gold_report("淮安市洪泽区人民政府_2024.pdf"), rules=["nt.applications_received"])
    f = [x for x in out if x.status == "fail"][0]
    assert f.kind == "scope" and f.observed == 17 and f.expected == 95
    span = [e for e in f.evidence if e.kind == "span"][0]
    assert "17件" in span.text


def test_pingtan_2020_narrative_list_off_by_one() -> None:
    out = check_report(gold_report("平潭综合实验区_2020.txt"), rules=["nt.breakdown_sum"])
    f = [x for x in out if x.status == "fail"][0]
    assert (f.expected, f.observed) == (Decimal(2602), Decimal(2603))


def test_flipped_zero_claim_on_a_report_with_applications() -> None:
    # 平潭 2023 received 81 applications; a narrative saying 未收到 must contradict it
    from dataclasses import replace

    rep = gold_report("平潭综合实验区_2023.txt")
    i = rep.text.index("共计81件")
    a = rep.text.rfind("。", 0, i) + 1
    sentence_end = rep.text.index("。", i)
    text = rep.text[:a] + "2023年，全区未收到政府信息公开申请" + rep.text[sentence_end:]
    shift = len(text) - len(rep.text)
    secs = tuple(replace(s, end=s.end + shift) if s.start <= a < s.end else
                 (replace(s, start=s.start + shift, end=s.end + shift, body_start=s.body_start + shift)
                  if s.start > a else s) for s in rep.sections)
    bad = replace(rep, text=text, sections=secs, tables={k: replace(t, start=None, end=None) for k, t in rep.tables.items()})
    out = check_report(bad, rules=["nt.zero_claims"])
    assert any(f.status == "fail" for f in out)


def test_breakdown_sum_topical_list_is_open() -> None:
    # 其中涉及…: the items on some key topics, not a partition of the total
    text = "公开政府信息3636条，其中涉及财政预算信息9条；保障性住房信息7条；食品安全信息1条。"
    a = text.index("3636条")
    figs = [fig("f1", a, a + 5, 3636, None, unit="条"),
            fig("f2", text.index("9条"), text.index("9条") + 2, 9, None, unit="条", parent="f1"),
            fig("f3", text.index("7条"), text.index("7条") + 2, 7, None, unit="条", parent="f1"),
            fig("f4", text.index("1条"), text.index("1条") + 2, 1, None, unit="条", parent="f1")]
    f = check_report(make_report(text=text), rules=["nt.breakdown_sum"], figures=figs)[0]
    assert f.status == "pass"
    # without 涉及 the same list claims to be the whole
    text2 = text.replace("其中涉及", "其中有关")
    f = check_report(make_report(text=text2), rules=["nt.breakdown_sum"], figures=figs)[0]
    assert f.status == "fail"


def test_share_of_the_listed_parts_is_left_to_breakdown_sum() -> None:
    text = "主动公开2026条。县直2475条，占62.2%。乡镇1503条，占37.8%。"

    def pos(s: str) -> tuple[int, int]:
        return text.index(s), text.index(s) + len(s)

    figs = [fig("f1", *pos("2026条"), 2026, None, unit="条"),
            fig("f2", *pos("2475条"), 2475, None, unit="条", parent="f1"),
            fig("f3", *pos("62.2%"), Decimal("62.2"), None, unit="%", kind="percent", qualifies="f2", text="62.2%"),
            fig("f4", *pos("1503条"), 1503, None, unit="条", parent="f1"),
            fig("f5", *pos("37.8%"), Decimal("37.8"), None, unit="%", kind="percent", qualifies="f4", text="37.8%")]
    rep = make_report(text=text)
    out = check_report(rep, rules=["nt.percentages"], figures=figs)
    assert [f.status for f in out] == ["not_assessable", "not_assessable"]
    assert check_report(rep, rules=["nt.breakdown_sum"], figures=figs)[0].status == "fail"
