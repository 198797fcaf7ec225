"""The implementation rules' table (notice 二(一)1): who may run which command on a rule a unit
owes, in which status, and the named error that explains each refusal.

The office requires a rule of a unit; the owing unit files it (the office may on its behalf),
late if after its due date; the timer records the missed due date once, which supervision takes
up. Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from typing import Protocol

from kernel import rules_table
from kernel.actor import Actor
from kernel.errors import RoleNotAllowed
from services.policy.implementation.exceptions import (
    NotOwingUnit,
    RuleAlreadyFiled,
    RuleAlreadyOverdue,
    RuleAlreadyRequired,
    RuleNotFound,
)
from services.policy.implementation.vocabulary import RuleStatus

REQUIRED, OVERDUE, FILED = RuleStatus.REQUIRED, RuleStatus.OVERDUE, RuleStatus.FILED

OFFICE = ("office",)
OWING_UNIT_OR_OFFICE = ("unit_officer", "office")
TIMER = ("system",)


class RuleLike(rules_table.Subject, Protocol):
    """What the table reads of a rule: the `ImplementationRule` aggregate provides it."""

    @property
    def unit(self) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.OwnUnitRow):
    """One row: who may run a command on an implementation rule, and in which statuses. A status
    outside `statuses` is refused by `RuleAlreadyFiled` or `RuleAlreadyOverdue`."""

    role_not_allowed = RoleNotAllowed
    final_refusals = {FILED: RuleAlreadyFiled}
    default_refusal = RuleAlreadyOverdue
    not_found = RuleNotFound
    not_own_unit = NotOwingUnit
    status_type = RuleStatus


RULES: dict[str, Rule] = rules_table.table(
    # The owing unit files its own rule; the office may file it on the unit's behalf. Filing
    # after the due date is allowed: the rule is recorded as late.
    Rule("file", OWING_UNIT_OR_OFFICE, (REQUIRED, OVERDUE), doing="file the implementation rule"),
    # The timer records the missed due date once; supervision takes it up from there.
    Rule("mark_overdue", TIMER, (REQUIRED,), own_unit=False,
         doing="mark the implementation rule overdue"),
)

# Requiring is the one command on a rule that does not yet exist: the office's, for any unit.
REQUIRERS = OFFICE


def check_requirer(actor: Actor, existing: RuleLike | None, policy_id: str, unit: str) -> None:
    """Refuse an actor who may not require a rule, or a rule the unit already owes."""
    if actor.role not in REQUIRERS:
        raise RoleNotAllowed(actor.role, "require an implementation rule", REQUIRERS)
    if existing is not None and existing.exists:
        raise RuleAlreadyRequired(policy_id=policy_id, unit=unit)


def check(command: str, owed: RuleLike, actor: Actor) -> Rule:
    """Refuse, by its named error, an actor who may not run `command` on the rule now."""
    return RULES[command].check(owed, actor, owed.unit)
