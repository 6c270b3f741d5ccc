from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from gsnlp_corpus import CORPUS, GOLD, ROOT, corpus_file  # noqa: F401  (re-exported for fixtures)

# No model hub, ever: caches point at a temp folder and the hubs are offline.
_cache = tempfile.mkdtemp(prefix="gsnlp-test-cache-")
for var in ("HF_HOME", "HF_DATASETS_CACHE", "TRANSFORMERS_CACHE", "XDG_CACHE_HOME", "MPLCONFIGDIR"):
    os.environ.setdefault(var, os.path.join(_cache, var.lower()))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD
