"""The routing table's refusals."""
from __future__ import annotations

from kernel.errors import NotFound


class RouteNotFound(NotFound):
    rule = "route_not_found"

    def __init__(self, category: str, county: str):
        super().__init__(f"no route for category {category} in {county}")
