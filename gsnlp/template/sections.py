"""The sections of the report template, defined once.

The six canonical sections (ids of the project contract, docs/template.md), their template
headings, the heading wordings real reports use for each (as regular-expression fragments
matched against the title after its "一、" number), the words that identify a section by its
content, and the sub-topics of 一、总体情况. Segmenters, rules and renderers read titles from
here; nothing else spells them.

Heading variants are matched by meaning: each section has a pattern built from the words
that make a title that section's (``复议`` and ``诉讼`` for review_litigation, ``问题`` with a
plan or measures for problems …), not one spelling. A title that names none of them is not a
template heading (a sub-topic promoted to the top level, a fee table, a statistics table).
"""

from __future__ import annotations

from dataclasses import dataclass

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class SectionDef:
    """One template section.

    ``title`` is the template heading without its number; ``variants`` are regex fragments
    for titles that mean this section (matched right after "一、" or alone on a line);
    ``content_words`` are words typical of the section's body (used to explain and to test
    the trained segmenter, never to choose a heading).
    """

    id: str
    number: str
    title: str
    variants: tuple[str, ...]
    content_words: tuple[str, ...]

    @property
    def heading(self) -> str:
        """The template heading with its number, e.g. ``一、总体情况``."""
        return f"{self.number}、{self.title}"


SECTIONS: tuple[SectionDef, ...] = (
    SectionDef(
        "overview", "一", "总体情况",
        (r"(?:工作)?总体(?:情况|概况)", r"概述", r"基本情况", r"(?:工作)?概况"),
        ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "教育培训"),
    ),
    SectionDef(
        "active_disclosure", "二", "主动公开政府信息情况",
        (r"(?:政府信息)?主动公开(?:政府信息)?(?:工作)?的?(?:情况|事项)",),
        ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "第二十条"),
    ),
    SectionDef(
        "applications", "三", "收到和处理政府信息公开申请情况",
        (r"收到和处理政府信息公开申请的?情况",
         r"(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?的?情况",
         r"依申请公开[^。\n]{0,14}?(?:咨询|不予公开)[^。\n]{0,8}?情况",
         r"(?:受理|处理)政府信息公开申请的?情况"),
        ("本年新收", "上年结转", "予以公开", "不予公开", "无法提供", "不予处理", "结转下年度继续办理", "自然人"),
    ),
    SectionDef(
        "review_litigation", "四", "政府信息公开行政复议、行政诉讼情况",
        (r"[^。\n]{0,16}?行政\S?复议[^。\n]{0,12}?行政\S?诉讼[^。\n]{0,6}?情况",),
        ("行政复议", "行政诉讼", "维持", "纠正", "尚未审结", "未经复议直接起诉", "复议后起诉"),
    ),
    SectionDef(
        "problems", "五", "存在的主要问题及改进情况",
        (r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?(?:问题|不足)(?:及|和|与|以及)?"
         r"(?:改进|整改)(?:情况|措施|计划|方向|举措)",
         r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?(?:问题|不足)(?:及|和|与|以及)"
         r"(?:明年|下一步|下一年度?|今后|\d{4}年)(?:的)?(?:工作)?(?:计划|打算|安排|思路|重点)",
         r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?问题(?:及|和|与)(?:对策|建议|措施)"),
        ("问题", "不足", "短板", "改进", "下一步", "加强", "进一步", "持续"),
    ),
    SectionDef(
        "other_matters", "六", "其他需要报告的事项",
        (r"(?:其他|其它)(?:需要|需|应当|应)?报告的?事项",
         r"需要?说明的?(?:其他|其它)事项(?:与|和|及)?(?:附表)?",
         r"(?:其他|其它)需要?说明的?事项"),
        ("信息处理费", "处理费", "收费", "国办函〔2020〕109号", "人大代表建议", "政协委员提案"),
    ),
)

SECTION_IDS: tuple[str, ...] = tuple(s.id for s in SECTIONS)
SECTION_BY_ID: dict[str, SectionDef] = {s.id: s for s in SECTIONS}
# "一、总体情况" etc., for messages and renderers.
SECTION_HEADINGS: dict[str, str] = {s.id: s.heading for s in SECTIONS}

# Top-level parts of real reports that are no template section: they end the section before
# them and are kept as ``extra`` sections (a fee table as section 五, statistics tables, the
# key-areas part of old reports, the staff and cost part of pre-2019 reports).
EXTRA_VARIANTS: tuple[str, ...] = (
    r"政府信息公开的?收费及减免情况",
    r"[^。\n]{0,12}统计表",
    r"[^。\n]{0,8}重点领域[^。\n]{0,10}情况",
    r"[^。\n]{0,10}审批事项[^。\n]{0,8}情况",
    r"[^。\n]{0,6}工作人员[^。\n]{0,14}情况",
)
# Extra parts whose presence is a known report variant, not a structure fault.
KNOWN_EXTRA_WORDS: tuple[str, ...] = ("收费", "减免", "统计表", "重点领域", "审批事项", "工作人员")


@dataclass(frozen=True, slots=True)
class SubTopicDef:
    """A sub-topic of 一、总体情况 (the 2021 template names five)."""

    id: str
    title: str
    words: tuple[str, ...]


OVERVIEW_SUBTOPICS: tuple[SubTopicDef, ...] = (
    SubTopicDef("active", "主动公开", ("主动公开",)),
    SubTopicDef("on_request", "依申请公开", ("依申请公开", "依申请")),
    SubTopicDef("management", "政府信息管理", ("政府信息管理", "信息管理")),
    SubTopicDef("platforms", "平台建设", ("平台建设", "公开平台", "平台")),
    SubTopicDef("oversight", "监督保障", ("监督保障", "监督", "保障", "教育培训")),
)
SUBTOPIC_IDS: tuple[str, ...] = tuple(s.id for s in OVERVIEW_SUBTOPICS)


def subtopic_of_title(title: str) -> str | None:
    """The sub-topic a sub-heading such as ``（一）主动公开`` names, or None.

    The title is only its first words: ``（三）政府信息管理。2023年，…`` names management.
    """
    head = title[:14]
    for st in OVERVIEW_SUBTOPICS:  # the full titles first: 依申请公开 also contains 公开
        if st.title in head:
            return st.id
    for st in OVERVIEW_SUBTOPICS:
        if any(w in head for w in st.words):
            return st.id
    return None
