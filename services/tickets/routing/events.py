"""The facts the routing table records (notice 二(四)2: 谁主管、谁负责)."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class RouteSet(Payload):
    """The office set which unit leads on appeals of a category in a county ("*": every county
    without a route of its own); previous_unit is the unit that led before, if any."""

    category: str
    county: str
    unit: str
    previous_unit: str | None = None


class RouteRemoved(Payload):
    """The office removed the route of a category in a county; unit is the one that led on it."""

    category: str
    county: str
    unit: str


EVENTS = Catalogue("tickets",
    declare(RouteSet, clause="二(四)2"),
    declare(RouteRemoved, clause="二(四)2"),
)
