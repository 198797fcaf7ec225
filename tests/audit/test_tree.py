"""The ledger's stored Merkle tree, on SQLite and PostgreSQL: written by the appender with its
entries, it answers tree hashes and RFC 9162 proofs equal to `merkle`'s over the whole list of
leaves, for every size and index of a small ledger and random pairs of a larger one, in at most
three SELECTs of O(log n) nodes; the migration builds it for a ledger that was there before it;
and nobody changes it, the writer role least of all."""
import random
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from kernel.database import MIGRATIONS, is_sqlite, make_engine, migrate
from kernel.envelope import Event, format_time, utc_now
from services.audit import ledger, merkle, tree
from services.audit.chain import GENESIS, Entry
from services.registry import SERVICES

AUDIT_MIGRATIONS = SERVICES["audit"].migrations_path
WRITER = ledger.WRITER_ROLE


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0012-{n:012d}", stream_id=f"t-{n % 5}",
                 stream_type="ticket", version=n, type="ProgressNoted",
                 occurred_at="2026-05-06T08:00:00Z", actor="office:clerk", correlation_id=f"c-{n}",
                 causation_id="k", payload={"note": f"第{n}次跟进", "n": n})


@pytest.fixture
def audit(db_url):
    engine = make_engine(db_url)
    migrate(engine, AUDIT_MIGRATIONS)
    yield engine
    engine.dispose()


def append_batches(engine: sa.Engine, sizes) -> None:
    """Each size a transaction of its own, as the audit's reaction takes a batch in: a batch of
    one through `ledger.append`, the others through one `ledger.Appender`."""
    with engine.connect() as connection:
        seq = connection.execute(sa.select(sa.func.count()).select_from(ledger.ledger)).scalar()
    for size in sizes:
        with engine.begin() as connection:
            if size == 1:
                seq += 1
                assert ledger.append(connection, "tickets", seq, event(seq)) == seq
                continue
            appender = ledger.Appender(connection)
            for _ in range(size):
                seq += 1
                assert appender.add("tickets", seq, event(seq)) == seq
            appender.flush()


def leaf_hashes(engine: sa.Engine) -> list[bytes]:
    """The ledger's leaves as `merkle` takes them, read from the entries themselves."""
    with engine.connect() as connection:
        hashes = connection.execute(
            sa.select(ledger.ledger.c.hash).order_by(ledger.ledger.c.seq)).scalars()
        return [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]


def stored_nodes(engine: sa.Engine) -> dict[tuple[int, int], bytes]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(tree.ledger_tree)).all()
    return {(row.level, row.idx): bytes(row.hash) for row in rows}


def complete_nodes(leaves: list[bytes]) -> dict[tuple[int, int], bytes]:
    """Every perfect subtree of `leaves`, computed level by level from the definition."""
    nodes, level, row = {}, 0, list(leaves)
    while row:
        nodes.update({(level, idx): hash_ for idx, hash_ in enumerate(row)})
        row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1
    return nodes


class Statements:
    """The statements sent to the database, with their parameters."""

    def __init__(self, engine: sa.Engine):
        self.seen: list[tuple[str, object]] = []
        self.engine = engine
        sa.event.listen(engine, "before_cursor_execute", self._statement)

    def _statement(self, connection, cursor, statement, parameters, context, executemany):
        self.seen.append((statement, parameters))

    def clear(self) -> None:
        self.seen.clear()

    def starting(self, start: str) -> list[tuple[str, object]]:
        return [(s, p) for s, p in self.seen if s.lstrip().startswith(start)]

    def close(self) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._statement)


# ---------------------------------------------------------------------------------------------
# The answers are merkle's over the leaves.


def test_every_answer_up_to_seventy_entries_is_merkles(audit):
    sizes = [1, 1, 2, 3, 7, 1, 16, 5, 34]  # 70 in all, in batches crossing subtrees' edges
    append_batches(audit, sizes)
    leaves = leaf_hashes(audit)
    assert len(leaves) == sum(sizes) == 70
    # Exactly the complete nodes are stored: every perfect subtree, nothing else.
    assert stored_nodes(audit) == complete_nodes(leaves)
    with audit.connect() as connection:
        assert tree.size(connection) == 70
        assert tree.root(connection, 0) == merkle.EMPTY_ROOT
        for seq in range(1, 71):
            assert tree.leaf(connection, seq) == leaves[seq - 1]
        for n in range(1, 71):
            prefix = leaves[:n]
            root = tree.root(connection, n)
            assert root == merkle.root(prefix), n
            for seq in range(1, n + 1):
                proof = tree.inclusion_proof(connection, seq, n)
                assert proof == merkle.inclusion_proof(seq - 1, prefix), (seq, n)
            assert merkle.verify_inclusion(n - 1, n, leaves[n - 1], proof, root)
            for m in range(n + 1):
                proof = tree.consistency_proof(connection, m, n)
                assert proof == merkle.consistency_proof(m, prefix), (m, n)
            assert tree.consistency_proof(connection, n // 2, n) == merkle.consistency_proof(
                n // 2, prefix)


def test_random_pairs_of_a_larger_ledger(audit):
    rng = random.Random(1212)
    sizes = []
    while sum(sizes) < 2400:
        sizes.append(rng.choice([1, 2, rng.randint(3, 60), rng.randint(100, 200), 200]))
    append_batches(audit, sizes)
    leaves = leaf_hashes(audit)
    total = len(leaves)
    assert stored_nodes(audit) == complete_nodes(leaves)
    frontier = merkle.Frontier()
    roots = [frontier.root()]
    for leaf in leaves:
        frontier.append(leaf)
        roots.append(frontier.root())
    with audit.connect() as connection:
        assert tree.size(connection) == total
        checked = {total, 2048, 2047, 1024, 1025, *(rng.randint(1, total) for _ in range(40))}
        for n in sorted(checked):
            assert tree.root(connection, n) == roots[n] == merkle.root(leaves[:n]), n
            for seq in {1, n, rng.randint(1, n), rng.randint(1, n)}:
                proof = tree.inclusion_proof(connection, seq, n)
                assert proof == merkle.inclusion_proof(seq - 1, leaves[:n]), (seq, n)
                assert merkle.verify_inclusion(seq - 1, n, leaves[seq - 1], proof, roots[n])
            for m in {0, 1, n, n - 1, rng.randint(0, n), rng.randint(0, n)}:
                proof = tree.consistency_proof(connection, m, n)
                assert proof == merkle.consistency_proof(m, leaves[:n]), (m, n)
                assert merkle.verify_consistency(m, n, roots[m], roots[n], proof), (m, n)


def test_a_proof_takes_at_most_three_selects_of_log_n_nodes(audit):
    append_batches(audit, [200] * 7 + [37])
    total = 1437
    statements = Statements(audit)
    rng = random.Random(7)
    try:
        with audit.connect() as connection:
            connection.execute(sa.text("SELECT 1"))  # the connection's own first statements
            for n in [total, 1024, 1023, 1025, 3, 1, *(rng.randint(2, total) for _ in range(30))]:
                # Each parameter asks for one level or one node; a node is at most one row.
                most = 3 * n.bit_length()
                for call, args in [(tree.root, (n,)),
                                   (tree.inclusion_proof, (rng.randint(1, n), n)),
                                   (tree.inclusion_proof, (n, n)),
                                   (tree.consistency_proof, (rng.randint(1, n), n)),
                                   (tree.consistency_proof, (1, n))]:
                    statements.clear()
                    call(connection, *args)
                    selects = statements.starting("SELECT")
                    assert len(statements.seen) == len(selects) <= 3, (call, args)
                    asked = sum(len(parameters) for _, parameters in selects)
                    assert asked <= most, (call.__name__, args, asked)
    finally:
        statements.close()


def test_the_appender_reads_the_right_edge_once_and_inserts_the_nodes_at_once(audit):
    append_batches(audit, [3, 200])
    statements = Statements(audit)
    try:
        append_batches(audit, [200])
    finally:
        statements.close()
    # The right edge at 203 entries (128 + 64 + 8 + 2 + 1): one SELECT of its five nodes.
    [(_, edge)] = statements.starting("SELECT ledger_tree.level")
    assert len(edge) == 5 + 5  # five levels, one idx each
    assert len(statements.starting("INSERT INTO ledger_tree")) == 1
    leaves = leaf_hashes(audit)
    assert len(leaves) == 403 and stored_nodes(audit) == complete_nodes(leaves)


def test_refusals_name_the_size_or_seq(audit):
    append_batches(audit, [5])
    with audit.connect() as connection:
        for call, args, named in [
            (tree.inclusion_proof, (0, 5), "seq 0"),
            (tree.inclusion_proof, (6, 5), "seq 6"),
            (tree.inclusion_proof, (1, 6), "size=6"),
            (tree.inclusion_proof, ("1", 5), "seq must be a whole number"),
            (tree.consistency_proof, (4, 3), "m=4"),
            (tree.consistency_proof, (-1, 3), "m=-1"),
            (tree.consistency_proof, (1, 6), "n=6"),
            (tree.root, (6,), "size=6"),
            (tree.root, (-1,), "size=-1"),
            (tree.leaf, (6,), "seq 6"),
            (tree.leaf, (0,), "seq 0"),
        ]:
            with pytest.raises(ValueError, match=named):
                call(connection, *args)


def test_an_entry_written_past_the_appender_is_named_at_the_next_append(audit):
    append_batches(audit, [3])
    with audit.begin() as connection:  # the table's owner, going around the appender
        connection.execute(ledger.ledger.insert(), [entries(1, after=head(connection))[0]])
    with pytest.raises(tree.DamagedTree, match="lacks its node at level 2 index 0"):
        append_batches(audit, [2])


# ---------------------------------------------------------------------------------------------
# The migration builds the tree of a ledger that was there before it.


def migrate_to(engine: sa.Engine, revision: str) -> None:
    """`kernel.database.migrate`, stopping at `revision`."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", Path(AUDIT_MIGRATIONS)]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def head(connection: sa.Connection) -> tuple[int, str]:
    last = connection.execute(sa.select(ledger.ledger.c.seq, ledger.ledger.c.hash)
                              .order_by(ledger.ledger.c.seq.desc()).limit(1)).first()
    return (last.seq, last.hash) if last else (0, GENESIS)


def entries(count: int, after: tuple[int, str] = (0, GENESIS)) -> list[dict]:
    """`count` chained entries as the appender makes them, as rows to insert."""
    seq, prev_hash = after
    rows = []
    for _ in range(count):
        seq += 1
        entry = Entry.make(prev_hash, seq=seq, service="tickets", source_position=seq,
                           event=event(seq).to_dict(), recorded_at=format_time(utc_now()))
        rows.append({name: getattr(entry, name) for name in ledger.ENTRY_FIELDS})
        prev_hash = entry.hash
    return rows


def test_the_migration_builds_the_tree_of_an_existing_ledger(db_url):
    engine = make_engine(db_url)
    try:
        migrate_to(engine, "a0002")
        count = 10_037  # past the migration's page of 10,000
        with engine.begin() as connection:
            assert not sa.inspect(connection).has_table("ledger_tree")
            connection.execute(ledger.ledger.insert(), entries(count))
        migrate(engine, AUDIT_MIGRATIONS)
        leaves = leaf_hashes(engine)
        assert len(leaves) == count
        assert stored_nodes(engine) == complete_nodes(leaves)
        # And the appender goes on from the tree the migration built.
        append_batches(engine, [1, 150])
        leaves = leaf_hashes(engine)
        assert len(leaves) == count + 151
        assert stored_nodes(engine) == complete_nodes(leaves)
        with engine.connect() as connection:
            n = len(leaves)
            assert tree.root(connection, n) == merkle.root(leaves)
            assert tree.consistency_proof(connection, count, n) == merkle.consistency_proof(
                count, leaves)
            assert tree.inclusion_proof(connection, 4097, n) == merkle.inclusion_proof(
                4096, leaves)
    finally:
        engine.dispose()


def test_the_migration_refuses_a_ledger_with_a_gap(db_url):
    engine = make_engine(db_url)
    try:
        migrate_to(engine, "a0002")
        rows = entries(5)
        del rows[2]
        with engine.begin() as connection:
            connection.execute(ledger.ledger.insert(), rows)
        with pytest.raises(RuntimeError, match="after seq 2 has seq 4, not 3"):
            migrate(engine, AUDIT_MIGRATIONS)
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------
# Nobody changes the tree.


@pytest.mark.parametrize("statement", [
    ("UPDATE ledger_tree SET hash = (SELECT hash FROM ledger_tree WHERE level = 0 AND idx = 1) "
     "WHERE level = 0 AND idx = 0"),
    "DELETE FROM ledger_tree WHERE level = 1 AND idx = 0",
    "DELETE FROM ledger_tree",
    "TRUNCATE ledger_tree",
])
def test_update_delete_and_truncate_are_refused(audit, statement):
    append_batches(audit, [6])
    before = stored_nodes(audit)
    if statement.startswith("TRUNCATE") and is_sqlite(audit):
        statement = "DELETE FROM ledger_tree"  # SQLite's TRUNCATE is a DELETE without WHERE
    with pytest.raises(sa.exc.DBAPIError, match="ledger tree is append-only"):
        with audit.begin() as connection:
            connection.exec_driver_sql(statement)
    assert stored_nodes(audit) == before and len(before) == 6 + 3 + 1


@pytest.fixture
def pg_audit(make_pg_url):
    engine = make_engine(make_pg_url())
    migrate(engine, AUDIT_MIGRATIONS)
    append_batches(engine, [6])
    yield engine
    engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger_tree SET idx = idx + 100",
    "DELETE FROM ledger_tree",
    "TRUNCATE ledger_tree",
    "ALTER TABLE ledger_tree DISABLE TRIGGER ledger_tree_append_only",
    "DROP TRIGGER ledger_tree_append_only ON ledger_tree",
    "DROP TABLE ledger_tree",
])
def test_the_writer_role_cannot_change_the_tree(pg_audit, statement):
    before = stored_nodes(pg_audit)
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        with pg_audit.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER}")
            connection.exec_driver_sql(statement)
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    assert stored_nodes(pg_audit) == before


def test_the_nodes_are_written_as_the_writer_role_which_may_only_read_and_insert(pg_audit):
    with pg_audit.begin() as connection:
        owner = connection.execute(sa.text(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'ledger_tree'")).scalar_one()
        granted = set(connection.execute(sa.text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'ledger_tree' AND grantee = :r"), {"r": WRITER}).scalars())
        seen = []

        @sa.event.listens_for(connection, "before_cursor_execute")
        def who(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith("INSERT INTO ledger_tree"):
                cursor.execute("SELECT current_user")
                seen.append(cursor.fetchone()[0])

        ledger.append(connection, "tickets", 7, event(7))
    assert owner != WRITER
    assert granted == {"SELECT", "INSERT"}
    assert seen == [WRITER]
    leaves = leaf_hashes(pg_audit)
    assert len(leaves) == 7 and stored_nodes(pg_audit) == complete_nodes(leaves)
