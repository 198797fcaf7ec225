"""The deliverables' wire contract (notice 二(五)1): scheduling reports (调度通报), the action's
deliverables (工作节点) and summary reports (总结报告), the office's review of a delivery, and the
replies. Shape only: whether a value is allowed is for the aggregates to say."""
from __future__ import annotations

from pydantic import Field

from kernel.wire import Action, Body, Text
from services.supervision.shapes import (
    CODE_LIMIT, FIRST_YEAR, ITEMS_LIMIT, LAST_YEAR, SEQS_LIMIT, TEXT_LIMIT, TITLE_LIMIT, Codes,
    Seqs, SupervisionReply,
)

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


class SchedulingReportView(SupervisionReply):
    id: str


class SchedulingReportList(SupervisionReply):
    items: list[dict]


class DeliverableView(SupervisionReply):
    id: str


class DeliverableList(SupervisionReply):
    items: list[dict]
