"""The linkage's aggregates: a proposed plan (`LinkagePlan`) and the city's linkage as it stands
(`CityLinkage`), which every accepted plan, later change, department's park and liaison officer
goes through, so that the rules across leaders (no enterprise with two city leaders) hold under
concurrent commands (one stream, optimistic concurrency).

Who acts (notice 三(一)1: 市入企帮扶专项小组…为每个市领导确定联系企业名单; 三、(一): the office at
the development and reform commission carries out the leading group's daily work):
- the enterprise help working group (入企帮扶专项小组) proposes a plan: the office, or a unit
  officer of a unit that is a member of that working group (the registry's leading group);
- the office accepts a plan as a whole (the leading group's decision, recorded by its office),
  changes one leader's linkage later, links a city department to a park and appoints liaison
  officers.

Events (payloads are what supervision reads: every linkage with its coverage, per leader):
- linkage_plan/<id>: PlanProposed {plan_id, linkages: [{leader_id, rank, park, enterprises,
  coverage}], pinned_parks, coverage, stats}
- linkage/city: PlanAccepted {plan_id, proposed_at, linkages (every city leader's, as above),
  coverage}; LinkageChanged {leader_id, rank, park, enterprises, previous_park, added, removed,
  reason, coverage}; DepartmentLinkedToPark {unit, unit_name, park, park_name, previous_park};
  LiaisonOfficerAppointed {cadre_id, name, unit, unit_name, leader_id, leader_name, phone}.
Plain Python, no I/O: the caller hands in the registry's rows (`Registry`).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from kernel import checks
from kernel.actor import Actor
from kernel.aggregate import Aggregate, Fact
from kernel.errors import FieldRequired
from services.liaison.linkage.events import EVENTS
from services.liaison.linkage import rules
from services.liaison.linkage.exceptions import (
    LeaderNotFound, LiaisonAlreadyAppointed, NotCityDepartment, NotCityLeader,
    NotCityOrCountyOffice, NotEnterpriseHelpMember, ParkNotFound, PlanAlreadyAccepted,
    PlanNotFound, PlanSuperseded, RoleNotAllowed, UnitNotFound,
)

CITY_STREAM = "city-linkage"
OFFICE = ("office",)
PROPOSERS = ("office", "unit_officer")


@dataclasses.dataclass(frozen=True)
class Registry:
    """The registry's rows a decision reads, keyed by id."""

    leaders: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)
    enterprises: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)
    parks: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)
    units: Mapping[str, Mapping] = dataclasses.field(default_factory=dict)


def _office_only(actor: Actor, doing: str) -> None:
    if actor.role not in OFFICE:
        raise RoleNotAllowed(actor.role, doing, OFFICE)


def check_proposer(actor: Actor, enterprise_help_units: list[str]) -> None:
    """The enterprise help working group proposes: the office, or an officer of a member unit."""
    if actor.role not in PROPOSERS:
        raise RoleNotAllowed(actor.role, "propose a linkage plan", PROPOSERS)
    if actor.role == "unit_officer" and actor.unit not in enterprise_help_units:
        raise NotEnterpriseHelpMember(actor.unit)


def with_coverage(linkages, registry: Registry) -> list[dict]:
    return [{"leader_id": l["leader_id"], "rank": l.get("rank"), "park": l.get("park"),
             "enterprises": list(l["enterprises"]),
             "coverage": rules.coverage(l, registry.enterprises)} for l in linkages]


def city_coverage(linkages: list[dict], registry: Registry) -> dict:
    """The whole city's coverage: leaders, enterprises, parks and counties reached."""
    listed = [registry.enterprises.get(u, {}) for l in linkages for u in l["enterprises"]]
    return {"leaders": len(linkages), "enterprises": len(listed),
            "parks": len({e["park"] for e in listed if e.get("park")}),
            "counties": len({e["county"] for e in listed if e.get("county")})}


class LinkagePlan(Aggregate):
    """A plan proposed by the enterprise help working group; accepted through `CityLinkage`."""

    events = EVENTS

    stream_type = "linkage_plan"

    def __init__(self, stream_id: str):
        super().__init__(stream_id)
        self.linkages: list[dict] = []
        self.pinned_parks: dict = {}
        self.coverage: dict = {}
        self.stats: dict = {}
        self.proposed_at: str | None = None
        self.proposed_by: str | None = None

    def propose(self, linkages: list[dict], *, stats: dict, pinned_parks: dict,
                registry: Registry, at, actor: Actor, enterprise_help_units: list[str]) -> None:
        at = checks.moment(at)
        check_proposer(actor, enterprise_help_units)
        # The planner's answer is checked by the rules like any other linkage.
        rules.check_plan(linkages, registry.leaders, registry.enterprises, registry.parks)
        linkages = with_coverage(linkages, registry)
        self._record_fact("PlanProposed", {
            "plan_id": self.id, "linkages": linkages, "pinned_parks": dict(pinned_parks),
            "coverage": city_coverage(linkages, registry), "stats": stats}, at, actor)

    def when_PlanProposed(self, fact: Fact) -> None:
        self.linkages = fact.payload["linkages"]
        self.pinned_parks = fact.payload["pinned_parks"]
        self.coverage = fact.payload["coverage"]
        self.stats = fact.payload["stats"]
        self.proposed_at = fact.occurred_at.isoformat()
        self.proposed_by = fact.actor

    def snapshot(self) -> dict:
        return {"id": self.id, "linkages": self.linkages, "pinned_parks": self.pinned_parks,
                "coverage": self.coverage, "stats": self.stats,
                "proposed_at": self.proposed_at, "proposed_by": self.proposed_by}


class CityLinkage(Aggregate):
    """Who is linked to whom in the city, as it stands: one stream, so the rules across leaders
    are checked against everything else that stands."""

    events = EVENTS

    stream_type = "linkage"

    def __init__(self, stream_id: str = CITY_STREAM):
        super().__init__(stream_id)
        self.linkages: dict[str, dict] = {}
        self.accepted_plans: list[str] = []
        self.changed_at: str | None = None
        self.departments: dict[str, dict] = {}
        self.officers: dict[str, dict] = {}

    # -- decisions ------------------------------------------------------------------------------

    def accept(self, plan: LinkagePlan, *, registry: Registry, at, actor: Actor) -> None:
        """The office accepts a plan as a whole, re-checked against the registry as it is now."""
        at = checks.moment(at)
        _office_only(actor, "accept a linkage plan")
        if not plan.exists:
            raise PlanNotFound(plan.id)
        if plan.id in self.accepted_plans:
            raise PlanAlreadyAccepted(plan.id)
        if self.changed_at is not None and self.changed_at > plan.proposed_at:
            raise PlanSuperseded(plan.id, self.accepted_plans[-1] if self.accepted_plans
                                 else "a later change")
        rules.check_plan(plan.linkages, registry.leaders, registry.enterprises, registry.parks)
        linkages = with_coverage(plan.linkages, registry)
        self._record_fact("PlanAccepted", {
            "plan_id": plan.id, "proposed_at": plan.proposed_at, "linkages": linkages,
            "coverage": city_coverage(linkages, registry)}, at, actor)

    def change(self, leader_id: str, *, park: str | None, enterprises: list[str], reason: str,
               registry: Registry, at, actor: Actor) -> None:
        """One leader's linkage changed, checked against every rule with the rest standing."""
        at = checks.moment(at)
        _office_only(actor, "change a leader's linkage")
        reason = checks.text("reason", reason, 500)
        leader = registry.leaders.get(leader_id)
        if leader is None:
            raise LeaderNotFound(leader_id, field="leader_id")
        if not isinstance(enterprises, list):
            raise FieldRequired("enterprises", "a list of credit codes")
        listed = [checks.credit_code(u, "enterprises") for u in enterprises]
        rules.check_linkage(leader, park, listed, registry.enterprises, registry.parks)
        others = {u: other for other, linkage in self.linkages.items()
                  if other != leader_id and linkage["rank"] in rules.CITY_RANKS
                  for u in linkage["enterprises"]}
        rules.check_no_two_city_leaders(leader, listed, others, registry.enterprises)
        before = self.linkages.get(leader_id, {"enterprises": [], "park": None})
        linkage = {"leader_id": leader_id, "rank": leader["rank"], "park": park,
                   "enterprises": listed}
        self._record_fact("LinkageChanged", {
            **linkage, "previous_park": before["park"],
            "added": [u for u in listed if u not in before["enterprises"]],
            "removed": [u for u in before["enterprises"] if u not in listed],
            "reason": reason, "coverage": rules.coverage(linkage, registry.enterprises)},
            at, actor)

    def link_department(self, unit: str, park: str, *, registry: Registry, at,
                        actor: Actor) -> None:
        """notice 三(一)2: 各相关市直部门负责联系一个工业园区 — one park per department."""
        at = checks.moment(at)
        _office_only(actor, "link a department to a park")
        found = registry.units.get(unit)
        if found is None:
            raise UnitNotFound(unit, field="unit")
        if found.get("kind") != "city_department":
            raise NotCityDepartment(unit, found.get("kind"))
        if park not in registry.parks:
            raise ParkNotFound(park, field="park")
        self._record_fact("DepartmentLinkedToPark", {
            "unit": unit, "unit_name": found.get("name"), "park": park,
            "park_name": registry.parks[park].get("name"),
            "previous_park": self.departments.get(unit, {}).get("park")}, at, actor)

    def appoint_liaison_officer(self, cadre_id: str, *, name: str, unit: str, leader_id: str,
                                phone: str | None, registry: Registry, at,
                                actor: Actor) -> None:
        """notice 三(一)2: 选派干部作为市领导联系企业的联络员 — from the city and county offices."""
        at = checks.moment(at)
        _office_only(actor, "appoint a liaison officer")
        cadre_id = checks.text("cadre_id", cadre_id, 100)
        name = checks.text("name", name, 100)
        leader = registry.leaders.get(leader_id)
        if leader is None:
            raise LeaderNotFound(leader_id, field="leader_id")
        if not rules.is_city_leader(leader):
            raise NotCityLeader(leader_id, leader.get("rank"))
        found = registry.units.get(unit)
        if found is None:
            raise UnitNotFound(unit, field="unit")
        if found.get("kind") not in ("city_department", "county", "zone"):
            raise NotCityOrCountyOffice(unit, found.get("kind"))
        serving = self.officers.get(cadre_id)
        if serving is not None and serving["leader_id"] != leader_id:
            raise LiaisonAlreadyAppointed(cadre_id, serving["leader_id"])
        phone = checks.text("phone", phone, 40) if phone else None
        self._record_fact("LiaisonOfficerAppointed", {
            "cadre_id": cadre_id, "name": name, "unit": unit, "unit_name": found.get("name"),
            "leader_id": leader_id, "leader_name": leader.get("name"), "phone": phone},
            at, actor)

    # -- facts ----------------------------------------------------------------------------------

    def when_PlanAccepted(self, fact: Fact) -> None:
        kept = {k: v for k, v in self.linkages.items() if v["rank"] not in rules.CITY_RANKS}
        for linkage in fact.payload["linkages"]:
            kept[linkage["leader_id"]] = {**linkage, "plan_id": fact.payload["plan_id"],
                                          "changed_at": fact.occurred_at.isoformat()}
        self.linkages = kept
        self.accepted_plans.append(fact.payload["plan_id"])
        self.changed_at = fact.occurred_at.isoformat()

    def when_LinkageChanged(self, fact: Fact) -> None:
        p = fact.payload
        plan_id = self.linkages.get(p["leader_id"], {}).get("plan_id")
        self.linkages[p["leader_id"]] = {
            "leader_id": p["leader_id"], "rank": p["rank"], "park": p["park"],
            "enterprises": p["enterprises"], "coverage": p["coverage"], "plan_id": plan_id,
            "changed_at": fact.occurred_at.isoformat()}
        self.changed_at = fact.occurred_at.isoformat()

    def when_DepartmentLinkedToPark(self, fact: Fact) -> None:
        self.departments[fact.payload["unit"]] = {
            "unit": fact.payload["unit"], "park": fact.payload["park"],
            "linked_at": fact.occurred_at.isoformat()}

    def when_LiaisonOfficerAppointed(self, fact: Fact) -> None:
        p = fact.payload
        self.officers[p["cadre_id"]] = {
            "cadre_id": p["cadre_id"], "name": p["name"], "unit": p["unit"],
            "leader_id": p["leader_id"], "phone": p.get("phone"),
            "appointed_at": fact.occurred_at.isoformat()}
