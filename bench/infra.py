"""What a bench run borrows from the shared servers, and gives back: a RabbitMQ vhost and
PostgreSQL databases of its own (created at the start, deleted at the end), and a scratch
directory for SQLite files. Nothing else on those servers is touched.

`HUIQI_BENCH_PG` names the PostgreSQL server (a login that may create databases) and
`HUIQI_BENCH_AMQP` the broker; `rabbitmqctl` must be on the path to add the vhost.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import sqlalchemy as sa

PG_ADMIN_URL = os.environ.get("HUIQI_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
AMQP_BASE = os.environ.get("HUIQI_BENCH_AMQP", "amqp://guest:guest@127.0.0.1:5672")


def _rabbitmqctl(*args: str) -> str:
    done = subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True,
                          text=True, timeout=60)
    return done.stdout


class Borrowed:
    """The run's own vhost, databases and scratch directory."""

    def __init__(self):
        self.run = uuid.uuid4().hex[:8]
        self.scratch = Path(tempfile.mkdtemp(prefix=f"huiqi-bench-{self.run}-"))
        self.vhosts: list[str] = []
        self.databases: list[str] = []
        self._admin = sa.create_engine(
            sa.make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2"),
            isolation_level="AUTOCOMMIT")

    def vhost(self) -> str:
        """A fresh vhost; its AMQP URI."""
        if shutil.which("rabbitmqctl") is None:
            raise RuntimeError("rabbitmqctl is needed to give the bench a vhost of its own")
        name = f"huiqi-bench-{self.run}-{len(self.vhosts)}"
        _rabbitmqctl("add_vhost", name)
        self.vhosts.append(name)
        _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return f"{AMQP_BASE}/{name}"

    def pg(self) -> str:
        """A fresh, empty database; its URL."""
        name = f"huiqi_bench_{self.run}_{len(self.databases)}"
        with self._admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.databases.append(name)
        return self._admin.url.set(database=name).render_as_string(hide_password=False)

    def sqlite(self, name: str) -> str:
        return f"sqlite:///{self.scratch / f'{name}-{uuid.uuid4().hex[:6]}.db'}"

    def directory(self, name: str) -> Path:
        path = self.scratch / f"{name}-{uuid.uuid4().hex[:6]}"
        path.mkdir()
        return path

    def drop_pg(self, url: str) -> None:
        """Give a database back early (the big figures' data need not wait for the end)."""
        name = sa.make_url(url).database
        with self._admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.databases.remove(name)

    def close(self) -> None:
        errors = []
        for name in list(self.databases):
            try:
                with self._admin.connect() as connection:
                    connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            except Exception as exc:  # noqa: BLE001 - give back everything else first
                errors.append(f"database {name}: {exc}")
        for name in self.vhosts:
            try:
                _rabbitmqctl("delete_vhost", name)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"vhost {name}: {exc}")
        shutil.rmtree(self.scratch, ignore_errors=True)
        self._admin.dispose()
        if errors:
            raise RuntimeError("could not give back: " + "; ".join(errors))


@contextlib.contextmanager
def borrowed() -> Iterator[Borrowed]:
    resources = Borrowed()
    try:
        yield resources
    finally:
        resources.close()


def pg_version() -> str:
    engine = sa.create_engine(sa.make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2"))
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()


def rabbitmq_version() -> str:
    try:
        out = _rabbitmqctl("version").strip()
        return out or "unknown"
    except Exception:  # noqa: BLE001 - older rabbitmqctl has no `version`
        status = _rabbitmqctl("status")
        for line in status.splitlines():
            if "RabbitMQ version" in line:
                return line.split(":", 1)[1].strip()
        return "unknown"
