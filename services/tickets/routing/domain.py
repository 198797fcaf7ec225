"""Who leads on what: the RoutingTable aggregate, which says which unit leads on an appeal of a
cost category in a county (谁主管、谁负责, notice 二(四)2). The office edits it; a dispatch without a
named lead unit follows it.

Plain Python, no I/O: one stream, `routing-table`, whose facts set and remove routes.
"""
from __future__ import annotations

import datetime as dt

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.errors import RoleNotAllowed
from services.tickets.appeals.vocabulary import Category
from services.tickets.routing.contract import ANY_COUNTY, CODE_LIMIT
from services.tickets.routing.events import EVENTS
from services.tickets.routing.exceptions import RouteNotFound

ROUTING_TABLE_ID = "routing-table"


class RoutingTable(Aggregate):
    """Which unit leads on an appeal of a category in a county (谁主管、谁负责). notice 二(四)2

    A county-specific route wins over the category's city-wide route (county "*").
    """

    stream_type = "routing_table"
    events = EVENTS

    def __init__(self, stream_id: str = ROUTING_TABLE_ID):
        super().__init__(stream_id)
        self._routes: dict[tuple[str, str], str] = {}

    def unit_for(self, category: str, county: str) -> str | None:
        return self._routes.get((category, county)) or self._routes.get((category, ANY_COUNTY))

    @property
    def routes(self) -> list[dict]:
        return [{"category": category, "county": county, "unit": unit}
                for (category, county), unit in sorted(self._routes.items())]

    def snapshot(self) -> dict:
        return {"id": self.id, "version": self.version, "routes": self.routes}

    def set_route(self, *, category: str, county: str, unit: str, at: dt.datetime,
                  actor: Actor) -> list[Fact]:
        """Set who leads; setting the route it already has records nothing."""
        at = self._begin("set a route", at, actor)
        chosen = checks.code("category", category, Category).value
        where = checks.text("county", county, CODE_LIMIT)
        lead = checks.text("unit", unit, CODE_LIMIT)
        previous = self._routes.get((chosen, where))
        if previous == lead:
            return []
        return [self._record("RouteSet", {
            "category": chosen, "county": where, "unit": lead, "previous_unit": previous,
        }, at=at, actor=actor.label)]

    def remove_route(self, *, category: str, county: str, at: dt.datetime, actor: Actor) -> list[Fact]:
        at = self._begin("remove a route", at, actor)
        chosen = checks.code("category", category, Category).value
        where = checks.text("county", county, CODE_LIMIT)
        if (chosen, where) not in self._routes:
            raise RouteNotFound(chosen, where)
        return [self._record("RouteRemoved", {
            "category": chosen, "county": where, "unit": self._routes[(chosen, where)],
        }, at=at, actor=actor.label)]

    @staticmethod
    def check_editor(actor: Actor, command: str) -> None:
        """Only the office edits the table."""
        if actor.role != "office":
            raise RoleNotAllowed(actor.role, command, ("office",))

    def _begin(self, command: str, at, actor: Actor) -> dt.datetime:
        at = checks.moment(at)
        self.check_editor(actor, command)
        return at

    def when_RouteSet(self, fact: Fact) -> None:
        p = fact.payload
        self._routes[(p["category"], p["county"])] = p["unit"]

    def when_RouteRemoved(self, fact: Fact) -> None:
        p = fact.payload
        self._routes.pop((p["category"], p["county"]), None)
