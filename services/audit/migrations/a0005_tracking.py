"""Tracking (跟踪调度, `services.audit.supervision.tracking`): what every unit owes and by when, folded
from the ledger as it grows; the appeal facts per lead unit; the problem appeals; the supervision
each unit received; and the leaders' linked parks, departments and counties for their scoping.
Beside them, the read models of the action's deliverables and of the scheduling reports, refolded
from the audit's own log (`supervision.deliverable_views`).

Read models, not records: each row is the fold of ledger entries and keeps their seqs, and
`tracking.rebuild` writes them all again from the ledger (which is how a ledger that existed
before this revision is taken in: the tables start empty here). Instants are stored as the
ledger spells them (UTC, "…Z"), so text order is time order on both stores.

Revision ID: a0005
"""
import sqlalchemy as sa
from alembic import op

revision = "a0005"
down_revision = "a0004"
branch_labels = None
depends_on = None

UNIT = 100
ID = 240


def upgrade() -> None:
    op.create_table(
        "tracking_matters",
        sa.Column("matter_id", sa.String(ID), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("stream_id", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(UNIT), nullable=False),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("due_at", sa.String(32)),
        sa.Column("done_at", sa.String(32)),
        sa.Column("withdrawn_at", sa.String(32)),
        sa.Column("seqs", sa.Text, nullable=False),
    )
    op.create_index("ix_tracking_matters_unit", "tracking_matters", ["unit", "kind"])
    op.create_index("ix_tracking_matters_stream", "tracking_matters", ["stream_id"])
    op.create_index("ix_tracking_matters_due", "tracking_matters", ["due_at"])
    op.create_table(
        "tracking_appeals",
        sa.Column("appeal_id", sa.String(120), primary_key=True),
        sa.Column("title", sa.String(400), nullable=False),
        sa.Column("uscc", sa.String(18)),
        sa.Column("lead_unit", sa.String(UNIT)),
        sa.Column("signed", sa.Boolean, nullable=False),
        sa.Column("signings", sa.Integer, nullable=False),
        sa.Column("resolutions", sa.Integer, nullable=False),
        sa.Column("sent_back_seqs", sa.Text, nullable=False),
        sa.Column("passed", sa.Text, nullable=False),
        sa.Column("passed_seqs", sa.Text, nullable=False),
        sa.Column("problem_reason", sa.String(40)),
        sa.Column("problem_unit", sa.String(UNIT)),
        sa.Column("problem_seqs", sa.Text),
        sa.Column("seqs", sa.Text, nullable=False),
    )
    op.create_table(
        "tracking_appeal_facts",
        sa.Column("appeal_id", sa.String(120), primary_key=True),
        sa.Column("unit", sa.String(UNIT), primary_key=True),
        sa.Column("dispatched_at", sa.String(32), nullable=False),
        sa.Column("sign_due", sa.String(32)),
        sa.Column("signed_at", sa.String(32)),
        sa.Column("resolution_due", sa.String(32)),
        sa.Column("resolved_at", sa.String(32)),
        sa.Column("replied", sa.Boolean, nullable=False),
        sa.Column("rating", sa.String(40)),
        sa.Column("sent_back", sa.Integer, nullable=False),
        sa.Column("seqs", sa.Text, nullable=False),
    )
    op.create_index("ix_tracking_appeal_facts_dispatched", "tracking_appeal_facts",
                    ["dispatched_at"])
    op.create_table(
        "tracking_supervision",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("unit", sa.String(UNIT), nullable=False),
        sa.Column("step", sa.String(40), nullable=False),
        sa.Column("matter_id", sa.String(ID)),
        sa.Column("case_id", sa.String(120), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("occurred_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_tracking_supervision_unit", "tracking_supervision", ["unit"])
    op.create_table(
        "tracking_leader_parks",
        sa.Column("leader_id", sa.String(UNIT), primary_key=True),
        sa.Column("rank", sa.String(40)),
        sa.Column("park", sa.String(UNIT)),
    )
    op.create_table(
        "tracking_department_parks",
        sa.Column("unit", sa.String(UNIT), primary_key=True),
        sa.Column("park", sa.String(UNIT), nullable=False),
    )
    op.create_table(
        "tracking_park_counties",
        sa.Column("park", sa.String(UNIT), primary_key=True),
        sa.Column("county", sa.String(UNIT), nullable=False),
    )
    op.create_table(
        "tracking_liaison_officers",
        sa.Column("cadre_id", sa.String(UNIT), primary_key=True),
        sa.Column("leader_id", sa.String(UNIT), nullable=False),
        sa.Column("unit", sa.String(UNIT), nullable=False),
    )
    # The action's deliverables and the scheduling reports (`supervision.deliverable_views`).
    op.create_table(
        "supervision_deliverables",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("year", sa.Integer),
        sa.Column("code", sa.String(40)),
        sa.Column("due", sa.String(10)),
        sa.Column("status", sa.String(20)),
        sa.Column("version", sa.Integer),
        sa.Column("state", sa.Text),
    )
    op.create_index("ix_supervision_deliverables_due", "supervision_deliverables",
                    ["due", "status"])
    op.create_table(
        "supervision_scheduling_reports",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("number", sa.String(60)),
        sa.Column("as_of", sa.String(32)),
        sa.Column("version", sa.Integer),
        sa.Column("state", sa.Text),
    )


def downgrade() -> None:
    for table in ("supervision_scheduling_reports", "supervision_deliverables",
                  "tracking_liaison_officers", "tracking_park_counties",
                  "tracking_department_parks", "tracking_leader_parks", "tracking_supervision",
                  "tracking_appeal_facts", "tracking_appeals", "tracking_matters"):
        op.drop_table(table)
