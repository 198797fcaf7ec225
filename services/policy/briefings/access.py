"""Who reads which briefings (宣讲活动, notice 二(二)1), and their rows of the permission table.

A briefing is the business of those it names: the office and supervision, the units it names
(organiser, present, reading on the agenda, the parks), the leader presiding when it names him by
his registered id, and the enterprises it invites; to anyone else it does not exist (answered not
found). Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OVERSIGHT, Scope, allow
from services.policy.briefings.exceptions import BriefingNotFound
from services.policy.policies.access import SEE_ALL, UNIT_OR_OFFICE

READERS = {**OVERSIGHT, "unit_officer": Scope.INVOLVED_UNIT, "leader": Scope.LEADER_LINKAGE,
           "enterprise": Scope.OWN_ENTERPRISE}
READERS_NOTE = ("the units it names (organiser, present, reading on the agenda, its parks), the "
                "leader presiding when it names him by his registered id, the enterprises "
                "invited; an outsider is answered not found")

ROWS = (
    allow("schedule_briefing", UNIT_OR_OFFICE, note="the officer's unit is the organiser"),
    allow("act_on_briefing.revise", UNIT_OR_OFFICE, note="the organising unit, or the office"),
    allow("act_on_briefing.record-held", UNIT_OR_OFFICE,
          note="the organising unit, or the office"),
    allow("act_on_briefing.cancel", UNIT_OR_OFFICE, note="the organising unit, or the office"),
    allow("get_briefing", READERS, note=READERS_NOTE),
    allow("list_briefings", READERS, note=READERS_NOTE + "; the list narrowed alike"),
)
DISPATCH = {"act_on_briefing": "action"}


def briefing_units(state: dict) -> set[str]:
    """The units a briefing names: its organiser, the units present, those reading their
    policies on the agenda, and the parks (a zone is a unit of the register)."""
    named = {state.get("organiser"), *state.get("units", ()), *state.get("parks", ())}
    named.update(item.get("unit") for item in state.get("agenda", ()))
    return {unit for unit in named if unit}


def may_read_briefing(actor: Actor, state: dict) -> bool:
    if actor.role in SEE_ALL:
        return True
    if actor.role == "unit_officer":
        return actor.unit in briefing_units(state)
    if actor.role == "leader":
        return bool(actor.sub) and actor.sub == state.get("leader")
    if actor.role == "enterprise":
        return actor.uscc in state.get("enterprises", ())
    return False


def check_may_read_briefing(actor: Actor, state: dict | None, briefing_id: str) -> dict:
    """The briefing if `actor` is among those it names; else not found, so that an outsider
    does not learn of it."""
    if state is None or not may_read_briefing(actor, state):
        raise BriefingNotFound(briefing_id)
    return state
