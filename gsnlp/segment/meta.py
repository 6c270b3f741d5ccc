"""Report metadata: title, agency, year, statistics period, publication date, template."""

from __future__ import annotations

import re

from gsnlp.doc import Meta, Notice, Region
from gsnlp.normalize import NormalizedText, normalize
from gsnlp.segment.regions import mask

_TITLE = re.compile(r"([^\n。，,:：]{0,60}?)\s*(\d{4})\s*年\s*度?\s*(?:政府)?\s*(?:信息公开|政务公开)\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)")
_TITLE_YEAR_FIRST = re.compile(r"(\d{4})\s*年\s*度?\s*([^\n。，,:：\d]{2,40}?)\s*(?:政府|政务)\s*(?:信息)?\s*公开\s*(?:工作)?\s*(?:年度)?\s*(?:报告|年报)")
_CRAWLER_TITLE = re.compile(r"^标题\s*[:：]\s*(.+)$", re.M)
_PERIOD = re.compile(r"统计(?:期限|时限|时间|数据|期间)?(?:为|是|从)?\s*[自从]?\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:起)?\s*[至到\-—~]\s*"
                     r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PUBLISHED = [
    re.compile(r"^发布(?:时间|日期)\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})", re.M),
    re.compile(r"时间\s*[:：]\s*(\d{4})-(\d{1,2})-(\d{1,2})"),
]
_DATE_LINE = re.compile(r"^\s*(\d{4})\s*年\s*(元|\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$", re.M)
_AGENCY_TAIL = re.compile(r"(人民政府|政府|办公厅|办公室|委员会|管委会|局|厅|中心|委|办|院|所|处|站|队|街道|镇|乡|区|县|市|部|署|会)$")

TEMPLATE_2021_MARKS = ("本年制发件数", "本年处理决定数量", "现行有效件数", "本年收费金额", "逾期不补正", "本年度止件数",
                       "本年废止件数")
TEMPLATE_2019_MARKS = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "采购项目数量")
PRE2019_MARKS = ("统计表", "指标名称", "计量单位", "历年累计")


def detect_template(text: str, year: int | None, normalized: bool = False) -> str:
    t = text if normalized else normalize(text)
    n21 = sum(t.count(m) for m in TEMPLATE_2021_MARKS)
    n19 = sum(t.count(m) for m in TEMPLATE_2019_MARKS)
    if n21 or n19:
        return "2021" if n21 >= n19 else "2019"
    if "本年新收政府信息公开申请数量" in t or "申请人情况" in t:
        return "2021" if (year or 0) >= 2020 else "2019"
    if any(m in t for m in PRE2019_MARKS) or (year is not None and year < 2019):
        return "pre2019"
    return "unknown"


def _date(y: str, m: str, d: str) -> str:
    mm = 1 if m == "元" else int(m)
    return f"{int(y):04d}-{mm:02d}-{int(d):02d}"


def read_meta(text: str, regions: list[Region], body_start: int) -> tuple[Meta, list[Notice]]:
    notices: list[Notice] = []
    masked = mask(text, regions)
    head = normalize(masked[body_start : body_start + 400])
    title = agency = None
    year = None
    crawler = _CRAWLER_TITLE.search(text[:2000])
    for cand in ([crawler.group(1)] if crawler else []) + [head]:
        flat = re.sub(r"[ \t]*\n[ \t]*(?=\S)", "", normalize(cand).lstrip("# \n"))
        m2 = _TITLE_YEAR_FIRST.search(flat[:120])
        m = _TITLE.search(normalize(cand))
        if m2 and (m is None or not re.sub(r"\s+", "", m.group(1)).strip("#《》\"' ")):
            title = re.sub(r"\s+", "", m2.group(0))
            year = int(m2.group(1))
            agency = m2.group(2).strip() or None
            break
        if m:
            title = re.sub(r"\s+", "", m.group(0)).lstrip("#")
            year = int(m.group(2))
            ag = re.sub(r"\s+", "", m.group(1)).strip("#《》\"' ")
            if not ag:
                # the agency may stand on the line before the title
                before = normalize(cand)[: m.start()].strip().splitlines()
                ag = re.sub(r"\s+", "", before[-1]) if before else ""
            agency = ag or None
            break
    if agency and not _AGENCY_TAIL.search(agency):
        agency = agency if len(agency) >= 3 else None
    nt = NormalizedText.of(masked).text  # the view find_sections made of the same text
    p = _PERIOD.search(nt)
    period_start = period_end = None
    if p:
        y1, mo1, d1, y2, mo2, d2 = p.groups()
        period_start = _date(y1, mo1, d1)
        period_end = _date(y2 or y1, mo2, d2)
        if year is None:
            year = int(y1)
    published = None
    for rx in _PUBLISHED:
        m = rx.search(text[:3000])
        if m:
            published = _date(*m.groups())
            break
    if published is None:
        tail = normalize(masked[-300:])
        dates = _DATE_LINE.findall(tail)
        if dates:
            published = _date(*dates[-1])
    if year is None:
        years = re.findall(r"(20\d\d|19\d\d)\s*年", nt[:3000])
        if years:
            year = int(max(set(years), key=years.count))
            notices.append(Notice("meta.year_guessed", f"no year in the title; {year} is the year most mentioned",
                                  severity="info"))
    if agency is None:
        notices.append(Notice("meta.no_agency", "the title does not name the agency", severity="info"))
    template = detect_template(nt, year, normalized=True)
    return Meta(agency, year, period_start, period_end, published, template, title), notices
