"""What the ledger view reads, by index, however long the ledger grows: each filter's rows newest
first.

The ledger view and its workbook read appeals newest first by (received_at, id), a page at a
time after a keyset cursor (`services.tickets.queries`). A single-column index on a filtered
column (status, county, …) finds every matching row and leaves them all to be sorted before the
first page can be answered: at 100,000 appeals, 60,000 closed ones sorted to show 50. An index on
(column, received_at, id) hands them over already in order, from the cursor on, so a page reads
about a page of rows; the same holds for the unfiltered ledger on (received_at, id), and for an
enterprise's own appeals (and the duplicate check's candidates) on (uscc, received_at, id).

Each composite index has its column first, so it also answers what the single-column index did,
which goes. The index on lead_unit goes too: no query reads by it (units are read through
ticket_units). Fewer indexes are fewer writes for every command.

A unit's appeals (a unit officer's whole ledger) are listed from ticket_units, which therefore
carries each appeal's received_at, filled here from ticket_rows and by the projection from now
on, under an index on (unit, received_at, ticket_id) that replaces the one on unit.

Revision ID: t0003
"""
import sqlalchemy as sa
from alembic import op

revision = "t0003"
down_revision = "t0002"
branch_labels = None
depends_on = None

# The ledger view's filters on a column of ticket_rows (`services.tickets.queries.FILTERS`).
FILTERED = ("status", "county", "category", "channel", "uscc", "overdue")


def upgrade() -> None:
    op.drop_index("ix_ticket_rows_received_at", table_name="ticket_rows")
    op.create_index("ix_ticket_rows_newest", "ticket_rows", ["received_at", "id"])
    for column in FILTERED:
        if column != "overdue":  # never had one of its own
            op.drop_index(f"ix_ticket_rows_{column}", table_name="ticket_rows")
        op.create_index(f"ix_ticket_rows_{column}_newest", "ticket_rows",
                        [column, "received_at", "id"])
    op.drop_index("ix_ticket_rows_lead_unit", table_name="ticket_rows")

    # Nullable: SQLite adds no NOT NULL column without a default; the projection always fills it.
    op.add_column("ticket_units", sa.Column("received_at", sa.String(32)))
    op.execute("UPDATE ticket_units SET received_at = (SELECT ticket_rows.received_at "
               "FROM ticket_rows WHERE ticket_rows.id = ticket_units.ticket_id)")
    op.drop_index("ix_ticket_units_unit", table_name="ticket_units")
    op.create_index("ix_ticket_units_unit_newest", "ticket_units",
                    ["unit", "received_at", "ticket_id"])
