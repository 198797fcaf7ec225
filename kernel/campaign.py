"""The campaign's words that more than one service speaks: the costs of doing business the notice
sets out to lower (降低企业成本优化发展环境) and the county-level divisions it addresses, as tables
and, at the end, as the vocabularies every service speaks them in, so an appeal's category and a
policy's cost category keep the same codes. Plain data, no I/O.
"""
from __future__ import annotations

from kernel.vocabulary import LabelledEnum

# The costs of doing business, code → label, in the order the documents list them.
COST_CATEGORIES: dict[str, str] = {
    "tax_and_fees": "税费",
    "financing": "融资",
    "labour": "用工",
    "land_and_energy": "用地用能",
    "logistics": "物流",
    "institutional": "制度性交易成本",
    # notice 二(三)2: 融资、技术、用工、用地等方面存在的突出问题
    "technology": "技术",
    "market": "市场",
    "comprehensive": "综合",
    "other": "其他",
}
# A measure spanning all the costs, as 《若干政策措施》 does: a policy may be one, while an
# appeal is always about one cost in particular.
COMPREHENSIVE = "comprehensive"

# The county-level divisions of Ganzhou and the three development zones the notice addresses
# beside them (notice, salutation and 三(一)). Codes are stable pinyin; the caller checks a
# county code against this table, an aggregate only requires one.
COUNTIES: dict[str, str] = {
    "zhanggong": "章贡区",
    "nankang": "南康区",
    "ganxian": "赣县区",
    "ruijin": "瑞金市",
    "longnan": "龙南市",
    "xinfeng": "信丰县",
    "dayu": "大余县",
    "shangyou": "上犹县",
    "chongyi": "崇义县",
    "anyuan": "安远县",
    "dingnan": "定南县",
    "quannan": "全南县",
    "ningdu": "宁都县",
    "yudu": "于都县",
    "xingguo": "兴国县",
    "huichang": "会昌县",
    "xunwu": "寻乌县",
    "shicheng": "石城县",
    "ganzhou_etdz": "赣州经开区",
    "longnan_etdz": "龙南经开区",
    "ruijin_etdz": "瑞金经开区",
}
# The three development zones among them (a zone's code ends in "_etdz"; they act as counties do).
ZONES: tuple[str, ...] = tuple(code for code in COUNTIES if code.endswith("_etdz"))

# notice 三(一)1: enterprises rated by how they operate, 按运营情况"较好、一般、困难"三个档次进行分类;
# the liaison service rates them, the policy service matches policies limited to a tier.
OPERATING_TIERS: dict[str, str] = {
    "good": "较好",
    "average": "一般",
    "difficult": "困难",
}

# The statistical classes of enterprise size (大中小微企业划型), largest first.
ENTERPRISE_SIZES: dict[str, str] = {
    "large": "大型",
    "medium": "中型",
    "small": "小型",
    "micro": "微型",
}


# -- the same tables as vocabularies, for the services that store their codes ------------------

CostCategory = LabelledEnum.of(
    "CostCategory", COST_CATEGORIES, module=__name__,
    doc="What cost of doing business a measure lowers or a problem raises (降低企业成本).")
ProblemCategory = LabelledEnum.of(
    "ProblemCategory", COST_CATEGORIES, module=__name__, leave_out=[COMPREHENSIVE],
    doc="What an appeal or a visit's problem is about: one cost in particular, never all.")
County = LabelledEnum.of(
    "County", COUNTIES, module=__name__,
    doc="A county-level division of Ganzhou or a development zone (县市区、经开区).")
OperatingTier = LabelledEnum.of(
    "OperatingTier", OPERATING_TIERS, module=__name__,
    doc='notice 三(一)1: 按运营情况"较好、一般、困难"三个档次进行分类.')
EnterpriseSize = LabelledEnum.of(
    "EnterpriseSize", ENTERPRISE_SIZES, module=__name__,
    doc="The statistical classes of enterprise size (大中小微企业划型).")
