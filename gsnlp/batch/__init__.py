"""Batch runs over a folder of reports: ``gsnlp.tabular.process_bytes`` per report on a local
process pool or on Ray (``run_batch``), results as Parquet and DuckDB with a manifest."""

from __future__ import annotations

from gsnlp.batch.runner import BatchSummary, list_inputs, read_manifest_entries, run_batch

__all__ = ["BatchSummary", "list_inputs", "read_manifest_entries", "run_batch"]
