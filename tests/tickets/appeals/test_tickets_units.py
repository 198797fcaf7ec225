"""A unit registered in the liaison registry becomes known to the tickets service over RabbitMQ
(kernel.units): before, an appeal dispatched to it is refused naming `lead_unit` and a route to
it naming `unit`; once the registration has arrived, the route is set and the appeal dispatched by
it, and the unit's officer signs for it."""
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from callers import assertion
from kernel.database import make_engine
from kernel.errors import Refused
from registered_units import known_unit
from services.liaison.service import LiaisonService
from services.tickets.service import TicketsService

UNIT = "city-transport-bureau"
OFFICER = {"sub": "officer-xu", "role": "unit_officer", "unit": UNIT}
ROUTE = {"category": "logistics", "county": "ganxian", "unit": UNIT}


def test_a_unit_registered_in_liaison_becomes_known_to_tickets(
        stores, container_factory, service_config, office, appeal, wait_until):
    tickets_url, liaison_url = stores
    container_factory(LiaisonService, service_config(liaison_url)).start()
    container_factory(TicketsService, service_config(tickets_url)).start()
    tickets_engine = make_engine(tickets_url)

    with ClusterRpcProxy(service_config()) as cluster:
        clerk = assertion(office)
        ticket_id = cluster.tickets.raise_appeal(clerk, appeal(3, "货运通道拥堵", "logistics"))["id"]
        with pytest.raises(Refused) as refused:
            cluster.tickets.act(clerk, ticket_id, "dispatch", {"lead_unit": UNIT})
        assert (refused.value.rule, refused.value.field) == ("unknown_unit", "lead_unit")
        with pytest.raises(Refused) as refused:
            cluster.tickets.set_route(clerk, ROUTE)
        assert (refused.value.rule, refused.value.field) == ("unknown_unit", "unit")

        cluster.liaison.register_unit(clerk, {
            "code": UNIT, "name": "市交通运输局", "kind": "city_department"})
        wait_until(lambda: known_unit(tickets_engine, UNIT) is not None)
        assert tuple(known_unit(tickets_engine, UNIT)) == ("市交通运输局", "city_department", None, 1)

        assert cluster.tickets.set_route(clerk, ROUTE)["routes"] == [ROUTE]
        dispatched = cluster.tickets.act(clerk, ticket_id, "dispatch", {})  # by the route
        assert dispatched["lead_unit"] == UNIT
        signed = cluster.tickets.act(assertion(OFFICER), ticket_id, "sign-for", {})
        assert signed["status"] == "signed_for"
    tickets_engine.dispose()
