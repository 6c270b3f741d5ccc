"""Text around the report: crawler headers, page chrome, page footers, table markup.

These regions are recognised and kept out of sections and tables; the source text is never
changed.
"""

from __future__ import annotations

import re

from gsnlp.doc import Region

_CRAWLER_KEYS = ("标题", "发布时间", "文号", "发布机构", "栏目", "原文链接", "本地目录", "来源", "索引号", "主题分类",
                 "成文日期", "发布日期", "生效日期", "页面链接与图片详见")
_CRAWLER_LINE = re.compile(r"^(?:" + "|".join(_CRAWLER_KEYS) + r")\s*[:：].*$|^页面链接与图片详见.*$")
_BODY_MARK = re.compile(r"^=+\s*正文\s*=+\s*$", re.M)
# 当前位置： 首页… 来源：… 时间：… 微信 微博 QQ空间 全真版 文字版 文件下载 相关链接： -->
_CHROME = [
    re.compile(r"当前位置\s*[:：][^\n]*?相关链接\s*[:：]\s*(?:-->)?"),
    re.compile(r"当前位置\s*[:：][^\n。]{0,120}?(?=\s)"),
    re.compile(r"[【\[]\s*字体\s*[:：]?\s*大\s*中\s*小\s*[】\]]"),
    re.compile(r"(?:分享到|打印本页|打印|关闭窗口|关闭|返回顶部|收藏)(?=\s*(?:\n|$|分享|打印|关闭|收藏|【))"),
    re.compile(r"\s附件下载\s*$"),
    re.compile(r"<!--\[if[^\]]*\]-->|<!--\[endif\]-->"),
    # a Word style sheet the crawler kept as text: "Normal 0 7.8 磅 0 2 false … /* Style Definitions */ table.Mso… {…}"
    re.compile(r"Normal[ \t]+0[ \t]+[\d.]+[ \t]*磅[^{}\n]{0,300}?/\*[ \t]*Style Definitions[ \t]*\*/[^{}\n]{0,200}\{[^{}\n]{0,3000}\}"),
]
# Words every match of the pattern above (same index) contains: a text without any of them is
# not scanned (most reports have no page chrome; scanning is the slow part).
_CHROME_NEEDS = [("当前位置",), ("当前位置",), ("字体",), ("分享到", "打印", "关闭", "返回顶部", "收藏"), ("附件下载",),
                 ("<!--[",), ("Style Definitions",)]
_FOOTER = re.compile(r"^[ \t]*[—–\-－]{1,2}[ \t]*\d{1,3}[ \t]*[—–\-－]{1,2}[ \t]*$", re.M)
_MD_SEP = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$", re.M)
_MD_HEAD = re.compile(r"^##+ [^\n]*$", re.M)


def find_regions(text: str) -> list[Region]:
    regions: list[Region] = []
    # Crawler header: key lines at the very top, up to the 正文 marker if there is one.
    m = _BODY_MARK.search(text[:3000]) if "正文" in text[:3000] else None
    if m:
        head = text[: m.end()]
        if any(_CRAWLER_LINE.match(line) for line in head.splitlines()):
            end = m.end()
            while end < len(text) and text[end] in "\r\n":
                end += 1
            regions.append(Region("crawler_header", 0, end))
    else:
        pos = 0
        for line in text.splitlines(keepends=True):
            if line.strip() and not _CRAWLER_LINE.match(line.strip()):
                break
            pos += len(line)
        if pos and any(_CRAWLER_LINE.match(x.strip()) for x in text[:pos].splitlines() if x.strip()):
            regions.append(Region("crawler_header", 0, pos))
    for rx, needs in zip(_CHROME, _CHROME_NEEDS):
        if not any(w in text for w in needs):
            continue
        for m in rx.finditer(text):
            if m.end() > m.start():
                regions.append(Region("page_chrome", m.start(), m.end()))
    for m in _FOOTER.finditer(text):
        regions.append(Region("page_footer", m.start(), m.end()))
    for m in _MD_SEP.finditer(text) if "---" in text else ():
        regions.append(Region("markup", m.start(), m.end()))
    for m in _MD_HEAD.finditer(text) if "##" in text else ():
        if "表" in m.group(0)[:8] and "：" in m.group(0):
            regions.append(Region("markup", m.start(), m.end()))
    return _merge(regions)


def _merge(regions: list[Region]) -> list[Region]:
    out: list[Region] = []
    for r in sorted(regions, key=lambda r: (r.start, -r.end)):
        if out and r.start < out[-1].end:
            if r.end > out[-1].end:
                out[-1] = Region(out[-1].kind, out[-1].start, r.end)
            continue
        out.append(r)
    return out


# (text, regions, masked) of the last call, one tuple (replaced whole, so threads never see a mix):
# segmentation, metadata and tables each ask for the same report's mask.
_LAST_MASK: list[tuple[str, tuple[Region, ...], str] | None] = [None]


def mask(text: str, regions: list[Region]) -> str:
    """The text with every region replaced by spaces of the same length (offsets unchanged)."""
    if not regions:
        return text
    key = tuple(regions)
    last = _LAST_MASK[0]
    if last is not None and last[0] is text and last[1] == key:
        return last[2]
    out = _mask(text, regions)
    _LAST_MASK[0] = (text, key, out)
    return out


def _mask(text: str, regions: list[Region]) -> str:
    parts = []
    pos = 0
    for r in regions:
        parts.append(text[pos : r.start])
        parts.append("".join("\n" if c == "\n" else " " for c in text[r.start : r.end]))
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts)
