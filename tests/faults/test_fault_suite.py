"""The fault suite, the proof that nothing is lost: the stack as `huiqi up` starts it, under a
load of commands from several HTTP clients, through broker outages, killed processes and
terminated database connections; afterwards every accepted command is in its store once, the
ledger holds every event once, the chain verifies, and every process is still running.

The broker outages are cuts of the test's own proxy in front of its own vhost
(`broker_proxy`); the database faults touch only the test's own databases. Nothing another test
or a developer's stack uses is stopped.

Sizes and bounds by environment: `HUIQI_FAULT_COMMANDS` (10,000), `HUIQI_FAULT_CLIENTS` (8),
`HUIQI_FAULT_SECONDS` (the load's deadline, 900: on two busy cores the stack takes in about
15 commands a second, so 10,000 take ten minutes and more; the ledger then catches up within
`QUIET_WAIT`).
"""
from __future__ import annotations

import os
import time

import psutil
import pytest
import requests

from faultkit import (
    Launcher, Load, Tokens, check_stores, count_rows, database_name, register_lead_units,
    stack_env, table, terminate_backends, verify_chain, wait_quiet,
)
from services.registry import SERVICES

COMMANDS = int(os.environ.get("HUIQI_FAULT_COMMANDS", "10000"))
CLIENTS = int(os.environ.get("HUIQI_FAULT_CLIENTS", "8"))
LOAD_SECONDS = float(os.environ.get("HUIQI_FAULT_SECONDS", "900"))
OUTAGE_SECONDS = 5
RESTART_WAIT = 40       # seconds a supervisor may take to bring a killed service back
QUIET_WAIT = 600        # seconds for the ledger to catch up once the load is over

# Secrets of the test's own, for the stack and for the tokens the test mints: never the
# development default.
SECRETS = {"HUIQI_JWT_SECRET": "fault-suite-jwt-secret-0123456789abcdef",
           "HUIQI_INTERNAL_SECRET": "fault-suite-internal-secret-0123456789abcdef"}


@pytest.fixture
def secrets(monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return SECRETS


@pytest.fixture
def launch(tmp_path):
    started = []

    def start(env: dict) -> Launcher:
        launcher = Launcher(env, tmp_path / f"up-{len(started)}.log")
        started.append(launcher)
        return launcher

    yield start
    for launcher in started:
        launcher.stop()


class Faults:
    """The faults of one run, injected in order as the load progresses, and what became of each."""

    def __init__(self, launcher: Launcher, load: Load):
        self.launcher, self.load = launcher, load
        self.log: list[tuple[float, str, str]] = []
        self.problems: list[str] = []
        self.started = time.monotonic()

    def note(self, fault: str, result: str) -> None:
        self.log.append((time.monotonic() - self.started, fault, result))
        print(f"  [{time.monotonic() - self.started:6.1f}s] {fault}: {result}", flush=True)

    def at(self, fraction: float) -> bool:
        """Wait until that share of the commands has an answer; False if the load is over."""
        while self.load.tally.answered < fraction * self.load.total:
            if not any(t.is_alive() for t in self.load._threads):
                return False
            time.sleep(0.2)
        return True

    def broker_outage(self, proxy, seconds: float) -> None:
        answered = self.load.tally.answered
        with proxy.outage(seconds):
            pass
        self.note(f"broker outage {seconds:.0f}s", f"cut at {answered} answered, restored")

    def kill(self, name: str, *, mid_batch: dict | None = None) -> None:
        pid = self.launcher.pid_of(name)
        if pid is None:
            self.problems.append(f"no running {name} process to kill")
            self.note(f"SIGKILL {name}", "no process")
            return
        how = ""
        if mid_batch is not None:
            how = f" (ledger {self._lag(**mid_batch)} entries behind its sources)"
        psutil.Process(pid).kill()
        back = self.launcher.wait_restarted(name, pid, RESTART_WAIT)
        if back is None:
            alive = "running" if self.launcher.alive() else \
                f"exited with {self.launcher.process.returncode}"
            self.problems.append(f"{name} (pid {pid}) killed with SIGKILL was not restarted "
                                 f"within {RESTART_WAIT}s; huiqi up {alive}")
            self.note(f"SIGKILL {name} pid {pid}{how}", f"not restarted; huiqi up {alive}")
        else:
            self.note(f"SIGKILL {name} pid {pid}{how}", f"restarted, healthy after {back:.1f}s")

    def _lag(self, sources: dict, audit: str) -> int:
        return sum(count_rows(url, "events") for url in sources.values()) - \
            count_rows(audit, "ledger")

    def wait_for_a_batch(self, sources: dict, audit: str, timeout: float = 20) -> None:
        """Until the audit is taking in a backlog: the ledger behind its sources and moving."""
        deadline = time.monotonic() + timeout
        before = count_rows(audit, "ledger")
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = count_rows(audit, "ledger")
            if now > before and self._lag(sources, audit) >= 10:
                return
            before = now

    def terminate_pg(self, pg_admin, databases: list[str]) -> None:
        terminated = terminate_backends(pg_admin, databases)
        self.note("pg_terminate_backend", f"{terminated} connections of the stack's databases")


def processes_running(launcher: Launcher) -> list[str]:
    problems = []
    if not launcher.alive():
        problems.append(f"huiqi up exited with {launcher.process.returncode}")
    running = launcher.children()
    for name in SERVICES.names:
        if not running.get(name):
            problems.append(f"no {name} process running")
        elif not launcher.healthy(name):
            problems.append(f"{name} does not answer /healthz")
    return problems


def report(title: str, load: Load, faults: Faults | None, extra: list[tuple[str, object]]) -> None:
    summary = load.tally.summary()
    rows = [
        ("commands sent", summary["sent"]),
        ("accepted (2xx)", summary["accepted"]),
        ("refused with 4xx", summary["refused_4xx"] or 0),
        ("no definitive answer", summary["unanswered"]),
        ("answers 503", summary["answers_503"]),
        ("  of which without Retry-After", summary["retry_after_missing"]),
        ("answers other 5xx", summary["answers_5xx_other"] or 0),
        ("connection errors, timeouts", summary["connection_errors"] or 0),
        ("commands retried", summary["commands_retried"]),
        ("retries (attempts after the first)", summary["retries"]),
        ("by kind", summary["by_kind"]),
    ]
    if faults is not None:
        rows.append(("faults injected", len(faults.log)))
        rows += [(f"  {at:6.1f}s", f"{fault}: {result}") for at, fault, result in faults.log]
    print(f"\n== {title} ==\n{table(rows + extra)}", flush=True)


def test_commands_survive_outages_kills_and_terminated_connections(
        broker_proxy, make_pg_url, pg_admin, free_port, tmp_path, secrets, launch):
    databases = {name: make_pg_url() for name in SERVICES.event_sources}
    env = stack_env(amqp_uri=broker_proxy.amqp_uri, var_dir=tmp_path / "var",
                    free_port=free_port, database_urls=databases)
    launcher = launch(env)
    launcher.wait_ready()

    from gateway.auth import mint
    tokens = Tokens(mint)
    register_lead_units(launcher.api, tokens.office)
    started = time.monotonic()
    load = Load(launcher.api, tokens, total=COMMANDS, clients=CLIENTS,
                deadline=started + LOAD_SECONDS, stop_when=lambda: not launcher.alive())
    faults = Faults(launcher, load)
    names = [database_name(url) for url in databases.values()]
    audit = databases["audit"]
    load.start()

    # The faults, each once the load has come that far.
    script = [
        (0.10, lambda: faults.broker_outage(broker_proxy, OUTAGE_SECONDS)),
        (0.25, lambda: faults.kill("tickets")),
        (0.40, lambda: faults.terminate_pg(pg_admin, names)),
        (0.55, lambda: faults.broker_outage(broker_proxy, OUTAGE_SECONDS)),
        (0.70, lambda: (faults.wait_for_a_batch(databases, audit),
                        faults.kill("audit", mid_batch={"sources": databases, "audit": audit}))),
        (0.85, lambda: faults.terminate_pg(pg_admin, names)),
    ]
    for fraction, inject in script:
        if not faults.at(fraction):
            faults.problems.append(f"the load ended before {fraction:.0%} of it: a fault was not "
                                   "injected during the load")
            break
        inject()
    load.join()
    load_seconds = time.monotonic() - started

    quiet = wait_quiet(databases, audit, QUIET_WAIT)
    running = processes_running(launcher)
    stores = check_stores(load.tally.outcomes, databases, audit)
    chain_ok, chain = verify_chain(launcher.api, tokens.supervisor, audit)

    report("fault suite: PostgreSQL stores, two broker outages, SIGKILLs, terminated backends",
           load, faults, [("load seconds", f"{load_seconds:.0f}"),
                          ("events at the sources / ledger entries", quiet),
                          ("chain", chain)])
    problems = faults.problems + running + stores + ([] if chain_ok else [f"chain: {chain}"])
    summary = load.tally.summary()
    if summary["sent"] < COMMANDS:
        problems.append(f"only {summary['sent']} of {COMMANDS} commands were sent within "
                        f"{LOAD_SECONDS:.0f}s")
    if load.tally.crashes:
        problems.append(f"load clients died: {load.tally.crashes}")
    if summary["unanswered"]:
        problems.append(f"{summary['unanswered']} commands got no definitive answer")
    if problems:
        print("\nhuiqi up's last lines:\n" + launcher.log_tail(), flush=True)
    assert not problems, "\n".join(problems)


def test_up_outlives_a_six_second_broker_outage(broker_proxy, free_port, tmp_path, secrets,
                                                launch):
    var = tmp_path / "var"
    env = stack_env(amqp_uri=broker_proxy.amqp_uri, var_dir=var, free_port=free_port)
    launcher = launch(env)
    launcher.wait_ready()
    before = {name: [p.pid for p in procs] for name, procs in launcher.children().items()}

    from gateway.auth import mint
    tokens = Tokens(mint)
    register_lead_units(launcher.api, tokens.office)
    stop = []
    load = Load(launcher.api, tokens, total=100_000, clients=2, deadline=time.monotonic() + 60,
                stop_when=lambda: bool(stop) or not launcher.alive(), pace=0.2)
    faults = Faults(launcher, load)
    load.start()
    time.sleep(3)
    faults.broker_outage(broker_proxy, 6)
    time.sleep(12)  # a trickle after the outage, and time for a supervisor to act if it must
    stop.append(True)
    load.join()

    after = {name: [p.pid for p in procs] for name, procs in launcher.children().items()}
    problems = processes_running(launcher)
    for name in SERVICES.names:
        if before.get(name) != after.get(name):
            problems.append(f"{name} did not outlive the outage: pids {before.get(name)} before, "
                            f"{after.get(name)} after")
    # Still serving: a fresh command is accepted.
    try:
        fresh = requests.get(f"{launcher.api}/tickets?limit=1", timeout=15,
                             headers={"Authorization": f"Bearer {tokens.office}"})
        if fresh.status_code != 200:
            problems.append(f"the stack no longer serves: GET /tickets answered "
                            f"{fresh.status_code} {fresh.text[:200]}")
    except requests.RequestException as exc:
        problems.append(f"the stack no longer serves: {exc}")

    databases = {name: f"sqlite:///{var / f'{name}.db'}" for name in SERVICES.event_sources}
    quiet = wait_quiet(databases, databases["audit"], 60)
    stores = check_stores(load.tally.outcomes, databases, databases["audit"])
    chain_ok, chain = verify_chain(launcher.api, tokens.supervisor, databases["audit"])
    report("huiqi up through a 6-second broker outage (SQLite stores)", load, faults,
           [("processes before", before), ("processes after", after),
            ("events at the sources / ledger entries", quiet), ("chain", chain)])
    problems += faults.problems + stores + ([] if chain_ok else [f"chain: {chain}"])
    if load.tally.crashes:
        problems.append(f"load clients died: {load.tally.crashes}")
    if load.tally.summary()["accepted"] == 0:
        problems.append("no command was accepted")
    if problems:
        print("\nhuiqi up's last lines:\n" + launcher.log_tail(), flush=True)
    assert not problems, "\n".join(problems)
