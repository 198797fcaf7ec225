"""The liaison officers' monthly operation reports (企业生产经营情况, notice 三(一)2): a row per
enterprise and month, by enterprise, by leader and month (a leader's and his officers' reads),
by month.

The row carries `state`, the report's snapshot the reads answer with.

Revision ID: l0004
"""
import sqlalchemy as sa
from alembic import op

revision = "l0004"
down_revision = "l0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "liaison_operation_reports",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filed_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_operation_reports_uscc", "liaison_operation_reports",
                    ["uscc", "period"], unique=True)
    op.create_index("ix_liaison_operation_reports_leader", "liaison_operation_reports",
                    ["leader_id", "period"])
    op.create_index("ix_liaison_operation_reports_period", "liaison_operation_reports",
                    ["period"])


def downgrade() -> None:
    op.drop_table("liaison_operation_reports")
