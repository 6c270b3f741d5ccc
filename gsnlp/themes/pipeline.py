"""Classify section 五 of reports: clauses with role, themes and scores, plus section scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from gsnlp.errors import UnknownNameError
from gsnlp.themes.segment import Clause, clean, section_parts, split_clauses

ROOT = Path(__file__).resolve().parents[2]
MODELS_DIR = ROOT / "models"  # models trained in a checkout (gsnlp train)
PACKAGE_MODELS_DIR = Path(__file__).resolve().parent / "models"  # shipped in the wheel
DEFAULT_MODEL = "themes-default"
THREADS_ENV = "GSNLP_THEMES_THREADS"


def encoder_threads() -> int:
    """Threads for an encoder backend (torch, USE): ``GSNLP_THEMES_THREADS``, default 1.

    One thread per process: batch workers run side by side, and a two-thread encoder in each
    of them makes the whole batch slower on a small machine."""
    from gsnlp.errors import threads_from_env

    return threads_from_env(THREADS_ENV)


def _model_dirs(models_dir: Path | None) -> list[Path]:
    return [PACKAGE_MODELS_DIR, MODELS_DIR] if models_dir is None else [models_dir]


def available_models(models_dir: Path | None = None) -> list[str]:
    names: set[str] = set()
    for d in _model_dirs(models_dir):
        if d.is_dir():
            names.update(p.name for p in d.iterdir() if (p / "meta.json").is_file())
    return sorted(names)


def resolve_model(name_or_path: str | None, models_dir: Path | None = None) -> Path:
    """A model directory from a path or a name: first among the models shipped in the package
    (``gsnlp/themes/models/``, where the default ``themes-default`` lives), then under the
    checkout's ``models/``."""
    name = name_or_path or DEFAULT_MODEL
    p = Path(name)
    if (p / "meta.json").is_file():
        return p
    for d in _model_dirs(models_dir):
        q = d / name
        if (q / "meta.json").is_file():
            return q
    raise UnknownNameError("themes model", name, available_models(models_dir) or ["(no themes model found)"])


def load(name_or_path: str | None = None) -> Any:
    from gsnlp.themes.registry import load_model

    return load_model(resolve_model(name_or_path))


@dataclass(frozen=True, slots=True)
class SectionResult:
    doc: str
    section: tuple[int, int] | None
    clauses: tuple[Clause, ...]
    predictions: tuple[Any, ...]
    specificity: float | None
    agency: str | None = None
    year: int | None = None

    def clause_dicts(self) -> list[dict[str, Any]]:
        out = []
        for c, p in zip(self.clauses, self.predictions):
            d = {"doc": self.doc, "index": c.index, "start": c.start, "end": c.end, "text": c.text}
            d.update(p.to_dict())
            d["report_specificity"] = self.specificity
            out.append(d)
        return out


def classify_text(text: str, start: int, end: int, model: Any, doc: str = "") -> SectionResult:
    """Section 五 given as ``text[start:end]``."""
    from gsnlp.themes.specificity import specificity

    clauses = split_clauses(text, start, end, doc)
    inputs = [clean(c.text) for c in clauses]
    # one call per section: the clauses are predicted as one batch, each with its part of section 五
    preds = model.predict(inputs, contexts=section_parts(inputs)) if clauses else []
    return SectionResult(doc, (start, end), tuple(clauses), tuple(preds), specificity(clean(text[start:end])))


def classify_report(report: Any, model: Any) -> SectionResult:
    """A ``gsnlp.Report`` (or a path, read with ``gsnlp.read``)."""
    from gsnlp.themes.source import load_report, section_of

    if isinstance(report, (str, Path)):
        rt = load_report(report)
        doc, text, sec, agency, year = rt.doc, rt.text, rt.section, None, None
    else:
        doc, text, sec = report.doc_id, report.text, section_of(report)
        agency, year = report.meta.agency, report.meta.year
    if sec is None:
        return SectionResult(doc, None, (), (), None, agency, year)
    r = classify_text(text, sec.start, sec.end, model, doc)
    return SectionResult(r.doc, r.section, r.clauses, r.predictions, r.specificity, agency, year)


def copied_from(results: Sequence[SectionResult]) -> dict[str, dict[str, Any]]:
    """For results of the same agency in several years: similarity to the previous year's section."""
    from gsnlp.themes.specificity import similarity

    out: dict[str, dict[str, Any]] = {}
    by: dict[str, list[SectionResult]] = {}
    names = sorted({r.agency for r in results if r.agency}, key=len)
    for r in results:
        if r.agency and r.year and r.section:
            # readers name the same agency with or without its parent ("洪泽区人民政府" / "淮安市洪泽区人民政府")
            key = next(n for n in names if r.agency.endswith(n))
            by.setdefault(key, []).append(r)
    for rs in by.values():
        rs.sort(key=lambda r: r.year or 0)
        for prev, cur in pairwise(rs):
            if prev.year == cur.year:
                continue
            a = "".join(clean(c.text) for c in prev.clauses)
            b = "".join(clean(c.text) for c in cur.clauses)
            out[cur.doc] = {"doc": prev.doc, "year": prev.year, "similarity": similarity(a, b)}
    return out
