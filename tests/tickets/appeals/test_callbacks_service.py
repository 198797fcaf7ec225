"""Replies and callbacks through the tickets service on the real broker and both stores: the
enterprise reads the reply, never the unit's internal note, in its view and its history; only the
office records a callback; an unreached one waits, an unresolved one sends the appeal back (重办)
under its number, one redo counted, the rating kept; a satisfied one lets it close off."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.errors import Refused
from registered_units import known_units
from services.tickets.service import TicketsService

UNIT = "xunwu-agriculture"
USCC = "91360781MA35XY123U"
APPEAL = {"enterprise_name": "寻乌某果业公司", "uscc": USCC, "title": "脐橙冷库用电报装慢",
          "description": "冷库用电报装三个月未接通。", "channel": "hotline",
          "category": "logistics", "county": "xunwu"}
REPLY = "已协调供电公司于本周接通冷库用电，并按政策减免报装费用。"
POLICIES = ["赣市府发〔2026〕3号"]


def callers():
    return (assertion({"sub": "clerk-li", "role": "office"}),
            assertion({"sub": "officer-he", "role": "unit_officer", "unit": UNIT}),
            assertion({"sub": "boss-huang", "role": "enterprise", "uscc": USCC}))


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    known_units(db_url, UNIT, service="tickets")
    config = service_config(db_url)
    container = container_factory(TicketsService, config)
    container.start()
    return config


def resolved(t, office, officer, summary: str) -> str:
    ticket_id = t.raise_appeal(office, APPEAL)["id"]
    t.act(office, ticket_id, "dispatch", {"lead_unit": UNIT})
    t.act(officer, ticket_id, "sign-for", {})
    t.act(officer, ticket_id, "classify", {"way": "unsolvable", "explanation": "需供电公司配合"})
    t.act(officer, ticket_id, "resolve", {"summary": summary, "reply": REPLY, "policies": POLICIES})
    return ticket_id


def test_a_callback_sends_back_an_unresolved_appeal_and_closes_a_satisfied_one(tickets):
    office, officer, owner = callers()
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ticket_id = resolved(t, office, officer, "内部：供电所人手紧张，已约谈")
        shown = t.get_ticket(owner, ticket_id)
        assert (shown["reply"], shown["reply_policies"]) == (REPLY, POLICIES)
        assert shown["resolution_summary"] is None
        resolution = [e for e in t.history(owner, ticket_id) if e["type"] == "TicketResolved"]
        assert "summary" not in resolution[0]["payload"]
        assert resolution[0]["payload"]["reply"] == REPLY
        assert t.get_ticket(office, ticket_id)["resolution_summary"] == "内部：供电所人手紧张，已约谈"

        # Only the office calls back.
        for caller in (owner, officer):
            with pytest.raises(Refused) as refused:
                t.act(caller, ticket_id, "callback", {"reached": False})
            assert refused.value.kind == "forbidden"
        # Bad input names the field and changes nothing.
        with pytest.raises(Refused) as refused:
            t.act(office, ticket_id, "callback", {"reached": True, "rating": "satisfied"})
        assert refused.value.field == "resolved"
        with pytest.raises(Refused) as refused:
            t.act(office, ticket_id, "callback", {"reached": True, "resolved": "yes",
                                                  "rating": "so-so"})
        assert refused.value.field == "rating"
        assert t.history(office, ticket_id)[-1]["type"] == "TicketResolved"

        unreached = t.act(office, ticket_id, "callback", {"reached": False, "comment": "无人接听"})
        assert unreached["status"] == "resolved" and unreached["callbacks"][0]["reached"] is False
        back = t.act(office, ticket_id, "callback", {
            "reached": True, "resolved": "partly", "rating": "basically_satisfied",
            "comment": "冷库已通电，费用未减免"})
        assert back["status"] == "in_progress" and back["redo_count"] == 1
        assert back["ledger_number"] == shown["ledger_number"]
        assert [r["rating"] for r in back["ratings"]] == ["basically_satisfied"]
        sent = t.history(office, ticket_id)[-1]
        assert sent["type"] == "TicketSentBack"
        assert {k: sent["payload"][k] for k in ("redo_count", "rating", "via", "resolved")} == {
            "redo_count": 1, "rating": "basically_satisfied", "via": "follow_up_call",
            "resolved": "partly"}
        assert [line["id"] for line in t.list_tickets(office, {"status": "in_progress"})["items"]] \
            == [ticket_id]

        t.act(officer, ticket_id, "resolve", {"summary": "费用已退", "reply": "报装费用已退还。"})
        done = t.act(office, ticket_id, "callback", {"reached": True, "resolved": "yes",
                                                     "rating": "very_satisfied"})
        assert done["status"] == "rated" and done["rating"] == "very_satisfied"
        assert [c["attempt"] for c in done["callbacks"]] == [1, 2, 1]
        assert t.act(office, ticket_id, "close-off", {})["status"] == "closed"
        assert t.get_ticket(owner, ticket_id)["redo_count"] == 1


def test_the_enterprise_rates_on_five_levels_and_very_unsatisfied_sends_it_back(tickets):
    office, officer, owner = callers()
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ticket_id = resolved(t, office, officer, "内部备注")
        rated = t.act(owner, ticket_id, "rate", {"rating": "very_unsatisfied", "comment": "未解决"})
        assert rated["status"] == "in_progress" and rated["redo_count"] == 1
        assert rated["ratings"][0]["rating"] == "very_unsatisfied"
