"""What the deadline watch reads, by index: resolved appeals by the time they were resolved.

Appeals with a deadline coming due are read by next_due, indexed since t0001; the watch's other
question, which resolved appeals may have waited long enough for a rating, is answered by this
index on (status, resolved_at) instead of a scan of every resolved appeal.

Revision ID: t0002
"""
from alembic import op

revision = "t0002"
down_revision = "t0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_rows_status_resolved_at", "ticket_rows", ["status", "resolved_at"])
