"""``gsnlp dataset build``: declared features, deterministic keys, splits by report, gold columns."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("datasets")
pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    from gsnlp.datasets import build_all
    from gsnlp.synth import write_corpus

    src = tmp_path_factory.mktemp("synth")
    write_corpus(src, 10, seed=2, inject=["t3.identity", "nt.applications_received"])
    out = tmp_path_factory.mktemp("ds")
    return out, build_all(src / "reports", out, names=("cells", "figures", "findings"), theme_model="keyword")


def test_datasets_saved_with_card_and_parquet(built: tuple[Path, dict]) -> None:
    out, s = built
    for name in ("cells", "figures", "findings"):
        assert (out / name / "README.md").read_text(encoding="utf-8").startswith("---")
        assert (out / name / "parquet" / "train.parquet").exists()
        assert set(s["datasets"][name]) == {"train", "test"}


def test_datasets_keys_unique_sorted_and_split_by_report(built: tuple[Path, dict]) -> None:
    from datasets import load_from_disk

    out, _ = built
    for name in ("cells", "figures", "findings"):
        dd = load_from_disk(str(out / name))
        seen: dict[str, str] = {}
        for split, ds in dd.items():
            ids = ds["id"]
            assert ids == sorted(ids) and len(set(ids)) == len(ids)
            for rid in ds["report_id"]:
                assert seen.setdefault(rid, split) == split


def test_datasets_cells_carry_the_synthetic_gold(built: tuple[Path, dict]) -> None:
    from datasets import load_from_disk

    out, _ = built
    ds = load_from_disk(str(out / "cells"))["train"]
    kinds = ds.features["gold_kind"].names
    rows = [r for r in ds if kinds[r["gold_kind"]] == "number"]
    assert rows and all(r["value"] == r["gold_value"] for r in rows)


def test_datasets_figure_spans_match_the_text(built: tuple[Path, dict]) -> None:
    from datasets import load_from_disk

    out, _ = built
    ds = load_from_disk(str(out / "figures"))["train"]
    tags = ds.features["ner_tags"].feature.names
    n = 0
    for r in ds:
        for sp in r["spans"]:
            n += 1
            assert r["text"][sp["start"]:sp["end"]].startswith(sp["value"][0]) or sp["value"] == "0"
            assert tags[r["ner_tags"][sp["start"]]].startswith("B-")
        assert len(r["tokens"]) == len(r["ner_tags"]) == len(r["text"])
    assert n > 0


def test_datasets_findings_mark_the_injected_contradiction(built: tuple[Path, dict]) -> None:
    from datasets import concatenate_datasets, load_from_disk

    out, _ = built
    dd = load_from_disk(str(out / "findings"))
    ds = concatenate_datasets([dd["train"], dd["test"]])
    marked = {(r["report_id"], r["rule_id"]) for r in ds if r["is_injected"]}
    assert {rule for _, rule in marked} >= {"t3.identity"}
