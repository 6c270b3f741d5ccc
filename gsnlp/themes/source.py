"""Report text and the span of section 五 (存在的主要问题及改进情况).

The span always comes from the one pipeline: ``gsnlp.read(path)`` and
``Report.section("problems")`` (TEMPLATE.md). The themes code does not look for section 五
itself; it only trims the body it is given: a signature block, a date line or an attachment
at the end, and a next top-level heading (``六、其他需要报告的事项``) that the section segmenter
left inside the span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NUM = "一二三四五六七八九十"
_DATE = (r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
         r"|二[○〇零Ｏ0][一二三四五六七八九○〇零]{2}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)")
_TRAILER = re.compile(
    rf"(?:\s+[\u4e00-\u9fa5（）()]{{2,30}})?\s+{_DATE}"  # signature block: [agency] date
    r"|附件\s*\d*\s*[：:]|附件下载"
)
_SIGNATURE = re.compile(r"[。！；]\s+[\u4e00-\u9fa5（）()]{2,30}(?:政府|管委会|委员会|办公室|办公厅|局|中心)\s*$")
# A later top-level heading ("六、需要说明的其他事项") at a line start or after a sentence end.
_LATER_HEADING = r"(?:^|(?<=[\n。；;！？\u3000 ]))(?:#+\s*)?[{later}]\s*、\s*(?=[\u4e00-\u9fff])"


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """Where section 五 is: ``heading_start`` ≤ ``start`` (body) ≤ ``end``; half-open."""

    heading_start: int
    start: int
    end: int
    number: str | None
    how: str  # "report": from Report.section("problems"); "+cut": a later heading was cut off


def _later_heading(text: str, start: int, end: int, number: str | None) -> int | None:
    later = _NUM[_NUM.index(number) + 1 :] if number is not None and number in _NUM else "六七八九十"
    if not later:
        return None
    m = re.compile(_LATER_HEADING.format(later=later), re.M).search(text, start, end)
    return m.start() if m else None


def trim_body(text: str, start: int, end: int, number: str | None = None) -> tuple[int, int, bool]:
    """Cut a section body at a later top-level heading, a signature block, a date line or an
    attachment, and strip blanks. Returns (start, end, whether a later heading was cut)."""
    cut = False
    h = _later_heading(text, start, end, number)
    if h is not None:
        end, cut = h, True
    t = _TRAILER.search(text, start, end)
    if t is not None:
        end = t.start()
    while end > start and text[end - 1] in " \t\r\n\u3000#":
        end -= 1
    sig = _SIGNATURE.search(text, start, end)
    if sig is not None:  # a signature block without a date: "。 平潭县人民政府"
        end = sig.start() + 1
    while start < end and text[start] in " \t\r\n\u3000:：":
        start += 1
    return start, end, cut


@dataclass(frozen=True, slots=True)
class ReportText:
    """A report's text and its section 五 span (None when the pipeline found no such section)."""

    doc: str
    text: str
    section: SectionSpan | None
    sha256: str
    reader: str  # "gsnlp.read"
    agency: str | None = None
    year: int | None = None


def load_report(path: str | Path) -> ReportText:
    """Read a report with ``gsnlp.read`` and take section 五 from its sections."""
    import gsnlp

    path = Path(path)
    report = gsnlp.read(path)
    sha = report.source.sha256  # the sha256 of the file's bytes (gsnlp.io), not computed twice
    return ReportText(path.name, report.text, section_of(report), sha, "gsnlp.read",
                      getattr(report.meta, "agency", None), getattr(report.meta, "year", None))


def section_of(report: Any) -> SectionSpan | None:
    """Section 五 of a parsed ``gsnlp.Report`` (its ``problems`` section), trimmed; None when the
    section segmenter found no such section (the themes code never looks for it itself)."""
    sec = report.section("problems")
    if sec is None:
        return None
    start, end, cut = trim_body(report.text, sec.body_start, sec.end, sec.number)
    return SectionSpan(sec.start, start, end, sec.number, "report+cut" if cut else "report")
