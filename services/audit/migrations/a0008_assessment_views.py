"""The read models of the evaluation rounds (评议反馈) and of the years' assessments (年终考核)
(`services.audit.supervision.assessment_views`): a row per round, by status and the moment it
opened, and a row per year's assessment stream. Each row carries `state`, the aggregate's
snapshot the reads answer with; the facts themselves are the audit's own events, in `events`.

The tables start empty: the audit's projections rebuild (`services.audit.projections.rebuild`)
folds the rounds and assessments recorded before this revision into them.

Revision ID: a0008
"""
import sqlalchemy as sa
from alembic import op

revision = "a0008"
down_revision = "a0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervision_evaluation_rounds",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("status", sa.String(20)),
        sa.Column("title", sa.String(200)),
        sa.Column("opens", sa.String(10)),
        sa.Column("closes", sa.String(10)),
        sa.Column("opened_at", sa.String(32)),
        sa.Column("closed_at", sa.String(32)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_supervision_evaluation_rounds_opened", "supervision_evaluation_rounds",
                    ["opened_at"])
    op.create_table(
        "supervision_assessments",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("year", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("computed_at", sa.String(32)),
        sa.Column("computations", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("supervision_assessments")
    op.drop_table("supervision_evaluation_rounds")
