"""Following another service's log: live messages from RabbitMQ, gaps filled from the source.

Each source has a checkpoint (the last position taken in). A live message whose
`previous_position` is the checkpoint is taken at once; one already behind the checkpoint is a
duplicate; anything else means messages were missed, and the follower asks the source for its
events after the checkpoint. Every event is also remembered by `event_id`, so a redelivery under
any path is taken in once.
"""
from __future__ import annotations

import threading
from typing import Callable

import sqlalchemy as sa
import structlog

from kernel import metrics
from kernel.database import is_sqlite, reading
from kernel.envelope import Event
from kernel.store import handled_events, read_checkpoint, write_checkpoint

log = structlog.get_logger(__name__)

# handle(connection, source_service, position, event): apply one event inside the transaction.
Handler = Callable[[sa.Connection, str, int, Event], None]
# fetch(source_service, after_position, limit) -> list of relay messages (RPC `events_after`).
Fetcher = Callable[[str, int, int], list]

FOLLOW_LOCK = 7201003


class LogFollower:
    def __init__(self, name: str, engine: sa.Engine, handle: Handler, fetch: Fetcher,
                 batch_size: int = 200):
        self.name = name
        self.engine = engine
        self.handle = handle
        self.fetch = fetch
        self.batch_size = batch_size
        # One writer per process; PostgreSQL's advisory lock extends that across replicas.
        self._lock = threading.RLock()

    def _checkpoint_name(self, source: str) -> str:
        return f"{self.name}:{source}"

    def checkpoint(self, source: str) -> int:
        with reading(self.engine) as connection:
            return read_checkpoint(connection, self._checkpoint_name(source))

    def _begin(self):
        connection = self.engine.connect()
        transaction = connection.begin()
        if not is_sqlite(self.engine):
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": FOLLOW_LOCK})
        return connection, transaction

    def receive(self, message: dict) -> str:
        """Take in one live message; return what became of it."""
        source, position = message["service"], message["position"]
        with self._lock:
            connection, transaction = self._begin()
            try:
                checkpoint = read_checkpoint(connection, self._checkpoint_name(source))
                if position <= checkpoint:
                    outcome = "duplicate"
                elif message["previous_position"] == checkpoint:
                    self._take(connection, source, position, Event.from_dict(message["event"]))
                    outcome = "applied"
                else:
                    outcome = "gap"
                transaction.commit()
            finally:
                connection.close()
        if outcome == "gap":
            log.info("gap in log; catching up", source=source, position=position,
                     checkpoint=checkpoint)
            self.catch_up(source)
        metrics.CONSUMED.labels(self.name, source, outcome).inc()
        return outcome

    def catch_up(self, source: str) -> int:
        """Take in everything the source has after the checkpoint; return how many were new."""
        taken = 0
        while True:
            batch = self.fetch(source, self.checkpoint(source), self.batch_size)
            if not batch:
                return taken
            with self._lock:
                connection, transaction = self._begin()
                try:
                    checkpoint = read_checkpoint(connection, self._checkpoint_name(source))
                    for message in batch:
                        if message["position"] > checkpoint:
                            self._take(connection, source, message["position"],
                                       Event.from_dict(message["event"]))
                            checkpoint = message["position"]
                            taken += 1
                    transaction.commit()
                finally:
                    connection.close()
            if len(batch) < self.batch_size:
                return taken

    def _take(self, connection: sa.Connection, source: str, position: int, event: Event) -> None:
        seen = connection.execute(
            sa.select(handled_events.c.event_id).where(
                handled_events.c.consumer == self.name,
                handled_events.c.event_id == event.event_id)).first()
        if seen is None:
            connection.execute(handled_events.insert().values(
                consumer=self.name, event_id=event.event_id))
            self.handle(connection, source, position, event)
        write_checkpoint(connection, self._checkpoint_name(source), position)
