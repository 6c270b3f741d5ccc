"""``pipeline.distinct_names``: the one rule that tells apart reports whose file names collide
(the CLI's inputs, the batch's cross-year pass and its pages all key findings by ``doc_id``)."""

from __future__ import annotations

from gsnlp_corpus import REAL


def test_colliding_names_get_the_report_id_and_others_stay() -> None:
    from gsnlp.io import read_bytes
    from gsnlp.pipeline import distinct_names, report_id

    text = (REAL / "平潭综合实验区_2023.txt").read_bytes()
    a = read_bytes(text, "a/平潭综合实验区_2023.txt")
    b = read_bytes(text + "\n附：另一来源的版本。\n".encode(), "b/平潭综合实验区_2023.txt")
    c = read_bytes((REAL / "平潭综合实验区_2022.txt").read_bytes(), "a/平潭综合实验区_2022.txt")
    got = distinct_names([a, c, b])
    assert [r.doc_id for r in got] == [f"平潭综合实验区_2023.txt#{report_id(a.source.sha256)[:8]}",
                                       "平潭综合实验区_2022.txt",
                                       f"平潭综合实验区_2023.txt#{report_id(b.source.sha256)[:8]}"]
    assert got[1] is c and len({r.doc_id for r in got}) == 3
    assert got[0].text == a.text and got[0].source.sha256 == a.source.sha256  # only the name changes
