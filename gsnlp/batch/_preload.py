"""Imported by the batch's fork server (``multiprocessing`` forkserver preload): loads the
stages named in ``GSNLP_BATCH_PRELOAD`` (JSON ``[stage names or null, model or null]``) once,
so that every worker forked from the server starts with them in memory. Never raises: a
worker that finds nothing loaded loads the stages itself."""

from __future__ import annotations

import json
import os

try:  # what every worker needs: Arrow for its spool files, Parquet for the final tables
    import numpy  # noqa: F401
    import pyarrow.ipc
    import pyarrow.parquet  # noqa: F401

    from gsnlp.batch.schema import schemas

    schemas()
except ImportError:
    pass
try:
    _spec = os.environ.get("GSNLP_BATCH_PRELOAD")
    if _spec:
        from gsnlp.batch.stages import load_stages

        _names, _model = json.loads(_spec)
        load_stages(tuple(_names) if _names is not None else None, _model)
except Exception:  # noqa: BLE001, S110 - only a head start; the worker does it again if this failed
    pass
