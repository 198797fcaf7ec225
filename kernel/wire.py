"""The building blocks every service's wire contract (`services/<name>/contract.py`) is made of:
bounded text, the credit code's shape, a request body that takes exactly its fields, a command
as the HTTP API names it, the one way a body (or a list query's filters) becomes a command's
fields, and the one way an action named on the wire becomes the command the store runs on an
aggregate. Shapes only; what a value may be is for the aggregate to say."""
from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Callable, Iterable, Mapping

from pydantic import BaseModel, ConfigDict, StringConstraints

from kernel.envelope import utc_now
from kernel.errors import NotAnObject, UnexpectedField, UnknownCode, UnknownFilter

CREDIT_CODE_LENGTH = 18   # 统一社会信用代码

# Text never carries NUL: no store keeps it faithfully.
NO_NUL = r"^[^\x00]*$"


def Text(limit: int, minimum: int = 1):
    """Text of `minimum` to `limit` characters once stripped."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=minimum,
                                            max_length=limit, pattern=NO_NUL)]


# Exactly 18 characters; whether the check character holds is the aggregate's to say.
CreditCode = Annotated[str, StringConstraints(strip_whitespace=True,
                                              min_length=CREDIT_CODE_LENGTH,
                                              max_length=CREDIT_CODE_LENGTH, pattern=NO_NUL)]


class Body(BaseModel):
    """A request body: exactly the fields named, surrounding blanks stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@dataclasses.dataclass(frozen=True)
class Action:
    """A command on an aggregate, as the HTTP API names it: the method it runs and the body it
    takes."""

    method: str
    body: type[Body]
    summary: str

    @property
    def fields(self) -> set[str]:
        return set(self.body.model_fields)


# -- from a request body to a command's fields --------------------------------------------------

def _names(takes) -> tuple[set[str], tuple[str, ...]]:
    """The fields `takes` accepts and those it requires: a body model, an action, or a plain
    collection of names (none of them required)."""
    if isinstance(takes, Action):
        takes = takes.body
    if isinstance(takes, type) and issubclass(takes, BaseModel):
        fields = takes.model_fields
        return set(fields), tuple(name for name, info in fields.items() if info.is_required())
    return set(takes), ()


def body_fields(body, takes, context: str, *, field: str = "fields",
                required: Iterable[str] = ()) -> dict:
    """A request body as a command's keyword arguments.

    The body is an object (None is an empty one) whose every field `takes` accepts; a required
    field it lacks is passed as None, so that the aggregate names it in its own words. `context`
    says what the body is for ("the sign_for command on an appeal"), in the refusal of an
    unknown field."""
    allowed, needed = _names(takes)
    if body is None:
        body = {}
    if not isinstance(body, Mapping):
        raise NotAnObject(field, sorted(allowed), body)
    for name in body:
        if name not in allowed:
            raise UnexpectedField(name, context)
    return {**{name: None for name in (*needed, *required)}, **body}


def command_fields(actions: Mapping[str, Action], action: str, body, what: str
                   ) -> tuple[str, dict]:
    """The method an action names and its body's fields (as `body_fields`); an action not in
    the table is refused naming those that are."""
    if action not in actions:
        raise UnknownCode("action", action, sorted(actions))
    command = actions[action]
    return command.method, body_fields(body, command.body, f"the {action} command on {what}")


def filter_values(filters, known: Iterable[str]) -> dict:
    """A list query's filters: an object (None is none) naming only `known` filters; a blank
    value is no filter, text is stripped."""
    known = tuple(known)
    if filters is None:
        return {}
    if not isinstance(filters, Mapping):
        raise NotAnObject("filters", known, filters)
    found = {}
    for name, value in filters.items():
        if name not in known:
            raise UnknownFilter(name, list(known))
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        found[name] = value.strip() if isinstance(value, str) else value
    return found


# -- from an action to the command the store runs ----------------------------------------------

def command_name(actions: Mapping[str, Action], action: str) -> str:
    """What the store counts and keeps a command on an aggregate under: the method the action
    names, or "unknown" for an action not in the table (`command_fields` refuses it inside the
    command, so that the refusal is counted like any other)."""
    known = actions.get(action)
    return known.method if known else "unknown"


def on_aggregate(actions: Mapping[str, Action], action: str, body, what: str,
                 decide: Callable[[Any, str, dict], Any]) -> tuple[str, Callable[[Any], Any]]:
    """An action on an aggregate as the store runs it, for `store.execute(*on_aggregate(...))`:
    the command's name (`command_name`) and its decision, which takes the action's method and
    fields (`command_fields`) in the unit of work and hands them to
    `decide(uow, method, arguments)`."""
    def run(uow):
        method, arguments = command_fields(actions, action, body, what)
        return decide(uow, method, arguments)

    return command_name(actions, action), run


def saved(uow, aggregate) -> dict:
    """What the aggregate recorded, appended in the unit of work: its snapshot, the command's
    answer."""
    uow.save(aggregate)
    return aggregate.snapshot()


def perform(uow, aggregate, method: str, arguments: Mapping, actor, *, at=None) -> dict:
    """`method` run on the aggregate by `actor`, at `at` (now unless given), and `saved`."""
    getattr(aggregate, method)(at=at or utc_now(), actor=actor, **arguments)
    return saved(uow, aggregate)

