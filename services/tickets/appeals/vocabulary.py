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
    # The lead unit sent it back to the office within its return window: the office
    # redispatches it or rules that the unit must take it (终审).
    RETURNED = "returned", "退回待处理"
    SIGNED_FOR = "signed_for", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    AWAITING_UPPER_LEVEL = "awaiting_upper_level", "待上级答复"
    RESOLVED = "resolved", "已办结"
    RATED = "rated", "已评价"
    CLOSED = "closed", "已销号"
    # Ended without handling of its own: merged into a surviving appeal, or split into new ones.
    MERGED = "merged", "已合并"
    SPLIT = "split", "已拆分"


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


class AppealType(LabelledEnum):
    """What kind of matter an appeal is, as a 12345 work order names it (GB/T 33358): its
    resolution days follow from it (`deadlines.DeadlinePolicy`)."""

    CONSULTATION = "consultation", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"


class Urgency(LabelledEnum):
    """How soon the office must hand the appeal on: its dispatch window follows from it."""

    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"


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
    """The five 好差评 levels (国办发〔2019〕51号), the enterprise's and a callback's alike. The
    three codes recorded before the two outer levels existed keep their meaning."""

    VERY_SATISFIED = "very_satisfied", "非常满意"
    SATISFIED = "satisfied", "满意"
    BASICALLY_SATISFIED = "basically_satisfied", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"
    VERY_UNSATISFIED = "very_unsatisfied", "非常不满意"


# 差评: a rating of 不满意 or worse sends the appeal back for 重办 (and opens its rectification).
BAD_RATINGS = (Rating.UNSATISFIED, Rating.VERY_UNSATISFIED)


class CallbackResolved(LabelledEnum):
    """Whether the contact, called back (回访), says the matter is resolved: 否 and 部分 alike
    send the appeal back for 重办, since a 12345 work order counts as 办结 only when the matter
    is solved, and a partly solved one leaves a matter open."""

    YES = "yes", "是"
    NO = "no", "否"
    PARTLY = "partly", "部分"


class RatedVia(LabelledEnum):
    ENTERPRISE = "enterprise", "企业评价"
    FOLLOW_UP_CALL = "follow_up_call", "回访"


class Deadline(LabelledEnum):
    # Only an appeal raised with its type or urgency has a dispatch deadline: the ones received
    # before keep the three deadlines they had (`Ticket.when_TicketRaised`).
    DISPATCH = "dispatch", "交办时限"
    SIGN = "sign", "签收时限"
    FIRST_RESPONSE = "first_response", "首次答复时限"
    RESOLUTION = "resolution", "办结时限"


class ReturnReason(LabelledEnum):
    """Why a lead unit returns an appeal to the office (退回): the provincial rules' four."""

    NOT_ITS_AREA = "not_its_area", "属地不符"
    NOT_ITS_REMIT = "not_its_remit", "职能不符"
    UNCLEAR_OWNERSHIP = "unclear_ownership", "权属不清"
    UNCLEAR_APPEAL = "unclear_appeal", "诉求不清"


class LinkKind(LabelledEnum):
    """How one appeal points at another."""

    RELATED = "related", "关联诉求"
    MERGED_INTO = "merged_into", "合并至"
    MERGED_FROM = "merged_from", "合并自"
    SPLIT_INTO = "split_into", "拆分为"
    SPLIT_FROM = "split_from", "拆分自"


class TaskStatus(LabelledEnum):
    """An assisting unit's own task on an appeal (协办任务): signed for, answered to the lead unit,
    or waived by the office."""

    OPEN = "open", "待签收"
    SIGNED_FOR = "signed_for", "已签收"
    ANSWERED = "answered", "已回复"
    WAIVED = "waived", "已免除"


class RectificationWay(LabelledEnum):
    """How the unit classifies a 差评 once verified (差评整改, GB/T 39734): fixed at once, fixed
    by a plan with its date, explained, or disputed for the office to review."""

    FIXED = "fixed", "立行立改"
    PLANNED = "planned", "限期整改"
    EXPLAINED = "explained", "解释说明"
    DISPUTED = "disputed", "申诉"


class RectificationStatus(LabelledEnum):
    """Where a rectification stands: open for the unit's verification; planned until the plan
    is carried out; disputed until the office rules; else done, one way or another."""

    OPEN = "open", "待核实"
    FIXED = "fixed", "已立行立改"
    PLANNED = "planned", "限期整改中"
    COMPLETED = "completed", "已整改完成"
    EXPLAINED = "explained", "已解释说明"
    DISPUTED = "disputed", "申诉待审"
    UPHELD = "upheld", "申诉不成立,差评维持"
    VOIDED = "voided", "申诉成立,差评撤销"


class DisputeRuling(LabelledEnum):
    """The office's ruling on a unit's 申诉 of a 差评."""

    UPHELD = "upheld", "维持差评"
    VOIDED = "voided", "撤销差评"


class CloseReason(LabelledEnum):
    RATED = "rated", "评价后销号"
    UNRATED = "unrated", "逾期未评价销号"
