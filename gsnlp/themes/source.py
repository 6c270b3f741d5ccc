"""Report text and the span of section 五 (存在的主要问题及改进情况).

When the foundation parser is available (``gsnlp.read``), the report text and the section
come from it (``Report.section("problems")``). Until then, and for texts given directly,
``find_problems_section`` locates the section in plain text. Old (pre-2019) reports number
the section 四/五/六 and call it 主要问题和改进措施; the finder accepts those variants.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_NUM = "一二三四五六七八九十"
# A numbered top-level heading "五、存在的主要问题及改进情况" and its old variants.
_HEADING = re.compile(
    rf"(?:^|(?<=[\s。：:；;>\u3000|#])|(?<=\d))(?:#+\s*)?([{_NUM}])\s*[、.．]\s*"
    r"(?:政府信息公开工作)?(?:存在的)?主要问题(?:和|及|与)改进(?:情况|措施)"
)
# Without a numbered heading (headings lost by an extractor): the first sub-heading about problems.
_SUBHEADING = re.compile(r"（一）[^\n。]{0,16}(?:存在(?:的主要)?问题|主要问题)")
_DATE = r"(?:(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|二[○〇零Ｏ0][一二三四五六七八九○〇零]{2}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
_TRAILER = re.compile(
    rf"(?:\s+[\u4e00-\u9fa5（）()]{{2,30}})?\s+{_DATE}"  # signature block: [agency] date
    r"|附件\s*\d*\s*[：:]|附件下载"
)
_SIGNATURE = re.compile(r"[。！；]\s+[\u4e00-\u9fa5（）()]{2,30}(?:政府|管委会|委员会|办公室|办公厅|局|中心)\s*$")


@dataclass(frozen=True, slots=True)
class SectionSpan:
    """Where section 五 is: ``heading_start`` ≤ ``start`` (body) ≤ ``end``; half-open."""

    heading_start: int
    start: int
    end: int
    number: str | None
    how: str  # "report" (gsnlp.read), "heading", "subheading"


def _next_heading(text: str, pos: int, number: str | None) -> int | None:
    later = _NUM[_NUM.index(number) + 1 :] if number is not None and number in _NUM else "六七八九十"
    if not later:
        return None
    pat = re.compile(rf"(?:^|(?<=[\s。：:；;>\u3000|#])|(?<=\d))(?:#+\s*)?[{later}]\s*、")
    m = pat.search(text, pos)
    return m.start() if m else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a section body at a signature block, date line or attachment, and strip blanks."""
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
    return start, end


def find_problems_section(text: str) -> SectionSpan | None:
    """Locate section 五 in ``text``; None when the report has no such section."""
    how = "heading"
    m = _HEADING.search(text)
    if m is None:
        m = _SUBHEADING.search(text)
        if m is None:
            return None
        how = "subheading"
        number = None
        body = m.start()
    else:
        number = m.group(1)
        body = m.end()
    end = len(text)
    nh = _next_heading(text, body, number)
    if nh is not None:
        end = nh
    start, end = _trim(text, body, end)
    return SectionSpan(m.start(), start, end, number, how)


@dataclass(frozen=True, slots=True)
class ReportText:
    """A report's text and its section 五 span (None when absent)."""

    doc: str
    text: str
    section: SectionSpan | None
    sha256: str
    reader: str  # "gsnlp.read" or "fallback"


def _fallback_text(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        try:
            import pdfplumber
        except ImportError as e:  # pragma: no cover
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("reading PDF reports", "pdf", "pdfplumber") from e
        with pdfplumber.open(str(path)) as pdf:
            return "\n".join((p.extract_text() or "") for p in pdf.pages)
    raw = path.read_bytes()
    if suffix in (".html", ".htm"):
        import lxml.html

        doc = lxml.html.fromstring(raw)
        for bad in doc.xpath("//script|//style"):
            bad.drop_tree()
        return str(doc.text_content())
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    from gsnlp.errors import EncodingError

    raise EncodingError("cannot decode as UTF-8 or GB18030; convert the file to UTF-8", origin=str(path))


def load_report(path: str | Path) -> ReportText:
    """Read a report and find section 五, preferring ``gsnlp.read`` when it exists."""
    path = Path(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    import gsnlp

    read = getattr(gsnlp, "read", None)
    if read is not None:
        report = read(path)
        return ReportText(path.name, report.text, section_of(report), sha, "gsnlp.read")
    text = _fallback_text(path)
    return ReportText(path.name, text, find_problems_section(text), sha, "fallback")


def section_of(report: Any) -> SectionSpan | None:
    """Section 五 of a parsed ``gsnlp.Report``: its ``problems`` section, trimmed of trailing
    signature, dates and attachments; found in the text when the parser has no such section."""
    sec = report.section("problems")
    if sec is None:
        return find_problems_section(report.text)
    start, end = _trim(report.text, sec.body_start, sec.end)
    return SectionSpan(sec.start, start, end, sec.number, "report")
