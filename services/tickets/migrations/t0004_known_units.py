"""The register of units as the tickets service knows it (kernel.units): known_units, one row per
unit the liaison service registered (code, name, kind, county), with the stream version of the
newest event taken in. The tickets service checks the units a dispatch, a redispatch and the
routing table name against it.

Revision ID: t0004
"""
import sqlalchemy as sa
from alembic import op

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "known_units",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("kind", sa.String(40)),
        sa.Column("county", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
    )
