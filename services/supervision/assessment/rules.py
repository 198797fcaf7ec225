"""The rules tables of the evaluation rounds (评议反馈) and of the year's assessment records
(年终考核): which role may run which command in which status, and the named error that refuses
it elsewhere (kernel.rules_table). notice 二(五)2-3: the office (and the supervision-and-assessment
working group, 督查考核组) opens and closes a round and makes the assessment and its records; the
enterprises served rate the units; a referral to the discipline inspection organs (移交纪检监察) is
the office's alone. Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from kernel import rules_table
from kernel.actor import Actor
from kernel.errors import StatusDoesNotAllow
from kernel.vocabulary import LabelledEnum
from services.supervision.assessment.exceptions import (
    EvaluationRoundNotFound,
    NotComputed,
    RoleNotAllowed,
    RoundClosed,
)


class RoundStatus(LabelledEnum):
    OPEN = "open", "评议中"
    CLOSED = "closed", "已结束"


class AssessmentStatus(LabelledEnum):
    NOT_COMPUTED = "not_computed", "未测评"
    COMPUTED = "computed", "已测评"


OFFICE = ("office",)
ASSESSORS = ("office", "supervisor")
ENTERPRISES = ("enterprise",)


@dataclasses.dataclass(frozen=True)
class RoundRule(rules_table.Row):
    acts_on = "in the evaluation round"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    final_refusals = {RoundStatus.CLOSED: RoundClosed}

    def check(self, round_, actor: Actor) -> None:
        """Refuse, in order: no such round; the role may not; the round is closed."""
        if not round_.exists:
            raise EvaluationRoundNotFound(round_.id)
        self.check_role(actor)
        self.refuse_in(RoundStatus(round_.status))


@dataclasses.dataclass(frozen=True)
class AssessmentRule(rules_table.Row):
    acts_on = "for the year's assessment"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    default_refusal = NotComputed

    def check(self, assessment, actor: Actor) -> None:
        """Refuse, in order: the role may not; nothing computed yet to record on."""
        self.check_role(actor)
        self.refuse_in(AssessmentStatus(assessment.status))


ROUND_RULES: dict[str, RoundRule] = rules_table.table(
    # notice 二(五)2: 组织企业、服务对象对工作落实、问题整改等情况进行评议反馈
    RoundRule("rate", ENTERPRISES, (RoundStatus.OPEN,), doing="rate a unit"),
    RoundRule("close", ASSESSORS, (RoundStatus.OPEN,), doing="close the evaluation round"),
)

C, N = AssessmentStatus.COMPUTED, AssessmentStatus.NOT_COMPUTED
ASSESSMENT_RULES: dict[str, AssessmentRule] = rules_table.table(
    # A computation may be made again (later facts, other weights); the records rest on the
    # latest one.
    AssessmentRule("compute", ASSESSORS, (N, C), doing="compute the assessment"),
    # notice 二(五)3: 表彰 / 诫勉谈话 / 问责 / 违纪违法行为…从严处理
    AssessmentRule("commend", ASSESSORS, (C,), doing="commend units"),
    AssessmentRule("admonish", ASSESSORS, (C,), doing="record an admonishment talk"),
    AssessmentRule("hold_accountable", ASSESSORS, (C,), doing="hold a unit accountable"),
    AssessmentRule("refer", OFFICE, (N, C), doing="refer a case to discipline inspection"),
    # Other units' scores stay with the office, the group and the leaders until the office
    # publishes the ranking.
    AssessmentRule("publish", OFFICE, (C,), doing="publish the ranking"),
)


def round_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(ROUND_RULES, RoundStatus, commands)


def assessment_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(ASSESSMENT_RULES, AssessmentStatus, commands)
