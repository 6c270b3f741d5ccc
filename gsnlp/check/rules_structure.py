"""ST: structure and completeness of one report (RULES.md)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from gsnlp.check.agency import is_government
from gsnlp.check.context import Context
from gsnlp.check.finding import Finding
from gsnlp.check.registry import rule

from gsnlp.template.sections import KNOWN_EXTRA_WORDS, NUMERALS, SECTION_BY_ID, SECTION_HEADINGS, SECTION_IDS

SECTION_ORDER = SECTION_IDS
_PROBLEMS = SECTION_BY_ID["problems"].title
_OTHER = SECTION_BY_ID["other_matters"].title
SECTION_ZH = SECTION_HEADINGS
_NUMERALS = NUMERALS


def _is_pre2019(ctx: Context) -> bool:
    return ctx.report.meta.template.replace("-", "") == "pre2019"


@rule("st.sections.v1", severity="warning", title="六个部分齐全、顺序正确、编号不重复")
def st_sections(ctx: Context) -> Iterator[Finding]:
    secs = ctx.report.sections
    if _is_pre2019(ctx):
        yield ctx.finding("not_assessable", "2019年以前的报告不按现行六部分模板编写，不检查部分结构。",
                          instance="report", kind="structure")
        return
    ids = [s.id for s in secs if s.id in SECTION_ORDER]
    ev = [ctx.span_evidence(s.start, min(s.end, s.body_start if s.body_start > s.start else s.start + 20), "heading")
          for s in secs]
    problems: list[str] = []
    missing = [i for i in SECTION_ORDER if i not in ids]
    if missing:
        problems.append("缺少" + "、".join(f"“{SECTION_ZH[i]}”" for i in missing))
    dup = sorted({i for i in ids if ids.count(i) > 1}, key=SECTION_ORDER.index)
    if dup:
        problems.append("重复出现" + "、".join(f"“{SECTION_ZH[i]}”" for i in dup))
    seen = [i for i in dict.fromkeys(ids)]
    if seen != sorted(seen, key=SECTION_ORDER.index):
        problems.append("顺序与模板不同")
    numbers = [s.number for s in secs if s.number]
    restarted = [n for i, n in enumerate(numbers) if n in numbers[:i]]
    if restarted:
        problems.append(f"一级编号重复（{'、'.join(dict.fromkeys(restarted))}）：可能把子标题提升成了一级标题")
    # Content present under an unusual or missing heading is a reading note, never a fault of the
    # report: a section placed by the segmentation model or from a sub-heading, a known extra part
    # (a fee table as section 五, a statistics table) between the six.
    notes: list[str] = []
    untitled = [s for s in secs if s.id in SECTION_ORDER and (s.origin == "model" or not (s.title or "").strip())]
    if untitled:
        notes.append("、".join(f"“{SECTION_ZH[s.id]}”" for s in untitled) + "没有标题，按内容推定该部分" +
                     "".join(f"（模型置信度{s.confidence:.2f}）" for s in untitled[:1] if s.confidence is not None))
    extra = [s for s in secs if s.id not in SECTION_ORDER]
    known = [s for s in extra if any(w in (s.title or "") for w in KNOWN_EXTRA_WORDS)]
    if known:
        notes.append("另有一级部分" + "、".join(f"“{s.title[:20]}”" for s in known))
    if [s for s in extra if s not in known]:
        problems.append("多出一级部分" + "、".join(f"“{s.title[:20]}”" for s in extra if s not in known))
    if problems:
        # a heading that stands in the text but was not segmented is our reading, not the report
        seen_in_text = {i: m.start() for i in missing if (m := _heading_hint(i).search(ctx.report.text))}
        origin = "extraction" if missing and len(seen_in_text) == len(missing) and not dup else "source"
        msg = "报告结构与模板不符：" + "；".join(problems) + "。"
        if seen_in_text:
            msg += "（正文中似有" + "、".join(f"“{SECTION_ZH[i][:2]}”" for i in seen_in_text) + "的标题文字，可能是分节读取遗漏。）"
            ev += [ctx.span_evidence(p, p + 12, "heading_in_text") for p in seen_in_text.values()]
        yield ctx.finding("fail", msg, instance="report",
                          expected=" ".join(SECTION_ORDER), observed=" ".join(s.id for s in secs), evidence=ev,
                          origin=origin, kind="structure",
                          details={"missing": missing, "duplicated": dup, "heading_in_text": seen_in_text})
    else:
        note = "（" + "；".join(notes) + "。）" if notes else ""
        yield ctx.finding("pass", "六个部分齐全，顺序与编号正确。" + note, instance="report", kind="structure", evidence=ev,
                          details={"notes": notes} if notes else None)


def _heading_hint(sid: str) -> re.Pattern[str]:
    """A template heading standing in the text (any wording the template knows), numbered. Compiled on first
    use (re caches it): only a report with a missing section needs it (start-up, issue 18)."""
    return re.compile(r"[" + NUMERALS + r"1-9][、.．]\s*(?:" + "|".join(SECTION_BY_ID[sid].variants) + ")")


_FEE = re.compile(r"信息处理费|信息公开处理费")
_EMPTY = re.compile(r"^[\s　、，。,.:：;；（）()一二三四五六七八九十0-9]*(无|暂无|没有|无。)?[\s。]*$")


def _placed(ctx: Context, section_id: str) -> bool:
    """Whether the section has no heading and the segmentation model placed it (our doubt, not the report's)."""
    s = ctx.report.section(section_id)
    return s is not None and s.origin == "model"


_PLACED_NOTE = "（该部分没有标题，位置由分段模型推断，可能有偏差：这是读取上的疑点，请核对原文）"


def _body(ctx: Context, section_id: str) -> tuple[str, int, int] | None:
    s = ctx.report.section(section_id)
    if s is None:
        return None
    return ctx.report.text[s.body_start:s.end], s.body_start, s.end


# ways a report states a shortcoming (the problems half of section 五), not one keyword
_SHORTCOMING = re.compile(r"问题|不足|短板|薄弱|差距|不够|有待|欠缺|滞后|不能(?:完全)?(?:满足|适应)|"
                          r"(?:仍|还|尚)有[^。；]{0,15}(?:空间|差距|不足)|不到位|不及时|不规范|不全面|不平衡")


@rule("st.problems_substantive.v1", severity="warning", title="第五部分写出问题和改进措施")
def st_problems_substantive(ctx: Context) -> Iterator[Finding]:
    b = _body(ctx, "problems")
    if b is None:
        yield ctx.finding("not_assessable" if _is_pre2019(ctx) else "fail",
                          f"报告没有“{_PROBLEMS}”部分。", instance="report", kind="completeness",
                          origin=None if _is_pre2019(ctx) else "source")
        return
    text, start, end = b
    ev = [ctx.span_evidence(start, end, "section")]
    core = re.sub(r"\s+", "", text)
    if not core or _EMPTY.match(core):
        yield ctx.finding("fail", f"第五部分“{_PROBLEMS}”为空或只写“无”（“{core[:20]}”）。",
                          instance="report", evidence=ev, origin="source", kind="completeness",
                          expected="问题和改进措施", observed=core[:40])
        return
    has_problem = bool(_SHORTCOMING.search(core))
    has_measure = bool(re.search(r"改进|措施|下一步|下步|今后|将(进一步|继续|加强|持续)|加强|完善|提升|推进", core))
    if has_problem and has_measure:
        yield ctx.finding("pass", "第五部分写出了问题和改进措施。", instance="report", evidence=ev, kind="completeness")
    else:
        lack = "问题" if not has_problem else "改进措施"
        if _placed(ctx, "problems"):  # a reader doubt is a notice, never an accusation
            yield ctx.finding("fail", f"第五部分没有写出{lack}{_PLACED_NOTE}。", instance="report", evidence=ev,
                              origin="extraction", severity="info", kind="completeness",
                              expected="问题和改进措施", observed=f"缺{lack}")
            return
        yield ctx.finding("fail", f"第五部分没有写出{lack}。", instance="report", evidence=ev, origin="source",
                          kind="completeness", expected="问题和改进措施", observed=f"缺{lack}")


@rule("st.fee_statement.v1", severity="warning", title="第六部分说明信息处理费收取情况")
def st_fee_statement(ctx: Context) -> Iterator[Finding]:
    b = _body(ctx, "other_matters")
    if b is None:
        if _is_pre2019(ctx):
            yield ctx.finding("not_assessable", f"2019年以前的报告没有“{_OTHER}”部分。", instance="report",
                              kind="completeness")
            return
        if ctx.report.meta.year is not None and ctx.report.meta.year < 2021:
            yield ctx.finding("not_assessable", "信息处理费制度（国办函〔2020〕109号）自2021年起施行，此前年度不要求说明。",
                              instance="report", kind="completeness", severity="info")
            return
        # no section 六: the statement may still stand elsewhere (the content is what is required)
        first = min((s.start for s in ctx.report.sections), default=0)
        m = _FEE.search(ctx.report.text, first)
        if m:
            yield ctx.finding("pass", f"报告未单列“{_OTHER}”，但说明了信息处理费收取情况。", instance="report",
                              kind="completeness", evidence=[ctx.span_evidence(m.start(), m.end(), "claim")])
        else:
            yield ctx.finding("fail", f"报告没有“{_OTHER}”部分，未说明信息处理费收取情况。", instance="report",
                              kind="completeness", origin="source")
        return
    if ctx.report.meta.year is not None and ctx.report.meta.year < 2021:
        yield ctx.finding("not_assessable", "信息处理费制度（国办函〔2020〕109号）自2021年起施行，此前年度不要求说明。",
                          instance="report", kind="completeness", severity="info")
        return
    text, start, end = b
    m = re.search(r"信息处理费|处理费|收取费用|收费|未收取|不收取|费用", text) or _FEE.search(ctx.report.text, end)
    if m:
        yield ctx.finding("pass", "第六部分说明了信息处理费收取情况。", instance="report", kind="completeness",
                          evidence=[ctx.span_evidence(start + m.start(), start + m.end(), "claim")])
    elif _placed(ctx, "other_matters"):  # a reader doubt is a notice, never an accusation
        yield ctx.finding("fail", f"第六部分没有说明信息处理费的收取情况{_PLACED_NOTE}。", instance="report",
                          kind="completeness", origin="extraction", severity="info",
                          evidence=[ctx.span_evidence(start, end, "section")], expected="信息处理费说明",
                          observed=re.sub(r"\s+", "", text)[:40] or "（空）")
    else:
        yield ctx.finding("fail", "第六部分没有说明信息处理费的收取情况（国办函〔2020〕109号要求报告）。",
                          instance="report", kind="completeness", origin="source",
                          evidence=[ctx.span_evidence(start, end, "section")], expected="信息处理费说明",
                          observed=re.sub(r"\s+", "", text)[:40] or "（空）")


@rule("st.metadata.v1", severity="warning", title="机关、年度、统计期限可读；标题写明机关")
def st_metadata(ctx: Context) -> Iterator[Finding]:
    m = ctx.report.meta
    problems = []
    head = ctx.report.text[:400]
    named = re.search(r"[\u4e00-\u9fff]{0,8}[省市县区镇乡旗][\u4e00-\u9fff]{0,10}?(人民政府|管委会|办公厅|办公室|局|委员会|中心)",
                      head)
    if named and re.search(r"[我本现]", named.group()):
        named = None
    if not m.agency:
        problems.append("机关名称")
    if m.year is None:
        problems.append("报告年度")
    if problems:
        origin = "extraction" if ("机关名称" in problems and named) or ("报告年度" in problems and
                                                                    re.search(r"20\d\d\s*年", head)) else "source"
        yield ctx.finding("fail", f"无法读出报告的{'、'.join(problems)}" +
                          (f"（开头似有“{named.group()}”，可能是读取遗漏）" if origin == "extraction" and named else "") + "。",
                          instance="report", kind="completeness", origin=origin, expected="、".join(problems),
                          observed=None)
    else:
        yield ctx.finding("pass", f"机关“{m.agency}”、年度{m.year}可读。", instance="report", kind="completeness")
    title = m.title or ctx.report.text[:80]
    if m.agency and m.title is not None and _short(m.agency) not in re.sub(r"\s+", "", m.title):
        yield ctx.finding("fail", f"标题“{m.title.strip()[:40]}”没有写明机关名称。", instance="title", severity="info",
                          kind="info", origin="source", expected=m.agency, observed=title.strip()[:40])
    elif not m.agency and not named:
        yield ctx.finding("fail", f"标题“{title.strip()[:40]}”没有写明机关名称。", instance="title", severity="info",
                          kind="info", origin="source", observed=title.strip()[:40])
    if m.period_start is None and m.period_end is None:
        yield ctx.finding("not_assessable", "报告未写明统计期限（按惯例视为公历年度）。", instance="period",
                          severity="info", kind="info")


def _short(agency: str) -> str:
    a = re.sub(r"\s+", "", agency)
    a = re.sub(r"[（(].*?[)）]", "", a)
    return re.sub(r"(人民政府|管委会|管理委员会)$", "", a)[:6] or a


def _parse_date(s: str) -> dt.date | None:
    m = re.search(r"(\d{4})\D+(\d{1,2})\D+(\d{1,2})", s)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


@rule("st.deadline.v1", severity="warning", title="按期发布：部门1月31日前、本级人民政府3月31日前")
def st_deadline(ctx: Context) -> Iterator[Finding]:
    m = ctx.report.meta
    pub = _parse_date(m.published) if m.published else None
    if pub is None or m.year is None:
        yield ctx.finding("not_assessable", "发布日期未知，无法核对是否按期发布。", instance="report", severity="info",
                          kind="completeness")
        return
    gov = is_government(m.agency)
    if m.agency and re.search(r"办公厅|办公室$", m.agency):
        gov = False
    if gov is None and m.year >= 2019:
        yield ctx.finding("not_assessable", f"无法判断“{m.agency}”是人民政府还是部门，期限不明。", instance="report",
                          severity="info")
        return
    if m.year >= 2019:  # 条例（2019修订）第五十条
        due = dt.date(m.year + 1, 3, 31) if gov else dt.date(m.year + 1, 1, 31)
        who = "本级人民政府" if gov else "政府部门"
    else:  # 条例（2007）第三十一条: every agency by 3月31日
        due, who = dt.date(m.year + 1, 3, 31), "行政机关（旧条例）"
    if pub > due:
        yield ctx.finding("fail", f"{who}报告应在{due.isoformat()}前公布，实际发布于{pub.isoformat()}，逾期{(pub - due).days}天。",
                          instance="report", expected=due.isoformat(), observed=pub.isoformat(), origin="source")
    else:
        yield ctx.finding("pass", f"{who}报告于{pub.isoformat()}发布，未超过{due.isoformat()}。", instance="report",
                          expected=due.isoformat(), observed=pub.isoformat())
