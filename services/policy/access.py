"""Who may read what of the policy registry. notice 二(二)3: the public portal shows only what is
published — a draft is never shown to the public, an enterprise, a leader or a liaison officer,
nor to a unit officer of another unit (谁出台、谁解释: a draft is its unit's own work); the office,
supervision and the system read everything.

Implementation rules: a filed rule is public once its policy is (a rule filed for a draft would
tell the draft's existence and what it says); one still owed (or overdue) is seen by its unit,
the office and supervision. Policy-work items are the units' and the office's.

A briefing (notice 二(二)1) is the business of those it names: the office and supervision, the
units it names (organiser, present, reading on the agenda, the parks), the leader presiding when
it names him by his registered id, and the enterprises it invites; to anyone else it does not
exist. The portal deadlines are the office's and supervision's, a unit officer's own line. Plain
rules, no I/O; the service applies them to single reads and to list queries alike.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.errors import Forbidden
from services.policy.exceptions import BriefingNotFound, PolicyNotFound, RuleNotFound
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


# -- briefings --------------------------------------------------------------------------------

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


# -- the portal deadlines ----------------------------------------------------------------------

def deadline_units(actor: Actor) -> str | None:
    """The one unit whose line of the portal deadlines `actor` is shown; None for every line."""
    if actor.role in SEE_ALL:
        return None
    if actor.role == "unit_officer":
        return actor.unit
    raise MayNotReadDeadlines(actor.role)


class MayNotReadDeadlines(Forbidden):
    rule = "may_not_read_portal_deadlines"

    def __init__(self, role: str):
        super().__init__(f"a {role} may not read the units' portal deadlines; only the office, "
                         "supervision and each unit's officers (their own unit's) may")


def check_may_read_policy_work(actor: Actor) -> None:
    if actor.role not in POLICY_WORK_READERS:
        raise MayNotReadPolicyWork(actor.role)
