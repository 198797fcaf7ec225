"""Reacting to other services' events: one consumer's reactions to the logs of its sources.

A consumer (the audit's ledger, the policy service's policy work) subscribes to event types of
named sources, each with a reaction `(uow, event) -> None` that loads aggregates through the unit
of work and saves them. The `Reactor` here is the plain logic, without nameko
(`kernel.dependencies.Reactions` wires it to RabbitMQ and a periodic sweep):

- Per (consumer, source) a checkpoint: the last position taken in. A message whose
  `previous_position` is the checkpoint is next; one at or behind the checkpoint is a duplicate;
  anything else means messages were missed, and the source's `events_after` fills the gap.
  Events of types not subscribed are skipped but checkpointed past, so the gap check stays exact.
- The reaction runs in a unit of work of the consumer's own store, carrying the causing event's
  correlation id and its event id as causation id; the checkpoint and the `handled_events` row
  are written in that same transaction, so what a reaction records and the fact that it ran
  commit together or not at all. `handled_events` also makes a redelivery act once even if the
  checkpoint was lost.
- A reaction that raises is rolled back and its attempt recorded in `reaction_failures` (with
  the event itself) with exponential backoff; the source's later events wait, since order
  matters within a source. After `max_attempts` the event is parked: logged, counted, and the
  checkpoint moves past it so later events flow. An operator can retry a parked reaction; if it
  succeeds it acts once and leaves the parked list.
- A live message is read (`read_message`) before anything is done with it: one that is not a
  relay message of a followed source (`PoisonMessage`, with a reason) is for the dead-letter
  queue, never for a reaction; an unknown event type of a followed source is not poison, it is
  skipped and checkpointed past like any type not subscribed.
- Live messages arrive in batches (`receive_many`): consecutive messages are taken in by one
  transaction, under one lock, with the checkpoints read and written once and the handled
  events checked and recorded with one statement each. A gap ends its source's part of the
  batch, and is filled after the commit. Should any reaction of the batch raise, the whole
  batch is rolled back and its messages are taken in one at a time as above, so a failure is
  isolated, retried and parked exactly as it would be alone. A reaction may gather its writes
  and have them made once for the whole transaction (`before_checkpoint`).
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping, Sequence

import pydantic
import sqlalchemy as sa
import structlog

from kernel import metrics
from kernel.database import is_sqlite, reading
from kernel.envelope import Event, format_time, utc_now
from kernel.errors import ConcurrencyError, NotFound
from kernel.registry import KERNEL_LOCKS
from kernel.store import (
    EventStore,
    UnitOfWork,
    checkpoints,
    handled_events,
    reaction_failures,
    read_checkpoint,
    write_checkpoint,
)

log = structlog.get_logger(__name__)

# A reaction: load, decide and save through the unit of work; raise to have it retried.
Reaction = Callable[[UnitOfWork, Event], None]
# fetch(source, after_position, limit) -> relay messages (the source's `events_after` RPC).
Fetch = Callable[[str, int, int], list]
# Subscribed to every event type of a source: `{source: {ALL: reaction}}`.
ALL = "*"

# What became of an event.
ACTED = "acted"          # the reaction ran and committed
SKIPPED = "skipped"      # a type not subscribed: checkpointed past
DUPLICATE = "duplicate"  # taken in before
GAP = "gap"              # not next: messages were missed (filled from the source's log)
FAILED = "failed"        # the reaction raised; it will be retried
PARKED = "parked"        # it failed for the last time; waiting for an operator
WAITING = "waiting"      # an earlier failed reaction holds this source back

# On PostgreSQL, replicas of a consumer take turns per transaction, so checkpoints never move
# back and a single-writer reaction (the ledger) stays single.
REACTION_LOCK = KERNEL_LOCKS["reactions"]
# A reaction that loses a race with a command is run again at once before it counts as failed.
CONFLICT_RETRIES = 3
ERROR_LIMIT = 2000

# Why a message went to the dead-letter queue (`PoisonMessage.reason`, the metric's label).
MALFORMED_JSON = "malformed_json"            # says it is JSON, but is not
UNSUPPORTED_CONTENT = "unsupported_content"  # a content type consumers do not accept
NOT_A_RELAY_MESSAGE = "not_a_relay_message"  # not an object with service, positions and event
BAD_ENVELOPE = "bad_envelope"                # a relay message whose fields break the schema
SOURCE_NOT_FOLLOWED = "source_not_followed"  # from a service this consumer does not follow
HANDLER_FAILED = "handler_failed"            # readable, but could not be taken in after retries
RELAY_FIELDS = ("service", "position", "previous_position", "event")

# Where a unit of work opened by a `Reactor` keeps what is to run before its checkpoint is written.
_BEFORE_CHECKPOINT = "kernel.reactions.before_checkpoint"


def before_checkpoint(uow: UnitOfWork, flush: Callable[[], None]) -> None:
    """Have `flush()` run in this transaction once its reactions have run, before its checkpoint
    and handled events are written: for a reaction that gathers its writes so that a batch of
    events makes them once (the audit's ledger). Only a reaction run by a `Reactor` may; should
    `flush` raise, the transaction is rolled back as if the reaction had."""
    try:
        uow.scratch[_BEFORE_CHECKPOINT].append(flush)
    except KeyError:
        raise RuntimeError("before_checkpoint: only in a reaction run by a Reactor") from None


def _reacting(uow: UnitOfWork) -> UnitOfWork:
    uow.scratch[_BEFORE_CHECKPOINT] = []
    return uow


def _flush(uow: UnitOfWork) -> None:
    for flush in uow.scratch.pop(_BEFORE_CHECKPOINT, ()):
        flush()


class PoisonMessage(ValueError):
    """A message no consumer can take: it goes to the dead-letter queue, not to a reaction."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


class _Envelope(pydantic.BaseModel):
    """`kernel.envelope.Event` as it must arrive; strict: a string is not a number here."""

    model_config = pydantic.ConfigDict(strict=True, extra="ignore")
    event_id: str = pydantic.Field(min_length=1)
    stream_id: str = pydantic.Field(min_length=1)
    stream_type: str
    version: int = pydantic.Field(ge=1)
    type: str = pydantic.Field(min_length=1)
    occurred_at: str
    actor: str
    correlation_id: str
    causation_id: str
    payload: dict


class _RelayMessage(pydantic.BaseModel):
    """`kernel.relay.message_for` as it must arrive."""

    model_config = pydantic.ConfigDict(strict=True, extra="ignore")
    service: str = pydantic.Field(min_length=1)
    position: int = pydantic.Field(ge=1)
    previous_position: int = pydantic.Field(ge=0)
    event: _Envelope

    @pydantic.model_validator(mode="after")
    def _in_order(self):
        if self.previous_position >= self.position:
            raise ValueError("previous_position must be before position")
        return self


def read_message(body) -> tuple[str, int, int, Event]:
    """The source, position, previous position and event of a relay message, or
    `PoisonMessage` naming what is wrong with it."""
    if not isinstance(body, dict) or any(name not in body for name in RELAY_FIELDS):
        what = type(body).__name__ if not isinstance(body, dict) else (
            "an object without " + ", ".join(n for n in RELAY_FIELDS if n not in body))
        raise PoisonMessage(NOT_A_RELAY_MESSAGE, f"expected a relay message, got {what}")
    try:
        message = _RelayMessage.model_validate(body)
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or 'message'}: {error['msg']}"
            for error in exc.errors())
        raise PoisonMessage(BAD_ENVELOPE, problems[:ERROR_LIMIT]) from None
    event = Event.from_dict(message.event.model_dump())
    return message.service, message.position, message.previous_position, event


@dataclasses.dataclass(frozen=True)
class Cause:
    """Where the event a reaction acts on came from (`uow.cause` while the reaction runs)."""

    source: str
    position: int


class ReactionNotFound(NotFound):
    rule = "reaction_not_found"

    def __init__(self, event_id: str):
        super().__init__(f"no failed or parked reaction to event {event_id}", field="event_id")


class Reactor:
    def __init__(self, consumer: str, store: EventStore,
                 subscriptions: Mapping[str, Mapping[str, Reaction]], fetch: Fetch, *,
                 service: str = "", max_attempts: int = 5, backoff: float = 10.0,
                 max_backoff: float = 600.0, batch_size: int = 200,
                 clock: Callable[[], dt.datetime] = utc_now):
        for source, reactions in subscriptions.items():
            for event_type, reaction in reactions.items():
                if not callable(reaction):
                    raise TypeError(f"{consumer}: the reaction to {source} {event_type} "
                                    "is not callable")
        if max_attempts < 1:
            raise ValueError("max_attempts: a reaction is tried at least once")
        self.consumer = consumer
        self.store = store
        self.subscriptions = {source: dict(r) for source, r in subscriptions.items()}
        self.fetch = fetch
        self.service = service or consumer
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.batch_size = batch_size
        self.clock = clock
        # One writer per process (green threads under nameko); REACTION_LOCK across replicas.
        self._lock = threading.RLock()

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(self.subscriptions)

    def reaction_for(self, source: str, event_type: str) -> Reaction | None:
        reactions = self.subscriptions.get(source, {})
        return reactions.get(event_type) or reactions.get(ALL)

    def _checkpoint_name(self, source: str) -> str:
        return f"{self.consumer}:{source}"

    def checkpoint(self, source: str) -> int:
        with reading(self.store.engine) as connection:
            return read_checkpoint(connection, self._checkpoint_name(source))

    # -- taking events in ------------------------------------------------------------------

    def read(self, message, arrived_from: str | None = None) -> tuple[str, int, int, Event]:
        """`read_message`, and the message is from a source this consumer follows (the one
        whose queue it `arrived_from`, if given); else `PoisonMessage`."""
        source, position, previous, event = read_message(message)
        if source not in self.subscriptions or arrived_from not in (None, source):
            where = f" on {arrived_from}'s queue" if arrived_from else ""
            raise PoisonMessage(SOURCE_NOT_FOLLOWED,
                                f"{self.consumer} does not follow {source}{where}")
        return source, position, previous, event

    def receive(self, message, arrived_from: str | None = None) -> str:
        """Take in one live message (`kernel.relay.message_for`); return what became of it.
        A message that cannot be read raises `PoisonMessage`."""
        return self._receive_one(*self.read(message, arrived_from))

    def _receive_one(self, source: str, position: int, previous: int, event: Event) -> str:
        if self._waiting(source) is not None:
            # The sweep brings this event back from the source's log once the failed reaction
            # ahead of it is through (acted or parked).
            outcome = WAITING
        else:
            outcome = self._take(source, position, previous, event)
        metrics.CONSUMED.labels(self.service, source, outcome).inc()
        if outcome == GAP:
            log.info("gap in log; catching up", consumer=self.consumer, source=source,
                     position=position, previous_position=previous)
            # This event and the missed ones stay after the checkpoint in the source's log
            # whatever happens here: a source that does not answer now is caught up by the
            # sweep, so its failure is not this message's.
            self._catch_up_or_log(source)
        return outcome

    def receive_many(self, messages: Sequence, arrived_from: str | None = None) -> list:
        """Take in consecutive live messages together; return, per message, what became of it
        (as `receive`) or why it could not be taken in: its `PoisonMessage`, or what taking it
        in alone raised (the store away, say).

        The messages are taken in by one transaction; if any reaction raises, that transaction
        is rolled back and each message is taken in by `receive`'s own path instead.
        """
        results: list = [None] * len(messages)
        indices, items = [], []
        for index, message in enumerate(messages):
            try:
                items.append(self.read(message, arrived_from))
                indices.append(index)
            except PoisonMessage as poison:
                results[index] = poison
        if not items:
            return results
        try:
            outcomes, gaps = self._take_many(items)
        except Exception as exc:  # noqa: BLE001 - one at a time isolates whatever it was
            log.info("batch rolled back; taking its messages one at a time",
                     consumer=self.consumer, messages=len(items),
                     error=f"{type(exc).__name__}: {exc}"[:ERROR_LIMIT])
            for index, item in zip(indices, items):
                try:
                    results[index] = self._receive_one(*item)
                except Exception as exc:  # noqa: BLE001 - the caller retries or dead-letters it
                    results[index] = exc
            return results
        for source in gaps:
            _, position, previous, _ = next(item for item, outcome in zip(items, outcomes)
                                            if item[0] == source and outcome == GAP)
            log.info("gap in log; catching up", consumer=self.consumer, source=source,
                     position=position, previous_position=previous)
            # As in `receive`: the gap and what follows it stay in the source's log whatever
            # happens here, for the sweep if the source does not answer now.
            self._catch_up_or_log(source)
        # Behind a gap in the batch: caught up since, or still missing (the sweep brings it).
        now_at = {}
        for source in gaps:
            try:
                now_at[source] = self.checkpoint(source)
            except Exception:  # noqa: BLE001 - committed already: only the outcome's name is
                now_at[source] = 0  # at stake, and the sweep brings what is missing
        counted = collections.Counter()
        for index, (source, position, *_), outcome in zip(indices, items, outcomes):
            if outcome is None:
                outcome = DUPLICATE if position <= now_at[source] else GAP
            results[index] = outcome
            counted[source, outcome] += 1
        for (source, outcome), n in counted.items():
            metrics.CONSUMED.labels(self.service, source, outcome).inc(n)
        return results

    def catch_up(self, source: str) -> int:
        """Retry the source's failed reaction if it is due, then take in everything the source
        has after the checkpoint; return how many events were newly taken in."""
        taken = 0
        waiting = self._waiting(source)
        if waiting is not None:
            if waiting.next_try_at > format_time(self.clock()):
                return taken
            outcome = self._take(source, waiting.position, None,
                                 Event.from_dict(json.loads(waiting.event)))
            if outcome == FAILED:
                return taken
            taken += outcome != DUPLICATE
        while True:
            batch = self.fetch(source, self.checkpoint(source), self.batch_size)
            items = [(source, message["position"], message["previous_position"],
                      Event.from_dict(message["event"])) for message in batch]
            try:
                # The fetched events together, as live ones are (`receive_many`).
                outcomes, _gaps = self._take_many(items) if items else ([], [])
            except Exception:  # noqa: BLE001 - one at a time isolates the failing reaction
                outcomes = None
            if outcomes is not None:
                taken += sum(outcome in (ACTED, SKIPPED) for outcome in outcomes)
                if any(outcome in (GAP, WAITING) for outcome in outcomes):
                    return taken
            else:
                for item in items:
                    outcome = self._take(*item)
                    if outcome in (FAILED, GAP):
                        # FAILED: later events wait for the retry. GAP: another replica moved
                        # the checkpoint meanwhile; the next sweep starts from where it is now.
                        return taken
                    taken += outcome in (ACTED, SKIPPED, PARKED)
            if len(batch) < self.batch_size:
                return taken

    def _catch_up_or_log(self, source: str) -> int | None:
        try:
            return self.catch_up(source)
        except Exception as exc:  # noqa: BLE001 - one source down must not stop the others
            metrics.CATCHUP_FAILURES.labels(self.service, source).inc()
            log.warning("catch-up failed; next sweep retries", consumer=self.consumer,
                        source=source, error=f"{type(exc).__name__}: {exc}")
            return None

    def sweep(self, map_: Callable = map) -> dict[str, int]:
        """Catch up every source; a source that cannot be reached is tried on the next sweep.

        `map_` runs the catch-ups: the built-in one after another, or a green pool's `imap`
        (`kernel.dependencies.Reactions`) so that a slow source does not delay the others.
        """
        outcomes = dict(zip(self.sources, map_(self._catch_up_or_log, self.sources)))
        taken = {source: n for source, n in outcomes.items() if n is not None}
        # Refreshed each sweep, so the gauge is right from a restart on, not only once a
        # reaction parks.
        self._count_parked()
        return taken

    # -- operators ---------------------------------------------------------------------------

    def parked(self) -> list[dict]:
        with reading(self.store.engine) as connection:
            rows = connection.execute(
                sa.select(reaction_failures)
                .where(reaction_failures.c.consumer == self.consumer,
                       reaction_failures.c.parked.is_(True))
                .order_by(reaction_failures.c.source, reaction_failures.c.position)).all()
        return [self._describe(row) for row in rows]

    def retry(self, event_id: str) -> str:
        """Run a failed reaction now: a parked one, or one still waiting for its backoff."""
        with reading(self.store.engine) as connection:
            row = connection.execute(sa.select(reaction_failures).where(
                reaction_failures.c.consumer == self.consumer,
                reaction_failures.c.event_id == event_id)).first()
        if row is None:
            raise ReactionNotFound(event_id)
        event = Event.from_dict(json.loads(row.event))
        log.info("reaction retried", consumer=self.consumer, source=row.source,
                 event_id=event_id, parked=row.parked)
        return self._take(row.source, row.position, None, event, parked=row.parked)

    def _describe(self, row) -> dict:
        event = json.loads(row.event)
        return {"consumer": self.consumer, "source": row.source, "position": row.position,
                "event_id": row.event_id, "event_type": row.event_type,
                "attempts": row.attempts, "last_error": row.last_error,
                "failed_at": row.failed_at, "correlation_id": event["correlation_id"],
                "stream_id": event["stream_id"]}

    # -- one event ---------------------------------------------------------------------------

    def _hold(self, connection: sa.Connection) -> None:
        if not is_sqlite(connection.engine):
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                               {"k": REACTION_LOCK})

    def _waiting(self, source: str):
        """The failed, not yet parked, reaction holding `source` back, if there is one."""
        with reading(self.store.engine) as connection:
            return connection.execute(
                sa.select(reaction_failures)
                .where(reaction_failures.c.consumer == self.consumer,
                       reaction_failures.c.source == source,
                       reaction_failures.c.parked.is_(False))
                .order_by(reaction_failures.c.position).limit(1)).first()

    def _take(self, source: str, position: int, previous: int | None, event: Event, *,
              parked: bool = False) -> str:
        """Take one event in, in one transaction of the consumer's store.

        `previous` is None for a retry from `reaction_failures`, whose place in the log is known
        (the next one for a waiting reaction; behind the checkpoint for a parked one).
        """
        for attempt in range(1, CONFLICT_RETRIES + 1):
            try:
                return self._take_once(source, position, previous, event, parked)
            except ConcurrencyError as exc:
                if attempt == CONFLICT_RETRIES:
                    return self._failed(source, position, event, exc)
            except Exception as exc:  # noqa: BLE001 - any failure of a reaction is retried
                return self._failed(source, position, event, exc)
        raise AssertionError("unreachable")

    def _take_once(self, source: str, position: int, previous: int | None, event: Event,
                   parked: bool) -> str:
        reaction = self.reaction_for(source, event.type)
        name = self._checkpoint_name(source)
        with self._lock, self.store.unit_of_work(event.correlation_id, event.event_id) as uow:
            _reacting(uow)
            connection = uow.connection
            self._hold(connection)
            checkpoint = read_checkpoint(connection, name)
            if not parked:
                if position <= checkpoint:
                    # Taken in already (by another replica, say): a waiting failure of it is
                    # stale. A parked one stays for its operator.
                    self._clear_failure(connection, event.event_id, waiting_only=True)
                    return DUPLICATE
                if previous is not None and previous != checkpoint:
                    return GAP
            if self._handled(connection, event.event_id):
                outcome = DUPLICATE
            elif reaction is None:
                outcome = SKIPPED
            else:
                connection.execute(handled_events.insert().values(
                    consumer=self.consumer, event_id=event.event_id))
                uow.cause = Cause(source, position)
                reaction(uow, event)
                _flush(uow)
                outcome = ACTED
            self._clear_failure(connection, event.event_id)
            if position > checkpoint:
                write_checkpoint(connection, name, position)
        if outcome == ACTED:
            metrics.REACTIONS.labels(self.service, self.consumer, ACTED).inc()
        if parked:
            self._count_parked()
        return outcome

    def _take_many(self, items: Sequence[tuple[str, int, int, Event]]) -> tuple[list, list[str]]:
        """Take consecutive events in by one transaction of the consumer's store; return what
        became of each (None for one behind a gap of its source, left for the catch-up) and the
        sources with a gap. Raises, the transaction rolled back, if anything in it does."""
        outcomes: list = [None] * len(items)
        names = {source: self._checkpoint_name(source) for source, *_ in items}
        event_ids = [event.event_id for *_, event in items]
        gaps: list[str] = []
        with self._lock, self.store.unit_of_work() as uow:
            connection = _reacting(uow).connection
            self._hold(connection)
            failures = connection.execute(
                sa.select(reaction_failures.c.source, reaction_failures.c.event_id,
                          reaction_failures.c.parked)
                .where(reaction_failures.c.consumer == self.consumer,
                       sa.or_(reaction_failures.c.parked.is_(False),
                              reaction_failures.c.event_id.in_(event_ids)))).all()
            # A source whose failed reaction waits for its retry: its events wait too (`receive`).
            waiting = {row.source for row in failures if not row.parked}
            failed = {row.event_id for row in failures}
            read = dict(connection.execute(
                sa.select(checkpoints.c.name, checkpoints.c.position)
                .where(checkpoints.c.name.in_(set(names.values())))).all())
            start = {source: read.get(name) or 0 for source, name in names.items()}
            at = dict(start)
            handled = set(connection.execute(
                sa.select(handled_events.c.event_id)
                .where(handled_events.c.consumer == self.consumer,
                       handled_events.c.event_id.in_(event_ids))).scalars())
            newly_handled, cleared, stale = [], [], []
            for index, (source, position, previous, event) in enumerate(items):
                if source in waiting:
                    outcomes[index] = WAITING
                    continue
                if source in gaps:
                    continue
                if position <= at[source]:
                    if event.event_id in failed:
                        stale.append(event.event_id)
                    outcomes[index] = DUPLICATE
                    continue
                if previous != at[source]:
                    outcomes[index] = GAP
                    gaps.append(source)
                    continue
                reaction = self.reaction_for(source, event.type)
                if event.event_id in handled:
                    outcome = DUPLICATE
                elif reaction is None:
                    outcome = SKIPPED
                else:
                    handled.add(event.event_id)
                    newly_handled.append({"consumer": self.consumer, "event_id": event.event_id})
                    uow.correlation_id, uow.causation_id = event.correlation_id, event.event_id
                    uow.cause = Cause(source, position)
                    reaction(uow, event)
                    outcome = ACTED
                if event.event_id in failed:
                    cleared.append(event.event_id)
                at[source] = position
                outcomes[index] = outcome
            _flush(uow)
            if newly_handled:
                connection.execute(handled_events.insert(), newly_handled)
            if cleared:
                connection.execute(reaction_failures.delete().where(
                    reaction_failures.c.consumer == self.consumer,
                    reaction_failures.c.event_id.in_(cleared)))
            if stale:
                connection.execute(reaction_failures.delete().where(
                    reaction_failures.c.consumer == self.consumer,
                    reaction_failures.c.event_id.in_(stale),
                    reaction_failures.c.parked.is_(False)))
            for source, position in at.items():
                if position > start[source]:
                    write_checkpoint(connection, names[source], position)
        if newly_handled:
            metrics.REACTIONS.labels(self.service, self.consumer, ACTED).inc(len(newly_handled))
        return outcomes, gaps

    def _handled(self, connection: sa.Connection, event_id: str) -> bool:
        return connection.execute(sa.select(handled_events.c.event_id).where(
            handled_events.c.consumer == self.consumer,
            handled_events.c.event_id == event_id)).first() is not None

    def _clear_failure(self, connection: sa.Connection, event_id: str, *,
                       waiting_only: bool = False) -> None:
        which = [reaction_failures.c.consumer == self.consumer,
                 reaction_failures.c.event_id == event_id]
        if waiting_only:
            which.append(reaction_failures.c.parked.is_(False))
        connection.execute(reaction_failures.delete().where(*which))

    def _delay(self, attempts: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.backoff * 2 ** (attempts - 1), self.max_backoff))

    def _failed(self, source: str, position: int, event: Event, error: Exception) -> str:
        """Record a failed attempt in its own transaction (the reaction's was rolled back);
        after the last attempt, park the event and move the checkpoint past it."""
        now = self.clock()
        message = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
        with self._lock, self.store.engine.begin() as connection:
            self._hold(connection)
            key = (reaction_failures.c.consumer == self.consumer,
                   reaction_failures.c.event_id == event.event_id)
            row = connection.execute(sa.select(reaction_failures).where(*key)).first()
            attempts = (row.attempts if row else 0) + 1
            parked = bool(row and row.parked) or attempts >= self.max_attempts
            values = {"source": source, "position": position, "event_type": event.type,
                      "attempts": attempts, "last_error": message, "failed_at": format_time(now),
                      "next_try_at": format_time(now + self._delay(attempts)), "parked": parked,
                      "event": json.dumps(event.to_dict(), ensure_ascii=False)}
            if row is None:
                connection.execute(reaction_failures.insert().values(
                    consumer=self.consumer, event_id=event.event_id, **values))
            else:
                connection.execute(reaction_failures.update().where(*key).values(**values))
            if parked:
                name = self._checkpoint_name(source)
                if read_checkpoint(connection, name) < position:
                    write_checkpoint(connection, name, position)
        context = {"consumer": self.consumer, "source": source, "position": position,
                   "event_id": event.event_id, "event_type": event.type, "attempts": attempts,
                   "error": message, "correlation_id": event.correlation_id}
        if parked:
            metrics.REACTIONS.labels(self.service, self.consumer, PARKED).inc()
            self._count_parked()
            log.warning("reaction parked", **context)
            return PARKED
        metrics.REACTIONS.labels(self.service, self.consumer, FAILED).inc()
        log.warning("reaction failed; will retry", retry_at=values["next_try_at"], **context)
        return FAILED

    def _count_parked(self) -> None:
        with reading(self.store.engine) as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(reaction_failures)
                                       .where(reaction_failures.c.consumer == self.consumer,
                                              reaction_failures.c.parked.is_(True))).scalar_one()
        metrics.REACTIONS_PARKED.labels(self.service, self.consumer).set(count)

