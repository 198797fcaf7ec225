"""nameko dependency providers of the kernel: the event store with its outbox relay, the log
context of each worker, reactions to other services' events (with their operators' desk), and
RPC proxies that give up in time."""
from __future__ import annotations

import contextlib
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import eventlet
import structlog
from kombu import Queue
from nameko.exceptions import RpcTimeout, deserialize_to_instance
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import RpcProxy
from nameko.standalone.events import get_event_exchange
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import metrics, settings
from kernel.database import make_engine, migrate, reading
from kernel.errors import CONFLICT, ConcurrencyError, DomainError, Refused
from kernel.logs import bind_contextvars, clear_contextvars
from kernel.reactions import ReactionNotFound, Reactor
from kernel.relay import AmqpPublisher, OutboxRelay
from kernel.store import EventStore, Projector, UnitOfWork

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
        fresh state. A broken rule becomes `Refused` with nothing written."""
        service = self._provider.container.service_name
        correlation_id = self._worker_ctx.data.get("correlation_id") or uuid.uuid4().hex
        causation_id = self._worker_ctx.call_id
        started = time.perf_counter()
        try:
            with self._refusals(command):
                for attempt in range(1, attempts + 1):
                    try:
                        with self.store.unit_of_work(correlation_id, causation_id) as uow:
                            result = decide(uow)
                        metrics.COMMANDS.labels(service, command, "ok").inc()
                        log.info("command handled", command=command,
                                 events=[e.type for e in uow.appended], attempt=attempt)
                        return result
                    except ConcurrencyError as exc:
                        if attempt == attempts:
                            metrics.COMMANDS.labels(service, command, "conflict").inc()
                            raise Refused("concurrent_change", CONFLICT, str(exc)) from exc
        finally:
            metrics.COMMAND_SECONDS.labels(service, command).observe(time.perf_counter() - started)

    def query(self, name: str, answer: Callable[[UnitOfWork], T]) -> T:
        """Answer a question from the store without writing; broken rules (not found, not
        allowed to read) become `Refused` as for commands."""
        with self._refusals(name), reading(self.engine) as connection:
            return answer(UnitOfWork(self.store, connection, "", ""))

    def read_log(self, after: int, limit: int):
        return self.store.read_all(after=after, limit=limit)

    def read(self, query: Callable):
        """Run a read-only query on the service's database."""
        with reading(self.engine) as connection:
            return query(connection)


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
        self.relay = OutboxRelay(service, self.store,
                                 AmqpPublisher(service, config.get("AMQP_URI", settings.amqp_uri())))
        self._wake = threading.Event()
        self._running = False

    def start(self):
        if self.relay_enabled:
            self._running = True
            self.container.spawn_managed_thread(self._relay_forever)

    def stop(self):
        self._running = False
        self._wake.set()
        self.relay.publisher.close()
        self.engine.dispose()

    kill = stop

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
            self._wake.wait(backoff)

    def get_dependency(self, worker_ctx) -> Commands:
        return Commands(self, worker_ctx)


class Reactions(DependencyProvider):
    """A service's reactions to other services' events (the logic is `kernel.reactions`).

    Declared in one line on the service class::

        reactions = Reactions("policy-work", {"tickets": {"PolicyWorkRequested": open_policy_work}})

    Each source gets one durable queue per (service, consumer), bound to "<source>.events" with
    '#': every event type arrives, so that skipping the unsubscribed ones still moves the
    checkpoint and `previous_position` keeps telling a gap exactly. A managed thread sweeps every
    source's `events_after` each `CATCHUP_INTERVAL` seconds and retries failed reactions when due.
    The reactions run in units of work of the service's `EventSourcing` store.
    """

    queue_consumer = QueueConsumer()

    def __init__(self, consumer: str, subscriptions: dict):
        self.consumer = consumer
        self.subscriptions = subscriptions
        self._reactor: Reactor | None = None

    def setup(self):
        config = self.container.config
        self.interval = float(config.get("CATCHUP_INTERVAL", settings.catchup_interval()))
        self.max_attempts = int(config.get("REACTION_MAX_ATTEMPTS",
                                           settings.reaction_max_attempts()))
        self.backoff = float(config.get("REACTION_BACKOFF", settings.reaction_backoff()))
        self.rpc_timeout = float(config.get("RPC_TIMEOUT", 30))
        self._queues = [_SourceQueue(self, source) for source in self.subscriptions]
        for queue in self._queues:
            self.queue_consumer.register_provider(queue)
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
        # message's gap filling at once) mixes up their replies.
        with ClusterRpcProxy(self.container.config, timeout=self.rpc_timeout) as cluster:
            return getattr(cluster, source).events_after(after, limit)

    def start(self):
        self._running = True
        self.container.spawn_managed_thread(self._sweep_forever)

    def stop(self):
        self._running = False
        self._wake.set()
        for queue in self._queues:
            self.queue_consumer.unregister_provider(queue)

    def kill(self):
        self._running = False
        self._wake.set()

    def sweep(self) -> dict[str, int]:
        """Catch up every source now (the managed thread calls this every interval)."""
        return self.reactor().sweep()

    def _sweep_forever(self):
        while self._running:
            self._wake.wait(self.interval)
            if not self._running:
                return
            try:
                self.sweep()
            except Exception as exc:  # noqa: BLE001 - the store away: the next sweep retries
                log.warning("reaction sweep failed", consumer=self.consumer, error=str(exc))

    def get_dependency(self, worker_ctx) -> Reactor:
        return self.reactor()


class _SourceQueue:
    """One source's queue of a `Reactions` dependency, as nameko's QueueConsumer serves it."""

    def __init__(self, reactions: Reactions, source: str):
        self.reactions = reactions
        self.source = source
        container = reactions.container
        self.queue = Queue(
            f"evt-{source}-all--{container.service_name}.{reactions.consumer}",
            exchange=get_event_exchange(source, container.config), routing_key="#",
            durable=True, auto_delete=False)

    def handle_message(self, body, message):
        event = body.get("event", {}) if isinstance(body, dict) else {}
        clear_contextvars()
        bind_contextvars(service=self.reactions.container.service_name,
                         entrypoint=f"reactions:{self.reactions.consumer}",
                         correlation_id=event.get("correlation_id"))
        try:
            self.reactions.reactor().receive(body)
        except Exception as exc:  # noqa: BLE001 - see below: the source's log keeps the event
            log.warning("event not taken in; the sweep brings it from the source's log",
                        consumer=self.reactions.consumer, source=self.source,
                        position=body.get("position") if isinstance(body, dict) else None,
                        error=str(exc))
        finally:
            # Acked whatever became of it, never requeued: an event is only checkpointed past
            # once its reaction committed, or its failure (with the event) was recorded, or it
            # was a duplicate or skipped. Anything else (a store away, a failed reaction holding
            # its source back) stays after the checkpoint in the source's own log, where the
            # sweep reads it again in order. A requeue would instead spin a failing message
            # through the broker and put it behind later events.
            self.reactions.queue_consumer.ack_message(message)
            clear_contextvars()


class ReactionAdmin(DependencyProvider):
    """What an operator may do with a service's reactions: list the parked ones, retry one."""

    def get_dependency(self, worker_ctx) -> "ReactionDesk":
        return ReactionDesk([dep.reactor() for dep in self.container.dependencies
                             if isinstance(dep, Reactions)])


class ReactionDesk:
    def __init__(self, reactors: list[Reactor]):
        self.reactors = reactors

    def parked(self) -> list[dict]:
        return [item for reactor in self.reactors for item in reactor.parked()]

    def retry(self, event_id: str) -> str:
        for reactor in self.reactors:
            try:
                return reactor.retry(event_id)
            except ReactionNotFound:
                continue
        raise ReactionNotFound(event_id)


class TimedRpcProxy(RpcProxy):
    """An RPC proxy whose calls give up after `timeout` seconds with `RpcTimeout`.

    nameko's own proxy waits for ever when the target service is down but its queue remains;
    a front-end waiting on the gateway deserves an answer instead.
    """

    def __init__(self, target_service: str, timeout: float | None = None, **options):
        super().__init__(target_service, **options)
        self.timeout = timeout

    def get_dependency(self, worker_ctx):
        timeout = self.timeout or float(self.container.config.get("RPC_TIMEOUT", 30))
        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service,
                                  timeout)


class _TimedServiceProxy:
    def __init__(self, proxy, service: str, timeout: float):
        self._proxy, self._service, self._timeout = proxy, service, timeout

    def __getattr__(self, name: str):
        method = getattr(self._proxy, name)

        def call(*args, **kwargs):
            late = RpcTimeout(f"{self._service}.{name} did not answer within {self._timeout:g}s; "
                              "a command sent may still be carried out")
            with eventlet.Timeout(self._timeout, late):
                return method(*args, **kwargs)

        return call
