"""Questions asked of the policy service's read models (`projections`): one policy, pages of the
policy list (filtered, newest published first, or ranked by the Chinese search), implementation
rules, briefings, policy-work items, the compendium's editions, the portal's feed and deadlines,
and what the timer has to record.

Every list is narrowed by what the actor may read (`access`): a draft never reaches the public,
an enterprise, or a unit officer of another unit. Filters arrive as text (query parameters), are
checked here and refused by a named error naming the filter.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Callable, Mapping

import sqlalchemy as sa

from kernel import listing
from kernel.actor import Actor
from kernel.errors import InvalidCursor, InvalidFilterValue
from services.policy import access, contract, search
from services.policy.projections import (
    briefing_rows, compendium_editions, policy_feed, policy_rows,
    policy_work_rows, rule_rows,
)
from services.policy.vocabulary import (
    IN_FORCE, BriefingStatus, CostCategory, Level, RuleStatus, Status,
)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
IN_FORCE_CODES = [status.value for status in IN_FORCE]
# notice 二(二)3: the policies on the portal by May 15; the implementation rules by May 20.
POLICIES_ON_PORTAL_BY = (5, 15)
RULES_BY = (5, 20)


def _state(connection: sa.Connection, table: sa.Table, key) -> dict | None:
    state = connection.execute(sa.select(table.c.state).where(
        table.c[table.primary_key.columns.keys()[0]] == key)).scalar_one_or_none()
    return None if state is None else json.loads(state)


def policy(connection: sa.Connection, policy_id: str) -> dict | None:
    """The policy's snapshot as the read model holds it; None if unknown."""
    return _state(connection, policy_rows, policy_id)


def rule(connection: sa.Connection, rule_id: str) -> dict | None:
    return _state(connection, rule_rows, rule_id)


def briefing(connection: sa.Connection, briefing_id: str) -> dict | None:
    return _state(connection, briefing_rows, briefing_id)


# -- filters ---------------------------------------------------------------------------------

def _day(name: str, value: str) -> str:
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidFilterValue(name, value, "a date written YYYY-MM-DD") from None


def in_force_clause(day: str) -> sa.ColumnElement:
    """In force on `day` (`policy.in_force_on`, in SQL): published or amended, within its dates."""
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


def _policy_scope(actor: Actor) -> list[sa.ColumnElement]:
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
    when `q` is given (`services.policy.search`), else newest published first."""
    size = listing.page_size(limit, contract.PAGE_SIZE)
    given = listing.given(filters, POLICY_FILTERS)
    clauses = [clause for name, value in given.items()
               if (clause := POLICY_FILTERS[name](name, value)) is not None]
    where = [*clauses, *_policy_scope(actor)]
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


def in_force_snapshots(connection: sa.Connection, day: str) -> list[dict]:
    """Every policy in force on `day`, oldest first."""
    return [json.loads(state) for state in connection.execute(
        sa.select(policy_rows.c.state).where(in_force_clause(day))
        .order_by(policy_rows.c.effective_from, policy_rows.c.id)).scalars()]


# -- implementation rules, briefings, policy work --------------------------------------------

def _states(connection: sa.Connection, query: sa.Select) -> list[dict]:
    return [json.loads(state) for state in connection.execute(query).scalars()]


_RULE_CLAUSES = {
    "policy_id": lambda name, value: rule_rows.c.policy_id == listing.bounded(name, value,
                                                                       contract.CODE_LIMIT),
    "unit": lambda name, value: rule_rows.c.unit == listing.bounded(name, value, contract.CODE_LIMIT),
    "status": listing.coded(rule_rows.c.status, RuleStatus.codes()),
}
RULE_FILTERS = {name: _RULE_CLAUSES[name] for name in contract.RULE_FILTERS}


def rules(connection: sa.Connection, actor: Actor, filters: Mapping | None) -> list[dict]:
    """The implementation rules the filters and the actor's scope allow, by due date."""
    given = listing.given(filters, RULE_FILTERS)
    where = [RULE_FILTERS[name](name, value) for name, value in given.items()]
    scope = access.rule_scope(actor)
    # A rule filed for a draft stays with whoever may read the draft (access.may_read_rule).
    readable = sa.select(policy_rows.c.id).where(*_policy_scope(actor))
    filed = sa.and_(rule_rows.c.status == RuleStatus.FILED.value,
                    rule_rows.c.policy_id.in_(readable))
    if "filed_or_unit" in scope:
        where.append(sa.or_(filed, rule_rows.c.unit == scope["filed_or_unit"]))
    elif scope:
        where.append(filed)
    return _states(connection, sa.select(rule_rows.c.state).where(*where).order_by(
        rule_rows.c.policy_id, rule_rows.c.unit))


_BRIEFING_CLAUSES = {
    "status": listing.coded(briefing_rows.c.status, BriefingStatus.codes()),
    "organiser": lambda name, value: briefing_rows.c.organiser == listing.bounded(
        name, value, contract.CODE_LIMIT),
    "policy_id": None,  # a value inside the state: filtered after reading
}
BRIEFING_FILTERS = {name: _BRIEFING_CLAUSES[name] for name in contract.BRIEFING_FILTERS}


def briefings(connection: sa.Connection, actor: Actor, filters: Mapping | None) -> list[dict]:
    """The briefings the filters allow among those the actor is named in (`access`), newest
    date first. Not paged: a city holds a handful a year."""
    given = listing.given(filters, BRIEFING_FILTERS)
    where = [BRIEFING_FILTERS[name](name, value) for name, value in given.items()
             if BRIEFING_FILTERS[name] is not None]
    found = _states(connection, sa.select(briefing_rows.c.state).where(*where).order_by(
        briefing_rows.c.date.desc(), briefing_rows.c.id))
    found = [item for item in found if access.may_read_briefing(actor, item)]
    if "policy_id" in given:
        found = [item for item in found if given["policy_id"] in item["policy_ids"]]
    return found


def policy_work_items(connection: sa.Connection, actor: Actor) -> list[dict]:
    """Every item the actor may see, oldest first: a unit officer sees its own unit's."""
    access.check_may_read_policy_work(actor)
    query = sa.select(policy_work_rows.c.state).order_by(policy_work_rows.c.opened_at,
                                                         policy_work_rows.c.id)
    if actor.role == "unit_officer":
        query = query.where(policy_work_rows.c.unit == actor.unit)
    return _states(connection, query)


# -- the compendium, the portal --------------------------------------------------------------

def editions(connection: sa.Connection) -> list[dict]:
    """Every edition built, newest first, as EditionSummary."""
    rows = connection.execute(sa.select(compendium_editions).order_by(
        compendium_editions.c.number.desc())).all()
    return [{"number": row.number, "day": row.day, "digest": row.digest,
             "built_at": row.built_at, "policies": row.policies} for row in rows]


def feed(connection: sa.Connection, limit: int) -> list[dict]:
    """What was published or amended, newest first (the portal's Atom feed)."""
    size = listing.page_size(limit, contract.FEED_SIZE)
    rows = connection.execute(sa.select(policy_feed).order_by(
        policy_feed.c.at.desc(), policy_feed.c.event_id.desc()).limit(size)).all()
    return [{"policy_id": row.policy_id, "title": row.title,
             "document_number": row.document_number, "issuing_unit": row.issuing_unit,
             "kind": row.kind, "version": row.version, "at": row.at, "summary": row.summary}
            for row in rows]


def portal_mark(connection: sa.Connection, day: str) -> dict:
    """A digest of what the public sees (every policy not a draft, as of its last change; the
    rules filed; the editions), of `day`, and the latest edition's number and digest."""
    shown = connection.execute(sa.select(
        sa.func.count(), sa.func.max(policy_rows.c.updated_at), sa.func.sum(policy_rows.c.version)
    ).where(policy_rows.c.status != Status.DRAFT.value)).one()
    filed = connection.execute(sa.select(sa.func.count()).where(
        rule_rows.c.status == RuleStatus.FILED.value)).scalar_one()
    latest = connection.execute(sa.select(compendium_editions.c.number,
                                          compendium_editions.c.digest)
                                .order_by(compendium_editions.c.number.desc()).limit(1)).first()
    edition = {"number": latest.number, "digest": latest.digest} if latest else None
    seen = json.dumps([day, list(shown), filed, edition], default=str)
    return {"mark": hashlib.sha256(seen.encode()).hexdigest(), "edition": edition}


def _verdict(met: int, late: int, missing: int) -> dict:
    status = "missing" if missing else "late" if late else "met"
    return {"status": status, "met": met, "late": late, "missing": missing}


def portal_deadlines(connection: sa.Connection, year: int, office_day: Callable[[str], str],
                     unit: str | None = None) -> dict:
    """Per unit: its policies on the portal by May 15 and its implementation rules filed by May
    20 (or by their own due date): met, late or missing. `office_day(moment)` turns a stored
    moment into the office's day; `unit` narrows to that unit's line (a unit officer's)."""
    policies_due = dt.date(year, *POLICIES_ON_PORTAL_BY).isoformat()
    rules_due = dt.date(year, *RULES_BY).isoformat()
    units: dict[str, dict] = {}
    policy_query = sa.select(policy_rows.c.issuing_unit, policy_rows.c.published_at)
    rule_query = sa.select(rule_rows.c.state)
    if unit is not None:
        policy_query = policy_query.where(policy_rows.c.issuing_unit == unit)
        rule_query = rule_query.where(rule_rows.c.unit == unit)
    for row in connection.execute(policy_query):
        counts = units.setdefault(row.issuing_unit, {}).setdefault("policies", [0, 0, 0])
        if row.published_at is None:
            counts[2] += 1
        elif office_day(row.published_at) <= policies_due:
            counts[0] += 1
        else:
            counts[1] += 1
    for state in _states(connection, rule_query):
        counts = units.setdefault(state["unit"], {}).setdefault("rules", [0, 0, 0])
        due = state["due"] or rules_due
        if state["status"] != RuleStatus.FILED.value:
            counts[2] += 1
        elif state["late"] or office_day(state["filed_at"]) > due:
            counts[1] += 1
        else:
            counts[0] += 1
    return {"year": year, "policies_due": policies_due, "rules_due": rules_due,
            "units": [{"unit": unit,
                       "policies": _verdict(*kept["policies"]) if "policies" in kept else None,
                       "rules": _verdict(*kept["rules"]) if "rules" in kept else None}
                      for unit, kept in sorted(units.items())]}


# -- what the timer records ------------------------------------------------------------------

def lapsed_policies(connection: sa.Connection, day: str) -> list[str]:
    """Policies in force by status whose end date is before `day`: to be recorded expired."""
    return connection.execute(sa.select(policy_rows.c.id).where(
        policy_rows.c.status.in_(IN_FORCE_CODES), policy_rows.c.effective_until < day)
        .order_by(policy_rows.c.effective_until)).scalars().all()


def overdue_rules(connection: sa.Connection, day: str) -> list[str]:
    """Rules still required whose due date is before `day`: to be recorded overdue."""
    return connection.execute(sa.select(rule_rows.c.id).where(
        rule_rows.c.status == RuleStatus.REQUIRED.value, rule_rows.c.due < day)
        .order_by(rule_rows.c.due)).scalars().all()
