"""The shape every service's rules table shares: one row per command on an aggregate, saying which
roles may run it in which statuses and which named error refuses it elsewhere, and the table
printed as Markdown for the documents.

Each service subclasses `Row` (or `OwnUnitRow`), names its own errors on the subclass and adds
its own checks; the errors, their rule codes and their messages stay the service's. Plain
Python, no I/O.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar, Protocol

from kernel.actor import Actor
from kernel.errors import DomainError

Refusal = type[DomainError]


@dataclasses.dataclass(frozen=True)
class Row:
    """One row: who may run `command`, and in which `statuses`.

    A status outside `statuses` is refused by the row's `refused[status]` if named, else by the
    table's `final_refusals[status]`, else by the row's `otherwise`, else by the table's
    `default_refusal` (by default its `status_does_not_allow`). The refusals word the command as
    `doing`: the command's name, followed by `acts_on` ("publish the policy"), unless given.
    """

    command: str
    roles: tuple[str, ...]
    statuses: tuple[Any, ...]
    otherwise: Refusal | None = None
    refused: Mapping[Any, Refusal] = dataclasses.field(default_factory=dict)
    doing: str = ""

    # What a table's subclass names: the errors are each service's own.
    role_not_allowed: ClassVar[Refusal]
    # Built with (doing, status, allowed statuses); `matrix` marks it `·`.
    status_does_not_allow: ClassVar[Refusal | None] = None
    # Statuses refused alike by every row: an ended life, say.
    final_refusals: ClassVar[Mapping[Any, Refusal]] = {}
    default_refusal: ClassVar[Refusal | None] = None
    acts_on: ClassVar[str] = ""

    def __post_init__(self):
        if not self.doing:
            words = " ".join(filter(None, (self.command.replace("_", " "), self.acts_on)))
            object.__setattr__(self, "doing", words)

    def refusal(self, status) -> Refusal | None:
        """The error that refuses the command in `status`; None where it is allowed."""
        if status in self.statuses:
            return None
        if status in self.refused:
            return self.refused[status]
        if status in self.final_refusals:
            return self.final_refusals[status]
        return self.otherwise or self.default_refusal or self.status_does_not_allow

    def check_role(self, actor: Actor) -> None:
        if actor.role not in self.roles:
            raise self.role_not_allowed(actor.role, self.doing, self.roles)

    def refuse_in(self, status) -> None:
        """Raise the refusal of the command in `status`, if it is refused there."""
        error = self.refusal(status)
        if error is not None:
            raise self.refusing(error, status)

    def refusing(self, error: Refusal, status) -> DomainError:
        """`error` built with its words; a table whose errors take other words overrides this."""
        if error is self.status_does_not_allow:
            return error(self.doing, status, self.statuses)
        return error(self.doing)

    def cells(self) -> dict[str, str]:
        """The table's own columns for this row in `matrix`, between the roles and the statuses."""
        return {}


class Subject(Protocol):
    """What a rules table reads of the thing acted on; each service's protocol adds its own."""

    id: str

    @property
    def exists(self) -> bool: ...

    @property
    def status(self) -> str | None: ...


@dataclasses.dataclass(frozen=True)
class OwnUnitRow(Row):
    """A row where a unit officer acts only on what belongs to the officer's unit (`own_unit`);
    other roles may act on any."""

    own_unit: bool = True

    not_found: ClassVar[Refusal]
    # Built with (the officer's unit, the owning unit, doing).
    not_own_unit: ClassVar[Refusal]
    # The status vocabulary the thing's `status` code is read in.
    status_type: ClassVar[type]

    def check(self, subject: Subject, actor: Actor, unit: str | None) -> OwnUnitRow:
        """Refuse, in order: the thing does not exist; the role may not; the officer's unit is not
        `unit`, the owning one; the status does not allow it."""
        if not subject.exists:
            raise self.not_found(subject.id)
        self.check_role(actor)
        if self.own_unit and actor.role == "unit_officer" and actor.unit != unit:
            raise self.not_own_unit(actor.unit, unit, self.doing)
        self.refuse_in(self.status_type(subject.status))
        return self

    def cells(self) -> dict[str, str]:
        return {"own unit": "✓" if self.own_unit else ""}


def table(*rows: Row) -> dict:
    """The rows keyed by command, in the order given."""
    return {row.command: row for row in rows}


def matrix(rules: Mapping[str, Row], statuses: Iterable,
           commands: Sequence[str] | None = None) -> str:
    """The table as Markdown: a row per command, its roles, the table's own columns, and per
    status ✓ where allowed, · where the status-does-not-allow error refuses it, or else the rule
    code of the named error."""
    statuses = list(statuses)
    rows = [rules[command] for command in commands or rules]
    own = list(rows[0].cells()) if rows else []
    header = ["command", "roles", *own, *(status.value for status in statuses)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [row.command, ", ".join(row.roles), *row.cells().values()]
        for status in statuses:
            error = row.refusal(status)
            cells.append("✓" if error is None
                         else "·" if error is row.status_does_not_allow else error.rule)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
