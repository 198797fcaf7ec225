"""The policies' read models and the questions asked of them: `policy_rows`, a row per policy
with the columns the list filters and orders by and `state`, the aggregate's snapshot (every
version included) that `get_policy` answers with; `policy_feed`, a row per publication or
amendment (the portal's feed). A policy's search terms (`search`) are written with its row.

Every list is narrowed by what the actor may read (`access`): a draft never reaches the public,
an enterprise, or a unit officer of another unit. Filters arrive as text (query parameters), are
checked here and refused by a named error naming the filter.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Callable, Mapping

import sqlalchemy as sa

from kernel import listing
from kernel.actor import Actor
from kernel.envelope import Event
from kernel.errors import InvalidCursor, InvalidFilterValue
from kernel.refolding import replace_row
from services.policy.policies import access, contract, search
from services.policy.policies.domain import Policy
from services.policy.vocabulary import IN_FORCE, CostCategory, Level, Status

metadata = sa.MetaData()
policy_rows = sa.Table(
    "policy_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(20)),
    sa.Column("issuing_unit", sa.String(100)),
    sa.Column("title", sa.String(200)),
    sa.Column("document_number", sa.String(100)),
    sa.Column("level", sa.String(20)),
    sa.Column("cost_category", sa.String(40)),
    sa.Column("effective_from", sa.String(10)),
    sa.Column("effective_until", sa.String(10)),
    sa.Column("published_at", sa.String(32)),
    # published_at, or drafted_at for a draft: the list's order, newest first.
    sa.Column("listed_at", sa.String(32)),
    sa.Column("updated_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
policy_feed = sa.Table(
    "policy_feed", metadata,
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("policy_id", sa.String(100)),
    sa.Column("kind", sa.String(20)),
    sa.Column("version", sa.Integer),
    sa.Column("title", sa.String(200)),
    sa.Column("document_number", sa.String(100)),
    sa.Column("issuing_unit", sa.String(100)),
    sa.Column("summary", sa.Text),
    sa.Column("at", sa.String(32)),
)
TABLES = (policy_rows, policy_feed)


# -- the fold --------------------------------------------------------------------------------

def _dumps(state: dict) -> str:
    return json.dumps(state, ensure_ascii=False)


def _policy(connection: sa.Connection, policy_id: str, stream: list[Event],
            index: bool = True) -> dict:
    policy = Policy.from_events(policy_id, stream)
    state = policy.snapshot()
    replace_row(connection, policy_rows, "id", {
        "id": policy_id, "status": state["status"], "issuing_unit": state["issuing_unit"],
        "title": state["title"], "document_number": state["document_number"],
        "level": state["level"], "cost_category": state["cost_category"],
        "effective_from": state["effective_from"], "effective_until": state["effective_until"],
        "published_at": state["published_at"],
        "listed_at": state["published_at"] or state["drafted_at"],
        "updated_at": stream[-1].occurred_at, "version": state["version"],
        "state": _dumps(state),
    })
    if index:
        search.index_policy(connection, state)
    return state


def _feed(connection: sa.Connection, event: Event, state: dict) -> None:
    if event.type not in ("PolicyPublished", "PolicyAmended"):
        return
    p = event.payload
    connection.execute(policy_feed.delete().where(policy_feed.c.event_id == event.event_id))
    connection.execute(policy_feed.insert().values(
        event_id=event.event_id, policy_id=event.stream_id,
        kind="published" if event.type == "PolicyPublished" else "amended",
        version=p["number"], title=p["title"], document_number=p["document_number"],
        issuing_unit=state["issuing_unit"], summary=p["summary"], at=event.occurred_at))


FOLDS = {Policy.stream_type: _policy}


def refold(connection: sa.Connection, stream_id: str, stream: list[Event], new: list[Event],
           index: bool = True) -> None:
    """A policy's row, and beside it its feed, from the events the command appended (all of
    them on a rebuild), and its search terms, unless `index` is False (a rebuild indexes every
    policy once after the rows, `search.reindex`)."""
    state = _policy(connection, stream_id, stream, index=index)
    for event in new:
        _feed(connection, event, state)


# -- one policy, the list -------------------------------------------------------------------

def state_of(connection: sa.Connection, table: sa.Table, key) -> dict | None:
    """The snapshot a read model's row keeps under `key`; None if there is none."""
    state = connection.execute(sa.select(table.c.state).where(
        table.c[table.primary_key.columns.keys()[0]] == key)).scalar_one_or_none()
    return None if state is None else json.loads(state)


def policy(connection: sa.Connection, policy_id: str) -> dict | None:
    """The policy's snapshot as the read model holds it; None if unknown."""
    return state_of(connection, policy_rows, policy_id)


# -- filters ---------------------------------------------------------------------------------

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IN_FORCE_CODES = [status.value for status in IN_FORCE]


def _day(name: str, value: str) -> str:
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidFilterValue(name, value, "a date written YYYY-MM-DD") from None


def in_force_clause(day: str) -> sa.ColumnElement:
    """In force on `day` (`domain.in_force_on`, in SQL): published or amended, within its dates."""
    return sa.and_(policy_rows.c.status.in_(IN_FORCE_CODES), policy_rows.c.effective_from <= day,
                   sa.or_(policy_rows.c.effective_until.is_(None),
                          policy_rows.c.effective_until >= day))


def _in_force_on(name: str, value: str) -> sa.ColumnElement:
    return in_force_clause(_day(name, value))


def _unit(name: str, value: str) -> sa.ColumnElement:
    return policy_rows.c.issuing_unit == listing.bounded(name, value, contract.CODE_LIMIT)


def _q(name: str, value: str) -> None:
    listing.bounded(name, value, contract.NAME_LIMIT)
    return None  # ranked by the search, not a clause


_POLICY_CLAUSES: dict[str, Callable[[str, str], sa.ColumnElement | None]] = {
    "q": _q,
    "level": listing.coded(policy_rows.c.level, Level.codes()),
    "cost_category": listing.coded(policy_rows.c.cost_category, CostCategory.codes()),
    "unit": _unit,
    "in_force_on": _in_force_on,
    "status": listing.coded(policy_rows.c.status, Status.codes()),
}
POLICY_FILTERS = {name: _POLICY_CLAUSES[name] for name in contract.FILTERS}


def policy_scope_clauses(actor: Actor) -> list[sa.ColumnElement]:
    scope = access.policy_scope(actor)
    if not scope:
        return []
    published = policy_rows.c.status != Status.DRAFT.value
    if "published_or_unit" in scope:
        return [sa.or_(published, policy_rows.c.issuing_unit == scope["published_or_unit"])]
    return [published]


# -- pages of the policy list ----------------------------------------------------------------

def _keyset_cursor(token: str) -> tuple[str, str]:
    value = listing.decode_cursor(token, contract.CURSOR_LIMIT)
    if not (isinstance(value, list) and len(value) == 2
            and all(isinstance(part, str) and part for part in value)):
        raise InvalidCursor()
    return value[0], value[1]


def _offset_cursor(token: str) -> int:
    value = listing.decode_cursor(token, contract.CURSOR_LIMIT)
    if not (isinstance(value, dict) and isinstance(value.get("offset"), int)
            and not isinstance(value.get("offset"), bool) and value["offset"] >= 0):
        raise InvalidCursor()
    return value["offset"]


SUMMARY_FIELDS = tuple(contract.PolicySummary.model_fields)


def summary_of(state: dict, updated_at: str) -> dict:
    return {**{name: state.get(name) for name in SUMMARY_FIELDS}, "updated_at": updated_at}


def page(connection: sa.Connection, actor: Actor, filters: Mapping | None,
         cursor: str | None, limit: int) -> dict:
    """One page of the policies the filters and the actor's scope allow: ranked by relevance
    when `q` is given (`search`), else newest published first."""
    size = listing.page_size(limit, contract.PAGE_SIZE)
    given = listing.given(filters, POLICY_FILTERS)
    clauses = [clause for name, value in given.items()
               if (clause := POLICY_FILTERS[name](name, value)) is not None]
    where = [*clauses, *policy_scope_clauses(actor)]
    if "q" in given:
        return _searched(connection, given["q"], where, cursor, size)
    keys = (policy_rows.c.listed_at, policy_rows.c.id)
    query = (sa.select(policy_rows.c.state, policy_rows.c.updated_at, *keys).where(*where)
             .order_by(*(key.desc() for key in keys)))
    if cursor:
        listed_at, policy_id = _keyset_cursor(cursor)
        query = query.where(sa.tuple_(*keys) < sa.tuple_(sa.literal(listed_at),
                                                         sa.literal(policy_id)))
    rows = connection.execute(query.limit(size + 1)).all()
    items = [summary_of(json.loads(row.state), row.updated_at) for row in rows[:size]]
    last = rows[size - 1] if len(rows) > size else None
    return {"items": items, "next_cursor": listing.encode_cursor([last.listed_at, last.id]) if last else None}


def _searched(connection: sa.Connection, q: str, where: list, cursor: str | None,
              size: int) -> dict:
    offset = _offset_cursor(cursor) if cursor else 0
    allowed = sa.select(policy_rows.c.id).where(*where)
    found = [policy_id for policy_id, _ in search.search(
        connection, q, ids_allowed=allowed, limit=size + 1, offset=offset)]
    rows = {row.id: row for row in connection.execute(
        sa.select(policy_rows.c.id, policy_rows.c.state, policy_rows.c.updated_at)
        .where(policy_rows.c.id.in_(found[:size])))}
    items = [summary_of(json.loads(rows[policy_id].state), rows[policy_id].updated_at)
             for policy_id in found[:size] if policy_id in rows]
    more = len(found) > size
    return {"items": items, "next_cursor": listing.encode_cursor({"offset": offset + size}) if more else None}


def states(connection: sa.Connection, query: sa.Select) -> list[dict]:
    """The snapshots a query of a read model's `state` column answers."""
    return [json.loads(state) for state in connection.execute(query).scalars()]


def in_force_snapshots(connection: sa.Connection, day: str) -> list[dict]:
    """Every policy in force on `day`, oldest first."""
    return [json.loads(state) for state in connection.execute(
        sa.select(policy_rows.c.state).where(in_force_clause(day))
        .order_by(policy_rows.c.effective_from, policy_rows.c.id)).scalars()]


# -- what the timer records ------------------------------------------------------------------

def lapsed_policies(connection: sa.Connection, day: str) -> list[str]:
    """Policies in force by status whose end date is before `day`: to be recorded expired."""
    return connection.execute(sa.select(policy_rows.c.id).where(
        policy_rows.c.status.in_(IN_FORCE_CODES), policy_rows.c.effective_until < day)
        .order_by(policy_rows.c.effective_until)).scalars().all()
