"""The ledger table: appending an event as the next entry of the chain, and reading it back.

On PostgreSQL the append runs as the writer role (`huiqi_ledger_writer`, migration a0002), which
may select and insert on the ledger and nothing else: not update, delete or truncate it, nor
alter its triggers, which only the table's owner (the migrating user) could. The role is taken
for the append alone (`SET LOCAL ROLE`) and dropped again, because the same transaction goes on
to write the reaction's checkpoint as the service's own user. On SQLite the triggers are the
protection. The tree's nodes each entry completes (`services.audit.tree`) are written the same
way, in the same transaction, so the stored tree always holds the ledger's entries.
"""
from __future__ import annotations

import collections
import json
import concurrent.futures
import multiprocessing
import os
import sys
from typing import Iterator

import sqlalchemy as sa

from kernel.database import is_sqlite
from kernel.envelope import Event, format_time, utc_now
from services.audit import merkle, tree
from services.audit.contract import LEDGER_SOURCE
from services.audit.chain import (GENESIS, Entry, Verdict, assumed_after, leading_holds,
                                  verify_chunks)

WRITER_ROLE = "huiqi_ledger_writer"

metadata = sa.MetaData()
ledger = sa.Table(
    "ledger", metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36)),
    sa.Column("service", sa.String(40)),
    sa.Column("source_position", sa.BigInteger),
    sa.Column("stream_id", sa.String(120)),
    sa.Column("stream_type", sa.String(60)),
    sa.Column("type", sa.String(120)),
    sa.Column("occurred_at", sa.String(32)),
    sa.Column("event", sa.Text),
    sa.Column("prev_hash", sa.String(64)),
    sa.Column("hash", sa.String(64)),
    sa.Column("recorded_at", sa.String(32)),
)
ENTRY_FIELDS = [field.name for field in Entry.__dataclass_fields__.values()]


class Appender:
    """The ledger's writer for one transaction: the head is read once, and so is the tree's
    right edge at the head (at most log n nodes); each entry is chained to the one before and
    its leaf hashed onto the tree in memory, and `flush` inserts the pending entries at once and
    the tree nodes they complete at once, as the writer role (taken once, dropped again). The
    caller holds the single-writer lock for the whole transaction, so the head read first stays
    the head."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        head = connection.execute(
            sa.select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)).first()
        self.seq, self.hash = (head.seq, head.hash) if head else (0, GENESIS)
        self.frontier = tree.frontier(connection, self.seq)
        self.pending: list[dict] = []
        self.nodes: list[tuple[int, int, bytes]] = []

    def add(self, service: str, position: int, event: Event) -> int:
        """Chain `event` as the next entry (inserted by `flush`); its seq."""
        entry = Entry.make(self.hash, seq=self.seq + 1, service=service, source_position=position,
                           event=event.to_dict(), recorded_at=format_time(utc_now()))
        self.pending.append({name: getattr(entry, name) for name in ENTRY_FIELDS})
        self.nodes += self.frontier.append(merkle.leaf_hash(bytes.fromhex(entry.hash)))
        self.seq, self.hash = entry.seq, entry.hash
        return entry.seq

    def flush(self) -> None:
        if not self.pending:
            return
        rows, self.pending = self.pending, []
        nodes, self.nodes = self.nodes, []
        postgres = not is_sqlite(self.connection.engine)
        if postgres:
            self.connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER_ROLE}")
        self.connection.execute(ledger.insert(), rows)
        tree.insert(self.connection, nodes)
        if postgres:
            # Back to the session's own user for the rest of the transaction. Should the insert
            # fail instead, the transaction's rollback drops the role with everything else.
            self.connection.exec_driver_sql("RESET ROLE")


def append(connection: sa.Connection, service: str, position: int, event: Event) -> int:
    """Append `event` as the next entry; the caller holds the single-writer lock."""
    appender = Appender(connection)
    seq = appender.add(service, position, event)
    appender.flush()
    return seq


# Rows fetched from the database at a time while verifying; a chunk is also what one process of
# the pool checks.
VERIFY_CHUNK = 5000
# Processes that check chunks ahead while this one reads, once the ledger is past PARALLEL_FROM
# entries. One (none ahead) by default: on the 2-core bench machine, under load, reading and
# shipping the rows cost this process about what checking them costs, and the sequential walk
# was faster (200,000 entries: 5.2 s against 5.9 s on PostgreSQL, 3.6 s against 4.9 s on SQLite).
VERIFY_WORKERS = 1
PARALLEL_FROM = 50_000
_SELECT_ROWS = f"SELECT {', '.join(ENTRY_FIELDS)} FROM ledger ORDER BY seq"


def iter_row_chunks(connection: sa.Connection, chunk: int = VERIFY_CHUNK) -> Iterator[list[tuple]]:
    """Every entry as a plain tuple of its columns (ENTRY_FIELDS order), in seq order, from the
    lowest seq there is, so that an entry whose seq was rewritten below 1 is still read (and
    reported); in lists of `chunk`. One query, streamed (a server-side cursor on PostgreSQL), so
    it reads one snapshot and never holds more than a chunk. The driver's cursor is used as it
    is, inside the connection's transaction: SQLAlchemy's rows cost as much again as the fetch."""
    if not connection.in_transaction():
        connection.begin()  # as any execute would: BEGIN DEFERRED on SQLite (kernel.database)
    if is_sqlite(connection.engine):
        cursor = connection.connection.cursor()
    else:
        cursor = connection.connection.cursor(name=f"verify_ledger_{id(connection):x}")
        cursor.itersize = chunk
    try:
        cursor.execute(_SELECT_ROWS)
        while rows := cursor.fetchmany(chunk):
            yield rows
    finally:
        cursor.close()


def iter_rows(connection: sa.Connection, chunk: int = VERIFY_CHUNK) -> Iterator[tuple]:
    for rows in iter_row_chunks(connection, chunk):
        yield from rows


def iter_entries(connection: sa.Connection, chunk: int = VERIFY_CHUNK) -> Iterator[Entry]:
    """Every entry in seq order (see iter_row_chunks)."""
    for row in iter_rows(connection, chunk):
        yield Entry(*row)


def verify_ledger(connection: sa.Connection, workers: int | None = None) -> Verdict:
    """The verdict of `chain.verify` on the whole ledger.

    Each entry can be checked given only the row before it, so with `workers` > 1 (default
    VERIFY_WORKERS, at most the CPUs this process may use; never under eventlet, whose patched
    threads the pool's own would be) the chunks past PARALLEL_FROM entries are checked ahead in
    a pool of processes while this one reads; the walk then takes each chunk's leading rows that
    held and walks the rest itself (`chain.verify_chunks`), so the verdict is the sequential
    one."""
    if workers is None:
        workers = 1 if _green() else min(VERIFY_WORKERS, len(os.sched_getaffinity(0)))
    chunks = iter_row_chunks(connection, VERIFY_CHUNK)
    if workers <= 1:
        return verify_chunks((rows, None, GENESIS, 0) for rows in chunks)
    with _Pool(workers) as pool:
        return verify_chunks(pool.checked(chunks))


def _green() -> bool:
    eventlet = sys.modules.get("eventlet")
    return eventlet is not None and eventlet.patcher.is_monkey_patched("thread")


class _Pool:
    """Chunks checked ahead (`chain.leading_holds`) in worker processes, started only once the
    ledger is long enough, and stopped with whatever is still queued once the walk has its
    verdict. Forked: a worker runs one pure function on the rows it is sent, and needs nothing
    of this process; spawning would re-run the caller's main module in each worker."""

    def __init__(self, workers: int):
        self.workers = workers
        self.executor: concurrent.futures.ProcessPoolExecutor | None = None

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *_exc) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def checked(self, chunks: Iterator[list[tuple]]) -> Iterator[tuple]:
        """(rows, seq, prev_hash, leading) for each chunk in order, `chain.verify_chunks`'s input;
        a few chunks in flight at a time, so memory stays bounded."""
        pending: collections.deque = collections.deque()
        seq, prev_hash, read = 1, GENESIS, 0
        for rows in chunks:
            if read < PARALLEL_FROM:
                pending.append((rows, seq, prev_hash, None))
            else:
                if self.executor is None:
                    self.executor = concurrent.futures.ProcessPoolExecutor(
                        self.workers, mp_context=multiprocessing.get_context("fork"))
                pending.append((rows, seq, prev_hash,
                                self.executor.submit(leading_holds, rows, seq, prev_hash)))
            read += len(rows)
            seq, prev_hash = assumed_after(rows[-1])
            while pending and (pending[0][3] is None or len(pending) > 2 * self.workers + 1):
                yield self._settled(pending.popleft())
        while pending:
            yield self._settled(pending.popleft())

    @staticmethod
    def _settled(item: tuple) -> tuple:
        rows, seq, prev_hash, future = item
        return rows, seq, prev_hash, 0 if future is None else future.result()


def entries(connection: sa.Connection, *, after: int = 0, limit: int = 100,
            stream_id: str | None = None) -> list[dict]:
    query = sa.select(ledger).where(ledger.c.seq > after).order_by(ledger.c.seq).limit(limit)
    if stream_id:
        query = query.where(ledger.c.stream_id == stream_id)
    rows = connection.execute(query).all()
    return [dict(row._mapping) for row in rows]


def relayed_after(connection: sa.Connection, after: int, limit: int) -> list[dict]:
    """The entries after seq `after` as relay messages of the source "ledger" whose position is
    the seq (`kernel.relay.message_for`'s shape), each with the service it came from (`origin`):
    a follower of the ledger takes them in by seq, gap-free, as it would any service's log."""
    rows = connection.execute(
        sa.select(ledger.c.seq, ledger.c.service, ledger.c.event)
        .where(ledger.c.seq > after).order_by(ledger.c.seq).limit(limit)).all()
    return [{"service": LEDGER_SOURCE, "position": row.seq, "previous_position": row.seq - 1,
             "origin": row.service, "event": json.loads(row.event)} for row in rows]


def head(connection: sa.Connection) -> int:
    """The seq of the last entry (0 for an empty ledger)."""
    return connection.execute(sa.select(sa.func.coalesce(sa.func.max(ledger.c.seq), 0))
                              ).scalar_one()
