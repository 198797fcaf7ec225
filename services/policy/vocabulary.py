"""The words of the policy registry (惠企政策): English codes stored in events, Chinese labels beside
them for the compendium, the contact sheet and the portal (`kernel.vocabulary.LabelledEnum`).
"""
from __future__ import annotations

from kernel import campaign
from kernel.vocabulary import LabelledEnum


class Status(LabelledEnum):
    """A policy's life: drafted, published, amended (a new version), then repealed or expired."""

    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    AMENDED = "amended", "已修订"
    REPEALED = "repealed", "已废止"
    EXPIRED = "expired", "已失效"


# The statuses in which a policy may be in force (its effective dates decide the rest).
IN_FORCE = (Status.PUBLISHED, Status.AMENDED)
ENDED = (Status.REPEALED, Status.EXPIRED)


class Level(LabelledEnum):
    # notice 二(一)2: 中央、省、市已出台且目前仍在执行的惠企政策; and the counties' own 实施细则 (二(一)1)
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    MUNICIPAL = "municipal", "市"
    COUNTY = "county", "县(市、区)"


# The campaign's own words, declared once (kernel.campaign): what cost a policy lowers (the
# appeal ledger's categories, so an appeal's category names the policies of the same kind, with
# `comprehensive` for measures spanning them all, as 《若干政策措施》 does), the operating tiers
# (notice 三(一)1) and the enterprise sizes matching reads.
CostCategory = campaign.CostCategory
OperatingTier = campaign.OperatingTier
EnterpriseSize = campaign.EnterpriseSize


class RuleKind(LabelledEnum):
    """What an implementation rule (实施细则) must be. notice 二(一)1: 对指向清晰的政策,要重点明确
    操作流程和时限要求;对只明确了方向的政策,要进一步细化举措,出台工作方案."""

    # a policy with a clear target: its procedure and time limits (具体办法、操作细则、实施细则)
    OPERATING_RULES = "operating_rules", "具体办法/操作细则"
    # a policy that only gives a direction: its tasks and who carries them (工作方案、实施方案)
    WORK_PLAN = "work_plan", "工作方案"


class RuleStatus(LabelledEnum):
    """An implementation rule's life: required of a unit, overdue if its due date passes, filed."""

    REQUIRED = "required", "待制定"
    OVERDUE = "overdue", "已逾期"
    FILED = "filed", "已报备"


class BriefingStatus(LabelledEnum):
    """A briefing's life (宣讲活动): scheduled, revised while still ahead, then held or cancelled."""

    SCHEDULED = "scheduled", "已安排"
    HELD = "held", "已举行"
    CANCELLED = "cancelled", "已取消"


class AgendaItemKind(LabelledEnum):
    """notice 二(二)1: 宣讲活动议程包括市领导讲话、市直部门政策解读、园区表态发言等."""

    LEADER_SPEECH = "leader_speech", "领导讲话"
    POLICY_READING = "policy_reading", "部门解读政策"
    PARK_STATEMENT = "park_statement", "园区表态发言"
