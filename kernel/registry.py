"""What the stack knows of each of its processes, as data: the shape of one entry of the service
table (`services/registry.py` holds the table) and the questions asked of the whole table.

Settings, `huiqi up`/`serve`/`rebuild-projections`, the audit's subscriptions and the deployment
files are all derived from the table, so an entry names things by string (a class as
"module:Class", a directory relative to the source tree): reading the table imports no service.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib
import os
import re
from pathlib import Path
from types import ModuleType
from typing import Iterator

from kernel import settings

# A name becomes an environment variable prefix (`<NAME>_PORT`), an exchange ("<name>.events"),
# a SQLite file and a PostgreSQL database: lower-case letters, digits and underscores only.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")

# The kernel's own singletons, in every service's database: the schema's migration, the
# sequencer giving positions, the reactions' writer and the outbox relay.
KERNEL_SINGLETONS = ("migration", "sequencer", "reactions", "relay")


def lock_key(owner: str, singleton: str) -> int:
    """The PostgreSQL advisory lock key one replica at a time holds to run `singleton` of `owner`
    (a service's name, or "kernel").

    Derived from the two names, so a new singleton needs no number of its own: positive and
    below 2**31, so that pg_locks shows it whole as its objid (classid 0). The registry refuses
    two singletons whose keys meet."""
    digest = hashlib.sha256(f"huiqi/{owner}/{singleton}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF or 1


KERNEL_LOCKS = {name: lock_key("kernel", name) for name in KERNEL_SINGLETONS}


@dataclasses.dataclass(frozen=True)
class ServiceEntry:
    """One process of the stack.

    `service_class` is "module:Class"; `port` serves HTTP (`/healthz`, `/metrics`, and for the
    gateway its API) unless `<NAME>_PORT` says otherwise; `event_store` says the service keeps an
    event log, publishes "<name>.events" and so is followed by the audit; `migrations` is the
    directory of the service's own Alembic revisions, relative to the source tree; `projections`
    names a module whose `rebuild(engine) -> int` drops and refolds the service's read models;
    `singletons` names the jobs of the service one replica at a time runs (its watches, by their
    entrypoint's name), each with its advisory lock (`lock`).
    """

    name: str
    service_class: str
    port: int
    event_store: bool = True
    migrations: str | None = None
    projections: str | None = None
    singletons: tuple[str, ...] = ()

    def __post_init__(self):
        if not NAME.match(self.name):
            raise ValueError(f"service name {self.name!r}: use lower-case letters, digits and _")
        module, _, attr = self.service_class.partition(":")
        if not module or not attr:
            raise ValueError(f"{self.name}: service_class {self.service_class!r} is not "
                             "'module:Class'")
        if not self.event_store and (self.migrations or self.projections):
            raise ValueError(f"{self.name}: migrations and projections need an event store")

    def lock(self, singleton: str) -> int:
        """The advisory lock key of one of the service's singletons."""
        if singleton not in self.singletons:
            raise LookupError(f"{self.name} has no singleton {singleton!r}; its entry in the "
                              f"service table names: {', '.join(self.singletons) or 'none'}")
        return lock_key(self.name, singleton)

    def nameko_config(self) -> dict:
        """The nameko configuration of the service, from this entry and the environment."""
        env = os.environ
        return {
            "AMQP_URI": settings.amqp_uri(),
            "WEB_SERVER_ADDRESS": f"{settings.bind_host()}:{settings.port(self.name, self.port)}",
            # Workers per service; nameko's default of 10 queues HTTP under modest load.
            "max_workers": int(env.get("HUIQI_MAX_WORKERS", "20")),
            "DATABASE_URL": settings.database_url(self.name) if self.event_store else None,
            # The service's own Alembic revisions, applied by its EventSourcing dependency on
            # start, keyed by service so that one mapping can serve every service of a process
            # (tests).
            "MIGRATIONS": {self.name: str(self.migrations_path)} if self.migrations else {},
            "RELAY_INTERVAL": float(env.get("HUIQI_RELAY_INTERVAL", "1.0")),
            "RPC_TIMEOUT": settings.rpc_timeout(),
            "REQUEST_BUDGET": settings.request_budget(),
            # AMQP heartbeats on nameko's consuming connections: a broker that went silent
            # without closing the connection is noticed within two of these, and the consumer
            # reconnects.
            "HEARTBEAT": settings.amqp_heartbeat(),
        }

    def load(self) -> type:
        """The nameko service class (this imports the service)."""
        module, _, attr = self.service_class.partition(":")
        return getattr(importlib.import_module(module), attr)

    @property
    def migrations_path(self) -> Path | None:
        return settings.ROOT / self.migrations if self.migrations else None

    def projections_module(self) -> ModuleType:
        if not self.projections:
            raise LookupError(f"{self.name} has no projections to rebuild")
        return importlib.import_module(self.projections)


class Registry:
    """The table of entries, in the order written, with the views the tools need."""

    def __init__(self, *entries: ServiceEntry):
        self.entries = tuple(entries)
        for attribute in ("name", "port"):
            seen = [getattr(entry, attribute) for entry in self.entries]
            repeated = sorted({str(value) for value in seen if seen.count(value) > 1})
            if repeated:
                raise ValueError(f"two services share a {attribute}: {', '.join(repeated)}")
        keys: dict[int, str] = {}
        for name, key in self.locks.items():
            if key in keys:
                raise ValueError(f"the singletons {keys[key]} and {name} derive the same lock "
                                 "key; rename one")
            keys[key] = name

    @property
    def locks(self) -> dict[str, int]:
        """Every singleton's advisory lock key, the kernel's first, by "owner.singleton"."""
        found = {f"kernel.{name}": key for name, key in KERNEL_LOCKS.items()}
        for entry in self.entries:
            found.update({f"{entry.name}.{name}": entry.lock(name) for name in entry.singletons})
        return found

    def __iter__(self) -> Iterator[ServiceEntry]:
        return iter(self.entries)

    def __getitem__(self, name: str) -> ServiceEntry:
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(f"no service {name!r} in the registry; known: {', '.join(self.names)}")

    def __contains__(self, name: str) -> bool:
        return name in self.names

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(entry.name for entry in self.entries)

    @property
    def event_sources(self) -> tuple[str, ...]:
        """The services that keep an event store and publish "<name>.events", in table order."""
        return tuple(entry.name for entry in self.entries if entry.event_store)

    @property
    def migrations(self) -> dict[str, str]:
        """Each service's own migrations directory, by name: the `MIGRATIONS` of its config."""
        return {entry.name: str(entry.migrations_path) for entry in self.entries
                if entry.migrations}

    @property
    def rebuildable(self) -> tuple[str, ...]:
        """The services whose read models `huiqi rebuild-projections` can refold."""
        return tuple(entry.name for entry in self.entries if entry.projections)

    @property
    def start_order(self) -> tuple[str, ...]:
        """Services with a store first, in table order, then the rest (the gateway): what calls
        the services over RPC starts once their queues exist."""
        return self.event_sources + tuple(
            entry.name for entry in self.entries if not entry.event_store)
