"""The whole life of an appeal through the gateway over HTTP on RabbitMQ, each step acted by the
role the notice gives it, and each step found in the audit ledger."""
import io
import json

import pytest
from openpyxl import load_workbook

from gateway.auth import mint
from registered_units import register_units, until_tickets_know

ENTERPRISE = "91360781MA35XY123U"
OTHER_ENTERPRISE = "91360703MA37K8L9PN"
APPEAL = {
    "enterprise_name": "瑞金市红都食品有限公司",
    "uscc": ENTERPRISE,
    "title": "新厂房用电增容审批慢",
    "description": "新建厂房需要增容至2000千伏安，供电部门审批已超过两个月。",
    "channel": "hotline",
    "category": "land_and_energy",
    "county": "ruijin",
}
# The units these appeals are dispatched and routed to: in the register of units the tickets
# service checks them against, so registered in liaison first.
UNITS = ("ruijin-power", "ruijin-land", "city-tax")


@pytest.fixture(scope="module", autouse=True)
def registered(api, tokens):
    register_units(api.base, tokens["office"], *UNITS)
    until_tickets_know(api.base, tokens["office"], *UNITS)


def test_whole_life_of_an_appeal(api, tokens):
    enterprise = mint("ent-hongdu", "enterprise", uscc=ENTERPRISE)
    power = mint("officer-zhao", "unit_officer", unit="ruijin-power")
    office = tokens["office"]

    def act(token, ticket_id, action, body=None, expect=200):
        response = api.call("POST", f"/tickets/{ticket_id}/{action}", token, json=body or {})
        assert response.status_code == expect, (action, response.text)
        return response.json()

    route = api.call("PUT", "/routes", office, headers={"If-Match": "*"}, json={
        "category": "land_and_energy", "county": "ruijin", "unit": "ruijin-power"})
    assert route.status_code == 200, route.text

    created = api.call("POST", "/tickets", enterprise, json=APPEAL)
    assert created.status_code == 201, created.text
    ticket_id = created.json()["id"]

    assert act(office, ticket_id, "dispatch")["lead_unit"] == "ruijin-power"  # from the route
    assert act(power, ticket_id, "sign-for")["status"] == "signed_for"
    classified = act(power, ticket_id, "classify", {
        "way": "policy_available", "policies": ["赣市府发〔2016〕12号"],
        "guidance": "按用电增容绿色通道办理，五个工作日内完成审批。"})
    assert classified["status"] == "in_progress"
    assert act(power, ticket_id, "resolve", {"summary": "已完成增容审批。"})["status"] == "resolved"
    sent_back = act(enterprise, ticket_id, "rate", {"rating": "unsatisfied",
                                                    "comment": "审批通过但未通电"})
    assert sent_back["status"] == "in_progress" and sent_back["reopen_count"] == 1
    act(power, ticket_id, "resolve", {"summary": "已通电。"})
    assert act(enterprise, ticket_id, "rate", {"rating": "satisfied"})["status"] == "rated"
    closed = act(office, ticket_id, "close-off")
    assert closed["status"] == "closed"

    history = api.call("GET", f"/tickets/{ticket_id}/history", enterprise).json()["events"]
    types = [e["type"] for e in history]
    assert types == ["TicketRaised", "TicketDispatched", "TicketSignedFor", "TicketClassified",
                     "TicketResolved", "TicketRated", "TicketSentBack", "RectificationOpened",
                     "TicketResolved", "TicketRated", "TicketClosedOff"]
    # The enterprise sees which unit acted, not the officer's internal id; the office sees both.
    assert history[2]["actor"] == "unit_officer:ruijin-power"

    def ledger_has_every_step():
        entries = api.call("GET", f"/audit/entries?stream_id={ticket_id}",
                           tokens["supervisor"]).json()["items"]
        return entries if len(entries) == len(history) else None

    entries = api.wait_for(ledger_has_every_step)
    assert [json.loads(e["event"])["event_id"] for e in entries] == [e["event_id"] for e in history]
    assert api.call("GET", "/audit/verify", tokens["supervisor"]).json()["ok"] is True

    # Acting on a closed appeal is refused by name, and changes nothing.
    refused = api.call("POST", f"/tickets/{ticket_id}/urge", office, json={"message": "请加快"})
    assert refused.status_code == 409 and refused.json()["title"] == "ticket_closed"
    in_full = api.call("GET", f"/tickets/{ticket_id}/history", office).json()["events"]
    assert len(in_full) == len(types) == 11
    assert in_full[2]["actor"] == "unit_officer:ruijin-power:officer-zhao"


def test_rules_refused_over_http(api, tokens):
    enterprise = mint("ent-hongdu", "enterprise", uscc=ENTERPRISE)
    power = mint("officer-zhao", "unit_officer", unit="ruijin-power")
    office = tokens["office"]
    appeal = {**APPEAL, "title": "出口退税单证备案咨询", "description": "不清楚单证备案要求。",
              "category": "tax_and_fees"}
    ticket_id = api.call("POST", "/tickets", enterprise, json=appeal).json()["id"]

    early = api.call("POST", f"/tickets/{ticket_id}/rate", enterprise, json={"rating": "satisfied"})
    assert early.status_code == 409 and early.json()["title"] == "not_resolved"
    assert early.json()["status"] == 409 and "field" not in early.json()  # typed across RPC
    no_route = api.call("POST", f"/tickets/{ticket_id}/dispatch", office, json={})
    assert no_route.status_code == 404 and no_route.json()["title"] == "route_not_found"
    fallback = {"category": "tax_and_fees", "county": "*", "unit": "city-tax"}
    assert api.call("PUT", "/routes", power, json=fallback).status_code == 403  # the office's
    current = api.call("GET", "/routes", office).headers["ETag"]
    assert api.call("PUT", "/routes", office, json=fallback,
                    headers={"If-Match": current}).status_code == 200
    removed = api.call("DELETE", "/routes?category=tax_and_fees&county=*", office,
                       headers={"If-Match": "*"})
    assert removed.status_code == 200 and fallback not in removed.json()["routes"]
    api.call("POST", f"/tickets/{ticket_id}/dispatch", office, json={"lead_unit": "ruijin-power"})
    unsigned = api.call("POST", f"/tickets/{ticket_id}/resolve", power, json={"summary": "已答复"})
    assert unsigned.status_code == 409 and unsigned.json()["title"] == "not_signed_for"
    api.call("POST", f"/tickets/{ticket_id}/sign-for", power)
    incomplete = api.call("POST", f"/tickets/{ticket_id}/classify", power,
                          json={"way": "escalate_upward", "level": "provincial"})
    assert incomplete.status_code == 422 and incomplete.json()["field"] == "report_reference"
    unknown = api.call("POST", f"/tickets/{ticket_id}/approve", office, json={})
    assert unknown.status_code == 404
    wrong_shape = api.call("POST", f"/tickets/{ticket_id}/request-extension", power,
                           json={"working_days": "many", "reason": "x"})
    assert wrong_shape.status_code == 422 and wrong_shape.json()["field"] == "working_days"
    events = api.call("GET", f"/tickets/{ticket_id}/history", office).json()["events"]
    assert [e["type"] for e in events] == ["TicketRaised", "TicketDispatched", "TicketSignedFor"]


def test_enterprises_and_units_see_only_their_own(api, tokens):
    owner = mint("ent-hongdu", "enterprise", uscc=ENTERPRISE)
    stranger = mint("ent-other", "enterprise", uscc=OTHER_ENTERPRISE)
    lead = mint("officer-zhao", "unit_officer", unit="ruijin-land")
    other_unit = mint("officer-qian", "unit_officer", unit="ganxian-tax")
    office = tokens["office"]
    appeal = {**APPEAL, "title": "园区道路未硬化影响运输", "description": "雨天货车无法进出。",
              "category": "logistics"}
    ticket_id = api.call("POST", "/tickets", owner, json=appeal).json()["id"]
    api.call("POST", f"/tickets/{ticket_id}/dispatch", office, json={"lead_unit": "ruijin-land"})

    assert api.call("GET", f"/tickets/{ticket_id}", owner).status_code == 200
    denied = api.call("GET", f"/tickets/{ticket_id}", stranger)
    assert denied.status_code == 403
    assert denied.headers["Content-Type"].startswith("application/problem+json")
    assert api.call("GET", f"/tickets/{ticket_id}/history", stranger).status_code == 403
    assert api.call("POST", f"/tickets/{ticket_id}/rate", stranger,
                    json={"rating": "satisfied"}).status_code == 403
    stranger_list = api.call("GET", "/tickets", stranger).json()["items"]
    assert ticket_id not in {t["id"] for t in stranger_list}
    assert ticket_id in {t["id"] for t in api.call("GET", "/tickets", owner).json()["items"]}

    assert api.call("GET", f"/tickets/{ticket_id}", other_unit).status_code == 403
    forbidden = api.call("POST", f"/tickets/{ticket_id}/sign-for", other_unit)
    assert forbidden.status_code == 403
    assert ticket_id not in {t["id"] for t in api.call("GET", "/tickets", other_unit).json()["items"]}
    assert api.call("POST", f"/tickets/{ticket_id}/sign-for", lead).status_code == 200
    assert api.call("POST", f"/tickets/{ticket_id}/dispatch", lead,
                    json={"lead_unit": "x"}).status_code == 403  # dispatching is the office's


def test_ledger_list_and_export(api, tokens):
    office = tokens["office"]
    enterprise = mint("ent-other", "enterprise", uscc=OTHER_ENTERPRISE)
    appeal = {**APPEAL, "uscc": OTHER_ENTERPRISE, "enterprise_name": "章贡区某电子厂",
              "title": "招工难", "description": "普工缺口两百人。", "category": "labour",
              "county": "zhanggong", "channel": "visit"}
    api.call("POST", "/tickets", enterprise, json=appeal)
    listed = api.call("GET", "/tickets?category=labour&county=zhanggong&limit=200", office)
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    assert items and all(i["category"] == "labour" and i["county"] == "zhanggong" for i in items)
    bad = api.call("GET", "/tickets?colour=red", office)
    assert bad.status_code == 422 and bad.json()["field"] == "colour"

    exported = api.call("GET", "/tickets/export?category=labour&county=zhanggong", office)
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "台账编号" and "企业名称" in header
    assert sheet.max_row - 1 == len(items)  # one row per appeal the same filters list
