"""The liaison field work's wire contract (notice 二(三)): what crosses its API, in one module the
service and the gateway both import — the request bodies of surveys, help plans, visits and their
problems, consultations and matchmaking, and the liaison officers' monthly operation reports;
the commands on a survey and a help plan as the HTTP API names them; the list filters; the
replies.

Every schema's name begins with its subject (Survey…, HelpPlan…, Visit…, Consultation…,
Matchmaking…, OperationReport…, Fieldwork…): OpenAPI names schemas by their class, across every
service's contract. Shape only: whether a value is allowed is for the aggregates to say, by an
error naming the field. Imports pydantic, the pure kernel, this area's vocabulary and the
tickets service's appeal contract (an appeal's title limit and statuses), nothing else.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from kernel import checks
from kernel.wire import Action, Body, CreditCode, Text
from services.liaison.fieldwork.vocabulary import (
    AppealStatus, FieldProblemKind, HelpPlanDecision, HelpPlanStatus, MatchmakingKind,
    OperationReportProductionStatus, OperationReportStatus, SurveyStatus,
)
from services.tickets.appeals import contract as appeals

CODE_LIMIT = checks.CODE_LIMIT        # a unit, a park, a leader, an id
NAME_LIMIT = checks.NAME_LIMIT        # a person, a bank, a firm
TEXT_LIMIT = checks.TEXT_LIMIT        # findings, proposals, advice, outcomes
TITLE_LIMIT = appeals.TITLE_LIMIT     # a problem's title, as the appeal takes it
ITEMS_LIMIT = 200                     # items in one list
PERIOD_LENGTH = 7                     # a month, YYYY-MM

Names = list[Text(NAME_LIMIT)]
Codes = list[Text(CODE_LIMIT)]


# -- surveys (调研, notice 二(三)2) -----------------------------------------------------------

class RequireSurvey(Body):
    """The office requires a city department's survey of the park it is linked to, reported to
    a city leader linked to that park."""

    unit: Text(CODE_LIMIT) = Field(description="the city department (its unit code), linked to "
                                               "a park (POST /departments/{unit}/park)")
    park: Text(CODE_LIMIT) | None = Field(
        None, description="the park the department is linked to (null: that park; another "
                          "park is refused, not_department_park)")
    leader_id: Text(CODE_LIMIT) | None = Field(
        None, description="the city leader the report goes to, one whose accepted linkage is "
                          "in the park (null: the top city leader whose park it is, or the one "
                          "city leader linked there)")
    due: dt.date | None = Field(None, description="YYYY-MM-DD; null: May 25 (notice 二(三)2)")


class SurveyProblem(Body):
    kind: FieldProblemKind
    description: Text(TEXT_LIMIT)
    proposal: Text(TEXT_LIMIT) = Field(description="what the department proposes (对策建议)")
    uscc: CreditCode | None = Field(None, description="the enterprise, if it is one's")


class SubmitSurvey(Body):
    """The department's report: enterprises surveyed, findings, problems by kind."""

    findings: Text(TEXT_LIMIT)
    enterprises: list[CreditCode] = Field(default_factory=list, max_length=ITEMS_LIMIT)
    problems: list[SurveyProblem] = Field(default_factory=list, max_length=ITEMS_LIMIT)


SURVEY_ACTIONS = {
    "submit": Action("submit", SubmitSurvey, "Submit the survey report to the linked leader"),
}


class SurveyFilters(Body):
    unit: Text(CODE_LIMIT) | None = None
    park: Text(CODE_LIMIT) | None = None
    leader_id: Text(CODE_LIMIT) | None = None
    status: SurveyStatus | None = None


SURVEY_FILTERS = tuple(SurveyFilters.model_fields)


class SurveyPath(Body):
    survey_id: Text(CODE_LIMIT)


# -- help plans (帮扶方案, notice 二(三)1) ---------------------------------------------------

class RequireHelpPlan(Body):
    """The office requires a city department's help plan for its leader's linkage."""

    unit: Text(CODE_LIMIT)
    leader_id: Text(CODE_LIMIT) = Field(description="a city leader with an accepted linkage")
    due: dt.date | None = Field(None, description="YYYY-MM-DD; null: May 31 (notice 二(三)1)")


class HelpPlanTask(Body):
    task: Text(TEXT_LIMIT)
    due: dt.date = Field(description="YYYY-MM-DD")
    staff: Names = Field(min_length=1, max_length=ITEMS_LIMIT,
                         description="the liaison staff who carry it out")
    uscc: CreditCode | None = None


class SubmitHelpPlan(Body):
    tasks: list[HelpPlanTask] = Field(min_length=1, max_length=ITEMS_LIMIT)
    liaison_staff: Names = Field(min_length=1, max_length=ITEMS_LIMIT)
    summary: Text(TEXT_LIMIT, minimum=0) = ""


class ReviewHelpPlan(Body):
    """The enterprise_help working group's review: approve, or send back saying what to change."""

    decision: HelpPlanDecision
    comment: Text(TEXT_LIMIT, minimum=0) = ""


class FileHelpPlan(Body):
    note: Text(TEXT_LIMIT, minimum=0) = ""


HELP_PLAN_ACTIONS = {
    "submit": Action("submit", SubmitHelpPlan, "Submit the help plan for review"),
    "review": Action("review", ReviewHelpPlan,
                     "Review the help plan (the enterprise_help working group)"),
    "file": Action("file", FileHelpPlan, "File the approved help plan with the office (备案)"),
}


class HelpPlanFilters(Body):
    unit: Text(CODE_LIMIT) | None = None
    leader_id: Text(CODE_LIMIT) | None = None
    status: HelpPlanStatus | None = None


HELP_PLAN_FILTERS = tuple(HelpPlanFilters.model_fields)


class HelpPlanPath(Body):
    plan_id: Text(CODE_LIMIT)


# -- visits (走访, notice 二(三)2) ------------------------------------------------------------

class VisitProblemReport(Body):
    """A problem found on a visit: it becomes an appeal (channel visit)."""

    title: Text(TITLE_LIMIT)
    description: Text(TEXT_LIMIT)
    category: FieldProblemKind


class RecordVisit(Body):
    date: dt.date = Field(description="YYYY-MM-DD, not after today")
    leader_id: Text(CODE_LIMIT)
    cadres: Names = Field(default_factory=list, max_length=ITEMS_LIMIT)
    units: Codes = Field(default_factory=list, max_length=ITEMS_LIMIT)
    uscc: CreditCode = Field(description="the enterprise visited (统一社会信用代码)")
    findings: Text(TEXT_LIMIT)
    problems: list[VisitProblemReport] = Field(default_factory=list, max_length=ITEMS_LIMIT)


class VisitFilters(Body):
    leader_id: Text(CODE_LIMIT) | None = None
    uscc: CreditCode | None = None
    county: Text(CODE_LIMIT) | None = None


VISIT_FILTERS = tuple(VisitFilters.model_fields)


class VisitPath(Body):
    visit_id: Text(CODE_LIMIT)


# -- consultations and matchmaking (notice 二(三)3) ------------------------------------------

class RecordConsultation(Body):
    """企业问诊 by the expert advisory group (专家精准帮扶顾问团)."""

    unit: Text(CODE_LIMIT) = Field(description="the organising unit")
    date: dt.date
    experts: Names = Field(min_length=1, max_length=ITEMS_LIMIT)
    enterprises: list[CreditCode] = Field(min_length=1, max_length=ITEMS_LIMIT)
    topic: Text(TITLE_LIMIT)
    advice: Text(TEXT_LIMIT)
    outcome: Text(TEXT_LIMIT, minimum=0) = ""


class RecordMatchmaking(Body):
    """银企对接 with banks (financing) or 产业链对接 with leading firms (industry_chain)."""

    unit: Text(CODE_LIMIT)
    kind: MatchmakingKind
    date: dt.date
    title: Text(TITLE_LIMIT)
    partners: Names = Field(min_length=1, max_length=ITEMS_LIMIT,
                            description="banks, or leading firms")
    enterprises: list[CreditCode] = Field(min_length=1, max_length=ITEMS_LIMIT)
    outcome: Text(TEXT_LIMIT, minimum=0) = ""


class FieldworkOutcome(Body):
    outcome: Text(TEXT_LIMIT)


class FieldworkActivityFilters(Body):
    unit: Text(CODE_LIMIT) | None = None
    uscc: CreditCode | None = None


ACTIVITY_FILTERS = tuple(FieldworkActivityFilters.model_fields)


class FieldworkActivityPath(Body):
    activity_id: Text(CODE_LIMIT)


# -- operation reports (企业生产经营情况, notice 三(一)2) ------------------------------------

WAN_YUAN = "万元, 0 or more; null: not reported"


class OperationReportFiling(Body):
    """A liaison officer's report of an enterprise's production and operation in a month: one
    per enterprise and month (its id is `<uscc>-<period>`)."""

    uscc: CreditCode = Field(description="an enterprise on the list of the city leader the "
                                         "liaison officer serves")
    period: Text(PERIOD_LENGTH) = Field(description="the month reported, YYYY-MM, not after "
                                                    "this month")
    production_status: OperationReportProductionStatus
    output_value: float | None = Field(None, description=f"产值, {WAN_YUAN}")
    revenue: float | None = Field(None, description=f"营业收入, {WAN_YUAN}")
    tax: float | None = Field(None, description=f"税收, {WAN_YUAN}")
    employees: int | None = Field(None, description="从业人员, persons, 0 or more; null: not "
                                                    "reported")
    problems: Text(TEXT_LIMIT, minimum=0) = Field("", description="the problems it has")


class OperationReportAmendment(Body):
    """A correction of a filed report: what is given replaces what was reported, what is left
    out stands (problems given as "" are cleared)."""

    reason: Text(TEXT_LIMIT) = Field(description="why it is corrected (更正原因)")
    production_status: OperationReportProductionStatus | None = None
    output_value: float | None = Field(None, description=f"产值, {WAN_YUAN}")
    revenue: float | None = Field(None, description=f"营业收入, {WAN_YUAN}")
    tax: float | None = Field(None, description=f"税收, {WAN_YUAN}")
    employees: int | None = Field(None, description="从业人员, persons, 0 or more")
    problems: Text(TEXT_LIMIT, minimum=0) | None = None


class OperationReportFilters(Body):
    uscc: CreditCode | None = None
    leader_id: Text(CODE_LIMIT) | None = None
    period: Text(PERIOD_LENGTH) | None = Field(None, description="YYYY-MM")


OPERATION_REPORT_FILTERS = tuple(OperationReportFilters.model_fields)


class OperationReportPath(Body):
    report_id: Text(CODE_LIMIT)


# -- replies ---------------------------------------------------------------------------------

class FieldworkReply(BaseModel):
    """A response body. Fields may be added; none is taken away."""


class SurveyView(FieldworkReply):
    id: str
    version: int
    status: SurveyStatus
    unit: str
    park: str
    leader_id: str
    due: str
    required_at: str
    submitted_at: str | None
    overdue: bool
    overdue_at: str | None
    report: dict | None
    problems_by_kind: dict[str, int]


class SurveyList(FieldworkReply):
    items: list[SurveyView]


class HelpPlanView(FieldworkReply):
    id: str
    version: int
    status: HelpPlanStatus
    unit: str
    leader_id: str
    due: str
    required_at: str
    plan: dict | None
    submissions: int
    reviews: list[dict]
    filed_at: str | None
    overdue: bool
    overdue_at: str | None


class HelpPlanList(FieldworkReply):
    items: list[HelpPlanView]


class VisitAppeal(FieldworkReply):
    ticket_id: str
    ledger_number: str
    status: AppealStatus = Field(description="the appeal's status in the ledger (tickets)")


class VisitProblemView(FieldworkReply):
    problem_id: str
    title: str
    description: str
    category: FieldProblemKind
    found_at: str
    appeal: VisitAppeal | None = Field(description="the appeal raised from it, once raised")


class VisitProblemList(FieldworkReply):
    items: list[VisitProblemView]


class VisitView(FieldworkReply):
    id: str
    version: int
    date: str
    leader_id: str
    cadres: list[str]
    units: list[str]
    uscc: str
    enterprise_name: str
    county: str
    findings: str
    recorded_at: str
    recorded_by: str
    problems: list[VisitProblemView]
    appeals: list[dict]


class VisitList(FieldworkReply):
    items: list[VisitView]


class ConsultationView(FieldworkReply):
    id: str
    version: int
    unit: str
    date: str
    experts: list[str]
    enterprises: list[str]
    topic: str
    advice: str
    outcome: str
    recorded_at: str
    outcomes: list[dict]


class ConsultationList(FieldworkReply):
    items: list[ConsultationView]


class MatchmakingView(FieldworkReply):
    id: str
    version: int
    unit: str
    kind: MatchmakingKind
    date: str
    title: str
    partners: list[str]
    enterprises: list[str]
    outcome: str
    recorded_at: str
    outcomes: list[dict]


class MatchmakingList(FieldworkReply):
    items: list[MatchmakingView]


class OperationReportFigures(FieldworkReply):
    output_value: float | None = Field(description="产值, 万元")
    revenue: float | None = Field(description="营业收入, 万元")
    tax: float | None = Field(description="税收, 万元")
    employees: int | None = Field(description="从业人员, persons")


class OperationReportCorrection(FieldworkReply):
    field: str
    was: float | int | str | None
    now: float | int | str | None


class OperationReportAmendmentView(FieldworkReply):
    reason: str
    corrections: list[OperationReportCorrection]
    by: str
    at: str


class OperationReportView(FieldworkReply):
    id: str
    version: int
    status: OperationReportStatus
    uscc: str
    enterprise_name: str
    county: str | None
    park: str | None
    period: str
    leader_id: str
    cadre_id: str
    filed_by: str
    filed_at: str
    figures: OperationReportFigures
    production_status: OperationReportProductionStatus
    problems: str
    amended_at: str | None
    amendments: list[OperationReportAmendmentView]


class OperationReportList(FieldworkReply):
    items: list[OperationReportView]
