"""What the policy service does on the liaison service's enterprise events: it keeps the
enterprises as matching sees them (`views.policy_enterprises`), so matching answers with the
liaison service down. Each event's fields are folded in by `views.take_in`, which keeps a newer
value against an older event arriving late. Each event is read through the liaison service's
declared model: only the fields a producer declares are taken in."""
from __future__ import annotations

from kernel.envelope import Event
from kernel.store import UnitOfWork
from services.liaison.events import EVENTS as LIAISON
from services.policy.enterprises.views import CONSUMER as CONSUMER  # the reactions' own name
from services.policy.enterprises.views import PROFILE_FIELDS, SOURCE, take_in


def registered(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseRegistered: the enterprise's whole profile."""
    fact = LIAISON.parse(event)
    take_in(uow.connection, event, {field: getattr(fact, field) for field in PROFILE_FIELDS})


def profile_changed(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseProfileChanged: the fields it carries, and only those."""
    changed = LIAISON.parse(event).model_dump(exclude_unset=True)
    take_in(uow.connection, event, {field: changed[field] for field in PROFILE_FIELDS
                                    if field in changed})


def tier_rated(uow: UnitOfWork, event: Event) -> None:
    """liaison EnterpriseTierRated: the operating tier (notice 三(一)1)."""
    take_in(uow.connection, event, {"tier": LIAISON.parse(event).tier})


SUBSCRIPTIONS = {SOURCE: {"EnterpriseRegistered": registered,
                          "EnterpriseProfileChanged": profile_changed,
                          "EnterpriseTierRated": tier_rated}}
