"""The liaison service's published events: the registry's, the linkage's and the field
work's, gathered (each area declares its own in its `events.py`)."""
from __future__ import annotations

from kernel.events import Catalogue
from services.liaison.fieldwork.events import EVENTS as FIELDWORK
from services.liaison.linkage.events import EVENTS as LINKAGE
from services.liaison.registry.events import EVENTS as REGISTRY

EVENTS = Catalogue("liaison", REGISTRY, LINKAGE, FIELDWORK)
