"""The cross-year pass of the batch reads each report back as its cross-year view
(``gsnlp.check.rules_years.years_view``: only the cells the ``cy.*`` rules read, no warnings), spooled
as JSON: the rules must give the same findings on it as on the whole report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

orjson = pytest.importorskip("orjson")


def _findings(reps: list[Any]) -> list[dict[str, Any]]:
    from gsnlp.pipeline import cross_year

    return [f.to_dict() for f in cross_year(reps)]


def _round_trip(reps: list[Any]) -> list[Any]:
    from gsnlp.check.rules_years import years_view
    from gsnlp.doc import Report

    return [Report.from_dict(orjson.loads(orjson.dumps(years_view(r).to_dict()))) for r in reps]


def test_view_same_findings_on_bundled_corpus() -> None:
    from gsnlp.io import read

    files = sorted(p for p in (ROOT / "corpora" / "reports").rglob("*")
                   if p.is_file() and not p.name.startswith("."))
    reps = []
    for p in files:
        try:
            reps.append(read(p))
        except Exception:  # noqa: BLE001 - inputs the batch fails are not in its cross-year pass either
            continue
    full = _findings(reps)
    rules = {f["rule"].rsplit(".", 1)[0] for f in full}
    assert {"cy.carry_over", "cy.anomaly", "cy.copied_text"} <= rules, rules  # the corpus exercises them
    views = _round_trip(reps)
    assert sum(len(t.cells) for r in views for t in r.tables.values()) < \
        sum(len(t.cells) for r in reps for t in r.tables.values()) / 5  # the view is small
    assert _findings(views) == full


def test_view_same_findings_on_synthetic_reports() -> None:
    from gsnlp.io import read_bytes
    from gsnlp.synth.generate import iter_reports

    reps = []
    for s in iter_reports(20261206, 150):
        reps.append(read_bytes(s.data, f"{s.doc}.{s.format}"))
    assert len(reps) >= 150
    full = _findings(reps)
    assert {"cy.carry_over", "cy.stock_flow", "cy.anomaly"} <= {f["rule"].rsplit(".", 1)[0] for f in full}
    assert _findings(_round_trip(reps)) == full
