"""Consistency checks (RULES.md): rules over one report's tables, narrative and structure,
and across the years of one agency, each outcome a ``Finding`` with its evidence."""

from __future__ import annotations

from gsnlp.check.engine import at_or_above, check_report, check_reports, check_years, worst
from gsnlp.check.finding import Evidence, Finding
from gsnlp.check.registry import RULES, all_rules, get_rule, rule

__all__ = [
           "RULES",
           "Evidence",
           "Finding",
           "all_rules",
           "at_or_above",
           "check_report",
           "check_reports",
           "check_years",
           "get_rule",
           "rule",
           "worst",
]
