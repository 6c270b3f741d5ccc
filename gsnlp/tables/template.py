"""The template tables (re-exported): defined once in :mod:`gsnlp.template.tables`; the arithmetic
between cells in :mod:`gsnlp.template.identities`."""

from __future__ import annotations

from gsnlp.template.tables import (  # noqa: F401 - re-exported
    _TABLES,
    ACTIVE_COLUMNS,
    APPLICANT_COLUMNS,
    CELL_UNITS,
    COLUMN_VARIANTS,
    LEGAL_PERSON_COLUMNS,
    REVIEW_COLUMNS,
    TABLE_ANCHORS,
    TABLE_IDS,
    TEMPLATES,
    RowDef,
    TableDef,
    addresses,
    column_label,
    column_labels,
    result_rows,
    table_def,
    table_template,
)

__all__ = ["ACTIVE_COLUMNS", "APPLICANT_COLUMNS", "COLUMN_VARIANTS", "LEGAL_PERSON_COLUMNS", "REVIEW_COLUMNS",
           "TABLE_ANCHORS", "TABLE_IDS", "TEMPLATES", "RowDef", "TableDef", "addresses", "column_label",
           "column_labels", "result_rows", "table_def", "CELL_UNITS", "table_template"]
