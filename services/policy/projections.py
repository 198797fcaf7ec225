"""The policy service's read models, folded from the events in the same transaction as the command
that appended them, and rebuildable from the log at any time.

- policy_rows: a row per policy with the columns the list filters and orders by, and `state`,
  the aggregate's snapshot (every version included) that `get_policy` answers with;
- policy_feed: a row per publication or amendment, the portal's feed;
- rule_rows, briefing_rows, policy_work_rows: a row per implementation rule, briefing and
  policy-work item, each with its snapshot;
- compendium_editions: a row per edition built.

Each row is the aggregate's own snapshot, so the read model cannot show a state the aggregate
would not. A policy's search terms (`services.policy.search`) are written with its row and
rebuilt with it. The enterprises' profiles (`services.policy.enterprises`) and the register of
units (`kernel.units`, `known_units`) are not: they come from the liaison service's log, not this
one, so `rebuild` leaves their tables alone.
"""
from __future__ import annotations

import json
from typing import Sequence

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.store import events as event_log, read_stream, row_to_event
from services.policy import search
from services.policy.briefing import Briefing
from services.policy.domain import PolicyWork
from services.policy.editions import CompendiumEditions
from services.policy.implementation import ImplementationRule
from services.policy.policy import Policy

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
rule_rows = sa.Table(
    "rule_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("policy_id", sa.String(100)),
    sa.Column("unit", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("due", sa.String(10)),
    sa.Column("required_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
briefing_rows = sa.Table(
    "briefing_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("status", sa.String(20)),
    sa.Column("organiser", sa.String(100)),
    sa.Column("date", sa.String(10)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
policy_work_rows = sa.Table(
    "policy_work_rows", metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("unit", sa.String(100)),
    sa.Column("status", sa.String(20)),
    sa.Column("ticket_id", sa.String(100)),
    sa.Column("opened_at", sa.String(32)),
    sa.Column("version", sa.Integer),
    sa.Column("state", sa.Text),
)
compendium_editions = sa.Table(
    "compendium_editions", metadata,
    sa.Column("number", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("day", sa.String(10)),
    sa.Column("digest", sa.String(64)),
    sa.Column("built_at", sa.String(32)),
    sa.Column("policies", sa.Integer),
    sa.Column("state", sa.Text),
)

TABLES = (policy_rows, policy_feed, rule_rows, briefing_rows, policy_work_rows,
          compendium_editions)


def _dumps(state: dict) -> str:
    return json.dumps(state, ensure_ascii=False)


def _replace(connection: sa.Connection, table: sa.Table, key: str, row: dict) -> None:
    connection.execute(table.delete().where(table.c[key] == row[key]))
    connection.execute(table.insert().values(**row))


# -- one row per aggregate ---------------------------------------------------------------------

def _policy(connection: sa.Connection, policy_id: str, stream: list[Event],
            index: bool = True) -> None:
    policy = Policy.from_events(policy_id, stream)
    state = policy.snapshot()
    _replace(connection, policy_rows, "id", {
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


def _rule(connection: sa.Connection, rule_id: str, stream: list[Event]) -> None:
    state = ImplementationRule.from_events(rule_id, stream).snapshot()
    _replace(connection, rule_rows, "id", {
        "id": rule_id, "policy_id": state["policy_id"], "unit": state["unit"],
        "status": state["status"], "due": state["due"], "required_at": state["required_at"],
        "version": state["version"], "state": _dumps(state)})


def _briefing(connection: sa.Connection, briefing_id: str, stream: list[Event]) -> None:
    state = Briefing.from_events(briefing_id, stream).snapshot()
    _replace(connection, briefing_rows, "id", {
        "id": briefing_id, "status": state["status"], "organiser": state["organiser"],
        "date": state["date"], "version": state["version"], "state": _dumps(state)})


def _policy_work(connection: sa.Connection, item_id: str, stream: list[Event]) -> None:
    state = PolicyWork.from_events(item_id, stream).snapshot()
    _replace(connection, policy_work_rows, "id", {
        "id": item_id, "unit": state["unit"], "status": state["status"],
        "ticket_id": state["ticket_id"], "opened_at": state["opened_at"],
        "version": state["version"], "state": _dumps(state)})


def _editions(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    for edition in CompendiumEditions.from_events(stream_id, stream).editions:
        _replace(connection, compendium_editions, "number", {
            "number": edition["number"], "day": edition["day"], "digest": edition["digest"],
            "built_at": edition["built_at"], "policies": len(edition["policies"]),
            "state": _dumps(edition)})


FOLDS = {
    Policy.stream_type: _policy,
    ImplementationRule.stream_type: _rule,
    Briefing.stream_type: _briefing,
    PolicyWork.stream_type: _policy_work,
    CompendiumEditions.stream_type: _editions,
}


def _stream(connection: sa.Connection, stream_id: str, appended: list[Event]) -> list[Event]:
    # A stream begun by this command is all here: no read of the log.
    return appended if appended[0].version == 1 else read_stream(connection, stream_id)


def project(connection: sa.Connection, appended: Sequence[Event]) -> None:
    """The store's projector: refold every aggregate the command touched."""
    touched: dict[tuple[str, str], list[Event]] = {}
    for event in appended:
        if event.stream_type in FOLDS:
            touched.setdefault((event.stream_type, event.stream_id), []).append(event)
    for (stream_type, stream_id), new in touched.items():
        stream = _stream(connection, stream_id, new)
        FOLDS[stream_type](connection, stream_id, stream)
        if stream_type == Policy.stream_type:
            state = json.loads(connection.execute(sa.select(policy_rows.c.state).where(
                policy_rows.c.id == stream_id)).scalar_one())
            for event in new:
                _feed(connection, event, state)


def rebuild(engine: sa.Engine) -> int:
    """Drop the read models and fold them again from the log (the search terms included);
    return the number of streams refolded."""
    with engine.begin() as connection:
        for table in TABLES:
            connection.execute(table.delete())
        streams: dict[tuple[str, str], list[Event]] = {}
        for _, event in _log(connection):
            if event.stream_type in FOLDS:
                streams.setdefault((event.stream_type, event.stream_id), []).append(event)
        count = 0
        for (stream_type, stream_id), stream in streams.items():
            if stream_type == Policy.stream_type:
                _policy(connection, stream_id, stream, index=False)
            else:
                FOLDS[stream_type](connection, stream_id, stream)
            if stream_type == Policy.stream_type:
                state = json.loads(connection.execute(sa.select(policy_rows.c.state).where(
                    policy_rows.c.id == stream_id)).scalar_one())
                for event in stream:
                    _feed(connection, event, state)
            count += 1
        search.reindex(connection)
    return count


def _log(connection: sa.Connection):
    """The service's own log in the order it was appended (positions may not be given yet)."""
    rows = connection.execute(sa.select(event_log).order_by(event_log.c.id))
    for row in rows:
        yield row.id, row_to_event(row)
