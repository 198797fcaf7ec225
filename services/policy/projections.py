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

import sqlalchemy as sa

from kernel.envelope import Event
from kernel.refolding import Progress, Refolding, replace_row, snapshot_row
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


# -- one row per aggregate ---------------------------------------------------------------------

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


def _editions(connection: sa.Connection, stream_id: str, stream: list[Event]) -> None:
    for edition in CompendiumEditions.from_events(stream_id, stream).editions:
        replace_row(connection, compendium_editions, "number", {
            "number": edition["number"], "day": edition["day"], "digest": edition["digest"],
            "built_at": edition["built_at"], "policies": len(edition["policies"]),
            "state": _dumps(edition)})


FOLDS = {
    Policy.stream_type: _policy,
    ImplementationRule.stream_type: snapshot_row(ImplementationRule, rule_rows, (
        "id", "policy_id", "unit", "status", "due", "required_at", "version")),
    Briefing.stream_type: snapshot_row(Briefing, briefing_rows, (
        "id", "status", "organiser", "date", "version")),
    PolicyWork.stream_type: snapshot_row(PolicyWork, policy_work_rows, (
        "id", "unit", "status", "ticket_id", "opened_at", "version")),
    CompendiumEditions.stream_type: _editions,
}


class _Projector(Refolding):
    """Beside a policy's row: its feed, from the events the command appended (all of them on a
    rebuild), and its search terms, written with the row as it is folded, or, on a rebuild, once
    for every policy after the rows."""

    def __init__(self, index: bool):
        super().__init__(FOLDS, TABLES)
        self.index = index

    def refold(self, connection: sa.Connection, stream_type: str, stream_id: str,
               stream: list[Event], new: list[Event]) -> None:
        if stream_type != Policy.stream_type:
            return super().refold(connection, stream_type, stream_id, stream, new)
        state = _policy(connection, stream_id, stream, index=self.index)
        for event in new:
            _feed(connection, event, state)


project = _Projector(index=True).project
_rebuilding = _Projector(index=False)


def rebuild(engine: sa.Engine, progress: Progress | None = None) -> int:
    """Drop the read models and fold them again from the log (the search terms included);
    return the number of streams refolded."""
    with engine.begin() as connection:
        count = _rebuilding.rebuild(connection, progress)
        search.reindex(connection)
    return count
