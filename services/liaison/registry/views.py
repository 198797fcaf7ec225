"""The registry's read models, folded in the command's transaction and rebuildable from the log
by the liaison service's projector (`services.liaison.projections`, from `FOLDS` and `TABLES`).

- liaison_enterprises: a row per enterprise (uscc) with the columns the list filters by (county,
  park, tier, above designated size), the current operating tier with who rated it (`rated_by`:
  the rating county's unit code, or "office") and when, and `state`, the aggregate's snapshot
  (the ratings' history included);
- liaison_parks, liaison_units, liaison_leaders: a row each, with its snapshot;
- liaison_leading_group: the leading group's snapshot (its office, its four working groups).

Each row is the aggregate's own snapshot, so the read model cannot show a state the aggregate
would not. The query functions below are what the linkage and the field work read: plain dicts,
never the snapshot's JSON text.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa

from kernel.refolding import snapshot_row
from services.liaison.registry.domain import (
    LEADING_GROUP_ID,
    Enterprise,
    Leader,
    LeadingGroup,
    Park,
    Unit,
)

metadata = sa.MetaData()
liaison_enterprises = sa.Table(
    "liaison_enterprises", metadata,
    sa.Column("uscc", sa.String(18), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("county", sa.String(100)),
    sa.Column("park", sa.String(100)),
    sa.Column("industry", sa.String(100)),
    sa.Column("size", sa.String(20)),
    sa.Column("above_designated_size", sa.Boolean),
    sa.Column("tier", sa.String(20)),
    sa.Column("rated_at", sa.String(32)),
    sa.Column("rated_by", sa.String(240)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_parks = sa.Table(
    "liaison_parks", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("county", sa.String(100)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_units = sa.Table(
    "liaison_units", metadata,
    sa.Column("code", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("kind", sa.String(20)),
    sa.Column("county", sa.String(100)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_leaders = sa.Table(
    "liaison_leaders", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("name", sa.String(200)),
    sa.Column("rank", sa.String(20)),
    sa.Column("title", sa.String(200)),
    sa.Column("county", sa.String(100)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
liaison_leading_group = sa.Table(
    "liaison_leading_group", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)

TABLES = (liaison_enterprises, liaison_parks, liaison_units, liaison_leaders,
          liaison_leading_group)


# -- one row per aggregate ---------------------------------------------------------------------

ENTERPRISE_COLUMNS = ("uscc", "name", "county", "park", "industry", "size",
                      "above_designated_size", "tier", "rated_at", "rated_by", "version")
PARK_COLUMNS = ("id", "name", "county", "version")
UNIT_COLUMNS = ("code", "name", "kind", "county", "version")
LEADER_COLUMNS = ("id", "name", "rank", "title", "county", "version")

FOLDS = {
    Enterprise.stream_type: snapshot_row(Enterprise, liaison_enterprises, ENTERPRISE_COLUMNS),
    Park.stream_type: snapshot_row(Park, liaison_parks, PARK_COLUMNS),
    Unit.stream_type: snapshot_row(Unit, liaison_units, UNIT_COLUMNS),
    Leader.stream_type: snapshot_row(Leader, liaison_leaders, LEADER_COLUMNS),
    LeadingGroup.stream_type: snapshot_row(LeadingGroup, liaison_leading_group, ("id", "version")),
}


# -- queries: what the linkage, the field work and the RPCs read -------------------------------

def _row(row, columns: Sequence[str]) -> dict:
    return {column: getattr(row, column) for column in columns}


def _listing(connection: sa.Connection, table: sa.Table, columns: Sequence[str],
             column: str, value: str | None) -> list[dict]:
    """Every row by its key (the first of `columns`), only those whose `column` is `value`
    when that is given."""
    query = sa.select(table).order_by(table.c[columns[0]])
    if value is not None:
        query = query.where(table.c[column] == value)
    return [_row(row, columns) for row in connection.execute(query)]


def _enterprise_row(row) -> dict:
    found = _row(row, ENTERPRISE_COLUMNS)
    found["above_designated_size"] = bool(found["above_designated_size"])
    return found


def enterprise(connection: sa.Connection, uscc: str) -> dict | None:
    """The enterprise's row {uscc, name, county, park, industry, size, above_designated_size,
    tier, rated_at, rated_by, version} with its ratings' history `ratings` (oldest first:
    {tier, rated_by, rated_at, actor}), or None if it is not registered."""
    found = connection.execute(sa.select(liaison_enterprises).where(
        liaison_enterprises.c.uscc == uscc)).first()
    if found is None:
        return None
    return {**_enterprise_row(found), "ratings": json.loads(found.state)["ratings"]}


def enterprise_state(connection: sa.Connection, uscc: str) -> dict | None:
    """The enterprise's whole snapshot (registered_at/by, updated_at, ratings), or None."""
    found = connection.execute(sa.select(liaison_enterprises.c.state).where(
        liaison_enterprises.c.uscc == uscc)).scalar()
    return json.loads(found) if found is not None else None


def enterprises(connection: sa.Connection, *, county: str | None = None,
                park: str | None = None, tier: str | None = None,
                above_designated_size: bool | None = None) -> list[dict]:
    """The enterprises' rows (as `enterprise`, without `ratings`), by uscc, narrowed by each
    filter given (tier "unrated" selects those not yet rated)."""
    table = liaison_enterprises.c
    where = []
    if county is not None:
        where.append(table.county == county)
    if park is not None:
        where.append(table.park == park)
    if tier == "unrated":
        where.append(table.tier.is_(None))
    elif tier is not None:
        where.append(table.tier == tier)
    if above_designated_size is not None:
        where.append(table.above_designated_size == bool(above_designated_size))
    rows = connection.execute(sa.select(*(table[c] for c in ENTERPRISE_COLUMNS))
                              .where(*where).order_by(table.uscc))
    return [_enterprise_row(row) for row in rows]


def park(connection: sa.Connection, id: str) -> dict | None:
    """The park {id, name, county, version}, or None."""
    found = connection.execute(sa.select(liaison_parks).where(liaison_parks.c.id == id)).first()
    return _row(found, PARK_COLUMNS) if found is not None else None


def parks(connection: sa.Connection, county: str | None = None) -> list[dict]:
    """Every park {id, name, county, version}, by id (of one county if given)."""
    return _listing(connection, liaison_parks, PARK_COLUMNS, "county", county)


def unit(connection: sa.Connection, code: str) -> dict | None:
    """The unit {code, name, kind, county, version}, or None."""
    found = connection.execute(sa.select(liaison_units).where(liaison_units.c.code == code)).first()
    return _row(found, UNIT_COLUMNS) if found is not None else None


def units(connection: sa.Connection, kind: str | None = None) -> list[dict]:
    """Every unit {code, name, kind, county, version}, by code (of one kind if given:
    city_department, county or zone)."""
    return _listing(connection, liaison_units, UNIT_COLUMNS, "kind", kind)


def leader(connection: sa.Connection, id: str) -> dict | None:
    """The leader {id, name, rank, title, county, version}, or None."""
    found = connection.execute(sa.select(liaison_leaders).where(
        liaison_leaders.c.id == id)).first()
    return _row(found, LEADER_COLUMNS) if found is not None else None


def leaders(connection: sa.Connection, rank: str | None = None) -> list[dict]:
    """Every leader {id, name, rank, title, county, version}, by id (of one rank if given:
    top_city, city or county)."""
    return _listing(connection, liaison_leaders, LEADER_COLUMNS, "rank", rank)


def leading_group(connection: sa.Connection) -> dict:
    """The leading group: {id, office: {unit, name}, groups: {code: {code, name, members:
    [{name, unit, role}]}}, version}; its four working groups empty until members are set."""
    found = connection.execute(sa.select(liaison_leading_group.c.state).where(
        liaison_leading_group.c.id == LEADING_GROUP_ID)).scalar()
    return json.loads(found) if found is not None else LeadingGroup(LEADING_GROUP_ID).snapshot()


def working_group_units(connection: sa.Connection, group: str) -> list[str]:
    """The units of a working group's members (policy_briefing, enterprise_help,
    problem_solving, supervision), in the order first named, without repeats."""
    members = leading_group(connection)["groups"].get(group, {}).get("members", [])
    return list(dict.fromkeys(member["unit"] for member in members))
