from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def corpus_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus (corpora/reports) through ``gsnlp batch``, once per session."""
    pytest.importorskip("pyarrow")
    pytest.importorskip("duckdb")
    from gsnlp.batch import run_batch

    out = tmp_path_factory.mktemp("corpus-batch")
    run_batch(ROOT / "corpora" / "reports", out, workers=1, progress=False)
    return out
