"""The kind of matter and its urgency as columns of the ledger's rows, so that the ledger is
filtered by them: ticket_rows.appeal_type and ticket_rows.urgency, each with its index.

The appeals already in the ledger keep their deadlines. Their `TicketRaised` facts carry no type
and no urgency, and never will: a fact is not rewritten. Their step days were written into those
facts when they were received, so replaying them gives the days they had; the aggregate gives an
appeal a dispatch deadline only when its raise recorded one (`Ticket.when_TicketRaised`), so they
fold with the same three deadlines as before. Both columns are therefore left null for them,
which is exactly what a rebuild of the read model folds them to; nothing is filled in here. Their
rows' `state` lacks the new keys until the next refold of each appeal, and the view reads a
missing key as null (no type, no urgency, no contact, not confidential).

Revision ID: t0006
"""
import sqlalchemy as sa
from alembic import op

revision = "t0006"
down_revision = "t0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ticket_rows", sa.Column("appeal_type", sa.String(40)))
    op.add_column("ticket_rows", sa.Column("urgency", sa.String(40)))
    op.create_index("ix_ticket_rows_appeal_type", "ticket_rows", ["appeal_type"])
    op.create_index("ix_ticket_rows_urgency", "ticket_rows", ["urgency"])
