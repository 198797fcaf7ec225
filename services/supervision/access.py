"""Who may do what in supervision and the assessment (notice 二(五), 三(二)): the office and the
supervision-and-assessment working group (督查考核组, role `supervisor`) act and read everything;
a unit officer reads his own unit's matters, cases, notices and scores and answers his own unit's
notices; a city leader reads the units of his linkage (a leader's linked parks, the departments
linked to those parks, the parks' counties, as tracking keeps them); an enterprise rates the units
that handled its appeals. Plain Python, no I/O: the caller passes what the leader's scope is.

Every area's rows of the permission table (`<area>.access`) name their readers from the scopes
here; the service's table (`services.supervision.permissions`) composes them."""
from __future__ import annotations

from typing import Iterable

from kernel.actor import ROLES, Actor
from kernel.errors import RoleNotAllowed
from kernel.permissions import OVERSIGHT, Scope

ACTORS = ("office", "supervisor")          # run supervision and the assessment
READERS_OF_ALL = ACTORS
UNIT_ROLE = "unit_officer"
LEADER_ROLE = "leader"
# Only the office decides what follows from an assessment, and issues what goes out under the
# leading group's name; the working group runs the ladder with it.
OFFICE_ONLY = ("office",)


class SupervisionRoleNotAllowed(RoleNotAllowed):
    """A role that may not run a supervision command, naming the roles that may."""

    rule = "supervision_role_not_allowed"
    at = "actor"

    def __init__(self, role: str, doing: str, allowed: Iterable[str]):
        super().__init__(role=f"{role} ({ROLES.get(role, role)})", doing=doing,
                         allowed=[f"{code} ({ROLES[code]})" for code in allowed])


def may(actor: Actor, doing: str, allowed: Iterable[str] = ACTORS) -> Actor:
    """The actor, if his role is one of `allowed`; else the named refusal."""
    allowed = tuple(allowed)
    if actor.role not in allowed:
        raise SupervisionRoleNotAllowed(actor.role, doing, allowed)
    return actor


def reader_scope(actor: Actor, leader_units: set[str] | None = None) -> set[str] | None:
    """The units whose supervision the actor reads: None for all (the office, the working
    group), his unit for a unit officer, his linkage's units for a leader (`leader_units`, as
    tracking keeps them); refused for anyone else."""
    if actor.role in READERS_OF_ALL:
        return None
    if actor.role == UNIT_ROLE:
        return {actor.unit}
    if actor.role == LEADER_ROLE:
        return set(leader_units or ())
    raise SupervisionRoleNotAllowed(actor.role, "read supervision",
                                    (*READERS_OF_ALL, UNIT_ROLE, LEADER_ROLE))


def within(scope: set[str] | None, unit: str | None) -> bool:
    """Whether a thing of `unit` is in the reader's scope."""
    return scope is None or unit in scope


def visible(scope: set[str] | None, items: Iterable[dict], key: str = "unit") -> list[dict]:
    """The items of the units in scope."""
    return [item for item in items if within(scope, item.get(key))]


# -- the readers every area's rows of the permission table name -----------------------------

UNIT = {"unit_officer": Scope.OWN_UNIT}
LEADER = {"leader": Scope.LEADER_LINKAGE}
# Who reads supervision: every row, his own unit's, his linkage's units'.
SUPERVISION_READERS = {**OVERSIGHT, **UNIT, **LEADER}
