"""HTML reader: a report published as a government CMS page (or a Word "save as web page").

``read_html(data, path)`` returns a ``Reading`` (``gsnlp.io.reading``):

- ``text``: the report body only (site navigation, headers, footers, share bars, scripts and
  styles are not part of it), paragraphs separated by "\\n", tables as tab-separated lines;
- ``grids``: every ``<table>`` of the body as rows of ``RawCell`` (rowspan/colspan expanded,
  covered positions ``merged=True``), each with ``where={"path": XPath of the td}`` in the
  page as published;
- ``regions``: none (page chrome is not in the text at all);
- ``hints``: ``encoding``, ``encoding_from`` (bom/meta/sniff), ``title``, ``published``,
  ``publisher``, ``url`` where the page states them, ``body_path`` (where the report was
  found).

The charset comes from a BOM, then ``<meta charset>``/``http-equiv``, then sniffing (UTF-8,
then GB18030, which reads GB2312 and GBK too). Word-exported markup that splits a number or
a label over elements (``<span>20</span><span>23</span>``) is joined; a cell holding only
``&nbsp;`` is blank.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from gsnlp.errors import (
    EmptyInputError,
    EncodingError,
    HostileInputError,
    InputError,
    MissingExtraError,
    NotAReportError,
)
from gsnlp.io._gridtext import PendingCell, TextBuilder, clean_inline, expand_spans, join_lines
from gsnlp.io.reading import Reading, reader
from gsnlp.tables.grid import RawRow

MAX_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
MAX_DEPTH = 1000

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "gb_2312", "euc-cn", "hz-gb-2312", "ms936",
               "windows-936", "csgb2312", "gb18030"}

# Elements that are never report text.
_DROP_TAGS = ("script", "style", "noscript", "iframe", "select", "button",
              "link", "meta", "template", "svg", "object", "embed", "input", "textarea", "head", "canvas",
              "audio", "video", "map")
# Chrome inside the article container: share bars, print/close buttons, breadcrumbs, pagers.
_CHROME = re.compile(r"share|fenxiang|bdshare|jiathis|print|close|breadcrumb|crumb|position|location|toolbar|"
                     r"pager|pagination|qrcode|erweima|related|xgwz|footer|header|nav|menu|sidebar|comment",
                     re.IGNORECASE)
# Article containers of the CMSs governments use (TRS, Hanweb, Dayu, UEditor, Kingsoft…).
_CONTAINER = re.compile(r"TRS_Editor|TRS_UEDITOR|article_content|article-content|Custom_UnionStyle|\bzoom\b|"
                        r"art_con|content_text|pages_content|xxgk_content|news_content|detail_content|"
                        r"main-txt|ewb-article|wzcon|con_text|view TRS|Section1|WordSection1", re.IGNORECASE)
# Phrases of the template; the report body is the smallest element holding those the page has.
_MARKERS = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "行政复议", "存在的主要问题",
            "其他需要报告的事项", "本年新收", "结转下年度", "第二十条")
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "blockquote",
          "pre", "section", "article", "aside", "main", "center", "address", "figure", "figcaption", "hr",
          "table", "tr", "caption", "tbody", "thead", "tfoot", "body", "html", "fieldset", "legend"}
_CJKISH = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef0-9"
_SOURCE_BREAK = re.compile(rf"(?<=[{_CJKISH}])[ \t\r\f\v]*\n[ \t\r\n\f\v]*(?=[{_CJKISH}])")


_NOT_WEB_CHARSETS = frozenset({"utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined",
                               "charmap"})


def _norm_charset(name: str) -> str | None:
    n = name.strip().lower()
    if n in _GB_ALIASES:
        return "gb18030"  # a superset of GB2312 and GBK: decodes every page labelled with either
    if n in ("utf8", "utf-8", "unicode-1-1-utf-8"):
        return "utf-8"
    try:
        info = codecs.lookup(n)
    except LookupError:
        return None
    # hex, rot13, zlib, uu, base64, bz2, … are codecs but not text encodings, and Python's
    # escape/IDNA codecs are no web charsets: an unknown charset
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB_CHARSETS:
        return None
    if info.name.startswith(("utf-16", "utf-32")):
        return "utf-8"  # WHATWG: a <meta> cannot declare UTF-16/32 (the bytes to read it are ASCII)
    return info.name


def decode_html(data: bytes, origin: str) -> tuple[str, dict[str, str]]:
    """Decode an HTML page: BOM, then the declared charset, then sniffing."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), {"encoding": enc.replace("-sig", ""), "encoding_from": "bom"}
            except UnicodeDecodeError as e:
                raise EncodingError(f"starts with a {enc} byte-order mark but byte {e.start} is not {enc}; "
                                    "re-save the page as UTF-8", origin=origin) from None
    head = data[:8192]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    info: dict[str, str] = {}
    if m:
        declared = m.group(1).decode("ascii", "replace")
        meta_enc = _norm_charset(declared)
        info["declared_encoding"] = declared
        if meta_enc is not None:
            try:
                return data.decode(meta_enc), {**info, "encoding": meta_enc, "encoding_from": "meta"}
            except (UnicodeError, ValueError, TypeError, LookupError):
                info["encoding_note"] = f"the page declares {declared} but is not valid {declared}; sniffed instead"
        else:
            info["encoding_note"] = f"the page declares {declared}, which is not a text encoding; sniffed instead"
    for enc in ("utf-8", "gb18030"):
        try:
            return data.decode(enc), {**info, "encoding": enc, "encoding_from": "sniff"}
        except UnicodeDecodeError:
            continue
    raise EncodingError("the page is neither valid UTF-8 nor GB18030/GBK/GB2312 and declares no usable charset; "
                        "re-save it as UTF-8", origin=origin)


def _strip_doctype(text: str) -> str:
    """Remove a leading <!DOCTYPE …> with its internal subset (``[ <!ENTITY …> ]``): the HTML
    parser ends the declaration at the first ">", leaving "]>" debris in the report text.
    Linear (str.find); entities are never expanded."""
    head = text.lstrip()
    if head[:9].lower() != "<!doctype":
        return text
    start = len(text) - len(head)
    gt = text.find(">", start)
    br = text.find("[", start)
    if br >= 0 and (gt < 0 or br < gt):
        close = text.find("]", br)
        gt = text.find(">", close) if close >= 0 else -1
    return text[:start] if gt < 0 else text[:start] + text[gt + 1:]


def _strip_raw(text: str) -> str:
    """Remove <script>/<style> elements in linear time (str.find, no backtracking regex)."""
    low = text.lower()
    out: list[str] = []
    pos = 0
    while True:
        starts = [i for i in (low.find("<script", pos), low.find("<style", pos)) if i >= 0]
        if not starts:
            out.append(text[pos:])
            break
        i = min(starts)
        tag = "script" if low.startswith("<script", i) else "style"
        out.append(text[pos:i])
        j = low.find(f"</{tag}", i)
        if j < 0:
            break  # unclosed: the rest is script
        k = low.find(">", j)
        pos = len(text) if k < 0 else k + 1
    return "".join(out)


def _etree() -> Any:
    try:
        import lxml.html
    except ImportError:
        raise MissingExtraError("reading HTML", "formats", "lxml") from None
    return lxml.html


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _hidden(el: Any) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style or el.get("hidden") is not None


def _markers(text: str) -> int:
    return sum(1 for m in _MARKERS if m in text)


def _find_body(root: Any) -> Any:
    """The element that holds the report: a known CMS article container holding the template's
    phrases, else the smallest element holding every phrase the page has."""
    body = root.find("body")
    if body is None:
        body = root
    total = _markers(body.text_content())
    best, best_key = None, None
    for el in body.iter("div", "td", "article", "section", "main", "span", "font"):
        if not isinstance(el.tag, str):
            continue
        cls = _classes(el)
        text = el.text_content()
        n = _markers(text)
        if n == 0:
            continue
        known = bool(_CONTAINER.search(cls))
        # prefer: all markers of the page, then a known container, then the smallest
        key = (n >= total, known and n >= max(1, total - 1), -len(text))
        if best_key is None or key > best_key:
            best, best_key = el, key
    if best is None or (best_key is not None and not best_key[0] and not best_key[1]):
        return body
    return best


def _find_body_ignoring_links(root: Any) -> Any:
    """``_find_body`` on a copy without links: menus and link lists (栏目 "行政复议", "政府信息公开
    年报" in the navigation) must not make the page's skeleton look like the report."""
    import copy

    bare = copy.deepcopy(root)
    for a in list(bare.iter("a")):
        if a.getparent() is not None:
            a.drop_tree()
    found = _find_body(bare)
    path = bare.getroottree().getpath(found)
    hits = root.getroottree().xpath(path)
    return hits[0] if hits else _find_body(root)


class _Walker:
    """Turns the body element into paragraphs and tables, in document order."""

    def __init__(self, tb: TextBuilder, origin: str) -> None:
        self.tb = tb
        self.origin = origin
        self.buf: list[str] = []
        self.grids: list[list[RawRow]] = []
        self.count = 0

    def flush(self) -> None:
        if not self.buf:
            return
        raw = "".join(self.buf)
        self.buf = []
        raw = _SOURCE_BREAK.sub("", raw)
        self.tb.paragraph(clean_inline(raw))

    def walk(self, el: Any, depth: int = 0) -> None:
        self.count += 1
        if depth > MAX_DEPTH or self.count > MAX_ELEMENTS:
            raise HostileInputError(f"the page nests elements deeper than {MAX_DEPTH} or has more than "
                                    f"{MAX_ELEMENTS} elements; not a report page", origin=self.origin)
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "table" and not _is_layout_table(el):
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCK
        if tag == "br" or block:
            self.flush()
        if el.text and tag:
            self.buf.append(el.text)
        for child in el:
            self.walk(child, depth + 1)
            if child.tail:
                self.buf.append(child.tail)
        if block or tag in ("td", "th"):
            self.flush()

    def table(self, table: Any) -> None:
        for cap in table.iterchildren("caption"):
            self.tb.paragraph(clean_inline(cap.text_content()))  # the table's title, before it
        rows: list[list[tuple[PendingCell, int, int]]] = []
        for tr in _rows(table):
            row = []
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                path = td.get("data-gsnlp-path") or ""
                row.append((PendingCell(_cell_text(td, self.origin), {"path": path}), _span(td.get("rowspan")),
                            _span(td.get("colspan"))))
            rows.append(row)
        if not any(rows):
            return
        self.grids.append(self.tb.table(expand_spans(rows, self.origin, f"table {len(self.grids) + 1}")))


_SPAN_DIGITS = re.compile(r"[0-9]{1,6}")


def _span(v: str | None) -> int:
    """A rowspan/colspan attribute: its leading ASCII digits (browsers read ``2;`` and ``3px`` so),
    at most 1000 (HTML's own limit for colspan); anything else is 1. Never ``int()`` of a long
    or non-ASCII digit string."""
    m = _SPAN_DIGITS.match(str(v or "").strip())
    return max(1, min(int(m.group()), 1000)) if m else 1


def _rows(table: Any) -> list[Any]:
    out = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "tr":
            out.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if isinstance(c.tag, str) and c.tag == "tr")
    # Word's "supportMisalignedColumns" spacer row: <tr height=0> of empty cells, not a table row
    return [tr for tr in out if not ((tr.get("height") or "").strip() in ("0", "0px")
                                     and not "".join(tr.itertext()).strip(" \t\r\n\u00a0\u3000"))]


def _is_layout_table(table: Any) -> bool:
    """A table used for page layout (it holds other tables): walk it as blocks."""
    return any(t is not table for t in table.iter("table"))


def _cell_text(td: Any, origin: str | None = None) -> str:
    """A cell's text: its block children (<p>, <div>, <br>) are lines joined without spaces."""
    lines: list[str] = []
    buf: list[str] = []

    def push() -> None:
        if buf:
            lines.append(clean_inline(_SOURCE_BREAK.sub("", "".join(buf))))
            buf.clear()

    def rec(el: Any, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise HostileInputError(f"a table cell ({td.get('data-gsnlp-path') or 'td'}) nests elements deeper than "
                                    f"{MAX_DEPTH}; not a report page", origin=origin)
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br" or tag in _BLOCK:
            push()
        if el.text and tag:
            buf.append(el.text)
        for c in el:
            rec(c, depth + 1)
            if c.tail:
                buf.append(c.tail)
        if tag in _BLOCK:
            push()

    if td.text:
        buf.append(td.text)
    for c in td:
        rec(c, 1)
        if c.tail:
            buf.append(c.tail)
    push()
    return join_lines(lines)


def _mark_cell_paths(root: Any) -> None:
    """Set ``data-gsnlp-path`` on every td/th: the XPath ``getpath`` gives, in one walk.

    ``getpath`` per cell counts the cell's preceding siblings, which is quadratic in a row of
    tens of thousands of cells (40,000 cells: 7 s); here each element's index among its
    same-tag siblings is counted once.
    """
    stack: list[tuple[Any, str]] = [(root, "/" + root.tag)]
    while stack:
        el, path = stack.pop()
        kids = [c for c in el if isinstance(c.tag, str)]
        if not kids:
            continue
        total: dict[str, int] = {}
        for c in kids:
            total[c.tag] = total.get(c.tag, 0) + 1
        seen: dict[str, int] = {}
        for c in kids:
            k = seen[c.tag] = seen.get(c.tag, 0) + 1
            cpath = f"{path}/{c.tag}[{k}]" if total[c.tag] > 1 else f"{path}/{c.tag}"
            if c.tag in ("td", "th"):
                c.set("data-gsnlp-path", cpath)
            stack.append((c, cpath))


def _meta(root: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    names = {"articletitle": "title", "pubdate": "published", "contentsource": "publisher", "url": "url"}
    for m in root.iter("meta"):
        key = names.get((m.get("name") or "").lower())
        if key and (m.get("content") or "").strip():
            out[key] = m.get("content").strip()
    if "title" not in out:
        t = root.find(".//title")
        if t is not None and (t.text or "").strip():
            out["title"] = re.split(r"[_|]| - ", t.text.strip())[0].strip()
    return out


@reader("html")
def read_html(data: bytes, path: str) -> Reading:
    """Read an HTML report page. See the module docstring for what is returned."""
    origin = path or "<html>"
    if len(data) > MAX_BYTES:
        raise HostileInputError(f"the page is {len(data) / 2**20:.0f} MiB; a report page is far below "
                                f"{MAX_BYTES // 2**20} MiB", origin=origin)
    if not data.strip():
        raise EmptyInputError("the page is empty", origin=origin)
    text, info = decode_html(data, origin)
    # lxml refuses str input that declares an encoding; it is decoded already
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    text = _strip_doctype(text)
    # scripts and styles go before parsing: megabytes of them must not reach libxml2's text limits
    text = _strip_raw(text)
    lh = _etree()
    parser = lh.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False,
                           recover=True, default_doctype=False)
    try:
        root = lh.document_fromstring(text, parser=parser)
    except Exception as e:  # noqa: BLE001 - lxml raises ParserError/XMLSyntaxError on an empty document
        raise InputError(f"cannot parse the page as HTML ({e})", origin=origin) from None
    if any("Excessive depth" in str(err.message) or "huge" in str(err.message).lower() for err in parser.error_log):
        raise HostileInputError("the page nests elements deeper than any report page (libxml2 stopped at its depth "
                                "limit); not a report page", origin=origin)
    meta = _meta(root)
    if meta.get("title", "").startswith("审核报告") and "gsnlp check" in root.text_content():
        raise NotAReportError("this is an audit page written by gsnlp check, not a 政府信息公开工作年度报告; parse "
                              "the report it was made from", origin=origin)
    tree = root.getroottree()
    _mark_cell_paths(root)
    for bad in list(root.iter(*_DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    # page furniture that some sites wrap around everything (ASP.NET <form>): only without report text
    for bad in list(root.iter("nav", "header", "footer", "form", "aside")):
        if bad.getparent() is not None and _markers(bad.text_content()) == 0:
            bad.drop_tree()
    body = _find_body_ignoring_links(root)
    for el in list(body.iterdescendants()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if _hidden(el) or (el.tag not in ("table", "tr", "td", "th", "p") and _CHROME.search(_classes(el))
                           and _markers(el.text_content()) == 0):
            el.drop_tree()
    tb = TextBuilder()
    title = meta.get("title", "")
    if title and title.replace(" ", "") not in body.text_content()[:400].replace(" ", ""):
        # the page shows the title above the article (an <h1> outside the body element)
        tb.paragraph(clean_inline(title))
        meta["title_from"] = "page"
    w = _Walker(tb, origin)
    w.walk(body)
    w.flush()
    out = tb.text()
    if not out.strip():
        raise EmptyInputError("the page has no visible text (only scripts or markup?)", origin=origin)
    extra: dict[str, Any] = {**info, **meta, "body_path": tree.getpath(body)}
    return Reading(out, w.grids, [], extra, extra.get("encoding"))
