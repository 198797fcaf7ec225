"""Supervision's wire contract (notice 二(五), 三(二)): the tracking view, the supervision cases and
their notices, the ladder's thresholds, the scheduling reports, the action's deliverables and the
summary reports; the enterprises' evaluation rounds; the year-end assessment, its records and its
exports. The supervision service and the gateway both import it.

Models are named for their subject (Supervision…, Tracked…, Deliverable…, Evaluation…,
Assessment…): OpenAPI names schemas by their class, across every service's contract. Shape only:
whether a value is allowed is for the aggregates to say, by an error naming the field. Imports
pydantic, the pure kernel and supervision's shared facts, nothing else.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from kernel import checks
from kernel.vocabulary import LabelledEnum
from kernel.wire import Action, Body, Text
from services.supervision import facts
from services.supervision.cases.ladder import Step

CODE_LIMIT = checks.CODE_LIMIT        # a unit, a case, a round, an id
NAME_LIMIT = checks.NAME_LIMIT        # a person, a title
TEXT_LIMIT = checks.TEXT_LIMIT        # findings, notes, a notice's text
TITLE_LIMIT = 200
ITEMS_LIMIT = 200                     # items in one list
SEQS_LIMIT = 1000                     # ledger seqs cited by one record
LAST_SEQ = 2**63 - 1
FIRST_YEAR, LAST_YEAR = 2016, 2100    # the campaign years (the action began in 2016)
RATING = (1, 5)                       # an enterprise's score of a unit, worst to best
TOP_LIMIT = 50                        # units commended at once

Codes = list[Text(CODE_LIMIT)]
Seqs = list[int]


# -- vocabularies of the wire (codes as the events store them, labels beside) ---------------

SupervisionStep = Step.renamed("SupervisionStep", module=__name__,
                               what="The ladder's steps, in the order a case climbs them")


MATTER_LABELS = {
    facts.APPEAL_SIGNING: "诉求签收",
    facts.APPEAL_RESOLUTION: "诉求办结",
    facts.IMPLEMENTATION_RULE: "实施细则",
    facts.SURVEY: "调研报告",
    facts.HELP_PLAN: "帮扶方案",
    facts.DELIVERABLE: "工作节点",
    facts.NOTICE_ANSWER: "督查通知书回复",
}
TrackedMatterKind = LabelledEnum("TrackedMatterKind", {
    kind.upper(): (kind, MATTER_LABELS[kind]) for kind in facts.MATTER_KINDS}, module=__name__)
TrackedMatterKind.__doc__ = "What a unit owes: " + ", ".join(
    f"{kind} {label}" for kind, label in MATTER_LABELS.items())


class AssessmentExportFormat(LabelledEnum):
    XLSX = "xlsx", "Excel 表格"
    PDF = "pdf", "PDF 报告"
    JSON = "json", "看板数据"


EXPORT_MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}

STEP_FIELDS = {step.value: f"working days overdue at which {step.label} ({step.value}) is due"
               for step in SupervisionStep}


# -- the tracking view (跟踪调度) -------------------------------------------------------------

class TrackedMatterFilters(Body):
    unit: Text(CODE_LIMIT) | None = Field(None, description="the unit that owes the matter")
    kind: TrackedMatterKind | None = None
    late: bool | None = Field(None, description="true: only the late; false: only the rest")


TRACKED_MATTER_FILTERS = tuple(TrackedMatterFilters.model_fields)


class SupervisionUnitPath(Body):
    unit: Text(CODE_LIMIT) = Field(description="a county, zone or city department (unit code)")


# -- supervision cases (督查) -----------------------------------------------------------------

class SupervisionCaseFilters(Body):
    unit: Text(CODE_LIMIT) | None = None
    step: SupervisionStep | None = Field(None, description="the step the case has reached")
    open: bool | None = Field(None, description="true: cases not closed; false: closed ones")


SUPERVISION_CASE_FILTERS = tuple(SupervisionCaseFilters.model_fields)


class SupervisionNoticeFilters(Body):
    unit: Text(CODE_LIMIT) | None = Field(None, description="the unit the notice went to")
    answered: bool | None = Field(None, description="true: answered; false: still owed")


SUPERVISION_NOTICE_FILTERS = tuple(SupervisionNoticeFilters.model_fields)


class SupervisionCasePath(Body):
    case_id: Text(CODE_LIMIT)


class AnswerSupervisionNotice(Body):
    """The unit's answer to the supervision notice it received (its own unit's officer)."""

    answer: Text(TEXT_LIMIT) = Field(description="what the unit has done and will do (整改情况)")
    seqs: Seqs = Field(default_factory=list, max_length=SEQS_LIMIT,
                       description="ledger entries that show it (the appeal signed, say)")


class RecordOnSiteInspection(Body):
    """On-site inspection (实地督查) as it happened: the findings, entered by the office or the
    supervision group."""

    findings: Text(TEXT_LIMIT)
    inspectors: list[Text(NAME_LIMIT)] = Field(min_length=1, max_length=ITEMS_LIMIT)
    date: dt.date = Field(description="YYYY-MM-DD, the day of the inspection")


class RecordAdmonitoryInterview(Body):
    """The admonitory interview (约谈) held with the unit's head."""

    interviewee: Text(NAME_LIMIT) = Field(description="who was interviewed (the unit's head)")
    interviewers: list[Text(NAME_LIMIT)] = Field(min_length=1, max_length=ITEMS_LIMIT)
    date: dt.date
    note: Text(TEXT_LIMIT, minimum=0) = ""


class CloseSupervisionCase(Body):
    note: Text(TEXT_LIMIT, minimum=0) = Field("", description="why the case is closed")


SUPERVISION_CASE_ACTIONS = {
    "answer": Action("answer_notice", AnswerSupervisionNotice,
                     "Answer the supervision notice (督查通知书) — the unit's own officer"),
    "inspection": Action("record_inspection", RecordOnSiteInspection,
                         "Record the on-site inspection's findings (实地督查) — the office or "
                         "the supervision group"),
    "interview": Action("record_interview", RecordAdmonitoryInterview,
                        "Record that the admonitory interview (约谈) was held — the office or "
                        "the supervision group"),
    "close": Action("close", CloseSupervisionCase,
                    "Close the case once its matter is done (the office)"),
}


class SupervisionThresholds(Body):
    """Working days overdue at which each step is due; each above the one before."""

    reminder: int = Field(ge=0, le=365, description=STEP_FIELDS["reminder"])
    notice: int = Field(ge=0, le=365, description=STEP_FIELDS["notice"])
    inspection: int = Field(ge=0, le=365, description=STEP_FIELDS["inspection"])
    interview: int = Field(ge=0, le=365, description=STEP_FIELDS["interview"])
    listed: int = Field(ge=0, le=365, description=STEP_FIELDS["listed"])


# -- scheduling reports (调度通报) ------------------------------------------------------------

class IssueSchedulingReport(Body):
    """Numbered by the office's count of the year (<year>-<n>)."""

    title: Text(TITLE_LIMIT) = Field(description="e.g. 第3期调度通报")
    units: Codes = Field(default_factory=list, max_length=ITEMS_LIMIT,
                         description="the units reported on; empty: every unit that owes "
                                     "anything")


class SchedulingReportPath(Body):
    report_id: Text(CODE_LIMIT)


# -- deliverables (工作节点) and summary reports (总结报告) -----------------------------------

class ScheduleDeliverables(Body):
    """The action's deliverables for a campaign year, on the notice's dates."""

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="the campaign year")
    departments: Codes = Field(min_length=1, max_length=ITEMS_LIMIT,
                               description="the city departments (市直各部门) that owe theirs")
    counties: Codes | None = Field(None, max_length=ITEMS_LIMIT,
                                   description="the counties, districts and zones; null: the "
                                               "18 counties and districts and the 3 zones")


class DeliverableFilters(Body):
    unit: Text(CODE_LIMIT) | None = Field(None, description="an owner unit")
    year: int | None = Field(None, ge=FIRST_YEAR, le=LAST_YEAR,
                             description="the campaign year; null: this year")


DELIVERABLE_FILTERS = tuple(DeliverableFilters.model_fields)


class DeliverablePath(Body):
    deliverable_id: Text(CODE_LIMIT)


class DeliverDeliverable(Body):
    """A unit's delivery: the ledger entries that show it, or a document's reference."""

    unit: Text(CODE_LIMIT) = Field(description="the unit delivering (its own, for an officer)")
    seqs: Seqs = Field(default_factory=list, max_length=SEQS_LIMIT,
                       description="the ledger entries that show it")
    document: Text(TITLE_LIMIT) | None = Field(None, description="a document's reference "
                                                                 "(文号) when no entry shows it")
    note: Text(TEXT_LIMIT, minimum=0) = ""


class DeliveryPath(Body):
    deliverable_id: Text(CODE_LIMIT)
    unit: Text(CODE_LIMIT) = Field(description="the unit whose delivery is reviewed")


class AcceptDelivery(Body):
    """The office accepts the unit's delivery: it counts in the assessment from now."""

    note: Text(TEXT_LIMIT, minimum=0) = ""


class SendBackDelivery(Body):
    """The office sends the unit's delivery back: the unit owes it again."""

    reason: Text(TEXT_LIMIT) = Field(description="what is missing or wrong (退回理由)")


DELIVERY_ACTIONS = {
    "accept": Action("accept", AcceptDelivery,
                     "Accept a unit's delivery or summary report (the office): it counts in "
                     "the assessment from now"),
    "send-back": Action("send_back", SendBackDelivery,
                        "Send a unit's delivery or summary report back, with the reason (the "
                        "office): the unit owes it again"),
}


class ReceiveSummaryReport(Body):
    """A unit's summary report (总结报告) received, due December 30."""

    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    unit: Text(CODE_LIMIT)
    title: Text(TITLE_LIMIT)
    pages: int = Field(ge=1, le=10_000)
    document: Text(TITLE_LIMIT) = Field(description="the report's reference (文号)")
    seqs: Seqs = Field(default_factory=list, max_length=SEQS_LIMIT)


# -- evaluation rounds (评议反馈) -------------------------------------------------------------

class OpenEvaluationRound(Body):
    title: Text(TITLE_LIMIT)
    opens: dt.date = Field(description="YYYY-MM-DD, the first day ratings are taken")
    closes: dt.date = Field(description="YYYY-MM-DD, the last day")
    units: Codes = Field(min_length=1, max_length=ITEMS_LIMIT, description="the units rated")


class EvaluationRoundPath(Body):
    round_id: Text(CODE_LIMIT)


class RateEvaluatedUnit(Body):
    """An enterprise's rating of a unit that handled one of its appeals: once per unit and
    round."""

    unit: Text(CODE_LIMIT)
    work_done: int = Field(ge=RATING[0], le=RATING[1], description="工作成效, 1 (worst) to 5")
    problems_fixed: int = Field(ge=RATING[0], le=RATING[1],
                                description="问题解决, 1 (worst) to 5")
    comment: Text(TEXT_LIMIT, minimum=0) = ""


class CloseEvaluationRound(Body):
    note: Text(TEXT_LIMIT, minimum=0) = ""


# -- the year-end assessment (年终考核) -------------------------------------------------------

class AssessmentWeights(Body):
    """Each measure's weight in the score; together they make 1."""

    signing: float = Field(ge=0, le=1, description="按时签收率")
    completion: float = Field(ge=0, le=1, description="按时办结率")
    reply: float = Field(ge=0, le=1, description="答复率")
    satisfaction: float = Field(ge=0, le=1, description="满意率")
    redo: float = Field(ge=0, le=1, description="发回重办率 (lower is better)")
    supervision: float = Field(ge=0, le=1, description="被督查 (fewer is better)")
    deliverables: float = Field(ge=0, le=1, description="工作节点按时完成")
    evaluation: float = Field(ge=0, le=1, description="评议得分")


class ComputeAssessment(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    units: Codes = Field(default_factory=list, max_length=ITEMS_LIMIT,
                         description="the units assessed; empty: every unit in the facts")
    weights: AssessmentWeights | None = Field(None, description="null: the defaults")
    satisfaction_floor: float | None = Field(None, ge=0, le=1,
                                             description="满意率 floor; null: 0.85")
    round_id: Text(CODE_LIMIT) | None = Field(None, description="the evaluation round whose "
                                                                "results count")


class AssessmentPath(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)


class AssessmentExportPath(Body):
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    format: AssessmentExportFormat


class RecordCommendation(Body):
    """表彰: the top units of the ranking."""

    top: int = Field(ge=1, le=TOP_LIMIT, description="how many of the top units")
    note: Text(TEXT_LIMIT, minimum=0) = ""


class RecordAdmonishmentTalk(Body):
    """诫勉谈话: a unit (or a person of it) below a threshold."""

    unit: Text(CODE_LIMIT)
    person: Text(NAME_LIMIT) | None = Field(None, description="the person talked to, if one")
    reason: Text(TEXT_LIMIT)
    seqs: Seqs = Field(default_factory=list, max_length=SEQS_LIMIT,
                       description="extra entries cited beside the assessment's")


class RecordAccountability(Body):
    """问责: a unit listed for supervision repeatedly (twice or more, by default)."""

    unit: Text(CODE_LIMIT)
    reason: Text(TEXT_LIMIT)


class MakeDisciplineReferral(Body):
    """移交纪检监察: a case of misconduct referred with its evidence."""

    unit: Text(CODE_LIMIT)
    person: Text(NAME_LIMIT) | None = None
    note: Text(TEXT_LIMIT)
    seqs: Seqs = Field(min_length=1, max_length=SEQS_LIMIT,
                       description="the ledger entries that are its evidence")


class PublishRanking(Body):
    """Publish the latest computation's ranking: every reader of the assessment then sees each
    unit's place and score (until then, a unit officer sees only his own)."""

    note: Text(TEXT_LIMIT, minimum=0) = ""


ASSESSMENT_ACTIONS = {
    "commend": Action("commend", RecordCommendation, "Commend the top units (表彰)"),
    "admonish": Action("admonish", RecordAdmonishmentTalk,
                       "Record an admonishment talk (诫勉谈话) with a unit or a person"),
    "hold-accountable": Action("hold_accountable", RecordAccountability,
                               "Hold a unit accountable (问责) for repeated listed supervision"),
    "refer": Action("refer", MakeDisciplineReferral,
                    "Refer a case of misconduct to the discipline inspection organs (移交纪检监察)"),
    "publish": Action("publish", PublishRanking,
                      "Publish the ranking (the office): a recorded act, after which every "
                      "reader of the assessment sees each unit's place and score"),
}


# -- replies ---------------------------------------------------------------------------------

class SupervisionReply(BaseModel):
    """A response body. Fields may be added; none is taken away."""

    model_config = ConfigDict(extra="allow")


class TrackedMatterView(SupervisionReply):
    matter_id: str
    kind: str
    stream_id: str
    unit: str
    due_at: str | None
    done_at: str | None
    late: bool = Field(description="past its date and not done, or done after it")
    seqs: list[int] = Field(description="the ledger entries behind it")
    title: str = ""


class TrackedMatterList(SupervisionReply):
    items: list[TrackedMatterView]


class UnitTrackingView(SupervisionReply):
    """One unit's matters: due, done, late, each kind counted."""

    unit: str
    due: int = Field(description="not done, not late")
    done: int
    late: int
    by_kind: dict[str, dict[str, int]]
    matters: list[TrackedMatterView]


class SupervisionCaseView(SupervisionReply):
    id: str
    version: int


class SupervisionCaseList(SupervisionReply):
    items: list[dict]


class SupervisionThresholdsView(SupervisionReply):
    version: int | None = Field(None, description="the settings' version, their ETag")
    reminder: int
    notice: int
    inspection: int
    interview: int
    listed: int


class SupervisionSweepOutcome(SupervisionReply):
    """What a run of the sweep did: each case it moved, with the step taken."""

    items: list[dict]


class SchedulingReportView(SupervisionReply):
    id: str


class SchedulingReportList(SupervisionReply):
    items: list[dict]


class DeliverableView(SupervisionReply):
    id: str


class DeliverableList(SupervisionReply):
    items: list[dict]


class EvaluationRoundView(SupervisionReply):
    id: str


class EvaluationRoundList(SupervisionReply):
    items: list[dict]


class EvaluationResults(SupervisionReply):
    """Per unit: ratings taken, the averages of work done and problems fixed, the seqs."""

    round_id: str
    units: list[dict]


class AssessmentView(SupervisionReply):
    """The assessment as computed: per unit its measures (each with its numerator, denominator
    and seqs), score and place; the weights and floor; the records made on it."""

    year: int


class AssessmentRanking(SupervisionReply):
    year: int
    items: list[dict]


class AssessmentRecords(SupervisionReply):
    year: int
    items: list[dict] = Field(description="commendations, admonishment talks, accountability, "
                                          "referrals, each citing ledger seqs")


class AssessmentDashboard(SupervisionReply):
    """The dashboard-ready JSON of the assessment (`supervision.report`)."""
