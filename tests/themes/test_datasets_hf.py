from __future__ import annotations

import pytest

pytest.importorskip("datasets")

from gsnlp.datasets.themes import build_dataset, save_dataset
from gsnlp.themes.labels import ROLES, THEMES


def test_build_dataset_features_and_splits(tmp_path) -> None:
    dd = build_dataset()
    assert set(dd) == {"all", "train", "test", "devtest"}
    assert not set(dd["devtest"]["group"]) & (set(dd["train"]["group"]) | set(dd["test"]["group"]))
    assert dd["all"].features["role"].names == list(ROLES)
    assert dd["all"].features["themes"].feature.names == list(THEMES)
    train_groups = set(dd["train"]["group"])
    assert not train_groups & set(dd["test"]["group"])
    assert len(dd["all"]) == len(set(dd["all"]["id"]))
    out = save_dataset(dd, tmp_path / "ds")
    assert (out / "README.md").exists()


def test_build_dataset_is_deterministic() -> None:
    a, b = build_dataset(), build_dataset()
    assert a["test"]["id"] == b["test"]["id"]
