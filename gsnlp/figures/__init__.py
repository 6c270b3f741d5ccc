"""Numeric facts stated in the narrative of a report (issue 4, ``gsnlp extract --narrative``).

    from gsnlp.figures import extract, extract_report
    figs = extract(text, spans, doc)          # spans: (section id, start, end) into text
    figs = extract_report(gsnlp.read(path))   # the report's narrative (no tables, no chrome)

Each :class:`Figure` has the span (``start``/``end``, offsets into the original text), ``value``
(Decimal as written), ``unit``, ``scale`` (万/亿), ``kind`` (count, amount, percent, rate),
``approx`` (余/多), ``subject``, ``predicate``, ``channel``, ``scope``, ``period``, ``polarity``
(positive / negated: a zero claim such as 未收到…申请), ``parent`` (its total), ``qualifies``
(the count a percentage belongs to), ``item`` (一是/二是 position) and ``metric`` (a TEMPLATE.md
cell address or a named narrative quantity, see :data:`NAMED_METRICS` and
corpora/annotation/figures.md §6), bound by rules and a trained model (``binding``: rules /
model / both, see :mod:`gsnlp.figures.binding`); ``metric_p`` is the model's probability of the
metric and :func:`accusable` says whether a check may accuse a report with it.

The core is pure Python + jieba (``data/lexicon.json``, ``data/userdict.txt``); cn2an converts
Chinese numerals of matched spans only. ``gsnlp.figures.spacy_component`` exposes the same
figures on a spaCy ``Doc`` (factory ``gsnlp_figures_v1``).
"""

from __future__ import annotations

from gsnlp.figures.binding import accusable
from gsnlp.figures.extractor import SCHEMA, Figure, extract, extract_report, fallback_spans, report_spans
from gsnlp.figures.metrics import NAMED as NAMED_METRICS

__all__ = ["SCHEMA", "Figure", "extract", "extract_report", "report_spans", "fallback_spans", "NAMED_METRICS",
           "accusable"]
