"""The leaders' linkage as the tickets service knows it (services.tickets.linkage), and the visit
each appeal was raised from, so that a leader's ledger is his linkage's and his visits' appeals
and a liaison officer's his leader's:

- linked_leaders, leader_linkages, linked_enterprises, enterprise_parks, liaison_appointments and
  visit_leaders, kept from the liaison service's events;
- ticket_rows.visit_id, filled here from each appeal's TicketRaised (the appeals already in the
  ledger) and by the projection from now on.

Revision ID: t0005
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("linked_leaders", sa.Column("leader_id", sa.String(100), primary_key=True))
    op.create_table(
        "leader_linkages",
        sa.Column("leader_id", sa.String(100), primary_key=True),
        sa.Column("rank", sa.String(40)),
        sa.Column("park", sa.String(100)),
    )
    op.create_index("ix_leader_linkages_park", "leader_linkages", ["park"])
    op.create_table(
        "linked_enterprises",
        sa.Column("leader_id", sa.String(100), primary_key=True),
        sa.Column("uscc", sa.String(18), primary_key=True),
    )
    op.create_table(
        "enterprise_parks",
        sa.Column("uscc", sa.String(18), primary_key=True),
        sa.Column("park", sa.String(100)),
    )
    op.create_index("ix_enterprise_parks_park", "enterprise_parks", ["park"])
    op.create_table(
        "liaison_appointments",
        sa.Column("cadre_id", sa.String(100), primary_key=True),
        sa.Column("leader_id", sa.String(100), nullable=False),
    )
    op.create_table(
        "visit_leaders",
        sa.Column("visit_id", sa.String(100), primary_key=True),
        sa.Column("leader_id", sa.String(100), nullable=False),
        sa.Column("uscc", sa.String(18)),
    )
    op.create_index("ix_visit_leaders_leader_id", "visit_leaders", ["leader_id"])

    op.add_column("ticket_rows", sa.Column("visit_id", sa.String(100)))
    op.create_index("ix_ticket_rows_visit_id", "ticket_rows", ["visit_id"])
    connection = op.get_bind()
    raised = connection.execute(sa.text(
        "SELECT stream_id, payload FROM events WHERE type = 'TicketRaised' "
        "AND stream_type = 'ticket'"))
    visits = [{"id": stream_id, "visit_id": json.loads(payload).get("visit_id")}
              for stream_id, payload in raised]
    visits = [row for row in visits if row["visit_id"]]
    if visits:
        connection.execute(sa.text("UPDATE ticket_rows SET visit_id = :visit_id WHERE id = :id"),
                           visits)
