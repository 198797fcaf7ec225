"""The policy's rules as one table: which command on a policy is allowed in which status, for
which role, and the named error that explains each refusal.

notice 二(一)3 谁出台、谁宣讲、谁解释: a unit answers for its own policies, so a unit officer drafts,
publishes, amends and repeals only the policies of the unit the officer acts for; the leading-group
office (which builds the compendium, 二(一)2) may act on any. Expiry by the effective dates is
the timer's (or the office's).

The checks run in one order: the policy exists; the actor's role may do it; a unit officer's unit
is the issuing unit; the status allows it. `Policy` asks `check(command, policy, actor)` before it
looks at the command's own fields. Plain Python, no I/O. `matrix()` prints the table as Markdown.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol

from kernel import rules_table
from kernel.actor import Actor
from kernel.errors import RoleNotAllowed
from services.policy.policies.exceptions import (
    AlreadyPublished,
    NotADraft,
    NotIssuingUnit,
    NotPublished,
    PolicyAlreadyExists,
    PolicyExpired,
    PolicyNotFound,
    PolicyRepealed,
    StatusDoesNotAllow,
)
from services.policy.vocabulary import IN_FORCE, Status

DRAFT, PUBLISHED, AMENDED = Status.DRAFT, Status.PUBLISHED, Status.AMENDED
REPEALED, EXPIRED = Status.REPEALED, Status.EXPIRED

UNIT_OR_OFFICE = ("unit_officer", "office")
TIMER = ("system", "office")


class PolicyLike(rules_table.Subject, Protocol):
    """What the rules read of a policy: the `Policy` aggregate provides it."""

    @property
    def issuing_unit(self) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class Rule(rules_table.OwnUnitRow):
    """One row: who may run a command on a policy, and in which statuses.

    A status outside `statuses` is refused by `PolicyRepealed` or `PolicyExpired` once the
    policy's life has ended, else by `otherwise`, else by `StatusDoesNotAllow`."""

    acts_on = "the policy"
    role_not_allowed = RoleNotAllowed
    status_does_not_allow = StatusDoesNotAllow
    final_refusals = {REPEALED: PolicyRepealed, EXPIRED: PolicyExpired}
    not_found = PolicyNotFound
    not_own_unit = NotIssuingUnit
    status_type = Status


RULES: dict[str, Rule] = rules_table.table(
    # A draft is the unit's own work until it is published.
    Rule("revise_draft", UNIT_OR_OFFICE, (DRAFT,), otherwise=NotADraft, doing="revise the draft"),
    # notice 二(一)3: the contact may change (a new person) without a new version of the text.
    Rule("set_contact", UNIT_OR_OFFICE, (DRAFT, *IN_FORCE),
         doing="set the consultation contact"),
    Rule("publish", UNIT_OR_OFFICE, (DRAFT,), otherwise=AlreadyPublished),
    # An amendment is a new version; every earlier text stays readable.
    Rule("amend", UNIT_OR_OFFICE, IN_FORCE, otherwise=NotPublished),
    Rule("repeal", UNIT_OR_OFFICE, IN_FORCE, otherwise=NotPublished),
    # The timer records that the effective dates have run out.
    Rule("expire", TIMER, IN_FORCE, own_unit=False, otherwise=NotPublished),
)

# Drafting is the one command on a policy that does not yet exist.
DRAFTERS = UNIT_OR_OFFICE


def check_drafter(actor: Actor, issuing_unit: str, existing: PolicyLike | None = None) -> None:
    """Refuse an actor who may not draft a policy for `issuing_unit`, or a policy id in use."""
    if existing is not None and existing.exists:
        raise PolicyAlreadyExists(existing.id)
    doing = "draft a policy"
    if actor.role not in DRAFTERS:
        raise RoleNotAllowed(actor.role, doing, DRAFTERS)
    if actor.role == "unit_officer" and actor.unit != issuing_unit:
        raise NotIssuingUnit(actor.unit, issuing_unit, f"{doing} for it")


def check(command: str, policy: PolicyLike, actor: Actor) -> Rule:
    """Refuse, by its named error, an actor who may not run `command` on `policy` now."""
    return RULES[command].check(policy, actor, policy.issuing_unit)


def matrix(commands: Sequence[str] | None = None) -> str:
    """The table as Markdown: a row per command, its roles, whether a unit officer must be of the
    issuing unit, and per status ✓ where allowed, · where `StatusDoesNotAllow` refuses it, else
    the rule code of the refusing error."""
    return rules_table.matrix(RULES, Status, commands)
