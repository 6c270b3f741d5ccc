"""Narrative of synthetic reports, built from sentence patterns of the real corpus.

Every figure a sentence states is taken from the tables (so the narrative agrees with them)
unless an injected contradiction changes it on purpose. The patterns are the corpus' own
(e.g. "2023年，共收到政府信息公开申请81件，其中自然人80件，法人或其他组织1件"; "全年未收到政府信息公开
申请"; "未发生政府信息公开行政复议、行政诉讼情况"; "本年度未收取信息处理费"), with the usual
variants of wording.
"""

from __future__ import annotations

import random
from decimal import Decimal

COUNTY_NAMES = ("长子县", "宝丰县", "清河县", "沅江市", "沭阳县", "平潭县", "洪泽区", "四方台区", "宁乡市", "桐庐县",
                "南丰县", "武功县", "永和县", "濉溪县", "邹平市", "攸县", "灵璧县", "泾县", "遂川县", "宾川县")
CITY_NAMES = ("淮安市", "宿迁市", "双鸭山市", "益阳市", "平顶山市", "邢台市", "长治市", "福州市", "九江市", "咸阳市",
              "临汾市", "宿州市", "滨州市", "株洲市", "宣城市", "吉安市", "大理州")
TOWNSHIPS = ("大营镇", "横水镇", "城关镇", "新集镇", "柳林乡", "东关街道", "河西街道", "石桥镇", "白沙乡", "双河镇")
DEPARTMENTS = ("教育局", "财政局", "自然资源局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
               "卫生健康委员会", "应急管理局", "市场监督管理局", "医疗保障局", "民政局", "人力资源和社会保障局",
               "生态环境局", "司法局", "林业局", "统计局", "退役军人事务局", "库区移民事务中心")


def agency_for(rng: random.Random, level: str) -> str:
    if level == "township":
        if rng.random() < 0.5:
            return rng.choice(COUNTY_NAMES) + rng.choice(TOWNSHIPS) + "人民政府"
        return rng.choice(COUNTY_NAMES) + rng.choice(DEPARTMENTS)
    if level == "county":
        if rng.random() < 0.5:
            return rng.choice(COUNTY_NAMES) + "人民政府"
        return rng.choice(CITY_NAMES) + rng.choice(DEPARTMENTS)
    return rng.choice(CITY_NAMES) + ("人民政府" if rng.random() < 0.6 else "人民政府办公室")


_OPEN = (
    "{year}年，{short}以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，"
    "严格按照上级关于政务公开工作的有关要求，进一步提高思想认识，强化工作责任，扩大公开范围，细化公开要求。",
    "{year}年，{short}坚持以人民为中心的发展思想，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署，"
    "持续深化政务公开，推进决策、执行、管理、服务、结果公开，不断提升政务公开质量和实效。",
    "{year}年以来，{short}按照《中华人民共和国政府信息公开条例》要求，坚持“以公开为常态、不公开为例外”，"
    "全面提升政务公开质量和实效，切实增强群众满意度和获得感。",
)
_MANAGE = (
    "建立了信息公开审核发布、动态调整机制，严格落实“三审三校”制度，做好信息公开保密审查，确保公开内容准确规范。",
    "严格执行政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，全年未发生泄密事件。",
    "对历史文件进行全面排查，及时清理过期信息，做好政策文件的动态调整和公开属性审查工作。",
)
_PLATFORM = (
    "持续强化政府网站作为政务公开第一平台的功能定位，加强门户网站内容保障与安全运维，提升权威发布能力。",
    "以政府门户网站为主渠道，充分发挥政务新媒体作用，拓宽公开渠道，方便群众及时获取政府信息。",
    "在政务服务中心设立政务公开专区，配备查阅设备，为群众提供政府信息查询、政策咨询等“一站式”服务。",
)
_SUPERVISE = (
    "将政务公开工作纳入年度绩效考核，定期开展自查自纠，发现问题及时督促整改。",
    "成立了政务公开工作领导小组，明确分管领导和专人负责，加强业务培训，提升工作人员业务能力。",
    "围绕政策解读、依申请公开、网站管理等重点领域开展专题培训，切实提升一线工作人员依法公开水平。",
)

PROBLEMS = {
    "timeliness": ("部分信息更新还不够及时", "信息发布的及时性还需提高", "个别栏目信息更新滞后"),
    "content_quality": ("公开内容不够全面，质量有待提高", "部分栏目存在信息噪音，信息发布属性界定还不够精确",
                        "公开内容的深度和广度还不够"),
    "interpretation": ("政策解读的质量有待提高，形式还要更加多样", "政策解读形式较为单一，图解、视频等解读形式运用较少"),
    "awareness": ("部分工作人员政府信息公开的意识有待进一步提高", "个别单位对政务公开工作重视程度不够"),
    "capacity": ("工作人员多为兼职，业务能力有待提升", "信息人员队伍能力建设仍有欠缺"),
    "interaction": ("公众参与度较低，政民互动还不够充分", "回应社会关切的主动性还不够"),
    "channels": ("公开方式和渠道不够多元化", "政务新媒体运营水平还需提升"),
    "institutions": ("公开的长效工作机制建设还不够完善", "工作制度还需进一步健全"),
    "key_areas": ("重点领域信息公开还不够深入", "基层重点领域信息公开标准化规范化水平还需提升"),
}
MEASURES = {
    "timeliness": ("加强信息发布的时效管理，确保信息及时更新", "建立信息更新提醒机制，定期检查栏目更新情况"),
    "content_quality": ("加大重点领域公开信息整合归类力度，不断优化栏目设置", "对历史文件进行全面排查，清理栏目噪音"),
    "interpretation": ("丰富政策解读形式，采用图解、视频等方式提升解读效果", "提高政策解读发布的质量，做到文件与解读同步发布"),
    "awareness": ("加强学习宣传，进一步提高工作人员对政务公开工作重要性的认识", "强化公开意识，压实工作责任"),
    "capacity": ("加强业务学习和培训，提升工作人员业务水平", "开展政府信息公开业务培训，提高信息工作人员综合素质"),
    "interaction": ("拓宽政民互动渠道，及时回应社会关切", "做好舆情收集研判和回应工作，提升回应实效"),
    "channels": ("进一步丰富信息公开渠道，通过“两微一端”等多种形式主动发布信息", "提升政务新媒体运营建设水平"),
    "institutions": ("进一步完善政府信息公开各项规章制度，确保政务公开规范化制度化", "健全考核评估、监督检查等工作制度"),
    "key_areas": ("聚焦群众关注的重点领域，加大信息公开力度", "推进基层政务公开标准化规范化建设"),
}
_ORD = ("一是", "二是", "三是", "四是")


def _n(v: str | Decimal) -> str:
    return str(v)


def overview(rng: random.Random, year: int, short: str, tables: dict[str, dict[str, str]],
             said: dict[str, str]) -> list[str]:
    """Paragraphs of 一、总体情况. ``said`` holds what the narrative states (metric -> value as
    printed); a contradiction is injected by changing it before this is called."""
    app = tables["applications"]
    paras = [rng.choice(_OPEN).format(year=year, short=short)]
    items = said.get("active_items")
    nd = said.get("normative_documents_issued")
    p1 = "（一）主动公开情况。"
    if items is not None:
        p1 += rng.choice(("全年通过政府门户网站主动公开政府信息{n}条。", "{year}年，在门户网站主动公开发布信息{n}条。")).format(
            n=items, year=year)
    if nd is not None and nd != "0":
        p1 += rng.choice(("制发行政规范性文件{n}件。", "全年出台行政规范性文件{n}件，均按规定向社会公开。")).format(n=nd)
    paras.append(p1)
    p2 = "（二）依申请公开情况。"
    new = said["new_received"]
    if new == "0" and said.get("zero_claim_applications", "1") == "1":
        p2 += rng.choice(("{year}年，全年未收到政府信息公开申请。", "{year}年本机关未收到政府信息公开申请。")).format(year=year)
    else:
        p2 += rng.choice(("{year}年，共收到政府信息公开申请{n}件", "{year}年共受理政府信息公开申请{n}件")).format(year=year, n=new)
        leg = said.get("legal_persons")
        if leg is not None and leg != "0":
            p2 += f"，其中自然人{said['natural_person']}件，法人或其他组织{leg}件"
        p2 += "。"
        co = app["carried_over/total"]
        if co != "0":
            p2 += f"上年结转{co}件。"
        tp = said.get("total_processed")
        if tp is not None and tp != "0":
            p2 += f"全年办结{tp}件，其中予以公开{said['granted']}件，部分公开{app['partially_granted/total']}件。"
        cf = app["carried_forward/total"]
        if cf != "0":
            p2 += f"结转下年度继续办理{cf}件。"
        elif tp is not None and tp != "0" and rng.random() < 0.5:
            p2 += "所有申请均在法定期限内答复。"
    paras.append(p2)
    rev, lit = said["review"], said["litigation"]
    if rev == "0" and lit == "0":
        paras.append(rng.choice(("全年未发生政府信息公开行政复议、行政诉讼情况。", "本年度未发生因政府信息公开引起的行政复议、行政诉讼。")))
    else:
        paras.append(f"全年因政府信息公开被申请行政复议{rev}件，被提起行政诉讼{lit}件。")
    paras.append("（三）政府信息管理。" + rng.choice(_MANAGE))
    paras.append("（四）平台建设。" + rng.choice(_PLATFORM))
    paras.append("（五）监督保障。" + rng.choice(_SUPERVISE))
    return paras


def problems(rng: random.Random, year: int) -> tuple[list[str], list[str]]:
    """Paragraphs of 五 and the themes they state (problems and the matching measures)."""
    themes = rng.sample(sorted(PROBLEMS), rng.randint(2, 4))
    probs = "；".join(f"{_ORD[i]}{rng.choice(PROBLEMS[t])}" for i, t in enumerate(themes))
    meas = "".join(f"{_ORD[i]}{rng.choice(MEASURES[t])}。" for i, t in enumerate(themes))
    lead = rng.choice(("{year}年，本机关政府信息公开工作取得了一定成效，但仍存在一些不足：",
                       "存在的问题主要有以下几个方面：", "（一）存在的主要问题\n"))
    nxt = rng.choice(("{next}年，将采取以下措施加以改进：", "下一步，我们将重点做好以下工作：", "（二）改进情况\n"))
    return [lead.format(year=year) + probs + "。", nxt.format(next=year + 1) + meas], themes


def other_matters(rng: random.Random, year: int) -> list[str]:
    return [rng.choice(("{year}年，本机关未收取信息处理费。", "本年度未收取信息处理费。",
                        "按照《政府信息公开信息处理费管理办法》规定，{year}年本机关依申请公开政府信息未收费。")).format(year=year)]
