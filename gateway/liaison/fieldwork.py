"""The liaison field work's HTTP routes (notice 二(三)): surveys and help plans required of the
city departments and their life, visits and the problems found on them (each becomes an appeal;
the visit shows it and its status), the expert group's consultations and the matchmaking, and the
liaison officers' monthly operation reports of their leaders' enterprises (notice 三(一)2).
Shapes, action names and filters are the field work's wire contract
(`services.liaison.fieldwork.contract`); what a caller may do is the service's rule.
"""
from __future__ import annotations

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes, mount
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND, Refused
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

COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)
CREATE_ERRORS = (FORBIDDEN, CONFLICT)
READ_ERRORS = (NOT_FOUND,)

api = Routes("fieldwork", "The liaison field work: surveys (调研), help plans (帮扶方案), visits "
                          "(走访) whose problems become appeals, expert consultations (企业问诊) "
                          "and matchmaking (对接), notice 二(三); the liaison officers' monthly "
                          "operation reports (企业生产经营情况), notice 三(一)2")


def _action(actions: dict, kind: str, name: str):
    command = actions.get(name)
    if command is None:
        raise Refused("unknown_action", NOT_FOUND,
                      f"no action {name!r} on {kind}; the actions are: "
                      f"{', '.join(sorted(actions))}")
    return command


def _action_operations(actions: dict, collection: str, path_name: str, path_model,
                       prefix: str, view):
    return tuple(
        api.operation("POST", f"/{collection}/{{{path_name}}}/{name}",
                      f"{prefix}_{action.method}", action.summary, path_model=path_model,
                      body=action.body, errors_=COMMAND_ERRORS,
                      answers=Answer(200, "after the command", view))
        for name, action in actions.items())


def _created(body: dict, collection: str) -> object:
    return json_response(201, body, {"Location": f"{API}/{collection}/{body['id']}"})


def _located(description: str, view) -> Answer:
    return Answer(201, description, view, headers=(("Location", "its URL"),))


class LiaisonFieldworkApi:
    liaison = TimedRpcProxy("liaison")

    # -- surveys ------------------------------------------------------------------------------

    @api("POST", "/surveys", "require_survey",
         "Require a city department's survey of its park, reported to its leader (the office)",
         body=RequireSurvey, errors_=CREATE_ERRORS, answers=_located("required", SurveyView))
    def require_survey(self, request):
        fields = parse(request, RequireSurvey).model_dump(mode="json")
        return _created(self.liaison.require_survey(caller(request), fields), "surveys")

    @api("GET", "/surveys", "list_surveys", "The surveys the caller may read, by due date",
         query=SurveyFilters, answers=Answer(200, "the surveys", SurveyList))
    def list_surveys(self, request):
        actor = caller(request)
        query = read_query(request, SurveyFilters)
        return json_response(200, self.liaison.list_surveys(actor, texts(query,
                                                                         SURVEY_FILTERS)))

    @api("GET", "/surveys/{survey_id}", "get_survey", "A survey and its report",
         path_model=SurveyPath, errors_=READ_ERRORS, answers=Answer(200, "the survey",
                                                                    SurveyView))
    def get_survey(self, request, survey_id):
        actor = caller(request)
        path = read_path({"survey_id": survey_id}, SurveyPath)
        return json_response(200, self.liaison.get_survey(actor, path.survey_id))

    @mount("POST", f"{API}/surveys/{{survey_id}}/{{action}}",
           *_action_operations(SURVEY_ACTIONS, "surveys", "survey_id", SurveyPath, "survey",
                               SurveyView))
    def act_on_survey(self, request, survey_id, action):
        actor = caller(request)
        command = _action(SURVEY_ACTIONS, "a survey", action)
        path = read_path({"survey_id": survey_id}, SurveyPath)
        body = parse(request, command.body, empty_ok=True).model_dump(mode="json",
                                                                      exclude_none=True)
        return json_response(200, self.liaison.act_on_survey(actor, path.survey_id, action,
                                                             body))

    # -- help plans ---------------------------------------------------------------------------

    @api("POST", "/help-plans", "require_help_plan",
         "Require a city department's help plan for its leader's linkage (the office)",
         body=RequireHelpPlan, errors_=CREATE_ERRORS,
         answers=_located("required", HelpPlanView))
    def require_help_plan(self, request):
        fields = parse(request, RequireHelpPlan).model_dump(mode="json")
        return _created(self.liaison.require_help_plan(caller(request), fields), "help-plans")

    @api("GET", "/help-plans", "list_help_plans", "The help plans the caller may read",
         query=HelpPlanFilters, answers=Answer(200, "the help plans", HelpPlanList))
    def list_help_plans(self, request):
        actor = caller(request)
        query = read_query(request, HelpPlanFilters)
        return json_response(200, self.liaison.list_help_plans(actor, texts(
            query, HELP_PLAN_FILTERS)))

    @api("GET", "/help-plans/{plan_id}", "get_help_plan", "A help plan, its reviews",
         path_model=HelpPlanPath, errors_=READ_ERRORS,
         answers=Answer(200, "the help plan", HelpPlanView))
    def get_help_plan(self, request, plan_id):
        actor = caller(request)
        path = read_path({"plan_id": plan_id}, HelpPlanPath)
        return json_response(200, self.liaison.get_help_plan(actor, path.plan_id))

    @mount("POST", f"{API}/help-plans/{{plan_id}}/{{action}}",
           *_action_operations(HELP_PLAN_ACTIONS, "help-plans", "plan_id", HelpPlanPath,
                               "help_plan", HelpPlanView))
    def act_on_help_plan(self, request, plan_id, action):
        actor = caller(request)
        command = _action(HELP_PLAN_ACTIONS, "a help plan", action)
        path = read_path({"plan_id": plan_id}, HelpPlanPath)
        body = parse(request, command.body, empty_ok=True).model_dump(mode="json",
                                                                      exclude_none=True)
        return json_response(200, self.liaison.act_on_help_plan(actor, path.plan_id, action,
                                                                body))

    # -- visits -------------------------------------------------------------------------------

    @api("POST", "/visits", "record_visit",
         "Record a visit to an enterprise; each problem found becomes an appeal",
         body=RecordVisit, errors_=CREATE_ERRORS, answers=_located("recorded", VisitView))
    def record_visit(self, request):
        fields = parse(request, RecordVisit).model_dump(mode="json")
        return _created(self.liaison.record_visit(caller(request), fields), "visits")

    @api("GET", "/visits", "list_visits", "The visits the caller may read, the latest first",
         query=VisitFilters, answers=Answer(200, "the visits", VisitList))
    def list_visits(self, request):
        actor = caller(request)
        query = read_query(request, VisitFilters)
        return json_response(200, self.liaison.list_visits(actor, texts(query,
                                                                        VISIT_FILTERS)))

    @api("GET", "/visits/{visit_id}", "get_visit",
         "A visit, its problems and the appeals raised from them with their status",
         path_model=VisitPath, errors_=READ_ERRORS, answers=Answer(200, "the visit", VisitView))
    def get_visit(self, request, visit_id):
        actor = caller(request)
        path = read_path({"visit_id": visit_id}, VisitPath)
        return json_response(200, self.liaison.get_visit(actor, path.visit_id))

    @api("GET", "/visits/{visit_id}/problems", "visit_problems",
         "A visit's problems, each with the appeal raised from it", path_model=VisitPath,
         errors_=READ_ERRORS, answers=Answer(200, "the problems", VisitProblemList))
    def visit_problems(self, request, visit_id):
        actor = caller(request)
        path = read_path({"visit_id": visit_id}, VisitPath)
        return json_response(200, self.liaison.visit_problems(actor, path.visit_id))

    @api("POST", "/visits/{visit_id}/problems", "add_visit_problem",
         "Record a problem found on a visit: it becomes an appeal", path_model=VisitPath,
         body=VisitProblemReport, errors_=COMMAND_ERRORS,
         answers=Answer(201, "recorded: the visit", VisitView))
    def add_visit_problem(self, request, visit_id):
        actor = caller(request)
        path = read_path({"visit_id": visit_id}, VisitPath)
        fields = parse(request, VisitProblemReport).model_dump(mode="json")
        return json_response(201, self.liaison.add_visit_problem(actor, path.visit_id,
                                                                    fields))

    # -- operation reports (企业生产经营情况) -------------------------------------------------

    @api("POST", "/operation-reports", "file_operation_report",
         "File an enterprise's production and operation for a month (a liaison officer of its "
         "city leader; one per enterprise and month)", body=OperationReportFiling,
         errors_=CREATE_ERRORS, answers=_located("filed", OperationReportView))
    def file_operation_report(self, request):
        fields = parse(request, OperationReportFiling).model_dump(mode="json")
        return _created(self.liaison.file_operation_report(caller(request), fields),
                        "operation-reports")

    @api("GET", "/operation-reports", "list_operation_reports",
         "The operation reports the caller may read, the latest month first",
         query=OperationReportFilters, answers=Answer(200, "the operation reports",
                                                      OperationReportList))
    def list_operation_reports(self, request):
        actor = caller(request)
        query = read_query(request, OperationReportFilters)
        return json_response(200, self.liaison.list_op_reports(actor, texts(
            query, OPERATION_REPORT_FILTERS)))

    @api("GET", "/operation-reports/{report_id}", "get_operation_report",
         "An operation report and its amendments", path_model=OperationReportPath,
         errors_=READ_ERRORS, answers=Answer(200, "the operation report", OperationReportView))
    def get_operation_report(self, request, report_id):
        actor = caller(request)
        path = read_path({"report_id": report_id}, OperationReportPath)
        return json_response(200, self.liaison.get_op_report(actor, path.report_id))

    @api("POST", "/operation-reports/{report_id}/amend", "amend_operation_report",
         "Correct an operation report (a liaison officer of its leader), saying why",
         path_model=OperationReportPath, body=OperationReportAmendment, errors_=COMMAND_ERRORS,
         answers=Answer(200, "the report as amended", OperationReportView))
    def amend_operation_report(self, request, report_id):
        actor = caller(request)
        path = read_path({"report_id": report_id}, OperationReportPath)
        fields = parse(request, OperationReportAmendment).model_dump(mode="json",
                                                                     exclude_none=True)
        return json_response(200, self.liaison.amend_op_report(actor, path.report_id, fields))

    # -- consultations and matchmaking --------------------------------------------------------

    @api("POST", "/consultations", "record_consultation",
         "Record a consultation (企业问诊) of the expert advisory group", body=RecordConsultation,
         errors_=CREATE_ERRORS, answers=_located("recorded", ConsultationView))
    def record_consultation(self, request):
        fields = parse(request, RecordConsultation).model_dump(mode="json")
        return _created(self.liaison.record_consultation(caller(request), fields),
                        "consultations")

    @api("GET", "/consultations", "list_consultations", "The consultations, the latest first",
         query=FieldworkActivityFilters, answers=Answer(200, "the consultations",
                                                        ConsultationList))
    def list_consultations(self, request):
        actor = caller(request)
        query = read_query(request, FieldworkActivityFilters)
        return json_response(200, self.liaison.list_consultations(actor, texts(
            query, ACTIVITY_FILTERS)))

    @api("GET", "/consultations/{activity_id}", "get_consultation", "A consultation",
         path_model=FieldworkActivityPath, errors_=READ_ERRORS,
         answers=Answer(200, "the consultation", ConsultationView))
    def get_consultation(self, request, activity_id):
        actor = caller(request)
        path = read_path({"activity_id": activity_id}, FieldworkActivityPath)
        return json_response(200, self.liaison.get_activity(actor, "consultation",
                                                            path.activity_id))

    @api("POST", "/consultations/{activity_id}/outcome", "record_consultation_outcome",
         "Record what came of a consultation", path_model=FieldworkActivityPath,
         body=FieldworkOutcome, errors_=COMMAND_ERRORS,
         answers=Answer(200, "the consultation", ConsultationView))
    def record_consultation_outcome(self, request, activity_id):
        actor = caller(request)
        path = read_path({"activity_id": activity_id}, FieldworkActivityPath)
        fields = parse(request, FieldworkOutcome).model_dump(mode="json")
        return json_response(200, self.liaison.record_outcome(
            actor, "consultation", path.activity_id, fields))

    @api("POST", "/matchmakings", "record_matchmaking",
         "Record a financing (banks) or industry-chain (leading firms) matchmaking",
         body=RecordMatchmaking, errors_=CREATE_ERRORS,
         answers=_located("recorded", MatchmakingView))
    def record_matchmaking(self, request):
        fields = parse(request, RecordMatchmaking).model_dump(mode="json")
        return _created(self.liaison.record_matchmaking(caller(request), fields),
                        "matchmakings")

    @api("GET", "/matchmakings", "list_matchmakings", "The matchmakings, the latest first",
         query=FieldworkActivityFilters, answers=Answer(200, "the matchmakings",
                                                        MatchmakingList))
    def list_matchmakings(self, request):
        actor = caller(request)
        query = read_query(request, FieldworkActivityFilters)
        return json_response(200, self.liaison.list_matchmakings(actor, texts(
            query, ACTIVITY_FILTERS)))

    @api("GET", "/matchmakings/{activity_id}", "get_matchmaking", "A matchmaking",
         path_model=FieldworkActivityPath, errors_=READ_ERRORS,
         answers=Answer(200, "the matchmaking", MatchmakingView))
    def get_matchmaking(self, request, activity_id):
        actor = caller(request)
        path = read_path({"activity_id": activity_id}, FieldworkActivityPath)
        return json_response(200, self.liaison.get_activity(actor, "matchmaking",
                                                            path.activity_id))

    @api("POST", "/matchmakings/{activity_id}/outcome", "record_matchmaking_outcome",
         "Record what came of a matchmaking", path_model=FieldworkActivityPath,
         body=FieldworkOutcome, errors_=COMMAND_ERRORS,
         answers=Answer(200, "the matchmaking", MatchmakingView))
    def record_matchmaking_outcome(self, request, activity_id):
        actor = caller(request)
        path = read_path({"activity_id": activity_id}, FieldworkActivityPath)
        fields = parse(request, FieldworkOutcome).model_dump(mode="json")
        return json_response(200, self.liaison.record_outcome(
            actor, "matchmaking", path.activity_id, fields))
