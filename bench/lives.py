"""The generated ledger of the verification and replay figures: appeals' whole lives, as the audit
would have recorded them from the tickets service, laid down in bulk with the ledger's stored
Merkle tree.

One appeal's life is made once by the `Ticket` aggregate itself (raised, dispatched, signed for,
classified, resolved, rated unsatisfied — sent back, its rectification (差评整改) opened —,
the rectification put right at once, resolved again, rated, closed off: twelve facts) and then lived by every appeal under its own id, event ids, times and a few fields of its
own, so that each stream folds through the aggregate and its view as a real appeal does. A
thousand appeals are open at once (fewer in a short ledger), their steps interleaved in the ledger as a busy office's are.
Each entry is made by `chain.Entry.make`, as `ledger.append` makes it; the tree's nodes by
`merkle.Frontier`, as `ledger.Appender` stores them. Only the writing is done in bulk (COPY on
PostgreSQL, executemany on SQLite), as the table's owner: the append path's one transaction
per batch would take most of an hour for a million.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import uuid
from typing import Iterator

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.aggregate import Fact
from kernel.database import is_sqlite, make_engine, migrate
from kernel.envelope import format_time, new_event_id, utc_now
from services.audit import ledger, merkle
from services.audit.chain import GENESIS, Entry
from services.registry import SERVICES

PER_APPEAL = 12
OPEN_AT_ONCE = 1000
BATCH = 10_000
UNIT = "city-transport-bureau"
ENTERPRISE_USCC = "91360703MA37K8L9PN"


def life() -> list[Fact]:
    """One appeal's twelve facts, made by the aggregate's own commands."""
    from services.tickets.appeals.domain import Ticket

    office = Actor(sub="clerk-li", role="office")
    officer = Actor(sub="officer-xu", role="unit_officer", unit=UNIT)
    enterprise = Actor(sub="ent-nankang", role="enterprise", uscc=ENTERPRISE_USCC)
    at = utc_now() - dt.timedelta(days=30)
    steps = iter(at + dt.timedelta(hours=hours) for hours in itertools.count())
    ticket = Ticket.raise_appeal(
        "template", ledger_number="GZ-2026-000001", enterprise_name="南康家具产业园某企业",
        uscc=ENTERPRISE_USCC, title="实木家具出口检验周期长",
        description="出口检验排队超过十天，影响交货，请协调海关开通绿色通道。", channel="hotline",
        category="logistics", county="nankang", at=next(steps), actor=enterprise)
    ticket.dispatch(lead_unit=UNIT, at=next(steps), actor=office)
    ticket.sign_for(at=next(steps), actor=officer)
    ticket.classify(way="policy_available", policies=["赣市府发〔2016〕12号"],
                    guidance="按出口检验绿色通道办理。", at=next(steps), actor=officer)
    ticket.resolve(summary="检验周期缩短至三天。", at=next(steps), actor=officer)
    ticket.rate(rating="unsatisfied", comment="仍需排队", at=next(steps), actor=enterprise)
    ticket.classify_rectification(way="fixed", note="已开通预约检验。", at=next(steps),
                                  actor=officer)
    ticket.resolve(summary="开通预约检验，当天可检。", at=next(steps), actor=officer)
    ticket.rate(rating="satisfied", at=next(steps), actor=enterprise)
    ticket.close_off(at=next(steps), actor=office)
    facts = ticket.pending()
    assert len(facts) == PER_APPEAL, [fact.type for fact in facts]
    return facts


def appeal_id(n: int) -> str:
    """The n-th appeal's stream id: a UUID as the service gives, the same on every run."""
    return str(uuid.UUID(bytes=hashlib.md5(f"bench-appeal-{n}".encode()).digest(), version=4))


def events(count: int) -> Iterator[dict]:
    """`count` event envelopes (as dicts): appeals' lives, OPEN_AT_ONCE at a time, each step of
    every open appeal before the next step of any; the last appeals' lives cut short at
    `count`."""
    template = life()
    start = utc_now() - dt.timedelta(seconds=count + 60)
    # Fewer open at once in a short ledger, so that its appeals live whole lives too.
    open_at_once = max(1, min(OPEN_AT_ONCE, count // (PER_APPEAL * 4)))
    made = 0
    for first in itertools.count(0, open_at_once):
        ids = [appeal_id(n) for n in range(first, first + open_at_once)]
        for version, fact in enumerate(template, start=1):
            for offset, stream_id in enumerate(ids):
                if made == count:
                    return
                n = first + offset
                payload = fact.payload
                if fact.type == "TicketRaised":
                    payload = {**payload, "ledger_number": f"GZ-2026-{n + 1:06d}",
                               "title": f"{payload['title']}（第{n}号）"}
                yield {"event_id": new_event_id(), "stream_id": stream_id, "stream_type": "ticket",
                       "version": version, "type": fact.type,
                       "occurred_at": format_time(start + dt.timedelta(seconds=made)),
                       "actor": fact.actor, "correlation_id": new_event_id(), "causation_id": "",
                       "payload": payload}
                made += 1


def entries(count: int) -> Iterator[Entry]:
    """The chain of `count` entries `ledger.append` would write for those events."""
    prev_hash = GENESIS
    recorded_at = format_time(utc_now())
    for seq, event in enumerate(events(count), start=1):
        entry = Entry.make(prev_hash, seq=seq, service="tickets", source_position=seq,
                           event=event, recorded_at=recorded_at)
        prev_hash = entry.hash
        yield entry


def seed_ledger(url: str, count: int) -> sa.Engine:
    """The audit's database at `url`, migrated, holding a ledger of `count` entries and its
    stored tree."""
    engine = make_engine(url)
    migrate(engine, SERVICES["audit"].migrations_path)
    made = entries(count)
    frontier = merkle.Frontier()
    sqlite = is_sqlite(engine)
    with engine.begin() as connection:
        while batch := list(itertools.islice(made, BATCH)):
            rows = [tuple(getattr(entry, name) for name in ledger.ENTRY_FIELDS) for entry in batch]
            nodes = [node for entry in batch
                     for node in frontier.append(merkle.leaf_hash(bytes.fromhex(entry.hash)))]
            if sqlite:
                connection.exec_driver_sql(_INSERT_ENTRIES, rows)
                connection.exec_driver_sql(_INSERT_NODES, nodes)
            else:
                _copy(connection, "ledger", ledger.ENTRY_FIELDS, rows)
                _copy(connection, "ledger_tree", ("level", "idx", "hash"),
                      [(level, idx, "\\x" + hash_.hex()) for level, idx, hash_ in nodes])
    return engine


_INSERT_ENTRIES = (f"INSERT INTO ledger ({', '.join(ledger.ENTRY_FIELDS)}) "
                   f"VALUES ({', '.join('?' for _ in ledger.ENTRY_FIELDS)})")
_INSERT_NODES = "INSERT INTO ledger_tree (level, idx, hash) VALUES (?, ?, ?)"


def _copy(connection: sa.Connection, table: str, columns, rows: list[tuple]) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    text.seek(0)
    cursor = connection.connection.driver_connection.cursor()
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", text)
    cursor.close()
