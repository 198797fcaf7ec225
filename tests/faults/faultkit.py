"""The fault suite's instruments: the stack as `huiqi up` starts it, watched from outside; a load
of commands from several HTTP clients that retry with the same `Idempotency-Key` until they get a
definitive answer; the faults (process kills, terminated PostgreSQL backends); and the reading of
every store afterwards.

Everything here is loopback only and touches only what the test itself started: the launcher and
its descendants (by pid, remembered while they run), the test's own PostgreSQL databases (by
name), the test's own vhost behind its own proxy.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import itertools
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import requests
import sqlalchemy as sa
from stdnum.cn import uscc as credit_codes

from kernel import settings
from registered_units import register_units, until_tickets_know
from services.registry import SERVICES

# The marker each command carries in a field the service stores in its event payload: a command
# carried out twice shows up as two events with the same marker, whatever the events are called.
MARKER = re.compile(r"fk-[0-9a-f]{32}")


# -- the stack -----------------------------------------------------------------------------------

class Launcher:
    """`python -m huiqi up` in a subprocess, its output in a log file, its children remembered.

    The launcher runs in a session of its own and each child in its own (as `huiqi up` starts
    them), so stopping is by remembered pid: nothing else on the machine is signalled."""

    def __init__(self, env: dict, log_path: Path):
        self.env = env
        self.log_path = log_path
        self.seen: dict[int, psutil.Process] = {}
        self._lock = threading.Lock()
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "huiqi", "up"], env=env, cwd=str(settings.ROOT),
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.root = psutil.Process(self.process.pid)
        self._watching = True
        threading.Thread(target=self._watch, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.env[f'{name.upper()}_PORT']}"

    @property
    def api(self) -> str:
        return self.url("gateway") + "/api/v1"

    def alive(self) -> bool:
        return self.process.poll() is None

    def _watch(self) -> None:
        # Remember every descendant while it runs: one orphaned by a dying launcher can still be
        # found and stopped at the end.
        while self._watching:
            self.children()
            time.sleep(0.5)

    def children(self) -> dict[str, list[psutil.Process]]:
        """The running `huiqi serve NAME` processes under the launcher, by service name."""
        found: dict[str, list[psutil.Process]] = collections.defaultdict(list)
        with contextlib.suppress(psutil.Error):
            for child in self.root.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    cmdline = child.cmdline()
                    if "serve" in cmdline and child.status() != psutil.STATUS_ZOMBIE:
                        with self._lock:
                            self.seen.setdefault(child.pid, child)
                        found[cmdline[cmdline.index("serve") + 1]].append(child)
        return found

    def pid_of(self, name: str) -> int | None:
        running = self.children().get(name, [])
        return running[0].pid if running else None

    def wait_ready(self, timeout: float = 120) -> None:
        """Until the launcher says the gateway is up (it prints that once every child is
        healthy)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "Gateway: http" in self.log_path.read_text(errors="replace"):
                return
            if not self.alive():
                raise AssertionError(f"huiqi up exited with {self.process.returncode} before it "
                                     f"was up:\n{self.log_tail()}")
            time.sleep(0.3)
        raise AssertionError(f"huiqi up not ready in {timeout:.0f}s:\n{self.log_tail()}")

    def healthy(self, name: str) -> bool:
        try:
            return requests.get(self.url(name) + "/healthz", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def wait_restarted(self, name: str, old_pid: int, timeout: float) -> float | None:
        """Seconds until a new process serves `name` (healthy), or None if none did in time."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            pid = self.pid_of(name)
            if pid is not None and pid != old_pid and self.healthy(name):
                return time.monotonic() - started
            time.sleep(0.3)
        return None

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self, timeout: float = 40) -> None:
        self._watching = False
        self.children()
        if self.alive():
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        # Whatever the launcher left behind, and only that.
        with self._lock:
            leftovers = [p for p in self.seen.values() if _running(p)]
        for process in leftovers:
            with contextlib.suppress(psutil.Error):
                process.terminate()
        _, still = psutil.wait_procs(leftovers, timeout=10)
        for process in still:
            with contextlib.suppress(psutil.Error):
                process.kill()
        self._log.close()


def _running(process: psutil.Process) -> bool:
    with contextlib.suppress(psutil.Error):
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    return False


def stack_env(*, amqp_uri: str, var_dir: Path, free_port, database_urls: dict | None = None,
              **extra: str) -> dict:
    """The environment `huiqi up` runs with in a fault test: the broker through the test's proxy,
    ports of its own, short intervals, and the same secrets the test mints its tokens with."""
    env = {**os.environ, "AMQP_URI": amqp_uri, "HUIQI_VAR_DIR": str(var_dir),
           "HUIQI_RELAY_INTERVAL": "0.5", "HUIQI_CATCHUP_INTERVAL": "2",
           "HUIQI_RPC_TIMEOUT": "10", "HUIQI_LOG_LEVEL": "WARNING",
           "HUIQI_REACTION_BACKOFF": "1"}
    for name in SERVICES.names:
        env[f"{name.upper()}_PORT"] = str(free_port())
    env.pop("HUIQI_DEVELOPMENT", None)  # the stack as an operator runs it, secrets required
    for name, url in (database_urls or {}).items():
        env[f"{name.upper()}_DATABASE_URL"] = url
    env.update(extra)
    return env


# -- the load ------------------------------------------------------------------------------------

def credit_code(n: int, run: int) -> str:
    """A valid unified social credit code (统一社会信用代码), distinct for each `n` of a run."""
    base = f"91360702MA{run % 100:02d}{n:05d}"
    return base + credit_codes.calc_check_digit(base)


@dataclasses.dataclass
class Outcome:
    kind: str
    key: str
    status: int | None          # the definitive answer's status, None if none came in time
    attempts: int
    body: dict | None = None
    ticket_id: str | None = None


class Tally:
    """What the clients saw, counted under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.outcomes: list[Outcome] = []
        self.answers = collections.Counter()      # every HTTP status received, retries included
        self.errors = collections.Counter()       # connection errors and timeouts, by kind
        self.retry_after_missing = 0              # 503s without Retry-After
        self.crashes: list[str] = []              # clients that died of an unexpected error

    def record(self, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)

    @property
    def answered(self) -> int:
        return len(self.outcomes)

    def summary(self) -> dict:
        with self.lock:
            outcomes = list(self.outcomes)
            answers = collections.Counter(self.answers)
            errors = collections.Counter(self.errors)
        by_status = collections.Counter(o.status for o in outcomes)
        return {
            "sent": len(outcomes),
            "accepted": sum(1 for o in outcomes if o.status and 200 <= o.status < 300),
            "refused_4xx": {s: n for s, n in by_status.items() if s and 400 <= s < 500},
            "unanswered": by_status.get(None, 0),
            "answers_503": answers.get(503, 0),
            "answers_5xx_other": {s: n for s, n in answers.items() if s >= 500 and s != 503},
            "connection_errors": dict(errors),
            "commands_retried": sum(1 for o in outcomes if o.attempts > 1),
            "retries": sum(o.attempts - 1 for o in outcomes),
            "retry_after_missing": self.retry_after_missing,
            "by_kind": dict(collections.Counter(
                (o.kind, "accepted" if o.status and o.status < 300 else str(o.status))
                for o in outcomes)),
        }


# The lead units the load dispatches to: in the register of units the tickets service checks
# them against (kernel.units), so registered in liaison before the load starts.
LEAD_UNITS = tuple(f"fault-unit-{i}" for i in range(7))


def register_lead_units(api: str, office_token: str) -> None:
    """Register `LEAD_UNITS` in liaison over HTTP (`api`: the gateway's /api/v1) and wait until
    the tickets service knows each."""
    base = api.removesuffix("/api/v1")
    register_units(base, office_token, *LEAD_UNITS)
    until_tickets_know(base, office_token, *LEAD_UNITS)


class Load:
    """`clients` threads sending `total` commands through the gateway: raising appeals, each for
    an enterprise of its own, and on every third one a dispatch (to one of `LEAD_UNITS`,
    registered first: `register_lead_units`) and an urge. Each command has its own
    `Idempotency-Key` and, but a dispatch (whose fields are units), a marker in its payload; a
    dispatch is found by its appeal. Each is retried with the same key on 503,
    any other 5xx, a connection error or a timeout, until a definitive answer (2xx, 4xx) or the
    deadline."""

    def __init__(self, api: str, tokens, *, total: int, clients: int, deadline: float,
                 stop_when=lambda: False, pace: float = 0):
        self.api = api
        self.pace = pace
        self.tokens = tokens
        self.total = total
        self.clients = clients
        self.deadline = deadline
        self.stop_when = stop_when
        self.tally = Tally()
        self.run = random.randrange(100)
        self._budget = itertools.count()
        self._enterprises = itertools.count()
        self._threads: list[threading.Thread] = []

    # one command ---------------------------------------------------------------------------

    def _take(self) -> bool:
        return next(self._budget) < self.total

    def _send(self, session: requests.Session, kind: str, method: str, path: str, token: str,
              body: dict, key: str) -> Outcome:
        attempts = 0
        while True:
            attempts += 1
            try:
                response = session.request(
                    method, f"{self.api}{path}", json=body, timeout=20,
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
            except requests.RequestException as exc:
                with self.tally.lock:
                    self.tally.errors[type(exc).__name__] += 1
                wait = 0.5
            else:
                with self.tally.lock:
                    self.tally.answers[response.status_code] += 1
                    if response.status_code == 503 and "Retry-After" not in response.headers:
                        self.tally.retry_after_missing += 1
                if response.status_code < 500:
                    try:
                        answer = response.json()
                    except ValueError:
                        answer = {"text": response.text[:200]}
                    return Outcome(kind, key, response.status_code, attempts, answer)
                wait = _retry_after(response)
            if time.monotonic() > self.deadline or self.stop_when():
                return Outcome(kind, key, None, attempts)
            time.sleep(wait * random.uniform(0.5, 1.0))

    # a client ------------------------------------------------------------------------------

    def _client(self) -> None:
        # A session per client: requests sessions are not shared between threads.
        session = requests.Session()
        while self._take() and time.monotonic() < self.deadline and not self.stop_when():
            n = next(self._enterprises)
            uscc = credit_code(n, self.run)
            key = f"fk-{uuid.uuid4().hex}"
            enterprise = self.tokens.enterprise(uscc)
            raised = self._send(session, "raise", "POST", "/tickets", enterprise, {
                "enterprise_name": f"赣州测试企业{n:05d}有限公司", "uscc": uscc,
                "title": f"第{n}号企业的诉求", "description": f"故障演练中提出的诉求 {key}",
                "channel": "direct_line", "category": "tax_and_fees", "county": "zhanggong",
            }, key)
            if raised.status in (200, 201):
                raised.ticket_id = raised.body.get("id")
            self.tally.record(raised)
            if self.pace:
                time.sleep(self.pace)
            if n % 3 or raised.ticket_id is None:
                continue
            if not self._take():
                return
            key = f"fk-{uuid.uuid4().hex}"
            dispatched = self._send(
                session, "dispatch", "POST", f"/tickets/{raised.ticket_id}/dispatch",
                self.tokens.office, {"lead_unit": LEAD_UNITS[n % len(LEAD_UNITS)]}, key)
            dispatched.ticket_id = raised.ticket_id
            self.tally.record(dispatched)
            if dispatched.status != 200 or not self._take():
                continue
            key = f"fk-{uuid.uuid4().hex}"
            urged = self._send(session, "urge", "POST", f"/tickets/{raised.ticket_id}/urge",
                               self.tokens.office, {"message": f"请尽快办理 {key}"}, key)
            urged.ticket_id = raised.ticket_id
            self.tally.record(urged)

    def _client_main(self) -> None:
        try:
            self._client()
        except Exception as exc:  # a client that dies must fail the test, not thin the load
            with self.tally.lock:
                self.tally.crashes.append(repr(exc))
            raise

    def start(self) -> None:
        for _ in range(self.clients):
            thread = threading.Thread(target=self._client_main, daemon=True)
            thread.start()
            self._threads.append(thread)

    def join(self) -> None:
        for thread in self._threads:
            thread.join(max(0.1, self.deadline + 30 - time.monotonic()))


def _retry_after(response) -> float:
    try:
        return min(2.0, max(0.2, float(response.headers.get("Retry-After", "0.5"))))
    except ValueError:
        return 0.5


class Tokens:
    """Bearer tokens as a front-end system holds them, minted once each."""

    def __init__(self, mint):
        self._mint = mint
        self.office = mint("fault-office", "office")
        self.supervisor = mint("fault-inspector", "supervisor")
        self._cache: dict[str, str] = {}
        self._lock = threading.Lock()

    def enterprise(self, uscc: str) -> str:
        with self._lock:
            token = self._cache.get(uscc)
        if token is None:
            token = self._mint(f"ent-{uscc[-6:]}", "enterprise", uscc=uscc)
            with self._lock:
                self._cache[uscc] = token
        return token


# -- the faults ----------------------------------------------------------------------------------

def terminate_backends(pg_admin: sa.Engine, databases: list[str]) -> int:
    """`pg_terminate_backend` on every connection to the test's own databases, and no other."""
    with pg_admin.connect() as connection:
        return len(connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = ANY(:names) AND pid <> pg_backend_pid()"),
            {"names": databases}).all())


def database_name(url: str) -> str:
    return sa.make_url(url).database


# -- the stores, read afterwards -----------------------------------------------------------------

def engine_for(url: str) -> sa.Engine:
    url = sa.make_url(url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    return sa.create_engine(url)


def read_events(url: str) -> list[dict]:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT position, event_id, stream_id, type, payload FROM events "
                "ORDER BY position")).mappings().all()
            return [dict(row) for row in rows]
    finally:
        engine.dispose()


def read_ledger(url: str) -> list[dict]:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(
                "SELECT seq, event_id, service FROM ledger ORDER BY seq")).mappings().all()
            return [dict(row) for row in rows]
    finally:
        engine.dispose()


def count_rows(url: str, table: str) -> int:
    engine = engine_for(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
    except sa.exc.DBAPIError:
        return 0
    finally:
        engine.dispose()


def wait_quiet(database_urls: dict, audit_url: str, timeout: float, settle: float = 6) -> dict:
    """Until the ledger holds as many entries as the sources hold events and neither has moved
    for `settle` seconds, or `timeout`. Returns the last counts."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    counts = {}
    while time.monotonic() < deadline:
        counts = {name: count_rows(url, "events") for name, url in database_urls.items()}
        counts["ledger"] = count_rows(audit_url, "ledger")
        if int(time.monotonic() - deadline + timeout) % 15 == 0:
            print(f"  waiting for quiet: {counts}", flush=True)
        sources = sum(v for k, v in counts.items() if k != "ledger")
        if counts != last:
            last, since = counts, time.monotonic()
        elif counts["ledger"] == sources and time.monotonic() - since >= settle:
            return counts
        time.sleep(1)
    return counts


def check_stores(outcomes: list[Outcome], database_urls: dict, audit_url: str) -> list[str]:
    """Every accepted command in its store exactly once; the ledger holding every event of every
    service exactly once. Returns what is wrong, in words."""
    problems: list[str] = []
    events = {name: read_events(url) for name, url in database_urls.items()}

    # Commands: the marker each carried, counted in the tickets log.
    markers = collections.Counter()
    marked_types = collections.defaultdict(list)
    for event in events["tickets"]:
        for marker in set(MARKER.findall(event["payload"] or "")):
            markers[marker] += 1
            marked_types[marker].append(event["type"])
    raised = collections.Counter(e["stream_id"] for e in events["tickets"]
                                 if e["type"] == "TicketRaised")
    dispatched = collections.Counter(e["stream_id"] for e in events["tickets"]
                                     if e["type"] == "TicketDispatched")
    missing, twice, sent_keys = [], [], set()
    for outcome in outcomes:
        sent_keys.add(outcome.key)
        accepted = outcome.status is not None and 200 <= outcome.status < 300
        if outcome.kind == "dispatch":  # no marker: its appeal's TicketDispatched instead
            if accepted and not dispatched[outcome.ticket_id]:
                missing.append(outcome)
            continue
        if accepted and markers[outcome.key] == 0:
            missing.append(outcome)
        if markers[outcome.key] > 1:
            twice.append(outcome)
    if missing:
        sample = ", ".join(f"{o.kind} {o.key}" for o in missing[:5])
        problems.append(f"{len(missing)} accepted commands not in the tickets store (e.g. {sample})")
    if twice:
        sample = "; ".join(f"{o.kind} {o.key} → {marked_types[o.key]} (answer {o.status} after "
                           f"{o.attempts} attempts)" for o in twice[:5])
        problems.append(f"{len(twice)} commands carried out more than once (e.g. {sample})")
    for outcome in outcomes:
        if outcome.kind == "raise" and outcome.ticket_id and raised[outcome.ticket_id] != 1:
            problems.append(f"appeal {outcome.ticket_id} has {raised[outcome.ticket_id]} "
                            "TicketRaised")
            break
    many = [s for s, n in dispatched.items() if n > 1]
    if many:
        problems.append(f"{len(many)} appeals dispatched more than once (e.g. {many[0]})")
    strangers = [m for m in markers if m not in sent_keys]
    if strangers:
        problems.append(f"{len(strangers)} markers in the store that no client sent")

    # The ledger: the same set of event ids as the sources, each once.
    ledger_rows = read_ledger(audit_url)
    in_ledger = collections.Counter((row["service"], row["event_id"]) for row in ledger_rows)
    at_sources = {(name, e["event_id"]) for name, rows in events.items() for e in rows}
    doubled = [k for k, n in in_ledger.items() if n > 1]
    absent = at_sources - set(in_ledger)
    foreign = set(in_ledger) - at_sources
    if doubled:
        problems.append(f"{len(doubled)} events twice or more in the ledger (e.g. {doubled[0]})")
    if absent:
        problems.append(f"{len(absent)} events of the services missing from the ledger "
                        f"(e.g. {sorted(absent)[0]})")
    if foreign:
        problems.append(f"{len(foreign)} ledger entries for events no service holds "
                        f"(e.g. {sorted(foreign)[0]})")
    return problems


def verify_chain(api: str, token: str, audit_url: str) -> tuple[bool, str]:
    """The chain as the audit's verify call sees it over HTTP; straight from the database with
    the audit's own verify function when the gateway does not answer."""
    try:
        response = requests.get(f"{api}/audit/verify", timeout=60,
                                headers={"Authorization": f"Bearer {token}"})
        if response.status_code == 200:
            return bool(response.json().get("ok")), json.dumps(response.json())[:300]
        how = f"GET /audit/verify answered {response.status_code}: {response.text[:200]}"
    except requests.RequestException as exc:
        how = f"GET /audit/verify failed: {exc}"
    from services.audit.ledger import verify_ledger
    engine = engine_for(audit_url)
    try:
        with engine.connect() as connection:
            verdict = verify_ledger(connection).to_dict()
    finally:
        engine.dispose()
    return bool(verdict.get("ok")), f"{how}; in the database: {json.dumps(verdict)[:300]}"


def table(rows: list[tuple[str, object]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k:<{width}}  {v}" for k, v in rows)
