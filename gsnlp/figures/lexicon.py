"""The extractor's lexicon (``data/lexicon.json``) and jieba user dictionary, loaded once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(frozen=True, slots=True)
class Lexicon:
    units: dict[str, str]  # unit -> kind (count, amount, percent)
    rate_words: tuple[str, ...]
    scales: dict[str, int]
    approx_after: tuple[str, ...]
    approx_before: tuple[str, ...]
    not_after_unit: tuple[str, ...]
    unit_compounds: tuple[str, ...]
    not_before: tuple[str, ...]
    neg_cues: tuple[str, ...]
    neg_verbs: tuple[str, ...]
    neg_not: tuple[str, ...]
    predicates: frozenset[str]
    channels: tuple[tuple[str, str], ...]  # (surface, canonical), longest surface first
    scopes: tuple[str, ...]
    self_scopes: tuple[str, ...]
    periods: tuple[str, ...]
    list_markers: tuple[str, ...]
    part_markers: tuple[str, ...]
    aside_markers: tuple[str, ...]
    raw: dict[str, Any]


def _data(name: str) -> str:
    return resources.files("gsnlp.figures").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    d = json.loads(_data("lexicon.json"))
    units: dict[str, str] = {}
    for kind, us in d["units"].items():
        for u in us:
            units[u] = kind
    chans = sorted(((s, c) for c, ss in d["channels"].items() for s in ss), key=lambda x: -len(x[0]))
    neg = d["negation"]
    return Lexicon(
        units=units,
        rate_words=tuple(d["rate_words"]),
        scales={k: int(v) for k, v in d["scales"].items()},
        approx_after=tuple(d["approx_after"]),
        approx_before=tuple(sorted(d["approx_before"], key=len, reverse=True)),
        not_after_unit=tuple(d["not_after_unit"]),
        unit_compounds=tuple(d.get("unit_compounds", ())),
        not_before=tuple(d["not_before"]),
        neg_cues=tuple(sorted(neg["cues"], key=len, reverse=True)),
        neg_verbs=tuple(sorted(neg["verbs"], key=len, reverse=True)),
        neg_not=tuple(neg["not"]),
        predicates=frozenset(d["predicates"]),
        channels=tuple(chans),
        scopes=tuple(sorted(d["scopes"], key=len, reverse=True)),
        self_scopes=tuple(d["self_scopes"]),
        periods=tuple(sorted(d["periods"], key=len, reverse=True)),
        list_markers=tuple(d["list_markers"]),
        part_markers=tuple(d["part_markers"]),
        aside_markers=tuple(d["aside_markers"]),
        raw=d,
    )


_JIEBA: Any = None


def tokenizer() -> Any:
    """A jieba Tokenizer with the domain user dictionary (data/userdict.txt), built once."""
    global _JIEBA
    if _JIEBA is None:
        try:
            import jieba
        except ImportError:
            from gsnlp.errors import MissingExtraError

            raise MissingExtraError("the narrative-figure extractor", "figures", "jieba") from None
        import logging

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        for line in _data("userdict.txt").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                parts = line.split()
                tk.add_word(parts[0], int(parts[1]) if len(parts) > 1 else 2000, parts[2] if len(parts) > 2 else None)
        _JIEBA = tk
    return _JIEBA
