"""``build_all(input, out)``: every dataset from a folder of reports, saved to disk and as Parquet.

The reports go once through ``gsnlp.tabular.process_bytes`` (the per-report projection the
batch runs too, here in this process); each builder turns the collected rows into a ``DatasetDict``
with declared ``Features``. Example keys are deterministic (``<report_id>/<address>``,
``<report_id>#<seq>`` …) and every split is sorted by key; the train/test split is by
report (``split_of(report_id)``), so no report is in both. Gold files, where the input has
them (``gold/tables/<doc>.json`` and ``gold/synth/<doc>.json`` next to a synthetic corpus,
or ``corpora/gold/tables``), add gold columns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEST_EVERY = 5  # one report in five goes to test


def split_of(report_id: str) -> str:
    """``test`` for about one report in five, decided by the report id alone."""
    return "test" if int(report_id[:8], 16) % TEST_EVERY == 0 else "train"


@dataclass
class Collected:
    """What the builders need: the batch rows per table, the texts, and gold where known."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    narrative: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)
    gold_tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # report_id -> gold file
    gold_synth: dict[str, dict[str, Any]] = field(default_factory=dict)  # report_id -> synth meta
    docs: dict[str, str] = field(default_factory=dict)  # report_id -> doc name
    failed: list[dict[str, Any]] = field(default_factory=list)


def _gold_dirs(root: Path) -> list[Path]:
    here = Path(__file__).resolve().parents[2] / "corpora" / "gold"
    out = []
    for base in (root, root.parent, here):
        if (base / "gold" / "tables").is_dir():
            out.append(base / "gold")
        elif base == here and (base / "tables").is_dir():
            out.append(base)
    return out


def collect(input_dir: str | Path, *, stages: tuple[str, ...] | None = None,
            theme_model: str | None = None) -> Collected:
    """Run every report under ``input_dir`` through ``process_bytes``; keep rows, texts and gold."""
    from gsnlp.batch.runner import list_inputs, read_failure
    from gsnlp.io import path_text
    from gsnlp.tabular import load_stages, process_bytes

    root = Path(input_dir)
    st = load_stages(stages, theme_model)
    c = Collected(rows={})
    golds = _gold_dirs(root)
    seen: set[str] = set()
    for raw in list_inputs(root):
        rel = path_text(raw)  # a file name that is not UTF-8: its bytes as \\xNN
        try:
            data = (root / raw).read_bytes()
        except OSError as e:
            c.failed.append({"path": rel, "reason": read_failure(e)})
            continue
        r = process_bytes(data, rel, st, keep_report=True)
        if r.report is None:
            c.failed.append({"path": rel, "reason": r.reason})
            continue
        rid = r.report_id
        if rid in seen:
            continue
        seen.add(rid)
        for t, rows in r.rows.items():
            c.rows.setdefault(t, []).extend(rows)
        rep = r.report
        doc = rep.doc_id
        c.docs[rid] = doc
        c.texts[rid] = rep.text
        c.narrative[rid] = list(rep.narrative_spans())
        for g in golds:
            p = g / "tables" / f"{doc}.json"
            if p.exists() and rid not in c.gold_tables:
                c.gold_tables[rid] = json.loads(p.read_text(encoding="utf-8"))
            q = g / "synth" / f"{doc}.json"
            if q.exists() and rid not in c.gold_synth:
                c.gold_synth[rid] = json.loads(q.read_text(encoding="utf-8"))
    return c


def _card(name: str, summary: str, dd: Any, features: Any, extra: str = "") -> str:
    sizes = ", ".join(f"{k}: {len(v)}" for k, v in dd.items())
    cols = "\n".join(f"- `{k}`: {v}" for k, v in features.items())
    return (f"---\nlanguage: zh\npretty_name: gsnlp {name}\n---\n\n# gsnlp {name}\n\n{summary}\n\n"
            f"Splits ({sizes}) are by report: `test` holds the reports whose id (first 16 hex digits of the "
            f"file's sha256) is 0 modulo {TEST_EVERY} in its first 8 digits, so no report is in both. Keys are "
            f"unique and deterministic; each split is sorted by key.\n\n## Features\n\n{cols}\n\n{extra}"
            "\nMade by `gsnlp dataset build` (gsnlp.datasets). Values are the parser's and extractor's output "
            "(silver) unless a column says gold.\n")


def _builders() -> dict[str, Callable[[Collected], tuple[Any, str]]]:
    from gsnlp.datasets import cells, clauses, figures, findings

    return {"cells": cells.build, "figures": figures.build, "findings": findings.build, "clauses": clauses.build}


BUILDERS = ("cells", "figures", "clauses", "findings")


def build_all(input_dir: str | Path, out_dir: str | Path, *, names: tuple[str, ...] = BUILDERS,
              stages: tuple[str, ...] | None = None, theme_model: str | None = None) -> dict[str, Any]:
    """Build the named datasets; ``out/<name>/`` (save_to_disk), ``out/<name>/parquet/<split>.parquet``,
    ``out/<name>/README.md`` (the card) and ``out/datasets.json`` (sizes, inputs that failed)."""
    try:
        import datasets
    except ImportError as e:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("gsnlp dataset build", "data", "datasets") from e
    import sys

    if not sys.stderr.isatty():  # progress bars only on a terminal
        datasets.disable_progress_bars()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    c = collect(input_dir, stages=stages, theme_model=theme_model)
    built = _builders()
    summary: dict[str, Any] = {"schema": "gsnlp.datasets/1", "datasets": {}, "failed_inputs": c.failed}
    for name in names:
        if name in built:
            dd, card = built[name](c)
        else:
            from gsnlp.errors import UnknownNameError

            raise UnknownNameError("dataset", name, BUILDERS)
        d = out / name
        # an empty split needs one (empty) shard, else load_from_disk cannot read it back
        dd.save_to_disk(str(d), num_shards={k: 1 for k, v in dd.items() if len(v) == 0})
        (d / "parquet").mkdir(exist_ok=True)
        for split, ds in dd.items():
            ds.to_parquet(str(d / "parquet" / f"{split}.parquet"))
        (d / "README.md").write_text(card, encoding="utf-8")
        summary["datasets"][name] = {k: len(v) for k, v in dd.items()}
    (out / "datasets.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return summary


def make_dict(rows: list[dict[str, Any]], features: Any, key: str = "id") -> Any:
    """A DatasetDict (train/test by report) from rows, each split sorted by ``key``."""
    from datasets import Dataset, DatasetDict

    rows = sorted(rows, key=lambda r: r[key])
    parts: dict[str, list[dict[str, Any]]] = {"train": [], "test": []}
    for r in rows:
        parts[split_of(r["report_id"])].append(r)
    # an empty split is built from empty columns: Dataset.from_list([]) has no columns ("Keys mismatch")
    return DatasetDict({k: Dataset.from_list(v, features=features) if v
                        else Dataset.from_dict({name: [] for name in features}, features=features)
                        for k, v in parts.items()})
