"""The tickets service's published events: the appeals' (`appeals.events`) and the routing
table's (`routing.events`), gathered into one catalogue."""
from __future__ import annotations

from kernel.events import Catalogue
from services.tickets.appeals import events as appeals
from services.tickets.routing import events as routing

EVENTS = Catalogue("tickets", appeals.EVENTS, routing.EVENTS)
