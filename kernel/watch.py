"""The watch: a nameko timer whose body one replica at a time runs.

A service's periodic job over its own store (a deadline watch, a sweep) is a `watch` entrypoint.
Each round the replicas race for the job's PostgreSQL advisory lock (`kernel.database.
exclusive_turn`, on a connection of its own in autocommit, so no transaction stays open while
the body runs its own short ones); the one that gets it runs the body, the others skip the
round. The key comes from the service table: the service's entry names the job among its
`singletons`, and the key is derived from the two names (`kernel.registry.lock_key`), so no
number is kept anywhere. On SQLite, the single-process default, it is always this process's
turn.

    from kernel.watch import watch

    @watch(interval=settings.deadline_watch_interval())
    def watch_deadlines(self): ...

The body still decides on fresh state: should two replicas overlap (a lock's connection lost
mid-round), the aggregates refuse the second record and optimistic concurrency makes the slower
one decide again.
"""
from __future__ import annotations

import functools

import structlog
from nameko.timer import Timer

from kernel.database import exclusive_turn
from kernel.dependencies import EventSourcing
from kernel.registry import lock_key

log = structlog.get_logger(__name__)


class Watch(Timer):
    """The timer entrypoint of a watch; `singleton` is the name its lock is derived from, as the
    service's entry in the service table names it."""

    def __init__(self, interval: float, singleton: str = "", **kwargs):
        self.singleton = singleton
        super().__init__(interval, **kwargs)


def _engine_of(service):
    """The engine of the service's event store (its `EventSourcing` dependency)."""
    cls = type(service)
    for attribute in dir(cls):
        if isinstance(getattr(cls, attribute, None), EventSourcing):
            return getattr(service, attribute).engine
    raise LookupError(f"{cls.__name__} has a watch but keeps no event store to take turns in")


def watch(interval: float, singleton: str | None = None, **timer_options):
    """A timer entrypoint whose body runs only in the replica holding the service's singleton
    lock named `singleton` (by default the method's own name); the others skip the round.

    The turn is taken inside the worker, so the body runs under it however it is started: by the
    timer, or by a test's `entrypoint_hook`. A round that is not this replica's returns None."""

    def decorate(method):
        name = singleton or method.__name__

        @functools.wraps(method)
        def in_turn(service, *args, **kwargs):
            key = lock_key(service.name, name)
            with exclusive_turn(_engine_of(service), key) as mine:
                if not mine:
                    log.debug("another replica has the watch's turn", watch=name)
                    return None
                return method(service, *args, **kwargs)

        return Watch.decorator(interval=interval, singleton=name, **timer_options)(in_turn)

    return decorate
