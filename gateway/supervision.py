"""Supervision's HTTP routes (notice 二(五)1, 三(二)): the tracking view per unit and per matter,
the supervision cases the ladder opens and their notices, a unit's answer to its notice, the
on-site inspection's findings and the admonitory interview, the ladder's thresholds, the office's
scheduling reports, the action's deliverables and the units' summary reports. Shapes, actions and
filters are supervision's wire contract (`services.supervision.contract`); who may do what
is the supervision service's rule (`services.supervision.access`).

The route makers here (`SupervisionRoutes`, the gateway's `Resources` on the supervision
service's proxy, a body read as a command's) serve the evaluation and assessment routes too.
"""
from __future__ import annotations

from gateway.http import parse
from gateway.routes import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, Resources
from gateway.operations import Routes
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN
from services.supervision.contract import (
    DELIVERABLE_FILTERS, DELIVERY_ACTIONS, SUPERVISION_CASE_ACTIONS, DeliveryPath, SUPERVISION_CASE_FILTERS,
    SUPERVISION_NOTICE_FILTERS, SupervisionNoticeFilters,
    TRACKED_MATTER_FILTERS, DeliverableFilters, DeliverableList, DeliverablePath,
    DeliverableView, DeliverDeliverable, IssueSchedulingReport, ReceiveSummaryReport,
    ScheduleDeliverables, SchedulingReportList, SchedulingReportPath, SchedulingReportView,
    SupervisionCaseFilters, SupervisionCaseList, SupervisionCasePath, SupervisionCaseView,
    SupervisionSweepOutcome, SupervisionThresholds, SupervisionThresholdsView,
    SupervisionUnitPath, TrackedMatterFilters, TrackedMatterList, UnitTrackingView,
    HOTLINE_MEASURE_FILTERS, HotlineMeasureFilters, HotlineMeasuresView,
)


def body_of(request, model) -> dict:
    """A body's fields as given (an absent field is not sent: the aggregate's default holds)."""
    return parse(request, model, empty_ok=not any(
        f.is_required() for f in model.model_fields.values())).model_dump(
        mode="json", exclude_unset=True)


class SupervisionRoutes(Resources):
    """Route makers for one part of supervision's API on `api`: each handler calls `rpc` on the
    supervision service with the caller, the path's parameters (in their order) and then the body's
    fields or the query's filters; a body, an action's too, is read as a command's (`body_of`)."""

    def __init__(self, api: Routes):
        super().__init__(api, read_errors=READ_ERRORS, list_errors=LIST_ERRORS, proxy="supervision",
                         dump=body_of, action_dump=body_of)


api = Routes("supervision", "Supervision (督查) built on the ledger: what each unit owes and "
                            "when (跟踪调度), the ladder from reminder to listed supervision, "
                            "supervision notices and their answers, scheduling reports, the "
                            "action's deliverables and summary reports. notice 二(五)1, 三(二)",
                            service="supervision")
routes = SupervisionRoutes(api)


class SupervisionApi:
    supervision = TimedRpcProxy("supervision")

    # -- tracking (跟踪调度) --------------------------------------------------------------------

    tracked_matters = routes.read(
        "/supervision/matters", "tracked_matters",
        "What the units owe and by when — due, done, late — each with its ledger entries",
        query=TrackedMatterFilters, filters=TRACKED_MATTER_FILTERS, view=TrackedMatterList,
        described="the matters the caller may read", errors_=LIST_ERRORS)
    unit_tracking = routes.read(
        "/supervision/units/{unit}", "unit_tracking",
        "One unit's matters counted due, done and late, by kind", path_model=SupervisionUnitPath,
        view=UnitTrackingView, described="the unit's tracking")
    hotline_measures = routes.read(
        "/supervision/measures", "hotline_measures",
        "The hotline measures of a month per unit (及时签收率, 按时办结率, 回退率, 重办率, 回访率, "
        "满意率), each with its numerator, denominator and ledger entries",
        query=HotlineMeasureFilters, filters=HOTLINE_MEASURE_FILTERS, view=HotlineMeasuresView,
        described="the month's measures", errors_=LIST_ERRORS)

    # -- the ladder (督查) ----------------------------------------------------------------------

    supervision_cases = routes.read(
        "/supervision/cases", "supervision_cases",
        "The supervision cases the caller may read, each at its step",
        query=SupervisionCaseFilters, filters=SUPERVISION_CASE_FILTERS,
        view=SupervisionCaseList, described="the cases", errors_=LIST_ERRORS)
    supervision_case = routes.read(
        "/supervision/cases/{case_id}", "supervision_case",
        "A supervision case: its matter, unit, steps taken and the ledger entries behind each",
        path_model=SupervisionCasePath, view=SupervisionCaseView, described="the case")
    act_on_supervision_case = routes.act(
        "/supervision/cases/{case_id}", SupervisionCasePath, SUPERVISION_CASE_ACTIONS,
        kind="a supervision case", prefix="supervision_case", view=SupervisionCaseView,
        rpc="act_on_supervision_case")
    supervision_notices = routes.read(
        "/supervision/notices", "supervision_notices",
        "The supervision notices (督查通知书) issued, each with its answer-by date and answer; "
        "a unit officer sees his own unit's", query=SupervisionNoticeFilters,
        filters=SUPERVISION_NOTICE_FILTERS, view=SupervisionCaseList, described="the notices",
        errors_=LIST_ERRORS)
    supervision_thresholds = routes.read(
        "/supervision/thresholds", "supervision_thresholds",
        "The working days overdue at which each step is due", view=SupervisionThresholdsView,
        described="the thresholds in force", errors_=LIST_ERRORS)
    set_supervision_thresholds = routes.command(
        "PUT", "/supervision/thresholds", "set_supervision_thresholds",
        "Set the working days overdue at which each step is due (the office)",
        body=SupervisionThresholds, view=SupervisionThresholdsView,
        described="the thresholds now in force", errors_=(FORBIDDEN, CONFLICT))
    run_supervision_sweep = routes.command(
        "POST", "/supervision/sweeps", "run_supervision_sweep",
        "Run the ladder's sweep now, as the timer does (the office or the working group)",
        body=None, view=SupervisionSweepOutcome, described="the steps taken",
        errors_=(FORBIDDEN, CONFLICT))

    # -- scheduling reports (调度通报) ----------------------------------------------------------

    issue_scheduling_report = routes.command(
        "POST", "/supervision/scheduling-reports", "issue_scheduling_report",
        "Issue a scheduling report: each unit's due, done and late matters now (the office)",
        body=IssueSchedulingReport, view=SchedulingReportView, described="issued",
        status=201, errors_=CREATE_ERRORS, location="/supervision/scheduling-reports/{id}")
    scheduling_reports = routes.read(
        "/supervision/scheduling-reports", "scheduling_reports",
        "The scheduling reports issued, the latest first", view=SchedulingReportList,
        described="the reports", errors_=LIST_ERRORS)
    scheduling_report = routes.read(
        "/supervision/scheduling-reports/{report_id}", "scheduling_report",
        "A scheduling report, per unit with the seqs of the matters counted",
        path_model=SchedulingReportPath, view=SchedulingReportView, described="the report")

    # -- deliverables (工作节点) and summary reports (总结报告) ---------------------------------

    schedule_deliverables = routes.command(
        "POST", "/supervision/deliverables", "schedule_deliverables",
        "Schedule the action's deliverables of a campaign year on the notice's dates (the "
        "office)", body=ScheduleDeliverables, view=DeliverableList, described="scheduled",
        status=201, errors_=CREATE_ERRORS)
    deliverables = routes.read(
        "/supervision/deliverables", "deliverables",
        "The action's deliverables, each with its owner units, date and deliveries",
        query=DeliverableFilters, filters=DELIVERABLE_FILTERS, view=DeliverableList,
        described="the deliverables", errors_=LIST_ERRORS)
    deliverable = routes.read(
        "/supervision/deliverables/{deliverable_id}", "deliverable", "One deliverable",
        path_model=DeliverablePath, view=DeliverableView, described="the deliverable")
    deliver = routes.command(
        "POST", "/supervision/deliverables/{deliverable_id}/deliveries", "deliver",
        "Record a unit's delivery, citing the ledger entries or the document that show it",
        path_model=DeliverablePath, body=DeliverDeliverable, view=DeliverableView,
        described="the deliverable", status=201)
    act_on_delivery = routes.act(
        "/supervision/deliverables/{deliverable_id}/deliveries/{unit}", DeliveryPath,
        DELIVERY_ACTIONS, kind="a delivery", prefix="delivery", view=DeliverableView,
        rpc="act_on_delivery")
    receive_summary_report = routes.command(
        "POST", "/supervision/summary-reports", "receive_summary_report",
        "Record a unit's summary report (总结报告) received, due December 30",
        body=ReceiveSummaryReport, view=DeliverableView, described="the summary-report "
        "deliverable", status=201)
