"""Global positions given in commit order, without a lock around every append.

The log's old `position` (taken from a sequence at insert) becomes `id`, the order of insertion.
A new `position`, what readers follow, is given once the row is committed: on PostgreSQL by the
store's sequencer (`kernel.store.EventStore.sequence`), in one transaction at a time, so a
position is never given behind one a reader may already have passed. On SQLite, whose writers
take turns for the whole transaction, the append gives it at once: there, insertion order is
commit order.

Revision ID: k0004
"""
import sqlalchemy as sa
from alembic import op

revision = "k0004"
down_revision = "k0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.execute("ALTER TABLE events RENAME COLUMN position TO id")
    op.add_column("events", sa.Column("position", sa.BigInteger, nullable=True))
    op.execute("UPDATE events SET position = id")
    op.create_index("uq_events_position", "events", ["position"], unique=True)
    if not sqlite:
        # What the sequencer has yet to number, found without reading the numbered rows.
        op.create_index("ix_events_unpositioned", "events", ["id"],
                        postgresql_where=sa.text("position IS NULL"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_events_unpositioned", "events")
    op.drop_index("uq_events_position", "events")
    op.drop_column("events", "position")
    op.execute("ALTER TABLE events RENAME COLUMN id TO position")
