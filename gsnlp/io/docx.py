"""DOCX reader: paragraphs and real table grids of a Word document.

``read_docx(data, path)`` returns a ``Reading`` (text, grids, regions, hints) like the other structured
readers (see ``gsnlp.io.html``). Merged cells are expanded into the grid: a ``w:gridSpan``
cell covers the next grid columns and a ``w:vMerge`` continuation covers the cell above;
covered positions are ``RawCell(merged=True)`` and never receive a copy of the value.
Provenance: ``where={"path": "/w:document/w:body/w:tbl[2]/w:tr[5]/w:tc[3]"}`` (XPath in
word/document.xml).

python-docx opens the package (it finds the main document part through the relationships);
the body's XML is then walked directly, to expand merges exactly. The archive is checked
before anything is parsed: member count, declared and actual
uncompressed sizes, compression ratios (zip bombs), and no part may carry a DTD (external
or recursive entities): those raise ``HostileInputError``.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

from gsnlp.errors import DamagedInputError, EmptyInputError, HostileInputError, InputError, MissingExtraError
from gsnlp.io._gridtext import PendingCell, TextBuilder, check_grid_size, join_lines
from gsnlp.io.reading import Reading, reader
from gsnlp.io.sniff import zip_damage
from gsnlp.tables.grid import RawRow

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 64 * 1024 * 1024  # one uncompressed part
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # all uncompressed parts
MAX_RATIO = 200  # uncompressed/compressed, for parts over 1 MiB
MAX_XML_DEPTH = 256

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(data: bytes, origin: str) -> dict[str, bytes]:
    """Open the archive safely and return its XML parts (by name).

    Sizes are checked from the central directory first, then enforced while reading (a lying
    directory cannot make us inflate more than the limit).
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error) as e:
        raise DamagedInputError(f"not a readable .docx: {zip_damage(e)}; re-download it or re-save it from Word",
                                origin=origin) from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_MEMBERS:
            raise HostileInputError(f"the archive has {len(infos)} members (limit {MAX_MEMBERS}); not a report "
                                    "document", origin=origin)
        total = 0
        for info in infos:
            if info.file_size > MAX_MEMBER_BYTES:
                raise HostileInputError(f"part {info.filename} would inflate to {info.file_size} bytes (limit "
                                        f"{MAX_MEMBER_BYTES}); a zip bomb, not a report", origin=origin)
            if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise HostileInputError(f"part {info.filename} compresses {ratio}:1 (limit {MAX_RATIO}:1); "
                                        "a zip bomb, not a report", origin=origin)
            total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise HostileInputError(f"the archive would inflate to {total} bytes (limit {MAX_TOTAL_BYTES}); "
                                    "a zip bomb, not a report", origin=origin)
        parts: dict[str, bytes] = {}
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            try:
                with z.open(info) as f:
                    blob = f.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error, ValueError) as e:
                raise DamagedInputError(f"cannot read part {info.filename}: {zip_damage(e)}; re-download the .docx or "
                                        "re-save it from Word", origin=origin) from None
            except RuntimeError as e:  # encrypted member
                raise InputError(f"part {info.filename} is encrypted ({e}); save an unprotected copy",
                                 origin=origin) from None
            if len(blob) > MAX_MEMBER_BYTES:
                raise HostileInputError(f"part {info.filename} inflates past {MAX_MEMBER_BYTES} bytes although the "
                                        "archive says less; a zip bomb", origin=origin)
            if b"<!DOCTYPE" in blob[:4096].upper() or b"<!ENTITY" in blob.upper():
                raise HostileInputError(f"part {info.filename} declares a DTD or entities (XML external entity or "
                                        "entity-expansion attack); Word never writes one", origin=origin)
            parts[info.filename] = blob
    return parts


def _parse_xml(blob: bytes, name: str, origin: str) -> Any:
    try:
        from lxml import etree
    except ImportError:
        raise MissingExtraError("reading DOCX", "formats", "lxml") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True)
    try:
        return etree.fromstring(blob, parser=parser)
    except etree.XMLSyntaxError as e:
        raise InputError(f"part {name} is not well-formed XML ({e}); the .docx is damaged", origin=origin) from None


def _para_text(p: Any) -> str:
    """The visible text of a w:p: runs' w:t, tabs and breaks (deleted text of tracked changes excluded)."""
    out: list[str] = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym"):
        if any(a.tag == f"{W}del" for a in el.iterancestors(f"{W}del")):
            continue
        tag = el.tag
        if tag == f"{W}t":
            out.append(el.text or "")
        elif tag == f"{W}tab":
            out.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            out.append("\n")
        elif tag == f"{W}noBreakHyphen":
            out.append("-")
    return "".join(out)


def _cell_text(tc: Any) -> str:
    lines: list[str] = []
    for p in tc.iter(f"{W}p"):
        # paragraphs of nested tables are read with their own table
        if any(a.tag == f"{W}tbl" for a in p.iterancestors() if a is not tc and _inside(a, tc)):
            continue
        lines.extend(_para_text(p).split("\n"))
    return join_lines(lines)


def _inside(a: Any, tc: Any) -> bool:
    for anc in a.iterancestors():
        if anc is tc:
            return True
    return False


def _val(el: Any, child: str, default: str | None = None) -> str | None:
    c = el.find(f"{W}{child}")
    if c is None:
        return default
    v = c.get(f"{W}val", default)
    return None if v is None else str(v)


def _int_attr(el: Any, child: str, default: int) -> int:
    """An integer property (gridSpan, gridBefore, …): ASCII digits only, else the default."""
    v = _val(el, child) if el is not None else None
    if v is None:
        return default
    v = v.strip()
    return int(v) if v.isascii() and v.isdigit() and len(v) <= 6 else default


def _table_rows(tbl: Any, origin: str | None = None, where: str = "table") -> list[list[PendingCell]]:
    """The grid of a w:tbl with gridSpan/vMerge/gridBefore/gridAfter expanded.

    Spans are clamped to the real grid: the columns of ``w:tblGrid`` (or, without one, the
    widest row's count of cells); a ``gridSpan=1000`` on 10,000 rows costs 10,000 positions,
    not ten million. The grid size is checked against ``MAX_GRID_CELLS``.
    """
    trs = tbl.findall(f"{W}tr")
    tree = tbl.getroottree()
    tbl_path = tree.getpath(tbl)
    rows_tcs = []
    paths: dict[Any, str] = {}  # XPath of each cell, built per row: getpath per cell is quadratic in a row
    for i, tr in enumerate(trs, 1):
        tr_path = f"{tbl_path}/w:tr[{i}]" if len(trs) > 1 else f"{tbl_path}/w:tr"
        tcs = [el for el in tr if el.tag == f"{W}tc"]
        for k, tc in enumerate(tcs, 1):
            paths[tc] = f"{tr_path}/w:tc[{k}]" if len(tcs) > 1 else f"{tr_path}/w:tc"
        # cells wrapped in content controls (w:sdt/w:sdtContent/w:tc)
        if not tcs:
            tcs = tr.findall(f".//{W}tc")
        rows_tcs.append((tr, tcs))
    first = next(iter(paths), None)
    if first is not None and paths[first] != tree.getpath(first):  # another prefix than w:
        paths = {}
    declared = len(tbl.findall(f"{W}tblGrid/{W}gridCol"))
    max_cells = max((len(t) for _tr, t in rows_tcs), default=0)
    width_cap = max(declared, max_cells, 1)
    check_grid_size(len(trs), width_cap, origin, where)
    grid: list[list[PendingCell]] = []
    owner: dict[int, PendingCell] = {}  # grid column -> the cell a vMerge continuation joins
    for tr, tcs in rows_tcs:
        row: list[PendingCell] = []
        trpr = tr.find(f"{W}trPr")
        before = min(_int_attr(trpr, "gridBefore", 0), width_cap)
        after = _int_attr(trpr, "gridAfter", 0)
        for _ in range(before):
            row.append(PendingCell("", None, True))  # no cell there
        for tc in tcs:
            tcpr = tc.find(f"{W}tcPr")
            # clamp to the columns left in the real grid (at least one: a cell is never dropped)
            span = max(1, min(_int_attr(tcpr, "gridSpan", 1), width_cap - len(row)))
            vmerge = None
            if tcpr is not None:
                vm = tcpr.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{W}val", "continue")
            where_tc = {"path": paths.get(tc) or tree.getpath(tc)}
            col = len(row)
            if vmerge == "continue":
                for k in range(span):
                    cov = owner.get(col + k)
                    row.append(PendingCell("", cov.where if cov else where_tc, True))
                continue
            cell = PendingCell(_cell_text(tc), where_tc)
            row.append(cell)
            for _ in range(span - 1):
                row.append(PendingCell("", where_tc, True))
            for k in range(span):
                owner[col + k] = cell
        for _ in range(max(0, min(after, width_cap - len(row)))):
            row.append(PendingCell("", None, True))
        grid.append(row)
    width = max([declared] + [len(r) for r in grid])
    check_grid_size(len(grid), width, origin, where)
    return [r + [PendingCell("", None, True)] * (width - len(r)) for r in grid]


@reader("docx")
def read_docx(data: bytes, path: str) -> Reading:
    """Read a .docx report: body paragraphs and tables in document order."""
    origin = path or "<docx>"
    parts = check_zip(data, origin)
    try:
        import docx
    except ImportError:
        raise MissingExtraError("reading DOCX", "formats", "python-docx") from None
    try:
        # python-docx finds the main document part through the package relationships (it is
        # not always word/document.xml); every part was checked for size and DTDs above
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises KeyError/ValueError/PackageNotFoundError/zlib.error
        raise DamagedInputError(f"not a readable Word document ({type(e).__name__}: {str(e)[:200]}); re-save it as "
                                ".docx", origin=origin) from None
    root = document.element
    body = root.find(f"{W}body")
    if body is None:
        raise InputError("the main document part has no w:body; the .docx is damaged", origin=origin)
    tb = TextBuilder()
    grids: list[list[RawRow]] = []

    def block(el: Any, depth: int) -> None:
        if depth > MAX_XML_DEPTH:
            raise HostileInputError("the document nests content deeper than Word does", origin=origin)
        if el.tag == f"{W}p":
            for line in _para_text(el).split("\n"):
                tb.paragraph(line)
        elif el.tag == f"{W}tbl":
            # nested tables come after their parent
            for t in el.iter(f"{W}tbl"):
                rows = _table_rows(t, origin, f"table {len(grids) + 1} ({t.getroottree().getpath(t)})")
                if rows:
                    grids.append(tb.table(rows))
        elif el.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}ins", f"{W}smartTag"):
            for c in el:
                block(c, depth + 1)

    for el in body:
        block(el, 0)
    text = tb.text()
    if not text.strip():
        raise EmptyInputError("the Word document has no text", origin=origin)
    extra: dict[str, Any] = {"tables": len(grids)}
    core = parts.get("docProps/core.xml")
    if core:
        croot = _parse_xml(core, "docProps/core.xml", origin)
        for el in croot:
            name = el.tag.rsplit("}", 1)[-1]
            if name in ("title", "creator", "created", "modified") and (el.text or "").strip():
                extra[f"doc_{name}"] = el.text.strip()
    return Reading(text, grids, [], extra, extra.get("encoding"))
