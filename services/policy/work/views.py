"""The policy work's read model: `policy_work_rows`, a row per item with its snapshot, and the
items a reader may see."""
from __future__ import annotations

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.refolding import snapshot_row
from services.policy.policies import views as policies
from services.policy.work import access
from services.policy.work.domain import PolicyWork

metadata = sa.MetaData()
policy_work_rows = sa.Table(
    "policy_work_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("ticket_id", sa.String(100)),
    sa.Column("opened_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
TABLES = (policy_work_rows,)
FOLDS = {
    PolicyWork.stream_type: snapshot_row(PolicyWork, policy_work_rows, (
        "id", "unit", "status", "ticket_id", "opened_at", "version")),
}


def policy_work_items(connection: sa.Connection, actor: Actor) -> list[dict]:
    """Every item the actor may see, oldest first: a unit officer sees its own unit's."""
    access.check_may_read_policy_work(actor)
    query = sa.select(policy_work_rows.c.state).order_by(policy_work_rows.c.opened_at,
                                                         policy_work_rows.c.id)
    if actor.role == "unit_officer":
        query = query.where(policy_work_rows.c.unit == actor.unit)
    return policies.states(connection, query)
