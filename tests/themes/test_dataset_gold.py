from __future__ import annotations

import json
from collections import Counter

import pytest

from gsnlp.themes.dataset import (
    GOLD_DIR,
    build_gold,
    dedupe,
    from_label_studio,
    load_gold,
    match_key,
    read_hand_labels,
    read_jsonl,
    to_label_studio,
)
from gsnlp.themes.labels import ROLES, THEMES


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return load_gold()


def test_gold_labels_use_only_theme_ids(gold: list[dict]) -> None:
    assert {r["role"] for r in gold} <= set(ROLES)
    assert {t for r in gold for t in r["themes"]} <= set(THEMES)


def test_gold_ids_unique_and_deterministic(gold: list[dict]) -> None:
    ids = [r["id"] for r in gold]
    assert len(ids) == len(set(ids))
    assert all(r["id"] == f"{r['doc']}#{r['index']:03d}" for r in gold)


def test_gold_covers_every_report_with_a_section() -> None:
    reports = read_jsonl(GOLD_DIR / "reports.jsonl")
    assert len(reports) == 60
    with_section = [r for r in reports if r["section"]]
    # 平潭综合实验区地方税务局_2013 has no section 五; four old reports wait for the section segmenter
    assert len(with_section) >= 55
    assert all("section segmenter" in r["note"] for r in reports if not r["section"])
    assert sum(r["n_clauses"] for r in reports) == len(load_gold())


def test_gold_labels_every_new_report(gold: list[dict]) -> None:
    manifest = (GOLD_DIR.parents[2] / "corpora" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    new = {line.split("\t")[0] for line in manifest[-30:]}
    assert new <= {r["doc"] for r in gold}


def test_gold_devtest_flags_follow_devtest_txt(gold: list[dict]) -> None:
    dev = set((GOLD_DIR.parents[2] / "corpora" / "devtest.txt").read_text(encoding="utf-8").split())
    assert len(dev) == 11
    assert {r["doc"] for r in gold if r["devtest"]} == dev
    # whole agencies are set aside: no agency has clauses on both sides
    assert not {r["group"] for r in gold if r["devtest"]} & {r["group"] for r in gold if not r["devtest"]}


def test_gold_groups_are_agencies(gold: list[dict]) -> None:
    assert all(r["group"] == r["agency"] for r in gold if r["agency"])
    assert {r["part"] for r in gold} <= {"start", "problems", "measures", "progress"}


def test_gold_html_copies_match_txt(gold: list[dict]) -> None:
    by = Counter(r["doc"] for r in gold)
    for year in (2024, 2025):
        html = [match_key(r["input"]) for r in gold if r["doc"] == f"平潭综合实验区_{year}.html"]
        txt = [match_key(r["input"]) for r in gold if r["doc"] == f"平潭综合实验区_{year}.txt"]
        assert html == txt and by[f"平潭综合实验区_{year}.html"] > 0


def test_gold_dedupe_leaves_distinct_texts(gold: list[dict]) -> None:
    d = dedupe(gold)
    assert len({r["input"] for r in d}) == len(d)
    assert not any(r["duplicate_of"] for r in d)


def test_gold_themes_md_examples_labeled_as_documented(gold: list[dict]) -> None:
    by_text = {r["input"]: r for r in gold}
    a = next(r for t, r in by_text.items() if "仍存在部分信息公开不够及时、内容不够全面" in t)
    assert a["role"] == "problem" and set(a["themes"]) == {"timeliness", "content_quality", "channels", "interaction"}
    b = next(r for t, r in by_text.items() if t.startswith("三是加强业务学习和培训"))
    assert b["role"] == "measure" and set(b["themes"]) == {"capacity", "awareness"}


@pytest.mark.slow
def test_gold_rebuild_matches_stored_jsonl(gold: list[dict]) -> None:
    """The stored JSONL is what the hand labels and the current reader/segmenter give."""
    clauses, _ = build_gold()

    def key(r: dict) -> tuple:
        return (r["id"], r["start"], r["end"], r["role"], tuple(r["themes"]))

    assert [key(r) for r in clauses] == [key(r) for r in gold]


def test_hand_labels_one_per_text() -> None:
    labels = read_hand_labels()
    assert len(labels) >= 200


def test_label_studio_round_trip(gold: list[dict]) -> None:
    tasks = json.loads(json.dumps(to_label_studio(gold[:20]), ensure_ascii=False))
    back = from_label_studio(tasks)
    assert [b["input"] for b in back] == [r["input"] for r in gold[:20]]
    for r, b in zip(gold[:20], back):
        assert (b["id"], b["role"], b["themes"], b["unsure"], b["note"]) == \
            (r["id"], r["role"], r["themes"], r["unsure"], r["note"])
