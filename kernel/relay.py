"""The transactional outbox relay: the event log is the outbox.

A command commits its events in the service's own database and nothing else. The relay then reads
the log after its checkpoint, publishes each event to the service's topic exchange (routing key =
event type) as a persistent message with publisher confirms, and only then moves the checkpoint.
A crash between commit and publish, or between publish and checkpoint, repeats a publication
rather than losing one: consumers are idempotent on `event_id`.
"""
from __future__ import annotations

import contextlib
from typing import Iterator, Protocol

import sqlalchemy as sa

import structlog
from kombu import Connection, Producer
from nameko.standalone.events import get_event_exchange

from kernel import metrics
from kernel.database import is_sqlite, reading
from kernel.envelope import Event
from kernel.store import EventStore, read_checkpoint, write_checkpoint

log = structlog.get_logger(__name__)
RELAY_CHECKPOINT = "relay"
RELAY_LOCK = 7201004


def message_for(service: str, position: int, previous_position: int, event: Event) -> dict:
    """What travels on the broker: the envelope plus where it stands in its source's log.

    `previous_position` lets a consumer see a gap at once, without asking the source.
    """
    return {"service": service, "position": position, "previous_position": previous_position,
            "event": event.to_dict()}


class Publisher(Protocol):
    def publish(self, message: dict, routing_key: str, correlation_id: str) -> None: ...


class AmqpPublisher:
    """Publishes to `<service>.events`, the exchange nameko's event handlers bind to."""

    def __init__(self, service: str, amqp_uri: str):
        self.exchange = get_event_exchange(service, {})
        self.amqp_uri = amqp_uri
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def _ensure(self) -> Producer:
        if self._producer is None:
            self._connection = Connection(
                self.amqp_uri, transport_options={"confirm_publish": True}, connect_timeout=5)
            channel = self._connection.channel()
            self._producer = Producer(channel, exchange=self.exchange)
            self.exchange(channel).declare()
        return self._producer

    def publish(self, message: dict, routing_key: str, correlation_id: str) -> None:
        try:
            self._ensure().publish(
                message, routing_key=routing_key, serializer="json", delivery_mode=2,
                headers={"nameko.correlation_id": correlation_id}, retry=False)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.release()
            except Exception:  # a broken connection may fail to close; it is dropped either way
                pass
        self._connection = self._producer = None


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
    def _turn(self) -> Iterator[bool]:
        """Whether this relay may publish the next batch.

        With several replicas on PostgreSQL, one relay at a time holds a transaction-scoped
        advisory lock while it publishes a batch, so replicas neither send each event N times
        nor move the checkpoint back. SQLite is the single-replica default: always its turn.
        """
        engine = self.store.engine
        if is_sqlite(engine):
            yield True
            return
        with engine.connect() as connection, connection.begin():
            yield connection.execute(sa.text("SELECT pg_try_advisory_xact_lock(:k)"),
                                     {"k": RELAY_LOCK}).scalar()

    def publish_pending(self) -> int:
        """Publish everything committed after the checkpoint; return how many were published.

        On a failed publication the checkpoint stays at the last confirmed event and the error
        propagates: the next run resumes from there.
        """
        published, more = 0, True
        while more:
            with self._turn() as mine:
                if not mine:
                    break
                checkpoint = self.checkpoint()
                batch = self.store.read_all(after=checkpoint, limit=self.batch_size)
                more = len(batch) == self.batch_size
                previous = confirmed = checkpoint
                try:
                    for position, event in batch:
                        self.publisher.publish(
                            message_for(self.service, position, previous, event),
                            routing_key=event.type, correlation_id=event.correlation_id)
                        previous = confirmed = position
                        published += 1
                        metrics.RELAY_PUBLISHED.labels(self.service).inc()
                finally:
                    if confirmed != checkpoint:
                        with self.store.engine.begin() as connection:
                            write_checkpoint(connection, RELAY_CHECKPOINT, confirmed)
        metrics.RELAY_LAG.labels(self.service).set(self.store.head_position() - self.checkpoint())
        return published
