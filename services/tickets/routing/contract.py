"""The routing table's wire contract: a line to set, a line to remove, and the table as it is
shown. Shape only; imports pydantic, the kernel and the ledger's
vocabulary and reply shape, nothing else."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from kernel import checks
from kernel.wire import Body, Text
from services.tickets.appeals.contract import Reply
from services.tickets.appeals.vocabulary import Category, County

CODE_LIMIT = checks.CODE_LIMIT      # a unit, a county
# The one code that is not a county: a route for every county.
ANY_COUNTY = "*"


class Route(Body):
    """A line of the routing table: who leads on a category in a county (谁主管、谁负责)."""

    category: Category
    county: County | Literal["*"] = Field(description="a county code, or * for every county")
    unit: Text(CODE_LIMIT)


class RoutePlace(Body):
    """Which line of the routing table: a category in a county (or *)."""

    category: Category
    county: County | Literal["*"] = Field(description="a county code, or * for every county")


class RouteLine(Reply):
    category: Category
    county: str
    unit: str


class RoutingTableView(Reply):
    id: str
    version: int
    routes: list[RouteLine]
