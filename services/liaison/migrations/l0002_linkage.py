"""The liaison linkage's read models: proposed and accepted plans, each leader's linkage as it
stands (and its enterprises one row each, so "who links this enterprise" is an index read), the
city departments' parks and the liaison officers (by cadre, and by leader for the scoping of
reads).

Revision ID: l0002
"""
import sqlalchemy as sa
from alembic import op

revision = "l0002"
down_revision = "l0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "liaison_plans",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("proposed_at", sa.String(32), nullable=False),
        sa.Column("accepted_at", sa.String(32)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_plans_proposed_at", "liaison_plans", ["proposed_at"])
    op.create_table(
        "liaison_linkages",
        sa.Column("leader_id", sa.String(100), primary_key=True),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("park", sa.String(100)),
        sa.Column("plan_id", sa.String(100)),
        sa.Column("changed_at", sa.String(32), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_table(
        "liaison_linked_enterprises",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("leader_id", sa.String(100), primary_key=True),
        sa.Column("rank", sa.String(20), nullable=False),
    )
    op.create_index("ix_liaison_linked_enterprises_leader", "liaison_linked_enterprises",
                    ["leader_id"])
    op.create_table(
        "liaison_department_parks",
        sa.Column("unit", sa.String(100), primary_key=True),
        sa.Column("park", sa.String(100), nullable=False),
        sa.Column("linked_at", sa.String(32), nullable=False),
    )
    op.create_table(
        "liaison_officers",
        sa.Column("cadre_id", sa.String(100), primary_key=True),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("phone", sa.String(40)),
        sa.Column("appointed_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_liaison_officers_leader", "liaison_officers", ["leader_id"])


def downgrade() -> None:
    for table in ("liaison_officers", "liaison_department_parks", "liaison_linked_enterprises",
                  "liaison_linkages", "liaison_plans"):
        op.drop_table(table)
