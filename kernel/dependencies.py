"""nameko dependency providers of the kernel: the event store with its outbox relay, the log
context of each worker, reactions to other services' events (with their operators' desk), and
RPC proxies that give up in time."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import json
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import eventlet
import eventlet.queue
import sqlalchemy as sa
import structlog
from nameko.exceptions import RpcTimeout, UnknownService, deserialize_to_instance
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import RpcProxy
from nameko.standalone.events import get_event_exchange
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import identity, metrics, settings
from kernel.database import make_engine, migrate, reading
from kernel.entrypoints import BROKER_ERRORS, COMMAND_ID, IF_MATCH
from kernel.envelope import canonical_json
from kernel.errors import (
    CONFLICT, UNAVAILABLE, ConcurrencyError, DomainError, IdempotencyKeyReused,
    OutcomeUnknown, Refused,
)
from kernel.logs import bind_contextvars, clear_contextvars
from kernel.dead_letters import (
    DeadLetterQueue,
    dead_letter_queue,
    source_queue,
    undecodable_reason,
)
from kernel.reactions import HANDLER_FAILED, PoisonMessage, ReactionNotFound, Reactor
from kernel.relay import AmqpPublisher, OutboxRelay
from kernel.store import CommandRecorded, EventStore, Projector, UnitOfWork

log = structlog.get_logger(__name__)
T = TypeVar("T")

# Every process that calls or serves RPC imports this module: from here on a `Refused` raised by
# a service is rebuilt as `Refused` on the caller's side, not as a generic RemoteError.
deserialize_to_instance(Refused)


class LogContext(DependencyProvider):
    """Binds the service, entrypoint and correlation id to every log line a worker writes, and
    makes sure the id exists so RPC calls and events the worker causes carry it on."""

    def worker_setup(self, worker_ctx):
        correlation_id = worker_ctx.data.get("correlation_id") or uuid.uuid4().hex
        worker_ctx.data["correlation_id"] = correlation_id
        clear_contextvars()
        bind_contextvars(service=self.container.service_name, correlation_id=correlation_id,
                         entrypoint=worker_ctx.entrypoint.method_name)

    def worker_teardown(self, worker_ctx):
        clear_contextvars()


class Commands:
    """What a worker of an event-sourced service gets: run a command in a unit of work."""

    def __init__(self, provider: "EventSourcing", worker_ctx):
        self._provider = provider
        self._worker_ctx = worker_ctx

    @property
    def store(self) -> EventStore:
        return self._provider.store

    @property
    def engine(self):
        return self._provider.store.engine

    @contextlib.contextmanager
    def _refusals(self, command: str):
        """A broken rule becomes `Refused`, the one error the caller's side can rebuild."""
        try:
            yield
        except DomainError as exc:
            metrics.COMMANDS.labels(self._provider.container.service_name, command,
                                    "refused").inc()
            log.info("refused", command=command, rule=exc.rule, field=exc.field)
            raise Refused.from_domain(exc) from exc

    def execute(self, command: str, decide: Callable[[UnitOfWork], T], attempts: int = 3) -> T:
        """Load, decide and append in one transaction; on losing a race, decide again on the
        fresh state. A broken rule becomes `Refused` with nothing written.

        A command that carries an id (`command_id` in the worker's context: the gateway's
        Idempotency-Key, which travels with the RPC message and so survives its redelivery) is
        carried out once: its response is recorded in the same transaction as its events, and
        the same id again answers that response without deciding again."""
        service = self._provider.container.service_name
        correlation_id = self._worker_ctx.data.get("correlation_id") or uuid.uuid4().hex
        causation_id = self._worker_ctx.call_id
        once = _CommandOnce.of(self._worker_ctx, command)
        started = time.perf_counter()
        try:
            with self._refusals(command):
                for attempt in range(1, attempts + 1):
                    try:
                        with self.store.unit_of_work(correlation_id, causation_id) as uow:
                            uow.expects = self._worker_ctx.data.get(IF_MATCH)
                            if once is not None and (first := once.recorded(uow)) is not None:
                                metrics.COMMANDS.labels(service, command, "replayed").inc()
                                log.info("command replayed", command=command)
                                return first
                            result = decide(uow)
                            if once is not None:
                                once.record(uow, result)
                        metrics.COMMANDS.labels(service, command, "ok").inc()
                        log.info("command handled", command=command,
                                 events=[e.type for e in uow.appended], attempt=attempt)
                        return result
                    except CommandRecorded as exc:
                        # A concurrent delivery of it committed first: its record answers.
                        if attempt == attempts:
                            raise Refused("concurrent_change", CONFLICT, str(exc)) from exc
                    except ConcurrencyError as exc:
                        if attempt == attempts:
                            metrics.COMMANDS.labels(service, command, "conflict").inc()
                            raise Refused("concurrent_change", CONFLICT, str(exc)) from exc
                    except sa.exc.DBAPIError as exc:
                        # The database ended the connection (a restart, a failover, an
                        # administrator's pg_terminate_backend) or could not be reached at
                        # all: the transaction was rolled back whole, or never began, so
                        # deciding again on a fresh connection is safe.
                        if not _store_lost(exc):
                            raise
                        log.warning("store connection lost; deciding again", command=command,
                                    attempt=attempt)
                        if attempt == attempts:
                            metrics.COMMANDS.labels(service, command, "unavailable").inc()
                            raise store_unavailable(exc) from exc
        finally:
            metrics.COMMAND_SECONDS.labels(service, command).observe(time.perf_counter() - started)

    def query(self, name: str, answer: Callable[[UnitOfWork], T], attempts: int = 2) -> T:
        """Answer a question from the store without writing; broken rules (not found, not
        allowed to read) become `Refused` as for commands. A connection the database ended is
        replaced once."""
        for attempt in range(1, attempts + 1):
            try:
                with self._refusals(name), reading(self.engine) as connection:
                    return answer(UnitOfWork(self.store, connection, "", ""))
            except sa.exc.DBAPIError as exc:
                if not _store_lost(exc):
                    raise
                if attempt == attempts:
                    raise store_unavailable(exc) from exc
        raise AssertionError("unreachable")

    def read_log(self, after: int, limit: int):
        return self.store.read_all(after=after, limit=limit)

    def read(self, query: Callable):
        """Run a read-only query on the service's database."""
        try:
            with reading(self.engine) as connection:
                return query(connection)
        except sa.exc.DBAPIError as exc:
            if not _store_lost(exc):
                raise
            raise store_unavailable(exc) from exc


def _store_lost(exc: sa.exc.DBAPIError) -> bool:
    """Whether the database went away, rather than refused a statement: the connection was
    ended under it, or none could be opened (an error raised with no statement is the
    connect's: a closed port, a host that does not answer, a database that is gone)."""
    return exc.connection_invalidated or (
        isinstance(exc, sa.exc.OperationalError) and exc.statement is None)


# What a caller is told when the store is away. The driver's words name hosts, ports and users:
# they are for the operator's log, not for whoever reads the answer.
STORE_UNAVAILABLE = "the service's database cannot be reached; try again shortly"


def store_unavailable(exc: Exception) -> Refused:
    log.error("store unavailable", error=f"{type(exc).__name__}: {getattr(exc, 'orig', exc)}")
    return Refused("store_unavailable", UNAVAILABLE, STORE_UNAVAILABLE)


@functools.lru_cache(maxsize=256)
def _signature(function) -> inspect.Signature:
    """An RPC method's signature, worked out once per method rather than per command."""
    return inspect.signature(function)


class _CommandOnce:
    """A command's id and what it asked, for carrying it out once (`Commands.execute`).

    The id is scoped by the caller (the verified actor, the RPC's first argument), so that two
    callers choosing the same key never meet; the request hash covers the command and every
    other argument, so the same key sent with other fields is refused, not answered."""

    def __init__(self, command_id: str, command: str, request_hash: str):
        self.command_id, self.command, self.request_hash = command_id, command, request_hash

    @classmethod
    def of(cls, worker_ctx, command: str) -> "_CommandOnce | None":
        key = worker_ctx.data.get(COMMAND_ID)
        if not key:
            return None  # a timer's or an internal command: nothing redelivers it by id
        method = getattr(worker_ctx.service, worker_ctx.entrypoint.method_name)
        function = getattr(method, "__func__", None)
        if function is not None:
            arguments = _signature(function).bind(None, *worker_ctx.args, **worker_ctx.kwargs)
            arguments.arguments.pop(next(iter(arguments.arguments)))  # self
        else:
            arguments = inspect.signature(method).bind(*worker_ctx.args, **worker_ctx.kwargs)
        names = list(arguments.arguments)
        caller = arguments.arguments[names[0]] if names else None
        asked = {name: arguments.arguments[name] for name in names[1:]}
        scope = hashlib.sha256(canonical_json([caller, str(key)])).hexdigest()
        request_hash = hashlib.sha256(canonical_json([command, asked])).hexdigest()
        return cls(scope, command, request_hash)

    def recorded(self, uow: UnitOfWork):
        row = uow.recorded_command(self.command_id)
        if row is None:
            return None
        if row.command != self.command or row.request_hash != self.request_hash:
            raise IdempotencyKeyReused(row.command, self.command)
        return json.loads(row.response)

    def record(self, uow: UnitOfWork, result) -> None:
        uow.record_command(self.command_id, self.command, self.request_hash,
                           canonical_json(result).decode("utf-8"))


# Seconds a stopping service gives its relay to finish the batch it is publishing.
RELAY_STOP_GRACE = 5


class EventSourcing(DependencyProvider):
    """The service's event store: migrated on start, its committed events relayed to RabbitMQ."""

    def __init__(self, projectors: Sequence[Projector] = ()):
        self.projectors = list(projectors)

    def setup(self):
        config = self.container.config
        service = self.container.service_name
        url = config.get("DATABASE_URL") or settings.database_url(service)
        self.engine = make_engine(url)
        # The service's registry entry names its migrations; `huiqi serve` passes them in config.
        own = config.get("MIGRATIONS", {}).get(service)
        migrate(self.engine, *([Path(own)] if own else []))
        self.store = EventStore(self.engine, self.projectors)
        self.store.on_commit(self._committed)
        self.relay_enabled = config.get("RELAY_ENABLED", True)
        self.relay_interval = float(config.get("RELAY_INTERVAL", 1.0))
        heartbeat = float(config.get("HEARTBEAT", settings.amqp_heartbeat()))
        self.relay = OutboxRelay(service, self.store, AmqpPublisher(
            service, config.get("AMQP_URI", settings.amqp_uri()), heartbeat=heartbeat,
            confirm_timeout=float(config.get("RELAY_CONFIRM_TIMEOUT",
                                             settings.relay_confirm_timeout()))))
        # The publisher's connection is read only here: keep its heartbeats going between
        # publications, twice per interval as the broker expects.
        self.keepalive_every = heartbeat / 2 if heartbeat else None
        self._wake = threading.Event()
        self._running = False

    def start(self):
        self._thread = None
        if self.relay_enabled:
            self._running = True
            self._thread = self.container.spawn_managed_thread(self._relay_forever)

    def stop(self):
        # The relay's thread owns the publisher's connection: let it finish its batch first.
        # Closing the connection under a green thread that reads it leaves that read registered
        # with the hub, and the next socket on the descriptor fails ("second simultaneous read").
        self._end_relay(grace=RELAY_STOP_GRACE)

    def kill(self):
        self._end_relay(grace=0)

    def _end_relay(self, grace: float) -> None:
        self._running = False
        self._wake.set()
        thread = getattr(self, "_thread", None)
        if thread is not None:
            with eventlet.Timeout(grace, False):
                with contextlib.suppress(Exception):
                    thread.wait()
            # Still inside a publish after the grace: a broker that stopped answering.
            thread.kill()
            self._thread = None
        self.relay.publisher.close()
        self.engine.dispose()

    def _committed(self, events):
        service = self.container.service_name
        for event in events:
            metrics.EVENTS_APPENDED.labels(service, event.type).inc()
        self._wake.set()

    def _relay_forever(self):
        backoff = self.relay_interval
        while self._running:
            self._wake.clear()
            try:
                self.relay.publish_pending()
                backoff = self.relay_interval
            except Exception as exc:
                metrics.RELAY_FAILURES.labels(self.container.service_name).inc()
                log.warning("relay could not publish; will retry", error=str(exc),
                            retry_in=backoff)
                backoff = min(backoff * 2, 30.0)
            self._wait(backoff)

    def _wait(self, seconds: float) -> None:
        """Sleep until woken by a commit or `seconds` pass, keeping the publisher's connection
        alive meanwhile."""
        deadline = time.monotonic() + seconds
        while self._running and not self._wake.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._wake.wait(min(left, self.keepalive_every or left))
            self.relay.publisher.keepalive()

    def get_dependency(self, worker_ctx) -> Commands:
        return Commands(self, worker_ctx)


class _ReactionsQueueConsumer(QueueConsumer):
    """nameko's queue consumer, for the queues of `Reactions` only (a connection of its own).

    What differs from nameko's: every (re)connection declares each consumer's dead-letter
    queue before consuming, so a rejected message always has somewhere to go; a body kombu
    cannot decode (malformed JSON, a content type not accepted) is dead-lettered by its queue's
    provider, where nameko's consumer would raise out of its loop and stop the container; a
    delivered message is handed to its queue's provider at once, in delivery order, to be
    buffered for a batch (not given a worker thread of its own); and the prefetch lets two
    batches be on their way at once, one being taken in while the next arrives.
    """

    @property
    def prefetch_count(self):
        batch = int(self.container.config.get("REACTION_BATCH_SIZE",
                                              settings.reaction_batch_size()))
        return max(self.container.max_workers, 2 * batch)

    def handle_message(self, provider, body, message):
        provider.handle_message(body, message)

    def get_consumers(self, consumer_cls, channel):
        for provider in self._providers:
            provider.dead_letter_queue(channel).declare()
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = provider.undecodable
        return consumers

    def reject_message(self, message):
        """Reject without requeue: the broker moves the message to the dead-letter queue."""
        if message.channel.connection:
            try:
                message.reject(requeue=False)
            except ConnectionError:  # pragma: no cover - gone with its connection: redelivered
                pass


class Reactions(DependencyProvider):
    """A service's reactions to other services' events (the logic is `kernel.reactions`).

    Declared in one line on the service class::

        reactions = Reactions("policy-work", {"tickets": {"PolicyWorkRequested": open_policy_work}})

    Each source gets one durable queue per (service, consumer), bound to "<source>.events" with
    '#': every event type arrives, so that skipping the unsubscribed ones still moves the
    checkpoint and `previous_position` keeps telling a gap exactly. What the consumer cannot take
    goes to its dead-letter queue (`kernel.dead_letters`). A managed thread sweeps every source's
    `events_after` each `CATCHUP_INTERVAL` seconds, each source on a green thread of its own and
    each call bounded by `CATCHUP_TIMEOUT`, and retries failed reactions when due. The reactions
    run in units of work of the service's `EventSourcing` store.

    Delivered messages are taken in by batches (`Reactor.receive_many`): up to
    `REACTION_BATCH_SIZE` of a source's messages, or what arrived within `REACTION_BATCH_LINGER`
    seconds, by one transaction, on a green thread per source; each is acknowledged only once
    the transaction that took it in has committed.
    """

    queue_consumer = _ReactionsQueueConsumer()
    # A readable message that could not be taken in (the consumer's store away, say) is tried
    # this many times, pausing twice as long each time, before it is dead-lettered.
    HANDLER_ATTEMPTS = 3
    HANDLER_PAUSE = 0.5
    # Seconds a stopping consumer gives the messages it holds to be taken in.
    STOP_GRACE = 10.0

    def __init__(self, consumer: str, subscriptions: dict,
                 through: dict[str, tuple[str, str]] | None = None):
        self.consumer = consumer
        self.subscriptions = subscriptions
        # A source read through another service's RPC, `{source: (service, method)}` (the
        # audit's ledger, by seq): no queue of its own; it is pulled by the sweep and whenever
        # the consumer is told the source grew (`Reactor.catch_up`).
        self.through = dict(through or {})
        self._reactor: Reactor | None = None

    def setup(self):
        config = self.container.config
        self.interval = float(config.get("CATCHUP_INTERVAL", settings.catchup_interval()))
        self.max_attempts = int(config.get("REACTION_MAX_ATTEMPTS",
                                           settings.reaction_max_attempts()))
        self.backoff = float(config.get("REACTION_BACKOFF", settings.reaction_backoff()))
        self.catchup_timeout = float(config.get("CATCHUP_TIMEOUT", settings.catchup_timeout()))
        self.batch_size = max(1, int(config.get("REACTION_BATCH_SIZE",
                                                settings.reaction_batch_size())))
        self.batch_linger = float(config.get("REACTION_BATCH_LINGER",
                                             settings.reaction_batch_linger()))
        self._queues = [_SourceQueue(self, source) for source in self.subscriptions
                        if source not in self.through]
        for queue in self._queues:
            self.queue_consumer.register_provider(queue)
        self.dead_letters = DeadLetterQueue(
            config.get("AMQP_URI", settings.amqp_uri()), self.container.service_name,
            self.consumer, self._describe_dead_letter, accept=list(self.container.accept))
        self._running = False
        self._wake = threading.Event()

    def reactor(self) -> Reactor:
        # Built on first use: extensions are set up concurrently, and the store is only there
        # once its EventSourcing dependency has been set up (before any extension starts).
        # A method, not a property: nameko inspects every attribute of an extension it binds.
        if self._reactor is None:
            store = next(dep for dep in self.container.dependencies
                         if isinstance(dep, EventSourcing)).store
            self._reactor = Reactor(
                self.consumer, store, self.subscriptions, self._fetch,
                service=self.container.service_name, max_attempts=self.max_attempts,
                backoff=self.backoff)
        return self._reactor

    def _fetch(self, source: str, after: int, limit: int) -> list:
        # A proxy of its own per call: one proxy shared by green threads (a sweep and a
        # message's gap filling at once) mixes up their replies. The whole call, connecting
        # included, is bounded: a source that does not answer is retried on the next sweep.
        late = RpcTimeout(f"{source}.events_after did not answer within "
                          f"{self.catchup_timeout:g}s")
        with eventlet.Timeout(self.catchup_timeout, late), \
                ClusterRpcProxy(self.container.config, timeout=self.catchup_timeout) as cluster:
            # As the system, signed by this service for itself (`kernel.identity`).
            caller = identity.service_assertion(self.container.service_name)
            service, method = self.through.get(source, (source, "events_after"))
            return getattr(getattr(cluster, service), method)(caller, after, limit)

    def start(self):
        self._running = True
        for queue in self._queues:
            queue.start()
        self.container.spawn_managed_thread(self._sweep_forever)

    def stop(self):
        self._running = False
        self._wake.set()
        for queue in self._queues:
            queue.stopping()
            self.queue_consumer.unregister_provider(queue)
        # What was delivered before the consumers were cancelled is taken in and acknowledged;
        # anything delivered later stays unacknowledged and comes back on the next start.
        for queue in self._queues:
            queue.drained()

    def kill(self):
        # What is buffered is left unacknowledged: the broker delivers it again.
        self._running = False
        self._wake.set()

    def sweep(self) -> dict[str, int]:
        """Catch up every source now, all at once (the managed thread calls this every
        interval): one source slow or away delays none of the others."""
        reactor = self.reactor()
        return reactor.sweep(eventlet.GreenPool(max(1, len(reactor.sources))).imap)

    def _sweep_forever(self):
        while self._running:
            self._wake.wait(self.interval)
            if not self._running:
                return
            try:
                self.sweep()
            except Exception as exc:  # noqa: BLE001 - the store away: the next sweep retries
                log.warning("reaction sweep failed", consumer=self.consumer, error=str(exc))

    def _describe_dead_letter(self, message, came_from: str | None) -> tuple[str, str]:
        """Why this consumer rejected `message` (from its queue `came_from`): read it again."""
        source = next((q.source for q in self._queues if q.queue.name == came_from), None)
        try:
            body = message.decode()
        except Exception as exc:  # noqa: BLE001 - what kombu could not decode is the reason
            return undecodable_reason(exc), str(exc)[:500]
        try:
            self.reactor().read(body, arrived_from=source)
        except PoisonMessage as poison:
            return poison.reason, poison.detail
        return HANDLER_FAILED, "a readable message that could not be taken in at the time"

    def get_dependency(self, worker_ctx) -> Reactor:
        return self.reactor()


class _SourceQueue:
    """One source's queue of a `Reactions` dependency, as its queue consumer serves it."""

    def __init__(self, reactions: Reactions, source: str):
        self.reactions = reactions
        self.source = source
        container = reactions.container
        self.queue = source_queue(container.service_name, reactions.consumer, source,
                                  get_event_exchange(source, container.config))
        # Delivered, not yet taken in: (body, message) in delivery order.
        self._buffer: list = []
        # Set when the buffer gets its first message, fills a batch, or the queue stops.
        self._arrived = threading.Event()
        self._running = False
        self._taker = None

    def dead_letter_queue(self, channel):
        return dead_letter_queue(self.reactions.container.service_name,
                                 self.reactions.consumer)(channel)

    def start(self) -> None:
        self._running = True
        self._taker = self.reactions.container.spawn_managed_thread(
            self._take_in_forever, identifier=f"reactions:{self.reactions.consumer}:{self.source}")

    def stopping(self) -> None:
        self._running = False
        self._arrived.set()

    def drained(self) -> None:
        """Wait until what is buffered has been taken in (`stopping` first), for a while: a
        store that does not answer does not hold the stop up; what is left unacknowledged is
        delivered again."""
        if self._taker is None or self._taker.dead:
            return
        with eventlet.Timeout(self.reactions.STOP_GRACE, False):
            self._taker.wait()
        if not self._taker.dead:
            self._taker.kill()

    def handle_message(self, body, message):
        """The queue consumer's callback, in delivery order: buffer the message for the next
        batch; it is acknowledged once the batch's transaction has committed."""
        self._buffer.append((body, message))
        if len(self._buffer) == 1 or len(self._buffer) >= self.reactions.batch_size:
            self._arrived.set()

    def _take_in_forever(self) -> None:
        size, linger = self.reactions.batch_size, self.reactions.batch_linger
        while self._running or self._buffer:
            if not self._buffer:
                self._arrived.wait()
                self._arrived.clear()
                continue
            if len(self._buffer) < size and self._running and linger > 0:
                # A moment for the rest of a burst, so that it shares the transaction.
                self._arrived.clear()
                self._arrived.wait(linger)
            batch, self._buffer = self._buffer[:size], self._buffer[size:]
            try:
                self._take_in_batch(batch)
            except Exception as exc:  # noqa: BLE001 - unacknowledged: redelivered, not lost
                log.error("batch not taken in", consumer=self.reactions.consumer,
                          source=self.source, messages=len(batch),
                          error=f"{type(exc).__name__}: {exc}")

    def _take_in_batch(self, batch: list) -> None:
        clear_contextvars()
        bind_contextvars(service=self.reactions.container.service_name,
                         entrypoint=f"reactions:{self.reactions.consumer}")
        try:
            results = self.reactions.reactor().receive_many(
                [body for body, _ in batch], arrived_from=self.source)
        except Exception as exc:  # noqa: BLE001 - nothing acknowledged yet: each alone, then
            results = [exc] * len(batch)
        finally:
            clear_contextvars()
        for (body, message), result in zip(batch, results):
            if isinstance(result, PoisonMessage):
                self.dead_letter(message, result.reason, result.detail)
            elif isinstance(result, Exception):
                # Not taken in by its batch, nor alone (the store away): tried again alone.
                self.handle_message_alone(body, message, tried=result)
            else:
                # Taken in and committed: acted on, skipped, a duplicate, a gap filled from the
                # source's log, or a reaction that raised (see `handle_message_alone`).
                self.reactions.queue_consumer.ack_message(message)

    def handle_message_alone(self, body, message, tried: Exception | None = None):
        event = body.get("event", {}) if isinstance(body, dict) else {}
        clear_contextvars()
        bind_contextvars(service=self.reactions.container.service_name,
                         entrypoint=f"reactions:{self.reactions.consumer}",
                         correlation_id=event.get("correlation_id")
                         if isinstance(event, dict) else None)
        try:
            self._take_in(body, tried)
        except PoisonMessage as poison:
            self.dead_letter(message, poison.reason, poison.detail)
        except Exception as exc:  # noqa: BLE001 - retried already: see _take_in
            self.dead_letter(message, HANDLER_FAILED, f"{type(exc).__name__}: {exc}")
        else:
            # Taken in: acted on, skipped, a duplicate, a gap filled from the source's log, or a
            # reaction that raised. That last one is acked too, not dead-lettered: its failure
            # was recorded with the event itself in `reaction_failures` (same store, same
            # transaction rules), from where the sweep retries it with backoff and then parks
            # it for `parked_reactions`/`retry_reaction`; a copy in the dead-letter queue would
            # be a second, racing way to run it. Events behind it stay after the checkpoint in
            # the source's log, where the sweep reads them in order.
            self.reactions.queue_consumer.ack_message(message)
        finally:
            clear_contextvars()

    def _take_in(self, body, tried: Exception | None = None) -> str:
        """`Reactor.receive`, tried again after a pause while it raises (the consumer's store
        away): the message stays unacknowledged meanwhile, so a crash loses nothing. `tried` is
        what its first try raised, if that was made already (with its batch)."""
        pause = self.reactions.HANDLER_PAUSE
        attempt, error = (1, tried) if tried is not None else (0, None)
        while True:
            if error is None:
                attempt += 1
                try:
                    return self.reactions.reactor().receive(body, arrived_from=self.source)
                except PoisonMessage:
                    raise
                except Exception as exc:  # noqa: BLE001 - anything else may pass: try again
                    error = exc
            if attempt >= self.reactions.HANDLER_ATTEMPTS:
                raise error
            log.warning("event not taken in; trying again", consumer=self.reactions.consumer,
                        source=self.source, attempt=attempt, error=str(error))
            eventlet.sleep(pause)
            pause *= 2
            error = None

    def undecodable(self, message, error: Exception) -> None:
        """kombu's decode error callback (`_ReactionsQueueConsumer`)."""
        self.dead_letter(message, undecodable_reason(error), str(error)[:500])

    def dead_letter(self, message, reason: str, detail: str) -> None:
        self.reactions.queue_consumer.reject_message(message)
        service, consumer = self.reactions.container.service_name, self.reactions.consumer
        metrics.DEAD_LETTERED.labels(service, consumer, reason).inc()
        # The event, if there is a readable one, also stays in its source's log: a
        # HANDLER_FAILED message is caught up by the sweep whether or not it is replayed.
        log.warning("message dead-lettered", reason=reason, detail=detail,
                    queue=self.queue.name, dead_letter_queue=dead_letter_queue(
                        service, consumer).name, consumer=consumer, source=self.source,
                    routing_key=message.delivery_info.get("routing_key"))


class ReactionAdmin(DependencyProvider):
    """What an operator may do with a service's reactions: list the parked ones, retry one;
    list the dead letters, replay them."""

    def get_dependency(self, worker_ctx) -> "ReactionDesk":
        return ReactionDesk([dep for dep in self.container.dependencies
                             if isinstance(dep, Reactions)])


class ReactionDesk:
    def __init__(self, reactions: list[Reactions]):
        self.reactions = reactions

    @property
    def reactors(self) -> list[Reactor]:
        return [dependency.reactor() for dependency in self.reactions]

    def parked(self) -> list[dict]:
        return [item for reactor in self.reactors for item in reactor.parked()]

    def retry(self, event_id: str) -> str:
        for reactor in self.reactors:
            try:
                return reactor.retry(event_id)
            except ReactionNotFound:
                continue
        raise ReactionNotFound(event_id)

    def dead_letters(self, limit: int) -> dict:
        """Per consumer: how many messages its dead-letter queue holds, the first `limit`."""
        queues = [dependency.dead_letters.peek(limit) for dependency in self.reactions]
        return {"count": sum(queue["count"] for queue in queues), "consumers": queues}

    def replay_dead_letters(self, limit: int) -> dict:
        """Move up to `limit` dead letters of each consumer back to the queues they came from."""
        replayed = {}
        for dependency in self.reactions:
            moved = dependency.dead_letters.replay(limit)
            metrics.DEAD_LETTERS_REPLAYED.labels(dependency.container.service_name,
                                                 dependency.consumer).inc(moved)
            replayed[dependency.consumer] = moved
        return {"replayed": sum(replayed.values()), "consumers": replayed}


class TimedRpcProxy(RpcProxy):
    """An RPC proxy whose calls are answered within the request's budget.

    nameko's own proxy waits for ever when the target service is down but its queue remains; a
    front-end waiting on the gateway deserves an answer instead. A call whose reply does not
    come (`RPC_TIMEOUT` seconds a try) or that the broker drops is sent again until the budget
    (`REQUEST_BUDGET` seconds, counted from the request's start) is spent, every earlier try's
    reply still awaited. A command is sent again under its command id, so the service answers
    a repeat of one it committed from its record (`Commands.execute`); a read is simply asked
    again. A command still unanswered is `OutcomeUnknown`, naming the id to retry it with: it
    may have been carried out, and saying "unavailable" would invite a second one.
    """

    def __init__(self, target_service: str, timeout: float | None = None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        config = self.container.config
        per_try = self.timeout or float(config.get("RPC_TIMEOUT", settings.rpc_timeout()))
        budget = float(config.get("REQUEST_BUDGET", settings.request_budget()))
        # One deadline per request, shared by every proxy its handler calls through.
        deadline = worker_ctx.__dict__.setdefault(_DEADLINE, time.monotonic() + budget)
        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service,
                                  per_try, budget, deadline, worker_ctx.data.get(COMMAND_ID))


# Where a request's deadline is kept on its worker context: not in `data`, which nameko sends
# along with every RPC the worker makes.
_DEADLINE = "_huiqi_request_deadline"
# Seconds before trying again a call the broker refused at once (doubling, at most the last).
RESEND_PAUSES = (0.5, 1, 2)
# The least a call made late in the request is given for its first try.
LEAST_TRY = 1.0


class _TimedServiceProxy:
    def __init__(self, proxy, service: str, per_try: float, budget: float, deadline: float,
                 command_id: str | None):
        self._proxy, self._service = proxy, service
        self._per_try, self._budget, self._deadline = per_try, budget, deadline
        self._command_id = command_id

    def __getattr__(self, name: str):
        method = getattr(self._proxy, name)
        return functools.partial(self._call, method, name)

    def _call(self, method, name: str, *args, **kwargs):
        answers = eventlet.queue.LightQueue()
        waiters: list = []
        sent, lost, tries = False, None, 0
        broker_error: Exception | None = None
        pauses = iter(RESEND_PAUSES)
        try:
            while True:
                tries += 1
                left = self._deadline - time.monotonic()
                try_ends = time.monotonic() + min(self._per_try,
                                                  max(left, LEAST_TRY if tries == 1 else 0))
                try:
                    with eventlet.Timeout(max(try_ends - time.monotonic(), 0), _Unsent()):
                        reply = method.call_async(*args, **kwargs)
                except UnknownService:
                    if not sent:
                        raise  # no queue took the first try: nothing was carried out
                    # A queue gone since an earlier try: that try's reply is still awaited.
                    lost = "no queue of the service took it"
                    wait_until = min(try_ends, time.monotonic() + next(pauses, RESEND_PAUSES[-1]))
                except (_Unsent, *BROKER_ERRORS) as exc:
                    # The broker may have routed it before the error: count it as sent.
                    sent, lost = True, f"the broker did not take it ({type(exc).__name__})"
                    broker_error = exc if not isinstance(exc, _Unsent) else None
                    wait_until = min(try_ends, time.monotonic() + next(pauses, RESEND_PAUSES[-1]))
                else:
                    sent, lost, broker_error = True, None, None
                    waiters.append(eventlet.spawn(_await_reply, reply, answers))
                    wait_until = try_ends
                try:
                    answered, outcome = answers.get(timeout=max(wait_until - time.monotonic(), 0))
                except eventlet.queue.Empty:
                    pass
                else:
                    if answered:
                        return outcome
                    raise outcome
                if time.monotonic() >= self._deadline:
                    break
                log.warning("rpc unanswered; sending it again", service=self._service,
                            method=name, attempt=tries, why=lost or "no reply within the try",
                            command_id=self._command_id)
        finally:
            for waiter in waiters:
                waiter.kill()
        log.warning("rpc unanswered within the request's budget", service=self._service,
                    method=name, tries=tries, budget=self._budget, command_id=self._command_id)
        if self._command_id is not None and sent:
            raise OutcomeUnknown(self._command_id)
        if broker_error is not None:
            raise broker_error  # the last try's: the broker away, as the edge tells the client
        raise RpcTimeout(f"{self._service}.{name} did not answer within {self._budget:g}s "
                         f"({tries} {'try' if tries == 1 else 'tries'})")


class _Unsent(Exception):
    """A try's publication still under way when its time ran out."""


def _await_reply(reply, answers) -> None:
    """Hand the reply of one try to the call waiting on all of them, once it comes."""
    try:
        answers.put((True, reply.result()))
    except Exception as exc:  # noqa: BLE001 - the service's own answer, a refusal included
        answers.put((False, exc))
