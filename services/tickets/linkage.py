"""The leaders' linkage (挂点联系, notice 三(一)) as the tickets service knows it, kept from the
liaison service's events, so that a leader reads the appeals of his linkage and a liaison officer
those of his leader's, with the liaison service down too. Services share events, never modules:
the payloads read here are the liaison service's (services/liaison/linkage/domain.py,
registry/domain.py, fieldwork/visit.py), a convention both keep and a test holds.

What is kept (migration t0005), each from the liaison events named:
- `linked_leaders` (leader_id): LeaderRegistered — a leader the register does not hold reaches
  nothing, whatever his token says;
- `leader_linkages` (leader_id, rank, park) and `linked_enterprises` (leader_id, uscc):
  PlanAccepted (every city leader's linkage at once, the others' kept) and LinkageChanged (one
  leader's);
- `enterprise_parks` (uscc, park): EnterpriseRegistered and EnterpriseProfileChanged, so that a
  leader linked to a park reaches its enterprises;
- `liaison_appointments` (cadre_id, leader_id): LiaisonOfficerAppointed;
- `visit_leaders` (visit_id, leader_id): VisitRecorded, so that the appeals raised from a visit
  (they name it: `ticket_rows.visit_id`) reach the leader who made it.

Each reaction writes the row as the event says it is now, so taking an event in twice changes
nothing. Like the register of units, these tables are not folded from the tickets log: they are
rebuilt by replaying the liaison log to the consumer.
"""
from __future__ import annotations

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.store import UnitOfWork

SOURCE = "liaison"
CONSUMER = "leader-linkage"
# The liaison service's city leaders' ranks (its linkage rules' CITY_RANKS): an accepted plan
# sets every one of their linkages, and leaves a county leader's alone.
CITY_RANKS = ("top_city", "city")

metadata = sa.MetaData()
linked_leaders = sa.Table(
    "linked_leaders", metadata,
    sa.Column("leader_id", sa.String(100), primary_key=True),
)
leader_linkages = sa.Table(
    "leader_linkages", metadata,
    sa.Column("leader_id", sa.String(100), primary_key=True),
    sa.Column("rank", sa.String(40)),
    sa.Column("park", sa.String(100), index=True),
)
linked_enterprises = sa.Table(
    "linked_enterprises", metadata,
    sa.Column("leader_id", sa.String(100), primary_key=True),
    sa.Column("uscc", sa.String(18), primary_key=True),
)
enterprise_parks = sa.Table(
    "enterprise_parks", metadata,
    sa.Column("uscc", sa.String(18), primary_key=True),
    sa.Column("park", sa.String(100), index=True),
)
liaison_appointments = sa.Table(
    "liaison_appointments", metadata,
    sa.Column("cadre_id", sa.String(100), primary_key=True),
    sa.Column("leader_id", sa.String(100), nullable=False),
)
visit_leaders = sa.Table(
    "visit_leaders", metadata,
    sa.Column("visit_id", sa.String(100), primary_key=True),
    sa.Column("leader_id", sa.String(100), nullable=False, index=True),
    # The enterprise visited: a problem found there is raised in its name only.
    sa.Column("uscc", sa.String(18)),
)


# -- the reactions ---------------------------------------------------------------------------

def _replace(connection: sa.Connection, table: sa.Table, key: str, row: dict) -> None:
    connection.execute(table.delete().where(table.c[key] == row[key]))
    connection.execute(table.insert().values(**row))


def _set_linkage(connection: sa.Connection, linkage: dict) -> None:
    leader_id = linkage["leader_id"]
    _replace(connection, leader_linkages, "leader_id",
             {"leader_id": leader_id, "rank": linkage.get("rank"), "park": linkage.get("park")})
    connection.execute(linked_enterprises.delete()
                       .where(linked_enterprises.c.leader_id == leader_id))
    listed = sorted(set(linkage.get("enterprises") or ()))
    if listed:
        connection.execute(linked_enterprises.insert(),
                           [{"leader_id": leader_id, "uscc": uscc} for uscc in listed])


def leader_registered(uow: UnitOfWork, event: Event) -> None:
    """liaison LeaderRegistered {id, …}: a leader the register holds."""
    _replace(uow.connection, linked_leaders, "leader_id",
             {"leader_id": event.payload.get("id") or event.stream_id})


def plan_accepted(uow: UnitOfWork, event: Event) -> None:
    """liaison PlanAccepted {linkages}: every city leader's linkage is the plan's."""
    connection = uow.connection
    city = sa.select(leader_linkages.c.leader_id).where(leader_linkages.c.rank.in_(CITY_RANKS))
    connection.execute(linked_enterprises.delete().where(linked_enterprises.c.leader_id.in_(city)))
    connection.execute(leader_linkages.delete().where(leader_linkages.c.rank.in_(CITY_RANKS)))
    for linkage in event.payload["linkages"]:
        _set_linkage(connection, linkage)


def linkage_changed(uow: UnitOfWork, event: Event) -> None:
    """liaison LinkageChanged {leader_id, rank, park, enterprises}: one leader's linkage."""
    _set_linkage(uow.connection, event.payload)


def enterprise_registered(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseRegistered {uscc, park, …}: the park it lies in, if any."""
    _replace(uow.connection, enterprise_parks, "uscc",
             {"uscc": event.payload.get("uscc") or event.stream_id,
              "park": event.payload.get("park")})


def enterprise_changed(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseProfileChanged {only the changed fields}: a new park, if it moved."""
    if "park" in event.payload:
        _replace(uow.connection, enterprise_parks, "uscc",
                 {"uscc": event.stream_id, "park": event.payload["park"]})


def liaison_appointed(uow: UnitOfWork, event: Event) -> None:
    """liaison LiaisonOfficerAppointed {cadre_id, leader_id, …}."""
    _replace(uow.connection, liaison_appointments, "cadre_id",
             {"cadre_id": event.payload["cadre_id"], "leader_id": event.payload["leader_id"]})


def visit_recorded(uow: UnitOfWork, event: Event) -> None:
    """liaison VisitRecorded {leader_id, uscc, …} on the visit's stream: whose visit it was, to
    which enterprise."""
    _replace(uow.connection, visit_leaders, "visit_id",
             {"visit_id": event.stream_id, "leader_id": event.payload["leader_id"],
              "uscc": event.payload.get("uscc")})


def is_own_visit(connection: sa.Connection, role: str, sub: str, visit_id: str,
                 uscc: str) -> bool:
    """Whether `visit_id` is a visit of the leader `sub` reaches in `role` (himself, or the
    leader a liaison officer is appointed to) to the enterprise `uscc`."""
    found = connection.execute(
        sa.select(visit_leaders.c.visit_id)
        .where(visit_leaders.c.visit_id == visit_id, visit_leaders.c.uscc == uscc,
               visit_leaders.c.leader_id == leader_of(role, sub))).first()
    return found is not None


SUBSCRIPTIONS = {SOURCE: {
    "LeaderRegistered": leader_registered,
    "PlanAccepted": plan_accepted,
    "LinkageChanged": linkage_changed,
    "EnterpriseRegistered": enterprise_registered,
    "EnterpriseProfileChanged": enterprise_changed,
    "LiaisonOfficerAppointed": liaison_appointed,
    "VisitRecorded": visit_recorded,
}}


# -- the reach, as a clause of the ledger's query --------------------------------------------

def leader_of(role: str, sub: str) -> sa.ScalarSelect:
    """The registered leader whose linkage `sub` reaches in `role` (himself, or the leader a
    liaison officer is appointed to), as a scalar subquery: NULL for an unregistered leader or
    an unappointed liaison officer, which compares equal to nothing."""
    if role == "leader":
        return (sa.select(linked_leaders.c.leader_id)
                .where(linked_leaders.c.leader_id == sub).scalar_subquery())
    return (sa.select(linked_leaders.c.leader_id)
            .join(liaison_appointments, liaison_appointments.c.leader_id
                  == linked_leaders.c.leader_id)
            .where(liaison_appointments.c.cadre_id == sub).scalar_subquery())


def reach(uscc: sa.ColumnElement, visit_id: sa.ColumnElement, role: str,
          sub: str) -> sa.ColumnElement:
    """Appeals (by their enterprise's credit code and their visit) within the linkage: of an
    enterprise the leader links, of an enterprise in the park he links, or raised from his
    visit."""
    leader = leader_of(role, sub)
    linked = sa.select(linked_enterprises.c.uscc).where(linked_enterprises.c.leader_id == leader)
    in_park = (sa.select(enterprise_parks.c.uscc)
               .join(leader_linkages, leader_linkages.c.park == enterprise_parks.c.park)
               .where(leader_linkages.c.leader_id == leader))
    visited = sa.select(visit_leaders.c.visit_id).where(visit_leaders.c.leader_id == leader)
    return sa.or_(uscc.in_(linked), uscc.in_(in_park), visit_id.in_(visited))
