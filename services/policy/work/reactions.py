"""What the policy service does on other services' events: open a policy-work item when an appeal
is classified as within a municipal department's remit (notice 二(四)3)."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.envelope import Event, utc_now
from kernel.store import UnitOfWork
from services.policy.work.domain import PolicyWork, item_id_for

# The policy service itself opens the item, on the unit officer's classification.
REACTING = Actor(sub="policy-work", role="system")


def open_policy_work(uow: UnitOfWork, event: Event) -> None:
    """tickets `PolicyWorkRequested` → one open `PolicyWork` item, whose id derives from the
    request's event id, so a second delivery finds it open and opens nothing."""
    existing = uow.load(PolicyWork, item_id_for(event.event_id))
    if existing.exists:
        return
    p = event.payload
    item = PolicyWork.open(
        unit=p["unit"], category=p["category"], policy_work=p["policy_work"],
        ledger_number=p["ledger_number"], title=p["title"], ticket_id=event.stream_id,
        requested_event_id=event.event_id, at=utc_now(), actor=REACTING, existing=existing)
    uow.save(item)
