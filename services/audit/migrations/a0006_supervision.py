"""The supervision cases' read model (`services.audit.supervision.views`): a row per case, by
unit, by step reached and status, and by its notice's answer-by date for the units' lists of
notices. The row carries `state`, the case's snapshot the reads answer with; the cases' facts
themselves are the audit's own events, in `events`, rebuilt into this table at will.

Revision ID: a0006
"""
import sqlalchemy as sa
from alembic import op

revision = "a0006"
down_revision = "a0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_cases",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("matter_id", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("step", sa.String(20)),
        sa.Column("notice_number", sa.String(100)),
        sa.Column("answer_by", sa.String(10)),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("opened_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_supervision_cases_unit", "supervision_cases", ["unit", "status"])
    op.create_index("ix_supervision_cases_status", "supervision_cases", ["status", "step"])
    op.create_index("ix_supervision_cases_notice", "supervision_cases",
                    ["notice_number"], unique=True)


def downgrade() -> None:
    op.drop_table("supervision_cases")
