"""Reactions that failed: each is retried with backoff and, after its last try, parked with its
error and the event itself, where an operator sees it and can retry it (kernel.reactions).

Revision ID: k0002
"""
import sqlalchemy as sa
from alembic import op

revision = "k0002"
down_revision = "k0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reaction_failures",
        sa.Column("consumer", sa.String(120), primary_key=True),
        sa.Column("event_id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(60), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("event_type", sa.String(120), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("failed_at", sa.String(32), nullable=False),
        sa.Column("next_try_at", sa.String(32), nullable=False),
        sa.Column("parked", sa.Boolean, nullable=False),
        sa.Column("event", sa.Text, nullable=False),
    )
    # The question asked on every delivery: does a failing reaction hold this source back?
    op.create_index("ix_reaction_failures_waiting", "reaction_failures",
                    ["consumer", "source", "parked", "position"])


def downgrade() -> None:
    op.drop_table("reaction_failures")
