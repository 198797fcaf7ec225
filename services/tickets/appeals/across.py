"""The commands on an appeal that touch other appeals too, run in the one unit of work of the
command: a merge (the survivor and each duplicate), a split (the original and each new appeal,
numbered in the same transaction), a link (both appeals), the rating of a merged appeal (which
reads its survivor). Each loads the appeals named, lets the aggregate decide, and saves every one
it changed; a refusal anywhere leaves every stream as it was. And how a reader is shown an
appeal that points across: the survivor's progress to a merged appeal's reader
(`merging.shown_to`). And the merge proposals: the open appeals of any enterprise that read as
the same matter, for the office to decide on (`proposals`)."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import sqlalchemy as sa

from kernel.actor import Actor
from kernel.store import UnitOfWork
from services.tickets.appeals import duplicates, merging, rules, views
from services.tickets.appeals.deadlines import DeadlinePolicy
from services.tickets.appeals.domain import Ticket
from services.tickets.appeals.exceptions import TicketNotFound
from services.tickets.appeals.numbers import ledger_number
from services.tickets.appeals.views import ticket_rows
from services.tickets.appeals.vocabulary import Status

COMMANDS = ("merge_in", "split", "link_related", "rate_merged")


def _load(uow: UnitOfWork, ticket_id: str) -> Ticket:
    ticket = uow.load(Ticket, ticket_id)
    if not ticket.exists:
        raise TicketNotFound(ticket_id)
    return ticket


def perform(uow: UnitOfWork, ticket: Ticket, method: str, arguments: dict, *, at: dt.datetime,
            actor: Actor, policy: DeadlinePolicy) -> None:
    """Run `method` on `ticket` with the other appeals its arguments name, and save them all."""
    # Who may, before what is named: a caller who may not merge learns nothing of the others.
    rules.check(method, ticket, actor)
    changed: list[Ticket] = []
    if method == "merge_in":
        others = [_load(uow, other) for other in
                  merging.appeal_ids("appeals", arguments.get("appeals"), ticket.id)]
        ticket.merge_in(appeals=others, reason=arguments.get("reason"), at=at, actor=actor)
        changed = others
    elif method == "link_related":
        other = _load(uow, merging.other_id("related_id", arguments.get("related_id"), ticket.id))
        ticket.link_related(other=other, note=arguments.get("note") or "", at=at, actor=actor)
        changed = [other]
    elif method == "rate_merged":
        survivor = _load(uow, ticket.survivor_id)
        # A bad rating opens its rectification on the survivor, which is saved with it.
        ticket.rate_merged(survivor=survivor, at=at, actor=actor, policy=policy, **arguments)
        changed = [survivor]
    elif method == "split":
        raised = uow.read_stream(ticket.id)[0].payload
        ticket.split(matters=arguments.get("matters"), reason=arguments.get("reason"),
                     raised=raised, numbering=lambda: (str(uuid.uuid4()), ledger_number(uow, at)),
                     at=at, actor=actor, policy=policy)
        changed = ticket.split_parts
    uow.save(ticket)
    for other in changed:
        uow.save(other)


def shown(connection, actor: Actor, view: dict) -> dict:
    """The view as `actor` reads it across appeals: a merged appeal with its survivor's
    progress; the survivor's links to other enterprises' merged appeals kept from an
    enterprise."""
    survivor = None
    if view["status"] == Status.MERGED:
        into = [link for link in view["links"] if link["kind"] == "merged_into"]
        if into:
            survivor = views.appeal_view(connection, into[-1]["ticket_id"])
    return merging.shown_to(actor, view, survivor)


# -- the duplicate check proposes, the office merges ----------------------------------------------

def proposal_candidates(connection, ticket_id: str) -> tuple[dict, list[dict]]:
    """The appeal's view and the open appeals of its category, of any enterprise, newest first
    (at most `duplicates.CANDIDATES`): what a merge proposal compares it with."""
    own = views.appeal_view(connection, ticket_id)
    if own is None:
        raise TicketNotFound(ticket_id)
    rows = connection.execute(
        sa.select(ticket_rows.c.state)
        .where(ticket_rows.c.category == own["category"], ticket_rows.c.id != ticket_id,
               ticket_rows.c.status.in_([status.value for status in rules.REGROUPABLE]))
        .order_by(ticket_rows.c.received_at.desc(), ticket_rows.c.id.desc())
        .limit(duplicates.CANDIDATES)).all()
    return own, [json.loads(row.state) for row in rows]


def proposals(own: dict, candidates: list[dict]) -> dict:
    """The candidates that read as the same matter as `own` (`duplicates.is_near_duplicate`):
    shown to the office, which alone decides to merge them. Pure, bounded work."""
    found = [candidate for candidate in candidates if duplicates.is_near_duplicate(
        own["title"], own["description"], candidate["title"], candidate["description"])]
    return {"ticket_id": own["id"], "proposals": [
        {key: candidate.get(key) for key in PROPOSAL_FIELDS} for candidate in found]}


PROPOSAL_FIELDS = ("id", "ledger_number", "enterprise_name", "uscc", "title", "status",
                   "received_at")
