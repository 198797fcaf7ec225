"""Engines for the two stores a service can use, the Alembic migrations applied on start, and
the turn one replica takes for a periodic job (`exclusive_turn`).

Why these drivers: services run under nameko's eventlet hub. psycopg2 becomes cooperative once
`eventlet.monkey_patch()` has run (eventlet installs psycopg2's wait callback), so a slow
PostgreSQL query yields to other workers. sqlite3 has no such hook; its calls are short local file
operations that run on the hub, and WAL plus BEGIN IMMEDIATE keep them short and free of lock
upgrades. SQLite is the single-replica embedded default; scale out on PostgreSQL.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from kernel.registry import KERNEL_LOCKS

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000


def is_sqlite(engine_or_url) -> bool:
    url = engine_or_url.url if hasattr(engine_or_url, "url") else sa.make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def make_engine(url: str) -> sa.Engine:
    url = sa.make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        # psycopg2 explicitly: it is the driver eventlet makes cooperative (see above).
        url = url.set(drivername="postgresql+psycopg2")
    if is_sqlite(url):
        engine = sa.create_engine(
            url,
            # The driver's own transaction handling is switched off so that BEGIN IMMEDIATE
            # below takes the write lock at the start: two writers queue rather than deadlock.
            connect_args={"check_same_thread": False, "isolation_level": None,
                          "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(connection):
            mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    # No ping on every checkout: it is a round trip per transaction. A connection the database
    # ended is found by the statement that uses it, which invalidates it and the pool's older
    # ones; commands and questions then run again on a fresh one (`Commands.execute`/`query`),
    # and the relay and the reactions retry on their next turn.
    return sa.create_engine(url, pool_size=10, max_overflow=10)


def reading(engine: sa.Engine) -> sa.Connection:
    """A connection for queries only: on SQLite it takes no write lock (WAL readers never wait)."""
    return engine.connect().execution_options(sqlite_begin="DEFERRED")


def migrate(engine: sa.Engine, *service_migrations: Path) -> None:
    """Bring the schema to the newest revision: the kernel's tables plus the service's own.

    On PostgreSQL an advisory lock keeps replicas that start together from racing.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    locations = [MIGRATIONS / "versions", *service_migrations]
    config.set_main_option("version_locations", " ".join(str(p) for p in locations))
    config.set_main_option("path_separator", "space")
    with engine.begin() as connection:
        if not is_sqlite(engine):
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"),
                               {"k": KERNEL_LOCKS["migration"]})
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


@contextlib.contextmanager
def exclusive_turn(engine: sa.Engine, key: int) -> Iterator[bool]:
    """Whether this replica may run a periodic job now: one replica at a time gets True.

    On PostgreSQL a session advisory lock, taken and released on a connection in autocommit, so
    no transaction stays open while the job runs its own short ones; should the connection die,
    the lock goes with it. SQLite is the single-replica default: always its turn.
    """
    if is_sqlite(engine):
        yield True
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        mine = connection.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        try:
            yield bool(mine)
        finally:
            if mine:
                connection.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": key})
