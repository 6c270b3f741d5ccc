"""The declared schema of every batch output table (Arrow types; DuckDB reads them as is).

Every child table is keyed by ``(report_id, seq)``: ``seq`` is the row's position among the
rows of its report, so the order of the output never depends on the order work finished in (the
batch writes its reports in path order, a report's rows by ``seq``).
Numbers are kept exactly as strings (``value``) and, where they fit, as ``DECIMAL(38, 10)``
(``num``) for arithmetic in SQL; never as floats. Nested evidence is a JSON string.
``reports.agency`` is the name as the report writes it, ``agency_canonical`` that agency's
canonical name (``gsnlp.agency``: one name across the years).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

TABLES = ("reports", "sections", "cells", "figures", "findings", "clauses")
SCHEMA_VERSION = "gsnlp.batch/2"
NUM_SCALE = 10
_Q = Decimal(1).scaleb(-NUM_SCALE)

_S, _I32, _I64, _F64, _B, _DEC, _STRS = "s", "i32", "i64", "f64", "b", "dec", "strs"
COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "reports": (("report_id", _S), ("sha256", _S), ("path", _S), ("doc", _S), ("format", _S), ("encoding", _S),
                ("status", _S), ("agency", _S), ("agency_canonical", _S), ("year", _I32), ("template", _S),
                ("title", _S), ("period_start", _S), ("period_end", _S), ("published", _S), ("n_chars", _I64),
                ("sections", _STRS), ("tables_found", _STRS), ("layouts", _STRS), ("warning_codes", _STRS),
                ("n_figures", _I32), ("n_findings_failed", _I32), ("n_clauses", _I32), ("stages", _STRS),
                ("stage_errors", _STRS)),
    "sections": (("report_id", _S), ("seq", _I32), ("section_id", _S), ("number", _S), ("title", _S),
                 ("start", _I64), ("end", _I64), ("body_start", _I64), ("n_chars", _I64), ("origin", _S),
                 ("confidence", _F64)),
    "cells": (("report_id", _S), ("seq", _I32), ("table_id", _S), ("template", _S), ("address", _S), ("row_id", _S),
              ("column_id", _S), ("kind", _S), ("value", _S), ("num", _DEC), ("raw", _S), ("start", _I64),
              ("end", _I64), ("candidates", _STRS), ("where", _S)),
    "figures": (("report_id", _S), ("seq", _I32), ("fig_id", _S), ("section", _S), ("start", _I64), ("end", _I64),
                ("text", _S), ("value", _S), ("num", _DEC), ("scale", _I64), ("scaled", _DEC), ("unit", _S),
                ("kind", _S), ("approx", _S), ("subject", _S), ("predicate", _S), ("channel", _S), ("scope", _S),
                ("period", _S), ("polarity", _S), ("parent", _S), ("qualifies", _S), ("item", _I32), ("metric", _S),
                ("metric_p", _F64)),
    "findings": (("report_id", _S), ("seq", _I32), ("rule", _S), ("rule_id", _S), ("family", _S), ("instance", _S),
                 ("status", _S), ("severity", _S), ("kind", _S), ("origin", _S), ("expected", _S), ("observed", _S),
                 ("lenient", _B), ("message", _S), ("cells", _STRS), ("evidence", _S), ("details", _S)),
    "clauses": (("report_id", _S), ("seq", _I32), ("start", _I64), ("end", _I64), ("text", _S), ("role", _S),
                ("themes", _STRS), ("role_score", _F64), ("scores", _S), ("specificity", _F64), ("model", _S)),
}


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


def final_schemas() -> dict[str, Any]:
    """The schemas of the batch's final tables: those of ``schemas()``, and ``reports`` also has
    ``duplicate_of`` (the report id of the copy kept when the report is one published in several
    formats), which only the final step, seeing every report, can fill."""
    import pyarrow as pa

    out = schemas()
    out["reports"] = out["reports"].append(pa.field("duplicate_of", pa.string()))
    return out


@lru_cache(maxsize=1)
def _schemas() -> dict[str, Any]:  # built once per process (Arrow schemas are immutable)
    import pyarrow as pa

    types = {_S: pa.string(), _I32: pa.int32(), _I64: pa.int64(), _F64: pa.float64(), _B: pa.bool_(),
             _DEC: pa.decimal128(38, NUM_SCALE), _STRS: pa.list_(pa.string())}
    return {t: pa.schema([(n, types[k]) for n, k in cols]) for t, cols in COLUMNS.items()}


@lru_cache(maxsize=1)  # once per process: pyarrow remembers the answer
def arrow_without_pandas() -> None:
    """Let this process's pyarrow convert lists without importing pandas (0.3 s of CPU): its first
    conversion imports pandas only to ask whether the input is a pandas object, which a list is
    not. With that one import refused, pyarrow notes "no pandas" and converts as before; a later
    ``to_pandas()`` still imports it. Called only in the batch's own processes (workers, final step)."""
    import sys

    import pyarrow as pa

    class _Refuse:
        @staticmethod
        def find_spec(name: str, *_: Any) -> None:
            if name == "pandas":
                raise ImportError("not needed to convert lists")

    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _Refuse)  # type: ignore[arg-type]
        try:
            pa.array([])
        finally:
            sys.meta_path.remove(_Refuse)  # type: ignore[arg-type]


def to_table(table: str, rows: list[tuple[Any, ...]]) -> Any:
    """Row tuples (in the schema's column order) as one Arrow table, converted by Arrow in one
    pass (a struct array). Where a decimal does not fit exactly, that column is converted value
    by value (``num``: None there; the string column keeps the value)."""
    import pyarrow as pa

    sch = _schemas()[table]
    try:
        return pa.Table.from_struct_array(pa.array(rows, type=pa.struct(list(sch))))
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        cols = list(zip(*rows))
        dec = [k for k, f in enumerate(sch) if pa.types.is_decimal(f.type)]
        return pa.Table.from_arrays([pa.array([num(v) for v in c] if k in dec else c, type=f.type)
                                     for k, (f, c) in enumerate(zip(sch, cols))], schema=sch)
