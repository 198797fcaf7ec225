"""Two assisting units' own tasks (主办/协办) over HTTP on the whole stack, one of them late: the
deadline watch marks the late one on the task; the lead unit and the other assisting unit are
refused on a unit's task; the lead cannot resolve until both are answered; the history, the
ledger view as the assisting unit's officer sees it, and the audit ledger hold every step.

Lateness needs time to have passed: the appeal is received and dispatched four days ago, written
into the tickets service's own store as the service would have written it (its relay then sends
it on, its watch sweeps it); everything after that goes over HTTP."""
import datetime as dt
import json
from pathlib import Path

import pytest

from gateway.auth import mint
from kernel.actor import Actor
from kernel.database import make_engine
from kernel.envelope import parse_time, utc_now
from kernel.store import EventStore
from registered_units import register_units, until_tickets_know
from services.tickets.appeals import views
from services.tickets.appeals.domain import Ticket

LEAD, TAX, LAND = "xingguo-commerce", "xingguo-tax", "xingguo-land"
ENTERPRISE = "91360781MA35XY123U"


@pytest.fixture(scope="module", autouse=True)
def registered(api, tokens):
    register_units(api.base, tokens["office"], LEAD, TAX, LAND)
    until_tickets_know(api.base, tokens["office"], LEAD, TAX, LAND)


def dispatched_days_ago(running_stack, days: int) -> str:
    """An appeal received and dispatched `days` days ago with two assisting units: the tax
    bureau's task given one working day, the land bureau's thirty."""
    engine = make_engine(f"sqlite:///{Path(running_stack['HUIQI_VAR_DIR']) / 'tickets.db'}")
    then = utc_now() - dt.timedelta(days=days)
    office = Actor("clerk-li", "office")
    store = EventStore(engine, projectors=[views.project])
    with store.unit_of_work() as uow:
        ticket = Ticket.raise_appeal(
            "e2e-assist-1", ledger_number="GZ-2026-990001", enterprise_name="兴国县某食品企业",
            uscc=ENTERPRISE, title="扩建冷库用地和税收优惠手续", description="用地手续和税收优惠均未落实。",
            channel="hotline", category="land_and_energy", county="xingguo", at=then, actor=office)
        ticket.dispatch(lead_unit=LEAD, assisting_units=[TAX, LAND],
                        task_days={TAX: 1, LAND: 30}, at=then, actor=office)
        uow.save(ticket)
    engine.dispose()
    return ticket.id


def test_two_assisting_units_tasks_one_late(api, tokens, running_stack):
    office, supervisor = tokens["office"], tokens["supervisor"]
    lead, tax, land = (mint(f"officer-{unit}", "unit_officer", unit=unit)
                       for unit in (LEAD, TAX, LAND))
    ticket_id = dispatched_days_ago(running_stack, 4)

    def act(token, action, body=None, expect=200):
        response = api.call("POST", f"/tickets/{ticket_id}/{action}", token, json=body or {})
        assert response.status_code == expect, (action, response.text)
        return response.json()

    def tasks(view):
        return {task["unit"]: task for task in view["tasks"]}

    # the watch marks the tax bureau's task, a working day long, late; the land bureau's is not
    def marked():
        view = api.call("GET", f"/tickets/{ticket_id}", office).json()
        return view if tasks(view)[TAX]["overdue"] else None
    view = api.wait_for(marked, timeout=120, interval=2)
    assert tasks(view)[LAND]["overdue"] is False
    assert parse_time(tasks(view)[TAX]["due"]) < utc_now() < parse_time(tasks(view)[LAND]["due"])

    # the lead unit may not sign or reply for an assisting unit; the other unit acts on its own
    assert act(lead, "sign-for-task", expect=403)["title"] == "not_assisting_unit"
    assert act(lead, "answer-task", {"reply": "代为回复"}, expect=403)["title"] == \
        "not_assisting_unit"
    assert act(land, "waive-task", {"unit": TAX, "reason": "r"}, expect=403)["title"] == \
        "role_not_allowed"
    assert act(land, "answer-task", {"reply": "x"}, expect=409)["title"] == \
        "assist_task_not_signed_for"
    act(land, "sign-for-task")
    answered = act(land, "answer-task", {"reply": "用地预审已通过"})
    assert tasks(answered)[LAND]["status"] == "answered"
    assert tasks(answered)[TAX]["status"] == "open"  # the land bureau's acts left it alone

    act(lead, "sign-for")
    act(lead, "classify", {"way": "policy_available", "policies": ["赣市府发〔2016〕12号"],
                           "guidance": "按冷链物流用地政策办理"})
    gate = act(lead, "resolve", {"summary": "已办结"}, expect=409)
    assert gate["title"] == "assist_tasks_open" and TAX in gate["detail"] and LAND not in gate["detail"]
    assert act(office, "waive-task", {"unit": TAX}, expect=422)["field"] == "reason"

    act(tax, "sign-for-task")
    late = act(tax, "answer-task", {"reply": "税收优惠已备案"})
    assert tasks(late)[TAX]["on_time"] is False and tasks(late)[TAX]["overdue"] is False
    assert tasks(late)[LAND]["on_time"] is True
    assert act(lead, "resolve", {"summary": "用地和税收优惠均已落实"})["status"] == "resolved"

    history = api.call("GET", f"/tickets/{ticket_id}/history", office).json()["events"]
    task_events = [(e["type"], e["payload"]["unit"]) for e in history
                   if e["type"].startswith("AssistTask")]
    assert task_events == [
        ("AssistTaskOpened", TAX), ("AssistTaskOpened", LAND), ("AssistTaskMissed", TAX),
        ("AssistTaskSignedFor", LAND), ("AssistTaskAnswered", LAND),
        ("AssistTaskSignedFor", TAX), ("AssistTaskAnswered", TAX)]
    missed = next(e for e in history if e["type"] == "AssistTaskMissed")
    assert missed["payload"]["due"] == tasks(view)[TAX]["due"] and missed["actor"].startswith("system")
    answers = {e["payload"]["unit"]: e["payload"] for e in history
               if e["type"] == "AssistTaskAnswered"}
    assert answers[TAX]["on_time"] is False and answers[LAND]["on_time"] is True
    assert answers[TAX]["lead_unit"] == LEAD

    # the assisting unit's officer finds the appeal on its ledger with both tasks as they ended
    listed = api.call("GET", "/tickets", land, params={"unit": LAND}).json()["items"]
    [line] = [item for item in listed if item["id"] == ticket_id]
    assert [(t["unit"], t["status"]) for t in line["tasks"]] == [(TAX, "answered"),
                                                                  (LAND, "answered")]
    assert ticket_id not in {item["id"] for item in api.call(
        "GET", "/tickets", mint("officer-other", "unit_officer", unit="ruijin-power")).json()["items"]}

    def ledger_has_every_step():
        entries = api.call("GET", f"/audit/entries?stream_id={ticket_id}",
                           supervisor).json()["items"]
        return entries if len(entries) == len(history) else None
    entries = api.wait_for(ledger_has_every_step, timeout=60)
    assert [json.loads(e["event"])["event_id"] for e in entries] == [e["event_id"] for e in history]
