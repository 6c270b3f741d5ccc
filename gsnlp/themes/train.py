"""Train a section-五 model on the gold clauses and write it with a model card.

``models/<name>/`` gets the backend's weights, ``meta.json`` (backend, params, data hash,
config, metrics, gsnlp version) and ``README.md`` (the card for people).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from gsnlp.themes.dataset import GOLD_DIR, dedupe, file_sha256, load_gold
from gsnlp.themes.labels import ROLES, THEMES
from gsnlp.themes.pipeline import MODELS_DIR


def read_config(path: Path | None, backend: str) -> dict[str, Any]:
    """Backend params from a JSON file: either the params themselves or an experiment config
    (``{"backends": {name: params}}``)."""
    if path is None:
        return {}
    cfg: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    if "backends" in cfg:
        params = dict(cfg["backends"].get(backend, {}))
        if "seed" in cfg:
            params.setdefault("seed", cfg["seed"])
        return params
    return dict(cfg.get("params", cfg))


def train_model(backend: str, params: dict[str, Any] | None = None, *, name: str | None = None,
                data: Path = GOLD_DIR / "clauses.jsonl", models_dir: Path = MODELS_DIR, cv: bool = True,
                n_splits: int = 5, include_devtest: bool = False) -> Path:
    """Fit ``backend`` on the distinct gold clauses (without the development test reports unless
    ``include_devtest``), with grouped cross-validation by agency first when ``cv``, and write the
    model and its card to ``models_dir/name``."""
    from gsnlp import __version__
    from gsnlp.themes.evaluate import cross_val_predict, scores
    from gsnlp.themes.registry import create

    params = {k: v for k, v in (params or {}).items() if k not in ("backend", "seen_test_data", "lexicon_seen")}
    model = create(backend, **params)  # fails early on an unknown backend or parameter
    records = [r for r in dedupe(load_gold(data)) if include_devtest or not r.get("devtest")]
    X = [r["input"] for r in records]
    y = [{"role": r["role"], "themes": r["themes"]} for r in records]
    groups = [r["group"] for r in records]
    parts = [r.get("part") or "start" for r in records]
    metrics: dict[str, Any] = {}
    if cv:
        preds, folds = cross_val_predict(lambda: create(backend, **params), records, n_splits,
                                         int(params.get("seed", 0)))
        s = scores(y, preds)
        metrics = {"evaluation": f"{n_splits}-fold cross-validation grouped by agency, out-of-fold",
                   **{k: s[k] for k in ("n", "themes_macro_f1", "themes_micro_f1", "role_accuracy", "role_macro_f1",
                                        "frequent_themes")},
                   "per_theme_f1": {t: v["f1"] for t, v in s["per_theme"].items()}, "folds": folds}
    t0 = time.time()
    model.fit(X, y, groups=groups, contexts=parts)
    out = models_dir / (name or f"themes-{backend}")
    out.mkdir(parents=True, exist_ok=True)
    card = {"name": out.name, "gsnlp_version": __version__,
            "data": {"path": str(data.relative_to(data.parents[3])) if len(data.parents) > 3 else str(data),
                     "sha256": file_sha256(data), "n_clauses": len(records),
                     "n_reports": len({r.get("report_group", r["doc"]) for r in records}),
                     "n_agencies": len(set(groups)), "devtest_included": include_devtest},
            "config": {"backend": backend, "params": model.get_params()}, "metrics": metrics,
            "fit_seconds": round(time.time() - t0, 1)}
    (out / "meta.json").write_text(json.dumps(card, ensure_ascii=False, indent=2), encoding="utf-8")
    model.save(out)
    (out / "README.md").write_text(model_card(json.loads((out / "meta.json").read_text(encoding="utf-8"))),
                                   encoding="utf-8")
    return out


def model_card(meta: dict[str, Any]) -> str:
    m = meta.get("metrics") or {}
    lines = [f"# {meta['name']}", "",
             f"Section 五 (存在的主要问题及改进情况) clause classifier, backend `{meta['backend']}`, "
             f"gsnlp {meta['gsnlp_version']}.", "",
             "Predicts one role (" + ", ".join(ROLES) + ") and zero or more themes (" + ", ".join(THEMES)
             + ") per clause; ids as in THEMES.md.", "",
             "## Data", "",
             f"`{meta['data']['path']}` (sha256 `{meta['data']['sha256']}`): {meta['data']['n_clauses']} distinct "
             f"hand-labeled clauses from {meta['data']['n_reports']} reports; html copies of txt reports and "
             "repeated clause texts left out"
             + ("" if meta["data"].get("devtest_included", True) else
                "; the development test reports (corpora/devtest.txt) left out") + ".", "",
             "## Config", "", "```json", json.dumps(meta["config"], ensure_ascii=False, indent=2), "```", ""]
    if m:
        lines += ["## Metrics", "", f"{m['evaluation']} ({m['n']} clauses):", "",
                  f"- themes macro-F1 (themes with ≥10 examples): {m['themes_macro_f1']:.3f}",
                  f"- themes micro-F1: {m['themes_micro_f1']:.3f}",
                  f"- role accuracy: {m['role_accuracy']:.3f} (macro-F1 {m['role_macro_f1']:.3f})", "",
                  "| theme | F1 |", "|---|---|"] + [f"| {t} | {f:.3f} |" for t, f in m["per_theme_f1"].items()] + [""]
    else:
        lines += ["## Metrics", "", "Not evaluated (trained with --no-cv).", ""]
    lines += ["## Limits", "",
              "Trained on a few hundred clauses, most of them from 平潭综合实验区 and its departments; expect "
              "lower quality on other agencies' wording, and on themes with few examples (innovation, "
              "publicity, confidentiality). See experiments/themes/ for the comparison of backends, the "
              "numbers on the development test reports and the learning curve.", "",
              "Load with `gsnlp.themes.registry.load_model(path)`; files are JSON/safetensors (spaCy models: "
              "spaCy's config + msgpack), never pickle.", ""]
    return "\n".join(lines)
