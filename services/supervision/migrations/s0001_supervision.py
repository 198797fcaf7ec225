"""Supervision's tables: tracking (跟踪调度), folded from the audit's ledger as supervision follows it
by seq (`services.supervision.tracking`) — what every unit owes and by when, the appeal facts per
lead unit, the problem appeals, the supervision each unit received, the register of units, the
enterprises' ratings, the leaders' linked parks, departments and counties, and the entries of
supervision's own streams it cites; the read models of its own streams, refolded from its log —
the supervision cases, the deliverables and scheduling reports, the evaluation rounds and the
years' assessments. Its jobs (an assessment's export run apart) are in the kernel's table.

Read models, not records: each tracking row is the fold of ledger entries and keeps their seqs;
the follower's checkpoint (`tracking:ledger`, the last seq taken in) commits with them, and a
rebuild empties them and takes the ledger in again from seq 1. Instants are stored as the ledger
spells them (UTC, "…Z"), so text order is time order on both stores.

Revision ID: s0001
"""
import sqlalchemy as sa
from alembic import op

revision = "s0001"
down_revision = None
branch_labels = ("supervision",)
depends_on = "k0001"

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

    op.create_table(
        "supervision_cases",
        sa.Column("id", sa.String(100), primary_key=True),
        sa.Column("matter_id", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("step", sa.String(20)),
        sa.Column("notice_number", sa.String(100)),
        sa.Column("answer_by", sa.String(10)),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("opened_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_supervision_cases_unit", "supervision_cases", ["unit", "status"])
    op.create_index("ix_supervision_cases_status", "supervision_cases", ["status", "step"])
    op.create_index("ix_supervision_cases_notice", "supervision_cases",
                    ["notice_number"], unique=True)

    op.create_table(
        "tracking_units",
        sa.Column("code", sa.String(UNIT), primary_key=True),
        sa.Column("name", sa.String(200)),
        sa.Column("kind", sa.String(40)),
        sa.Column("county", sa.String(UNIT)),
        # the ledger entries folded into the row (its registration, its renamings)
        sa.Column("seqs", sa.Text, nullable=False),
    )

    op.create_table(
        "supervision_evaluation_rounds",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("status", sa.String(20)),
        sa.Column("title", sa.String(200)),
        sa.Column("opens", sa.String(10)),
        sa.Column("closes", sa.String(10)),
        sa.Column("opened_at", sa.String(32)),
        sa.Column("closed_at", sa.String(32)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )
    op.create_index("ix_supervision_evaluation_rounds_opened", "supervision_evaluation_rounds",
                    ["opened_at"])
    op.create_table(
        "supervision_assessments",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("year", sa.Integer),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("computed_at", sa.String(32)),
        sa.Column("computations", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
    )

    op.create_table(
        "tracking_ratings",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("appeal_id", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(UNIT)),
        sa.Column("rating", sa.String(40), nullable=False),
        sa.Column("via", sa.String(40)),
        sa.Column("rated_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_tracking_ratings_appeal", "tracking_ratings", ["appeal_id", "unit"])

    # The ledger entries of supervision's own streams that its figures cite (a round's
    # ratings, a delivery's reviews): seq, stream, type and payload, as the ledger holds them.
    op.create_table(
        "tracking_entries",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("stream_id", sa.String(120), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("ix_tracking_entries_stream", "tracking_entries", ["stream_id", "type"])


def downgrade() -> None:
    op.drop_table("tracking_entries")
    op.drop_index("ix_tracking_ratings_appeal", "tracking_ratings")
    op.drop_table("tracking_ratings")
    op.drop_table("supervision_assessments")
    op.drop_table("supervision_evaluation_rounds")
    op.drop_table("tracking_units")
    op.drop_table("supervision_cases")
    for table in ("supervision_scheduling_reports", "supervision_deliverables",
                  "tracking_liaison_officers", "tracking_park_counties",
                  "tracking_department_parks", "tracking_leader_parks", "tracking_supervision",
                  "tracking_appeal_facts", "tracking_appeals", "tracking_matters"):
        op.drop_table(table)
