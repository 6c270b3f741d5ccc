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


def _w(*neg: str) -> str:
    """One character of a title (a Chinese character or a digit) that begins none of the words ``neg``."""
    return (r"(?:(?!" + "|".join(neg) + r")[\u4e00-\u9fff0-9])") if neg else r"[\u4e00-\u9fff0-9]"


# The words that make a title one section's and no other's: a title naming 复议 and 诉讼 is
# review_litigation's, one naming 申请 (without them) applications', and so on; a title of the
# overview names none of the other sections' words.
_OTHERS = ("主动", "申请", "复议", "诉讼", "问题", "不足", "其他", "其它", "收费", "统计表", "重点领域")


@dataclass(frozen=True, slots=True)
class SectionDef:
    """One template section.

    ``title`` is the template heading without its number; ``variants`` are regex fragments
    for titles that mean this section (matched right after "一、" or alone on a line);
    ``content_words`` are words typical of the section's body (used to explain and to test
    the trained segmenter, never to choose a heading); ``title_rules`` are the title by its words
    (the words only this section's title has), matched only after a number: a line of a table
    ("申请人情况", "其他对外管理服务事项") has those words too but no heading number.
    """

    id: str
    number: str
    title: str
    variants: tuple[str, ...]
    content_words: tuple[str, ...]
    title_rules: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        """The template heading with its number, e.g. ``一、总体情况``."""
        return f"{self.number}、{self.title}"


SECTIONS: tuple[SectionDef, ...] = (
    SectionDef(
        "overview", "一", "总体情况",
        (r"(?:工作)?总体(?:情况|概况)", r"概述", r"基本情况", r"(?:工作)?概况",
         # what the title means: the whole year's work at a glance (总体/基本/整体 + 情况/概况/概述, 综述)
         r"(?:政府信息公开)?(?:年度)?(?:工作)?(?:总体|基本|整体)(?:工作)?(?:情况|概况|概述)",
         r"(?:年度)?(?:工作)?(?:概述|概况|综述|总述)"),
        ("主动公开", "依申请公开", "政府信息管理", "平台建设", "监督保障", "教育培训"),
        title_rules=(_w(*_OTHERS) + r"{0,10}?(?:总体|基本|整体)" + _w(*_OTHERS) + r"{0,6}?(?:情况|概况|概述)",
                     _w(*_OTHERS) + r"{0,8}?(?:概况|概述|综述|总述)"),
    ),
    SectionDef(
        "active_disclosure", "二", "主动公开政府信息情况",
        (r"(?:政府信息)?主动公开(?:政府信息)?(?:工作)?的?(?:情况|事项)",
         # 主动公开 of (government) information, as a situation, its figures or their statistics
         r"(?:政府信息)?主动公开(?:政府)?(?:信息)?(?:工作)?(?:开展)?的?(?:统计)?(?:情况|数据)"),
        ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费", "第二十条"),
        title_rules=(r"(?:政府信息)?主动公开" + _w("申请", "复议", "诉讼", "问题") + r"{0,10}?(?:情况|数据|统计)",),
    ),
    SectionDef(
        "applications", "三", "收到和处理政府信息公开申请情况",
        (r"收到和处理政府信息公开申请的?情况",
         r"(?:政府信息)?依申请公开(?:政府信息)?(?:工作)?的?情况",
         r"依申请公开[^。\n]{0,14}?(?:咨询|不予公开)[^。\n]{0,8}?情况",
         r"(?:受理|处理)政府信息公开申请的?情况",
         # applications received / handled / answered, in either order of the words
         r"(?:收到|受理|处理|办理)(?:和|及|与|、)?(?:处理|办理|答复)?政府信息公开申请(?:工作)?的?情况",
         r"政府信息公开申请(?:的)?(?:收到|受理|办理|处理|答复)(?:(?:和|及|与|、)(?:办理|处理|答复))?(?:工作)?的?情况",
         r"依申请公开(?:政府信息)?(?:工作)?(?:的)?(?:受理|办理|处理|答复)(?:工作)?的?情况"),
        ("本年新收", "上年结转", "予以公开", "不予公开", "无法提供", "不予处理", "结转下年度继续办理", "自然人"),
        title_rules=(_w("主动", "复议", "诉讼", "问题") + r"{0,12}?申请" + _w("主动", "复议", "诉讼", "问题")
                     + r"{0,10}?情况",),
    ),
    SectionDef(
        "review_litigation", "四", "政府信息公开行政复议、行政诉讼情况",
        (r"[^。\n]{0,16}?行政\S?复议[^。\n]{0,12}?行政\S?诉讼[^。\n]{0,6}?情况",
         # 行政复议 and (行政)诉讼 named together: "行政复议、诉讼情况"
         r"[^。\n]{0,16}?行政\S?复议(?:和|及|与|、|,|，)?(?:提起)?诉讼[^。\n]{0,6}?情况"),
        ("行政复议", "行政诉讼", "维持", "纠正", "尚未审结", "未经复议直接起诉", "复议后起诉"),
        title_rules=(_w() + r"{0,16}?复议[^。\n]{0,12}?诉讼" + _w() + r"{0,6}?情况",),
    ),
    SectionDef(
        "problems", "五", "存在的主要问题及改进情况",
        (r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?(?:问题|不足)(?:及|和|与|以及)?"
         r"(?:改进|整改)(?:情况|措施|计划|方向|举措)",
         r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?(?:问题|不足)(?:及|和|与|以及)"
         r"(?:明年|下一步|下一年度?|今后|\d{4}年)(?:的)?(?:工作)?(?:计划|打算|安排|思路|重点)",
         r"(?:政府信息公开(?:工作)?)?存在的?(?:主要)?问题(?:及|和|与)(?:对策|建议|措施)",
         # shortcomings named (问题/不足/短板, maybe both) and then what is done about them
         r"[^。\n]{0,10}?(?:存在的?)?(?:主要)?(?:问题|不足|短板)(?:(?:和|及|与)(?:问题|不足))?(?:及|和|与|以及)"
         r"(?:其)?(?:改进|整改|明年|下一步|下一年度?|今后|\d{4}年)[^。\n]{0,6}?"
         r"(?:情况|措施|计划|方向|举措|打算|安排|思路|重点|对策|建议|工作)",
         r"(?:存在的?)?(?:主要)?(?:问题|不足)(?:及|和|与)(?:改进|整改)"),
        ("问题", "不足", "短板", "改进", "下一步", "加强", "进一步", "持续"),
        title_rules=(_w() + r"{0,10}?(?:问题|不足|短板)" + _w()
                     + r"{0,12}?(?:改进|整改|措施|计划|打算|安排|方向|举措|对策|建议)",),
    ),
    SectionDef(
        "other_matters", "六", "其他需要报告的事项",
        (r"(?:其他|其它)(?:需要|需|应当|应)?报告的?事项",
         r"需要?说明的?(?:其他|其它)事项(?:与|和|及)?(?:附表)?",
         r"(?:其他|其它)需要?说明的?事项",
         # anything else to report or to explain, as 事项 or 情况
         r"(?:其他|其它)(?:需要|需|应当|应)?(?:报告|说明)?的?(?:事项|情况)(?:说明)?",
         r"(?:需要|需)?(?:报告|说明)的(?:其他|其它)(?:事项|情况)"),
        ("信息处理费", "处理费", "收费", "国办函〔2020〕109号", "人大代表建议", "政协委员提案"),
        title_rules=(r"(?:其他|其它)" + _w("处理", "公开") + r"{0,8}?(?:事项|情况)",
                     r"(?:需要|需)(?:报告|说明)的?(?:事项|情况)"),
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
