"""The field work's aggregates, pure (notice 二(三)): surveys required, submitted, marked overdue
once; help plans submitted, sent back, approved by the enterprise_help group and filed; visits and
the problems found on them, with the appeals raised from them and their status noted once each;
consultations and matchmaking; the rules refusing by name."""
from __future__ import annotations

import datetime as dt

import pytest

from kernel.actor import SYSTEM, Actor
from kernel.clock import OFFICE_TIME
from kernel.errors import DomainError
from services.liaison.fieldwork import rules
from services.liaison.fieldwork.domain.activities import Consultation, Matchmaking
from services.liaison.fieldwork.domain.help_plan import HelpPlan
from services.liaison.fieldwork.domain.survey import Survey
from services.liaison.fieldwork.domain.visit import (
    APPEAL_STATUS_EVENTS, VISIT_APPEALS, Visit, appeal_id_for, appeal_status_after,
)
from services.tickets.appeals.vocabulary import Status

MAY_2 = dt.datetime(2026, 5, 2, 10, tzinfo=OFFICE_TIME)
MAY_26 = dt.datetime(2026, 5, 26, 9, tzinfo=OFFICE_TIME)
JUNE_1 = dt.datetime(2026, 6, 1, 9, tzinfo=OFFICE_TIME)
UNIT = "city-industry-bureau"
OFFICE = Actor(sub="clerk-li", role="office")
OFFICER = Actor(sub="officer-wang", role="unit_officer", unit=UNIT)
OTHER = Actor(sub="officer-zhao", role="unit_officer", unit="city-hr-bureau")
REVIEWER = Actor(sub="officer-sun", role="unit_officer", unit="city-drc")
LEADER = Actor(sub="leader-1", role="leader")
NOTING = Actor(sub="visit-appeals", role="system")
USCC = "91360702MA35G0QX4J"


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


# The linkage as the service reads it: the department's park, the city leaders linked there.
LINKED = {"linked_park": "park-1", "park_leaders": {"leader-1": "city"}}
LEADER_LINKAGE = {"leader_id": "leader-1", "rank": "city", "park": None,
                  "enterprises": [USCC]}


def survey() -> Survey:
    return Survey.require("s-1", unit=UNIT, park="park-1", leader_id="leader-1", at=MAY_2,
                          actor=OFFICE, **LINKED)


def test_a_survey_is_due_may_25_and_reports_problems_by_kind_to_the_leader():
    s = survey()
    assert s.snapshot()["due"] == "2026-05-25" and s.status == "required"
    assert refused(Survey.require, "s-2", unit=UNIT, park="p", leader_id="l", at=MAY_2,
                   actor=OFFICER, **LINKED).rule == "role_not_allowed"
    assert refused(s.submit, findings="x", at=MAY_2, actor=OTHER).rule == "not_own_unit"
    error = refused(s.submit, findings="园区企业融资难", problems=[
        {"kind": "finance", "description": "d", "proposal": "p"}], at=MAY_2, actor=OFFICER)
    assert (error.rule, error.field) == ("unknown_code", "problems[0].kind")
    error = refused(s.submit, findings="园区", problems=[{"kind": "financing", "description": "d"}],
                    at=MAY_2, actor=OFFICER)
    assert (error.rule, error.field) == ("field_required", "problems[0].proposal")
    [fact] = s.submit(findings="园区企业融资、用工问题突出", enterprises=[USCC], problems=[
        {"kind": "financing", "description": "贷款难", "proposal": "银企对接"},
        {"kind": "financing", "description": "担保难", "proposal": "设立担保基金"},
        {"kind": "labour", "description": "招工难", "proposal": "校企合作", "uscc": USCC}],
        at=MAY_2, actor=OFFICER)
    assert fact.type == "SurveySubmitted" and fact.payload["leader_id"] == "leader-1"
    assert fact.payload["on_time"] is True
    assert s.snapshot()["problems_by_kind"] == {"financing": 2, "labour": 1}
    assert refused(s.submit, findings="again", at=MAY_2, actor=OFFICER).rule == \
        "already_submitted"
    assert refused(s.mark_overdue, at=MAY_26, actor=SYSTEM).rule == "already_submitted"


def test_a_late_survey_is_marked_overdue_once_and_only_after_its_due_date():
    s = survey()
    assert refused(s.mark_overdue, at=dt.datetime(2026, 5, 25, 20, tzinfo=OFFICE_TIME),
                   actor=SYSTEM).rule == "not_yet_due"
    assert refused(s.mark_overdue, at=MAY_26, actor=OFFICER).rule == "role_not_allowed"
    [fact] = s.mark_overdue(at=MAY_26, actor=SYSTEM)
    assert fact.type == "SurveyOverdue" and fact.payload["due"] == "2026-05-25"
    assert refused(s.mark_overdue, at=JUNE_1, actor=SYSTEM).rule == "already_overdue"
    # late, but still submitted: on_time says so
    [late] = s.submit(findings="迟交", at=MAY_26, actor=OFFICER)
    assert late.payload["on_time"] is False
    replayed = Survey.replay("s-1", s.pending())
    assert replayed.snapshot() == s.snapshot()


def test_a_due_date_in_the_past_is_refused_naming_the_field():
    error = refused(Survey.require, "s-3", unit=UNIT, due="2026-05-01", at=MAY_2,
                    actor=OFFICE, **LINKED)
    assert (error.rule, error.field) == ("due_before_today", "due")
    error = refused(Survey.require, "s-3", unit=UNIT, due="5月25日", at=MAY_2, actor=OFFICE,
                    **LINKED)
    assert (error.rule, error.field) == ("invalid_date", "due")


def test_a_survey_is_of_the_departments_park_and_reported_to_a_leader_linked_there():
    """notice 二(三)2: 各市直部门…赴对口园区和企业开展调研…向挂点市领导汇报."""
    def require(**given):
        return Survey.require("s-4", **{"unit": UNIT, "at": MAY_2, "actor": OFFICE, **given})

    error = refused(require, park="park-1", leader_id="leader-1", linked_park=None,
                    park_leaders={})
    assert (error.rule, error.field) == ("department_not_linked", "unit")
    error = refused(require, park="park-2", linked_park="park-1",
                    park_leaders={"leader-1": "city"})
    assert (error.rule, error.field) == ("not_department_park", "park")
    assert "park-1" in error.message and "park-2" in error.message
    error = refused(require, leader_id="leader-9", linked_park="park-1",
                    park_leaders={"leader-1": "city"})
    assert (error.rule, error.field) == ("leader_not_linked_to_park", "leader_id")
    assert "leader-1" in error.message
    # a county leader's linkage in the park is not a city leader's: the report goes to a city one
    assert refused(require, leader_id="leader-c", linked_park="park-1",
                   park_leaders={"leader-c": "county"}).rule == "leader_not_linked_to_park"
    s = require(linked_park="park-1", park_leaders={"leader-c": "county", "leader-1": "city"})
    assert s.leader_id == "leader-1"
    error = refused(require, linked_park="park-1", park_leaders={})
    assert (error.rule, error.field) == ("leader_required", "leader_id")
    error = refused(require, linked_park="park-1",
                    park_leaders={"leader-1": "city", "leader-2": "city"})
    assert error.rule == "leader_required" and "leader-1, leader-2" in error.message

    # left out: the department's park; the top leader whose park it is, or the one leader there
    s = require(linked_park="park-1", park_leaders={"leader-1": "city", "leader-top": "top_city"})
    assert (s.park, s.leader_id) == ("park-1", "leader-top")
    s = require(linked_park="park-1", park_leaders={"leader-1": "city"})
    assert (s.park, s.leader_id) == ("park-1", "leader-1")
    s = require(park="park-1", leader_id="leader-1", linked_park="park-1",
                park_leaders={"leader-1": "city", "leader-top": "top_city"})
    [fact] = s.pending()
    assert fact.payload | {"due": None} == {"unit": UNIT, "park": "park-1",
                                            "leader_id": "leader-1", "due": None}


def test_a_help_plan_is_for_a_city_leader_with_an_accepted_linkage():
    """notice 二(三)1: 制定市领导挂点联系帮扶方案."""
    def require(linkage):
        return HelpPlan.require("h-3", unit=UNIT, leader_id="leader-1", at=MAY_2, actor=OFFICE,
                                leader_linkage=linkage)

    error = refused(require, None)
    assert (error.rule, error.field) == ("leader_not_linked", "leader_id")
    error = refused(require, {**LEADER_LINKAGE, "rank": "county"})
    assert error.rule == "leader_not_linked" and "county" in error.message
    assert require(LEADER_LINKAGE).leader_id == "leader-1"
    # the role is checked first: an officer learns nothing of the linkage
    assert refused(HelpPlan.require, "h-3", unit=UNIT, leader_id="leader-1", at=MAY_2,
                   actor=OFFICER, leader_linkage=None).rule == "role_not_allowed"


TASKS = [{"task": "走访园区企业，收集融资需求", "due": "2026-06-15", "staff": ["刘洋", "陈静"]}]


def test_a_help_plan_is_submitted_sent_back_approved_by_the_group_and_filed():
    plan = HelpPlan.require("h-1", unit=UNIT, leader_id="leader-1", at=MAY_2, actor=OFFICE,
                            leader_linkage=LEADER_LINKAGE)
    assert plan.snapshot()["due"] == "2026-05-31"
    error = refused(plan.submit, tasks=[], liaison_staff=["刘洋"], at=MAY_2, actor=OFFICER)
    assert (error.rule, error.field) == ("list_required", "tasks")
    error = refused(plan.submit, tasks=[{**TASKS[0], "staff": []}], liaison_staff=["刘洋"],
                    at=MAY_2, actor=OFFICER)
    assert (error.rule, error.field) == ("list_required", "tasks[0].staff")
    assert refused(plan.review, decision="approve", group_units=["city-drc"], at=MAY_2,
                   actor=REVIEWER).rule == "not_submitted"
    plan.submit(tasks=TASKS, liaison_staff=["刘洋"], at=MAY_2, actor=OFFICER)
    assert refused(plan.file, at=MAY_2, actor=OFFICE).rule == "not_approved"
    assert refused(plan.review, decision="approve", group_units=["city-drc"], at=MAY_2,
                   actor=OTHER).rule == "not_enterprise_help_group"
    assert refused(plan.review, decision="send_back", group_units=["city-drc"], at=MAY_2,
                   actor=REVIEWER).rule == "comment_required"
    [back] = plan.review(decision="send_back", comment="补充联络人员", group_units=["city-drc"],
                         at=MAY_2, actor=REVIEWER)
    assert back.type == "HelpPlanSentBack" and plan.status == "sent_back"
    plan.submit(tasks=TASKS, liaison_staff=["刘洋", "陈静"], at=MAY_2, actor=OFFICER)
    [approved] = plan.review(decision="approve", group_units=["city-drc"], at=MAY_2,
                             actor=REVIEWER)
    assert approved.type == "HelpPlanApproved"
    assert refused(plan.file, at=MAY_2, actor=REVIEWER).rule == "role_not_allowed"
    [filed] = plan.file(note="备案", at=MAY_2, actor=OFFICE)
    assert filed.type == "HelpPlanFiled" and plan.status == "filed"
    assert refused(plan.submit, tasks=TASKS, liaison_staff=["x"], at=MAY_2,
                   actor=OFFICER).rule == "already_filed"
    state = plan.snapshot()
    assert state["submissions"] == 2 and [r["decision"] for r in state["reviews"]] == \
        ["send_back", "approve"]
    assert HelpPlan.replay("h-1", plan.pending()).snapshot() == state


def test_a_help_plan_not_submitted_by_the_end_of_may_is_marked_overdue_once():
    plan = HelpPlan.require("h-2", unit=UNIT, leader_id="leader-1", at=MAY_2, actor=OFFICE,
                            leader_linkage=LEADER_LINKAGE)
    assert refused(plan.mark_overdue, at=MAY_26, actor=SYSTEM).rule == "not_yet_due"
    [fact] = plan.mark_overdue(at=JUNE_1, actor=SYSTEM)
    assert fact.type == "HelpPlanOverdue" and fact.payload["status"] == "required"
    assert refused(plan.mark_overdue, at=JUNE_1, actor=SYSTEM).rule == "already_overdue"


def visit(actor=LEADER) -> Visit:
    return Visit.record("v-1", date="2026-05-02", leader_id="leader-1", cadres=["刘洋"],
                        units=[UNIT], uscc=USCC, enterprise_name="赣州稀土材料有限公司",
                        county="ganxian", findings="企业订单充足，资金周转紧张", at=MAY_2,
                        actor=actor)


def test_a_visit_records_its_problems_with_the_fields_an_appeal_needs():
    v = visit()
    assert refused(visit, Actor(sub="leader-2", role="leader")).rule == "not_own_visit"
    assert refused(visit, OTHER).rule == "not_own_unit"
    assert refused(visit, Actor(sub="boss", role="enterprise", uscc=USCC)).rule == \
        "role_not_allowed"
    error = refused(Visit.record, "v-2", date="2026-05-03", leader_id="leader-1", uscc=USCC,
                    enterprise_name="x", county="ganxian", findings="f", at=MAY_2, actor=LEADER)
    assert (error.rule, error.field) == ("date_in_future", "date")
    error = refused(v.find_problem, problem_id="p-1", title="融资难", description="d",
                    category="comprehensive", at=MAY_2, actor=LEADER)
    assert (error.rule, error.field) == ("unknown_code", "category")
    [found] = v.find_problem(problem_id="p-1", title="流动资金贷款难", description="银行抽贷",
                             category="financing", at=MAY_2, actor=OFFICER)
    assert found.type == "VisitProblemFound"
    assert found.payload == {"visit_id": "v-1", "problem_id": "p-1", "uscc": USCC,
                             "enterprise_name": "赣州稀土材料有限公司", "county": "ganxian",
                             "title": "流动资金贷款难", "description": "银行抽贷",
                             "category": "financing"}
    assert refused(v.find_problem, problem_id="p-1", title="t", description="d",
                   category="labour", at=MAY_2, actor=LEADER).rule == "already_exists"


def test_the_visit_notes_each_appeal_and_status_once():
    v = visit()
    v.find_problem(problem_id="p-1", title="贷款难", description="d", category="financing",
                   at=MAY_2, actor=LEADER)
    assert refused(v.note_appeal, ticket_id="t-1", ticket_event_id="e-1", ledger_number="GZ-1",
                   problem_id="p-1", at=MAY_2, actor=LEADER).rule == "role_not_allowed"
    [raised] = v.note_appeal(ticket_id="t-1", ticket_event_id="e-1", ledger_number="GZ-2026-1",
                             problem_id="p-1", at=MAY_2, actor=NOTING)
    assert raised.type == "VisitAppealRaised"
    assert v.note_appeal(ticket_id="t-1", ticket_event_id="e-1", ledger_number="GZ-2026-1",
                         problem_id="p-1", at=MAY_2, actor=NOTING) == []
    [changed] = v.note_appeal_status(ticket_id="t-1", ticket_event_id="e-2",
                                     status="dispatched", at=MAY_2, actor=NOTING)
    assert changed.payload["previous_status"] == "received"
    assert v.note_appeal_status(ticket_id="t-1", ticket_event_id="e-2", status="dispatched",
                                at=MAY_2, actor=NOTING) == []
    assert v.note_appeal_status(ticket_id="t-other", ticket_event_id="e-3",
                                status="dispatched", at=MAY_2, actor=NOTING) == []
    [problem] = v.snapshot()["problems"]
    assert problem["appeal"] == {"ticket_id": "t-1", "ledger_number": "GZ-2026-1",
                                 "status": "dispatched"}
    assert Visit.replay("v-1", v.pending()).snapshot() == v.snapshot()


def test_appeal_statuses_follow_the_tickets_facts_and_ids_follow_the_event():
    assert appeal_status_after("TicketClassified", {"way": "escalate_upward"}) == \
        "awaiting_upper_level"
    assert appeal_status_after("TicketClassified", {"way": "policy_available"}) == "in_progress"
    assert appeal_status_after("TicketClosedOff", {}) == "closed"
    assert appeal_status_after("TicketUrged", {}) is None
    assert appeal_id_for("e-1") == appeal_id_for("e-1") != appeal_id_for("e-2")


def test_a_visit_shows_only_the_statuses_the_ledger_declares():
    ledger = set(Status.codes())
    after = {appeal_status_after(event_type, {}) for event_type in APPEAL_STATUS_EVENTS}
    after |= {appeal_status_after("TicketClassified", {"way": "escalate_upward"})}
    assert after - {None} <= ledger and "awaiting_upper_level" in after
    v = visit()
    v.find_problem(problem_id="p-1", title="贷款难", description="d", category="financing",
                   at=MAY_2, actor=LEADER)
    v.note_appeal(ticket_id="t-1", ticket_event_id="e-1", ledger_number="GZ-2026-1",
                  problem_id="p-1", at=MAY_2, actor=NOTING)
    with pytest.raises(ValueError, match="unknown appeal status"):
        v.note_appeal_status(ticket_id="t-1", ticket_event_id="e-2", status="archived",
                             at=MAY_2, actor=NOTING)
    [changed] = v.note_appeal_status(ticket_id="t-1", ticket_event_id="e-3",
                                     status=Status.AWAITING_UPPER_LEVEL.value, at=MAY_2,
                                     actor=NOTING)
    assert changed.payload["status"] == "awaiting_upper_level"


def test_the_tickets_service_derives_the_same_appeal_id():
    from services.tickets.appeals import reactions
    assert reactions.VISIT_APPEALS == VISIT_APPEALS
    assert reactions.appeal_id_for("some-event") == appeal_id_for("some-event")


def test_consultations_and_matchmaking_are_activities_with_enterprises_and_outcomes():
    c = Consultation.record("c-1", unit=UNIT, date="2026-05-02", experts=["王教授"],
                            enterprises=[USCC], topic="稀土深加工工艺", advice="引进萃取新工艺",
                            at=MAY_2, actor=OFFICER)
    assert c.snapshot()["enterprises"] == [USCC] and c.snapshot()["outcomes"] == []
    c.record_outcome(outcome="企业采纳，良品率提升", at=MAY_26, actor=OFFICE)
    assert [o["outcome"] for o in c.snapshot()["outcomes"]] == ["企业采纳，良品率提升"]
    error = refused(Consultation.record, "c-2", unit=UNIT, date="2026-05-02", experts=[],
                    enterprises=[USCC], topic="t", advice="a", at=MAY_2, actor=OFFICER)
    assert (error.rule, error.field) == ("list_required", "experts")
    assert refused(Consultation.record, "c-2", unit=UNIT, date="2026-05-02", experts=["x"],
                   enterprises=[USCC], topic="t", advice="a", at=MAY_2,
                   actor=OTHER).rule == "not_own_unit"
    m = Matchmaking.record("m-1", unit=UNIT, kind="financing", date="2026-05-02",
                           title="银企对接会", partners=["赣州银行"], enterprises=[USCC],
                           outcome="授信5000万元", at=MAY_2, actor=OFFICE)
    assert m.snapshot()["kind"] == "financing" and m.snapshot()["outcomes"][0]["outcome"] == \
        "授信5000万元"
    error = refused(Matchmaking.record, "m-2", unit=UNIT, kind="bank", date="2026-05-02",
                    title="t", partners=["x"], enterprises=[USCC], at=MAY_2, actor=OFFICE)
    assert (error.rule, error.field) == ("unknown_code", "kind")
    error = refused(Matchmaking.record, "m-2", unit=UNIT, kind="industry_chain",
                    date="2026-05-02", title="t", partners=["x"], enterprises=["bad"],
                    at=MAY_2, actor=OFFICE)
    assert (error.rule, error.field) == ("invalid_uscc", "enterprises")


def test_the_rules_tables_print():
    assert "| review | unit_officer, office |" in rules.help_plan_matrix()
    assert "| submit |" in rules.survey_matrix()
