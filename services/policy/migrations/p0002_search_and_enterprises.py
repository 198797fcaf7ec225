"""Policy search and matching: the term index of Chinese search (services.policy.search) and the
enterprises as the liaison service's events describe them (services.policy.enterprises).

policy_terms: one row per (policy, field, term) of a policy's current text, with its count;
read by term, so indexed by (term, policy_id). policy_enterprises: one row per enterprise
(uscc), each field with the stream version that last set it.

Revision ID: p0002
"""
import sqlalchemy as sa
from alembic import op

revision = "p0002"
down_revision = "p0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_terms",
        sa.Column("policy_id", sa.String(100), primary_key=True),
        sa.Column("field", sa.String(20), primary_key=True),
        sa.Column("term", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_index("ix_policy_terms_term_policy_id", "policy_terms", ["term", "policy_id"])
    op.create_table(
        "policy_enterprises",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("county", sa.String(100)),
        sa.Column("park", sa.String(100)),
        sa.Column("industry", sa.String(100)),
        sa.Column("size", sa.String(40)),
        sa.Column("above_designated_size", sa.Boolean),
        sa.Column("tier", sa.String(40)),
        sa.Column("updated_at", sa.String(32)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("field_versions", sa.Text, nullable=False),
    )
    op.create_index("ix_policy_enterprises_industry", "policy_enterprises", ["industry"])
    op.create_index("ix_policy_enterprises_county", "policy_enterprises", ["county"])
