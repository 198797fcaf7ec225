"""The ledger taking in a batch of events by one transaction (`Reactor.receive_many` with the
audit's `record`): the head is read once, the entries are inserted at once as the writer role,
and the chain is the one that appending them one by one would have made."""
import datetime as dt

import pytest
import sqlalchemy as sa

from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import Event, format_time
from kernel.reactions import ALL, Reactor
from kernel.relay import message_for
from kernel.store import EventStore
from services.audit import ledger
from services.audit.service import record
from services.registry import SERVICES

AT = dt.datetime(2026, 5, 6, 8, 0, tzinfo=dt.timezone.utc)


def event(n: int) -> Event:
    return Event(event_id=f"00000000-0000-0000-0001-{n:012d}", stream_id=f"t-{n % 3}",
                 stream_type="ticket", version=n, type="ProgressNoted", occurred_at=format_time(AT),
                 actor="office:clerk", correlation_id=f"c-{n}", causation_id="k",
                 payload={"note": f"第{n}次跟进", "n": n})


def messages(first: int, last: int) -> list[dict]:
    return [message_for("tickets", n, n - 1, event(n)) for n in range(first, last + 1)]


def no_gaps(source, after, limit):
    raise AssertionError(f"no gap expected ({source} after {after})")


@pytest.fixture
def audit(db_url):
    engine = make_engine(db_url)
    migrate(engine, SERVICES["audit"].migrations_path)
    yield engine
    engine.dispose()


@pytest.fixture
def follower(audit):
    return Reactor("ledger", EventStore(audit), {"tickets": {ALL: record}}, no_gaps,
                   service="audit")


class Statements:
    def __init__(self, engine):
        self.seen: list[str] = []
        self.users: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._statement)

    def _statement(self, connection, cursor, statement, parameters, context, executemany):
        self.seen.append(statement)
        writes = ("INSERT INTO ledger ", "INSERT INTO ledger_tree", "UPDATE checkpoints",
                  "INSERT INTO checkpoints")
        if statement.startswith(writes) and not is_sqlite(connection.engine):
            cursor.execute("SELECT current_user")
            self.users.append((statement.split()[0 if statement[0] == "U" else 2],
                               cursor.fetchone()[0]))

    def count(self, start: str) -> int:
        return sum(statement.startswith(start) for statement in self.seen)


def rows(engine) -> list:
    with engine.connect() as connection:
        return connection.execute(
            sa.select(ledger.ledger.c.seq, ledger.ledger.c.source_position,
                      ledger.ledger.c.event_id).order_by(ledger.ledger.c.seq)).all()


def test_a_batch_appends_its_entries_at_once_to_a_chain_that_verifies(audit, follower):
    assert follower.receive(messages(1, 1)[0]) == "acted"  # one alone first
    statements = Statements(audit)
    assert follower.receive_many(messages(2, 21)) == ["acted"] * 20
    # The head read once, the entries inserted at once, the role taken once.
    assert statements.count("SELECT ledger.seq, ledger.hash") == 1
    assert statements.count("INSERT INTO ledger ") == 1
    assert statements.count("INSERT INTO ledger_tree") == 1
    assert statements.count("SET LOCAL ROLE") == (0 if is_sqlite(audit) else 1)
    assert statements.count("RESET ROLE") == (0 if is_sqlite(audit) else 1)
    if not is_sqlite(audit):
        # The entries and their tree nodes as the writer role; the checkpoint as the service's
        # own user again.
        [(_, entries_as), (_, nodes_as), (_, checkpoint_as)] = statements.users
        assert entries_as == nodes_as == ledger.WRITER_ROLE != checkpoint_as
    assert follower.receive_many(messages(22, 23)) == ["acted"] * 2  # the head read anew
    assert [(r.seq, r.source_position) for r in rows(audit)] == [(n, n) for n in range(1, 24)]
    assert [r.event_id for r in rows(audit)] == [event(n).event_id for n in range(1, 24)]
    with audit.connect() as connection:
        verdict = ledger.verify_ledger(connection)
    assert verdict.ok and verdict.entries == 23
    with audit.connect() as connection:
        chain = connection.execute(sa.select(ledger.ledger.c.prev_hash, ledger.ledger.c.hash)
                                   .order_by(ledger.ledger.c.seq)).all()
    assert chain[0].prev_hash == "0" * 64
    assert all(after.prev_hash == before.hash for before, after in zip(chain, chain[1:]))


def test_a_redelivered_batch_adds_no_entry(audit, follower):
    assert follower.receive_many(messages(1, 5)) == ["acted"] * 5
    assert follower.receive_many(messages(1, 5)) == ["duplicate"] * 5
    with audit.begin() as connection:  # the checkpoint lost: handled_events still tell
        connection.execute(sa.text("UPDATE checkpoints SET position = 0"))
    assert follower.receive_many(messages(1, 6)) == ["duplicate"] * 5 + ["acted"]
    assert [r.seq for r in rows(audit)] == [1, 2, 3, 4, 5, 6]


def test_record_outside_a_reactor_refuses_rather_than_dropping_the_entry(audit):
    store = EventStore(audit)
    with pytest.raises(RuntimeError, match="before_checkpoint"):
        with store.unit_of_work() as uow:
            uow.cause = type("Cause", (), {"source": "tickets", "position": 1})()
            record(uow, event(1))
    assert rows(audit) == []
