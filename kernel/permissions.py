"""Who may call an operation of a service, and which rows of it they see: the shape of every
service's permission table.

A service's table (`services/<name>/permissions.py`, beside its contract) has one `Permission`
per RPC method, or per action of a method that dispatches on an action (`act.resolve`). A row
grants each role it names one `Scope`: which of the service's rows that role reaches. A role the
row does not name may not call it at all.

Two places read the table, and neither holds a rule of its own:
- the kernel's RPC entrypoint (`kernel.rpc`) refuses a role the row does not name before a
  worker is spawned, so no work is done for a caller who may not call;
- the gateway checks the same row before it reads a request's body, so a caller who may not
  call hears `forbidden` rather than a complaint about a body it should never have sent, and
  writes every row into the OpenAPI document and `docs/PERMISSIONS.md`.

The scope itself needs the service's data (whose appeal, which unit leads it, which enterprises
a leader is linked to), so the service applies it where it reads: lists are narrowed before they
are paged, single reads are refused outside it, and a field a role may not see is left out.

Plain Python, no I/O.
"""
from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterable, Mapping

from kernel.actor import ROLES
from kernel.errors import FORBIDDEN, NOT_FOUND, Refused


class Scope(enum.StrEnum):
    """Which rows a role reaches through an operation."""

    # The office and the supervision group read and act on every row (领导小组办公室, 督查考核组).
    EVERY_ROW = "every_row"
    # An enterprise: only what is its own, under its credit code.
    OWN_ENTERPRISE = "own_enterprise"
    # A unit officer: only what its unit leads (谁主管、谁负责).
    OWN_UNIT = "own_unit"
    # A unit officer: what its unit leads or assists in (协办), where the notice gives assisting
    # units a part.
    INVOLVED_UNIT = "involved_unit"
    # A unit officer of a county (县市区): the county's own enterprises and the appeals it
    # coordinates (notice 二(四)3: 属县(市、区)职责范围的,由县(市、区)协调解决).
    COUNTY = "county"
    # A department's unit officer: the park its department is linked to and that park's leader's
    # list (notice 三(一)2: 各相关市直部门负责联系一个工业园区).
    LINKED_DEPARTMENT = "linked_department"
    # A unit officer whose unit sits in the helping-enterprises working group (入企帮扶专项小组),
    # which sets each leader's list by the enterprises' tiers (notice 三(一)1).
    HELPING_GROUP = "helping_group"
    # A registered leader: his linked park and enterprises, and the appeals found on his visits.
    LEADER_LINKAGE = "leader_linkage"
    # An appointed liaison officer (联络员): the list of the leader he is appointed to.
    LIAISON_APPOINTMENT = "liaison_appointment"
    # A unit's own figures of an assessment and its own rank among all ranked.
    OWN_FIGURES = "own_figures"
    # What is published: open to anyone who may call at all.
    PUBLISHED = "published"
    # The caller itself: its own identity, its own ratings given.
    SELF = "self"
    # The stack's own calls between services (catching up on a log, timers).
    SERVICES = "services"


SCOPE_WORDS = {
    Scope.EVERY_ROW: "every row",
    Scope.OWN_ENTERPRISE: "its own enterprise's",
    Scope.OWN_UNIT: "its own unit's, as lead unit",
    Scope.INVOLVED_UNIT: "its own unit's, as lead or assisting unit",
    Scope.COUNTY: "its county's enterprises and the appeals it coordinates",
    Scope.LINKED_DEPARTMENT: "its department's linked park and that park's leader's list",
    Scope.HELPING_GROUP: "every row, for a unit of the helping-enterprises group",
    Scope.LEADER_LINKAGE: "his linked park and enterprises, and the appeals of his visits",
    Scope.LIAISON_APPOINTMENT: "the list of the leader he is appointed to",
    Scope.OWN_FIGURES: "its own unit's figures and its rank among all",
    Scope.PUBLISHED: "what is published",
    Scope.SELF: "its own",
    Scope.SERVICES: "the stack's own calls",
}

# Shorthands for rows: the office and the supervision group see every row.
OVERSIGHT = {"office": Scope.EVERY_ROW, "supervisor": Scope.EVERY_ROW}
OFFICE = {"office": Scope.EVERY_ROW}
SYSTEM = {"system": Scope.SERVICES}
EVERY_CALLER = frozenset(ROLES) - {"system"}


@dataclasses.dataclass(frozen=True)
class Permission:
    """One row: the roles that may call `operation`, each with the rows it reaches."""

    operation: str
    grants: Mapping[str, Scope]
    note: str = ""

    def __post_init__(self):
        unknown = set(self.grants) - set(ROLES)
        if unknown:
            raise ValueError(f"{self.operation}: unknown roles {sorted(unknown)}")
        object.__setattr__(self, "grants", {role: Scope(scope) for role, scope in
                                            sorted(self.grants.items(),
                                                   key=lambda item: list(ROLES).index(item[0]))})

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(self.grants)

    def scope(self, role: str) -> Scope | None:
        return self.grants.get(role)

    def refuse_unless_allowed(self, role: str, service: str) -> Scope:
        """The role's scope, or `Refused` (forbidden) naming who may."""
        scope = self.grants.get(role)
        if scope is None:
            allowed = ", ".join(self.roles) or "no one from outside"
            raise Refused("role_not_allowed", FORBIDDEN,
                          f"a caller in the {role} role may not call {service}.{self.operation}; "
                          f"it is open to: {allowed}")
        return scope


def allow(operation: str, grants: Mapping[str, Scope] | None = None, *, note: str = "",
          **roles: Scope) -> Permission:
    """A row: `allow("get_ticket", OVERSIGHT, enterprise=Scope.OWN_ENTERPRISE)`."""
    return Permission(operation, {**(grants or {}), **roles}, note)


def published(operation: str, note: str = "", *, public: bool = False) -> Permission:
    """A row open to every caller with a token (and to the portal's public actor if `public`)."""
    roles = EVERY_CALLER if public else EVERY_CALLER - {"public"}
    return Permission(operation, {role: Scope.PUBLISHED for role in roles}, note)


# Every service's own RPCs, from the kernel's base service: catching up on a log is the stack's
# own call; parked reactions and dead letters are the operator's, through the office and the
# supervision group.
KERNEL_ROWS = (
    allow("events_after", SYSTEM, note="another service catching up on this one's log"),
    allow("parked_reactions", OVERSIGHT),
    allow("retry_reaction", OVERSIGHT),
    allow("dead_letters", OVERSIGHT),
    allow("replay_dead_letters", OVERSIGHT),
)


class Table:
    """A service's rows, keyed by operation. `dispatch` names, for a method that runs one of
    several actions (`act(actor, ticket_id, action, fields)`), the parameter holding the action:
    its rows are `<method>.<action>`."""

    def __init__(self, service: str, *rows: Permission | Iterable[Permission],
                 dispatch: Mapping[str, str] | None = None):
        self.service = service
        self.dispatch = dict(dispatch or {})
        self.rows: dict[str, Permission] = {}
        for row in _flatten(rows):
            if row.operation in self.rows:
                raise ValueError(f"{service}: {row.operation} has two rows")
            self.rows[row.operation] = row

    def __contains__(self, operation: str) -> bool:
        return operation in self.rows

    def __iter__(self):
        return iter(self.rows.values())

    def row(self, operation: str) -> Permission:
        return self.rows[operation]

    def actions(self, method: str) -> list[str]:
        """The actions a dispatching method has rows for."""
        prefix = method + "."
        return [name[len(prefix):] for name in self.rows if name.startswith(prefix)]

    def covers(self, method: str) -> bool:
        """Whether `method` has a row, or rows for its actions."""
        return method in self.rows or bool(self.actions(method))

    def row_for_call(self, method: str, action: str | None = None) -> Permission:
        """The row a call of `method` (with `action`, if it dispatches) is checked against."""
        if method in self.dispatch:
            name = f"{method}.{action}"
            if name not in self.rows:
                raise Refused("unknown_action", NOT_FOUND,
                              f"no action {action!r} here; the actions are: "
                              f"{', '.join(sorted(self.actions(method)))}")
            return self.rows[name]
        return self.rows[method]

    def check(self, method: str, role: str, action: str | None = None) -> Scope:
        """The scope `role` calls `method` in, or `Refused` before any work is done."""
        return self.row_for_call(method, action).refuse_unless_allowed(role, self.service)

    def missing(self, methods: Iterable[str]) -> list[str]:
        """The methods among `methods` with no row."""
        return sorted(method for method in methods if not self.covers(method))

    def markdown(self) -> str:
        """The table as Markdown: an operation per line, each role's scope in its column."""
        roles = [role for role in ROLES if any(role in row.grants for row in self)]
        lines = ["| operation | " + " | ".join(roles) + " |",
                 "|---|" + "---|" * len(roles)]
        for row in self:
            cells = [row.scope(role).value if row.scope(role) else "·" for role in roles]
            lines.append(f"| `{row.operation}` | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def _flatten(rows) -> list[Permission]:
    found = []
    for item in rows:
        if isinstance(item, Permission):
            found.append(item)
        else:
            found.extend(_flatten(item))
    return found
