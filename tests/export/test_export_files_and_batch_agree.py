"""An export from report files and one from a ``gsnlp batch`` output of the same files read the
reports through one projection (``gsnlp.tabular``): the same reports, cells, figures and per-report
findings. (Cross-year findings differ by design: the batch counts a report published in two
formats once, a file export checks every file.)"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from gsnlp_corpus import CORPUS

pytest.importorskip("pyarrow")
pytest.importorskip("duckdb")


def test_files_and_batch_give_the_same_data(tmp_path: Path) -> None:
    from gsnlp.batch import run_batch
    from gsnlp.export import collect, from_batch

    s = run_batch(CORPUS, tmp_path / "b", workers=2, stages=("parse", "figures", "check"), progress=False)
    assert s.n_failed == 0
    a, b = collect([str(CORPUS)]), from_batch(tmp_path / "b")
    ra = {r.report_id: r for r in a.reports}
    rb = {r.report_id: r for r in b.reports}
    assert ra.keys() == rb.keys() and len(ra) == s.n_ok - s.manifest["n_duplicates"]
    for k, r in ra.items():
        o = rb[k]
        assert (r.agency, r.agency_canonical, r.year, r.template, r.found, r.format, r.cells) == \
               (o.agency, o.agency_canonical, o.year, o.template, o.found, o.format, o.cells), k
        assert Path(r.source).relative_to(CORPUS).as_posix() == o.source

    def strip(rows: list[dict], drop: tuple[str, ...] = ("source",)) -> Counter:
        return Counter(tuple(sorted((k, str(v)) for k, v in d.items() if k not in drop)) for d in rows)

    assert strip(a.figures) == strip(b.figures) and len(a.figures) > 1000
    own = [f for f in a.findings if not f["rule"].startswith("cy.")], [f for f in b.findings
                                                                        if not f["rule"].startswith("cy.")]
    assert strip(own[0]) == strip(own[1]) and len(own[0]) > 3000
    assert a.failed == b.failed == []
