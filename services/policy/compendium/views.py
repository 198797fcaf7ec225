"""The compendium's read models: `compendium_editions`, a row per edition built, and the list of
editions; and `compendium_documents`, each edition's HTML, PDF and .docx rendered once, with the
SHA-256 of their bytes, the digest the gateway serves as its ETag and caches the bytes under.

An edition never changes once built (`domain`), so a document of it never needs rendering again;
kept in the service's own store, it survives restarts and is shared by the service's replicas
without a volume of its own. Concurrent first requests in one process wait for the one rendering
(`rendering_turn`); two replicas racing render at most once each, the first row stored winning
(the loser reads it back), so every reader is served the same bytes and digest. The documents
are not folded from the log: `projections.rebuild` leaves their table alone, and a row is
rendered again only if deleted.
"""
from __future__ import annotations

import contextlib
import hashlib
import json

import eventlet.semaphore
import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import replace_row
from services.policy.compendium.domain import CompendiumEditions

metadata = sa.MetaData()
compendium_editions = sa.Table(
    "compendium_editions", metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("day", sa.String(10)),
    sa.Column("digest", sa.String(64)),
    sa.Column("built_at", sa.String(32)),
    sa.Column("policies", sa.Integer),
    sa.Column("state", sa.Text),
)
compendium_documents = sa.Table(
    "compendium_documents", metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("format", sa.String(8), primary_key=True),
    sa.Column("edition_digest", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("filename", sa.String(200), nullable=False),
    sa.Column("display_name", sa.String(200), nullable=False),
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("rendered_at", sa.String(32), nullable=False),
)

# What a rendered document is answered with, beside its bytes.
DOCUMENT_META = ("number", "format", "edition_digest", "digest", "size", "filename",
                 "display_name", "media_type")
_turns: dict[tuple, eventlet.semaphore.Semaphore] = {}


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@contextlib.contextmanager
def rendering_turn(key: tuple):
    """One rendering of `key` at a time in this process; the others wait, then find it."""
    lock = _turns.setdefault(key, eventlet.semaphore.Semaphore(1))
    with lock:
        yield


def find_document(connection: sa.Connection, number: int, fmt: str, edition_digest: str,
         with_body: bool) -> dict | None:
    """The stored document of edition `number` in `fmt`: its metadata, and its bytes as `body`
    when `with_body`. None if not yet rendered (or rendered of another edition under that
    number, which a store rebuilt from nothing could hold)."""
    columns = [compendium_documents.c[name] for name in DOCUMENT_META]
    if with_body:
        columns.append(compendium_documents.c.body)
    row = connection.execute(sa.select(*columns).where(
        compendium_documents.c.number == number, compendium_documents.c.format == fmt)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    if found["edition_digest"] != edition_digest:
        return None
    return found


def keep_document(connection: sa.Connection, number: int, fmt: str, edition_digest: str, *,
         filename: str, display_name: str, media_type: str, body: bytes, at: str) -> None:
    """Store a rendering unless one is there (another replica's, or of another edition under
    that number, which it replaces)."""
    table = compendium_documents
    held = connection.execute(sa.select(table.c.edition_digest).where(
        table.c.number == number, table.c.format == fmt)).scalar_one_or_none()
    if held == edition_digest:
        return
    values = {"edition_digest": edition_digest, "digest": body_digest(body), "size": len(body),
              "filename": filename, "display_name": display_name, "media_type": media_type,
              "body": body, "rendered_at": at}
    if held is None:
        try:
            with connection.begin_nested():
                connection.execute(table.insert().values(number=number, format=fmt, **values))
        except sa.exc.IntegrityError:   # another replica stored it meanwhile: that one stands
            pass
        return
    connection.execute(table.update().where(table.c.number == number, table.c.format == fmt)
                       .values(**values))

TABLES = (compendium_editions,)


def _editions(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    for edition in CompendiumEditions.from_events(stream_id, stream).editions:
        replace_row(connection, compendium_editions, "number", {
            "number": edition["number"], "day": edition["day"], "digest": edition["digest"],
            "built_at": edition["built_at"], "policies": len(edition["policies"]),
            "state": json.dumps(edition, ensure_ascii=False)})


FOLDS = {CompendiumEditions.stream_type: _editions}


def editions(connection: sa.Connection) -> list[dict]:
    """Every edition built, newest first, as EditionSummary."""
    rows = connection.execute(sa.select(compendium_editions).order_by(
        compendium_editions.c.number.desc())).all()
    return [{"number": row.number, "day": row.day, "digest": row.digest,
             "built_at": row.built_at, "policies": row.policies} for row in rows]
