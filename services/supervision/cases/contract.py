"""The supervision cases' wire contract (督查, notice 二(五)1): the ladder's steps, the cases' and
notices' filters, the commands on a case, the ladder's thresholds and the replies. Shape only:
whether a value is allowed is for the aggregates to say."""
from __future__ import annotations

import datetime as dt

from pydantic import Field

from kernel.wire import Action, Body, Text
from services.supervision.cases.ladder import Step
from services.supervision.shapes import (
    CODE_LIMIT, ITEMS_LIMIT, NAME_LIMIT, SEQS_LIMIT, TEXT_LIMIT, Seqs, SupervisionReply,
)

SupervisionStep = Step.renamed("SupervisionStep", module=__name__,
                               what="The ladder's steps, in the order a case climbs them")

STEP_FIELDS = {step.value: f"working days overdue at which {step.label} ({step.value}) is due"
               for step in SupervisionStep}


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
