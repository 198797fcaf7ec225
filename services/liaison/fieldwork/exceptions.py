"""Every rule of the field work that a command can break, one exception each: a stable `rule`
code, the kind of refusal from its kernel base, a message a clerk can act on, the field at fault.
The shapes many rules share (a role not allowed, a thing not found, a status or state that does
not allow the command, another unit's) are the kernel's (`kernel.errors`).
"""
from __future__ import annotations

from kernel import errors
from kernel.errors import (
    DomainError, Forbidden, InvalidInput, NoSuch, NotFound, NotNow,
)
from kernel.errors import StatusDoesNotAllow as StatusDoesNotAllow  # the field work's words too
from kernel.errors import DateInFuture as DateInFuture  # the field work's words too
from kernel.errors import InvalidDate as InvalidDate  # the field work's words too
from kernel.errors import NotAList as NotAList  # the field work's words too
from kernel.errors import NotOwnVisit as NotOwnVisit  # the field work's words too
from kernel.errors import NotYetDue as NotYetDue  # the field work's words too
from kernel.errors import UnitNotOwner as UnitNotOwner  # the field work's words too
from kernel.errors import UnknownUnit as UnknownUnit  # the field work's words too
from services.liaison.registry.exceptions import UnknownPark as UnknownPark  # the register's


class DueBeforeToday(InvalidInput):
    rule = "due_before_today"

    def __init__(self, due: str, today: str):
        super().__init__(f"due {due} is before today ({today})", field="due")


class ListRequired(InvalidInput):
    rule = "list_required"

    def __init__(self, field: str, what: str):
        super().__init__(f"{field} needs at least one {what}", field=field)


class TooMany(InvalidInput):
    rule = "too_many"

    def __init__(self, field: str, limit: int):
        super().__init__(f"{field} holds at most {limit} items", field=field)


class NotAnItem(InvalidInput):
    rule = "not_an_item"

    def __init__(self, field: str, what: str):
        super().__init__(f"{field} must be {what}", field=field)


class CommentRequired(InvalidInput):
    rule = "comment_required"

    def __init__(self):
        super().__init__("comment is required when a help plan is sent back: say what to change",
                         field="comment")


# -- who may -------------------------------------------------------------------------------------

class RoleNotAllowed(errors.RoleNotAllowed):
    template, joiner = "a {role} may not {doing}; only: {allowed}", ", "


class NotEnterpriseHelpGroup(Forbidden):
    rule = "not_enterprise_help_group"

    def __init__(self, unit: str | None):
        super().__init__(f"only the enterprise_help working group (入企帮扶组) reviews help plans; "
                         f"{unit} is not among its units", field="unit")


# -- what exists -----------------------------------------------------------------------------------

class SurveyNotFound(NoSuch):
    rule = "survey_not_found"
    template, at = "no survey {id}", "survey_id"


class HelpPlanNotFound(NoSuch):
    rule = "help_plan_not_found"
    template, at = "no help plan {id}", "plan_id"


class VisitNotFound(NoSuch):
    rule = "visit_not_found"
    template, at = "no visit {id}", "visit_id"


class ActivityNotFound(NotFound):
    rule = "activity_not_found"

    def __init__(self, what: str, activity_id: str):
        super().__init__(f"no {what} {activity_id}", field="id")


class UnknownEnterprise(InvalidInput):
    rule = "unknown_enterprise"

    def __init__(self, uscc: str, field: str = "uscc"):
        super().__init__(f"{field} {uscc}: no such enterprise in the register", field=field)


class UnknownLeader(InvalidInput):
    rule = "unknown_leader"

    def __init__(self, leader_id: str):
        super().__init__(f"leader_id {leader_id!r} is not a registered leader", field="leader_id")


class AlreadyExists(DomainError):
    rule = "already_exists"

    def __init__(self, what: str, id_: str):
        super().__init__(f"{what} {id_} already exists", field="id")


# -- the linkage (notice 二(三)1-2: a department surveys its park, reports to its leader) ------------

class DepartmentNotLinked(DomainError):
    rule = "department_not_linked"

    def __init__(self, unit: str):
        super().__init__(f"{unit} is not linked to a park: a department surveys the park it is "
                         f"linked to (深入挂点园区和企业调研); link it first "
                         f"(POST /departments/{unit}/park)", field="unit")


class NotDepartmentPark(DomainError):
    rule = "not_department_park"

    def __init__(self, unit: str, park: str, linked: str):
        super().__init__(f"{unit} is linked to park {linked}, not {park}: a department surveys "
                         f"the park it is linked to", field="park")


class LeaderNotLinkedToPark(DomainError):
    rule = "leader_not_linked_to_park"

    def __init__(self, leader_id: str, park: str, linked):
        named = ", ".join(linked) if linked else "none"
        super().__init__(f"leader {leader_id} has no linkage in park {park}: the survey is "
                         f"reported to the city leader linked to the park (向挂点市领导汇报); "
                         f"the park's linked leaders: {named}", field="leader_id")


class LeaderRequired(DomainError):
    rule = "leader_required"

    def __init__(self, park: str, linked):
        if linked:
            why = (f"several city leaders are linked to park {park} ({', '.join(linked)}); "
                   f"name the one the report goes to")
        else:
            why = (f"no city leader's accepted linkage is in park {park}: accept a linkage "
                   f"plan first")
        super().__init__(f"leader_id: {why}", field="leader_id")


class LeaderNotLinked(DomainError):
    rule = "leader_not_linked"

    def __init__(self, leader_id: str, rank: str | None = None):
        what = (f"is a {rank} leader; a help plan is for a city leader's linkage" if rank
                else "has no accepted linkage (an accepted plan's or a later change's)")
        super().__init__(f"leader {leader_id} {what}: a department's help plan is for its "
                         f"leader's linkage (市领导挂点联系帮扶方案)", field="leader_id")


# -- the life -----------------------------------------------------------------------------------

class AlreadySubmitted(NotNow):
    rule = "already_submitted"
    template = "cannot {doing}: it is already submitted"


class NotSubmitted(NotNow):
    rule = "not_submitted"
    template = "cannot {doing}: it has not been submitted for review"


class NotApproved(NotNow):
    rule = "not_approved"
    template = "cannot {doing}: the enterprise_help group has not approved it"


class AlreadyFiled(NotNow):
    rule = "already_filed"
    template = "cannot {doing}: it is filed with the office"


class AlreadyOverdue(DomainError):
    rule = "already_overdue"

    def __init__(self, what: str, id_: str):
        super().__init__(f"{what} {id_} is already marked overdue")


# -- operation reports (企业生产经营情况, notice 三(一)2) ------------------------------------

class InvalidPeriod(InvalidInput):
    rule = "invalid_period"

    def __init__(self, value, field: str = "period"):
        super().__init__(f"{field} {value!r} is not a month (YYYY-MM, e.g. 2026-05)", field=field)


class PeriodInFuture(InvalidInput):
    rule = "period_in_future"

    def __init__(self, period: str, current: str):
        super().__init__(f"period {period} has not begun (this month is {current}): report a "
                         f"month that has come", field="period")


class InvalidFigure(InvalidInput):
    rule = "invalid_figure"

    def __init__(self, field: str, value, expected: str):
        super().__init__(f"{field} {value!r} is not {expected}", field=field)


class NegativeFigure(InvalidInput):
    rule = "negative_figure"

    def __init__(self, field: str, value):
        super().__init__(f"{field} {value!r} is negative: an operation report's figures are "
                         f"0 or more (leave out a figure not known)", field=field)


class NothingAmended(InvalidInput):
    rule = "nothing_amended"

    def __init__(self):
        super().__init__("the amendment changes nothing: give the figures, production status or "
                         "problems as corrected")


class NotLiaisonOfficer(Forbidden):
    rule = "not_liaison_officer"

    def __init__(self, cadre_id: str):
        super().__init__(f"{cadre_id} is not an appointed liaison officer (联络员): the office "
                         f"appoints them for a city leader (POST /liaison-officers)")


class NotLeadersEnterprise(Forbidden):
    rule = "not_leaders_enterprise"

    def __init__(self, uscc: str, leader_id: str,
                 why: str = "a liaison officer reports on the enterprises of the city leader "
                            "he serves"):
        super().__init__(f"enterprise {uscc} is not on the list of leader {leader_id}: {why}",
                         field="uscc")


class NotOwnLeader(Forbidden):
    rule = "not_own_leader"

    def __init__(self, doing: str, leader_id: str | None):
        super().__init__(f"a liaison officer may {doing} only for the leader he serves; this "
                         f"one is for leader {leader_id}", field="leader_id")


class OperationReportNotFound(NoSuch):
    rule = "operation_report_not_found"
    template, at = "no operation report {id}", "report_id"


class OneReportPerMonth(NotNow):
    rule = "one_report_per_enterprise_month"
    template = ("cannot {doing}: an enterprise has one report a month (每企每月一报) and this "
                "month's is filed; correct it by an amendment "
                "(POST /operation-reports/{{id}}/amend)")
    at = "period"
