"""The figure extractor as a spaCy pipeline component (factory ``gsnlp_figures_v1``).

    import spacy, gsnlp.figures.spacy_component  # registers the factory
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("gsnlp_figures_v1")
    doc = nlp("全年通过门户网站发布政府信息27条。")
    for span in doc.spans["figures"]:
        span._.figure.value, span._.metric

The component runs the same core as ``gsnlp.figures.extract`` over ``doc.text`` and sets
``doc.spans[spans_key]`` to one Span per figure (label = kind). A figure whose characters do
not fall on token boundaries is snapped outward (``alignment_mode="expand"``); the exact
character offsets stay on ``span._.figure``. Span extensions: ``figure`` (the Figure),
``value`` (Decimal), ``unit``, ``metric``, ``subject``, ``predicate``, ``negated``, ``parent``
(the Span of its total or None). ``doc._.figures`` lists the Figure objects.
"""

from __future__ import annotations

from typing import Any

# spaCy forbids "." in factory names, so the versioned name is written with "_v1".
FACTORY = "gsnlp_figures_v1"


def _require_spacy() -> Any:
    try:
        import spacy
    except ImportError:
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the spaCy figure component", "spacy", "spacy") from None
    return spacy


def _set_extensions() -> None:
    from spacy.tokens import Doc, Span

    for name in ("figure", "value", "unit", "metric", "subject", "predicate", "negated", "parent"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("figures"):
        Doc.set_extension("figures", default=None)


class FiguresComponent:
    def __init__(self, name: str = FACTORY, spans_key: str = "figures") -> None:
        self.name = name
        self.spans_key = spans_key
        _set_extensions()

    def __call__(self, doc: Any) -> Any:
        from gsnlp.figures.extractor import extract

        figs = extract(doc.text, None, doc.user_data.get("gsnlp_doc", ""))
        spans = []
        by_id: dict[str, Any] = {}
        for f in figs:
            span = doc.char_span(f.start, f.end, label=f.kind, alignment_mode="expand")
            if span is None:
                continue
            span._.figure = f
            span._.value = f.value
            span._.unit = f.unit
            span._.metric = f.metric
            span._.subject = f.subject
            span._.predicate = f.predicate
            span._.negated = f.negated
            by_id[f.id] = span
            spans.append(span)
        for span in spans:
            p = span._.figure.parent
            span._.parent = by_id.get(p) if p else None
        doc.spans[self.spans_key] = spans
        doc._.figures = figs
        return doc


def make_figures(nlp: Any, name: str, spans_key: str = "figures") -> FiguresComponent:  # noqa: ARG001
    """The factory (also usable as a ``spacy_factories`` entry point)."""
    return FiguresComponent(name, spans_key)


def _register() -> None:
    _require_spacy()
    from spacy.language import Language

    if FACTORY not in Language.factories:
        Language.factory(FACTORY, default_config={"spans_key": "figures"}, func=make_figures)


def blank_pipeline() -> Any:
    """``spacy.blank("zh")`` with the jieba segmenter and the figure component added."""
    spacy = _require_spacy()
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe(FACTORY)
    return nlp


_register()
