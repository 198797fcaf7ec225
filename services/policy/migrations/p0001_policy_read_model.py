"""The policy service's read models: policies (the list's filters and order), the portal's feed,
implementation rules, briefings, policy-work items and the compendium's editions.

The policy list is read newest first by (listed_at, id) after a keyset cursor, narrowed by status
(public readers: never a draft), level, cost category, issuing unit or effective dates: each has
an index that hands the rows over in that order. The deadline timer reads policies by end date
and rules by due date.

Revision ID: p0001
"""
import sqlalchemy as sa
from alembic import op

revision = "p0001"
down_revision = None
branch_labels = ("policy",)
depends_on = "k0001"


def upgrade() -> None:
    op.create_table(
        "policy_rows",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("issuing_unit", sa.String(100), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document_number", sa.String(100), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("cost_category", sa.String(40), nullable=False),
        sa.Column("effective_from", sa.String(10), nullable=False),
        sa.Column("effective_until", sa.String(10)),
        sa.Column("published_at", sa.String(32)),
        sa.Column("listed_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_policy_rows_newest", "policy_rows", ["listed_at", "id"])
    for column in ("status", "level", "cost_category", "issuing_unit"):
        op.create_index(f"ix_policy_rows_{column}_newest", "policy_rows",
                        [column, "listed_at", "id"])
    op.create_index("ix_policy_rows_effective", "policy_rows",
                    ["effective_from", "effective_until"])
    op.create_index("ix_policy_rows_until", "policy_rows", ["status", "effective_until"])

    op.create_table(
        "policy_feed",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("policy_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("document_number", sa.String(100), nullable=False),
        sa.Column("issuing_unit", sa.String(100), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_index("ix_policy_feed_at", "policy_feed", ["at", "event_id"])

    op.create_table(
        "rule_rows",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("policy_id", sa.String(100), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("due", sa.String(10)),
        sa.Column("required_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_rule_rows_policy_id", "rule_rows", ["policy_id"])
    op.create_index("ix_rule_rows_unit", "rule_rows", ["unit"])
    op.create_index("ix_rule_rows_status_due", "rule_rows", ["status", "due"])

    op.create_table(
        "briefing_rows",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("organiser", sa.String(100), nullable=False),
        sa.Column("date", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_briefing_rows_date", "briefing_rows", ["date", "id"])

    op.create_table(
        "policy_work_rows",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("ticket_id", sa.String(100), nullable=False),
        sa.Column("opened_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_policy_work_rows_unit", "policy_work_rows", ["unit", "opened_at"])

    op.create_table(
        "compendium_editions",
        sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("built_at", sa.String(32), nullable=False),
        sa.Column("policies", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
