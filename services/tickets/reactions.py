"""What the tickets service does on other services' events: a problem found on a leader's or a
cadre's visit (liaison `VisitProblemFound`, notice 二(三)2 — 对走访中发现的问题 … 纳入诉求台账) is
received into the ledger as an appeal, channel "visit", naming the visit.

Exactly once: the appeal's id derives from the problem's event id (uuid5 in `VISIT_APPEALS`, the
namespace the liaison service derives it in too — a convention both keep, and a test holds), so a
second delivery, or a sweep of the liaison log after a lost checkpoint, finds the appeal and raises
nothing. The ledger number is given in the same transaction (`numbers.ledger_number`)."""
from __future__ import annotations

import functools
import uuid

import structlog

from kernel.actor import Actor
from kernel.envelope import Event, utc_now
from kernel.store import UnitOfWork
from services.tickets.deadlines import DEFAULT_POLICY, DeadlinePolicy
from services.tickets.domain import Ticket
from services.tickets.numbers import ledger_number

log = structlog.get_logger(__name__)

# The liaison service's visits raise these appeals; the tickets service acts in their name.
VISITS = Actor(sub="liaison-visits", role="system")
# uuid5(VISIT_APPEALS, the VisitProblemFound event's id) is the appeal's id.
VISIT_APPEALS = uuid.UUID("0b6a3f0e-2f4c-5c55-9a51-6f1d3c8e7a21")
CONSUMER = "visits"


def appeal_id_for(problem_event_id: str) -> str:
    return str(uuid.uuid5(VISIT_APPEALS, problem_event_id))


def raise_from_visit(uow: UnitOfWork, event: Event,
                     policy: DeadlinePolicy = DEFAULT_POLICY) -> None:
    """liaison `VisitProblemFound` → one appeal, raised once, under the deadlines `policy`."""
    ticket_id = appeal_id_for(event.event_id)
    if uow.load(Ticket, ticket_id).exists:
        return
    p = event.payload
    at = utc_now()
    ticket = Ticket.raise_appeal(
        ticket_id, ledger_number=ledger_number(uow, at), enterprise_name=p["enterprise_name"],
        uscc=p["uscc"], title=p["title"], description=p["description"], channel="visit",
        category=p["category"], county=p["county"], visit_id=p["visit_id"], at=at,
        actor=VISITS, policy=policy)
    uow.save(ticket)
    log.info("appeal raised from a visit", ticket_id=ticket_id, visit_id=p["visit_id"],
             problem_id=p.get("problem_id"))


def visit_subscriptions(policy: DeadlinePolicy = DEFAULT_POLICY) -> dict:
    """The tickets service's subscription to the liaison service's visits, under `policy`."""
    return {"liaison": {"VisitProblemFound": functools.partial(raise_from_visit,
                                                               policy=policy)}}
