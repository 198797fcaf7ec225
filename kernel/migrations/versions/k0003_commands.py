"""Commands carried out, by the id their caller gave them: recorded in the command's own
transaction, so that a redelivered or retried command answers its first response instead of
being decided again (kernel.dependencies.Commands).

Revision ID: k0003
"""
import sqlalchemy as sa
from alembic import op

revision = "k0003"
down_revision = "k0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "commands",
        # sha256 of the caller and its key: two callers' keys never meet.
        sa.Column("command_id", sa.String(128), primary_key=True),
        sa.Column("command", sa.String(120), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("commands")
