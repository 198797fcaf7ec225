"""Figure 7, growth: the end-to-end figure (`bench.endtoend`, SQLite, the default store) with
N appeals of M enterprises already in the tickets store and the audit ledger, beside the same
stack empty; the ledger's list (first page), an export (one county, one category) and the
deadline watch's scan (appeals past a due time, resolved ones awaiting a rating) timed on both,
and a first page filtered by a status every seeded appeal has (the filter that once read and
sorted the whole ledger to show fifty).

Seeding N appeals through the API would take longer than the measurement, so they are laid down
before the stack starts, through the project's own code: each appeal raised by its aggregate and
saved in the tickets store's unit of work with its projections (a few hundred to a
transaction), every resulting event appended to the ledger by the ledger's `append`, and the
tickets relay's checkpoint and its followers' (the audit's ledger, the policy service's policy
work) set at the head, as if the stack had been running all along.
"""
from __future__ import annotations

import time
import uuid

import requests

from bench import endtoend
from bench.infra import Borrowed
from bench.table import Row
from kernel.actor import Actor
from kernel.database import make_engine, migrate, reading
from kernel.envelope import utc_now
from kernel.relay import RELAY_CHECKPOINT
from kernel.store import EventStore, write_checkpoint
from services.audit import ledger
from services.registry import SERVICES

# The consumers of the tickets log, by the checkpoint name their Reactions keep ("consumer:source").
FOLLOWERS = {"audit": "ledger:tickets", "policy": "policy-work:tickets"}
BATCH = 250


def seed(urls: dict, appeals: int, enterprises: int) -> None:
    from services.tickets import projections
    from services.tickets.appeals.domain import Ticket
    from services.tickets.appeals.numbers import ledger_number
    from services.tickets.appeals.rpc import POLICY

    tickets = make_engine(urls["tickets"])
    migrate(tickets, SERVICES["tickets"].migrations_path)
    store = EventStore(tickets, [projections.project])
    made = 0
    while made < appeals:
        with store.unit_of_work() as uow:
            for n in range(made, min(appeals, made + BATCH)):
                enterprise = n % enterprises
                at = utc_now()
                who = Actor(sub=f"bench-{enterprise}", role="enterprise",
                            uscc=endtoend.credit_code(enterprise))
                uow.save(Ticket.raise_appeal(
                    str(uuid.uuid4()), ledger_number=ledger_number(uow, at), at=at, actor=who,
                    policy=POLICY, **endtoend.appeal(n, enterprise)))
        made = min(appeals, made + BATCH)
    head = store.head_position()
    with tickets.begin() as connection:
        write_checkpoint(connection, RELAY_CHECKPOINT, head)

    audit = make_engine(urls["audit"])
    migrate(audit, SERVICES["audit"].migrations_path)
    after = 0
    while True:
        page = store.read_all(after=after, limit=1000)
        if not page:
            break
        with audit.begin() as connection:
            for position, event in page:
                ledger.append(connection, "tickets", position, event)
        after = page[-1][0]
    for name, checkpoint in FOLLOWERS.items():
        engine = audit if name == "audit" else make_engine(urls[name])
        if name != "audit":
            migrate(engine, *([SERVICES[name].migrations_path]
                              if SERVICES[name].migrations else []))
        with engine.begin() as connection:
            write_checkpoint(connection, checkpoint, head)
        engine.dispose()
    tickets.dispose()


def timed_calls(base: str, urls: dict) -> dict:
    from gateway.auth import mint
    from services.tickets.appeals import queries
    from services.tickets.appeals.rpc import POLICY

    headers = {"Authorization": f"Bearer {mint('bench-office', 'office')}"}

    def seconds(call) -> float:
        started = time.perf_counter()
        call()
        return time.perf_counter() - started

    def get(path: str):
        response = requests.get(f"{base}/api/v1{path}", headers=headers, timeout=300)
        response.raise_for_status()

    engine = make_engine(urls["tickets"])

    def sweep() -> None:
        # The reads `TicketsService.watch_deadlines` starts each round with.
        now = utc_now()
        with reading(engine) as connection:
            queries.due_before(connection, now)
            queries.resolved_unrated(connection, now, POLICY.close_unrated_after)

    try:
        return {"list": seconds(lambda: get("/tickets?limit=50")),
                # Every seeded appeal is still received: the filter matches the whole ledger.
                "list_status": seconds(lambda: get("/tickets?status=received&limit=50")),
                "export": seconds(lambda: get("/tickets/export?county=zhanggong&category=labour")),
                "sweep": seconds(sweep)}
    finally:
        engine.dispose()


def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    appeals, enterprises = counts["growth_appeals"], counts["growth_enterprises"]
    counts = {**counts, "e2e_enterprises": enterprises, "e2e_offset": appeals + 1}
    empty = endtoend.measure_stack(borrowed, counts, postgres=False, extra=timed_calls)
    full = endtoend.measure_stack(borrowed, counts, postgres=False,
                                  seed=lambda urls: seed(urls, appeals, enterprises),
                                  extra=timed_calls)
    setting = f"SQLite, {appeals:,} appeals of {enterprises:,} enterprises"
    peer = "the same stack, empty"
    ours, before = full.load.outcome, empty.load.outcome
    rows = [
        Row("7 growth: POST /api/v1/tickets", setting, ours.rate, "req/s", peer, before.rate,
            target="80% of empty"),
        Row("7 growth: POST /api/v1/tickets, p95", setting, 1000 * ours.percentile(95), "ms",
            peer, 1000 * before.percentile(95), lower_is_better=True),
        Row("7 growth: ledger caught up after the last answer", setting, full.caught_up, "s",
            peer, empty.caught_up, lower_is_better=True),
    ]
    for key, what in (("list", "list, first page"),
                      ("list_status", "list, first page of one status"),
                      ("export", "export, one county × category"),
                      ("sweep", "deadline watch scan")):
        rows.append(Row(f"7 growth: {what}", setting, 1000 * full.timings[key], "ms", peer,
                        1000 * empty.timings[key], target="80% of empty",
                        lower_is_better=True))
    return rows
