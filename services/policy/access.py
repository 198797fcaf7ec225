"""Who may read what of the policy registry. notice 二(二)3: the public portal shows only what is
published — a draft is never shown to the public, an enterprise, a leader or a liaison officer,
nor to a unit officer of another unit (谁出台、谁解释: a draft is its unit's own work); the office,
supervision and the system read everything.

Implementation rules: a filed rule is public; one still owed (or overdue) is seen by its unit,
the office and supervision. Policy-work items are the units' and the office's. Plain rules, no
I/O; the service applies them to single reads and to list queries alike.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.errors import Forbidden
from services.policy.exceptions import PolicyNotFound, RuleNotFound
from services.policy.vocabulary import RuleStatus, Status

SEE_ALL = frozenset({"office", "supervisor", "system"})
POLICY_WORK_READERS = ("office", "supervisor", "unit_officer")


class MayNotReadPolicyWork(Forbidden):
    rule = "may_not_read_policy_work"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not read policy-work items; only "
                         f"{', '.join(POLICY_WORK_READERS)} may")


def policy_scope(actor: Actor) -> dict:
    """The policies a list is narrowed to for `actor`: {} all; {"published_or_unit": unit} its
    unit's drafts and every published one; {"published": True} none but the published."""
    if actor.role in SEE_ALL:
        return {}
    if actor.role == "unit_officer":
        return {"published_or_unit": actor.unit}
    return {"published": True}


def may_read_policy(actor: Actor, state: dict) -> bool:
    if state.get("status") != Status.DRAFT.value:
        return True
    if actor.role in SEE_ALL:
        return True
    return actor.role == "unit_officer" and actor.unit == state.get("issuing_unit")


def check_may_read_policy(actor: Actor, state: dict | None, policy_id: str) -> dict:
    """The policy's state if `actor` may read it. A draft hidden from the reader is answered as
    not found, so that the portal never tells a draft exists."""
    if state is None or not may_read_policy(actor, state):
        raise PolicyNotFound(policy_id)
    return state


def rule_scope(actor: Actor) -> dict:
    if actor.role in SEE_ALL:
        return {}
    if actor.role == "unit_officer":
        return {"filed_or_unit": actor.unit}
    return {"filed": True}


def may_read_rule(actor: Actor, state: dict) -> bool:
    if state.get("status") == RuleStatus.FILED.value or actor.role in SEE_ALL:
        return True
    return actor.role == "unit_officer" and actor.unit == state.get("unit")


def check_may_read_rule(actor: Actor, state: dict | None, rule_id: str) -> dict:
    if state is None or not may_read_rule(actor, state):
        raise RuleNotFound(rule_id)
    return state


def check_may_read_policy_work(actor: Actor) -> None:
    if actor.role not in POLICY_WORK_READERS:
        raise MayNotReadPolicyWork(actor.role)
