"""The report model: one immutable source text, everything else a typed view onto it.

``Report.text`` is the decoded source, never changed. Sections, tables, cells and warnings
point into it with half-open character spans; their text is derived, never stored twice.
Every object round-trips losslessly through JSON (``to_dict``/``from_dict``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterator

from gsnlp.errors import SchemaError

SCHEMA = "gsnlp.report/1"
CELL_KINDS = ("number", "blank", "not_applicable", "text", "absent", "ambiguous")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into ``Report.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Sentence:
    """A narrative sentence: the half-open span ``[start, end)`` and the id of its section
    (``None`` outside every section, e.g. the preamble)."""

    start: int
    end: int
    section: str | None = None

    def text(self, source: str) -> str:
        return source[self.start : self.end]


def _at(spans: tuple[Sentence, ...], starts: list[int], pos: int) -> Sentence | None:
    from bisect import bisect_right

    i = bisect_right(starts, pos) - 1
    return spans[i] if i >= 0 and pos < spans[i].end else None


@dataclass(frozen=True, slots=True)
class Section:
    """One of the six template sections (or an extra one in old reports).

    ``start``/``end`` cover heading and body; ``body_start`` is where the body begins.
    """

    id: str
    title: str
    start: int
    end: int
    body_start: int
    number: str | None = None
    origin: str = "heading"  # "heading" (its heading was found) or "model" (placed by the segmenter model)
    confidence: float | None = None  # the model's mean probability over the span (origin "model")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "start": self.start, "end": self.end,
                "body_start": self.body_start, "number": self.number, "origin": self.origin,
                "confidence": self.confidence}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Section:
        return cls(d["id"], d["title"], d["start"], d["end"], d.get("body_start", d["start"]), d.get("number"),
                   d.get("origin", "heading"), d.get("confidence"))


@dataclass(frozen=True, slots=True)
class Cell:
    """One template cell as read from the report.

    ``kind`` is one of ``CELL_KINDS``; ``value`` is set only for ``number``. ``raw`` is the
    cell text as it stands in the source (for run-together digits: the digits this cell got).
    ``start``/``end`` locate ``raw`` in ``Report.text`` (None when absent or when the cell
    comes from a structure with no text span, then ``where`` says: an HTML/DOCX element path
    or a PDF page and box). ``candidates`` lists the possible values of an ambiguous cell.
    """

    kind: str
    raw: str = ""
    value: Decimal | None = None
    start: int | None = None
    end: int | None = None
    candidates: tuple[str, ...] = ()
    where: dict[str, Any] | None = None
    doubt: str | None = None
    """Why this reading is not certain (``None``: read without doubt): ``recovered`` (a cell put
    back from outside its row), ``fuzzy_label`` (the row label matched a variant loosely),
    ``aligned`` (columns placed by an alignment guess), ``no_values`` (a row label printed with no
    value found for it: blank as far as we can read), ``split`` (a run-together split chosen by
    the arithmetic among several), ``ocr`` (an OCR reading the arithmetic could not confirm), …
    A check never accuses the report on a cell with a doubt; it shows a reader notice instead."""
    unit: str | None = None
    """The unit printed in the cell after its number (``元``, ``万元``, ``笔``, …; None: none): ``value``
    is the number as printed (never converted) and ``raw`` keeps the unit."""

    def __post_init__(self) -> None:
        if self.kind not in CELL_KINDS:
            raise ValueError(f"unknown cell kind {self.kind!r}; expected one of {CELL_KINDS}")
        if (self.value is not None) != (self.kind == "number"):
            raise ValueError(f"a {self.kind} cell {'needs' if self.kind == 'number' else 'has no'} value")

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "value": None if self.value is None else str(self.value),
                             "raw": self.raw, "start": self.start, "end": self.end}
        if self.candidates:
            d["candidates"] = list(self.candidates)
        if self.where:
            d["where"] = self.where
        if self.doubt:
            d["doubt"] = self.doubt
        if self.unit:
            d["unit"] = self.unit
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Cell:
        v = d.get("value")
        return cls(d["kind"], d.get("raw", ""), None if v is None else Decimal(v), d.get("start"), d.get("end"),
                   tuple(d.get("candidates", ())), d.get("where"), d.get("doubt"), d.get("unit"))


ABSENT = Cell("absent")


@dataclass(frozen=True, slots=True)
class Table:
    """A template table: ``cells`` maps every address of the template to a Cell.

    ``found`` is False when the report has no such table (then every cell is absent).
    ``splits`` records, for run-together rows with more than one valid split, the candidate
    splits per row id (each a list of digit strings, one per column).
    """

    id: str
    template: str
    cells: dict[str, Cell]
    found: bool = True
    start: int | None = None
    end: int | None = None
    layout: str | None = None
    splits: dict[str, list[list[str]]] = field(default_factory=dict)

    def __getitem__(self, address: str) -> Cell:
        return self.cells[address]

    def value(self, address: str) -> Decimal | None:
        return self.cells[address].value

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"template": self.template, "found": self.found, "start": self.start, "end": self.end,
                             "layout": self.layout, "cells": {a: c.to_dict() for a, c in self.cells.items()}}
        if self.splits:
            d["splits"] = self.splits
        return d

    @classmethod
    def from_dict(cls, table_id: str, d: dict[str, Any]) -> Table:
        return cls(table_id, d["template"], {a: Cell.from_dict(c) for a, c in d["cells"].items()}, d.get("found", True),
                   d.get("start"), d.get("end"), d.get("layout"), d.get("splits", {}))


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning or info about the reading, with its place (``start``/``end`` into the text).

    The structured fields say what it is about — ``table`` (a table id), ``row`` (a row id),
    ``column`` (a column id), ``cells`` (full cell addresses) — so that code matches on them,
    never on the wording of ``message``.
    """

    code: str
    message: str
    start: int | None = None
    end: int | None = None
    severity: str = "warning"
    table: str | None = None
    row: str | None = None
    column: str | None = None
    cells: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message,
                             "start": self.start, "end": self.end}
        for k in ("table", "row", "column"):
            if getattr(self, k) is not None:
                d[k] = getattr(self, k)
        if self.cells:
            d["cells"] = list(self.cells)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Notice:
        return cls(d["code"], d["message"], d.get("start"), d.get("end"), d.get("severity", "warning"),
                   d.get("table"), d.get("row"), d.get("column"), tuple(d.get("cells", ())))


@dataclass(frozen=True, slots=True)
class Region:
    """Text that is not part of the report (crawler header, page chrome, footer, table markup)."""

    kind: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Region:
        return cls(d["kind"], d["start"], d["end"])


@dataclass(frozen=True, slots=True)
class Meta:
    agency: str | None = None
    year: int | None = None
    period_start: str | None = None
    period_end: str | None = None
    published: str | None = None
    template: str = "unknown"
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"agency": self.agency, "year": self.year, "period_start": self.period_start,
                "period_end": self.period_end, "published": self.published, "template": self.template,
                "title": self.title}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Meta:
        return cls(d.get("agency"), d.get("year"), d.get("period_start"), d.get("period_end"), d.get("published"),
                   d.get("template", "unknown"), d.get("title"))


@dataclass(frozen=True, slots=True)
class Source:
    path: str
    sha256: str
    format: str
    encoding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "format": self.format, "encoding": self.encoding}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Source:
        return cls(d["path"], d["sha256"], d["format"], d.get("encoding"))


@dataclass(frozen=True, slots=True)
class Report:
    """A parsed report. ``text`` is the immutable source text every span points into."""

    text: str
    source: Source
    meta: Meta = field(default_factory=Meta)
    sections: tuple[Section, ...] = ()
    tables: dict[str, Table] = field(default_factory=dict)
    regions: tuple[Region, ...] = ()
    warnings: tuple[Notice, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    """Views derived from the fields above, computed once on first use (never serialised;
    ``dataclasses.replace`` starts a new, empty one)."""

    @property
    def doc_id(self) -> str:
        """The file name of the source (memoised: the rules ask for it often)."""
        d = self._memo.get("doc_id")
        if d is None:
            from pathlib import PurePath

            d = self._memo["doc_id"] = PurePath(self.source.path).name
        return d

    def section(self, section_id: str) -> Section | None:
        for s in self.sections:
            if s.id == section_id:
                return s
        return None

    def section_text(self, section_id: str) -> str:
        s = self.section(section_id)
        return "" if s is None else self.text[s.body_start : s.end]

    def table_spans(self) -> list[tuple[int, int]]:
        return [(t.start, t.end) for t in self.tables.values() if t.found and t.start is not None and t.end is not None]

    def narrative_spans(self) -> Iterator[tuple[str | None, int, int]]:
        """The narrative, defined once: the whole text minus the template tables and the regions
        that are not the report (crawler header, page chrome, footers, markup), each piece as
        (section id, start, end); ``None`` outside every section (the preamble is narrative too).
        Figures, checks, themes and renderers all read the narrative from here."""
        n = len(self.text)
        cut = sorted(self.table_spans() + [(r.start, r.end) for r in self.regions])
        free: list[tuple[int, int]] = []
        pos = 0
        for a, b in cut:
            if a > pos:
                free.append((pos, a))
            pos = max(pos, b)
        if pos < n:
            free.append((pos, n))
        bounds = sorted((sec.start, sec.end, sec.id) for sec in self.sections)
        for a, b in free:
            cur = a
            for s0, s1, sid in bounds:
                if s1 <= cur or s0 >= b:
                    continue
                if s0 > cur:
                    yield None, cur, s0
                    cur = s0
                end = min(b, s1)
                if end > cur:
                    yield sid, cur, end
                cur = max(cur, end)
            if cur < b:
                yield None, cur, b

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The narrative's sentences (``gsnlp.segment.sentences``: ending at 。！？, a blank line or
        a new list item), each a span with its section id, in text order; computed once. Tables and
        non-report regions are not narrative, and a sentence never runs across a section boundary
        or a cut. Figures, checks and themes read sentence boundaries from here."""
        got = self._memo.get("sentences")
        if got is None:
            from gsnlp.segment.sentences import sentences as split

            got = tuple(Sentence(a, b, sid) for sid, lo, hi in self.narrative_spans()
                        for a, b in split(self.text, lo, hi))
            self._memo["sentences"] = got
        return got

    @property
    def clauses(self) -> tuple[Sentence, ...]:
        """The narrative's sentences split further at "；" (``gsnlp.segment.sentences.clauses``);
        computed once, from ``sentences``."""
        got = self._memo.get("clauses")
        if got is None:
            from gsnlp.segment.sentences import split_clauses

            got = tuple(Sentence(a, b, s.section) for s in self.sentences
                        for a, b in split_clauses(self.text, s.start, s.end))
            self._memo["clauses"] = got
        return got

    def sentence_at(self, pos: int) -> Sentence | None:
        """The narrative sentence that contains character ``pos`` (None in a table, a cut region
        or the space between sentences)."""
        return _at(self.sentences, self._starts("sentences"), pos)

    def clause_at(self, pos: int) -> Sentence | None:
        """The narrative clause (``clauses``) that contains character ``pos``, or None."""
        return _at(self.clauses, self._starts("clauses"), pos)

    def _starts(self, what: str) -> list[int]:
        key = what + "_starts"
        got = self._memo.get(key)
        if got is None:
            got = [s.start for s in getattr(self, what)]
            self._memo[key] = got
        return got

    def sentences_in(self, start: int, end: int) -> tuple[Sentence, ...]:
        """The narrative sentences that lie wholly inside ``[start, end)``."""
        return tuple(s for s in self.sentences if s.start >= start and s.end <= end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "source": self.source.to_dict(),
            "meta": self.meta.to_dict(),
            "sections": [s.to_dict() for s in self.sections],
            "tables": {k: t.to_dict() for k, t in self.tables.items()},
            "regions": [r.to_dict() for r in self.regions],
            "warnings": [w.to_dict() for w in self.warnings],
            "extra": self.extra,
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Report:
        if d.get("schema") != SCHEMA:
            raise SchemaError(f"expected schema {SCHEMA!r}, found {d.get('schema')!r}",
                              origin=str(d.get("source", {}).get("path", "<json>")))
        return cls(
            d["text"],
            Source.from_dict(d["source"]),
            Meta.from_dict(d["meta"]),
            tuple(Section.from_dict(s) for s in d["sections"]),
            {k: Table.from_dict(k, t) for k, t in d["tables"].items()},
            tuple(Region.from_dict(r) for r in d.get("regions", ())),
            tuple(Notice.from_dict(w) for w in d.get("warnings", ())),
            d.get("extra", {}),
        )
