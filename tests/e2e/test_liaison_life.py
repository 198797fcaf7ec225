"""The liaison field work through the gateway over HTTP on RabbitMQ (notice 二(三)): the register
seeded (units, a park, a leader, an enterprise, the enterprise_help working group); a survey
required of a department and reported to its leader; a help plan submitted, sent back, approved by
the enterprise_help group and filed with the office; a visit whose problem becomes an appeal in the
ledger, shown on the visit with its status — each step acted by the role the notice gives it and
found in the audit ledger."""
import json

from gateway.auth import mint

UNIT = "city-industry"
REVIEWING_UNIT = "city-drc"
PARK = "park-ganxian-hi-tech"
LEADER_ID = "leader-liu"
USCC = "91360702MA35G0QX4J"


def test_survey_help_plan_and_visit_life(api, tokens):
    office = tokens["office"]
    officer = mint("officer-wang", "unit_officer", unit=UNIT)
    reviewer = mint("officer-sun", "unit_officer", unit=REVIEWING_UNIT)
    leader = mint(LEADER_ID, "leader")

    def call(method, path, token, body=None, expect=200):
        response = api.call(method, path, token, json=body)
        assert response.status_code == expect, (method, path, response.text)
        return response.json()

    # -- the register (S1's routes) --
    for code, name in ((UNIT, "市工信局"), (REVIEWING_UNIT, "市发改委")):
        call("POST", "/units", office, {"code": code, "name": name, "kind": "city_department"},
             201)
    call("POST", "/parks", office, {"id": PARK, "name": "赣县区高新技术产业园",
                                    "county": "ganxian"}, 201)
    call("POST", "/leaders", office, {"id": LEADER_ID, "name": "刘副市长", "rank": "city",
                                      "title": "副市长"}, 201)
    call("POST", "/enterprises", office, {
        "uscc": USCC, "name": "赣州稀土材料有限公司", "county": "ganxian", "park": PARK,
        "industry": "rare_earth", "size": "medium", "above_designated_size": True}, 201)
    call("PUT", "/leading-group", office, {"group": "enterprise_help", "members": [
        {"name": "孙主任", "unit": REVIEWING_UNIT, "role": "head"}]})

    # -- a survey (调研), due May 25, reported to the leader --
    survey = call("POST", "/surveys", office, {"unit": UNIT, "park": PARK,
                                               "leader_id": LEADER_ID}, 201)
    assert survey["due"].endswith("-05-25") and survey["status"] == "required"
    refused = call("POST", f"/surveys/{survey['id']}/submit", reviewer,
                   {"findings": "x"}, expect=404)
    assert refused["title"] == "survey_not_found"
    submitted = call("POST", f"/surveys/{survey['id']}/submit", officer, {
        "findings": "园区企业融资、用工问题突出", "enterprises": [USCC],
        "problems": [{"kind": "financing", "description": "流动资金贷款难",
                      "proposal": "组织银企对接"}]})
    assert submitted["status"] == "submitted"
    assert [s["id"] for s in call("GET", "/surveys", leader)["items"]] == [survey["id"]]

    # -- a help plan (帮扶方案): submitted, sent back, approved, filed --
    plan = call("POST", "/help-plans", office, {"unit": UNIT, "leader_id": LEADER_ID}, 201)
    body = {"tasks": [{"task": "走访挂点企业，建立问题台账", "due": "2026-06-30",
                       "staff": ["刘洋"]}], "liaison_staff": ["刘洋"]}
    call("POST", f"/help-plans/{plan['id']}/submit", officer, body)
    call("POST", f"/help-plans/{plan['id']}/review", reviewer,
         {"decision": "send_back", "comment": "补充联络人员"})
    call("POST", f"/help-plans/{plan['id']}/submit", officer,
         {**body, "liaison_staff": ["刘洋", "陈静"]})
    refused = call("POST", f"/help-plans/{plan['id']}/review", officer,
                   {"decision": "approve"}, expect=403)
    assert refused["title"] == "not_enterprise_help_group"
    call("POST", f"/help-plans/{plan['id']}/review", reviewer, {"decision": "approve"})
    filed = call("POST", f"/help-plans/{plan['id']}/file", office, {"note": "已备案"})
    assert filed["status"] == "filed" and filed["submissions"] == 2

    # -- a visit (走访) whose problem becomes an appeal --
    visit = call("POST", "/visits", leader, {
        "date": "2026-05-02", "leader_id": LEADER_ID, "cadres": ["刘洋"], "units": [UNIT],
        "uscc": USCC, "findings": "订单充足，资金周转紧张", "problems": [
            {"title": "流动资金贷款难", "description": "银行抽贷断贷", "category": "financing"}]},
        201)
    assert visit["enterprise_name"] == "赣州稀土材料有限公司"

    def appealed():
        [problem] = call("GET", f"/visits/{visit['id']}/problems", leader)["items"]
        return problem["appeal"]
    appeal = api.wait_for(appealed)
    assert appeal["status"] == "received" and appeal["ledger_number"].startswith("GZ-")
    ticket = call("GET", f"/tickets/{appeal['ticket_id']}", office)
    assert ticket["channel"] == "visit" and ticket["title"] == "流动资金贷款难"

    # -- every step in the audit ledger --
    def ledger_has(stream_id, expected):
        def check():
            entries = call("GET", f"/audit/entries?stream_id={stream_id}",
                           tokens["supervisor"])["items"]
            events = [json.loads(e["event"]) for e in entries]
            types = [e["type"] for e in events]
            return events if all(t in types for t in expected) else None
        return api.wait_for(check)

    for stream_id, expected in (
            (UNIT, ["UnitRegistered"]), (PARK, ["ParkRegistered"]),
            (LEADER_ID, ["LeaderRegistered"]), (USCC, ["EnterpriseRegistered"]),
            (survey["id"], ["SurveyRequired", "SurveySubmitted"]),
            (plan["id"], ["HelpPlanRequired", "HelpPlanSubmitted", "HelpPlanSentBack",
                          "HelpPlanApproved", "HelpPlanFiled"]),
            (visit["id"], ["VisitRecorded", "VisitProblemFound", "VisitAppealRaised"]),
            (appeal["ticket_id"], ["TicketRaised"])):
        ledger_has(stream_id, expected)
    plan_events = {e["type"]: e["actor"] for e in ledger_has(plan["id"], [])}
    assert plan_events["HelpPlanApproved"] == f"unit_officer:{REVIEWING_UNIT}:officer-sun"
    assert plan_events["HelpPlanFiled"] == "office:clerk-li"
    [raised] = [e for e in ledger_has(appeal["ticket_id"], ["TicketRaised"])
                if e["type"] == "TicketRaised"]
    assert raised["actor"] == "system:liaison-visits"
    assert raised["payload"]["visit_id"] == visit["id"]
    assert call("GET", "/audit/verify", tokens["supervisor"])["ok"] is True
