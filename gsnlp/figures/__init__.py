"""Numeric facts stated in the narrative of a report (``gsnlp extract --narrative``).

``extract(text, spans, doc)`` is the fast core (no spaCy); ``extract_report(report)`` runs it
over a parsed Report's narrative spans; ``gsnlp.figures.spacy_component`` exposes the same
figures on a spaCy ``Doc`` (factory ``gsnlp_figures_v1``).
"""

from __future__ import annotations

from gsnlp.figures.extractor import SCHEMA, Figure, extract, extract_report, fallback_spans
from gsnlp.figures.metrics import NAMED as NAMED_METRICS

__all__ = ["SCHEMA", "Figure", "extract", "extract_report", "fallback_spans", "NAMED_METRICS"]
