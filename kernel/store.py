"""The event store: append to a stream at an expected version, read a stream, read everything by
global position. One SQLAlchemy implementation serves SQLite and PostgreSQL.

A command runs inside a unit of work: load, decide, append, and update the service's projections
in the same transaction, so a read model never disagrees with the log it was built from.
"""
from __future__ import annotations

import contextlib
import json
from typing import Callable, Iterable, Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from kernel.aggregate import Aggregate, Fact
from kernel.database import is_sqlite, reading
from kernel.envelope import Event, format_time, new_event_id
from kernel.errors import ConcurrencyError

metadata = sa.MetaData()
events = sa.Table(
    "events", metadata,
    sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
    sa.Column("event_id", sa.String(36)),
    sa.Column("stream_id", sa.String(120)),
    sa.Column("stream_type", sa.String(60)),
    sa.Column("version", sa.Integer),
    sa.Column("type", sa.String(120)),
    sa.Column("occurred_at", sa.String(32)),
    sa.Column("actor", sa.String(240)),
    sa.Column("correlation_id", sa.String(64)),
    sa.Column("causation_id", sa.String(64)),
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

# Appends on PostgreSQL take this transaction-scoped lock so that global positions commit in
# order: a reader following the log by position can then never skip an event that commits late.
APPEND_LOCK = 7201002

Projector = Callable[[sa.Connection, Sequence[Event]], None]


def row_to_event(row) -> Event:
    return Event(
        event_id=row.event_id, stream_id=row.stream_id, stream_type=row.stream_type,
        version=row.version, type=row.type, occurred_at=row.occurred_at, actor=row.actor,
        correlation_id=row.correlation_id, causation_id=row.causation_id,
        payload=json.loads(row.payload),
    )


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

    def load(self, aggregate_cls: type[Aggregate], stream_id: str):
        return aggregate_cls.from_events(stream_id, self.read_stream(stream_id))

    def read_stream(self, stream_id: str) -> list[Event]:
        return read_stream(self.connection, stream_id)

    def save(self, aggregate: Aggregate) -> list[Event]:
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
        if not is_sqlite(conn.engine):
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": APPEND_LOCK})
        current = conn.execute(
            sa.select(sa.func.coalesce(sa.func.max(events.c.version), 0))
            .where(events.c.stream_id == stream_id)).scalar_one()
        if current != expected_version:
            raise ConcurrencyError(stream_id, expected_version)
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
        try:
            # A savepoint, so that losing the race leaves the transaction usable and empty.
            with conn.begin_nested():
                conn.execute(events.insert(), [
                    {**e.to_dict(), "payload": json.dumps(e.payload, ensure_ascii=False,
                                                          sort_keys=True)}
                    for e in new
                ])
        except IntegrityError as exc:
            raise ConcurrencyError(stream_id, expected_version) from exc
        self.appended.extend(new)
        return new

    def next_number(self, name: str) -> int:
        """The next value of a named gap-free counter, allocated in this transaction."""
        conn = self.connection
        updated = conn.execute(
            counters.update().where(counters.c.name == name)
            .values(value=counters.c.value + 1).returning(counters.c.value)).scalar_one_or_none()
        if updated is not None:
            return updated
        conn.execute(counters.insert().values(name=name, value=1))
        return 1


class EventStore:
    def __init__(self, engine: sa.Engine, projectors: Sequence[Projector] = ()):
        self.engine = engine
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

    def read_all(self, after: int = 0, limit: int = 500) -> list[tuple[int, Event]]:
        """Events after a global position, in order, with their positions."""
        with reading(self.engine) as connection:
            rows = connection.execute(
                sa.select(events).where(events.c.position > after)
                .order_by(events.c.position).limit(limit))
            return [(row.position, row_to_event(row)) for row in rows]

    def head_position(self) -> int:
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
