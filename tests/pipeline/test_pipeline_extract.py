"""``gsnlp extract`` goes through the pipeline and gives the same figures as the extractor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gsnlp_corpus import corpus_file

import gsnlp
from gsnlp import pipeline
from gsnlp.cli import extract as cli_extract
from gsnlp.figures import extract_report

NAMES = ["平潭综合实验区_2024.txt", "平潭综合实验区_2012.txt", "淮安市洪泽区人民政府_2023.pdf"]


def _cli_rows(tmp_path: Path, narrative: bool) -> list[dict]:
    out = tmp_path / "f.jsonl"
    code = cli_extract.run([str(corpus_file(n)) for n in NAMES], narrative=narrative, fmt=cli_extract.Format.jsonl,
                           output=out)
    assert code == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("narrative", [True, False])
def test_extract_same_figures_as_the_extractor(tmp_path: Path, narrative: bool) -> None:
    rows = _cli_rows(tmp_path, narrative)
    want, n_narrative = [], 0
    for n in NAMES:
        rep = gsnlp.read(corpus_file(n))
        want += [json.loads(json.dumps(f.to_dict(), ensure_ascii=False, default=str))
                 for f in extract_report(rep, narrative=narrative)]
        n_narrative += len(extract_report(rep))
    got = [{k: v for k, v in r.items() if k in want[0]} for r in rows]
    assert len(got) == len(want) and got == want
    # without --narrative the numeric table cells are figures too
    assert (len(rows) > n_narrative) is (not narrative)


def test_extract_calls_the_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, ...]] = []
    real = pipeline.run

    def spy(report, opts=None, *, path=None):  # type: ignore[no-untyped-def]
        seen.append(opts.stages if opts else ())
        return real(report, opts, path=path)

    monkeypatch.setattr(pipeline, "run", spy)
    _cli_rows(tmp_path, True)
    assert seen == [("figures",)] * len(NAMES)


def test_figures_stage_with_table_cells_leaves_checks_unchanged() -> None:
    rep = gsnlp.read(corpus_file(NAMES[0]))
    plain = pipeline.run(rep, pipeline.options(("figures", "check")))
    cells = pipeline.run(rep, pipeline.options(("figures", "check"), table_cells=True))
    assert cells.figures is not None and plain.figures is not None and len(cells.figures) > len(plain.figures)
    key = [(f.rule, f.status, f.instance, f.message) for f in plain.findings or []]
    assert key == [(f.rule, f.status, f.instance, f.message) for f in cells.findings or []]
