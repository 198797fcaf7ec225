"""How many working days each step of an appeal may take: signing for it, the first response to the
enterprise, and its resolution; how long a resolved appeal waits for a rating; and the arithmetic
that turns an instant and those days into the due instants the facts record.

The policy is configuration handed to the aggregate. The days in force when an appeal is received
are written into its `TicketRaised` fact, so a later change of policy never moves the deadlines of
appeals already in the ledger, and a replay needs no policy at all. Days are Chinese working days
(`kernel.workdays`): a step due in n working days is due at the end of the n-th working day after
the instant it starts, Beijing time.

An appeal raised with its type (咨询, 求助 …) or urgency (一般, 紧急) takes its resolution days from
its type, and its category's or the office's settings for that type, and a dispatch window from
its urgency: within an hour when urgent, else within a working day. An appeal raised without
either, as every appeal was before types existed, takes the category's days as it always did and
has no dispatch deadline, so its deadlines are those it would have had.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Mapping

from kernel.envelope import format_time, parse_time
from kernel.workdays import add_working_days
from services.tickets.appeals.vocabulary import AppealType, Category, Urgency


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
class DispatchWithin:
    """How soon the office must hand an appeal on after receiving it: hours by the clock (an
    urgent matter waits for no working day), or working days."""

    hours: int | None = None
    working_days: int | None = None

    def __post_init__(self):
        given = [name for name in ("hours", "working_days") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("deadline policy: a dispatch window is either hours or working_days")
        days = getattr(self, given[0])
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise ValueError(f"deadline policy: dispatch {given[0]} must be a whole number ≥ 1")

    def to_dict(self) -> dict:
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}


# 12345 practice: a consultation is answered in 2 working days, a request for help or a
# suggestion in 10, a complaint or a report in 15. A consultation's first response cannot come
# after its answer, so it is due within the same 2 days.
TYPE_DAYS: Mapping[str, Mapping[str, int]] = {
    AppealType.CONSULTATION.value: {"first_response": 2, "resolution": 2},
    AppealType.HELP.value: {"resolution": 10},
    AppealType.SUGGESTION.value: {"resolution": 10},
    AppealType.COMPLAINT.value: {"resolution": 15},
    AppealType.REPORT.value: {"resolution": 15},
}
DISPATCH_WITHIN: Mapping[str, DispatchWithin] = {
    Urgency.URGENT.value: DispatchWithin(hours=1),
    Urgency.NORMAL.value: DispatchWithin(working_days=1),
}
STEPS = ("sign", "first_response", "resolution")


def _step_overrides(where: str, days: Mapping) -> dict:
    if not isinstance(days, Mapping):
        raise ValueError(f"deadline policy: {where} must be an object of step days")
    unknown = sorted(set(days) - set(STEPS))
    if unknown:
        raise ValueError(f"deadline policy: {where} names unknown steps {', '.join(unknown)}")
    return dict(days)


@dataclasses.dataclass(frozen=True)
class DeadlinePolicy:
    """The default step days, overrides per cost category, per appeal type and per type within
    a category, the dispatch window per urgency, and the wait for a rating.

    A typed appeal's days: the default, then its category's, then its type's, then its type's
    within that category, each overriding only the steps it names."""

    default: StepDays = StepDays()
    per_category: Mapping[str, StepDays] = dataclasses.field(default_factory=dict)
    close_unrated_after: int = 5
    per_type: Mapping[str, Mapping[str, int]] = dataclasses.field(
        default_factory=lambda: dict(TYPE_DAYS))
    per_type_category: Mapping[str, Mapping[str, Mapping[str, int]]] = dataclasses.field(
        default_factory=dict)
    dispatch: Mapping[str, DispatchWithin] = dataclasses.field(
        default_factory=lambda: dict(DISPATCH_WITHIN))
    # 差评整改: the working days a unit has to verify and classify a bad rating.
    rectification_days: int = 5

    def __post_init__(self):
        unknown = sorted(set(self.per_category) - set(Category.codes()))
        if unknown:
            raise ValueError(f"deadline policy names unknown categories: {', '.join(unknown)}")
        if not isinstance(self.close_unrated_after, int) or self.close_unrated_after < 1:
            raise ValueError("deadline policy: close_unrated_after must be a whole number of working days ≥ 1")
        days = self.rectification_days
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
            raise ValueError("deadline policy: rectification_days must be a whole number of working days from 1 to 30")
        unknown_types = sorted((set(self.per_type) | set(self.per_type_category))
                               - set(AppealType.codes()))
        if unknown_types:
            raise ValueError(f"deadline policy names unknown appeal types: {', '.join(unknown_types)}")
        for appeal_type, by_category in self.per_type_category.items():
            strays = sorted(set(by_category) - set(Category.codes()))
            if strays:
                raise ValueError(f"deadline policy names unknown categories under "
                                 f"{appeal_type}: {', '.join(strays)}")
        missing = sorted(set(Urgency.codes()) - set(self.dispatch))
        if missing or set(self.dispatch) - set(Urgency.codes()):
            raise ValueError("deadline policy: dispatch needs a window for each urgency "
                             f"({', '.join(Urgency.codes())})")
        # Every combination is worked out once, so a bad setting fails the start, not a raise.
        for appeal_type in AppealType.codes():
            for category in Category.codes():
                self.for_appeal(category, appeal_type)

    def for_category(self, category: str) -> StepDays:
        return self.per_category.get(str(category), self.default)

    def for_appeal(self, category: str, appeal_type: str | None) -> StepDays:
        """The step days of an appeal of `category` and `appeal_type` (None: an untyped appeal,
        which keeps the category's days)."""
        days = self.for_category(category)
        if appeal_type is None:
            return days
        return StepDays(**{**days.to_dict(), **self.per_type.get(str(appeal_type), {}),
                           **self.per_type_category.get(str(appeal_type), {}).get(str(category), {})})

    def dispatch_within(self, urgency: str) -> DispatchWithin:
        return self.dispatch[str(urgency)]

    @classmethod
    def from_dict(cls, data: Mapping) -> "DeadlinePolicy":
        """`{"default": {...}, "per_category": {"financing": {...}}, "per_type": {"complaint":
        {"resolution": 15, "per_category": {"financing": {"resolution": 20}}}}, "dispatch":
        {"urgent": {"hours": 1}, "normal": {"working_days": 1}}, "close_unrated_after": 5,
        "rectification_days": 5}`;
        a step left out of a category keeps the default's days, a step left out of a type its
        category's, and a type or urgency left out keeps the notice's days."""
        unknown = sorted(set(data) - {"default", "per_category", "per_type", "dispatch",
                                      "close_unrated_after", "rectification_days"})
        if unknown:
            raise ValueError(f"deadline policy: unknown setting {', '.join(unknown)}")
        default = StepDays(**{**StepDays().to_dict(), **data.get("default", {})})
        per_category = {code: StepDays(**{**default.to_dict(), **days})
                        for code, days in data.get("per_category", {}).items()}
        per_type = {code: dict(days) for code, days in TYPE_DAYS.items()}
        per_type_category: dict[str, dict] = {}
        for code, days in data.get("per_type", {}).items():
            days = dict(days) if isinstance(days, Mapping) else days
            nested = days.pop("per_category", {}) if isinstance(days, dict) else {}
            per_type[code] = {**per_type.get(code, {}),
                              **_step_overrides(f"per_type {code}", days)}
            per_type_category[code] = {
                category: _step_overrides(f"per_type {code} {category}", steps)
                for category, steps in nested.items()}
        dispatch = dict(DISPATCH_WITHIN)
        for urgency, window in data.get("dispatch", {}).items():
            dispatch[urgency] = DispatchWithin(**window)
        return cls(default, per_category, data.get("close_unrated_after", 5), per_type,
                   per_type_category, dispatch, data.get("rectification_days", 5))


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


def dispatch_due(received_at: dt.datetime, within: DispatchWithin) -> str:
    """交办: counted from the receipt; an hour is an hour by the clock, day or night."""
    if within.hours is not None:
        return format_time(received_at + dt.timedelta(hours=within.hours))
    return due_after(received_at, within.working_days)


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
