"""Who reads which implementation rules (notice 二(一)1), and their rows of the permission table.

A filed rule is public once its policy is (a rule filed for a draft would tell the draft's
existence and what it says, so it stays with whoever may read the draft); one still owed (or
overdue) is seen by its unit, the office and supervision. Plain Python, no I/O.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OFFICE, allow
from services.policy.implementation.exceptions import RuleNotFound
from services.policy.implementation.vocabulary import RuleStatus
from services.policy.policies.access import (
    READERS, READERS_NOTE, SEE_ALL, UNIT_OR_OFFICE, may_read_policy,
)

ROWS = (
    allow("require_rule", OFFICE),
    allow("act_on_rule.file", UNIT_OR_OFFICE, note="the owing unit, or the office on its behalf"),
    allow("get_rule", READERS, note=READERS_NOTE),
    allow("list_rules", READERS, note=READERS_NOTE),
)
DISPATCH = {"act_on_rule": "action"}


def rule_scope(actor: Actor) -> dict:
    """The rules a list is narrowed to: {} all; {"filed_or_unit": unit} its unit's own and
    those filed for a policy it may read; {"filed": True} those filed for a published policy."""
    if actor.role in SEE_ALL:
        return {}
    if actor.role == "unit_officer":
        return {"filed_or_unit": actor.unit}
    return {"filed": True}


def may_read_rule(actor: Actor, state: dict, policy: dict | None) -> bool:
    """`policy` is the state of the rule's policy (None if unknown)."""
    if actor.role in SEE_ALL:
        return True
    if actor.role == "unit_officer" and actor.unit == state.get("unit"):
        return True
    return (state.get("status") == RuleStatus.FILED.value and policy is not None
            and may_read_policy(actor, policy))


def check_may_read_rule(actor: Actor, state: dict | None, rule_id: str,
                        policy: dict | None = None) -> dict:
    if state is None or not may_read_rule(actor, state, policy):
        raise RuleNotFound(rule_id)
    return state
