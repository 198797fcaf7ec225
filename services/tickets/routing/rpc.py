"""The routing table's RPC entrypoints (a mixin of TicketsService): the office sets and removes
routes (谁主管、谁负责, notice 二(四)2); the table is read as `access.routes_shown` allows. A route's
unit is checked against the register of units (`kernel.units`) before it is written."""
from __future__ import annotations

from kernel import units
from kernel.actor import Actor
from kernel.envelope import utc_now
from kernel.errors import FieldRequired
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import Body, body_fields
from services.tickets.routing import contract
from services.tickets.routing.access import routes_shown
from services.tickets.routing.domain import ROUTING_TABLE_ID, RoutingTable


class RoutingRpc:
    @rpc
    def set_route(self, actor: dict, fields: dict) -> dict:
        """The office edits the routing table (谁主管、谁负责)."""
        return self._edit_routes(actor, fields, contract.Route, "set_route")

    @rpc
    def remove_route(self, actor: dict, fields: dict) -> dict:
        return self._edit_routes(actor, fields, contract.RoutePlace, "remove_route")

    def _edit_routes(self, actor: dict, fields: dict, body: type[Body], command: str) -> dict:
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(fields, body, "a route")
            for field in sorted(body.model_fields):
                if not given.get(field):
                    raise FieldRequired(field)
            if command == "set_route":  # who may edit the table first, then whether the unit is known
                RoutingTable.check_editor(who, "set a route")
                units.check_unit(uow.connection, "unit", given["unit"])
            table = uow.load(RoutingTable, ROUTING_TABLE_ID)
            getattr(table, command)(at=utc_now(), actor=who, **given)
            uow.save(table)
            return table.snapshot()

        return self.store.execute(command, decide)

    @rpc
    def routes(self, actor: dict) -> dict:
        who = Actor.from_dict(actor)
        return self.store.query("routes", lambda uow: routes_shown(
            who, uow.load(RoutingTable, ROUTING_TABLE_ID).snapshot()))

