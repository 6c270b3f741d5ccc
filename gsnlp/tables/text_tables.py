"""Tables in plain text, in every layout the corpus shows.

Layouts: ``tab_lines`` (one cell per line, tab-prefixed, blank line between rows),
``tab_rows`` (tab-separated rows with empty merge columns), ``pipe_cells`` (one cell per
line ending in " |", "||" for merges), ``markdown`` (| a | b | rows), and ``run_together``
(crawler text where cells follow each other with no separator; split by the template's
arithmetic in ``gsnlp.tables.runtogether``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from decimal import Decimal

from gsnlp.doc import Cell, Notice, Region, Section, Table
from gsnlp.normalize import NormalizedText, normalize
from gsnlp.segment.regions import mask
from gsnlp.tables.align import align, complete
from gsnlp.tables.grid import RawCell, RawRow
from gsnlp.tables.template import CELL_UNITS, TABLE_ANCHORS, TABLE_IDS, RowDef, TableDef, table_def, table_template
from gsnlp.template.identities import Identity

SECTION_OF = {"active_disclosure": "active_disclosure", "applications": "applications",
              "review_litigation": "review_litigation"}
_ANCHORS = TABLE_ANCHORS
_PIPES_ONLY = re.compile(r"^[\s|｜]*$")
_PIPE_BLANK = re.compile(r"^[ \t\u3000\u00a0]+[|｜]$")  # " |": a blank cell (merges are "|", "||", …)


def _lines(text: str, a: int, b: int) -> list[tuple[int, str]]:
    out = []
    pos = a
    for line in text[a:b].split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def detect_layout(text: str, a: int, b: int) -> str:
    n_md = n_pipe = n_tab_start = n_tab_inner = 0
    for ln in text[a:b].split("\n"):
        if "|" in ln:
            starts = ln.lstrip().startswith("|")
            if starts and ln.count("|") >= 3:
                n_md += 1
            if not starts and ln.rstrip().endswith("|"):
                n_pipe += 1
        if "\t" in ln:
            if ln.startswith("\t") and "\t" not in ln[1:].rstrip("\t"):
                n_tab_start += 1
            if "\t" in ln.strip("\t") or ln.count("\t") >= 2:
                n_tab_inner += 1
    counts = {"markdown": n_md, "pipe_cells": n_pipe, "tab_lines": n_tab_start, "tab_rows": n_tab_inner}
    best = max(counts, key=lambda k: counts[k])
    if counts[best] >= 2:
        return best
    return "run_together"


def tokenize(text: str, a: int, b: int, layout: str, source: str | None = None) -> list[RawRow]:
    """Rows of raw cells of ``text[a:b]`` in ``layout``. Cell boundaries are found in ``text``
    (the masked view); each cell's text is taken from ``source`` (default ``text``), which has
    the same offsets."""
    src = text if source is None else source
    rows: list[RawRow] = []
    if layout == "tab_lines":
        cur: list[list[int]] = []  # [start, end] per cell
        for pos, line in _lines(text, a, b):
            if line == "" or line.strip("\r") == "":
                if cur:
                    rows.append([RawCell(src[s:e], s, e) for s, e in cur])
                    cur = []
                continue
            if line.startswith("\t"):
                s = pos + 1
                for part in line.split("\t")[1:]:
                    cur.append([s, s + len(part)])
                    s += len(part) + 1
            elif cur:
                cur[-1][1] = pos + len(line)
            else:
                cur.append([pos, pos + len(line)])
        if cur:
            rows.append([RawCell(src[s:e], s, e) for s, e in cur])
        return rows
    if layout == "tab_rows":
        for pos, line in _lines(text, a, b):
            if not line.strip():
                continue
            row, p = [], pos
            for part in line.split("\t"):
                row.append(RawCell(src[p : p + len(part)], p, p + len(part)))
                p += len(part) + 1
            rows.append(row)
        return rows
    if layout == "pipe_cells":
        for pos, line in _lines(text, a, b):
            if _PIPE_BLANK.match(line):
                k = len(line) - 1  # the blank cell is the whitespace before its pipe
                rows.append([RawCell(src[pos : pos + k], pos, pos + k)])
                continue
            if _PIPES_ONLY.match(line):
                continue
            body = line.rstrip()
            if body.endswith("|"):
                body = body[:-1]
            rows.append([RawCell(src[pos : pos + len(body)], pos, pos + len(body))])
        return rows
    if layout == "markdown":
        for pos, line in _lines(text, a, b):
            stripped = line.strip()
            if not stripped or _MD_RULE.fullmatch(stripped):
                continue
            if stripped.startswith("|"):
                parts = line.split("|")
                row, p = [], pos
                for k, part in enumerate(parts):
                    if 0 < k < len(parts) - 1 or (k == len(parts) - 1 and part.strip()):
                        row.append(RawCell(src[p : p + len(part)], p, p + len(part)))
                    p += len(part) + 1
                rows.append(row)
            else:
                body = _MD_HASHES.sub("", line)
                off = len(line) - len(body)
                rows.append(_label_values(body, pos + off, src))
        return rows
    raise ValueError(layout)


_MD_RULE = re.compile(r"\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*")
_MD_HASHES = re.compile(r"^#+\s*")
# One way only to read the values (cells separated by required whitespace): no nested quantifier
# can backtrack over a long digit run ("行政许可 <40 digits>人" fails in linear time; "<40 digits>件" is a
# value with its unit, CELL_UNITS).
_ONE_VALUE = r"-?\d[\d,.]*(?:" + "|".join(CELL_UNITS) + ")?"  # a number, and its unit if printed (984361元)
_LABEL_VALUES = re.compile(r"^(?P<label>.*?[\u4e00-\u9fff）)])[ \t\u3000]+"
                           rf"(?P<values>{_ONE_VALUE}(?:[ \t\u3000]+{_ONE_VALUE})*)[ \t\u3000]*$")


def _label_values(line: str, pos: int, src: str | None = None) -> RawRow:
    """A plain line "行政许可 0" (label, spaces, numbers) as label and value cells; ``src`` (the
    source text, offsets as ``pos``) gives the cells' text, default ``line`` itself."""
    m = _LABEL_VALUES.match(line.rstrip())
    if not m:
        return [RawCell(line if src is None else src[pos : pos + len(line)], pos, pos + len(line))]
    le = pos + m.end("label")
    row = [RawCell(m.group("label") if src is None else src[pos:le], pos, le)]
    for v in _VALUE.finditer(m.group("values")):
        s = pos + m.start("values") + v.start()
        e = s + len(v.group(0))
        row.append(RawCell(v.group(0) if src is None else src[s:e], s, e))
    return row


_VALUE = re.compile(_ONE_VALUE)


_WS_RUN = re.compile(r"[\s\u00a0\u3000]+")


def _flat(t: str) -> str:
    """A table's text without whitespace (extraction breaks words over lines), normalised."""
    return _WS_RUN.sub("", normalize(t))


def _region(text: str, masked: str, sec: Section | None, tid: str) -> tuple[int, int] | None:
    if sec is None:
        return None
    a, b = sec.body_start, sec.end
    found = [masked.find(k, a, b) for k in _ANCHORS[tid]]
    found = [f for f in found if f >= 0]
    if not found:
        return None
    start = min(found)
    # start at the beginning of the anchor's line (tab-prefixed cells)
    ls = masked.rfind("\n", a, start) + 1
    return max(a, ls), b


def parse_text_tables(text: str, sections: list[Section] | tuple[Section, ...], template: str,
                      regions: list[Region] | tuple[Region, ...] = ()) -> tuple[dict[str, Table], list[Notice]]:
    notices: list[Notice] = []
    tables: dict[str, Table] = {}
    if template not in ("2021", "2019"):
        if template == "unknown":
            notices.append(Notice("tables.template_unknown", "no 2021 or 2019 template table header was recognised; "
                                  "the template tables were not read"))
        return tables, notices
    masked = mask(text, list(regions))
    secs = {s.id: s for s in sections}
    for tid in TABLE_IDS:
        reg = _region(text, masked, secs.get(SECTION_OF[tid]), tid)
        # the template is decided per table, by the headings and rows the table itself prints
        version = template if reg is None else table_template(tid, _flat(masked[reg[0] : reg[1]]), template)
        tdef = table_def(version, tid)
        if version != template:
            notices.append(Notice("tables.table_template", f"table {tid} follows the {version} template (its own "
                                  f"headings and rows say so) while the report's other tables follow {template}",
                                  reg[0] if reg else None, reg[1] if reg else None, "info", table=tid))
        if reg is None:
            tables[tid] = Table(tid, version, complete(tdef, {}), found=False)
            notices.append(Notice("tables.not_found", f"table {tid} ({tdef.title}) not found: its section or header "
                                  "is missing", severity="warning", table=tid))
            continue
        a, b = reg
        layout = detect_layout(masked, a, b)
        if layout == "run_together":
            cells, ns, span, splits = _run_together(masked, a, b, tdef)
        else:
            rows = tokenize(masked, a, b, layout, text)  # boundaries from the masked view, raw from the source
            cells, ns, span = align(rows, tdef, text)
            splits = {}
        notices.extend(ns)
        cells = drifted_totals(tdef, cells, notices)
        # rows whose label alone was seen (no value read for any) do not make a table found
        found = any(c.doubt != "no_values" for c in cells.values())
        tables[tid] = Table(tid, version, complete(tdef, cells), found, span[0] if span else a,
                            span[1] if span else b, layout, splits)
    return tables, notices


# ---- run-together crawler text -------------------------------------------------------------

# A value run: digits and the not-applicable markers ("/", dashes, 无 standing alone, 不适用), which
# are cells of their own (never dropped, never re-split), then an optional unit.
_MARK = r"[/／—–―－\-]|无(?:(?![\u4e00-\u9fff])|(?=[一二三四五六七八九十]+、))|不适用"
# A unit after a number (984361元, 2笔: CELL_UNITS) is the cell's: inside the run it must be followed by
# the next cell (space or digit); at the end of the run only a money unit may be glued to the text after
# it (547.9659万元三、…), a counting word must stand apart (3个月 is not a cell with a unit).
_UNIT_ANY = "|".join(CELL_UNITS)
_MONEY = "|".join(u for u in CELL_UNITS if u.endswith("元"))
_UNIT_IN = rf"(?<=\d)(?:{_UNIT_ANY})(?=[ \t\u3000]*\d)"
_UNIT_END = rf"(?<=\d)[ \u3000]?(?:{_MONEY}|(?:{_UNIT_ANY})(?![\u4e00-\u9fff\d]))"
_VALUE_RUN = re.compile(rf"(?:\d|{_MARK})(?:[\d\s.,]|{_MARK}|{_UNIT_IN})*(?:{_UNIT_END})?")
_DIGIT_RUN = re.compile(rf"\d(?:[\d\s.,]|{_MARK}|{_UNIT_IN})*(?:{_UNIT_END})?")
_DATE_AFTER = re.compile(r"[年月日]")
_YEAR_END = re.compile(r"(?:19|20)\d\d$")


def _cut_narrative(t: str, vs: int, ve: int) -> tuple[int, int, str | None]:
    """Where a value run really ends when narrative text follows the table with no heading between
    (``…结转下年度继续办理2000002`` then ``2025年…``): a last chunk of digits glued to 年/月/日 is a
    date of the next sentence, not a cell. Returns the new end, where the cut digits start and what
    was cut (None: nothing)."""
    if not _DATE_AFTER.match(t, ve):
        return ve, ve, None
    run = t[vs:ve]
    ws = max(run.rfind(" "), run.rfind("\n"), run.rfind("\t"), run.rfind("\u3000"))
    if ws >= 0 and run[ws + 1 :].isdigit() and run[:ws].strip():
        return vs + ws, vs + ws + 1, run[ws + 1 :]
    m = _YEAR_END.search(run)
    if ws < 0 and m is not None and m.start() > 0:
        return vs + m.start(), vs + m.start(), m.group(0)
    return ve, ve, None


def _run_together(masked: str, a: int, b: int, tdef: TableDef) -> tuple[
        dict[str, Cell], list[Notice], tuple[int, int] | None, dict[str, list[list[str]]]]:
    from gsnlp.tables.runtogether import RunRow, solve

    view = NormalizedText.of(masked[a:b])
    t = view.text
    notices: list[Notice] = []
    if tdef.id == "review_litigation":
        head = max(t.rfind("总计"), t.rfind("审结"))
        m = _VALUE_RUN.search(t, head + 2 if head >= 0 else 0)
        if head < 0 or m is None:
            return {}, [Notice("tables.not_found", "table review_litigation: no values after the header")], None, {}
        ve, cs, cut = _cut_narrative(t, m.start(), m.end())
        if cut is not None:
            notices.append(_cut_notice(tdef.id, "*", cut, view, a, cs))
        run = t[m.start() : ve].rstrip()
        s0, s1 = view.span_to_source(m.start(), m.start() + len(run))
        res = solve(tdef.template, tdef.id, [RunRow("*", masked[a + s0 : a + s1], a + s0)])
        return res.cells, notices + list(res.notices), (a + view.to_source(max(head, 0)), a + s1), res.splits
    # locate every row's key in order
    pos = 0
    found: list[tuple[int, int, int]] = []  # (row index, key start, key end) in view offsets
    for i, row in enumerate(tdef.rows):
        best = None
        for key in row.keys + row.variants:
            pat = _key_pattern(key)
            km = pat.search(t, pos)
            while km is not None and row.id == "other.other" and t[km.end() : km.end() + 1] == "处":
                km = pat.search(t, km.start() + 1)
            if km is not None and (best is None or km.start() < best[0]):
                best = (km.start(), km.end(), key)
        if best is None:
            notices.append(Notice("tables.row_missing", f"table {tdef.id}: row {row.id} ({row.label}) not found",
                                  table=tdef.id, row=row.id))
            continue
        if best[2] in row.variants:  # the report's own wording, not a doubt of ours
            notices.append(Notice("tables.label_variant", f"table {tdef.id}: row {row.id} ({row.label}) is labelled "
                                  f"with the variant {best[2]!r}", a + view.to_source(best[0]),
                                  a + view.to_source(best[1]), "info", tdef.id, row.id))
        found.append((i, best[0], best[1]))
        pos = best[1]
    runs: list[RunRow] = []
    span: list[int] = []
    blank_rows: list[tuple[RowDef, int]] = []

    def blank(i: int, ke: int, nxt: int) -> None:
        """A printed row label with no value after it: the row exists and its cells are blank."""
        notices.append(Notice("tables.no_values", f"table {tdef.id} row {tdef.rows[i].id}: no value after its label; "
                              "its cells are blank", a + view.to_source(ke), a + view.to_source(nxt), "info",
                              table=tdef.id, row=tdef.rows[i].id))
        blank_rows.append((tdef.rows[i], a + view.to_source(ke)))

    for j, (i, ks, ke) in enumerate(found):
        nxt = found[j + 1][1] if j + 1 < len(found) else len(t)
        m = _VALUE_RUN.search(t, ke, nxt)
        if m is not None and not m.group(0)[0].isdigit() and t[ke : m.start()].strip():
            m = _DIGIT_RUN.search(t, ke, nxt)  # a marker inside later text (本年增/减) is not this row's cell
        if m is None:
            # the label runs straight into the next one with no digit: the row's cells are blank
            blank(i, ke, nxt)
            continue
        vs, ve = m.start(), m.end()
        ve, cs, cut = _cut_narrative(t, vs, ve)
        if cut is not None:
            notices.append(_cut_notice(tdef.id, tdef.rows[i].id, cut, view, a, cs))
        run = t[vs:ve]
        # the list number of the next label ("…31 2.没有现成…") is not a value
        if j + 1 < len(found):
            nrow = tdef.rows[found[j + 1][0]]
            stripped = run.rstrip()
            if stripped.endswith(".") and nrow.number is not None and stripped[:-1].endswith(str(nrow.number)):
                run = stripped[: -1 - len(str(nrow.number))]
            elif nrow.number is not None and re.match(r"[.．、]", t[ve : ve + 1]) and stripped.endswith(str(nrow.number)):
                run = stripped[: -len(str(nrow.number))]
        run = run.rstrip(" ,.\n\t\u3000")
        if not run:
            # only the next label's list number stands after this label ("…公开申请3.其他"): the row is
            # printed (its label is there) with no value, so its cells are blank, never absent
            blank(i, ke, nxt)
            continue
        s0, s1 = view.span_to_source(vs, vs + len(run))
        runs.append(RunRow(tdef.rows[i].id, masked[a + s0 : a + s1], a + s0))
        span += [a + view.to_source(ks), a + s1]
    if not runs:
        return {}, notices, None, {}
    res = solve(tdef.template, tdef.id, runs)
    cells = dict(res.cells)
    for row, at in blank_rows:
        for col in row.columns:
            cells[f"{row.id}/{col}"] = Cell("blank", "", None, at, at)
    return cells, notices + list(res.notices), (min(span), max(span)), res.splits


@lru_cache(maxsize=512)
def _key_pattern(key: str) -> re.Pattern[str]:
    """A row key that a line break (or spaces) of the extraction may cut anywhere: 行政查\n询事项."""
    # = [ \t\r\n\u3000]* between characters; a class mixing ASCII and U+3000 costs ~1 ms to compile, each
    return re.compile("[ \t\r\n]*(?:\u3000[ \t\r\n]*)*".join(map(re.escape, key)))


def _cut_notice(table_id: str, row_id: str, cut: str, view: NormalizedText, a: int, at: int) -> Notice:
    s0, s1 = view.span_to_source(at, at + len(cut))
    return Notice("tables.run_cut", f"table {table_id} row {row_id}: the digits {cut!r} after the row's values are "
                  "glued to a date of the text that follows the table; they are not read as a cell",
                  a + s0, a + s1, "info", table_id, None if row_id == "*" else row_id)


def drifted_totals(tdef: TableDef, cells: dict[str, Cell], notices: list[Notice]) -> dict[str, Cell]:
    """Doubt on a row total that drifted into the next row.

    Two neighbouring rows that each break their row identity (parts = total), and would both hold
    if their totals changed places, were most likely misplaced by the extraction or the crawler
    (``6100000`` then ``0000007`` where the table says 6 1 0 0 0 0 7 / 0 0 0 0 0 0 0). The values
    stay as read (never rewritten); both totals carry the doubt ``shifted`` and a notice names them,
    so the checks report our doubt, not the report's error.
    """
    if tdef.id != "applications":
        return cells
    from gsnlp.template.identities import identities

    row_ids = [i for i in identities(tdef.template, tdef.id) if i.family == "row"]
    cut = len(tdef.id) + 1

    def sums(ident: Identity) -> tuple[Decimal, Decimal] | None:
        sides = []
        for side in (ident.lhs, ident.rhs):
            total = Decimal(0)
            for addr in side:
                c = cells.get(addr[cut:])
                if c is None or c.value is None:
                    return None
                total += c.value
            sides.append(total)
        return sides[0], sides[1]

    out = dict(cells)
    for r1, r2 in zip(row_ids, row_ids[1:]):
        s1, s2 = sums(r1), sums(r2)
        if s1 is None or s2 is None or s1[0] == s1[1] or s2[0] == s2[1]:
            continue
        if s1[0] == s2[1] and s2[0] == s1[1]:
            t1, t2 = r1.rhs[0][cut:], r2.rhs[0][cut:]
            out[t1] = replace(out[t1], doubt="shifted")
            out[t2] = replace(out[t2], doubt="shifted")
            notices.append(Notice("tables.total_drifted", f"table {tdef.id}: the totals of rows {t1.split('/')[0]} "
                                  f"({out[t1].raw}) and {t2.split('/')[0]} ({out[t2].raw}) each fit the other row: "
                                  "a total may have drifted into the next row", out[t1].start, out[t2].end, "info",
                                  tdef.id, t1.split("/")[0], "total", (f"{tdef.id}/{t1}", f"{tdef.id}/{t2}")))
    return out
