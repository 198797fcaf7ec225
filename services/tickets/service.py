"""The tickets service: thin entrypoints over the appeal ledger and the routing table, each
area's in a mixin of its own (`<area>.rpc`). Each command loads, decides (the aggregate checks
the rules) and appends; the read models follow in the same transaction."""
from __future__ import annotations

from kernel.base_service import EventSourcedService
from kernel.dependencies import EventSourcing
from services.tickets import projections
from services.tickets.appeals.rpc import AppealsRpc
from services.tickets.permissions import PERMISSIONS
from services.tickets.routing.rpc import RoutingRpc


class TicketsService(AppealsRpc, RoutingRpc, EventSourcedService):
    name = "tickets"
    permissions = PERMISSIONS

    store = EventSourcing(projectors=[projections.project])
