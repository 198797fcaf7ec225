"""The liaison linkage's HTTP routes (notice 三(一)1, 2): linkage plans (proposed by the enterprise
help working group, the planner solving for every city leader; accepted by the office as a
whole), the leaders' linkages (a leader reads his own, a liaison officer his leader's, the office
and supervisors all; the office changes one), the city departments' parks and the liaison
officers. Shapes are the linkage's wire contract (`services.liaison.linkage.contract`); the
notice's rules are the service's.
"""
from __future__ import annotations

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query
from gateway.routes import COMMAND_ERRORS, Resources
from gateway.operations import API, Answer, Routes
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND
from services.liaison.linkage.contract import (
    LinkageChange, LinkageDepartmentPark, LinkageDepartmentView, LinkageLeaderPath, LinkageList,
    LinkageOfficerAppointment, LinkageOfficerList, LinkageOfficerQuery, LinkageOfficerView,
    LinkageUnitPath, LinkageView, PlanList, PlanPath, PlanProposal, PlanView,
)

api = Routes("linkage", "Leaders' linkage (领导挂点联系): plans, linkages, departments' parks, "
                        "liaison officers (联络员). notice 三(一)1, 2",
                        service="liaison")
routes = Resources(api, proxy="liaison", read_errors=(FORBIDDEN, NOT_FOUND))


class LiaisonLinkageApi:
    liaison = TimedRpcProxy("liaison")

    # -- plans ---------------------------------------------------------------------------------

    @api("POST", "/plans", "propose_plan",
         "Propose a linkage plan for every city leader (the enterprise help working group: the "
         "office or an officer of a member unit); refused with the exact reason when the "
         "registry allows none", body=PlanProposal, errors_=(FORBIDDEN, CONFLICT),
         answers=Answer(201, "proposed", PlanView, headers=(("Location", "its URL"),)))
    def propose_plan(self, request):
        actor = caller(request)
        proposal = parse(request, PlanProposal, empty_ok=True)
        plan = self.liaison.propose_plan(actor, proposal.parks)
        return json_response(201, plan, {"Location": f"{API}/plans/{plan['id']}"})

    @api("GET", "/plans", "list_plans", "The linkage plans, newest first",
         errors_=(FORBIDDEN,), answers=Answer(200, "the plans", PlanList))
    def list_plans(self, request):
        return json_response(200, self.liaison.list_plans(caller(request)))

    get_plan = routes.get("/plans/{plan_id}", "get_plan",
                          "A linkage plan with every leader's list", path_model=PlanPath,
                          view=PlanView, described="the plan")

    @api("POST", "/plans/{plan_id}/accept", "accept_plan",
         "Accept a plan as a whole (the office): every city leader's linkage becomes the plan's",
         path_model=PlanPath, errors_=COMMAND_ERRORS,
         answers=Answer(200, "accepted", PlanView))
    def accept_plan(self, request, plan_id):
        actor = caller(request)
        path = read_path({"plan_id": plan_id}, PlanPath)
        return json_response(200, self.liaison.accept_plan(actor, path.plan_id))

    # -- linkages ------------------------------------------------------------------------------

    @api("GET", "/linkages", "list_linkages",
         "The linkages the caller may read: a leader his own, a liaison officer his leader's, "
         "the office and supervisors all", errors_=(FORBIDDEN,), rpc="linkages",
         answers=Answer(200, "the linkages", LinkageList))
    def list_linkages(self, request):
        return json_response(200, self.liaison.linkages(caller(request)))

    get_linkage = routes.get("/linkages/{leader_id}", "get_linkage", "One leader's linkage",
                             path_model=LinkageLeaderPath, view=LinkageView,
                             described="the linkage")

    @api("POST", "/linkages/{leader_id}", "change_linkage",
         "Change one leader's linkage (the office), checked against every rule with the rest "
         "of the city's linkage", path_model=LinkageLeaderPath, body=LinkageChange,
         errors_=COMMAND_ERRORS, answers=Answer(200, "after the change", LinkageView))
    def change_linkage(self, request, leader_id):
        actor = caller(request)
        path = read_path({"leader_id": leader_id}, LinkageLeaderPath)
        change = parse(request, LinkageChange)
        return json_response(200, self.liaison.change_linkage(
            actor, path.leader_id, change.enterprises, change.park, change.reason))

    # -- departments and liaison officers ------------------------------------------------------

    department_park = routes.get("/departments/{unit}/park", "department_park",
                                 "The park a city department is linked to",
                                 path_model=LinkageUnitPath, view=LinkageDepartmentView,
                                 described="its park")

    @api("POST", "/departments/{unit}/park", "link_department",
         "Link a city department to one park (the office)", path_model=LinkageUnitPath,
         body=LinkageDepartmentPark, errors_=COMMAND_ERRORS,
         answers=Answer(200, "linked", LinkageDepartmentView))
    def link_department(self, request, unit):
        actor = caller(request)
        path = read_path({"unit": unit}, LinkageUnitPath)
        body = parse(request, LinkageDepartmentPark)
        return json_response(200, self.liaison.link_department(actor, path.unit, body.park))

    @api("GET", "/liaison-officers", "list_liaison_officers",
         "The liaison officers the caller may read (of one leader if given)",
         query=LinkageOfficerQuery, errors_=(FORBIDDEN,), rpc="liaison_officers",
         answers=Answer(200, "the liaison officers", LinkageOfficerList))
    def list_liaison_officers(self, request):
        actor = caller(request)
        query = read_query(request, LinkageOfficerQuery)
        return json_response(200, self.liaison.liaison_officers(actor, query.leader_id))

    @api("POST", "/liaison-officers", "appoint_liaison_officer",
         "Appoint a cadre of a city or county office as liaison officer for a city leader's "
         "enterprises (the office)", body=LinkageOfficerAppointment, errors_=COMMAND_ERRORS,
         rpc="appoint_liaison",
         answers=Answer(201, "appointed", LinkageOfficerView))
    def appoint_liaison_officer(self, request):
        actor = caller(request)
        body = parse(request, LinkageOfficerAppointment)
        return json_response(201, self.liaison.appoint_liaison(
            actor, body.model_dump(mode="json", exclude_none=True)))
