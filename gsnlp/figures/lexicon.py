"""The extractor's lexicon (``data/lexicon.json``) and its predicate tokenizer (jieba's tokens, loaded lazily)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from math import log
from pathlib import Path
from typing import Any, Iterator


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
    return (Path(__file__).parent / "data" / name).read_text(encoding="utf-8")  # not importlib.resources


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


# --- predicate tokens: jieba's accurate mode without HMM, over jieba's own dictionary read lazily ---------------
#
# ``jieba.Tokenizer()`` unmarshals its whole prefix dictionary (~600k entries, ~0.6 s) before the first cut, and
# ``import jieba`` loads its HMM tables (~12 ms) that ``HMM=False`` never uses. :class:`Segmenter` gives the same
# tokens as ``Tokenizer().lcut(text, HMM=False)`` with our user dictionary (same DAG, same route scores, same
# tie-breaks, same block splitting), but looks words up in jieba's ``dict.txt`` only when a cut needs them:
# ``data/jieba_index.json`` (built by :func:`build_jieba_index`) says where the lines of each first character lie
# in that file, and a lookup is a byte search inside that stretch. A ``dict.txt`` of another size (another jieba)
# is indexed at run time instead. tests/cli/test_startup.py compares it with jieba itself.

_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)  # jieba.re_han_default
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)  # jieba.re_skip_default
_RE_ENG = re.compile("[a-zA-Z0-9]", re.U)  # jieba.re_eng
INDEX_FILE = "jieba_index.json"


@dataclass(frozen=True, slots=True)
class JiebaIndex:
    """Where each first character's lines lie in jieba's dict.txt: ``chars[i]`` starts the lines
    ``[starts[i], starts[i + 1])`` (a character may own several stretches); ``total`` is the sum of
    all frequencies (jieba's ``Tokenizer.total``)."""

    size: int
    total: int
    chars: str
    starts: tuple[int, ...]


def build_jieba_index(data: bytes) -> JiebaIndex:
    """Index jieba's dict.txt (``word freq tag`` per line), as jieba's ``gen_pfdict`` reads it."""
    chars: list[str] = []
    starts: list[int] = []
    total = 0
    pos = 0
    for line in data.split(b"\n"):  # jieba reads the file's lines as a binary file iterates them
        text = line.strip().decode("utf-8")
        if text:
            word, freq = text.split(" ")[:2]
            total += int(freq)
            if not chars or chars[-1] != word[0]:
                chars.append(word[0])
                starts.append(pos)
        pos += len(line) + 1
    return JiebaIndex(len(data), total, "".join(chars), tuple(starts))


def jieba_dict_path() -> Path:
    """jieba's main dictionary, found without importing jieba."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    path = Path(spec.origin).parent / "dict.txt" if spec is not None and spec.origin else None
    if path is None or not path.is_file():  # no jieba, or one without its dictionary file
        from gsnlp.errors import MissingExtraError

        raise MissingExtraError("the narrative-figure extractor", "figures", "jieba")
    return path


class Segmenter:
    """``jieba.Tokenizer().lcut(text, HMM=False)`` plus our user dictionary, without loading jieba's dictionary."""

    def __init__(self, path: Path, user: list[tuple[str, int]]) -> None:
        import mmap

        with open(path, "rb") as f:
            self._data: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        size = len(self._data)
        shipped = json.loads(_data(INDEX_FILE))
        if shipped["size"] == size and self._stretches_ok(shipped["chars"], shipped["starts"], size):
            ix = JiebaIndex(size, int(shipped["total"]), shipped["chars"], tuple(shipped["starts"]))
        else:  # another jieba's dictionary: index it now (one pass, about the cost of jieba's own load)
            ix = build_jieba_index(bytes(self._data))
        self._ix = ix
        self._where: dict[str, list[tuple[int, int]]] = {}  # first character -> its stretches, filled on demand
        self._memo: dict[str, int | None] = {}
        self.total = ix.total
        self._user: dict[str, int] = {}
        for word, freq in user:  # jieba's add_word: the frequency replaces, the total only grows
            self._user[word] = freq
            self.total += freq
        self._user_prefixes = {word[:i] for word in self._user for i in range(1, len(word))}

    def _stretches_ok(self, chars: str, starts: list[int], size: int) -> bool:
        """A cheap guard that the shipped index fits this file: a few stretches start where it says."""
        if len(chars) != len(starts) or not starts or starts[0] != 0:
            return False
        step = max(1, len(starts) // 16)
        for i in range(0, len(starts), step):
            s = starts[i]
            if (s > 0 and self._data[s - 1:s] != b"\n") or not self._data[s:s + 4].decode(
                    "utf-8", "ignore").startswith(chars[i]):
                return False
        return True

    def freq(self, frag: str) -> int | None:
        """jieba's ``FREQ.get(frag)``: the word's frequency, 0 for a mere prefix of a word, None otherwise."""
        if frag in self._memo:
            return self._memo[frag]
        got: int | None
        if frag in self._user:
            got = self._user[frag]
        else:
            got = self._base(frag)
            if got is None and frag in self._user_prefixes:
                got = 0
        self._memo[frag] = got
        return got

    def _stretches(self, ch: str) -> list[tuple[int, int]]:
        got = self._where.get(ch)
        if got is None:
            ix = self._ix
            got = []
            i = ix.chars.find(ch)
            while i >= 0:
                got.append((ix.starts[i], ix.starts[i + 1] if i + 1 < len(ix.starts) else ix.size))
                i = ix.chars.find(ch, i + 1)
            self._where[ch] = got
        return got

    def _base(self, frag: str) -> int | None:
        stretches = self._stretches(frag[0])
        if not stretches:
            return None
        fb = frag.encode("utf-8")
        d = self._data
        exact = b"\n" + fb + b" "
        for start, end in reversed(stretches):  # the last line of a word wins, as in jieba
            i = d.rfind(exact, max(start - 1, 0), end)
            if i >= 0:
                j = i + len(exact)
            elif start == 0 and d[:len(fb) + 1] == fb + b" ":  # the file's first line
                j = len(fb) + 1
            else:
                continue
            stop = d.find(b"\n", j, end)
            return int(d[j:stop if stop >= 0 else end].split(b" ")[0])
        for start, end in stretches:
            if d.find(b"\n" + fb, max(start - 1, 0), end) >= 0 or (start == 0 and d[:len(fb)] == fb):
                return 0
        return None

    def _dag(self, s: str) -> list[list[int]]:
        n = len(s)
        dag: list[list[int]] = []
        for k in range(n):
            ends: list[int] = []
            i = k
            frag = s[k]
            while i < n:
                f = self.freq(frag)
                if f is None:
                    break
                if f:
                    ends.append(i)
                i += 1
                frag = s[k:i + 1]
            dag.append(ends or [k])
        return dag

    def _cut_block(self, s: str) -> Iterator[str]:
        dag = self._dag(s)
        n = len(s)
        route: dict[int, tuple[float, int]] = {n: (0, 0)}
        logtotal = log(self.total)
        for idx in range(n - 1, -1, -1):
            route[idx] = max((log(self.freq(s[idx:x + 1]) or 1) - logtotal + route[x + 1][0], x) for x in dag[idx])
        x = 0
        buf = ""
        while x < n:
            y = route[x][1] + 1
            word = s[x:y]
            if _RE_ENG.match(word) and len(word) == 1:
                buf += word
            else:
                if buf:
                    yield buf
                    buf = ""
                yield word
            x = y
        if buf:
            yield buf

    def cut(self, text: str) -> Iterator[str]:
        for blk in _RE_HAN.split(text):
            if not blk:
                continue
            if _RE_HAN.match(blk):
                yield from self._cut_block(blk)
            else:
                for x in _RE_SKIP.split(blk):
                    if _RE_SKIP.match(x):
                        yield x
                    else:
                        yield from x

    def lcut(self, text: str, HMM: bool = False) -> list[str]:  # noqa: N803 - jieba's keyword
        if HMM:
            raise ValueError("Segmenter is jieba without HMM; HMM=True is not supported")
        return list(self.cut(text))


def user_words() -> list[tuple[str, int]]:
    """The domain user dictionary (data/userdict.txt) as (word, frequency), in file order."""
    out = []
    for line in _data("userdict.txt").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            parts = line.split()
            out.append((parts[0], int(parts[1]) if len(parts) > 1 else 2000))
    return out


_SEGMENTER: Segmenter | None = None


def tokenizer() -> Segmenter:
    """The predicate tokenizer (:class:`Segmenter`: jieba's tokens, HMM off, with data/userdict.txt), built once."""
    global _SEGMENTER
    if _SEGMENTER is None:
        _SEGMENTER = Segmenter(jieba_dict_path(), user_words())
    return _SEGMENTER


def jieba_tokenizer() -> Any:
    """The reference: a real ``jieba.Tokenizer`` with the same user dictionary (loads jieba's full dictionary)."""
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
    return tk


def write_jieba_index(dest: Path | None = None) -> Path:
    """(Re)build data/jieba_index.json from the installed jieba's dict.txt (``python -m gsnlp.figures.lexicon``)."""
    import hashlib
    from importlib.metadata import version

    src = jieba_dict_path()
    data = src.read_bytes()
    ix = build_jieba_index(data)
    dest = dest or Path(__file__).with_name("data") / INDEX_FILE
    doc = {"source": f"jieba {version('jieba')} dict.txt", "sha256": hashlib.sha256(data).hexdigest(),
           "size": ix.size, "total": ix.total, "chars": ix.chars, "starts": list(ix.starts)}
    dest.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return dest


if __name__ == "__main__":
    print(write_jieba_index())
