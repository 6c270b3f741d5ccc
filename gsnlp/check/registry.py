"""The rule registry, filled by the ``@rule`` decorator (spaCy-style versioned names)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gsnlp.errors import UnknownNameError

if TYPE_CHECKING:
    from gsnlp.check.finding import Finding

# rule families: "report" rules see one report; "years" rules see the reports of one agency
SCOPES = ("report", "years")


@dataclass(frozen=True, slots=True)
class RuleDef:
    """A registered rule: ``name`` is versioned (``t3.identity.v1``), ``id`` is the RULES.md id."""

    name: str
    func: Callable[..., Iterable[Finding]]
    scope: str
    severity: str
    title: str
    needs_figures: bool = False

    @property
    def id(self) -> str:
        return self.name.rsplit(".", 1)[0]

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]


RULES: dict[str, RuleDef] = {}
# the order of RULES.md: tables first, then narrative, structure, years
FAMILY_ORDER = ("t3", "t4", "t2", "nt", "st", "cy")


def rule(name: str, *, severity: str, title: str, scope: str = "report",
         needs_figures: bool = False) -> Callable[[Callable[..., Iterable[Finding]]], Callable[..., Iterable[Finding]]]:
    """Register a rule function under a versioned name.

    A report rule is ``f(ctx: Context) -> Iterable[Finding]``; a years rule is
    ``f(ctx: YearsContext) -> Iterable[Finding]``.
    """
    if scope not in SCOPES:
        raise ValueError(f"unknown rule scope {scope!r}; expected one of {SCOPES}")
    head, _, ver = name.rpartition(".")
    if not head or not (ver.startswith("v") and ver[1:].isdigit()):
        raise ValueError(f"rule name {name!r} needs a version suffix such as '.v1'")

    def deco(func: Callable[..., Iterable[Finding]]) -> Callable[..., Iterable[Finding]]:
        if name in RULES:
            raise ValueError(f"rule {name!r} is registered twice")
        RULES[name] = RuleDef(name, func, scope, severity, title, needs_figures)
        return func

    return deco


def get_rule(name: str) -> RuleDef:
    """A rule by versioned name, or by bare id (then the latest version)."""
    _load()
    if name in RULES:
        return RULES[name]
    versions = sorted((r for r in RULES.values() if r.id == name), key=lambda r: int(r.name.rsplit(".v", 1)[1]))
    if versions:
        return versions[-1]
    raise UnknownNameError("rule", name, list(RULES))


_ORDERED: dict[str | None, tuple[tuple[RuleDef, ...], tuple[RuleDef, ...]]] = {}  # scope -> (registry, ordered)


def all_rules(scope: str | None = None, select: Iterable[str] | None = None) -> list[RuleDef]:
    """Registered rules in registration order; ``select`` keeps names/ids/families given (``t3``, ``nt.zero_claims``)."""
    _load()
    now = tuple(RULES.values())
    hit = _ORDERED.get(scope)
    if hit is not None and hit[0] == now:  # the same registry as last time: its order is known
        rules = list(hit[1])
    else:
        order = {name: i for i, name in enumerate(RULES)}
        rules = sorted((r for r in now if scope is None or r.scope == scope),
                       key=lambda r: (FAMILY_ORDER.index(r.family) if r.family in FAMILY_ORDER else len(FAMILY_ORDER),
                                      order[r.name]))
        _ORDERED[scope] = (now, tuple(rules))
    if select is not None:
        sel = list(select)
        for s in sel:
            if not any(r.name == s or r.id == s or r.family == s for r in RULES.values()):
                raise UnknownNameError("rule", s, list(RULES))
        rules = [r for r in rules if r.name in sel or r.id in sel or r.family in sel]
    return rules


def _load() -> None:
    # importing the rule modules fills RULES
    from gsnlp.check import (  # noqa: F401
        rules_narrative,
        rules_structure,
        rules_tables,
        rules_years,
    )
