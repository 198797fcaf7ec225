"""The register of units as the policy service knows it (kernel.units): known_units, one row per
unit the liaison service registered (code, name, kind, county), with the stream version of the
newest event taken in. The policy service checks the units its commands name against it.

Revision ID: p0003
"""
import sqlalchemy as sa
from alembic import op

revision = "p0003"
down_revision = "p0002"
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

