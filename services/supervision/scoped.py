"""What every area's RPC mixin of supervision shares: the caller's scope found before a question
is read (everything for the office and the working group, his own unit for a unit officer, his
linkage's units for a leader, as tracking keeps them), a command's role checked before anything
is read, and a body's fields and a list's filters read through the kernel's wire helpers.

Needs the service's `store` (EventSourcing)."""
from __future__ import annotations

from kernel import wire
from kernel.actor import Actor
from kernel.errors import DomainError, Refused, UnknownCode
from services.supervision import access as roles
from services.supervision.tracking import views as tracking


def arguments(fields, model, context: str) -> dict:
    """The body's fields, each the model takes; the required ones present (None when missing,
    for the aggregate to name)."""
    return wire.body_fields(fields, model, context)


def filters(given, model) -> dict:
    """The filters given (blank ones are none), each one the model names."""
    return wire.filter_values(given, model.model_fields)


def flag(value) -> bool | None:
    """A yes-or-no filter as a query spells it."""
    if value is None or isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "1"):
        return True
    if str(value).lower() in ("false", "0"):
        return False
    raise UnknownCode("filter", value, ["true", "false"])


def may(who: Actor, doing: str, allowed=roles.ACTORS) -> Actor:
    """The role checked before any work: `Refused` (forbidden) naming who may."""
    try:
        return roles.may(who, doing, allowed)
    except DomainError as exc:
        raise Refused.from_domain(exc) from exc


class Scoped:
    """Who reads what: everything for the office and the working group, his own unit for a
    unit officer, his linkage's units for a leader (tracking keeps them)."""

    @staticmethod
    def _scope(connection, who: Actor) -> set[str] | None:
        leader = tracking.leader_units(connection, who.sub) if who.role == "leader" else None
        return roles.reader_scope(who, leader)

    def _query(self, name: str, actor: dict, read):
        """The question `name`: `read(uow, scope)`, the caller's scope found first (which
        refuses a caller who may not read supervision)."""
        who = Actor.from_dict(actor)
        return self.store.query(name, lambda uow: read(uow, self._scope(uow.connection, who)))

    def _command(self, name: str, actor: dict, fields: dict, model, context: str, decide,
                 allowed: tuple[str, ...], doing: str):
        """The command `name`: `decide(uow, who, arguments)`, the body's fields read first as
        `model`'s (`context` names the body in a refusal). A role not `allowed` is refused
        before anything is read or computed; the aggregate checks the rest."""
        who = Actor.from_dict(actor)
        may(who, doing, allowed)
        return self.store.execute(name, lambda uow: decide(
            uow, who, arguments(fields, model, context)))
