"""Questions asked of the ledger's read model: one appeal's view, open appeals of an enterprise
(title and description, to tell a duplicate), appeals with a deadline coming due or a rating
awaited, filtered pages for the ledger view, and pages of the ledger workbook's lines (诉求台账).

The ledger view and the workbook share one query: the caller's filters, each checked here and
refused by a named error naming it, narrowed further by what the actor may read
(`access.scope_of`), newest first by (received_at, id). Pages follow a keyset cursor, so an appeal
received while a clerk pages through is neither skipped nor shown twice.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Callable, Mapping

import sqlalchemy as sa

from kernel import listing
from kernel.actor import Actor
from kernel.clock import start_of_office_day
from kernel.envelope import format_time
from kernel.errors import InvalidCursor, InvalidFilterValue
from services.tickets.appeals import contract, workbook
from services.tickets.appeals.access import scope_of, shown_contact
from services.tickets.appeals.tasks import OPEN_STATES as OPEN_TASK_STATES
from services.tickets.appeals.views import reach, ticket_rows, ticket_tasks, ticket_units
from services.tickets.appeals.vocabulary import COUNTIES, Category, Channel, Status
from services.tickets.appeals.vocabulary import AppealType, Urgency

PAGE_SIZE = contract.PAGE_SIZE
EXPORT_PAGE_SIZE = contract.EXPORT_PAGE_SIZE  # appeals per page of the workbook
CURSOR_LIMIT = contract.CURSOR_LIMIT  # a longer token was never handed out
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")  # kernel.envelope.format_time


def appeal(connection: sa.Connection, ticket_id: str) -> dict | None:
    """The appeal's view as the read model holds it (`appeal_view`); None if unknown."""
    state = connection.execute(
        sa.select(ticket_rows.c.state).where(ticket_rows.c.id == ticket_id)).scalar_one_or_none()
    return None if state is None else json.loads(state)


def in_linkage(connection: sa.Connection, actor: Actor, ticket_id: str) -> bool:
    """Whether the appeal lies within the linkage a leader or liaison officer reaches, by the
    same clause that narrows their ledger."""
    if scope_of(actor).keys() - {"leader", "liaison"}:
        return False
    found = connection.execute(sa.select(ticket_rows.c.id).where(
        ticket_rows.c.id == ticket_id, *_scope_clauses(actor))).first()
    return found is not None


def open_appeals_of(connection: sa.Connection, uscc: str, limit: int) -> list[dict]:
    """The enterprise's `limit` most recent open appeals, newest first: the candidates a new
    appeal may duplicate."""
    rows = connection.execute(
        sa.select(ticket_rows.c.id, ticket_rows.c.state)
        .where(ticket_rows.c.uscc == uscc, ticket_rows.c.status != Status.CLOSED.value)
        .order_by(ticket_rows.c.received_at.desc(), ticket_rows.c.id.desc())
        .limit(limit)).all()
    found = []
    for row in rows:
        state = json.loads(row.state)
        found.append({"id": row.id, "title": state["title"], "description": state["description"]})
    return found


def due_before(connection: sa.Connection, moment: dt.datetime) -> list[str]:
    """Appeals with a pending deadline already past: candidates for a missed-deadline fact.
    Only those rows are read, by the index on next_due."""
    return connection.execute(
        sa.select(ticket_rows.c.id).where(ticket_rows.c.next_due < format_time(moment))
        .order_by(ticket_rows.c.next_due)).scalars().all()


def resolved_unrated(connection: sa.Connection, moment: dt.datetime,
                     wait_days: int) -> list[str]:
    """Resolved appeals still waiting for a rating whose wait may be over by `moment`.

    The wait is counted in working days, which SQL cannot count; but n working days are at
    least n calendar days, so an appeal resolved less than `wait_days` calendar days ago cannot
    be due, and the rest are a small superset the aggregate decides on (those resolved in the
    last week or two). Counted here rather than stored at projection time because the policy
    in force when the watch runs is the one that decides. Read by the (status, resolved_at)
    index.
    """
    cut_off = format_time(moment - dt.timedelta(days=wait_days))
    return connection.execute(
        sa.select(ticket_rows.c.id)
        .where(ticket_rows.c.status == Status.RESOLVED.value,
               ticket_rows.c.resolved_at < cut_off)
        .order_by(ticket_rows.c.resolved_at)).scalars().all()


# -- the filters of the ledger view ----------------------------------------------------------

def _involving(unit: str) -> sa.ColumnElement:
    """Appeals the unit leads or assists on, as the projection lists them."""
    return ticket_rows.c.id.in_(
        sa.select(ticket_units.c.ticket_id).where(ticket_units.c.unit == unit))


def _unit(name: str, value: str) -> sa.ColumnElement:
    return _involving(listing.bounded(name, value, contract.CODE_LIMIT))


def _open_task_unit(name: str, value: str) -> sa.ColumnElement:
    """Appeals on which the unit's own task (协办) still waits for its signature or reply."""
    unit = listing.bounded(name, value, contract.CODE_LIMIT)
    return ticket_rows.c.id.in_(sa.select(ticket_tasks.c.ticket_id).where(
        ticket_tasks.c.unit == unit, ticket_tasks.c.status.in_(OPEN_TASK_STATES)))


def _overdue(name: str, value: str) -> sa.ColumnElement:
    flag = {"true": True, "false": False}.get(value.lower())
    if flag is None:
        raise InvalidFilterValue(name, value, "true or false")
    return ticket_rows.c.overdue == flag


def _local_midnight(name: str, value: str, days_later: int) -> str:
    """The UTC spelling of a Beijing-time midnight, comparable with received_at as text."""
    try:
        if not DATE.fullmatch(value):
            raise ValueError(value)
        day = dt.date.fromisoformat(value) + dt.timedelta(days=days_later)
        return format_time(start_of_office_day(day))
    except (ValueError, OverflowError):
        raise InvalidFilterValue(name, value, "a date written YYYY-MM-DD") from None


def _received_from(name: str, value: str) -> sa.ColumnElement:
    return ticket_rows.c.received_at >= _local_midnight(name, value, 0)


def _received_to(name: str, value: str) -> sa.ColumnElement:
    # Inclusive of the whole day: everything before the next midnight.
    return ticket_rows.c.received_at < _local_midnight(name, value, 1)


def _enterprise(name: str, value: str) -> sa.ColumnElement:
    value = listing.bounded(name, value, contract.NAME_LIMIT)
    return sa.or_(ticket_rows.c.uscc == value.upper(),
                  ticket_rows.c.enterprise_name.icontains(value, autoescape=True))


def _title_words(name: str, value: str) -> sa.ColumnElement:
    # Every word must appear, so "贷款 贴息" narrows rather than widens; % and _ are literal.
    return sa.and_(*(ticket_rows.c.title.icontains(word, autoescape=True)
                     for word in listing.bounded(name, value, contract.NAME_LIMIT).split()))


_CLAUSES: dict[str, Callable[[str, str], sa.ColumnElement]] = {
    "status": listing.coded(ticket_rows.c.status, Status.codes()),
    "unit": _unit,
    "open_task_unit": _open_task_unit,
    "county": listing.coded(ticket_rows.c.county, list(COUNTIES)),
    "category": listing.coded(ticket_rows.c.category, Category.codes()),
    "channel": listing.coded(ticket_rows.c.channel, Channel.codes()),
    "appeal_type": listing.coded(ticket_rows.c.appeal_type, AppealType.codes()),
    "urgency": listing.coded(ticket_rows.c.urgency, Urgency.codes()),
    "overdue": _overdue,
    "received_from": _received_from,
    "received_to": _received_to,
    "enterprise": _enterprise,
    "q": _title_words,
}
# The filters the wire contract names, each with its clause: a name without one fails at import.
FILTERS = {name: _CLAUSES[name] for name in contract.FILTERS}


def _filter_clauses(filters: Mapping | None) -> tuple[dict[str, str], dict[str, sa.ColumnElement]]:
    """The filters given, and each one's clause (every value checked), by name."""
    given = listing.given(filters, FILTERS)
    clauses = {name: FILTERS[name](name, value) for name, value in given.items()}
    # Both are checked YYYY-MM-DD by now, so text order is date order.
    if given.get("received_from", "") > given.get("received_to", "9999-99-99"):
        raise InvalidFilterValue("received_to", given["received_to"],
                                 f"a date on or after received_from {given['received_from']}")
    return given, clauses


def _scope_clauses(actor: Actor) -> list[sa.ColumnElement]:
    scope = scope_of(actor)
    if not scope:
        return []
    if "uscc" in scope:
        return [ticket_rows.c.uscc == scope["uscc"]]
    if "involved_unit" in scope:
        return [_involving(scope["involved_unit"])]
    for role in ("leader", "liaison"):
        if role in scope:
            return [reach(ticket_rows.c.uscc, ticket_rows.c.visit_id, role, scope[role])]
    # "nothing", or a scope this module does not know: fail closed rather than show everything.
    return [sa.false()]


def _ledger(actor: Actor, filters: Mapping | None, *columns,
            cursor: tuple[str, str] | None = None) -> sa.Select:
    """The appeals the filters and the actor's scope allow, newest first by (received_at, id),
    those after `cursor` only if one is given.

    Read in that order from an index, so that a page costs a page however long the ledger: the
    (…, received_at, id) indexes of ticket_rows (t0003), or, when the appeals are one unit's
    (a unit officer's scope, else the unit filter), that unit's rows of ticket_units by
    (unit, received_at, ticket_id), joined. A unit's rows carry their appeal's received_at for
    this, so the join gives the same appeals in the same order as `id IN (the unit's)` would,
    without sorting all of the unit's appeals to show the first fifty.
    """
    given, clauses = _filter_clauses(filters)
    scope = _scope_clauses(actor)
    unit = scope_of(actor).get("involved_unit")
    if unit is not None:
        scope = []  # the join below narrows to it
    elif "unit" in given:
        unit = given["unit"]
        del clauses["unit"]
    if unit is None:
        source, keys = ticket_rows, (ticket_rows.c.received_at, ticket_rows.c.id)
    else:
        units = ticket_units.alias("unit_rows")
        source = ticket_rows.join(units, sa.and_(units.c.ticket_id == ticket_rows.c.id,
                                                 units.c.unit == unit))
        keys = (units.c.received_at, units.c.ticket_id)
    query = (sa.select(*columns).select_from(source)
             .where(*clauses.values(), *scope)
             .order_by(*(key.desc() for key in keys)))
    return query if cursor is None else query.where(_after(keys, cursor))


# -- pages of the ledger view ----------------------------------------------------------------

def _encode_cursor(received_at: str, ticket_id: str) -> str:
    return listing.encode_cursor([received_at, ticket_id])


def _decode_cursor(token: str) -> tuple[str, str]:
    value = listing.decode_cursor(token, CURSOR_LIMIT)
    if not (isinstance(value, list) and len(value) == 2):
        raise InvalidCursor()
    received_at, ticket_id = value
    if not (isinstance(received_at, str) and MOMENT.fullmatch(received_at)
            and isinstance(ticket_id, str) and ticket_id):
        raise InvalidCursor()
    return received_at, ticket_id


def _after(keys: tuple[sa.ColumnElement, sa.ColumnElement],
           cursor: tuple[str, str]) -> sa.ColumnElement:
    """Rows that come after the cursor's row in (received_at DESC, id DESC) order, `keys`
    being the columns the query is ordered by.

    Written as one row-value comparison rather than `a < x OR (a = x AND b < y)`, so that both
    stores read it as a range of the index the page is read from and start the page at the
    cursor instead of filtering every older row.
    """
    received_at, ticket_id = cursor
    return sa.tuple_(*keys) < sa.tuple_(sa.literal(received_at), sa.literal(ticket_id))


def _item(row: sa.Row, actor: Actor) -> dict:
    item = dict(row._mapping)
    state = json.loads(item.pop("state"))
    item["assisting_units"] = state["assisting_units"]
    item["deadlines"] = state["deadlines"]
    # An assisting unit's officer sees on its list what its own task awaits (协办).
    item["tasks"] = state.get("tasks", [])
    item["redo_count"] = state.get("redo_count") or 0
    item["times"] = state.get("times") or {}
    # The line's contact as the reader may see it, by the same read rule as the appeal's.
    item["confidential"] = bool(state.get("confidential"))
    item.update(shown_contact(actor, state, {
        "contact_person": state.get("contact_person"),
        "contact_phone": state.get("contact_phone")}))
    return item


def page(connection: sa.Connection, actor: Actor, filters: Mapping | None, cursor: str | None,
         limit: int) -> dict:
    """One page of the ledger view, newest first, and the cursor of the next (None at the end)."""
    size = listing.page_size(limit, PAGE_SIZE)
    query = _ledger(actor, filters, *ticket_rows.c,
                    cursor=_decode_cursor(cursor) if cursor else None)
    # One row more than asked tells whether another page exists without counting them all.
    rows = connection.execute(query.limit(size + 1)).all()
    items = [_item(row, actor) for row in rows[:size]]
    last = rows[size - 1] if len(rows) > size else None
    return {"items": items,
            "next_cursor": _encode_cursor(last.received_at, last.id) if last else None}


def export_page(connection: sa.Connection, actor: Actor, filters: Mapping | None,
                cursor: str | None, size: int | None = None) -> dict:
    """One page of the ledger workbook: the lines (`workbook.line`) of the next `size` appeals
    the filters and the actor's scope allow, newest first after `cursor`, and the cursor of the
    page after (None at the end). The same query, scope and cursor as the ledger view's pages, so
    an export reads a bounded page per call however long the ledger, and an appeal received
    while it runs is neither skipped nor written twice."""
    size = size or EXPORT_PAGE_SIZE
    query = _ledger(actor, filters, ticket_rows.c.received_at, ticket_rows.c.id,
                    ticket_rows.c.state, cursor=_decode_cursor(cursor) if cursor else None)
    rows = connection.execute(query.limit(size + 1)).all()
    states = (json.loads(row.state) for row in rows[:size])
    lines = [workbook.line(shown_contact(actor, state, state)) for state in states]
    last = rows[size - 1] if len(rows) > size else None
    return {"lines": lines,
            "next_cursor": _encode_cursor(last.received_at, last.id) if last else None}
