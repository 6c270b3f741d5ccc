"""metric: TEMPLATE.md cell addresses and named narrative quantities on real sentences."""

from __future__ import annotations

import pytest

from gsnlp.figures import NAMED_METRICS, extract
from gsnlp.tables.template import addresses
from tests.conftest import corpus_file

CASES = [
    ("平潭综合实验区_2025.txt", "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。",
     {"154件": "applications/new_received/total", "148件": "applications/total_processed/total",
      "6件": "applications/carried_forward/total"}),
    ("平潭综合实验区_2025.txt", "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
     {"36起": "review_litigation/review/total", "9起": "litigation_total"}),
    ("平潭综合实验区_2023.txt", "按照省政府办公厅相关工作要求设立规范性文件库，清理并集中发布现行有效行政规范性文件393件，动态更新本年度制发的规范性文件77件。",
     {"393件": "active_disclosure/normative_documents/in_force", "77件": "active_disclosure/normative_documents/issued"}),
    ("沭阳县人民政府_2025.txt", "全县全年共受理政府信息公开申请 749 件，其中自然人申请 741 件，法人或其他组织申请 8 件；共办理 718 件，结转下一年 31 件。",
     {"749 件": "applications/new_received/total", "741 件": "applications/new_received/natural_person",
      "8 件": "applications_legal_persons", "718 件": "applications/total_processed/total",
      "31 件": "applications/carried_forward/total"}),
    ("沭阳县人民政府_2025.txt", "全县行政机关在办理2025年度信息公开申请中收取信息处理费共计380元，",
     {"380元": "info_processing_fee"}),
    ("平潭综合实验区_2024.txt", "全年发布政策文件解读96篇，获得良好的传播效果。", {"96篇": "policy_interpretations"}),
    ("002_35a7a0986a780ec4.txt", "2023年全年，通过“12345”接到911件居民热线问题，现已全部办理完结。", {"911件": "hotline_cases"}),
    ("平潭综合实验区地方税务局_2013.txt", "今年我局共受理审批事项117件，办结171件，办结率100%。",
     {"117件": None, "171件": None, "100%": None}),
]


@pytest.mark.parametrize("doc,sentence,expected", CASES, ids=[c[1][:12] for c in CASES])
def test_metric(doc: str, sentence: str, expected: dict[str, str | None]) -> None:
    assert sentence in corpus_file(doc).read_text(encoding="utf-8")
    got = {f.text: f.metric for f in extract(sentence)}
    for span, metric in expected.items():
        assert got[span] == metric, span


def test_every_metric_is_a_template_address_or_named() -> None:
    valid = set(NAMED_METRICS)
    for tpl in ("2021", "2019"):
        for table, addrs in addresses(tpl).items():
            valid |= {f"{table}/{a}" for a in addrs}
    text = corpus_file("上海市人民政府办公厅_2025.md").read_text(encoding="utf-8")
    for path in ("平潭综合实验区_2023.txt", "沭阳县人民政府_2025.txt", "上海市人民政府办公厅_2025.md"):
        text = corpus_file(path).read_text(encoding="utf-8")
        for f in extract(text):
            assert f.metric is None or f.metric in valid, f.metric


def test_scope_on_behalf_is_kept_for_nt_rules() -> None:
    # the RULES.md example (口径): a narrower office speaking for the government
    f = extract("2023年，区政府办代表区政府受理政府信息公开申请17件。")[0]
    assert (f.scope, f.metric, f.value) == ("区政府办代表区政府", "applications/new_received/total", 17)


@pytest.mark.parametrize("doc,sentence,scope", [
    ("平潭综合实验区_2025.txt", "2025年，全区共收到政府信息公开申请154件", "全区"),
    ("000_292e5f130bca3acf.txt", "2023年我中心未接收到任何依申请公开的申请。", "本机关"),
])
def test_scope(doc: str, sentence: str, scope: str) -> None:
    assert sentence in corpus_file(doc).read_text(encoding="utf-8")
    assert extract(sentence)[0].scope == scope
