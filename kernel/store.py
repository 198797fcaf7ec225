"""The event store: append to a stream at an expected version, read a stream, read everything by
global position. One SQLAlchemy implementation serves SQLite and PostgreSQL.

A command runs inside a unit of work: load, decide, append, and update the service's projections
in the same transaction, so a read model never disagrees with the log it was built from.

Appends take no lock beyond the rows they write: on PostgreSQL one statement checks the expected
version and inserts (the unique (stream, version) key settles a race), so concurrent writers
commit side by side. Readers of the whole log follow `position`, which is given only after commit
(`EventStore.sequence`, migration k0004): a position given later is always higher than every
position a reader could have seen before, so a reader following positions never skips an event
that committed late.
"""
from __future__ import annotations

import contextlib
import json
from typing import Callable, Iterable, Iterator, Sequence

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kernel.aggregate import Aggregate, Fact
from kernel.database import is_sqlite, reading
from kernel.envelope import Event, format_time, new_event_id, utc_now
from kernel.errors import STALE, ConcurrencyError, Refused
from kernel.registry import KERNEL_LOCKS

metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    # The order of insertion, and `position`, the order readers follow (None until sequenced).
    sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("position", sa.BigInteger),
    sa.Column("event_id", sa.String(36)),
    sa.Column("stream_id", sa.String(120)),
    sa.Column("stream_type", sa.String(60)),
    sa.Column("version", sa.Integer),
    sa.Column("type", sa.String(120)),
    sa.Column("occurred_at", sa.String(32)),
    sa.Column("actor", sa.String(240)),
    sa.Column("correlation_id", sa.String(200)),
    sa.Column("causation_id", sa.String(200)),
    sa.Column("payload", sa.Text),
)
checkpoints = sa.Table(
    "checkpoints", metadata,
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("position", sa.BigInteger),
)
handled_events = sa.Table(
    "handled_events", metadata,
    sa.Column("consumer", sa.String(120), primary_key=True),
    sa.Column("event_id", sa.String(36), primary_key=True),
)
# A reaction that failed (kernel.reactions): retried with backoff, then parked for an operator.
reaction_failures = sa.Table(
    "reaction_failures", metadata,
    sa.Column("consumer", sa.String(120), primary_key=True),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("source", sa.String(60)),
    sa.Column("position", sa.BigInteger),
    sa.Column("event_type", sa.String(120)),
    sa.Column("attempts", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("failed_at", sa.String(32)),
    sa.Column("next_try_at", sa.String(32)),
    sa.Column("parked", sa.Boolean),
    sa.Column("event", sa.Text),
)
counters = sa.Table(
    "counters", metadata,
    sa.Column("name", sa.String(120), primary_key=True),
    sa.Column("value", sa.BigInteger),
)
# Each command carried out, by the id its caller gave it (the gateway's Idempotency-Key): written
# in the command's own transaction, so that a redelivered or retried command answers the first
# response instead of being decided again.
commands = sa.Table(
    "commands", metadata,
    sa.Column("command_id", sa.String(128), primary_key=True),
    sa.Column("command", sa.String(120)),
    sa.Column("request_hash", sa.String(64)),
    sa.Column("response", sa.Text),
    sa.Column("recorded_at", sa.String(32)),
)

# The sequencer's turn on PostgreSQL, held until its transaction commits: positions are given
# by one transaction at a time, each above every position given before.
SEQUENCE_LOCK = KERNEL_LOCKS["sequencer"]
# Rows given positions per sequencer transaction.
SEQUENCE_BATCH = 5000
# The columns an append writes, in the order of `_pg_append`'s VALUES.
APPENDED_COLUMNS = ("event_id", "stream_id", "stream_type", "version", "type", "occurred_at",
                    "actor", "correlation_id", "causation_id", "payload")
_pg_appends: dict[int, sa.TextClause] = {}


def _pg_append(count: int) -> sa.TextClause:
    """One statement that appends `count` events only if the stream is at the expected version.

    The version check is the EXISTS (the stream has reached `expected`) and the unique (stream,
    version) key (it has not gone past it): a concurrent append of the same version waits for
    the other transaction and then inserts nothing, which the caller reads as a lost race. No
    savepoint is needed, since nothing failed.
    """
    if count not in _pg_appends:
        rows = ", ".join(
            "(" + ", ".join(f":{name}_{i}" for name in APPENDED_COLUMNS) + ")"
            for i in range(count))
        _pg_appends[count] = sa.text(
            f"INSERT INTO events ({', '.join(APPENDED_COLUMNS)}) "
            f"SELECT * FROM (VALUES {rows}) AS appended ({', '.join(APPENDED_COLUMNS)}) "
            "WHERE CAST(:expected AS integer) = 0 OR EXISTS ("
            "SELECT 1 FROM events WHERE stream_id = :stream AND version = :expected) "
            "ON CONFLICT ON CONSTRAINT uq_events_stream_version DO NOTHING RETURNING id")
    return _pg_appends[count]


_SEQUENCE = sa.text(
    "WITH head AS (SELECT coalesce(max(position), 0) AS at FROM events), "
    "waiting AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM events "
    "WHERE position IS NULL ORDER BY id LIMIT :limit) "
    "UPDATE events SET position = head.at + waiting.n FROM head, waiting "
    "WHERE events.id = waiting.id")

Projector = Callable[[sa.Connection, Sequence[Event]], None]


class CommandRecorded(Exception):
    """Another delivery of the same command committed first: the transaction is spent; run
    again, and its record answers."""

    def __init__(self, command_id: str):
        super().__init__(f"command {command_id} was carried out meanwhile")
        self.command_id = command_id


def load_payload(text: str) -> dict:
    """A stored payload as a dict: orjson for speed, the standard library for what orjson does
    not read (integers beyond 64 bits, NaN), so that every stored payload reads as it did."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def row_to_event(row) -> Event:
    return Event(
        event_id=row.event_id, stream_id=row.stream_id, stream_type=row.stream_type,
        version=row.version, type=row.type, occurred_at=row.occurred_at, actor=row.actor,
        correlation_id=row.correlation_id, causation_id=row.causation_id,
        payload=load_payload(row.payload),
    )


# The whole log after a position, as plain columns: a catching-up reader or a rebuild reads
# millions of rows, so each is unpacked as a tuple rather than looked up by name.
_LOG_COLUMNS = ("position", "event_id", "stream_id", "stream_type", "version", "type",
                "occurred_at", "actor", "correlation_id", "causation_id", "payload")
_LOG_PAGE = (sa.select(*(events.c[name] for name in _LOG_COLUMNS))
             .where(events.c.position > sa.bindparam("after"))
             .order_by(events.c.position).limit(sa.bindparam("limit")))


def read_stream(connection: sa.Connection, stream_id: str) -> list[Event]:
    rows = connection.execute(
        sa.select(events).where(events.c.stream_id == stream_id).order_by(events.c.version))
    return [row_to_event(row) for row in rows]


class UnitOfWork:
    """One transaction of one command. Obtain it from `EventStore.unit_of_work()`."""

    def __init__(self, store: "EventStore", connection: sa.Connection,
                 correlation_id: str, causation_id: str):
        self.store = store
        self.connection = connection
        self.correlation_id = correlation_id
        self.causation_id = causation_id
        self.appended: list[Event] = []
        # Set by kernel.reactions when the unit of work runs a reaction: the event's source and
        # its position in that source's log.
        self.cause = None
        # The version the caller last read of the thing it changes (its If-Match), checked when
        # the command's first aggregate is saved: a stale one refuses the whole command.
        self.expects: int | None = None
        # What code running in this transaction keeps for the rest of it (the audit's ledger
        # head across a batch of reactions, say); gone with the transaction.
        self.scratch: dict = {}

    def load(self, aggregate_cls: type[Aggregate], stream_id: str):
        """The aggregate folded from its stream; a new one when there is none — or when the
        stream under that id is another kind of thing's (a park's id asked for as a unit's)."""
        stream = self.read_stream(stream_id)
        if stream and stream[0].stream_type != aggregate_cls.stream_type:
            stream = []
        return aggregate_cls.from_events(stream_id, stream)

    def read_stream(self, stream_id: str) -> list[Event]:
        return read_stream(self.connection, stream_id)

    def save(self, aggregate: Aggregate) -> list[Event]:
        if self.expects is not None:
            expected, self.expects = self.expects, None
            if aggregate.loaded_version != expected:
                raise Refused(
                    "stale_version", STALE,
                    f"{aggregate.id} was read at version {expected} and is now at version "
                    f"{aggregate.loaded_version}: read it again, then send the change with "
                    "the new ETag", field="If-Match")
        appended = self.append(aggregate.id, aggregate.stream_type, aggregate.loaded_version,
                               aggregate.pending())
        aggregate._pending.clear()
        return appended

    def append(self, stream_id: str, stream_type: str, expected_version: int,
               facts: Iterable[Fact]) -> list[Event]:
        facts = list(facts)
        if not facts:
            return []
        conn = self.connection
        new = [
            Event(
                event_id=new_event_id(), stream_id=stream_id, stream_type=stream_type,
                version=expected_version + i, type=fact.type,
                occurred_at=format_time(fact.occurred_at), actor=fact.actor,
                correlation_id=self.correlation_id, causation_id=self.causation_id,
                payload=fact.payload,
            )
            for i, fact in enumerate(facts, start=1)
        ]
        rows = [{**e.to_dict(), "payload": json.dumps(e.payload, ensure_ascii=False,
                                                      sort_keys=True)} for e in new]
        if self.store.sqlite:
            # The writer holds the database's write lock from BEGIN IMMEDIATE: nobody appends
            # between the check and the insert, and the positions given here commit in order.
            current, head = conn.execute(sa.select(
                sa.select(sa.func.coalesce(sa.func.max(events.c.version), 0))
                .where(events.c.stream_id == stream_id).scalar_subquery(),
                sa.select(sa.func.coalesce(sa.func.max(events.c.position), 0))
                .scalar_subquery())).one()
            if current != expected_version:
                raise ConcurrencyError(stream_id, expected_version)
            conn.execute(events.insert(), [{**row, "position": head + i}
                                           for i, row in enumerate(rows, start=1)])
        else:
            parameters = {"expected": expected_version, "stream": stream_id}
            for i, row in enumerate(rows):
                parameters.update({f"{name}_{i}": row[name] for name in APPENDED_COLUMNS})
            inserted = conn.execute(_pg_append(len(rows)), parameters).scalars().all()
            if len(inserted) != len(rows):
                if inserted:
                    # Some versions were free, others taken: take back what went in, so the
                    # transaction is as it was before the append.
                    conn.execute(events.delete().where(events.c.id.in_(inserted)))
                raise ConcurrencyError(stream_id, expected_version)
        self.appended.extend(new)
        return new

    def next_number(self, name: str) -> int:
        """The next value of a named gap-free counter, allocated in this transaction.

        One atomic upsert: two transactions creating the same counter at once (the first
        appeals of a new year) cannot both insert it; the second waits for the first's row lock
        and takes the next value, and a rolled-back transaction gives its number back.
        """
        insert = (sqlite_insert if self.store.sqlite else pg_insert)(counters)
        return self.connection.execute(
            insert.values(name=name, value=1)
            .on_conflict_do_update(index_elements=[counters.c.name],
                                   set_={"value": counters.c.value + 1})
            .returning(counters.c.value)).scalar_one()

    def recorded_command(self, command_id: str):
        """The record of the command carried out under `command_id`, or None."""
        return self.connection.execute(
            sa.select(commands).where(commands.c.command_id == command_id)).one_or_none()

    def record_command(self, command_id: str, command: str, request_hash: str,
                       response: str) -> None:
        """Record a command carried out, in its own transaction; `CommandRecorded` if the same
        id was recorded meanwhile by a concurrent delivery of it."""
        insert = (sqlite_insert if self.store.sqlite else pg_insert)(commands)
        recorded = self.connection.execute(
            insert.values(command_id=command_id, command=command, request_hash=request_hash,
                          response=response, recorded_at=format_time(utc_now()))
            .on_conflict_do_nothing(index_elements=[commands.c.command_id])
            .returning(commands.c.command_id)).first()
        if recorded is None:
            raise CommandRecorded(command_id)


class EventStore:
    def __init__(self, engine: sa.Engine, projectors: Sequence[Projector] = ()):
        self.engine = engine
        self.sqlite = is_sqlite(engine)
        self.projectors = list(projectors)
        self._after_commit: list[Callable[[list[Event]], None]] = []

    def on_commit(self, callback: Callable[[list[Event]], None]) -> None:
        """Run `callback(events)` after a unit of work that appended events commits."""
        self._after_commit.append(callback)

    @contextlib.contextmanager
    def unit_of_work(self, correlation_id: str = "", causation_id: str = "") -> Iterator[UnitOfWork]:
        with self.engine.connect() as connection:
            with connection.begin():
                uow = UnitOfWork(self, connection, correlation_id or new_event_id(),
                                 causation_id or "")
                yield uow
                if uow.appended:
                    for project in self.projectors:
                        project(connection, uow.appended)
        if uow.appended:
            for callback in self._after_commit:
                callback(uow.appended)

    def append(self, stream_id: str, stream_type: str, expected_version: int,
               facts: Iterable[Fact], *, correlation_id: str = "",
               causation_id: str = "") -> list[Event]:
        with self.unit_of_work(correlation_id, causation_id) as uow:
            return uow.append(stream_id, stream_type, expected_version, facts)

    def read_stream(self, stream_id: str) -> list[Event]:
        with reading(self.engine) as connection:
            return read_stream(connection, stream_id)

    def sequence(self) -> int:
        """Give positions to the committed events that have none yet, in the order they were
        inserted; return how many were given. Readers of the whole log call it first.

        On PostgreSQL one sequencer at a time (SEQUENCE_LOCK, held to its commit), so every
        position given is above all those given before it. A row still uncommitted is not seen
        and is numbered by a later turn, after whatever committed before it: never behind a
        position a reader has passed. On SQLite the append has numbered it already.
        """
        if self.sqlite:
            return 0
        given = 0
        with reading(self.engine) as connection:
            if connection.execute(sa.select(events.c.id).where(events.c.position.is_(None))
                                  .limit(1)).first() is None:
                return 0
        while True:
            with self.engine.begin() as connection:
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                                   {"k": SEQUENCE_LOCK})
                numbered = connection.execute(_SEQUENCE, {"limit": SEQUENCE_BATCH}).rowcount
            given += numbered
            if numbered < SEQUENCE_BATCH:
                return given

    def read_all(self, after: int = 0, limit: int = 500) -> list[tuple[int, Event]]:
        """Events after a global position, in order, with their positions.

        A reader short of a full page has reached the head: only then are the events committed
        since given positions (`sequence`), which fall after everything read so far."""
        page = self._log_page(after, limit)
        if len(page) < limit and self.sequence():
            page += self._log_page(page[-1][0] if page else after, limit - len(page))
        return page

    def _log_page(self, after: int, limit: int) -> list[tuple[int, Event]]:
        with reading(self.engine) as connection:
            rows = connection.execute(_LOG_PAGE, {"after": after, "limit": limit}).all()
        return [(position, Event(event_id, stream_id, stream_type, version, type_, occurred_at,
                                 actor, correlation_id, causation_id, load_payload(payload)))
                for (position, event_id, stream_id, stream_type, version, type_, occurred_at,
                     actor, correlation_id, causation_id, payload) in rows]

    def head_position(self) -> int:
        self.sequence()
        with reading(self.engine) as connection:
            return connection.execute(
                sa.select(sa.func.coalesce(sa.func.max(events.c.position), 0))).scalar_one()


def read_checkpoint(connection: sa.Connection, name: str) -> int:
    value = connection.execute(
        sa.select(checkpoints.c.position).where(checkpoints.c.name == name)).scalar_one_or_none()
    return value or 0


def write_checkpoint(connection: sa.Connection, name: str, position: int) -> None:
    updated = connection.execute(
        checkpoints.update().where(checkpoints.c.name == name).values(position=position))
    if updated.rowcount == 0:
        connection.execute(checkpoints.insert().values(name=name, position=position))
