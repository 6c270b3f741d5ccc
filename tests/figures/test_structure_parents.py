"""其中 parts point to their total; 另外/此外 items do not; 含 inside brackets; percentages
qualify the count before them."""

from __future__ import annotations

from gsnlp.figures import extract
from tests.conftest import corpus_file

S000 = ("截至目前，在长子县人民政府门户网站主动公开发布信息423条。其中，规划计划12条，社会救助90条，应急管理112条，"
        "回应关切37条，监督保障41条，基本医疗卫生92条，财政资金22条，农田水利工程15条。另外，村级三务公开459条。")


def _by_text(figs):
    return {f.text: f for f in figs}


def test_parts_after_qizhong_point_to_total() -> None:
    assert S000 in corpus_file("000_292e5f130bca3acf.txt").read_text(encoding="utf-8")
    figs = extract(S000)
    t = _by_text(figs)
    total = t["423条"]
    parts = [f for f in figs if f.parent == total.id]
    assert [p.text for p in parts] == ["12条", "90条", "112条", "37条", "41条", "92条", "22条", "15条"]
    # the report's own breakdown is 2 short of its total (421 vs 423): nt.breakdown_sum's business
    assert sum(p.value for p in parts) == total.value - 2
    assert t["规划计划12条".replace("规划计划", "")].subject == "规划计划"


def test_aside_after_linwai_is_not_a_part() -> None:
    assert _by_text(extract(S000))["459条"].parent is None


def test_bracket_han_and_nested_parts() -> None:
    s = ("全年，通过区政府网站发布各类主动公开信息1750条，其中概况类信息368条、政务动态信息469条、信息公开目录信息873条"
         "（含涉及区政府教育、乡村振兴、安全生产、食品安全等重大民生领域信息191条、预算决算126条、政府文件30条，其他发布526条）。")
    assert s in corpus_file("002_35a7a0986a780ec4.txt").read_text(encoding="utf-8")
    t = _by_text(extract(s))
    assert t["368条"].parent == t["1750条"].id
    assert t["873条"].parent == t["1750条"].id
    assert {t[x].parent for x in ("191条", "126条", "30条", "526条")} == {t["873条"].id}


def test_percent_qualifies_count_and_review_is_not_a_part() -> None:
    s = ("办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%；不予公开5件，占6.17%；无法提供31件，占38.27%；"
         "不予处理1件，占1.23%；其他处理2件，占2.47%；因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。")
    assert s in corpus_file("平潭综合实验区_2023.txt").read_text(encoding="utf-8")
    figs = extract(s)
    t = _by_text(figs)
    assert t["42件"].parent == t["81件"].id
    assert t["51.85%"].qualifies == t["42件"].id and t["51.85%"].parent is None
    assert t["51.85%"].subject == "予以公开及部分公开"
    assert t["7件"].parent is None


def test_list_items_keep_order() -> None:
    s = "一是做好规范性文件公开。二是做好各类规划公开。设立专栏，本年度公开信息77条。三是做好惠企纾困政策公开。发布政策文件20件"
    figs = extract(s)
    assert [(f.text, f.item) for f in figs] == [("77条", 2), ("20件", 3)]


def test_unmarked_breakdown_linked_by_exact_sum() -> None:
    s = "收到群众诉求348件，现场解决162件，跟进解决186件，办结率100%。"
    assert s in corpus_file("平潭综合实验区_2020.txt").read_text(encoding="utf-8")
    t = _by_text(extract(s))
    assert t["162件"].parent == t["348件"].id and t["186件"].parent == t["348件"].id


def test_outcomes_with_their_own_verb_are_not_parts() -> None:
    s = "本年度全区共收到70件申请，及时依法依规办结69件，1件结转下年度继续办理。"
    assert s in corpus_file("平潭综合实验区_2021.txt").read_text(encoding="utf-8")
    t = _by_text(extract(s))
    assert t["69件"].parent is None and t["1件"].parent is None
    assert t["69件"].metric == "applications/total_processed/total"
    assert t["1件"].metric == "applications/carried_forward/total"


def test_categories_in_next_sentence_sum_to_total() -> None:
    text = corpus_file("平潭综合实验区_2017.txt").read_text(encoding="utf-8")
    a = text.index("2017年全区主动公开政府信息2122条")
    b = text.index("（三）主动公开政府信息的主要形式")
    figs = extract(text[a:b])
    total = _by_text(figs)["2122条"]
    parts = [f for f in figs if f.parent == total.id]
    assert sum(p.value for p in parts) == 2 * total.value  # 机关/乡镇 split and the 16 categories


def test_parts_with_shares_link_even_when_a_count_is_mistyped() -> None:
    s = ("2015年主动公开政府信息2949条。其中，区管委会及区直各部门主动公开政府信息2275条，占77%。"
         "各乡镇主动公开政府信息674条，占23%，政府信息公开量较大的部门是区环境与国土资源局。")
    assert s[:60] in corpus_file("平潭综合实验区_2015.txt").read_text(encoding="utf-8")
    t = _by_text(extract(s))
    assert t["674条"].parent == t["2949条"].id  # 2275 + 674 = 2949
    # a part 2 too large: the shares (77% + 23% = 100%) still say whose parts they are
    t = _by_text(extract(s.replace("2275条", "2277条")))
    assert t["2277条"].parent == t["2949条"].id and t["674条"].parent == t["2949条"].id


def test_sentence_naming_the_total_by_its_verb() -> None:
    s = ("2012年制作、获取政府信息总数3978条，其中主动公开政府信息2026条，作为依申请公开信息数46条，不予公开信息数1854条。"
         "主动公开的政府信息，县直各单位主动公开政府信息2475条，占62.2%。各乡镇主动公开政府信息1503条，占37.8%。")
    assert s in corpus_file("平潭县人民政府_2012.txt").read_text(encoding="utf-8")
    t = _by_text(extract(s))
    # 2475 + 1503 = 3978, but the sentence says they split the 主动公开 information (2026)
    assert t["2475条"].parent == t["2026条"].id and t["1503条"].parent == t["2026条"].id
    assert [t[x].parent for x in ("2026条", "46条", "1854条")] == [t["3978条"].id] * 3


def test_litigation_count_is_no_part_of_review_total() -> None:
    s = ("政府信息公开行政复议351件，其中结果维持72件，结果纠正64件，其他结果178件，尚未审结37件；"
         "政府信息公开行政诉讼46件，其中结果维持25件，结果纠正5件，其他结果9件，尚未审结7件。")
    t = _by_text(extract(s))
    assert t["46件"].parent is None and t["46件"].metric == "litigation_total"
    assert t["5件"].parent == t["46件"].id and t["64件"].parent == t["351件"].id
