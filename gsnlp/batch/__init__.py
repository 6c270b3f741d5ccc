"""Batch runs over a folder of reports: ``process_bytes`` per report (pure, cluster-ready),
``run_batch`` on a local process pool or on Ray, results as Parquet and DuckDB with a manifest."""

from __future__ import annotations

from gsnlp.batch.runner import BatchSummary, list_inputs, read_manifest_entries, run_batch
from gsnlp.batch.schema import TABLES, schemas
from gsnlp.batch.work import STAGE_NAMES, ReportResult, Stages, load_stages, process_bytes, report_id

__all__ = ["STAGE_NAMES", "TABLES", "BatchSummary", "ReportResult", "Stages", "list_inputs", "load_stages",
           "process_bytes", "read_manifest_entries", "report_id", "run_batch", "schemas"]
