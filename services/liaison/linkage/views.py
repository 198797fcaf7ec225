"""The linkage's read models (migration l0002), folded in the command's transaction and
rebuildable from the log (by `FOLDS`, which `services.liaison.projections` refolds):

- liaison_plans: a row per proposed plan, its status (proposed → accepted) and its snapshot;
- liaison_linkages: a row per leader's linkage as it stands (the `CityLinkage` aggregate's), and
  liaison_linked_enterprises, its enterprises one row each;
- liaison_department_parks: each city department's park; liaison_officers: each cadre's leader.

The city's tables are rewritten from the `CityLinkage` aggregate's fold whenever its stream
grows, so they cannot show a state the aggregate would not.
"""
from __future__ import annotations

import json
from typing import Sequence

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.envelope import Event
from services.liaison.linkage.domain import CityLinkage, LinkagePlan
from services.liaison.linkage.reach import NOWHERE, Reach
from services.liaison.registry import views as registry_views

metadata = sa.MetaData()
liaison_plans = sa.Table(
    "liaison_plans", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(20)),
    sa.Column("proposed_at", sa.String(32)),
    sa.Column("accepted_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_linkages = sa.Table(
    "liaison_linkages", metadata,
    sa.Column("leader_id", sa.String(100), primary_key=True),
    sa.Column("rank", sa.String(20)),
    sa.Column("park", sa.String(100)),
    sa.Column("plan_id", sa.String(100)),
    sa.Column("changed_at", sa.String(32)),
    sa.Column("state", sa.Text),
)
liaison_linked_enterprises = sa.Table(
    "liaison_linked_enterprises", metadata,
    sa.Column("uscc", sa.String(18), primary_key=True),
    sa.Column("leader_id", sa.String(100), primary_key=True),
    sa.Column("rank", sa.String(20)),
)
liaison_department_parks = sa.Table(
    "liaison_department_parks", metadata,
    sa.Column("unit", sa.String(100), primary_key=True),
    sa.Column("park", sa.String(100)),
    sa.Column("linked_at", sa.String(32)),
)
liaison_officers = sa.Table(
    "liaison_officers", metadata,
    sa.Column("cadre_id", sa.String(100), primary_key=True),
    sa.Column("leader_id", sa.String(100)),
    sa.Column("name", sa.String(100)),
    sa.Column("unit", sa.String(100)),
    sa.Column("phone", sa.String(40)),
    sa.Column("appointed_at", sa.String(32)),
)
TABLES = (liaison_plans, liaison_linkages, liaison_linked_enterprises, liaison_department_parks,
          liaison_officers)


def _dumps(state) -> str:
    return json.dumps(state, ensure_ascii=False, sort_keys=True)


def _plan(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    plan = LinkagePlan.from_events(stream_id, stream)
    connection.execute(liaison_plans.delete().where(liaison_plans.c.id == stream_id))
    connection.execute(liaison_plans.insert().values(
        id=stream_id, status="proposed", proposed_at=plan.proposed_at, accepted_at=None,
        version=plan.version, state=_dumps(plan.snapshot())))


def _city(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    city = CityLinkage.from_events(stream_id, stream)
    for table in (liaison_linkages, liaison_linked_enterprises, liaison_department_parks,
                  liaison_officers):
        connection.execute(table.delete())
    if city.linkages:
        connection.execute(liaison_linkages.insert(), [
            {"leader_id": l["leader_id"], "rank": l["rank"], "park": l.get("park"),
             "plan_id": l.get("plan_id"), "changed_at": l["changed_at"], "state": _dumps(l)}
            for l in city.linkages.values()])
        rows = [{"uscc": u, "leader_id": l["leader_id"], "rank": l["rank"]}
                for l in city.linkages.values() for u in l["enterprises"]]
        if rows:
            connection.execute(liaison_linked_enterprises.insert(), rows)
    if city.departments:
        connection.execute(liaison_department_parks.insert(), list(city.departments.values()))
    if city.officers:
        connection.execute(liaison_officers.insert(), list(city.officers.values()))
    accepted = {e.payload["plan_id"]: e.occurred_at for e in stream if e.type == "PlanAccepted"}
    for plan_id, at in accepted.items():
        connection.execute(liaison_plans.update().where(liaison_plans.c.id == plan_id)
                           .values(status="accepted", accepted_at=at))


# Plans first, so that an acceptance finds its plan's row.
FOLDS = {LinkagePlan.stream_type: _plan, CityLinkage.stream_type: _city}


# -- queries ---------------------------------------------------------------------------------------

def plan(connection: sa.Connection, plan_id: str) -> dict | None:
    """The plan's snapshot with its status and accepted_at, or None."""
    row = connection.execute(sa.select(liaison_plans)
                             .where(liaison_plans.c.id == plan_id)).first()
    if row is None:
        return None
    return {**json.loads(row.state), "status": row.status, "accepted_at": row.accepted_at}


def plans(connection: sa.Connection) -> list[dict]:
    """Every plan, newest first, without its linkages: {id, status, proposed_at, proposed_by,
    accepted_at, coverage, stats}."""
    rows = connection.execute(sa.select(liaison_plans).order_by(
        liaison_plans.c.proposed_at.desc(), liaison_plans.c.id))
    found = []
    for row in rows:
        state = json.loads(row.state)
        found.append({"id": row.id, "status": row.status, "proposed_at": row.proposed_at,
                      "proposed_by": state.get("proposed_by"), "accepted_at": row.accepted_at,
                      "coverage": state.get("coverage"), "stats": state.get("stats")})
    return found


def linkage(connection: sa.Connection, leader_id: str) -> dict | None:
    """The leader's linkage {leader_id, rank, park, enterprises, coverage, plan_id,
    changed_at} with his liaison officers, or None."""
    row = connection.execute(sa.select(liaison_linkages.c.state)
                             .where(liaison_linkages.c.leader_id == leader_id)).scalar()
    if row is None:
        return None
    return {**json.loads(row), "liaison_officers": officers(connection, leader_id)}


def linkages(connection: sa.Connection, leader_ids: Sequence[str] | None = None) -> list[dict]:
    """Every linkage standing (of the leaders given, if given), by leader id."""
    query = sa.select(liaison_linkages.c.state).order_by(liaison_linkages.c.leader_id)
    if leader_ids is not None:
        query = query.where(liaison_linkages.c.leader_id.in_(list(leader_ids)))
    return [json.loads(state) for state in connection.execute(query).scalars()]


def city_leader_of(connection: sa.Connection, uscc: str) -> str | None:
    """The city leader linked to the enterprise, if any."""
    return connection.execute(sa.select(liaison_linked_enterprises.c.leader_id).where(
        liaison_linked_enterprises.c.uscc == uscc,
        liaison_linked_enterprises.c.rank.in_(["top_city", "city"]))).scalar()


def leaders_of(connection: sa.Connection, uscc: str) -> list[str]:
    """Every leader (city or county) linked to the enterprise."""
    return list(connection.execute(sa.select(liaison_linked_enterprises.c.leader_id).where(
        liaison_linked_enterprises.c.uscc == uscc)
        .order_by(liaison_linked_enterprises.c.leader_id)).scalars())


def department_parks(connection: sa.Connection) -> list[dict]:
    """Each city department's park {unit, park, linked_at}, by unit."""
    rows = connection.execute(sa.select(liaison_department_parks)
                              .order_by(liaison_department_parks.c.unit))
    return [dict(row._mapping) for row in rows]


def department_park(connection: sa.Connection, unit: str) -> str | None:
    return connection.execute(sa.select(liaison_department_parks.c.park).where(
        liaison_department_parks.c.unit == unit)).scalar()


def officers(connection: sa.Connection, leader_id: str | None = None) -> list[dict]:
    """The liaison officers {cadre_id, leader_id, name, unit, phone, appointed_at} (of one
    leader, if given), by cadre id."""
    query = sa.select(liaison_officers).order_by(liaison_officers.c.cadre_id)
    if leader_id is not None:
        query = query.where(liaison_officers.c.leader_id == leader_id)
    return [dict(row._mapping) for row in connection.execute(query)]


def officer(connection: sa.Connection, cadre_id: str) -> dict | None:
    row = connection.execute(sa.select(liaison_officers)
                             .where(liaison_officers.c.cadre_id == cadre_id)).first()
    return dict(row._mapping) if row is not None else None


def leader_reach(connection: sa.Connection, leader_id: str | None) -> Reach:
    """A leader's list: his linkage's enterprises and his park's; nothing for one who is not a
    registered leader."""
    if not leader_id or registry_views.leader(connection, leader_id) is None:
        return NOWHERE
    found = linkage(connection, leader_id)
    park = found.get("park") if found else None
    in_park = [row["uscc"] for row in registry_views.enterprises(connection, park=park)] \
        if park else []
    return Reach.of(leader_id, found, in_park)


def reach_of(connection: sa.Connection, who: Actor) -> Reach:
    """How far a leader (his own list) or a liaison officer (his appointed leader's) reaches;
    nothing for anyone else, an unregistered leader or an officer not appointed."""
    if who.role == "leader":
        return leader_reach(connection, who.sub)
    if who.role == "liaison":
        appointment = officer(connection, who.sub)
        return leader_reach(connection, appointment["leader_id"]) if appointment else NOWHERE
    return NOWHERE
