"""The compendium's read model: `compendium_editions`, a row per edition built, and the list of
editions. The documents rendered of an edition are kept apart (`rendered`): not folded from the
log, they survive a rebuild."""
from __future__ import annotations

import json

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
