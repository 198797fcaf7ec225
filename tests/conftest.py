"""Shared fixtures: a private RabbitMQ vhost per test run, a fresh PostgreSQL database per test,
SQLite files under the test's tmp dir, and nameko runners on them.

The services under test run under eventlet, as they do in production, so the process is patched
before anything else is imported.
"""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # noqa: E402

import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

# The audit's periodic sweep stays out of the way of in-process tests, which call it when they
# mean to; the stack started by the e2e tests sets its own interval.
os.environ.setdefault("HUIQI_CATCHUP_INTERVAL", "3600")
# Secrets of the test session's own, so that nothing under test (in process, or the stack the
# e2e tests start) runs in development mode; HUIQI_DEVELOPMENT is cleared for the same reason.
os.environ.setdefault("HUIQI_JWT_SECRET", "test-session-jwt-secret-" + os.urandom(16).hex())
os.environ.setdefault("HUIQI_INTERNAL_SECRET",
                      "test-session-internal-secret-" + os.urandom(16).hex())
os.environ.pop("HUIQI_DEVELOPMENT", None)
# Nothing under test writes into the repository's var/: the audit's signing key and witnessed
# checkpoints, SQLite files and secrets go to a directory of the session's own, and each test
# below gets a key and a witness of its own (`audit_key_and_witness`).
import tempfile  # noqa: E402

os.environ.setdefault("HUIQI_VAR_DIR", tempfile.mkdtemp(prefix="huiqi-test-var-"))

import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

PG_ADMIN_URL = os.environ.get("HUIQI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
AMQP_BASE = os.environ.get("HUIQI_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672")


# The rings (docs/TESTING.md). An item's ring follows from the fixtures it uses, so that a test
# file lands in the right ring wherever it lives: one using a stack over HTTP is `e2e`, one using
# the broker, a database or a service container is `service`, one using none of them is `domain`
# and runs with network and database connections refused (`pytest_runtest_setup` below). A marker
# set on the test itself wins.
RINGS = ("domain", "service", "e2e")
E2E_FIXTURES = frozenset({
    "stack_amqp_uri", "stack_env", "running_stack", "api",  # tests/e2e/conftest.py
    "live_gateway",                                          # tests/gateway/conftest.py
    "portal_stack", "chromium",                              # tests/browser/conftest.py
})
SERVICE_FIXTURES = frozenset({
    "amqp_uri", "broker_proxy", "module_amqp_uri", "pg_admin", "make_pg_url", "make_sqlite_url",
    "db_url", "migrated_engine", "service_config",
    # nameko's pytest plugin
    "container_factory", "runner_factory", "rabbit_config", "rabbit_manager", "web_session",
    "web_config",
})
# Folders whose every test is in a ring whatever its fixtures: the e2e tests that start a stack
# of their own.
RING_FOLDERS = {"e2e": "e2e"}
# What is slow wherever it lives: faults and whole stacks started again and again, a broker cut
# under a running service (`broker_proxy`), the bench, the browser, the deployment files' tools,
# the third-party Go verifier.
SLOW_FOLDERS = ("faults", "browser", "bench", "deploy")
SLOW_FIXTURES = frozenset({"chromium", "portal_stack", "go_tool", "broker_proxy"})


def ring_of(item) -> str:
    """The ring an item belongs to: its own marker, else its folder's, else its fixtures'."""
    for ring in RINGS:
        if item.get_closest_marker(ring) is not None:
            return ring
    parts = _test_path_parts(item)
    if parts and parts[0] in RING_FOLDERS:
        return RING_FOLDERS[parts[0]]
    used = set(item.fixturenames)
    if used & E2E_FIXTURES:
        return "e2e"
    if used & SERVICE_FIXTURES:
        return "service"
    return "domain"


def _test_path_parts(item) -> tuple[str, ...]:
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.abspath(str(item.path))
    if not path.startswith(here + os.sep):
        return ()
    return tuple(os.path.relpath(path, here).split(os.sep))


def pytest_collection_modifyitems(config, items):
    for item in items:
        ring = ring_of(item)
        if item.get_closest_marker(ring) is None:
            item.add_marker(getattr(pytest.mark, ring))
        if item.get_closest_marker("slow") is None and (
                _test_path_parts(item)[:1] in {(folder,) for folder in SLOW_FOLDERS}
                or set(item.fixturenames) & SLOW_FIXTURES):
            item.add_marker(pytest.mark.slow)


class ImpureDomainTest(RuntimeError):
    """A test of the domain ring opened a connection: it belongs in another ring."""


@contextlib.contextmanager
def _connections_refused(nodeid: str):
    """Network sockets and database connections refused while a domain test sets up and runs.
    Unix sockets stay open: nothing of the broker or the databases goes through them here."""
    def refuse(what: str):
        raise ImpureDomainTest(
            f"{nodeid} is a domain test (it uses no broker, database or stack fixture) but "
            f"opened {what}. Give it the fixture it needs (amqp_uri, make_sqlite_url, db_url, "
            f"... in tests/conftest.py), or mark it `service` or `e2e`.")

    def refusing_connect(original):
        def connect(self, address, *args, **kwargs):
            if getattr(self, "family", None) == socket.AF_UNIX:
                return original(self, address, *args, **kwargs)
            refuse(f"a network connection to {address!r}")
        return connect

    def refusing_database(name):
        def connect(*args, **kwargs):
            refuse(f"a {name} database connection")
        return connect

    import eventlet.greenio
    import eventlet.patcher
    import sqlite3
    import sqlite3.dbapi2

    with pytest.MonkeyPatch.context() as patch:
        for cls in {eventlet.patcher.original("socket").socket, eventlet.greenio.GreenSocket}:
            for method in ("connect", "connect_ex"):
                patch.setattr(cls, method, refusing_connect(getattr(cls, method)))
        patch.setattr(sqlite3, "connect", refusing_database("SQLite"))
        patch.setattr(sqlite3.dbapi2, "connect", refusing_database("SQLite"))
        for driver in ("psycopg2", "psycopg"):
            try:
                module = __import__(driver)
            except ImportError:
                continue
            patch.setattr(module, "connect", refusing_database("PostgreSQL"))
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    # A hook rather than a fixture, so that the test's module- and session-scoped fixtures,
    # which are set up before any function-scoped one, are held to it too.
    if item.get_closest_marker("domain") is None:
        yield
        return
    with _connections_refused(item.nodeid):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    if item.get_closest_marker("domain") is None:
        yield
        return
    with _connections_refused(item.nodeid):
        yield


@pytest.fixture(autouse=True)
def audit_key_and_witness(tmp_path, monkeypatch):
    """The audit's signing key and its witness directory, per test: a checkpoint witnessed for
    one test's ledger would otherwise be held against the next test's. Stacks started once per
    session read these at their start and keep their own."""
    monkeypatch.setenv("HUIQI_AUDIT_KEY_FILE", str(tmp_path / "audit-keys" / "signing.key"))
    monkeypatch.setenv("HUIQI_AUDIT_WITNESS", str(tmp_path / "audit-witness"))


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class _Vhosts:
    """Fresh vhosts, made in batches ahead of the tests that take them and deleted in batches
    behind them. Each rabbitmqctl call boots an Erlang node, most of a CPU second; one call a
    batch (`import_definitions` to make, one `eval` to delete) instead of three a test keeps
    that off the service ring's time."""

    BATCH = 12
    DELETE_EVAL = '[rabbit_vhost:delete(V, <<"huiqi-tests">>) || V <- [{names}]], ok.'

    def __init__(self):
        self.ready: list[str] = []
        self.making: tuple[list[str], subprocess.Popen] | None = None
        self.released: list[str] = []
        self.deleting: list[tuple[list[str], subprocess.Popen]] = []

    def _make_batch(self) -> None:
        names = [f"huiqi-test-{uuid.uuid4().hex[:8]}" for _ in range(self.BATCH)]
        definitions = {
            "vhosts": [{"name": name} for name in names],
            "permissions": [{"user": "guest", "vhost": name, "configure": ".*", "write": ".*",
                             "read": ".*"} for name in names],
        }
        making = subprocess.Popen(["rabbitmqctl", "-q", "import_definitions", "--format", "json"],
                                  stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        # A few kilobytes: the pipe takes them whole, and the node reads them while tests run.
        making.stdin.write(json.dumps(definitions).encode())
        making.stdin.close()
        self.making = (names, making)

    def _collect_batch(self) -> None:
        names, making = self.making
        self.making = None
        making.wait(timeout=120)
        err = making.stderr.read()
        making.stderr.close()
        if making.returncode != 0:
            pytest.fail(f"rabbitmqctl could not make the test vhosts: {err.decode()[-2000:]}")
        self.ready.extend(names)

    def take(self) -> str:
        if not self.ready:
            if self.making is None:
                self._make_batch()
            self._collect_batch()
        vhost = self.ready.pop(0)
        if self.making is None and len(self.ready) < self.BATCH // 2:
            self._make_batch()
        elif self.making is not None and self.making[1].poll() is not None:
            self._collect_batch()
        return vhost

    def delete(self, vhost: str) -> None:
        self.released.append(vhost)
        self.deleting = [(names, d) for names, d in self.deleting if not self._settled(names, d)]
        if len(self.released) >= self.BATCH and not self.deleting:
            self._delete_released()

    def _delete_released(self) -> None:
        names, self.released = self.released, []
        listed = ", ".join(f'<<"{name}">>' for name in names)
        self.deleting.append((names, subprocess.Popen(
            ["rabbitmqctl", "-q", "eval", self.DELETE_EVAL.format(names=listed)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)))

    @staticmethod
    def _settled(names: list[str], deleting: subprocess.Popen, wait: bool = False) -> bool:
        if wait:
            deleting.wait(timeout=120)
        elif deleting.poll() is None:
            return False
        if deleting.returncode != 0:
            # A broker whose internals `eval` cannot reach: the public command, one a vhost.
            for name in names:
                subprocess.run(["rabbitmqctl", "-q", "delete_vhost", name],
                               capture_output=True, timeout=60)
        return True

    def close(self) -> None:
        if self.making is not None:
            with contextlib.suppress(Exception):
                self._collect_batch()
        self.released.extend(self.ready)
        self.ready = []
        if self.released:
            self._delete_released()
        for names, deleting in self.deleting:
            self._settled(names, deleting, wait=True)
        self.deleting = []


_vhosts = _Vhosts()


def pytest_sessionfinish(session, exitstatus):
    _vhosts.close()


@contextlib.contextmanager
def private_vhost():
    """A vhost of its own, so that durable queues and the messages left in them never reach
    another test, another run or a developer's stack."""
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is needed to give the tests a private RabbitMQ vhost")
    vhost = _vhosts.take()
    try:
        yield f"{AMQP_BASE}/{vhost}"
    finally:
        _vhosts.delete(vhost)


@pytest.fixture
def amqp_uri():
    with private_vhost() as uri:
        yield uri


@pytest.fixture
def broker_proxy(amqp_uri):
    """The test's private vhost behind a proxy it can cut (`tests/cuttable.py`): a broker outage
    that no other test, run or stack ever sees. Yields the proxy; `proxy.amqp_uri` goes through
    it."""
    from urllib.parse import urlsplit, urlunsplit

    from cuttable import CuttableProxy

    parts = urlsplit(amqp_uri)
    proxy = CuttableProxy(parts.hostname, parts.port or 5672)
    credentials = parts.netloc.rpartition("@")[0]
    proxy.amqp_uri = urlunsplit(parts._replace(netloc=f"{credentials}@127.0.0.1:{proxy.port}"))
    try:
        yield proxy
    finally:
        proxy.close()


@pytest.fixture(scope="module")
def module_amqp_uri():
    """A vhost for one test module's own stack."""
    with private_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def stack_amqp_uri():
    with private_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def pg_admin():
    url = sa.make_url(PG_ADMIN_URL).set(drivername="postgresql+psycopg2")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc}")
    yield engine
    engine.dispose()


@pytest.fixture
def make_pg_url(pg_admin):
    """Create fresh databases; all are dropped at the end of the test."""
    created = []

    def make() -> str:
        name = f"huiqi_t_{uuid.uuid4().hex[:10]}"
        with pg_admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        created.append(name)
        return pg_admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    with pg_admin.connect() as connection:
        for name in created:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def make_sqlite_url(tmp_path):
    def make() -> str:
        return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
    return make


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, make_sqlite_url):
    """The same test on both stores the kernel supports."""
    if request.param == "sqlite":
        return make_sqlite_url()
    return request.getfixturevalue("make_pg_url")()


@pytest.fixture
def migrated_engine(db_url):
    from kernel.database import make_engine, migrate
    engine = make_engine(db_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def service_config(amqp_uri):
    """nameko config for one in-process service with its own store and HTTP port."""
    from nameko.testing.utils import find_free_port

    def make(database_url: str | None = None, **overrides) -> dict:
        from services.registry import SERVICES
        # Each service's migrations as the registry names them: its store applies its own.
        return {"AMQP_URI": amqp_uri, "WEB_SERVER_ADDRESS": f"127.0.0.1:{find_free_port()}",
                "DATABASE_URL": database_url, "RELAY_INTERVAL": 0.2,
                "MIGRATIONS": SERVICES.migrations,
                **overrides}
    return make


@pytest.fixture
def assertion():
    """What the gateway passes a service for a caller it has verified: `assertion(sub, role,
    unit=None, uscc=None)`, or `assertion({"sub": ..., "role": ...})` (`tests/callers.py`).
    Every RPC takes one first; mint it at the call (it lives a minute)."""
    from callers import assertion
    return assertion


@pytest.fixture
def system_assertion():
    """What a service passes for itself (`events_after`): `system_assertion("audit")`."""
    from callers import system_assertion
    return system_assertion


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    return _free_port
