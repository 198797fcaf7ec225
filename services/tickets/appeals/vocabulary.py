"""The words of the appeal ledger (诉求台账): English codes stored in events, Chinese labels beside
them for the ledger sheets and documents.

Every enum value is the code that goes into a payload; `label` is what a clerk reads
(`kernel.vocabulary.LabelledEnum`).
"""
from __future__ import annotations

from kernel.campaign import COMPREHENSIVE, COST_CATEGORIES
from kernel.campaign import COUNTIES as COUNTIES  # the ledger's modules read it from here
from kernel.campaign import County as County  # the wire's counties and zones, codes and labels
from kernel.vocabulary import LabelledEnum


class Status(LabelledEnum):
    RECEIVED = "received", "已受理"
    DISPATCHED = "dispatched", "已交办"
    SIGNED_FOR = "signed_for", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING_UPPER_LEVEL = "awaiting_upper_level", "待上级答复"
    RESOLVED = "resolved", "已办结"
    RATED = "rated", "已评价"
    CLOSED = "closed", "已销号"


class Channel(LabelledEnum):
    # notice 二(四)1: hotline, fax, email and the "direct line" platform; visits and briefings
    # come from 二(三); letters (来信) still arrive at the office.
    HOTLINE = "hotline", "热线"
    FAX = "fax", "传真"
    EMAIL = "email", "邮箱"
    DIRECT_LINE = "direct_line", "直通车"
    VISIT = "visit", "走访"
    BRIEFING = "briefing", "座谈会"
    LETTER = "letter", "来信"


# What an appeal is about: one of the campaign's costs of doing business (never all of them).
Category = LabelledEnum.of("Category", COST_CATEGORIES, module=__name__, leave_out=[COMPREHENSIVE])


class Way(LabelledEnum):
    """The five ways of handling an appeal. notice 二(四)3"""

    POLICY_AVAILABLE = "policy_available", "现行政策可解决"
    ESCALATE_UPWARD = "escalate_upward", "需向国家、省反映"
    MUNICIPAL_POLICY = "municipal_policy", "属市直部门职责"
    COUNTY_COORDINATION = "county_coordination", "属县(市、区)职责"
    UNSOLVABLE = "unsolvable", "不能解决"


class UpperLevel(LabelledEnum):
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


class Rating(LabelledEnum):
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class RatedVia(LabelledEnum):
    ENTERPRISE = "enterprise", "企业评价"
    FOLLOW_UP_CALL = "follow_up_call", "回访"


class Deadline(LabelledEnum):
    SIGN = "sign", "签收时限"
    FIRST_RESPONSE = "first_response", "首次答复时限"
    RESOLUTION = "resolution", "办结时限"


class CloseReason(LabelledEnum):
    RATED = "rated", "评价后销号"
    UNRATED = "unrated", "逾期未评价销号"
