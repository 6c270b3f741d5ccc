"""Synthetic 政府信息公开工作年度报告 with exact gold, for tests and benchmarks at scale."""

from __future__ import annotations

from gsnlp.synth.generate import FORMATS, INJECTABLE, SynthReport, iter_reports, synth_report, write_corpus
from gsnlp.synth.layouts import LAYOUTS, render_tables, run_together_unique
from gsnlp.synth.values import check_identities, draw_tables

__all__ = ["FORMATS", "INJECTABLE", "LAYOUTS", "SynthReport", "check_identities", "draw_tables", "iter_reports",
           "render_tables", "run_together_unique", "synth_report", "write_corpus"]
