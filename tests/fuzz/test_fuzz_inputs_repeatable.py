"""``make_input(family, seed)`` is a function of its arguments only: the read-twice determinism test
builds its input twice and compares the two reports, so an input that changes with the clock
(a DOCX re-zipped with "now" as member timestamps, 2-second steps) made that test fail now and
then with a different ``source.sha256`` and nothing wrong in gsnlp."""

from __future__ import annotations

import time

import pytest

from gsnlp_fuzz import FAMILIES, make_input


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_fuzz_input_does_not_depend_on_the_clock(family: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if "docx" in family:
        pytest.importorskip("docx")
    if "pdf" in family:
        pytest.importorskip("fpdf")
    first = [make_input(family, seed) for seed in range(4)]
    later = time.time() + 3 * 3600 + 7  # hours and odd seconds later: another zip timestamp
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: later)
        again = [make_input(family, seed) for seed in range(4)]
    assert again == first
