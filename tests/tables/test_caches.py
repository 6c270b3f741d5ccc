"""The parser's caches (keyed by cell text, label, run digits) give what the uncached code gives,
and never carry one report's offsets into another."""

from __future__ import annotations

from gsnlp_corpus import CORPUS

import gsnlp
from gsnlp.tables import align as A
from gsnlp.tables import runtogether as rt
from gsnlp.tables.cells import _classify, is_label, make_cell
from gsnlp.tables.template import TABLE_IDS, table_def


def test_split_cache_keeps_offsets_per_call() -> None:
    rows_a = [rt.RunRow("new_received", "801000081", 100)]
    rows_b = [rt.RunRow("new_received", "801000081", 500)]
    a = rt.solve("2021", "applications", rows_a)
    b = rt.solve("2021", "applications", rows_b)
    rt._split.cache_clear()
    rt._lexed.cache_clear()
    c = rt.solve("2021", "applications", rows_b)
    assert b.cells == c.cells and b.splits == c.splits and b.notices == c.notices
    for addr, cell in a.cells.items():
        other = b.cells[addr]
        assert (cell.kind, cell.value, cell.raw, cell.candidates) == (other.kind, other.value, other.raw, other.candidates)
        if cell.start is not None:
            assert other.start == cell.start + 400 and other.end == cell.end + 400


def test_cached_row_matching_equals_the_plain_code() -> None:
    labels = set()
    for p in sorted(CORPUS.glob("*/*")):
        if p.suffix in (".txt", ".md"):
            labels.update(x.strip() for x in p.read_text(encoding="utf-8").splitlines() if 0 < len(x.strip()) < 60)
    for template in ("2021", "2019"):
        for tid in TABLE_IDS:
            tdef = table_def(template, tid)
            for lab in labels:
                for pointer in (0, 3, 12):
                    assert A.match_row(lab, tdef, pointer) == A._match_row(lab, tdef, pointer)
                assert A.is_group_header(lab, tdef) == A._group_header(lab, tdef)


def test_make_cell_cache_keeps_spans() -> None:
    a = make_cell(" 12 ", 10)
    b = make_cell(" 12 ", 50)
    assert (a.kind, a.value, a.start, a.end) == ("number", 12, 11, 13)
    assert (b.kind, b.value, b.start, b.end) == ("number", 12, 51, 53)
    assert _classify("—") == ("not_applicable", None, None) and _classify("其他") == ("text", None, None)
    assert is_label("行政许可") and not is_label("不适用") and not is_label("152.2万元")


def test_reading_twice_gives_the_same_report() -> None:
    for p in sorted(CORPUS.glob("*/*")):
        if p.suffix in (".txt", ".md"):
            assert gsnlp.read(p).to_dict() == gsnlp.read(p).to_dict()
