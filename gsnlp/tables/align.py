"""Rows of raw cells → template tables.

Rows are matched to template rows by their labels, in template order (a pointer that only
moves forward), so header cells such as 总计 or 其他 never steal a row: a short key may match
only a row close to the pointer. Values are the cells after a row's label (or, when the label
stands alone, the label-free rows that follow it). Merge placeholders never become blanks.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from typing import Any

from gsnlp.doc import ABSENT, Cell, Notice, Table
from gsnlp.normalize import normalize
from gsnlp.tables.cells import is_label, make_cell
from gsnlp.tables.grid import RawCell, RawRow
from gsnlp.tables.template import TABLE_IDS, RowDef, TableDef, table_def, table_template
from gsnlp.template.tables import _TABLES

_GROUPS = ("不予公开", "无法提供", "不予处理", "其他处理", "本年度办理结果")
_NUMBERING = re.compile(r"^[\s(（]*[一二三四五六七八九十\d]+[)）、.．\s]*")
WEAK_WINDOW = 3
_REVIEW_HEAD = re.compile(r"结果|维持|纠正|其他|尚未|审结|总计|复议|诉讼|起诉")


_CLEAN = re.compile(r"[\s\u00a0\u3000|#]+")
_THREE = re.compile(r"^[三]、")
_OTHER_ROW = re.compile(r"(^|[0-9][.、．]?)其他$")


@lru_cache(maxsize=16384)
def _clean(label: str) -> str:
    return _CLEAN.sub("", normalize(label))


def _cacheable(tdef: TableDef) -> bool:
    """The template's own definition (not a hand-made one): results may be cached by its ids."""
    return _TABLES.get((tdef.template, tdef.id)) is tdef


def is_group_header(label: str, tdef: TableDef) -> bool:
    if _cacheable(tdef):
        return _is_group_header(label, tdef.template, tdef.id)
    return _group_header(label, tdef)


@lru_cache(maxsize=16384)
def _is_group_header(label: str, template: str, table_id: str) -> bool:
    return _group_header(label, _TABLES[(template, table_id)])


def _group_header(label: str, tdef: TableDef) -> bool:
    core = _NUMBERING.sub("", _clean(label))
    core = _THREE.sub("", core)
    if core not in _GROUPS:
        return False
    groups = {r.group for r in tdef.rows if r.group}
    return core in groups or core == "本年度办理结果"


def _named(lab: str, tdef: TableDef) -> set[str]:
    """The template rows a cleaned label names by a strong key (more than two characters)."""
    return {r.id for r in tdef.rows for k in r.keys if len(k) > 2 and k in lab}


def match_row(label: str, tdef: TableDef, pointer: int) -> int | None:
    """Index of the template row this label names, searching forward from ``pointer``."""
    if _cacheable(tdef) and WEAK_WINDOW == 3:
        return _match_row_cached(label, tdef.template, tdef.id, pointer)
    return _match_row(label, tdef, pointer)


@lru_cache(maxsize=32768)
def _match_row_cached(label: str, template: str, table_id: str, pointer: int) -> int | None:
    return _match_row(label, _TABLES[(template, table_id)], pointer)


def _match_row(label: str, tdef: TableDef, pointer: int) -> int | None:
    lab = _clean(label)
    if not lab or is_group_header(lab, tdef):
        return None
    named = _named(lab, tdef)
    if len(named) >= 2:
        return None  # a header row naming several rows (项目|本年新收件数|上年结转件数|…)
    for i in range(pointer, len(tdef.rows)):
        row = tdef.rows[i]
        for key in row.keys + row.variants:
            if key in lab:
                weak = len(key) <= 2
                if weak and i - pointer > WEAK_WINDOW:
                    break
                if row.id == "other.other" and not _OTHER_ROW.search(lab):
                    break  # "其他" inside a longer label (法人或其他组织, 其他法律…) is not the row 3.其他
                if row.id == "total_processed" and len(lab) > 8:
                    break
                return i
    return None


def match_unfilled(label: str, tdef: TableDef, pointer: int, filled: set[str]) -> int | None:
    """A row behind the pointer that is still unfilled, named by a strong key or its exact label
    (reports whose extracted text puts rows out of order)."""
    lab = _clean(label)
    if not lab or is_group_header(lab, tdef):
        return None
    core = _NUMBERING.sub("", lab)
    for i in range(0, min(pointer, len(tdef.rows))):
        row = tdef.rows[i]
        if row.id in filled:
            continue
        if core == _NUMBERING.sub("", _clean(row.label)) or any(len(k) > 2 and k in lab for k in row.keys):
            if len(_named(lab, tdef)) <= 1:
                return i
    return None


def _fragment_of_next(label: str, tdef: TableDef, nxt: int | None) -> int | None:
    """A label cut by extraction ("行政机关不再处理其政府信息公") that is a piece of the next row's label."""
    if nxt is None:
        return None
    frag = _NUMBERING.sub("", _clean(label))
    if len(frag) < 6:
        return None
    return nxt if frag in _clean(tdef.rows[nxt].label) else None


def _ends(vals: list[RawCell]) -> tuple[int, int]:
    """How many cells with no text at all lead and trail ``vals`` (placeholders of merged columns)."""
    lead = 0
    while lead < len(vals) and vals[lead].text == "":
        lead += 1
    trail = 0
    while trail < len(vals) - lead and vals[len(vals) - 1 - trail].text == "":
        trail += 1
    return lead, trail


def _placeholder_shapes(rows: list[RawRow]) -> dict[tuple[int, int], tuple[int, int]]:
    """Per row shape (index of the last label cell, number of cells): the (leading, trailing)
    placeholder cells that rows of that shape with every value cell filled have, when all agree.

    Tab rows keep merged columns as empty cells around the values; in a row whose first or last
    value is blank, those ends alone cannot tell a placeholder from the blank cell, the full rows
    of the same shape can."""
    seen: dict[tuple[int, int], dict[int, set[tuple[int, int]]]] = {}
    for r in rows:
        live = [c for c in r if not c.merged]
        labels = [i for i, c in enumerate(live) if is_label(c.text)]
        if not labels:
            continue
        vals = live[labels[-1] + 1 :]
        lead, trail = _ends(vals)
        core = vals[lead : len(vals) - trail]
        if core and all(c.text.strip() for c in core):
            seen.setdefault((labels[-1], len(live)), {}).setdefault(len(core), set()).add((lead, trail))
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for k, by_len in seen.items():
        full = by_len[max(by_len)]  # the rows with the most value cells filled
        if len(full) == 1:
            out[k] = next(iter(full))
    return out


def _fit(values: list[RawCell], n: int, where: str, notices: list[Notice],
         shape: tuple[int, int] | None = None) -> tuple[list[RawCell | None], bool]:
    """Exactly n cells: drop empty placeholders at the ends when there are too many. ``shape``:
    the (leading, trailing) placeholders rows of this shape have. Second item: True when which
    end held the placeholders was a guess (a notice names the cells)."""
    vals = list(values)
    if shape is not None and len(vals) - shape[0] - shape[1] == n:
        lead, trail = _ends(vals)
        if lead >= shape[0] and trail >= shape[1]:
            return list(vals[shape[0] : len(vals) - shape[1]]), False
    lead, trail = _ends(vals)
    guessed = len(vals) > n and lead > 0 and trail > 0 and len(vals) - n < lead + trail
    def empty(c: RawCell) -> bool:
        return c.text == ""

    def spaces(c: RawCell) -> bool:
        return c.text.strip(" \t\u00a0\u3000") == ""

    for pred in (empty, spaces):
        while len(vals) > n and pred(vals[-1]):
            vals.pop()
        while len(vals) > n and pred(vals[0]):
            vals.pop(0)
    if len(vals) > n:
        extra = vals[n:]
        notices.append(Notice("tables.extra_cells", f"{where}: {len(vals)} cells where the template has {n}; "
                              f"cells beyond the {n}th ignored: {[c.text for c in extra]}",
                              extra[0].start, extra[-1].end))
        vals = vals[:n]
    out: list[RawCell | None] = list(vals)
    if len(out) < n:
        notices.append(Notice("tables.missing_cells", f"{where}: only {len(out)} cells where the template has {n}; "
                              "the last ones are absent", vals[0].start if vals else None,
                              vals[-1].end if vals else None))
        out += [None] * (n - len(out))
    return out, guessed


def _cell(rc: RawCell | None) -> Cell:
    if rc is None:
        return Cell("absent")
    return make_cell(rc.text, rc.start, rc.where)


def align_label_rows(rows: list[RawRow], tdef: TableDef, text: str | None = None
                     ) -> tuple[dict[str, Cell], list[Notice], tuple[int, int] | None]:
    """Align a row-label table (active_disclosure, applications). ``text`` is the source the cells'
    offsets point into (text layouts): an ambiguous cell's ``raw`` is the source at its span."""
    notices: list[Notice] = []
    cells: dict[str, Cell] = {}
    filled: set[str] = set()
    pointer = 0
    # pending: (row, values, pointer before the match, label cell)
    pending: tuple[RowDef, list[RawCell], int, RawCell] | None = None
    span: list[int] = []
    orphans: dict[str, int | None] = {}  # rows whose label stood alone (values elsewhere, or none): where it ends
    last = -1  # index of the row read last
    # Cells pushed out of their rows (PDF extraction puts a two-line cell above its table): lone
    # numbers met outside any row, each with the parenthetical note line that follows it, and the
    # rows that came out one cell short, both in reading order (see _recover_pushed_out).
    loose: list[list[Any]] = []  # [number cell, note text]
    loose_ok = True  # False once anything else stands outside the rows (then nothing is recovered)
    prev_loose = False
    shorts: list[tuple[RowDef, list[RawCell]]] = []
    shapes = _placeholder_shapes(rows)
    shape_of: dict[str, tuple[int, int]] = {}  # row id -> the shape of the one raw row its values came from
    row_doubt: dict[str, str] = {}  # row id -> why its reading is in doubt (Cell.doubt)

    def next_unfilled(after: int) -> int | None:
        for i in range(after + 1, len(tdef.rows)):
            if tdef.rows[i].id not in filled and (pending is None or tdef.rows[i].id != pending[0].id):
                return i
        return None

    def flush() -> None:
        nonlocal pending, pointer
        if pending is None:
            return
        row, vals, before, lab = pending
        pending = None
        if not vals:
            # a label with no values of its own (a line-broken label, a heading): not the row
            pointer = min(pointer, before) if before >= 0 else pointer
            orphans[row.id] = lab.end
            return
        n = len(row.columns)
        where = f"table {tdef.id} row {row.id}"
        fitted, guessed = _fit(vals, n, where, notices, shapes.get(shape_of.pop(row.id, (-1, -1))))
        if guessed:
            first_blank = next((c for c, rc in zip(row.columns, fitted)
                                if rc is not None and not rc.text.strip()), None)
            notices.append(Notice("tables.alignment_guess", f"{where}: empty cells at both ends of the row; which "
                                  "are merged-column placeholders and which are blank cells is a guess",
                                  vals[0].start, vals[-1].end, "info", tdef.id, row.id, first_blank,
                                  tuple(f"{tdef.id}/{row.id}/{c}" for c in row.columns)))
        short = [v for v in fitted if v is not None]
        if len(short) < n and n > 1 and short:
            # fewer cells than columns: which column is missing cannot be told, so no cell is
            # assigned a value by position; every cell may hold any of the row's values.
            cands = tuple(sorted({str(make_cell(v.text).value) for v in short if make_cell(v.text).kind == "number"}))
            s0, s1 = short[0].start, short[-1].end
            if text is not None and s0 is not None and s1 is not None:
                raw = text[s0:s1]
            else:  # no source text to point into: the cells' texts, and no span claimed
                raw, s0, s1 = " ".join(v.text.strip() for v in short), None, None
            for col in row.columns:
                cells[f"{row.id}/{col}"] = Cell("ambiguous", raw, None, s0, s1, cands, doubt="aligned")
            if len(short) == n - 1:
                shorts.append((row, short))
        else:
            why = "shifted" if guessed else row_doubt.get(row.id)
            for col, rc in zip(row.columns, fitted):
                c = _cell(rc)
                cells[f"{row.id}/{col}"] = replace(c, doubt=why) if why and c.kind != "absent" else c
        filled.add(row.id)
        if lab.start is not None:
            span.append(lab.start)
        for rc in short:
            if rc.end is not None:
                span.append(rc.end)

    for r in rows:
        live = [c for c in r if not c.merged]
        label_idx = [i for i, c in enumerate(live) if is_label(c.text)]
        was_loose, prev_loose = prev_loose, False
        if not label_idx and pending is None:
            filled_cells = [c for c in live if c.text.strip()]
            if len(filled_cells) == 1 and make_cell(filled_cells[0].text).kind == "number":
                loose.append([filled_cells[0], ""])
                prev_loose = True
            elif filled_cells:
                loose_ok = False
            continue
        if (was_loose and len(live) == 1 and _NOTE.match(live[0].text.strip())
                and match_row(live[0].text, tdef, pointer) is None
                and match_unfilled(live[0].text, tdef, pointer, filled) is None):
            loose[-1][1] = live[0].text.strip()
            continue  # the second line of a pushed-out cell: "（其中修订 16 件）"
        if not label_idx:
            if pending is not None:
                full = sum(1 for c in pending[1] if c.text.strip()) >= len(pending[0].columns)
                nxt = next_unfilled(last)
                if (full and nxt is not None and tdef.rows[nxt].id in orphans
                        and sum(1 for c in live if c.text.strip()) == len(tdef.rows[nxt].columns)):
                    # a label-free row after a complete one, where the next template row's label was
                    # met alone earlier: the extraction separated that row from its label
                    flush()
                    notices.append(Notice("tables.row_by_position", f"table {tdef.id}: a row without label is read as "
                                          f"{tdef.rows[nxt].id}, whose label stands apart from it in the text",
                                          live[0].start, live[-1].end, "info", tdef.id, tdef.rows[nxt].id))
                    row_doubt[tdef.rows[nxt].id] = "aligned"
                    pending = (tdef.rows[nxt], list(live), -1, live[0])
                    last = nxt
                    continue
                pending[1].extend(live)
                shape_of.pop(pending[0].id, None)
            continue
        label = "".join(live[i].text for i in label_idx)
        has_values = label_idx[-1] + 1 < len(live)
        m = match_row(label, tdef, pointer)
        if m is None and pending is not None and not pending[1]:
            # the same label again (a heading above its own table row): the row starts here
            if pointer > 0 and match_row(label, tdef, pointer - 1) == pointer - 1:
                pending = (pending[0], live[label_idx[-1] + 1 :], pending[2], pending[3])
                continue
            if not has_values and match_unfilled(label, tdef, pointer, filled) is None:
                continue  # the rest of a label broken over lines
        flush()
        m = match_row(label, tdef, pointer)  # the pointer may have moved back
        if m is None:
            back = match_unfilled(label, tdef, pointer, filled)
            if back is None and has_values:
                back = _fragment_of_next(label, tdef, next_unfilled(last))
                if back is not None:
                    notices.append(Notice("tables.label_fragment", f"table {tdef.id}: label fragment {label!r} read as "
                                          f"row {tdef.rows[back].id}, the next row of the template",
                                          live[label_idx[0]].start, live[label_idx[-1]].end, "info", tdef.id,
                                          tdef.rows[back].id))
                    row_doubt[tdef.rows[back].id] = "fuzzy_label"
            if back is not None:
                pending = (tdef.rows[back], live[label_idx[-1] + 1 :], -1, live[label_idx[0]])
                last = back
            else:
                vals = [c for c in live[label_idx[-1] + 1 :] if make_cell(c.text).kind == "number"]
                if vals:
                    # a row of numbers under a label the template does not have (a 2019-style
                    # 其他处理 row in a 2021 table): not read into any cell, but never dropped silently
                    notices.append(Notice("tables.row_unmatched",
                                          f"table {tdef.id}: row {label.strip()!r} with values "
                                          f"{' '.join(c.text.strip() for c in vals)} matches no row of the template; "
                                          "its numbers are not in the table", live[label_idx[0]].start,
                                          vals[-1].end, "warning"))
            continue
        last = m
        before = pointer
        pointer = m + 1
        variant = _variant_used(label, tdef.rows[m])
        if variant is not None:
            notices.append(Notice("tables.label_variant", f"table {tdef.id}: row {tdef.rows[m].id} "
                                  f"({tdef.rows[m].label}) is labelled with the variant {variant!r}", live[label_idx[0]].start,
                                  live[label_idx[-1]].end, "info", tdef.id, tdef.rows[m].id))
        pending = (tdef.rows[m], live[label_idx[-1] + 1 :], before, live[label_idx[0]])
        shape_of[tdef.rows[m].id] = (label_idx[-1], len(live))
    flush()
    if loose and loose_ok and len(loose) == len(shorts):
        span += _recover_pushed_out(tdef, shorts, loose, cells, notices)
    for row in tdef.rows:
        if row.id in filled:
            continue
        if row.id in orphans:
            # the row's label is printed but no value was found for it: the row is there, its cells
            # blank as far as we can read (a reading doubt: the extraction may have lost its values),
            # never a missing row
            at = orphans[row.id]
            notices.append(Notice("tables.no_values", f"table {tdef.id} row {row.id}: its label is printed with no "
                                  "value after it; its cells are read as blank", at, at, "info",
                                  table=tdef.id, row=row.id))
            for col in row.columns:
                cells[f"{row.id}/{col}"] = Cell("blank", "", None, at, at, doubt="no_values")
            continue
        notices.append(Notice("tables.row_missing", f"table {tdef.id}: row {row.id} ({row.label}) not found",
                              table=tdef.id, row=row.id))
    return cells, notices, (min(span), max(span)) if span else None


def _variant_used(label: str, row: RowDef) -> str | None:
    """The variant wording (RowDef.variants) a label names its row by, when none of its keys is in it."""
    lab = _clean(label)
    if any(k in lab for k in row.keys):
        return None
    return next((v for v in row.variants if v in lab), None)


_NOTE = re.compile(r"^[(（][^()（）]*[)）]$")
# Words of a cell's note that name its column (本年制发件数 counts new and revised documents;
# 本年废止件数 counts repealed ones, 宣布失效 and expired ones included).
_NOTE_COLUMN = {"issued": ("制发", "制定", "修订"), "repealed": ("废止", "失效"), "in_force": ("现行有效",)}


def _recover_pushed_out(tdef: TableDef, shorts: list[tuple[RowDef, list[RawCell]]], loose: list[list[Any]],
                        cells: dict[str, Cell], notices: list[Notice]) -> list[int]:
    """Put cells pushed out of their rows back, where only one reading is possible.

    Called when the lone numbers found outside the rows are exactly as many as the rows that are
    one cell short: the k-th lone number (reading order) belongs to the k-th short row. Its
    column is the one its note names (a word of _NOTE_COLUMN, one column only), or any column
    when every placement gives the row the same values. Otherwise the row stays ambiguous.
    Returns the offsets to add to the table's span.
    """
    span: list[int] = []
    for (row, short), (lone, note) in zip(shorts, loose):
        n = len(row.columns)
        named = [k for k, col in enumerate(row.columns) if any(w in note for w in _NOTE_COLUMN.get(col, ()))]
        readings = {tuple(c.text.strip() for c in short[:k] + [lone] + short[k:]) for k in range(n)}
        if len(named) == 1:
            k, why = named[0], f"its note {note!r} names that column"
        elif len(readings) == 1:
            k, why = 0, "every column gives the row the same values"
        else:
            continue
        fitted = short[:k] + [lone] + short[k:]
        for col, rc in zip(row.columns, fitted):
            c = _cell(rc)
            cells[f"{row.id}/{col}"] = replace(c, doubt="recovered") if c.kind != "absent" else c
        notices.append(Notice("tables.cell_recovered", f"table {tdef.id} row {row.id}: {n - 1} of {n} cells in the row; "
                              f"the value {lone.text.strip()!r} that stands apart from the rows (a cell pushed out by the "
                              f"extraction) is read as its {row.columns[k]} cell: {why}", lone.start, lone.end, "info",
                              tdef.id, row.id, row.columns[k]))
        if lone.start is not None:
            span.append(lone.start)
    return span


def align_review(rows: list[RawRow], tdef: TableDef) -> tuple[dict[str, Cell], list[Notice], tuple[int, int] | None]:
    """The review/litigation table: 15 values after the two-level header, in block order.

    Values are the cells after the last label of each row, and the cells of label-free rows;
    header rows (and sub-table headers when each block is its own small table) are skipped.
    A label that is not a header, met after values, ends the table (narrative follows).
    """
    notices: list[Notice] = []
    vals: list[RawCell] = []
    first_head: int | None = None
    for r in rows:
        live = [c for c in r if not c.merged]
        labels = [i for i, c in enumerate(live) if is_label(c.text)]
        if labels:
            if any(not _REVIEW_HEAD.search(normalize(live[i].text)) for i in labels) and vals:
                break
            if first_head is None and any(_REVIEW_HEAD.search(normalize(live[i].text)) for i in labels):
                first_head = live[labels[0]].start if live[labels[0]].start is not None else -1
            tail = live[labels[-1] + 1 :]
        else:
            tail = live
        if first_head is None:
            continue
        vals.extend(tail)
    if first_head is None:
        return {}, [Notice("tables.not_found", "table review_litigation: header (行政复议/行政诉讼) not found")], None
    addrs = tdef.addresses()
    fitted, _guessed = _fit(vals, len(addrs), "table review_litigation", notices)
    cells = {a: _cell(rc) for a, rc in zip(addrs, fitted)}
    ends = [c.end for c in fitted if c is not None and c.end is not None]
    return cells, notices, (first_head, max(ends)) if first_head >= 0 and ends else None


def align(rows: list[RawRow], tdef: TableDef, text: str | None = None
          ) -> tuple[dict[str, Cell], list[Notice], tuple[int, int] | None]:
    if tdef.id == "review_litigation":
        return align_review(rows, tdef)
    return align_label_rows(rows, tdef, text)


def complete(tdef: TableDef, cells: dict[str, Cell]) -> dict[str, Cell]:
    """Every template address, in template order; what was not read is absent."""
    addrs = _addresses(tdef.template, tdef.id) if _cacheable(tdef) else tdef.addresses()
    return {a: cells[a] if a in cells else ABSENT for a in addrs}


@lru_cache(maxsize=None)
def _addresses(template: str, table_id: str) -> tuple[str, ...]:
    return tuple(_TABLES[(template, table_id)].addresses())


def identify(rows: list[RawRow], template: str) -> str | None:
    """Which template table a grid is, by the labels it holds."""
    text = _clean("".join(c.text for r in rows for c in r if is_label(c.text)))
    scores = {}
    for tid in TABLE_IDS:
        tdef = table_def(template, tid)
        scores[tid] = sum(1 for row in tdef.rows if any(k in text for k in row.keys if len(k) > 2))
    scores["review_litigation"] = 3 * sum(1 for k in ("行政复议", "行政诉讼", "未经复议", "复议后起诉", "尚未审结") if k in text)
    if "申请人情况" in text or "本年新收" in text:
        scores["applications"] += 5
    if "第二十条" in text or "信息内容" in text:
        scores["active_disclosure"] += 5
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] >= 2 else None


def tables_from_grids(grids: list[list[RawRow]], template: str, text: str = "") -> dict[str, Table]:
    """Tables of a document whose reader found real table grids (HTML, DOCX, PDF).

    Grids of the same template table (a table continued on the next page, or split by the
    publisher) are joined in document order before alignment.
    """
    if template not in ("2021", "2019"):
        return {}
    by_table: dict[str, list[RawRow]] = {}
    for g in grids:
        tid = identify(g, template)
        if tid is None:
            continue
        by_table.setdefault(tid, []).extend(g)
    out: dict[str, Table] = {}
    for tid in TABLE_IDS:
        # the template is decided per table, by the headings and rows the grid itself prints
        version = grid_template(by_table[tid], tid, template) if tid in by_table else template
        tdef = table_def(version, tid)
        if tid not in by_table:
            out[tid] = Table(tid, version, complete(tdef, {}), found=False)
            continue
        cells, _notices, span = align(by_table[tid], tdef, text or None)
        out[tid] = Table(tid, version, complete(tdef, cells), True, span[0] if span else None,
                         span[1] if span else None, "grid")
    return out


def grid_template(rows: list[RawRow], table_id: str, template: str) -> str:
    """The template a grid of ``table_id`` follows (``gsnlp.template.tables.table_template``)."""
    return table_template(table_id, _clean("".join(c.text for r in rows for c in r)), template)


def align_notices(grids: list[list[RawRow]], template: str) -> list[Notice]:
    """The notices alignment raises for these grids (for readers that want to report them)."""
    notes: list[Notice] = []
    ids = [identify(g, template) for g in grids]
    joined: dict[str, list[RawRow]] = {}
    for g, tid in zip(grids, ids):
        if tid:
            joined.setdefault(tid, []).extend(g)
    versions = {tid: grid_template(rows, tid, template) for tid, rows in joined.items()}
    for g, tid in zip(grids, ids):
        if tid:
            notes.extend(align(g, table_def(versions[tid], tid))[1])
    return notes
