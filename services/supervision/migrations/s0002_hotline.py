"""Tracking's hotline steps (`tracking_hotline`): each dispatch of an appeal to a unit, its return
(退回), each resolution, each sending back for 重办 and each callback (回访), with the unit that
led the appeal then, from which the hotline measures are counted. A read model like the other
tracking tables: a rebuild takes the ledger in again from seq 1 and fills it, so the appeals
folded before it existed are counted too once tracking is rebuilt.

Revision ID: s0002
"""
import sqlalchemy as sa
from alembic import op

revision = "s0002"
down_revision = "s0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracking_hotline",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("appeal_id", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_tracking_hotline_appeal", "tracking_hotline", ["appeal_id", "unit"])


def downgrade() -> None:
    op.drop_index("ix_tracking_hotline_appeal", "tracking_hotline")
    op.drop_table("tracking_hotline")
