"""The rectification of a bad rating (差评整改, 国办发〔2019〕51号 and GB/T 39734): a rating of 不满意
or worse opens a rectification for the unit that handled the appeal. Within its working days (5
by default, `DeadlinePolicy.rectification_days`) the unit verifies the rating and classifies it:

- 立行立改 `fixed`: put right at once; done;
- 限期整改 `planned`: a plan and the date it will be carried out by; open until the unit reports
  it completed;
- 解释说明 `explained`: the unit explains why nothing is to be put right; done;
- 申诉 `disputed`: the unit disputes the rating, with its reason; the office reviews it and
  upholds the rating (it stays counted) or voids it (it leaves the measures, saying why).

Plain Python, no I/O: the `Ticket` aggregate keeps its rectifications as `Rectification`s, by
number, and asks these rules before it records their facts. A rectification is kept on the
appeal's own stream, so that the rating, its rectification and the redo it sent the appeal to
are one consistency boundary and one history; the enterprise sees each step on its appeal.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Mapping

from kernel import checks
from kernel.envelope import format_time
from kernel.workdays import end_of_day, local_date
from services.tickets.appeals.deadlines import met_in_time, passed
from services.tickets.appeals.exceptions import (
    NoRectification, NotRectifyingUnit, PlanDateNotAhead, RectificationNotDisputed,
    RectificationNotOpen, RectificationNotPlanned, RectificationToChoose,
)
from kernel.errors import InvalidDate, UnexpectedField
from services.tickets.appeals.vocabulary import RectificationStatus, RectificationWay

# A classification's status: what the way leaves the rectification as.
CLASSIFIED_AS = {
    RectificationWay.FIXED: RectificationStatus.FIXED,
    RectificationWay.PLANNED: RectificationStatus.PLANNED,
    RectificationWay.EXPLAINED: RectificationStatus.EXPLAINED,
    RectificationWay.DISPUTED: RectificationStatus.DISPUTED,
}
# Waiting on the unit: to classify it, or to carry out its plan. A dispute waits on the office.
UNIT_OWES = (RectificationStatus.OPEN, RectificationStatus.PLANNED)
UNFINISHED = (*UNIT_OWES, RectificationStatus.DISPUTED)


@dataclasses.dataclass
class Rectification:
    """One rectification as the aggregate decides on it."""

    number: int
    unit: str | None
    rating: str
    due: str
    status: RectificationStatus = RectificationStatus.OPEN
    plan_due: str | None = None
    # The dues already recorded as missed: the classification's, then the plan's.
    missed: set[str] = dataclasses.field(default_factory=set)

    @property
    def plan_until(self) -> str | None:
        """The end of the plan's date, the office's day: a plan met that day is met in time."""
        if self.plan_due is None:
            return None
        return format_time(end_of_day(dt.date.fromisoformat(self.plan_due)))

    @property
    def pending_due(self) -> str | None:
        """What the unit must meet next: its classification's due, or the end of its plan's
        date."""
        if self.status is RectificationStatus.OPEN:
            return self.due
        if self.status is RectificationStatus.PLANNED:
            return self.plan_until
        return None

    def to_dict(self) -> dict:
        return {"number": self.number, "unit": self.unit, "rating": self.rating,
                "due": self.due, "status": self.status.value, "plan_due": self.plan_due,
                "pending_due": self.pending_due,
                "overdue": self.pending_due is not None and self.pending_due in self.missed}


def chosen(rectifications: Mapping[int, Rectification], number, states, doing: str
           ) -> Rectification:
    """The rectification a command names by `number`, or else the only one in `states`."""
    if number is not None:
        if isinstance(number, bool) or not isinstance(number, int):
            raise NoRectification(number)
        found = rectifications.get(number)
        if found is None:
            raise NoRectification(number)
        return found
    waiting = [r for r in rectifications.values() if r.status in states]
    if not waiting:
        raise NoRectification(None)
    if len(waiting) > 1:
        raise RectificationToChoose([r.number for r in waiting], doing)
    return waiting[0]


def check_unit(rectification: Rectification, unit: str | None) -> None:
    """Only the unit the 差评 was for verifies and rectifies it."""
    if unit != rectification.unit:
        raise NotRectifyingUnit(unit, rectification.unit)


def check_may_classify(rectification: Rectification) -> None:
    if rectification.status is not RectificationStatus.OPEN:
        raise RectificationNotOpen(rectification.number, rectification.status.label, "classified")


def check_may_complete(rectification: Rectification) -> None:
    if rectification.status is not RectificationStatus.PLANNED:
        raise RectificationNotPlanned(rectification.number, rectification.status.label)


def check_may_rule(rectification: Rectification) -> None:
    if rectification.status is not RectificationStatus.DISPUTED:
        raise RectificationNotDisputed(rectification.number, rectification.status.label)


def classification(way: RectificationWay, plan, plan_due, at: dt.datetime,
                   limit: int) -> dict:
    """The details a way needs: a plan and its date for 限期整改, after today; none for another."""
    if way is not RectificationWay.PLANNED:
        for field, value in (("plan", plan), ("plan_due", plan_due)):
            if value is not None:
                raise UnexpectedField(field, f"a rectification classified {way.value}")
        return {}
    checked_plan = checks.text("plan", plan, limit)
    if isinstance(plan_due, dt.date):
        date = plan_due
    else:
        try:
            date = dt.date.fromisoformat(checks.text("plan_due", plan_due, 10))
        except ValueError:
            raise InvalidDate("plan_due", plan_due) from None
    # Dates are the office's (Beijing) days, as the working-day calendar counts them.
    if date <= local_date(at):
        raise PlanDateNotAhead(date.isoformat())
    return {"plan": checked_plan, "plan_due": date.isoformat()}


def plan_met(rectification: Rectification, at: dt.datetime) -> bool:
    """A plan is carried out on time on or before its date (the whole office day counts)."""
    return met_in_time(rectification.plan_until, at)


def missed_by(rectifications: Mapping[int, Rectification], at: dt.datetime
              ) -> list[tuple[Rectification, str]]:
    """Each rectification whose pending due passed by `at` and is not recorded as missed."""
    found = []
    for rectification in rectifications.values():
        due = rectification.pending_due
        if due is None or due in rectification.missed:
            continue
        if passed(due, at):
            found.append((rectification, due))
    return found


def on_time(rectification: Rectification, at: dt.datetime) -> bool:
    return met_in_time(rectification.due, at)
