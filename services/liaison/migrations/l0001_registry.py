"""The liaison registry's read models: enterprises (the list's filters: county, park, tier,
above designated size), parks, units, leaders and the leading group.

liaison_enterprises: one row per enterprise (uscc), its profile, its current operating tier with
who rated it and when, and `state` (the aggregate's snapshot, the ratings' history included).
liaison_parks, liaison_units, liaison_leaders: one row each, with its snapshot.
liaison_leading_group: the one leading group's snapshot.

Revision ID: l0001
"""
import sqlalchemy as sa
from alembic import op

revision = "l0001"
down_revision = None
branch_labels = ("liaison",)
depends_on = "k0001"


def upgrade() -> None:
    op.create_table(
        "liaison_enterprises",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("county", sa.String(100), nullable=False),
        sa.Column("park", sa.String(100)),
        sa.Column("industry", sa.String(100), nullable=False),
        sa.Column("size", sa.String(20), nullable=False),
        sa.Column("above_designated_size", sa.Boolean, nullable=False),
        sa.Column("tier", sa.String(20)),
        sa.Column("rated_at", sa.String(32)),
        sa.Column("rated_by", sa.String(240)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_enterprises_county", "liaison_enterprises", ["county", "uscc"])
    op.create_index("ix_liaison_enterprises_park", "liaison_enterprises", ["park", "uscc"])
    op.create_index("ix_liaison_enterprises_tier", "liaison_enterprises", ["tier", "uscc"])
    op.create_table(
        "liaison_parks",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("county", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_table(
        "liaison_units",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("county", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_table(
        "liaison_leaders",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("rank", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("county", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_liaison_leaders_rank", "liaison_leaders", ["rank", "id"])
    op.create_table(
        "liaison_leading_group",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )


def downgrade() -> None:
    for table in ("liaison_leading_group", "liaison_leaders", "liaison_units", "liaison_parks",
                  "liaison_enterprises"):
        op.drop_table(table)
