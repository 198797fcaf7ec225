"""The registry's words: English codes stored in events, Chinese labels beside them
(`kernel.vocabulary.LabelledEnum`). The operating tiers, sizes and counties are the campaign's
(`kernel.campaign`), so the policy service matches in the same codes. Plain data, no I/O.
"""
from __future__ import annotations

from kernel.campaign import COUNTIES, ENTERPRISE_SIZES, OPERATING_TIERS, ZONES
from kernel.vocabulary import LabelledEnum

OperatingTier = LabelledEnum("OperatingTier", {
    code.upper(): (code, label) for code, label in OPERATING_TIERS.items()
}, module=__name__)
OperatingTier.__doc__ = """notice 三(一)1: 按运营情况"较好、一般、困难"三个档次进行分类."""

EnterpriseSize = LabelledEnum("EnterpriseSize", {
    code.upper(): (code, label) for code, label in ENTERPRISE_SIZES.items()
}, module=__name__)
EnterpriseSize.__doc__ = """The statistical classes of enterprise size (大中小微企业划型)."""

# The 18 counties, county-level cities and districts.
COUNTY_CODES: tuple[str, ...] = tuple(code for code in COUNTIES if code not in ZONES)


class Status(LabelledEnum):
    """A registered thing has one status: registered (the rules tables read it)."""

    REGISTERED = "registered", "已登记"


class UnitKind(LabelledEnum):
    """The units the campaign counts on (notice, salutation: 各县(市、区)人民政府, 赣州经开区、
    龙南经开区、瑞金经开区管委会, 市政府各部门)."""

    CITY_DEPARTMENT = "city_department", "市直部门"
    COUNTY = "county", "县(市、区)"
    ZONE = "zone", "开发区"


class LeaderRank(LabelledEnum):
    """notice 三(一)1: 市四套班子主要领导 link a park and its enterprises; the other city leaders
    (市厅级领导) link enterprises; the counties' leaders link their county's."""

    # 市委书记, 市长, 市人大常委会主任, 市政协主席
    TOP_CITY = "top_city", "市四套班子主要领导"
    CITY = "city", "市厅级领导"
    COUNTY = "county", "县(市、区)领导"


class WorkingGroup(LabelledEnum):
    """The leading group's four working groups (notice 四(一))."""

    POLICY_BRIEFING = "policy_briefing", "政策宣讲组"
    ENTERPRISE_HELP = "enterprise_help", "入企帮扶组"
    PROBLEM_SOLVING = "problem_solving", "破解难题组"
    SUPERVISION = "supervision", "督查考核组"


class MemberRole(LabelledEnum):
    """A working group member's place in it."""

    HEAD = "head", "组长"
    DEPUTY = "deputy", "副组长"
    MEMBER = "member", "成员"


# The leading group's office sits at the city's development and reform commission.
OFFICE_UNIT = "development_reform"
OFFICE_UNIT_NAME = "市发展改革委"
OFFICE_RATER = "office"
