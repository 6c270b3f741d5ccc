"""Findings: what a consistency rule says about one instance in one report.

A ``Finding`` is a frozen value with a lossless JSON round-trip (``to_dict``/``from_dict``).
Its evidence points at cells (``table/row/column`` addresses, with the cell's raw text and
source position) and at narrative spans (half-open character ranges into ``Report.text``),
never at free text alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gsnlp.errors import SchemaError

SCHEMA = "gsnlp.finding/1"
STATUSES = ("pass", "fail", "not_assessable")
SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
ORIGINS = ("source", "extraction")
# what sort of statement a finding makes; "scope" is a 口径 difference, never an arithmetic error
KINDS = ("consistency", "scope", "completeness", "structure", "plausibility", "info")

Value = Decimal | str | None


def _enc(v: Value) -> Any:
    if v is None:
        return None
    if isinstance(v, Decimal):
        return {"decimal": str(v)}
    return v


def _dec(v: Any) -> Value:
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, dict) and "decimal" in v:
        return Decimal(v["decimal"])
    raise SchemaError(f"bad finding value {v!r}; expected null, a string or {{'decimal': '…'}}")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: a table cell (``ref`` = its address) or a narrative span.

    ``kind`` is ``"cell"`` or ``"span"``. ``start``/``end`` locate it in ``Report.text`` when
    known (a PDF or HTML cell may have ``where`` instead). ``text`` is the raw text of the cell
    or the span as it stands in the source; ``value`` the number the check used (None when the
    cell is not a number). ``role`` says what the piece is in the rule (``total``, ``part``,
    ``claim``, ``previous_year`` …).
    """

    kind: str
    ref: str | None = None
    start: int | None = None
    end: int | None = None
    text: str = ""
    value: Decimal | None = None
    cell_kind: str | None = None
    role: str | None = None
    where: dict[str, Any] | None = None
    doc: str | None = None  # set when the evidence lies in another report (cy.* rules)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "ref": self.ref, "start": self.start, "end": self.end,
                             "text": self.text, "value": None if self.value is None else str(self.value)}
        if self.cell_kind is not None:
            d["cell_kind"] = self.cell_kind
        if self.role is not None:
            d["role"] = self.role
        if self.where:
            d["where"] = self.where
        if self.doc is not None:
            d["doc"] = self.doc
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Evidence:
        v = d.get("value")
        return cls(d["kind"], d.get("ref"), d.get("start"), d.get("end"), d.get("text", ""),
                   None if v is None else Decimal(v), d.get("cell_kind"), d.get("role"), d.get("where"), d.get("doc"))


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one rule on one instance (a column, a row, a claim) of one report.

    ``rule`` is the versioned rule id (``t3.identity.v1``); ``instance`` names the instance
    (``column total``); ``origin`` is set on failures: ``source`` (the report is most likely
    wrong) or ``extraction`` (our reading is suspect). ``lenient`` is True when the finding
    used the blank-as-zero mode. ``expected``/``observed`` are Decimals for numeric rules and
    short strings otherwise.
    """

    doc: str
    rule: str
    status: str
    severity: str
    message: str
    expected: Value = None
    observed: Value = None
    evidence: tuple[Evidence, ...] = ()
    origin: str | None = None
    kind: str = "consistency"
    instance: str = ""
    lenient: bool = False
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown finding status {self.status!r}; expected one of {STATUSES}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; expected one of {SEVERITIES}")
        if self.origin is not None and self.origin not in ORIGINS:
            raise ValueError(f"unknown origin {self.origin!r}; expected one of {ORIGINS}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}; expected one of {KINDS}")

    @property
    def rule_id(self) -> str:
        """The rule id without its version suffix (``t3.identity``)."""
        head, _, tail = self.rule.rpartition(".")
        return head if tail[:1] == "v" and tail[1:].isdigit() else self.rule

    @property
    def id(self) -> str:
        """A stable key of the finding within its report (rule, instance)."""
        return f"{self.rule}:{self.instance}" if self.instance else self.rule

    @property
    def failed(self) -> bool:
        return self.status == "fail"

    def cells(self) -> list[str]:
        return [e.ref for e in self.evidence if e.kind == "cell" and e.ref]

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "doc": self.doc,
            "rule": self.rule,
            "instance": self.instance,
            "status": self.status,
            "severity": self.severity,
            "kind": self.kind,
            "expected": _enc(self.expected),
            "observed": _enc(self.observed),
            "evidence": [e.to_dict() for e in self.evidence],
            "origin": self.origin,
            "lenient": self.lenient,
            "message": self.message,
            "details": self.details,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        if d.get("schema", SCHEMA) != SCHEMA:
            raise SchemaError(f"expected schema {SCHEMA!r}, found {d.get('schema')!r}", origin=str(d.get("doc")))
        return cls(d["doc"], d["rule"], d["status"], d["severity"], d.get("message", ""), _dec(d.get("expected")),
                   _dec(d.get("observed")), tuple(Evidence.from_dict(e) for e in d.get("evidence", ())),
                   d.get("origin"), d.get("kind", "consistency"), d.get("instance", ""), bool(d.get("lenient")),
                   d.get("details", {}))
