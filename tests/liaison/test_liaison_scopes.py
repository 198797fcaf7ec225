"""Who reaches what of the liaison service, over RPC in a container on the real broker: the
register's entries and their tiers, the field work by a leader's list and a liaison officer's
appointment, who records a visit (whose problems become appeals in an enterprise's name), the
plans, the leading group and a department's park. Each case is one the service answered before
its permission table and scopes, and must now refuse or narrow."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy

from bench.city import credit_code
from callers import assertion
from liaison_rpc import refused
from kernel.database import make_engine
from kernel.store import events as event_log

PARK = "park-ganxian"
LINKED_DEPARTMENT = "city-industry"      # linked to the top leader's park
OTHER_DEPARTMENT = "city-hr"             # linked to no park
HELPING_UNIT = "city-drc"                # the enterprise_help working group's
TOP_LEADER = "leader-top"
COUNTY_LEADER = "leader-county"          # registered, linked to nothing
CADRE = "cadre-chen"

# The park's fifteen rated above-size enterprises: the top leader's list; A is the first.
LISTED = {credit_code(700 + n): tier for n, tier in enumerate(
    ["good"] * 10 + ["average"] * 3 + ["difficult"] * 2)}
A = next(iter(LISTED))
OUTSIDE = credit_code(799)               # nankang's, rated difficult by nankang, on no list
TIER_FIELDS = {"tier", "rated_at", "rated_by", "ratings"}

OFFICE = {"sub": "clerk-li", "role": "office"}
CALLERS = {
    "office": OFFICE,
    "supervisor": {"sub": "inspector", "role": "supervisor"},
    "enterprise": {"sub": "boss", "role": "enterprise", "uscc": A},
    "outside_enterprise": {"sub": "boss-b", "role": "enterprise", "uscc": OUTSIDE},
    "linked_department": {"sub": "officer-wang", "role": "unit_officer",
                          "unit": LINKED_DEPARTMENT},
    "other_department": {"sub": "officer-zhao", "role": "unit_officer", "unit": OTHER_DEPARTMENT},
    "helping": {"sub": "officer-sun", "role": "unit_officer", "unit": HELPING_UNIT},
    "ganxian": {"sub": "officer-gan", "role": "unit_officer", "unit": "ganxian"},
    "nankang": {"sub": "officer-nan", "role": "unit_officer", "unit": "nankang"},
    "top_leader": {"sub": TOP_LEADER, "role": "leader"},
    "county_leader": {"sub": COUNTY_LEADER, "role": "leader"},
    "unregistered_leader": {"sub": "leader-nobody", "role": "leader"},
    "appointed": {"sub": CADRE, "role": "liaison"},
    "unappointed": {"sub": "cadre-none", "role": "liaison"},
}


def who(name: str) -> str:
    return assertion(CALLERS[name])


@pytest.fixture
def world(liaison_container, make_sqlite_url):
    """The register, the top leader's plan accepted with his park pinned, the linked department,
    the helping group, the liaison officer appointed; a visit, a survey, a help plan and a
    consultation of the top leader's list."""
    url = make_sqlite_url()
    config = liaison_container(url).config
    with ClusterRpcProxy(config) as cluster:
        liaison = cluster.liaison
        office = who("office")
        for code, name, kind in ((LINKED_DEPARTMENT, "市工信局", "city_department"),
                                 (OTHER_DEPARTMENT, "市人社局", "city_department"),
                                 (HELPING_UNIT, "市发改委", "city_department"),
                                 ("ganxian", "赣县区", "county"), ("nankang", "南康区", "county")):
            liaison.register_unit(office, {"code": code, "name": name, "kind": kind})
        liaison.register_park(office, {"id": PARK, "name": "赣县区高新技术产业园",
                                       "county": "ganxian"})
        liaison.register_leader(office, {"id": TOP_LEADER, "name": "周市长", "rank": "top_city",
                                         "title": "市长"})
        liaison.register_leader(office, {"id": COUNTY_LEADER, "name": "王县长", "rank": "county",
                                         "title": "县长", "county": "nankang"})
        for n, (uscc, tier) in enumerate(LISTED.items()):
            liaison.register_enterprise(office, {
                "uscc": uscc, "name": f"园区企业{n:02d}", "county": "ganxian", "park": PARK,
                "industry": "electronics", "size": "medium", "above_designated_size": True})
            liaison.rate_enterprise(office, uscc, tier)
        liaison.register_enterprise(office, {
            "uscc": OUTSIDE, "name": "南康企业", "county": "nankang", "industry": "furniture",
            "size": "small", "above_designated_size": False})
        liaison.rate_enterprise(who("nankang"), OUTSIDE, "difficult")
        liaison.set_working_group(office, "enterprise_help", [
            {"name": "孙主任", "unit": HELPING_UNIT, "role": "head"}])
        plan = liaison.propose_plan(office, {TOP_LEADER: PARK})
        liaison.accept_plan(office, plan["id"])
        liaison.link_department(office, LINKED_DEPARTMENT, PARK)
        liaison.appoint_liaison(office, {"cadre_id": CADRE, "name": "陈静",
                                         "unit": LINKED_DEPARTMENT, "leader_id": TOP_LEADER})
        visit = liaison.record_visit(who("top_leader"), visit_of(A))
        survey = liaison.require_survey(office, {"unit": LINKED_DEPARTMENT})
        help_plan = liaison.require_help_plan(office, {"unit": LINKED_DEPARTMENT,
                                                       "leader_id": TOP_LEADER})
        consultation = liaison.record_consultation(office, {
            "unit": LINKED_DEPARTMENT, "date": "2026-05-02", "experts": ["王教授"],
            "enterprises": [A, OUTSIDE], "topic": "融资", "advice": "银企对接"})
        yield {"liaison": liaison, "url": url, "plan": plan["id"], "visit": visit["id"],
               "survey": survey["id"], "help_plan": help_plan["id"],
               "consultation": consultation["id"]}


def visit_of(uscc: str, leader: str = TOP_LEADER, units=(LINKED_DEPARTMENT,)) -> dict:
    return {"date": "2026-05-02", "leader_id": leader, "cadres": ["刘洋"], "units": list(units),
            "uscc": uscc, "findings": "资金周转紧张", "problems": [
                {"title": "流动资金贷款难", "description": "银行抽贷", "category": "financing"}]}


def problems_found(url: str) -> list[str]:
    """The enterprises in whose name a visit's problem was raised (each becomes an appeal)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(event_log.c.payload).where(
                event_log.c.type == "VisitProblemFound")).scalars()
            return sorted(json.loads(row)["uscc"] for row in rows)
    finally:
        engine.dispose()


def test_tiers_and_entries_reach_only_their_readers(world):
    liaison = world["liaison"]

    # an enterprise: its own entry without its tier; another's not found; no tier filter
    own = liaison.get_enterprise(who("enterprise"), A)
    assert own["uscc"] == A and not TIER_FIELDS & set(own)
    assert refused(liaison.get_enterprise, who("enterprise"), OUTSIDE).rule == \
        "enterprise_not_found"
    listed = liaison.list_enterprises(who("enterprise"), {})["items"]
    assert [row["uscc"] for row in listed] == [A] and not TIER_FIELDS & set(listed[0])
    error = refused(liaison.list_enterprises, who("enterprise"), {"tier": "difficult"})
    assert (error.rule, error.kind, error.field) == ("tier_not_shown", "forbidden", "tier")
    assert refused(liaison.enterprise_ratings, who("enterprise"), A).rule == "role_not_allowed"

    # a department outside the helping group: every profile, no tier, no ratings
    profile = liaison.get_enterprise(who("other_department"), OUTSIDE)
    assert profile["name"] == "南康企业" and not TIER_FIELDS & set(profile)
    assert len(liaison.list_enterprises(who("other_department"), {})["items"]) == 16
    assert refused(liaison.list_enterprises, who("other_department"),
                   {"tier": "difficult"}).rule == "tier_not_shown"
    assert refused(liaison.enterprise_ratings, who("other_department"), A).rule == \
        "ratings_not_shown"

    # a county: its own enterprises' tiers and history, not who rated; filters within itself
    rated = liaison.get_enterprise(who("nankang"), OUTSIDE)
    assert rated["tier"] == "difficult" and rated["rated_by"] == "nankang"
    assert rated["ratings"] and all("actor" not in r for r in rated["ratings"])
    assert not TIER_FIELDS & set(liaison.get_enterprise(who("nankang"), A))
    assert [row["uscc"] for row in liaison.list_enterprises(
        who("nankang"), {"tier": "difficult", "county": "nankang"})["items"]] == [OUTSIDE]
    assert refused(liaison.list_enterprises, who("nankang"), {"tier": "difficult"}).rule == \
        "tier_not_shown"
    assert refused(liaison.list_enterprises, who("ganxian"),
                   {"tier": "good", "county": "nankang"}).rule == "tier_not_shown"
    assert refused(liaison.enterprise_ratings, who("ganxian"), OUTSIDE).rule == \
        "ratings_not_shown"

    # the helping group: every tier, not who rated; the office who rated too
    difficult = liaison.list_enterprises(who("helping"), {"tier": "difficult"})["items"]
    assert len(difficult) == 3 and all(row["tier"] == "difficult" for row in difficult)
    history = liaison.enterprise_ratings(who("helping"), OUTSIDE)["ratings"]
    assert [r["rated_by"] for r in history] == ["nankang"] and "actor" not in history[0]
    assert liaison.enterprise_ratings(who("office"), OUTSIDE)["ratings"][0]["actor"] == \
        "unit_officer:nankang:officer-nan"
    assert liaison.get_enterprise(who("supervisor"), A)["tier"] == "good"

    # a leader his list, a liaison officer his leader's; the unregistered and unappointed none
    for name in ("top_leader", "appointed"):
        items = liaison.list_enterprises(who(name), {})["items"]
        assert sorted(row["uscc"] for row in items) == sorted(LISTED), name
        assert not TIER_FIELDS & set(items[0])
        assert refused(liaison.get_enterprise, who(name), OUTSIDE).rule == \
            "enterprise_not_found"
        assert refused(liaison.list_enterprises, who(name), {"tier": "good"}).rule == \
            "tier_not_shown"
    for name in ("unregistered_leader", "unappointed", "county_leader"):
        assert liaison.list_enterprises(who(name), {})["items"] == [], name
        assert refused(liaison.get_enterprise, who(name), A).rule == "enterprise_not_found"


def test_field_work_reaches_a_leaders_list_and_his_appointed_officers(world):
    liaison = world["liaison"]
    for name in ("unappointed", "unregistered_leader", "county_leader"):
        caller = who(name)
        assert liaison.list_visits(caller, {})["items"] == [], name
        assert liaison.list_surveys(caller, {})["items"] == [], name
        assert liaison.list_help_plans(caller, {})["items"] == [], name
        assert liaison.list_consultations(caller, {})["items"] == [], name
        assert refused(liaison.get_visit, caller, world["visit"]).rule == "visit_not_found"
        assert refused(liaison.get_survey, caller, world["survey"]).rule == "survey_not_found"
        assert refused(liaison.get_help_plan, caller, world["help_plan"]).rule == \
            "help_plan_not_found"
        assert refused(liaison.get_activity, caller, "consultation",
                       world["consultation"]).kind == "not_found"

    for name in ("appointed", "top_leader"):
        caller = who(name)
        assert [v["id"] for v in liaison.list_visits(caller, {})["items"]] == [world["visit"]]
        assert [s["id"] for s in liaison.list_surveys(caller, {})["items"]] == [world["survey"]]
        assert [p["id"] for p in liaison.list_help_plans(caller, {})["items"]] == \
            [world["help_plan"]]
        # the enterprises of his list only, not the others served with them
        [consultation] = liaison.list_consultations(caller, {})["items"]
        assert consultation["enterprises"] == [A]
        assert liaison.get_activity(caller, "consultation", world["consultation"])[
            "enterprises"] == [A]

    outside = who("outside_enterprise")
    [consultation] = liaison.list_consultations(outside, {})["items"]
    assert consultation["enterprises"] == [OUTSIDE]
    assert liaison.list_visits(outside, {})["items"] == []
    assert liaison.get_activity(who("office"), "consultation", world["consultation"])[
        "enterprises"] == [A, OUTSIDE]


def test_a_visit_raises_problems_only_for_its_leaders_list_and_those_who_go_with_him(world):
    liaison, url = world["liaison"], world["url"]
    before = problems_found(url)
    assert before == [A]

    # a department not linked to the leader's park names him and another enterprise
    error = refused(liaison.record_visit, who("other_department"),
                    visit_of(OUTSIDE, units=(OTHER_DEPARTMENT,)))
    assert (error.rule, error.kind) == ("not_own_unit", "forbidden")
    assert refused(liaison.record_visit, who("other_department"),
                   visit_of(A, units=(OTHER_DEPARTMENT,))).rule == "not_own_unit"
    # the linked department, the leader himself and the office: only of his list
    for name in ("linked_department", "top_leader", "appointed", "office"):
        error = refused(liaison.record_visit, who(name), visit_of(OUTSIDE))
        assert (error.rule, error.field) == ("not_leaders_enterprise", "uscc"), name
    assert refused(liaison.record_visit, who("county_leader"), visit_of(A)).rule == \
        "not_own_visit"
    assert refused(liaison.record_visit, who("county_leader"), visit_of(
        A, leader=COUNTY_LEADER, units=())).rule == "not_leaders_enterprise"
    assert refused(liaison.record_visit, who("unappointed"), visit_of(A)).rule == \
        "not_liaison_officer"
    assert problems_found(url) == before

    second = list(LISTED)[1]
    by_department = liaison.record_visit(who("linked_department"), visit_of(second))
    by_officer = liaison.record_visit(who("appointed"), visit_of(second))
    assert by_department["uscc"] == by_officer["uscc"] == second

    # a problem added later: the same rule
    joint = liaison.record_visit(who("office"), visit_of(
        A, units=(LINKED_DEPARTMENT, OTHER_DEPARTMENT)))
    problem = {"title": "招工难", "description": "技术工人短缺", "category": "labour"}
    assert refused(liaison.add_visit_problem, who("other_department"), joint["id"],
                   problem).rule == "not_own_unit"
    assert refused(liaison.add_visit_problem, who("county_leader"), joint["id"],
                   problem).rule == "visit_not_found"
    assert len(liaison.add_visit_problem(who("appointed"), joint["id"], problem)[
        "problems"]) == 2
    assert problems_found(url) == sorted([A, second, second, A, A])
    # a county leader visits the enterprises of his own county (本辖区企业)
    liaison.record_visit(who("county_leader"), visit_of(OUTSIDE, leader=COUNTY_LEADER, units=()))
    assert problems_found(url) == sorted([A, second, second, A, A, OUTSIDE])


def test_plans_the_leading_group_and_a_departments_park_have_their_readers(world):
    liaison, plan = world["liaison"], world["plan"]
    for name in ("top_leader", "appointed", "enterprise"):
        assert refused(liaison.list_plans, who(name)).rule == "role_not_allowed", name
        assert refused(liaison.get_plan, who(name), plan).rule == "role_not_allowed", name
    for name in ("other_department", "ganxian"):
        assert refused(liaison.list_plans, who(name)).rule == "not_enterprise_help_member"
        assert refused(liaison.get_plan, who(name), plan).rule == "not_enterprise_help_member"
    for name in ("helping", "office", "supervisor"):
        assert [p["id"] for p in liaison.list_plans(who(name))["items"]] == [plan]
        assert liaison.get_plan(who(name), plan)["id"] == plan

    for name in ("enterprise", "appointed"):
        assert refused(liaison.get_leading_group, who(name)).rule == "role_not_allowed"
    assert refused(liaison.get_leading_group, who("other_department")).rule == \
        "leading_group_not_shown"
    assert refused(liaison.get_leading_group, who("unregistered_leader")).rule == \
        "leader_not_found"
    for name in ("helping", "top_leader", "supervisor"):
        assert liaison.get_leading_group(who(name))["groups"]["enterprise_help"]["members"]

    for name in ("enterprise", "outside_enterprise"):
        assert refused(liaison.department_park, who(name), LINKED_DEPARTMENT).rule == \
            "role_not_allowed"
    for name in ("other_department", "county_leader", "unregistered_leader", "unappointed"):
        assert refused(liaison.department_park, who(name), LINKED_DEPARTMENT).rule == \
            "department_park_not_found", name
    for name in ("linked_department", "top_leader", "appointed", "supervisor"):
        assert liaison.department_park(who(name), LINKED_DEPARTMENT)["park"] == PARK, name
