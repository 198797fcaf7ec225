"""The rectification of a bad rating (差评整改) over HTTP through the whole stack: a 差评 opens a
rectification for the unit that handled the appeal; the unit disputes it (申诉) and the office
upholds the rating; on another appeal the unit puts it right at once (立行立改). Each step is
checked in the appeal's events, in the audit ledger, in what the enterprise is told, and as the
roles that may not take it."""
import json

import pytest

from gateway.auth import mint
from registered_units import register_units, until_tickets_know

USCC = "91360702MA35G0QX4J"
UNIT, OTHER_UNIT = "ganzhou-water", "ganzhou-drainage"
APPEAL = {"enterprise_name": "章贡区恒润食品有限公司", "uscc": USCC,
          "title": "厂区供水压力不足", "description": "每天上午水压不足，生产线多次停机。",
          "channel": "hotline", "category": "land_and_energy", "county": "zhanggong"}
RECTIFICATION_TYPES = ("RectificationOpened", "RectificationClassified",
                       "RectificationCompleted", "RectificationDisputeRuled",
                       "RectificationMissed")


@pytest.fixture(scope="module", autouse=True)
def registered(api, tokens):
    register_units(api.base, tokens["office"], UNIT, OTHER_UNIT)
    until_tickets_know(api.base, tokens["office"], UNIT, OTHER_UNIT)


@pytest.fixture(scope="module")
def people():
    return {"owner": mint("ent-hengrun", "enterprise", uscc=USCC),
            "water": mint("officer-shui", "unit_officer", unit=UNIT),
            "drainage": mint("officer-pai", "unit_officer", unit=OTHER_UNIT),
            "rival": mint("ent-rival", "enterprise", uscc="91360781MA35XY123U")}


def history(api, token, ticket_id) -> list[dict]:
    answer = api.call("GET", f"/tickets/{ticket_id}/history", token)
    assert answer.status_code == 200, answer.text
    return answer.json()["events"]


def resolved_appeal(api, tokens, people, act, title: str, description: str) -> str:
    office, water, drainage = tokens["office"], people["water"], people["drainage"]
    raised = api.call("POST", "/tickets", people["owner"],
                      json={**APPEAL, "title": title, "description": description}).json()
    assert raised["linked_to_open_appeal"] is False
    ticket_id = raised["id"]
    act(office, ticket_id, "dispatch", {"lead_unit": UNIT, "assisting_units": [OTHER_UNIT]})
    act(water, ticket_id, "sign-for")
    act(water, ticket_id, "classify", {"way": "unsolvable", "explanation": "管网改造需时"})
    act(drainage, ticket_id, "sign-for-task")
    act(drainage, ticket_id, "answer-task", {"reply": "排水无影响"})
    act(water, ticket_id, "resolve", {"summary": "内部：已调度", "reply": "已调整供水调度。"})
    return ticket_id


def in_audit(api, tokens, ticket_id, count):
    def found():
        items = api.call("GET", f"/audit/entries?stream_id={ticket_id}",
                         tokens["supervisor"]).json()["items"]
        return items if len(items) == count else None
    return api.wait_for(found)


def measures_of(api, tokens, entry: dict) -> dict:
    """The unit's hotline measures of the month the entry was recorded in, as the office reads
    them."""
    month = entry["recorded_at"][:7]
    answer = api.call("GET", f"/supervision/measures?month={month}", tokens["office"])
    assert answer.status_code == 200, answer.text
    found = [u["measures"] for u in answer.json()["units"] if u["unit"] == UNIT]
    return found[0] if found else {}


def counted(api, tokens, measure: str, entry: dict) -> dict:
    """The measure once supervision, following the ledger, counts the entry's seq in it."""
    return api.wait_for(lambda: (lambda m: m if m and entry["seq"] in m["seqs"] else None)(
        measures_of(api, tokens, entry).get(measure)), timeout=40)


def test_a_bad_rating_disputed_by_the_unit_is_upheld_by_the_office(api, tokens, people, act):
    office, owner, water, drainage = (tokens["office"], people["owner"], people["water"],
                                      people["drainage"])
    ticket_id = resolved_appeal(api, tokens, people, act, "厂区供水压力不足",
                                "每天上午水压不足，生产线多次停机。")

    # The enterprise's 差评 sends the appeal back (重办) and opens the unit's rectification.
    rated = act(owner, ticket_id, "rate", {"rating": "unsatisfied", "comment": "水压仍不足"})
    assert rated["status"] == "in_progress" and rated["redo_count"] == 1
    [opened] = rated["rectifications"]
    assert (opened["number"], opened["unit"], opened["rating"], opened["status"]) == (
        1, UNIT, "unsatisfied", "open")
    assert opened["due"] == opened["pending_due"] and opened["overdue"] is False
    events = history(api, office, ticket_id)
    assert [e["type"] for e in events[-3:]] == [
        "TicketRated", "TicketSentBack", "RectificationOpened"]
    assert events[-1]["payload"]["working_days"] == 5

    # Only the unit the rating was for classifies it: not the assisting unit, the enterprise,
    # another enterprise, the office or a supervisor; bad input names its field.
    dispute = {"way": "disputed", "note": "水压不足系用户自建管网老化，非供水原因"}
    for caller in (drainage, owner, people["rival"], office, tokens["supervisor"]):
        act(caller, ticket_id, "classify-rectification", dispute, expect=403)
    assert act(drainage, ticket_id, "classify-rectification", dispute,
               expect=403)["title"] == "not_rectifying_unit"
    wrong = act(water, ticket_id, "classify-rectification",
                {"way": "ignored", "note": "x"}, expect=422)
    assert wrong["field"] == "way"
    planless = act(water, ticket_id, "classify-rectification",
                   {"way": "planned", "note": "属实"}, expect=422)
    assert planless["field"] == "plan"
    assert not any(e["type"] == "RectificationClassified"
                   for e in history(api, office, ticket_id))

    disputed = act(water, ticket_id, "classify-rectification", dispute)
    assert disputed["rectifications"][0]["status"] == "disputed"
    assert disputed["rectifications"][0]["on_time"] is True

    # The office alone rules on the 申诉.
    ruling = {"ruling": "upheld", "reason": "经现场核查，供水压力确实低于标准"}
    for caller in (water, drainage, owner, tokens["supervisor"]):
        act(caller, ticket_id, "rule-on-dispute", ruling, expect=403)
    assert act(office, ticket_id, "rule-on-dispute", {**ruling, "ruling": "maybe"},
               expect=422)["field"] == "ruling"
    ruled = act(office, ticket_id, "rule-on-dispute", ruling)
    assert ruled["rectifications"][0]["status"] == "upheld"
    act(office, ticket_id, "rule-on-dispute", ruling, expect=404)  # none waits any more

    # The enterprise is told the outcome, on its own appeal; another enterprise sees nothing.
    told = api.call("GET", f"/tickets/{ticket_id}", owner).json()["rectifications"][0]
    assert (told["way"], told["note"], told["ruling"], told["ruling_reason"]) == (
        "disputed", dispute["note"], "upheld", ruling["reason"])
    assert api.call("GET", f"/tickets/{ticket_id}", people["rival"]).status_code == 403

    types = [e["type"] for e in history(api, office, ticket_id)]
    assert [t for t in types if t in RECTIFICATION_TYPES] == [
        "RectificationOpened", "RectificationClassified", "RectificationDisputeRuled"]
    audited = in_audit(api, tokens, ticket_id, len(types))
    assert [e["type"] for e in audited] == types
    ruled_entry = json.loads(audited[-1]["event"])
    assert ruled_entry["payload"]["ruling"] == "upheld"
    assert ruled_entry["payload"]["rating"] == "unsatisfied"

    # The measures, from the log: the rectification classified in time counts on time (every
    # one of this unit's is, in this module); the upheld 差评 stays in 满意率's denominator and
    # not in its numerator, and is not listed as voided.
    classified = next(e for e in audited if e["type"] == "RectificationClassified")
    rectification = counted(api, tokens, "rectification", classified)
    assert rectification["numerator"] == rectification["denominator"] >= 1
    rating = next(e for e in audited if e["type"] == "TicketRated")
    satisfaction = counted(api, tokens, "satisfaction", rating)
    assert satisfaction["numerator"] < satisfaction["denominator"]
    assert rating["seq"] not in [v["seq"] for v in satisfaction.get("voided", [])]


def test_a_bad_callback_rectified_at_once_then_the_redo_closes_it(api, tokens, people, act):
    office, owner, water = tokens["office"], people["owner"], people["water"]
    ticket_id = resolved_appeal(api, tokens, people, act, "新建仓库尚未通水",
                                "仓库已竣工一个月，自来水接入仍未安排施工。")

    back = act(office, ticket_id, "callback", {"reached": True, "resolved": "yes",
                                               "rating": "very_unsatisfied"})
    assert back["status"] == "in_progress"
    assert back["rectifications"][0]["rating"] == "very_unsatisfied"

    fixed = act(water, ticket_id, "classify-rectification",
                {"way": "fixed", "note": "已更换减压阀，水压恢复正常"})
    entry = fixed["rectifications"][0]
    assert (entry["status"], entry["way"], entry["pending_due"]) == ("fixed", "fixed", None)
    # Fixed is done: nothing is left to carry out or to rule on.
    assert act(water, ticket_id, "complete-rectification", {"note": "x"},
               expect=404)["title"] == "no_rectification"
    assert act(water, ticket_id, "classify-rectification",
               {"way": "explained", "note": "x", "number": 1},
               expect=409)["title"] == "rectification_not_open"

    act(water, ticket_id, "resolve", {"summary": "内部：减压阀更换", "reply": "已更换减压阀。"})
    act(office, ticket_id, "callback", {"reached": True, "resolved": "yes",
                                        "rating": "satisfied"})
    closed = act(office, ticket_id, "close-off")
    assert closed["status"] == "closed"
    assert closed["rectifications"][0]["status"] == "fixed"

    told = api.call("GET", f"/tickets/{ticket_id}", owner).json()["rectifications"][0]
    assert (told["way"], told["note"]) == ("fixed", "已更换减压阀，水压恢复正常")
    types = [e["type"] for e in history(api, office, ticket_id)]
    assert [t for t in types if t in RECTIFICATION_TYPES] == [
        "RectificationOpened", "RectificationClassified"]
    assert [e["type"] for e in in_audit(api, tokens, ticket_id, len(types))] == types
