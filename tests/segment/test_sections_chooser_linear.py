"""The heading chooser is near-linear (issue 19: repeated headings made it cubic) and chooses
exactly what the plain dynamic programme over all pairs chooses."""

from __future__ import annotations

import random
import time

import pytest

from gsnlp.segment.sections import SECTION_IDS, _Cand, _choose, find_sections
from gsnlp.template.sections import SECTION_HEADINGS


def _reference(cands: list[_Cand], n: int) -> list[_Cand]:
    """The definition: for every pair, with the table-of-contents penalty counted directly."""
    if not cands:
        return []
    order = {sid: i for i, sid in enumerate(SECTION_IDS)}
    nums = "一二三四五六"

    def own(c: _Cand) -> float:
        return (1.5 if c.exact else 0.0) + (0.0 if c.num is None else (2.0 if c.num == nums[order[c.sid]] else 1.0))

    best, prev = [0.0] * len(cands), [-1] * len(cands)
    for j, c in enumerate(cands):
        best[j] = 1000 + own(c)
        for i in range(j):
            a = cands[i]
            if a.start < c.start and order[a.sid] < order[c.sid] and a.end <= c.start:
                pen = 0.0 if c.start - a.end >= 20 else -600.0
                # a body opening with later headings (within 300 characters): a table of contents
                pen -= 500.0 * sum(1 for x in cands[i + 1 : j]
                                   if order[x.sid] > order[a.sid] and x.start < a.end + 300)
                v = best[i] + 1000 + own(c) + pen
                if v > best[j]:
                    best[j], prev[j] = v, i
    score = [best[j] + (0.0 if n - cands[j].end >= 2 else -600.0) for j in range(len(cands))]
    j = max(range(len(cands)), key=lambda x: (score[x], -x))
    out = []
    while j >= 0:
        out.append(cands[j])
        j = prev[j]
    return out[::-1]


def test_chooser_agrees_with_the_pairwise_definition() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        pos, cands = 0, []
        for _ in range(rng.randint(1, 18)):
            pos += rng.choice([0, 1, 3, 10, 19, 20, 21, 60, 150, 280, 299, 300, 301, 500])
            cands.append(_Cand(pos, pos + rng.randint(0, 30), rng.choice(SECTION_IDS),
                               rng.choice([None, "一", "二", "三", "四", "五", "六"]), rng.random() < 0.3))
        cands.sort(key=lambda c: c.start)
        n = cands[-1].end + rng.choice([0, 1, 2, 40])
        assert _choose(cands, n) == _reference(cands, n)


@pytest.mark.parametrize("repeats", [400, 800])
def test_repeated_headings_finish_well_under_a_second(repeats: int) -> None:
    heads = list(SECTION_HEADINGS.values())
    # blocks of one heading repeated: the shape that took 5 s (400) and 36 s (800) before
    text = "".join(heads[i * 6 // repeats] + "\n本年度工作正常开展，各项工作有序推进。\n" for i in range(repeats))
    t = time.perf_counter()
    sections, _ = find_sections(text)
    assert time.perf_counter() - t < 0.5
    assert [s.id for s in sections] == list(SECTION_IDS)


def test_time_grows_about_linearly_with_repeats() -> None:
    heads = list(SECTION_HEADINGS.values())

    def run(k: int) -> float:
        text = "".join(heads[i % 6] + "\n正文。\n" for i in range(k))
        t = time.perf_counter()
        find_sections(text)
        return time.perf_counter() - t

    small, big = min(run(1000) for _ in range(5)), min(run(8000) for _ in range(3))
    assert big < 32 * small + 0.1, (small, big)  # 8x the input: cubic would be 512x, quadratic 64x
