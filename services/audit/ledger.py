"""The ledger table: appending an event as the next entry of the chain, and reading it back.

On PostgreSQL the append runs as the writer role (`huiqi_ledger_writer`, migration a0002), which
may select and insert on the ledger and nothing else: not update, delete or truncate it, nor
alter its triggers, which only the table's owner (the migrating user) could. The role is taken
for the append alone (`SET LOCAL ROLE`) and dropped again, because the same transaction goes on
to write the reaction's checkpoint as the service's own user. On SQLite the triggers are the
protection.
"""
from __future__ import annotations

from typing import Iterator

import sqlalchemy as sa

from kernel.database import is_sqlite
from kernel.envelope import Event, format_time, utc_now
from services.audit.chain import GENESIS, Entry, Verdict, verify

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


def append(connection: sa.Connection, service: str, position: int, event: Event) -> int:
    """Append `event` as the next entry; the caller holds the single-writer lock."""
    postgres = not is_sqlite(connection.engine)
    if postgres:
        connection.exec_driver_sql(f"SET LOCAL ROLE {WRITER_ROLE}")
    head = connection.execute(
        sa.select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS)
    entry = Entry.make(prev_hash, seq=seq, service=service, source_position=position,
                       event=event.to_dict(), recorded_at=format_time(utc_now()))
    connection.execute(ledger.insert().values(
        **{name: getattr(entry, name) for name in ENTRY_FIELDS}))
    if postgres:
        # Back to the session's own user for the rest of the transaction. Should the append
        # fail instead, the transaction's rollback drops the role with everything else.
        connection.exec_driver_sql("RESET ROLE")
    return seq


def iter_entries(connection: sa.Connection, chunk: int = 1000) -> Iterator[Entry]:
    """Every entry in seq order; from the lowest seq there is, so that an entry whose seq was
    rewritten below 1 is still read (and reported)."""
    after = None
    while True:
        query = sa.select(*(ledger.c[name] for name in ENTRY_FIELDS)).order_by(ledger.c.seq)
        if after is not None:
            query = query.where(ledger.c.seq > after)
        rows = connection.execute(query.limit(chunk)).all()
        for row in rows:
            yield Entry(**row._mapping)
        if len(rows) < chunk:
            return
        after = rows[-1].seq


def verify_ledger(connection: sa.Connection) -> Verdict:
    return verify(iter_entries(connection))


def entries(connection: sa.Connection, *, after: int = 0, limit: int = 100,
            stream_id: str | None = None) -> list[dict]:
    query = sa.select(ledger).where(ledger.c.seq > after).order_by(ledger.c.seq).limit(limit)
    if stream_id:
        query = query.where(ledger.c.stream_id == stream_id)
    rows = connection.execute(query).all()
    return [dict(row._mapping) for row in rows]
