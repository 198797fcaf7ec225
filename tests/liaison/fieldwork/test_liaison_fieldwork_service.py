"""The field work over RPC, in a container on the real broker and each store (notice 二(三)): a
survey required of a department linked to a park, refused and submitted; a survey of another
park, of a department not linked, or reported to a leader not linked there, refused naming the
rule; a help plan only for a leader with an accepted linkage, submitted, sent back, approved by the
enterprise_help group and filed; a visit with its problems; consultations and matchmaking; the
timer marking a late survey and help plan overdue once; names checked against the register; the
read models rebuilt from the log equal to those folded live."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from bench.city import credit_code
from callers import assertion
from liaison_rpc import refused
from kernel.actor import Actor
from kernel.clock import OFFICE_TIME
from kernel.database import make_engine, migrate
from kernel.store import EventStore, events as event_log, row_to_event
from services.liaison import projections
from services.liaison.fieldwork import views
from services.liaison.fieldwork.domain.help_plan import HelpPlan
from services.liaison.fieldwork.domain.survey import Survey
from services.registry import SERVICES

UNIT = "city-industry"
OFFICE = {"sub": "clerk-li", "role": "office"}
OFFICER = {"sub": "officer-wang", "role": "unit_officer", "unit": UNIT}
OTHER = {"sub": "officer-zhao", "role": "unit_officer", "unit": "city-hr"}
REVIEWER = {"sub": "officer-sun", "role": "unit_officer", "unit": "city-drc"}
LEADER = {"sub": "leader-liu", "role": "leader"}
USCC = "91360702MA35G0QX4J"
SECOND = "91360700MA35F1AB2W"


def seed_register(cluster) -> None:
    office = assertion(OFFICE)
    for code, name in ((UNIT, "市工信局"), ("city-hr", "市人社局"), ("city-drc", "市发改委")):
        cluster.liaison.register_unit(office, {"code": code, "name": name,
                                               "kind": "city_department"})
    cluster.liaison.register_park(office, {"id": "park-ganxian", "name": "赣县区高新技术产业园",
                                           "county": "ganxian"})
    cluster.liaison.register_leader(office, {"id": "leader-liu", "name": "刘副市长",
                                             "rank": "city", "title": "副市长"})
    for uscc, name in ((USCC, "赣州稀土材料有限公司"), (SECOND, "赣州电机有限公司")):
        cluster.liaison.register_enterprise(office, {
            "uscc": uscc, "name": name, "county": "ganxian", "park": "park-ganxian",
            "industry": "rare_earth", "size": "medium", "above_designated_size": True})
    cluster.liaison.set_working_group(office, "enterprise_help", [
        {"name": "孙主任", "unit": "city-drc", "role": "head"}])


# Fifteen rated above-size enterprises in park-ganxian, 10 good / 3 average / 2 difficult: the
# list the notice's rules give leader-liu, the register's only city leader.
LISTED = {credit_code(700 + n): tier for n, tier in enumerate(
    ["good"] * 10 + ["average"] * 3 + ["difficult"] * 2)}
LISTED_FIRST = next(iter(LISTED))


def seed_linkage(cluster) -> dict:
    """The linkage as the notice has it (S2's RPCs): a second park and a county leader in the
    register, leader-liu's fifteen enterprises rated, a plan proposed and accepted by the office,
    the department linked to park-ganxian (city-hr is linked to none)."""
    office = assertion(OFFICE)
    cluster.liaison.register_park(office, {"id": "park-nankang", "name": "南康区家具产业园",
                                           "county": "nankang"})
    cluster.liaison.register_leader(office, {"id": "leader-he", "name": "何书记",
                                             "rank": "county", "title": "县委书记",
                                             "county": "ganxian"})
    for n, (uscc, tier) in enumerate(LISTED.items()):
        cluster.liaison.register_enterprise(office, {
            "uscc": uscc, "name": f"赣县企业{n:02d}", "county": "ganxian",
            "park": "park-ganxian", "industry": "rare_earth", "size": "medium",
            "above_designated_size": True})
        cluster.liaison.rate_enterprise(office, uscc, tier)
    plan = cluster.liaison.propose_plan(office)
    cluster.liaison.accept_plan(office, plan["id"])
    cluster.liaison.link_department(office, UNIT, "park-ganxian")
    return plan


def seed_late(engine) -> tuple[str, str]:
    """A survey and a help plan required in March, due in March, never submitted."""
    march = dt.datetime(2026, 3, 2, 10, tzinfo=OFFICE_TIME)
    office = Actor(sub="clerk", role="office")
    store = EventStore(engine, projectors=[projections.project])
    with store.unit_of_work() as uow:
        uow.save(Survey.require("s-late", unit=UNIT, park="park-ganxian", leader_id="leader-liu",
                                due="2026-03-20", at=march, actor=office,
                                linked_park="park-ganxian",
                                park_leaders={"leader-liu": "city"}))
        uow.save(HelpPlan.require("h-late", unit=UNIT, leader_id="leader-liu", due="2026-03-31",
                                  at=march, actor=office,
                                  leader_linkage={"leader_id": "leader-liu", "rank": "city"}))
    return "s-late", "h-late"


def test_surveys_and_help_plans_live_and_late(db_url, liaison_container):
    engine = make_engine(db_url)
    migrate(engine, Path(SERVICES.migrations["liaison"]))
    late_survey, late_plan = seed_late(engine)
    container = liaison_container(db_url)
    config = container.config
    with ClusterRpcProxy(config) as cluster:
        seed_register(cluster)
        seed_linkage(cluster)
        office, officer = assertion(OFFICE), assertion(OFFICER)
        required = {"unit": UNIT, "park": "park-ganxian", "leader_id": "leader-liu"}
        survey = cluster.liaison.require_survey(office, required)
        assert survey["status"] == "required" and survey["due"].endswith("-05-25")
        assert refused(cluster.liaison.require_survey, officer, required).rule == \
            "role_not_allowed"
        wrong = refused(cluster.liaison.require_survey, office, {**required, "park": "nowhere"})
        assert (wrong.rule, wrong.field) == ("unknown_park", "park")
        wrong = refused(cluster.liaison.require_survey, office, {**required, "colour": "red"})
        assert (wrong.rule, wrong.field) == ("unexpected_field", "colour")
        report = {"findings": "园区企业融资难、用工难", "enterprises": [USCC],
                  "problems": [{"kind": "financing", "description": "贷款难",
                                "proposal": "银企对接"}]}
        assert refused(cluster.liaison.act_on_survey, assertion(OTHER), survey["id"], "submit",
                       report).rule == "survey_not_found"
        wrong = refused(cluster.liaison.act_on_survey, officer, survey["id"], "submit",
                        {**report, "enterprises": [SECOND[:-1] + "X"]})
        assert wrong.field == "enterprises[0]"
        submitted = cluster.liaison.act_on_survey(officer, survey["id"], "submit", report)
        assert submitted["status"] == "submitted"
        assert submitted["problems_by_kind"] == {"financing": 1}
        leader_sees = cluster.liaison.list_surveys(assertion(LEADER), {})["items"]
        assert {s["id"] for s in leader_sees} == {survey["id"], late_survey}
        assert cluster.liaison.list_surveys(assertion(OTHER), {})["items"] == []

        plan = cluster.liaison.require_help_plan(office, {"unit": UNIT,
                                                          "leader_id": "leader-liu"})
        body = {"tasks": [{"task": "走访企业", "due": "2026-06-30", "staff": ["刘洋"]}],
                "liaison_staff": ["刘洋"], "summary": ""}
        cluster.liaison.act_on_help_plan(officer, plan["id"], "submit", body)
        assert refused(cluster.liaison.act_on_help_plan, assertion(OTHER), plan["id"],
                       "review", {"decision": "approve"}).rule == "not_enterprise_help_group"
        back = cluster.liaison.act_on_help_plan(assertion(REVIEWER), plan["id"], "review",
                                                {"decision": "send_back", "comment": "补充"})
        assert back["status"] == "sent_back"
        cluster.liaison.act_on_help_plan(officer, plan["id"], "submit", body)
        cluster.liaison.act_on_help_plan(assertion(REVIEWER), plan["id"], "review",
                                         {"decision": "approve"})
        filed = cluster.liaison.act_on_help_plan(office, plan["id"], "file", {})
        assert filed["status"] == "filed"
        assert cluster.liaison.get_help_plan(assertion(REVIEWER), plan["id"])["status"] == \
            "filed"

        with entrypoint_hook(container, "watch_fieldwork") as watch:
            watch()
            watch()
        assert cluster.liaison.get_survey(office, late_survey)["overdue"] is True
        assert cluster.liaison.get_help_plan(office, late_plan)["overdue"] is True
        assert cluster.liaison.get_survey(office, survey["id"])["overdue"] is False

    types = [e.type for e in logged(engine)]
    assert types.count("SurveyOverdue") == 1 and types.count("HelpPlanOverdue") == 1
    _rebuilt_equal(engine)
    engine.dispose()


def test_a_survey_and_a_help_plan_follow_the_linkage(db_url, liaison):
    """notice 二(三)1-2: a department surveys the park it is linked to and reports to the city
    leader linked there; its help plan is for a leader's accepted linkage."""
    engine = make_engine(db_url)
    migrate(engine, Path(SERVICES.migrations["liaison"]))
    config = liaison(db_url)
    with ClusterRpcProxy(config) as cluster:
        seed_register(cluster)
        office = assertion(OFFICE)

        # before any linkage: the department has no park, the leader no linkage
        early = refused(cluster.liaison.require_survey, office, {"unit": UNIT})
        assert (early.rule, early.field) == ("department_not_linked", "unit")
        early = refused(cluster.liaison.require_help_plan, office,
                        {"unit": UNIT, "leader_id": "leader-liu"})
        assert (early.rule, early.field) == ("leader_not_linked", "leader_id")

        seed_linkage(cluster)
        # a department not linked to a park
        wrong = refused(cluster.liaison.require_survey, office, {"unit": "city-hr"})
        assert (wrong.rule, wrong.field) == ("department_not_linked", "unit")
        # another park than its own (a registered one: the register's check passes first)
        wrong = refused(cluster.liaison.require_survey, office,
                        {"unit": UNIT, "park": "park-nankang", "leader_id": "leader-liu"})
        assert (wrong.rule, wrong.field) == ("not_department_park", "park")
        assert "park-ganxian" in wrong.message
        # a leader (registered) whose linkage is not in the park: the county leader has none
        wrong = refused(cluster.liaison.require_survey, office,
                        {"unit": UNIT, "leader_id": "leader-he"})
        assert (wrong.rule, wrong.field) == ("leader_not_linked_to_park", "leader_id")
        assert "leader-liu" in wrong.message

        # left out, the park is the department's and the leader the one linked there
        survey = cluster.liaison.require_survey(office, {"unit": UNIT})
        assert (survey["park"], survey["leader_id"]) == ("park-ganxian", "leader-liu")
        assert [s["id"] for s in cluster.liaison.list_surveys(assertion(LEADER), {})[
            "items"]] == [survey["id"]]
        # the department moved to another park, where no city leader is linked
        cluster.liaison.link_department(office, UNIT, "park-nankang")
        assert refused(cluster.liaison.require_survey, office,
                       {"unit": UNIT, "park": "park-ganxian"}).rule == "not_department_park"
        assert refused(cluster.liaison.require_survey, office, {"unit": UNIT}).rule == \
            "leader_required"

        # a help plan: only for a city leader with an accepted linkage
        wrong = refused(cluster.liaison.require_help_plan, office,
                        {"unit": UNIT, "leader_id": "leader-he"})
        assert (wrong.rule, wrong.field) == ("leader_not_linked", "leader_id")
        wrong = refused(cluster.liaison.require_help_plan, office,
                        {"unit": UNIT, "leader_id": "leader-nobody"})
        assert (wrong.rule, wrong.field) == ("unknown_leader", "leader_id")
        plan = cluster.liaison.require_help_plan(office, {"unit": UNIT,
                                                          "leader_id": "leader-liu"})
        assert plan["leader_id"] == "leader-liu" and plan["status"] == "required"

    required = [e for e in logged(engine) if e.type in ("SurveyRequired", "HelpPlanRequired")]
    assert [e.type for e in required] == ["SurveyRequired", "HelpPlanRequired"]
    assert required[0].payload["park"] == "park-ganxian"
    _rebuilt_equal(engine)
    engine.dispose()


def logged(engine) -> list:
    """Everything appended, in order, sequenced by the relay or not yet."""
    with engine.connect() as connection:
        return [row_to_event(row) for row in connection.execute(
            sa.select(event_log).order_by(event_log.c.id))]


def _rebuilt_equal(engine) -> None:
    def rows():
        with engine.connect() as connection:
            return {table.name: sorted(map(tuple, connection.execute(sa.select(table))))
                    for table in views.TABLES}
    live = rows()
    projections.rebuild(engine)
    assert rows() == live


def test_visits_and_activities(db_url, liaison):
    engine = make_engine(db_url)
    migrate(engine, Path(SERVICES.migrations["liaison"]))
    config = liaison(db_url)
    with ClusterRpcProxy(config) as cluster:
        seed_register(cluster)
        seed_linkage(cluster)
        leader = assertion(LEADER)
        fields = {"date": "2026-05-02", "leader_id": "leader-liu", "cadres": ["刘洋"],
                  "units": [UNIT], "uscc": LISTED_FIRST, "findings": "订单充足，资金紧张",
                  "problems": [{"title": "流动资金贷款难", "description": "银行抽贷",
                                "category": "financing"}]}
        visit = cluster.liaison.record_visit(leader, fields)
        assert visit["enterprise_name"] == "赣县企业00" and visit["county"] == "ganxian"
        [problem] = visit["problems"]
        assert problem["category"] == "financing" and problem["appeal"] is None
        assert refused(cluster.liaison.record_visit, assertion(
            {"sub": "leader-x", "role": "leader"}), fields).rule == "not_own_visit"
        wrong = refused(cluster.liaison.record_visit, leader, {**fields, "uscc": SECOND[:-1]
                                                               + "0"})
        assert wrong.field == "uscc"
        wrong = refused(cluster.liaison.record_visit, leader, {**fields, "problems": [
            {"title": "t", "description": "d", "category": "everything"}]})
        assert (wrong.rule, wrong.field) == ("unknown_code", "category")
        more = cluster.liaison.add_visit_problem(assertion(OFFICER), visit["id"], {
            "title": "招工难", "description": "技术工人短缺", "category": "labour"})
        assert len(more["problems"]) == 2
        assert [p["title"] for p in cluster.liaison.visit_problems(leader, visit["id"])[
            "items"]] == ["流动资金贷款难", "招工难"]
        enterprise = assertion({"sub": "boss", "role": "enterprise", "uscc": LISTED_FIRST})
        assert [v["id"] for v in cluster.liaison.list_visits(enterprise, {})["items"]] == \
            [visit["id"]]
        enterprise = assertion({"sub": "boss", "role": "enterprise", "uscc": USCC})
        assert refused(cluster.liaison.get_visit, assertion(OTHER), visit["id"]).rule == \
            "visit_not_found"

        consultation = cluster.liaison.record_consultation(assertion(OFFICER), {
            "unit": UNIT, "date": "2026-05-02", "experts": ["王教授"], "enterprises": [USCC],
            "topic": "稀土深加工", "advice": "引进新工艺"})
        cluster.liaison.record_outcome(assertion(OFFICE), "consultation",
                                                consultation["id"], {"outcome": "已采纳"})
        matchmaking = cluster.liaison.record_matchmaking(assertion(OFFICE), {
            "unit": UNIT, "kind": "financing", "date": "2026-05-02", "title": "银企对接会",
            "partners": ["赣州银行"], "enterprises": [USCC, SECOND], "outcome": "授信"})
        assert cluster.liaison.list_matchmakings(enterprise, {"uscc": USCC})["items"][0][
            "id"] == matchmaking["id"]
        [listed] = cluster.liaison.list_consultations(assertion(OFFICE), {})["items"]
        assert [o["outcome"] for o in listed["outcomes"]] == ["已采纳"]
        assert refused(cluster.liaison.list_consultations, assertion(OFFICE),
                       {"colour": "red"}).rule == "unknown_filter"
    found = [e for e in logged(engine) if e.type == "VisitProblemFound"]
    assert len(found) == 2 and {e.payload["category"] for e in found} == {"financing", "labour"}
    _rebuilt_equal(engine)
    engine.dispose()
