"""Label ids of section 五 (see THEMES.md). The ids are fixed; order is the class index."""

from __future__ import annotations

ROLES: tuple[str, ...] = ("problem", "measure", "progress", "other")

THEMES: tuple[str, ...] = (
    "awareness",
    "timeliness",
    "content_quality",
    "key_areas",
    "interpretation",
    "channels",
    "platform",
    "interaction",
    "applications",
    "capacity",
    "institutions",
    "supervision",
    "confidentiality",
    "innovation",
    "grassroots",
    "publicity",
)

THEME_NAMES_ZH: dict[str, str] = {
    "awareness": "公开意识",
    "timeliness": "时效",
    "content_quality": "内容质量",
    "key_areas": "重点领域",
    "interpretation": "政策解读",
    "channels": "公开渠道与形式",
    "platform": "平台建设",
    "interaction": "回应与参与",
    "applications": "依申请公开",
    "capacity": "队伍与培训",
    "institutions": "制度机制",
    "supervision": "监督考核",
    "confidentiality": "保密审查",
    "innovation": "创新特色",
    "grassroots": "基层公开",
    "publicity": "宣传",
}

ROLE_NAMES_ZH: dict[str, str] = {"problem": "问题", "measure": "措施", "progress": "整改情况", "other": "其他"}


def check_role(role: str) -> str:
    from gsnlp.errors import UnknownNameError

    if role not in ROLES:
        raise UnknownNameError("role", role, ROLES)
    return role


def check_themes(themes: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Validate theme ids and return them in canonical (THEMES) order, without duplicates."""
    from gsnlp.errors import UnknownNameError

    for t in themes:
        if t not in THEMES:
            raise UnknownNameError("theme", t, THEMES)
    s = set(themes)
    return tuple(t for t in THEMES if t in s)
