"""Agency identity: one canonical name per agency across the years of its reports.

A report names its agency as it likes: with or without the higher jurisdiction
(洪泽区人民政府 / 淮安市洪泽区人民政府), with typos (沐阳 for 沭阳), under an old name. The
canonical name comes from the normalised name and the alias table ``aliases.tsv`` (data,
one line per known variant, with its kind and a note); the original is always kept beside
it by the callers (exports carry both columns).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ALIASES_FILE = Path(__file__).with_name("aliases.tsv")
ALIAS_KINDS = ("typo", "prefix", "rename", "abbreviation")


@dataclass(frozen=True, slots=True)
class Alias:
    alias: str
    canonical: str
    kind: str
    note: str = ""


def normalize_name(name: str) -> str:
    """NFKC, no whitespace, no leading list or Markdown marks."""
    n = unicodedata.normalize("NFKC", name)
    n = re.sub(r"\s+", "", n)
    return n.lstrip("#*>-_·•")


@lru_cache(maxsize=1)
def aliases() -> dict[str, Alias]:
    """The alias table, keyed by the normalised alias. A malformed line is an error naming it."""
    from gsnlp.errors import SchemaError

    out: dict[str, Alias] = {}
    for n, line in enumerate(ALIASES_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or parts[2] not in ALIAS_KINDS:
            raise SchemaError(f"expected alias<TAB>canonical<TAB>kind ({'|'.join(ALIAS_KINDS)})[<TAB>note]; "
                              "fix this line", origin=f"{ALIASES_FILE}:{n}")
        a = Alias(normalize_name(parts[0]), normalize_name(parts[1]), parts[2], parts[3] if len(parts) > 3 else "")
        if a.alias in out:
            raise SchemaError(f"alias {a.alias!r} is listed twice", origin=f"{ALIASES_FILE}:{n}")
        out[a.alias] = a
    return out


_GOV = "人民政府"


@lru_cache(maxsize=1)
def _places() -> list[tuple[str, str]]:
    """(place as written, place canonical) from the aliases of governments, longest first:
    洪泽区 -> 淮安市洪泽区, so that 洪泽区教育局 becomes 淮安市洪泽区教育局."""
    out = set()
    for a in aliases().values():
        if a.kind in ("prefix", "typo", "rename") and a.canonical.endswith(_GOV):
            src = a.alias.removesuffix(_GOV)
            dst = a.canonical.removesuffix(_GOV)
            if src and src != dst and re.search(r"[省市县区旗]$", src):
                out.add((src, dst))
    return sorted(out, key=lambda x: -len(x[0]))


def canonical_agency(name: str | None) -> str | None:
    """The canonical name of an agency (None stays None)."""
    if not name:
        return None
    n = normalize_name(name)
    hit = aliases().get(n)
    if hit is not None:
        return hit.canonical
    for src, dst in _places():  # a department of an aliased place
        if n.startswith(src) and not n.startswith(dst):
            return dst + n[len(src):]
    return n


def alias_of(name: str | None) -> Alias | None:
    """The alias entry that applies to ``name`` (None when the name is canonical as written)."""
    return aliases().get(normalize_name(name)) if name else None
