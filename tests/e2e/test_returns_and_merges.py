"""Returns, merges and splits of appeals over HTTP through the whole stack: a return the office
rules on and the unit then takes; three enterprises' duplicates merged into one and an appeal of
two matters split in two — checked in each appeal's events, in the audit ledger, and in the
ledger as the office and as each enterprise reads it."""
import pytest

from gateway.auth import mint
from registered_units import register_units, until_tickets_know

FIRMS = {"91360781MA35XY123U": "瑞金市红都食品有限公司",
         "91360703MA37K8L9PN": "南康区木艺家具有限公司",
         "91360702MA35G0QX4J": "章贡区精密电子有限公司"}
UNIT, OTHER_UNIT = "ganzhou-water", "ganzhou-housing"


def appeal(uscc: str, title: str, description: str) -> dict:
    return {"enterprise_name": FIRMS[uscc], "uscc": uscc, "title": title,
            "description": description, "channel": "hotline", "category": "land_and_energy",
            "county": "zhanggong"}


@pytest.fixture(scope="module", autouse=True)
def registered(api, tokens):
    register_units(api.base, tokens["office"], UNIT, OTHER_UNIT)
    until_tickets_know(api.base, tokens["office"], UNIT, OTHER_UNIT)


def events_of(api, token, ticket_id) -> list[str]:
    answer = api.call("GET", f"/tickets/{ticket_id}/history", token)
    assert answer.status_code == 200, answer.text
    return [e["type"] for e in answer.json()["events"]]


def in_audit(api, tokens, ticket_id, count):
    def every_step():
        items = api.call("GET", f"/audit/entries?stream_id={ticket_id}",
                         tokens["supervisor"]).json()["items"]
        return items if len(items) == count else None
    return api.wait_for(every_step)


def test_a_return_is_ruled_on_by_the_office_and_the_unit_takes_it(api, tokens, act):
    office = tokens["office"]
    uscc = next(iter(FIRMS))
    owner = mint("ent-hongdu", "enterprise", uscc=uscc)
    water = mint("officer-shui", "unit_officer", unit=UNIT)
    housing = mint("officer-fang", "unit_officer", unit=OTHER_UNIT)
    ticket_id = api.call("POST", "/tickets", owner, json=appeal(
        uscc, "厂区供水管道归属不清", "供水管道破裂，自来水公司和园区互相推诿。")).json()["id"]
    act(office, ticket_id, "dispatch", {"lead_unit": UNIT})

    # Not the lead unit, nor the enterprise, returns it; bad input names its field.
    act(housing, ticket_id, "return", {"reason": "not_its_area", "legal_basis": "x"}, expect=403)
    act(owner, ticket_id, "return", {"reason": "not_its_area", "legal_basis": "x"}, expect=403)
    wrong = act(water, ticket_id, "return", {"reason": "too_busy", "legal_basis": "x"}, expect=422)
    assert wrong["field"] == "reason"
    returned = act(water, ticket_id, "return", {
        "reason": "unclear_ownership", "legal_basis": "《城市供水条例》第二十八条"})
    assert returned["status"] == "returned"
    assert returned["returns"][0]["unit"] == UNIT and returned["deadlines"]["sign"] is None
    # The enterprise sees its appeal is back with the office, and why.
    assert api.call("GET", f"/tickets/{ticket_id}", owner).json()["status"] == "returned"

    act(water, ticket_id, "rule-on-return", {"ruling": "x"}, expect=403)
    ruled = act(office, ticket_id, "rule-on-return", {"ruling": "经审核，厂区外管网属水务局职责"})
    assert ruled["status"] == "dispatched" and ruled["lead_unit"] == UNIT
    again = act(water, ticket_id, "return", {"reason": "not_its_remit", "legal_basis": "x"},
                expect=409)
    assert again["title"] == "return_already_ruled"
    assert act(water, ticket_id, "sign-for")["status"] == "signed_for"

    types = ["TicketRaised", "TicketDispatched", "TicketReturned", "TicketReturnRuled",
             "TicketSignedFor"]
    assert events_of(api, office, ticket_id) == types
    entries = in_audit(api, tokens, ticket_id, len(types))
    assert [e["type"] for e in entries] == types
    lines = api.call("GET", "/tickets?status=signed_for&limit=200", office).json()["items"]
    assert ticket_id in {line["id"] for line in lines}


def test_three_duplicates_merged_and_an_appeal_split_in_two(api, tokens, act):
    office = tokens["office"]
    owners = {uscc: mint(f"ent-{uscc[-4:]}", "enterprise", uscc=uscc) for uscc in FIRMS}
    water = mint("officer-shui", "unit_officer", unit=UNIT)
    ids = {uscc: api.call("POST", "/tickets", owners[uscc], json=appeal(
        uscc, "章贡工业园停水三天", "园区停水三天，生产停摆，请尽快恢复供水。")).json()["id"]
        for uscc in FIRMS}
    first, second, third = FIRMS
    survivor = ids[first]
    others = [ids[second], ids[third]]

    # The duplicate check proposes the others to the office; a person decides.
    proposed = api.call("GET", f"/tickets/{survivor}/merge-proposals", office)
    assert proposed.status_code == 200, proposed.text
    assert {p["id"] for p in proposed.json()["proposals"]} == set(others)
    assert api.call("GET", f"/tickets/{survivor}/merge-proposals",
                    owners[first]).status_code == 403
    assert events_of(api, office, survivor) == ["TicketRaised"]  # proposing merges nothing
    act(owners[first], survivor, "merge", {"appeals": others, "reason": "重复"}, expect=403)
    act(water, survivor, "merge", {"appeals": others, "reason": "重复"}, expect=403)
    merged = act(office, survivor, "merge", {"appeals": others, "reason": "同一园区停水"})
    assert [(link["kind"], link["ticket_id"]) for link in merged["links"]] == [
        ("merged_from", others[0]), ("merged_from", others[1])]
    assert events_of(api, office, survivor) == ["TicketRaised", "AppealsMerged"]
    for other in others:
        assert events_of(api, office, other) == ["TicketRaised", "TicketMerged"]
        assert act(office, other, "dispatch", {"lead_unit": UNIT}, expect=409)["title"] == \
            "ticket_merged"
    in_audit(api, tokens, others[1], 2)

    # The ledger as the office: one survivor, two merged lines pointing at it.
    listed = {line["id"]: line for line in api.call(
        "GET", "/tickets?status=merged&limit=200", office).json()["items"]}
    assert set(others) <= set(listed)
    # As each enterprise: its own line only, never another's merged appeal.
    for uscc, token in owners.items():
        own = {line["id"] for line in api.call("GET", "/tickets?limit=200", token).json()["items"]}
        assert ids[uscc] in own and not (set(ids.values()) - {ids[uscc]}) & own
        for other_uscc, other_id in ids.items():
            if other_uscc != uscc:
                assert api.call("GET", f"/tickets/{other_id}", token).status_code == 403
    survivor_seen = api.call("GET", f"/tickets/{survivor}", owners[first]).json()
    assert [link for link in survivor_seen["links"] if link["kind"] == "merged_from"] == []
    merged_history = api.call("GET", f"/tickets/{survivor}/history", owners[first]).json()
    assert merged_history["events"][1]["payload"]["merged"] == []

    # The survivor is handled; each merged enterprise follows it and rates its own outcome.
    act(office, survivor, "dispatch", {"lead_unit": UNIT})
    act(water, survivor, "sign-for")
    act(water, survivor, "classify", {"way": "unsolvable", "explanation": "管网抢修"})
    too_early = act(owners[second], others[0], "rate-merged", {"rating": "satisfied"}, expect=409)
    assert too_early["title"] == "survivor_not_resolved"
    act(water, survivor, "resolve", {"summary": "内部：更换主管道", "reply": "已抢修恢复供水"})
    followed = api.call("GET", f"/tickets/{others[0]}", owners[second]).json()
    assert followed["status"] == "merged"
    assert followed["survivor"]["status"] == "resolved"
    assert followed["survivor"]["reply"] == "已抢修恢复供水"
    assert "内部" not in str(followed)
    assert FIRMS[first] not in str(followed["survivor"]) and first not in str(followed["survivor"])
    rated = act(owners[second], others[0], "rate-merged", {"rating": "satisfied"})
    assert rated["ratings"][0]["via"] == "enterprise"
    act(owners[third], others[0], "rate-merged", {"rating": "satisfied"}, expect=403)
    assert api.call("GET", f"/tickets/{survivor}", office).json()["rating"] is None

    # An appeal of two matters, split in two new numbered appeals, each pointing back.
    original = api.call("POST", "/tickets", owners[first], json=appeal(
        first, "停电和道路两件事", "园区频繁停电；进厂道路坑洼。")).json()
    act(water, original["id"], "split", {"matters": [], "reason": "x"}, expect=403)
    split = act(office, original["id"], "split", {"reason": "一件诉求含两项事项", "matters": [
        {"title": "园区频繁停电", "description": "每周停电两次。"},
        {"title": "进厂道路坑洼", "description": "货车难以通行。", "category": "logistics"}]})
    assert split["status"] == "split"
    parts = [link for link in split["links"] if link["kind"] == "split_into"]
    numbers = [part["ledger_number"] for part in parts]
    assert len(set(numbers)) == 2 and original["ledger_number"] not in numbers
    assert events_of(api, office, original["id"]) == ["TicketRaised", "TicketSplit"]
    mine = {line["id"]: line for line in api.call(
        "GET", "/tickets?limit=200", owners[first]).json()["items"]}
    for part in parts:
        line = mine[part["ticket_id"]]
        assert line["status"] == "received" and line["ledger_number"] == part["ledger_number"]
        view = api.call("GET", f"/tickets/{part['ticket_id']}", owners[first]).json()
        assert view["links"] == [{**view["links"][0], "kind": "split_from",
                                  "ticket_id": original["id"]}]
        assert api.call("GET", f"/tickets/{part['ticket_id']}", owners[second]).status_code == 403
    assert mine[parts[1]["ticket_id"]]["category"] == "logistics"
    linked = act(office, parts[0]["ticket_id"], "link", {"related_id": parts[1]["ticket_id"]})
    assert linked["links"][-1]["kind"] == "related"
