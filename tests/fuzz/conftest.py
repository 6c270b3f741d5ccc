"""Hypothesis profiles of the fuzz suite, chosen with ``GSNLP_FUZZ_PROFILE``:

- ``ci`` (default): few examples per test, derandomized (the same inputs every run), so the
  whole folder takes well under three minutes on two cores;
- ``dev``: fewer still, for a quick look;
- ``long``: thousands of random examples per test (the experiment ``experiments/fuzz`` is the
  long run with a results table).
"""

from __future__ import annotations

import os

import pytest

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
           "print_blob": True}
settings.register_profile("ci", max_examples=50, derandomize=True, **_COMMON)
settings.register_profile("dev", max_examples=8, derandomize=True, **_COMMON)
settings.register_profile("long", max_examples=2000, derandomize=False, **_COMMON)

# Applied per test (``@FUZZ``), not loaded globally: other folders' Hypothesis tests keep theirs.
PROFILE = os.environ.get("GSNLP_FUZZ_PROFILE", "ci")


# Tests that keep OCR on (the reader's default): the read-twice test, whose CI draws reach no OCR page
# (0 of its 50 inputs), so it costs nothing there and checks the default configuration.
OCR_ON = frozenset({"test_fuzz_json_round_trip_and_determinism"})


@pytest.fixture(autouse=True)
def _no_ocr(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """OCR off in the fuzz suite (but ``OCR_ON``), as in ``experiments/fuzz``, for speed: a mutated PDF
    whose text layer is gone (6 of 300 ``broken_pdf`` inputs, 2 of 300 ``byte_flips``) ends as
    E108 instead of seconds of OCR per page, which a CPU limit of 5 s would call a timeout. OCR has its
    own tests (tests/io/test_ocr_*.py) and experiment (experiments/ocr).

    The read-twice test's rare failures (3 of about 25 runs; again 3 of 36 runs here with OCR on, the
    one inspected on ``broken_docx`` seed 0) were not OCR: ``make_input`` re-zipped DOCX inputs with "now"
    as member timestamps, so an input built on both sides of a 2-second step had another
    ``source.sha256``. Fixed in ``gsnlp_fuzz._rezip`` (tests/fuzz/test_fuzz_inputs_repeatable.py);
    OCR sessions also run one thread each now (tests/io/test_ocr_determinism.py)."""
    if request.node.originalname in OCR_ON:
        monkeypatch.delenv("GSNLP_OCR", raising=False)
        return
    monkeypatch.setenv("GSNLP_OCR", "0")
