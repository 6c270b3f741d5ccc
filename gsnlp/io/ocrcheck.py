"""The template's arithmetic checks the digits OCR read: no silent wrong number.

``check_ocr(report)`` takes a report read by OCR (``report.extra["ocr"]``) and returns it with
every cell the arithmetic cannot vouch for marked:

- The identities are the run-together solver's (``gsnlp.tables.runtogether``): each row's
  total = natural person + the legal-person columns (表三) and total = the four outcomes (表四),
  新收 + 上年结转 = 办理结果总计 + 结转下年度 per column, and 办理结果总计 = the sum of the result
  rows per column.
- A number that takes part in an identity which holds, and in none that fails, is confirmed.
- Where an identity fails, the cells of the failing identities are tried with their
  confusable readings (one glyph changed: 0↔6↔8, 1↔7, 3↔8, 5↔6, and letters OCR gives for
  digits: o→0, l→1, S→5, B→8 …). A reading that makes every identity of its cell hold is a
  candidate: the cell becomes ``ambiguous`` with the candidates (the OCR reading included, so
  the value is never rewritten silently) and doubt ``ocr``. Where no single changed glyph explains
  the failure, every cell of the failing identities keeps its reading with doubt ``ocr``.
- A cell in no identity that can be evaluated (表二, or a row with a blank) gets doubt ``ocr`` when
  its OCR confidence is below ``MIN_CONFIDENCE`` or its text holds a glyph that is not a digit.
- A text cell whose glyphs read as digits through the letter map (``o`` for ``0``) becomes
  ``ambiguous`` with that reading as the candidate; any other text cell gets doubt ``ocr`` (a
  stray glyph where a value stands), and so does an absent cell of a table that was found (its
  row label was not recognised).

Each marked cell has a notice (``ocr.doubt`` or ``ocr.ambiguous``) naming the table, row,
column, the reading, the OCR confidence and the candidates. ``extra["ocr"]["check"]`` counts
confirmed, doubtful and ambiguous cells.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

from gsnlp.doc import Cell, Notice, Report, Table

MIN_CONFIDENCE = 0.95
"""OCR confidence under which a cell that no identity checks carries a doubt."""

CONFUSABLE: dict[str, str] = {"0": "68", "6": "085", "8": "063", "1": "7", "7": "1", "3": "8", "5": "6", "9": "8"}
"""Digits OCR confuses, each with the digits it may really be."""

LETTER_DIGITS: dict[str, str] = {"o": "0", "O": "0", "D": "0", "Q": "0", "〇": "0", "l": "1", "I": "1", "i": "1",
                                 "|": "1", "]": "1", "[": "1", "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8",
                                 "g": "9", "q": "9", "b": "6", "G": "6", "口": "0", "○": "0"}
"""Glyphs OCR gives for digits in a number cell."""

_NUMBER_TABLES = ("applications", "review_litigation", "active_disclosure")


def _digits_reading(raw: str) -> str | None:
    """``raw`` with letter look-alikes read as digits, if that makes a plain number."""
    t = "".join(LETTER_DIGITS.get(c, c) for c in raw.replace(",", "").replace(" ", ""))
    return t if t.isdigit() and len(t) <= 9 else None


def _variants(raw: str) -> set[str]:
    """Readings of ``raw`` with one glyph changed to a confusable digit."""
    base = _digits_reading(raw)
    if base is None:
        return set()
    out = {base} if base != raw else set()
    for i, ch in enumerate(base):
        for alt in CONFUSABLE.get(ch, ""):
            v = base[:i] + alt + base[i + 1:]
            if len(v) > 1 and v[0] == "0":
                continue
            out.add(v)
    out.discard(raw)
    return out


def _value(c: Cell) -> Decimal | None:
    return c.value if c.kind == "number" else None


def _holds(cons: Any, vals: dict[str, Decimal | None]) -> bool | None:
    """Whether a constraint holds (None: a cell of it is not a number)."""
    total = Decimal(0)
    for a, sign in cons.terms():
        v = vals.get(a)
        if v is None:
            return None
        total += sign * v
    return total == 0


def _conf(c: Cell) -> float | None:
    w = c.where or {}
    v = w.get("ocr_confidence")
    return float(v) if isinstance(v, (int, float)) else None


def check_table(table: Table, template: str) -> tuple[Table, list[Notice], dict[str, int]]:
    """One table's cells marked by the arithmetic (see the module docstring)."""
    from gsnlp.tables.runtogether import _constraints

    cons = list(_constraints(template, table.id)) if table.id in ("applications", "review_litigation") else []
    cons = [k for k in cons if all(a in table.cells for a, _ in k.terms())]
    cells = dict(table.cells)
    vals = {a: _value(c) for a, c in cells.items()}
    status = {k.name: _holds(k, vals) for k in cons}
    by_cell: dict[str, list[Any]] = {}
    for k in cons:
        for a, _ in k.terms():
            by_cell.setdefault(a, []).append(k)
    failing = [k for k in cons if status[k.name] is False]
    suspects = {a for k in failing for a, _ in k.terms()}
    notices: list[Notice] = []
    counts = {"cells": 0, "confirmed": 0, "doubt": 0, "ambiguous": 0}

    def fixes(a: str) -> list[str]:
        c = cells[a]
        out = []
        for v in sorted(_variants(c.raw)):
            try:
                dv = Decimal(v)
            except InvalidOperation:
                continue
            trial = dict(vals)
            trial[a] = dv
            mine = by_cell.get(a, [])
            if mine and all(_holds(k, trial) is True for k in mine) and any(status[k.name] is False for k in mine):
                out.append(v)
        return out

    for a, c in cells.items():
        if c.kind == "absent":
            if table.found:  # its row label was not recognised: OCR may have misread it
                cells[a] = dataclasses.replace(c, doubt="ocr")
                counts["doubt"] += 1
            continue
        if c.where is None:
            continue
        counts["cells"] += 1
        conf = _conf(c)
        mine = by_cell.get(a, [])
        ok = [k for k in mine if status[k.name] is True]
        bad = [k for k in mine if status[k.name] is False]
        where = f"table {table.id} row {a.split('/')[0]} column {a.split('/')[-1]}"
        conf_txt = "" if conf is None else f", OCR confidence {conf:.2f}"
        if c.kind == "text":
            reading = _digits_reading(c.raw)
            if reading is not None:
                cands = (reading,)
                cells[a] = dataclasses.replace(c, kind="ambiguous", value=None, candidates=cands, doubt="ocr")
                counts["ambiguous"] += 1
                notices.append(_notice("ocr.ambiguous", f"{where}: OCR read {c.raw!r}{conf_txt}; a number cell: "
                                       f"read as {reading}? check the scan", c, table.id, a))
            else:  # a stray glyph where a value stands: OCR may have misread a digit
                cells[a] = dataclasses.replace(c, doubt="ocr")
                counts["doubt"] += 1
                notices.append(_notice("ocr.doubt", f"{where}: OCR read {c.raw!r}{conf_txt} where a value "
                                       "stands: check the scan", c, table.id, a))
            continue
        if c.kind != "number":
            if c.kind == "blank" and any(status[k.name] is None for k in mine) and any(
                    vals.get(b) is not None for k in mine for b, _ in k.terms()):
                cells[a] = dataclasses.replace(c, doubt="ocr")
                counts["doubt"] += 1
                notices.append(_notice("ocr.doubt", f"{where}: blank in a row of numbers; OCR may have missed a "
                                       "digit here: check the scan", c, table.id, a))
            continue
        if a in suspects:
            cand = fixes(a)
            if cand:
                cells[a] = dataclasses.replace(c, kind="ambiguous", value=None, candidates=tuple(cand) + (c.raw,),
                                               doubt="ocr")
                counts["ambiguous"] += 1
                notices.append(_notice("ocr.ambiguous", f"{where}: OCR read {c.raw}{conf_txt}, which breaks "
                                       f"{', '.join(k.name for k in bad)}; {' or '.join(cand)} would make it hold: "
                                       "check the scan", c, table.id, a))
            else:
                cells[a] = dataclasses.replace(c, doubt="ocr")
                counts["doubt"] += 1
                notices.append(_notice("ocr.doubt", f"{where}: OCR read {c.raw}{conf_txt}; "
                                       f"{', '.join(k.name for k in failing if a in {x for x, _ in k.terms()})} "
                                       "does not hold and no single confusable glyph explains it: check the scan",
                                       c, table.id, a))
            continue
        if ok:
            counts["confirmed"] += 1
            continue
        odd = any(not ch.isdigit() for ch in c.raw if ch not in ",.")
        if (conf is not None and conf < MIN_CONFIDENCE) or odd:
            cells[a] = dataclasses.replace(c, doubt="ocr")
            counts["doubt"] += 1
            notices.append(_notice("ocr.doubt", f"{where}: OCR read {c.raw}{conf_txt} and no identity of the "
                                   "template checks this cell: check the scan", c, table.id, a))
    return dataclasses.replace(table, cells=cells), notices, counts


def _notice(code: str, message: str, c: Cell, table: str, address: str) -> Notice:
    row, _, col = address.rpartition("/")
    return Notice(code, message, c.start, c.end, "warning", table, row, col, (f"{table}/{address}",))


def check_ocr(report: Report) -> Report:
    """``report`` with its OCR cells checked by the template arithmetic (unchanged when not OCR'd)."""
    ocr = report.extra.get("ocr") if isinstance(report.extra, dict) else None
    if not ocr:
        return report
    tables = dict(report.tables)
    notices: list[Notice] = []
    total = {"cells": 0, "confirmed": 0, "doubt": 0, "ambiguous": 0}
    for tid in _NUMBER_TABLES:
        t = tables.get(tid)
        if t is None or not t.found:
            continue
        nt, ns, counts = check_table(t, report.meta.template)
        tables[tid] = nt
        notices += ns
        for k, v in counts.items():
            total[k] += v
    extra = dict(report.extra)
    extra["ocr"] = {**ocr, "check": total}
    return dataclasses.replace(report, tables=tables, warnings=tuple(report.warnings) + tuple(notices), extra=extra)


__all__ = ["check_ocr", "check_table", "CONFUSABLE", "LETTER_DIGITS", "MIN_CONFIDENCE"]
