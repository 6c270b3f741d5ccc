"""Reports as rows of the output tables, the one projection the batch, the datasets and the
exports share: ``process_bytes`` (one input through the pipeline to a tuple per row of each
table, pure and cluster-ready), ``analysis_rows`` (the same for an analysis already run) and the
tables' declared schema (``schema.COLUMNS``, Arrow types)."""

from __future__ import annotations

from gsnlp.tabular.rows import (STAGE_NAMES, ReportResult, Stages, analysis_rows, finding_rows, load_stages,
                                process_bytes)
from gsnlp.tabular.schema import COLUMNS, TABLES, schemas, to_table

__all__ = ["COLUMNS", "STAGE_NAMES", "TABLES", "ReportResult", "Stages", "analysis_rows", "finding_rows", "load_stages",
           "process_bytes", "schemas", "to_table"]
