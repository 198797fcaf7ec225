"""The briefings' table (notice 二(二)1): who may run which command on a briefing, in which
status, and the named error that explains each refusal.

The office or a unit officer schedules a briefing; the organiser (the officer's unit, or the
office) and the office revise or cancel it while it is still ahead, and record it held. Plain
Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from typing import Protocol

from kernel import rules_table
from kernel.actor import Actor
from kernel.errors import RoleNotAllowed
from services.policy.briefings.exceptions import (
    BriefingAlreadyExists,
    BriefingAlreadyHeld,
    BriefingCancelled,
    BriefingNotFound,
    NotOrganisingUnit,
)
from services.policy.briefings.vocabulary import BriefingStatus

SCHEDULED, HELD, CANCELLED = (BriefingStatus.SCHEDULED, BriefingStatus.HELD,
                              BriefingStatus.CANCELLED)

ORGANISERS = ("office", "unit_officer")
OFFICE = "office"  # the organiser recorded when the office schedules a briefing itself


class BriefingLike(rules_table.Subject, Protocol):
    """What the table reads of a briefing: the `Briefing` aggregate provides it."""

    @property
    def organiser(self) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.OwnUnitRow):
    """One row: who may run a command on a briefing, and in which statuses. A status outside
    `statuses` is refused by `BriefingAlreadyHeld` or `BriefingCancelled`."""

    role_not_allowed = RoleNotAllowed
    final_refusals = {HELD: BriefingAlreadyHeld}
    default_refusal = BriefingCancelled
    not_found = BriefingNotFound
    not_own_unit = NotOrganisingUnit
    status_type = BriefingStatus


RULES: dict[str, Rule] = rules_table.table(
    # A briefing is changed only while it is still ahead; once held, it is a fact.
    Rule("revise", ORGANISERS, (SCHEDULED,), doing="revise the briefing"),
    Rule("record_held", ORGANISERS, (SCHEDULED,), doing="record the briefing held"),
    Rule("cancel", ORGANISERS, (SCHEDULED,), doing="cancel the briefing"),
)

# Scheduling is the one command on a briefing that does not yet exist.
SCHEDULERS = ORGANISERS


def check_scheduler(actor: Actor, existing: BriefingLike | None, briefing_id: str) -> None:
    """Refuse an actor who may not schedule a briefing, or an id already taken."""
    if actor.role not in SCHEDULERS:
        raise RoleNotAllowed(actor.role, "schedule a briefing", SCHEDULERS)
    if existing is not None and existing.exists:
        raise BriefingAlreadyExists(briefing_id)


def check(command: str, briefing: BriefingLike, actor: Actor) -> Rule:
    """Refuse, by its named error, an actor who may not run `command` on the briefing now."""
    return RULES[command].check(briefing, actor, briefing.organiser)
