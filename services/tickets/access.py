"""Who may read which appeals (notice 二(四)2: 台账; 三(一): the leaders' linkage):

- an enterprise its own;
- a unit officer those its unit leads or assists on — the county an appeal is classified to for
  coordination (由县(市、区)协调解决) is one of its assisting units;
- a leader those of the enterprises in his linkage, of his linked park's enterprises and those
  raised from his visits; a liaison officer (联络员) those of the leader he is appointed to. A
  leader not in the register, or a liaison officer not appointed, reads none: the linkage is
  what the service learnt from the liaison service (`services.tickets.linkage`), which the
  caller hands in as `in_linkage` for one appeal and which `scope_of` names for a list;
- the office, supervisors and the stack itself all of them.

Plain rules, no I/O; the service applies them to single reads and to ledger queries alike.
"""
from __future__ import annotations

from kernel.actor import Actor
from services.tickets.exceptions import NotInLinkage, NotOwnAppeal, UnitNotInvolved

SEE_ALL = frozenset({"office", "supervisor", "system"})
# Roles whose reach is a leader's linkage: the leader himself, or his liaison officer.
LINKED = frozenset({"leader", "liaison"})


def check_may_read(actor: Actor, snapshot: dict, *, in_linkage: bool = False) -> None:
    """Refuse an actor who may not read the appeal; `in_linkage`: whether the appeal lies in the
    linkage a leader or liaison officer reaches."""
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
    if actor.role in LINKED:
        if not in_linkage:
            raise NotInLinkage(actor.role)
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
    if actor.role == "leader":
        return {"leader": actor.sub}
    if actor.role == "liaison":
        return {"liaison": actor.sub}
    return {"nothing": True}


def routes_shown(actor: Actor, table: dict) -> dict:
    """The routing table as `actor` is shown it: whole to the office and the supervision group,
    a unit officer only the lines that route to its own unit (which appeals come to its desk);
    to anyone else, no line."""
    if actor.role in SEE_ALL:
        return table
    own = actor.unit if actor.role == "unit_officer" else None
    return {**table, "routes": [r for r in table["routes"] if own and r["unit"] == own]}
