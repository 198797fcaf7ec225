"""The liaison registry's HTTP routes (notice 三(一)1, 保障措施(一)): enterprises (registered,
their profiles changed, their operating tiers rated with the history kept), parks, units,
leaders and the leading group's working groups. Shapes are the registry's wire contract
(`services.liaison.registry.contract`); who may do what is the service's rule: the office keeps
the register, a county's unit officer registers, edits and rates its own county's enterprises,
and every authenticated caller reads it.

GET /enterprises/{uscc}/matching-policies is the policy service's (gateway.policy).
"""
from __future__ import annotations

from gateway.auth import caller
from gateway.http import json_response, parse, read_path, read_query, texts
from gateway.operations import API, Answer, Routes
from kernel.dependencies import TimedRpcProxy
from kernel.errors import CONFLICT, FORBIDDEN, NOT_FOUND
from services.liaison.registry.contract import (
    ENTERPRISE_FILTERS, EnterpriseList, EnterpriseListQuery, EnterpriseProfileChange,
    EnterpriseRatings, EnterpriseRegistration, EnterpriseTierRating, EnterpriseUsccPath,
    EnterpriseView, LeaderChange, LeaderIdPath, LeaderList, LeaderListQuery, LeaderRegistration,
    LeaderView, LeadingGroupMembers, LeadingGroupView, ParkChange, ParkIdPath, ParkList,
    ParkListQuery, ParkRegistration, ParkView, UnitChange, UnitCodePath, UnitList,
    UnitListQuery, UnitRegistration, UnitView,
)

COMMAND_ERRORS = (FORBIDDEN, NOT_FOUND, CONFLICT)
CREATE_ERRORS = (FORBIDDEN, CONFLICT)
READ_ERRORS = (FORBIDDEN, NOT_FOUND)

api = Routes("registry", "The liaison registry: enterprises and their operating tiers "
                         "(较好/一般/困难), parks, units, leaders and the leading group "
                         "(领导小组). notice 三(一)1")


def _created(body: dict, url: str):
    return json_response(201, body, {"Location": f"{API}/{url}"})


def _located(description: str, view) -> Answer:
    return Answer(201, description, view, headers=(("Location", "its URL"),))


def _fields(request, model, empty_ok: bool = False) -> dict:
    """The body's fields as given: an absent field is not sent, an explicit null is (a
    change's park null takes the enterprise out of its park)."""
    return parse(request, model, empty_ok=empty_ok).model_dump(mode="json", exclude_unset=True)


class LiaisonRegistryApi:
    liaison = TimedRpcProxy("liaison")

    # -- enterprises ---------------------------------------------------------------------------

    @api("POST", "/enterprises", "register_enterprise",
         "Register an enterprise (the office, or its county's unit officer)",
         body=EnterpriseRegistration, errors_=CREATE_ERRORS,
         answers=_located("registered", EnterpriseView))
    def register_enterprise(self, request):
        actor = caller(request)
        registered = self.liaison.register_enterprise(actor,
                                                      _fields(request, EnterpriseRegistration))
        return _created(registered, f"enterprises/{registered['uscc']}")

    @api("GET", "/enterprises", "list_enterprises",
         "The registered enterprises by credit code, filtered by county, park, tier "
         "(or unrated) and above designated size", query=EnterpriseListQuery,
         errors_=(FORBIDDEN,), answers=Answer(200, "the enterprises", EnterpriseList))
    def list_enterprises(self, request):
        actor = caller(request)
        query = read_query(request, EnterpriseListQuery)
        return json_response(200, self.liaison.list_enterprises(
            actor, texts(query, ENTERPRISE_FILTERS)))

    @api("GET", "/enterprises/{uscc}", "get_enterprise",
         "An enterprise: its profile, its operating tier and every rating",
         path_model=EnterpriseUsccPath, errors_=READ_ERRORS,
         answers=Answer(200, "the enterprise", EnterpriseView))
    def get_enterprise(self, request, uscc):
        actor = caller(request)
        path = read_path({"uscc": uscc}, EnterpriseUsccPath)
        return json_response(200, self.liaison.get_enterprise(actor, path.uscc))

    def _change_enterprise(self, request, uscc):
        actor = caller(request)
        path = read_path({"uscc": uscc}, EnterpriseUsccPath)
        return json_response(200, self.liaison.change_enterprise(
            actor, path.uscc, _fields(request, EnterpriseProfileChange)))

    @api("PATCH", "/enterprises/{uscc}/profile", "change_enterprise_profile",
         "Change some of an enterprise's profile (its county's unit officer, or the office)",
         path_model=EnterpriseUsccPath, body=EnterpriseProfileChange, errors_=COMMAND_ERRORS,
         answers=Answer(200, "after the change", EnterpriseView))
    def change_enterprise_profile(self, request, uscc):
        return self._change_enterprise(request, uscc)

    @api("POST", "/enterprises/{uscc}/profile", "post_enterprise_profile",
         "Change some of an enterprise's profile (as PATCH, for clients without it)",
         path_model=EnterpriseUsccPath, body=EnterpriseProfileChange, errors_=COMMAND_ERRORS,
         answers=Answer(200, "after the change", EnterpriseView))
    def post_enterprise_profile(self, request, uscc):
        return self._change_enterprise(request, uscc)

    @api("POST", "/enterprises/{uscc}/tier", "rate_enterprise",
         "Rate an enterprise's operating tier: 较好/一般/困难 (its county, or the office)",
         path_model=EnterpriseUsccPath, body=EnterpriseTierRating, errors_=COMMAND_ERRORS,
         answers=Answer(200, "rated", EnterpriseView))
    def rate_enterprise(self, request, uscc):
        actor = caller(request)
        path = read_path({"uscc": uscc}, EnterpriseUsccPath)
        rating = parse(request, EnterpriseTierRating)
        return json_response(200, self.liaison.rate_enterprise(actor, path.uscc,
                                                               rating.tier.value))

    @api("GET", "/enterprises/{uscc}/ratings", "enterprise_ratings",
         "An enterprise's ratings, oldest first: the tier, who rated it and when",
         path_model=EnterpriseUsccPath, errors_=READ_ERRORS,
         answers=Answer(200, "the ratings", EnterpriseRatings))
    def enterprise_ratings(self, request, uscc):
        actor = caller(request)
        path = read_path({"uscc": uscc}, EnterpriseUsccPath)
        return json_response(200, self.liaison.enterprise_ratings(actor, path.uscc))

    # -- parks ---------------------------------------------------------------------------------

    @api("POST", "/parks", "register_park", "Register an industrial park (the office)",
         body=ParkRegistration, errors_=CREATE_ERRORS, answers=_located("registered", ParkView))
    def register_park(self, request):
        actor = caller(request)
        park = self.liaison.register_park(actor, _fields(request, ParkRegistration))
        return _created(park, f"parks/{park['id']}")

    @api("GET", "/parks", "list_parks", "The parks by id (of one county if given)",
         query=ParkListQuery, errors_=(FORBIDDEN,), answers=Answer(200, "the parks", ParkList))
    def list_parks(self, request):
        actor = caller(request)
        query = read_query(request, ParkListQuery)
        return json_response(200, self.liaison.list_parks(actor, texts(query, ("county",))))

    @api("GET", "/parks/{park_id}", "get_park", "A park", path_model=ParkIdPath,
         errors_=READ_ERRORS, answers=Answer(200, "the park", ParkView))
    def get_park(self, request, park_id):
        actor = caller(request)
        path = read_path({"park_id": park_id}, ParkIdPath)
        return json_response(200, self.liaison.get_park(actor, path.park_id))

    @api("PATCH", "/parks/{park_id}", "change_park", "Change a park's name or county (the office)",
         path_model=ParkIdPath, body=ParkChange, errors_=COMMAND_ERRORS,
         answers=Answer(200, "after the change", ParkView))
    def change_park(self, request, park_id):
        actor = caller(request)
        path = read_path({"park_id": park_id}, ParkIdPath)
        return json_response(200, self.liaison.change_park(actor, path.park_id,
                                                           _fields(request, ParkChange)))

    # -- units ---------------------------------------------------------------------------------

    @api("POST", "/units", "register_unit",
         "Register a unit: a city department, a county or a zone (the office)",
         body=UnitRegistration, errors_=CREATE_ERRORS, answers=_located("registered", UnitView))
    def register_unit(self, request):
        actor = caller(request)
        unit = self.liaison.register_unit(actor, _fields(request, UnitRegistration))
        return _created(unit, f"units/{unit['code']}")

    @api("GET", "/units", "list_units", "The units by code (of one kind if given)",
         query=UnitListQuery, errors_=(FORBIDDEN,), answers=Answer(200, "the units", UnitList))
    def list_units(self, request):
        actor = caller(request)
        query = read_query(request, UnitListQuery)
        return json_response(200, self.liaison.list_units(actor, texts(query, ("kind",))))

    @api("GET", "/units/{code}", "get_unit", "A unit", path_model=UnitCodePath,
         errors_=READ_ERRORS, answers=Answer(200, "the unit", UnitView))
    def get_unit(self, request, code):
        actor = caller(request)
        path = read_path({"code": code}, UnitCodePath)
        return json_response(200, self.liaison.get_unit(actor, path.code))

    @api("PATCH", "/units/{code}", "change_unit", "Rename a unit (the office)",
         path_model=UnitCodePath, body=UnitChange, errors_=COMMAND_ERRORS,
         answers=Answer(200, "after the change", UnitView))
    def change_unit(self, request, code):
        actor = caller(request)
        path = read_path({"code": code}, UnitCodePath)
        return json_response(200, self.liaison.change_unit(actor, path.code,
                                                           _fields(request, UnitChange)))

    # -- leaders -------------------------------------------------------------------------------

    @api("POST", "/leaders", "register_leader",
         "Register a leader: top city, city or county rank (the office)",
         body=LeaderRegistration, errors_=CREATE_ERRORS,
         answers=_located("registered", LeaderView))
    def register_leader(self, request):
        actor = caller(request)
        leader = self.liaison.register_leader(actor, _fields(request, LeaderRegistration))
        return _created(leader, f"leaders/{leader['id']}")

    @api("GET", "/leaders", "list_leaders", "The leaders by id (of one rank if given)",
         query=LeaderListQuery, errors_=(FORBIDDEN,),
         answers=Answer(200, "the leaders", LeaderList))
    def list_leaders(self, request):
        actor = caller(request)
        query = read_query(request, LeaderListQuery)
        return json_response(200, self.liaison.list_leaders(actor, texts(query, ("rank",))))

    @api("GET", "/leaders/{leader_id}", "get_leader", "A leader", path_model=LeaderIdPath,
         errors_=READ_ERRORS, answers=Answer(200, "the leader", LeaderView))
    def get_leader(self, request, leader_id):
        actor = caller(request)
        path = read_path({"leader_id": leader_id}, LeaderIdPath)
        return json_response(200, self.liaison.get_leader(actor, path.leader_id))

    @api("PATCH", "/leaders/{leader_id}", "change_leader",
         "Change a leader's name, rank, title or county (the office)",
         path_model=LeaderIdPath, body=LeaderChange, errors_=COMMAND_ERRORS,
         answers=Answer(200, "after the change", LeaderView))
    def change_leader(self, request, leader_id):
        actor = caller(request)
        path = read_path({"leader_id": leader_id}, LeaderIdPath)
        return json_response(200, self.liaison.change_leader(actor, path.leader_id,
                                                             _fields(request, LeaderChange)))

    # -- the leading group ---------------------------------------------------------------------

    @api("GET", "/leading-group", "get_leading_group",
         "The leading group: its office and its four working groups with their members",
         errors_=(FORBIDDEN,), answers=Answer(200, "the leading group", LeadingGroupView))
    def get_leading_group(self, request):
        actor = caller(request)
        return json_response(200, self.liaison.get_leading_group(actor))

    @api("PUT", "/leading-group", "set_working_group",
         "Set one working group's members as a whole (the office)",
         body=LeadingGroupMembers, errors_=(FORBIDDEN, CONFLICT),
         answers=Answer(200, "the leading group after it", LeadingGroupView))
    def set_working_group(self, request):
        actor = caller(request)
        body = parse(request, LeadingGroupMembers).model_dump(mode="json")
        return json_response(200, self.liaison.set_working_group(
            actor, body["group"], body["members"]))
