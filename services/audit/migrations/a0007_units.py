"""The register of units as tracking knows it (`services.audit.supervision.tracking`): a row per
unit the liaison service registered (UnitRegistered) or renamed (UnitChanged), folded from the
ledger like the other tracking tables, so the year-end assessment names and counts every county,
zone and city department — those with no appeal too. The notice's 21 counties, districts and
zones are known without a row (tracking adds them when it reads), so the table starts empty and
`tracking.rebuild` fills it from a ledger that existed before this revision.

Revision ID: a0007
"""
import sqlalchemy as sa
from alembic import op

revision = "a0007"
down_revision = "a0006"
branch_labels = None
depends_on = None

UNIT = 100


def upgrade() -> None:
    op.create_table(
        "tracking_units",
        sa.Column("code", sa.String(UNIT), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("kind", sa.String(40)),
        sa.Column("county", sa.String(UNIT)),
        # the ledger entries folded into the row (its registration, its renamings)
        sa.Column("seqs", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tracking_units")
