"""The liaison registry's HTTP routes (notice 三(一)1, 保障措施(一)): enterprises (registered,
their profiles changed, their operating tiers rated with the history kept), parks, units,
leaders and the leading group's working groups. Shapes are the registry's wire contract
(`services.liaison.registry.contract`); who may do what is the service's rule: the office keeps
the register, a county's unit officer registers, edits and rates its own county's enterprises;
who reads which entry, and who is shown its tier, is the service's permission table
(`services.liaison.permissions`).

GET /enterprises/{uscc}/matching-policies is the policy service's (gateway.policy).
"""
from __future__ import annotations

from gateway.routes import CREATE_ERRORS, LIST_ERRORS, Resources, as_given, each
from gateway.operations import Routes
from kernel.dependencies import TimedRpcProxy
from services.liaison.registry.contract import (
    ENTERPRISE_FILTERS, EnterpriseList, EnterpriseListQuery, EnterpriseProfileChange,
    EnterpriseRatings, EnterpriseRegistration, EnterpriseTierRating, EnterpriseUsccPath,
    EnterpriseView, LeaderChange, LeaderIdPath, LeaderList, LeaderListQuery, LeaderRegistration,
    LeaderView, LeadingGroupMembers, LeadingGroupView, ParkChange, ParkIdPath, ParkList,
    ParkListQuery, ParkRegistration, ParkView, UnitChange, UnitCodePath, UnitList,
    UnitListQuery, UnitRegistration, UnitView,
)

api = Routes("registry", "The liaison registry: enterprises and their operating tiers "
                         "(较好/一般/困难), parks, units, leaders and the leading group "
                         "(领导小组). notice 三(一)1",
                         service="liaison")
# A read outside the caller's reach is not found; the body's fields are sent on as given.
routes = Resources(api, proxy="liaison", list_errors=LIST_ERRORS, dump=as_given)


class LiaisonRegistryApi:
    liaison = TimedRpcProxy("liaison")

    # -- enterprises ---------------------------------------------------------------------------

    register_enterprise = routes.create(
        "enterprises", "register_enterprise",
        "Register an enterprise (the office, or its county's unit officer)",
        body=EnterpriseRegistration, view=EnterpriseView, described="registered", key="uscc")
    list_enterprises = routes.listing(
        "enterprises", "list_enterprises",
        "The registered enterprises by credit code, filtered by county, park, tier "
        "(or unrated) and above designated size", query=EnterpriseListQuery,
        filters=ENTERPRISE_FILTERS, view=EnterpriseList, described="the enterprises")
    get_enterprise = routes.get(
        "/enterprises/{uscc}", "get_enterprise",
        "An enterprise: its profile, its operating tier and every rating",
        path_model=EnterpriseUsccPath, view=EnterpriseView, described="the enterprise")
    change_enterprise_profile = routes.change(
        "PATCH", "/enterprises/{uscc}/profile", "change_enterprise_profile",
        "Change some of an enterprise's profile (its county's unit officer, or the office)",
        path_model=EnterpriseUsccPath, body=EnterpriseProfileChange, view=EnterpriseView,
        described="after the change", rpc="change_enterprise")
    post_enterprise_profile = routes.change(
        "POST", "/enterprises/{uscc}/profile", "post_enterprise_profile",
        "Change some of an enterprise's profile (as PATCH, for clients without it)",
        path_model=EnterpriseUsccPath, body=EnterpriseProfileChange, view=EnterpriseView,
        described="after the change", rpc="change_enterprise")

    rate_enterprise = routes.change(
        "POST", "/enterprises/{uscc}/tier", "rate_enterprise",
        "Rate an enterprise's operating tier: 较好/一般/困难 (its county, or the office)",
        path_model=EnterpriseUsccPath, body=EnterpriseTierRating, dump=each("tier"),
        view=EnterpriseView, described="rated")

    enterprise_ratings = routes.get(
        "/enterprises/{uscc}/ratings", "enterprise_ratings",
        "An enterprise's ratings, oldest first: the tier, who rated it and when",
        path_model=EnterpriseUsccPath, view=EnterpriseRatings, described="the ratings")

    # -- parks ---------------------------------------------------------------------------------

    register_park = routes.create(
        "parks", "register_park", "Register an industrial park (the office)",
        body=ParkRegistration, view=ParkView, described="registered")
    list_parks = routes.listing(
        "parks", "list_parks", "The parks by id (of one county if given)", query=ParkListQuery,
        filters=("county",), view=ParkList, described="the parks")
    get_park = routes.get("/parks/{park_id}", "get_park", "A park", path_model=ParkIdPath,
                          view=ParkView, described="the park")
    change_park = routes.change(
        "PATCH", "/parks/{park_id}", "change_park", "Change a park's name or county (the office)",
        path_model=ParkIdPath, body=ParkChange, view=ParkView, described="after the change")

    # -- units ---------------------------------------------------------------------------------

    register_unit = routes.create(
        "units", "register_unit",
        "Register a unit: a city department, a county or a zone (the office)",
        body=UnitRegistration, view=UnitView, described="registered", key="code")
    list_units = routes.listing(
        "units", "list_units", "The units by code (of one kind if given)", query=UnitListQuery,
        filters=("kind",), view=UnitList, described="the units")
    get_unit = routes.get("/units/{code}", "get_unit", "A unit", path_model=UnitCodePath,
                          view=UnitView, described="the unit")
    change_unit = routes.change(
        "PATCH", "/units/{code}", "change_unit", "Rename a unit (the office)",
        path_model=UnitCodePath, body=UnitChange, view=UnitView, described="after the change")

    # -- leaders -------------------------------------------------------------------------------

    register_leader = routes.create(
        "leaders", "register_leader",
        "Register a leader: top city, city or county rank (the office)",
        body=LeaderRegistration, view=LeaderView, described="registered")
    list_leaders = routes.listing(
        "leaders", "list_leaders", "The leaders by id (of one rank if given)",
        query=LeaderListQuery, filters=("rank",), view=LeaderList, described="the leaders")
    get_leader = routes.get("/leaders/{leader_id}", "get_leader", "A leader",
                            path_model=LeaderIdPath, view=LeaderView, described="the leader")
    change_leader = routes.change(
        "PATCH", "/leaders/{leader_id}", "change_leader",
        "Change a leader's name, rank, title or county (the office)",
        path_model=LeaderIdPath, body=LeaderChange, view=LeaderView,
        described="after the change")

    # -- the leading group ---------------------------------------------------------------------

    get_leading_group = routes.read(
        "/leading-group", "get_leading_group",
        "The leading group: its office and its four working groups with their members",
        view=LeadingGroupView, described="the leading group", errors_=LIST_ERRORS)
    set_working_group = routes.command(
        "PUT", "/leading-group", "set_working_group",
        "Set one working group's members as a whole (the office)", body=LeadingGroupMembers,
        dump=each("group", "members"), view=LeadingGroupView,
        described="the leading group after it", errors_=CREATE_ERRORS)
