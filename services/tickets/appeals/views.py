"""The appeal ledger's read models, each rebuildable at any time:

- the ledger: a row per appeal, folded from its events in the same transaction as the command
  that appended them. A row holds the appeal's view (`appeal_view`): the aggregate's own state, so
  the read model cannot compute a state the aggregate would not, and what is kept only for
  display. The row's `state` is that view as JSON, which `get_ticket` answers with;
- the leaders' linkage (挂点联系, notice 三(一)) as the tickets service knows it, kept by
  `reactions` from the liaison service's events, so that a leader reads the appeals of his
  linkage and a liaison officer those of his leader's, with the liaison service down too
  (migration t0005): `linked_leaders` (a leader the register holds; one it does not reaches
  nothing, whatever his token says), `leader_linkages` and `linked_enterprises` (each leader's
  park and enterprises), `enterprise_parks` (so that a leader linked to a park reaches its
  enterprises), `liaison_appointments`, and `visit_leaders` (so that the appeals raised from a
  visit reach the leader who made it). These are not folded from the tickets log: like the
  register of units, they are rebuilt by replaying the liaison log to the consumer.
"""
from __future__ import annotations

import json
from typing import Sequence

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import Progress, Refolding
from kernel.store import read_stream
from services.tickets.appeals.appeal_view import AppealView
from services.tickets.appeals.rules import ENDED, OPEN_BEFORE_RESOLUTION
from services.tickets.appeals.tasks import OPEN_STATES as OPEN_TASK_STATES

metadata = sa.MetaData()
ticket_rows = sa.Table(
    "ticket_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("ledger_number", sa.String(40)),
    sa.Column("uscc", sa.String(18)),
    sa.Column("enterprise_name", sa.String(200)),
    sa.Column("title", sa.String(200)),
    sa.Column("channel", sa.String(40)),
    sa.Column("category", sa.String(40)),
    sa.Column("county", sa.String(100)),
    sa.Column("status", sa.String(40)),
    sa.Column("lead_unit", sa.String(100)),
    sa.Column("received_at", sa.String(32)),
    sa.Column("resolved_at", sa.String(32)),
    sa.Column("closed_at", sa.String(32)),
    sa.Column("rating", sa.String(40)),
    sa.Column("overdue", sa.Boolean),
    sa.Column("next_due", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
    # The visit the appeal was raised from, if any: it reaches the visiting leader (t0005).
    sa.Column("visit_id", sa.String(100)),
    # The kind of matter and its urgency, the ledger's filters; null on older appeals (t0006).
    sa.Column("appeal_type", sa.String(40)),
    sa.Column("urgency", sa.String(40)),
)
ticket_units = sa.Table(
    "ticket_units", metadata,
    sa.Column("ticket_id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100), primary_key=True),
    # The appeal's, so that a unit's appeals are read newest first by index (t0003).
    sa.Column("received_at", sa.String(32)),
)
# The assisting units' tasks of each appeal's current dispatch, so that the ledger is filtered by
# a unit's open tasks (t0007).
ticket_tasks = sa.Table(
    "ticket_tasks", metadata,
    sa.Column("ticket_id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(40), nullable=False),
    sa.Column("due", sa.String(32), nullable=False),
)


def appeal_view(connection: sa.Connection, ticket_id: str) -> dict | None:
    """The appeal's view folded from its stream as this connection sees it (a command's own
    events included, before they commit); None when there is no such appeal."""
    events = read_stream(connection, ticket_id)
    return AppealView.fold_events(ticket_id, events) if events else None


def row_of(state: dict) -> dict:
    missed = {tuple(pair) for pair in state["missed"]}
    # The next moment the deadline watch has something to record: a pending, not yet missed due.
    pending_dues = [due for kind, due in state["deadlines"].items()
                    if due and not state["deadlines_met"].get(kind) and (kind, due) not in missed]
    # An assisting unit's open task not yet recorded as missed is watched as well (协办).
    if state["status"] in OPEN_BEFORE_RESOLUTION:
        pending_dues += [task["due"] for task in state.get("tasks", ())
                         if task["status"] in OPEN_TASK_STATES and not task["overdue"]]
    if state["status"] in ENDED:
        pending_dues = []
    # A rectification of a bad rating keeps its clock whatever became of the appeal (差评整改).
    pending_dues += [entry["pending_due"] for entry in state.get("rectifications", ())
                     if entry["pending_due"] and not entry["overdue"]]
    return {
        "id": state["id"], "ledger_number": state["ledger_number"], "uscc": state["uscc"],
        "enterprise_name": state["enterprise_name"], "title": state["title"],
        "channel": state["channel"], "category": state["category"], "county": state["county"],
        "status": state["status"], "lead_unit": state["lead_unit"],
        "received_at": state["received_at"], "resolved_at": state["resolved_at"],
        "closed_at": state["closed_at"], "rating": state["rating"],
        "overdue": bool(state["overdue"]),
        "next_due": min(pending_dues, default=None),
        "version": state["version"],
        "visit_id": state.get("visit_id"),
        "appeal_type": state.get("appeal_type"),
        "urgency": state.get("urgency"),
        "state": json.dumps(state, ensure_ascii=False),
    }


def write_appeal(connection: sa.Connection, ticket_id: str, stream: Sequence[Event]) -> None:
    """The fold of an appeal's whole stream: its row and its units, written afresh."""
    state = AppealView.fold_events(ticket_id, stream)
    connection.execute(ticket_rows.delete().where(ticket_rows.c.id == ticket_id))
    connection.execute(ticket_units.delete().where(ticket_units.c.ticket_id == ticket_id))
    connection.execute(ticket_tasks.delete().where(ticket_tasks.c.ticket_id == ticket_id))
    connection.execute(ticket_rows.insert().values(**row_of(state)))
    if state["tasks"]:
        connection.execute(ticket_tasks.insert(), [
            {"ticket_id": ticket_id, "unit": task["unit"], "status": task["status"],
             "due": task["due"]} for task in state["tasks"]])
    units = {u for u in [state["lead_unit"], *state["assisting_units"]] if u}
    if units:
        connection.execute(ticket_units.insert(),
                           [{"ticket_id": ticket_id, "unit": u, "received_at": state["received_at"]}
                            for u in sorted(units)])


# The kernel's projector of whole streams: every appeal a command touched refolded in its
# transaction (one it began, from its own events, with no read of the log), all on a rebuild.
projector = Refolding({"ticket": write_appeal}, [ticket_tasks, ticket_units, ticket_rows])
project = projector.project


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop the read model and fold it again from the log; return the number of appeals.
    `progress`, if given, is told how many there are, then of each one refolded."""
    with engine.begin() as connection:
        return projector.rebuild(connection, progress)


# -- the leaders' linkage, as learnt from the liaison service -------------------------------

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

LINKAGE_TABLES = (linked_leaders, leader_linkages, linked_enterprises, enterprise_parks,
                  liaison_appointments, visit_leaders)


def is_own_visit(connection: sa.Connection, role: str, sub: str, visit_id: str,
                 uscc: str) -> bool:
    """Whether `visit_id` is a visit of the leader `sub` reaches in `role` (himself, or the
    leader a liaison officer is appointed to) to the enterprise `uscc`."""
    found = connection.execute(
        sa.select(visit_leaders.c.visit_id)
        .where(visit_leaders.c.visit_id == visit_id, visit_leaders.c.uscc == uscc,
               visit_leaders.c.leader_id == leader_of(role, sub))).first()
    return found is not None


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
