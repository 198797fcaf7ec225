"""Assisting units' own tasks (协办任务, `services.tickets.appeals.tasks`): each assisting unit an
appeal is dispatched to gets a task with its own deadline, signs for it and replies to the lead
unit, or the office waives it; the lead resolves only once none is open; the deadline watch marks
a task past its due. First the aggregate, then the service on the real broker and both stores."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from nameko.standalone.rpc import ClusterRpcProxy
from nameko.testing.services import entrypoint_hook

from callers import assertion
from kernel import errors
from kernel.actor import SYSTEM, Actor
from kernel.database import make_engine
from kernel.envelope import format_time
from kernel.errors import Refused
from kernel.store import EventStore
from kernel.workdays import add_working_days
from registered_units import known_units
from services.tickets.appeals import exceptions as ex, tasks, views
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Status, Ticket
from services.tickets.service import TicketsService

SHANGHAI = ZoneInfo("Asia/Shanghai")
OWN_USCC = "91350100M000100Y43"
office = Actor("clerk", "office")
finance = Actor("li", "unit_officer", unit="finance_bureau")
tax = Actor("wang", "unit_officer", unit="tax_bureau")
land = Actor("zhou", "unit_officer", unit="land_bureau")
stranger = Actor("zhao", "unit_officer", unit="transport_bureau")
supervisor = Actor("inspector", "supervisor")


def at(month, day, hour=10):
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI).astimezone(dt.timezone.utc)


def dispatched(**task_days) -> Ticket:
    ticket = Ticket.raise_appeal(
        "ticket-1", ledger_number="GZ-2026-0001", enterprise_name="赣州某企业", uscc=OWN_USCC,
        title="厂房用地手续办理慢", description="用地、税务手续均未办结。", channel="hotline",
        category="land_and_energy", county="zhanggong", at=at(3, 2), actor=office, policy=DeadlinePolicy())
    ticket.dispatch(lead_unit="finance_bureau", assisting_units=["tax_bureau", "land_bureau"],
                    task_days=task_days or None, at=at(3, 2, 11), actor=office)
    return ticket


def classified() -> Ticket:
    ticket = dispatched()
    ticket.sign_for(at=at(3, 3), actor=finance)
    ticket.classify(way="unsolvable", explanation="已解释", at=at(3, 3, 11), actor=finance)
    return ticket


def refused(ticket, error, command, **kwargs):
    """The command raises `error` and records nothing."""
    before, state = list(ticket.pending()), ticket.snapshot()
    with pytest.raises(error) as raised:
        getattr(ticket, command)(**kwargs)
    assert ticket.pending() == before and ticket.snapshot() == state
    return raised.value


def task(ticket, unit) -> dict:
    return next(t for t in ticket.tasks if t["unit"] == unit)


def assert_replays(ticket):
    assert Ticket.replay(ticket.id, ticket.pending()).snapshot() == ticket.snapshot()


# -- opening -------------------------------------------------------------------------------------

def test_a_dispatch_opens_a_task_per_assisting_unit_due_by_default_before_the_lead():
    ticket = dispatched(land_bureau=3)
    opened = [f for f in ticket.pending() if f.type == "AssistTaskOpened"]
    default = tasks.default_days(ticket._step_days)
    assert default == ticket.step_days["resolution"] - tasks.ASSIST_MARGIN
    assert [f.payload for f in opened] == [
        {"unit": "tax_bureau", "lead_unit": "finance_bureau", "working_days": default,
         "due": format_time(add_working_days(at(3, 2, 11), default))},
        {"unit": "land_bureau", "lead_unit": "finance_bureau", "working_days": 3,
         "due": format_time(add_working_days(at(3, 2, 11), 3))}]
    assert [t["status"] for t in ticket.tasks] == ["open", "open"]
    # signed for at once, the lead's resolution still falls at least the margin after the task
    ticket.sign_for(at=at(3, 2, 12), actor=finance)
    assert task(ticket, "tax_bureau")["due"] < ticket.deadlines["resolution"]
    assert_replays(ticket)


@pytest.mark.parametrize("task_days, error", [
    ({"transport_bureau": 3}, ex.TaskDaysNotAssisting),
    ({"finance_bureau": 3}, ex.TaskDaysNotAssisting),
    ({"tax_bureau": 0}, ex.TaskDaysOutOfRange),
    ({"tax_bureau": 31}, ex.TaskDaysOutOfRange),
    ({"tax_bureau": "3"}, ex.TaskDaysOutOfRange),
    ({"tax_bureau": True}, ex.TaskDaysOutOfRange),
    ([3], errors.NotAnObject),
])
def test_bad_task_days_are_refused_naming_the_field_and_nothing_is_dispatched(task_days, error):
    ticket = Ticket.raise_appeal(
        "ticket-1", ledger_number="GZ-2026-0001", enterprise_name="赣州某企业", uscc=OWN_USCC,
        title="t", description="d", channel="hotline", category="land_and_energy", county="zhanggong",
        at=at(3, 2), actor=office)
    error = refused(ticket, error, "dispatch", lead_unit="finance_bureau",
                    assisting_units=["tax_bureau"], task_days=task_days, at=at(3, 2), actor=office)
    assert error.field == "task_days"


# -- signing for and answering --------------------------------------------------------------------

def test_an_assisting_unit_signs_for_and_answers_its_own_task():
    ticket = dispatched()
    refused(ticket, ex.AssistTaskNotSignedFor, "answer_task", reply="r", at=at(3, 3), actor=tax)
    facts = ticket.sign_for_task(at=at(3, 3), actor=tax)
    assert facts[0].type == "AssistTaskSignedFor"
    assert facts[0].payload == {"unit": "tax_bureau", "due": task(ticket, "tax_bureau")["due"],
                                "on_time": True}
    refused(ticket, ex.AssistTaskNotOpen, "sign_for_task", at=at(3, 3), actor=tax)
    refused(ticket, errors.FieldRequired, "answer_task", reply=" ", at=at(3, 4), actor=tax)
    facts = ticket.answer_task(reply="该企业无欠税", at=at(3, 4), actor=tax)
    assert facts[0].payload == {"unit": "tax_bureau", "lead_unit": "finance_bureau",
                                "reply": "该企业无欠税", "due": task(ticket, "tax_bureau")["due"],
                                "on_time": True}
    refused(ticket, ex.AssistTaskNotOpen, "answer_task", reply="again", at=at(3, 4), actor=tax)
    assert [(t["unit"], t["status"]) for t in ticket.tasks] == [
        ("tax_bureau", "answered"), ("land_bureau", "open")]
    shown = AppealView.fold(ticket.id, ticket.pending())["tasks"]
    assert shown[0]["reply"] == "该企业无欠税" and shown[0]["answered_at"] == format_time(at(3, 4))
    assert "signed_for_at" not in shown[1] and shown[1]["opened_at"] == format_time(at(3, 2, 11))
    assert_replays(ticket)


def test_no_one_but_the_assisting_unit_acts_on_its_task():
    ticket = dispatched()
    # the lead unit may not sign or reply for an assisting unit
    error = refused(ticket, ex.NotAssistingUnit, "sign_for_task", at=at(3, 3), actor=finance)
    assert isinstance(error, errors.Forbidden) and "finance_bureau" in error.message
    refused(ticket, ex.NotAssistingUnit, "answer_task", reply="r", at=at(3, 3), actor=finance)
    refused(ticket, ex.NotAssistingUnit, "sign_for_task", at=at(3, 3), actor=stranger)
    for actor in (office, supervisor, SYSTEM):
        refused(ticket, errors.RoleNotAllowed, "sign_for_task", at=at(3, 3), actor=actor)
    # another assisting unit's command acts on its own task only
    ticket.sign_for_task(at=at(3, 3), actor=land)
    assert task(ticket, "land_bureau")["status"] == "signed_for"
    assert task(ticket, "tax_bureau")["status"] == "open"
    refused(ticket, errors.RoleNotAllowed, "waive_task", unit="tax_bureau", reason="r",
            at=at(3, 3), actor=finance)


def test_a_county_brought_in_by_coordination_has_no_task():
    ticket = dispatched()
    ticket.sign_for(at=at(3, 3), actor=finance)
    ticket.classify(way="county_coordination", county_unit="zhanggong_gov", at=at(3, 3),
                    actor=finance)
    county = Actor("chen", "unit_officer", unit="zhanggong_gov")
    refused(ticket, ex.NoAssistTask, "sign_for_task", at=at(3, 3), actor=county)


# -- waiving and the resolve gate ----------------------------------------------------------------

def test_the_lead_resolves_only_once_every_task_is_answered_or_waived():
    ticket = classified()
    error = refused(ticket, ex.AssistTasksOpen, "resolve", summary="s", at=at(3, 5), actor=finance)
    assert error.open_tasks == ["tax_bureau", "land_bureau"]
    assert "tax_bureau, land_bureau" in error.message
    ticket.sign_for_task(at=at(3, 4), actor=tax)
    ticket.answer_task(reply="无欠税", at=at(3, 4), actor=tax)
    error = refused(ticket, ex.AssistTasksOpen, "resolve", summary="s", at=at(3, 5), actor=finance)
    assert error.open_tasks == ["land_bureau"]

    refused(ticket, errors.FieldRequired, "waive_task", unit="land_bureau", reason="",
            at=at(3, 5), actor=office)
    refused(ticket, ex.NoAssistTask, "waive_task", unit="transport_bureau", reason="r",
            at=at(3, 5), actor=office)
    refused(ticket, ex.AssistTaskNotOpen, "waive_task", unit="tax_bureau", reason="r",
            at=at(3, 5), actor=office)
    facts = ticket.waive_task(unit="land_bureau", reason="用地已由主办单位核实", at=at(3, 5),
                              actor=office)
    assert facts[0].payload == {"unit": "land_bureau", "reason": "用地已由主办单位核实",
                                "due": task(ticket, "land_bureau")["due"]}
    refused(ticket, ex.AssistTaskNotOpen, "sign_for_task", at=at(3, 5), actor=land)
    ticket.resolve(summary="已办结", at=at(3, 6), actor=finance)
    assert ticket.status == Status.RESOLVED
    # once resolved, nothing is left to do on a task
    refused(ticket, errors.StatusDoesNotAllow, "waive_task", unit="tax_bureau", reason="r",
            at=at(3, 6), actor=office)
    shown = AppealView.fold(ticket.id, ticket.pending())["tasks"]
    assert shown[1]["waive_reason"] == "用地已由主办单位核实"
    assert_replays(ticket)


def test_a_redispatch_withdraws_the_open_tasks_and_opens_the_new_lead_s():
    ticket = classified()
    ticket.sign_for_task(at=at(3, 4), actor=tax)
    ticket.answer_task(reply="无欠税", at=at(3, 4), actor=tax)
    facts = ticket.redispatch(lead_unit="land_bureau", assisting_units=["tax_bureau"],
                              reason="属自然资源职责", task_days={"tax_bureau": 2},
                              at=at(3, 5), actor=office)
    assert [f.type for f in facts] == ["AssistTaskWithdrawn", "TicketRedispatched",
                                       "AssistTaskOpened"]
    assert facts[0].payload["unit"] == "land_bureau"
    assert ticket.tasks == [{"unit": "tax_bureau", "status": "open", "overdue": False,
                             "due": format_time(add_working_days(at(3, 5), 2))}]
    assert_replays(ticket)


# -- overdue -------------------------------------------------------------------------------------

def test_the_deadline_watch_marks_a_task_past_its_due_once():
    ticket = dispatched(tax_bureau=1, land_bureau=5)
    ticket.sign_for(at=at(3, 2, 12), actor=finance)
    due = task(ticket, "tax_bureau")["due"]
    assert ticket.mark_overdue(at=at(3, 3, 23), actor=SYSTEM) == []
    facts = ticket.mark_overdue(at=at(3, 4), actor=SYSTEM)
    assert [(f.type, f.payload) for f in facts] == [
        ("AssistTaskMissed", {"unit": "tax_bureau", "due": due})]
    assert task(ticket, "tax_bureau")["overdue"] is True
    assert task(ticket, "land_bureau")["overdue"] is False
    assert ticket.mark_overdue(at=at(3, 5), actor=SYSTEM) == []
    ticket.sign_for_task(at=at(3, 5), actor=tax)
    answered = ticket.answer_task(reply="迟复", at=at(3, 5), actor=tax)[0]
    assert answered.payload["on_time"] is False
    assert task(ticket, "tax_bureau")["overdue"] is False
    assert_replays(ticket)


# -- the service, on the real broker and both stores ---------------------------------------------

OFFICE = {"sub": "clerk-li", "role": "office"}
LEAD, TAX, LAND = "nankang-finance", "nankang-tax", "nankang-land"
APPEAL = {"enterprise_name": "南康家具产业园某企业", "uscc": "91360703MA37K8L9PN",
          "title": "扩建厂房手续办理慢", "description": "用地、税务手续均未办结。",
          "channel": "hotline", "category": "land_and_energy", "county": "nankang"}


def officer(unit):
    return {"sub": f"officer-{unit}", "role": "unit_officer", "unit": unit}


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    config = service_config(db_url)
    container = container_factory(TicketsService, config)
    container.start()
    known_units(db_url, LEAD, TAX, LAND, service="tickets")
    return container, config


def test_the_service_keeps_tasks_gates_resolution_and_watches_their_dues(tickets, db_url):
    container, config = tickets
    with ClusterRpcProxy(config) as cluster:
        def act(who, ticket_id, action, body=None):
            return cluster.tickets.act(assertion(who), ticket_id, action, body or {})

        def refusal(who, ticket_id, action, body=None):
            with pytest.raises(Refused) as refused:
                act(who, ticket_id, action, body)
            return refused.value

        raised = cluster.tickets.raise_appeal(assertion(OFFICE), APPEAL)
        tid = raised["id"]
        view = act(OFFICE, tid, "dispatch", {"lead_unit": LEAD, "assisting_units": [TAX, LAND],
                                             "task_days": {TAX: 1}})
        assert [(t["unit"], t["status"], t["working_days"]) for t in view["tasks"]] == [
            (TAX, "open", 1), (LAND, "open", view["step_days"]["resolution"] - tasks.ASSIST_MARGIN)]
        act(officer(LEAD), tid, "sign-for")
        act(officer(LEAD), tid, "classify", {"way": "unsolvable", "explanation": "已解释"})

        # the lead, and another assisting unit, may not act on a unit's task
        assert refusal(officer(LEAD), tid, "sign-for-task").rule == "not_assisting_unit"
        assert refusal(officer(LEAD), tid, "answer-task", {"reply": "代回复"}).kind == "forbidden"
        assert refusal(officer(TAX), tid, "waive-task",
                       {"unit": LAND, "reason": "r"}).rule == "role_not_allowed"
        act(officer(TAX), tid, "sign-for-task")
        view = act(officer(TAX), tid, "answer-task", {"reply": "无欠税"})
        assert [t["status"] for t in view["tasks"]] == ["answered", "open"]

        gate = refusal(officer(LEAD), tid, "resolve", {"summary": "已办结"})
        assert gate.rule == "assist_tasks_open" and LAND in gate.message
        bad = refusal(OFFICE, tid, "waive-task", {"unit": LAND})
        assert (bad.rule, bad.field) == ("field_required", "reason")

        # the unit officer's ledger lists the appeal with its task
        listed = cluster.tickets.list_tickets(assertion(officer(LAND)), {})
        assert [[(t["unit"], t["status"]) for t in item["tasks"]] for item in listed["items"]] \
            == [[(TAX, "answered"), (LAND, "open")]]
        # the ledger filtered by a unit's open tasks: the land bureau's waits, the tax bureau's not
        def open_for(who, unit):
            return [item["id"] for item in cluster.tickets.list_tickets(
                assertion(who), {"open_task_unit": unit})["items"]]
        assert open_for(officer(LAND), LAND) == open_for(OFFICE, LAND) == [tid]
        assert open_for(OFFICE, TAX) == [] and open_for(officer(TAX), LAND) == [tid]
        assert open_for(officer(LEAD), "nankang-none") == []

        act(OFFICE, tid, "waive-task", {"unit": LAND, "reason": "主办单位已核实用地"})
        assert act(officer(LEAD), tid, "resolve", {"summary": "已办结"})["status"] == "resolved"
        assert open_for(OFFICE, LAND) == []
        history = cluster.tickets.history(assertion(OFFICE), tid)
    types = [e["type"] for e in history]
    assert types.count("AssistTaskOpened") == 2
    assert types[-2:] == ["AssistTaskWaived", "TicketResolved"]


def test_the_deadline_watch_marks_a_late_task_on_the_task(tickets, db_url):
    container, config = tickets
    long_ago = dt.datetime(2026, 3, 2, 9, tzinfo=dt.timezone.utc)
    store = EventStore(make_engine(db_url), projectors=[views.project])
    with store.unit_of_work() as uow:
        ticket = Ticket.raise_appeal(
            "t-late", ledger_number="GZ-2026-000901", enterprise_name="某企业", uscc=OWN_USCC,
            title="久拖未决", description="协办单位未回复。", channel="letter", category="land_and_energy",
            county="nankang", at=long_ago, actor=office)
        ticket.dispatch(lead_unit=LEAD, assisting_units=[TAX, LAND], task_days={TAX: 1},
                        at=long_ago, actor=office)
        uow.save(ticket)
    with entrypoint_hook(container, "watch_deadlines") as watch:
        watch()
    with entrypoint_hook(container, "watch_deadlines") as watch:
        watch()  # a second sweep records nothing again
    with ClusterRpcProxy(config) as cluster:
        history = cluster.tickets.history(assertion(OFFICE), "t-late")
        shown = cluster.tickets.get_ticket(assertion(officer(TAX)), "t-late")
    missed = [e["payload"] for e in history if e["type"] == "AssistTaskMissed"]
    assert sorted(m["unit"] for m in missed) == [LAND, TAX]
    assert [(t["unit"], t["overdue"]) for t in shown["tasks"]] == [(TAX, True), (LAND, True)]


def test_a_task_is_not_marked_late_while_the_appeal_is_back_with_the_office():
    ticket = dispatched(tax_bureau=1, land_bureau=5)
    ticket.return_appeal(reason="not_its_remit", legal_basis="《职能配置规定》第三条",
                         at=at(3, 2, 15), actor=finance)
    assert ticket.status == Status.RETURNED
    assert [f.type for f in ticket.mark_overdue(at=at(3, 5), actor=SYSTEM)] == []
    # ruled to take it, the lead unit handles it again, and the tax bureau's task is late
    ticket.rule_on_return(ruling="属财政职责", at=at(3, 5), actor=office)
    facts = ticket.mark_overdue(at=at(3, 5, 11), actor=SYSTEM)
    assert [(f.type, f.payload.get("unit")) for f in facts
            if f.type == "AssistTaskMissed"] == [("AssistTaskMissed", "tax_bureau")]
    assert_replays(ticket)
