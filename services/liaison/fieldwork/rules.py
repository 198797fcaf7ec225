"""The field work's rules as tables (kernel.rules_table): which command on a survey or a help plan
is allowed in which status, for which role, and the named error that refuses it elsewhere.

notice 二(三)1-2: the office asks each city department for its survey (调研报告, by May 25) and its
help plan (帮扶方案, by the end of May); the department answers for its own, so a unit officer acts
only for the unit it is required of; the enterprise_help working group (入企帮扶组) reviews help
plans (its membership is checked by the aggregate, from the leading group's register); the office
files them; the timer marks what is late overdue, once.

notice 三(一)2: the cadres appointed liaison officers (联络员) for a city leader's enterprises
report the enterprises' production and operation (企业生产经营情况): an officer files one
report per enterprise of his leader's list per month, and corrects it by amendments. Plain
Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Protocol

from kernel import rules_table
from kernel.actor import Actor
from services.liaison.fieldwork.exceptions import (
    AlreadyFiled, AlreadySubmitted, DepartmentNotLinked, HelpPlanNotFound, LeaderNotLinked,
    LeaderNotLinkedToPark, LeaderRequired, NotApproved, NotDepartmentPark, NotLeadersEnterprise,
    NotLiaisonOfficer, NotOwnLeader, UnitNotOwner, NotSubmitted, OneReportPerMonth,
    OperationReportNotFound, RoleNotAllowed, StatusDoesNotAllow, SurveyNotFound,
)
from services.liaison.fieldwork.vocabulary import (
    HelpPlanStatus, OperationReportStatus, SurveyStatus,
)

DEPARTMENT = ("unit_officer", "office")
REVIEWERS = ("unit_officer", "office")
OFFICE = ("office",)
TIMER = ("system", "office")
# Who requires a survey or a help plan of a department.
REQUIRERS = OFFICE
# The leaders a department reports to and plans for: the city leaders (notice 三(一)1).
TOP_CITY = "top_city"
CITY_RANKS = (TOP_CITY, "city")


@dataclasses.dataclass(frozen=True)
class SurveyRule(rules_table.OwnUnitRow):
    acts_on = "the survey"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    not_found = SurveyNotFound
    not_own_unit = UnitNotOwner
    status_type = SurveyStatus


@dataclasses.dataclass(frozen=True)
class HelpPlanRule(rules_table.OwnUnitRow):
    acts_on = "the help plan"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    final_refusals = {HelpPlanStatus.FILED: AlreadyFiled}
    not_found = HelpPlanNotFound
    not_own_unit = UnitNotOwner
    status_type = HelpPlanStatus


class OperationReportSubject(rules_table.Subject, Protocol):
    leader_id: str | None


@dataclasses.dataclass(frozen=True)
class OperationReportRule(rules_table.Row):
    """A row on an enterprise's monthly operation report: a liaison officer acts only on the
    reports of the leader he serves (`officer_leader`, from his appointment)."""

    acts_on = "the operation report"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow

    def check(self, report: OperationReportSubject, actor: Actor,
              officer_leader: str | None) -> "OperationReportRule":
        """Refuse, in order: the report does not exist (but for filing it); the role may not;
        the officer serves another leader; the report's status does not allow it (a filed
        report is not filed again)."""
        if not report.exists and self.command != "file":
            raise OperationReportNotFound(report.id)
        self.check_role(actor)
        if report.exists:
            if actor.role == "liaison" and officer_leader != report.leader_id:
                raise NotOwnLeader(self.doing, report.leader_id)
            self.refuse_in(OperationReportStatus(report.status))
        return self


S_REQUIRED, S_SUBMITTED = SurveyStatus.REQUIRED, SurveyStatus.SUBMITTED
H_REQUIRED, H_SUBMITTED, H_SENT_BACK, H_APPROVED = (
    HelpPlanStatus.REQUIRED, HelpPlanStatus.SUBMITTED, HelpPlanStatus.SENT_BACK,
    HelpPlanStatus.APPROVED)

SURVEY_RULES: dict[str, SurveyRule] = rules_table.table(
    # notice 二(三)2: the department reports its survey to the leader it is linked to.
    SurveyRule("submit", DEPARTMENT, (S_REQUIRED,), otherwise=AlreadySubmitted),
    SurveyRule("mark_overdue", TIMER, (S_REQUIRED,), own_unit=False, otherwise=AlreadySubmitted),
)

HELP_PLAN_RULES: dict[str, HelpPlanRule] = rules_table.table(
    # A plan sent back is submitted again.
    HelpPlanRule("submit", DEPARTMENT, (H_REQUIRED, H_SENT_BACK), otherwise=AlreadySubmitted),
    HelpPlanRule("review", REVIEWERS, (H_SUBMITTED,), own_unit=False, otherwise=NotSubmitted),
    HelpPlanRule("file", OFFICE, (H_APPROVED,), own_unit=False, otherwise=NotApproved),
    HelpPlanRule("mark_overdue", TIMER, (H_REQUIRED, H_SENT_BACK), own_unit=False,
                 otherwise=AlreadySubmitted),
)


# notice 三(一)2: the liaison officers report (联络员…报告企业生产经营情况).
LIAISON = ("liaison",)
R_FILED, R_AMENDED = OperationReportStatus.FILED, OperationReportStatus.AMENDED

OPERATION_REPORT_RULES: dict[str, OperationReportRule] = rules_table.table(
    # One report per enterprise per month: a second is refused; a correction is an amendment.
    OperationReportRule("file", LIAISON, (), otherwise=OneReportPerMonth),
    OperationReportRule("amend", LIAISON, (R_FILED, R_AMENDED)),
)


def check_on_leaders_list(uscc: str, actor: Actor, officer: Mapping | None,
                          leader_linkage: Mapping | None) -> str:
    """The leader a liaison officer reports for, the enterprise being on his list: `officer` is
    the actor's appointment (None: not appointed), `leader_linkage` that leader's linkage as it
    stands (None: he has none)."""
    if officer is None:
        raise NotLiaisonOfficer(actor.sub)
    leader_id = officer["leader_id"]
    if leader_linkage is None or uscc not in (leader_linkage.get("enterprises") or ()):
        raise NotLeadersEnterprise(uscc, leader_id)
    return leader_id


def check_requirer(actor: Actor, doing: str) -> None:
    if actor.role not in REQUIRERS:
        raise RoleNotAllowed(actor.role, doing, REQUIRERS)


def survey_target(unit: str, park: str | None, leader_id: str | None, *,
                  linked_park: str | None, park_leaders: Mapping[str, str]) -> tuple[str, str]:
    """The park a department surveys and the leader it reports to (notice 二(三)2: 各市直部门…
    赴对口园区和企业开展调研…形成专题报告向挂点市领导汇报): the park the department is linked to
    (`linked_park`, the linkage's), and a city leader whose accepted linkage is in that park
    (`park_leaders`: leader id → rank). Either may be left out: the park is then the
    department's, the leader the top city leader whose park it is, or the one city leader whose
    enterprises are there."""
    if linked_park is None:
        raise DepartmentNotLinked(unit)
    if park is not None and park != linked_park:
        raise NotDepartmentPark(unit, park, linked_park)
    park = linked_park
    # a county leader may link the park's enterprises too: the report goes to a city leader
    linked = sorted(leader for leader, rank in park_leaders.items() if rank in CITY_RANKS)
    if leader_id is not None:
        if leader_id not in linked:
            raise LeaderNotLinkedToPark(leader_id, park, linked)
        return park, leader_id
    top = [leader for leader in linked if park_leaders[leader] == TOP_CITY]
    if len(top) == 1:
        return park, top[0]
    if len(linked) == 1:
        return park, linked[0]
    raise LeaderRequired(park, linked)


def check_plan_leader(leader_id: str, linkage: Mapping | None) -> None:
    """A department's help plan is for a city leader's linkage as it stands (notice 二(三)1:
    制定市领导挂点联系帮扶方案): one from an accepted plan or a later change."""
    if linkage is None:
        raise LeaderNotLinked(leader_id)
    if linkage.get("rank") not in CITY_RANKS:
        raise LeaderNotLinked(leader_id, linkage.get("rank"))


def survey_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(SURVEY_RULES, SurveyStatus, commands)


def help_plan_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(HELP_PLAN_RULES, HelpPlanStatus, commands)


def operation_report_matrix(commands: Sequence[str] | None = None) -> str:
    return rules_table.matrix(OPERATION_REPORT_RULES, OperationReportStatus, commands)
