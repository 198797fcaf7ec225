"""Who reads which appeals, through the tickets service on the real broker with the liaison
service beside it, on SQLite and PostgreSQL: a leader his linkage's appeals (his enterprises, his
park's) and his visits', a liaison officer his leader's, an unregistered leader or an unappointed
liaison officer none — the tickets service learning linkages, appointments, parks and visits from
the liaison service's events; the county an appeal is classified to for coordination checked
against the register, then reading and noting progress on it; the export a page at a time in the
list's scope; the routing table only to the office, supervisors and unit officers."""
import time

import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from bench.city import credit_code
from callers import assertion
from kernel.errors import Refused
from services.liaison.service import LiaisonService
from services.tickets.service import TicketsService

OFFICE = {"sub": "clerk-li", "role": "office"}
SUPERVISOR = {"sub": "inspector-wang", "role": "supervisor"}
MAYOR = {"sub": "mayor-zhou", "role": "leader"}
COUNTY_HEAD = {"sub": "county-head-wang", "role": "leader"}
GHOST = {"sub": "leader-unregistered", "role": "leader"}
CADRE = {"sub": "cadre-chen", "role": "liaison"}
UNAPPOINTED = {"sub": "cadre-none", "role": "liaison"}
DEPARTMENT = "city-industry"
LEAD = {"sub": "officer-zhao", "role": "unit_officer", "unit": DEPARTMENT}
NANKANG = {"sub": "officer-nankang", "role": "unit_officer", "unit": "nankang"}
XINFENG = {"sub": "officer-xinfeng", "role": "unit_officer", "unit": "xinfeng"}
PARK = "park-ganxian-hitech"

# The mayor's list: fifteen rated above-size enterprises of his park (10 good, 3 average,
# 2 difficult); one more of the park on no list; one of Nankang on none either.
LISTED = {credit_code(900 + n): tier
          for n, tier in enumerate(["good"] * 10 + ["average"] * 3 + ["difficult"] * 2)}
IN_PARK_ONLY = credit_code(950)
OUTSIDE = credit_code(951)


@pytest.fixture
def wait_until():
    def wait(predicate, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not met in time")
            time.sleep(0.2)
    return wait


def refused(call, *args) -> Refused:
    with pytest.raises(Refused) as raised:
        call(*args)
    return raised.value


def appeal(uscc: str, title: str, county: str) -> dict:
    return {"enterprise_name": f"企业{uscc[-4:]}", "uscc": uscc, "title": title,
            "description": f"{title}，请协调。", "channel": "hotline", "category": "financing",
            "county": county}


def ids(page: dict) -> set[str]:
    return {item["id"] for item in page["items"]}


def export_lines(cluster, who: dict) -> list[list]:
    lines, cursor = [], None
    while True:
        page = cluster.tickets.export_tickets(assertion(who), {}, cursor)
        lines += page["lines"]
        cursor = page["next_cursor"]
        if cursor is None:
            return lines


def build_world(cluster, wait_until) -> dict:
    office = assertion(OFFICE)
    liaison = cluster.liaison
    liaison.register_unit(office, {"code": DEPARTMENT, "name": "市工信局",
                                   "kind": "city_department"})
    liaison.register_park(office, {"id": PARK, "name": "赣县区高新技术产业园", "county": "ganxian"})
    liaison.register_leader(office, {"id": MAYOR["sub"], "name": "周市长", "rank": "top_city",
                                     "title": "市长"})
    liaison.register_leader(office, {"id": COUNTY_HEAD["sub"], "name": "王县长",
                                     "rank": "county", "title": "县长", "county": "nankang"})
    for n, (uscc, tier) in enumerate(LISTED.items()):
        liaison.register_enterprise(office, {
            "uscc": uscc, "name": f"园区企业{n:02d}", "county": "ganxian", "park": PARK,
            "industry": "electronics", "size": "medium", "above_designated_size": True})
        liaison.rate_enterprise(office, uscc, tier)
    liaison.register_enterprise(office, {
        "uscc": IN_PARK_ONLY, "name": "园区小微企业", "county": "ganxian", "park": PARK,
        "industry": "electronics", "size": "small", "above_designated_size": False})
    liaison.register_enterprise(office, {
        "uscc": OUTSIDE, "name": "南康家具企业", "county": "nankang", "industry": "furniture",
        "size": "small", "above_designated_size": False})
    liaison.change_linkage(office, MAYOR["sub"], list(LISTED), PARK, "挂点联系")
    liaison.appoint_liaison(office, {"cadre_id": CADRE["sub"], "name": "陈静",
                                     "unit": DEPARTMENT, "leader_id": MAYOR["sub"]})
    visit = liaison.record_visit(assertion(COUNTY_HEAD), {
        "date": "2026-05-02", "leader_id": COUNTY_HEAD["sub"], "cadres": ["刘洋"], "units": [],
        "uscc": OUTSIDE, "findings": "订单不足", "problems": [
            {"title": "订单不足", "description": "外贸订单下滑", "category": "financing"}]})

    raise_ = cluster.tickets.raise_appeal
    world = {
        "listed": raise_(office, appeal(next(iter(LISTED)), "技改贷款贴息", "ganxian"))["id"],
        "park": raise_(office, appeal(IN_PARK_ONLY, "厂房用电增容", "ganxian"))["id"],
        "outside": raise_(office, appeal(OUTSIDE, "出口退税慢", "nankang"))["id"],
    }

    def visit_appeal():
        items = cluster.tickets.list_tickets(office, {"channel": "visit"})["items"]
        return items[0]["id"] if items else None
    wait_until(visit_appeal)
    world["visit"] = visit_appeal()
    world["visit_id"] = visit["id"]
    # The linkage, the appointment and the visit arrive over the broker a moment later.
    wait_until(lambda: ids(cluster.tickets.list_tickets(assertion(CADRE), {}))
               == {world["listed"], world["park"]}
               and ids(cluster.tickets.list_tickets(assertion(COUNTY_HEAD), {}))
               == {world["visit"]})
    return world


def test_each_caller_reads_only_its_scope(stores, container_factory, service_config,
                                           wait_until):
    tickets_url, liaison_url = stores
    container_factory(TicketsService, service_config(tickets_url)).start()
    container_factory(LiaisonService, service_config(liaison_url)).start()
    with ClusterRpcProxy(service_config()) as cluster:
        world = build_world(cluster, wait_until)
        tickets = cluster.tickets
        mine = {world["listed"], world["park"]}
        everything = mine | {world["outside"], world["visit"]}

        # A leader: his list's and his park's enterprises; his liaison officer the same.
        for who in (MAYOR, CADRE):
            assert ids(tickets.list_tickets(assertion(who), {})) == mine
            pages = [tickets.list_tickets(assertion(who), {}, None, 1)]
            pages.append(tickets.list_tickets(assertion(who), {}, pages[0]["next_cursor"], 1))
            assert [len(p["items"]) for p in pages] == [1, 1] and pages[1]["next_cursor"] is None
            assert ids(pages[0]) | ids(pages[1]) == mine
            assert tickets.get_ticket(assertion(who), world["park"])["uscc"] == IN_PARK_ONLY
            assert tickets.history(assertion(who), world["listed"])[0]["type"] == "TicketRaised"
            for outside in (world["outside"], world["visit"]):
                for read in (tickets.get_ticket, tickets.history):
                    refusal = refused(read, assertion(who), outside)
                    assert (refusal.kind, refusal.rule) == ("forbidden", "not_in_linkage")
            assert sorted(line[2] for line in export_lines(cluster, who)) == sorted(
                [next(iter(LISTED)), IN_PARK_ONLY])

        # A county leader: the appeal raised from his visit, which names it.
        assert tickets.get_ticket(assertion(COUNTY_HEAD), world["visit"])["visit_id"] \
            == world["visit_id"]
        assert refused(tickets.get_ticket, assertion(COUNTY_HEAD), world["outside"]).rule \
            == "not_in_linkage"

        # No one the register or an appointment names: nothing at all.
        for who in (GHOST, UNAPPOINTED):
            assert tickets.list_tickets(assertion(who), {})["items"] == []
            assert export_lines(cluster, who) == []
            assert refused(tickets.get_ticket, assertion(who), world["listed"]).rule \
                == "not_in_linkage"

        assert ids(tickets.list_tickets(assertion(SUPERVISOR), {})) == everything
        assert len(export_lines(cluster, SUPERVISOR)) == 4
        # Only the stack's own callers and readers of the whole ledger act as they did.
        assert refused(tickets.act, assertion(MAYOR), world["listed"], "urge",
                       {"message": "加快"}).rule == "role_not_allowed"


def test_a_county_coordination_names_a_registered_county_which_then_takes_part(
        db_url, container_factory, service_config):
    from registered_units import known_units
    container_factory(TicketsService, service_config(db_url)).start()
    known_units(db_url, DEPARTMENT, service="tickets")
    with ClusterRpcProxy(service_config()) as cluster:
        tickets, office, lead = cluster.tickets, assertion(OFFICE), assertion(LEAD)
        ticket_id = tickets.raise_appeal(office, appeal(OUTSIDE, "出口退税慢", "nankang"))["id"]
        tickets.act(office, ticket_id, "dispatch", {"lead_unit": DEPARTMENT})
        tickets.act(lead, ticket_id, "sign-for", {})
        for county_unit, rule in (("南康区", "unknown_unit"), ("nankang_gov", "unknown_unit"),
                                  (DEPARTMENT, "not_a_county"), ("ganzhou_etdz", "not_a_county"),
                                  ("office", "not_a_county")):
            refusal = refused(tickets.act, lead, ticket_id, "classify",
                              {"way": "county_coordination", "county_unit": county_unit})
            assert (refusal.kind, refusal.rule, refusal.field) == ("invalid", rule, "county_unit")
        assert tickets.get_ticket(office, ticket_id)["status"] == "signed_for"
        # Who may classify is told before whether the county is one: a unit not on the appeal
        # does not reach it at all.
        assert refused(tickets.act, assertion(NANKANG), ticket_id, "classify", {
            "way": "county_coordination", "county_unit": "zhanggong_gov"}).rule \
            == "unit_not_involved"
        assert tickets.list_tickets(assertion(NANKANG), {})["items"] == []

        classified = tickets.act(lead, ticket_id, "classify",
                                 {"way": "county_coordination", "county_unit": "nankang"})
        assert classified["classification"]["county_unit"] == "nankang"
        # The coordinating county reads it, in its ledger and alone, and notes its progress;
        # resolving stays with the lead unit.
        assert ids(tickets.list_tickets(assertion(NANKANG), {})) == {ticket_id}
        assert tickets.get_ticket(assertion(NANKANG), ticket_id)["id"] == ticket_id
        noted = tickets.act(assertion(NANKANG), ticket_id, "progress", {"note": "已约谈企业"})
        assert noted["progress_notes"][-1]["unit"] == "nankang"
        assert refused(tickets.act, assertion(NANKANG), ticket_id, "resolve",
                       {"summary": "已解决"}).rule == "not_lead_unit"
        assert tickets.list_tickets(assertion(XINFENG), {})["items"] == []
        assert refused(tickets.get_ticket, assertion(XINFENG), ticket_id).kind == "forbidden"


def test_the_routing_table_is_the_office_s_supervisors_and_units_own_lines(
        db_url, container_factory, service_config):
    from registered_units import known_units
    container_factory(TicketsService, service_config(db_url)).start()
    known_units(db_url, DEPARTMENT, "city-finance", service="tickets")
    with ClusterRpcProxy(service_config()) as cluster:
        tickets, office = cluster.tickets, assertion(OFFICE)
        tickets.set_route(office, {"category": "financing", "county": "*", "unit": "city-finance"})
        tickets.set_route(office, {"category": "labour", "county": "*", "unit": DEPARTMENT})
        whole = tickets.routes(office)["routes"]
        assert len(whole) == 2
        assert tickets.routes(assertion(SUPERVISOR))["routes"] == whole
        assert tickets.routes(assertion(LEAD))["routes"] == [
            {"category": "labour", "county": "*", "unit": DEPARTMENT}]
        assert tickets.routes(assertion(NANKANG))["routes"] == []
        for who in (MAYOR, CADRE, {"sub": "boss", "role": "enterprise", "uscc": OUTSIDE}):
            refusal = refused(tickets.routes, assertion(who))
            assert (refusal.kind, refusal.rule) == ("forbidden", "role_not_allowed")


def test_a_leader_raises_in_an_enterprise_s_name_only_from_his_visit_to_it(
        stores, container_factory, service_config, wait_until):
    tickets_url, liaison_url = stores
    container_factory(TicketsService, service_config(tickets_url)).start()
    container_factory(LiaisonService, service_config(liaison_url)).start()
    with ClusterRpcProxy(service_config()) as cluster:
        world = build_world(cluster, wait_until)
        raise_ = cluster.tickets.raise_appeal
        listed = next(iter(LISTED))
        before = ids(cluster.tickets.list_tickets(assertion(OFFICE), {}, None, 100))

        # His own visit named for another enterprise, a visit that is none, another leader's
        # visit: each refused, and nothing raised.
        for who, uscc, visit_id in ((COUNTY_HEAD, listed, world["visit_id"]),
                                    (COUNTY_HEAD, OUTSIDE, "visit-made-up"),
                                    (MAYOR, OUTSIDE, world["visit_id"]),
                                    (CADRE, OUTSIDE, world["visit_id"])):
            found = refused(raise_, assertion(who),
                            {**appeal(uscc, "另一问题", "ganxian"), "visit_id": visit_id})
            assert (found.rule, found.field) == ("not_own_visit", "visit_id"), (who, found)
        assert ids(cluster.tickets.list_tickets(assertion(OFFICE), {}, None, 100)) == before

        # His visit, to the enterprise he visited: raised.
        raised = raise_(assertion(COUNTY_HEAD), {**appeal(OUTSIDE, "用工招聘难", "nankang"),
                                                 "visit_id": world["visit_id"]})
        assert raised["linked_to_open_appeal"] is False and raised["id"] not in before
