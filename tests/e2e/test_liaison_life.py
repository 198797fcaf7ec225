"""The liaison life through the gateway over HTTP on RabbitMQ (notice 二(三), 三(一)): the register
seeded (units, two parks, a top city leader and a city leader, 35 enterprises rated by tier, the
enterprise_help working group); the linkage (a plan proposed by the enterprise_help group and
accepted by the office, a change breaking a rule refused naming it and one that holds, the
department linked to its park, a liaison officer appointed, a leader reading only his own
linkage); a survey of the department's park reported to the leader linked there; a help plan for
a leader's accepted linkage submitted, sent back, approved by the enterprise_help group and filed
with the office; a visit whose problem becomes an appeal in the ledger, shown on the visit with its
status — each step acted by the role the notice gives it and found in the audit ledger."""
import json

from bench.city import credit_code
from gateway.auth import mint

UNIT = "city-industry"
REVIEWING_UNIT = "city-drc"
PARK = "park-ganxian-hi-tech"
OTHER_PARK = "park-nankang-furniture"
TOP_ID = "leader-zhou"
LEADER_ID = "leader-liu"
CADRE = "cadre-chen"
USCC = "91360702MA35G0QX4J"
CITY_STREAM = "city-linkage"


def _rated(start: int, good: int, average: int, difficult: int) -> dict[str, str]:
    tiers = ["good"] * good + ["average"] * average + ["difficult"] * difficult
    return {credit_code(start + n): tier for n, tier in enumerate(tiers)}


# Rated above-size enterprises for the notice's rules (10 good, 3 average, 2 difficult each):
# the top leader's park holds exactly his fifteen; the other park the city leader's fifteen and
# four more, one of each tier at least, for a change.
IN_PARK = _rated(800, 10, 3, 2)
IN_OTHER_PARK = _rated(900, 12, 4, 3)


def test_linkage_survey_help_plan_and_visit_life(api, tokens):
    office = tokens["office"]
    officer = mint("officer-wang", "unit_officer", unit=UNIT)
    reviewer = mint("officer-sun", "unit_officer", unit=REVIEWING_UNIT)
    leader = mint(LEADER_ID, "leader")
    top_leader = mint(TOP_ID, "leader")

    def call(method, path, token, body=None, expect=200):
        # Shared configuration asks for no version here (test_concurrency holds it to its ETag).
        response = api.call(method, path, token, json=body,
                            headers={} if method == "GET" else {"If-Match": "*"})
        assert response.status_code == expect, (method, path, response.text)
        return response.json()

    # -- the register (S1's routes) --
    for code, name in ((UNIT, "市工信局"), (REVIEWING_UNIT, "市发改委")):
        call("POST", "/units", office, {"code": code, "name": name, "kind": "city_department"},
             201)
    for park, name, county in ((PARK, "赣县区高新技术产业园", "ganxian"),
                               (OTHER_PARK, "南康区家具产业园", "nankang")):
        call("POST", "/parks", office, {"id": park, "name": name, "county": county}, 201)
    call("POST", "/leaders", office, {"id": TOP_ID, "name": "周市长", "rank": "top_city",
                                      "title": "市长"}, 201)
    call("POST", "/leaders", office, {"id": LEADER_ID, "name": "刘副市长", "rank": "city",
                                      "title": "副市长"}, 201)
    call("POST", "/enterprises", office, {
        "uscc": USCC, "name": "赣州稀土材料有限公司", "county": "ganxian", "park": PARK,
        "industry": "rare_earth", "size": "medium", "above_designated_size": True}, 201)
    tiers = {**IN_PARK, **IN_OTHER_PARK}
    for n, (uscc, tier) in enumerate(tiers.items()):
        park, county = (PARK, "ganxian") if uscc in IN_PARK else (OTHER_PARK, "nankang")
        call("POST", "/enterprises", office, {
            "uscc": uscc, "name": f"规上企业{n:02d}", "county": county, "park": park,
            "industry": "electronics", "size": "medium", "above_designated_size": True}, 201)
        call("POST", f"/enterprises/{uscc}/tier", office, {"tier": tier})
    call("PUT", "/leading-group", office, {"group": "enterprise_help", "members": [
        {"name": "孙主任", "unit": REVIEWING_UNIT, "role": "head"}]})

    # -- the linkage (挂点联系): proposed by the enterprise_help group, accepted by the office --
    proposed = call("POST", "/plans", reviewer, {"parks": {TOP_ID: PARK}}, 201)
    assert proposed["status"] == "proposed"
    lists = {l["leader_id"]: l for l in proposed["linkages"]}
    assert sorted(lists) == [LEADER_ID, TOP_ID]
    assert lists[TOP_ID]["park"] == PARK and set(lists[TOP_ID]["enterprises"]) == set(IN_PARK)
    for linkage in lists.values():
        assert linkage["coverage"]["tiers"] == {"good": 10, "average": 3, "difficult": 2}
    refused = call("POST", f"/plans/{proposed['id']}/accept", reviewer, expect=403)
    assert refused["title"] == "role_not_allowed"
    accepted = call("POST", f"/plans/{proposed['id']}/accept", office)
    assert accepted["status"] == "accepted" and accepted["accepted_at"]

    # a change breaking a rule is refused naming it: an enterprise of the top leader's list
    # given to the city leader in place of one of his of the same tier
    his = lists[LEADER_ID]["enterprises"]
    out = next(u for u in his if tiers[u] == "good")
    taken = next(u for u in lists[TOP_ID]["enterprises"] if tiers[u] == "good")
    refused = call("POST", f"/linkages/{LEADER_ID}", office, {
        "enterprises": [taken if u == out else u for u in his], "reason": "调整挂点企业"},
        expect=409)
    assert refused["title"] == "one_city_leader_per_enterprise" and taken in refused["detail"]
    # and one that holds: a spare of the same tier in his place
    spare = next(u for u in IN_OTHER_PARK if u not in his and tiers[u] == "good")
    changed = call("POST", f"/linkages/{LEADER_ID}", office, {
        "enterprises": [spare if u == out else u for u in his], "reason": "企业调整"})
    assert spare in changed["enterprises"] and out not in changed["enterprises"]
    assert changed["coverage"]["tiers"] == {"good": 10, "average": 3, "difficult": 2}

    # the department's park (对口园区) and a liaison officer (联络员) for the city leader
    linked = call("POST", f"/departments/{UNIT}/park", office, {"park": PARK})
    assert linked["park"] == PARK
    assert call("GET", f"/departments/{UNIT}/park", officer)["park"] == PARK
    appointed = call("POST", "/liaison-officers", office, {
        "cadre_id": CADRE, "name": "陈静", "unit": UNIT, "leader_id": LEADER_ID}, 201)
    assert appointed["leader_id"] == LEADER_ID

    # a leader sees only his own linkage, his liaison officer his leader's, the office all
    [mine] = call("GET", "/linkages", leader)["items"]
    assert mine["leader_id"] == LEADER_ID and spare in mine["enterprises"]
    assert [o["cadre_id"] for o in mine["liaison_officers"]] == [CADRE]
    refused = call("GET", f"/linkages/{TOP_ID}", leader, expect=403)
    assert refused["title"] == "may_not_read_linkage"
    assert [l["leader_id"] for l in call("GET", "/linkages", top_leader)["items"]] == [TOP_ID]
    assert [l["leader_id"] for l in call("GET", "/linkages", mint(CADRE, "liaison"))[
        "items"]] == [LEADER_ID]
    assert {l["leader_id"] for l in call("GET", "/linkages", office)["items"]} == \
        {TOP_ID, LEADER_ID}

    # -- a survey (调研) of the department's park, due May 25, reported to the leader linked
    # there: the top leader whose park it is --
    refused = call("POST", "/surveys", office, {"unit": UNIT, "park": OTHER_PARK}, expect=409)
    assert refused["title"] == "not_department_park"
    refused = call("POST", "/surveys", office, {"unit": REVIEWING_UNIT}, expect=409)
    assert refused["title"] == "department_not_linked"
    refused = call("POST", "/surveys", office, {"unit": UNIT, "leader_id": LEADER_ID},
                   expect=409)
    assert refused["title"] == "leader_not_linked_to_park"
    survey = call("POST", "/surveys", office, {"unit": UNIT}, 201)
    assert survey["due"].endswith("-05-25") and survey["status"] == "required"
    assert (survey["park"], survey["leader_id"]) == (PARK, TOP_ID)
    refused = call("POST", f"/surveys/{survey['id']}/submit", reviewer,
                   {"findings": "x"}, expect=404)
    assert refused["title"] == "survey_not_found"
    submitted = call("POST", f"/surveys/{survey['id']}/submit", officer, {
        "findings": "园区企业融资、用工问题突出", "enterprises": [USCC],
        "problems": [{"kind": "financing", "description": "流动资金贷款难",
                      "proposal": "组织银企对接"}]})
    assert submitted["status"] == "submitted"
    assert [s["id"] for s in call("GET", "/surveys", top_leader)["items"]] == [survey["id"]]
    assert call("GET", "/surveys", leader)["items"] == []

    # -- a help plan (帮扶方案) for the city leader's linkage: submitted, sent back, approved,
    # filed --
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

    # -- a visit (走访) whose problem becomes an appeal: by the top leader, to an enterprise of
    # his park; the city leader may not raise one in its name
    outside_his_list = call("POST", "/visits", leader, {
        "date": "2026-05-02", "leader_id": LEADER_ID, "cadres": ["刘洋"], "units": [UNIT],
        "uscc": USCC, "findings": "x", "problems": []}, 403)
    assert outside_his_list["title"] == "not_leaders_enterprise"
    visit = call("POST", "/visits", top_leader, {
        "date": "2026-05-02", "leader_id": TOP_ID, "cadres": ["刘洋"], "units": [UNIT],
        "uscc": USCC, "findings": "订单充足，资金周转紧张", "problems": [
            {"title": "流动资金贷款难", "description": "银行抽贷断贷", "category": "financing"}]},
        201)
    assert visit["enterprise_name"] == "赣州稀土材料有限公司"

    def appealed():
        [problem] = call("GET", f"/visits/{visit['id']}/problems", top_leader)["items"]
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
            (LEADER_ID, ["LeaderRegistered"]), (TOP_ID, ["LeaderRegistered"]),
            (USCC, ["EnterpriseRegistered"]), (spare, ["EnterpriseRegistered",
                                                       "EnterpriseTierRated"]),
            (proposed["id"], ["PlanProposed"]),
            (CITY_STREAM, ["PlanAccepted", "LinkageChanged", "DepartmentLinkedToPark",
                           "LiaisonOfficerAppointed"]),
            (survey["id"], ["SurveyRequired", "SurveySubmitted"]),
            (plan["id"], ["HelpPlanRequired", "HelpPlanSubmitted", "HelpPlanSentBack",
                          "HelpPlanApproved", "HelpPlanFiled"]),
            (visit["id"], ["VisitRecorded", "VisitProblemFound", "VisitAppealRaised"]),
            (appeal["ticket_id"], ["TicketRaised"])):
        ledger_has(stream_id, expected)
    city = ledger_has(CITY_STREAM, ["LiaisonOfficerAppointed"])
    assert [e["type"] for e in city] == ["PlanAccepted", "LinkageChanged",
                                         "DepartmentLinkedToPark", "LiaisonOfficerAppointed"]
    assert {e["actor"] for e in city} == {"office:clerk-li"}
    [changed_event] = [e for e in city if e["type"] == "LinkageChanged"]
    assert (changed_event["payload"]["added"], changed_event["payload"]["removed"]) == \
        ([spare], [out])
    [proposal] = ledger_has(proposed["id"], ["PlanProposed"])
    assert proposal["actor"] == f"unit_officer:{REVIEWING_UNIT}:officer-sun"
    plan_events = {e["type"]: e["actor"] for e in ledger_has(plan["id"], [])}
    assert plan_events["HelpPlanApproved"] == f"unit_officer:{REVIEWING_UNIT}:officer-sun"
    assert plan_events["HelpPlanFiled"] == "office:clerk-li"
    [raised] = [e for e in ledger_has(appeal["ticket_id"], ["TicketRaised"])
                if e["type"] == "TicketRaised"]
    assert raised["actor"] == "system:liaison-visits"
    assert raised["payload"]["visit_id"] == visit["id"]
    assert call("GET", "/audit/verify", tokens["supervisor"])["ok"] is True

    # -- the appointed liaison officer (联络员) reports an enterprise of his leader's list: its
    # production and operation for a month (企业生产经营情况), in the ledger as his --
    liaison_officer = mint(CADRE, "liaison")
    report = call("POST", "/operation-reports", liaison_officer, {
        "uscc": spare, "period": "2026-10", "production_status": "partly_halted",
        "output_value": 1200, "revenue": 1100.5, "tax": 80, "employees": 230,
        "problems": "订单下滑，一条产线停产检修"}, 201)
    assert (report["id"], report["leader_id"]) == (f"{spare}-2026-10", LEADER_ID)
    refused = call("POST", "/operation-reports", liaison_officer, {
        "uscc": spare, "period": "2026-10", "production_status": "normal"}, expect=409)
    assert refused["title"] == "one_report_per_enterprise_month"
    assert [r["id"] for r in call("GET", "/operation-reports", leader)["items"]] == [report["id"]]
    [filed_event] = ledger_has(report["id"], ["OperationReportFiled"])
    assert filed_event["actor"] == f"liaison:{CADRE}"
    assert filed_event["payload"]["figures"]["revenue"] == 1100.5
