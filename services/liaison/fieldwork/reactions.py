"""What the field work does on the tickets service's events: the visit notes the appeal raised
from one of its problems (`TicketRaised` with its visit_id) and each later change of that appeal's
status, once each (the visit keeps the tickets events' ids; the kernel's reactions are idempotent
on them too).

An appeal's later facts name only the ticket: the visit is found by the ticket's id in the read
model of the visits' appeals (`views.liaison_visit_appeals`), or, for an appeal noted earlier in
the same batch of reactions (the read models are folded at its end), in the unit of work's
scratch."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.envelope import Event, utc_now
from kernel.store import UnitOfWork
from services.liaison.fieldwork import views
from services.liaison.fieldwork.domain.visit import (
    APPEAL_STATUS_EVENTS, Visit, appeal_id_for, appeal_status_after,
)
from services.tickets.events import EVENTS as TICKETS

CONSUMER = "visit-appeals"
# The liaison service itself notes on the visit what the tickets service recorded.
NOTING = Actor(sub="visit-appeals", role="system")
_NOTED = "fieldwork.visit-appeals"


def note_raised_appeal(uow: UnitOfWork, event: Event) -> None:
    """tickets `TicketRaised` naming one of this register's visits → `VisitAppealRaised`."""
    raised = TICKETS.parse(event)
    visit_id = raised.visit_id
    if not visit_id:
        return
    visit = uow.load(Visit, visit_id)
    if not visit.exists:
        return  # raised by hand, naming a visit this register does not hold
    problem_id = next((e.payload["problem_id"] for e in uow.read_stream(visit_id)
                       if e.type == "VisitProblemFound"
                       and appeal_id_for(e.event_id) == event.stream_id), None)
    visit.note_appeal(ticket_id=event.stream_id, ticket_event_id=event.event_id,
                      ledger_number=raised.ledger_number, problem_id=problem_id,
                      at=utc_now(), actor=NOTING)
    uow.save(visit)
    uow.scratch.setdefault(_NOTED, {})[event.stream_id] = visit_id


def note_appeal_status(uow: UnitOfWork, event: Event) -> None:
    """A later fact of an appeal raised from a visit → `VisitAppealStatusChanged`, if its
    status changed."""
    fact = TICKETS.parse(event)
    status = appeal_status_after(event.type, {"way": getattr(fact, "way", None)})
    if status is None:
        return
    visit_id = (uow.scratch.get(_NOTED, {}).get(event.stream_id)
                or views.visit_of_appeal(uow.connection, event.stream_id))
    if visit_id is None:
        return  # not an appeal raised from a visit
    visit = uow.load(Visit, visit_id)
    visit.note_appeal_status(ticket_id=event.stream_id, ticket_event_id=event.event_id,
                             status=status, at=utc_now(), actor=NOTING)
    uow.save(visit)


SUBSCRIPTIONS = {"tickets": {
    **{event_type: note_appeal_status for event_type in APPEAL_STATUS_EVENTS},
    "TicketRaised": note_raised_appeal,
}}
