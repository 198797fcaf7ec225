"""The audit ledger on SQLite and PostgreSQL: a chain that verifies, refuses change, names the
first entry altered beneath its triggers whatever column was rewritten, and on PostgreSQL is
written through a role that cannot change what it wrote."""
import datetime as dt
import json

import pytest
import sqlalchemy as sa

from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import Event, canonical_json, format_time
from services.audit import ledger
from services.audit.chain import GENESIS, canonical_entry, entry_hash
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)
WRITER = ledger.WRITER_ROLE


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0000-{n:012d}", stream_id=f"t-{n % 3}",
                 stream_type="ticket", version=n, type="ProgressNoted", occurred_at=format_time(AT),
                 actor="office:clerk", correlation_id="c", causation_id="k",
                 payload={"note": f"第{n}次跟进", "n": n})


def migrated(url: str) -> sa.Engine:
    engine = make_engine(url)
    migrate(engine, SERVICES["audit"].migrations_path)
    with engine.begin() as connection:
        for n in range(1, 6):
            ledger.append(connection, "tickets", n, event(n))
    return engine


@pytest.fixture
def ledger_engine(db_url):
    engine = migrated(db_url)
    yield engine
    engine.dispose()


def verdict_of(engine) -> dict:
    with engine.connect() as connection:
        return ledger.verify_ledger(connection).to_dict()


def beneath_the_triggers(connection: sa.Connection) -> None:
    """What a table owner can do: take the triggers away for a rewrite."""
    if is_sqlite(connection.engine):
        connection.exec_driver_sql("DROP TRIGGER ledger_refuse_update")
        connection.exec_driver_sql("DROP TRIGGER ledger_refuse_delete")
    else:
        connection.exec_driver_sql("ALTER TABLE ledger DISABLE TRIGGER ledger_append_only")


def test_chain_verifies_and_links(ledger_engine):
    with ledger_engine.connect() as connection:
        verdict = ledger.verify_ledger(connection)
        rows = connection.execute(sa.select(ledger.ledger).order_by(ledger.ledger.c.seq)).all()
    assert verdict.ok and verdict.entries == 5
    assert verdict.head_hash == rows[-1].hash
    assert rows[0].prev_hash == GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash
    first = rows[0]
    assert first.event == canonical_json(event(1).to_dict()).decode("utf-8")
    # The hash covers the entry's own columns as well as the event.
    columns = dict(first._mapping)
    assert first.hash == entry_hash(GENESIS, canonical_entry(columns, json.loads(first.event)))
    assert first.hash != entry_hash(GENESIS, first.event.encode("utf-8"))
    assert (first.service, first.source_position) == ("tickets", 1)
    assert json.loads(first.event)["payload"]["note"] == "第1次跟进"


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET type = 'Forged' WHERE seq = 2",
    "DELETE FROM ledger WHERE seq = 5",
])
def test_update_and_delete_are_refused(ledger_engine, statement):
    with pytest.raises(sa.exc.DBAPIError) as refused:
        with ledger_engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert "append-only" in str(refused.value)
    assert verdict_of(ledger_engine)["entries"] == 5


def forged_event() -> str:
    forged = json.loads(event(3).canonical())
    forged["payload"]["note"] = "已解决"  # rewriting history
    return canonical_json(forged).decode("utf-8")


# Every column of an entry, each with a rewrite a table owner might make, and the words the
# verdict's reason must contain.
REWRITES = [
    ("seq", 30, "seq"),          # renumbered past the head
    ("seq", -3, "seq"),          # renumbered before the first
    ("event_id", "00000000-0000-0000-0000-000000000099", "event_id"),
    ("service", "policy", "service"),
    ("source_position", 99, "source_position"),
    ("stream_id", "t-forged", "stream_id"),
    ("stream_type", "policy", "stream_type"),
    ("type", "TicketClosedOff", "type"),
    ("occurred_at", format_time(AT + dt.timedelta(days=1)), "occurred_at"),
    ("recorded_at", format_time(AT - dt.timedelta(days=1)), "recorded_at"),
    ("event", forged_event(), "event"),
    ("event", json.dumps(json.loads(forged_event()), indent=1), "event"),  # not canonical
    ("event", json.dumps(json.loads(event(3).canonical())), "canonical"),  # same meaning
    ("prev_hash", "f" * 64, "prev_hash"),
    ("hash", "e" * 64, "hash"),
]


@pytest.mark.parametrize("column, value, named", REWRITES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(REWRITES)])
def test_an_owner_s_rewrite_of_any_column_is_reported_at_its_seq(ledger_engine, column, value,
                                                                  named):
    with ledger_engine.begin() as connection:
        beneath_the_triggers(connection)
        connection.execute(ledger.ledger.update().where(ledger.ledger.c.seq == 3)
                           .values({column: value}))
    verdict = verdict_of(ledger_engine)
    assert verdict["ok"] is False
    assert verdict["first_bad_seq"] == 3
    assert verdict["entries"] == 2
    assert named in verdict["reason"]


def test_the_last_entry_renumbered_away_is_reported(ledger_engine):
    with ledger_engine.begin() as connection:
        beneath_the_triggers(connection)
        connection.execute(sa.text("UPDATE ledger SET seq = 0 WHERE seq = 5"))
    verdict = verdict_of(ledger_engine)
    assert (verdict["ok"], verdict["first_bad_seq"], verdict["entries"]) == (False, 5, 4)
    assert "seq 0" in verdict["reason"]


def test_removed_entry_is_reported_at_its_seq(ledger_engine):
    with ledger_engine.begin() as connection:
        beneath_the_triggers(connection)
        connection.execute(sa.text("DELETE FROM ledger WHERE seq = 2"))
    verdict = verdict_of(ledger_engine)
    assert verdict["ok"] is False and verdict["first_bad_seq"] == 2 and verdict["entries"] == 1
    assert "no entry at seq 2" in verdict["reason"]


# -- the writer role (PostgreSQL) ------------------------------------------------------------

@pytest.fixture
def pg_ledger(make_pg_url):
    engine = migrated(make_pg_url())
    yield engine
    engine.dispose()


@pytest.mark.parametrize("statement", [
    "UPDATE ledger SET type = 'Forged' WHERE seq = 2",
    "DELETE FROM ledger WHERE seq = 5",
    "TRUNCATE ledger",
    "ALTER TABLE ledger DISABLE TRIGGER ledger_append_only",
    "DROP TRIGGER ledger_append_only ON ledger",
    "DROP TABLE ledger",
])
def test_the_writer_role_cannot_change_the_ledger(pg_ledger, statement):
    with pytest.raises(sa.exc.ProgrammingError) as refused:
        with pg_ledger.begin() as connection:
            connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER}")
            connection.exec_driver_sql(statement)
    assert "permission denied" in str(refused.value) or "must be owner" in str(refused.value)
    verdict = verdict_of(pg_ledger)
    assert verdict["ok"] and verdict["entries"] == 5


def test_the_service_appends_as_the_writer_role_which_does_not_own_the_table(pg_ledger):
    with pg_ledger.begin() as connection:
        owner = connection.execute(sa.text(
            "SELECT tableowner FROM pg_tables WHERE tablename = 'ledger'")).scalar_one()
        granted = set(connection.execute(sa.text(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'ledger' AND grantee = :r"), {"r": WRITER}).scalars())
        seen = []

        @sa.event.listens_for(connection, "before_cursor_execute")
        def who(conn, cursor, statement, parameters, context, executemany):
            if statement.startswith("INSERT INTO ledger "):
                cursor.execute("SELECT current_user")
                seen.append(cursor.fetchone()[0])

        ledger.append(connection, "tickets", 6, event(6))
        after = connection.execute(sa.text("SELECT current_user, session_user")).one()
    assert owner != WRITER
    assert granted == {"SELECT", "INSERT"}
    assert seen == [WRITER]
    # The rest of the reaction's transaction runs as the service's own user again.
    assert after[0] == after[1]
    assert verdict_of(pg_ledger)["entries"] == 6


def test_the_role_migration_runs_in_every_database_of_the_cluster(pg_ledger, make_pg_url):
    # The role exists already (cluster-wide); a second database still gets its grant.
    other = migrated(make_pg_url())
    try:
        with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
            with other.begin() as connection:
                connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER}")
                connection.exec_driver_sql("DELETE FROM ledger")
        assert verdict_of(other)["entries"] == 5
    finally:
        other.dispose()
