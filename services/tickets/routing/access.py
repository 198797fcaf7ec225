"""Who may call the routing table's operations, and what of it each is shown: the whole table to
the office and the supervision group, a unit officer only the lines that route to its own unit
(which appeals come to its desk), anyone else no line. Only the office edits it.

Plain Python, no I/O: the gateway reads the rows too.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OFFICE, OVERSIGHT, Scope, allow
from services.tickets.appeals.access import SEE_ALL

ROWS = (
    allow("routes", OVERSIGHT, unit_officer=Scope.OWN_UNIT,
          note="a unit officer is shown only the lines that route to its own unit"),
    allow("set_route", OFFICE),
    allow("remove_route", OFFICE),
)


def routes_shown(actor: Actor, table: dict) -> dict:
    """The routing table as `actor` is shown it."""
    if actor.role in SEE_ALL:
        return table
    own = actor.unit if actor.role == "unit_officer" else None
    return {**table, "routes": [r for r in table["routes"] if own and r["unit"] == own]}
