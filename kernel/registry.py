"""What the stack knows of each of its processes, as data: the shape of one entry of the service
table (`services/registry.py` holds the table) and the questions asked of the whole table.

Settings, `huiqi up`/`serve`/`rebuild-projections`, the audit's subscriptions and the deployment
files are all derived from the table, so an entry names things by string (a class as
"module:Class", a directory relative to the source tree): reading the table imports no service.
"""
from __future__ import annotations

import dataclasses
import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import Iterator

from kernel import settings

# A name becomes an environment variable prefix (`<NAME>_PORT`), an exchange ("<name>.events"),
# a SQLite file and a PostgreSQL database: lower-case letters, digits and underscores only.
NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclasses.dataclass(frozen=True)
class ServiceEntry:
    """One process of the stack.

    `service_class` is "module:Class"; `port` serves HTTP (`/healthz`, `/metrics`, and for the
    gateway its API) unless `<NAME>_PORT` says otherwise; `event_store` says the service keeps an
    event log, publishes "<name>.events" and so is followed by the audit; `migrations` is the
    directory of the service's own Alembic revisions, relative to the source tree; `projections`
    names a module whose `rebuild(engine) -> int` drops and refolds the service's read models.
    """

    name: str
    service_class: str
    port: int
    event_store: bool = True
    migrations: str | None = None
    projections: str | None = None

    def __post_init__(self):
        if not NAME.match(self.name):
            raise ValueError(f"service name {self.name!r}: use lower-case letters, digits and _")
        module, _, attr = self.service_class.partition(":")
        if not module or not attr:
            raise ValueError(f"{self.name}: service_class {self.service_class!r} is not "
                             "'module:Class'")
        if not self.event_store and (self.migrations or self.projections):
            raise ValueError(f"{self.name}: migrations and projections need an event store")

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
