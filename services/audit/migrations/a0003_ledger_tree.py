"""The ledger's Merkle tree, stored (`services.audit.tree`): each complete node once, append-only
like the ledger, and filled in here for the entries already in it.

Level 0 index i is the leaf hash of entry seq i + 1, level L index i the node over level L-1
indexes 2i and 2i+1 (RFC 9162 §2.1.1): only perfect subtrees, so a node never changes once
stored. The triggers refuse UPDATE and DELETE on both stores (and TRUNCATE on PostgreSQL), and
the ledger's writer role (a0002, which made it) may only select and insert, as on the ledger.

The backfill reads the entries' hashes in seq order a page at a time, carries the tree's right
edge from page to page (a stack of perfect subtree roots, at most log n of them), and inserts
the nodes each page completes. The hashing is written out here rather than imported: a
migration runs the same whatever the modules become.

Revision ID: a0003
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None

WRITER_ROLE = "huiqi_ledger_writer"
REFUSAL = "the audit ledger tree is append-only"
PAGE = 10_000  # entries read, and their nodes inserted, at a time


def upgrade() -> None:
    tree = op.create_table(
        "ledger_tree",
        sa.Column("level", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("idx", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("hash", sa.LargeBinary(32), nullable=False),
        sa.CheckConstraint("length(hash) = 32", name="ck_ledger_tree_hash_size"),
        # Read only by its key: on SQLite the key is the table, with no rowid index beside it.
        sqlite_with_rowid=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_tree_refuse_{operation.lower()} BEFORE {operation} "
                f"ON ledger_tree BEGIN SELECT RAISE(ABORT, '{REFUSAL}: {operation} refused'); END")
    else:
        op.execute(
            "CREATE FUNCTION ledger_tree_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{REFUSAL}: % refused', TG_OP; END $$")
        op.execute(
            "CREATE TRIGGER ledger_tree_append_only BEFORE UPDATE OR DELETE ON ledger_tree "
            "FOR EACH ROW EXECUTE FUNCTION ledger_tree_refuse_change()")
        op.execute(
            "CREATE TRIGGER ledger_tree_no_truncate BEFORE TRUNCATE ON ledger_tree "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_tree_refuse_change()")
        op.execute(f"REVOKE ALL ON ledger_tree FROM {WRITER_ROLE}")
        op.execute(f"GRANT SELECT, INSERT ON ledger_tree TO {WRITER_ROLE}")
    backfill(op.get_bind(), tree)


def backfill(connection: sa.Connection, tree: sa.Table) -> None:
    ledger = sa.table("ledger", sa.column("seq", sa.BigInteger), sa.column("hash", sa.String))
    peaks: list[bytes] = []  # the right edge: one perfect subtree root per bit set in the size
    size = 0
    while True:
        query = sa.select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq).limit(PAGE)
        if size:  # from the lowest seq there is at first, so that a seq below 1 is seen
            query = query.where(ledger.c.seq > size)
        page = connection.execute(query).all()
        if not page:
            return
        nodes = []
        for seq, entry_hash in page:
            if seq != size + 1:
                raise RuntimeError(
                    f"the ledger's entry after seq {size} has seq {seq}, not {size + 1}: its tree "
                    "needs the entries numbered 1, 2, 3, … without a gap; verify the ledger to "
                    "find what changed")
            node = hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash)).digest()
            nodes.append({"level": 0, "idx": size, "hash": node})
            level = 0
            while size >> level & 1:  # a right child: complete its parent with the last peak
                node = hashlib.sha256(b"\x01" + peaks.pop() + node).digest()
                level += 1
                nodes.append({"level": level, "idx": size >> level, "hash": node})
            peaks.append(node)
            size += 1
        connection.execute(tree.insert(), nodes)
