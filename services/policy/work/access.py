"""Who reads the policy-work items (notice 二(四)3): the units' and the office's, supervision's
too; a unit officer its own unit's. Their rows of the permission table. Plain Python, no I/O."""
from __future__ import annotations

from kernel.actor import Actor
from kernel.errors import RoleNotAllowed
from kernel.permissions import OVERSIGHT, Scope, allow

READERS = ("office", "supervisor", "unit_officer")

ROWS = (
    allow("policy_work_items", OVERSIGHT, unit_officer=Scope.OWN_UNIT),
)


def check_may_read_policy_work(actor: Actor) -> None:
    if actor.role not in READERS:
        raise RoleNotAllowed(actor.role, "read policy-work items", READERS)
