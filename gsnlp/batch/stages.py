"""The stages a batch runs on each report, found at run time.

``parse`` always runs. ``figures``, ``check`` and ``themes`` run when their module exposes a
usable function (``gsnlp.figures.extract_report``, ``gsnlp.check.check_report``,
``gsnlp.themes.pipeline.classify_report`` with a model); otherwise the batch goes on without
them and the manifest says why. ``Stages`` is built once per worker process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

STAGE_NAMES = ("parse", "figures", "check", "themes")


@dataclass(frozen=True)
class Stages:
    """The callables of the stages that can run, and a note per stage (what ran, or why not)."""

    figures: Callable[[Any], list[Any]] | None = None
    check: Callable[..., list[Any]] | None = None
    themes: Callable[[Any], Any] | None = None
    theme_model: str | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        return ("parse",) + tuple(n for n in ("figures", "check", "themes") if getattr(self, n) is not None)

    def describe(self) -> dict[str, dict[str, Any]]:
        return {n: {"ran": n in self.names, "note": self.notes.get(n, "")} for n in STAGE_NAMES}


def _figures() -> tuple[Callable[[Any], list[Any]] | None, str]:
    try:
        from gsnlp.figures import extract_report
    except ImportError as e:
        return None, f"gsnlp.figures.extract_report is not available ({e})"
    try:  # the extractor needs jieba; find out now rather than on every report
        from gsnlp.figures.lexicon import tokenizer

        tokenizer()
    except ImportError as e:
        return None, f"the figure extractor cannot run: {e}"
    return extract_report, "gsnlp.figures.extract_report"


def _check() -> tuple[Callable[..., list[Any]] | None, str]:
    try:
        from gsnlp.check import check_report
    except ImportError as e:
        return None, f"gsnlp.check.check_report is not available ({e})"
    return check_report, "gsnlp.check.check_report (report rules; cy.* rules need several years and are not run)"


def _themes(model: str | None) -> tuple[Callable[[Any], Any] | None, str | None, str]:
    try:
        from gsnlp.themes.pipeline import classify_report, load
    except ImportError as e:
        return None, None, f"gsnlp.themes.pipeline.classify_report is not available ({e})"
    try:
        if model == "keyword":
            raise LookupError("the keyword baseline was asked for")
        clf = load(model)
        name = str(model or "themes-default")
    except (LookupError, ImportError, OSError, ValueError) as e:
        if model not in (None, "keyword"):
            raise
        try:  # no trained model: the keyword rules need no training data
            from gsnlp.themes.registry import create

            clf = create("keyword")
            clf.fit(["无"], [{"role": "other", "themes": []}])  # fit only checks and stores the lexicon
            name = "keyword (built-in lexicon)"
        except (ImportError, LookupError, ValueError) as e2:
            return None, None, f"no themes model ({e}) and the keyword baseline failed ({e2})"

    def run(report: Any) -> Any:
        return classify_report(report, clf)

    return run, name, f"gsnlp.themes.pipeline.classify_report with model {name}"


_CACHE: dict[tuple[tuple[str, ...], str | None], Stages] = {}


def load_stages(names: tuple[str, ...] | None = None, theme_model: str | None = None) -> Stages:
    """The stages to run (all that exist when ``names`` is None), built once per process."""
    key = (tuple(names) if names is not None else STAGE_NAMES, theme_model)
    if key in _CACHE:
        return _CACHE[key]
    want = set(key[0])
    unknown = want - set(STAGE_NAMES)
    if unknown:
        from gsnlp.errors import UnknownNameError

        raise UnknownNameError("stage", min(unknown), STAGE_NAMES)
    notes = {"parse": "gsnlp.io.read_bytes"}
    fig = chk = thm = None
    model_name = None
    if "figures" in want:
        fig, notes["figures"] = _figures()
    else:
        notes["figures"] = "not asked for"
    if "check" in want:
        chk, notes["check"] = _check()
    else:
        notes["check"] = "not asked for"
    if "themes" in want:
        thm, model_name, notes["themes"] = _themes(theme_model)
    else:
        notes["themes"] = "not asked for"
    st = Stages(fig, chk, thm, model_name, notes)
    _CACHE[key] = st
    return st
