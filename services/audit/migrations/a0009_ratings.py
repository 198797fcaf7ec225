"""Every rating an enterprise gave an appeal, kept with the unit that led it then
(`tracking_ratings`, `services.audit.supervision.tracking`): the satisfaction rate (满意率) counts
each, an unsatisfied rating that sent the appeal back too, where the appeal's own row keeps only
the rating as it stands.

The table is filled here from the ledger's TicketRated entries, each with the lead unit of the
appeal's last dispatch before it, as tracking would have folded them.

Revision ID: a0009
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "a0009"
down_revision = "a0008"
branch_labels = None
depends_on = None

UNIT = 100
DISPATCHES = ("TicketDispatched", "TicketRedispatched")


def upgrade() -> None:
    op.create_table(
        "tracking_ratings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("appeal_id", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(UNIT)),
        sa.Column("rating", sa.String(40), nullable=False),
        sa.Column("via", sa.String(40)),
        sa.Column("rated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_tracking_ratings_appeal", "tracking_ratings", ["appeal_id", "unit"])
    _backfill(op.get_bind())


def _backfill(connection) -> None:
    ledger = sa.table("ledger", sa.column("seq"), sa.column("stream_id"), sa.column("type"),
                      sa.column("event"))
    ratings = sa.table("tracking_ratings", sa.column("seq"), sa.column("appeal_id"),
                       sa.column("unit"), sa.column("rating"), sa.column("via"),
                       sa.column("rated_at"))
    lead: dict[str, str] = {}
    rows = connection.execute(
        sa.select(ledger.c.seq, ledger.c.stream_id, ledger.c.type, ledger.c.event)
        .where(ledger.c.type.in_((*DISPATCHES, "TicketRated"))).order_by(ledger.c.seq))
    batch = []
    for row in rows:
        event = json.loads(row.event)
        payload = event.get("payload") or {}
        if row.type in DISPATCHES:
            lead[row.stream_id] = payload.get("lead_unit")
        elif payload.get("rating"):
            batch.append({"seq": row.seq, "appeal_id": row.stream_id,
                          "unit": lead.get(row.stream_id), "rating": payload["rating"],
                          "via": payload.get("via"), "rated_at": event.get("occurred_at")})
    if batch:
        connection.execute(ratings.insert(), batch)


def downgrade() -> None:
    op.drop_index("ix_tracking_ratings_appeal", "tracking_ratings")
    op.drop_table("tracking_ratings")
