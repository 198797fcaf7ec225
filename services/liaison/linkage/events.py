"""What the linkage records: a proposed plan (stream "linkage_plan") and the city's linkage as
it stands (stream "linkage", one stream). The tickets service (a leader's enterprises) and
supervision (coverage per leader) read these facts. A linkage is {leader_id, rank, park,
enterprises, coverage}; a coverage is {enterprises, tiers: {tier: n}, counties, parks}.
Plain declarations: consumers in other services import this module."""
from __future__ import annotations

from kernel.events import Catalogue, Payload, declare


class PlanProposed(Payload):
    """The enterprise help working group proposed a linkage plan: every city leader's park and
    enterprises (checked by the rules), the parks pinned, the city's coverage and the solver's
    stats."""

    plan_id: str
    linkages: list[dict]
    pinned_parks: dict
    coverage: dict
    stats: dict


class PlanAccepted(Payload):
    """The office accepted a plan as a whole: every city leader's linkage is the plan's (the
    county leaders' stand)."""

    plan_id: str
    proposed_at: str
    linkages: list[dict]
    coverage: dict


class LinkageChanged(Payload):
    """One leader's linkage changed, checked against every rule with the rest standing: his
    park and enterprises now, what was added and removed, and why."""

    leader_id: str
    rank: str
    park: str | None
    enterprises: list[str]
    previous_park: str | None
    added: list[str]
    removed: list[str]
    reason: str
    coverage: dict


class DepartmentLinkedToPark(Payload):
    """A city department is linked to one industrial park (各相关市直部门负责联系一个工业园区)."""

    unit: str
    unit_name: str | None
    park: str
    park_name: str | None
    previous_park: str | None


class LiaisonOfficerAppointed(Payload):
    """A cadre of a city or county office was appointed liaison officer (联络员) of a city
    leader."""

    cadre_id: str
    name: str
    unit: str
    unit_name: str | None
    leader_id: str
    leader_name: str | None
    phone: str | None


EVENTS = Catalogue(
    "liaison",
    declare(PlanProposed, clause="二(三)1"),
    declare(PlanAccepted, clause="二(三)1"),
    declare(LinkageChanged, clause="二(三)1"),
    declare(DepartmentLinkedToPark, clause="二(三)2"),
    declare(LiaisonOfficerAppointed, clause="二(三)2"),
)
