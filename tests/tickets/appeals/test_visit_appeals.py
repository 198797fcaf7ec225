"""notice 二(三)2 both ways over RabbitMQ: the problems found on a visit arrive in the tickets
service as appeals (channel visit, naming the visit), each exactly once, and the visit then shows
the appeals raised from it with their status as the ledger moves them on — even when every message
is delivered twice and each side sweeps the other's log again from the start."""
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.database import make_engine
from services.liaison.service import LiaisonService
from services.tickets.service import TicketsService
from registered_units import known_units
from service_logs import events_of, everything_again, sweep

LEADER = {"sub": "leader-liu", "role": "leader"}
USCC = "91360702MA35G0QX4J"
UNIT = "city-finance"


def test_a_visits_problems_become_appeals_once_and_the_visit_shows_them(
        stores, container_factory, service_config, office, wait_until):
    tickets_url, liaison_url = stores
    config = service_config()
    tickets = container_factory(TicketsService, service_config(tickets_url))
    liaison = container_factory(LiaisonService, service_config(liaison_url))
    tickets.start()
    liaison.start()
    known_units(tickets_url, UNIT, service="tickets")  # the lead unit, in the register

    with ClusterRpcProxy(config) as cluster:
        clerk = assertion(office)
        cluster.liaison.register_leader(clerk, {"id": "leader-liu", "name": "刘副市长",
                                                "rank": "county", "title": "县委书记",
                                                "county": "ganxian"})
        cluster.liaison.register_enterprise(clerk, {
            "uscc": USCC, "name": "赣州稀土材料有限公司", "county": "ganxian",
            "industry": "rare_earth", "size": "medium", "above_designated_size": True})
        visit = cluster.liaison.record_visit(assertion(LEADER), {
            "date": "2026-05-02", "leader_id": "leader-liu", "cadres": ["刘洋"], "units": [],
            "uscc": USCC, "findings": "订单充足，资金周转紧张", "problems": [
                {"title": "流动资金贷款难", "description": "银行抽贷断贷", "category": "financing"},
                {"title": "技术工人短缺", "description": "数控技工招不到", "category": "labour"}]})
        visit_id = visit["id"]

        def appeals():
            items = cluster.tickets.list_tickets(clerk, {"channel": "visit"})["items"]
            return items if len(items) == 2 else None
        wait_until(appeals)
        raised = appeals()
        assert {a["title"] for a in raised} == {"流动资金贷款难", "技术工人短缺"}
        first = cluster.tickets.get_ticket(clerk, raised[0]["id"])
        assert first["channel"] == "visit"
        assert first["uscc"] == USCC and first["ledger_number"].startswith("GZ-")

        def shown(status_of=None):
            problems = cluster.liaison.visit_problems(assertion(LEADER), visit_id)["items"]
            if any(p["appeal"] is None for p in problems):
                return None
            statuses = {p["appeal"]["ticket_id"]: p["appeal"]["status"] for p in problems}
            return statuses if status_of is None or status_of(statuses) else None
        wait_until(shown)
        assert set(shown()) == {a["id"] for a in raised}
        assert set(shown().values()) == {"received"}

        ticket_id = raised[0]["id"]
        cluster.tickets.act(clerk, ticket_id, "dispatch", {"lead_unit": UNIT})
        cluster.tickets.act(assertion({"sub": "officer-wu", "role": "unit_officer",
                                       "unit": UNIT}), ticket_id, "sign-for", {})
        wait_until(lambda: shown(lambda s: s[ticket_id] == "signed_for"))

    tickets_engine, liaison_engine = make_engine(tickets_url), make_engine(liaison_url)
    found = events_of(liaison_engine, "VisitProblemFound")
    raised_events = events_of(tickets_engine, "TicketRaised")
    assert len(found) == 2 and len(raised_events) == 2
    assert {e.causation_id for e in raised_events} == {e.event_id for e in found}
    assert {e.actor for e in raised_events} == {"system:liaison-visits"}
    assert {e.payload["visit_id"] for e in raised_events} == {visit_id}

    # Both relays publish everything again, and both sides lose their checkpoints and sweep:
    # nothing is raised or noted twice.
    everything_again(wait_until, tickets_engine, liaison_engine)
    sweep(tickets, "visits")
    sweep(liaison, "visit-appeals")
    assert len(events_of(tickets_engine, "TicketRaised")) == 2
    assert len(events_of(liaison_engine, "VisitAppealRaised")) == 2
    changes = [e.payload["status"] for e in events_of(liaison_engine,
                                                       "VisitAppealStatusChanged")]
    assert changes == ["dispatched", "signed_for"]
    with ClusterRpcProxy(config) as cluster:
        assert cluster.tickets.parked_reactions(assertion(office)) == []
        assert cluster.liaison.parked_reactions(assertion(office)) == []
    tickets_engine.dispose()
    liaison_engine.dispose()
