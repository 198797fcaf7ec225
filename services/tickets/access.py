"""Who may read which appeals: an enterprise its own, a unit those dispatched to it (as lead or
assisting unit), the office, supervisors and leaders all of them. Plain rules, no I/O; the
service applies them to single reads and to ledger queries alike."""
from __future__ import annotations

from kernel.actor import Actor
from services.tickets.exceptions import NotOwnAppeal, UnitNotInvolved

SEE_ALL = {"office", "supervisor", "leader", "system"}


def check_may_read(actor: Actor, snapshot: dict) -> None:
    if actor.role in SEE_ALL:
        return
    if actor.role == "enterprise":
        if actor.uscc != snapshot["uscc"]:
            raise NotOwnAppeal("read the appeal")
        return
    if actor.role == "unit_officer":
        if actor.unit not in {snapshot["lead_unit"], *snapshot["assisting_units"]}:
            raise UnitNotInvolved(actor.unit)
        return
    raise UnitNotInvolved(actor.unit or actor.role)


def scope_of(actor: Actor) -> dict:
    """The filter a ledger query is narrowed to for this actor: {} means everything."""
    if actor.role in SEE_ALL:
        return {}
    if actor.role == "enterprise":
        return {"uscc": actor.uscc}
    if actor.role == "unit_officer":
        return {"involved_unit": actor.unit}
    return {"nothing": True}
