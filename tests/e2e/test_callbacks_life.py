"""Replies and callbacks (答复意见, 回访) over HTTP through the whole stack: a resolution's reply the
enterprise reads without the unit's internal note; a callback finding the matter unresolved sends
the appeal back for 重办 under its number; resolved again, a satisfied callback lets it close off —
checked in the appeal's events, in the audit ledger, and in the ledger as the office and the
enterprise read it; neither the enterprise nor a unit may record a callback."""
import pytest

from gateway.auth import mint
from registered_units import register_units, until_tickets_know

USCC = "91360702MA35G0QX4J"
UNIT, OTHER_UNIT = "ganzhou-power", "ganzhou-grid"
APPEAL = {"enterprise_name": "章贡区精密电子有限公司", "uscc": USCC,
          "title": "新厂房电力增容迟迟未批", "description": "申请增容两个月未获批复，影响投产。",
          "channel": "hotline", "category": "land_and_energy", "county": "zhanggong"}
FIRST_REPLY = "增容申请已批复，供电公司将于五个工作日内完成施工。"
INTERNAL = "内部：审批卡在供电公司计划科，已约谈"


@pytest.fixture(scope="module", autouse=True)
def registered(api, tokens):
    register_units(api.base, tokens["office"], UNIT, OTHER_UNIT)
    until_tickets_know(api.base, tokens["office"], UNIT, OTHER_UNIT)


def history(api, token, ticket_id) -> list[dict]:
    answer = api.call("GET", f"/tickets/{ticket_id}/history", token)
    assert answer.status_code == 200, answer.text
    return answer.json()["events"]


def test_a_callback_unresolved_sends_it_back_and_after_the_redo_a_satisfied_one_closes_it(
        api, tokens, act):
    office = tokens["office"]
    owner = mint("ent-jingmi", "enterprise", uscc=USCC)
    power = mint("officer-dian", "unit_officer", unit=UNIT)
    grid = mint("officer-wang", "unit_officer", unit=OTHER_UNIT)
    ticket_id = api.call("POST", "/tickets", owner, json=APPEAL).json()["id"]
    act(office, ticket_id, "dispatch", {"lead_unit": UNIT, "assisting_units": [OTHER_UNIT]})
    act(power, ticket_id, "sign-for")
    act(power, ticket_id, "classify", {"way": "unsolvable", "explanation": "需供电公司施工"})
    act(grid, ticket_id, "sign-for-task")
    act(grid, ticket_id, "answer-task", {"reply": "配合施工"})
    resolved = act(power, ticket_id, "resolve", {
        "summary": INTERNAL, "reply": FIRST_REPLY, "policies": ["赣市府发〔2026〕3号"]})
    number = resolved["ledger_number"]

    # The enterprise reads the reply and the policy cited, never the internal note.
    seen = api.call("GET", f"/tickets/{ticket_id}", owner).json()
    assert seen["reply"] == FIRST_REPLY and seen["reply_policies"] == ["赣市府发〔2026〕3号"]
    assert seen["resolution_summary"] is None
    assert all(INTERNAL not in str(e["payload"]) for e in history(api, owner, ticket_id))
    assert api.call("GET", f"/tickets/{ticket_id}", office).json()["resolution_summary"] == INTERNAL

    # Neither the enterprise nor a unit records a callback; bad input names its field.
    called = {"reached": True, "resolved": "no", "rating": "unsatisfied"}
    for caller in (owner, power, grid):
        act(caller, ticket_id, "callback", called, expect=403)
    wrong = act(office, ticket_id, "callback", {"reached": True, "resolved": "maybe",
                                                "rating": "satisfied"}, expect=422)
    assert wrong["field"] == "resolved"

    # Unreached: recorded, no rating, still waiting.
    waiting = act(office, ticket_id, "callback", {"reached": False, "comment": "电话无人接听"})
    assert waiting["status"] == "resolved" and waiting["rating"] is None
    # Reached, not resolved: 重办 under the same number, one redo, the rating kept.
    back = act(office, ticket_id, "callback", {**called, "comment": "施工未开始"})
    assert back["status"] == "in_progress" and back["ledger_number"] == number
    assert back["redo_count"] == 1
    assert [(r["rating"], r["via"]) for r in back["ratings"]] == [("unsatisfied", "follow_up_call")]
    # The 差评 also opened the unit's rectification (差评整改), recorded after the send-back.
    sent, opened = history(api, office, ticket_id)[-2:]
    assert (sent["type"], opened["type"]) == ("TicketSentBack", "RectificationOpened")
    assert (sent["payload"]["redo_count"], sent["payload"]["rating"], sent["payload"]["resolved"]) \
        == (1, "unsatisfied", "no")
    lines = api.call("GET", "/tickets?status=in_progress&limit=200", office).json()["items"]
    assert ticket_id in {line["id"] for line in lines}

    act(power, ticket_id, "resolve", {"summary": "内部：已督促施工", "reply": "增容施工已完成并送电。"})
    satisfied = act(office, ticket_id, "callback", {"reached": True, "resolved": "yes",
                                                    "rating": "satisfied"})
    assert satisfied["status"] == "rated" and satisfied["rating"] == "satisfied"
    assert [(c["reached"], c["resolved"], c["attempt"]) for c in satisfied["callbacks"]] == [
        (False, None, 1), (True, "no", 2), (True, "yes", 1)]
    closed = act(office, ticket_id, "close-off")
    assert closed["status"] == "closed" and closed["redo_count"] == 1

    mine = api.call("GET", f"/tickets/{ticket_id}", owner).json()
    assert mine["reply"] == "增容施工已完成并送电。" and mine["resolution_summary"] is None
    assert [r["rating"] for r in mine["ratings"]] == ["unsatisfied", "satisfied"]

    types = [e["type"] for e in history(api, office, ticket_id)]
    assert types[types.index("TicketResolved"):] == [
        "TicketResolved", "TicketCalledBack", "TicketCalledBack", "TicketRated", "TicketSentBack",
        "RectificationOpened",
        "TicketResolved", "TicketCalledBack", "TicketRated", "TicketClosedOff"]

    def in_audit():
        items = api.call("GET", f"/audit/entries?stream_id={ticket_id}",
                         tokens["supervisor"]).json()["items"]
        return items if len(items) == len(types) else None
    assert [e["type"] for e in api.wait_for(in_audit)] == types
    closed_lines = api.call("GET", "/tickets?status=closed&limit=200", owner).json()["items"]
    assert ticket_id in {line["id"] for line in closed_lines}
