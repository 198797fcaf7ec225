"""The liaison service's published events: the registry's, the linkage's and the field
work's, gathered (each area declares its own in its `events.py`); and the shape of one
leader's linkage as a plan's events hold it (`Linkage`)."""
from __future__ import annotations

import pydantic

from kernel.events import Catalogue
from services.liaison.fieldwork.events import EVENTS as FIELDWORK
from services.liaison.linkage.events import EVENTS as LINKAGE
from services.liaison.registry.events import EVENTS as REGISTRY

EVENTS = Catalogue("liaison", REGISTRY, LINKAGE, FIELDWORK)


class Linkage(pydantic.BaseModel):
    """One leader's linkage, an item of `PlanProposed.linkages` and `PlanAccepted.linkages`:
    his rank, his park (None for none), his enterprises and their coverage ({enterprises,
    tiers, counties, parks}). The events declare the items as objects, and the committed
    snapshot keeps that shape (a changed field shape is a new type), so a consumer reads each
    item through this model."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    leader_id: str
    rank: str | None
    park: str | None
    enterprises: list[str]
    coverage: dict
