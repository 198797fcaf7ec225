"""The liaison service's published events: the registry's, the linkage's and the field
work's, gathered (each area declares its own in its `events.py`)."""
from __future__ import annotations

from kernel.events import Catalogue
from services.liaison.fieldwork import events as fieldwork
from services.liaison.linkage import events as linkage
from services.liaison.registry import events as registry

EVENTS = Catalogue("liaison", registry.EVENTS, linkage.EVENTS, fieldwork.EVENTS)
