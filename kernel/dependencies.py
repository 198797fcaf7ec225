"""nameko dependency providers of the kernel: the event store with its outbox relay, the log
context of each worker, and access to other services' logs."""
from __future__ import annotations

import contextlib
import threading
import time
import uuid
from pathlib import Path
from typing import Callable, Sequence, TypeVar

import eventlet
import structlog
from nameko.exceptions import RpcTimeout
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.standalone.rpc import ClusterRpcProxy

from kernel import metrics, settings
from kernel.catchup import LogFollower
from kernel.database import make_engine, migrate, reading
from kernel.errors import CONFLICT, ConcurrencyError, DomainError, Refused
from kernel.logs import bind_contextvars, clear_contextvars
from kernel.relay import AmqpPublisher, OutboxRelay
from kernel.store import EventStore, Projector, UnitOfWork

log = structlog.get_logger(__name__)
T = TypeVar("T")


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

    def __init__(self, migrations: Path | None = None, projectors: Sequence[Projector] = ()):
        self.migrations = [migrations] if migrations else []
        self.projectors = list(projectors)

    def setup(self):
        config = self.container.config
        service = self.container.service_name
        url = config.get("DATABASE_URL") or settings.database_url(service)
        self.engine = make_engine(url)
        # The service's registry entry names its migrations; `huiqi serve` passes them in config.
        migrate(self.engine, *self.migrations, *map(Path, config.get("MIGRATIONS", ())))
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


class FollowLogs(DependencyProvider):
    """Follows other services' logs into this service's database (see kernel.catchup).

    `handle(connection, source, position, event)` applies one event; the checkpoints and the
    events already handled live beside the service's own store.
    """

    def __init__(self, name: str, handle):
        self.name = name
        self.handle = handle
        self._follower = None
        self._proxy = None

    def _fetch(self, source: str, after: int, limit: int) -> list:
        if self._proxy is None:
            self._proxy = ClusterRpcProxy(self.container.config, timeout=30).start()
        return getattr(self._proxy, source).events_after(after, limit)

    def follower(self) -> LogFollower:
        if self._follower is None:
            store = next(dep for dep in self.container.dependencies
                         if isinstance(dep, EventSourcing))
            self._follower = LogFollower(self.name, store.engine, self.handle, self._fetch)
        return self._follower

    def stop(self):
        if self._proxy is not None:
            try:
                self._proxy.stop()
            except Exception:  # the broker may be gone already; the proxy is dropped either way
                pass
            self._proxy = None

    kill = stop

    def get_dependency(self, worker_ctx) -> LogFollower:
        return self.follower()


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
