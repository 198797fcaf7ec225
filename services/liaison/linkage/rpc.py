"""The linkage's RPC entrypoints (a mixin of LiaisonService): propose a plan (the solver runs in
eventlet's thread pool, off the hub, outside any write transaction), read plans, accept one as a
whole, change one leader's linkage, link a department to a park, appoint a liaison officer, and
read the linkages as the caller may: a leader (role "leader", sub = leader id) his own, a liaison
officer (role "liaison", sub = cadre id) his leader's, the office and supervisors all.

Each command loads, decides (the aggregates check the notice's rules against the registry's read
model, handed in as `Registry`) and appends; the read models follow in the same transaction.
"""
from __future__ import annotations

import uuid
from collections.abc import Mapping

from eventlet import tpool

from kernel import checks
from kernel.actor import Actor
from kernel.envelope import utc_now
from kernel.errors import InvalidInput
from kernel.rpc import rpc
from kernel.store import UnitOfWork
from kernel.wire import body_fields
from services.liaison.linkage import contract
from services.liaison.linkage import plan as planner
from services.liaison.linkage import views
from services.liaison.linkage.domain import (
    CITY_STREAM, CityLinkage, LinkagePlan, Registry, check_proposer,
)
from services.liaison.linkage.exceptions import (
    DepartmentParkNotFound, LinkageNotFound, MayNotReadLinkage, NotEnterpriseHelpMember,
    PlanNotFound, RoleNotAllowed,
)
from services.liaison.registry import views as registry_views

ENTERPRISE_HELP = "enterprise_help"
ALL_LINKAGES = ("office", "supervisor")
# A plan is drawn from the enterprises' tiers: read by the office, the supervision group and the
# enterprise help working group's units, which propose them.
PLAN_READERS = ("office", "supervisor", "unit_officer")


def registry(connection) -> Registry:
    """The registry's rows a linkage decision reads."""
    return Registry(
        leaders={row["id"]: row for row in registry_views.leaders(connection)},
        enterprises={row["uscc"]: row for row in registry_views.enterprises(connection)},
        parks={row["id"]: row for row in registry_views.parks(connection)},
        units={row["code"]: row for row in registry_views.units(connection)})


def _pins(parks) -> dict[str, str]:
    if parks is None:
        return {}
    if not isinstance(parks, Mapping):
        raise InvalidInput(f"parks {parks!r}: expected an object, top city leader id → park id",
                           field="parks")
    return {checks.text("parks", k, 100): checks.text("parks", v, 100) for k, v in parks.items()}


def _visible_leaders(connection, who: Actor) -> list[str] | None:
    """The leaders whose linkage `who` may read; None for all."""
    if who.role in ALL_LINKAGES:
        return None
    if who.role == "leader":
        return [who.sub]
    if who.role == "liaison":
        found = views.officer(connection, who.sub)
        return [found["leader_id"]] if found else []
    raise RoleNotAllowed(who.role, "read the leaders' linkages",
                         (*ALL_LINKAGES, "leader", "liaison"))


def _check_plan_reader(connection, who: Actor) -> None:
    if who.role not in PLAN_READERS:
        raise RoleNotAllowed(who.role, "read linkage plans", PLAN_READERS)
    if who.role == "unit_officer" and who.unit not in registry_views.working_group_units(
            connection, ENTERPRISE_HELP):
        raise NotEnterpriseHelpMember(who.unit)


def _may_read_department_park(connection, who: Actor, row: dict) -> bool:
    """The office and supervisors; the department's own officers; the leader whose list is in
    that park (his linkage's park, or an enterprise of his there) and his liaison officers."""
    if who.role in ALL_LINKAGES:
        return True
    if who.role == "unit_officer":
        return who.unit == row["unit"]
    reach = views.reach_of(connection, who)
    if not reach.anything:
        return False
    in_park = {e["uscc"] for e in registry_views.enterprises(connection, park=row["park"])}
    return reach.park == row["park"] or bool(reach.enterprises & in_park)


class LinkageRpc:
    """Plans, linkages, departments' parks and liaison officers (mixed into LiaisonService,
    which gives `self.store`)."""

    # -- plans ---------------------------------------------------------------------------------

    @rpc
    def propose_plan(self, actor: dict, parks: dict | None = None) -> dict:
        """The enterprise help working group asks the planner for every city leader's list;
        `parks` pins top leaders' parks. Refused with the exact reason when no plan exists."""
        who = Actor.from_dict(actor)
        pinned = _pins(parks)

        def solve(uow: UnitOfWork) -> planner.Plan:
            check_proposer(who, registry_views.working_group_units(uow.connection,
                                                                   ENTERPRISE_HELP))
            city = registry(uow.connection)
            # CP-SAT blocks its thread for its whole search: off the hub.
            return tpool.execute(planner.solve, list(city.leaders.values()),
                                 list(city.enterprises.values()), list(city.parks.values()),
                                 pinned)

        solved = self.store.query("propose_plan", solve)

        def decide(uow: UnitOfWork) -> dict:
            plan = uow.load(LinkagePlan, str(uuid.uuid4()))
            plan.propose(solved.linkages, stats=solved.stats, pinned_parks=pinned,
                         registry=registry(uow.connection), at=utc_now(), actor=who,
                         enterprise_help_units=registry_views.working_group_units(
                             uow.connection, ENTERPRISE_HELP))
            uow.save(plan)
            # (the read models follow when the transaction ends: answer from the aggregate)
            return {**plan.snapshot(), "status": "proposed", "accepted_at": None}

        return self.store.execute("propose_plan", decide)

    @rpc
    def get_plan(self, actor: dict, plan_id: str) -> dict:
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            _check_plan_reader(uow.connection, who)
            found = views.plan(uow.connection, plan_id)
            if found is None:
                raise PlanNotFound(plan_id)
            return found

        return self.store.query("get_plan", answer)

    @rpc
    def list_plans(self, actor: dict) -> dict:
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            _check_plan_reader(uow.connection, who)
            return {"items": views.plans(uow.connection)}

        return self.store.query("list_plans", answer)

    @rpc
    def accept_plan(self, actor: dict, plan_id: str) -> dict:
        """The office accepts the plan as a whole: every city leader's linkage replaced by it."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            plan = uow.load(LinkagePlan, plan_id)
            city = uow.load(CityLinkage, CITY_STREAM)
            city.accept(plan, registry=registry(uow.connection), at=utc_now(), actor=who)
            uow.save(city)
            return {**plan.snapshot(), "status": "accepted", "accepted_at": city.changed_at}

        return self.store.execute("accept_plan", decide)

    # -- linkages ------------------------------------------------------------------------------

    @rpc
    def linkages(self, actor: dict) -> dict:
        """The linkages the caller may read, by leader id."""
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            visible = _visible_leaders(uow.connection, who)
            found = views.linkages(uow.connection, visible)
            for linkage in found:
                linkage["liaison_officers"] = views.officers(uow.connection,
                                                             linkage["leader_id"])
            return {"items": found}

        return self.store.query("linkages", answer)

    @rpc
    def get_linkage(self, actor: dict, leader_id: str) -> dict:
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            visible = _visible_leaders(uow.connection, who)
            if visible is not None and leader_id not in visible:
                raise MayNotReadLinkage(who.role, leader_id)
            found = views.linkage(uow.connection, leader_id)
            if found is None:
                raise LinkageNotFound(leader_id)
            # Every leader's linkage is one stream, so the rules across leaders hold: its
            # version is what a change names in If-Match.
            stream = uow.read_stream(CITY_STREAM)
            return {**found, "version": stream[-1].version if stream else 0}

        return self.store.query("get_linkage", answer)

    @rpc
    def change_linkage(self, actor: dict, leader_id: str, enterprises: list,
                       park: str | None = None, reason: str | None = None) -> dict:
        """One leader's linkage as it is to be, checked against every rule with the rest of the
        city's linkage standing."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            city = uow.load(CityLinkage, CITY_STREAM)
            city.change(leader_id, park=park, enterprises=enterprises, reason=reason,
                        registry=registry(uow.connection), at=utc_now(), actor=who)
            uow.save(city)
            return {**city.linkages[leader_id], "liaison_officers": sorted(
                (o for o in city.officers.values() if o["leader_id"] == leader_id),
                key=lambda o: o["cadre_id"]),
                "version": city.version}

        return self.store.execute("change_linkage", decide)

    # -- departments and liaison officers ------------------------------------------------------

    @rpc
    def link_department(self, actor: dict, unit: str, park: str) -> dict:
        """notice 三(一)2: each relevant city department is linked to one park (the office)."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            city = uow.load(CityLinkage, CITY_STREAM)
            city.link_department(unit, park, registry=registry(uow.connection), at=utc_now(),
                                 actor=who)
            uow.save(city)
            return {"unit": unit, "park": park, "linked_at": city.departments[unit]["linked_at"]}

        return self.store.execute("link_department", decide)

    @rpc
    def department_park(self, actor: dict, unit: str) -> dict:
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            if who.role == "public":
                raise RoleNotAllowed(who.role, "read the departments' parks",
                                     ("an authenticated caller",))
            for row in views.department_parks(uow.connection):
                # outside the caller's reach it is not found, as if not linked
                if row["unit"] == unit and _may_read_department_park(uow.connection, who, row):
                    return row
            raise DepartmentParkNotFound(unit)

        return self.store.query("department_park", answer)

    # (named short: the causation id "liaison.<method>.<uuid>" must fit the log's 64 characters)
    @rpc
    def appoint_liaison(self, actor: dict, fields: dict) -> dict:
        """notice 三(一)2: a cadre of a city or county office appointed for a city leader's
        enterprises (the office); he then reads that leader's linkage."""
        who = Actor.from_dict(actor)

        def decide(uow: UnitOfWork) -> dict:
            given = body_fields(fields, contract.LinkageOfficerAppointment,
                                "a liaison officer's appointment")
            city = uow.load(CityLinkage, CITY_STREAM)
            city.appoint_liaison_officer(
                given.get("cadre_id"), name=given.get("name"), unit=given.get("unit"),
                leader_id=given.get("leader_id"), phone=given.get("phone"),
                registry=registry(uow.connection), at=utc_now(), actor=who)
            uow.save(city)
            return city.officers[given["cadre_id"].strip()]

        return self.store.execute("appoint_liaison", decide)

    @rpc
    def liaison_officers(self, actor: dict, leader_id: str | None = None) -> dict:
        """The liaison officers (of one leader, if given) the caller may read."""
        who = Actor.from_dict(actor)

        def answer(uow: UnitOfWork) -> dict:
            visible = _visible_leaders(uow.connection, who)
            found = views.officers(uow.connection, leader_id)
            if visible is not None:
                found = [o for o in found if o["leader_id"] in visible]
            return {"items": found}

        return self.store.query("liaison_officers", answer)
