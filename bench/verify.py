"""Figure 5, verification and rebuild over N: the audit's chain verified over N ledger entries, and
a service's log of N events read through by position (what a rebuild or a catching-up consumer
does), each beside the peer's notification-log read of the same count on the same database.

The data is laid down before the clock starts, through the project's own code (the ledger's
entries made by `chain.Entry.make`, as `ledger.append` makes them, and inserted in bulk; the
store's unit of work) and through the peer's application (`save` of a thousand aggregates at a
time); only the reads are timed. Seconds for a million verified are derived
from the rate.
"""
from __future__ import annotations

import csv
import io
import itertools
import time
from typing import Iterator

import sqlalchemy as sa

from bench import peer
from bench.infra import Borrowed
from bench.ingest import seed_log
from bench.table import Row
from kernel.database import is_sqlite, make_engine, migrate, reading
from kernel.envelope import Event, format_time, new_event_id, utc_now
from kernel.store import EventStore
from services.audit import ledger
from services.audit.chain import GENESIS, Entry
from services.registry import SERVICES

BATCH = 10_000


def bench_entries(count: int) -> Iterator[Entry]:
    """The chain of `count` entries `ledger.append` would write for the bench's events, made by
    the same `Entry.make` from the same envelopes, one after the other."""
    prev_hash = GENESIS
    for position in range(1, count + 1):
        event = Event(
            event_id=new_event_id(), stream_id=f"bench-{position // 10}",
            stream_type="bench_note", version=position % 10 + 1, type="BenchNoted",
            occurred_at=format_time(utc_now()), actor="bench:seed",
            correlation_id=new_event_id(), causation_id="",
            payload={"text": "企业反映：三月申报留抵退税，至今未到账", "county": "zhanggong"})
        entry = Entry.make(prev_hash, seq=position, service="tickets", source_position=position,
                           event=event.to_dict(), recorded_at=format_time(utc_now()))
        prev_hash = entry.hash
        yield entry


def seed_ledger(url: str, count: int) -> sa.Engine:
    """The ledger of `count` entries, inserted in bulk (COPY on PostgreSQL, executemany on
    SQLite) as the table's owner: the append path's single-row transactions would take most of
    an hour for a million, and what is timed is the read, not the write."""
    engine = make_engine(url)
    migrate(engine, SERVICES["audit"].migrations_path)
    entries = bench_entries(count)
    with engine.begin() as connection:
        while batch := [tuple(getattr(entry, name) for name in ledger.ENTRY_FIELDS)
                        for entry in itertools.islice(entries, BATCH)]:
            if is_sqlite(engine):
                connection.exec_driver_sql(INSERT, batch)
            else:
                _copy(connection, batch)
    return engine


INSERT = (f"INSERT INTO ledger ({', '.join(ledger.ENTRY_FIELDS)}) "
          f"VALUES ({', '.join('?' for _ in ledger.ENTRY_FIELDS)})")


def _copy(connection: sa.Connection, rows: list[tuple]) -> None:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).writerows(rows)
    text.seek(0)
    cursor = connection.connection.driver_connection.cursor()
    cursor.copy_expert(f"COPY ledger ({', '.join(ledger.ENTRY_FIELDS)}) FROM STDIN WITH (FORMAT csv)",
                       text)
    cursor.close()


def seed_peer(url: str, count: int) -> peer.PeerApp:
    app = peer.open_app(url, 1)
    made = 0
    while made < count:
        batch = [peer.Appeal(title=f"用工难题{made + i}", county="zhanggong")
                 for i in range(min(1000, count - made))]
        app.save(*batch)
        made += len(batch)
    return app


def timed(work) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def run(borrowed: Borrowed, counts: dict) -> list[Row]:
    count = counts["verify_entries"]
    rows = []
    for label in ("PostgreSQL", "SQLite"):
        def fresh(name: str) -> str:
            return borrowed.pg() if label == "PostgreSQL" else borrowed.sqlite(name)

        ledger_url, log_url, peer_url = fresh("ledger"), fresh("log"), fresh("peer")
        engine = seed_ledger(ledger_url, count)
        seed_log(log_url, count)
        app = seed_peer(peer_url, count)
        try:
            with reading(engine) as connection:
                verdict, verify_seconds = timed(lambda: ledger.verify_ledger(connection))
            if not verdict.ok or verdict.entries != count:
                raise RuntimeError(f"the seeded ledger does not verify: {verdict}")
            log_engine = make_engine(log_url)
            store = EventStore(log_engine)
            # Positions given before the clock starts: in a running service the relay gives
            # them moments after each commit (`EventStore.sequence`).
            store.sequence()

            def read_log() -> int:
                after, total = 0, 0
                while True:
                    page = store.read_all(after=after, limit=500)
                    total += len(page)
                    if len(page) < 500:
                        return total
                    after = page[-1][0]

            read, read_seconds = timed(read_log)
            log_engine.dispose()
            peer_read, peer_seconds = timed(lambda: peer.read_log(app))
            if read != count or peer_read != count:
                raise RuntimeError(f"read {read} and {peer_read} of {count} events")
        finally:
            engine.dispose()
            app.close()
        peer_name = f"eventsourcing {peer.version()} notification log ({label})"
        peer_rate = count / peer_seconds
        rows += [
            Row("5 verify the ledger", f"{label}, {count:,} entries", count / verify_seconds,
                "entries/s", peer_name, peer_rate, target="1.5× peer"),
            Row("5 seconds to verify a million entries", label,
                1_000_000 * verify_seconds / count, "s", target="< 20 s", lower_is_better=True),
            Row("5 read a service's log by position (rebuild)", f"{label}, {count:,} events",
                count / read_seconds, "events/s", peer_name, peer_rate, target="1.5× peer"),
        ]
        if label == "PostgreSQL":
            for url in (ledger_url, log_url, peer_url):
                borrowed.drop_pg(url)
    return rows
