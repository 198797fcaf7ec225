"""A service's jobs (`kernel.jobs`): work longer than a request — the audit's verification of
the ledger, supervision's export of an assessment — run apart from the request that asked for
it, with its status, its progress, and, once done, its result kept here, so a restart of the
service does not lose a finished one.

Revision ID: kjobs1
"""
import sqlalchemy as sa
from alembic import op

revision = "kjobs1"
down_revision = "k0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("role", sa.String(40), nullable=False),
        sa.Column("sub", sa.String(200), nullable=False),
        sa.Column("started_by", sa.String(400), nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("done", sa.BigInteger, nullable=False),
        sa.Column("total", sa.BigInteger),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
        sa.Column("error", sa.Text),
        sa.Column("filename", sa.String(300)),
        sa.Column("display_name", sa.String(300)),
        sa.Column("media_type", sa.String(120)),
        sa.Column("result", sa.LargeBinary),
    )
    op.create_index("ix_jobs_starter", "jobs", ["role", "sub"])


def downgrade() -> None:
    op.drop_index("ix_jobs_starter", "jobs")
    op.drop_table("jobs")
