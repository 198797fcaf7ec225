"""The transactional outbox relay: the event log is the outbox.

A command commits its events in the service's own database and nothing else. The relay then reads
the log after its checkpoint, publishes each event to the service's topic exchange (routing key =
event type) as a persistent message with publisher confirms, and only then moves the checkpoint.
A crash between commit and publish, or between publish and checkpoint, repeats a publication
rather than losing one: consumers are idempotent on `event_id`.

Replicas on PostgreSQL take turns (`_PostgresTurn`): a session-level advisory lock held on a
connection of its own, which holds no transaction while the relay waits on the broker. The turn
is checked before every batch, and the checkpoint is written on the lock's own connection as a
compare-and-set, so a relay that lost its turn stops within one batch and can never move the
checkpoint back.
"""
from __future__ import annotations

import contextlib
import socket
import time
from typing import Iterator, Protocol

import sqlalchemy as sa
import structlog
from amqp.exceptions import MessageNacked
from kombu import Connection, Producer
from kombu.serialization import dumps
from nameko.standalone.events import get_event_exchange
from sqlalchemy.exc import DBAPIError, IntegrityError

from kernel import metrics
from kernel.database import is_sqlite, reading
from kernel.registry import KERNEL_LOCKS
from kernel.envelope import Event
from kernel.store import EventStore, checkpoints, read_checkpoint

log = structlog.get_logger(__name__)
RELAY_CHECKPOINT = "relay"
RELAY_LOCK = KERNEL_LOCKS["relay"]
CONFIRM_TIMEOUT = 5.0
HEARTBEAT = 10


def message_for(service: str, position: int, previous_position: int, event: Event) -> dict:
    """What travels on the broker: the envelope plus where it stands in its source's log.

    `previous_position` lets a consumer see a gap at once, without asking the source.
    """
    return {"service": service, "position": position, "previous_position": previous_position,
            "event": event.to_dict()}


class Publisher(Protocol):
    def publish(self, message: dict, routing_key: str, correlation_id: str) -> None: ...


class PublishTimedOut(ConnectionError):
    """The broker did not confirm a publication in time: it may or may not have taken it."""


class AmqpPublisher:
    """Publishes to `<service>.events`, the exchange nameko's event handlers bind to.

    Every publication waits for the broker's confirm at most `confirm_timeout` seconds, so a
    broker that stops answering without closing the connection (a hung node, a silent network)
    fails the batch instead of holding the relay's turn for ever. The connection negotiates
    heartbeats; nothing reads it between publications, so the relay's loop calls `keepalive()`
    (read what the broker sent, send a heartbeat when due) more often than every
    `heartbeat / 2` seconds.

    A batch (`publish_many`) is published whole, then its confirms are awaited once: one round
    trip per batch, not per event. What the broker confirmed of it, in order, is kept in
    `confirmed_of_batch`, so a batch that fails half way checkpoints the confirmed part.
    """

    def __init__(self, service: str, amqp_uri: str, *, confirm_timeout: float = CONFIRM_TIMEOUT,
                 heartbeat: float = HEARTBEAT):
        self.service = service
        self.exchange = get_event_exchange(service, {})
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self.heartbeat = heartbeat
        self._connection: Connection | None = None
        self._producer: Producer | None = None
        self.confirmed_of_batch = 0
        # Publisher confirms of the channel: the delivery tag of its last publication, the tag
        # up to which everything is confirmed, tags confirmed out of order, tags refused.
        self._tag = self._confirmed = 0
        self._acked: set[int] = set()
        self._nacked = False

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(
                self.amqp_uri, transport_options={"confirm_publish": True},
                connect_timeout=self.confirm_timeout, heartbeat=self.heartbeat)
            channel = self._connection.channel()
            self._producer = Producer(channel, exchange=self.exchange)
            self.exchange(channel).declare()
            self._tag = self._confirmed = 0
            self._acked, self._nacked = set(), False
            channel.confirm_select()
            channel._confirm_selected = True
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
        return self._producer

    def _on_ack(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._confirmed = max(self._confirmed, tag)
        else:
            self._acked.add(tag)
        while self._confirmed + 1 in self._acked:
            self._confirmed += 1
            self._acked.discard(self._confirmed)
        self._acked = {t for t in self._acked if t > self._confirmed} if multiple else self._acked

    def _on_nack(self, tag: int, multiple: bool) -> None:
        self._nacked = True

    def publish(self, message: dict, routing_key: str, correlation_id: str) -> None:
        self.publish_many([(message, routing_key, correlation_id)])

    def publish_many(self, messages: list[tuple[dict, str, str]]) -> None:
        """Publish (message, routing key, correlation id) in order and wait for the broker to
        confirm them all, at most `confirm_timeout` seconds. On a failure (a confirm that does
        not come in time, a refusal, a broken connection) the connection is dropped and the
        error raised; `confirmed_of_batch` says how many of the first were confirmed."""
        self.confirmed_of_batch = 0
        routing_key = messages[0][1] if messages else ""
        first = None
        try:
            channel = self._ensure().channel
            first = self._tag + 1
            for message, routing_key, correlation_id in messages:
                content_type, encoding, body = dumps(message, serializer="json")
                channel._basic_publish(
                    channel.prepare_message(
                        body, content_type=content_type, content_encoding=encoding,
                        headers={"nameko.correlation_id": correlation_id},
                        properties={"delivery_mode": 2}),
                    exchange=self.exchange.name, routing_key=routing_key)
                self._tag += 1
            deadline = time.monotonic() + self.confirm_timeout
            while self._confirmed < self._tag and not self._nacked:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("publisher confirms did not come in time")
                self._connection.drain_events(timeout=left)
            self.confirmed_of_batch = max(0, min(self._confirmed, self._tag) - first + 1)
            if self._nacked:
                raise MessageNacked(f"the broker refused a publication to "
                                    f"{self.exchange.name}")
        except (socket.timeout, TimeoutError) as exc:
            self.confirmed_of_batch = max(0, self._confirmed - first + 1) if first else 0
            self.close(graceful=False)
            metrics.RELAY_CONFIRM_TIMEOUTS.labels(self.service).inc()
            log.warning("publish confirm timed out; the batch is retried",
                        exchange=self.exchange.name, routing_key=routing_key,
                        timeout=self.confirm_timeout)
            raise PublishTimedOut(f"no publisher confirm from the broker within "
                                  f"{self.confirm_timeout:g}s") from exc
        except Exception:
            self.close(graceful=False)
            raise

    def keepalive(self) -> None:
        """Take in the broker's heartbeats and send ours when due; a dead connection is closed
        (the next publication opens a new one)."""
        if self._connection is None:
            return
        try:
            with contextlib.suppress(socket.timeout, TimeoutError):
                self._connection.drain_events(timeout=0.01)
            self._connection.heartbeat_check()
        except Exception as exc:  # noqa: BLE001 - any failure here means a broken connection
            log.info("relay connection lost between publications; reconnecting on the next",
                     error=str(exc))
            self.close(graceful=False)

    def close(self, graceful: bool = True) -> None:
        """Close the connection; after a failure, drop it without the closing handshake, which
        would wait for ever on a broker that stopped answering."""
        if self._connection is not None:
            try:
                if graceful:
                    self._connection.release()
                else:
                    self._connection.collect()
            except Exception:  # a broken connection may fail to close; it is dropped either way
                pass
        self._connection = self._producer = None
        self._tag = self._confirmed = 0
        self._acked, self._nacked = set(), False


class _SqliteTurn:
    """SQLite is the single-replica default: always its turn. The checkpoint is still moved by
    compare-and-set, so two relays started on one file by mistake cannot move it back."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine

    def held(self) -> bool:
        return True

    def checkpoint(self) -> int:
        with reading(self.engine) as connection:
            return read_checkpoint(connection, RELAY_CHECKPOINT)

    def advance(self, expected: int, new: int) -> bool:
        # The checkpoint's commit need not wait for the disk (PRAGMA synchronous=NORMAL for this
        # one transaction; WAL keeps it atomic and safe from a process crash): should a power
        # cut lose it, the relay publishes those events again, which consumers tell as
        # duplicates. The commands' own commits keep the engine's full durability.
        with self.engine.connect() as connection:
            raw = connection.connection.driver_connection
            before = raw.execute("PRAGMA synchronous").fetchone()[0]
            raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with connection.begin():
                    return _compare_and_set(connection, expected, new)
            finally:
                raw.execute(f"PRAGMA synchronous={int(before)}")


class _PostgresTurn:
    """A session-level advisory lock on a connection of its own, in autocommit: it holds no
    transaction (`idle` in pg_stat_activity, never `idle in transaction`) while the relay waits
    on the broker. The lock lives as long as the session: if the connection dies (terminated,
    network cut) the lock is gone and the next `held()` or `advance()` on it fails."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection

    def held(self) -> bool:
        try:
            return bool(self.connection.execute(sa.text(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                " AND pid = pg_backend_pid() AND classid = 0 AND objid = :k"
                " AND objsubid = 1 AND granted)"), {"k": RELAY_LOCK}).scalar())
        except DBAPIError:
            return False

    def checkpoint(self) -> int:
        return read_checkpoint(self.connection, RELAY_CHECKPOINT)

    def advance(self, expected: int, new: int) -> bool:
        try:
            return _compare_and_set(self.connection, expected, new)
        except DBAPIError:
            return False


def _compare_and_set(connection: sa.Connection, expected: int, new: int) -> bool:
    """Move the relay's checkpoint from `expected` to `new`; False if it is not at `expected`
    any more (another relay published and moved it) or if `new` would move it back."""
    if new <= expected:
        return False
    moved = connection.execute(
        checkpoints.update()
        .where(checkpoints.c.name == RELAY_CHECKPOINT, checkpoints.c.position == expected)
        .values(position=new)).rowcount
    if moved:
        return True
    if expected != 0:
        return False
    exists = connection.execute(sa.select(checkpoints.c.position).where(
        checkpoints.c.name == RELAY_CHECKPOINT)).first()
    if exists is not None:
        return False
    try:
        connection.execute(checkpoints.insert().values(name=RELAY_CHECKPOINT, position=new))
    except IntegrityError:  # another relay wrote the first checkpoint meanwhile
        return False
    return True


class OutboxRelay:
    def __init__(self, service: str, store: EventStore, publisher: Publisher, batch_size: int = 200):
        self.service = service
        self.store = store
        self.publisher = publisher
        self.batch_size = batch_size

    def checkpoint(self) -> int:
        with reading(self.store.engine) as connection:
            return read_checkpoint(connection, RELAY_CHECKPOINT)

    @contextlib.contextmanager
    def _turn(self) -> Iterator[_SqliteTurn | _PostgresTurn | None]:
        """This relay's turn to publish, or None while another replica holds it."""
        engine = self.store.engine
        if is_sqlite(engine):
            yield _SqliteTurn(engine)
            return
        connection = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        mine = False
        try:
            mine = connection.execute(sa.text("SELECT pg_try_advisory_lock(:k)"),
                                      {"k": RELAY_LOCK}).scalar()
            yield _PostgresTurn(connection) if mine else None
        finally:
            try:
                if mine:
                    connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"),
                                       {"k": RELAY_LOCK})
            except Exception:  # noqa: BLE001 - the session is gone, and its lock with it
                # Never back to the pool: a pooled session still holding the lock would keep
                # the turn from every other relay.
                connection.invalidate()
            connection.close()

    def _lost(self, reason: str, **context) -> None:
        metrics.RELAY_TURNS_LOST.labels(self.service).inc()
        log.warning("relay turn lost; stopping", reason=reason, service=self.service, **context)

    def publish_pending(self) -> int:
        """Publish everything committed after the checkpoint; return how many were published.

        On a failed publication the checkpoint stays at the last confirmed event and the error
        propagates: the next run resumes from there. A lost turn ends the run quietly (with a
        warning): whoever holds the turn now carries on.
        """
        published = 0
        with self._turn() as turn:
            while turn is not None:
                if not turn.held():
                    self._lost("the advisory lock's connection is gone")
                    break
                checkpoint = turn.checkpoint()
                batch = self.store.read_all(after=checkpoint, limit=self.batch_size)
                if not batch:
                    metrics.RELAY_LAG.labels(self.service).set(0)
                    return published
                confirmed = self._publish_batch(turn, checkpoint, batch)
                published += len(batch)
                if not turn.advance(checkpoint, confirmed):
                    self._lost("the checkpoint moved under this relay", expected=checkpoint,
                               confirmed=confirmed)
                    break
                if len(batch) < self.batch_size:
                    # All there was is out: no need to ask the store how far behind it is.
                    metrics.RELAY_LAG.labels(self.service).set(0)
                    return published
        metrics.RELAY_LAG.labels(self.service).set(self.store.head_position() - self.checkpoint())
        return published

    def _publish_batch(self, turn, checkpoint: int, batch: list[tuple[int, Event]]) -> int:
        """Publish a batch in order; return the last confirmed position. On a failure the
        confirmed part is checkpointed (if the turn is still this relay's) before it raises.

        A publisher with `publish_many` takes the batch at once and is confirmed once for it
        (`AmqpPublisher`); any other is given one message at a time."""
        previous = checkpoint
        messages, positions = [], []
        for position, event in batch:
            messages.append((message_for(self.service, position, previous, event), event.type,
                             event.correlation_id))
            positions.append(position)
            previous = position
        publish_many = getattr(self.publisher, "publish_many", None)
        confirmed = 0
        try:
            if publish_many is not None:
                try:
                    publish_many(messages)
                    confirmed = len(messages)
                finally:
                    confirmed = confirmed or min(len(messages),
                                                 getattr(self.publisher, "confirmed_of_batch", 0))
            else:
                for message, routing_key, correlation_id in messages:
                    self.publisher.publish(message, routing_key=routing_key,
                                           correlation_id=correlation_id)
                    confirmed += 1
        except BaseException:
            reached = positions[confirmed - 1] if confirmed else checkpoint
            if confirmed:
                metrics.RELAY_PUBLISHED.labels(self.service).inc(confirmed)
            if reached != checkpoint and not turn.advance(checkpoint, reached):
                self._lost("the checkpoint moved under this relay", expected=checkpoint,
                           confirmed=reached)
            raise
        metrics.RELAY_PUBLISHED.labels(self.service).inc(confirmed)
        return positions[-1]
