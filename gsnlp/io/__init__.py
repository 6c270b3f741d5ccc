"""Readers: bytes of any supported format → Report (decode and locate, then segment and parse)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from gsnlp.doc import Meta, Notice, Region, Report, Source
from gsnlp.errors import InputError, NotAReportError


def _sniff(data: bytes, path: str) -> str:
    try:
        from gsnlp.io.sniff import sniff_format
    except ImportError:  # pragma: no cover - sniff ships with the package
        return "text"
    return sniff_format(data, path)


def read(path: str | Path) -> Report:
    """Read and parse one report file (TXT/MD, HTML, DOCX or PDF, recognised from the content)."""
    p = Path(path)
    origin = str(p)
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError("is a directory; expected a report file", origin=origin) from None
    except FileNotFoundError:
        raise InputError("no such file", origin=origin) from None
    return read_bytes(data, origin)


def read_bytes(data: bytes, path: str = "<bytes>") -> Report:
    from gsnlp.io.decode import decode

    fmt = _sniff(data, path)
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "text":
        text, enc = decode(data, path)
        suffix = Path(path).suffix.lower()
        return parse_text(text, Source(path, sha, "md" if suffix == ".md" else "txt", enc))
    if fmt == "html":
        from gsnlp.io.html import read_html as reader
    elif fmt == "docx":
        from gsnlp.io.docx import read_docx as reader  # type: ignore[no-redef]
    elif fmt == "pdf":
        from gsnlp.io.pdf import read_pdf as reader  # type: ignore[no-redef]
    else:  # pragma: no cover
        raise InputError(f"unsupported format {fmt}", origin=path)
    text, grids, regions, extra = reader(data, path)
    return parse_text(text, Source(path, sha, fmt, extra.get("encoding") if isinstance(extra, dict) else None),
                      grids=grids, regions=regions, extra=extra)


def parse_text(text: str, source: Source | None = None, *, grids=None, regions=None, extra=None) -> Report:
    """Segment and parse a report whose text is already decoded.

    ``grids`` are table grids found by a structural reader (HTML/DOCX/PDF); without them the
    tables are read from the text layouts.
    """
    from gsnlp.segment.meta import read_meta
    from gsnlp.segment.regions import find_regions
    from gsnlp.segment.sections import find_sections
    from gsnlp.tables.align import align_notices, tables_from_grids
    from gsnlp.tables.text_tables import parse_text_tables

    source = source or Source("<text>", hashlib.sha256(text.encode("utf-8")).hexdigest(), "txt", "utf-8")
    origin = source.path
    if not text.strip():
        from gsnlp.errors import EmptyInputError

        raise EmptyInputError("the file holds only whitespace; expected a report", origin=origin)
    regs: list[Region] = sorted(list(regions or []) + find_regions(text), key=lambda r: (r.start, r.end))
    sections, notices = find_sections(text, regs)
    body_start = next((r.end for r in regs if r.kind == "crawler_header"), 0)
    meta, meta_notes = read_meta(text, regs, body_start)
    notices = list(notices) + meta_notes
    n_found = sum(1 for s in sections if s.id != "extra")
    if n_found == 0 and meta.template in ("unknown",) and meta.title is None:
        raise NotAReportError(
            "this does not look like a 政府信息公开工作年度报告: no title with 年度报告, none of the six section "
            "headings (一、总体情况 … 六、其他需要报告的事项) and no template table; check the file", origin=origin)
    if grids:
        tables = tables_from_grids(grids, meta.template, text)
        notices += align_notices(grids, meta.template)
    else:
        tables, tnotes = parse_text_tables(text, sections, meta.template, regs)
        notices += tnotes
    ext = dict(extra or {})
    if meta.template == "pre2019":
        from gsnlp.tables.legacy import statistics_table

        st = statistics_table(text, sections, regs)
        if st:
            ext["statistics_table"] = st
    if meta.template in ("2021", "2019") and sections and sections[-1].end - sections[0].start < 200:
        notices.append(Notice("report.truncated", "the report is very short after its first heading; it may be "
                              "truncated"))
    if meta.template in ("2021", "2019"):
        missing = [t for t, tab in tables.items() if not tab.found]
        if missing and len(missing) == len(tables):
            notices.append(Notice("report.no_tables", "none of the three template tables was found; the report may be "
                                  "truncated or its tables are images"))
    return Report(text, source, meta, tuple(sections), tables, tuple(regs), tuple(notices), ext)


__all__ = ["read", "read_bytes", "parse_text", "Meta"]
