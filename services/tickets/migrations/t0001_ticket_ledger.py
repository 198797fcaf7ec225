"""The ledger's read model: one row per appeal, and the units involved in each.

Revision ID: t0001
"""
import sqlalchemy as sa
from alembic import op

revision = "t0001"
down_revision = None
branch_labels = ("tickets",)
depends_on = "k0001"


def upgrade() -> None:
    op.create_table(
        "ticket_rows",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("ledger_number", sa.String(40), nullable=False, unique=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("enterprise_name", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("county", sa.String(100), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("lead_unit", sa.String(100)),
        sa.Column("received_at", sa.String(32), nullable=False),
        sa.Column("resolved_at", sa.String(32)),
        sa.Column("closed_at", sa.String(32)),
        sa.Column("rating", sa.String(40)),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("next_due", sa.String(32)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    for column in ("uscc", "status", "lead_unit", "county", "category", "channel", "received_at"):
        op.create_index(f"ix_ticket_rows_{column}", "ticket_rows", [column])
    op.create_index("ix_ticket_rows_next_due", "ticket_rows", ["next_due"])
    op.create_table(
        "ticket_units",
        sa.Column("ticket_id", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(100), primary_key=True),
    )
    op.create_index("ix_ticket_units_unit", "ticket_units", ["unit"])
