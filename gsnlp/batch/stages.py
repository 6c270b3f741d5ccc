"""The stages a batch runs on each report: ``gsnlp.pipeline``'s, those that can run here.

``parse`` (the pipeline's ``read``) always runs. ``figures``, ``check`` and ``themes`` run when
their libraries are usable (the figure extractor needs jieba; themes needs a model, else the
built-in keyword rules); otherwise the batch goes on without them and the manifest says why.
``Stages`` is built once per worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STAGE_NAMES = ("parse", "figures", "check", "themes")


@dataclass(frozen=True)
class Stages:
    """The pipeline options of the stages that can run, and a note per stage (what ran, or why not)."""

    opts: Any  # gsnlp.pipeline.Options
    theme_model: str | None = None  # the themes model's name as the clauses table records it
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return ("parse", *self.opts.stages)

    def describe(self) -> dict[str, dict[str, Any]]:
        return {n: {"ran": n in self.names, "note": self.notes.get(n, "")} for n in STAGE_NAMES}


def _usable(stage: str, theme_model: str | None) -> tuple[bool, str, str | None]:
    """Whether ``stage`` can run here, its note, and (themes) the model's name."""
    if stage == "figures":
        try:
            from gsnlp.figures.lexicon import tokenizer

            tokenizer()  # the extractor needs jieba: find out now rather than on every report
        except ImportError as e:
            return False, f"the figure extractor cannot run: {e}", None
        return True, "gsnlp.figures.extract_report", None
    if stage == "check":
        try:
            import gsnlp.check  # noqa: F401
        except ImportError as e:
            return False, f"gsnlp.check is not available ({e})", None
        return True, "gsnlp.check.check_report (report rules)", None
    from gsnlp.pipeline import theme_model as load_model

    try:
        _, label = load_model(theme_model)
    except (ImportError, LookupError, ValueError, OSError) as e:
        if theme_model not in (None, "keyword"):
            raise  # a model the user named must load
        return False, f"no themes model: {e}", None
    return True, f"gsnlp.themes.pipeline.classify_report with model {label}", label


_CACHE: dict[tuple[tuple[str, ...], str | None], Stages] = {}


def load_stages(names: tuple[str, ...] | None = None, theme_model: str | None = None) -> Stages:
    """The stages to run (all that can run when ``names`` is None), built once per process."""
    from gsnlp import pipeline

    key = (tuple(names) if names is not None else STAGE_NAMES, theme_model)
    if key in _CACHE:
        return _CACHE[key]
    unknown = set(key[0]) - set(STAGE_NAMES)
    if unknown:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("stage", min(unknown), STAGE_NAMES)
    notes = {"parse": "gsnlp.io.read_bytes"}
    run: list[str] = []
    label = None
    for s in pipeline.STAGES:
        if s not in key[0]:
            notes[s] = "not asked for"
            continue
        ok, notes[s], lab = _usable(s, theme_model)
        if ok:
            run.append(s)
            label = lab or label
    st = Stages(pipeline.options(run, theme_model=theme_model), label, notes)
    _CACHE[key] = st
    return st
