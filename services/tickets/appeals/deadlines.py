"""How many working days each step of an appeal may take: signing for it, the first response to the
enterprise, and its resolution; how long a resolved appeal waits for a rating; and the arithmetic
that turns an instant and those days into the due instants the facts record.

The policy is configuration handed to the aggregate. The days in force when an appeal is received
are written into its `TicketRaised` fact, so a later change of policy never moves the deadlines of
appeals already in the ledger, and a replay needs no policy at all. Days are Chinese working days
(`kernel.workdays`): a step due in n working days is due at the end of the n-th working day after
the instant it starts, Beijing time.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Mapping

from kernel.envelope import format_time, parse_time
from kernel.workdays import add_working_days
from services.tickets.appeals.vocabulary import Category


@dataclasses.dataclass(frozen=True)
class StepDays:
    """Working days allowed for each step of one appeal."""

    sign: int = 1
    first_response: int = 3
    resolution: int = 15

    def __post_init__(self):
        for name in ("sign", "first_response", "resolution"):
            days = getattr(self, name)
            if not isinstance(days, int) or days < 1:
                raise ValueError(f"deadline policy: {name} must be a whole number of working days ≥ 1")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> "StepDays":
        return cls(sign=data["sign"], first_response=data["first_response"], resolution=data["resolution"])


@dataclasses.dataclass(frozen=True)
class DeadlinePolicy:
    """The default step days, overrides per cost category, and the wait for a rating."""

    default: StepDays = StepDays()
    per_category: Mapping[str, StepDays] = dataclasses.field(default_factory=dict)
    close_unrated_after: int = 5

    def __post_init__(self):
        unknown = sorted(set(self.per_category) - set(Category.codes()))
        if unknown:
            raise ValueError(f"deadline policy names unknown categories: {', '.join(unknown)}")
        if not isinstance(self.close_unrated_after, int) or self.close_unrated_after < 1:
            raise ValueError("deadline policy: close_unrated_after must be a whole number of working days ≥ 1")

    def for_category(self, category: str) -> StepDays:
        return self.per_category.get(str(category), self.default)

    @classmethod
    def from_dict(cls, data: Mapping) -> "DeadlinePolicy":
        """`{"default": {...}, "per_category": {"financing": {...}}, "close_unrated_after": 5}`;
        a step left out of a category keeps the default's days."""
        unknown = sorted(set(data) - {"default", "per_category", "close_unrated_after"})
        if unknown:
            raise ValueError(f"deadline policy: unknown setting {', '.join(unknown)}")
        default = StepDays(**{**StepDays().to_dict(), **data.get("default", {})})
        per_category = {code: StepDays(**{**default.to_dict(), **days})
                        for code, days in data.get("per_category", {}).items()}
        return cls(default, per_category, data.get("close_unrated_after", 5))


DEFAULT_POLICY = DeadlinePolicy()


def policy_from_json(text: str | None) -> DeadlinePolicy:
    """The policy an office configures (HUIQI_TICKET_DEADLINES); the notice's days when unset."""
    if not text:
        return DEFAULT_POLICY
    try:
        return DeadlinePolicy.from_dict(json.loads(text))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"HUIQI_TICKET_DEADLINES is not a valid deadline policy: {exc}") from exc


# -- due instants --------------------------------------------------------------------------------
# Each returns the instant as the facts write it (ISO 8601, UTC), so payload and fold agree.

def due_after(start: dt.datetime, working_days: int) -> str:
    """The end of the `working_days`-th working day after `start`."""
    return format_time(add_working_days(start, working_days))


def sign_due(dispatched_at: dt.datetime, days: StepDays) -> str:
    """签收: counted from the dispatch (or redispatch) to the unit. notice 二(四)2"""
    return due_after(dispatched_at, days.sign)


def first_response_due(signed_for_at: dt.datetime, days: StepDays) -> str:
    """The first answer to the enterprise (the classification), counted from signing for it."""
    return due_after(signed_for_at, days.first_response)


def resolution_due(start: dt.datetime, days: StepDays) -> str:
    """办结: counted from signing for it, or afresh from a sending back or a reopening."""
    return due_after(start, days.resolution)


def extended(due: str, working_days: int) -> str:
    """A granted extension moves the resolution due by working days from the due it had."""
    return due_after(parse_time(due), working_days)


def rating_wait_over(resolved_at: str, policy: DeadlinePolicy) -> dt.datetime:
    """Until when a resolved appeal waits for the enterprise's rating before it is closed off."""
    return add_working_days(parse_time(resolved_at), policy.close_unrated_after)


def met_in_time(due: str | None, at: dt.datetime) -> bool:
    """Whether a step taken at `at` meets its due (a step with no due is on time)."""
    return due is None or parse_time(due) >= at


def passed(due: str, at: dt.datetime) -> bool:
    """Whether the due has passed by `at`: a step still pending then has missed it."""
    return parse_time(due) < at
