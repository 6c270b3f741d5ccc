"""Hugging Face datasets built from reports: table cells, narrative figures (character-span
NER), section-五 clauses (``gsnlp.datasets.themes``) and findings. ``build_all`` makes them."""

from __future__ import annotations

from gsnlp.datasets.build import BUILDERS, build_all, collect, split_of

__all__ = ["BUILDERS", "build_all", "collect", "split_of"]
