"""Who reads which policies (notice 二(二)3), and the policies' rows of the permission table.

The public portal shows only what is published: a draft is never shown to the public, an
enterprise, a leader or a liaison officer, nor to a unit officer of another unit (谁出台、谁解释: a
draft is its unit's own work); the office, supervision and the system read everything. A draft
hidden from its reader is answered as not found, so that the portal never tells a draft exists.

Matching by credit code is the enterprise's own, its county's, the office's and supervision's: a
known enterprise's verdicts tell its operating tier (notice 三(一)1), which stays with them.

Plain Python, no I/O; the service applies the rules to single reads and to list queries alike.
"""
from __future__ import annotations

from kernel.actor import Actor
from kernel.permissions import OFFICE, OVERSIGHT, SYSTEM, Scope, allow
from services.policy.policies.exceptions import PolicyNotFound
from services.policy.vocabulary import Status

SEE_ALL = frozenset({"office", "supervisor", "system"})

# The policies' and the rules' readers: every caller sees what is published, a unit officer its
# own unit's drafts and owed rules beside it, the office and supervision everything.
READERS = {**OVERSIGHT, "unit_officer": Scope.OWN_UNIT, "enterprise": Scope.PUBLISHED,
           "leader": Scope.PUBLISHED, "liaison": Scope.PUBLISHED, "public": Scope.PUBLISHED}
READERS_NOTE = ("published only, a draft answered as not found; a unit officer its own unit's "
                "drafts (and owed rules) too")

# A command of a unit on its own policy, rule or briefing, or of the office on any.
UNIT_OR_OFFICE = {**OFFICE, "unit_officer": Scope.OWN_UNIT}

ROWS = (
    allow("draft_policy", UNIT_OR_OFFICE, note="a unit officer for its own unit only"),
    allow("act_on_policy.revise", UNIT_OR_OFFICE),
    allow("act_on_policy.set-contact", UNIT_OR_OFFICE),
    allow("act_on_policy.publish", UNIT_OR_OFFICE),
    allow("act_on_policy.amend", UNIT_OR_OFFICE),
    allow("act_on_policy.repeal", UNIT_OR_OFFICE),
    allow("act_on_policy.expire", OFFICE, **SYSTEM,
          note="the timer records it on its own; the office may record it early"),
    allow("act_on_policy.answer-policy-work", UNIT_OR_OFFICE,
          note="the policy-work item's unit with its own policy in force"),
    allow("get_policy", READERS, note=READERS_NOTE),
    allow("policy_version", READERS, note="published versions only"),
    allow("list_policies", READERS, note=READERS_NOTE + "; narrowed before it is paged"),
)
MATCHING_ROWS = (
    allow("match_enterprise", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE,
          unit_officer=Scope.COUNTY, leader=Scope.PUBLISHED, liaison=Scope.PUBLISHED,
          note="by credit code: the enterprise itself, an officer of its county, the office "
               "and supervision (the verdicts tell its tier); a profile given: any of these, "
               "an enterprise its own credit code only"),
)
DISPATCH = {"act_on_policy": "action"}


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
