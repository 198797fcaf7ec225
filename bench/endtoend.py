"""Figure 6, end to end: `POST /api/v1/tickets` at 16 clients against the stack as `huiqi serve`
runs it (every service of the registry, a process each, on the run's own vhost), on SQLite and
on PostgreSQL, beside a bare nameko HTTP entrypoint calling an RPC echo (`bench.echo`) with the
same worker count, driven the same way with the same body.

Also measured under that load: when the ledger has caught up with the tickets log after the last
answer; the lag of each appeal's event from its `occurred_at` (the command's moment, just
before its commit) to its ledger entry's `recorded_at`, p95; each process's peak resident memory
(psutil, sampled every 0.2 s).
"""
from __future__ import annotations

import dataclasses
import json
import time

import requests
import sqlalchemy as sa
from stdnum.cn import uscc as credit_codes

from bench.infra import Borrowed
from bench.load import Outcome, drive
from bench.services import Children, PeakMemory, free_port
from bench.table import Row
from kernel.database import make_engine, reading
from kernel.envelope import parse_time
from services.registry import SERVICES

MB = 2**20
COUNTIES = ("zhanggong", "nankang", "ganxian", "xinfeng", "dayu", "shangyou", "chongyi",
            "anyuan", "longnan", "dingnan", "quannan", "ningdu", "yudu", "xingguo", "huichang",
            "xunwu", "shicheng", "ruijin")
CATEGORIES = ("tax_and_fees", "financing", "labour", "land_and_energy", "logistics")


def credit_code(n: int) -> str:
    """The n-th of the bench's enterprises: a valid unified social credit code."""
    body = f"91360702{n:09d}"
    return body + credit_codes.calc_check_digit(body)


def appeal(n: int, enterprise: int) -> dict:
    return {"enterprise_name": f"赣州测试企业{enterprise}有限公司", "uscc": credit_code(enterprise),
            "title": f"第{n}号诉求：{CATEGORIES[n % 5]}问题{n * 7919 % 100003}",
            "description": f"企业{enterprise}第{n}次反映，编号{n * 104729 % 1000003}，请协调解决。",
            "channel": "direct_line", "category": CATEGORIES[n % 5],
            "county": COUNTIES[enterprise % len(COUNTIES)]}


@dataclasses.dataclass
class Load:
    outcome: Outcome
    memory: dict[str, float]  # peak RSS, MB, per process
    finished: float           # time.time() of the last answer


def post_load(url: str, bodies, headers, count: int, clients: int,
              children: Children) -> Load:
    sessions = {}

    def setup(client: int) -> None:
        sessions[client] = requests.Session()

    def job(client: int, n: int) -> None:
        response = sessions[client].post(url, data=json.dumps(bodies(n)), headers=headers(n),
                                         timeout=60)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{response.status_code}: {response.text[:200]}")

    with PeakMemory(children.processes) as memory:
        outcome = drive(job, count, clients, setup)
    finished = time.time()
    if outcome.failed:
        raise RuntimeError(f"{outcome.failed} of {count} requests failed, e.g. {outcome.errors}")
    return Load(outcome, {n: v / MB for n, v in memory.peak.items()}, finished)


def stack_env(borrowed: Borrowed, postgres: bool) -> tuple[dict, dict]:
    """The environment of a stack of the registry's services on a fresh vhost and stores."""
    var = borrowed.directory("var")
    # The sweep interval as `huiqi up` has it, whatever the caller's environment says.
    env = {"AMQP_URI": borrowed.vhost(), "HUIQI_VAR_DIR": str(var), "HUIQI_CATCHUP_INTERVAL": "5"}
    urls = {}
    for entry in SERVICES:
        env[f"{entry.name.upper()}_PORT"] = str(free_port())
        if entry.event_store:
            urls[entry.name] = borrowed.pg() if postgres else f"sqlite:///{var / entry.name}.db"
            env[f"{entry.name.upper()}_DATABASE_URL"] = urls[entry.name]
    return env, urls


def start_stack(env: dict, logs) -> Children:
    children = Children(env, logs)
    for name in SERVICES.start_order:
        children.serve(name)
    children.wait_healthy({name: f"http://127.0.0.1:{env[f'{name.upper()}_PORT']}/healthz"
                           for name in SERVICES.start_order})
    return children


def tokens(enterprises: range) -> dict[int, str]:
    from gateway.auth import mint
    return {e: mint(f"bench-{e}", "enterprise", uscc=credit_code(e)) for e in enterprises}


def ledger_caught_up(urls: dict, finished: float, timeout: float = 120) -> float:
    """Seconds after `finished` until the ledger holds every event of the tickets log."""
    tickets, audit = make_engine(urls["tickets"]), make_engine(urls["audit"])
    try:
        with reading(tickets) as connection:
            expected = connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        deadline = time.monotonic() + timeout
        while True:
            with reading(audit) as connection:
                have = connection.execute(sa.text(
                    "SELECT count(*) FROM ledger WHERE service = 'tickets'")).scalar_one()
            if have >= expected:
                return max(0.0, time.time() - finished)
            if time.monotonic() > deadline:
                raise RuntimeError(f"the ledger holds {have} of {expected} tickets events "
                                   f"{timeout:.0f}s after the last answer")
            time.sleep(0.05)
    finally:
        tickets.dispose()
        audit.dispose()


def lag_p95(audit_url: str, since: str) -> float:
    """p95 of occurred_at → recorded_at over the tickets entries recorded since `since`, ms."""
    engine = make_engine(audit_url)
    try:
        with reading(engine) as connection:
            rows = connection.execute(sa.text(
                "SELECT occurred_at, recorded_at FROM ledger WHERE service = 'tickets' "
                "AND recorded_at >= :since"), {"since": since}).all()
    finally:
        engine.dispose()
    lags = sorted((parse_time(r.recorded_at) - parse_time(r.occurred_at)).total_seconds()
                  for r in rows)
    return 1000 * lags[min(len(lags) - 1, int(0.95 * (len(lags) - 1)))] if lags else 0.0


@dataclasses.dataclass
class StackFigures:
    load: Load
    caught_up: float
    lag_p95: float
    timings: dict  # growth's extra figures (list, export, deadline sweep), seconds


def measure_stack(borrowed: Borrowed, counts: dict, postgres: bool, seed=None,
                  extra=None) -> StackFigures:
    """Start a stack (after `seed(urls)` lays down data, if given), load it, measure, stop it.
    `extra(base_url, urls)` times more calls on the loaded stack (growth's)."""
    from kernel.envelope import format_time, utc_now

    env, urls = stack_env(borrowed, postgres)
    if seed is not None:
        seed(urls)
    enterprises = range(counts["e2e_enterprises"])
    bearer = tokens(enterprises)
    with start_stack(env, borrowed.directory("logs")) as children:
        base = f"http://127.0.0.1:{env['GATEWAY_PORT']}"
        offset = counts.get("e2e_offset", 0)

        def bodies(n: int) -> dict:
            return appeal(offset + n, enterprises[n % len(enterprises)])

        def headers(n: int) -> dict:
            return {"Authorization": f"Bearer {bearer[enterprises[n % len(enterprises)]]}",
                    "Content-Type": "application/json"}

        # A few requests first, so that connections and caches are warm on both sides alike.
        post_load(f"{base}/api/v1/tickets",
                  lambda n: appeal(10**6 + n, enterprises[n % len(enterprises)]), headers, 16, 4,
                  children)
        since = format_time(utc_now())
        load = post_load(f"{base}/api/v1/tickets", bodies, headers, counts["e2e_requests"],
                         counts["e2e_clients"], children)
        caught_up = ledger_caught_up(urls, load.finished)
        timings = extra(base, urls) if extra is not None else {}
    return StackFigures(load, caught_up, lag_p95(urls["audit"], since), timings)


def measure_echo(borrowed: Borrowed, counts: dict) -> Load:
    port = free_port()
    with Children({"AMQP_URI": borrowed.vhost()}, borrowed.directory("echo")) as children:
        children.start("echo_rpc", "-m", "bench.echo", "rpc", str(free_port()))
        children.start("echo_http", "-m", "bench.echo", "http", str(port))
        children.wait_healthy({"echo_http": f"http://127.0.0.1:{port}/healthz"})
        url = f"http://127.0.0.1:{port}/echo"
        body = appeal(0, 0)
        headers = {"Content-Type": "application/json"}
        # The HTTP side answers health before the RPC side's queue exists: wait for an echo.
        deadline = time.monotonic() + 60
        while requests.post(url, json=body, timeout=10).status_code != 201:
            if time.monotonic() > deadline:
                raise RuntimeError("the echo did not answer within 60 s:\n"
                                   + children.tail("echo_rpc"))
            time.sleep(0.3)
        post_load(url, lambda n: body, lambda n: headers, 16, 4, children)
        return post_load(url, lambda n: body, lambda n: headers, counts["e2e_requests"],
                         counts["e2e_clients"], children)


def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    counts = {**counts, "e2e_enterprises": max(counts["e2e_requests"], 1)}
    rows = []
    clients = counts["e2e_clients"]
    echo = measure_echo(borrowed, counts)
    echo_memory = max(echo.memory.values())
    for label in ("SQLite", "PostgreSQL"):
        figures = measure_stack(borrowed, counts, postgres=label == "PostgreSQL")
        ours = figures.load.outcome
        setting = f"{label}, {clients} clients, {ours.done:,} requests"
        peer = f"nameko HTTP → RPC echo, {clients} clients"
        rows += [
            Row("6 POST /api/v1/tickets", setting, ours.rate, "req/s", peer, echo.outcome.rate,
                target="half the echo's"),
            Row("6 POST /api/v1/tickets, p50", setting, 1000 * ours.percentile(50), "ms", peer,
                1000 * echo.outcome.percentile(50), lower_is_better=True),
            Row("6 POST /api/v1/tickets, p95", setting, 1000 * ours.percentile(95), "ms", peer,
                1000 * echo.outcome.percentile(95), target="within 1.5× the echo's",
                lower_is_better=True),
            Row("6 ledger caught up after the last answer", label, figures.caught_up, "s",
                target="< 2 s", lower_is_better=True),
            Row("6 lag, commit → ledger entry, p95", label, figures.lag_p95, "ms",
                lower_is_better=True),
        ]
        for name, peak in figures.load.memory.items():
            rows.append(Row(f"6 peak RSS under load: {name}", label, peak, "MB",
                            "echo process (larger of the two)", echo_memory, target="< 150 MB",
                            lower_is_better=True))
    return rows
