"""The field work's words (notice 二(三)): English codes stored in events, Chinese labels beside
them. Plain data, no I/O."""
from __future__ import annotations

from kernel.campaign import COMPREHENSIVE, COST_CATEGORIES
from kernel.vocabulary import LabelledEnum
from services.tickets.appeals import contract as appeals


class SurveyStatus(LabelledEnum):
    REQUIRED = "required", "待调研"
    SUBMITTED = "submitted", "已报送"


class HelpPlanStatus(LabelledEnum):
    REQUIRED = "required", "待制定"
    SUBMITTED = "submitted", "待审核"
    SENT_BACK = "sent_back", "退回修改"
    APPROVED = "approved", "审核通过"
    FILED = "filed", "已备案"


class HelpPlanDecision(LabelledEnum):
    APPROVE = "approve", "通过"
    SEND_BACK = "send_back", "退回"


# notice 二(三)2: 融资、技术、用工、用地等方面存在的突出问题 — a problem is about one cost in
# particular, with the appeal's codes, so a visit's problem becomes an appeal of the same category.
FieldProblemKind = LabelledEnum("FieldProblemKind", {
    code.upper(): (code, label) for code, label in COST_CATEGORIES.items() if code != COMPREHENSIVE
}, module=__name__)


class MatchmakingKind(LabelledEnum):
    """notice 二(三)3: 银企对接 and 产业链对接."""

    FINANCING = "financing", "融资对接（银行）"
    INDUSTRY_CHAIN = "industry_chain", "产业链对接（龙头企业）"


# An appeal's status, shown on the visit it was raised from, is the tickets service's word, as its
# wire contract gives it: the ledger declares its statuses once.
AppealStatus = appeals.Status

# The default due dates of notice 二(三)1-2 (month, day): surveys by May 25, help plans by the
# end of May.
SURVEY_DUE = (5, 25)
HELP_PLAN_DUE = (5, 31)


class OperationReportStatus(LabelledEnum):
    """An operation report (企业生产经营情况报告) as it stands: filed, or corrected since."""

    FILED = "filed", "已报送"
    AMENDED = "amended", "已更正"


class OperationReportProductionStatus(LabelledEnum):
    """notice 三(一)2: how the enterprise produced in the month (生产状态)."""

    NORMAL = "normal", "正常"
    PARTLY_HALTED = "partly_halted", "部分停产"
    HALTED = "halted", "停产"


# An operation report's figures: output value (产值), revenue (营业收入) and tax (税收) in 万元,
# employees (从业人员) in persons. Each may be left out; none is negative.
OPERATION_FIGURES_IN_WAN_YUAN = ("output_value", "revenue", "tax")
OPERATION_FIGURES_IN_PERSONS = ("employees",)
OPERATION_FIGURES = (*OPERATION_FIGURES_IN_WAN_YUAN, *OPERATION_FIGURES_IN_PERSONS)
