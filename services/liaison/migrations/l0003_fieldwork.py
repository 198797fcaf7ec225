"""The liaison field work's read models: surveys and help plans (the timer reads the ones due and
not yet marked overdue, by status and due date), visits (by leader, enterprise, county), the
appeals raised from visits (by ticket id: the tickets service's later facts name only the
ticket), and the activities — consultations and matchmaking.

Each row carries `state`, the aggregate's snapshot the reads answer with.

Revision ID: l0003
"""
import sqlalchemy as sa
from alembic import op

revision = "l0003"
down_revision = "l0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "liaison_surveys",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("park", sa.String(100), nullable=False),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_surveys_unit", "liaison_surveys", ["unit"])
    op.create_index("ix_liaison_surveys_leader", "liaison_surveys", ["leader_id"])
    op.create_index("ix_liaison_surveys_due", "liaison_surveys", ["status", "overdue", "due"])

    op.create_table(
        "liaison_help_plans",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.String(10), nullable=False),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_help_plans_unit", "liaison_help_plans", ["unit"])
    op.create_index("ix_liaison_help_plans_leader", "liaison_help_plans", ["leader_id"])
    op.create_index("ix_liaison_help_plans_due", "liaison_help_plans",
                    ["status", "overdue", "due"])

    op.create_table(
        "liaison_visits",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("uscc", sa.String(18), nullable=False),
        sa.Column("county", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    for column in ("leader_id", "uscc", "county"):
        op.create_index(f"ix_liaison_visits_{column}", "liaison_visits", [column, "date"])

    op.create_table(
        "liaison_visit_appeals",
        sa.Column("ticket_id", sa.String(100), primary_key=True),
        sa.Column("visit_id", sa.String(100), nullable=False),
        sa.Column("problem_id", sa.String(100)),
        sa.Column("ledger_number", sa.String(100), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
    )
    op.create_index("ix_liaison_visit_appeals_visit", "liaison_visit_appeals", ["visit_id"])

    op.create_table(
        "liaison_activities",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_activities_kind", "liaison_activities", ["kind", "date"])


def downgrade() -> None:
    for table in ("liaison_activities", "liaison_visit_appeals", "liaison_visits",
                  "liaison_help_plans", "liaison_surveys"):
        op.drop_table(table)
