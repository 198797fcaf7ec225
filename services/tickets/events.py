"""The tickets service's published events: the appeals' (`appeals.events`) and the routing
table's (`routing.events`), gathered into one catalogue."""
from __future__ import annotations

from kernel.events import Catalogue
from services.tickets.appeals.events import EVENTS as APPEALS
from services.tickets.routing.events import EVENTS as ROUTING

EVENTS = Catalogue("tickets", APPEALS, ROUTING)
