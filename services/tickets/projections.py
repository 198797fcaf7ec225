"""The ledger's read model: a row per appeal, folded from its events in the same transaction as
the command that appended them, and rebuildable from the log at any time.

A row is the aggregate's own snapshot, so the read model cannot compute a state the aggregate
would not.
"""
from __future__ import annotations

import json
from typing import Iterable, Sequence

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.store import events as event_log, read_stream
from services.tickets.domain import Status, Ticket

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
)
ticket_units = sa.Table(
    "ticket_units", metadata,
    sa.Column("ticket_id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100), primary_key=True),
)


def _load(connection: sa.Connection, ticket_id: str) -> Ticket:
    return Ticket.from_events(ticket_id, read_stream(connection, ticket_id))


def row_of(ticket: Ticket) -> dict:
    state = ticket.snapshot()
    missed = {tuple(pair) for pair in state["missed"]}
    # The next moment the deadline watch has something to record: a pending, not yet missed due.
    pending_dues = [due for kind, due in state["deadlines"].items()
                    if due and not state["deadlines_met"].get(kind) and (kind, due) not in missed]
    return {
        "id": ticket.id, "ledger_number": state["ledger_number"], "uscc": state["uscc"],
        "enterprise_name": state["enterprise_name"], "title": state["title"],
        "channel": state["channel"], "category": state["category"], "county": state["county"],
        "status": state["status"], "lead_unit": state["lead_unit"],
        "received_at": state["received_at"], "resolved_at": state["resolved_at"],
        "closed_at": state["closed_at"], "rating": state["rating"],
        "overdue": bool(state["overdue"]),
        "next_due": None if state["status"] == Status.CLOSED else min(pending_dues, default=None),
        "version": state["version"],
        "state": json.dumps(state, ensure_ascii=False),
    }


def _write(connection: sa.Connection, ticket: Ticket) -> None:
    connection.execute(ticket_rows.delete().where(ticket_rows.c.id == ticket.id))
    connection.execute(ticket_units.delete().where(ticket_units.c.ticket_id == ticket.id))
    connection.execute(ticket_rows.insert().values(**row_of(ticket)))
    units = {u for u in [ticket.lead_unit, *ticket.assisting_units] if u}
    if units:
        connection.execute(ticket_units.insert(),
                           [{"ticket_id": ticket.id, "unit": u} for u in sorted(units)])


def project(connection: sa.Connection, appended: Sequence[Event]) -> None:
    """The store's projector: refold every appeal the command touched."""
    for ticket_id in dict.fromkeys(e.stream_id for e in appended if e.stream_type == "ticket"):
        _write(connection, _load(connection, ticket_id))


def rebuild(engine: sa.Engine) -> int:
    """Drop the read model and fold it again from the log; return the number of appeals."""
    with engine.begin() as connection:
        connection.execute(ticket_units.delete())
        connection.execute(ticket_rows.delete())
        ids: Iterable[str] = connection.execute(
            sa.select(event_log.c.stream_id).where(event_log.c.stream_type == "ticket")
            .group_by(event_log.c.stream_id)).scalars().all()
        count = 0
        for ticket_id in ids:
            _write(connection, _load(connection, ticket_id))
            count += 1
    return count
