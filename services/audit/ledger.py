"""The ledger table: appending an event as the next entry of the chain, and reading it back."""
from __future__ import annotations

from typing import Iterator

import sqlalchemy as sa

from kernel.envelope import Event, canonical_json, format_time, utc_now
from services.audit.chain import GENESIS, Entry, Verdict, entry_hash, verify

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


def append(connection: sa.Connection, service: str, position: int, event: Event) -> int:
    """Append `event` as the next entry; the caller holds the single-writer lock."""
    head = connection.execute(
        sa.select(ledger.c.seq, ledger.c.hash).order_by(ledger.c.seq.desc()).limit(1)).first()
    seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS)
    canonical = canonical_json(event.to_dict())
    connection.execute(ledger.insert().values(
        seq=seq, event_id=event.event_id, service=service, source_position=position,
        stream_id=event.stream_id, stream_type=event.stream_type, type=event.type,
        occurred_at=event.occurred_at, event=canonical.decode("utf-8"), prev_hash=prev_hash,
        hash=entry_hash(prev_hash, canonical), recorded_at=format_time(utc_now())))
    return seq


def iter_entries(connection: sa.Connection, chunk: int = 1000) -> Iterator[Entry]:
    after = 0
    while True:
        rows = connection.execute(
            sa.select(ledger.c.seq, ledger.c.event, ledger.c.prev_hash, ledger.c.hash)
            .where(ledger.c.seq > after).order_by(ledger.c.seq).limit(chunk)).all()
        for row in rows:
            yield Entry(row.seq, row.event, row.prev_hash, row.hash)
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
