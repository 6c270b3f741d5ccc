"""Readers: bytes of any supported format → Report (decode and locate, then segment and parse)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gsnlp.doc import Meta, Notice, Region, Report, Source
from gsnlp.errors import GsnlpError, InputError, NotAReportError
from gsnlp.io.reading import Reader, Reading, get_reader, reader_names

if TYPE_CHECKING:
    from gsnlp.tables.grid import RawRow

try:  # hashlib's own sha256 without importing hashlib, which loads OpenSSL first (~3 ms of every command; issue 18)
    from _sha256 import sha256 as _sha256
except ImportError:  # pragma: no cover - other Pythons (3.12 calls it _sha2)
    from hashlib import sha256 as _sha256


def _sniff(data: bytes, path: str) -> str:
    try:
        from gsnlp.io.sniff import sniff_format
    except ImportError:  # pragma: no cover - sniff ships with the package
        return "text"
    return sniff_format(data, path)


MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest file ``read`` loads (each reader has its own, smaller cap: HTML 64 MiB, PDF 200 MiB)."""


def read(path: str | Path) -> Report:
    """Read and parse one report file (TXT/MD, HTML, DOCX or PDF, recognised from the content)."""
    data, origin = load_bytes(path)
    return read_bytes(data, origin)


def path_text(path: str | Path) -> str:
    """A path as outputs write it: itself, or, for a file name that is not UTF-8 (GBK names
    unpacked from a zip archive, say), its bytes with each undecodable one as ``\\xNN``
    (the file is still opened by its real name)."""
    text = str(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def load_bytes(path: str | Path) -> tuple[bytes, str]:
    """The bytes of an input and the name it goes by (``path_text``): a file, or standard input
    for ``-``. Every way a path can fail is an input error naming it (never a traceback)."""
    if str(path) == "-":
        import sys

        return sys.stdin.buffer.read(), "<stdin>"
    p = Path(path)
    origin = path_text(p)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES and p.is_file():
            from gsnlp.errors import InputTooComplexError

            raise InputTooComplexError(f"the file is {size / 2**20:.0f} MiB (limit {MAX_FILE_BYTES // 2**20} MiB); "
                                       "no report is this large: check that it is the report", origin=origin)
        return p.read_bytes(), origin
    except IsADirectoryError:
        raise InputError("is a directory; expected a report file", origin=origin) from None
    except FileNotFoundError:
        from gsnlp.errors import NoSuchFileError

        raise NoSuchFileError("no such file; check the path", origin=origin) from None
    except PermissionError:
        raise InputError("permission denied; make the file readable", origin=origin) from None
    except OSError as e:  # a device, a broken mount, a name too long, …
        raise InputError(f"cannot read the file ({e.strerror or type(e).__name__}); check the path",
                         origin=origin) from None


def read_bytes(data: bytes, path: str = "<bytes>") -> Report:
    fmt = _sniff(data, path)
    sha = _sha256(data).hexdigest()
    reader = get_reader(fmt)
    if fmt == "text":
        r = reader(data, path)
        suffix = Path(path).suffix.lower()
        return parse_text(r.text, Source(path, sha, "md" if suffix == ".md" else "txt", r.encoding))
    r = _run_reader(reader, fmt, data, path)
    report = parse_text(r.text, Source(path, sha, fmt, r.encoding), grids=r.grids, regions=r.regions, extra=r.hints)
    if r.hints.get("ocr"):
        from gsnlp.io.ocrcheck import check_ocr

        report = check_ocr(report)  # the template arithmetic checks the digits OCR read
    return report


def _run_reader(reader: Reader, fmt: str, data: bytes, path: str) -> Reading:
    """Call a structured reader; whatever escapes it becomes a gsnlp error naming the file.

    A reader raises gsnlp errors itself for what it recognises; anything else is a library
    failing on a damaged file (zlib.error, struct.error, a KeyError from a package part), or the
    input exhausting a resource (MemoryError, RecursionError).
    """
    from gsnlp.errors import DamagedInputError, GsnlpError, InputTooComplexError

    try:
        return reader(data, path)
    except GsnlpError:
        raise
    except (MemoryError, RecursionError) as e:
        what = "memory" if isinstance(e, MemoryError) else "stack (nesting too deep)"
        raise InputTooComplexError(f"reading the {fmt.upper()} ran out of {what}; the file is far more complex than "
                                   "a report; check that it is the report you meant", origin=path) from e
    except Exception as e:  # the point is to name the file and the cause
        if _our_bug(e):
            raise  # a programming error in gsnlp's own code is a bug (exit 70), never "damaged input"
        where = _last_frame(e)
        raise DamagedInputError(f"the {fmt.upper()} reader failed ({type(e).__name__}: {str(e)[:200]}"
                                f"{' at ' + where if where else ''}); the file is probably damaged: re-save or "
                                "re-export it; if it opens fine elsewhere, report it as a gsnlp bug with the file",
                                origin=path) from e


_BUG_TYPES = (TypeError, AttributeError, NameError, AssertionError, ImportError, NotImplementedError)


def _our_bug(e: BaseException) -> bool:
    """A programming error raised in gsnlp's own code (not in a library parsing the file)."""
    import traceback

    if not isinstance(e, _BUG_TYPES) or e.__traceback__ is None:
        return False
    frames = traceback.extract_tb(e.__traceback__)
    pkg = str(Path(__file__).resolve().parents[1])
    return bool(frames) and str(Path(frames[-1].filename).resolve()).startswith(pkg)


def _last_frame(e: BaseException) -> str:
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    if not frames:
        return ""
    f = frames[-1]
    return f"{Path(f.filename).name}:{f.lineno} in {f.name}"


_REPORT_TITLE = re.compile(r"政府信息公开(?:工作)?(?:年度)?报告|政府信息公开[^\n。]{0,12}年报|信息公开工作年度报告")


def _not_a_report(text: str, n_sections: int, tables: dict[str, Any], source: Source, template: str) -> None:
    """Refuse a file with no template table and no template section heading (or a tab-separated
    data file where one heading turns up in a cell): a README, a TSV, a catalogue page.

    A table the parser could not locate still counts when its labels are in the text (the
    template was recognised from them, or the pre-2019 statistics table's 指标名称/计量单位):
    a report whose line breaks were lost is a report with a reading problem, not a non-report.
    """
    from gsnlp.io.sniff import looks_tabular

    if any(getattr(t, "found", False) for t in tables.values()):
        return
    tabular = source.format in ("txt", "md") and looks_tabular(text)
    if not tabular:
        if n_sections or (_REPORT_TITLE.search(text[:3000]) and len(_REPORT_TITLE.findall(text)) <= 3
                          and text.count("。") >= 10):
            # a text titled as one report (not a list of many) with prose of its own keeps its chance
            # when its headings and tables were not read (tables as images, headings of its own):
            # a reading problem, not a non-report
            return
        from gsnlp.segment.meta import PRE2019_MARKS, detect_template

        # the whole text, not only the body the metadata reader chose (a crawler header may swallow it)
        if (template in ("2021", "2019") or detect_template(text, None) in ("2021", "2019")
                or sum(1 for m in PRE2019_MARKS if m in text) >= 2):
            return
    why = ("it is a tab-separated data file (the same number of tabs on most lines)" if tabular else
           "none of the six section headings (一、总体情况 … 六、其他需要报告的事项)")
    raise NotAReportError(
        f"this does not look like a 政府信息公开工作年度报告: {why} and no template table; check that the file is "
        "the report itself (not a list of reports, a README or a data file)", origin=source.path)


def parse_text(text: str, source: Source | None = None, *, grids: list[list[RawRow]] | None = None,
               regions: Sequence[Region] | None = None, extra: dict[str, Any] | None = None) -> Report:
    """Segment and parse a report whose text is already decoded.

    ``grids`` are table grids found by a structural reader (HTML/DOCX/PDF); without them the
    tables are read from the text layouts.
    """
    source = source or Source("<text>", _sha256(text.encode("utf-8")).hexdigest(), "txt", "utf-8")
    try:
        return _parse(text, source, grids, regions, extra)
    except GsnlpError as e:
        raise _naming_file(e, source.path) from e.__cause__


def _naming_file(e: GsnlpError, path: str) -> GsnlpError:
    """A stage's error names its place in the report (``table applications row …``); the file
    is added in front, so every error of the read path names the file."""
    if path in str(e):
        return e
    e.origin = f"{path}: {e.origin}" if e.origin else path
    e.args = (f"[{e.code}] {e.origin}: {e.message}",)
    return e


def _some_missing(sections: Sequence[Any]) -> bool:
    """A template section has no heading (the segmentation model, not imported otherwise, may place it)."""
    from gsnlp.template.sections import SECTION_IDS

    have = {s.id for s in sections}
    return any(sid not in have for sid in SECTION_IDS)


def _parse(text: str, source: Source, grids: Any, regions: Any, extra: Any) -> Report:
    from gsnlp.segment.meta import read_meta
    from gsnlp.segment.regions import find_regions
    from gsnlp.segment.sections import find_sections
    from gsnlp.tables.align import align_notices, tables_from_grids
    from gsnlp.tables.text_tables import parse_text_tables

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
    if meta.template in ("2021", "2019") and _some_missing(sections):  # placed by the segmentation model
        from gsnlp.segment.model import fill_missing_sections

        sections, notices = fill_missing_sections(text, sections, notices, regs)
    if grids:
        tables = tables_from_grids(grids, meta.template, text)
        if meta.template in ("2021", "2019"):  # other templates have no template tables to align to
            notices += align_notices(grids, meta.template)
    else:
        tables, tnotes = parse_text_tables(text, sections, meta.template, regs)
        notices += tnotes
    _not_a_report(text, n_found, tables, source, meta.template)
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


__all__ = ["Meta", "Reading", "get_reader", "load_bytes", "parse_text", "path_text", "read", "read_bytes",
           "reader_names"]
