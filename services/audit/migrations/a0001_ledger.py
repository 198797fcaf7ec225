"""The audit ledger: append only, refused UPDATE and DELETE by triggers on both databases.

Revision ID: a0001
"""
import sqlalchemy as sa
from alembic import op

revision = "a0001"
down_revision = None
branch_labels = ("audit",)
depends_on = "k0001"

REFUSAL = "the audit ledger is append-only"


def upgrade() -> None:
    op.create_table(
        "ledger",
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("event_id", sa.String(36), nullable=False, unique=True),
        sa.Column("service", sa.String(40), nullable=False),
        sa.Column("source_position", sa.BigInteger, nullable=False),
        sa.Column("stream_id", sa.String(120), nullable=False),
        sa.Column("stream_type", sa.String(60), nullable=False),
        sa.Column("type", sa.String(120), nullable=False),
        sa.Column("occurred_at", sa.String(32), nullable=False),
        sa.Column("event", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_ledger_stream", "ledger", ["stream_id"])
    if op.get_bind().dialect.name == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_refuse_{operation.lower()} BEFORE {operation} ON ledger "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {operation} refused'); END")
    else:
        op.execute(
            "CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP; END $$")
        op.execute(
            "CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON ledger "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute(
            "CREATE TRIGGER ledger_no_truncate BEFORE TRUNCATE ON ledger "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
