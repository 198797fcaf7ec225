"""Questions answered from the policy service's event log (no read model yet): the policy-work
items, folded from their streams, and who may see which."""
from __future__ import annotations

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.errors import Forbidden
from kernel.store import events, row_to_event
from services.policy.domain import PolicyWork

READERS = ("office", "supervisor", "unit_officer")


class MayNotReadPolicyWork(Forbidden):
    rule = "may_not_read_policy_work"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not read policy-work items; only "
                         f"{', '.join(READERS)} may")


def policy_work_items(connection: sa.Connection, actor: Actor) -> list[dict]:
    """Every item the actor may see, oldest first: a unit officer sees its own unit's."""
    if actor.role not in READERS:
        raise MayNotReadPolicyWork(actor.role)
    rows = connection.execute(
        sa.select(events).where(events.c.stream_type == PolicyWork.stream_type)
        .order_by(events.c.id)).all()
    streams: dict[str, list] = {}
    for row in rows:
        streams.setdefault(row.stream_id, []).append(row_to_event(row))
    items = [PolicyWork.from_events(stream_id, stream).snapshot()
             for stream_id, stream in streams.items()]
    if actor.role == "unit_officer":
        items = [item for item in items if item["unit"] == actor.unit]
    return items
