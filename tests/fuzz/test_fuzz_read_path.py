"""Fuzzing the read path with Hypothesis: every family of generated and mutated inputs
(gsnlp_fuzz.FAMILIES) must end as a report or a GsnlpError, within time, with no silent number.

The profile (``GSNLP_FUZZ_PROFILE``: ci/dev/long) sets how many inputs each test draws.
"""

from __future__ import annotations

import pytest

pytest.importorskip("hypothesis")

from gsnlp_fuzz import (  # noqa: E402
    FAMILIES,
    check_input,
    coercions,
    fuzz_settings,
    make_input,
    roundtrip_faults,
    span_faults,
)
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from gsnlp.errors import GsnlpError  # noqa: E402
from gsnlp.io import read_bytes  # noqa: E402

FUZZ = fuzz_settings()
# PDF inputs cost ~0.3 s each to read and their seeds seconds to render: drawn less often in CI
CHEAP = sorted(f for f in FAMILIES if "pdf" not in f)
SEEDS = st.integers(min_value=0, max_value=10**6)


def _needs(family: str) -> None:
    if "docx" in family:
        pytest.importorskip("docx")
    if "html" in family or family in ("seed_corpus", "degenerate", "not_report"):
        pytest.importorskip("lxml")
    if "pdf" in family:
        pytest.importorskip("pdfplumber")
        pytest.importorskip("fpdf")


def _report(family: str, seed: int):  # type: ignore[no-untyped-def]
    _needs(family)
    data, name = make_input(family, seed)
    try:
        return read_bytes(data, name), name
    except GsnlpError as e:
        assert e.code and name in str(e), f"{family}/{seed}: error without code or file: {e!r}"
        return None, name


@FUZZ
@given(family=st.sampled_from(CHEAP), seed=SEEDS)
def test_fuzz_no_crash_no_timeout(family: str, seed: int) -> None:
    _needs(family)
    data, name = make_input(family, seed)
    out = check_input(data, name, seconds=5.0, determinism=False)
    assert out.kind not in ("crash", "timeout", "memory"), f"{family}/{seed}: {out}"


@FUZZ
@given(family=st.sampled_from(["seed_pdf", "broken_pdf"]), seed=st.integers(0, 10**6))
def test_fuzz_pdf_no_crash_no_timeout(family: str, seed: int) -> None:
    _needs(family)
    data, name = make_input(family, seed)
    out = check_input(data, name, seconds=10.0, determinism=False)
    assert out.kind not in ("crash", "timeout", "memory"), f"{family}/{seed}: {out}"


@FUZZ
@given(family=st.sampled_from(["number_forms", "restructure", "long_digits", "broken_docx", "encodings",
                               "seed_run_together", "seed_tab_rows", "seed_pipe_cells"]), seed=SEEDS)
def test_fuzz_no_silent_coercion(family: str, seed: int) -> None:
    """A cell read as a number was written with ASCII/full-width digits and has that value;
    a blank or "/" is never a number."""
    rep, name = _report(family, seed)
    if rep is not None:
        assert coercions(rep) == [], f"{family}/{seed}"


@FUZZ
@given(family=st.sampled_from(CHEAP), seed=SEEDS)
def test_fuzz_json_round_trip_and_determinism(family: str, seed: int) -> None:
    rep, name = _report(family, seed)
    if rep is None:
        return
    assert roundtrip_faults(rep) == []
    data, _ = make_input(family, seed)
    assert read_bytes(data, name).to_dict() == rep.to_dict(), f"{family}/{seed}: a second read differs"


@FUZZ
@given(family=st.sampled_from(["seed_tab_lines", "seed_markdown", "seed_corpus", "seed_html", "number_forms",
                               "restructure", "degenerate"]), seed=SEEDS)
def test_fuzz_spans_inside_the_text(family: str, seed: int) -> None:
    """Section and cell spans lie inside the text (the reader's part of the span contract)."""
    rep, _ = _report(family, seed)
    if rep is None:
        return
    outside = [f for f in span_faults(rep) if "outside" in f]
    assert outside == [], f"{family}/{seed}"


@FUZZ
@given(family=st.sampled_from(["broken_html", "broken_docx", "splice"]), seed=SEEDS)
def test_fuzz_cell_raw_is_the_text_at_its_span(family: str, seed: int) -> None:
    rep, _ = _report(family, seed)
    if rep is not None:
        assert span_faults(rep) == [], f"{family}/{seed}"
