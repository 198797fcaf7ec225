"""The implementation rules' words (实施细则, notice 二(一)1): what a rule must be and its life,
English codes stored in events, Chinese labels beside them (`kernel.vocabulary.LabelledEnum`).
"""
from __future__ import annotations

from kernel.vocabulary import LabelledEnum


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
