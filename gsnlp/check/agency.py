"""What the checks need to know about an agency from its name: its level, whether it is a
government (本级人民政府) or a department, and a key that groups the years of one agency."""

from __future__ import annotations

import re

_PROVINCES = ("北京", "天津", "上海", "重庆")
_GOV_SUFFIX = re.compile(r"(人民政府(办公厅|办公室)?|管理委员会|管委会)$")
_DEPT = re.compile(r"(局|厅|委员会|委|办公室|办|中心|所|站|队|院|馆|处|部)$")
_LOW = re.compile(r"(县|镇|乡|街道|旗|苏木|区(?!域))")


def agency_key(name: str | None) -> str | None:
    """Group key: the canonical name (``gsnlp.agency``: alias table of typos, prefixes and
    renames) without the government suffix."""
    from gsnlp.agency import canonical_agency

    if not name:
        return None
    k = canonical_agency(name) or ""
    k = re.sub(r"(人民政府|管理委员会|管委会)$", "", k)
    k = k.replace("沐阳", "沭阳")
    # 淮安市洪泽区 and 洪泽区 are one agency: drop the higher-level place before a county or district
    m = re.match(r"^.+?[省市](?=[^省市]{1,8}?(区|县|旗)$)", k)
    return k[m.end():] if m else k


def is_government(name: str | None) -> bool | None:
    """True for a people's government (or a zone's 管委会), False for a department, None if unknown."""
    if not name:
        return None
    n = re.sub(r"\s+", "", name)
    if _GOV_SUFFIX.search(n):
        return True
    if _DEPT.search(n):
        return False
    if re.search(r"(省|自治区|市|县|区|镇|乡|街道|旗)$", n):
        return True
    return None


def may_make_regulations(name: str | None) -> bool | None:
    """规章 (立法法第九十一、九十三条) are made by State Council departments and by the
    governments of provinces and 设区的市. None when the name says too little.

    A 县级市 cannot be told from a 设区的市 by its name; such a government is given the benefit
    of the doubt (True).
    """
    if not name:
        return None
    n = re.sub(r"\s+", "", name)
    gov = is_government(n)
    if n.startswith(("国务院", "国家", "中华人民共和国")) or (gov is False and not re.search(r"[省市县区镇乡]", n)):
        return True  # a State Council department (部, 委, 总局 …)
    if gov is None:
        return None
    if not gov:
        return False  # a department of a local government
    head = _GOV_SUFFIX.sub("", n)
    if _LOW.search(head.split("市")[-1]) or "综合实验区" in head:
        return False  # county, district, township; 平潭综合实验区 is not a 设区的市
    if head.endswith(("省", "自治区", "市")) or head.startswith(_PROVINCES):
        return True
    return None
