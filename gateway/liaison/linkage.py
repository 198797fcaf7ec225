"""The liaison linkage's HTTP routes (notice 三(一)1, 2): linkage plans (proposed by the enterprise
help working group, the planner solving for every city leader; accepted by the office as a
whole), the leaders' linkages (a leader reads his own, a liaison officer his leader's, the office
and supervisors all; the office changes one), the city departments' parks and the liaison
officers. Shapes are the linkage's wire contract (`services.liaison.linkage.contract`); the
notice's rules are the service's.
"""
from __future__ import annotations

from gateway.routes import LIST_ERRORS, Resources, each, fields, without_nulls
from gateway.operations import Routes
from kernel.dependencies import TimedRpcProxy
from services.liaison.linkage.contract import (
    LinkageChange, LinkageDepartmentPark, LinkageDepartmentView, LinkageLeaderPath, LinkageList,
    LinkageOfficerAppointment, LinkageOfficerList, LinkageOfficerQuery, LinkageOfficerView,
    LinkageUnitPath, LinkageView, PlanList, PlanPath, PlanProposal, PlanView,
)

api = Routes("linkage", "Leaders' linkage (领导挂点联系): plans, linkages, departments' parks, "
                        "liaison officers (联络员). notice 三(一)1, 2",
                        service="liaison")
routes = Resources(api, proxy="liaison")


class LiaisonLinkageApi:
    liaison = TimedRpcProxy("liaison")

    # -- plans ---------------------------------------------------------------------------------

    propose_plan = routes.create(
        "plans", "propose_plan",
        "Propose a linkage plan for every city leader (the enterprise help working group: the "
        "office or an officer of a member unit); refused with the exact reason when the "
        "registry allows none", body=PlanProposal, dump=each("parks", empty_ok=True),
        view=PlanView, described="proposed")
    list_plans = routes.read("/plans", "list_plans", "The linkage plans, newest first",
                             view=PlanList, described="the plans", errors_=LIST_ERRORS)
    get_plan = routes.get("/plans/{plan_id}", "get_plan",
                          "A linkage plan with every leader's list", path_model=PlanPath,
                          view=PlanView, described="the plan")
    accept_plan = routes.command(
        "POST", "/plans/{plan_id}/accept", "accept_plan",
        "Accept a plan as a whole (the office): every city leader's linkage becomes the plan's",
        path_model=PlanPath, body=None, view=PlanView, described="accepted")

    # -- linkages ------------------------------------------------------------------------------

    list_linkages = routes.read(
        "/linkages", "list_linkages",
        "The linkages the caller may read: a leader his own, a liaison officer his leader's, "
        "the office and supervisors all", rpc="linkages", view=LinkageList,
        described="the linkages", errors_=LIST_ERRORS)
    get_linkage = routes.get("/linkages/{leader_id}", "get_linkage", "One leader's linkage",
                             path_model=LinkageLeaderPath, view=LinkageView,
                             described="the linkage")
    change_linkage = routes.change(
        "POST", "/linkages/{leader_id}", "change_linkage",
        "Change one leader's linkage (the office), checked against every rule with the rest "
        "of the city's linkage", path_model=LinkageLeaderPath, body=LinkageChange,
        dump=each("enterprises", "park", "reason"), view=LinkageView,
        described="after the change")

    # -- departments and liaison officers ------------------------------------------------------

    department_park = routes.get("/departments/{unit}/park", "department_park",
                                 "The park a city department is linked to",
                                 path_model=LinkageUnitPath, view=LinkageDepartmentView,
                                 described="its park")
    link_department = routes.change(
        "POST", "/departments/{unit}/park", "link_department",
        "Link a city department to one park (the office)", path_model=LinkageUnitPath,
        body=LinkageDepartmentPark, dump=each("park"), view=LinkageDepartmentView,
        described="linked")
    list_liaison_officers = routes.read(
        "/liaison-officers", "list_liaison_officers",
        "The liaison officers the caller may read (of one leader if given)",
        query=LinkageOfficerQuery, sends=fields("leader_id"), rpc="liaison_officers",
        view=LinkageOfficerList, described="the liaison officers", errors_=LIST_ERRORS)
    appoint_liaison_officer = routes.command(
        "POST", "/liaison-officers", "appoint_liaison_officer",
        "Appoint a cadre of a city or county office as liaison officer for a city leader's "
        "enterprises (the office)", body=LinkageOfficerAppointment, dump=without_nulls,
        rpc="appoint_liaison", status=201, view=LinkageOfficerView, described="appointed")
