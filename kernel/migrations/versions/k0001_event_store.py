"""The kernel's tables in every service's database: the event log (which is also the outbox),
checkpoints, and the record of events already handled by consumers.

Revision ID: k0001
"""
import sqlalchemy as sa
from alembic import op

revision = "k0001"
down_revision = None
branch_labels = ("kernel",)
depends_on = None

Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("position", Position, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("stream_id", sa.String(120), nullable=False),
        sa.Column("stream_type", sa.String(60), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(240), nullable=False),
        sa.Column("correlation_id", sa.String(64), nullable=False),
        sa.Column("causation_id", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.UniqueConstraint("stream_id", "version", name="uq_events_stream_version"),
    )
    op.create_index("ix_events_stream_type", "events", ["stream_type"])
    op.create_table(
        "checkpoints",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "handled_events",
        sa.Column("consumer", sa.String(120), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
