"""The log's checkpoints (`services.audit.checkpoints`): every signed tree head it made, kept,
append-only like the ledger. The table is `ledger_checkpoints`: `checkpoints` is the kernel's,
where each consumer keeps its place in the logs it follows.

A row is the checkpoint's size, root and timestamp, and the signed note exactly as it was served
and witnessed. The triggers refuse UPDATE and DELETE on both stores (and TRUNCATE on
PostgreSQL); the ledger's writer role (a0002, which made it) may only select and insert, and the
service writes checkpoints as that role, as it writes entries.

Revision ID: a0004
"""
import sqlalchemy as sa
from alembic import op

revision = "a0004"
down_revision = "a0003"
branch_labels = None
depends_on = None

WRITER_ROLE = "huiqi_ledger_writer"
REFUSAL = "the audit ledger checkpoints are append-only"


def upgrade() -> None:
    op.create_table(
        "ledger_checkpoints",
        # Given by the writer (one at a time), not by a sequence: the writer role needs no
        # grant beyond SELECT and INSERT.
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("root", sa.LargeBinary(32), nullable=False),
        sa.Column("timestamp", sa.String(32), nullable=False),
        sa.Column("note", sa.Text, nullable=False),
        sa.CheckConstraint("size >= 0", name="ck_ledger_checkpoints_size"),
        sa.CheckConstraint("length(root) = 32", name="ck_ledger_checkpoints_root_size"),
    )
    op.create_index("ix_ledger_checkpoints_size", "ledger_checkpoints", ["size", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_checkpoints_refuse_{operation.lower()} "
                f"BEFORE {operation} ON ledger_checkpoints "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {operation} refused'); END")
        return
    op.execute(
        "CREATE FUNCTION ledger_checkpoints_refuse_change() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP; END $$")
    op.execute(
        "CREATE TRIGGER ledger_checkpoints_append_only "
        "BEFORE UPDATE OR DELETE ON ledger_checkpoints "
        "FOR EACH ROW EXECUTE FUNCTION ledger_checkpoints_refuse_change()")
    op.execute(
        "CREATE TRIGGER ledger_checkpoints_no_truncate BEFORE TRUNCATE ON ledger_checkpoints "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_checkpoints_refuse_change()")
    op.execute(f"REVOKE ALL ON ledger_checkpoints FROM {WRITER_ROLE}")
    op.execute(f"GRANT SELECT, INSERT ON ledger_checkpoints TO {WRITER_ROLE}")
