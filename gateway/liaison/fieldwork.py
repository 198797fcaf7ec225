"""The liaison field work's HTTP routes (notice 二(三)): surveys and help plans required of the
city departments and their life, visits and the problems found on them (each becomes an appeal;
the visit shows it and its status), the expert group's consultations and the matchmaking, and the
liaison officers' monthly operation reports of their leaders' enterprises (notice 三(一)2).
Shapes, action names and filters are the field work's wire contract
(`services.liaison.fieldwork.contract`); what a caller may do is the service's rule.
"""
from __future__ import annotations

from gateway.routes import Resources, without_nulls
from gateway.operations import Routes
from kernel.dependencies import TimedRpcProxy
from kernel.errors import NOT_FOUND
from services.liaison.fieldwork.contract import (
    ACTIVITY_FILTERS, HELP_PLAN_ACTIONS, HELP_PLAN_FILTERS, SURVEY_ACTIONS, SURVEY_FILTERS,
    VISIT_FILTERS, ConsultationList, ConsultationView, FieldworkActivityFilters,
    FieldworkActivityPath, FieldworkOutcome, HelpPlanFilters, HelpPlanList, HelpPlanPath,
    HelpPlanView, MatchmakingList, MatchmakingView, OPERATION_REPORT_FILTERS,
    OperationReportAmendment, OperationReportFiling, OperationReportFilters, OperationReportList,
    OperationReportPath, OperationReportView, RecordConsultation, RecordMatchmaking,
    RecordVisit, RequireHelpPlan, RequireSurvey, SurveyFilters, SurveyList, SurveyPath,
    SurveyView, VisitFilters, VisitList, VisitPath, VisitProblemList, VisitProblemReport,
    VisitView,
)

api = Routes("fieldwork", "The liaison field work: surveys (调研), help plans (帮扶方案), visits "
                          "(走访) whose problems become appeals, expert consultations (企业问诊) "
                          "and matchmaking (对接), notice 二(三); the liaison officers' monthly "
                          "operation reports (企业生产经营情况), notice 三(一)2",
                          service="liaison")
# A read refuses only what is not there: what a caller may read, the service says by what it
# lists. A thing made is sent on in full, its body read before its caller.
routes = Resources(api, proxy="liaison", read_errors=(NOT_FOUND,), body_first=True)


class LiaisonFieldworkApi:
    liaison = TimedRpcProxy("liaison")

    # -- surveys ------------------------------------------------------------------------------

    require_survey = routes.create(
        "surveys", "require_survey",
        "Require a city department's survey of its park, reported to its leader (the office)",
        body=RequireSurvey, view=SurveyView, described="required")
    list_surveys = routes.listing(
        "surveys", "list_surveys", "The surveys the caller may read, by due date",
        query=SurveyFilters, filters=SURVEY_FILTERS, view=SurveyList, described="the surveys")
    get_survey = routes.get("/surveys/{survey_id}", "get_survey", "A survey and its report",
                            path_model=SurveyPath, view=SurveyView, described="the survey")
    act_on_survey = routes.act("/surveys/{survey_id}", SurveyPath, SURVEY_ACTIONS,
                               kind="a survey", prefix="survey", view=SurveyView,
                               rpc="act_on_survey")

    # -- help plans ---------------------------------------------------------------------------

    require_help_plan = routes.create(
        "help-plans", "require_help_plan",
        "Require a city department's help plan for its leader's linkage (the office)",
        body=RequireHelpPlan, view=HelpPlanView, described="required")
    list_help_plans = routes.listing(
        "help-plans", "list_help_plans", "The help plans the caller may read",
        query=HelpPlanFilters, filters=HELP_PLAN_FILTERS, view=HelpPlanList,
        described="the help plans")
    get_help_plan = routes.get(
        "/help-plans/{plan_id}", "get_help_plan", "A help plan, its reviews",
        path_model=HelpPlanPath, view=HelpPlanView, described="the help plan")
    act_on_help_plan = routes.act("/help-plans/{plan_id}", HelpPlanPath, HELP_PLAN_ACTIONS,
                                  kind="a help plan", prefix="help_plan", view=HelpPlanView,
                                  rpc="act_on_help_plan")

    # -- visits -------------------------------------------------------------------------------

    record_visit = routes.create(
        "visits", "record_visit",
        "Record a visit to an enterprise; each problem found becomes an appeal",
        body=RecordVisit, view=VisitView, described="recorded")
    list_visits = routes.listing(
        "visits", "list_visits", "The visits the caller may read, the latest first",
        query=VisitFilters, filters=VISIT_FILTERS, view=VisitList, described="the visits")
    get_visit = routes.get(
        "/visits/{visit_id}", "get_visit",
        "A visit, its problems and the appeals raised from them with their status",
        path_model=VisitPath, view=VisitView, described="the visit")
    visit_problems = routes.get(
        "/visits/{visit_id}/problems", "visit_problems",
        "A visit's problems, each with the appeal raised from it", path_model=VisitPath,
        view=VisitProblemList, described="the problems")
    add_visit_problem = routes.change(
        "POST", "/visits/{visit_id}/problems", "add_visit_problem",
        "Record a problem found on a visit: it becomes an appeal", path_model=VisitPath,
        body=VisitProblemReport, view=VisitView, described="recorded: the visit", status=201)

    # -- operation reports (企业生产经营情况) -------------------------------------------------

    file_operation_report = routes.create(
        "operation-reports", "file_operation_report",
        "File an enterprise's production and operation for a month (a liaison officer of its "
        "city leader; one per enterprise and month)", body=OperationReportFiling,
        view=OperationReportView, described="filed")
    list_operation_reports = routes.listing(
        "operation-reports", "list_operation_reports",
        "The operation reports the caller may read, the latest month first",
        query=OperationReportFilters, filters=OPERATION_REPORT_FILTERS,
        view=OperationReportList, described="the operation reports", rpc="list_op_reports")
    get_operation_report = routes.get(
        "/operation-reports/{report_id}", "get_operation_report",
        "An operation report and its amendments", path_model=OperationReportPath,
        view=OperationReportView, described="the operation report", rpc="get_op_report")
    amend_operation_report = routes.change(
        "POST", "/operation-reports/{report_id}/amend", "amend_operation_report",
        "Correct an operation report (a liaison officer of its leader), saying why",
        path_model=OperationReportPath, body=OperationReportAmendment,
        view=OperationReportView, described="the report as amended", rpc="amend_op_report",
        dump=without_nulls)

    # -- consultations and matchmaking --------------------------------------------------------

    record_consultation = routes.create(
        "consultations", "record_consultation",
        "Record a consultation (企业问诊) of the expert advisory group", body=RecordConsultation,
        view=ConsultationView, described="recorded")
    list_consultations = routes.listing(
        "consultations", "list_consultations", "The consultations, the latest first",
        query=FieldworkActivityFilters, filters=ACTIVITY_FILTERS, view=ConsultationList,
        described="the consultations")
    get_consultation = routes.get(
        "/consultations/{activity_id}", "get_consultation", "A consultation",
        path_model=FieldworkActivityPath, view=ConsultationView, described="the consultation",
        rpc="get_activity", words=("consultation",))
    record_consultation_outcome = routes.change(
        "POST", "/consultations/{activity_id}/outcome", "record_consultation_outcome",
        "Record what came of a consultation", path_model=FieldworkActivityPath,
        body=FieldworkOutcome, view=ConsultationView, described="the consultation",
        rpc="record_outcome", words=("consultation",))

    record_matchmaking = routes.create(
        "matchmakings", "record_matchmaking",
        "Record a financing (banks) or industry-chain (leading firms) matchmaking",
        body=RecordMatchmaking, view=MatchmakingView, described="recorded")
    list_matchmakings = routes.listing(
        "matchmakings", "list_matchmakings", "The matchmakings, the latest first",
        query=FieldworkActivityFilters, filters=ACTIVITY_FILTERS, view=MatchmakingList,
        described="the matchmakings")
    get_matchmaking = routes.get(
        "/matchmakings/{activity_id}", "get_matchmaking", "A matchmaking",
        path_model=FieldworkActivityPath, view=MatchmakingView, described="the matchmaking",
        rpc="get_activity", words=("matchmaking",))
    record_matchmaking_outcome = routes.change(
        "POST", "/matchmakings/{activity_id}/outcome", "record_matchmaking_outcome",
        "Record what came of a matchmaking", path_model=FieldworkActivityPath,
        body=FieldworkOutcome, view=MatchmakingView, described="the matchmaking",
        rpc="record_outcome", words=("matchmaking",))
