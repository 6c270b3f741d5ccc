"""Hugging Face ``DatasetDict`` of the hand-labeled section-五 clauses.

Splits: ``all`` (every clause of every report, duplicates flagged), ``train``/``test``
(distinct clause texts, html copies of txt reports left out, split by report group with a
fixed seed so that no report is in both). Example keys are the clause ids
``<doc>#<index>``; features are ``ClassLabel`` (role) and ``Sequence(ClassLabel)`` (themes).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from gsnlp.themes.labels import ROLES, THEMES

CARD = Path(__file__).resolve().parents[2] / "corpora" / "gold" / "themes" / "README.md"


def features() -> Any:
    from datasets import ClassLabel, Features, List, Value

    return Features({
        "id": Value("string"), "doc": Value("string"), "agency": Value("string"), "year": Value("int32"),
        "index": Value("int32"), "start": Value("int32"), "end": Value("int32"), "text": Value("string"),
        "input": Value("string"), "role": ClassLabel(names=list(ROLES)),
        "themes": List(ClassLabel(names=list(THEMES))), "unsure": Value("bool"), "note": Value("string"),
        "duplicate_of": Value("string"), "group": Value("string"), "doc_sha256": Value("string"),
    })


def _row(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": r["id"], "doc": r["doc"], "agency": r.get("agency") or "", "year": r.get("year") or 0,
            "index": r["index"], "start": r["start"], "end": r["end"], "text": r["text"], "input": r["input"],
            "role": ROLES.index(r["role"]), "themes": [THEMES.index(t) for t in r["themes"]],
            "unsure": bool(r.get("unsure")), "note": r.get("note") or "", "duplicate_of": r.get("duplicate_of") or "",
            "group": r.get("group") or r["doc"], "doc_sha256": r.get("doc_sha256") or ""}


def split_groups(records: list[dict[str, Any]], test_size: float = 0.2, seed: int = 0) -> tuple[list[Any], list[Any]]:
    """Deterministic grouped split of (deduplicated) records by report group."""
    groups = sorted({r["group"] for r in records})
    random.Random(seed).shuffle(groups)
    n_test = sum(1 for _ in records) * test_size
    test: set[str] = set()
    count = 0
    for g in groups:
        if count >= n_test:
            break
        test.add(g)
        count += sum(1 for r in records if r["group"] == g)
    return [r for r in records if r["group"] not in test], [r for r in records if r["group"] in test]


def build_dataset(records: list[dict[str, Any]] | None = None, *, test_size: float = 0.2, seed: int = 0) -> Any:
    """The ``DatasetDict`` (splits ``all``, ``train``, ``test``) from gold clause records."""
    try:
        from datasets import Dataset, DatasetDict
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the themes dataset", "datasets", "datasets") from e
    from gsnlp.themes.dataset import dedupe, load_gold

    recs = load_gold() if records is None else records
    recs = sorted(recs, key=lambda r: r["id"])
    ids = [r["id"] for r in recs]
    if len(set(ids)) != len(ids):
        from gsnlp.errors import SchemaError

        raise SchemaError("clause ids are not unique", origin="clauses.jsonl")
    distinct = dedupe(recs)
    devtest = [r for r in distinct if r.get("devtest")]  # corpora/devtest.txt: set aside, never tuned on
    train, test = split_groups([r for r in distinct if not r.get("devtest")], test_size=test_size, seed=seed)
    feats = features()

    def ds(rows: list[dict[str, Any]]) -> Any:
        return Dataset.from_list([_row(r) for r in rows], features=feats)

    out = {"all": ds(recs), "train": ds(train), "test": ds(test)}
    if devtest:
        out["devtest"] = ds(devtest)
    return DatasetDict(out)


def save_dataset(dd: Any, path: str | Path) -> Path:
    """``save_to_disk`` plus the dataset card as README.md."""
    path = Path(path)
    dd.save_to_disk(str(path))
    if CARD.exists():
        (path / "README.md").write_text(CARD.read_text(encoding="utf-8"), encoding="utf-8")
    return path
