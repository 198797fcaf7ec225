"""The peer event store: the `eventsourcing` library, used as a library, with its own PostgreSQL
(or SQLite) persistence. One small aggregate does the same commands as the project's store: be
created with one event, be loaded and take one more, be read back from the application's log."""
from __future__ import annotations

import importlib.metadata

import sqlalchemy as sa
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event


def version() -> str:
    return importlib.metadata.version("eventsourcing")


class Appeal(Aggregate):
    @event("Raised")
    def __init__(self, title: str, county: str):
        self.title = title
        self.county = county
        self.notes: list[str] = []

    @event("Noted")
    def note(self, text: str) -> None:
        self.notes.append(text)


class PeerApp(Application):
    """The peer's application: its repository and notification log over its recorder."""


def open_app(url: str, writers: int) -> PeerApp:
    """An application on the database at `url` (PostgreSQL or a SQLite file), its connection pool
    big enough for one connection per writer, as the project's engine has."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": parsed.database,
               "SQLITE_LOCK_TIMEOUT": "30"}
    else:
        env = {"PERSISTENCE_MODULE": "eventsourcing.postgres",
               "POSTGRES_DBNAME": parsed.database, "POSTGRES_HOST": parsed.host or "127.0.0.1",
               "POSTGRES_PORT": str(parsed.port or 5432), "POSTGRES_USER": parsed.username or "",
               "POSTGRES_PASSWORD": parsed.password or "",
               "POSTGRES_POOL_SIZE": str(max(writers, 2)), "POSTGRES_MAX_OVERFLOW": "4",
               "CREATE_TABLE": "true"}
    return PeerApp(env=env)


def read_log(app: PeerApp, page: int = 500) -> int:
    """Read the whole log by notification id, each record made an event again; return the count."""
    count, start = 0, 0
    while True:
        notifications = app.recorder.select_notifications(start, page, inclusive_of_start=False)
        for notification in notifications:
            app.mapper.to_domain_event(notification)
        count += len(notifications)
        if len(notifications) < page:
            return count
        start = notifications[-1].id
