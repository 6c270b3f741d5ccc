"""Hypothesis profiles of the fuzz suite, chosen with ``GSNLP_FUZZ_PROFILE``:

- ``ci`` (default): few examples per test, derandomized (the same inputs every run), so the
  whole folder takes well under three minutes on two cores;
- ``dev``: fewer still, for a quick look;
- ``long``: thousands of random examples per test (the experiment ``experiments/fuzz`` is the
  long run with a results table).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
           "print_blob": True}
settings.register_profile("ci", max_examples=50, derandomize=True, **_COMMON)
settings.register_profile("dev", max_examples=8, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=2000, derandomize=False, **_COMMON)

# Applied per test (``@FUZZ``), not loaded globally: other folders' Hypothesis tests keep theirs.
PROFILE = os.environ.get("GSNLP_FUZZ_PROFILE", "ci")
