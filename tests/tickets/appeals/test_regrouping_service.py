"""Returns, merges, splits and links through the tickets service on the real broker and both
stores: each command touching several appeals writes them all in one transaction, or none; the
ledger's rows follow; each enterprise reads only its own merged appeal and the survivor's
progress."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.errors import Refused
from registered_units import known_units
from services.tickets.service import TicketsService

UNIT = "nankang-housing"


def office() -> dict:
    # A fresh assertion each call: one is good for a minute only.
    return assertion({"sub": "clerk-li", "role": "office"})


def officer() -> dict:
    return assertion({"sub": "officer-xu", "role": "unit_officer", "unit": UNIT})
USCCS = ("91360703MA37K8L9PN", "91360702MA35G0QX4J", "91360781MA35XY123U")


def appeal(uscc: str, title: str) -> dict:
    return {"enterprise_name": f"企业{uscc[-4:]}", "uscc": uscc, "title": title,
            "description": f"{title}，已持续一个月。", "channel": "hotline",
            "category": "logistics", "county": "nankang"}


def enterprise(uscc: str) -> dict:
    return assertion({"sub": f"boss-{uscc[-4:]}", "role": "enterprise", "uscc": uscc})


@pytest.fixture
def tickets(db_url, container_factory, service_config):
    known_units(db_url, UNIT, service="tickets")
    config = service_config(db_url)
    container = container_factory(TicketsService, config)
    container.start()
    return config


def test_a_return_is_ruled_on_and_the_unit_takes_it(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ticket_id = t.raise_appeal(office(), appeal(USCCS[0], "仓库屋顶漏水"))["id"]
        t.act(office(), ticket_id, "dispatch", {"lead_unit": UNIT})
        returned = t.act(officer(), ticket_id, "return", {
            "reason": "unclear_ownership", "legal_basis": "《房屋使用安全管理条例》第六条"})
        assert returned["status"] == "returned"
        with pytest.raises(Refused) as refused:
            t.act(enterprise(USCCS[0]), ticket_id, "rule-on-return", {"ruling": "x"})
        assert refused.value.kind == "forbidden"
        ruled = t.act(office(), ticket_id, "rule-on-return", {"ruling": "经审核属住建局职责"})
        assert ruled["status"] == "dispatched" and ruled["returns"][0]["ruling"]
        with pytest.raises(Refused) as refused:
            t.act(officer(), ticket_id, "return", {"reason": "not_its_remit", "legal_basis": "x"})
        assert refused.value.rule == "return_already_ruled"
        assert t.act(officer(), ticket_id, "sign-for", {})["status"] == "signed_for"
        types = [e["type"] for e in t.history(office(), ticket_id)]
        assert types[-3:] == ["TicketReturned", "TicketReturnRuled", "TicketSignedFor"]
        lines = t.list_tickets(office(), {"status": "signed_for"})["items"]
        assert [line["id"] for line in lines] == [ticket_id]


def test_a_merge_writes_every_appeal_or_none_and_each_enterprise_sees_its_own(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        ids = [t.raise_appeal(office(), appeal(uscc, "园区道路积水"))["id"] for uscc in USCCS]
        survivor, *others = ids
        # A missing appeal among them: refused by name, and nothing written on any.
        with pytest.raises(Refused) as refused:
            t.act(office(), survivor, "merge", {"appeals": [others[0], "nowhere"], "reason": "重复"})
        assert refused.value.rule == "ticket_not_found"
        assert [e["type"] for e in t.history(office(), others[0])] == ["TicketRaised"]
        with pytest.raises(Refused) as refused:
            t.act(enterprise(USCCS[0]), survivor, "merge", {"appeals": others, "reason": "重复"})
        assert refused.value.kind == "forbidden"
        merged = t.act(office(), survivor, "merge", {"appeals": others, "reason": "同一积水问题"})
        assert [link["ticket_id"] for link in merged["links"]] == others
        assert t.list_tickets(office(), {"status": "merged"})["items"][0]["id"] in others

        # The survivor's enterprise sees no other enterprise's merged appeal.
        own = t.get_ticket(enterprise(USCCS[0]), survivor)
        assert [link for link in own["links"] if link["kind"] == "merged_from"] == []
        with pytest.raises(Refused):
            t.get_ticket(enterprise(USCCS[0]), others[0])
        # A merged enterprise reads its own appeal, with the survivor's progress only.
        second = t.get_ticket(enterprise(USCCS[1]), others[0])
        assert second["status"] == "merged" and second["survivor"]["id"] == survivor
        assert "uscc" not in second["survivor"] and "enterprise_name" not in second["survivor"]
        with pytest.raises(Refused) as refused:
            t.act(enterprise(USCCS[1]), others[0], "rate-merged", {"rating": "satisfied"})
        assert refused.value.rule == "survivor_not_resolved"


def test_a_split_numbers_each_matter_and_a_link_shows_on_both(tickets):
    with ClusterRpcProxy(tickets) as cluster:
        t = cluster.tickets
        original = t.raise_appeal(office(), appeal(USCCS[0], "积水和物流两件事"))
        with pytest.raises(Refused) as refused:
            t.act(office(), original["id"], "split", {"matters": [
                {"title": "积水", "description": "积水"}], "reason": "两项"})
        assert refused.value.field == "matters"
        split = t.act(office(), original["id"], "split", {"matters": [
            {"title": "园区道路积水", "description": "雨后积水"},
            {"title": "物流车辆限行", "description": "限行影响发货"}], "reason": "一件诉求含两项事项"})
        assert split["status"] == "split"
        parts = [link for link in split["links"] if link["kind"] == "split_into"]
        assert len(parts) == 2 and len({p["ledger_number"] for p in parts}) == 2
        assert all(p["ledger_number"] != original["ledger_number"] for p in parts)
        part = t.get_ticket(enterprise(USCCS[0]), parts[0]["ticket_id"])
        assert part["status"] == "received" and part["links"][0]["kind"] == "split_from"
        linked = t.act(office(), parts[0]["ticket_id"], "link",
                       {"related_id": parts[1]["ticket_id"], "note": "同一园区"})
        assert linked["links"][-1]["kind"] == "related"
        other = t.get_ticket(office(), parts[1]["ticket_id"])
        assert other["links"][-1]["ticket_id"] == parts[0]["ticket_id"]
