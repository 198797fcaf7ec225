"""What the policy service does on other services' events: open a policy-work item when an appeal
is classified as within a municipal department's remit (notice 二(四)3)."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.envelope import Event, utc_now
from kernel.store import UnitOfWork
from services.tickets.events import EVENTS as TICKETS
from services.policy.work.domain import PolicyWork, item_id_for

# The policy service itself opens the item, on the unit officer's classification.
REACTING = Actor(sub="policy-work", role="system")


def open_policy_work(uow: UnitOfWork, event: Event) -> None:
    """tickets `PolicyWorkRequested` → one open `PolicyWork` item, whose id derives from the
    request's event id, so a second delivery finds it open and opens nothing. The request is read
    through the tickets service's declared model."""
    existing = uow.load(PolicyWork, item_id_for(event.event_id))
    if existing.exists:
        return
    fact = TICKETS.parse(event)
    item = PolicyWork.open(
        unit=fact.unit, category=fact.category, policy_work=fact.policy_work,
        ledger_number=fact.ledger_number, title=fact.title, ticket_id=event.stream_id,
        requested_event_id=event.event_id, at=utc_now(), actor=REACTING, existing=existing)
    uow.save(item)
