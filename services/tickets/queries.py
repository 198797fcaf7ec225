"""Questions asked of the ledger's read model: open appeals of an enterprise, appeals with a
deadline coming due, filtered pages for the ledger view, and the ledger as a workbook."""
from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from kernel.envelope import format_time
from services.tickets.projections import ticket_rows
from services.tickets.vocabulary import Status


def open_appeals_of(connection: sa.Connection, uscc: str) -> list[dict]:
    rows = connection.execute(
        sa.select(ticket_rows.c.id, ticket_rows.c.state)
        .where(ticket_rows.c.uscc == uscc, ticket_rows.c.status != Status.CLOSED.value)
        .order_by(ticket_rows.c.received_at)).all()
    found = []
    for row in rows:
        state = json.loads(row.state)
        found.append({"id": row.id, "title": state["title"], "description": state["description"]})
    return found


def due_before(connection: sa.Connection, moment: dt.datetime) -> list[str]:
    """Appeals with a pending deadline already past: candidates for a missed-deadline fact."""
    return connection.execute(
        sa.select(ticket_rows.c.id).where(ticket_rows.c.next_due < format_time(moment))
        .order_by(ticket_rows.c.next_due)).scalars().all()


def resolved_unrated(connection: sa.Connection) -> list[str]:
    """Resolved appeals still waiting for a rating; the aggregate says when the wait is over."""
    return connection.execute(
        sa.select(ticket_rows.c.id).where(ticket_rows.c.status == Status.RESOLVED.value)
        .order_by(ticket_rows.c.resolved_at)).scalars().all()
