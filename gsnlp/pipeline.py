"""The one pipeline: bytes of a report → one typed :class:`Analysis`.

Every command, the batch, the dataset builder and the experiments call this module; none wires
the stages on its own. The stages are registered components run in a fixed order::

    read (decode, segment, tables) → figures → check → themes

``analyze_bytes`` runs them on one input; ``cross_year`` runs the ``cy.*`` rules over the
reports of one agency in several years (wherever several years are present: ``gsnlp check`` on
many files and the batch). A report is identified by the sha256 of its bytes (``report_id``),
never by its file name: two files called ``r.txt`` in two folders are two reports.

    from gsnlp.pipeline import analyze_path, cross_year
    a = analyze_path("corpora/reports/real/平潭综合实验区_2024.txt")
    a.report.tables["applications"]; a.figures; a.findings; a.themes
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from gsnlp.check.finding import Finding
    from gsnlp.doc import Report
    from gsnlp.figures.extractor import Figure

STAGES: tuple[str, ...] = ("figures", "check", "themes")
"""The stages after ``read``, in the order they run (``read`` always runs)."""


@dataclass(frozen=True, slots=True)
class Options:
    """What to run and how; the same for every report of a run."""

    stages: tuple[str, ...] = STAGES
    theme_model: str | None = None
    rules: tuple[str, ...] | None = None
    blank_as_zero: bool = False
    table_cells: bool = False
    """figures: also every table cell that holds a number, as a figure whose ``metric`` is its
    cell address (``gsnlp extract`` without ``--narrative``). The checks read narrative figures
    only, so the check stage then extracts its own."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """One report with the output of every stage that ran (``None``: the stage did not run)."""

    report_id: str  # the first 16 hex digits of the sha256 of the input bytes (as in every output)
    path: str
    report: Report
    figures: list[Figure] | None = None
    findings: list[Finding] | None = None
    themes: Any | None = None
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def stages(self) -> tuple[str, ...]:
        return ("read",) + tuple(s for s in STAGES if getattr(self, _FIELD[s]) is not None)


_FIELD = {"figures": "figures", "check": "findings", "themes": "themes"}

Component = Callable[[Analysis, Options], Analysis]
_COMPONENTS: dict[str, Component] = {}


def component(name: str) -> Callable[[Component], Component]:
    """Register the function that runs stage ``name`` (one of :data:`STAGES`)."""

    def deco(fn: Component) -> Component:
        if name not in STAGES:
            raise ValueError(f"unknown stage {name!r}; stages: {', '.join(STAGES)}")
        _COMPONENTS[name] = fn
        return fn

    return deco


def _note(a: Analysis, stage: str, text: str) -> dict[str, str]:
    return {**a.notes, stage: text}


@component("figures")
def _figures(a: Analysis, opts: Options) -> Analysis:
    from gsnlp.figures import extract_report

    figs = list(extract_report(a.report, narrative=not opts.table_cells))
    return replace(a, figures=figs, notes=_note(a, "figures", "gsnlp.figures" + (" (with table cells)"
                                                                                 if opts.table_cells else "")))


@component("check")
def _check(a: Analysis, opts: Options) -> Analysis:
    from gsnlp.check import check_report

    findings = check_report(a.report, rules=opts.rules, blank_as_zero=opts.blank_as_zero,
                            figures=None if opts.table_cells else a.figures)
    return replace(a, findings=findings, notes=_note(a, "check", "report rules (cy.* run by cross_year)"))


_THEME_MODELS: dict[str | None, tuple[Any, str]] = {}


def theme_model(name: str | None = None) -> tuple[Any, str]:
    """The themes classifier (loaded once per process) and its name.

    ``None`` is the shipped default model; ``"keyword"`` the built-in keyword rules. A named
    model that cannot be loaded is an error; the default falls back to the keyword rules only
    when no default model is installed, and says so in the name.
    """
    if name in _THEME_MODELS:
        return _THEME_MODELS[name]
    from gsnlp.themes.pipeline import load

    if name == "keyword":
        clf, label = _keyword_model(), "keyword (built-in lexicon)"
    else:
        try:
            clf, label = load(name), str(name or "themes-default")
        except (LookupError, OSError) as e:
            if name is not None:
                raise
            clf, label = _keyword_model(), f"keyword (built-in lexicon; no default model: {e})"
    _THEME_MODELS[name] = (clf, label)
    return clf, label


def _keyword_model() -> Any:
    from gsnlp.themes.registry import create

    clf = create("keyword")
    clf.fit(["无"], [{"role": "other", "themes": []}])  # fit only checks and stores the lexicon
    return clf


@component("themes")
def _themes(a: Analysis, opts: Options) -> Analysis:
    from gsnlp.themes.pipeline import classify_report

    clf, label = theme_model(opts.theme_model)
    return replace(a, themes=classify_report(a.report, clf), notes=_note(a, "themes", f"model {label}"))


def options(stages: Iterable[str] | None = None, *, theme_model: str | None = None,
            rules: Iterable[str] | None = None, blank_as_zero: bool = False, table_cells: bool = False) -> Options:
    """Validated :class:`Options` (an unknown stage is a usage error)."""
    from gsnlp.errors import UnknownNameError

    st = tuple(STAGES if stages is None else stages)
    for s in st:
        if s not in STAGES and s != "read":
            raise UnknownNameError("stage", s, ("read",) + STAGES)
    return Options(tuple(s for s in STAGES if s in st), theme_model,
                   tuple(rules) if rules is not None else None, blank_as_zero, table_cells)


def step(stage: str, a: Analysis, opts: Options) -> Analysis:
    """One stage on an analysis (the batch times and guards each stage on its own)."""
    from gsnlp.errors import UnknownNameError

    if stage not in _COMPONENTS:
        raise UnknownNameError("stage", stage, STAGES)
    return _COMPONENTS[stage](a, opts)


def run(report: Report, opts: Options | None = None, *, path: str | None = None) -> Analysis:
    """The stages of ``opts`` on a report that is already read."""
    opts = opts or Options()
    a = Analysis(report_id(report.source.sha256), path or report.source.path, report, notes={"read": "gsnlp.io"})
    for s in opts.stages:
        a = _COMPONENTS[s](a, opts)
    return a


def analyze_bytes(data: bytes, path: str = "<bytes>", *, stages: Iterable[str] | None = None,
                  theme_model: str | None = None, rules: Iterable[str] | None = None,
                  blank_as_zero: bool = False, opts: Options | None = None) -> Analysis:
    """Read and analyse one input. Bad input raises a :class:`gsnlp.errors.GsnlpError`."""
    from gsnlp.io import read_bytes

    opts = opts or options(stages, theme_model=theme_model, rules=rules, blank_as_zero=blank_as_zero)
    return run(read_bytes(data, path), opts, path=path)


def analyze_path(path: str | Path, **kw: Any) -> Analysis:
    """:func:`analyze_bytes` on a file (``-`` reads standard input)."""
    from gsnlp.io import load_bytes

    data, name = load_bytes(path)
    return analyze_bytes(data, name, **kw)


def cross_year(reports: Sequence[Report], *, rules: Iterable[str] | None = None,
               blank_as_zero: bool = False) -> list[Finding]:
    """The ``cy.*`` findings over ``reports`` grouped by agency and year (none for one year).

    ``rules`` may name report rules too: only those of the ``years`` scope are run here.
    """
    from gsnlp.check.engine import check_years
    from gsnlp.check.registry import all_rules

    yr = None
    if rules is not None:
        names = list(rules)
        yr = [r for r in names if any(r in (x.name, x.id, x.family) for x in all_rules("years"))]
        if not yr:
            return []
    return check_years(list(reports), rules=yr, blank_as_zero=blank_as_zero)


def report_id(sha256: str) -> str:
    """The report id: the first 16 hex digits of the sha256 of the input's bytes (64 bits: no
    collision to expect below billions of reports), the key of every table and page."""
    return sha256[:16]


def distinct_names(reports: Sequence[Report]) -> list[Report]:
    """The reports in order, those whose file names collide renamed ``<path>#<8 digits of the report
    id>``: findings and pages are keyed by ``Report.doc_id`` and must never mix two reports."""
    from collections import Counter
    from dataclasses import replace

    n = Counter(r.doc_id for r in reports)
    return [r if n[r.doc_id] == 1 else
            replace(r, source=replace(r.source, path=f"{r.source.path}#{report_id(r.source.sha256)[:8]}"))
            for r in reports]


def content_id(data: bytes) -> str:
    """The report id of an input's bytes."""
    import hashlib  # here, not at the top: `gsnlp check` reads a report's id from gsnlp.io (issue 18)

    return report_id(hashlib.sha256(data).hexdigest())


__all__ = ["STAGES", "Analysis", "Options", "analyze_bytes", "analyze_path", "component", "content_id",
           "cross_year", "distinct_names", "options", "report_id", "run", "step", "theme_model"]
