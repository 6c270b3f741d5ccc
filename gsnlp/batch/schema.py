"""The declared schema of every batch output table (Arrow types; DuckDB reads them as is).

Every child table is keyed by ``(report_id, seq)``: ``seq`` is the row's position among the
rows of its report, so the order of the output never depends on the order work finished in.
Numbers are kept exactly as strings (``value``) and, where they fit, as ``DECIMAL(38, 10)``
(``num``) for arithmetic in SQL; never as floats. Nested evidence is a JSON string.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

TABLES = ("reports", "sections", "cells", "figures", "findings", "clauses")
SCHEMA_VERSION = "gsnlp.batch/1"
NUM_SCALE = 10
_Q = Decimal(1).scaleb(-NUM_SCALE)


def num(v: Decimal | str | None) -> Decimal | None:
    """The value as DECIMAL(38, 10), or None when it does not fit exactly (the string stays)."""
    if v is None:
        return None
    try:
        d = Decimal(v)
        q = d.quantize(_Q)
    except (InvalidOperation, ValueError):
        return None
    if q != d or len(q.as_tuple().digits) > 38:
        return None
    return q


def schemas() -> dict[str, Any]:
    """``{table: pyarrow.Schema}``; pyarrow is imported here, not at module import."""
    return dict(_schemas())


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Any]:  # built once per process (Arrow schemas are immutable)
    import pyarrow as pa

    s, i32, i64, f64, b = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_()
    dec = pa.decimal128(38, NUM_SCALE)
    strs = pa.list_(pa.string())
    return {
        "reports": pa.schema([
            ("report_id", s), ("sha256", s), ("path", s), ("doc", s), ("format", s), ("encoding", s),
            ("status", s), ("agency", s), ("year", i32), ("template", s), ("title", s), ("period_start", s),
            ("period_end", s), ("published", s), ("n_chars", i64), ("sections", strs), ("tables_found", strs),
            ("layouts", strs), ("warning_codes", strs), ("n_figures", i32), ("n_findings_failed", i32),
            ("n_clauses", i32), ("stages", strs), ("stage_errors", strs),
        ]),
        "sections": pa.schema([
            ("report_id", s), ("seq", i32), ("section_id", s), ("number", s), ("title", s), ("start", i64),
            ("end", i64), ("body_start", i64), ("n_chars", i64), ("origin", s), ("confidence", pa.float64()),
        ]),
        "cells": pa.schema([
            ("report_id", s), ("seq", i32), ("table_id", s), ("template", s), ("address", s), ("row_id", s),
            ("column_id", s), ("kind", s), ("value", s), ("num", dec), ("raw", s), ("start", i64), ("end", i64),
            ("candidates", strs), ("where", s),
        ]),
        "figures": pa.schema([
            ("report_id", s), ("seq", i32), ("fig_id", s), ("section", s), ("start", i64), ("end", i64),
            ("text", s), ("value", s), ("num", dec), ("scale", i64), ("scaled", dec), ("unit", s), ("kind", s),
            ("approx", s), ("subject", s), ("predicate", s), ("channel", s), ("scope", s), ("period", s),
            ("polarity", s), ("parent", s), ("qualifies", s), ("item", i32), ("metric", s), ("metric_p", pa.float64()),
        ]),
        "findings": pa.schema([
            ("report_id", s), ("seq", i32), ("rule", s), ("rule_id", s), ("family", s), ("instance", s),
            ("status", s), ("severity", s), ("kind", s), ("origin", s), ("expected", s), ("observed", s),
            ("lenient", b), ("message", s), ("cells", strs), ("evidence", s), ("details", s),
        ]),
        "clauses": pa.schema([
            ("report_id", s), ("seq", i32), ("start", i64), ("end", i64), ("text", s), ("role", s),
            ("themes", strs), ("role_score", f64), ("scores", s), ("specificity", f64), ("model", s),
        ]),
    }
