"""`gsnlp dataset build` (issue 18): works on any number of reports (one, two: an empty split
used to crash with "Keys mismatch"), and its clauses dataset is built from the input."""

from __future__ import annotations

import json
import shutil

import pytest

from gsnlp_corpus import ROOT

from gsnlp.cli.main import main

pytest.importorskip("datasets")
pytest.importorskip("pyarrow")

REAL = ROOT / "corpora" / "reports" / "real"


@pytest.mark.parametrize("names", [[], ["平潭综合实验区_2022.txt"],
                                   ["平潭综合实验区_2022.txt", "上海市人民政府办公厅_2025.md"]])
def test_build_on_few_reports(tmp_path, names) -> None:
    from datasets import load_from_disk

    inp = tmp_path / "in"
    inp.mkdir()
    for n in names:
        shutil.copy(REAL / n, inp / n)
    out = tmp_path / "out"
    assert main(["dataset", "build", str(inp), "-o", str(out), "--model", "keyword"]) == 0
    summary = json.loads((out / "datasets.json").read_text(encoding="utf-8"))
    assert set(summary["datasets"]) == {"cells", "figures", "clauses", "findings"}
    for name in ("cells", "clauses", "findings"):
        dd = load_from_disk(str(out / name))
        assert set(dd) == {"train", "test"}
        ids = {r for split in dd.values() for r in split["report_id"]}
        assert len(ids) == len(names), name  # every input report, and only those
    clauses = load_from_disk(str(out / "clauses"))
    texts = {t for split in clauses.values() for t in split["text"]}
    sources = "".join((REAL / n).read_text(encoding="utf-8") for n in names)
    assert all(t in sources for t in texts)  # clauses of these reports, not the bundled gold
    assert bool(texts) == bool(names)
