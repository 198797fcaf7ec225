"""The year-end assessment (年终考核, notice 三(二)) over HTTP: compute it from the ledger's facts
with the office's weights and satisfaction floor, read it, its ranking and the records made on it
— commendation (表彰), admonishment talk (诫勉谈话), accountability (问责), referral to the
discipline inspection organs (移交纪检监察), each citing ledger entries — and download it as .xlsx,
as a printable PDF report with charts, or as the dashboard's JSON."""
from __future__ import annotations

from gateway.audit import ACCEPTED, accepted, wants_async
from gateway.auth import caller
from gateway.http import read_path, rendered_download
from gateway.operations import Routes, file_answer
from gateway.routes import CREATE_ERRORS, READ_ERRORS, named
from gateway.supervision import SupervisionRoutes
from kernel.dependencies import TimedRpcProxy
from services.supervision.contract import (
    ASSESSMENT_ACTIONS, EXPORT_MEDIA_TYPES, AssessmentDashboard, AssessmentPath,
    AssessmentRanking, AssessmentRecords, AssessmentView, ComputeAssessment,
)

api = Routes("assessments", "The year-end assessment (年终考核) of every county, zone and city "
                            "department: measures from the ledger, weights, a ranking, and the "
                            "records that follow, each citing ledger entries. notice 三(二)",
                            service="supervision")
routes = SupervisionRoutes(api)
EXPORTS = {"xlsx": "the assessment as a workbook: the ranking, a sheet per measure, the seqs "
                   "cited per figure",
           "pdf": "the printable report in Chinese with its charts and an appendix of the seqs "
                  "behind each figure"}


def export_route(fmt: str, described: str):
    """GET /assessments/{year}/export.<fmt>: the file the service rendered, as a download."""
    operation_id = f"assessment_{fmt}"

    @api("GET", f"/assessments/{{year}}/export.{fmt}", operation_id,
         f"Download the assessment as .{fmt}", path_model=AssessmentPath, rpc="assessment_export",
         errors_=READ_ERRORS,
         answers=(file_answer(described, EXPORT_MEDIA_TYPES[fmt]), ACCEPTED))
    def handler(service, request, year):
        actor = caller(request)
        path = read_path({"year": year}, AssessmentPath)
        if wants_async(request):
            return accepted(service.supervision.start_assessment_export(actor, path.year, fmt))
        return rendered_download(service.supervision.assessment_export(actor, path.year, fmt))
    return named(handler, operation_id)


class AssessmentsApi:
    supervision = TimedRpcProxy("supervision")

    compute_assessment = routes.command(
        "POST", "/assessments", "compute_assessment",
        "Compute a year's assessment from the ledger (the office or the working group)",
        body=ComputeAssessment, view=AssessmentView, described="computed", status=201,
        errors_=CREATE_ERRORS, location="/assessments/{year}")
    assessment = routes.read(
        "/assessments/{year}", "assessment",
        "A year's assessment: each unit's measures with the seqs behind each, its score and "
        "place; a unit officer sees his own unit's, a leader his linkage's units",
        path_model=AssessmentPath, view=AssessmentView, described="the assessment")
    assessment_ranking = routes.read(
        "/assessments/{year}/ranking", "assessment_ranking", "The ranking, best first",
        path_model=AssessmentPath, view=AssessmentRanking, described="the ranking")
    assessment_records = routes.read(
        "/assessments/{year}/records", "assessment_records",
        "The commendations, admonishment talks, accountability and referrals, each citing "
        "ledger entries", path_model=AssessmentPath, view=AssessmentRecords,
        described="the records")
    act_on_assessment = routes.act(
        "/assessments/{year}", AssessmentPath, ASSESSMENT_ACTIONS, kind="an assessment",
        prefix="assessment", view=AssessmentRecords, rpc="act_on_assessment")
    assessment_json = routes.read(
        "/assessments/{year}/export.json", "assessment_json",
        "The assessment as the dashboard's JSON (stable shape, `supervision.report`)",
        path_model=AssessmentPath, view=AssessmentDashboard, described="the dashboard data",
        rpc="assessment_dashboard")
    assessment_xlsx = export_route("xlsx", EXPORTS["xlsx"])
    assessment_pdf = export_route("pdf", EXPORTS["pdf"])
